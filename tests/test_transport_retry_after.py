"""Retry-After as an HTTP date, read against the clock of the server that wrote it."""

from __future__ import annotations

import email.utils
import time

import httpx
import pytest

from krsms import errors
from krsms.transport import Response, RetryPolicy, Transport


def generic_errors(response: Response) -> errors.ProviderError:
    return response.status_error(f"HTTP {response.status_code}", provider="test")


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record backoff pauses instead of sleeping."""
    recorded: list[float] = []

    async def fake_sleep(delay: float) -> None:
        recorded.append(delay)

    monkeypatch.setattr("krsms.transport.anyio.sleep", fake_sleep)
    return recorded


def http_date(timestamp: float) -> str:
    return email.utils.formatdate(timestamp, usegmt=True)


@pytest.mark.parametrize("local_clock_off_by", [-600, 600], ids=["local clock behind", "local clock ahead"])
async def test_a_retry_after_date_is_read_against_the_servers_own_date(
    local_clock_off_by: int, sleeps: list[float]
) -> None:
    """The server asks for 5 seconds as a date of its own clock, and says what time it is: a
    local clock 10 minutes off neither gives up (a 605-second pause, past the cap) nor
    retries at once (a pause already past)."""
    server_now = time.time() - local_clock_off_by
    refused = httpx.Response(429, headers={"Date": http_date(server_now), "Retry-After": http_date(server_now + 5)})
    answers = [refused, httpx.Response(202, json={})]

    def answer(request: httpx.Request) -> httpx.Response:
        return answers.pop(0)

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        transport = Transport(
            provider="test",
            auth=None,
            error_parser=generic_errors,
            http_client=client,
            retry=RetryPolicy(initial_backoff=0.01, max_retry_after=60),
        )
        response = await transport.request("POST", "https://provider.test/send", json={})
    assert response.status_code == 202
    assert len(sleeps) == 1
    assert 4.9 <= sleeps[0] <= 5.1


async def test_a_rate_limit_error_carries_the_pause_by_the_servers_date() -> None:
    server_now = time.time() + 3600
    refused = httpx.Response(429, headers={"Date": http_date(server_now), "Retry-After": http_date(server_now + 30)})
    async with httpx.AsyncClient(transport=httpx.MockTransport(lambda request: refused)) as client:
        transport = Transport(
            provider="test",
            auth=None,
            error_parser=generic_errors,
            http_client=client,
            retry=RetryPolicy(max_attempts=1),
        )
        with pytest.raises(errors.RateLimitedError) as caught:
            await transport.request("POST", "https://provider.test/send", json={})
    assert caught.value.retry_after is not None
    assert 29 <= caught.value.retry_after <= 31


async def test_without_a_date_a_retry_after_date_is_read_against_the_local_clock(sleeps: list[float]) -> None:
    answers = [httpx.Response(503, headers={"Retry-After": http_date(time.time() + 20)}), httpx.Response(200, json={})]
    async with httpx.AsyncClient(transport=httpx.MockTransport(lambda request: answers.pop(0))) as client:
        transport = Transport(provider="test", auth=None, error_parser=generic_errors, http_client=client)
        await transport.request("GET", "https://provider.test/look-up")
    assert len(sleeps) == 1
    assert 18 <= sleeps[0] <= 21


async def test_a_zone_less_date_is_taken_as_utc(sleeps: list[float]) -> None:
    """``-0000``, "no zone information" (RFC 5322): UTC, as for the Retry-After date itself,
    not the local time zone."""
    server_now = time.time() - 3 * 3600
    date = http_date(server_now).replace("GMT", "-0000")
    answers = [
        httpx.Response(429, headers={"Date": date, "Retry-After": http_date(server_now + 5)}),
        httpx.Response(202, json={}),
    ]
    async with httpx.AsyncClient(transport=httpx.MockTransport(lambda request: answers.pop(0))) as client:
        transport = Transport(provider="test", auth=None, error_parser=generic_errors, http_client=client)
        await transport.request("POST", "https://provider.test/send", json={})
    assert len(sleeps) == 1
    assert 4.9 <= sleeps[0] <= 5.6

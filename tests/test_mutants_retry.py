"""Tests that kill hand mutants of :mod:`krsms.retry`: the jitter's random source, the
``Retry-After`` forms read, the defaults of :class:`RetryPolicy`."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from krsms import errors
from krsms.retry import RetryPolicy, http_date_timestamp, parse_retry_after
from krsms.transport import Response, Transport


class Midpoint:
    """A random source whose every draw is the middle of its range."""

    def uniform(self, low: float, high: float) -> float:
        return (low + high) / 2


def test_the_backoff_draws_from_the_transports_random_source_up_to_its_ceiling() -> None:
    policy = RetryPolicy(initial_backoff=0.5, max_backoff=8.0)
    assert [policy.backoff(attempt, rng=Midpoint()) for attempt in (1, 2, 3, 6)] == [0.25, 0.5, 1.0, 4.0]


def test_a_retry_after_gets_up_to_initial_backoff_of_jitter() -> None:
    policy = RetryPolicy(initial_backoff=0.5)
    assert policy.backoff(1, retry_after=2.0, rng=Midpoint()) == 2.25


@pytest.mark.parametrize(("value", "seconds"), [(" 120 ", 120.0), ("0", 0.0), ("\t7\r\n", 7.0)])
def test_a_retry_after_in_seconds_is_read_around_its_whitespace(value: str, seconds: float) -> None:
    assert parse_retry_after(value) == seconds


@pytest.mark.parametrize("value", ["١٢", "１２", "-5", "1.5", "12s"])
def test_a_retry_after_that_is_not_ascii_digits_is_ignored(value: str) -> None:
    """Python reads Arabic-Indic and full-width digits as numbers; RFC 9110 does not."""
    assert parse_retry_after(value) is None


@pytest.fixture
def seoul_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The local time zone is Seoul's (UTC+9) for the test."""
    monkeypatch.setenv("TZ", "Asia/Seoul")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("seoul_clock")
def test_a_zone_less_http_date_is_utc_whatever_the_local_zone() -> None:
    """asctime's form has no zone: RFC 9110 dates are all GMT."""
    assert http_date_timestamp("Sun Nov  6 08:49:37 1994") == 784111777.0
    assert parse_retry_after("Sun Nov  6 08:50:37 1994", now=784111777.0) == 60.0


def test_the_default_cap_on_a_retry_after_is_a_minute() -> None:
    policy = RetryPolicy()
    assert policy.should_retry(attempt=1, idempotent=True, status_code=429, retry_after=60.0) is True
    assert policy.should_retry(attempt=1, idempotent=True, status_code=429, retry_after=60.5) is False


@pytest.mark.parametrize(
    ("status", "retried"), [(500, True), (501, False), (502, True), (503, True), (504, True), (505, False)]
)
def test_the_default_statuses_retried_for_a_look_up(status: int, retried: bool) -> None:
    assert RetryPolicy().should_retry(attempt=1, idempotent=True, status_code=status) is retried
    assert RetryPolicy().should_retry(attempt=1, idempotent=False, status_code=status) is False


def generic_errors(response: Response) -> errors.ProviderError:
    error_class = errors.error_class_for_status(response.status_code)
    return error_class(f"HTTP {response.status_code}", provider="test", status_code=response.status_code)


async def test_a_send_timing_out_after_a_500_raises_the_timeout_its_last_attempt_met() -> None:
    """Both may have been processed: the last one's error tells how things stand."""
    answers: list[httpx.Response | Exception] = [httpx.Response(500), httpx.ReadTimeout("late")]

    def answer(request: httpx.Request) -> httpx.Response:
        given = answers.pop(0)
        if isinstance(given, Exception):
            raise given
        return given

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        transport = Transport(
            provider="test",
            auth=None,
            error_parser=generic_errors,
            http_client=client,
            retry=RetryPolicy(max_attempts=2, initial_backoff=0, retry_unsafe_sends=True),
        )
        with pytest.raises(errors.RequestTimeoutError) as caught:
            await transport.request("POST", "https://provider.test/send", json={})
    assert caught.value.may_have_been_sent is True
    assert answers == []

"""Transport: retries, Retry-After, what a send may retry, limits, ownership, redaction."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import random
import re
import subprocess
import sys
import threading
import traceback
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Generator, Iterator
from typing import Any, TypeVar

import httpx
import pytest

from held_answers import eventually, held_answers
from krsms import Limits, Message, NhnGateway, SendStatus, SensGateway, errors, httpx_logs
from krsms.json_body import EncodedJson
from krsms.nhn import NhnClient
from krsms.nhn.api import NhnApi
from krsms.nhn.auth import SECRET_KEY_HEADER
from krsms.sens import SensClient
from krsms.sens.auth import ACCESS_KEY_HEADER
from krsms.transport import (
    NO_RETRIES,
    Redactor,
    Response,
    RetryPolicy,
    SendWatch,
    Timeouts,
    Transport,
    parse_retry_after,
    redact_in_httpx_logs,
    watching_sends,
)

T = TypeVar("T")

URL = "https://provider.test/api/appKeys/SECRET-APP-KEY/things"
SECRET_PATTERN = re.compile(r"(/appKeys/)[^/?#\s]+")
SECRETS = ("SECRET-APP-KEY", "SECRET-HEADER-KEY", "SECRET-ACCESS-KEY")
"""The appKey in ``URL`` and the header values :class:`SecretHeaders` sends."""


def generic_errors(response: Response) -> errors.ProviderError:
    error_class = errors.error_class_for_status(response.status_code)
    return error_class(f"HTTP {response.status_code}", provider="test", status_code=response.status_code)


class Recorder:
    """A MockTransport handler that answers from a script and counts requests."""

    def __init__(self, *answers: httpx.Response | Exception | Callable[[httpx.Request], Any]):
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            return answer(request)  # type: ignore[no-any-return]
        return answer


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record backoff pauses instead of sleeping."""
    recorded: list[float] = []

    async def fake_sleep(delay: float) -> None:
        recorded.append(delay)

    monkeypatch.setattr("krsms.transport.anyio.sleep", fake_sleep)
    return recorded


class SecretHeaders(httpx.Auth):
    """Sends the providers' secret headers, as NHN's and SENS's auth flows do."""

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[SECRET_KEY_HEADER] = "SECRET-HEADER-KEY"
        request.headers[ACCESS_KEY_HEADER] = "SECRET-ACCESS-KEY"
        yield request


def make_transport(recorder: Recorder, **options: Any) -> tuple[Transport, httpx.AsyncClient]:
    client = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
    options.setdefault("retry", RetryPolicy(max_attempts=3, initial_backoff=0.01))
    options.setdefault("auth", None)
    options.setdefault("error_parser", generic_errors)
    transport = Transport(
        provider="test",
        http_client=client,
        redactor=Redactor(secrets=SECRETS, patterns=[SECRET_PATTERN]),
        **options,
    )
    return transport, client


def exception_chain(error: BaseException) -> list[BaseException]:
    """``error`` and every exception reachable from it through ``__cause__`` and ``__context__``."""
    found: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is not None and all(current is not seen for seen in found):
            found.append(current)
            pending += [current.__cause__, current.__context__]
    return found


def assert_no_secrets(error: BaseException) -> None:
    """No secret in the text of any exception of ``error``'s chain, nor in an httpx request it holds."""
    for exc in exception_chain(error):
        texts = [str(exc), repr(exc), repr(exc.args), repr(vars(exc))]
        if isinstance(exc, httpx.HTTPError):
            with contextlib.suppress(RuntimeError):  # raised when no request is attached
                texts += [str(exc.request.url), repr(exc.request.headers.multi_items())]
        leaked = [secret for secret in SECRETS if any(secret in text for text in texts)]
        assert not leaked, f"{type(exc).__name__} exposes {leaked}"


async def test_idempotent_get_is_retried_on_503_up_to_the_budget(sleeps: list[float]) -> None:
    recorder = Recorder(httpx.Response(503))
    transport, _ = make_transport(recorder)
    with pytest.raises(errors.ServerError):
        await transport.request("GET", URL)
    assert len(recorder.requests) == 3
    assert len(sleeps) == 2


async def test_retry_after_seconds_is_honoured_on_429(sleeps: list[float]) -> None:
    recorder = Recorder(httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, json={}))
    transport, _ = make_transport(recorder)
    response = await transport.request("POST", URL, json={"a": 1})
    assert response.status_code == 200
    assert len(sleeps) == 1
    assert 7.0 <= sleeps[0] <= 7.01  # plus up to initial_backoff of jitter: held batches do not return at once
    assert len(recorder.requests) == 2


async def test_a_429_left_out_of_retry_statuses_is_not_retried(sleeps: list[float]) -> None:
    recorder = Recorder(httpx.Response(429), httpx.Response(200, json={}))
    policy = RetryPolicy(max_attempts=3, initial_backoff=0.01, retry_statuses=frozenset({503}))
    transport, _ = make_transport(recorder, retry=policy)
    with pytest.raises(errors.RateLimitedError):
        await transport.request("GET", URL)
    assert (len(recorder.requests), sleeps) == (1, [])


async def test_retry_after_beyond_the_cap_gives_up(sleeps: list[float]) -> None:
    recorder = Recorder(httpx.Response(429, headers={"Retry-After": "3600"}))
    transport, _ = make_transport(recorder, retry=RetryPolicy(max_retry_after=60))
    with pytest.raises(errors.RateLimitedError):
        await transport.request("POST", URL, json={})
    assert len(recorder.requests) == 1
    assert sleeps == []


def test_the_jitter_after_a_retry_after_never_takes_the_wait_past_the_cap() -> None:
    policy = RetryPolicy(max_retry_after=5.0, initial_backoff=1.0)
    rng = random.Random(1)
    waits = [policy.backoff(1, retry_after=5.0, rng=rng) for _ in range(50)]
    assert max(waits) == 5.0
    assert all(4.0 <= policy.backoff(1, retry_after=4.0, rng=rng) <= 5.0 for _ in range(50))


def test_retry_after_http_date_is_seconds_from_now() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412500.0) == 10.0
    assert parse_retry_after("5") == 5.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412600.0) == 0.0  # already past
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


@pytest.mark.parametrize(
    "value", ["-5", "nan", "inf", "1_000", "1e3", "Mon, 01 Jan 2024 99999999999999999999:00:00 GMT", "Mon, 01"]
)
def test_a_retry_after_that_is_neither_digits_nor_a_date_is_ignored(value: str) -> None:
    assert parse_retry_after(value) is None


async def test_a_garbled_retry_after_on_a_refusal_leaves_the_typed_error(sleeps: list[float]) -> None:
    garbled = {"Retry-After": "Mon, 01 Jan 2024 99999999999999999999:00:00 GMT"}
    transport, _ = make_transport(Recorder(httpx.Response(400, headers=garbled)))
    with pytest.raises(errors.BadRequestError):
        await transport.request("POST", URL, json={})


async def test_idempotent_get_is_retried_on_500_a_send_is_not(sleeps: list[float]) -> None:
    recorder = Recorder(httpx.Response(500), httpx.Response(200, json={}))
    transport, _ = make_transport(recorder)
    assert (await transport.request("GET", URL)).status_code == 200
    assert len(recorder.requests) == 2
    send_recorder = Recorder(httpx.Response(500), httpx.Response(200, json={}))
    transport, _ = make_transport(send_recorder)
    with pytest.raises(errors.ServerError):
        await transport.request("POST", URL, json={})
    assert len(send_recorder.requests) == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_an_ambiguous_send_failure_is_never_retried(status: int, sleeps: list[float]) -> None:
    recorder = Recorder(httpx.Response(status))
    transport, _ = make_transport(recorder)
    with pytest.raises(errors.ServerError):
        await transport.request("POST", URL, json={"to": "01012345678"})
    assert len(recorder.requests) == 1


async def test_a_send_timeout_is_not_retried_and_may_have_been_sent(sleeps: list[float]) -> None:
    recorder = Recorder(httpx.ReadTimeout("timed out"))
    transport, _ = make_transport(recorder)
    with pytest.raises(errors.RequestTimeoutError) as caught:
        await transport.request("POST", URL, json={})
    assert caught.value.may_have_been_sent is True
    assert len(recorder.requests) == 1


async def test_a_dropped_connection_after_sending_is_ambiguous(sleeps: list[float]) -> None:
    recorder = Recorder(httpx.RemoteProtocolError("Server disconnected without sending a response."))
    transport, _ = make_transport(recorder)
    with pytest.raises(errors.TransportError) as caught:
        await transport.request("POST", URL, json={})
    assert caught.value.may_have_been_sent is True
    assert len(recorder.requests) == 1


async def test_a_send_is_retried_when_it_never_left(sleeps: list[float]) -> None:
    recorder = Recorder(httpx.ConnectError("refused"), httpx.PoolTimeout("busy"), httpx.Response(202, json={}))
    transport, _ = make_transport(recorder)
    response = await transport.request("POST", URL, json={})
    assert response.status_code == 202
    assert len(recorder.requests) == 3


async def test_connect_errors_that_exhaust_retries_say_not_sent(sleeps: list[float]) -> None:
    recorder = Recorder(httpx.ConnectError("refused"))
    transport, _ = make_transport(recorder)
    with pytest.raises(errors.ConnectError) as caught:
        await transport.request("POST", URL, json={})
    assert caught.value.may_have_been_sent is False
    assert len(recorder.requests) == 3


async def test_unsafe_send_retries_are_opt_in(sleeps: list[float]) -> None:
    recorder = Recorder(httpx.Response(503), httpx.Response(202, json={}))
    transport, _ = make_transport(recorder, retry=RetryPolicy(retry_unsafe_sends=True, initial_backoff=0.01))
    assert (await transport.request("POST", URL, json={})).status_code == 202
    assert len(recorder.requests) == 2


async def test_no_retries_policy_makes_one_attempt(sleeps: list[float]) -> None:
    recorder = Recorder(httpx.Response(503))
    transport, _ = make_transport(recorder, retry=NO_RETRIES)
    with pytest.raises(errors.ServerError):
        await transport.request("GET", URL)
    assert len(recorder.requests) == 1


def test_backoff_is_exponential_with_full_jitter_and_a_cap() -> None:
    policy = RetryPolicy(initial_backoff=1.0, max_backoff=5.0)
    for attempt, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 5.0), (9, 5.0)]:
        delays = [policy.backoff(attempt) for _ in range(200)]
        assert all(0 <= delay <= ceiling for delay in delays)
        assert max(delays) > ceiling / 2


async def test_error_statuses_map_to_typed_errors() -> None:
    for status, error_class in [
        (400, errors.BadRequestError),
        (401, errors.AuthenticationError),
        (404, errors.NotFoundError),
        (500, errors.ServerError),
    ]:
        transport, _ = make_transport(Recorder(httpx.Response(status)), retry=NO_RETRIES)
        with pytest.raises(error_class):
            await transport.request("GET", URL)


async def test_max_concurrency_bounds_requests_in_flight() -> None:
    in_flight = peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return httpx.Response(200, json={})

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    transport = Transport(
        provider="test", auth=None, error_parser=generic_errors, http_client=client, max_concurrency=3
    )
    await asyncio.gather(*(transport.request("GET", URL) for _ in range(20)))
    assert peak == 3


async def test_a_borrowed_client_stays_open_and_an_owned_one_is_closed() -> None:
    recorder = Recorder(httpx.Response(200, json={}))
    transport, client = make_transport(recorder)
    await transport.aclose()
    assert not client.is_closed
    await client.aclose()

    owned = Transport(provider="test", auth=None, error_parser=generic_errors)
    assert owned.owns_client
    await owned.aclose()
    assert owned._client.is_closed


async def test_after_aclose_nothing_more_leaves_through_a_borrowed_client_which_stays_open() -> None:
    recorder = Recorder(httpx.Response(200, json={}))
    transport, client = make_transport(recorder)
    await transport.request("POST", URL, json={})
    await transport.aclose()
    with pytest.raises(errors.UnsendableRequestError, match="closed by aclose") as caught:
        await transport.request("POST", URL, json={})
    assert caught.value.may_have_been_sent is False
    with pytest.raises(errors.UnsendableRequestError, match="closed by aclose"):
        await download(transport)
    assert len(recorder.requests) == 1
    assert not client.is_closed  # the caller's: still theirs to use and close
    assert (await client.get("https://provider.test/elsewhere")).status_code == 200
    await client.aclose()


async def test_a_redirect_is_never_followed_even_by_a_borrowed_client_that_would() -> None:
    """httpx keeps every header but Authorization across hosts and replays a 307's body: a
    followed redirect would resend the batch elsewhere with the keys."""
    elsewhere = httpx.Response(307, headers={"Location": "https://elsewhere.test/collect"})
    recorder = Recorder(elsewhere, httpx.Response(200, json={}))
    client = httpx.AsyncClient(transport=httpx.MockTransport(recorder), follow_redirects=True)
    transport = Transport(provider="test", auth=SecretHeaders(), error_parser=generic_errors, http_client=client)
    with pytest.raises(errors.RedirectError) as caught:
        await transport.request("POST", URL, json={"to": "01012345678"})
    assert [request.url.host for request in recorder.requests] == ["provider.test"]
    assert caught.value.fatal
    assert caught.value.status_code == 307
    assert (caught.value.method, caught.value.path) == ("POST", "/api/appKeys/SECRET-APP-KEY/things")
    assert str(caught.value) == (
        "test: https://provider.test answered a redirect to https://elsewhere.test/collect (never followed): "
        "check base_url (POST /api/appKeys/SECRET-APP-KEY/things, HTTP 307)"
    )


async def test_a_redirect_names_the_request_redacted_and_the_host_without_a_password() -> None:
    recorder = Recorder(httpx.Response(301, headers={"Location": "https://provider.test/api/appKeys/SECRET-APP-KEY/x"}))
    transport, _ = make_transport(recorder, auth=SecretHeaders())
    with pytest.raises(errors.RedirectError) as caught:
        await transport.request("GET", "http://user:pass@provider.test:8080/api/appKeys/SECRET-APP-KEY/things?a=1")
    assert str(caught.value) == (
        "test: http://provider.test:8080 answered a redirect to https://provider.test/api/appKeys/***/x "
        "(never followed): check base_url (GET /api/appKeys/***/things, HTTP 301)"
    )
    assert "pass" not in str(caught.value)
    assert_no_secrets(caught.value)


async def test_a_request_that_cannot_be_written_is_not_sent_nor_retried_and_hides_the_key(sleeps: list[float]) -> None:
    """h11 refuses a header value with a line break, quoting it as bytes: a key read from a
    file with its newline."""
    recorder = Recorder(httpx.LocalProtocolError("Illegal header value b'SECRET-HEADER-KEY\\n'"))
    transport, _ = make_transport(recorder)
    with pytest.raises(errors.UnsendableRequestError) as caught:
        await transport.request("POST", URL, json={})
    assert caught.value.may_have_been_sent is False
    assert len(recorder.requests) == 1
    assert_no_secrets(caught.value)


def test_a_secret_is_hidden_in_its_escaped_forms_too() -> None:
    redact = Redactor(secrets=["key\n"])
    assert redact("header b'key\\n' and 'key\\n' and key\n") == "header b'***' and '***' and ***"


async def test_a_request_made_while_a_download_is_read_never_waits_for_the_download() -> None:
    """A look-up per exported row: with ``max_concurrency=1`` a download holding the one slot
    would keep it waiting for ever."""
    transport, _ = make_transport(Recorder(httpx.Response(200, content=b"a,b\n")), max_concurrency=1)
    async with transport.stream("GET", URL) as chunks:
        lookup = await asyncio.wait_for(transport.request("GET", URL), timeout=5)
        assert lookup.status_code == 200
        assert b"".join([chunk async for chunk in chunks]) == b"a,b\n"


def one_slot_transport(**options: Any) -> tuple[Transport, httpx.AsyncClient, asyncio.Event, list[str]]:
    """A transport with one request slot, over a provider that holds every answer until
    released: the transport, its client, the release, and the paths of the requests it got."""
    release = asyncio.Event()
    paths: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        await release.wait()
        return httpx.Response(200, json={})

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    transport = Transport(
        provider="test", auth=None, error_parser=generic_errors, http_client=client, max_concurrency=1, **options
    )
    return transport, client, release, paths


async def test_waiting_for_a_request_slot_obeys_the_pool_timeout_and_sends_nothing() -> None:
    transport, client, release, paths = one_slot_transport(timeout=Timeouts(pool=0.05), retry=NO_RETRIES)
    watch = SendWatch()
    async with client:
        first = asyncio.create_task(transport.request("GET", "https://provider.test/first"))
        await asyncio.sleep(0.01)  # the first holds the one slot
        with watching_sends(watch), pytest.raises(errors.PoolTimeoutError, match="no request slot") as caught:
            await asyncio.wait_for(transport.request("POST", "https://provider.test/second"), timeout=5)
        release.set()
        await first
    assert caught.value.may_have_been_sent is False
    assert paths == ["/first"]
    assert watch.may_have_arrived is False
    assert watch.attempts == 0


async def test_a_send_cancelled_on_the_turn_after_taking_a_free_slot_never_leaves_and_frees_it() -> None:
    """A free slot is taken without waiting; the loop turn that follows, before the request
    goes, is where a cancellation already on its way lands: nothing leaves, the slot is free
    again for the next request."""
    transport, client, release, paths = one_slot_transport(retry=NO_RETRIES)
    watch = SendWatch()
    async with client:
        release.set()
        await transport.request("GET", "https://provider.test/opens-the-loop-state")

        async def watched_send() -> None:
            with watching_sends(watch):
                await transport.request("POST", "https://provider.test/cancelled")

        sending = asyncio.create_task(watched_send())
        await asyncio.sleep(0)  # the send has taken the slot and yields its one turn
        sending.cancel()
        with pytest.raises(asyncio.CancelledError):
            await sending
        await asyncio.wait_for(transport.request("GET", "https://provider.test/after"), timeout=5)
    assert paths == ["/opens-the-loop-state", "/after"]
    assert watch.may_have_arrived is False
    assert watch.attempts == 0


@pytest.mark.parametrize("name", ["httpx", "httpcore.http11", "httpcore.connection"])
def test_httpx_and_httpcore_logs_hide_the_pattern(name: str, caplog: pytest.LogCaptureFixture) -> None:
    redact_in_httpx_logs(SECRET_PATTERN)
    caplog.set_level(logging.DEBUG)
    headers = [(b"Location", URL.encode())]
    logging.getLogger(name).debug("receive_response_headers.complete return_value=%r", (b"HTTP/1.1", 301, headers))
    assert "SECRET-APP-KEY" not in caplog.text
    assert "/appKeys/***" in caplog.text


async def test_secrets_never_reach_logs_or_errors(caplog: pytest.LogCaptureFixture, sleeps: list[float]) -> None:
    redact_in_httpx_logs(SECRET_PATTERN)
    caplog.set_level(logging.DEBUG)
    recorder = Recorder(httpx.Response(503), httpx.Response(200, json={}), httpx.ConnectError("refused"))
    transport, _ = make_transport(recorder, retry=RetryPolicy(max_attempts=2, initial_backoff=0.01))
    await transport.request("GET", URL)
    with pytest.raises(errors.ConnectError) as caught:
        await transport.request("GET", URL)
    assert "SECRET-APP-KEY" not in caplog.text
    assert "/appKeys/***" in caplog.text
    assert "SECRET-APP-KEY" not in str(caught.value)
    assert "SECRET-APP-KEY" not in repr(transport)


async def test_non_json_answers_become_malformed_response_errors() -> None:
    transport, _ = make_transport(Recorder(httpx.Response(200, text="<html>oops</html>")))
    response = await transport.request("GET", URL)
    with pytest.raises(errors.MalformedResponseError, match="not JSON"):
        response.json(provider="test")


async def test_a_non_json_answer_echoing_secrets_keeps_them_out_of_the_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    block_page = (
        "<html>Blocked: /sms/v2.2/appKeys/SECRET-APP-KEY/sender/sms "
        f"({SECRET_KEY_HEADER}: SECRET-HEADER-KEY, {ACCESS_KEY_HEADER}: SECRET-ACCESS-KEY)</html>"
    )
    transport, _ = make_transport(Recorder(httpx.Response(200, text=block_page)), auth=SecretHeaders())
    response = await transport.request("POST", URL, json={})
    with pytest.raises(errors.MalformedResponseError, match="not JSON") as caught:
        response.json(provider="test")
    assert_no_secrets(caught.value)
    assert "/appKeys/***" in str(caught.value)
    for text in [response.excerpt(), caplog.text, *(record.getMessage() for record in caplog.records)]:
        assert not any(secret in text for secret in SECRETS)


async def send(transport: Transport, *, url: str = URL, json: Any = None) -> None:
    await transport.request("POST", url, json={} if json is None else json)


async def download(transport: Transport, *, url: str = URL, json: None = None) -> None:
    async with transport.stream("GET", url) as chunks:
        async for _ in chunks:
            pass


def provider_errors(response: Response) -> errors.ProviderError:
    """An error parser as the providers' are: the answer's own message, through status_error."""
    return response.status_error(response.redact(response.excerpt()), provider="test")


@pytest.mark.parametrize(("call", "method"), [(send, "POST"), (download, "GET")])
async def test_an_error_status_names_the_request_redacted_and_without_its_query(
    call: Callable[..., Awaitable[None]], method: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Which call failed, in the error itself: the method and the path as sent, the secret in
    the path redacted, the query (phone numbers) and the headers (keys) left out."""
    redact_in_httpx_logs(SECRET_PATTERN)  # as a provider's client does when made
    caplog.set_level(logging.DEBUG)
    answer = httpx.Response(409, text="conflict for SECRET-ACCESS-KEY")
    transport, _ = make_transport(
        Recorder(answer), auth=SecretHeaders(), error_parser=provider_errors, retry=NO_RETRIES
    )
    with pytest.raises(errors.BadRequestError) as caught:
        await call(transport, url=URL + "?to=01012345678")
    assert (caught.value.method, caught.value.path) == (method, "/api/appKeys/***/things")
    assert str(caught.value) == f"test: HTTP 409: conflict for *** ({method} /api/appKeys/***/things, HTTP 409)"
    assert "01012345678" not in repr(vars(caught.value))
    assert_no_secrets(caught.value)
    assert not any(secret in caplog.text for secret in SECRETS)


@pytest.mark.parametrize("call", [send, download])
@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError(f"cannot reach {URL}"),
        httpx.ReadTimeout("timed out"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
    ],
    ids=lambda failure: type(failure).__name__,
)
async def test_transport_errors_hold_no_secret_anywhere_in_their_chain(
    call: Callable[[Transport], Awaitable[None]],
    failure: httpx.TransportError,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    transport, _ = make_transport(Recorder(failure), auth=SecretHeaders(), retry=NO_RETRIES)
    with pytest.raises(errors.TransportError) as caught:
        await call(transport)
    assert_no_secrets(caught.value)
    assert type(failure).__name__ in str(caught.value)
    assert not any(secret in caplog.text for secret in SECRETS)


class FailingStream(httpx.AsyncByteStream):
    """A body whose connection drops after the first chunk."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"a,b\n"
        raise httpx.ReadError("connection reset")


async def test_a_download_failing_midway_holds_no_secret_in_its_chain() -> None:
    transport, _ = make_transport(Recorder(httpx.Response(200, stream=FailingStream())), auth=SecretHeaders())
    with pytest.raises(errors.TransportError, match="ReadError") as caught:
        await download(transport)
    assert_no_secrets(caught.value)


async def test_stream_yields_the_body_in_chunks() -> None:
    body = b"a,b\n" * 10_000
    transport, _ = make_transport(Recorder(httpx.Response(200, content=body)))
    async with transport.stream("GET", URL) as chunks:
        received = b"".join([chunk async for chunk in chunks])
    assert received == body


async def test_stream_errors_are_typed() -> None:
    transport, _ = make_transport(Recorder(httpx.Response(404, text="nope")))
    with pytest.raises(errors.NotFoundError):
        async with transport.stream("GET", URL):
            pass


async def test_a_download_is_opened_again_after_a_5xx_or_a_connection_failure(sleeps: list[float]) -> None:
    """A download is a GET: until its body is handed over, a 5xx or a failed connection is
    retried as a look-up's is, with the same pauses, and the caller gets the whole body once."""
    body = b"a,b\n" * 100
    recorder = Recorder(
        httpx.Response(503),
        httpx.ConnectError("refused"),
        httpx.Response(200, content=body, headers={"Content-Type": "text/csv"}),
    )
    transport, _ = make_transport(recorder)
    async with transport.stream("GET", URL, params={"id": "D1"}) as chunks:
        received = b"".join([chunk async for chunk in chunks])
    assert received == body
    assert [(request.method, str(request.url)) for request in recorder.requests] == [("GET", URL + "?id=D1")] * 3
    assert len(sleeps) == 2


async def test_a_download_gives_up_after_the_retry_policys_attempts(sleeps: list[float]) -> None:
    recorder = Recorder(httpx.Response(503, text="busy"))
    transport, _ = make_transport(recorder)
    with pytest.raises(errors.ServerError):
        await download(transport)
    assert len(recorder.requests) == 3
    assert len(sleeps) == 2


async def test_a_download_refused_with_a_4xx_is_not_opened_again(sleeps: list[float]) -> None:
    recorder = Recorder(httpx.Response(404, text="no such export"))
    transport, _ = make_transport(recorder)
    with pytest.raises(errors.NotFoundError):
        await download(transport)
    assert len(recorder.requests) == 1
    assert sleeps == []


async def test_a_download_breaking_off_midway_is_not_retried(sleeps: list[float]) -> None:
    """Once chunks were handed over, a retry would repeat them: the caller gets the error."""
    recorder = Recorder(httpx.Response(200, stream=FailingStream()))
    transport, _ = make_transport(recorder)
    received: list[bytes] = []

    async def read() -> None:
        async with transport.stream("GET", URL) as chunks:
            async for chunk in chunks:
                received.append(chunk)

    with pytest.raises(errors.TransportError, match="ReadError"):
        await read()
    assert received == [b"a,b\n"]
    assert len(recorder.requests) == 1
    assert sleeps == []


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("refused by elsewhere"), httpx.ReadTimeout("elsewhere is slow")],
    ids=["connect error", "read timeout"],
)
async def test_an_httpx_error_of_the_callers_own_inside_a_download_reaches_it_unchanged(
    failure: httpx.HTTPError,
) -> None:
    """Code run inside ``async with stream(...)`` (posting each chunk elsewhere, say) may fail
    with an httpx error of its own: it is not the download's failure, and must not come back
    as one (a krsms ConnectError naming the download's URL)."""
    recorder = Recorder(httpx.Response(200, content=b"a,b\n" * 10, headers={"Content-Type": "text/csv"}))
    transport, _ = make_transport(recorder)

    async def fail_on_the_first_chunk() -> None:
        async with transport.stream("GET", URL) as chunks:
            async for _ in chunks:
                raise failure

    with pytest.raises(type(failure)) as caught:
        await fail_on_the_first_chunk()
    assert caught.value is failure
    assert [str(request.url) for request in recorder.requests] == [URL]


@pytest.mark.parametrize(
    "content_type", ["Application/JSON;charset=UTF-8", "application/problem+json", "APPLICATION/JSON"]
)
async def test_a_json_answer_to_a_download_is_checked_whatever_the_case_of_its_media_type(content_type: str) -> None:
    """Media types are case-insensitive (RFC 9110 8.3.1): a failure envelope declared
    ``Application/JSON`` is checked like one declared ``application/json``, never handed over
    (or written to a file) as the download's bytes."""
    envelope = b'{"header": {"isSuccessful": false}}'
    recorder = Recorder(httpx.Response(200, content=envelope, headers={"Content-Type": content_type}))
    transport, _ = make_transport(recorder)
    checked: list[bytes] = []

    def refuse(answer: Response) -> None:
        checked.append(answer.content)
        raise errors.MalformedResponseError("a failure envelope", provider="test")

    async def read() -> None:
        async with transport.stream("GET", URL, check_json=refuse) as chunks:
            async for _ in chunks:
                pass

    with pytest.raises(errors.MalformedResponseError):
        await read()
    assert checked == [envelope]


WHITESPACE = "holds whitespace or a control character (copied with a space or a line break?)"
BAD_BASE_URLS = [
    ("https://[::1", "is not a URL httpx can parse (Invalid port: ':1')"),
    ("http://127.0.0.1:99999", "has port 99999, outside 1 to 65535"),
    ("http://127.0.0.1:0", "has port 0, outside 1 to 65535"),
    ("api-sms.cloud.toast.com", "needs an http:// or https:// scheme and a host"),
    ("ftp://api-sms.cloud.toast.com", "needs an http:// or https:// scheme and a host"),
    ("https://", "needs an http:// or https:// scheme and a host"),
    ("https://api-sms.cloud.toast.com?x=1", "has a query or a fragment, where the API's path would end up"),
    ("https://api-sms.cloud.toast.com ", WHITESPACE),
    (" https://api-sms.cloud.toast.com", WHITESPACE),
    ("https://api-sms.cloud.toast.com\n", WHITESPACE),
    ("https://api%20sms.cloud.toast.com", "needs an http:// or https:// scheme and a host"),
]
MAKERS: list[Callable[[str], object]] = [
    lambda base_url: NhnClient(app_key="SECRET-APP-KEY", secret_key="SECRET-HEADER-KEY", base_url=base_url),
    lambda base_url: NhnGateway(app_key="SECRET-APP-KEY", secret_key="SECRET-HEADER-KEY", base_url=base_url),
    lambda base_url: SensClient(
        access_key="SECRET-ACCESS-KEY", secret_key="SECRET-HEADER-KEY", service_id="svc", base_url=base_url
    ),
    lambda base_url: SensGateway(
        access_key="SECRET-ACCESS-KEY", secret_key="SECRET-HEADER-KEY", service_id="svc", base_url=base_url
    ),
]


@pytest.mark.parametrize("make", MAKERS, ids=["NhnClient", "NhnGateway", "SensClient", "SensGateway"])
@pytest.mark.parametrize(("base_url", "problem"), BAD_BASE_URLS, ids=[base_url for base_url, _ in BAD_BASE_URLS])
def test_a_base_url_no_request_can_be_sent_to_is_refused_when_made(
    make: Callable[[str], object], base_url: str, problem: str
) -> None:
    """Not a raw httpx.InvalidURL or an OverflowError in an ExceptionGroup at the first send."""
    with pytest.raises(errors.ValidationError) as caught:
        make(base_url)
    refusal = (caught.value.field, caught.value.problem, caught.value.value)
    assert refusal == ("base_url", f"{base_url!r} {problem}", base_url)


@pytest.mark.parametrize(
    ("make", "keys"),
    [(make, "SECRET-APP-KEY" if index < 2 else "SECRET-ACCESS-KEY") for index, make in enumerate(MAKERS)],
    ids=["NhnClient", "NhnGateway", "SensClient", "SensGateway"],
)
def test_a_refused_base_url_shows_neither_a_key_nor_a_password(make: Callable[[str], object], keys: str) -> None:
    """A base URL never holds a key, but one pasted into it by mistake stays hidden."""
    with pytest.raises(errors.ValidationError) as caught:
        make(f"https://user:SECRET-PASSWORD@[::1/{keys}/SECRET-HEADER-KEY")
    assert caught.value.field == "base_url"
    assert_no_secrets(caught.value)
    assert "SECRET-PASSWORD" not in repr(vars(caught.value))
    assert caught.value.value == "https://***@[::1/***/***"


PROXY_WITH_PASSWORD = "https://user:SECRET-PASSWORD@proxy.test/sms"
"""A base URL with a user and password (a proxy in front of the provider taking Basic auth)."""


@pytest.mark.parametrize(
    "make",
    [
        lambda client: NhnGateway(
            app_key="SECRET-APP-KEY", base_url=PROXY_WITH_PASSWORD, http_client=client, reconcile_delay=0
        ),
        lambda client: SensGateway(
            access_key="SECRET-ACCESS-KEY",
            secret_key="SECRET-HEADER-KEY",
            service_id="svc",
            base_url=PROXY_WITH_PASSWORD,
            http_client=client,
            reconcile_delay=0,
        ),
    ],
    ids=["NhnGateway", "SensGateway"],
)
async def test_the_password_of_a_base_url_reaches_no_log_error_outcome_or_repr(
    make: Callable[[httpx.AsyncClient], NhnGateway | SensGateway],
    caplog: pytest.LogCaptureFixture,
    sleeps: list[float],
) -> None:
    """A refused base URL shows ``user:***@``, and a redirect's host drops it: so do the
    messages, logs and reprs of requests made through one."""
    caplog.set_level(logging.DEBUG)
    look_ups = [httpx.Response(503), httpx.Response(302, headers={"Location": f"{PROXY_WITH_PASSWORD}/elsewhere"})]

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            raise httpx.ConnectError("refused")
        return look_ups.pop(0) if len(look_ups) > 1 else look_ups[0]

    gateway = make(httpx.AsyncClient(transport=httpx.MockTransport(answer)))
    report = await gateway.send(Message(sender="15446859", text="hi", recipients=["01012345678"]))
    with pytest.raises(errors.RedirectError) as caught:
        await gateway.delivery_results("R1")
    outcome = report.outcomes[0]
    assert outcome.detail is not None
    assert "https://***@proxy.test/sms/" in outcome.detail
    shown = [outcome.detail, str(caught.value), repr(caught.value), caplog.text, repr(gateway), repr(gateway.client)]
    assert [text for text in shown if "SECRET-PASSWORD" in text] == []


@pytest.mark.parametrize("base_url", ["https://[::1]:8443", "http://127.0.0.1:8080/proxy/", "HTTPS://Sens.Example"])
@pytest.mark.parametrize("make", MAKERS, ids=["NhnClient", "NhnGateway", "SensClient", "SensGateway"])
def test_a_base_url_with_a_port_or_a_path_is_taken(make: Callable[[str], object], base_url: str) -> None:
    make(base_url)


@pytest.mark.parametrize(
    ("call", "url", "body"),
    [
        (send, "https://[::1/api/appKeys/SECRET-APP-KEY/things", {}),
        (download, "https://[::1/api/appKeys/SECRET-APP-KEY/things", None),
        (send, URL, {"ratio": float("nan")}),
    ],
    ids=["send to an unparsable URL", "download from an unparsable URL", "send a body JSON cannot carry"],
)
async def test_a_request_httpx_cannot_build_is_unsendable_not_a_raw_error(
    call: Callable[..., Awaitable[None]], url: str, body: Any, sleeps: list[float]
) -> None:
    recorder = Recorder(httpx.Response(200, json={}))
    transport, _ = make_transport(recorder)
    with pytest.raises(errors.UnsendableRequestError) as caught:
        await call(transport, url=url, json=body)
    assert caught.value.may_have_been_sent is False
    assert (recorder.requests, sleeps) == ([], [])  # nothing left, nothing retried
    assert "could not be sent as given" in str(caught.value)
    assert_no_secrets(caught.value)


async def test_a_bulk_batch_whose_request_cannot_be_built_is_not_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = Recorder(httpx.Response(500))
    gateway = NhnGateway(
        app_key="SECRET-APP-KEY", http_client=httpx.AsyncClient(transport=httpx.MockTransport(recorder))
    )
    # What the base_url check lets through and httpx still cannot build.
    monkeypatch.setattr(gateway.client.api.transport, "_base_url", "https://[::1/sms/v2.2/appKeys/SECRET-APP-KEY")
    async with gateway:
        report = await gateway.send(Message(sender="15446859", text="hi", recipients=["01012345678"]))
    (outcome,) = report.outcomes
    assert (outcome.status, outcome.code) == (SendStatus.NOT_SENT, "UnsendableRequestError")
    assert "SECRET-APP-KEY" not in (outcome.detail or "")
    assert recorder.requests == []


@pytest.mark.parametrize(
    ("provider", "shown"),
    [
        ("nhn", "POST https://api-sms.cloud.toast.com/sms/v2.2/appKeys/***/sender/sms"),
        ("sens", "POST https://sens.apigw.ntruss.com/sms/v2/services/svc/messages"),
    ],
)
@pytest.mark.parametrize(
    "failure", [httpx.Response(429, json={}), httpx.ConnectError("refused")], ids=["429", "refused"]
)
async def test_a_retry_warning_names_the_request_url_once_and_redacted(
    provider: str,
    shown: str,
    failure: httpx.Response | Exception,
    caplog: pytest.LogCaptureFixture,
    sleeps: list[float],
) -> None:
    """The NHN transport starts every URL with the appKey path: the warning must not add it
    to a URL that already holds it."""
    caplog.set_level(logging.WARNING, logger="krsms")
    recorder = Recorder(failure, httpx.Response(500))
    client = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
    retry = RetryPolicy(max_attempts=2, initial_backoff=0.01)
    gateway: NhnGateway | SensGateway = (
        NhnGateway(app_key="SECRET-APP-KEY", http_client=client, retry=retry, reconcile=False)
        if provider == "nhn"
        else SensGateway(
            access_key="SECRET-ACCESS-KEY",
            secret_key="SECRET-HEADER-KEY",
            service_id="svc",
            http_client=client,
            retry=retry,
            reconcile=False,
        )
    )
    async with gateway:
        await gateway.send(Message(sender="0212345678", text="hi", recipients=["01012345678"]))
    reason = "429" if isinstance(failure, httpx.Response) else "ConnectError"
    (warning,) = [record.getMessage() for record in caplog.records if "retry" in record.getMessage()]
    assert warning.startswith(f"{shown} failed ({reason}); retry 1 of 1 in ")
    assert not any(secret in caplog.text for secret in SECRETS)


def test_max_concurrency_must_be_positive() -> None:
    with pytest.raises(errors.ValidationError, match="max_concurrency"):
        Transport(provider="test", auth=None, error_parser=generic_errors, max_concurrency=0)


def test_one_transport_serves_successive_event_loops() -> None:
    recorder = Recorder(httpx.Response(200, json={}))
    transport, _ = make_transport(recorder, max_concurrency=1)
    for _ in range(2):
        asyncio.run(transport.request("GET", URL))
    assert len(recorder.requests) == 2


class SocketLikeMock(httpx.MockTransport):
    """Closes as a pool of real connections does: over a few turns of the event loop."""

    async def aclose(self) -> None:
        for _ in range(3):
            await asyncio.sleep(0)


def owned_transport(recorder: Recorder) -> tuple[Transport, list[httpx.AsyncClient]]:
    """An owning transport whose clients (one per event loop) answer from ``recorder``."""
    made: list[httpx.AsyncClient] = []

    def new_client() -> httpx.AsyncClient:
        made.append(httpx.AsyncClient(transport=SocketLikeMock(recorder)))
        return made[-1]

    transport = Transport(provider="test", auth=None, error_parser=generic_errors)
    transport._new_client, transport._client = new_client, new_client()
    return transport, made


def test_an_owned_client_is_closed_when_its_event_loop_ends() -> None:
    """A gateway used across ``asyncio.run`` calls, or never closed, must not leave its
    connections open when each loop ends."""
    transport, made = owned_transport(Recorder(httpx.Response(200, json={})))
    for _ in range(2):
        asyncio.run(transport.request("GET", URL))
    assert len(made) == 2
    assert all(client.is_closed for client in made)


def test_requests_racing_into_a_new_event_loop_share_one_new_client() -> None:
    transport, made = owned_transport(Recorder(httpx.Response(200, json={})))
    asyncio.run(transport.request("GET", URL))

    async def at_once() -> None:
        await asyncio.gather(*(transport.request("GET", URL) for _ in range(5)))
        assert len(made) == 2  # made once for the loop, not once per first request
        await transport.aclose()

    asyncio.run(at_once())
    assert all(client.is_closed for client in made)


@contextlib.contextmanager
def loop_in_thread() -> Iterator[Callable[[Coroutine[Any, Any, T]], T]]:
    """A long-lived event loop in its own thread (an app's loop); yields a function that runs
    a coroutine there and returns its result. Stopped and closed on exit."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever)
    thread.start()
    try:
        yield lambda coro: asyncio.run_coroutine_threadsafe(coro, loop).result(timeout=30)
    finally:
        asyncio.run_coroutine_threadsafe(loop.shutdown_asyncgens(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


async def settle() -> None:
    """Let a close scheduled on the running loop run to its end."""
    for _ in range(10):
        await asyncio.sleep(0)


def test_a_loop_that_comes_back_finds_its_client_again() -> None:
    """A long-lived loop and ``asyncio.run`` calls in turn: the long-lived loop keeps one
    client throughout, and its ``aclose()`` closes every client made."""
    transport, made = owned_transport(Recorder(httpx.Response(200, json={})))
    with loop_in_thread() as in_app_loop:
        in_app_loop(transport.request("GET", URL))
        for _ in range(3):
            asyncio.run(transport.request("GET", URL))
            in_app_loop(transport.request("GET", URL))
        assert len(made) == 4  # the app loop's, then one per asyncio.run
        assert [client.is_closed for client in made] == [False, True, True, True]
        in_app_loop(transport.aclose())
        assert all(client.is_closed for client in made)


def test_aclose_closes_the_client_of_another_running_loop_in_that_loop() -> None:
    transport, made = owned_transport(Recorder(httpx.Response(200, json={})))
    with loop_in_thread() as in_app_loop:
        in_app_loop(transport.request("GET", URL))

        async def elsewhere() -> None:
            await transport.request("GET", URL)
            await transport.aclose()
            assert made[1].is_closed  # this loop's: closed before aclose() returned

        asyncio.run(elsewhere())
        in_app_loop(settle())
        assert made[0].is_closed
        with pytest.raises(errors.UnsendableRequestError):
            in_app_loop(transport.request("GET", URL))  # no request leaves after aclose()


def test_loops_in_several_threads_at_once_each_get_their_own_client_and_bound() -> None:
    """Two threads' loops send at the same moment (a threaded web server's async views):
    each loop's requests go through a client of its own, at most ``max_concurrency`` at once."""
    names = ("first", "second")
    arrived = {name: threading.Event() for name in names}
    in_flight = dict.fromkeys(names, 0)
    peak = dict.fromkeys(names, 0)
    loops_of_client: list[set[str]] = []

    def new_client() -> httpx.AsyncClient:
        index = len(loops_of_client)
        loops_of_client.append(set())

        async def answer(request: httpx.Request) -> httpx.Response:
            name = threading.current_thread().name
            loops_of_client[index].add(name)
            in_flight[name] += 1
            peak[name] = max(peak[name], in_flight[name])
            arrived[name].set()
            other = next(other for other in names if other != name)
            await asyncio.to_thread(arrived[other].wait, 30)  # both loops have a request out
            await asyncio.sleep(0)
            in_flight[name] -= 1
            return httpx.Response(200, json={})

        return httpx.AsyncClient(transport=SocketLikeMock(answer))

    transport = Transport(provider="test", auth=None, error_parser=generic_errors, max_concurrency=2)
    transport._new_client, transport._client = new_client, new_client()

    finished: list[str] = []

    def requests() -> None:
        async def main() -> None:
            await asyncio.gather(*(transport.request("GET", URL) for _ in range(6)))
            await asyncio.gather(*(transport.request("GET", URL) for _ in range(6)))

        asyncio.run(main())
        finished.append(threading.current_thread().name)

    threads = [threading.Thread(target=requests, name=name) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(finished) == sorted(names)  # every request of both loops succeeded
    assert sorted(map(sorted, loops_of_client)) == [["first"], ["second"]]
    assert peak == {"first": 2, "second": 2}


def test_a_client_still_in_use_in_another_running_loop_is_not_closed() -> None:
    """A look-up from a worker thread's own loop makes that loop a client of its own; the
    first loop's client, still in use there, must stay open until the first loop ends."""
    transport, made = owned_transport(Recorder(httpx.Response(200, json={})))

    async def main() -> None:
        await transport.request("GET", URL)
        await asyncio.to_thread(asyncio.run, transport.request("GET", URL))
        for _ in range(3):
            await asyncio.sleep(0)  # a close scheduled on this loop would run here
        assert not made[0].is_closed
        assert made[1].is_closed  # the worker's loop has ended
        await transport.request("GET", URL)

    asyncio.run(main())
    assert all(client.is_closed for client in made)


@pytest.mark.parametrize(
    "make",
    [
        lambda: SensGateway(access_key="a", secret_key="s", service_id="svc"),
        lambda: NhnGateway(app_key="k", secret_key="s"),
    ],
)
def test_a_gateway_dropped_unclosed_closes_its_client_in_its_loop(make: Callable[[], Any]) -> None:
    """Reference counting alone frees a dropped gateway (no cycle waiting for the garbage
    collector), so its client's closer closes the client in its loop at once."""
    made: list[httpx.AsyncClient] = []

    def new_client() -> httpx.AsyncClient:
        made.append(httpx.AsyncClient(transport=SocketLikeMock(Recorder(httpx.Response(200, json={})))))
        return made[-1]

    async def main() -> None:
        gateway = make()
        gateway._transport._new_client, gateway._transport._client = new_client, new_client()
        await gateway._transport.request("GET", URL)
        dropped = weakref.ref(gateway._transport)
        del gateway
        assert dropped() is None
        await settle()
        assert made[0].is_closed

    gc.disable()  # the garbage collector would hide a cycle
    try:
        asyncio.run(main())
    finally:
        gc.enable()


def test_closing_a_transport_while_its_loop_shuts_down_is_quiet() -> None:
    """An async generator that owns a transport (``async with gateway`` inside it) left open
    at the end of ``asyncio.run`` is closed together with the transport's own closer."""
    transport, made = owned_transport(Recorder(httpx.Response(200, json={})))
    problems: list[dict[str, Any]] = []
    kept: list[AsyncIterator[None]] = []

    async def owner() -> AsyncIterator[None]:
        try:
            await transport.request("GET", URL)
            yield
        finally:
            await transport.aclose()

    async def main() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda _, context: problems.append(context))
        kept.append(owner())
        await anext(kept[0])

    asyncio.run(main())
    assert problems == []
    assert all(client.is_closed for client in made)


@pytest.mark.parametrize(
    ("method", "answers", "arrived"),
    [
        ("GET", [httpx.ConnectError("refused")], None),  # look-ups are not sends
        ("POST", [httpx.ConnectError("refused")], False),
        ("POST", [httpx.Response(429)], False),
        ("POST", [httpx.Response(301, headers={"location": "https://elsewhere.example/"})], False),
        ("POST", [httpx.ConnectError("refused"), httpx.ReadTimeout("late")], True),
        ("POST", [httpx.ReadTimeout("late")], True),
        ("POST", [httpx.Response(500)], True),
        ("POST", [httpx.Response(200, json={})], True),
    ],
)
async def test_a_send_watch_says_whether_a_send_may_have_arrived(
    method: str, answers: list[Any], arrived: bool | None, sleeps: list[float]
) -> None:
    recorder = Recorder(*answers)
    transport, client = make_transport(recorder, retry=RetryPolicy(max_attempts=2, max_retry_after=0))
    watch = SendWatch()
    async with client:
        with watching_sends(watch), contextlib.suppress(errors.KrSmsError):
            await transport.request(method, URL)
    assert watch.may_have_arrived is arrived
    if arrived is not None:  # a send: each attempt that left is counted, refused ones too
        assert watch.attempts == len(recorder.requests)


async def test_each_retry_of_a_watched_send_waits_for_the_pace(sleeps: list[float]) -> None:
    paced: list[int] = []
    recorder = Recorder(httpx.Response(429), httpx.Response(429), httpx.Response(200, json={}))
    transport, _ = make_transport(recorder)

    async def pace() -> None:
        paced.append(len(recorder.requests))

    with watching_sends(SendWatch(pace=pace)):
        await transport.request("POST", URL, json={})
    assert paced == [1, 2]  # before the second and the third attempt: a rate limit counts them all


@pytest.mark.parametrize(
    ("answer", "error"),
    [(httpx.Response(429), errors.RateLimitedError), (httpx.ConnectError("refused"), errors.ConnectError)],
)
async def test_a_send_being_interrupted_makes_no_retry(
    answer: httpx.Response | Exception, error: type[Exception], sleeps: list[float]
) -> None:
    """The bulk send was cancelled while the attempt was out (and drains): the refusal stands,
    and no new request leaves, not even after the back-off."""
    watch = SendWatch()

    def refused_as_the_send_stops(request: httpx.Request) -> httpx.Response:
        watch.stopping = True
        if isinstance(answer, Exception):
            raise answer
        return answer

    recorder = Recorder(refused_as_the_send_stops)
    transport, client = make_transport(recorder)
    async with client:
        with watching_sends(watch), pytest.raises(error):
            await transport.request("POST", URL, json={})
    assert len(recorder.requests) == 1
    assert sleeps == []  # no back-off either
    assert watch.may_have_arrived is False


async def test_a_send_interrupted_during_its_back_off_makes_no_retry(sleeps: list[float]) -> None:
    watch = SendWatch()

    async def interrupted() -> None:
        watch.stopping = True

    watch.pace = interrupted  # awaited after the back-off, before the retry
    recorder = Recorder(httpx.Response(429), httpx.Response(200, json={}))
    transport, client = make_transport(recorder)
    async with client:
        with watching_sends(watch), pytest.raises(errors.RateLimitedError):
            await transport.request("POST", URL, json={})
    assert len(recorder.requests) == 1


async def test_a_send_cancelled_while_waiting_for_a_slot_has_not_arrived() -> None:
    """Only one request at a time: the second send waits for the slot and sends nothing."""
    transport, client, release, paths = one_slot_transport()
    watch = SendWatch()

    async def second_send() -> None:
        with watching_sends(watch):
            await transport.request("POST", "https://provider.test/second")

    async with client:
        first = asyncio.create_task(transport.request("GET", "https://provider.test/first"))
        await asyncio.sleep(0.05)
        waiting = asyncio.create_task(second_send())
        await asyncio.sleep(0.05)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        release.set()
        await first
    assert paths == ["/first"]
    assert watch.may_have_arrived is False
    assert watch.attempts == 0  # a bulk send reports no request for this batch


async def watched_send(transport: Transport, url: str, watch: SendWatch) -> None:
    with watching_sends(watch):
        await transport.request("POST", url, json={})


@pytest.mark.parametrize("ending", ["cancelled", "pool timeout"])
async def test_a_send_that_waited_in_vain_in_a_busy_borrowed_pool_never_left(ending: str) -> None:
    """The application's own request holds the one connection of the client it lends: the
    send waits inside httpx's pool, and ending there, it never left (and counts no attempt)."""
    async with (
        held_answers() as (base_url, paths, release),
        httpx.AsyncClient(limits=httpx.Limits(max_connections=1)) as client,
    ):
        transport = Transport(
            provider="test",
            auth=None,
            error_parser=generic_errors,
            http_client=client,
            timeout=Timeouts(pool=0.05 if ending == "pool timeout" else 30.0),
            retry=NO_RETRIES,
        )
        own = asyncio.create_task(client.get(base_url + "/own"))
        await eventually(lambda: paths == ["/own"])
        watch = SendWatch()
        sending = asyncio.create_task(watched_send(transport, base_url + "/send", watch))
        if ending == "cancelled":
            await asyncio.sleep(0.05)  # waiting for the connection, in httpx's pool
            sending.cancel()
            with pytest.raises(asyncio.CancelledError):
                await sending
        else:
            with pytest.raises(errors.PoolTimeoutError):
                await sending
        release.set()
        await own
    assert paths == ["/own"]
    assert watch.may_have_arrived is False
    assert watch.attempts == 0


async def test_a_send_whose_bulk_send_stopped_while_it_waited_for_a_connection_is_not_written() -> None:
    """The bulk send stops (a fatal answer, Ctrl-C) while this send waits in httpx's pool, and
    the cancellation meant to end it is lost: on Python 3.10 anyio cannot tell a task's own
    cancellation from its cancel scopes' and swallows it when it lands in ``connect_tcp``'s
    task group as the connection wins. Once it gets its connection, the request is not written:
    no request leaves for a send that is stopping, and the batch stays provably NOT_SENT."""
    async with (
        held_answers() as (base_url, paths, release),
        httpx.AsyncClient(limits=httpx.Limits(max_connections=1)) as client,
    ):
        transport = Transport(
            provider="test", auth=None, error_parser=generic_errors, http_client=client, retry=NO_RETRIES
        )
        own = asyncio.create_task(client.get(base_url + "/own"))
        await eventually(lambda: paths == ["/own"])
        watch = SendWatch()
        sending = asyncio.create_task(watched_send(transport, base_url + "/send", watch))
        await eventually(lambda: watch.may_have_arrived is False)  # past its slot, waiting in the pool
        watch.stopping = True  # and no cancellation reaches it
        release.set()
        await own
        with pytest.raises(errors.UnsendableRequestError, match="the bulk send it belongs to is stopping"):
            await asyncio.wait_for(sending, timeout=5)
        await asyncio.wait_for(client.get(base_url + "/after"), timeout=5)  # the pool is whole
    assert paths == ["/own", "/after"]
    assert watch.may_have_arrived is False
    assert watch.attempts == 0


async def test_a_request_hook_that_sets_its_own_trace_leaves_a_written_send_possibly_arrived() -> None:
    """httpx's documented way to log a request's events replaces the ``trace`` extension krsms
    counts writes by: such a client is taken as one that does not tell, on the safe side."""
    events: list[str] = []

    async def log_events(event: str, info: object) -> None:
        events.append(event)

    async def trace_every_request(request: httpx.Request) -> None:
        request.extensions["trace"] = log_events

    async with (
        held_answers() as (base_url, paths, _),
        httpx.AsyncClient(event_hooks={"request": [trace_every_request]}) as client,
    ):
        transport = Transport(provider="test", auth=None, error_parser=generic_errors, http_client=client)
        watch = SendWatch()
        sending = asyncio.create_task(watched_send(transport, base_url + "/send", watch))
        await eventually(lambda: paths == ["/send"])
        sending.cancel()
        with pytest.raises(asyncio.CancelledError):
            await sending
    assert "http11.send_request_headers.started" in events  # the application's trace ran
    assert watch.may_have_arrived is True


async def test_a_send_cancelled_once_its_request_was_written_may_have_arrived() -> None:
    async with held_answers() as (base_url, paths, _), httpx.AsyncClient() as client:
        transport = Transport(provider="test", auth=None, error_parser=generic_errors, http_client=client)
        watch = SendWatch()
        sending = asyncio.create_task(watched_send(transport, base_url + "/send", watch))
        await eventually(lambda: paths == ["/send"])
        sending.cancel()
        with pytest.raises(asyncio.CancelledError):
            await sending
    assert watch.may_have_arrived is True
    assert watch.attempts == 1


async def test_through_a_transport_that_does_not_report_writes_a_send_handed_to_it_may_have_arrived() -> None:
    """A transport of your own (a mock here, httpx-aiohttp in an application) does not say
    when it writes: a send it holds is taken as out, on the safe side."""
    handed = asyncio.Event()

    async def never_answers(request: httpx.Request) -> httpx.Response:
        handed.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async with httpx.AsyncClient(transport=httpx.MockTransport(never_answers)) as client:
        transport = Transport(provider="test", auth=None, error_parser=generic_errors, http_client=client)
        watch = SendWatch()
        sending = asyncio.create_task(watched_send(transport, URL, watch))
        await asyncio.wait_for(handed.wait(), timeout=5)
        sending.cancel()
        with pytest.raises(asyncio.CancelledError):
            await sending
    assert watch.may_have_arrived is True
    assert watch.attempts == 1


async def test_a_batch_that_got_no_connection_of_a_busy_borrowed_pool_is_not_sent_and_made_no_request() -> None:
    async with (
        held_answers() as (base_url, paths, release),
        httpx.AsyncClient(limits=httpx.Limits(max_connections=1)) as client,
    ):
        gateway = NhnGateway(
            app_key="k", base_url=base_url, http_client=client, timeout=Timeouts(pool=0.05), retry=NO_RETRIES
        )
        own = asyncio.create_task(client.get(base_url + "/own"))
        await eventually(lambda: paths == ["/own"])
        report = await gateway.send(Message(sender="15446859", text="안녕", recipients=["01000000001"]))
        release.set()
        await own
    assert [(outcome.status, outcome.code) for outcome in report.outcomes] == [
        (SendStatus.NOT_SENT, "PoolTimeoutError")
    ]
    assert report.requests == 0
    assert paths == ["/own"]


def test_max_concurrency_is_cut_to_the_pool_of_a_borrowed_client_when_it_can_be_read() -> None:
    """httpx does not expose a pool's size: it is read where httpx keeps it, and a client with
    a transport of its own keeps the ``max_concurrency`` asked for."""
    small = httpx.AsyncClient(limits=httpx.Limits(max_connections=2))
    unlimited = httpx.AsyncClient(limits=httpx.Limits(max_connections=None))
    custom = httpx.AsyncClient(transport=httpx.MockTransport(Recorder(httpx.Response(200))))
    sens = SensGateway(access_key="a", secret_key="s", service_id="ncp:sms:kr:1:x", http_client=small)
    assert (sens.max_concurrency, sens.client.transport.max_concurrency) == (2, 2)
    assert NhnGateway(app_key="k", http_client=small, max_concurrency=1).max_concurrency == 1
    assert NhnGateway(app_key="k", http_client=unlimited).max_concurrency == 8
    assert NhnGateway(app_key="k", http_client=custom).max_concurrency == 8


def test_max_concurrency_is_cut_to_the_pool_of_the_mount_the_provider_is_reached_through() -> None:
    """A client whose mount for the provider's host has a pool of its own: that pool is the
    one its requests wait for; a mount for another host changes nothing."""
    provider_mounted = httpx.AsyncClient(
        mounts={"https://api-sms.cloud.toast.com": httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=3))}
    )
    elsewhere_mounted = httpx.AsyncClient(
        mounts={"https://example.test": httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=1))}
    )
    assert NhnGateway(app_key="k", http_client=provider_mounted).max_concurrency == 3
    assert NhnGateway(app_key="k", http_client=elsewhere_mounted).max_concurrency == 8


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (
            lambda: SensGateway(access_key="SECRET-ACCESS-KEY\n", secret_key="s", service_id="ncp:sms:kr:1:x"),
            "access_key",
        ),
        (
            lambda: SensGateway(access_key="a", secret_key=" SECRET-HEADER-KEY", service_id="ncp:sms:kr:1:x"),
            "secret_key",
        ),
        (lambda: SensGateway(access_key="a", secret_key="s", service_id="ncp:sms:kr:1:x\n"), "service_id"),
        (lambda: NhnGateway(app_key="SECRET-APP-KEY\r\n"), "app_key"),
        (lambda: NhnGateway(app_key=""), "app_key"),
        (lambda: NhnGateway(app_key="k", secret_key="SECRET-\tHEADER-KEY"), "secret_key"),
    ],
)
def test_a_key_with_a_line_break_or_surrounding_space_is_refused_without_showing_it(
    make: Callable[[], object], field: str
) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        make()
    assert caught.value.field == field
    assert_no_secrets(caught.value)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (
            lambda: SensGateway(access_key="SECRET-ACCESS-KEY\udcff", secret_key="s", service_id="ncp:sms:kr:1:x"),
            "access_key",
        ),
        (
            lambda: SensGateway(access_key="a", secret_key="SECRET-HEADER-KEY\udcff", service_id="ncp:sms:kr:1:x"),
            "secret_key",
        ),
        (lambda: NhnGateway(app_key="SECRET-APP-KEY\udcff"), "app_key"),
        (lambda: NhnGateway(app_key="k", secret_key="SECRET-HEADER-KEY\udcff"), "secret_key"),
    ],
)
def test_a_key_with_an_undecodable_byte_is_refused_without_showing_it(make: Callable[[], object], field: str) -> None:
    """An environment variable or file holding a byte that is not UTF-8 reads as a lone
    surrogate: refused at once, not later as a UnicodeEncodeError holding the whole key."""
    with pytest.raises(errors.ValidationError) as caught:
        make()
    assert caught.value.field == field
    assert caught.value.problem == "holds a byte that could not be decoded as text (read with the wrong encoding?)"
    assert caught.value.value == "***"
    assert_no_secrets(caught.value)


@pytest.mark.parametrize(
    ("cls", "expected"),
    [
        (SensGateway, "SensGateway(service_id=None, max_concurrency=None)"),
        (NhnGateway, "NhnGateway(secret_key=None, authentication=None, max_concurrency=None)"),
        (SensClient, "SensClient(service_id=None, url=None)"),
        (NhnClient, "NhnClient(url=None, secret_key=None)"),
        (NhnApi, "NhnApi(url=None, secret_key=None)"),
        (Transport, "Transport(provider=None, client=None, max_concurrency=None)"),
    ],
)
def test_the_repr_of_an_object_whose_constructor_failed_does_not_raise(cls: type, expected: str) -> None:
    assert repr(cls.__new__(cls)) == expected


@pytest.mark.parametrize(
    ("make", "shown"),
    [
        (
            lambda: SensGateway(access_key="a", secret_key="s", service_id=" "),
            "SensGateway(service_id=None, max_concurrency=None)",
        ),
        (
            lambda: SensGateway(access_key="a", secret_key="s", service_id="x", requests_per_second=0),
            "SensGateway(service_id='x', max_concurrency=None)",
        ),
        (
            lambda: NhnGateway(app_key="k", requests_per_second=0),
            "NhnGateway(secret_key=None, authentication=False, max_concurrency=None)",
        ),
        (
            lambda: NhnGateway(app_key="k", secret_key="s", max_concurrency=0),
            "NhnGateway(secret_key=***, authentication=False, max_concurrency=None)",
        ),
        (
            lambda: NhnClient(app_key="k", secret_key="SECRET-HEADER-KEY", base_url="ftp://sms.example"),
            "NhnClient(url=None, secret_key=***)",
        ),
        (
            lambda: NhnApi(app_key="k", secret_key="SECRET-HEADER-KEY", base_url="ftp://sms.example"),
            "NhnApi(url=None, secret_key=***)",
        ),
        (lambda: NhnClient(app_key="k", base_url="ftp://sms.example"), "NhnClient(url=None, secret_key=None)"),
    ],
)
def test_a_failed_constructor_can_be_shown_with_its_locals(make: Callable[[], object], shown: str) -> None:
    """A traceback with its locals (pytest --showlocals, rich, Sentry) shows the half-built object."""
    with pytest.raises(errors.ValidationError) as caught:
        make()
    text = "".join(traceback.TracebackException.from_exception(caught.value, capture_locals=True).format())
    assert f"self = {shown}" in text


@pytest.fixture
def fresh_log_filters(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No krsms filter on the libraries' loggers (as in a process that made no client yet),
    and those of the test removed after it."""
    monkeypatch.setattr(httpx_logs, "_httpx_log_filter", httpx_logs._RedactingFilter())
    monkeypatch.setattr(httpx_logs, "_hpack_log_filter", httpx_logs._HeaderDataFilter())
    loggers = [logging.getLogger(name) for name in (*httpx_logs._HTTP_LOGGERS, *httpx_logs._HPACK_LOGGERS)]
    saved = {library_logger: list(library_logger.filters) for library_logger in loggers}
    for library_logger in loggers:
        library_logger.filters.clear()
    yield
    for library_logger, filters in saved.items():
        library_logger.filters[:] = filters


@pytest.mark.usefixtures("fresh_log_filters")
def test_a_client_made_while_another_thread_logs_a_request_breaks_neither() -> None:
    """The filter on httpx's loggers is shared by every thread: a client made in one (adding
    its patterns) while a request of another is being logged must not fail that request."""

    class ClientMadeMeanwhile:
        """A pattern whose use stands for another thread making a client at that moment."""

        def sub(self, replacement: str, text: str) -> str:
            redact_in_httpx_logs(SECRET_PATTERN)
            return text

    redact_in_httpx_logs(ClientMadeMeanwhile())  # type: ignore[arg-type]
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, "HTTP Request: POST %s", (URL,), None)
    assert httpx_logs._httpx_log_filter.filter(record)
    assert httpx_logs._httpx_log_filter.filter(record)  # the next record meets the new pattern
    assert "SECRET-APP-KEY" not in record.getMessage()


@pytest.mark.usefixtures("fresh_log_filters")
@pytest.mark.parametrize("name", ["httpcore.http11", "httpcore.http2"])
def test_a_sens_client_hides_its_keys_in_the_response_headers_httpcore_logs(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    SensClient(access_key="SECRET-ACCESS-KEY", secret_key="SECRET-HEADER-KEY", service_id="ncp:sms:kr:1:x")
    caplog.set_level(logging.DEBUG)
    headers = [
        (b"x-ncp-iam-access-key", b"SECRET-ACCESS-KEY"),
        (b"x-ncp-apigw-signature-v2", b"c2lnbmF0dXJl"),
        (b"Location", b"https://x/sms/v2/services/s/messages?accessKey=SECRET-ACCESS-KEY"),
    ]
    logging.getLogger(name).debug("receive_response_headers.complete return_value=%r", (b"HTTP/1.1", 302, headers))
    assert caplog.messages == [
        "receive_response_headers.complete return_value=(b'HTTP/1.1', 302, ["
        "(b'x-ncp-iam-access-key', b'***'), (b'x-ncp-apigw-signature-v2', b'***'), "
        "(b'Location', b'https://x/sms/v2/services/s/messages?accessKey=***')])"
    ]


@pytest.mark.usefixtures("fresh_log_filters")
@pytest.mark.parametrize(
    ("header", "shown"),
    [
        (
            (b"Location", b"https://x/sms/v2.2/appkeys/SECRET-APP-KEY/sender/sms"),
            "https://x/sms/v2.2/appkeys/***/sender/sms",
        ),
        (
            (b"Location", b"https://sso.test/login?appKey=SECRET-APP-KEY&next=1"),
            "https://sso.test/login?appKey=***&next=1",
        ),
        (
            (
                b"Location",
                b"https://sso.test/login?back=https%3A%2F%2Fx%2Fsms%2Fv2.2%2FappKeys%2FSECRET-APP-KEY%2Fsender",
            ),
            "https://sso.test/login?back=https%3A%2F%2Fx%2Fsms%2Fv2.2%2FappKeys%2F***%2Fsender",
        ),
        (
            (b"Location", b"https://sso.test/login?back=%252Fsms%252Fv2.2%252FappKeys%252FSECRET-APP-KEY%252Fsender"),
            "https://sso.test/login?back=%252Fsms%252Fv2.2%252FappKeys%252F***%252Fsender",
        ),
        ((b"X-AppKey", b"SECRET-APP-KEY"), "***"),
        ((b"X-Secret-Key", b"SECRET-HEADER-KEY"), "***"),
    ],
)
def test_an_nhn_client_hides_its_keys_in_the_response_headers_httpcore_logs(
    header: tuple[bytes, bytes], shown: str, caplog: pytest.LogCaptureFixture
) -> None:
    NhnClient(app_key="SECRET-APP-KEY", secret_key="SECRET-HEADER-KEY")
    caplog.set_level(logging.DEBUG)
    logging.getLogger("httpcore.http11").debug("receive_response_headers.complete return_value=%r", [header])
    assert caplog.messages == [f"receive_response_headers.complete return_value=[({header[0]!r}, {shown.encode()!r})]"]


@pytest.mark.usefixtures("fresh_log_filters")
@pytest.mark.parametrize(
    "make", [lambda: NhnClient(app_key="k"), lambda: SensClient(access_key="a", secret_key="s", service_id="x")]
)
def test_hpack_records_carrying_header_data_are_dropped(
    make: Callable[[], object], caplog: pytest.LogCaptureFixture
) -> None:
    """hpack (an ``httpx.AsyncClient(http2=True)``) logs each header it encodes, and the
    Huffman-coded block no pattern can read: those records go, its numbers stay."""
    make()
    caplog.set_level(logging.DEBUG)
    encoder, table = logging.getLogger("hpack.hpack"), logging.getLogger("hpack.table")
    encoder.debug(
        "Adding %s=%s to the header table, sensitive:%s, huffman:%s", b"x-secret-key", b"SECRET-HEADER-KEY", False, True
    )
    encoder.debug(
        "Adding %s=%s to the header table, sensitive:%s, huffman:%s", b":path", b"/appKeys/SECRET-APP-KEY", False, True
    )
    encoder.debug("Encoded header block to %s", b"\x82\x86\x84A\x8a\xa0\xe4\x1d\x13\x9d\t\xb8\xf3M3")
    encoder.debug("Decoded %s, consumed %d", (b"x-ncp-iam-access-key", b"SECRET-ACCESS-KEY"), 20)
    table.debug("Evicting %s: %s from the header table", b"x-secret-key", b"SECRET-HEADER-KEY")
    encoder.debug("Encoding %d with %d bits", 42, 7)
    table.debug("Resizing header table to %d from %d", 4096, 0)
    assert caplog.messages == ["Encoding 42 with 7 bits", "Resizing header table to 4096 from 0"]


def test_a_response_repr_shows_neither_headers_nor_body() -> None:
    """An answer may echo a key (a proxy's error page, a debug header); reprs reach logs and
    error trackers' frame locals."""
    answer = Response(
        status_code=401,
        headers={"x-echo": "SECRET-HEADER-KEY"},
        content=b'{"accessKey": "SECRET-ACCESS-KEY"}',
        method="POST",
        url="https://api.example/x",
        redact=Redactor(),
    )
    assert repr(answer) == "Response(status_code=401, content=<34 bytes>, method='POST', url='https://api.example/x')"


TWO = Limits(max_connections=2)
SIZED_BY_LIMITS: dict[str, Callable[[], Any]] = {
    "NhnClient": lambda: NhnClient(app_key="K", limits=Limits(max_connections=2), max_concurrency=8).api.transport,
    "NhnGateway": lambda: (
        NhnGateway(app_key="K", limits=Limits(max_connections=2), max_concurrency=8).client.api.transport
    ),
    "SensClient": lambda: (
        SensClient(access_key="A", secret_key="S", service_id="svc", limits=TWO, max_concurrency=8).transport
    ),
    "SensGateway": lambda: (
        SensGateway(access_key="A", secret_key="S", service_id="svc", limits=TWO, max_concurrency=8).client.transport
    ),
}


@pytest.mark.parametrize("made", list(SIZED_BY_LIMITS))
def test_every_client_and_gateway_sizes_its_own_pool_by_limits(made: str) -> None:
    """``krsms.Limits`` reaches the transport: the pool's size also caps the requests in flight."""
    assert SIZED_BY_LIMITS[made]().max_concurrency == 2


def test_krsms_prints_nothing_in_an_application_that_configured_no_logging() -> None:
    """A retry warning of krsms's reaches no stderr through Python's last-resort handler."""
    program = (
        "import asyncio, krsms\n"
        "async def main():\n"
        "    async with krsms.NhnGateway(app_key='k', base_url='http://127.0.0.1:9') as nhn:\n"
        "        report = await nhn.send(krsms.Message(sender='15446859', text='x', recipients=['01000000001']))\n"
        "    print(report.outcomes[0].status)\n"
        "asyncio.run(main())\n"
    )
    ran = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert (ran.stdout.strip(), ran.stderr) == ("not_sent", "")  # refused: retried, then not sent


class RetryEveryFiveHundredOnce:
    """A strategy of the caller's own, no RetryPolicy: one more try after any 5xx, sends
    included (say, for a provider known to answer 503 before processing), with a fixed pause."""

    max_attempts = 2

    def __init__(self) -> None:
        self.asked: list[tuple[int, bool, int | None, float | None]] = []

    def should_retry(
        self,
        *,
        attempt: int,
        idempotent: bool,
        status_code: int | None = None,
        error: errors.TransportError | None = None,
        retry_after: float | None = None,
    ) -> bool:
        self.asked.append((attempt, idempotent, status_code, retry_after))
        return attempt < self.max_attempts and status_code is not None and status_code >= 500

    def backoff(self, attempt: int, *, retry_after: float | None = None, rng: random.Random | None = None) -> float:
        return 0.25


async def test_any_retry_strategy_serves_as_retry(sleeps: list[float]) -> None:
    strategy = RetryEveryFiveHundredOnce()
    recorder = Recorder(httpx.Response(503, headers={"retry-after": "1"}), httpx.Response(200, json={}))
    transport, client = make_transport(recorder, retry=strategy)
    async with client:
        await transport.request("POST", URL, json={})
    assert len(recorder.requests) == 2
    assert strategy.asked == [(1, False, 503, 1.0)]
    assert sleeps == [0.25]


@pytest.mark.parametrize(("retry_after", "retried"), [(60.0, True), (61.0, False), (None, True)])
def test_the_policy_gives_up_when_the_server_asks_for_a_longer_pause_than_its_cap(
    retry_after: float | None, retried: bool
) -> None:
    policy = RetryPolicy(max_retry_after=60.0)
    assert policy.should_retry(attempt=1, idempotent=True, status_code=503, retry_after=retry_after) is retried


async def test_no_strategy_is_asked_to_retry_a_request_that_cannot_be_written(sleeps: list[float]) -> None:
    """It would fail the same way again: a strategy that says yes to everything must not make
    it wait out backoffs first."""

    class AlwaysAgain:
        max_attempts = 5

        def should_retry(self, **_: object) -> bool:
            return True

        def backoff(self, attempt: int, *, retry_after: float | None = None, rng: object = None) -> float:
            return 1.0

    transport, client = make_transport(Recorder(httpx.Response(200, json={})), retry=AlwaysAgain())
    await client.aclose()
    with pytest.raises(errors.UnsendableRequestError):
        await transport.request("GET", URL)
    assert sleeps == []


async def test_a_body_encoded_by_the_caller_goes_as_it_is_with_the_json_media_type() -> None:
    recorder = Recorder(httpx.Response(200, json={}))
    transport, client = make_transport(recorder)
    body = EncodedJson(b'{"to":"01012345678","text":"\xec\x95\x88\xeb\x85\x95"}')
    async with client:
        await transport.request("POST", URL, json=body)
    (request,) = recorder.requests
    assert request.content == body.content
    assert request.headers.get_list("content-type") == ["application/json"]
    assert request.headers["content-length"] == str(len(body.content))


@pytest.mark.parametrize("name", ["Content-Type", "content-type"])
async def test_an_encoded_body_keeps_the_media_type_the_transport_was_given(name: str) -> None:
    recorder = Recorder(httpx.Response(200, json={}))
    transport, client = make_transport(recorder, headers={name: "application/json;charset=UTF-8"})
    async with client:
        await transport.request("POST", URL, json=EncodedJson(b"{}"))
        await transport.request("POST", URL, json={})  # as httpx's own json= keeps it
    assert [request.headers.get_list("content-type") for request in recorder.requests] == [
        ["application/json;charset=UTF-8"]
    ] * 2

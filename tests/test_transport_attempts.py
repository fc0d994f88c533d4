"""What a request that took several attempts says when it fails: the last attempt's error,
unless that one only proves that the last attempt never arrived while an earlier one may have."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from krsms import Message, NhnGateway, SendStatus, errors
from krsms.transport import Limits, Response, RetryPolicy, SendWatch, Transport, watching_sends

URL = "https://provider.test/send"
UNSAFE = RetryPolicy(max_attempts=3, initial_backoff=0, retry_unsafe_sends=True)


def generic_errors(response: Response) -> errors.ProviderError:
    error_class = errors.error_class_for_status(response.status_code)
    return error_class(f"HTTP {response.status_code}", provider="test", status_code=response.status_code)


def scripted(*answers: httpx.Response | Exception, retry: RetryPolicy = UNSAFE) -> tuple[Transport, list[str]]:
    """A transport over a provider that gives ``answers`` in turn; the methods it was asked."""
    pending = list(answers)
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request.method)
        given = pending.pop(0)
        if isinstance(given, Exception):
            raise given
        return given

    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    return Transport(provider="test", auth=None, error_parser=generic_errors, http_client=client, retry=retry), asked


@pytest.mark.parametrize(
    ("answers", "raised"),
    [
        ([httpx.Response(500), httpx.ConnectError("refused"), httpx.ConnectError("refused")], errors.ServerError),
        ([httpx.ReadTimeout("late"), httpx.PoolTimeout("busy"), httpx.PoolTimeout("busy")], errors.RequestTimeoutError),
        ([httpx.Response(503), httpx.Response(429), httpx.Response(429)], errors.ServerError),
        ([httpx.ReadError("reset"), httpx.Response(429), httpx.ConnectError("refused")], errors.TransportError),
    ],
)
async def test_a_send_whose_earlier_attempt_may_have_arrived_never_fails_as_not_sent(
    answers: list[Any], raised: type[errors.KrSmsError]
) -> None:
    """Sends retried after ambiguous failures (``retry_unsafe_sends``): later attempts that
    never arrived (a refused connection, a 429) prove nothing about the first one."""
    transport, asked = scripted(*answers)
    watch = SendWatch()
    with watching_sends(watch), pytest.raises(errors.KrSmsError) as caught:
        await transport.request("POST", URL, json={})
    assert len(asked) == 3
    assert type(caught.value) is raised
    assert getattr(caught.value, "may_have_been_sent", True) is True
    assert not getattr(caught.value, "refused_before_processing", False)
    assert watch.may_have_arrived is True


async def test_a_send_refused_on_every_attempt_still_fails_as_not_sent() -> None:
    transport, _ = scripted(httpx.Response(429), httpx.ConnectError("refused"), httpx.Response(429))
    with pytest.raises(errors.RateLimitedError):
        await transport.request("POST", URL, json={})


async def test_a_batch_answered_500_then_refused_is_unknown_not_not_sent() -> None:
    """Through a gateway: the batch whose first attempt got a 500 may have been accepted, so it
    is UNKNOWN (looked up), never NOT_SENT (resent by whoever trusts it: delivered twice)."""
    answers = [httpx.Response(500), httpx.Response(429), httpx.Response(429)]

    def answer(request: httpx.Request) -> httpx.Response:
        return answers.pop(0)

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        gateway = NhnGateway(app_key="app-key", http_client=client, retry=UNSAFE, reconcile=False)
        report = await gateway.send(Message(sender="15446859", text="안녕", recipients=["01000000001"]))
    assert [outcome.status for outcome in report.outcomes] == [SendStatus.UNKNOWN]


@contextlib.asynccontextmanager
async def answered_never() -> AsyncIterator[tuple[str, list[str]]]:
    """An HTTP/1.1 server on 127.0.0.1 that reads each request whole and never answers; yields
    its base URL and the paths it read."""
    paths: list[str] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            head = await reader.readuntil(b"\r\n\r\n")
            paths.append(head.split(b" ", 2)[1].decode())
            length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
            await reader.readexactly(int(length.group(1)) if length else 0)
            await reader.read()  # until the client closes the connection
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}", paths
    finally:
        server.close()
        await asyncio.wait_for(server.wait_closed(), timeout=5)


async def test_a_cancellation_cut_off_by_aclose_after_it_reached_the_server_may_have_been_processed() -> None:
    """aclose() while a DELETE (a reservation's cancellation) waits for its answer: it reached
    the server; the retry that aclose() refuses does not make it one that never left."""
    async with answered_never() as (base_url, paths):
        transport = Transport(
            provider="test",
            auth=None,
            error_parser=generic_errors,
            base_url=base_url,
            retry=RetryPolicy(initial_backoff=0),
            limits=Limits(max_connections=1),
        )
        cancelling = asyncio.create_task(transport.request("DELETE", "/reservations/1"))
        for _ in range(1000):
            if paths:
                break
            await asyncio.sleep(0.005)
        await transport.aclose()
        with pytest.raises(errors.TransportError) as caught:
            await cancelling
    assert paths == ["/reservations/1"]
    assert caught.value.may_have_been_sent is True


@contextlib.asynccontextmanager
async def reading_server() -> AsyncIterator[tuple[str, list[bytes]]]:
    """A server on 127.0.0.1 that records what each connection sent it (nothing answered)."""
    received: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            received.append(await reader.read())
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}", received
    finally:
        server.close()
        await asyncio.wait_for(server.wait_closed(), timeout=5)


async def test_a_batch_whose_request_httpcore_refuses_to_write_made_no_request() -> None:
    """h11 refuses a header value with a line break once httpcore has started writing the
    request head (its trace says so first): nothing was written, so no attempt left, and a
    bulk send counts no request for the batch."""
    async with (
        reading_server() as (base_url, received),
        httpx.AsyncClient(headers={"X-Application": "copied\nwith a line break"}) as client,
    ):
        gateway = NhnGateway(app_key="app-key", base_url=base_url, http_client=client)
        report = await gateway.send(Message(sender="15446859", text="안녕", recipients=["01000000001"]))
    assert [(outcome.status, outcome.code) for outcome in report.outcomes] == [
        (SendStatus.NOT_SENT, "UnsendableRequestError")
    ]
    assert report.requests == 0
    assert b"".join(received) == b""


def nhn_envelope(code: int) -> httpx.Response:
    """An NHN answer (HTTP 200) reporting ``code`` in its header."""
    return httpx.Response(
        200, json={"header": {"isSuccessful": code == 0, "resultCode": code, "resultMessage": f"code {code}"}}
    )


async def test_a_send_refused_after_an_attempt_that_may_have_been_processed_fails_as_that_attempt() -> None:
    """A send retried after a 500 (``retry_unsafe_sends``) and then answered 400: the 400 is
    about the second attempt alone; the first may have been carried out all the same."""
    transport, asked = scripted(httpx.Response(500), httpx.Response(400))
    with pytest.raises(errors.ServerError) as caught:
        await transport.request("POST", URL, json={})
    assert asked == ["POST", "POST"]
    assert type(caught.value.__cause__) is errors.BadRequestError


async def test_a_look_up_refused_after_a_server_error_fails_as_refused() -> None:
    """An idempotent request's last answer tells how things stand: its 400 is the error."""
    transport, _ = scripted(httpx.Response(500), httpx.Response(400))
    with pytest.raises(errors.BadRequestError):
        await transport.request("GET", URL)


async def test_a_fatal_refusal_after_a_server_error_stands_to_stop_a_bulk_send() -> None:
    """The 401 stands (it stops a bulk send), and says that the first attempt, answered 500,
    may have been carried out all the same."""
    transport, _ = scripted(httpx.Response(500), httpx.Response(401))
    with pytest.raises(errors.AuthenticationError) as caught:
        await transport.request("POST", URL, json={})
    assert type(caught.value.earlier_attempt) is errors.ServerError
    assert str(caught.value).endswith("; an earlier attempt may have been processed (ServerError: HTTP 500)")


async def test_a_fatal_refusal_of_a_look_up_after_a_server_error_says_nothing_of_it() -> None:
    """A look-up changed nothing at the provider: its earlier attempt is beside the point."""
    transport, _ = scripted(httpx.Response(500), httpx.Response(401))
    with pytest.raises(errors.AuthenticationError) as caught:
        await transport.request("GET", URL)
    assert caught.value.earlier_attempt is None
    assert "earlier attempt" not in str(caught.value)


@pytest.mark.parametrize(
    "first_answers",
    [
        [httpx.Response(500), httpx.Response(401)],
        [nhn_envelope(-9999), nhn_envelope(-2312)],  # NHN's server error, then an unregistered sender
    ],
    ids=["http-status", "nhn-envelope"],
)
async def test_a_batch_refused_fatally_after_a_server_error_is_unknown_and_stops_the_send(
    first_answers: list[httpx.Response],
) -> None:
    """The first attempt may have been accepted: its batch is UNKNOWN (not REJECTED, which a
    resend would deliver twice), not looked up, and the fatal answer still stops the send."""
    answers = list(first_answers)
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request.method)
        return answers.pop(0)

    recipients = [f"010{index:08d}" for index in range(1001)]  # two batches, sent one at a time
    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        gateway = NhnGateway(app_key="app-key", http_client=client, retry=UNSAFE, max_concurrency=1)
        report = await gateway.send(Message(sender="15446859", text="안녕", recipients=recipients))
    assert asked == ["POST", "POST"]  # no look-up, no second batch
    assert report.error is not None
    assert report.error.fatal
    assert (len(report.with_status(SendStatus.UNKNOWN)), len(report.with_status(SendStatus.NOT_SENT))) == (1000, 1)
    first = report.outcomes[0]
    assert first.detail is not None
    assert "an earlier attempt may have been processed" in first.detail


@pytest.mark.parametrize(
    "answers",
    [
        [httpx.Response(500), httpx.Response(400)],
        [nhn_envelope(-9999), nhn_envelope(-2001)],  # NHN's server error, then a refusal, inside HTTP 200
    ],
    ids=["http-status", "nhn-envelope"],
)
async def test_a_batch_retried_after_a_server_error_and_then_refused_is_unknown_not_rejected(
    answers: list[httpx.Response],
) -> None:
    """Through a gateway: the first attempt may have been accepted, so the batch is UNKNOWN
    (looked up), never REJECTED (reported undelivered when it may have gone out)."""
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        return answers.pop(0)

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        gateway = NhnGateway(app_key="app-key", http_client=client, retry=UNSAFE, reconcile=False)
        report = await gateway.send(Message(sender="15446859", text="안녕", recipients=["01000000001"]))
    assert len(asked) == 2
    assert [outcome.status for outcome in report.outcomes] == [SendStatus.UNKNOWN]


@pytest.mark.parametrize(
    ("method", "said"),
    [
        ("GET", "no answer in time ("),
        ("POST", "no answer in time; it may have been processed ("),
        ("DELETE", "no answer in time; it may have been processed ("),
    ],
)
async def test_a_timeout_says_the_request_may_have_been_processed_unless_it_only_read(method: str, said: str) -> None:
    """A look-up changes nothing at the provider: "it may have been processed" says nothing
    of one (a send, a cancellation: it does)."""
    transport, _ = scripted(httpx.ReadTimeout("late"), retry=RetryPolicy(max_attempts=1))
    with pytest.raises(errors.RequestTimeoutError) as caught:
        await transport.request(method, URL, json={} if method == "POST" else None)
    assert said in str(caught.value)

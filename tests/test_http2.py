"""krsms over HTTP/2: a borrowed ``httpx.AsyncClient(http2=True)`` against the emulator.

Two servers on 127.0.0.1 speak HTTP/2 cleartext with prior knowledge: hypercorn serving the
emulator's app (:func:`hypercorn_emulator`), and :func:`h2_front`, a small server built on
the ``h2`` library that answers from the emulator's app in process and can do what an ASGI
server cannot: drop the connection in the middle of an answer (the emulator's ``drop``
faults).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import h2.config
import h2.connection
import h2.errors
import h2.events
import httpx
import pytest
from hypercorn.asyncio import serve
from hypercorn.config import Config as HypercornConfig

from held_answers import eventually
from krsms import Message, NhnGateway, SendProgress, SendStatus, SensGateway
from krsms.emulator import (
    DEMO_NHN_APP_KEY,
    DEMO_SENS_ACCESS_KEY,
    DEMO_SENS_SECRET_KEY,
    DEMO_SENS_SERVICE_ID,
    EmulatorConfig,
    Faults,
)
from krsms.emulator.app import create_app
from krsms.emulator.ledger import Ledger
from krsms.fanout import CANCELLED, BatchingGateway
from krsms.testing import numbers
from krsms.transport import RetryPolicy

PROVIDERS = ["sens", "nhn"]
PATHS = {"sens": f"/sms/v2/services/{DEMO_SENS_SERVICE_ID}/messages", "nhn": "/sms/v2.2/appKeys/***/sender/sms"}
"""Each provider's send path, as an outcome names it."""
SENDER = "15446859"

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class Watched:
    """ASGI middleware in front of the emulator: what the server saw of each provider request
    (its HTTP version, its connection, how many were being answered at once), and answers
    held until ``release`` is set when ``hold`` is.

    It reads a request's whole body before the emulator sees it: hypercorn 0.18 fails the
    whole HTTP/2 connection (``KeyError`` on a ``DATA`` frame) when an answer is complete
    before the request's body came in, as the emulator's faults "before processing" answer."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.http_versions: list[str] = []
        self.connections: set[object] = set()
        self.in_flight = 0
        self.most_in_flight = 0
        self.hold = False
        self.release = asyncio.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_emulator"):
            await self.app(scope, receive, send)
            return
        messages = [await receive()]
        while messages[-1]["type"] == "http.request" and messages[-1].get("more_body"):
            messages.append(await receive())
        replay = iter(messages)

        async def replayed() -> dict[str, Any]:
            return next(replay, None) or await receive()

        self.http_versions.append(scope["http_version"])
        self.connections.add(tuple(scope["client"]))
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.hold:
                await self.release.wait()
            await self.app(scope, replayed, send)
        finally:
            self.in_flight -= 1


@contextlib.asynccontextmanager
async def hypercorn_emulator(
    config: EmulatorConfig, *, max_streams: int = 100
) -> AsyncIterator[tuple[str, Watched, Ledger]]:
    """hypercorn serving the emulator on 127.0.0.1 (HTTP/2 cleartext with prior knowledge,
    at most ``max_streams`` streams at once on a connection); yields its base URL, what it
    saw and the emulator's ledger. Stops within a few seconds, whatever is in flight."""
    app = create_app(config)
    watched = Watched(app)
    listener = socket.create_server(("127.0.0.1", 0))
    settings = HypercornConfig()
    settings.bind = [f"fd://{os.dup(listener.fileno())}"]  # hypercorn closes its own copy
    settings.accesslog = None
    settings.errorlog = logging.getLogger("tests.hypercorn")
    settings.graceful_timeout = 0.5
    settings.h2_max_concurrent_streams = max_streams
    base_url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()
    stop = asyncio.Event()
    serving = asyncio.create_task(serve(watched, settings, shutdown_trigger=stop.wait))  # type: ignore[arg-type]
    try:
        yield base_url, watched, app.state.ledger
    finally:
        watched.release.set()
        stop.set()
        await asyncio.wait_for(serving, timeout=10)


@contextlib.asynccontextmanager
async def h2_front(
    config: EmulatorConfig, *, refuse: Callable[[h2.connection.H2Connection, int], None] | None = None
) -> AsyncIterator[tuple[str, Ledger]]:
    """An HTTP/2 server on 127.0.0.1 that answers each request from the emulator's app (in
    process); yields its base URL and the emulator's ledger.

    A request the emulator drops (its ``drop`` faults, :class:`~krsms.emulator.faults.DroppedConnection`)
    gets the head of an answer and part of its body, then the connection is cut. With
    ``refuse``, no request is answered: ``refuse`` is given the connection and each request's
    stream, to reset the stream or close the connection (:func:`refused_stream`, ...)."""
    app = create_app(config)

    async def answer(
        connection: h2.connection.H2Connection,
        writer: asyncio.StreamWriter,
        stream_id: int,
        headers: dict[str, str],
        body: bytes,
    ) -> None:
        forwarded = {name: value for name, value in headers.items() if not name.startswith(":")}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator") as emulator:
            try:
                response = await emulator.request(headers[":method"], headers[":path"], headers=forwarded, content=body)
            except httpx.RemoteProtocolError:  # the emulator dropped the connection
                connection.send_headers(stream_id, [(":status", "200"), ("content-length", "1000")])
                connection.send_data(stream_id, b'{"header":')
                writer.write(connection.data_to_send())
                await writer.drain()
                writer.transport.abort()
                return
        kept = [(name, value) for name, value in response.headers.items() if name not in ("connection",)]
        connection.send_headers(stream_id, [(":status", str(response.status_code)), *kept])
        connection.send_data(stream_id, response.content, end_stream=True)
        writer.write(connection.data_to_send())

    async def serve_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connection = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
        connection.initiate_connection()
        writer.write(connection.data_to_send())
        requests: dict[int, tuple[dict[str, str], bytearray]] = {}
        answering: set[asyncio.Task[None]] = set()
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                for event in connection.receive_data(data):
                    if isinstance(event, h2.events.RequestReceived):
                        headers = {name.decode(): value.decode() for name, value in event.headers or []}
                        requests[event.stream_id] = (headers, bytearray())
                    elif isinstance(event, h2.events.DataReceived):
                        requests[event.stream_id][1].extend(event.data or b"")
                        connection.acknowledge_received_data(event.flow_controlled_length or 0, event.stream_id)
                    elif isinstance(event, h2.events.StreamEnded):
                        headers, body = requests.pop(event.stream_id)
                        if refuse is not None:
                            refuse(connection, event.stream_id)
                            continue
                        task = asyncio.create_task(answer(connection, writer, event.stream_id, headers, bytes(body)))
                        answering.add(task)
                        task.add_done_callback(answering.discard)
                writer.write(connection.data_to_send())
                await writer.drain()
        for task in answering:
            task.cancel()
        writer.close()

    server = await asyncio.start_server(serve_connection, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}", app.state.ledger
    finally:
        server.close()
        await asyncio.wait_for(server.wait_closed(), timeout=5)


def refused_stream(connection: h2.connection.H2Connection, stream_id: int) -> None:
    """``RST_STREAM`` with ``REFUSED_STREAM``: "closed prior to any processing having
    occurred", which a client "can safely retry" (RFC 9113, 8.7)."""
    connection.reset_stream(stream_id, h2.errors.ErrorCodes.REFUSED_STREAM)


def going_away(connection: h2.connection.H2Connection, stream_id: int) -> None:
    """``GOAWAY`` naming stream 0 as the last one processed: "no streams were processed"
    (RFC 9113, 6.8), and the connection closes."""
    connection.close_connection(last_stream_id=0)


@contextlib.asynccontextmanager
async def http2_client(**options: Any) -> AsyncIterator[tuple[httpx.AsyncClient, list[str]]]:
    """The application's client, HTTP/2 only (no HTTP/1.1 to fall back to), with the HTTP
    version of every answer it got."""
    versions: list[str] = []

    async def seen(response: httpx.Response) -> None:
        versions.append(response.http_version)

    options.setdefault("timeout", httpx.Timeout(10.0))
    async with httpx.AsyncClient(http1=False, http2=True, event_hooks={"response": [seen]}, **options) as client:
        yield client, versions


def gateway(provider: str, base_url: str, client: httpx.AsyncClient, **options: Any) -> BatchingGateway:
    if provider == "sens":
        return SensGateway(
            access_key=DEMO_SENS_ACCESS_KEY,
            secret_key=DEMO_SENS_SECRET_KEY,
            service_id=DEMO_SENS_SERVICE_ID,
            base_url=base_url,
            http_client=client,
            **options,
        )
    return NhnGateway(app_key=DEMO_NHN_APP_KEY, base_url=base_url, http_client=client, **options)


def recorded(ledger: Ledger) -> list[tuple[str, str, str, str]]:
    """What the emulator recorded of each recipient: number, sender, kind, text."""
    return sorted((delivery.recipient, delivery.sender, delivery.kind, delivery.text) for delivery in ledger)


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_a_single_send_goes_over_http2_signed_and_recorded_as_sent(provider: str) -> None:
    async with (
        hypercorn_emulator(EmulatorConfig()) as (base_url, watched, ledger),
        http2_client() as (client, versions),
        gateway(provider, base_url, client) as sending,
    ):
        report = await sending.send(Message(sender=SENDER, text="안녕하세요", recipients=["010-1234-5678"]))
    assert report.all_accepted  # SENS: the signature was accepted (a bad one is a 401)
    assert report.requests == 1
    assert versions == ["HTTP/2"]
    assert watched.http_versions == ["2"]
    assert recorded(ledger) == [("01012345678", SENDER, "SMS", "안녕하세요")]


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_a_bulk_send_multiplexes_its_batches_on_one_connection(provider: str) -> None:
    async with (
        hypercorn_emulator(EmulatorConfig(faults=Faults(latency=0.3))) as (base_url, watched, ledger),
        http2_client() as (client, versions),
        gateway(provider, base_url, client, max_concurrency=4) as sending,
    ):
        total = 3 * sending.batch_size + 1
        report = await sending.send(Message(sender=SENDER, text="안녕", recipients=numbers(total)))
    assert report.all_accepted
    assert report.requests == 4
    assert versions == ["HTTP/2"] * 4
    assert len(watched.connections) == 1
    assert watched.most_in_flight > 1
    assert recorded(ledger) == [(number, SENDER, "SMS", "안녕") for number in sorted(numbers(total))]
    per_request = Counter(delivery.request_id for delivery in ledger)
    assert sorted(per_request.values()) == [1, sending.batch_size, sending.batch_size, sending.batch_size]
    assert Counter(outcome.request_id for outcome in report.outcomes) == per_request


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_a_pool_of_one_http2_connection_still_sends_batches_side_by_side(provider: str) -> None:
    """Over HTTP/2 a connection carries many requests at once: a pool of one connection does
    not cap ``max_concurrency`` at 1, as it must over HTTP/1.1 (where each request in flight
    holds a connection)."""
    async with (
        hypercorn_emulator(EmulatorConfig(faults=Faults(latency=0.3))) as (base_url, watched, _),
        http2_client(limits=httpx.Limits(max_connections=1)) as (client, _),
        gateway(provider, base_url, client, max_concurrency=4) as sending,
    ):
        assert sending.max_concurrency == 4
        report = await sending.send(Message(sender=SENDER, text="안녕", recipients=numbers(4 * sending.batch_size)))
    assert report.all_accepted
    assert report.requests == 4
    assert len(watched.connections) == 1
    assert watched.most_in_flight > 1


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize(
    ("client_options", "base_url", "max_concurrency"),
    [
        ({"http2": True}, "https://sms.example", 8),  # ALPN: HTTP/2 when the server speaks it
        ({"http1": False, "http2": True}, "http://127.0.0.1:8080", 8),  # prior knowledge
        ({"http2": True}, "http://127.0.0.1:8080", 1),  # cleartext with HTTP/1.1 on: httpx sends HTTP/1.1
        ({}, "https://sms.example", 1),
    ],
    ids=["https", "prior knowledge", "cleartext", "HTTP/1.1 only"],
)
def test_max_concurrency_is_cut_to_one_connection_only_where_it_carries_one_request(
    provider: str, client_options: dict[str, Any], base_url: str, max_concurrency: int
) -> None:
    """SENS's client gave its transport no base URL (its requests' URLs were whole), so the
    pool could not tell https from http for it: an https SENS gateway was cut to one."""
    client = httpx.AsyncClient(limits=httpx.Limits(max_connections=1), **client_options)
    assert gateway(provider, base_url, client).max_concurrency == max_concurrency


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize(
    ("client_options", "base_url", "max_connections", "max_concurrency"),
    [
        ({"http2": True}, "https://sms.example", 4, 100),
        ({"http1": False, "http2": True}, "http://127.0.0.1:8080", 4, 100),
        ({"http1": False, "http2": True}, "https://sms.example", 150, 100),
        ({"http2": True}, "https://sms.example", 150, 150),  # the server may pick HTTP/1.1: 150 connections
    ],
    ids=["https", "prior knowledge", "HTTP/2 only, more connections", "https, more connections"],
)
def test_an_http2_pool_carries_a_hundred_requests_to_the_provider_whatever_its_connections(
    provider: str, client_options: dict[str, Any], base_url: str, max_connections: int, max_concurrency: int
) -> None:
    """httpcore puts every request to a host on its one HTTP/2 connection while that one is
    open (:func:`test_httpcore_carries_a_host_s_requests_on_one_http2_connection`): a pool
    of four connections carries 100 requests at once, not 400."""
    client = httpx.AsyncClient(limits=httpx.Limits(max_connections=max_connections), **client_options)
    assert gateway(provider, base_url, client, max_concurrency=300).max_concurrency == max_concurrency


async def test_httpcore_carries_a_host_s_requests_on_one_http2_connection() -> None:
    """150 requests held at once through a pool of four: one connection, 100 streams on it,
    the other requests waiting for a stream of it rather than opening a connection."""
    async with (
        hypercorn_emulator(EmulatorConfig()) as (base_url, watched, _),
        http2_client(limits=httpx.Limits(max_connections=4)) as (client, _),
    ):
        watched.hold = True
        held = [asyncio.ensure_future(client.get(f"{base_url}/sms/v2.2/appKeys/k/sender/sms")) for _ in range(150)]
        await eventually(lambda: watched.in_flight == 100)
        assert len(client._transport._pool._connections) == 1  # type: ignore[attr-defined]
        watched.release.set()
        answers = await asyncio.gather(*held)
    assert len(answers) == 150
    assert len(watched.connections) == 1


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_pool_of_the_mount_serving_the_provider_s_host_sizes_its_gateway(provider: str) -> None:
    """A client's mount for the provider's host is the pool its requests go through; SENS's
    gateway read the client's default pool instead."""
    mounted = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=2))
    client = httpx.AsyncClient(mounts={"https://sms.example": mounted}, limits=httpx.Limits(max_connections=50))
    assert gateway(provider, "https://sms.example", client).max_concurrency == 2


def pool_requests(client: httpx.AsyncClient) -> int:
    """Requests httpx's pool holds: waiting for a connection, for a stream, or in flight."""
    return len(client._transport._pool._requests)  # type: ignore[attr-defined]


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_a_cancelled_send_is_unknown_once_written_and_not_sent_while_it_waits_for_a_stream(
    provider: str,
) -> None:
    """The server takes one stream at a time: the first batch is written and held, the second
    waits for a stream on the same connection (not for a connection of the pool), unwritten."""
    progress = SendProgress()
    async with (
        hypercorn_emulator(EmulatorConfig(), max_streams=1) as (base_url, watched, ledger),
        http2_client() as (client, _),
        gateway(provider, base_url, client, max_concurrency=2, reconcile=False) as sending,
    ):
        watched.hold = True
        total = 2 * sending.batch_size
        task = asyncio.create_task(
            sending.send(Message(sender=SENDER, text="안녕", recipients=numbers(total)), progress=progress)
        )
        await eventually(lambda: len(watched.http_versions) == 1 and pool_requests(client) == 2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        watched.release.set()
        await eventually(lambda: watched.in_flight == 0)
    report = progress.report()
    assert report.cancelled
    assert Counter(outcome.status for outcome in report.outcomes) == {
        SendStatus.UNKNOWN: sending.batch_size,
        SendStatus.NOT_SENT: sending.batch_size,
    }
    assert {outcome.code for outcome in report.with_status(SendStatus.NOT_SENT)} == {CANCELLED}
    assert watched.http_versions == ["2"]  # the second never reached the server
    unknown = {outcome.recipient.number for outcome in report.with_status(SendStatus.UNKNOWN)}
    assert {delivery.recipient for delivery in ledger} == unknown


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_an_error_after_processing_is_never_retried_over_http2(provider: str) -> None:
    async with (
        hypercorn_emulator(EmulatorConfig(faults=Faults(error_after_processing_rate=1))) as (base_url, watched, ledger),
        http2_client() as (client, versions),
        gateway(provider, base_url, client, reconcile=False) as sending,
    ):
        report = await sending.send(Message(sender=SENDER, text="안녕", recipients=numbers(3)))
    assert [outcome.status for outcome in report.outcomes] == [SendStatus.UNKNOWN] * 3
    assert report.requests == 1
    assert versions == ["HTTP/2"]
    assert watched.http_versions == ["2"]
    assert sorted(delivery.recipient for delivery in ledger) == list(numbers(3))


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("fault", ["drop_rate", "drop_after_processing_rate"])
async def test_a_connection_dropped_mid_answer_is_unknown_and_never_retried(provider: str, fault: str) -> None:
    """The server cuts the connection after the head of its answer and part of its body,
    before processing the request or after: the client cannot tell which."""
    async with (
        h2_front(EmulatorConfig(faults=Faults(**{fault: 1}))) as (base_url, ledger),
        http2_client() as (client, _),
        gateway(provider, base_url, client, reconcile=False) as sending,
    ):
        report = await sending.send(Message(sender=SENDER, text="안녕", recipients=numbers(3)))
    assert [outcome.status for outcome in report.outcomes] == [SendStatus.UNKNOWN] * 3
    assert report.requests == 1
    assert {outcome.code for outcome in report.outcomes} == {"TransportError"}
    assert all("RemoteProtocolError" in (outcome.detail or "") for outcome in report.outcomes)
    assert len(ledger) == (3 if fault == "drop_after_processing_rate" else 0)


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_aclose_with_a_borrowed_http2_client_writes_no_request_waiting_for_a_stream(provider: str) -> None:
    """A batch waiting for a stream when the gateway is closed is never written; the one in
    flight is answered, and the application's client stays open, on HTTP/2."""
    progress = SendProgress()
    async with (
        hypercorn_emulator(EmulatorConfig(), max_streams=1) as (base_url, watched, ledger),
        http2_client() as (client, versions),
    ):
        sending = gateway(provider, base_url, client, max_concurrency=2, reconcile=False)
        watched.hold = True
        total = 2 * sending.batch_size
        task = asyncio.create_task(
            sending.send(Message(sender=SENDER, text="안녕", recipients=numbers(total)), progress=progress)
        )
        await eventually(lambda: len(watched.http_versions) == 1 and pool_requests(client) == 2)
        await sending.aclose()
        watched.release.set()
        report = await asyncio.wait_for(task, timeout=10)
        after = await sending.send(Message(sender=SENDER, text="안녕", recipients=numbers(1)))
        health = await client.get(f"{base_url}/_emulator/health")
    assert Counter(outcome.status for outcome in report.outcomes) == {
        SendStatus.ACCEPTED: sending.batch_size,
        SendStatus.NOT_SENT: sending.batch_size,
    }
    assert {outcome.detail for outcome in report.with_status(SendStatus.NOT_SENT)} == {
        f"POST {base_url}{PATHS[provider]}: not sent, closed by aclose()"
    }
    assert [outcome.status for outcome in after.outcomes] == [SendStatus.NOT_SENT]
    assert (health.status_code, health.http_version) == (200, "HTTP/2")
    assert versions == ["HTTP/2", "HTTP/2"]  # the batch answered, the health check
    assert watched.http_versions == ["2"]
    assert len(ledger) == sending.batch_size


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("refuse", [refused_stream, going_away], ids=["RST_STREAM REFUSED_STREAM", "GOAWAY 0"])
async def test_a_request_the_server_refuses_unprocessed_is_not_sent_and_retried(
    provider: str, refuse: Callable[[h2.connection.H2Connection, int], None]
) -> None:
    """HTTP/2 says when a server processed nothing of a request: a stream it refused, a
    connection it closes before the request's stream. Such a request is retried, and
    ``NOT_SENT`` once the retries run out, as a 429 is; not ``UNKNOWN``, to be looked up."""
    refused: list[int] = []

    def counted(connection: h2.connection.H2Connection, stream_id: int) -> None:
        refused.append(stream_id)
        refuse(connection, stream_id)

    async with (
        h2_front(EmulatorConfig(), refuse=counted) as (base_url, ledger),
        http2_client() as (client, _),
        gateway(provider, base_url, client, retry=RetryPolicy(max_attempts=3, initial_backoff=0.01)) as sending,
    ):
        report = await sending.send(Message(sender=SENDER, text="안녕", recipients=numbers(3)))
    assert [outcome.status for outcome in report.outcomes] == [SendStatus.NOT_SENT] * 3
    assert len(refused) == 3  # every attempt
    assert {outcome.code for outcome in report.outcomes} == {"TransportError"}
    assert all("processed nothing of it" in (outcome.detail or "") for outcome in report.outcomes)
    assert len(ledger) == 0


def reset_stream(connection: h2.connection.H2Connection, stream_id: int) -> None:
    """``RST_STREAM`` with ``INTERNAL_ERROR``: the server may have processed the request."""
    connection.reset_stream(stream_id, h2.errors.ErrorCodes.INTERNAL_ERROR)


def going_away_after_it(connection: h2.connection.H2Connection, stream_id: int) -> None:
    """``GOAWAY`` naming the request's own stream as the last one it may have processed."""
    connection.close_connection(last_stream_id=stream_id)


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("refuse", [reset_stream, going_away_after_it], ids=["RST_STREAM", "GOAWAY naming it"])
async def test_a_stream_closed_after_the_server_may_have_processed_it_is_unknown_and_never_retried(
    provider: str, refuse: Callable[[h2.connection.H2Connection, int], None]
) -> None:
    closed: list[int] = []

    def counted(connection: h2.connection.H2Connection, stream_id: int) -> None:
        closed.append(stream_id)
        refuse(connection, stream_id)

    async with (
        h2_front(EmulatorConfig(), refuse=counted) as (base_url, _),
        http2_client() as (client, _),
        gateway(provider, base_url, client, reconcile=False) as sending,
    ):
        report = await sending.send(Message(sender=SENDER, text="안녕", recipients=numbers(3)))
    assert [outcome.status for outcome in report.outcomes] == [SendStatus.UNKNOWN] * 3
    assert len(closed) == 1
    assert all("it may have been processed" in (outcome.detail or "") for outcome in report.outcomes)


def answered_then_refused(connection: h2.connection.H2Connection, stream_id: int) -> None:
    """The head of an answer (202), then ``RST_STREAM`` with ``REFUSED_STREAM``: the server
    answered, so it processed the request, whatever its reset says."""
    connection.send_headers(stream_id, [(":status", "202"), ("content-type", "application/json")])
    connection.reset_stream(stream_id, h2.errors.ErrorCodes.REFUSED_STREAM)


def answered_then_going_away(connection: h2.connection.H2Connection, stream_id: int) -> None:
    """The head of an answer (202), then ``GOAWAY`` naming stream 0 as the last one processed."""
    connection.send_headers(stream_id, [(":status", "202"), ("content-type", "application/json")])
    connection.close_connection(last_stream_id=0)


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize(
    "refuse", [answered_then_refused, answered_then_going_away], ids=["RST_STREAM REFUSED_STREAM", "GOAWAY 0"]
)
async def test_a_refusal_after_the_answer_s_head_is_unknown_and_never_retried(
    provider: str, refuse: Callable[[h2.connection.H2Connection, int], None]
) -> None:
    """A refusal is the server's word that it processed nothing only before it answers: once
    the head of its answer came, the request was processed, and sending it again would send
    the messages twice. krsms took such a refusal as NOT_SENT and retried it."""
    closed: list[int] = []

    def counted(connection: h2.connection.H2Connection, stream_id: int) -> None:
        closed.append(stream_id)
        refuse(connection, stream_id)

    async with (
        h2_front(EmulatorConfig(), refuse=counted) as (base_url, _),
        http2_client() as (client, _),
        gateway(
            provider,
            base_url,
            client,
            reconcile=False,
            retry=RetryPolicy(max_attempts=3, initial_backoff=0.01),
        ) as sending,
    ):
        report = await sending.send(Message(sender=SENDER, text="안녕", recipients=numbers(3)))
    assert [outcome.status for outcome in report.outcomes] == [SendStatus.UNKNOWN] * 3
    assert len(closed) == 1
    assert all("it may have been processed" in (outcome.detail or "") for outcome in report.outcomes)


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_a_refusal_through_a_client_with_request_hooks_is_unknown(provider: str) -> None:
    """A request hook may replace the ``trace`` extension that tells when an answer began:
    nothing then proves the refusal came before it."""

    async def hook(request: httpx.Request) -> None:
        pass

    refused: list[int] = []

    def counted(connection: h2.connection.H2Connection, stream_id: int) -> None:
        refused.append(stream_id)
        refused_stream(connection, stream_id)

    async with (
        h2_front(EmulatorConfig(), refuse=counted) as (base_url, _),
        httpx.AsyncClient(http1=False, http2=True, event_hooks={"request": [hook]}) as client,
        gateway(provider, base_url, client, reconcile=False) as sending,
    ):
        report = await sending.send(Message(sender=SENDER, text="안녕", recipients=numbers(3)))
    assert [outcome.status for outcome in report.outcomes] == [SendStatus.UNKNOWN] * 3
    assert len(refused) == 1


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_no_key_reaches_the_logs_of_an_http2_send(provider: str, caplog: pytest.LogCaptureFixture) -> None:
    """hpack logs every header it encodes at DEBUG, httpcore's HTTP/2 connection its events."""
    caplog.set_level(logging.DEBUG)
    async with (
        hypercorn_emulator(EmulatorConfig()) as (base_url, _, _),
        http2_client() as (client, _),
        gateway(provider, base_url, client) as sending,
    ):
        report = await sending.send(Message(sender=SENDER, text="안녕", recipients=numbers(2)))
    assert report.all_accepted
    assert any(record.name.startswith("httpcore.http2") for record in caplog.records)
    for key in (DEMO_SENS_ACCESS_KEY, DEMO_SENS_SECRET_KEY, DEMO_NHN_APP_KEY):
        assert key not in caplog.text

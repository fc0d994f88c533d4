"""When a request counts as written, and the last checks before it is: a proxy's tunnel, a
transport closed while the request waited for its connection or was in flight."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from typing import Any

import httpcore
import httpx
import pytest

from held_answers import eventually, held_answers, loopback_server
from krsms import Message, NhnGateway, SendStatus, errors
from krsms.transport import NO_RETRIES, Response, RetryPolicy, SendWatch, Transport, watching_sends


def generic_errors(response: Response) -> errors.ProviderError:
    error_class = errors.error_class_for_status(response.status_code)
    return error_class(f"HTTP {response.status_code}", provider="test", status_code=response.status_code)


@contextlib.asynccontextmanager
async def refusing_proxy() -> AsyncIterator[tuple[str, list[bytes]]]:
    """An HTTP proxy on 127.0.0.1 that answers every ``CONNECT`` with 403; yields its URL and
    the request lines it read."""
    lines: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            head = await reader.readuntil(b"\r\n\r\n")
            lines.append(head.split(b"\r\n", 1)[0])
            writer.write(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n")
            await writer.drain()
        writer.close()

    async with loopback_server(serve) as url:
        yield url, lines


async def test_a_send_whose_tunnel_the_proxy_refused_made_no_request() -> None:
    """Through an HTTPS proxy, httpcore writes the tunnel's ``CONNECT`` first, with the
    request's own ``trace``: only the proxy read it, and refused it. The send never left."""
    async with refusing_proxy() as (proxy, lines), httpx.AsyncClient(proxy=proxy) as client:
        transport = Transport(
            provider="test",
            auth=None,
            error_parser=generic_errors,
            http_client=client,
            base_url="https://provider.test",
            retry=NO_RETRIES,
        )
        watch = SendWatch()
        with watching_sends(watch), pytest.raises(errors.ConnectError):
            await transport.request("POST", "/send", json={})
    assert lines == [b"CONNECT provider.test:443 HTTP/1.1"]
    assert (watch.may_have_arrived, watch.attempts) == (False, 0)


async def test_a_batch_whose_tunnel_the_proxy_refused_on_every_attempt_reports_no_request() -> None:
    async with refusing_proxy() as (proxy, lines), httpx.AsyncClient(proxy=proxy) as client:
        gateway = NhnGateway(
            app_key="app-key",
            base_url="https://provider.test",
            http_client=client,
            retry=RetryPolicy(max_attempts=2, initial_backoff=0),
        )
        report = await gateway.send(Message(sender="15446859", text="안녕", recipients=["01000000001"]))
    assert len(lines) == 2
    assert [(outcome.status, outcome.code) for outcome in report.outcomes] == [(SendStatus.NOT_SENT, "ConnectError")]
    assert report.requests == 0


async def download(transport: Transport, url: str) -> None:
    async with transport.stream("GET", url) as chunks:
        async for _ in chunks:
            pass


CALLS: dict[str, Callable[[Transport, str], Awaitable[object]]] = {
    "send": lambda transport, url: transport.request("POST", url, json={}),
    "look-up": lambda transport, url: transport.request("GET", url),
    "download": download,
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
async def test_a_request_waiting_for_a_connection_of_a_borrowed_pool_is_not_written_after_aclose(
    call: Callable[[Transport, str], Awaitable[object]], caplog: pytest.LogCaptureFixture
) -> None:
    """aclose() leaves a borrowed client open, but no request leaves through it after that:
    one still waiting for a connection of its busy pool is refused once it gets one, and
    logged as an attempt that failed without an answer."""
    caplog.set_level(logging.DEBUG, logger="krsms")
    async with (
        held_answers() as (base_url, paths, release),
        httpx.AsyncClient(limits=httpx.Limits(max_connections=1)) as client,
    ):
        transport = Transport(provider="test", auth=None, error_parser=generic_errors, http_client=client)
        own = asyncio.create_task(client.get(base_url + "/own"))
        await eventually(lambda: paths == ["/own"])
        calling = asyncio.create_task(call(transport, base_url + "/late"))
        pool = client._transport._pool  # type: ignore[attr-defined]  # httpcore's, where requests queue
        await eventually(lambda: len(pool._requests) == 2)  # waiting for the connection, in httpx's pool
        await transport.aclose()
        release.set()
        await own
        with pytest.raises(errors.UnsendableRequestError, match=r"/late: not sent, closed by aclose\(\)"):
            await asyncio.wait_for(calling, timeout=5)
        await asyncio.wait_for(client.get(base_url + "/after"), timeout=5)  # the application's pool is whole
    assert paths == ["/own", "/after"]
    assert [(record.krsms_event, record.krsms_error) for record in caplog.records] == [  # type: ignore[attr-defined]
        ("request", "UnsendableRequestError")
    ]


@pytest.mark.filterwarnings("error::ResourceWarning")
@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
async def test_a_request_whose_connection_was_being_opened_when_aclose_ran_is_not_written(
    call: Callable[[Transport, str], Awaitable[object]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """aclose() closes an owned client's pool, but not a connection it is still opening: that
    one was made after, and the request went out through it after aclose() had returned,
    its socket left to the garbage collector (``ResourceWarning``)."""
    connecting, connected = asyncio.Event(), asyncio.Event()
    connect_tcp = httpcore.AnyIOBackend.connect_tcp

    async def held_connect(self: httpcore.AnyIOBackend, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        connecting.set()
        await connected.wait()
        return await connect_tcp(self, *args, **kwargs)

    monkeypatch.setattr(httpcore.AnyIOBackend, "connect_tcp", held_connect)
    async with held_answers() as (base_url, paths, release):
        transport = Transport(provider="test", auth=None, error_parser=generic_errors, base_url=base_url)
        calling = asyncio.create_task(call(transport, "/late"))
        await asyncio.wait_for(connecting.wait(), timeout=5)
        await transport.aclose()
        connected.set()
        release.set()
        with pytest.raises(errors.UnsendableRequestError, match=r"/late: not sent, closed by aclose\(\)"):
            await asyncio.wait_for(calling, timeout=5)
    del calling
    gc.collect()
    assert paths == []


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
async def test_a_request_in_flight_when_aclose_closes_its_client_says_so(
    call: Callable[[Transport, str], Awaitable[object]],
) -> None:
    """aclose() closes the running loop's client under a request waiting for its answer: the
    error names aclose(), not only the socket's ReadError, and the request may have arrived."""
    async with held_answers() as (base_url, paths, _):
        transport = Transport(
            provider="test",
            auth=None,
            error_parser=generic_errors,
            base_url=base_url,
            retry=NO_RETRIES,
        )
        calling = asyncio.create_task(call(transport, "/flying"))
        await eventually(lambda: paths == ["/flying"])
        await transport.aclose()
        with pytest.raises(errors.TransportError, match=r"/flying: cut off by aclose\(\) while in flight") as caught:
            await asyncio.wait_for(calling, timeout=5)
    assert caught.value.may_have_been_sent is True
    assert paths == ["/flying"]


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
async def test_a_request_in_flight_in_another_loop_when_aclose_closes_its_client_says_so(
    call: Callable[[Transport, str], Awaitable[object]],
) -> None:
    """The same, for a request of another thread's loop: aclose() has that loop close its client."""
    async with held_answers() as (base_url, paths, _):
        transport = Transport(
            provider="test",
            auth=None,
            error_parser=generic_errors,
            base_url=base_url,
            retry=NO_RETRIES,
        )

        async def in_flight() -> BaseException:
            try:
                await call(transport, "/flying")
            except errors.KrSmsError as error:
                return error
            raise AssertionError("answered")

        elsewhere = asyncio.create_task(asyncio.to_thread(asyncio.run, in_flight()))
        await eventually(lambda: paths == ["/flying"])
        await transport.aclose()
        error = await asyncio.wait_for(elsewhere, timeout=5)
    assert isinstance(error, errors.TransportError)
    assert re.search(r"/flying: cut off by aclose\(\) while in flight", str(error))
    assert error.may_have_been_sent is True


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
async def test_a_request_cut_off_by_aclose_announces_no_retry_and_says_it_was_sent(
    call: Callable[[Transport, str], Awaitable[object]], caplog: pytest.LogCaptureFixture
) -> None:
    """Its retry would be refused: no WARNING announces one, and a download does not end as
    "not sent" by that refused retry when its request was out."""
    caplog.set_level(logging.DEBUG, logger="krsms")
    async with held_answers() as (base_url, paths, _):
        transport = Transport(
            provider="test",
            auth=None,
            error_parser=generic_errors,
            base_url=base_url,
            retry=RetryPolicy(initial_backoff=0, retry_unsafe_sends=True),
        )
        calling = asyncio.create_task(call(transport, "/flying"))
        await eventually(lambda: paths == ["/flying"])
        await transport.aclose()
        with pytest.raises(errors.TransportError, match=r"/flying: cut off by aclose\(\) while in flight") as caught:
            await asyncio.wait_for(calling, timeout=5)
    assert caught.value.may_have_been_sent is True
    assert [getattr(record, "krsms_event", None) for record in caplog.records] == ["request"]


@pytest.mark.parametrize("status", [503, 429])
async def test_an_error_status_answered_after_aclose_is_the_error(
    status: int, caplog: pytest.LogCaptureFixture
) -> None:
    """The provider answers after aclose(): its answer is the request's error, not a retry
    announced and then refused as "not sent"."""
    caplog.set_level(logging.DEBUG, logger="krsms")
    transport: Transport | None = None

    async def answer_after_aclose(request: httpx.Request) -> httpx.Response:
        assert transport is not None
        await transport.aclose()
        return httpx.Response(status)

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer_after_aclose)) as client:
        transport = Transport(
            provider="test",
            auth=None,
            error_parser=generic_errors,
            http_client=client,
            retry=RetryPolicy(initial_backoff=0),
        )
        with pytest.raises(errors.ProviderError) as caught:
            await transport.request("GET", "https://provider.test/look-up")
    assert caught.value.status_code == status
    assert [getattr(record, "krsms_event", None) for record in caplog.records] == ["request"]


class SignsAgainAfter401(httpx.Auth):
    """Signs again once after a 401, as SENS's auth does when the local clock is off."""

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["X-Signature"] = "first"
        response = yield request
        if response.status_code == 401:
            request.headers["X-Signature"] = "second"
            yield request


@contextlib.asynccontextmanager
async def refusing_the_first_signature(
    before_refusing: Callable[[], Awaitable[None]],
) -> AsyncIterator[tuple[str, list[bytes]]]:
    """An HTTP/1.1 server on 127.0.0.1 that answers 401 to a request signed ``first`` (once
    ``before_refusing`` has run) and ``{}`` to any other; yields its base URL and the
    signatures it read."""
    signatures: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                signature = re.search(rb"(?i)\r\nx-signature: *(\w+)", head)
                signatures.append(signature.group(1) if signature else b"")
                length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
                await reader.readexactly(int(length.group(1)) if length else 0)
                if signatures[-1] == b"first":
                    await before_refusing()
                    writer.write(b"HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n")
                else:
                    writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}")
                await writer.drain()
        writer.close()

    async with loopback_server(serve) as url:
        yield url, signatures


@pytest.mark.parametrize("stopped_by", ["aclose", "stopping"])
async def test_an_auth_flow_does_not_sign_and_write_again_once_stopped(stopped_by: str) -> None:
    """After the first signature's 401, the auth flow writes the request again: that write
    is checked too, and not made once the transport was closed or the bulk send stops. The
    attempt counts once, as written at the first write."""
    transport: Transport | None = None
    watch = SendWatch()

    async def stop() -> None:
        assert transport is not None
        if stopped_by == "aclose":
            await transport.aclose()
        else:
            watch.stopping = True

    async with (
        refusing_the_first_signature(stop) as (base_url, signatures),
        httpx.AsyncClient() as client,
    ):
        transport = Transport(
            provider="test", auth=SignsAgainAfter401(), error_parser=generic_errors, http_client=client
        )
        with watching_sends(watch), pytest.raises(errors.UnsendableRequestError, match="/send: not sent"):
            await transport.request("POST", base_url + "/send", json={})
        assert (await client.get(base_url + "/after")).status_code == 200  # the application's client works on
    assert signatures == [b"first", b""]

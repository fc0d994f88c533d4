"""When a request counts as written, and the last checks before it is: a proxy's tunnel, a
transport closed while the request waited for its connection or was in flight."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
import pytest

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

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}", lines
    finally:
        server.close()
        await asyncio.wait_for(server.wait_closed(), timeout=5)


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

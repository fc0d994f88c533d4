"""A loopback HTTP/1.1 server that holds its answers, for the transport's tests of requests in
flight, and a bounded wait for a condition."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Awaitable, Callable


@contextlib.asynccontextmanager
async def held_answers() -> AsyncIterator[tuple[str, list[str], asyncio.Event]]:
    """An HTTP/1.1 server on 127.0.0.1 that reads each request whole and answers ``{}`` only
    once released, so that its requests stay in flight as long as a test needs. Yields its
    base URL, the paths of the requests it read, and the release."""
    paths: list[str] = []
    release = asyncio.Event()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                paths.append(head.split(b" ", 2)[1].decode())
                length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
                await reader.readexactly(int(length.group(1)) if length else 0)
                await release.wait()
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}")
                await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}", paths, release
    finally:
        release.set()
        server.close()
        await asyncio.wait_for(server.wait_closed(), timeout=5)


async def eventually(condition: Callable[[], bool]) -> None:
    """Wait until ``condition`` holds (5 s at most)."""
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the condition never held")


@contextlib.asynccontextmanager
async def loopback_server(
    serve: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
) -> AsyncIterator[str]:
    """A server on 127.0.0.1 whose connections ``serve`` handles; yields its base URL and
    closes it on the way out."""
    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        server.close()
        await asyncio.wait_for(server.wait_closed(), timeout=5)

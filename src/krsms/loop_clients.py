"""What a transport keeps for each event loop it is used from, and how an owned HTTP client
is closed in its own loop (when the transport is closed, or when that loop shuts down).

It only closes the clients it holds: they are the transport's
(:data:`krsms.transport.HttpClient`), and httpx stays behind the transport.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
from types import AsyncGeneratorType
from typing import TYPE_CHECKING

import anyio

if TYPE_CHECKING:
    from krsms.transport import HttpClient


async def close_with_loop(client: HttpClient, forget_loop: Callable[[], None]) -> AsyncGenerator[None, None]:
    """Close ``client`` when the event loop it was first used in shuts down, then call
    ``forget_loop``.

    An owned client's pooled connections belong to one event loop. A gateway used across
    several ``asyncio.run`` calls, or kept unclosed to the end, would leave them open when
    that loop ends (unclosed sockets, ``ResourceWarning``). Event loops close the async generators
    started in them as they shut down (``asyncio.run`` does, via ``shutdown_asyncgens``), and
    one collected while its loop runs is closed there too: this one waits at its ``yield``
    and closes the client in its loop, while the loop can still do it.

    ``forget_loop`` lets the transport drop what it keeps for the loop: this generator (its
    finalizer is a method of the loop) would otherwise keep the ended loop, and its closed
    client, alive as long as the transport.
    """
    try:
        yield
    finally:
        try:
            await client.aclose()
        finally:
            forget_loop()


_closing: set[asyncio.Task[None]] = set()
"""Closes started by :func:`close_soon`, kept until done: a loop holds its tasks weakly."""


def close_soon(client: HttpClient) -> None:
    """Start closing ``client``; called in the event loop it belongs to. The client itself, not
    its closer: that loop may be shutting down, closing the closer at the same moment (closing
    a client twice is harmless; an async generator twice is an error the loop logs)."""
    task = asyncio.get_running_loop().create_task(client.aclose())
    _closing.add(task)
    task.add_done_callback(_closing.discard)


async def close_unless_closing(closer: AsyncGeneratorType[None, None]) -> None:
    """Close ``closer`` (see :func:`close_with_loop`), unless its loop is closing it at this
    very moment (shutting down, with this ``aclose()`` in another async generator's
    ``finally``): then it is done already."""
    if not closer.ag_running:
        await closer.aclose()


class LoopState:
    """What a transport keeps for one event loop: its concurrency bound and its client.

    The bound is a semaphore, not a CapacityLimiter (which refuses a task that holds one slot
    a second one). It and an owned client's pooled connections belong to the loop that made
    them.
    """

    __slots__ = ("building", "client", "closer", "entering", "limiter")

    def __init__(self, max_concurrency: int, client: HttpClient | None):
        self.limiter = anyio.Semaphore(max_concurrency)
        self.client = client
        """The borrowed client; an owned one once made for this loop; None before that, or
        when the transport was closed first."""
        self.closer: AsyncGeneratorType[None, None] | None = None
        """What closes the owned client when this loop shuts down (see :func:`close_with_loop`)."""
        self.building = asyncio.Lock()
        """Held while the owned client is made: the loop's other first requests wait for it."""
        self.entering = asyncio.Lock()
        """Held by the request entering the client's pool, for a few passes of the loop (see
        :meth:`krsms.transport.Transport._slot`): the loop's requests enter one at a time."""

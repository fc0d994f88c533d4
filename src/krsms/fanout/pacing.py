"""Pacing request starts to a provider's rate limit, shared by every event loop and thread.

A gateway given ``requests_per_second`` makes one :class:`Pacer`, and every request it starts
(retries and resends included) waits for its turn here first.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable


class _Queue:
    """One event loop's waiters: the lock they take turns at (it belongs to that loop once
    one waits for it) and how many hold it or wait for it."""

    __slots__ = ("lock", "waiters")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.waiters = 0


class Pacer:
    """Spaces request starts to at most ``rate`` per second, counting every event loop's.

    Waiters go one at a time in each loop, and each takes its moment only when it goes: one
    cancelled while waiting leaves no slot behind to delay the next send. The moment is taken
    under a thread lock, so loops running at once in several threads share the one rate (the
    provider's limit is per account, not per loop).
    """

    def __init__(self, rate: float, *, sleep: Callable[[float], Awaitable[bool]] | None = None):
        self._interval = 1.0 / rate
        self._sleep = sleep or _sleep
        """Waits a number of seconds and says whether pacing goes on: False once the gateway
        is closed, when every waiter goes at once (to be refused) rather than in its turn."""
        self._next = 0.0
        """The earliest ``time.monotonic()`` (asyncio's clock) the next request may start."""
        self._lock = threading.Lock()
        """Guards ``_next`` and ``_queues``."""
        self._queues: dict[asyncio.AbstractEventLoop, _Queue] = {}
        """The queue of each loop that has a waiter, dropped with its last one: a loop's lock
        holds the loop, which must not outlive its last send here."""

    async def wait(self) -> None:
        """Return once this caller may start a request: at most ``rate`` starts a second,
        counted across every loop and thread."""
        loop = asyncio.get_running_loop()
        with self._lock:
            queue = self._queues.get(loop)
            if queue is None:
                queue = self._queues[loop] = _Queue()
            queue.waiters += 1
        try:
            async with queue.lock:
                await self._take_moment()
        finally:
            with self._lock:
                queue.waiters -= 1
                if not queue.waiters:
                    del self._queues[loop]

    async def _take_moment(self) -> None:
        """Wait for the next moment a request may start, and take it; or return without one
        once the wait says pacing stopped (the gateway closed)."""
        while True:
            with self._lock:
                now = time.monotonic()
                if now >= self._next:
                    self._next = now + self._interval
                    return
                delay = self._next - now
            if not await self._sleep(delay):  # another loop's waiter may take the moment first
                return


async def _sleep(delay: float) -> bool:
    """Wait ``delay`` seconds: pacing without a transport never stops."""
    await asyncio.sleep(delay)
    return True

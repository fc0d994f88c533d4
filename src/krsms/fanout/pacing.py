"""Pacing request starts to a provider's rate limit, shared by every event loop and thread.

A gateway given ``requests_per_second`` makes one :class:`Pacer`, and every request it starts
(retries and resends included) waits for its turn here first.
"""

from __future__ import annotations

import asyncio
import threading
import time
import weakref


class Pacer:
    """Spaces request starts to at most ``rate`` per second, counting every event loop's.

    Waiters go one at a time in each loop, and each takes its moment only when it goes: one
    cancelled while waiting leaves no slot behind to delay the next send. The moment is taken
    under a thread lock, so loops running at once in several threads share the one rate (the
    provider's limit is per account, not per loop).
    """

    def __init__(self, rate: float):
        self._interval = 1.0 / rate
        self._next = 0.0
        """The earliest ``time.monotonic()`` (asyncio's clock) the next request may start."""
        self._lock = threading.Lock()
        """Guards ``_next`` and ``_turns``."""
        self._turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()
        """Each loop's queue of waiters: a lock belongs to one event loop."""

    async def wait(self) -> None:
        """Return once this caller may start a request: at most ``rate`` starts a second,
        counted across every loop and thread."""
        loop = asyncio.get_running_loop()
        with self._lock:
            turn = self._turns.get(loop)
            if turn is None:
                # A lock that had waiters holds its loop: forget those of closed loops.
                for ended in [known for known in self._turns if known.is_closed()]:
                    del self._turns[ended]
                turn = self._turns[loop] = asyncio.Lock()
        async with turn:
            while True:
                with self._lock:
                    now = time.monotonic()
                    if now >= self._next:
                        self._next = now + self._interval
                        return
                    delay = self._next - now
                await asyncio.sleep(delay)  # another loop's waiter may take the moment first

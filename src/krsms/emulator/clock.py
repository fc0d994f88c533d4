"""The emulator's clock: real time plus a configurable skew, in Asia/Seoul."""

from __future__ import annotations

import math
import time
from datetime import datetime, timedelta
from email.utils import formatdate
from typing import Any

from krsms.convert import SEOUL

MAX_SKEW_SECONDS = 366 * 24 * 3600
"""How far a skew may move the emulated clock, either way."""


def checked_skew(name: str, value: object) -> float:
    """``value`` if it is a finite number of seconds within :data:`MAX_SKEW_SECONDS` either
    way (a datetime moved further may leave the calendar); ``ValueError`` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number of seconds, not {value!r}")
    if not (math.isfinite(value) and abs(value) <= MAX_SKEW_SECONDS):
        raise ValueError(f"{name} must be finite and within a year, not {value!r}")
    return value


class Clock:
    """Now, as the emulated providers see it (``skew_seconds`` ahead of the real clock)."""

    def __init__(self, skew_seconds: float = 0.0):
        self.skew_seconds = skew_seconds

    @property
    def skew_seconds(self) -> float:
        """Seconds the emulated clock is ahead (negative: behind); setting it moves the
        clock of a running emulator, and a value :func:`checked_skew` refuses raises
        ``ValueError``, leaving the clock where it was."""
        return self._skew_seconds

    @skew_seconds.setter
    def skew_seconds(self, value: float) -> None:
        self._skew_seconds = checked_skew("skew_seconds", value)

    def now(self) -> datetime:
        """The current moment, timezone-aware, in Asia/Seoul."""
        return datetime.now(SEOUL) + timedelta(seconds=self.skew_seconds)

    def now_ms(self) -> int:
        """The current moment in epoch milliseconds."""
        return int((time.time() + self.skew_seconds) * 1000)

    def http_date(self) -> str:
        """The current moment as an HTTP ``Date`` header value."""
        return formatdate(time.time() + self.skew_seconds, usegmt=True)


class DateHeader:
    """ASGI middleware: every answer carries ``Date`` from the emulated clock, as NCP's gateway
    does (clients read it to detect their own clock skew). Servers must not add their own."""

    def __init__(self, app: Any, clock: Clock):
        self.app = app
        self.clock = clock

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Serve the request, stamping its answer with the emulator's clock."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_date(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = [(name, value) for name, value in message.get("headers", []) if name.lower() != b"date"]
                message = {**message, "headers": [*headers, (b"date", self.clock.http_date().encode())]}
            await send(message)

        await self.app(scope, receive, send_with_date)

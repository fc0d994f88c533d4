"""The emulator's clock: real time plus a configurable skew, in Asia/Seoul."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")


class Clock:
    """Now, as the emulated providers see it (``skew_seconds`` ahead of the real clock)."""

    def __init__(self, skew_seconds: float = 0.0):
        self.skew_seconds = skew_seconds

    def now(self) -> datetime:
        """The current moment, timezone-aware, in Asia/Seoul."""
        return datetime.now(SEOUL) + timedelta(seconds=self.skew_seconds)

    def now_ms(self) -> int:
        """The current moment in epoch milliseconds."""
        return int((time.time() + self.skew_seconds) * 1000)

"""Keeping the emulator's stored records away from Python's cyclic garbage collector.

The emulator keeps every recipient it accepted (two small objects each) until its
deliveries are cleared. Python's collector walks all of them on every full collection: at
100,000 stored recipients a pass takes tens of milliseconds and stalls every answer in
flight, which shows up in benchmark figures as provider latency that is not there.

The records hold no reference cycles, so reference counting frees them when the
deliveries are cleared; ``gc.freeze()`` after each request moves them out of the
collector's reach. That is a process-wide setting: only the ``krsms emulator`` command,
which owns its process, installs this middleware; an emulator running inside someone
else's process (the pytest fixture, ``EmulatorServer``) leaves their collector alone.
"""

from __future__ import annotations

import gc
from typing import Any


class FreezeAfterEachRequest:
    """ASGI middleware calling ``gc.freeze()`` once each request has been answered."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)
        if scope["type"] == "http":
            gc.freeze()

"""Keeping the emulator's stored records away from Python's cyclic garbage collector.

The emulator keeps every recipient it accepted (two small objects each) until its
deliveries are cleared. Python's collector walks all of them on every full collection: at
100,000 stored recipients a pass takes tens of milliseconds and stalls every answer in
flight, which shows up in benchmark figures as provider latency that is not there.

The records hold no reference cycles, so reference counting frees them when the
deliveries are cleared; ``gc.freeze()`` after each request moves them out of the
collector's reach. Whatever is frozen is never collected again, so the cyclic garbage a
request leaves behind (a failed request's exception, traceback and frames) is collected
first: everything older than the previous request is already frozen, so this full
collection walks only what was made since then, and unlike a young-generation pass it also
finds garbage that a collection during the request had moved to an older generation.

What was frozen alive and dies later (the connection of a dropped request, frozen while a
neighbouring request finished) is out of every collection's reach. Clearing the
deliveries (``DELETE /_emulator/deliveries``) frees the stored records, so right after it
the process holds little: then everything is unfrozen and collected in one cheap pass.

``gc.freeze()`` is a process-wide setting: only the ``krsms emulator`` command, which owns
its process, installs this middleware; an emulator running inside someone else's process
(the pytest fixture, ``EmulatorServer``) leaves their collector alone.
"""

from __future__ import annotations

import gc
from typing import Any

from krsms.emulator.config import INSPECTION_PREFIX

CLEAR_PATH = f"{INSPECTION_PREFIX}/deliveries"


class FreezeAfterEachRequest:
    """ASGI middleware: once each request has been answered, collect its cyclic garbage and
    ``gc.freeze()`` what is left (after the deliveries are cleared, everything is unfrozen and
    collected first)."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Serve the request, then collect what it left behind (see the module docstring)."""
        await self.app(scope, receive, send)
        if scope["type"] != "http":
            return
        if scope["method"] == "DELETE" and scope["path"] == CLEAR_PATH:
            gc.unfreeze()
        gc.collect()
        gc.freeze()

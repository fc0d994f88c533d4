"""The emulator's record of every recipient it accepted, shared by both providers.

Provider state (request look-ups, reservations, templates, ...) lives with each provider's
routes; the ledger is the provider-neutral truth that tests, the demo and the benchmarks read
through the inspection API (``GET /_emulator/deliveries``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

import attrs


@attrs.define(kw_only=True)
class Delivery:
    """One recipient of one accepted send request."""

    provider: str
    """``"sens"`` or ``"nhn"``."""
    request_id: str
    recipient: str
    sender: str
    kind: str
    """``"SMS"``, ``"LMS"`` or ``"MMS"``."""
    text: str
    subject: str | None = None
    advertisement: bool = False
    reserved_for: str | None = None
    """Reservation time as sent (``yyyy-MM-dd HH:mm``), or None for an immediate send."""
    status: str = "accepted"
    """``"accepted"``, ``"rejected"`` (refused per recipient) or ``"cancelled"``."""
    result_code: str | None = None
    grouping_key: str | None = None
    accepted_at: datetime


class Ledger:
    """Thread-safe list of deliveries (uvicorn may serve from another thread): appended to by
    sends, changed only by cancels (:meth:`cancel_recipient`) and :meth:`clear`.

    Provider routes register :meth:`on_clear` callbacks, so clearing the ledger makes the
    whole emulator forget its sends, not just this record of them.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._deliveries: list[Delivery] = []
        self._clear_callbacks: list[Callable[[], None]] = []

    def record(self, deliveries: Iterable[Delivery]) -> None:
        """Append the deliveries of one send request."""
        with self._lock:
            self._deliveries.extend(deliveries)

    def on_clear(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` whenever the ledger is cleared (a provider forgetting its sends)."""
        self._clear_callbacks.append(callback)

    def cancel_recipient(self, delivery: Delivery) -> bool:
        """Mark one recorded recipient cancelled (its provider cancelled it before it went out);
        the other recipients of its request stay as they are. Returns whether it was accepted
        until now."""
        with self._lock:
            if delivery.status != "accepted":
                return False
            delivery.status = "cancelled"
            return True

    def clear(self) -> None:
        """Forget every send (``DELETE /_emulator/deliveries``): this record and the providers'."""
        with self._lock:
            self._deliveries.clear()
        for callback in self._clear_callbacks:
            callback()

    def __iter__(self) -> Iterator[Delivery]:
        with self._lock:
            return iter(list(self._deliveries))

    def __len__(self) -> int:
        with self._lock:
            return len(self._deliveries)

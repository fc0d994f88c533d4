"""The emulator's record of every recipient it accepted, shared by both providers.

Provider state (request look-ups, reservations, templates, ...) lives with each provider's
routes; the ledger is the provider-neutral truth that tests, the demo and the benchmarks read
through the inspection API (``GET /_emulator/deliveries``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
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
    """Thread-safe append-only list of deliveries (uvicorn may serve from another thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._deliveries: list[Delivery] = []

    def record(self, delivery: Delivery) -> None:
        """Append one delivery."""
        with self._lock:
            self._deliveries.append(delivery)

    def cancel(self, provider: str, request_id: str) -> int:
        """Mark every accepted delivery of a request cancelled; returns how many changed."""
        changed = 0
        with self._lock:
            for delivery in self._deliveries:
                if (
                    delivery.provider == provider
                    and delivery.request_id == request_id
                    and delivery.status == "accepted"
                ):
                    delivery.status = "cancelled"
                    changed += 1
        return changed

    def clear(self) -> None:
        """Forget everything (``DELETE /_emulator/deliveries``)."""
        with self._lock:
            self._deliveries.clear()

    def __iter__(self) -> Iterator[Delivery]:
        with self._lock:
            return iter(list(self._deliveries))

    def __len__(self) -> int:
        with self._lock:
            return len(self._deliveries)

"""NCP SENS SMS API v2, emulated: a reservation's status (S5) and cancel (S6), and the cancel
of one message of a scheduled send (S7). A reservation whose time has come goes out first
(:meth:`~krsms.emulator.sens.service.SensService.settle_due`), so neither cancel takes back
what went out.

Choices where the document is silent: a message cancelled with S6 or S7 is never sent, so
S3/S4 keep showing it READY (their documented statuses are READY, PROCESSING and COMPLETED);
only S5 answers CANCELED. S7 cancels a message of a reservation only while the reservation
is READY: once it is PROCESSING, FAIL or STALE (``EmulatorConfig.sens_reservation_statuses``)
its messages are no longer waiting to go out, though they are READY.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response

from krsms.emulator.sens.envelope import bad_request, not_found
from krsms.emulator.sens.service import SensService
from krsms.emulator.sens.state import (
    DEFAULT_RESERVE_TIME_ZONE,
    RESERVE_TIME_FORMAT,
    SensMessage,
    SensRequest,
    SensState,
)


class SensReservations:
    """The reservation and schedule endpoints of one
    :class:`~krsms.emulator.sens.service.SensService`; a cancel also cancels the recipient in
    its ledger."""

    def __init__(self, service: SensService):
        self.service = service
        self.state: SensState = service.state

    def table(self) -> list[tuple[str, str, Callable[[Request], Any]]]:
        """(method, path under the service, handler) of every reservation and schedule route."""
        return [
            ("GET", "/reservations/{reserveId}/reserve-status", self.reserve_status),
            ("DELETE", "/reservations/{reserveId}", self.cancel_reservation),
            ("DELETE", "/schedules/{scheduleCode}/messages/{messageId}", self.cancel_scheduled),
        ]

    def _reservation(self, request: Request) -> SensRequest:
        """The reservation the path names, sent if its time has come; 404 for another ID."""
        stored = self.state.requests.get(request.path_params["reserveId"])
        if stored is None or stored.reserve_time is None:
            raise not_found("unknown reserveId")
        self.service.settle_due(stored)
        return stored

    async def reserve_status(self, request: Request) -> dict[str, Any]:
        """S5: READY, PROCESSING, CANCELED, FAIL, DONE or STALE."""
        stored = self._reservation(request)
        assert stored.reserve_time is not None
        zone = ZoneInfo(stored.reserve_time_zone or DEFAULT_RESERVE_TIME_ZONE)
        return {
            "reserveId": stored.request_id,
            "reserveTimeZone": stored.reserve_time_zone,
            "reserveTime": stored.reserve_time.astimezone(zone).strftime(RESERVE_TIME_FORMAT),
            "reserveStatus": stored.reserve_status,
        }

    async def cancel_reservation(self, request: Request) -> Response:
        """S6: cancel a READY reservation (204)."""
        stored = self._reservation(request)
        if stored.reserve_status != "READY":
            raise bad_request("reserveId", f"reservation is {stored.reserve_status}, not READY")
        stored.reserve_status = "CANCELED"
        for message in stored.messages:
            self._cancel(message)
        return Response(status_code=204)

    async def cancel_scheduled(self, request: Request) -> Response:
        """S7: cancel one message of a scheduled send (204) that has not gone out: 400 once
        sent, a reservation's message too when its time has come."""
        message = self.state.messages.get(request.path_params["messageId"])
        if message is None or message.schedule_code != request.path_params["scheduleCode"]:
            raise not_found("unknown scheduleCode or messageId")
        stored = self.state.requests[message.request_id]
        self.service.settle_due(stored)
        if message.cancelled:
            raise bad_request("messageId", "message is already cancelled")
        if message.status != "READY":
            raise bad_request("messageId", f"message is {message.status}, not READY")
        if stored.reserve_status not in (None, "READY"):
            raise bad_request("messageId", f"its reservation is {stored.reserve_status}, not READY")
        self._cancel(message)
        return Response(status_code=204)

    def _cancel(self, message: SensMessage) -> None:
        """Cancel one message: it is never sent, and the ledger marks its recipient cancelled."""
        message.cancelled = True
        if message.delivery is not None:
            self.service.ledger.cancel_recipient(message.delivery)

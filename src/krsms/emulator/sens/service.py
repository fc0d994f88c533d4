"""One emulated SENS service: its configuration, ledger, clock and stored state, which every
endpoint group of :mod:`krsms.emulator.sens` is built on, the IDs it hands out, and how a
message completes: at once for an immediate send, when its time comes for a reservation.

Choices where the document is silent:

- immediate sends complete at once; reservations stay READY until due, then DONE (as the
  look-ups, S3-S6, find them), their messages completed at the reserved time however much
  later the first look-up comes;
- numbers in ``rejected_numbers`` (SENS cannot refuse one recipient at send time) are
  accepted and fail delivery with code 3001, numbers in ``undeliverable_numbers`` fail
  delivery with their code (both match a ``to`` as written or in its international form, see
  :mod:`krsms.emulator.numbers`);
- an MMS whose uploaded file is past its six days when the message goes out completes with
  delivery code S007 (Expired MMS file), a code of the document's delivery-result table;
- a message to a number of ``sens_message_statuses`` stays READY or PROCESSING, with no
  result, instead of completing; a reservation to a number of ``sens_reservation_statuses``
  ends PROCESSING (its messages never sent), FAIL or STALE (its request failed at the
  messaging server, with :data:`RESERVATION_FAILURE_CODES`) instead of DONE.
"""

from __future__ import annotations

import itertools
import secrets
from datetime import datetime, timedelta

from krsms.emulator.clock import Clock
from krsms.emulator.config import EmulatorConfig
from krsms.emulator.faults import FaultState
from krsms.emulator.ledger import Ledger
from krsms.emulator.numbers import first_rule
from krsms.emulator.sens.state import SensMessage, SensRequest, SensState

REJECTED_DELIVERY_CODE = "3001"
"""The delivery code of a number in ``rejected_numbers``."""
EXPIRED_FILE_CODE = "S007"
"""The delivery code of an MMS whose file expired before it went out."""
RESERVATION_FAILURE_CODES = {"FAIL": "500", "STALE": "504"}
"""The request ``statusCode`` S3 and S4 answer for a reservation whose send request failed
(``reserveStatus`` FAIL), or timed out (STALE): HTTP statuses, as the document says the
request's status code is, the document giving none for either."""


class SensService:
    """One emulated SENS service: what its endpoint groups share. Clearing the ledger drops its
    stored sends (:meth:`~krsms.emulator.sens.state.SensState.forget_sends`)."""

    def __init__(self, config: EmulatorConfig, ledger: Ledger, clock: Clock, faults: FaultState):
        self.config = config
        self.ledger = ledger
        self.clock = clock
        self.faults = faults
        """The emulator's faults: a send may fail at the messaging server, a look-up lag."""
        self.state: SensState = SensState()
        self._ids = itertools.count(1)
        ledger.on_clear(self.state.forget_sends)

    def new_id(self, prefix: str) -> str:
        """A new request (``R``), message (``M``) or file (``F``) ID: the prefix, a serial
        number the three share, and random hex."""
        return f"{prefix}-{next(self._ids):08d}-{secrets.token_hex(6)}"

    def complete(self, message: SensMessage, *, sent_at: datetime) -> None:
        """Record the delivery result of ``message``, which went out (and, delivery being
        instant here, completed) at ``sent_at``; one a ``sens_message_statuses`` rule names
        takes that status instead, without a result."""
        status = first_rule(self.config.sens_message_statuses, message.rule_names)
        if status is not None:
            message.status = status
            return
        failure = self._delivery_failure(message, sent_at)
        message.status = "COMPLETED"
        message.complete_time = sent_at
        message.status_code = failure or "0"
        message.status_name = "fail" if failure else "success"
        message.status_message = "delivery failed" if failure else "success"

    def _delivery_failure(self, message: SensMessage, sent_at: datetime) -> str | None:
        """The delivery code ``message`` fails with when sent at ``sent_at``; None if delivered."""
        if any(self.state.files[file_id].expired(sent_at) for file_id in message.file_ids):
            return EXPIRED_FILE_CODE
        names = message.rule_names
        failure = first_rule(self.config.undeliverable_numbers, names)
        if failure is None and first_rule(self.config.rejected_numbers, names) is not None:
            return REJECTED_DELIVERY_CODE
        return failure

    def listed(self, stored: SensRequest) -> bool:
        """Whether the look-ups list ``stored`` yet: its ``listing_lag`` has passed."""
        lag = timedelta(seconds=self.faults.faults.listing_lag)
        return stored.request_time + lag <= self.clock.now()

    def settle_due(self, stored: SensRequest) -> None:
        """Send the reservation ``stored`` if its time has come: DONE, each message not
        cancelled completed at the reserved time, however long after it this is. The
        ``sens_reservation_statuses`` rule of its first recipient not cancelled that has one
        ends it in that status instead, nothing sent."""
        reserve_time = stored.reserve_time
        if stored.reserve_status != "READY" or reserve_time is None or reserve_time > self.clock.now():
            return
        waiting = [message for message in stored.messages if not message.cancelled]
        rules = self.config.sens_reservation_statuses
        ruled = (first_rule(rules, message.rule_names) for message in waiting)
        status = next((status for status in ruled if status is not None), None)
        if status is not None:
            stored.reserve_status = status
            stored.failure_code = RESERVATION_FAILURE_CODES.get(status)
            return
        stored.reserve_status = "DONE"
        for message in waiting:
            self.complete(message, sent_at=reserve_time)

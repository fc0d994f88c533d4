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
  delivery code S007 (Expired MMS file), a code of the document's delivery-result table.
"""

from __future__ import annotations

import itertools
import secrets
from datetime import datetime, timedelta

from krsms.emulator.clock import Clock
from krsms.emulator.config import EmulatorConfig
from krsms.emulator.faults import FaultState
from krsms.emulator.ledger import Ledger
from krsms.emulator.numbers import first_rule, rule_names
from krsms.emulator.sens.state import SensMessage, SensRequest, SensState

REJECTED_DELIVERY_CODE = "3001"
"""The delivery code of a number in ``rejected_numbers``."""
EXPIRED_FILE_CODE = "S007"
"""The delivery code of an MMS whose file expired before it went out."""


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
        instant here, completed) at ``sent_at``."""
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
        names = rule_names(message.to, message.country_code, message.to)
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
        cancelled completed at the reserved time, however long after it this is."""
        reserve_time = stored.reserve_time
        if stored.reserve_status == "READY" and reserve_time and reserve_time <= self.clock.now():
            stored.reserve_status = "DONE"
            for message in stored.messages:
                if not message.cancelled:
                    self.complete(message, sent_at=reserve_time)

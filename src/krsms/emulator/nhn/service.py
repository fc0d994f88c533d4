"""One emulated NHN appKey: its configuration, ledger, clock and stored state, which every
endpoint group of :mod:`krsms.emulator.nhn` is built on, and the reservations that come due
as its clock moves on."""

from __future__ import annotations

from datetime import datetime, timedelta

from krsms.emulator.clock import Clock
from krsms.emulator.config import EmulatorConfig
from krsms.emulator.faults import FaultState
from krsms.emulator.ledger import Ledger
from krsms.emulator.nhn.state import REQUESTED, NhnRecipient, NhnState
from krsms.emulator.numbers import first_rule

SERVICE_ID = 1
"""The emulated app's ``serviceId`` (the document's examples show NHN's own, e.g. 71191)."""


class NhnService:
    """One emulated NHN appKey: what its endpoint groups share. Clearing the ledger drops its
    stored sends (:meth:`~krsms.emulator.nhn.state.NhnState.forget_sends`)."""

    def __init__(self, config: EmulatorConfig, ledger: Ledger, clock: Clock, faults: FaultState):
        self.config = config
        self.ledger = ledger
        self.clock = clock
        self.faults = faults
        """The emulator's faults: the send look-ups read their ``listing_lag``."""
        self.state: NhnState = NhnState()
        ledger.on_clear(self.state.forget_sends)

    def listed(self, record: NhnRecipient) -> bool:
        """Whether the send look-ups list ``record`` yet: ``listing_lag`` has passed since NHN
        registered its send."""
        lag = timedelta(seconds=self.faults.faults.listing_lag)
        return record.create_date + lag <= self.clock.now()

    def settle(self, record: NhnRecipient, moment: datetime, names: tuple[str, ...]) -> None:
        """Send ``record`` at ``moment`` as the per-number rules that name it by one of
        ``names`` say (``undeliverable_numbers``, ``nhn_message_statuses``)."""
        record.settle(
            moment,
            failure=first_rule(self.config.undeliverable_numbers, names),
            status=first_rule(self.config.nhn_message_statuses, names),
        )

    def settle_due(self) -> None:
        """Send the reservations whose time has come, each at its reserved minute: a
        look-up long after it finds the result dated then, not when it looked. A held one (a
        tag send with ``autoSendYn`` N) stays requested, as does one a rule keeps so."""
        now = self.clock.now()
        with self.state.lock:
            for record in self.state.recipients:
                if record.reserved and not record.held and record.status == REQUESTED and record.request_date <= now:
                    self.settle(record, record.request_date, record.rule_names)

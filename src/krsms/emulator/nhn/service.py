"""One emulated NHN appKey: its configuration, ledger, clock and stored state, which every
endpoint group of :mod:`krsms.emulator.nhn` is built on, and the reservations that come due
as its clock moves on."""

from __future__ import annotations

from datetime import timedelta

from krsms.emulator.clock import Clock
from krsms.emulator.config import EmulatorConfig
from krsms.emulator.faults import FaultState
from krsms.emulator.ledger import Ledger
from krsms.emulator.nhn.state import NhnRecipient, NhnState
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

    def settle_due(self) -> None:
        """Deliver the reservations whose time has come, each at its reserved minute: a
        look-up long after it finds the result dated then, not when it looked. A held one (a
        tag send with ``autoSendYn`` N) stays requested."""
        now = self.clock.now()
        with self.state.lock:
            for record in self.state.recipients:
                if record.reserved and not record.held and record.status == "1" and record.request_date <= now:
                    failure = first_rule(self.config.undeliverable_numbers, record.rule_names)
                    record.settle(record.request_date, failure)

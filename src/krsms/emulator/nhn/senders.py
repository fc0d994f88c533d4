"""Sender numbers: which are registered, the one rule the sends, the templates and N32 read,
and N32, which lists them.

Choice where the document is silent: sender numbers need no registration. A ``sendNo`` is
registered unless it is one of the configured ``unregistered_senders`` or cannot be a sender
number (digits, at most 13); a send or template from an unregistered one answers -2312. N32
lists the demo senders (:data:`REGISTERED_SENDERS`, less any configured unregistered) and
each sender an accepted send used, and its ``sendNo`` filter finds any registered number.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeGuard

from starlette.requests import Request

from krsms.convert import format_seoul_seconds
from krsms.emulator.clock import Clock
from krsms.emulator.config import EmulatorConfig
from krsms.emulator.inputs import is_digits
from krsms.emulator.nhn.envelope import matches, page
from krsms.emulator.nhn.service import SERVICE_ID, NhnService
from krsms.emulator.nhn.state import NhnState

REGISTERED_SENDERS = ("15446859", "0212345678", "0200000000")
"""The demo sender numbers N32 lists from the start. They are not the only registered ones:
see :func:`is_registered_sender`."""
MAX_SEND_NO_CHARS = 13
"""The longest ``sendNo`` of a send (its table's 13)."""
SENDER_FILTERS = ("sendNo", "useYn", "blockYn")
"""Query parameters of N32 that filter on the answered field of the same name."""


def is_registered_sender(number: object, config: EmulatorConfig) -> TypeGuard[str]:
    """Whether ``number`` is a registered sender number. The emulator does not ask for senders
    to be registered: every number that can be one is, except the configured
    ``unregistered_senders``. One can be if it is digits (N32's example) and at most 13 of them
    (the send table's ``sendNo``)."""
    return is_digits(number) and len(number) <= MAX_SEND_NO_CHARS and number not in config.unregistered_senders


class NhnSenders:
    """The sender number endpoint of one :class:`~krsms.emulator.nhn.service.NhnService`; its
    state starts with the demo senders (:data:`REGISTERED_SENDERS`), and sends add theirs."""

    def __init__(self, service: NhnService):
        self.config: EmulatorConfig = service.config
        self.state: NhnState = service.state
        self.clock: Clock = service.clock
        self.state.senders.update(dict.fromkeys(REGISTERED_SENDERS, self.clock.now()))

    def table(self) -> list[tuple[str, str, Callable[[Request], Any]]]:
        """(method, path under the appKey, handler) of the sender number route."""
        return [("GET", "/sendNos", self.sender_numbers)]

    async def sender_numbers(self, request: Request) -> Any:
        """N32: registered sender numbers (all in use and unblocked), filtered by ``sendNo``,
        ``useYn`` and ``blockYn``. Listed are the demo senders (less any configured
        unregistered) and each sender an accepted send used; a ``sendNo`` filter also finds any
        other number :func:`is_registered_sender` takes (registered, though never used)."""
        query = request.query_params
        with self.state.lock:
            senders = dict(self.state.senders)
        senders.setdefault(query.get("sendNo", ""), self.clock.now())
        items = [
            {"appKey": None, "serviceId": SERVICE_ID, "sendNo": number, "useYn": "Y", "blockYn": "N",
             "blockReason": None, "createDate": format_seoul_seconds(created), "createUser": "emulator",
             "updateDate": format_seoul_seconds(created), "updateUser": "emulator"}
            for number, created in senders.items()
            if is_registered_sender(number, self.config)
        ]  # fmt: skip
        return page(
            [item for item in items if all(matches(query, name, item[name]) for name in SENDER_FILTERS)], request
        )

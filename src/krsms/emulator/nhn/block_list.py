"""NHN Cloud SMS API v2.2, emulated: the 080 block list (N29-N31), the opt-outs an
advertisement under that 080 number must not reach (see :mod:`krsms.emulator.nhn.sends`).

Choices where the document is silent:

- an ``unsubscribeNo`` is kept without the spaces and hyphens it may be written with, the
  form the document's examples write it in (``0808888888``), and listed that way: added as
  ``080-123-4567``, it is listed, removed and matched by ``0801234567`` and by any such form;
- the block list answers -6004 without an ``unsubscribeNo`` or with one longer than documented
  (25 characters, 20 to remove), -2018 without numbers and -2019 for a malformed number;
  adding (N29) more than the 10 numbers its table allows answers -2016, the code of a
  ``recipientList`` over its 1,000 (the error table's only one for too many numbers), and
  adds none;
  removing answers -2011 without an ``updateUser`` (or with a blank one) and -2012 for one
  over 100 characters;
  removing a number that is not listed is not an error; the list (N30) refuses a
  ``recipientNo`` filter over its table's 25 characters with -2012 (an invalid look-up
  parameter, as for the removal's ``updateUser``);
- removing (N31) reads ``recipientNoList`` (comma-joined), the name in the document's URL
  example and the one the SDK sends; its table says ``recipientNo``, which is ignored, so a
  removal naming only that answers -2018 without numbers and a client sending it fails its
  tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from starlette.requests import Request

from krsms.emulator.clock import Clock
from krsms.emulator.nhn.envelope import (
    MAX_USER_CHARS,
    NhnRefusal,
    check_filters,
    fits,
    format_time,
    has_text,
    is_phone_number,
    json_object,
    matches,
    page,
    parse_date,
    read_json,
)
from krsms.emulator.nhn.service import NhnService
from krsms.emulator.nhn.state import NhnState
from krsms.nhn.checks import MAX_BLOCKED_RECIPIENT_NO_CHARS

MAX_UNSUBSCRIBE_NO_CHARS = 25
MAX_UNSUBSCRIBE_NO_CHARS_TO_REMOVE = 20
MAX_NUMBERS_TO_BLOCK = 10
"""The most numbers one N29 ``recipientNoList`` holds (its table's maximum)."""
SEPARATORS = re.compile(r"[\s-]")
"""What an advertisement's opt-out line and an 080 number may be written with besides digits."""


def blocked_numbers(state: NhnState, opt_out: str) -> frozenset[str]:
    """The recipients an advertisement whose opt-out line names the 080 number ``opt_out``
    must not reach: those on that number's block list (N29), kept without separators
    however its ``unsubscribeNo`` was written (``080-123-4567``)."""
    return frozenset(recipient for unsubscribe_no, recipient in list(state.blocked) if unsubscribe_no == opt_out)


def _unsubscribe_no(value: Any, max_chars: int) -> str:
    """The 080 ``unsubscribeNo`` of a block-list request without spaces and hyphens, as the
    list keeps it; -6004 when it is missing, or longer than ``max_chars`` as written (no 080
    number in use is)."""
    if not isinstance(value, str) or len(value) > max_chars or not SEPARATORS.sub("", value):
        raise NhnRefusal(-6004, "수신거부 번호가 사용되지 않음")
    return SEPARATORS.sub("", value)


class NhnBlockList:
    """The 080 block list endpoints of one :class:`~krsms.emulator.nhn.service.NhnService`, kept
    in its state (advertisements read it: :func:`blocked_numbers`)."""

    def __init__(self, service: NhnService):
        self.state: NhnState = service.state
        self.clock: Clock = service.clock

    def table(self) -> list[tuple[str, str, Callable[[Request], Any]]]:
        """(method, path under the appKey, handler) of every block list route."""
        return [
            ("POST", "/blockservice/recipients", self.block),
            ("GET", "/blockservice/recipients", self.list_blocked),
            ("DELETE", "/blockservice/recipients/removes", self.unblock),
        ]

    @staticmethod
    def _numbers(numbers: Any, max_count: int | None = None) -> list[str]:
        """The numbers of a request: -2018 without any, -2016 for more than ``max_count``,
        -2019 for one that is not a phone number."""
        if not isinstance(numbers, list) or not numbers:
            raise NhnRefusal(-2018, "수신 번호가 비어있음")
        if max_count is not None and len(numbers) > max_count:
            raise NhnRefusal(-2016, f"수신 번호가 {max_count}개 초과")
        if not all(is_phone_number(number) for number in numbers):
            raise NhnRefusal(-2019, "수신 번호가 유효하지 않음")
        return list(numbers)

    async def block(self, request: Request) -> Any:
        """N29: add numbers to an 080 number's opt-out list."""
        body = json_object(await read_json(request), frozenset({"unsubscribeNo", "recipientNoList"}))
        unsubscribe_no = _unsubscribe_no(body.get("unsubscribeNo"), MAX_UNSUBSCRIBE_NO_CHARS)
        now = self.clock.now()
        for number in self._numbers(body.get("recipientNoList"), MAX_NUMBERS_TO_BLOCK):
            self.state.blocked.setdefault((unsubscribe_no, number), now)
        return None

    async def list_blocked(self, request: Request) -> Any:
        """N30: the opt-outs of one 080 number."""
        query = request.query_params
        unsubscribe_no = _unsubscribe_no(query.get("unsubscribeNo"), MAX_UNSUBSCRIBE_NO_CHARS)
        check_filters(query, {"recipientNo": MAX_BLOCKED_RECIPIENT_NO_CHARS})
        start = parse_date(query["startRequestDate"]) if query.get("startRequestDate") else None
        end = parse_date(query["endRequestDate"]) if query.get("endRequestDate") else None
        items = [
            {"unsubscribeNo": number_080, "recipientNo": number, "requestDate": format_time(moment)}
            for (number_080, number), moment in list(self.state.blocked.items())
            if number_080 == unsubscribe_no
            and matches(query, "recipientNo", number)
            and (start is None or start <= moment)
            and (end is None or moment <= end)
        ]
        return page(items, request)

    async def unblock(self, request: Request) -> Any:
        """N31: remove numbers from an 080 number's opt-out list."""
        query = request.query_params
        unsubscribe_no = _unsubscribe_no(query.get("unsubscribeNo"), MAX_UNSUBSCRIBE_NO_CHARS_TO_REMOVE)
        if not has_text(query.get("updateUser")):
            raise NhnRefusal(-2011, "필수 파라미터가 비어있음")
        if not fits(query["updateUser"], MAX_USER_CHARS):
            raise NhnRefusal(-2012, "파라미터가 유효하지 않음")
        listed = query.get("recipientNoList") or ""
        for number in self._numbers([number.strip() for number in listed.split(",") if number.strip()]):
            self.state.blocked.pop((unsubscribe_no, number), None)
        return None

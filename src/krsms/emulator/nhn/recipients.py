"""A send's ``recipientList``: the checks of its entries, and the country and national number
each one goes to.

Choices where the document is silent:

- one invalid recipient number (fullwidth digits included) fails the whole request with
  -2019;
- so does a ``countryCode`` over the 8 characters the N1, N4 and N7 tables give it, with a
  ``recipientNo`` or beside an ``internationalRecipientNo``: the error table has no code for
  a country code, and the number a recipient is sent to is its ``countryCode`` with its
  ``recipientNo`` (the tables: "countryCodeと組み合わせて使用可能");
- and an ``internationalRecipientNo`` sent alone that begins with 0: the tables call it the
  number "国番号を含む" (with its country code, ``821012345678``), and no country calling
  code begins with 0, so such a number (``01000000001``) is a national one without its
  code. Beside a ``recipientNo`` it is not checked: the tables say it is then ignored;
- an ``internationalRecipientNo`` alone is answered (``sendResultList``) and listed as its
  country code and national number, as the document's N1 example answers ``821000000000``
  with ``01000000000``: the code is the E.164 calling code the number starts with (these are
  prefix-free: 1 and 7 have one digit, a short table lists the two-digit ones, every other
  code has three), the national number the rest, with the trunk 0 in front for Korea. A
  ``countryCode`` beside it is not read (the number carries its own). The ledger keeps the
  number as written; the configured per-number rules and the 080 block list match a
  recipient by that, its national number or its international form
  (:mod:`krsms.emulator.numbers`), so a rule for ``010-0000-0001`` applies to
  ``internationalRecipientNo`` ``821000000001`` too.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from typing import Any

from krsms.emulator.inputs import is_recipient_number
from krsms.emulator.nhn.envelope import NhnRefusal, check_characters, check_types
from krsms.emulator.numbers import KOREA_COUNTRY_CODE, split_international

RECIPIENT_FIELDS = frozenset(
    {"recipientNo", "countryCode", "internationalRecipientNo", "templateParameter", "recipientGroupingKey"}
)
RECIPIENT_FIELD_TYPES: dict[str, type] = {
    **dict.fromkeys(RECIPIENT_FIELDS - {"templateParameter"}, str),
    "templateParameter": dict,
}
PLAIN_RECIPIENT_FIELDS = RECIPIENT_FIELDS - {"templateParameter"}
"""The ``recipientList`` fields :func:`_plainly_valid` checks in bulk: all text."""
MAX_COUNTRY_CODE_CHARS = 8
"""``recipientList[].countryCode``'s maximum in the N1, N4 and N7 tables."""
TEXT_OR_NULL = frozenset({str, type(None)})
"""The JSON types of a field :func:`_plainly_valid` checks in bulk: text, or null."""
PLAIN_NUMBERS = re.compile(r"(?:[0-9]{8,20}\n)*")
"""Numbers of 8 to 20 ASCII digits, each ended by a newline: valid in and outside Korea."""


def check_recipients(recipients: list[Any]) -> None:
    """Check every ``recipientList`` entry as :func:`_check_recipient` does, failing with the
    first invalid entry's code. A list :func:`_plainly_valid` proves valid in bulk is not
    walked entry by entry: the common case, checked in about a sixth of the time."""
    if not _plainly_valid(recipients):
        for item in recipients:
            _check_recipient(item)


def _check_recipient(item: Any) -> None:
    """One ``recipientList`` entry: -9997 when it is not the documented object, -2018 without
    a number, -2019 for a number that is not 8 to 20 ASCII digits (4 to 20 abroad), a
    ``countryCode`` over 8 characters or an ``internationalRecipientNo`` alone beginning with
    0 (no country code does), -2023 for a template parameter the body could not carry once
    filled in."""
    if not isinstance(item, dict) or set(item) - RECIPIENT_FIELDS:
        raise NhnRefusal(-9997, "유효하지 않은 JSON 형식")
    check_types(item, RECIPIENT_FIELD_TYPES)
    number = item.get("recipientNo") or item.get("internationalRecipientNo")
    if not number:
        raise NhnRefusal(-2018, "수신 번호가 비어있음")
    if (
        len(item.get("countryCode") or "") > MAX_COUNTRY_CODE_CHARS
        or (not item.get("recipientNo") and number.startswith("0"))
        or not is_recipient_number(number, destination(item)[0])
    ):
        raise NhnRefusal(-2019, "수신 번호가 유효하지 않음")
    for value in (item.get("templateParameter") or {}).values():
        check_characters(str(value))


def _plainly_valid(recipients: list[Any]) -> bool:
    """Whether every entry is an object of text (or null) fields, with a ``recipientNo`` of
    8 to 20 ASCII digits, a ``countryCode`` (if any) of at most 8 characters and no
    ``templateParameter``: enough for :func:`_check_recipient` to pass each one. Checked a
    field at a time, the numbers with one regular expression.

    A false answer says nothing: an entry with a ``templateParameter``, or a 4-digit number
    abroad, may still be valid, and is checked on its own."""
    if set(map(type, recipients)) != {dict}:
        return False
    fields = set(itertools.chain.from_iterable(recipients))
    if not fields <= PLAIN_RECIPIENT_FIELDS:
        return False
    columns = {name: [item.get(name) for item in recipients] for name in fields}
    if any(not set(map(type, column)) <= TEXT_OR_NULL for column in columns.values()):
        return False
    country_codes = set(columns.get("countryCode", ())) - {None}  # a few distinct ones at most, usually
    if any(len(code) > MAX_COUNTRY_CODE_CHARS for code in country_codes):
        return False
    numbers = columns.get("recipientNo", [None])
    return set(map(type, numbers)) == {str} and PLAIN_NUMBERS.fullmatch("\n".join(numbers) + "\n") is not None


def destination(recipient: Mapping[str, Any]) -> tuple[str, str]:
    """(``countryCode``, ``recipientNo``) of a checked ``recipientList`` entry: its
    ``recipientNo`` with its ``countryCode`` (82 when none), else its ``internationalRecipientNo``
    split by :func:`split_international` (a ``countryCode`` beside that is not read: the number
    carries its own, and the default 82 could contradict it)."""
    if recipient.get("recipientNo"):
        return str(recipient.get("countryCode") or KOREA_COUNTRY_CODE), str(recipient["recipientNo"])
    return split_international(str(recipient["internationalRecipientNo"]))


def is_abroad(recipient: Mapping[str, Any]) -> bool:
    """Whether a ``recipientList`` entry is outside Korea: its country code (see
    :func:`destination`) is not 82."""
    return destination(recipient)[0] != KOREA_COUNTRY_CODE

"""Request checks the NHN resource modules share: a request's JSON object, ``Y``/``N`` flags,
optional text of bounded length and phone numbers."""

from __future__ import annotations

from typing import Any

from krsms.emulator.inputs import is_digits
from krsms.emulator.nhn import NhnRefusal

YES_NO = ("Y", "N")
"""The values of a ``...Yn`` flag."""
MAX_USER_CHARS = 100
"""``createUser``/``updateUser`` of categories and the block list."""


def json_object(body: Any, allowed: frozenset[str]) -> dict[str, Any]:
    """The JSON object of a request; -9997 when it is not one or has undocumented fields."""
    if not isinstance(body, dict) or set(body) - allowed:
        raise NhnRefusal(-9997, "유효하지 않은 JSON 형식")
    return body


def fits(value: Any, max_chars: int) -> bool:
    """Whether an optional text field is absent or a string of at most ``max_chars``."""
    return value is None or (isinstance(value, str) and len(value) <= max_chars)


def is_phone_number(number: Any) -> bool:
    """Whether ``number`` is 8 to 20 ASCII digits (a block list entry, a UID's phone number)."""
    return is_digits(number) and 8 <= len(number) <= 20

"""Reading what clients send without tripping over it: JSON bodies, digit strings, credentials,
dates.

Python's own parsers fail on hostile input in ways a route does not expect: ``json.loads``
raises ``RecursionError`` on deeply nested arrays, ``"²".isdigit()`` is true while ``int("²")``
fails (and ``int("１")`` reads a fullwidth digit), and ``hmac.compare_digest`` raises
``TypeError`` for non-ASCII strings. These helpers turn each case into a plain "no", so the
emulated providers answer it in their own error shapes. ``strptime`` also takes
``"2027-1-5 9:3"`` for ``%Y-%m-%d %H:%M``, which the documents' ``yyyy-MM-dd HH:mm`` does not.
"""

from __future__ import annotations

import hmac
import json
from datetime import datetime, tzinfo
from typing import Any, TypeGuard


def load_json(raw: bytes) -> Any:
    """A request body parsed as strict JSON; ``ValueError`` when it is not JSON, nests deeper
    than the parser can follow, or uses ``NaN``/``Infinity`` (not JSON)."""
    try:
        return json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError:
        raise ValueError("the JSON nests too deeply") from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def is_digits(value: object) -> TypeGuard[str]:
    """Whether ``value`` is a non-empty string of the ASCII digits 0-9 only."""
    return isinstance(value, str) and value.isascii() and value.isdigit()


def is_recipient_number(value: object, country_code: object = "82") -> TypeGuard[str]:
    """Whether ``value`` is a recipient number the emulators take: ASCII digits, 8 to 20 of
    them in Korea (a representative number such as 15446859 has 8), 4 to 20 for another
    ``country_code`` (national numbers abroad can be shorter). Neither document gives a
    minimum; these are the SDK's own limits."""
    minimum = 8 if str(country_code) == "82" else 4
    return is_digits(value) and minimum <= len(value) <= 20


def in_euc_kr(text: str) -> bool:
    """Whether every character of ``text`` is one EUC-KR has. Python's ``euc_kr`` codec writes
    a syllable only CP949 has (such as 똠) as an 8-byte jamo sequence instead of refusing it,
    so the text is encoded as CP949 and read back as EUC-KR, which refuses those bytes."""
    try:
        text.encode("cp949").decode("euc_kr")
    except UnicodeError:
        return False
    return True


def same_secret(given: str, expected: str) -> bool:
    """Compare a credential as sent with the configured one in constant time, whatever
    characters either holds."""
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass"))


def parse_moment(value: object, pattern: str, zone: tzinfo) -> datetime:
    """``value`` read exactly in ``pattern`` (zero-padded, as the documents write it), in
    ``zone``; ``ValueError`` otherwise, ``TypeError`` when it is not a string."""
    if not isinstance(value, str):
        raise TypeError(f"a date must be a string, not {type(value).__name__}")
    moment = datetime.strptime(value, pattern)
    if moment.strftime(pattern) != value:
        raise ValueError(f"{value!r} is not written as {pattern}")
    return moment.replace(tzinfo=zone)

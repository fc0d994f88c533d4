"""Phone numbers as both providers take them: Korean numbers as dialled in Korea, numbers
abroad as dialled in their country; separators stripped, validated, and masked in errors.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import cast

from krsms.errors import ValidationError
from krsms.fields import check_is_text, mask_number

_SEPARATORS = re.compile(
    r"[\s\-.()"
    # What word processors, spreadsheets and full-width input write for '-', '.' and brackets.
    "\u00ad\u2010-\u2015\u2212\ufe58\ufe63\uff08\uff09\uff0d\uff0e"
    # Invisible format characters that copying a number brings along: zero-width spaces and
    # joiners, the direction marks phones wrap a copied number in, a spreadsheet's BOM.
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_FULL_WIDTH = str.maketrans({0xFF10 + digit: str(digit) for digit in range(10)} | {0xFF0B: "+"})
"""Full-width digits and plus sign (as a Korean IME's full-width mode types them) as ASCII."""


_TEL_SCHEME = re.compile(r"\s*tel:", re.IGNORECASE)
"""The scheme of a ``tel:`` URI (RFC 3966), as a link or a contact card gives a number."""


def without_separators(raw: str) -> str:
    """``raw`` without a ``tel:`` scheme and the separators people write in phone numbers
    (spaces, dashes, ``.``, brackets, invisible format characters), full-width digits and
    ``＋`` made ASCII; a leading ``+`` stays."""
    return _SEPARATORS.sub("", _without_tel_scheme(raw)).translate(_FULL_WIDTH)


def _without_tel_scheme(raw: str) -> str:
    scheme = _TEL_SCHEME.match(raw)
    return raw if scheme is None else raw[scheme.end() :]


KOREA = "82"
"""The country code of Korean numbers (both providers' default)."""
_MOBILE_PREFIXES = ("010", "011", "016", "017", "018", "019")
MIN_NUMBER_DIGITS = 8
"""Shortest number accepted: Korean representative numbers such as 1544-6859."""
MIN_DIALLED_DIGITS = 9
"""Shortest Korean number that starts with 0: Seoul's ``02`` and seven digits (02-123-4567)."""
MAX_NUMBER_DIGITS = 20
"""Longest number both providers accept (NHN ``recipientNo`` max 20)."""
ONE_DIGIT_CALLING_CODES = frozenset({"1", "7"})
"""The one-digit ITU-T E.164 country calling codes: North America, Russia and Kazakhstan."""
TWO_DIGIT_CALLING_CODES = frozenset(
    {"20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49",
     "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81", "82", "84",
     "86", "90", "91", "92", "93", "94", "95", "98"}
)  # fmt: skip
"""The two-digit E.164 country calling codes; every code that is neither these nor one of
:data:`ONE_DIGIT_CALLING_CODES` has three digits. No code begins another, so the digits an
international number starts with name exactly one code."""


def calling_code(international: str) -> str:
    """The E.164 country calling code an international number (its digits, without ``+``)
    starts with: one digit for 1 and 7, two for :data:`TWO_DIGIT_CALLING_CODES`, else three
    (``819012345678`` -> ``81``)."""
    if international[:1] in ONE_DIGIT_CALLING_CODES:
        return international[:1]
    if international[:2] in TWO_DIGIT_CALLING_CODES:
        return international[:2]
    return international[:3]


def is_clean_mobile(raw: str) -> bool:
    """Whether ``raw`` is already a normalised Korean mobile number (``01012345678``): the
    common case of bulk sends, which :func:`normalize_number` returns unchanged."""
    return isinstance(raw, str) and len(raw) == 11 and raw.startswith("010") and raw.isascii() and raw.isdigit()


_CLEAN_MOBILE_LINES = re.compile(r"(?:010[0-9]{8}\n)*")
"""Lines of normalised Korean mobile numbers (``01012345678``), each ended by a line break."""


def all_clean_mobiles(values: Sequence[object]) -> bool:
    """Whether every value is a text :func:`is_clean_mobile` accepts, checked a whole run at
    C speed rather than one call each."""
    if not values:
        return True
    if set(map(type, values)) != {str}:
        return False
    lines = "\n".join(cast("Sequence[str]", values)) + "\n"
    # As many lines as values, each a number: no value holds a line break of its own.
    return len(lines) == 12 * len(values) and _CLEAN_MOBILE_LINES.fullmatch(lines) is not None


def normalize_number(raw: str, *, field: str = "number", country_code: str = KOREA) -> str:
    """Strip separators from a phone number and validate it.

    ``"010-1234-5678"``, ``"010 1234 5678"`` and ``"+82 10-1234-5678"`` all become
    ``"01012345678"`` (``"+82 1544-6859"``: ``"15446859"``). A Korean number is dialled
    within Korea, 8 to 20 digits: it starts with 0 and has at least 9 (010 mobiles have 11
    digits, other 01x 10 or 11), or is an 8-digit representative number (15xx, 16xx, 18xx).
    ``"821012345678"`` (the international form without ``+``) and ``"0082..."`` are refused
    rather than sent to a number that does not exist. With another ``country_code`` the
    number is that country's, as dialled there (a ``+<code>`` prefix must match it and is
    dropped): digits only, 4 to 20 of them. The error message masks the number.
    """
    check_is_text(raw, field=field, number=True)
    if country_code != KOREA:
        return _foreign_number(raw, field=field, country_code=country_code)
    if is_clean_mobile(raw):
        return raw
    number = without_separators(raw)
    if number.startswith("+"):
        number = _without_country_code(number, raw, field=field, country_code=KOREA).lstrip("0")
        # Representative numbers are dialled without a leading 0.
        number = number if _is_representative(number) else "0" + number
    if not number.isascii() or not number.isdigit():
        raise ValidationError(
            field,
            f"{mask_number(raw)!r} is not a phone number: {_what_is_not_a_digit(raw)}",
            limit="digits",
            value=mask_number(raw),
        )
    if not MIN_NUMBER_DIGITS <= len(number) <= MAX_NUMBER_DIGITS:
        raise ValidationError(
            field,
            f"{mask_number(number)!r} has {len(number)} digits; allowed {MIN_NUMBER_DIGITS} to {MAX_NUMBER_DIGITS}",
            limit=f"{MIN_NUMBER_DIGITS}-{MAX_NUMBER_DIGITS} digits",
            value=mask_number(number),
        )
    if not (number.startswith("0") or _is_representative(number)) or number.startswith("00"):
        raise ValidationError(
            field,
            f"{mask_number(number)!r} is not a Korean number as dialled in Korea: it starts with 0 "
            "(010..., 02...) or is a representative number such as 1544-6859; write international "
            "forms as +82 10-...",
            limit="0... or 15xx/16xx/18xx-xxxx",
            value=mask_number(number),
        )
    if number.startswith("01") and not _is_mobile(number):
        raise ValidationError(
            field,
            f"{mask_number(number)!r} is not a Korean mobile number (010 with 11 digits, other 01x with 10 or 11)",
            limit="010 with 11 digits, other 01x with 10 or 11",
            value=mask_number(number),
        )
    if number.startswith("0") and len(number) < MIN_DIALLED_DIGITS:
        raise ValidationError(
            field,
            f"{mask_number(number)!r} has {len(number)} digits as dialled in Korea; a Korean number from 0 has "
            f"at least {MIN_DIALLED_DIGITS} (02-123-4567): is a digit missing?",
            limit=f"{MIN_DIALLED_DIGITS} digits from 0",
            value=mask_number(number),
        )
    return number


def check_number_as_sent(raw: str, *, field: str, country_code: str = KOREA) -> None:
    """Refuse a number that goes to a provider as written (a low-level request's ``sendNo``,
    ``recipientNo``, ``from``, ``to``) unless :func:`normalize_number` accepts it unchanged:
    a valid number, written as dialled in its country, digits only (``01012345678``, not
    ``010-1234-5678`` or ``+82 10-1234-5678``). The error message masks the number."""
    number = normalize_number(raw, field=field, country_code=country_code)
    if number != raw:
        raise ValidationError(
            field,
            f"{mask_number(raw)!r} is sent as written: give it as digits only ({mask_number(number)!r})",
            limit="digits",
            value=mask_number(raw),
        )


def _is_representative(number: str) -> bool:
    """A representative number (대표번호): 15xx, 16xx or 18xx and four more digits."""
    return len(number) == MIN_NUMBER_DIGITS and number[:2] in ("15", "16", "18")


def _is_mobile(number: str) -> bool:
    if number.startswith("010"):
        return len(number) == 11
    return number[:3] in _MOBILE_PREFIXES and len(number) in (10, 11)


def _without_country_code(number: str, raw: str, *, field: str, country_code: str) -> str:
    """``number`` (separators removed) without its ``+<country_code>`` prefix; a prefix of
    another country is refused, naming the ``country_code`` to set."""
    if not number.startswith("+" + country_code):
        raise ValidationError(
            field,
            f"{mask_number(raw)!r} is not a +{country_code} number: set the message's country_code to its country",
            limit=f"+{country_code} or no prefix",
            value=mask_number(raw),
        )
    return number[1 + len(country_code) :]


def _foreign_number(raw: str, *, field: str, country_code: str) -> str:
    number = without_separators(raw)
    if number.startswith("+"):
        number = _without_country_code(number, raw, field=field, country_code=country_code)
    digits_only = number.isascii() and number.isdigit()
    if not digits_only or not 4 <= len(number) <= MAX_NUMBER_DIGITS:
        why = f": {_what_is_not_a_digit(raw)}" if not digits_only else ""
        raise ValidationError(
            field,
            f"{mask_number(raw)!r} is not a phone number of country +{country_code} "
            f"(4 to {MAX_NUMBER_DIGITS} digits){why}",
            limit=f"4-{MAX_NUMBER_DIGITS} digits",
            value=mask_number(raw),
        )
    return number


def _what_is_not_a_digit(raw: str) -> str:
    """Why ``raw`` is no number's digits, for an error: the first character that is neither a
    digit, a separator nor a leading ``+``, by position (a digit of another script by that
    alone: its character would show a digit the mask hides), or that it has no digits."""
    plus_allowed = True
    after_scheme = len(raw) - len(_without_tel_scheme(raw))
    for position, written in enumerate(raw[after_scheme:], after_scheme):
        character = written.translate(_FULL_WIDTH)
        if _SEPARATORS.fullmatch(character):
            continue
        if (character.isascii() and character.isdigit()) or (character == "+" and plus_allowed):
            plus_allowed = False
            continue
        if character.isdigit():
            return f"the digit at position {position} is not one of 0-9"
        return (
            f"{written!r} (U+{ord(written):04X}) at position {position} is neither a digit nor a separator "
            "(space, '-', '.', brackets)"
        )
    return "it has no digits"

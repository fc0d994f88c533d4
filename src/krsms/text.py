"""Korean SMS text rules: EUC-KR byte counting, SMS/LMS/MMS choice, phone numbers.

Both providers count message length in EUC-KR bytes (Hangul 2 bytes, ASCII 1) and cannot
carry characters outside it, such as emoji, or the 8,822 modern Hangul syllables EUC-KR
lacks (such as 똠 or 햏: only its Windows superset CP949 has them, which neither document
promises).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from typing import cast

import attrs

from krsms.errors import ValidationError, excerpt

ENCODING = "cp949"
"""The codec text is encoded and counted with. Python's ``euc_kr`` codec writes a syllable
EUC-KR lacks as an 8-byte jamo sequence instead of refusing it, so text is encoded as CP949,
whose bytes are EUC-KR's for every character EUC-KR has, and CP949's own characters are then
refused (:func:`encode`)."""


class MessageKind(enum.Enum):
    """What a message is sent as; AUTO picks SMS or LMS by length, MMS when images attach."""

    def __str__(self) -> str:
        return self.value

    AUTO = "AUTO"
    """SMS or LMS by the text's length, MMS when images are attached."""
    SMS = "SMS"
    """Short text without a subject (90 EUC-KR bytes by the standard limits)."""
    LMS = "LMS"
    """Long text with an optional subject (2,000 bytes by the standard limits); some providers
    require the subject."""
    MMS = "MMS"
    """An LMS with images."""


# Members are singletons compared by identity: hash them by identity too, at C speed (Enum's
# own __hash__ is Python code, and batch keys hash a kind per recipient). Set after the class,
# so type checkers keep Enum's declared __hash__ in the public types.
MessageKind.__hash__ = object.__hash__  # type: ignore[method-assign]


@attrs.frozen(kw_only=True)
class TextLimits:
    """Length limits of one provider, in EUC-KR bytes."""

    sms_bytes: int = 90
    """Body of an SMS."""
    long_bytes: int = 2000
    """Body of an LMS or MMS."""
    subject_bytes: int = 40
    """Subject of an LMS or MMS."""


STANDARD_LIMITS = TextLimits()
"""The limits both providers document: SMS 90 bytes, LMS/MMS 2,000 bytes, subject 40 bytes."""


def byte_length(text: str, *, field: str = "text") -> int:
    """Length of ``text`` in EUC-KR bytes; raises ValidationError, naming ``field``, for
    unencodable characters."""
    return len(encode(text, field=field))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def encode(text: str, *, field: str) -> bytes:
    """Encode ``text`` as the providers will, naming the first character they cannot carry.

    Control characters other than tab and line breaks are refused too: carriers drop or
    garble them.
    """
    control = _CONTROL.search(text)
    if control is not None:
        character = control.group()
        raise ValidationError(
            field,
            f"control character U+{ord(character):04X} at position {control.start()} cannot be sent",
            limit="printable characters, tab and line breaks",
            value=f"U+{ord(character):04X}",
        )
    try:
        encoded = text.encode(ENCODING)
        if not encoded.isascii():
            encoded.decode("euc_kr")  # fails on a character only CP949 has: see ENCODING
        return encoded
    except UnicodeError:
        pass  # raised below, outside the handler: the codec's error adds nothing to ours
    position, character = next(
        (position, character) for position, character in enumerate(text) if not _in_euc_kr(character)
    )
    raise ValidationError(
        field,
        f"character {character!r} (U+{ord(character):04X}) at position {position} cannot be sent (not in EUC-KR)",
        limit="EUC-KR characters only",
        value=character,
    )


def _in_euc_kr(character: str) -> bool:
    try:
        character.encode(ENCODING).decode("euc_kr")
    except UnicodeError:
        return False
    return True


def unencodable_characters(text: str) -> list[tuple[int, str]]:
    """Every ``(position, character)`` of ``text`` that cannot be sent: characters EUC-KR
    lacks (emoji, 똠) and control characters other than tab and line breaks."""
    return [
        (position, character)
        for position, character in enumerate(text)
        if not _in_euc_kr(character) or _CONTROL.match(character)
    ]


def choose_kind(
    text: str, *, has_images: bool = False, limits: TextLimits = STANDARD_LIMITS, field: str = "text"
) -> MessageKind:
    """SMS when ``text`` fits an SMS, else LMS; MMS whenever images are attached.

    Raises ValidationError, naming ``field``, when ``text`` has a character that cannot be sent.
    """
    if has_images:
        return MessageKind.MMS
    return MessageKind.SMS if byte_length(text, field=field) <= limits.sms_bytes else MessageKind.LMS


def check_body(text: str, kind: MessageKind, *, field: str = "text", limits: TextLimits = STANDARD_LIMITS) -> None:
    """Raise ValidationError unless ``text`` can be sent as ``kind`` (AUTO is resolved first)."""
    if not text.strip():
        # A blank text is a mistake (an empty cell, a template variable never filled), not a message.
        raise ValidationError(
            field, f"must not be empty or blank (it is {excerpt(repr(text))})", limit="a visible character", value=text
        )
    size = len(encode(text, field=field))
    if kind is MessageKind.AUTO:
        kind = MessageKind.SMS if size <= limits.sms_bytes else MessageKind.LMS
    if kind is MessageKind.SMS:
        _check_size(field, size, limits.sms_bytes, "SMS", "(use LMS or shorten)")
    else:
        _check_size(field, size, limits.long_bytes, kind.value, "(shorten it)")


def check_subject(subject: str, *, field: str = "subject", limits: TextLimits = STANDARD_LIMITS) -> None:
    """Raise ValidationError unless ``subject`` fits the subject limits."""
    _check_size(field, len(encode(subject, field=field)), limits.subject_bytes, "a subject", "(shorten it)")


def _check_size(field: str, size: int, max_bytes: int, what: str, hint: str) -> None:
    if size > max_bytes:
        raise ValidationError(
            field,
            f"is {size} bytes in EUC-KR; {what} allows {max_bytes} {hint}",
            limit=f"{max_bytes} bytes",
            value=size,
        )


_SEPARATORS = re.compile(r"[\s\-.()]")


def without_separators(raw: str) -> str:
    """``raw`` without the separators people write in phone numbers (spaces, ``-``, ``.``,
    brackets); a leading ``+`` stays."""
    return _SEPARATORS.sub("", raw)


KOREA = "82"
"""The country code of Korean numbers (both providers' default)."""
_MOBILE_PREFIXES = ("010", "011", "016", "017", "018", "019")
MIN_NUMBER_DIGITS = 8
"""Shortest number accepted: Korean representative numbers such as 1544-6859."""
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


def check_is_text(value: object, *, field: str, number: bool = False) -> None:
    """Refuse, by name, a field that should be text and holds something else (a number, a
    spreadsheet's NaN), showing it as :func:`wrong_type` does (masked, for a ``number``)."""
    if not isinstance(value, str):
        raise wrong_type(field, value, "text", limit="a string", number=number)


def shown_value(value: object, *, number: bool = False) -> str:
    """``value`` as an error shows it: its ``repr``, cut to 40 characters, and for a field that
    holds a phone number (``number``) with its digits masked by :func:`mask_number`."""
    shown = excerpt(repr(value))
    return mask_number(shown) if number else shown


def wrong_type(
    field: str, value: object, expected: str, *, limit: str | None = None, number: bool = False, hint: str = ""
) -> ValidationError:
    """The error for a ``value`` of the wrong type in ``field``, which must be ``expected`` (in
    words): ``"kind: must be a MessageKind, not str 'SMS' (use MessageKind.SMS)"``. The limit is
    ``limit`` (by default ``expected``), the value :func:`shown_value` (masked for a ``number``);
    ``hint`` ends the message."""
    shown = shown_value(value, number=number)
    name = type(value).__name__
    # A repr that names its type already (None, datetime.date(...), PosixPath(...)) is shown alone.
    named = value is None or shown.startswith((f"{name}(", f"{type(value).__module__}.{name}("))
    given = shown if named else f"{name} {shown}"
    return ValidationError(field, f"must be {expected}, not {given}{hint}", limit=limit or expected, value=shown)


def all_clean_mobiles(values: Sequence[object]) -> bool:
    """Whether every value is a text :func:`is_clean_mobile` accepts, checked a whole run at
    C speed rather than one call each."""
    if not values:
        return True
    if set(map(type, values)) != {str}:
        return False
    texts = cast("Sequence[str]", values)
    if set(map(len, texts)) != {11}:
        return False
    joined = "".join(texts)
    # Every value is 11 characters, so the k-th character of each is joined[k::11].
    return (
        joined.isascii()
        and joined.isdigit()
        and joined[0::11].count("0") == joined[1::11].count("1") == joined[2::11].count("0") == len(values)
    )


def normalize_number(raw: str, *, field: str = "number", country_code: str = KOREA) -> str:
    """Strip separators from a phone number and validate it.

    ``"010-1234-5678"``, ``"010 1234 5678"`` and ``"+82 10-1234-5678"`` all become
    ``"01012345678"`` (``"+82 1544-6859"``: ``"15446859"``). A Korean number is dialled
    within Korea, 8 to 20 digits: it starts with 0 (010 mobiles have 11 digits, other 01x 10
    or 11), or is an 8-digit representative number (15xx, 16xx, 18xx).
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
            f"{mask_number(raw)!r} is not a phone number (digits only)",
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
    if not number.isascii() or not number.isdigit() or not 4 <= len(number) <= MAX_NUMBER_DIGITS:
        raise ValidationError(
            field,
            f"{mask_number(raw)!r} is not a phone number of country +{country_code} (4 to {MAX_NUMBER_DIGITS} digits)",
            limit=f"4-{MAX_NUMBER_DIGITS} digits",
            value=mask_number(raw),
        )
    return number


def mask_number(number: str) -> str:
    """Hide most of a phone number for logs and errors, by how many digits it has:

    - 10 or more: everything but its first three and last four characters, as written
      (``010****5678``; ``010-1234-5678`` gives ``010******5678``);
    - 8 or 9: every digit but the last four, so at least half is hidden
      (``****6859``; ``02-123-4567`` gives ``**-***-4567``);
    - 5 to 7: every digit but the last two, so a short number is never shown whole
      (``*****78``; ``234-5678`` gives ``***-**78``);
    - 4 or fewer: every digit (``****``).

    Below 10 digits only digits are hidden, and the ones kept are the last digits: a
    separator written into a number does not unmask one.
    """
    digits = [position for position, character in enumerate(number) if character.isdigit()]
    if len(digits) >= 10:
        return number[:3] + "*" * (len(number) - 7) + number[-4:]
    shown = 4 if len(digits) >= 8 else 2 if len(digits) >= 5 else 0
    masked = list(number)
    for position in digits[: len(digits) - shown]:
        masked[position] = "*"
    return "".join(masked)

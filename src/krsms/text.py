"""Korean SMS text rules: EUC-KR byte counting, SMS/LMS/MMS choice, phone numbers.

Both providers count message length in EUC-KR bytes (Hangul 2 bytes, ASCII 1) and cannot
carry characters outside it, such as emoji. Encoding uses CP949 (Unified Hangul Code), the
superset of EUC-KR that Korean carriers accept: it has all 11,172 modern Hangul syllables at
2 bytes each, and the same byte length as EUC-KR for every character EUC-KR has.
"""

from __future__ import annotations

import enum
import re

import attrs

from krsms.errors import ValidationError

ENCODING = "cp949"


class MessageKind(enum.Enum):
    """What a message is sent as; AUTO picks SMS or LMS by length, MMS when images attach."""

    # Members are singletons compared by identity: hash them by identity too, at C speed
    # (Enum's own __hash__ is Python code, and batch keys hash a kind per recipient).
    __hash__ = object.__hash__

    def __str__(self) -> str:
        return self.value

    AUTO = "AUTO"
    SMS = "SMS"
    LMS = "LMS"
    MMS = "MMS"


@attrs.frozen(kw_only=True)
class TextLimits:
    """Length limits of one provider: EUC-KR bytes, and characters where the provider caps them."""

    sms_bytes: int = 90
    long_bytes: int = 2000
    """Body of an LMS or MMS."""
    subject_bytes: int = 40
    sms_chars: int | None = None
    long_chars: int | None = None
    subject_chars: int | None = None


STANDARD_LIMITS = TextLimits()
"""The limits both providers document: SMS 90 bytes, LMS/MMS 2,000 bytes, subject 40 bytes."""


def byte_length(text: str) -> int:
    """Length of ``text`` in EUC-KR bytes; raises ValidationError for unencodable characters."""
    return len(encode(text, field="text"))


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
        return text.encode(ENCODING)
    except UnicodeEncodeError as exc:
        character = text[exc.start]
        raise ValidationError(
            field,
            f"character {character!r} (U+{ord(character):04X}) at position {exc.start} cannot be sent (not in EUC-KR)",
            limit="EUC-KR characters only",
            value=character,
        ) from None


def unencodable_characters(text: str) -> list[tuple[int, str]]:
    """Every ``(position, character)`` of ``text`` that cannot be sent: characters EUC-KR
    lacks (emoji) and control characters other than tab and line breaks."""
    found = []
    for position, character in enumerate(text):
        try:
            character.encode(ENCODING)
        except UnicodeEncodeError:
            found.append((position, character))
        else:
            if _CONTROL.match(character):
                found.append((position, character))
    return found


def choose_kind(text: str, *, has_images: bool = False, limits: TextLimits = STANDARD_LIMITS) -> MessageKind:
    """SMS when ``text`` fits an SMS, else LMS; MMS whenever images are attached."""
    if has_images:
        return MessageKind.MMS
    if byte_length(text) <= limits.sms_bytes and (limits.sms_chars is None or len(text) <= limits.sms_chars):
        return MessageKind.SMS
    return MessageKind.LMS


def check_body(text: str, kind: MessageKind, *, field: str = "text", limits: TextLimits = STANDARD_LIMITS) -> None:
    """Raise ValidationError unless ``text`` can be sent as ``kind`` (AUTO is resolved first)."""
    if not text:
        raise ValidationError(field, "must not be empty", limit="at least 1 character", value=text)
    size = len(encode(text, field=field))
    if kind is MessageKind.AUTO:
        kind = choose_kind(text, limits=limits)
    if kind is MessageKind.SMS:
        _check_size(
            field,
            size,
            len(text),
            limits.sms_bytes,
            limits.sms_chars,
            "SMS",
            "(use LMS or shorten)",
        )
    else:
        _check_size(field, size, len(text), limits.long_bytes, limits.long_chars, kind.value, "(shorten it)")


def check_subject(subject: str, *, field: str = "subject", limits: TextLimits = STANDARD_LIMITS) -> None:
    """Raise ValidationError unless ``subject`` fits the subject limits."""
    size = len(encode(subject, field=field))
    _check_size(
        field,
        size,
        len(subject),
        limits.subject_bytes,
        limits.subject_chars,
        "a subject",
        "(shorten it)",
    )


def _check_size(field: str, size: int, chars: int, max_bytes: int, max_chars: int | None, what: str, hint: str) -> None:
    if size > max_bytes:
        raise ValidationError(
            field,
            f"is {size} bytes in EUC-KR; {what} allows {max_bytes} {hint}",
            limit=f"{max_bytes} bytes",
            value=size,
        )
    if max_chars is not None and chars > max_chars:
        raise ValidationError(
            field,
            f"is {chars} characters; {what} allows {max_chars} {hint}",
            limit=f"{max_chars} characters",
            value=chars,
        )


_SEPARATORS = re.compile(r"[\s\-.()]")
KOREA = "82"
"""The country code of Korean numbers (both providers' default)."""
_MOBILE_PREFIXES = ("010", "011", "016", "017", "018", "019")
MIN_NUMBER_DIGITS = 8
"""Shortest number accepted: Korean representative numbers such as 1544-6859."""
MAX_NUMBER_DIGITS = 20
"""Longest number both providers accept (NHN ``recipientNo`` max 20)."""


def is_clean_mobile(raw: str) -> bool:
    """Whether ``raw`` is already a normalised Korean mobile number (``01012345678``): the
    common case of bulk sends, which :func:`normalize_number` returns unchanged."""
    return len(raw) in (10, 11) and raw[:3] in _MOBILE_PREFIXES and raw.isascii() and raw.isdigit()


def normalize_number(raw: str, *, field: str = "number", country_code: str = KOREA) -> str:
    """Strip separators from a phone number and validate it.

    ``"010-1234-5678"``, ``"010 1234 5678"`` and ``"+82 10-1234-5678"`` all become
    ``"01012345678"`` (``"+82 1544-6859"``: ``"15446859"``). Korean mobile numbers (01x)
    must have 10 or 11 digits; other numbers 8 to 20 digits. With another ``country_code``
    the number is that country's, as dialled there (a ``+<code>`` prefix must match it and
    is dropped): digits only, 4 to 20 of them. The error message masks the number.
    """
    if country_code != KOREA:
        return _foreign_number(raw, field=field, country_code=country_code)
    if is_clean_mobile(raw):
        return raw
    number = _SEPARATORS.sub("", raw)
    if number.startswith("+"):
        number = _without_country_code(number, raw, field=field, country_code=KOREA).lstrip("0")
        # Representative numbers (15xx, 16xx, 18xx) are dialled without a leading 0.
        number = number if len(number) == MIN_NUMBER_DIGITS and number[:2] in ("15", "16", "18") else "0" + number
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
    if number.startswith("01") and (number[:3] not in _MOBILE_PREFIXES or len(number) not in (10, 11)):
        raise ValidationError(
            field,
            f"{mask_number(number)!r} is not a Korean mobile number (01x with 10 or 11 digits)",
            limit="01x with 10 or 11 digits",
            value=mask_number(number),
        )
    return number


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
    number = _SEPARATORS.sub("", raw)
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
    """Hide the middle of a phone number for logs and errors: ``010****5678``."""
    if len(number) <= 4:
        return "*" * len(number)
    keep_head = min(3, len(number) - 4)
    return number[:keep_head] + "*" * (len(number) - keep_head - 4) + number[-4:]

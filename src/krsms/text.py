"""Korean SMS text rules: EUC-KR byte counting, SMS/LMS/MMS choice.

Both providers count message length in EUC-KR bytes (Hangul 2 bytes, ASCII 1) and cannot
carry characters outside it, such as emoji, or the 8,822 modern Hangul syllables EUC-KR
lacks (such as 똠 or 햏: only its Windows superset CP949 has them, which neither document
promises).
"""

from __future__ import annotations

import enum
import re
import unicodedata

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
    composed = unicodedata.normalize("NFC", text)
    hint = (
        ": it is part of a decomposed character (NFD, as macOS writes Hangul); compose the text "
        "with unicodedata.normalize('NFC', text)"
        if composed != text and character not in composed
        else ""
    )
    raise ValidationError(
        field,
        f"character {character!r} (U+{ord(character):04X}) at position {position} cannot be sent (not in EUC-KR)"
        + hint,
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

"""Refusing a field's value by name, and showing values in errors.

A value of the wrong type is refused naming its field and showing the value, cut to a
readable length; a phone number is shown masked, here and in logs.
"""

from __future__ import annotations

from datetime import datetime

from krsms.errors import ValidationError, excerpt


def check_is_text(value: object, *, field: str, number: bool = False) -> None:
    """Refuse, by name, a field that should be text and holds something else (a number, a
    spreadsheet's NaN), showing it as :func:`wrong_type` does (masked, for a ``number``)."""
    if not isinstance(value, str):
        raise wrong_type(field, value, "text", limit="a string", number=number)


def check_moment(value: object, *, field: str, written: str) -> None:
    """Refuse, by name, a field that should be a datetime (or None) and holds something else; a
    text (a date as the provider's document writes it, in the form ``written``) is refused
    saying how to parse it, where the checks that follow would fail on it without a name."""
    if value is not None and not isinstance(value, datetime):
        hint = f" (parse it: datetime.strptime(text, {written!r}))" if isinstance(value, str) else ""
        raise wrong_type(field, value, "a datetime", hint=hint)


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
    # A repr that names its type already (None, datetime.date(...), PosixPath(...), a constant
    # such as datetime.timezone.utc) is shown alone.
    qualified = f"{type(value).__module__}.{name}"
    named = value is None or shown.startswith((f"{name}(", f"{qualified}(", f"{qualified}."))
    given = shown if named else f"{name} {shown}"
    return ValidationError(field, f"must be {expected}, not {given}{hint}", limit=limit or expected, value=shown)


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

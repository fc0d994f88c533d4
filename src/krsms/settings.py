"""Checking a client's numeric and on/off settings when it is made.

A setting of the wrong kind (``drain_timeout=None``, a count read from the environment as
``"8"``, a NaN) would otherwise surface much later and far away: as a ``TypeError`` from a
comparison in the middle of a cancelled send, replacing its cancellation, or as a limit that
never applies (every comparison with NaN is false). Each is refused where it is given, as a
:class:`~krsms.errors.ValidationError` naming the setting, the rule and the value.
"""

from __future__ import annotations

import math
from typing import Any

import attrs

from krsms.errors import ValidationError


def check_number(field: str, value: object, *, positive: bool = False, unit: str = "") -> float:
    """``value`` as a float; refused unless it is a finite number (an int or a float, not a
    bool), at least 0, or above 0 with ``positive``. ``unit`` says what it counts, for the
    message."""
    rule = "> 0" if positive else ">= 0"
    kind = f"a number of {unit}" if unit else "a number"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(field, f"must be {kind}, not {value!r}", limit=rule, value=value)
    try:
        number = float(value)
    except OverflowError:  # an int beyond any float
        number = math.inf
    if not (math.isfinite(number) and (number > 0 if positive else number >= 0)):
        shown = "positive" if positive else "at least 0"
        raise ValidationError(field, f"must be {shown} and finite, not {value!r}", limit=rule, value=value)
    return number


def check_seconds(field: str, value: object, *, positive: bool = False) -> float:
    """:func:`check_number` for a setting in seconds."""
    return check_number(field, value, positive=positive, unit="seconds")


def check_count(field: str, value: object, *, minimum: int) -> None:
    """Refuse ``value`` unless it is an int (not a bool) of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, f"must be a whole number, not {value!r}", limit=f">= {minimum}", value=value)
    if value < minimum:
        raise ValidationError(field, f"must be at least {minimum}, not {value}", limit=f">= {minimum}", value=value)


def check_switch(field: str, value: object) -> None:
    """Refuse ``value`` unless it is True or False: a switch read from the environment as
    ``"false"`` would otherwise turn the setting on."""
    if not isinstance(value, bool):
        raise ValidationError(field, f"must be True or False, not {value!r}", limit="a bool", value=value)


def seconds(*, positive: bool = False) -> Any:
    """An attrs validator: :func:`check_seconds` on the attribute."""

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        check_seconds(attribute.name, value, positive=positive)

    return validate


def count(*, minimum: int) -> Any:
    """An attrs validator: :func:`check_count` on the attribute."""

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        check_count(attribute.name, value, minimum=minimum)

    return validate

"""The one cattrs converter of NHN Cloud SMS: camelCase names, NHN's dates and ``Y/N`` flags.

Register nothing per model: every attrs class is handled by the factory in
:func:`krsms.convert.make_converter`. Field conventions, each with one hook:

- ``datetime`` fields are parsed from every form NHN answers with (``yyyy-MM-dd HH:mm``,
  ``yyyy-MM-dd HH:mm:ss``, ``yyyy-MM-dd HH:mm:ss.S``; ``""`` is None), as Asia/Seoul time,
  and written as ``yyyy-MM-dd HH:mm:ss``;
- :data:`MinuteTime` fields (``requestDate`` of a send) are written as ``yyyy-MM-dd HH:mm``;
- ``bool`` fields whose name ends in ``_yn`` are ``"Y"``/``"N"`` on the wire.
"""

from __future__ import annotations

import contextlib
import re
from datetime import datetime
from typing import Any, NewType

import attrs
import cattrs

from krsms.convert import SEOUL, format_seoul_seconds, in_seoul, make_converter

MinuteTime = NewType("MinuteTime", datetime)
"""A moment NHN takes to the minute (``yyyy-MM-dd HH:mm``): reservation ``requestDate``."""

_FORMATS = ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")
_WRITTEN = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?: ([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,6}))?)?)?")
"""The forms of :data:`_FORMATS` as NHN writes them, zero-padded: read without ``strptime``,
which took half the time of reading a page of 1,000 look-up results (two dates each)."""


def parse_nhn_datetime_or_none(value: Any) -> datetime | None:
    """An NHN date string as an aware Asia/Seoul datetime; ``""`` and None are None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=SEOUL)
    written = _WRITTEN.fullmatch(value) if isinstance(value, str) else None
    if written is not None:
        year, month, day, hour, minute, second, fraction = written.groups()
        with contextlib.suppress(ValueError):  # a day that does not exist: strptime says so below
            return datetime(
                int(year),
                int(month),
                int(day),
                int(hour or 0),
                int(minute or 0),
                int(second or 0),
                int((fraction or "0").ljust(6, "0")),
                tzinfo=SEOUL,
            )
    for pattern in _FORMATS:
        try:
            return datetime.strptime(value, pattern).replace(tzinfo=SEOUL)
        except ValueError:
            continue
    raise ValueError(f"not an NHN date: {value!r}")


def format_seoul_minutes(value: datetime) -> str:
    """``yyyy-MM-dd HH:mm`` in Asia/Seoul (naive values are taken as Seoul time)."""
    return in_seoul(value).strftime("%Y-%m-%d %H:%M")


def _structure_datetime(value: Any, _: Any) -> datetime:
    parsed = parse_nhn_datetime_or_none(value)
    if parsed is None:
        raise ValueError("missing date")
    return parsed


def _structure_yes_no(value: Any, _: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if value in ("Y", "N"):
        return bool(value == "Y")
    raise ValueError(f"not a Y/N flag: {value!r}")


def _unstructure_yes_no(value: bool | None) -> str | None:
    return None if value is None else ("Y" if value else "N")


def _field_hooks(field: attrs.Attribute[Any]) -> dict[str, Any]:
    if field.name.endswith("_yn"):
        return {"struct_hook": _structure_yes_no, "unstruct_hook": _unstructure_yes_no}
    return {}


converter: cattrs.Converter = make_converter(field_hooks=_field_hooks)
converter.register_structure_hook(datetime, _structure_datetime)
converter.register_structure_hook(datetime | None, lambda value, _: parse_nhn_datetime_or_none(value))
converter.register_unstructure_hook(datetime, format_seoul_seconds)
converter.register_structure_hook(MinuteTime, lambda value, _: MinuteTime(_structure_datetime(value, None)))
converter.register_unstructure_hook(MinuteTime, format_seoul_minutes)

"""The one cattrs converter of SENS SMS v2: camelCase names and SENS's dates.

Every attrs class of :mod:`krsms.sens.models` goes through the factory of
:func:`krsms.convert.make_converter`; dates get one hook each way:

- answers carry ``yyyy-MM-dd HH:mm:ss``, ``yyyy-MM-dd'T'HH:mm:ss[.SSS]`` or
  ``yyyy-MM-dd HH:mm``; all parse to aware datetimes in Asia/Seoul (SENS's own zone);
- query times are written ``yyyy-MM-dd HH:mm:ss`` in Asia/Seoul;
- ``reserveTime`` is written ``yyyy-MM-dd HH:mm`` in the request's ``reserveTimeZone``
  (default Asia/Seoul), so any aware datetime means the moment it says.

Unlike :mod:`krsms.nhn.converter`, a few hooks below are registered per model, each for an
answer or request shape that no rule on field names or types can express; each says why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import cattrs

from krsms.convert import SEOUL, format_seoul_seconds, make_converter
from krsms.sens.models import DEFAULT_TIME_ZONE, MessagePage, Reservation, SendRequest, time_zone

_MICROSECOND_FRACTION = re.compile(r"(?<=:\d\d)\.(\d+)")
"""A seconds fraction: Java's ``LocalDateTime`` writes 1 to 9 digits, Python 3.10 reads 3 or 6."""


def _six_digits(fraction: re.Match[str]) -> str:
    return "." + fraction.group(1).ljust(6, "0")[:6]


def parse_sens_datetime(value: Any) -> datetime:
    """Any SENS date form as an aware datetime (naive forms are Asia/Seoul); ValueError for
    anything else, None and ``""`` included (an optional field's null never reaches it)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value:
        moment = datetime.fromisoformat(_MICROSECOND_FRACTION.sub(_six_digits, value, count=1))
    else:
        raise ValueError(f"not a SENS date: {value!r}")
    return moment if moment.tzinfo else moment.replace(tzinfo=SEOUL)


def format_reserve_time(moment: datetime, zone_name: str | None) -> str:
    """``yyyy-MM-dd HH:mm`` in the zone ``zone_name`` (default Asia/Seoul)."""
    zone = time_zone(zone_name or DEFAULT_TIME_ZONE, field="reserve_time_zone")
    return (moment.astimezone(zone) if moment.tzinfo else moment).strftime("%Y-%m-%d %H:%M")


converter: cattrs.Converter = make_converter()
"""The cattrs converter of every model of :mod:`krsms.sens.models`: camelCase names, SENS's
date forms."""
converter.register_structure_hook(datetime, lambda value, _: parse_sens_datetime(value))
converter.register_unstructure_hook(datetime, format_seoul_seconds)


# Per model: the zone of ``reserveTime`` is the value of another field, ``reserveTimeZone``,
# and a type or field hook sees one value only. SendRequest writes it, Reservation reads it.


def _reserve_time_in_its_zone(unstructure: Any) -> Any:
    """A send's ``reserveTime`` as the wall-clock minute in its ``reserveTimeZone``."""

    def hook(request: SendRequest) -> dict[str, Any]:
        data: dict[str, Any] = unstructure(request)
        if request.reserve_time is not None:
            data["reserveTime"] = format_reserve_time(request.reserve_time, request.reserve_time_zone)
        return data

    return hook


converter.register_unstructure_hook(SendRequest, _reserve_time_in_its_zone(converter.get_unstructure_hook(SendRequest)))


def _reservation_in_its_zone(structure: Any) -> Any:
    """S5 answers ``reserveTime`` as a wall-clock time in ``reserveTimeZone``, not in Seoul."""

    def hook(data: Any, cls: type[Reservation]) -> Reservation:
        reservation: Reservation = structure(data, cls)
        wall_clock = datetime.fromisoformat(str(data["reserveTime"]))
        if wall_clock.tzinfo is not None:
            return reservation
        zone = ZoneInfo(reservation.reserve_time_zone or DEFAULT_TIME_ZONE)
        return attrs.evolve(reservation, reserve_time=wall_clock.replace(tzinfo=zone))

    return hook


converter.register_structure_hook(Reservation, _reservation_in_its_zone(converter.get_structure_hook(Reservation)))


# Per model: one answer's shape, not a naming convention. Only S3 (the older document) gives a
# field once for all its entries.


def _request_id_into_messages(structure: Any) -> Any:
    """The older document's S3 answer carries ``requestId`` once, beside ``messages``."""

    def hook(data: Any, cls: type[MessagePage]) -> MessagePage:
        request_id = data.get("requestId") if isinstance(data, Mapping) else None
        if request_id is not None and isinstance(data.get("messages"), list):
            messages = [
                {"requestId": request_id, **message} if isinstance(message, Mapping) else message
                for message in data["messages"]
            ]
            data = {**data, "messages": messages}
        page: MessagePage = structure(data, cls)
        return page

    return hook


converter.register_structure_hook(MessagePage, _request_id_into_messages(converter.get_structure_hook(MessagePage)))

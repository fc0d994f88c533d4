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
from typing import Any, TypeVar

import attrs
import cattrs

from krsms.convert import SEOUL, format_seoul_seconds, make_converter, structure_text
from krsms.sens.models import DEFAULT_TIME_ZONE, MessagePage, MessageType, Reservation, SendRequest, time_zone

_MICROSECOND_FRACTION = re.compile(r"(?<=:\d\d)\.(\d+)")
"""A seconds fraction: Java's ``LocalDateTime`` writes 1 to 9 digits, Python 3.10 reads 3 or 6."""


def _six_digits(fraction: re.Match[str]) -> str:
    return "." + fraction.group(1).ljust(6, "0")[:6]


def _as_written(value: str) -> datetime:
    """A SENS date form as written: naive unless it gives its offset."""
    return datetime.fromisoformat(_MICROSECOND_FRACTION.sub(_six_digits, value, count=1))


def parse_sens_datetime(value: Any) -> datetime:
    """Any SENS date form as an aware datetime (naive forms are Asia/Seoul); ValueError for
    anything else, None and ``""`` included (an optional field's null never reaches it)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value:
        moment = _as_written(value)
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
# The documents take a send's ``type`` in lowercase too ("SMS, LMS, MMS (lowercase)").
converter.register_structure_hook(MessageType, lambda value, _: MessageType(structure_text(value).upper()))


# Per model: the zone of ``reserveTime`` is the value of another field, ``reserveTimeZone``,
# and a type or field hook sees one value only. SendRequest writes it; Reservation and
# SendRequest read it.


def _reserve_time_in_its_zone(unstructure: Any) -> Any:
    """A send's ``reserveTime`` as the wall-clock minute in its ``reserveTimeZone``."""

    def hook(request: SendRequest) -> dict[str, Any]:
        data: dict[str, Any] = unstructure(request)
        if request.reserve_time is not None:
            data["reserveTime"] = format_reserve_time(request.reserve_time, request.reserve_time_zone)
        return data

    return hook


converter.register_unstructure_hook(SendRequest, _reserve_time_in_its_zone(converter.get_unstructure_hook(SendRequest)))


Zoned = TypeVar("Zoned", Reservation, SendRequest)


def _read_in_its_zone(structure: Any) -> Any:
    """``reserveTime`` read as a wall-clock time in ``reserveTimeZone``, not in Seoul: S5
    answers it so, and a send body (:meth:`~krsms.sens.client.SensClient.send_body`) gives it so."""

    def hook(data: Any, cls: type[Zoned]) -> Zoned:
        zoned: Zoned = structure(data, cls)
        if zoned.reserve_time is None:
            return zoned
        wall_clock = _as_written(str(data["reserveTime"]))
        if wall_clock.tzinfo is not None:
            return zoned
        # time_zone, not ZoneInfo: a folder's name ("Asia") raised IsADirectoryError, an
        # OSError naming a local path, past the parser's malformed-answer error.
        zone = time_zone(zoned.reserve_time_zone or DEFAULT_TIME_ZONE, field="reserve_time_zone")
        return attrs.evolve(zoned, reserve_time=wall_clock.replace(tzinfo=zone))

    return hook


converter.register_structure_hook(Reservation, _read_in_its_zone(converter.get_structure_hook(Reservation)))
converter.register_structure_hook(SendRequest, _read_in_its_zone(converter.get_structure_hook(SendRequest)))


# Per model: two answer shapes, not a naming convention. Only S3 (the older document) gives a
# field once for all its entries, and only a reserved S3 request leaves its list unanswered.


def _without_reserved_null_messages(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """A reserved request's S3 answer without its null ``messages``: "If the name of the
    delivery request status ... is 'Reserved', the messages fields are not searched" (en:332,
    ko:341), and a null says so as an absent field does. Elsewhere a null ``messages`` still
    refuses the answer (see :data:`krsms.convert.NULL_MEANS_DEFAULT`)."""
    status_name = data.get("statusName")
    if data.get("messages", ()) is None and isinstance(status_name, str) and status_name.lower() == "reserved":
        return {key: value for key, value in data.items() if key != "messages"}
    return data


def _message_page_shapes(structure: Any) -> Any:
    """An S3 answer whose ``messages`` a reserved request left null
    (:func:`_without_reserved_null_messages`), or of the older document, which carries
    ``requestId`` once, beside ``messages``."""

    def hook(data: Any, cls: type[MessagePage]) -> MessagePage:
        if isinstance(data, Mapping):
            data = _without_reserved_null_messages(data)
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


converter.register_structure_hook(MessagePage, _message_page_shapes(converter.get_structure_hook(MessagePage)))

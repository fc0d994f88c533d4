"""NCP SENS SMS API v2, emulated: sending (S1). A send is checked field by field, the first
broken rule answering its 400; an accepted one is stored, a message a recipient, and
recorded in the ledger.

Choices where the document is silent:

- an unregistered sender number is a 400;
- a null is a field left out, in the request and in each ``messages`` entry: an optional one
  takes its default (``countryCode`` 82, ``contentType`` COMM, a message's own ``content``
  the request's), a required one is missing;
- a send with a ``scheduleCode`` and no ``reserveTime`` belongs to a schedule the emulator
  cannot see: its messages stay READY (the request's statusName in S3 is ``scheduled``); a
  blank ``scheduleCode`` is a 400, as no S7 path could name its schedule;
- a ``reserveTimeZone`` that is not a TZ database name (the value the table asks for) is a
  400 naming it, with or without a ``reserveTime``: the document does not say that the
  field is read only beside one, and a zone that would be refused once a time is added
  is a mistake either way;
- a ``subject`` on an SMS (the request's or a message's) is accepted and the SMS goes out
  without it: the table says subjects are "only available in LMS and MMS" but not that
  SENS refuses one, and refusing what SENS may well accept would fail a client's tests
  that pass in production (the SDK refuses it before sending, which is its own choice).

Its text is checked and cut by :mod:`~krsms.emulator.sens.text`, its ``files`` by
:mod:`~krsms.emulator.sens.files`; :class:`~krsms.emulator.sens.service.SensService` completes
its messages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from krsms.convert import SEOUL
from krsms.emulator.clock import Clock
from krsms.emulator.config import EmulatorConfig
from krsms.emulator.inputs import is_digits, is_recipient_number, parse_moment
from krsms.emulator.ledger import Delivery
from krsms.emulator.sens.envelope import bad_request, read_json
from krsms.emulator.sens.files import SensFiles
from krsms.emulator.sens.service import SensService
from krsms.emulator.sens.state import (
    DEFAULT_RESERVE_TIME_ZONE,
    RESERVE_TIME_FORMAT,
    SensMessage,
    SensRequest,
    SensState,
)
from krsms.emulator.sens.text import BYTE_LIMITS, check_subject, check_text

MAX_MESSAGES = 100
"""The most ``messages`` (recipients) of one send."""
DEFAULT_COUNTRY_CODE = "82"
"""The ``countryCode`` of a send that names none."""
SEND_FIELDS = frozenset(
    {"type", "contentType", "countryCode", "from", "subject", "content", "messages", "files",
     "reserveTime", "reserveTimeZone", "scheduleCode"}
)  # fmt: skip
"""The fields of a send request."""
MESSAGE_FIELDS = frozenset({"to", "subject", "content"})
"""The fields of one ``messages`` entry."""
TEXT_FIELDS = ("type", "contentType", "countryCode", "reserveTime", "reserveTimeZone", "scheduleCode")
"""Optional send fields the document types String (``from``, ``subject`` and ``content`` have
their own checks)."""


@attrs.frozen(kw_only=True)
class _Send:
    """A checked S1 request: what its messages share, and each message's own fields."""

    kind: str
    content_type: str
    country_code: str
    sender: str
    subject: str | None
    content: str
    messages: list[dict[str, Any]]
    """The ``messages`` entries, each a checked ``to`` with its own ``subject``/``content``."""
    file_ids: list[str]
    schedule_code: str | None
    reserve_time: datetime | None
    reserve_time_zone: str | None
    reserved_for: str | None
    """``reserveTime`` as written."""


class SensSends:
    """The send endpoint of one :class:`~krsms.emulator.sens.service.SensService`; its
    ``files`` go through ``files`` (:meth:`~krsms.emulator.sens.files.SensFiles.attached`)."""

    def __init__(self, service: SensService, files: SensFiles):
        self.service = service
        self.config: EmulatorConfig = service.config
        self.clock: Clock = service.clock
        self.state: SensState = service.state
        self.files = files

    def table(self) -> list[tuple[str, str, Callable[[Request], Any]]]:
        """(method, path under the service, handler) of the send route."""
        return [("POST", "/messages", self.send)]

    async def send(self, request: Request) -> Response:
        """S1: validate, store and record a send request."""
        checked = self._checked_send(await read_json(request))
        now = self.clock.now()
        goes_out_now = checked.reserve_time is None and checked.schedule_code is None
        failure = self.service.faults.draw_sens_request_failure() if goes_out_now else None
        stored, deliveries = self._accept(checked, now, failure)
        self.service.ledger.record(deliveries)
        with self.state.lock:
            self.state.requests[stored.request_id] = stored
            for message in stored.messages:
                self.state.messages[message.message_id] = message
        status_code = failure or "202"
        return JSONResponse(
            {
                "requestId": stored.request_id,
                "requestTime": _format_millis(now),
                "statusCode": status_code,
                "statusName": "fail" if failure else "success",
            },
            status_code=int(status_code),  # "Follows the HTTP status specification"
        )

    def _checked_send(self, body: Any) -> _Send:
        """The send request ``body`` checked field by field, in the order below: the first
        broken rule answers its 400 (an inline file that passes is stored, as an upload)."""
        fields = _send_fields(body)
        kind, content_type = _kind_and_content_type(fields)
        country_code = _country_code(fields)
        sender = self._sender(fields.get("from"))
        content, subject = _content_and_subject(fields)
        messages = self._messages(fields, country_code)
        file_ids = self.files.attached(fields.get("files"), kind)
        schedule_code = _schedule_code(fields)
        reserve_time, zone_name = self._check_reservation(fields.get("reserveTime"), fields.get("reserveTimeZone"))
        return _Send(
            kind=kind,
            content_type=content_type,
            country_code=country_code,
            sender=sender,
            subject=subject,
            content=content,
            messages=messages,
            file_ids=file_ids,
            schedule_code=schedule_code,
            reserve_time=reserve_time,
            reserve_time_zone=zone_name if reserve_time else None,
            reserved_for=fields.get("reserveTime"),
        )

    def _accept(self, checked: _Send, now: datetime, failure: str | None) -> tuple[SensRequest, list[Delivery]]:
        """The stored request of a checked send accepted ``now``, a message per recipient
        (completed at once unless reserved or scheduled, or the request ``failure``'s, failed
        at the messaging server: READY, never sent), and their ledger deliveries (``rejected``
        with the ``failure`` code, if any)."""
        request_id = self.service.new_id("R")
        stored = SensRequest(
            request_id=request_id,
            request_time=now,
            messages=[],
            reserve_time=checked.reserve_time,
            reserve_time_zone=checked.reserve_time_zone,
            reserve_status="READY" if checked.reserve_time else None,
            failure_code=failure,
        )
        deliveries: list[Delivery] = []
        for item in checked.messages:
            message = SensMessage(
                message_id=self.service.new_id("M"),
                request_id=request_id,
                type="LMS" if checked.kind == "MMS" and not checked.file_ids else checked.kind,
                content_type=checked.content_type,
                country_code=checked.country_code,
                sender=checked.sender,
                to=item["to"],
                subject=item.get("subject", checked.subject),
                content=item.get("content", checked.content),
                file_ids=checked.file_ids,
                schedule_code=checked.schedule_code,
                request_time=now,
            )
            if checked.reserve_time is None and message.schedule_code is None and failure is None:
                self.service.complete(message, sent_at=now)
            stored.messages.append(message)
            message.delivery = Delivery(
                provider="sens",
                request_id=request_id,
                recipient=message.to,
                country_code=message.country_code,
                sender=message.sender,
                kind=message.type,
                text=message.sent_content(),
                subject=message.sent_subject(),
                advertisement=message.content_type == "AD",
                reserved_for=checked.reserved_for,
                status="rejected" if failure else "accepted",
                result_code=failure or message.status_code,
                accepted_at=now,
            )
            deliveries.append(message.delivery)
        return stored, deliveries

    def _sender(self, sender: Any) -> str:
        """The ``from`` number: 400 unless it is digits and registered."""
        if not is_digits(sender):
            raise bad_request("from", "is required, digits only")
        if sender in self.config.unregistered_senders:
            raise bad_request("from", "is not a registered calling number")
        return sender

    def _messages(self, fields: Mapping[str, Any], country_code: str) -> list[dict[str, Any]]:
        """The ``messages`` of a send to ``country_code``: 400 unless 1 to :data:`MAX_MESSAGES`
        of them, each valid (:func:`_check_message`)."""
        messages = fields.get("messages")
        if not isinstance(messages, list) or not messages:
            raise bad_request("messages", f"is required (1 to {MAX_MESSAGES})")
        if len(messages) > MAX_MESSAGES:
            raise bad_request("messages", f"has {len(messages)} items; at most {MAX_MESSAGES}")
        for position, item in enumerate(messages):
            _check_message(position, item, country_code=country_code)
        return messages

    def _check_reservation(self, reserve_time: str | None, zone_name: str | None) -> tuple[datetime | None, str]:
        """The reservation of a send and its zone's name: 400 for a ``reserveTimeZone`` that
        is not a TZ database name, given with a ``reserveTime`` or not, and for a
        ``reserveTime`` malformed or not in the future."""
        zone_name = zone_name or DEFAULT_RESERVE_TIME_ZONE
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # "Asia" is a directory of zones
            raise bad_request("reserveTimeZone", f"{zone_name!r} is not a time zone") from None
        if reserve_time is None:
            return None, zone_name
        try:
            moment = parse_moment(reserve_time, RESERVE_TIME_FORMAT, zone)
        except (TypeError, ValueError):
            raise bad_request("reserveTime", "must be yyyy-MM-dd HH:mm") from None
        if moment <= self.clock.now():
            raise bad_request("reserveTime", "is in the past")
        return moment, zone_name


def _send_fields(body: Any) -> dict[str, Any]:
    """The fields of a send request: 400 unless it is a JSON object of the documented fields,
    the optional text ones strings. A null is a field left out (``"countryCode": null`` is
    the default 82), in the request and in each ``messages`` entry."""
    if not isinstance(body, dict):
        raise bad_request("body", "must be a JSON object")
    unknown = sorted(set(body) - SEND_FIELDS)
    if unknown:
        raise bad_request(unknown[0], "is not a field of this API")
    fields = _given(body)
    for field in TEXT_FIELDS:
        if field in fields and not isinstance(fields[field], str):
            raise bad_request(field, "must be a string")
    if isinstance(fields.get("messages"), list):
        fields["messages"] = [_given(item) if isinstance(item, dict) else item for item in fields["messages"]]
    return fields


def _given(fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` without those that are null: left out, as the document's optional fields may be."""
    return {name: value for name, value in fields.items() if value is not None}


def _check_message(position: int, item: Any, *, country_code: str) -> None:
    """One ``messages`` entry: 400 unless it is an object of the documented fields with a
    recipient number (:func:`~krsms.emulator.inputs.is_recipient_number` for ``country_code``)
    and, when given, a non-empty ``content`` and a ``subject`` EUC-KR can carry."""
    field = f"messages[{position}]"
    if not isinstance(item, dict):
        raise bad_request(field, "must be an object")
    unknown = sorted(set(item) - MESSAGE_FIELDS)
    if unknown:
        raise bad_request(f"{field}.{unknown[0]}", "is not a field of this API")
    to = item.get("to")
    if not is_recipient_number(to, country_code):
        raise bad_request(f"{field}.to", "must be a number of digits only")
    if "content" in item:
        if not isinstance(item["content"], str) or not item["content"]:
            raise bad_request(f"{field}.content", "must be a non-empty string")
        check_text(f"{field}.content", item["content"])
    if "subject" in item:
        check_subject(f"{field}.subject", item["subject"])


def _kind_and_content_type(fields: Mapping[str, Any]) -> tuple[str, str]:
    """``type`` (SMS, LMS or MMS, in any case) and ``contentType`` (COMM, the default, or AD)
    of a send; 400 for another."""
    kind = str(fields.get("type", "")).upper()
    if kind not in BYTE_LIMITS:
        raise bad_request("type", "must be SMS, LMS or MMS")
    content_type = fields.get("contentType", "COMM")
    if content_type not in ("COMM", "AD"):
        raise bad_request("contentType", "must be COMM or AD")
    return kind, content_type


def _schedule_code(fields: Mapping[str, Any]) -> str | None:
    """The ``scheduleCode`` of a send, if any: 400 when it is blank, a schedule no S7 path
    could name (its messages would wait forever)."""
    schedule_code: str | None = fields.get("scheduleCode")
    if schedule_code is not None and not schedule_code.strip():
        raise bad_request("scheduleCode", f"{schedule_code!r} is blank")
    return schedule_code


def _country_code(fields: Mapping[str, Any]) -> str:
    """The ``countryCode`` of a send (82 by default): 400 unless it is a country calling code,
    1 to 3 ASCII digits without a leading 0."""
    country_code: str = fields.get("countryCode", DEFAULT_COUNTRY_CODE)
    if not (is_digits(country_code) and len(country_code) <= 3 and not country_code.startswith("0")):
        raise bad_request(
            "countryCode", f"{country_code!r} is not a country calling code (1 to 3 digits, no '+' or leading 0)"
        )
    return country_code


def _content_and_subject(fields: Mapping[str, Any]) -> tuple[str, str | None]:
    """The default ``content`` (required) and ``subject`` of a send's messages; 400 for a
    missing content or either with a character EUC-KR lacks."""
    content = fields.get("content")
    if not isinstance(content, str) or not content:
        raise bad_request("content", "is required")
    check_text("content", content)
    subject = fields.get("subject")
    if subject is not None:
        check_subject("subject", subject)
    return content, subject


def _format_millis(moment: datetime) -> str:
    """``moment`` in Seoul to the millisecond, as S1's ``requestTime`` writes it."""
    return moment.astimezone(SEOUL).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"

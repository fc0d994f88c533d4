"""The NCP SENS SMS API v2, emulated: signature v2, limits, state and look-ups.

Answers follow the SENS document; where it is silent the choices are:

- authentication failures answer like NCP's API gateway: 401 with
  ``{"error": {"errorCode": "200", "message": "Authentication Failed", "details": ...}}``;
  a service id other than the configured one is 404 with errorCode ``"300"`` (Not Found);
- request validation failures are 400 with
  ``{"statusCode": "400", "statusName": "fail", "errorMessage": "<field>: <reason>"}``,
  malformed input included (JSON nested too deeply, a field of the wrong JSON type, a time
  zone that is not one, digits outside ASCII such as ``²`` or fullwidth ones);
- any other path or method under ``/sms/v2/`` is a 404 in the gateway shape (errorCode
  ``"300"``);
- an unregistered sender number is such a 400; numbers in ``rejected_numbers`` (SENS
  cannot refuse one recipient at send time) are accepted and fail delivery with code 3001,
  numbers in ``undeliverable_numbers`` fail delivery with their code (both match a ``to``
  as written or in its international form, see :mod:`krsms.emulator.numbers`);
- immediate sends complete at once; reservations stay READY until due, then DONE;
- a send with a ``scheduleCode`` and no ``reserveTime`` belongs to a schedule the emulator
  cannot see: its messages stay READY (the request's statusName is ``scheduled``);
- a message cancelled with S6 or S7 is never sent, so S3/S4 keep showing it READY (their
  documented statuses are READY, PROCESSING and COMPLETED); only S5 answers CANCELED;
- an MMS whose uploaded file is past its six days when the message goes out completes with
  delivery code S007 (Expired MMS file), a code of the document's delivery-result table;
- ``startTime``/``endTime`` of S8, typed Integer, are epoch milliseconds like the
  ``x-ncp-apigw-timestamp`` header.

Documented behaviour it reproduces: a subject or content over its EUC-KR byte limit is cut
at the limit and sent, while S4 shows the content as requested; an upload with the same file
name and size returns the stored file; an image must be a JPEG of at most 1500x1440 pixels.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from krsms.convert import SEOUL
from krsms.emulator.clock import Clock
from krsms.emulator.config import EmulatorConfig
from krsms.emulator.inputs import is_digits, is_recipient_number, parse_moment
from krsms.emulator.ledger import Delivery, Ledger
from krsms.emulator.numbers import first_rule, rule_names
from krsms.emulator.sens.auth import authenticate
from krsms.emulator.sens.envelope import (
    SensRefusal,
    bad_request,
    format_time,
    not_found,
    query_int,
    read_json,
)
from krsms.emulator.sens.state import SensFile, SensMessage, SensRequest, SensState
from krsms.emulator.sens.text import BYTE_LIMITS, check_subject, check_text
from krsms.images import jpeg_dimensions

PREFIX = "/sms/v2/services/{serviceId}"
MAX_MESSAGES = 100
MAX_UNSUBSCRIBES = 1000
MAX_REQUEST_WINDOW = timedelta(days=30)
"""The widest ``requestStartTime``-``requestEndTime`` window of S3."""
MAX_COMPLETE_WINDOW = timedelta(hours=24)
"""The widest ``completeStartTime``-``completeEndTime`` window of S3."""
MAX_PAGE_SIZE_BY_REQUEST = 1000
"""The largest (and default) ``pageSize`` of S3 by ``requestId``."""
MAX_PAGE_SIZE = 100
"""The largest ``pageSize`` of S3 by a time window."""
DEFAULT_PAGE_SIZE = 20
"""The ``pageSize`` of S3 by a time window when none is given."""
MAX_FILE_BYTES = 300 * 1024
MAX_WIDTH, MAX_HEIGHT = 1500, 1440
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
JPEG_SIGNATURE = b"\xff\xd8\xff"
SEND_FIELDS = frozenset(
    {"type", "contentType", "countryCode", "from", "subject", "content", "messages", "files",
     "reserveTime", "reserveTimeZone", "scheduleCode"}
)  # fmt: skip
MESSAGE_FIELDS = frozenset({"to", "subject", "content"})
TEXT_FIELDS = ("type", "contentType", "countryCode", "reserveTime", "reserveTimeZone", "scheduleCode")
"""Optional send fields the document types String (``from``, ``subject`` and ``content`` have
their own checks)."""
REJECTED_DELIVERY_CODE = "3001"
EXPIRED_FILE_CODE = "S007"


def _token_of_page(page_index: int) -> str:
    """The opaque ``nextToken`` of a page of S3."""
    return base64.urlsafe_b64encode(f"page:{page_index}".encode()).decode()


def _page_of_token(token: str) -> int:
    """The page a ``nextToken`` stands for; 400 for a token this emulator did not give."""
    try:
        kind, _, index = base64.urlsafe_b64decode(token.encode("ascii")).decode().partition(":")
        if kind == "page" and index.isdigit():
            return int(index)
    except (ValueError, UnicodeError):
        pass
    raise bad_request("nextToken", "is not a token this look-up gave")


def _status_name(stored: SensRequest) -> str:
    """The ``statusName`` of an S3 look-up by the ID of ``stored``: ``reserved`` while it is a
    reservation not sent (its messages are not listed), ``scheduled`` for a send of a schedule
    the emulator cannot see, else ``success``."""
    if stored.reserve_status in ("READY", "CANCELED"):
        return "reserved"
    if stored.reserve_time is None and any(message.schedule_code for message in stored.messages):
        return "scheduled"
    return "success"


def _within(message: SensMessage, window: tuple[str, datetime, datetime]) -> bool:
    """Whether ``message`` was requested (or completed, for a ``complete`` window) within it."""
    name, start, end = window
    moment = message.request_time if name == "request" else message.complete_time
    return moment is not None and start <= moment <= end


def _format_millis(moment: datetime) -> str:
    return moment.astimezone(SEOUL).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def _millis(moment: datetime) -> int:
    """``moment`` in epoch milliseconds."""
    return (moment - EPOCH) // timedelta(milliseconds=1)


def _check_no_spaces(field: str, name: Any) -> None:
    """The older document's inline ``files.name``: "スペース使用不可" (no spaces)."""
    if isinstance(name, str) and any(character.isspace() for character in name):
        raise bad_request(field, "must not contain spaces")


def _check_jpeg(field: str, content: bytes) -> None:
    """Refuse a body that is not a JPEG image or is larger than 1500x1440 pixels."""
    if not content.startswith(JPEG_SIGNATURE):
        raise bad_request(field, "is not a JPEG image")
    dimensions = jpeg_dimensions(content)
    if dimensions is None:
        return
    width, height = dimensions
    if width > MAX_WIDTH or height > MAX_HEIGHT:
        raise bad_request(field, f"is {width}x{height} pixels; at most {MAX_WIDTH}x{MAX_HEIGHT}")


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


def _send_fields(body: Any) -> dict[str, Any]:
    """The fields of a send request: 400 unless it is a JSON object of the documented fields,
    the optional text ones strings."""
    if not isinstance(body, dict):
        raise bad_request("body", "must be a JSON object")
    unknown = sorted(set(body) - SEND_FIELDS)
    if unknown:
        raise bad_request(unknown[0], "is not a field of this API")
    for field in TEXT_FIELDS:
        if body.get(field) is not None and not isinstance(body[field], str):
            raise bad_request(field, "must be a string")
    return body


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


class SensEmulator:
    """The routes and rules of one emulated SENS service."""

    def __init__(self, config: EmulatorConfig, ledger: Ledger, clock: Clock):
        self.config = config
        self.ledger = ledger
        self.clock = clock
        self.state: SensState = SensState()
        self._ids = itertools.count(1)
        ledger.on_clear(self.state.forget_sends)

    # -- plumbing -------------------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        """Every SENS route, with full paths."""
        table: list[tuple[str, str, Callable[[Request], Any]]] = [
            ("POST", "/messages", self.send),
            ("GET", "/messages", self.list_messages),
            ("GET", "/messages/{messageId}", self.get_message),
            ("POST", "/files", self.upload_file),
            ("GET", "/reservations/{reserveId}/reserve-status", self.reserve_status),
            ("DELETE", "/reservations/{reserveId}", self.cancel_reservation),
            ("DELETE", "/schedules/{scheduleCode}/messages/{messageId}", self.cancel_scheduled),
            ("GET", "/unsubscribes", self.list_unsubscribes),
            ("POST", "/unsubscribes", self.add_unsubscribes),
            ("DELETE", "/unsubscribes", self.delete_unsubscribes),
        ]
        routes: list[BaseRoute] = [
            Route(PREFIX + path, self._guarded(handler), methods=[method]) for method, path, handler in table
        ]
        routes.append(Route("/sms/v2/{rest:path}", self.unknown, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]))
        return routes

    async def unknown(self, request: Request) -> Response:
        """Any other path or method under ``/sms/v2/``: 404 in the API gateway's shape."""
        refusal = not_found(f"no {request.method} {request.url.path}")
        return JSONResponse(refusal.body, status_code=refusal.status)

    def _guarded(self, handler: Callable[[Request], Any]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            try:
                authenticate(request, self.config, self.clock)
                if request.path_params["serviceId"] != self.config.sens_service_id:
                    raise not_found("unknown service id")
                result = await handler(request)
            except SensRefusal as refusal:
                return JSONResponse(refusal.body, status_code=refusal.status)
            if isinstance(result, Response):
                return result
            return JSONResponse(result)

        return endpoint

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}-{next(self._ids):08d}-{secrets.token_hex(6)}"

    # -- S1 send --------------------------------------------------------------------------

    async def send(self, request: Request) -> Response:
        """S1: validate, store and record a send request."""
        checked = self._checked_send(await read_json(request))
        now = self.clock.now()
        stored, deliveries = self._accept(checked, now)
        self.ledger.record(deliveries)
        with self.state.lock:
            self.state.requests[stored.request_id] = stored
            for message in stored.messages:
                self.state.messages[message.message_id] = message
        return JSONResponse(
            {
                "requestId": stored.request_id,
                "requestTime": _format_millis(now),
                "statusCode": "202",
                "statusName": "success",
            },
            status_code=202,
        )

    def _checked_send(self, body: Any) -> _Send:
        """The send request ``body`` checked field by field, in the order below: the first
        broken rule answers its 400 (an inline file that passes is stored, as an upload)."""
        fields = _send_fields(body)
        kind, content_type = _kind_and_content_type(fields)
        sender = self._sender(fields.get("from"))
        content, subject = _content_and_subject(fields)
        messages = self._messages(fields)
        file_ids = self._check_files(fields.get("files"), kind)
        reserve_time, zone_name = self._check_reservation(fields.get("reserveTime"), fields.get("reserveTimeZone"))
        return _Send(
            kind=kind,
            content_type=content_type,
            country_code=str(fields.get("countryCode", "82")),
            sender=sender,
            subject=subject,
            content=content,
            messages=messages,
            file_ids=file_ids,
            schedule_code=fields.get("scheduleCode"),
            reserve_time=reserve_time,
            reserve_time_zone=zone_name if reserve_time else None,
            reserved_for=fields.get("reserveTime"),
        )

    def _accept(self, checked: _Send, now: datetime) -> tuple[SensRequest, list[Delivery]]:
        """The stored request of a checked send accepted ``now``, a message per recipient
        (completed at once unless reserved or scheduled), and their ledger deliveries."""
        request_id = self._new_id("R")
        stored = SensRequest(
            request_id=request_id,
            request_time=now,
            messages=[],
            reserve_time=checked.reserve_time,
            reserve_time_zone=checked.reserve_time_zone,
            reserve_status="READY" if checked.reserve_time else None,
        )
        deliveries: list[Delivery] = []
        for item in checked.messages:
            message = SensMessage(
                message_id=self._new_id("M"),
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
            if checked.reserve_time is None and message.schedule_code is None:
                self._complete(message, now, sent_at=now)
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
                result_code=message.status_code,
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

    def _messages(self, fields: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The ``messages`` of a send: 400 unless 1 to 100 of them, each valid
        (:meth:`_check_message`)."""
        messages = fields.get("messages")
        if not isinstance(messages, list) or not messages:
            raise bad_request("messages", "is required (1 to 100)")
        if len(messages) > MAX_MESSAGES:
            raise bad_request("messages", f"has {len(messages)} items; at most {MAX_MESSAGES}")
        for position, item in enumerate(messages):
            self._check_message(position, item, country_code=fields.get("countryCode", "82"))
        return messages

    def _check_message(self, position: int, item: Any, *, country_code: object) -> None:
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

    def _check_files(self, files: Any, kind: str) -> list[str]:
        if files is None:
            return []
        if kind != "MMS":
            raise bad_request("files", "only MMS carries files")
        if not isinstance(files, list):
            raise bad_request("files", "must be a list")
        file_ids = []
        for position, item in enumerate(files):
            if isinstance(item, dict) and set(item) == {"name", "body"}:
                # The older document's inline image: stored like an upload, used once.
                fields = (f"files[{position}].name", f"files[{position}].body")
                _check_no_spaces(fields[0], item["name"])
                file_ids.append(self._store_file(item["name"], item["body"], fields=fields)["fileId"])
                continue
            file_id = item.get("fileId") if isinstance(item, dict) else None
            if not isinstance(file_id, str) or file_id not in self.state.files:
                raise bad_request(f"files[{position}].fileId", "is not an uploaded file")
            file_ids.append(file_id)
        return file_ids

    def _check_reservation(self, reserve_time: str | None, zone_name: str | None) -> tuple[datetime | None, str]:
        zone_name = zone_name or "Asia/Seoul"
        if reserve_time is None:
            return None, zone_name
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # "Asia" is a directory of zones
            raise bad_request("reserveTimeZone", f"{zone_name!r} is not a time zone") from None
        try:
            moment = parse_moment(reserve_time, "%Y-%m-%d %H:%M", zone)
        except (TypeError, ValueError):
            raise bad_request("reserveTime", "must be yyyy-MM-dd HH:mm") from None
        if moment <= self.clock.now():
            raise bad_request("reserveTime", "is in the past")
        return moment, zone_name

    def _complete(self, message: SensMessage, now: datetime, *, sent_at: datetime) -> None:
        """Record the delivery result of ``message``, which went out at ``sent_at``."""
        failure = self._delivery_failure(message, sent_at)
        message.status = "COMPLETED"
        message.complete_time = now
        message.status_code = failure or "0"
        message.status_name = "fail" if failure else "success"
        message.status_message = "delivery failed" if failure else "success"

    def _delivery_failure(self, message: SensMessage, sent_at: datetime) -> str | None:
        """The delivery code ``message`` fails with when sent at ``sent_at``; None if delivered."""
        if any(self.state.files[file_id].expired(sent_at) for file_id in message.file_ids):
            return EXPIRED_FILE_CODE
        names = rule_names(message.to, message.country_code, message.to)
        failure = first_rule(self.config.undeliverable_numbers, names)
        if failure is None and first_rule(self.config.rejected_numbers, names) is not None:
            return REJECTED_DELIVERY_CODE
        return failure

    def _settle_due(self, stored: SensRequest) -> None:
        now = self.clock.now()
        if stored.reserve_status == "READY" and stored.reserve_time and stored.reserve_time <= now:
            stored.reserve_status = "DONE"
            for message in stored.messages:
                if not message.cancelled:
                    self._complete(message, now, sent_at=stored.reserve_time)

    # -- S2 files -------------------------------------------------------------------------

    async def upload_file(self, request: Request) -> dict[str, Any]:
        """S2: store an MMS image for six days."""
        body = await read_json(request)
        if not isinstance(body, dict) or set(body) - {"fileName", "fileBody"}:
            raise bad_request("body", "takes fileName and fileBody only")
        return self._store_file(body.get("fileName"), body.get("fileBody"), fields=("fileName", "fileBody"))

    def _store_file(self, name: Any, encoded: Any, *, fields: tuple[str, str]) -> dict[str, Any]:
        """Validate and keep an image for six days; ``fields`` name it and its body in errors."""
        name_field, body_field = fields
        if not isinstance(name, str) or not name.lower().endswith((".jpg", ".jpeg")):
            raise bad_request(name_field, "must end in .jpg or .jpeg")
        if len(name) > 40:
            raise bad_request(name_field, f"is {len(name)} characters; at most 40")
        try:
            content = base64.b64decode(str(encoded or ""), validate=True)
        except (binascii.Error, ValueError):
            raise bad_request(body_field, "is not Base64") from None
        if not content:
            raise bad_request(body_field, "is empty")
        if len(content) > MAX_FILE_BYTES:
            raise bad_request(body_field, f"is {len(content)} bytes; at most {MAX_FILE_BYTES}")
        _check_jpeg(body_field, content)
        now = self.clock.now()
        # "A file with the same name and size is recognised as the same file and reused."
        stored = next(
            (
                known
                for known in self.state.files.values()
                if (known.name, known.size) == (name, len(content)) and not known.expired(now)
            ),
            None,
        )
        if stored is None:
            stored = SensFile(file_id=self._new_id("F"), name=name, size=len(content), created=now)
            self.state.files[stored.file_id] = stored
        return {
            "fileId": stored.file_id,
            "createTime": format_time(stored.created),
            "expireTime": format_time(stored.expires),
        }

    # -- S3/S4 look-ups -------------------------------------------------------------------

    async def list_messages(self, request: Request) -> dict[str, Any]:
        """S3: the messages of a request or of a time window, paged."""
        query = request.query_params
        request_id = query.get("requestId")
        window = self._window(query, request_id)
        page_index, page_size = self._page(query, request_id)
        status_name, selected = self._listed(query, request_id, window)
        page = selected[page_index * page_size : (page_index + 1) * page_size]
        has_more = (page_index + 1) * page_size < len(selected)
        answer: dict[str, Any] = {
            "statusCode": "202",
            "statusName": status_name,
            "messages": [self._list_item(message) for message in page],
            "pageIndex": page_index,
            "pageSize": page_size,
            "itemCount": len(page),
            "hasMore": has_more,
        }
        if self.config.sens_token_paging:
            del answer["pageIndex"]  # the Korean document's answer has none
            if has_more:
                answer["nextToken"] = _token_of_page(page_index + 1)
        return answer

    def _window(self, query: Mapping[str, str], request_id: str | None) -> tuple[str, datetime, datetime] | None:
        """The time window of an S3 look-up: (``request`` or ``complete``, start, end), or
        None for a look-up by ``requestId`` alone. 400 without a ``requestId`` or window, for
        both windows, a window with one end or one wider than 30 days (request) or 24 hours
        (complete)."""
        windows = {
            "request": (query.get("requestStartTime"), query.get("requestEndTime"), MAX_REQUEST_WINDOW),
            "complete": (query.get("completeStartTime"), query.get("completeEndTime"), MAX_COMPLETE_WINDOW),
        }
        given = [name for name, (start, end, _) in windows.items() if start or end]
        if not request_id and not given:
            raise bad_request("requestId", "or a requestStartTime/End or completeStartTime/End window is required")
        if len(given) > 1:
            raise bad_request("requestStartTime", "cannot be combined with completeStartTime")
        if not given:
            return None
        name = given[0]
        start, end, widest = windows[name]
        if not (start and end):
            raise bad_request(f"{name}StartTime", "needs both start and end")
        bounds = (self._parse_query_time(f"{name}StartTime", start), self._parse_query_time(f"{name}EndTime", end))
        if bounds[1] - bounds[0] > widest:
            raise bad_request(f"{name}EndTime", f"window is longer than {widest}")
        return name, *bounds

    def _page(self, query: Mapping[str, str], request_id: str | None) -> tuple[int, int]:
        """(page index, page size) of an S3 look-up: the page a ``nextToken`` stands for, else
        ``pageIndex`` (0 by default); ``pageSize`` up to 1000 by ``requestId`` (its default), else
        up to 100 (20 by default)."""
        token = query.get("nextToken")
        page_index = _page_of_token(token) if token else query_int(query, "pageIndex", 0, minimum=0)
        largest_page = MAX_PAGE_SIZE_BY_REQUEST if request_id else MAX_PAGE_SIZE
        default_size = largest_page if request_id else DEFAULT_PAGE_SIZE
        return page_index, query_int(query, "pageSize", default_size, minimum=1, maximum=largest_page)

    def _listed(
        self, query: Mapping[str, str], request_id: str | None, window: tuple[str, datetime, datetime] | None
    ) -> tuple[str, list[SensMessage]]:
        """The ``statusName`` of an S3 look-up and the messages it lists: those of the request
        (none while it is reserved) or in the window, matching the query's filters. Due
        reservations go out first."""
        with self.state.lock:
            requests = list(self.state.requests.values())
        status_name = "success"
        selected: list[SensMessage] = []
        for stored in requests:
            if request_id and stored.request_id != request_id:
                continue
            self._settle_due(stored)
            if request_id:
                status_name = _status_name(stored)
                if status_name == "reserved":
                    continue
            selected += (
                message
                for message in stored.messages
                if (window is None or _within(message, window)) and self._matches(message, query)
            )
        return status_name, selected

    @staticmethod
    def _matches(message: SensMessage, query: Mapping[str, str]) -> bool:
        filters = {
            "messageId": message.message_id,
            "type": message.type,
            "contentType": message.content_type,
            "countryCode": message.country_code,
            "status": message.status,
            "from": message.sender,
            "to": message.to,
            "statusName": (message.status_name or "").upper(),
        }
        return all(query[name].upper() == str(value).upper() for name, value in filters.items() if name in query)

    def _parse_query_time(self, field: str, value: str) -> datetime:
        try:
            return parse_moment(value, "%Y-%m-%d %H:%M:%S", SEOUL)
        except (TypeError, ValueError):
            raise bad_request(field, "must be yyyy-MM-dd HH:mm:ss") from None

    @staticmethod
    def _list_item(message: SensMessage) -> dict[str, Any]:
        item: dict[str, Any] = {
            "requestId": message.request_id,
            "campaignId": None,
            "messageId": message.message_id,
            "requestTime": format_time(message.request_time),
            "contentType": message.content_type,
            "type": message.type,
            "countryCode": message.country_code,
            "from": message.sender,
            "to": message.to,
            "status": message.status,
        }
        if message.status == "COMPLETED":
            item.update(
                completeTime=format_time(message.complete_time) if message.complete_time else None,
                telcoCode="SKT",
                statusCode=message.status_code,
                statusName=message.status_name,
                statusMessage=message.status_message,
            )
        return item

    async def get_message(self, request: Request) -> dict[str, Any]:
        """S4: the delivery result of one message."""
        with self.state.lock:
            message = self.state.messages.get(request.path_params["messageId"])
        if message is None:
            raise not_found("unknown messageId")
        self._settle_due(self.state.requests[message.request_id])
        detail: dict[str, Any] = {
            "requestTime": format_time(message.request_time),
            "contentType": message.content_type,
            "content": message.content,
            "countryCode": message.country_code,
            "from": message.sender,
            "to": message.to,
            "status": message.status,
            "statusCode": message.status_code,
            "statusMessage": message.status_message,
            "statusName": message.status_name,
            "completeTime": format_time(message.complete_time) if message.complete_time else None,
            "telcoCode": "SKT" if message.complete_time else None,
        }
        if message.file_ids:
            detail["files"] = [
                {"name": self.state.files[file_id].name, "fileId": file_id} for file_id in message.file_ids
            ]
        return {"statusCode": "200", "statusName": "success", "messages": [detail]}

    # -- S5/S6/S7 reservations and schedules ----------------------------------------------

    def _reservation(self, request: Request) -> SensRequest:
        stored = self.state.requests.get(request.path_params["reserveId"])
        if stored is None or stored.reserve_time is None:
            raise not_found("unknown reserveId")
        self._settle_due(stored)
        return stored

    async def reserve_status(self, request: Request) -> dict[str, Any]:
        """S5: READY, PROCESSING, CANCELED, FAIL, DONE or STALE."""
        stored = self._reservation(request)
        assert stored.reserve_time is not None
        zone = ZoneInfo(stored.reserve_time_zone or "Asia/Seoul")
        return {
            "reserveId": stored.request_id,
            "reserveTimeZone": stored.reserve_time_zone,
            "reserveTime": stored.reserve_time.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            "reserveStatus": stored.reserve_status,
        }

    async def cancel_reservation(self, request: Request) -> Response:
        """S6: cancel a READY reservation (204)."""
        stored = self._reservation(request)
        if stored.reserve_status != "READY":
            raise bad_request("reserveId", f"reservation is {stored.reserve_status}, not READY")
        stored.reserve_status = "CANCELED"
        for message in stored.messages:
            self._cancel(message)
        return Response(status_code=204)

    async def cancel_scheduled(self, request: Request) -> Response:
        """S7: cancel one message of a scheduled send (204)."""
        message = self.state.messages.get(request.path_params["messageId"])
        if message is None or message.schedule_code != request.path_params["scheduleCode"]:
            raise not_found("unknown scheduleCode or messageId")
        if message.cancelled:
            raise bad_request("messageId", "message is already cancelled")
        if message.status != "READY":
            raise bad_request("messageId", f"message is {message.status}, not READY")
        self._cancel(message)
        return Response(status_code=204)

    def _cancel(self, message: SensMessage) -> None:
        """Cancel one message: it is never sent, and the ledger marks its recipient cancelled."""
        message.cancelled = True
        if message.delivery is not None:
            self.ledger.cancel_recipient(message.delivery)

    # -- S8/S9/S10 080 unsubscribes -------------------------------------------------------

    async def list_unsubscribes(self, request: Request) -> Response:
        """S8: blocked numbers, optionally filtered, paged."""
        query = request.query_params
        page_size = query_int(query, "pageSize", 100, minimum=0, maximum=100)
        page_index = query_int(query, "pageIndex", 0, minimum=0)
        start = self._epoch_millis(query, "startTime")
        end = self._epoch_millis(query, "endTime")
        entries = sorted(self.state.unsubscribes.items(), key=lambda entry: entry[1])
        number = query.get("clientTelNo")
        if number:
            entries = [entry for entry in entries if entry[0] == number]
        entries = [
            entry
            for entry in entries
            if (start is None or start <= _millis(entry[1])) and (end is None or _millis(entry[1]) <= end)
        ]
        page = entries[page_index * page_size : (page_index + 1) * page_size]
        return JSONResponse(
            [
                {
                    "clientTelNo": number,
                    "registerTime": format_time(moment, "%Y-%m-%dT%H:%M:%S"),
                    "registerType": "M",
                }
                for number, moment in page
            ]
        )

    @staticmethod
    def _epoch_millis(query: Mapping[str, str], name: str) -> int | None:
        """Query parameter ``name``, an Integer of epoch milliseconds; None if absent."""
        raw = query.get(name)
        if raw is None:
            return None
        if not is_digits(raw):
            raise bad_request(name, "must be epoch milliseconds")
        return int(raw)

    async def _numbers(self, request: Request) -> list[str]:
        body = await read_json(request)
        if not isinstance(body, list) or not body:
            raise bad_request("body", "must be a non-empty list of {clientTelNo}")
        if len(body) > MAX_UNSUBSCRIBES:
            raise bad_request("body", f"has {len(body)} numbers; at most {MAX_UNSUBSCRIBES}")
        numbers = []
        for position, item in enumerate(body):
            number = item.get("clientTelNo") if isinstance(item, dict) else None
            if not is_digits(number):
                raise bad_request(f"[{position}].clientTelNo", "must be digits only")
            numbers.append(number)
        return numbers

    async def add_unsubscribes(self, request: Request) -> Response:
        """S9: register blocked numbers."""
        now = self.clock.now()
        added = []
        for number in await self._numbers(request):
            self.state.unsubscribes.setdefault(number, now)
            added.append(
                {
                    "clientTelNo": number,
                    "registerTime": format_time(self.state.unsubscribes[number], "%Y-%m-%dT%H:%M:%S"),
                    "registerType": "M",
                }
            )
        return JSONResponse(added)

    async def delete_unsubscribes(self, request: Request) -> Response:
        """S10: delete blocked numbers (JSON body on DELETE, 204)."""
        for number in await self._numbers(request):
            self.state.unsubscribes.pop(number, None)
        return Response(status_code=204)


def sens_routes(config: EmulatorConfig, ledger: Ledger, clock: Clock) -> list[BaseRoute]:
    """The SENS routes of an emulator."""
    return SensEmulator(config, ledger, clock).routes()

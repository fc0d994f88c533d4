"""NCP SENS SMS API v2, emulated: the message look-ups, by request or time window (S3) and
of one message (S4). Reservations whose time has come go out first
(:meth:`~krsms.emulator.sens.service.SensService.settle_due`).

Documented behaviour it reproduces: the look-ups see the last :data:`HISTORY_KEPT` (90
days) of messages, by their request time; S3 lists no older one and S4 answers 404 for it.

Choices where the document is silent: a send of a schedule the emulator cannot see (a
``scheduleCode`` without ``reserveTime``) keeps its messages READY and its S3 statusName is
``scheduled``; a reservation not sent lists no messages (statusName ``reserved``); a request
the messaging server failed (``Faults.sens_failed_request_rate``) is listed by its ID with its
``statusCode`` and statusName ``fail``, its messages READY, and S4 answers that code and
``fail`` for them (a look-up over a time window answers 202, the look-up's own success); a
send is listed only once ``Faults.listing_lag`` has passed (S4 answers 404 until then); a
reservation in PROCESSING lists no messages (statusName ``reserved``, its send request not
made), one in FAIL or STALE is listed as a failed request (see
:data:`~krsms.emulator.sens.service.RESERVATION_FAILURE_CODES`). With
``EmulatorConfig(sens_token_paging=True)`` S3 pages by an opaque ``nextToken`` and answers no
``pageIndex``, as the Korean document's answer does.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request

from krsms.convert import SEOUL
from krsms.emulator.config import EmulatorConfig
from krsms.emulator.inputs import parse_moment
from krsms.emulator.sens.envelope import bad_request, format_time, not_found, query_int
from krsms.emulator.sens.service import SensService
from krsms.emulator.sens.state import SensMessage, SensRequest, SensState

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
HISTORY_KEPT = timedelta(days=90)
"""How far back the look-ups see, from a message's request time."""
TELCO_CODE = "SKT"
"""The ``telcoCode`` of every completed message: the emulator has no carriers to tell apart."""


class SensLookups:
    """The message look-up endpoints of one :class:`~krsms.emulator.sens.service.SensService`."""

    def __init__(self, service: SensService):
        self.service = service
        self.config: EmulatorConfig = service.config
        self.state: SensState = service.state

    def table(self) -> list[tuple[str, str, Callable[[Request], Any]]]:
        """(method, path under the service, handler) of every look-up route."""
        return [
            ("GET", "/messages", self.list_messages),
            ("GET", "/messages/{messageId}", self.get_message),
        ]

    async def list_messages(self, request: Request) -> dict[str, Any]:
        """S3: the messages of a request or of a time window, paged."""
        query = request.query_params
        request_id = query.get("requestId")
        window = _window(query, request_id)
        page_index, page_size = _page(query, request_id)
        (status_code, status_name), selected = self._listed(query, request_id, window)
        page = selected[page_index * page_size : (page_index + 1) * page_size]
        has_more = (page_index + 1) * page_size < len(selected)
        answer: dict[str, Any] = {
            "statusCode": status_code,
            "statusName": status_name,
            "messages": [_list_item(message) for message in page],
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

    def _listed(
        self, query: Mapping[str, str], request_id: str | None, window: tuple[str, datetime, datetime] | None
    ) -> tuple[tuple[str, str], list[SensMessage]]:
        """The ``statusCode`` and ``statusName`` of an S3 look-up and the messages it lists:
        those of the request (none while it is reserved) or in the window, matching the
        query's filters, requested within :data:`HISTORY_KEPT` and listed yet
        (``listing_lag``). Due reservations go out first."""
        with self.state.lock:
            requests = list(self.state.requests.values())
        oldest = self.service.clock.now() - HISTORY_KEPT
        status = ("202", "success")
        selected: list[SensMessage] = []
        for stored in requests:
            if (request_id and stored.request_id != request_id) or stored.request_time < oldest:
                continue
            if not self.service.listed(stored):
                continue
            self.service.settle_due(stored)
            if request_id:
                status = _status(stored)
                if status[1] == "reserved":
                    continue
            selected += (
                message
                for message in stored.messages
                if (window is None or _within(message, window)) and _matches(message, query)
            )
        return status, selected

    async def get_message(self, request: Request) -> dict[str, Any]:
        """S4: the delivery result of one message."""
        with self.state.lock:
            message = self.state.messages.get(request.path_params["messageId"])
            stored = self.state.requests.get(message.request_id) if message else None
        if (
            message is None
            or stored is None
            or message.request_time < self.service.clock.now() - HISTORY_KEPT
            or not self.service.listed(stored)
        ):
            raise not_found("unknown messageId")
        self.service.settle_due(stored)
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
            "telcoCode": TELCO_CODE if message.complete_time else None,
        }
        if message.file_ids:
            detail["files"] = [
                {"name": self.state.files[file_id].name, "fileId": file_id} for file_id in message.file_ids
            ]
        if stored.failure_code:
            return {"statusCode": stored.failure_code, "statusName": "fail", "messages": [detail]}
        return {"statusCode": "200", "statusName": "success", "messages": [detail]}


def _window(query: Mapping[str, str], request_id: str | None) -> tuple[str, datetime, datetime] | None:
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
    bounds = (_parse_query_time(f"{name}StartTime", start), _parse_query_time(f"{name}EndTime", end))
    if bounds[1] - bounds[0] > widest:
        raise bad_request(f"{name}EndTime", f"window is longer than {widest}")
    return name, *bounds


def _page(query: Mapping[str, str], request_id: str | None) -> tuple[int, int]:
    """(page index, page size) of an S3 look-up: the page a ``nextToken`` stands for, else
    ``pageIndex`` (0 by default); ``pageSize`` up to 1000 by ``requestId`` (its default), else
    up to 100 (20 by default)."""
    token = query.get("nextToken")
    page_index = _page_of_token(token) if token else query_int(query, "pageIndex", 0, minimum=0)
    largest_page = MAX_PAGE_SIZE_BY_REQUEST if request_id else MAX_PAGE_SIZE
    default_size = largest_page if request_id else DEFAULT_PAGE_SIZE
    return page_index, query_int(query, "pageSize", default_size, minimum=1, maximum=largest_page)


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


def _parse_query_time(field: str, value: str) -> datetime:
    """A ``yyyy-MM-dd HH:mm:ss`` window end, in Seoul; 400 when malformed."""
    try:
        return parse_moment(value, "%Y-%m-%d %H:%M:%S", SEOUL)
    except (TypeError, ValueError):
        raise bad_request(field, "must be yyyy-MM-dd HH:mm:ss") from None


def _status(stored: SensRequest) -> tuple[str, str]:
    """The ``statusCode`` and ``statusName`` of an S3 look-up by the ID of ``stored``: its
    failure code and ``fail`` when the messaging server failed it (a reservation in FAIL or
    STALE too), ``reserved`` while it is a reservation not sent (READY, PROCESSING or
    CANCELED: its messages are not listed), ``scheduled`` for a send of a schedule
    the emulator cannot see, else ``success``; the code is 202 but for a failure."""
    if stored.failure_code:
        return stored.failure_code, "fail"
    if stored.reserve_status in ("READY", "PROCESSING", "CANCELED"):
        return "202", "reserved"
    if stored.reserve_time is None and any(message.schedule_code for message in stored.messages):
        return "202", "scheduled"
    return "202", "success"


def _within(message: SensMessage, window: tuple[str, datetime, datetime]) -> bool:
    """Whether ``message`` was requested (or completed, for a ``complete`` window) within it."""
    name, start, end = window
    moment = message.request_time if name == "request" else message.complete_time
    return moment is not None and start <= moment <= end


def _matches(message: SensMessage, query: Mapping[str, str]) -> bool:
    """Whether ``message`` has every field value the query filters by, in any case."""
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


def _list_item(message: SensMessage) -> dict[str, Any]:
    """One message of an S3 answer; its delivery result once completed."""
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
            telcoCode=TELCO_CODE,
            statusCode=message.status_code,
            statusName=message.status_name,
            statusMessage=message.status_message,
        )
    return item

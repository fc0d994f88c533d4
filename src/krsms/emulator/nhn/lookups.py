"""NHN Cloud SMS API v2.2, emulated: the send look-ups (N2/N3 SMS, N5/N6 LMS/MMS, N8/N9
authentication SMS) and the result updates (N12), read from the stored recipients.

Choices where the document is silent:

- N12 answers -1006 (invalid ``messageType``) for a ``messageType`` other than SMS, LMS,
  MMS and AUTH, written as its table writes them (``sms`` too); an empty one filters nothing;
- the send look-ups (N2, N5, N8) filter by every documented parameter, the result date
  window (``startResultDate``/``endResultDate``: recipients with no result yet are outside
  it) included, except ``subResultCode``: the look-up code table lists its values
  (``MTR2_1`` to ``MTR2_3``, validity, carrier, handset) but not which result codes fall
  under each, so it is accepted and does not filter;
- a message NHN failed (``msgStatus`` 0, 5 or 6: ``EmulatorConfig.nhn_message_statuses``) has
  its ``resultDate`` (when it failed, so N12 lists it) but no carrier's ``resultCode`` or
  ``telecomCode``; the ``resultCode`` filter's ``MTR2`` (failure) finds it, as it finds a
  message whose handset's result is a failure;
- a send is listed (and found by its detail look-up) only once ``Faults.listing_lag`` has
  passed since it was registered, by the emulated clock;
- a filter longer than the look-up table allows (``requestId`` 25, ``sendNo`` 13,
  ``recipientNo`` 20, ``templateId`` 50, ``msgStatus`` 1, ``resultCode`` and
  ``subResultCode`` 10, the grouping keys 100) is refused as
  :func:`~krsms.emulator.nhn.envelope.check_filters` says (-2008, -2109, else -2012), by
  the send look-ups and the download reservation (N37) alike.

:func:`select` also picks the recipients of a download reservation
(:mod:`~krsms.emulator.nhn.downloads`); :func:`windows` and :func:`within` the date windows of
the reservation look-up (:mod:`~krsms.emulator.nhn.reservations`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request

from krsms.convert import SEOUL
from krsms.emulator.inputs import is_digits
from krsms.emulator.nhn.envelope import NhnRefusal, check_filters, format_time, page, parse_date
from krsms.emulator.nhn.service import NhnService
from krsms.emulator.nhn.state import SEND_STATUS_NAMES, SUCCESS_CODE, NhnRecipient, NhnState
from krsms.emulator.nhn.uploads import attachment_detail
from krsms.nhn.checks import (
    MAX_CODE_CHARS,
    MAX_MSG_STATUS_CHARS,
    MAX_RECIPIENT_GROUPING_KEY_CHARS,
    MAX_RECIPIENT_NO_CHARS,
    MAX_REQUEST_ID_CHARS,
    MAX_SEND_NO_CHARS,
    MAX_SENDER_GROUPING_KEY_CHARS,
    MAX_TEMPLATE_ID_CHARS,
)

LIST_KINDS = {"sms": "0", "mms": "1", "auth/sms": "2"}
"""Path under ``/sender/`` -> the ``sendType`` its look-ups list."""
RESULT_MESSAGE_TYPES = ("SMS", "LMS", "MMS", "AUTH")
"""The ``messageType`` values of N12, as its table writes them."""
SENT_FILTER_LIMITS = {
    "requestId": MAX_REQUEST_ID_CHARS,
    "sendNo": MAX_SEND_NO_CHARS,
    "recipientNo": MAX_RECIPIENT_NO_CHARS,
    "templateId": MAX_TEMPLATE_ID_CHARS,
    "msgStatus": MAX_MSG_STATUS_CHARS,
    "resultCode": MAX_CODE_CHARS,
    "subResultCode": MAX_CODE_CHARS,
    "senderGroupingKey": MAX_SENDER_GROUPING_KEY_CHARS,
    "recipientGroupingKey": MAX_RECIPIENT_GROUPING_KEY_CHARS,
}
"""The maximum of each text filter of the send look-ups (N2, N5, N8) and of N37, as their
tables give them."""


class NhnLookups:
    """The send look-up endpoints of one :class:`~krsms.emulator.nhn.service.NhnService`."""

    def __init__(self, service: NhnService):
        self.service = service
        self.state: NhnState = service.state

    def table(self) -> list[tuple[str, str, Callable[[Request], Any]]]:
        """(method, path under the appKey, handler) of every look-up route."""
        return [
            *(("GET", f"/sender/{path}", self._lister(send_type)) for path, send_type in LIST_KINDS.items()),
            *(
                ("GET", f"/sender/{path}/{{requestId}}", self._getter(send_type))
                for path, send_type in LIST_KINDS.items()
            ),
            ("GET", "/message-results", self.message_results),
        ]

    def _lister(self, send_type: str) -> Callable[[Request], Any]:
        async def list_sends(request: Request) -> Any:
            records = select(self.service, request.query_params, {send_type})
            return page([self._item(record) for record in records], request)

        return list_sends

    def _getter(self, send_type: str) -> Callable[[Request], Any]:
        async def get_send(request: Request) -> Any:
            mt_pr = request.query_params.get("mtPr", "")
            if not is_digits(mt_pr):
                raise NhnRefusal(-2012, "상세 조회 파라미터가 유효하지 않음")
            self.service.settle_due()
            for record in self.state.by_request.get(request.path_params["requestId"], []):
                if record.seq == int(mt_pr) and record.send_type == send_type and self.service.listed(record):
                    return {"data": self._item(record)}
            raise NhnRefusal(-2008, "요청 ID가 유효하지 않음")

        return get_send

    async def message_results(self, request: Request) -> Any:
        """N12: results updated in a window, of one ``messageType`` when it is given; -1006
        for a type other than those its table lists (an empty one is not given)."""
        query = request.query_params
        if not (query.get("startUpdateDate") and query.get("endUpdateDate")):
            raise NhnRefusal(-2011, "필수 조회 파라미터가 비어있음")
        start, end = parse_date(query["startUpdateDate"]), parse_date(query["endUpdateDate"])
        message_type = query.get("messageType") or None
        if message_type is not None and message_type not in RESULT_MESSAGE_TYPES:
            raise NhnRefusal(-1006, "유효하지 않은 발송 메시지 타입")
        self.service.settle_due()
        items = [
            {
                "messageType": record.message_type,
                "requestId": record.request_id,
                "recipientSeq": record.seq,
                "resultCode": record.result_code,
                "resultCodeName": "성공" if record.result_code == SUCCESS_CODE else "실패",
                "requestDate": format_time(record.request_date),
                "resultDate": format_time(record.result_date),
                "updateDate": format_time(record.result_date),
                "telecomCode": "10001" if record.result_code else None,
                "telecomCodeName": "SKT" if record.result_code else None,
                "senderGroupingKey": record.grouping_key,
                "recipientGroupingKey": record.recipient_grouping_key,
            }
            for record in list(self.state.recipients)
            if record.result_date is not None
            and start <= record.result_date <= end
            and message_type in (None, record.message_type)
        ]
        return page(items, request)

    def _item(self, record: NhnRecipient) -> dict[str, Any]:
        item: dict[str, Any] = {
            "requestId": record.request_id,
            "requestDate": format_time(record.request_date),
            "resultDate": format_time(record.result_date),
            "templateId": record.template_id,
            **self.state.template_names(record.template_id),
            "body": record.body,
            "sendNo": record.sender,
            "countryCode": record.country_code,
            "recipientNo": record.recipient,
            "msgStatus": record.status,
            "msgStatusName": SEND_STATUS_NAMES[record.status],
            "resultCode": record.result_code,
            "resultCodeName": "성공"
            if record.result_code == SUCCESS_CODE
            else ("실패" if record.result_code else None),
            "telecomCode": 10001 if record.result_code else None,
            "telecomCodeName": "SKT" if record.result_code else None,
            "mtPr": str(record.seq),
            "sendType": record.send_type,
            "userId": record.user_id,
            "adYn": "Y" if record.advertisement else "N",
            "resultMessage": "",
            "senderGroupingKey": record.grouping_key,
            "recipientGroupingKey": record.recipient_grouping_key,
        }
        if record.send_type == "1":
            item["title"] = record.title
            # A send's attachment belongs to no template: serviceId, attachType and templateId
            # are null, as the N5/N6 example shows.
            item["attachFileList"] = [attachment_detail(self.state.files[file_id]) for file_id in record.file_ids]
        return item


def windows(query: Mapping[str, Any]) -> list[tuple[str, datetime, datetime]]:
    """The request and create date windows a query gives with both ends: (record
    attribute, start, end)."""
    return [
        (attribute, parse_date(str(query[start])), parse_date(str(query[end])))
        for start, end, attribute in (
            ("startRequestDate", "endRequestDate", "request_date"),
            ("startCreateDate", "endCreateDate", "create_date"),
        )
        if query.get(start) and query.get(end)
    ]


def result_window(query: Mapping[str, Any]) -> tuple[datetime, datetime] | None:
    """The ``startResultDate``-``endResultDate`` window of a look-up, when it gives one
    (an open end is unbounded)."""
    start, end = query.get("startResultDate"), query.get("endResultDate")
    if not start and not end:
        return None
    return (
        parse_date(str(start)) if start else datetime.min.replace(tzinfo=SEOUL),
        parse_date(str(end)) if end else datetime.max.replace(tzinfo=SEOUL),
    )


def select(service: NhnService, query: Mapping[str, Any], send_types: set[str]) -> list[NhnRecipient]:
    """The stored recipients a look-up (or a download reservation) asks for: by ``requestId``
    or a request/create date window (at most a month), then by the documented filters, those
    listed yet (``listing_lag``); a filter over its table's maximum is refused
    (:func:`check_filters`)."""
    check_filters(query, SENT_FILTER_LIMITS)
    request_id = query.get("requestId")
    date_windows = windows(query)
    if any(end - start > timedelta(days=31) for _, start, end in date_windows):
        raise NhnRefusal(-4000, "조회 범위가 1개월 초과")
    if not request_id and not date_windows:
        raise NhnRefusal(-2011, "필수 조회 파라미터가 비어있음")
    service.settle_due()
    filters = {
        "sendNo": "sender",
        "recipientNo": "recipient",
        "templateId": "template_id",
        "msgStatus": "status",
        "senderGroupingKey": "grouping_key",
        "recipientGroupingKey": "recipient_grouping_key",
    }
    with service.state.lock:
        candidates = (
            list(service.state.by_request.get(str(request_id), [])) if request_id else list(service.state.recipients)
        )
    selected = []
    results_between = result_window(query)
    for record in candidates:
        if record.send_type not in send_types or not service.listed(record):
            continue
        if not within(record, date_windows):
            continue
        if results_between is not None and not (
            record.result_date is not None and results_between[0] <= record.result_date <= results_between[1]
        ):
            continue
        if query.get("resultCode") and record.result_class != query["resultCode"]:
            continue
        if all(
            str(getattr(record, attribute)) == str(query[name])
            for name, attribute in filters.items()
            if query.get(name) not in (None, "")
        ):
            selected.append(record)
    return selected


def within(record: NhnRecipient, windows: list[tuple[str, datetime, datetime]]) -> bool:
    """Whether ``record``'s date attribute of each window lies within it, both ends included."""
    return all(start <= getattr(record, attribute) <= end for attribute, start, end in windows)

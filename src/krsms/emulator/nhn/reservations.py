"""NHN Cloud SMS API v2.2, emulated: the reservation look-ups (N34, N35) and cancels (N36) of
sends with a ``requestDate``.

Choices where the document is silent:

- a cancel (N36) without its required ``updateUser`` (missing, empty or blank) or
  ``reservationList`` (missing, or empty), or with an ``updateUser`` over its table's 100
  characters, answers -9997, as N18 does for its ``createUser``: none has a code of its
  own; a ``reservationList[].requestId`` over 25 characters answers -2008 (the error
  table's invalid ``requestId``), and nothing is cancelled;
- the list (N34) reads an empty filter as none, as every NHN look-up does (an empty
  ``requestId`` lists every reservation, which a cancel of them all would then take);
- the list (N34) refuses a filter over its table's maximum (``requestId`` 25, ``sendNo`` 13,
  ``recipientNo`` 20, ``templateId`` 50, ``messageStatus`` 10) as
  :func:`~krsms.emulator.nhn.envelope.check_filters` says (-2008, -2109, else -2012), and a
  ``sendType`` other than its table's 0, 1 and 2 with -2012 too.

Stored reservations go out when their time comes
(:meth:`~krsms.emulator.nhn.service.NhnService.settle_due`, on every look-up).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request

from krsms.emulator.nhn.envelope import (
    NhnRefusal,
    check_filters,
    format_time,
    has_text,
    matches,
    over_limit,
    page,
    read_json,
)
from krsms.emulator.nhn.lookups import windows, within
from krsms.emulator.nhn.service import NhnService
from krsms.emulator.nhn.state import CANCELLED, REQUESTED, RESERVATION_STATUSES, NhnRecipient, NhnState
from krsms.emulator.nhn.uploads import attachment
from krsms.nhn.checks import (
    MAX_CODE_CHARS,
    MAX_RECIPIENT_NO_CHARS,
    MAX_REQUEST_ID_CHARS,
    MAX_SEND_NO_CHARS,
    MAX_TEMPLATE_ID_CHARS,
    MAX_USER_ID_CHARS,
    SEND_TYPES,
)

RESERVATION_FILTER_LIMITS = {
    "requestId": MAX_REQUEST_ID_CHARS,
    "sendNo": MAX_SEND_NO_CHARS,
    "recipientNo": MAX_RECIPIENT_NO_CHARS,
    "templateId": MAX_TEMPLATE_ID_CHARS,
    "messageStatus": MAX_CODE_CHARS,
}
"""The maximum of each text filter of the reservation list (N34), as its table gives it."""


class NhnReservations:
    """The reservation endpoints of one :class:`~krsms.emulator.nhn.service.NhnService`; a
    cancel also cancels the recipient in its ledger."""

    def __init__(self, service: NhnService):
        self.service = service
        self.state: NhnState = service.state

    def table(self) -> list[tuple[str, str, Callable[[Request], Any]]]:
        """(method, path under the appKey, handler) of every reservation route."""
        return [
            ("GET", "/reservations", self.reservations),
            ("GET", "/reservations/{requestId}/{recipientSeq}", self.reservation),
            ("PUT", "/reservations/cancel", self.cancel_reservations),
        ]

    def _reservation_item(self, record: NhnRecipient, *, detail: bool = False) -> dict[str, Any]:
        """An N34 item, or with ``detail`` the N35 data: that always answers ``attachFileList``
        (empty for an SMS), as its example and table show; N34 keeps it for LMS/MMS only."""
        item = {
            "requestId": record.request_id,
            "recipientSeq": record.seq,
            "requestDate": format_time(record.request_date),
            "sendNo": record.sender,
            "recipientNo": record.recipient,
            "countryCode": record.country_code,
            "sendType": record.send_type,
            "messageType": record.message_type,
            "adYn": "Y" if record.advertisement else "N",
            "templateId": record.template_id,
            "templateParameter": record.template_parameter,
            "templateName": self.state.template_names(record.template_id)["templateName"],
            "title": record.title,
            "body": record.body,
            "messageStatus": RESERVATION_STATUSES[record.status],
            "createUser": None,
            "createDate": format_time(record.create_date),
            "updateDate": format_time(record.update_date),
        }
        if detail or record.send_type == "1":
            item["attachFileList"] = [attachment(self.state.files[file_id]) for file_id in record.file_ids]
        return item

    async def reservations(self, request: Request) -> Any:
        """N34: reserved recipients, by the filters its table gives (each checked first)."""
        query = request.query_params
        check_filters(query, RESERVATION_FILTER_LIMITS)
        if query.get("sendType") not in (None, "", *SEND_TYPES):
            raise NhnRefusal(-2012, "조회 파라미터가 유효하지 않음")
        self.service.settle_due()
        status_filter = query.get("messageStatus")
        date_windows = windows(query)
        items = [
            self._reservation_item(record)
            for record in list(self.state.recipients)
            if record.reserved
            and matches(query, "requestId", record.request_id)
            and matches(query, "sendType", record.send_type)
            and matches(query, "recipientNo", record.recipient)
            and matches(query, "sendNo", record.sender)
            and matches(query, "templateId", record.template_id)
            and within(record, date_windows)
        ]
        if status_filter:
            items = [item for item in items if item["messageStatus"] == status_filter]
        return page(items, request)

    async def reservation(self, request: Request) -> Any:
        """N35: one reserved recipient."""
        self.service.settle_due()
        for record in self.state.by_request.get(request.path_params["requestId"], []):
            if str(record.seq) == request.path_params["recipientSeq"] and record.reserved:
                return {"data": self._reservation_item(record, detail=True)}
        raise NhnRefusal(-2008, "요청 ID가 유효하지 않음")

    async def cancel_reservations(self, request: Request) -> Any:
        """N36: cancel reserved recipients that have not gone out (each one in the ledger too)."""
        body = _cancel_request(await read_json(request))
        self.service.settle_due()
        now = self.service.clock.now()
        canceled = 0
        for item in body["reservationList"]:
            for record in self.state.by_request.get(str(item.get("requestId")), []):
                if record.seq == item.get("recipientSeq") and record.reserved and record.status == REQUESTED:
                    record.status = CANCELLED
                    record.cancel_date = now
                    self.service.ledger.cancel_recipient(record.delivery)
                    canceled += 1
        return {"data": {"requestedCount": len(body["reservationList"]), "canceledCount": canceled}}


def _cancel_request(body: Any) -> dict[str, Any]:
    """An N36 body checked against its table: -9997 unless it has a ``reservationList`` of
    objects and an ``updateUser`` of 1 to 100 characters, not all spaces, -2008 for an entry's ``requestId``
    over 25 characters."""
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("reservationList"), list)
        or not body["reservationList"]
        or not all(isinstance(item, dict) for item in body["reservationList"])
        or not has_text(body.get("updateUser"))
        or over_limit(body, {"updateUser": MAX_USER_ID_CHARS})
    ):
        raise NhnRefusal(-9997, "유효하지 않은 JSON 형식")
    for item in body["reservationList"]:
        check_filters(item, {"requestId": MAX_REQUEST_ID_CHARS})
    return body

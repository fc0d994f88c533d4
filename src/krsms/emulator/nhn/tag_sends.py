"""NHN Cloud SMS API v2.2, emulated: tag sends (N13-N14) and their look-ups (N15-N17).

Choices where the document is silent:

- a tag send resolves its ``tagExpression`` (see :mod:`krsms.emulator.nhn.tags`) to the phone
  numbers of the matching UIDs, sorted by UID, without duplicates, and is then stored and
  recorded like a plain send of its type (N2/N5 find it too); no recipient answers -2001; a
  malformed expression or unknown tag answers -7001;
- with ``autoSendYn`` N the recipients stay requested and undelivered (``msgStatus`` 1, the
  tag send READY), a reserved one's minute passing too: the emulator has no console to send
  them from;
- the ``templateParameter`` applies to every recipient, with or without a ``templateId`` (the
  tag send document, unlike N1's, does not tie it to a template);
- the look-ups refuse a filter over its table's maximum (N15 ``statusCode`` 10; N16
  ``recipientNum`` 20, ``msgStatusName`` and ``resultCode`` 10) with -2012, as
  :func:`~krsms.emulator.nhn.envelope.check_filters` says.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import attrs
from starlette.requests import Request

from krsms.convert import format_seoul_seconds
from krsms.emulator.clock import Clock
from krsms.emulator.nhn.envelope import (
    YES_NO,
    NhnRefusal,
    check_filters,
    format_time,
    json_object,
    matches,
    page,
    parse_date,
    read_json,
)
from krsms.emulator.nhn.sends import NhnSends
from krsms.emulator.nhn.service import NhnService
from krsms.emulator.nhn.state import CANCELLED, MESSAGE_STATUS_NAMES, PROCESSING, REQUESTED, NhnRecipient, NhnState
from krsms.emulator.nhn.tags import NhnTags
from krsms.emulator.nhn.templates import apply_template
from krsms.nhn.checks import MAX_CODE_CHARS, MAX_RECIPIENT_NO_CHARS

TAG_SEND_KINDS = {"sms": ("SMS", "0"), "mms": ("LMS", "1")}
"""Path under ``/tag-sender/`` -> (kind, sendType)."""
TAG_SEND_FILTER_LIMITS = {"statusCode": MAX_CODE_CHARS}
"""The maximum of each text filter of the tag send list (N15)."""
TAG_RECIPIENT_FILTER_LIMITS = {
    "recipientNum": MAX_RECIPIENT_NO_CHARS,
    "msgStatusName": MAX_CODE_CHARS,
    "resultCode": MAX_CODE_CHARS,
}
"""The maximum of each text filter of a tag send's recipients (N16)."""
TAG_SMS_FIELDS = frozenset(
    {"body", "sendNo", "requestDate", "templateId", "templateParameter", "tagExpression", "userId", "adYn",
     "autoSendYn"}
)  # fmt: skip
TAG_MMS_FIELDS = TAG_SMS_FIELDS | {"title", "attachFileIdList"}
MASTER_STATUS_CODES = {
    "MAS00": "WAIT",
    "MAS01": "READY",
    "MAS09": "SENDREADY",
    "MAS10": "SENDWAIT",
    "MAS11": "SENDING",
    "MAS19": "COMPLETE",
    "MAS91": "CANCEL",
    "MAS99": "FAIL",
}


@attrs.define(kw_only=True)
class NhnTagSend:
    """One tag send request (N13/N14)."""

    request_id: str
    request_ip: str | None
    send_type: str
    template_id: str | None
    send_no: str
    tag_expression: list[str]
    title: str | None
    body: str
    ad_yn: str
    auto_send_yn: str
    user_id: str | None
    refused: int
    """Recipients refused at send time (they have no stored result)."""
    created: datetime


class NhnTagSends:
    """The tag send endpoints of one :class:`~krsms.emulator.nhn.service.NhnService`, sending
    through its :class:`~krsms.emulator.nhn.sends.NhnSends` to the UIDs of its
    :class:`~krsms.emulator.nhn.tags.NhnTags`."""

    def __init__(self, service: NhnService, sends: NhnSends, tags: NhnTags):
        self.service = service
        self.state: NhnState = service.state
        self.clock: Clock = service.clock
        self.plain_sends = sends
        self.tags = tags
        self.sends: dict[str, NhnTagSend] = {}
        """Request ID -> tag send request."""
        service.ledger.on_clear(self.forget_sends)

    def forget_sends(self) -> None:
        """Drop every tag send request (their recipients go with the emulator's sends)."""
        self.sends.clear()

    def table(self) -> list[tuple[str, str, Callable[[Request], Any]]]:
        """(method, path under the appKey, handler) of every tag send route."""
        return [
            ("POST", "/tag-sender/sms", self._tag_sender("sms")),
            ("POST", "/tag-sender/mms", self._tag_sender("mms")),
            ("GET", "/tag-sender", self.list_tag_sends),
            ("GET", "/tag-sender/{requestId}", self.tag_send_recipients),
            ("GET", "/tag-sender/{requestId}/{recipientSeq}", self.tag_send_recipient),
        ]

    def _tag_sender(self, path: str) -> Callable[[Request], Any]:
        kind, send_type = TAG_SEND_KINDS[path]

        async def send(request: Request) -> Any:
            body = await read_json(request)
            ip = request.client.host if request.client else None
            return self.tag_send(body, kind=kind, send_type=send_type, request_ip=ip)

        return send

    def tag_send(self, body: Any, *, kind: str, send_type: str, request_ip: str | None) -> dict[str, Any]:
        """N13/N14: resolve the tag expression, then send like N1/N4 to every number found."""
        body = json_object(body, TAG_SMS_FIELDS if send_type == "0" else TAG_MMS_FIELDS)
        ad_yn, auto_send_yn = body.get("adYn", "N"), body.get("autoSendYn", "Y")
        if ad_yn not in YES_NO or auto_send_yn not in YES_NO:
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        expression = body.get("tagExpression")
        numbers = dict.fromkeys(
            number for uid in self.tags.matching_uids(expression) for number in uid.phone_numbers
        )  # ordered, without duplicates
        parameters = body.get("templateParameter")
        recipient: dict[str, Any] = {"templateParameter": parameters} if parameters else {}
        send_body = {
            name: body[name]
            for name in ("templateId", "body", "title", "sendNo", "requestDate", "attachFileIdList", "userId")
            if name in body
        }
        send_body["recipientList"] = [{"recipientNo": number, **recipient} for number in numbers]
        effective = apply_template(self.state.templates, send_body, send_type)
        answer = self.plain_sends.send(
            send_body,
            kind=kind,
            send_type=send_type,
            advertisement=ad_yn == "Y",
            max_recipients=None,
            hold=auto_send_yn == "N",
            fill_without_template=True,
        )
        data = answer["data"]
        self.sends[data["requestId"]] = NhnTagSend(
            request_id=data["requestId"],
            request_ip=request_ip,
            send_type=send_type,
            template_id=body.get("templateId"),
            send_no=effective["sendNo"],
            tag_expression=list(expression),
            title=effective.get("title") if send_type == "1" else None,
            body=effective["body"],
            ad_yn=ad_yn,
            auto_send_yn=auto_send_yn,
            user_id=body.get("userId"),
            refused=sum(result["resultCode"] != 0 for result in data["sendResultList"]),
            created=self.clock.now(),
        )
        return {"data": {"requestId": data["requestId"]}}

    def _tag_status(self, tag_send: NhnTagSend) -> str:
        """The tag send's status: CANCEL when every recipient was cancelled, READY while one
        waits to go out, SENDING while one goes out (``msgStatus`` 2), else COMPLETE (its
        failed recipients counted in ``sendErrorCount``)."""
        records = self.state.by_request.get(tag_send.request_id, [])
        if records and all(record.status == CANCELLED for record in records):
            return "CANCEL"
        if any(record.status == REQUESTED for record in records):
            return "READY"
        if any(record.status == PROCESSING for record in records):
            return "SENDING"
        return "COMPLETE"

    def _tag_send_item(self, tag_send: NhnTagSend) -> dict[str, Any]:
        records = self.state.by_request.get(tag_send.request_id, [])
        status = self._tag_status(tag_send)
        return {
            "requestId": tag_send.request_id,
            "requestIp": tag_send.request_ip,
            "sendType": tag_send.send_type,
            "templateId": tag_send.template_id,
            "templateName": self.state.template_names(tag_send.template_id)["templateName"],
            # In the table, not the example; null: a tag send request carries no sender name or mail.
            "senderName": None,
            "senderMail": None,
            "masterStatusCode": status,
            "tagSendStatus": status,
            "sendNo": tag_send.send_no,
            "requestDate": format_seoul_seconds(records[0].request_date if records else tag_send.created),
            "tagExpression": tag_send.tag_expression,
            "title": tag_send.title,
            "body": tag_send.body,
            "adYn": tag_send.ad_yn,
            "autoSendYn": tag_send.auto_send_yn,
            "sendErrorCount": tag_send.refused + sum(record.failed for record in records),
            "createUser": tag_send.user_id,
            "createDate": format_time(tag_send.created),
            "updateUser": tag_send.user_id,
            "updateDate": format_time(tag_send.created),
        }

    async def list_tag_sends(self, request: Request) -> Any:
        """N15: tag send requests of one ``sendType``, by ``requestId`` or a date window."""
        query = request.query_params
        check_filters(query, TAG_SEND_FILTER_LIMITS)
        send_type = query.get("sendType")
        windows = [
            (start, parse_date(query[start]), parse_date(query[end]))
            for start, end in (("startRequestDate", "endRequestDate"), ("startCreateDate", "endCreateDate"))
            if query.get(start) and query.get(end)
        ]
        if send_type not in ("0", "1") or (not query.get("requestId") and not windows):
            raise NhnRefusal(-2011, "필수 조회 파라미터가 비어있음")
        if any(end - start > timedelta(days=31) for _, start, end in windows):
            raise NhnRefusal(-4000, "조회 범위가 1개월 초과")
        self.service.settle_due()
        status_code = query.get("statusCode")
        wanted_status = MASTER_STATUS_CODES.get(status_code, status_code) if status_code else None
        items = []
        for tag_send in self.sends.values():
            records = self.state.by_request.get(tag_send.request_id, [])
            moments = {
                "startRequestDate": records[0].request_date if records else tag_send.created,
                "startCreateDate": tag_send.created,
            }
            if (
                tag_send.send_type == send_type
                and matches(query, "requestId", tag_send.request_id)
                and all(start <= moments[name] <= end for name, start, end in windows)
                and wanted_status in (None, self._tag_status(tag_send))
            ):
                items.append(self._tag_send_item(tag_send))
        return page(items, request)

    def _tag_records(self, request_id: str) -> list[NhnRecipient]:
        if request_id not in self.sends:
            raise NhnRefusal(-2008, "요청 ID가 유효하지 않음")
        self.service.settle_due()
        return list(self.state.by_request.get(request_id, []))

    async def tag_send_recipients(self, request: Request) -> Any:
        """N16: the recipients of one tag send, in a request date window (required)."""
        query = request.query_params
        check_filters(query, TAG_RECIPIENT_FILTER_LIMITS)
        records = self._tag_records(request.path_params["requestId"])
        if not (query.get("startRequestDate") and query.get("endRequestDate")):
            raise NhnRefusal(-2011, "필수 조회 파라미터가 비어있음")
        windows = [
            (attribute, parse_date(query[start]), parse_date(query[end]))
            for attribute, start, end in (
                ("request_date", "startRequestDate", "endRequestDate"),
                ("result_date", "startResultDate", "endResultDate"),
            )
            if query.get(start) and query.get(end)
        ]
        items = [
            {
                "requestId": record.request_id,
                "recipientSeq": record.seq,
                "countryCode": record.country_code,
                "recipientNo": record.recipient,
                "requestDate": format_time(record.request_date),
                "msgStatus": record.status,
                "msgStatusName": MESSAGE_STATUS_NAMES[record.status],
                "resultCode": record.result_code,
                "receiveDate": format_time(record.result_date),
                "createDate": format_time(record.create_date),
                "updateDate": format_time(record.update_date),
            }
            for record in records
            if matches(query, "recipientNum", record.recipient)
            and matches(query, "msgStatusName", MESSAGE_STATUS_NAMES[record.status])
            and matches(query, "resultCode", record.result_code)
            and all(
                (moment := getattr(record, attribute)) is not None and start <= moment <= end
                for attribute, start, end in windows
            )
        ]
        return page(items, request)

    async def tag_send_recipient(self, request: Request) -> Any:
        """N17: one recipient of a tag send, with the message."""
        for record in self._tag_records(request.path_params["requestId"]):
            if str(record.seq) == request.path_params["recipientSeq"]:
                return {
                    "data": {
                        "requestId": record.request_id,
                        "recipientSeq": record.seq,
                        "sendType": record.send_type,
                        "messageType": record.message_type,
                        "templateId": record.template_id,
                        "templateName": self.state.template_names(record.template_id)["templateName"],
                        "sendNo": record.sender,
                        "recipientNum": record.recipient,
                        "countryCode": record.country_code,
                        "title": record.title,
                        "body": record.body,
                        "requestDate": format_time(record.request_date),
                        "msgStatusName": MESSAGE_STATUS_NAMES[record.status],
                        "msgStatus": record.status,
                        "resultCode": record.result_code,
                        "receiveDate": format_time(record.result_date),
                        "attachFileList": [
                            {
                                "filePath": stored.path,
                                "fileName": stored.name,
                                "fileSize": stored.size,
                                "fileSequence": sequence,
                                "createDate": format_time(stored.created),
                                "updateDate": format_time(stored.created),  # uploads never change
                            }
                            for sequence, stored in enumerate(
                                (self.state.files[file_id] for file_id in record.file_ids), start=1
                            )
                        ],
                    }
                }
        raise NhnRefusal(-2008, "요청 ID가 유효하지 않음")

"""NHN Cloud SMS API v2.2, emulated: tag sends (N13-N17), categories (N19-N23), templates
(N24-N28), the 080 block list (N29-N31), statistics (N33), download reservations (N37-N39),
tags (N40-N43), UIDs (N44-N47) and their phone numbers (N48-N49).

Every route shares :class:`~krsms.emulator.nhn.NhnEmulator`'s state, envelope and appKey check.
Choices where the document is silent:

- a tag send resolves its ``tagExpression`` (tag IDs, ``AND``/``OR`` with AND binding
  tighter, at most one pair of parentheses and three operators, as the UID ``wheres``) to
  the phone numbers of the matching UIDs, sorted by UID, without duplicates, and is then
  stored and recorded like a plain send of its type (N2/N5 find it too); no recipient
  answers -2001; a malformed expression or unknown tag answers -7001; with ``autoSendYn``
  N the recipients stay requested and undelivered (``msgStatus`` 1, the tag send READY):
  the emulator has no console to send them from; the ``templateParameter`` applies to
  every recipient, with or without a ``templateId`` (the tag send document, unlike N1's,
  does not tie it to a template);
- an emulated app starts with one top-level category (ID 1, undeletable: -2205); a
  category without ``categoryParentId`` (or with 0) goes under it; a category that still
  holds categories or templates cannot be deleted (-2201);
- an unknown category answers -2202; an unknown template -2110 on look-up and -2107 on
  update or delete, -2113 once deleted; tags and UIDs answer -7001 for every invalid
  parameter, unknown IDs included;
- a category ``createUser``/``updateUser`` over 100 characters answers -2200 (add) or -2201
  (update); a template ``templateDesc`` over 100 characters or ``sendNo`` over 13 answers
  -2111 (invalid template parameter);
- the block list answers -6004 without an ``unsubscribeNo`` or with one longer than documented
  (25 characters, 20 to remove), -2018 without numbers and -2019 for a malformed number;
  removing answers -2011 without an ``updateUser`` and -2012 for one over 100 characters;
  removing a number that is not listed is not an error;
- where a query parameter's name differs between the document's URL example and its table,
  only the URL example's name is read, the one the SDK sends, so that a test catches a
  client sending the other: removing opt-outs (N31) reads ``recipientNoList`` (comma-joined;
  the table says ``recipientNo``, which is ignored, so the removal answers -2018 without
  numbers), statistics (N33) read ``messageTypes`` and ``contentTypes`` (the table says
  ``messageType``/``contentType``, which are ignored: no filter). No documented example
  uses the table's names;
- a UID entry (N46) without a ``contacts`` list answers -7001;
- statistics count the ledger's NHN deliveries (cancelled ones left out) at their send time
  (the reservation time for reservations), bucketed by ``yyyy-MM-dd`` (DATE), ``HH`` (TIME)
  or ``MON``..``SUN`` (DAY), listing only buckets with requests; ``to`` is inclusive to the
  minute; ``to`` before ``from`` answers -2700, a span over 31 days -2703, a bad parameter
  -2701; refused recipients count as failed;
- a download reservation is made at once (``COMPLETED``) from a snapshot of the matching
  recipients, kept 30 days; its CSV is UTF-8 with a header row (columns
  :data:`CSV_COLUMNS`, plus ``title`` and ``body`` when ``isIncludeTitleAndBody``);
  ``subResultCode`` is accepted but does not filter; a parameter of the wrong JSON type
  answers -9997; an unknown download answers -2008.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import attrs
from starlette.requests import Request
from starlette.responses import Response

from krsms.emulator.clock import SEOUL
from krsms.emulator.inputs import is_digits, parse_moment
from krsms.emulator.nhn import (
    SERVICE_ID,
    TEMPLATE_ATTACH_TYPE,
    NhnCategory,
    NhnEmulator,
    NhnRecipient,
    NhnRefusal,
    NhnTemplate,
    check_types,
    format_seconds,
    format_time,
    random_id,
)

YES_NO = ("Y", "N")
ROOT_CATEGORY_ID = 1
MAX_TEMPLATES = 1000
MAX_USER_CHARS = 100
"""``createUser``/``updateUser`` of categories and the block list."""
MAX_TEMPLATE_DESC_CHARS = 100
MAX_TEMPLATE_SEND_NO_CHARS = 13
MAX_UNSUBSCRIBE_NO_CHARS = 25
MAX_UNSUBSCRIBE_NO_CHARS_TO_REMOVE = 20
TAG_SEND_KINDS = {"sms": ("SMS", "0"), "mms": ("LMS", "1")}
"""Path under ``/tag-sender/`` -> (kind, sendType)."""
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
MESSAGE_STATUS_NAMES = {"0": "FAILED", "1": "READY", "3": "COMPLETED", "4": "CANCEL"}
CATEGORY_FIELDS = frozenset({"categoryParentId", "categoryName", "categoryDesc", "useYn", "createUser"})
CATEGORY_UPDATE_FIELDS = frozenset({"categoryName", "categoryDesc", "useYn", "updateUser"})
TEMPLATE_UPDATE_FIELDS = frozenset(
    {"templateName", "templateDesc", "sendNo", "sendType", "title", "body", "useYn", "attachFileIdList"}
)
TEMPLATE_FIELDS = TEMPLATE_UPDATE_FIELDS | {"categoryId", "templateId"}
DOWNLOAD_FIELDS = frozenset(
    {"sendType", "requestId", "startRequestDate", "endRequestDate", "startCreateDate", "endCreateDate",
     "startResultDate", "endResultDate", "sendNo", "recipientNo", "templateId", "msgStatus", "resultCode",
     "subResultCode", "senderGroupingKey", "recipientGroupingKey", "isIncludeTitleAndBody"}
)  # fmt: skip
DOWNLOAD_FIELD_TYPES: dict[str, type] = {
    **dict.fromkeys(DOWNLOAD_FIELDS - {"isIncludeTitleAndBody"}, str),
    "isIncludeTitleAndBody": bool,
}
"""The JSON type of each N37 field (any of them may be null)."""
DOWNLOAD_KEPT = timedelta(days=30)
CSV_COLUMNS = (
    "requestId", "recipientSeq", "requestDate", "resultDate", "sendNo", "recipientNo", "countryCode", "msgStatus",
    "msgStatusName", "resultCode", "sendType", "messageType", "templateId", "senderGroupingKey",
    "recipientGroupingKey",
)  # fmt: skip
"""Columns of a download reservation's CSV (``title`` and ``body`` follow when asked for)."""
WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
MESSAGE_TYPES = frozenset({"SMS", "LMS", "MMS", "AUTH"})
CONTENT_TYPES = frozenset({"NORMAL", "AD"})
MAX_STATISTICS_SPAN = timedelta(days=31)
MAX_OPERATORS = 3


def _fields(body: Any, allowed: frozenset[str]) -> dict[str, Any]:
    """The JSON object of a request; -9997 when it is not one or has undocumented fields."""
    if not isinstance(body, dict) or set(body) - allowed:
        raise NhnRefusal(-9997, "유효하지 않은 JSON 형식")
    return body


def _fits(value: Any, max_chars: int) -> bool:
    """Whether an optional text field is absent or a string of at most ``max_chars``."""
    return value is None or (isinstance(value, str) and len(value) <= max_chars)


def _unsubscribe_no(value: Any, max_chars: int) -> str:
    """The 080 ``unsubscribeNo`` of a block-list request; -6004 when it is missing or longer
    than ``max_chars`` (no 080 number in use is)."""
    if not isinstance(value, str) or not value or len(value) > max_chars:
        raise NhnRefusal(-6004, "수신거부 번호가 사용되지 않음")
    return value


def _valid_number(number: Any) -> bool:
    return is_digits(number) and 8 <= len(number) <= 20


@attrs.define(kw_only=True)
class TagSend:
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


@attrs.define(kw_only=True)
class Tag:
    """A tag (N41)."""

    tag_id: str
    name: str
    created: datetime
    updated: datetime


@attrs.define(kw_only=True)
class Uid:
    """A UID with its tags and phone numbers (N46)."""

    uid: str
    tag_ids: list[str]
    phone_numbers: dict[str, datetime]
    """Phone number -> when it was added, in insertion order."""


@attrs.define(kw_only=True)
class Download:
    """A download reservation (N37) and its CSV."""

    download_id: str
    parameter: dict[str, Any]
    rows: int
    content: bytes
    created: datetime
    expires: datetime


class NhnManagement:
    """The NHN management endpoints, sharing one :class:`NhnEmulator`'s state."""

    def __init__(self, api: NhnEmulator):
        self.api = api
        self.state = api.state
        self.clock = api.clock
        self.tag_sends: dict[str, TagSend] = {}
        self.tags: dict[str, Tag] = {}
        self.uids: dict[str, Uid] = {}
        self.downloads: dict[str, Download] = {}
        self.deleted_templates: set[str] = set()
        self._category_ids = itertools.count(ROOT_CATEGORY_ID + 1)
        self.state.categories.setdefault(
            ROOT_CATEGORY_ID,
            NhnCategory(
                category_id=ROOT_CATEGORY_ID,
                parent_id=0,
                depth=0,
                name="카테고리",
                description="최상위 카테고리",
                use="Y",
                create_user=None,
                created=self.clock.now(),
            ),
        )
        api.ledger.on_clear(self.forget_sends)

    def forget_sends(self) -> None:
        """Drop every tag send and download reservation (both record sends); tags, UIDs,
        templates and categories stay."""
        self.tag_sends.clear()
        self.downloads.clear()

    def table(self) -> list[tuple[str, str, Callable[[Request], Any]]]:
        """(method, path under the appKey, handler) of every management route."""
        return [
            ("POST", "/tag-sender/sms", self._tag_sender("sms")),
            ("POST", "/tag-sender/mms", self._tag_sender("mms")),
            ("GET", "/tag-sender", self.list_tag_sends),
            ("GET", "/tag-sender/{requestId}", self.tag_send_recipients),
            ("GET", "/tag-sender/{requestId}/{recipientSeq}", self.tag_send_recipient),
            ("POST", "/categories", self.create_category),
            ("GET", "/categories", self.list_categories),
            ("GET", "/categories/{categoryId}", self.get_category),
            ("PUT", "/categories/{categoryId}", self.update_category),
            ("DELETE", "/categories/{categoryId}", self.delete_category),
            ("POST", "/templates", self.create_template),
            ("GET", "/templates", self.list_templates),
            ("GET", "/templates/{templateId}", self.get_template),
            ("PUT", "/templates/{templateId}", self.update_template),
            ("DELETE", "/templates/{templateId}", self.delete_template),
            ("POST", "/blockservice/recipients", self.block),
            ("GET", "/blockservice/recipients", self.list_blocked),
            ("DELETE", "/blockservice/recipients/removes", self.unblock),
            ("GET", "/statistics/view", self.statistics),
            ("POST", "/sender/download-reservations", self.reserve_download),
            ("GET", "/download-reservations", self.list_downloads),
            ("GET", "/download-reservations/{downloadId}/download", self.download),
            ("GET", "/tags", self.list_tags),
            ("POST", "/tags", self.create_tag),
            ("PUT", "/tags/{tagId}", self.update_tag),
            ("DELETE", "/tags/{tagId}", self.delete_tag),
            ("GET", "/uids", self.list_uids),
            ("GET", "/uids/{uid}", self.get_uid),
            ("POST", "/uids", self.create_uids),
            ("DELETE", "/uids/{uid}", self.delete_uid),
            ("POST", "/uids/{uid}/phone-numbers", self.add_phone_number),
            ("DELETE", "/uids/{uid}/phone-numbers/{phoneNumber}", self.remove_phone_number),
        ]

    # -- tag expressions ------------------------------------------------------------------

    def matching_uids(self, expression: Any) -> list[Uid]:
        """The UIDs a tag expression (``["tagA", "AND", "tagB"]``) selects, sorted by UID; -7001
        when it is malformed or names an unknown tag."""
        if not isinstance(expression, list) or not expression:
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        tokens: list[str] = []
        for element in expression:
            if not isinstance(element, str) or not element.strip():
                raise NhnRefusal(-7001, "유효하지 않은 파라미터")
            text = element.strip()
            opening = len(text) - len(text.lstrip("("))
            closing = len(text) - len(text.rstrip(")"))
            core = text[opening : len(text) - closing]
            tokens += ["("] * opening + ([core.upper() if core.upper() in ("AND", "OR") else core] if core else [])
            tokens += [")"] * closing
        if tokens.count("(") > 1 or sum(token in ("AND", "OR") for token in tokens) > MAX_OPERATORS:
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        selected, end = self._either(tokens, 0)
        if end != len(tokens):
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        return [self.uids[uid] for uid in sorted(selected)]

    def _either(self, tokens: list[str], position: int) -> tuple[set[str], int]:
        selected, position = self._both(tokens, position)
        while position < len(tokens) and tokens[position] == "OR":
            right, position = self._both(tokens, position + 1)
            selected |= right
        return selected, position

    def _both(self, tokens: list[str], position: int) -> tuple[set[str], int]:
        selected, position = self._operand(tokens, position)
        while position < len(tokens) and tokens[position] == "AND":
            right, position = self._operand(tokens, position + 1)
            selected &= right
        return selected, position

    def _operand(self, tokens: list[str], position: int) -> tuple[set[str], int]:
        if position >= len(tokens):
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        token = tokens[position]
        if token == "(":
            selected, position = self._either(tokens, position + 1)
            if position >= len(tokens) or tokens[position] != ")":
                raise NhnRefusal(-7001, "유효하지 않은 파라미터")
            return selected, position + 1
        if token not in self.tags:
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        return {uid.uid for uid in self.uids.values() if token in uid.tag_ids}, position + 1

    # -- tag sends ------------------------------------------------------------------------

    def _tag_sender(self, path: str) -> Callable[[Request], Any]:
        kind, send_type = TAG_SEND_KINDS[path]

        async def send(request: Request) -> Any:
            body = await self.api.read_json(request)
            ip = request.client.host if request.client else None
            return self.tag_send(body, kind=kind, send_type=send_type, request_ip=ip)

        return send

    def tag_send(self, body: Any, *, kind: str, send_type: str, request_ip: str | None) -> dict[str, Any]:
        """N13/N14: resolve the tag expression, then send like N1/N4 to every number found."""
        body = _fields(body, TAG_SMS_FIELDS if send_type == "0" else TAG_MMS_FIELDS)
        ad_yn, auto_send_yn = body.get("adYn", "N"), body.get("autoSendYn", "Y")
        if ad_yn not in YES_NO or auto_send_yn not in YES_NO:
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        expression = body.get("tagExpression")
        numbers = dict.fromkeys(
            number for uid in self.matching_uids(expression) for number in uid.phone_numbers
        )  # ordered, without duplicates
        parameters = body.get("templateParameter")
        recipient: dict[str, Any] = {"templateParameter": parameters} if parameters else {}
        send_body = {
            name: body[name]
            for name in ("templateId", "body", "title", "sendNo", "requestDate", "attachFileIdList", "userId")
            if name in body
        }
        send_body["recipientList"] = [{"recipientNo": number, **recipient} for number in numbers]
        effective = self.api.apply_template(send_body, send_type)
        answer = self.api.send(
            send_body,
            kind=kind,
            send_type=send_type,
            advertisement=ad_yn == "Y",
            max_recipients=None,
            hold=auto_send_yn == "N",
            fill_without_template=True,
        )
        data = answer["data"]
        self.tag_sends[data["requestId"]] = TagSend(
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

    def _tag_status(self, tag_send: TagSend) -> str:
        records = self.state.by_request.get(tag_send.request_id, [])
        if records and all(record.status == "4" for record in records):
            return "CANCEL"
        if any(record.status == "1" for record in records):
            return "READY"
        return "COMPLETE"

    def _tag_send_item(self, tag_send: TagSend) -> dict[str, Any]:
        records = self.state.by_request.get(tag_send.request_id, [])
        status = self._tag_status(tag_send)
        return {
            "requestId": tag_send.request_id,
            "requestIp": tag_send.request_ip,
            "sendType": tag_send.send_type,
            "templateId": tag_send.template_id,
            "templateName": self.api.template_names(tag_send.template_id)["templateName"],
            # In the table, not the example; null: a tag send request carries no sender name or mail.
            "senderName": None,
            "senderMail": None,
            "masterStatusCode": status,
            "tagSendStatus": status,
            "sendNo": tag_send.send_no,
            "requestDate": format_seconds(records[0].request_date if records else tag_send.created),
            "tagExpression": tag_send.tag_expression,
            "title": tag_send.title,
            "body": tag_send.body,
            "adYn": tag_send.ad_yn,
            "autoSendYn": tag_send.auto_send_yn,
            "sendErrorCount": tag_send.refused + sum(record.undelivered for record in records),
            "createUser": tag_send.user_id,
            "createDate": format_time(tag_send.created),
            "updateUser": tag_send.user_id,
            "updateDate": format_time(tag_send.created),
        }

    async def list_tag_sends(self, request: Request) -> Any:
        """N15: tag send requests of one ``sendType``, by ``requestId`` or a date window."""
        query = request.query_params
        send_type = query.get("sendType")
        windows = [
            (start, self.api.parse_date(query[start]), self.api.parse_date(query[end]))
            for start, end in (("startRequestDate", "endRequestDate"), ("startCreateDate", "endCreateDate"))
            if query.get(start) and query.get(end)
        ]
        if send_type not in ("0", "1") or (not query.get("requestId") and not windows):
            raise NhnRefusal(-2011, "필수 조회 파라미터가 비어있음")
        if any(end - start > timedelta(days=31) for _, start, end in windows):
            raise NhnRefusal(-4000, "조회 범위가 1개월 초과")
        self.api.settle_due()
        wanted_status = MASTER_STATUS_CODES.get(query.get("statusCode", ""), query.get("statusCode"))
        items = []
        for tag_send in self.tag_sends.values():
            records = self.state.by_request.get(tag_send.request_id, [])
            moments = {
                "startRequestDate": records[0].request_date if records else tag_send.created,
                "startCreateDate": tag_send.created,
            }
            if (
                tag_send.send_type == send_type
                and query.get("requestId") in (None, tag_send.request_id)
                and all(start <= moments[name] <= end for name, start, end in windows)
                and wanted_status in (None, self._tag_status(tag_send))
            ):
                items.append(self._tag_send_item(tag_send))
        return self.api.page(items, request)

    def _tag_records(self, request_id: str) -> list[NhnRecipient]:
        if request_id not in self.tag_sends:
            raise NhnRefusal(-2008, "요청 ID가 유효하지 않음")
        self.api.settle_due()
        return list(self.state.by_request.get(request_id, []))

    async def tag_send_recipients(self, request: Request) -> Any:
        """N16: the recipients of one tag send, in a request date window (required)."""
        records = self._tag_records(request.path_params["requestId"])
        query = request.query_params
        if not (query.get("startRequestDate") and query.get("endRequestDate")):
            raise NhnRefusal(-2011, "필수 조회 파라미터가 비어있음")
        windows = [
            (attribute, self.api.parse_date(query[start]), self.api.parse_date(query[end]))
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
                "updateDate": format_time(record.result_date or record.create_date),
            }
            for record in records
            if query.get("recipientNum") in (None, record.recipient)
            and query.get("msgStatusName") in (None, MESSAGE_STATUS_NAMES[record.status])
            and query.get("resultCode") in (None, record.result_code)
            and all(
                (moment := getattr(record, attribute)) is not None and start <= moment <= end
                for attribute, start, end in windows
            )
        ]
        return self.api.page(items, request)

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
                        "templateName": self.api.template_names(record.template_id)["templateName"],
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

    # -- categories -----------------------------------------------------------------------

    def _category(self, value: str) -> NhnCategory:
        category = self.state.categories.get(int(value)) if is_digits(value) else None
        if category is None:
            raise NhnRefusal(-2202, "유효하지 않은 카테고리")
        return category

    def _category_item(self, category: NhnCategory) -> dict[str, Any]:
        siblings = sorted(
            other.category_id for other in self.state.categories.values() if other.parent_id == category.parent_id
        )
        return {
            "categoryId": category.category_id,
            "categoryParentId": category.parent_id,
            "depth": category.depth,
            "sort": siblings.index(category.category_id),
            "categoryName": category.name,
            "categoryDesc": category.description,
            "useYn": category.use,
            "createDate": format_time(category.created),
            "createUser": category.create_user,
            "updateDate": format_time(category.updated or category.created),
            "updateUser": category.update_user,
        }

    @staticmethod
    def _check_category(body: dict[str, Any], code: int) -> None:
        name, description = body.get("categoryName"), body.get("categoryDesc")
        if not isinstance(name, str) or not name or len(name) > 50:
            raise NhnRefusal(code, "유효하지 않은 카테고리 파라미터")
        if description is not None and (not isinstance(description, str) or len(description) > 100):
            raise NhnRefusal(code, "유효하지 않은 카테고리 파라미터")
        if not all(_fits(body.get(user), MAX_USER_CHARS) for user in ("createUser", "updateUser")):
            raise NhnRefusal(code, "유효하지 않은 카테고리 파라미터")
        if body.get("useYn") not in YES_NO:
            raise NhnRefusal(-2204, "사용 여부가 유효하지 않음")

    async def create_category(self, request: Request) -> Any:
        """N19: add a category (under the top-level one unless ``categoryParentId`` says)."""
        body = _fields(await self.api.read_json(request), CATEGORY_FIELDS)
        self._check_category(body, -2200)
        parent_id = body.get("categoryParentId") or ROOT_CATEGORY_ID
        parent = self.state.categories.get(parent_id) if isinstance(parent_id, int) else None
        if parent is None:
            raise NhnRefusal(-2203, "상위 카테고리가 존재하지 않음")
        category = NhnCategory(
            category_id=next(self._category_ids),
            parent_id=parent.category_id,
            depth=parent.depth + 1,
            name=body["categoryName"],
            description=body.get("categoryDesc"),
            use=body["useYn"],
            create_user=body.get("createUser"),
            created=self.clock.now(),
        )
        self.state.categories[category.category_id] = category
        return {"data": self._category_item(category)}

    async def list_categories(self, request: Request) -> Any:
        """N20: every category, by ID."""
        items = [self._category_item(self.state.categories[key]) for key in sorted(self.state.categories)]
        return self.api.page(items, request)

    async def get_category(self, request: Request) -> Any:
        """N21: one category (a one-element list, as the document shows)."""
        return {"data": [self._category_item(self._category(request.path_params["categoryId"]))]}

    async def update_category(self, request: Request) -> Any:
        """N22: rename, describe or (dis)able a category."""
        category = self._category(request.path_params["categoryId"])
        body = _fields(await self.api.read_json(request), CATEGORY_UPDATE_FIELDS)
        self._check_category(body, -2201)
        category.name = body["categoryName"]
        category.description = body.get("categoryDesc")
        category.use = body["useYn"]
        category.update_user = body.get("updateUser")
        category.updated = self.clock.now()
        return None

    async def delete_category(self, request: Request) -> Any:
        """N23: delete an empty category."""
        category = self._category(request.path_params["categoryId"])
        if category.category_id == ROOT_CATEGORY_ID:
            raise NhnRefusal(-2205, "최상위 카테고리는 삭제할 수 없음")
        if any(other.parent_id == category.category_id for other in self.state.categories.values()) or any(
            template.category_id == category.category_id for template in self.state.templates.values()
        ):
            raise NhnRefusal(-2201, "하위 카테고리나 템플릿이 있는 카테고리")
        del self.state.categories[category.category_id]
        return None

    # -- templates ------------------------------------------------------------------------

    def _template_item(self, template: NhnTemplate) -> dict[str, Any]:
        names = self.api.template_names(template.template_id)
        return {
            "templateId": template.template_id,
            "serviceId": SERVICE_ID,
            "categoryId": template.category_id,
            "categoryName": names["categoryName"],
            "sort": 0,
            "templateName": template.name,
            "templateDesc": template.description,
            "useYn": template.use,
            "priority": "S",
            "sendNo": template.send_no,
            "sendType": template.send_type,
            "sendTypeName": "SMS 발송" if template.send_type == "0" else "LMS/MMS 발송",
            "title": template.title,
            "body": template.body,
            "attachFileYn": "Y" if template.file_ids else "N",
            "delYn": "N",
            "createDate": format_time(template.created),
            "createUser": None,
            "updateDate": format_time(template.updated),
            "updateUser": None,
            "attachFileList": [
                self.api.attachment_detail(
                    file_id, service_id=SERVICE_ID, attach_type=TEMPLATE_ATTACH_TYPE, template_id=template.template_id
                )
                for file_id in template.file_ids
            ],
        }

    def _check_template(self, body: dict[str, Any], template_id: str) -> list[int]:
        """Validate the fields N24 and N27 share; returns the attachment IDs."""
        name, send_no, send_type = body.get("templateName"), body.get("sendNo"), body.get("sendType")
        if not isinstance(name, str) or not name or len(name) > 50:
            raise NhnRefusal(-2102, "템플릿 이름이 비어있음")
        if not _fits(body.get("templateDesc"), MAX_TEMPLATE_DESC_CHARS):
            raise NhnRefusal(-2111, "유효하지 않은 템플릿 파라미터")
        if not isinstance(send_no, str) or not send_no:
            raise NhnRefusal(-2103, "발신 번호가 비어있음")
        if len(send_no) > MAX_TEMPLATE_SEND_NO_CHARS:
            raise NhnRefusal(-2111, "유효하지 않은 템플릿 파라미터")
        if send_no in self.api.config.unregistered_senders:
            raise NhnRefusal(-2312, "발신번호가 비어있거나 미등록 상태")
        if send_type not in ("0", "1"):
            raise NhnRefusal(-2104, "발송 타입이 비어있음")
        title, text = body.get("title"), body.get("body")
        if send_type == "1" and not title:
            raise NhnRefusal(-2114, "제목이 비어있음")
        if title is not None and (not isinstance(title, str) or len(title) > 120):
            raise NhnRefusal(-2115, "제목이 120자 초과")
        if not isinstance(text, str) or not text:
            raise NhnRefusal(-2105, "본문이 비어있음")
        if send_type == "0" and len(text) > 255:
            raise NhnRefusal(-2116, "SMS 본문이 255자 초과")
        if len(text) > 4000:
            raise NhnRefusal(-2117, "LMS/MMS 본문이 4000자 초과")
        if body.get("useYn") not in YES_NO:
            raise NhnRefusal(-2106, "사용 여부가 유효하지 않음")
        file_ids = body.get("attachFileIdList") or []
        if not isinstance(file_ids, list):
            raise NhnRefusal(-9997, "유효하지 않은 JSON 형식")
        if file_ids and send_type == "0":
            raise NhnRefusal(-1006, "유효하지 않은 발송 메시지 타입")
        self.api.check_attachments(file_ids)
        for file_id in file_ids:
            if any(
                file_id in other.file_ids and other.template_id != template_id
                for other in self.state.templates.values()
            ):
                raise NhnRefusal(-2043, "첨부 파일이 이미 다른 템플릿에 등록됨")
        return list(file_ids)

    async def create_template(self, request: Request) -> Any:
        """N24: store a template."""
        body = _fields(await self.api.read_json(request), TEMPLATE_FIELDS)
        if body.get("categoryId") in (None, ""):
            raise NhnRefusal(-2108, "카테고리 ID가 비어있음")
        category = self._category(str(body["categoryId"]))
        template_id = body.get("templateId")
        if not isinstance(template_id, str) or not template_id:
            raise NhnRefusal(-2100, "템플릿 ID가 비어있음")
        if len(template_id) > 50:
            raise NhnRefusal(-2109, "템플릿 ID가 50자 초과")
        if template_id in self.state.templates:
            raise NhnRefusal(-2101, "이미 등록된 템플릿 ID")
        if len(self.state.templates) >= MAX_TEMPLATES:
            raise NhnRefusal(-2112, "등록 가능한 템플릿 수 초과")
        file_ids = self._check_template(body, template_id)
        now = self.clock.now()
        self.state.templates[template_id] = NhnTemplate(
            template_id=template_id,
            category_id=category.category_id,
            name=body["templateName"],
            description=body.get("templateDesc"),
            send_no=body["sendNo"],
            send_type=body["sendType"],
            title=body.get("title"),
            body=body["body"],
            use=body["useYn"],
            file_ids=file_ids,
            created=now,
            updated=now,
        )
        self.deleted_templates.discard(template_id)
        return None

    async def list_templates(self, request: Request) -> Any:
        """N25: templates, optionally of one category or use state."""
        query = request.query_params
        items = [
            self._template_item(template)
            for template in self.state.templates.values()
            if query.get("categoryId") in (None, str(template.category_id))
            and query.get("useYn") in (None, template.use)
        ]
        return self.api.page(items, request)

    async def get_template(self, request: Request) -> Any:
        """N26: one template."""
        template = self.state.templates.get(request.path_params["templateId"])
        if template is None:
            raise NhnRefusal(-2110, "템플릿이 존재하지 않음")
        return {"data": self._template_item(template)}

    def _stored_template(self, template_id: str) -> NhnTemplate:
        if template_id in self.deleted_templates:
            raise NhnRefusal(-2113, "이미 삭제된 템플릿 ID")
        template = self.state.templates.get(template_id)
        if template is None:
            raise NhnRefusal(-2107, "유효하지 않은 템플릿 ID")
        return template

    async def update_template(self, request: Request) -> Any:
        """N27: replace a template's fields."""
        template = self._stored_template(request.path_params["templateId"])
        body = _fields(await self.api.read_json(request), TEMPLATE_UPDATE_FIELDS)
        template.file_ids = self._check_template(body, template.template_id)
        template.name = body["templateName"]
        template.description = body.get("templateDesc")
        template.send_no = body["sendNo"]
        template.send_type = body["sendType"]
        template.title = body.get("title")
        template.body = body["body"]
        template.use = body["useYn"]
        template.updated = self.clock.now()
        return None

    async def delete_template(self, request: Request) -> Any:
        """N28: delete a template."""
        template = self._stored_template(request.path_params["templateId"])
        del self.state.templates[template.template_id]
        self.deleted_templates.add(template.template_id)
        return None

    # -- 080 block list -------------------------------------------------------------------

    @staticmethod
    def _numbers(numbers: Any) -> list[str]:
        if not isinstance(numbers, list) or not numbers:
            raise NhnRefusal(-2018, "수신 번호가 비어있음")
        if not all(_valid_number(number) for number in numbers):
            raise NhnRefusal(-2019, "수신 번호가 유효하지 않음")
        return list(numbers)

    async def block(self, request: Request) -> Any:
        """N29: add numbers to an 080 number's opt-out list."""
        body = _fields(await self.api.read_json(request), frozenset({"unsubscribeNo", "recipientNoList"}))
        unsubscribe_no = _unsubscribe_no(body.get("unsubscribeNo"), MAX_UNSUBSCRIBE_NO_CHARS)
        now = self.clock.now()
        for number in self._numbers(body.get("recipientNoList")):
            self.state.blocked.setdefault((unsubscribe_no, number), now)
        return None

    async def list_blocked(self, request: Request) -> Any:
        """N30: the opt-outs of one 080 number."""
        query = request.query_params
        unsubscribe_no = _unsubscribe_no(query.get("unsubscribeNo"), MAX_UNSUBSCRIBE_NO_CHARS)
        start = self.api.parse_date(query["startRequestDate"]) if query.get("startRequestDate") else None
        end = self.api.parse_date(query["endRequestDate"]) if query.get("endRequestDate") else None
        items = [
            {"unsubscribeNo": number_080, "recipientNo": number, "requestDate": format_time(moment)}
            for (number_080, number), moment in list(self.state.blocked.items())
            if number_080 == unsubscribe_no
            and query.get("recipientNo") in (None, number)
            and (start is None or start <= moment)
            and (end is None or moment <= end)
        ]
        return self.api.page(items, request)

    async def unblock(self, request: Request) -> Any:
        """N31: remove numbers from an 080 number's opt-out list."""
        query = request.query_params
        unsubscribe_no = _unsubscribe_no(query.get("unsubscribeNo"), MAX_UNSUBSCRIBE_NO_CHARS_TO_REMOVE)
        if not query.get("updateUser"):
            raise NhnRefusal(-2011, "필수 파라미터가 비어있음")
        if not _fits(query["updateUser"], MAX_USER_CHARS):
            raise NhnRefusal(-2012, "파라미터가 유효하지 않음")
        listed = query.get("recipientNoList") or ""
        for number in self._numbers([number.strip() for number in listed.split(",") if number.strip()]):
            self.state.blocked.pop((unsubscribe_no, number), None)
        return None

    # -- statistics -----------------------------------------------------------------------

    @staticmethod
    def _choices(request: Request, name: str, allowed: frozenset[str]) -> frozenset[str] | None:
        """The comma-separated values of the query parameter ``name``; -2701 for one not in
        ``allowed``."""
        raw = request.query_params.get(name)
        if not raw:
            return None
        chosen = frozenset(value.strip() for value in raw.split(",") if value.strip())
        if chosen - allowed:
            raise NhnRefusal(-2701, "유효하지 않은 통계 검색 파라미터")
        return chosen

    async def statistics(self, request: Request) -> Any:
        """N33: requested/succeeded/failed/pending counts by date, hour or weekday."""
        query = request.query_params
        search_type = query.get("searchType")
        try:
            start, end = (parse_moment(query[name], "%Y-%m-%d %H:%M", SEOUL) for name in ("from", "to"))
        except (KeyError, ValueError):
            raise NhnRefusal(-2701, "유효하지 않은 통계 검색 파라미터") from None
        if search_type not in ("DATE", "TIME", "DAY"):
            raise NhnRefusal(-2701, "유효하지 않은 통계 검색 파라미터")
        if end < start:
            raise NhnRefusal(-2700, "유효하지 않은 통계 범위")
        if end - start > MAX_STATISTICS_SPAN:
            raise NhnRefusal(-2703, "유효하지 않은 통계 상세 범위")
        message_types = self._choices(request, "messageTypes", MESSAGE_TYPES)
        content_types = self._choices(request, "contentTypes", CONTENT_TYPES)
        self.api.settle_due()
        stored: dict[tuple[str, str], list[NhnRecipient]] = {}
        with self.state.lock:
            for each in self.state.recipients:
                stored.setdefault((each.request_id, each.recipient), []).append(each)
        buckets: dict[tuple[int | str, str], dict[str, int]] = {}
        for delivery in self.api.ledger:
            if delivery.provider != "nhn" or delivery.status == "cancelled":
                continue
            matches = stored.get((delivery.request_id, delivery.recipient)) if delivery.status == "accepted" else None
            record = matches.pop(0) if matches else None
            moment = (record.request_date if record else delivery.accepted_at).astimezone(SEOUL)
            if (
                not start <= moment < end + timedelta(minutes=1)
                or (record is not None and record.status == "4")
                or (
                    message_types is not None
                    and (record.message_type if record else delivery.kind) not in message_types
                )
                or (content_types is not None and ("AD" if delivery.advertisement else "NORMAL") not in content_types)
                or query.get("templateId") not in (None, record.template_id if record else None)
            ):
                continue
            if search_type == "DATE":
                key: tuple[int | str, str] = (moment.strftime("%Y-%m-%d"), moment.strftime("%Y-%m-%d"))
            elif search_type == "TIME":
                key = (moment.hour, moment.strftime("%H"))
            else:
                key = (moment.weekday(), WEEKDAYS[moment.weekday()])
            counts = buckets.setdefault(key, {"requested": 0, "succeed": 0, "failed": 0, "pending": 0})
            counts["requested"] += 1
            if record is None or record.undelivered:
                outcome = "failed"
            else:
                outcome = {"3": "succeed", "1": "pending"}.get(record.status, "failed")
            counts[outcome] += 1
        return {
            "data": [
                {
                    "divisionName": name,
                    "statisticsView": {
                        "requestedCount": counts["requested"],
                        "succeedCount": counts["succeed"],
                        "failedCount": counts["failed"],
                        "pendingCount": counts["pending"],
                        **{
                            f"{outcome}Rate": f"{100 * counts[outcome] / counts['requested']:.2f}"
                            for outcome in ("succeed", "failed", "pending")
                        },
                    },
                }
                for (_, name), counts in sorted(buckets.items(), key=lambda entry: entry[0][0])
            ]
        }

    # -- download reservations ------------------------------------------------------------

    async def reserve_download(self, request: Request) -> Any:
        """N37: snapshot the matching recipients of one ``sendType`` into a CSV."""
        body = _fields(await self.api.read_json(request), DOWNLOAD_FIELDS)
        check_types(body, DOWNLOAD_FIELD_TYPES)
        send_type = body.get("sendType")
        if send_type not in ("0", "1", "2"):
            raise NhnRefusal(-2011, "필수 조회 파라미터가 비어있음")
        records = self.api.select(body, {send_type})
        with_text = body.get("isIncludeTitleAndBody") is True
        output = io.StringIO()
        writer = csv.writer(output, lineterminator="\r\n")
        writer.writerow([*CSV_COLUMNS, *(("title", "body") if with_text else ())])
        for record in records:
            row = [
                record.request_id, record.seq, format_time(record.request_date), format_time(record.result_date),
                record.sender, record.recipient, record.country_code, record.status,
                MESSAGE_STATUS_NAMES[record.status], record.result_code, record.send_type, record.message_type,
                record.template_id, record.grouping_key, record.recipient_grouping_key,
            ]  # fmt: skip
            writer.writerow(row + ([record.title, record.body] if with_text else []))
        now = self.clock.now()
        download = Download(
            download_id=now.strftime("%Y%m%d%H%M%S") + random_id(11),
            parameter=body,
            rows=len(records),
            content=output.getvalue().encode("utf-8"),
            created=now,
            expires=now + DOWNLOAD_KEPT,
        )
        self.downloads[download.download_id] = download
        return {
            "data": {
                "downloadId": download.download_id,
                "downloadType": "TAG" if body.get("requestId") in self.tag_sends else "NORMAL",
                "fileType": "CSV",
                "downloadStatusCode": "COMPLETED",
                "expiredDate": format_time(download.expires),
            }
        }

    def _download_status(self, download: Download) -> str:
        return "EXPIRED" if self.clock.now() > download.expires else "COMPLETED"

    async def list_downloads(self, request: Request) -> Any:
        """N38: download reservations, newest last."""
        query = request.query_params
        items = [
            {
                "downloadId": download.download_id,
                "downloadType": "TAG" if download.parameter.get("requestId") in self.tag_sends else "NORMAL",
                "fileType": "CSV",
                "parameter": json.dumps(download.parameter, ensure_ascii=False),
                "size": download.rows,
                "downloadStatusCode": self._download_status(download),
                "resultMessage": None,
                "expiredDate": format_time(download.expires),
                "createUser": None,
                "createDate": format_time(download.created),
                "updateDate": format_time(download.created),
            }
            for download in self.downloads.values()
            if query.get("downloadId") in (None, download.download_id)
            and query.get("downloadStatusCode") in (None, self._download_status(download))
        ]
        return self.api.page(items, request)

    async def download(self, request: Request) -> Any:
        """N39: the CSV bytes of a download reservation."""
        download = self.downloads.get(request.path_params["downloadId"])
        if download is None or self._download_status(download) == "EXPIRED":
            raise NhnRefusal(-2008, "다운로드 ID가 유효하지 않음")
        return Response(
            download.content,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{download.download_id}.csv"'},
        )

    # -- tags -----------------------------------------------------------------------------

    def _tag(self, tag_id: str) -> Tag:
        tag = self.tags.get(tag_id)
        if tag is None:
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        return tag

    @staticmethod
    def _tag_item(tag: Tag) -> dict[str, Any]:
        return {
            "tagId": tag.tag_id,
            "tagName": tag.name,
            "createdDate": format_seconds(tag.created),
            "updatedDate": format_seconds(tag.updated),
        }

    def _tag_name(self, body: dict[str, Any], tag_id: str | None) -> str:
        name = body.get("tagName")
        if not isinstance(name, str) or not name.strip() or len(name) > 30:
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        if any(tag.name == name and tag.tag_id != tag_id for tag in self.tags.values()):
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        return name

    async def list_tags(self, request: Request) -> Any:
        """N40: every tag."""
        return self.api.page([self._tag_item(tag) for tag in self.tags.values()], request)

    async def create_tag(self, request: Request) -> Any:
        """N41: add a tag (names are unique)."""
        body = _fields(await self.api.read_json(request), frozenset({"tagName"}))
        name = self._tag_name(body, None)
        tag_id = random_id(8)
        while tag_id in self.tags:
            tag_id = random_id(8)
        now = self.clock.now()
        self.tags[tag_id] = Tag(tag_id=tag_id, name=name, created=now, updated=now)
        return {"data": {"tagId": tag_id}}

    async def update_tag(self, request: Request) -> Any:
        """N42: rename a tag."""
        tag = self._tag(request.path_params["tagId"])
        tag.name = self._tag_name(_fields(await self.api.read_json(request), frozenset({"tagName"})), tag.tag_id)
        tag.updated = self.clock.now()
        return None

    async def delete_tag(self, request: Request) -> Any:
        """N43: delete a tag and take it off every UID."""
        tag = self._tag(request.path_params["tagId"])
        del self.tags[tag.tag_id]
        for uid in self.uids.values():
            if tag.tag_id in uid.tag_ids:
                uid.tag_ids.remove(tag.tag_id)
        return None

    # -- UIDs -----------------------------------------------------------------------------

    def _uid(self, value: str) -> Uid:
        uid = self.uids.get(value)
        if uid is None:
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        return uid

    def _uid_item(self, uid: Uid) -> dict[str, Any]:
        return {
            "uid": uid.uid,
            "tags": [self._tag_item(self.tags[tag_id]) for tag_id in uid.tag_ids],
            "contacts": [
                {"contactType": "PHONE_NUMBER", "contact": number, "createdDate": format_seconds(moment)}
                for number, moment in uid.phone_numbers.items()
            ],
        }

    async def list_uids(self, request: Request) -> Any:
        """N44: UIDs, optionally matching ``wheres``, paged by ``offsetUid``/``offset``/``limit``."""
        query = request.query_params
        wheres = [part for value in query.getlist("wheres") for part in value.split(",") if part]
        selected = self.matching_uids(wheres) if wheres else [self.uids[uid] for uid in sorted(self.uids)]
        raw_offset, raw_limit = query.get("offset", "0"), query.get("limit", "15")
        if not is_digits(raw_offset) or not is_digits(raw_limit):
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        offset, limit = int(raw_offset), int(raw_limit)
        if not 1 <= limit <= 1000:
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        after = [uid for uid in selected if uid.uid > query["offsetUid"]] if query.get("offsetUid") else selected
        window = after[offset : offset + limit]
        return {
            "data": {
                "uids": [self._uid_item(uid) for uid in window],
                "last": offset + limit >= len(after),
                "totalCount": len(selected),
            }
        }

    async def get_uid(self, request: Request) -> Any:
        """N45: one UID."""
        return {"data": self._uid_item(self._uid(request.path_params["uid"]))}

    async def create_uids(self, request: Request) -> Any:
        """N46: add UIDs, or add tags and phone numbers to existing ones."""
        body = _fields(await self.api.read_json(request), frozenset({"uids"}))
        entries = body.get("uids")
        if not isinstance(entries, list) or not entries:
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        for raw in entries:
            entry = _fields(raw, frozenset({"uid", "tagIds", "contacts"}))
            tag_ids, contacts = entry.get("tagIds"), entry.get("contacts")
            if (
                not isinstance(entry.get("uid"), str)
                or not entry["uid"]
                or not isinstance(tag_ids, list)
                or any(not isinstance(tag_id, str) or tag_id not in self.tags for tag_id in tag_ids)
                or not isinstance(contacts, list)
                or not all(
                    isinstance(contact, dict)
                    and contact.get("contactType") == "PHONE_NUMBER"
                    and _valid_number(contact.get("contact"))
                    for contact in contacts
                )
            ):
                raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        now = self.clock.now()
        for entry in entries:
            uid = self.uids.setdefault(entry["uid"], Uid(uid=entry["uid"], tag_ids=[], phone_numbers={}))
            uid.tag_ids.extend(tag_id for tag_id in dict.fromkeys(entry["tagIds"]) if tag_id not in uid.tag_ids)
            for contact in entry["contacts"]:
                uid.phone_numbers.setdefault(contact["contact"], now)
        return None

    async def delete_uid(self, request: Request) -> Any:
        """N47: delete a UID."""
        del self.uids[self._uid(request.path_params["uid"]).uid]
        return None

    async def add_phone_number(self, request: Request) -> Any:
        """N48: add a phone number to a UID."""
        uid = self._uid(request.path_params["uid"])
        number = _fields(await self.api.read_json(request), frozenset({"phoneNumber"})).get("phoneNumber")
        if not _valid_number(number):
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        uid.phone_numbers.setdefault(str(number), self.clock.now())
        return None

    async def remove_phone_number(self, request: Request) -> Any:
        """N49: remove a phone number from a UID."""
        uid = self._uid(request.path_params["uid"])
        if uid.phone_numbers.pop(request.path_params["phoneNumber"], None) is None:
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        return None

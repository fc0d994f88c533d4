"""NHN Cloud SMS API v2.2, emulated: the send endpoints, look-ups and reservations.

The answer envelope, request reading and the checks every endpoint shares are in
:mod:`~krsms.emulator.nhn.envelope`, the stored records in :mod:`~krsms.emulator.nhn.state`.
The other endpoints live in a module each, and :meth:`NhnEmulator.routes` serves them with
the appKey check: tag sends in :mod:`~krsms.emulator.nhn.tag_sends`,
categories and templates in :mod:`~krsms.emulator.nhn.templates` (sends with a
``templateId`` use the stored template, N24), the 080 block list in
:mod:`~krsms.emulator.nhn.block_list`, statistics in :mod:`~krsms.emulator.nhn.statistics`,
download reservations in :mod:`~krsms.emulator.nhn.downloads`, tags and UIDs in
:mod:`~krsms.emulator.nhn.tags`.

Choices where the document is silent:

- a wrong or unknown appKey answers -1001; a missing or wrong ``X-Secret-Key`` (when the
  emulator is configured with one) answers HTTP 401 with code -1000;
- one invalid recipient number (fullwidth digits included) fails the whole request with
  -2019; numbers configured in ``rejected_numbers`` are accepted per request but answer
  their non-zero ``resultCode`` in ``sendResultList`` (the SDK reports them REJECTED);
- sender numbers need no registration: a ``sendNo`` is registered unless it is one of the
  configured ``unregistered_senders`` or cannot be a sender number (digits, at most 13); a
  send or template from an unregistered one answers -2312. N32 reads the same rule
  (:meth:`NhnEmulator.is_registered_sender`): it lists the demo senders
  (:data:`REGISTERED_SENDERS`, less any configured unregistered) and each sender an accepted
  send used, and its ``sendNo`` filter finds any registered number;
- a reservation more than 60 days ahead answers -2000 (invalid date);
- a title over 120 characters answers -2115, an SMS body over 255 -2116, an LMS/MMS body over
  4000 -2117: the document gives these limits but not what a send over them answers, and
  these are its only codes for them (listed under templates);
- an ``internationalRecipientNo`` alone is answered (``sendResultList``) and listed as its
  country code and national number, as the document's N1 example answers ``821000000000``
  with ``01000000000``: the code is the E.164 calling code the number starts with (these are
  prefix-free: 1 and 7 have one digit, a short table lists the two-digit ones, every other
  code has three), the national number the rest, with the trunk 0 in front for Korea. A
  ``countryCode`` beside it is not read (the number carries its own). The ledger keeps the
  number as written; the configured per-number rules and the 080 block list match a
  recipient by that, its national number or its international form
  (:mod:`krsms.emulator.numbers`), so a rule for ``010-0000-0001`` applies to
  ``internationalRecipientNo`` ``821000000001`` too;
- an LMS or MMS (anything sent through ``/sender/mms``, the section the document's "MMS
  cannot be sent outside Korea" heads) to a recipient outside Korea (a ``countryCode``
  other than 82, or an ``internationalRecipientNo`` alone whose calling code is not 82)
  answers -1006 (invalid message type);
- a ``templateId`` that is not stored answers -2110, one of the other send type -2006; an empty
  ``body``/``sendNo``/``title``/``attachFileIdList`` is taken from the template;
- ``templateParameter`` fills ``##key##`` only in a send with a ``templateId`` (N1-N11 give it
  "テンプレートID入力時"); without one the body is sent as written. Tag sends fill it
  either way: their document does not tie it to a template;
- an advertisement to a number on the 080 block list (N29) of the 080 number its opt-out line
  names (the number that ends the body, as the -6003 check reads it; an ``unsubscribeNo``
  written with hyphens is the same number) is accepted per request and answers
  ``resultCode`` -6001 for that recipient; another 080 number's list does not apply, nor
  digits elsewhere in the body;
- N18 takes ``fileBody`` as Base64 text or as an array of byte values (0-255), the two forms
  its table gives, with the same name, size and extension checks; another value answers
  -2010 (invalid upload type). Its required ``createUser`` missing or empty answers -9997,
  as a reservation cancel (N36) without its required ``updateUser`` does: neither has a code
  of its own;
- N12 answers -1006 (invalid ``messageType``) for a ``messageType`` other than SMS, LMS,
  MMS and AUTH, written as its table writes them (``sms`` too); an empty one filters nothing;
- the send look-ups (N2, N5, N8) filter by every documented parameter, the result date
  window (``startResultDate``/``endResultDate``: recipients with no result yet are outside
  it) included, except ``subResultCode``: the code table it refers to is not in the
  document, so it is accepted and does not filter.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, TypeGuard

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from krsms.convert import SEOUL, format_seoul_seconds
from krsms.emulator.clock import Clock
from krsms.emulator.config import EmulatorConfig
from krsms.emulator.inputs import in_euc_kr, is_digits, is_recipient_number, parse_moment, same_secret
from krsms.emulator.ledger import Delivery, Ledger
from krsms.emulator.nhn.envelope import (
    NhnRefusal,
    check_types,
    envelope,
    format_time,
    page,
    parse_date,
    random_id,
    read_json,
)
from krsms.emulator.nhn.state import SUCCESS_CODE, NhnFile, NhnRecipient, NhnState
from krsms.emulator.numbers import KOREA_COUNTRY_CODE, first_rule, rule_names, split_international

PREFIX = "/sms/v2.2/appKeys/{appKey}"
MAX_RECIPIENTS = 1000
MAX_FILE_BYTES = 300 * 1024
MAX_RESERVE_AHEAD = timedelta(days=60)
MAX_TITLE_CHARS = 120
MAX_SMS_BODY_CHARS = 255
MAX_LONG_BODY_CHARS = 4000
REGISTERED_SENDERS = ("15446859", "0212345678", "0200000000")
"""The demo sender numbers N32 lists from the start. They are not the only registered ones:
see :meth:`NhnEmulator.is_registered_sender`."""
AD_PREFIX = "(광고)"
AD_OPT_OUT_AT_END = re.compile(r"\[?(?:무료수신거부|무료거부)\]?:?(080\d{7,8})$")
"""The last words of an advertisement, spaces and hyphens removed (the document's examples:
``[무료수신거부]080...``, ``[무료거부]080...``); its group is the 080 number."""
SEPARATORS = re.compile(r"[\s-]")
"""What an advertisement's opt-out line and an 080 number may be written with besides digits."""
SEND_FIELDS = frozenset(
    {"templateId", "body", "title", "sendNo", "requestDate", "senderGroupingKey", "recipientList", "userId",
     "attachFileIdList", "statsId", "originCode"}
)  # fmt: skip
RECIPIENT_FIELDS = frozenset(
    {"recipientNo", "countryCode", "internationalRecipientNo", "templateParameter", "recipientGroupingKey"}
)
SEND_FIELD_TYPES: dict[str, type] = {
    **dict.fromkeys(SEND_FIELDS - {"recipientList", "attachFileIdList"}, str),
    "recipientList": list,
    "attachFileIdList": list,
}
"""The JSON type of each send field (any of them may be null)."""
RECIPIENT_FIELD_TYPES: dict[str, type] = {
    **dict.fromkeys(RECIPIENT_FIELDS - {"templateParameter"}, str),
    "templateParameter": dict,
}
PLAIN_RECIPIENT_FIELDS = RECIPIENT_FIELDS - {"templateParameter"}
"""The ``recipientList`` fields :func:`_plainly_valid` checks in bulk: all text."""
PLAIN_NUMBERS = re.compile(r"(?:[0-9]{8,20}\n)*")
"""Numbers of 8 to 20 ASCII digits, each ended by a newline: valid in and outside Korea."""
SEND_KINDS = {
    "sms": ("SMS", "0", False),
    "mms": ("LMS", "1", False),
    "auth/sms": ("SMS", "2", False),
    "ad-sms": ("SMS", "0", True),
    "ad-mms": ("LMS", "1", True),
}
"""Path under ``/sender/`` -> (kind, sendType, advertisement)."""
SENDER_FILTERS = ("sendNo", "useYn", "blockYn")
"""Query parameters of N32 that filter on the answered field of the same name."""
LIST_KINDS = {"sms": "0", "mms": "1", "auth/sms": "2"}
RESULT_MESSAGE_TYPES = ("SMS", "LMS", "MMS", "AUTH")
"""The ``messageType`` values of N12, as its table writes them."""
MAX_SEND_NO_CHARS = 13
"""The longest ``sendNo`` of a send (its table's 13)."""
SERVICE_ID = 1
"""The emulated app's ``serviceId`` (the document's examples show NHN's own, e.g. 71191)."""
TEMPLATE_ATTACH_TYPE = 2
"""``attachType`` of a template's attachment (0 temporary, 1 upload, 2 template)."""
UPLOAD_TYPE = "TEMPORARY"
"""``uploadType`` of every attachment: the only value the document's examples show."""
SAVE_NAME_RANDOM_CHARS = 7
"""Random characters in a ``saveFileName`` after the upload date (``20230918KKkqQC0.jpg``)."""


class NhnEmulator:
    """The routes and rules of one emulated NHN appKey."""

    def __init__(self, config: EmulatorConfig, ledger: Ledger, clock: Clock):
        self.config = config
        self.ledger = ledger
        self.clock = clock
        self.state: NhnState = NhnState()
        self.state.senders.update(dict.fromkeys(REGISTERED_SENDERS, clock.now()))
        self._file_ids = itertools.count(1)
        ledger.on_clear(self.forget_sends)

    def forget_sends(self) -> None:
        """Drop every stored send (look-ups, reservations); files, templates and the rest stay."""
        with self.state.lock:
            self.state.recipients.clear()
            self.state.by_request.clear()

    def routes(self) -> list[BaseRoute]:
        """Every route, with full paths."""
        table: list[tuple[str, str, Callable[[Request], Any]]] = [
            *(("POST", f"/sender/{path}", self._sender(path)) for path in SEND_KINDS),
            *(("GET", f"/sender/{path}", self._lister(send_type)) for path, send_type in LIST_KINDS.items()),
            *(
                ("GET", f"/sender/{path}/{{requestId}}", self._getter(send_type))
                for path, send_type in LIST_KINDS.items()
            ),
            ("GET", "/message-results", self.message_results),
            ("POST", "/attachfile/binaryUpload", self.upload),
            ("GET", "/sendNos", self.sender_numbers),
            ("GET", "/reservations", self.reservations),
            ("GET", "/reservations/{requestId}/{recipientSeq}", self.reservation),
            ("PUT", "/reservations/cancel", self.cancel_reservations),
        ]
        # Imported here: the resource modules build on this one.
        from krsms.emulator.nhn.block_list import NhnBlockList
        from krsms.emulator.nhn.downloads import NhnDownloads
        from krsms.emulator.nhn.statistics import NhnStatistics
        from krsms.emulator.nhn.tag_sends import NhnTagSends
        from krsms.emulator.nhn.tags import NhnTags
        from krsms.emulator.nhn.templates import NhnTemplates

        tags = NhnTags(self)
        tag_sends = NhnTagSends(self, tags)
        table += [
            *tag_sends.table(),
            *NhnTemplates(self).table(),
            *NhnBlockList(self).table(),
            *NhnStatistics(self).table(),
            *NhnDownloads(self, tag_sends.sends).table(),
            *tags.table(),
        ]
        routes: list[BaseRoute] = [
            Route(PREFIX + path, self._guarded(handler), methods=[method]) for method, path, handler in table
        ]
        routes.append(
            Route(PREFIX + "/{rest:path}", self._guarded(self.unknown), methods=["GET", "POST", "PUT", "DELETE"])
        )
        return routes

    def _guarded(self, handler: Callable[[Request], Any]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            try:
                if not same_secret(request.path_params["appKey"], self.config.nhn_app_key):
                    raise NhnRefusal(-1001, "존재하지 않는 앱키")
                if self.config.nhn_secret_key is not None and not same_secret(
                    request.headers.get("x-secret-key", ""), self.config.nhn_secret_key
                ):
                    raise NhnRefusal(-1000, "유효하지 않은 시크릿 키", status=401)
                body = await handler(request)
            except NhnRefusal as refusal:
                return envelope(None, code=refusal.code, message=refusal.message, status=refusal.status)
            return body if isinstance(body, Response) else envelope(body)

        return endpoint

    async def unknown(self, request: Request) -> Any:
        """Any other path under the appKey: -9998."""
        raise NhnRefusal(-9998, "존재하지 않는 API")

    # -- sends ----------------------------------------------------------------------------

    def _sender(self, path: str) -> Callable[[Request], Any]:
        kind, send_type, advertisement = SEND_KINDS[path]

        async def send(request: Request) -> Any:
            return self.send(await read_json(request), kind=kind, send_type=send_type, advertisement=advertisement)

        return send

    def send(
        self,
        body: Any,
        *,
        kind: str,
        send_type: str,
        advertisement: bool,
        max_recipients: int | None = MAX_RECIPIENTS,
        hold: bool = False,
        fill_without_template: bool = False,
    ) -> dict[str, Any]:
        """N1/N4/N7/N10/N11 (and the tag sends, without a recipient limit): validate, store and
        record a send. ``hold`` keeps an immediate send requested but undelivered (a tag send
        with ``autoSendYn`` N); ``fill_without_template`` fills ``##key##`` from the
        ``templateParameter`` even without a ``templateId`` (as the tag sends do)."""
        if not isinstance(body, dict) or set(body) - SEND_FIELDS:
            raise NhnRefusal(-9997, "유효하지 않은 JSON 형식")
        check_types(body, SEND_FIELD_TYPES)
        fills_parameters = fill_without_template or bool(body.get("templateId"))
        body = self.apply_template(body, send_type)
        sender = body.get("sendNo")
        if not self.is_registered_sender(sender):
            raise NhnRefusal(-2312, "발신번호가 비어있거나 미등록 상태")
        text = body.get("body")
        title = body.get("title") if kind != "SMS" else None
        if not isinstance(text, str) or not text or (kind != "SMS" and not title):
            raise NhnRefusal(-2014, "제목 또는 본문이 비어있음")
        _check_characters(text)
        if title is not None:
            _check_characters(title)
        self._check_lengths(kind, text, title)
        opt_out = AD_OPT_OUT_AT_END.search(SEPARATORS.sub("", text)) if advertisement else None
        if advertisement and not (text.startswith(AD_PREFIX) and opt_out):
            raise NhnRefusal(-6003, "본문에 수신거부 안내 문구가 없음")
        file_ids = body.get("attachFileIdList") or []
        if file_ids and kind == "SMS":
            raise NhnRefusal(-1006, "유효하지 않은 발송 메시지 타입")
        self.check_attachments(file_ids)
        if file_ids:
            kind = "MMS"
        recipients = body.get("recipientList")
        if not isinstance(recipients, list) or not recipients:
            raise NhnRefusal(-2001, "수신자가 비어있음")
        if max_recipients is not None and len(recipients) > max_recipients:
            raise NhnRefusal(-2016, "수신자가 1,000명 초과")
        _check_recipients(recipients)
        if kind != "SMS" and any(_abroad(item) for item in recipients):
            raise NhnRefusal(-1006, "MMS는 국외로 발송할 수 없음")
        now = self.clock.now()
        reserve_at = self._reservation(body.get("requestDate"), now)
        request_id = now.strftime("%Y%m%d%H%M%S") + random_id(11)
        stored: list[NhnRecipient] = []
        deliveries: list[Delivery] = []
        results = []
        # What every recipient shares, looked up once.
        attachments = tuple(file_ids)
        grouping_key = body.get("senderGroupingKey")
        reserved_for = body.get("requestDate")
        template_id = body.get("templateId")
        user_id = body.get("userId")
        rejected = self.config.rejected_numbers
        undeliverable = self.config.undeliverable_numbers
        blocked = self._blocked_numbers(opt_out[1]) if opt_out else frozenset()
        delivered_now = reserve_at is None and not hold
        for seq, item in enumerate(recipients, start=1):
            # The number as written keys the ledger; NHN answers and lists the national number
            # with its country code; the configured rules and the block list name it either way.
            number = item.get("recipientNo") or item["internationalRecipientNo"]
            country_code, national_number = _destination(item)
            names = rule_names(number, country_code, national_number)
            code = first_rule(rejected, names) or 0
            if code == 0 and not blocked.isdisjoint(names):
                code = -6001
            results.append(
                {
                    "recipientNo": national_number,
                    "resultCode": code,
                    "resultMessage": "SUCCESS" if code == 0 else "FAIL",
                    "recipientSeq": seq,
                    "recipientGroupingKey": item.get("recipientGroupingKey"),
                }
            )
            message_text = _substitute(text, item.get("templateParameter")) if fills_parameters else text
            deliveries.append(
                Delivery(
                    provider="nhn",
                    request_id=request_id,
                    recipient=number,
                    country_code=country_code,
                    national_number=national_number,
                    sender=sender,
                    kind=kind,
                    text=message_text,
                    subject=title,
                    advertisement=advertisement,
                    reserved_for=reserved_for,
                    status="accepted" if code == 0 else "rejected",
                    result_code=str(code),
                    grouping_key=grouping_key,
                    accepted_at=now,
                )
            )
            if code != 0:
                continue
            record = NhnRecipient(
                request_id=request_id,
                seq=seq,
                send_type=send_type,
                kind=kind,
                title=title,
                body=message_text,
                sender=sender,
                recipient=national_number,
                country_code=country_code,
                grouping_key=grouping_key,
                recipient_grouping_key=item.get("recipientGroupingKey"),
                template_id=template_id,
                advertisement=advertisement,
                request_date=reserve_at or now,
                create_date=now,
                reserved=reserve_at is not None,
                file_ids=attachments,
                delivery=deliveries[-1],
                user_id=user_id,
                template_parameter=_json_text(item.get("templateParameter")),
            )
            if delivered_now:
                record.settle(now, first_rule(undeliverable, names))
            stored.append(record)
        self.ledger.record(deliveries)
        with self.state.lock:
            self.state.recipients.extend(stored)
            self.state.by_request[request_id] = stored
            self.state.senders.setdefault(sender, now)
        return {
            "data": {
                "requestId": request_id,
                "statusCode": "2",
                "senderGroupingKey": grouping_key,
                "sendResultList": results,
            }
        }

    def is_registered_sender(self, number: object) -> TypeGuard[str]:
        """Whether ``number`` is a registered sender number: the one rule the sends, the
        templates and N32 read. The emulator does not ask for senders to be registered: every
        number that can be one is, except the configured ``unregistered_senders``. One can be
        if it is digits (N32's example) and at most 13 of them (the send table's ``sendNo``)."""
        return is_digits(number) and len(number) <= MAX_SEND_NO_CHARS and number not in self.config.unregistered_senders

    def apply_template(self, body: dict[str, Any], send_type: str) -> dict[str, Any]:
        """Fill the empty fields of a send from its stored template."""
        template_id = body.get("templateId")
        if not template_id:
            return body
        template = self.state.templates.get(str(template_id))
        if template is None:
            raise NhnRefusal(-2110, "템플릿이 존재하지 않음")
        if template.send_type != ("1" if send_type == "1" else "0"):
            raise NhnRefusal(-2006, "템플릿의 발송 타입과 요청한 발송 타입이 다름")
        defaults = {
            "body": template.body,
            "sendNo": template.send_no,
            "title": template.title,
            "attachFileIdList": template.file_ids,
        }
        return {**body, **{name: value for name, value in defaults.items() if not body.get(name)}}

    def _blocked_numbers(self, opt_out: str) -> frozenset[str]:
        """The recipients an advertisement whose opt-out line names the 080 number ``opt_out``
        must not reach: those on that number's block list (N29), kept without separators
        however its ``unsubscribeNo`` was written (``080-123-4567``)."""
        return frozenset(
            recipient for unsubscribe_no, recipient in list(self.state.blocked) if unsubscribe_no == opt_out
        )

    @staticmethod
    def _check_lengths(kind: str, text: str, title: str | None) -> None:
        """Refuse a title over 120 characters (-2115), an SMS body over 255 (-2116) or an
        LMS/MMS body over 4000 (-2117)."""
        if title is not None and len(title) > MAX_TITLE_CHARS:
            raise NhnRefusal(-2115, "제목이 120자 초과")
        if kind == "SMS" and len(text) > MAX_SMS_BODY_CHARS:
            raise NhnRefusal(-2116, "SMS 본문이 255자 초과")
        if len(text) > MAX_LONG_BODY_CHARS:
            raise NhnRefusal(-2117, "LMS/MMS 본문이 4000자 초과")

    def check_attachments(self, file_ids: list[Any]) -> None:
        """-9997 for an ``attachFileIdList`` entry that is not an ID, -2004 for one not uploaded."""
        for file_id in file_ids:
            if isinstance(file_id, bool) or not isinstance(file_id, (int, str)):
                raise NhnRefusal(-9997, "유효하지 않은 JSON 형식")
            if file_id not in self.state.files:
                raise NhnRefusal(-2004, "첨부 파일이 존재하지 않음")

    def _reservation(self, value: Any, now: datetime) -> datetime | None:
        if value in (None, ""):
            return None
        try:
            moment = parse_moment(str(value), "%Y-%m-%d %H:%M", SEOUL)
        except ValueError:
            raise NhnRefusal(-2000, "유효하지 않은 날짜 형식") from None
        if moment < now - timedelta(minutes=1):
            raise NhnRefusal(-2022, "요청 일시가 현재 시간보다 이전")
        if moment - now > MAX_RESERVE_AHEAD:
            raise NhnRefusal(-2000, "예약 일시는 60일 이내")
        return moment

    def settle_due(self) -> None:
        """Deliver the reservations whose time has come."""
        now = self.clock.now()
        with self.state.lock:
            for record in self.state.recipients:
                if record.reserved and record.status == "1" and record.request_date <= now:
                    record.settle(now, first_rule(self.config.undeliverable_numbers, record.rule_names))

    # -- look-ups -------------------------------------------------------------------------

    def template_names(self, template_id: str | None) -> dict[str, Any]:
        """``templateName``, ``categoryId`` and ``categoryName`` of a stored template (or nulls)."""
        template = self.state.templates.get(template_id or "")
        category = self.state.categories.get(template.category_id) if template else None
        return {
            "templateName": template.name if template else None,
            "categoryId": template.category_id if template else None,
            "categoryName": category.name if category else None,
        }

    def _item(self, record: NhnRecipient) -> dict[str, Any]:
        item: dict[str, Any] = {
            "requestId": record.request_id,
            "requestDate": format_time(record.request_date),
            "resultDate": format_time(record.result_date),
            "templateId": record.template_id,
            **self.template_names(record.template_id),
            "body": record.body,
            "sendNo": record.sender,
            "countryCode": record.country_code,
            "recipientNo": record.recipient,
            "msgStatus": record.status,
            "msgStatusName": {"0": "실패", "1": "요청", "3": "성공", "4": "예약취소"}.get(record.status, ""),
            "resultCode": record.result_code,
            "resultCodeName": "성공"
            if record.result_code == SUCCESS_CODE
            else ("실패" if record.result_code else None),
            "telecomCode": 10001 if record.result_date else None,
            "telecomCodeName": "SKT" if record.result_date else None,
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
            item["attachFileList"] = [self.attachment_detail(file_id) for file_id in record.file_ids]
        return item

    def attachment(self, file_id: int) -> dict[str, Any]:
        """One ``attachFileList`` entry of a reservation: the stored file's id, path and name."""
        stored = self.state.files[file_id]
        return {"fileId": file_id, "filePath": stored.path, "fileName": stored.name}

    def attachment_detail(
        self,
        file_id: int,
        *,
        service_id: int | None = None,
        attach_type: int | None = None,
        template_id: str | None = None,
    ) -> dict[str, Any]:
        """One ``attachFileList`` entry of a send (N5/N6) or template (N25/N26) look-up: the
        stored upload, with the owner fields the caller gives. ``updateDate``/``updateUser``
        are null: the emulator never modifies an uploaded file."""
        stored = self.state.files[file_id]
        return {
            "fileId": file_id,
            "serviceId": service_id,
            "attachType": attach_type,
            "templateId": template_id,
            "filePath": stored.path,
            "fileName": stored.name,
            "saveFileName": stored.save_name,
            "fileSize": stored.size,
            "createDate": format_time(stored.created),
            "createUser": stored.create_user,
            "updateDate": None,
            "updateUser": None,
            "uploadType": UPLOAD_TYPE,
            "existFileName": stored.save_name,
        }

    def windows(self, query: Mapping[str, Any]) -> list[tuple[str, datetime, datetime]]:
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

    def result_window(self, query: Mapping[str, Any]) -> tuple[datetime, datetime] | None:
        """The ``startResultDate``-``endResultDate`` window of a look-up, when it gives one
        (an open end is unbounded)."""
        start, end = query.get("startResultDate"), query.get("endResultDate")
        if not start and not end:
            return None
        return (
            parse_date(str(start)) if start else datetime.min.replace(tzinfo=SEOUL),
            parse_date(str(end)) if end else datetime.max.replace(tzinfo=SEOUL),
        )

    def select(self, query: Mapping[str, Any], send_types: set[str]) -> list[NhnRecipient]:
        """The stored recipients a look-up (or a download reservation) asks for: by ``requestId``
        or a request/create date window (at most a month), then by the documented filters."""
        request_id = query.get("requestId")
        windows = self.windows(query)
        if any(end - start > timedelta(days=31) for _, start, end in windows):
            raise NhnRefusal(-4000, "조회 범위가 1개월 초과")
        if not request_id and not windows:
            raise NhnRefusal(-2011, "필수 조회 파라미터가 비어있음")
        self.settle_due()
        filters = {
            "sendNo": "sender",
            "recipientNo": "recipient",
            "templateId": "template_id",
            "msgStatus": "status",
            "senderGroupingKey": "grouping_key",
            "recipientGroupingKey": "recipient_grouping_key",
        }
        with self.state.lock:
            candidates = (
                list(self.state.by_request.get(str(request_id), [])) if request_id else list(self.state.recipients)
            )
        selected = []
        results_between = self.result_window(query)
        for record in candidates:
            if record.send_type not in send_types:
                continue
            if not _within(record, windows):
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
                if query.get(name) is not None
            ):
                selected.append(record)
        return selected

    def _lister(self, send_type: str) -> Callable[[Request], Any]:
        async def list_sends(request: Request) -> Any:
            return page([self._item(record) for record in self.select(request.query_params, {send_type})], request)

        return list_sends

    def _getter(self, send_type: str) -> Callable[[Request], Any]:
        async def get_send(request: Request) -> Any:
            mt_pr = request.query_params.get("mtPr", "")
            if not is_digits(mt_pr):
                raise NhnRefusal(-2012, "상세 조회 파라미터가 유효하지 않음")
            self.settle_due()
            for record in self.state.by_request.get(request.path_params["requestId"], []):
                if record.seq == int(mt_pr) and record.send_type == send_type:
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
        self.settle_due()
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
                "telecomCode": "10001",
                "telecomCodeName": "SKT",
                "senderGroupingKey": record.grouping_key,
                "recipientGroupingKey": record.recipient_grouping_key,
            }
            for record in list(self.state.recipients)
            if record.result_date is not None
            and start <= record.result_date <= end
            and message_type in (None, record.message_type)
        ]
        return page(items, request)

    # -- attachments and sender numbers ---------------------------------------------------

    async def upload(self, request: Request) -> Any:
        """N18: store an MMS image. ``createUser`` is required (its table's 必須): without it, or
        empty, -9997, as N36 answers without its required ``updateUser``."""
        body = await read_json(request)
        if not isinstance(body, dict) or set(body) - {"fileName", "createUser", "fileBody"}:
            raise NhnRefusal(-9997, "유효하지 않은 JSON 형식")
        check_types(body, {"createUser": str})
        if not body.get("createUser"):
            raise NhnRefusal(-9997, "유효하지 않은 JSON 형식")
        name = body.get("fileName")
        if not isinstance(name, str) or not name or len(name) > 45:
            raise NhnRefusal(-2002, "첨부 파일 이름이 유효하지 않음")
        if not name.lower().endswith((".jpg", ".jpeg")):
            raise NhnRefusal(-2003, "첨부 파일 확장자가 jpg, jpeg가 아님")
        content = _file_content(body.get("fileBody"))
        if not content:
            raise NhnRefusal(-2004, "첨부 파일이 존재하지 않음")
        if len(content) > MAX_FILE_BYTES:
            raise NhnRefusal(-2005, "첨부 파일 크기가 300KB 초과")
        file_id, now = next(self._file_ids), self.clock.now()
        stored = NhnFile(
            file_id=file_id,
            name=name,
            path=f"0/toast-mt-{now:%Y-%m-%d}/{file_id}",
            save_name=f"{now:%Y%m%d}{random_id(SAVE_NAME_RANDOM_CHARS)}{name[name.rindex('.') :]}",
            size=len(content),
            create_user=body.get("createUser"),
            created=now,
        )
        self.state.files[file_id] = stored
        return {"data": {"fileId": file_id, "fileName": stored.name, "filePath": stored.path}}

    async def sender_numbers(self, request: Request) -> Any:
        """N32: registered sender numbers (all in use and unblocked), filtered by ``sendNo``,
        ``useYn`` and ``blockYn``. Listed are the demo senders (less any configured
        unregistered) and each sender an accepted send used; a ``sendNo`` filter also finds any
        other number :meth:`is_registered_sender` takes (registered, though never used)."""
        query = request.query_params
        with self.state.lock:
            senders = dict(self.state.senders)
        senders.setdefault(query.get("sendNo", ""), self.clock.now())
        items = [
            {"appKey": None, "serviceId": SERVICE_ID, "sendNo": number, "useYn": "Y", "blockYn": "N",
             "blockReason": None, "createDate": format_seoul_seconds(created), "createUser": "emulator",
             "updateDate": format_seoul_seconds(created), "updateUser": "emulator"}
            for number, created in senders.items()
            if self.is_registered_sender(number)
        ]  # fmt: skip
        return page([item for item in items if _matches(item, query, SENDER_FILTERS)], request)

    # -- reservations ---------------------------------------------------------------------

    def _reservation_item(self, record: NhnRecipient, *, detail: bool = False) -> dict[str, Any]:
        """An N34 item, or with ``detail`` the N35 data: that always answers ``attachFileList``
        (empty for an SMS), as its example and table show; N34 keeps it for LMS/MMS only."""
        status = {"1": "RESERVED", "4": "CANCEL", "3": "COMPLETED", "0": "FAILED"}[record.status]
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
            "templateName": self.template_names(record.template_id)["templateName"],
            "title": record.title,
            "body": record.body,
            "messageStatus": status,
            "createUser": None,
            "createDate": format_time(record.create_date),
            "updateDate": format_time(record.result_date or record.create_date),
        }
        if detail or record.send_type == "1":
            item["attachFileList"] = [self.attachment(file_id) for file_id in record.file_ids]
        return item

    async def reservations(self, request: Request) -> Any:
        """N34: reserved recipients."""
        self.settle_due()
        query = request.query_params
        status_filter = query.get("messageStatus")
        windows = self.windows(query)
        items = [
            self._reservation_item(record)
            for record in list(self.state.recipients)
            if record.reserved
            and query.get("requestId") in (None, record.request_id)
            and query.get("sendType") in (None, record.send_type)
            and query.get("recipientNo") in (None, record.recipient)
            and query.get("sendNo") in (None, record.sender)
            and query.get("templateId") in (None, record.template_id)
            and _within(record, windows)
        ]
        if status_filter:
            items = [item for item in items if item["messageStatus"] == status_filter]
        return page(items, request)

    async def reservation(self, request: Request) -> Any:
        """N35: one reserved recipient."""
        self.settle_due()
        for record in self.state.by_request.get(request.path_params["requestId"], []):
            if str(record.seq) == request.path_params["recipientSeq"] and record.reserved:
                return {"data": self._reservation_item(record, detail=True)}
        raise NhnRefusal(-2008, "요청 ID가 유효하지 않음")

    async def cancel_reservations(self, request: Request) -> Any:
        """N36: cancel reserved recipients that have not gone out (each one in the ledger too)."""
        body = await read_json(request)
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("reservationList"), list)
            or not all(isinstance(item, dict) for item in body["reservationList"])
            or not body.get("updateUser")
        ):
            raise NhnRefusal(-9997, "유효하지 않은 JSON 형식")
        self.settle_due()
        canceled = 0
        for item in body["reservationList"]:
            for record in self.state.by_request.get(str(item.get("requestId")), []):
                if record.seq == item.get("recipientSeq") and record.reserved and record.status == "1":
                    record.status = "4"
                    self.ledger.cancel_recipient(record.delivery)
                    canceled += 1
        return {"data": {"requestedCount": len(body["reservationList"]), "canceledCount": canceled}}


def _file_content(file_body: Any) -> bytes:
    """The file an N18 ``fileBody`` holds: Base64 text, or (its table's "またはバイト配列値") a
    JSON array of byte values, integers 0 to 255; nothing when it is missing or null. -2010
    (invalid upload type) for anything else: text that is not Base64, an array with another
    value (a negative, 256, ``true``, ``1.5``, ``"1"``), another JSON type."""
    if file_body is None:
        return b""
    if isinstance(file_body, str):
        try:
            return base64.b64decode(file_body, validate=True)
        except (binascii.Error, ValueError):
            pass
    elif isinstance(file_body, list) and all(type(value) is int and 0 <= value <= 255 for value in file_body):
        return bytes(file_body)
    raise NhnRefusal(-2010, "첨부 파일 업로드 타입이 유효하지 않음")


def _check_characters(text: str) -> None:
    """-2023 for a character EUC-KR cannot carry (emoji, or a syllable only CP949 has, such as
    똠) in a title, a body or what fills it."""
    if not in_euc_kr(text):
        raise NhnRefusal(-2023, "제목 또는 본문에 허용되지 않는 문자(Emoji 등)가 포함됨")


def _check_recipient(item: Any) -> None:
    """One ``recipientList`` entry: -9997 when it is not the documented object, -2018 without
    a number, -2019 for a number that is not 8 to 20 ASCII digits (4 to 20 abroad), -2023 for
    a template parameter the body could not carry once filled in."""
    if not isinstance(item, dict) or set(item) - RECIPIENT_FIELDS:
        raise NhnRefusal(-9997, "유효하지 않은 JSON 형식")
    check_types(item, RECIPIENT_FIELD_TYPES)
    number = item.get("recipientNo") or item.get("internationalRecipientNo")
    if not number:
        raise NhnRefusal(-2018, "수신 번호가 비어있음")
    if not is_recipient_number(number, _destination(item)[0]):
        raise NhnRefusal(-2019, "수신 번호가 유효하지 않음")
    for value in (item.get("templateParameter") or {}).values():
        _check_characters(str(value))


def _check_recipients(recipients: list[Any]) -> None:
    """Check every ``recipientList`` entry as :func:`_check_recipient` does, failing with the
    first invalid entry's code. A list :func:`_plainly_valid` proves valid in bulk is not
    walked entry by entry: the common case, checked in about a sixth of the time."""
    if not _plainly_valid(recipients):
        for item in recipients:
            _check_recipient(item)


def _plainly_valid(recipients: list[Any]) -> bool:
    """Whether every entry is an object of text (or null) fields, with a ``recipientNo`` of
    8 to 20 ASCII digits and no ``templateParameter``: enough for :func:`_check_recipient`
    to pass each one. Checked a field at a time, the numbers with one regular expression.

    A false answer says nothing: an entry with a ``templateParameter``, or a 4-digit number
    abroad, may still be valid, and is checked on its own."""
    if set(map(type, recipients)) != {dict}:
        return False
    fields = set(itertools.chain.from_iterable(recipients))
    if not fields <= PLAIN_RECIPIENT_FIELDS:
        return False
    if any(not {type(item.get(name)) for item in recipients} <= {str, type(None)} for name in fields):
        return False
    numbers = [item.get("recipientNo") for item in recipients]
    return set(map(type, numbers)) == {str} and PLAIN_NUMBERS.fullmatch("\n".join(numbers) + "\n") is not None


def _substitute(text: str, parameters: dict[str, Any] | None) -> str:
    """``text`` with each ``##key##`` of a template replaced by its ``templateParameter`` value."""
    for key, value in (parameters or {}).items():
        text = text.replace(f"##{key}##", str(value))
    return text


def _within(record: NhnRecipient, windows: list[tuple[str, datetime, datetime]]) -> bool:
    return all(start <= getattr(record, attribute) <= end for attribute, start, end in windows)


def _destination(recipient: Mapping[str, Any]) -> tuple[str, str]:
    """(``countryCode``, ``recipientNo``) of a checked ``recipientList`` entry: its
    ``recipientNo`` with its ``countryCode`` (82 when none), else its ``internationalRecipientNo``
    split by :func:`split_international` (a ``countryCode`` beside that is not read: the number
    carries its own, and the default 82 could contradict it)."""
    if recipient.get("recipientNo"):
        return str(recipient.get("countryCode") or KOREA_COUNTRY_CODE), str(recipient["recipientNo"])
    return split_international(str(recipient["internationalRecipientNo"]))


def _abroad(recipient: Mapping[str, Any]) -> bool:
    """Whether a ``recipientList`` entry is outside Korea: its country code (see
    :func:`_destination`) is not 82."""
    return _destination(recipient)[0] != KOREA_COUNTRY_CODE


def _matches(item: Mapping[str, Any], query: Mapping[str, Any], names: tuple[str, ...]) -> bool:
    """Whether ``item`` has the value of every one of ``names`` that ``query`` gives."""
    return all(query.get(name) in (None, item[name]) for name in names)


def _json_text(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def nhn_routes(config: EmulatorConfig, ledger: Ledger, clock: Clock) -> list[BaseRoute]:
    """The NHN routes of an emulator."""
    return NhnEmulator(config, ledger, clock).routes()

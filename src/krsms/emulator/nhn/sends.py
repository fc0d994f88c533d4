"""NHN Cloud SMS API v2.2, emulated: the sends (N1 SMS, N4 LMS/MMS, N7 authentication SMS,
N10/N11 advertisements), each validated, stored for the look-ups and recorded in the ledger.

Choices where the document is silent:

- numbers configured in ``rejected_numbers`` are accepted per request but answer their
  non-zero ``resultCode`` in ``sendResultList`` (the SDK reports them REJECTED);
- a reservation more than 60 days ahead answers -2000 (invalid date);
- a title over 120 characters answers -2115, an SMS body over 255 -2116, an LMS/MMS body over
  4000 -2117: the document gives these limits but not what a send over them answers, and
  these are its only codes for them (listed under templates);
- an LMS or MMS (anything sent through ``/sender/mms``, the section the document's "MMS
  cannot be sent outside Korea" heads) to a recipient outside Korea (a ``countryCode``
  other than 82, or an ``internationalRecipientNo`` alone whose calling code is not 82)
  answers -1006 (invalid message type);
- ``templateParameter`` fills ``##key##`` only in a send with a ``templateId`` (N1-N11 give it
  "テンプレートID入力時"); without one the body is sent as written. Tag sends fill it
  either way: their document does not tie it to a template;
- an advertisement to a number on the 080 block list (N29) of the 080 number its opt-out line
  names (the number that ends the body, as the -6003 check reads it; an ``unsubscribeNo``
  written with hyphens is the same number) is accepted per request and answers
  ``resultCode`` -6001 for that recipient; another 080 number's list does not apply, nor
  digits elsewhere in the body.

The recipients are checked by :mod:`~krsms.emulator.nhn.recipients`, the sender by
:mod:`~krsms.emulator.nhn.senders`; a ``templateId`` fills the send from
:mod:`~krsms.emulator.nhn.templates`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request

from krsms.convert import SEOUL
from krsms.emulator.clock import Clock
from krsms.emulator.config import EmulatorConfig
from krsms.emulator.inputs import parse_moment
from krsms.emulator.ledger import Delivery, Ledger
from krsms.emulator.nhn.block_list import SEPARATORS, blocked_numbers
from krsms.emulator.nhn.envelope import NhnRefusal, check_characters, check_types, random_id, read_json
from krsms.emulator.nhn.recipients import check_recipients, destination, is_abroad
from krsms.emulator.nhn.senders import is_registered_sender
from krsms.emulator.nhn.service import NhnService
from krsms.emulator.nhn.state import NhnRecipient, NhnState
from krsms.emulator.nhn.templates import apply_template
from krsms.emulator.nhn.uploads import check_attachments
from krsms.emulator.numbers import first_rule, rule_names

MAX_RECIPIENTS = 1000
MAX_RESERVE_AHEAD = timedelta(days=60)
MAX_TITLE_CHARS = 120
MAX_SMS_BODY_CHARS = 255
MAX_LONG_BODY_CHARS = 4000
AD_PREFIX = "(광고)"
AD_OPT_OUT_AT_END = re.compile(r"\[?(?:무료수신거부|무료거부)\]?:?(080\d{7,8})$")
"""The last words of an advertisement, spaces and hyphens removed (the document's examples:
``[무료수신거부]080...``, ``[무료거부]080...``); its group is the 080 number."""
SEND_FIELDS = frozenset(
    {"templateId", "body", "title", "sendNo", "requestDate", "senderGroupingKey", "recipientList", "userId",
     "attachFileIdList", "statsId", "originCode"}
)  # fmt: skip
SEND_FIELD_TYPES: dict[str, type] = {
    **dict.fromkeys(SEND_FIELDS - {"recipientList", "attachFileIdList"}, str),
    "recipientList": list,
    "attachFileIdList": list,
}
"""The JSON type of each send field (any of them may be null)."""
SEND_KINDS = {
    "sms": ("SMS", "0", False),
    "mms": ("LMS", "1", False),
    "auth/sms": ("SMS", "2", False),
    "ad-sms": ("SMS", "0", True),
    "ad-mms": ("LMS", "1", True),
}
"""Path under ``/sender/`` -> (kind, sendType, advertisement)."""


class NhnSends:
    """The send endpoints of one :class:`~krsms.emulator.nhn.service.NhnService`, storing what
    they accept in its state and recording it in its ledger."""

    def __init__(self, service: NhnService):
        self.config: EmulatorConfig = service.config
        self.ledger: Ledger = service.ledger
        self.clock: Clock = service.clock
        self.state: NhnState = service.state

    def table(self) -> list[tuple[str, str, Callable[[Request], Any]]]:
        """(method, path under the appKey, handler) of every send route."""
        return [("POST", f"/sender/{path}", self._sender(path)) for path in SEND_KINDS]

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
        body = apply_template(self.state.templates, body, send_type)
        sender = body.get("sendNo")
        if not is_registered_sender(sender, self.config):
            raise NhnRefusal(-2312, "발신번호가 비어있거나 미등록 상태")
        text = body.get("body")
        title = body.get("title") if kind != "SMS" else None
        if not isinstance(text, str) or not text or (kind != "SMS" and not title):
            raise NhnRefusal(-2014, "제목 또는 본문이 비어있음")
        check_characters(text)
        if title is not None:
            check_characters(title)
        self._check_lengths(kind, text, title)
        opt_out = AD_OPT_OUT_AT_END.search(SEPARATORS.sub("", text)) if advertisement else None
        if advertisement and not (text.startswith(AD_PREFIX) and opt_out):
            raise NhnRefusal(-6003, "본문에 수신거부 안내 문구가 없음")
        file_ids = body.get("attachFileIdList") or []
        if file_ids and kind == "SMS":
            raise NhnRefusal(-1006, "유효하지 않은 발송 메시지 타입")
        check_attachments(file_ids, self.state.files)
        if file_ids:
            kind = "MMS"
        recipients = body.get("recipientList")
        if not isinstance(recipients, list) or not recipients:
            raise NhnRefusal(-2001, "수신자가 비어있음")
        if max_recipients is not None and len(recipients) > max_recipients:
            raise NhnRefusal(-2016, "수신자가 1,000명 초과")
        check_recipients(recipients)
        if kind != "SMS" and any(is_abroad(item) for item in recipients):
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
        blocked = blocked_numbers(self.state, opt_out[1]) if opt_out else frozenset()
        delivered_now = reserve_at is None and not hold
        for seq, item in enumerate(recipients, start=1):
            # The number as written keys the ledger; NHN answers and lists the national number
            # with its country code; the configured rules and the block list name it either way.
            number = item.get("recipientNo") or item["internationalRecipientNo"]
            country_code, national_number = destination(item)
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


def _substitute(text: str, parameters: dict[str, Any] | None) -> str:
    """``text`` with each ``##key##`` of a template replaced by its ``templateParameter`` value."""
    for key, value in (parameters or {}).items():
        text = text.replace(f"##{key}##", str(value))
    return text


def _json_text(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)

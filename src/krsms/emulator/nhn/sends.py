"""NHN Cloud SMS API v2.2, emulated: the sends (N1 SMS, N4 LMS/MMS, N7 authentication SMS,
N10/N11 advertisements), each validated, stored for the look-ups and recorded in the ledger.

Choices where the document is silent:

- numbers configured in ``rejected_numbers`` are accepted per request but answer their
  non-zero ``resultCode`` in ``sendResultList`` (the SDK reports them REJECTED);
- a reservation more than 60 days ahead answers -2000 (invalid date);
- a ``userId`` or ``senderGroupingKey`` over its table's 100 characters, or a
  ``recipientGroupingKey`` over 100 (SMS: N1, N7, N10) or 1,000 (LMS/MMS: N4, N11, as the N4
  table gives it), answers -9997, as other fields not the documented JSON do: the error
  table has no code for them; nothing is sent;
- a title over 120 characters answers -2115, an SMS body over 255 -2116, an LMS/MMS body over
  4000 -2117: the document gives these limits but not what a send over them answers, and
  these are its only codes for them (listed under templates);
- an LMS or MMS (anything sent through ``/sender/mms``, the section the document's "MMS
  cannot be sent outside Korea" heads) to a recipient outside Korea (a ``countryCode``
  other than 82, or an ``internationalRecipientNo`` alone whose calling code is not 82)
  answers -1006 (invalid message type);
- ``templateParameter`` fills ``##key##`` (in the body and the title: the document does not
  say, and krsms reads a template's keys from both) only in a send with a ``templateId``
  (N1-N11 give it "テンプレートID入力時"); without one the body is sent as written. Tag sends
  fill it either way: their document does not tie it to a template;
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

import attrs
from starlette.requests import Request

from krsms.convert import SEOUL
from krsms.emulator.clock import Clock
from krsms.emulator.config import EmulatorConfig
from krsms.emulator.inputs import parse_moment
from krsms.emulator.ledger import Delivery, Ledger
from krsms.emulator.nhn.block_list import SEPARATORS, blocked_numbers
from krsms.emulator.nhn.envelope import (
    NhnRefusal,
    check_characters,
    check_types,
    has_text,
    over_limit,
    random_id,
    read_json,
)
from krsms.emulator.nhn.recipients import check_recipients, destination, is_abroad
from krsms.emulator.nhn.senders import is_registered_sender
from krsms.emulator.nhn.service import NhnService
from krsms.emulator.nhn.state import NhnRecipient, NhnRequest, NhnState, message_type
from krsms.emulator.nhn.templates import apply_template
from krsms.emulator.nhn.uploads import check_attachments
from krsms.emulator.numbers import first_rule, rule_names
from krsms.nhn.checks import (
    MAX_LONG_RECIPIENT_GROUPING_KEY_CHARS,
    MAX_RECIPIENT_GROUPING_KEY_CHARS,
    MAX_SENDER_GROUPING_KEY_CHARS,
    MAX_USER_ID_CHARS,
)

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
SEND_FIELD_LIMITS = {"userId": MAX_USER_ID_CHARS, "senderGroupingKey": MAX_SENDER_GROUPING_KEY_CHARS}
"""The maximum of each send field the error table gives no code for (-9997 above it)."""
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
        self.service = service
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
        record a send. ``hold`` keeps a send requested but undelivered, reserved or not (a tag
        send with ``autoSendYn`` N); ``fill_without_template`` fills ``##key##`` from the
        ``templateParameter`` even without a ``templateId`` (as the tag sends do).

        The checks run in a fixed order, the first broken rule deciding the code: the message
        (:meth:`_message`), then the recipients (:func:`_recipient_list`), then the
        reservation time (:func:`_reservation`)."""
        message = self._message(
            body,
            kind=kind,
            send_type=send_type,
            advertisement=advertisement,
            fill_without_template=fill_without_template,
        )
        recipients = _recipient_list(message, max_recipients)
        now = self.clock.now()
        reserve_at = _reservation(message.request_date, now)
        request_id = now.strftime("%Y%m%d%H%M%S") + random_id(11)
        accepted = _Acceptance(request_id=request_id, now=now, reserve_at=reserve_at, held=hold)
        results, deliveries, stored = self._accept(message, recipients, accepted)
        with self.state.lock:
            self.state.requests[request_id] = NhnRequest(
                message_type=message_type(send_type, message.kind), template_id=message.template_id
            )
        self.ledger.record(deliveries)
        with self.state.lock:
            self.state.recipients.extend(stored)
            self.state.by_request[request_id] = stored
            self.state.senders.setdefault(message.sender, now)
        return {
            "data": {
                "requestId": request_id,
                "statusCode": "2",
                "senderGroupingKey": message.grouping_key,
                "sendResultList": results,
            }
        }

    def _message(
        self, body: Any, *, kind: str, send_type: str, advertisement: bool, fill_without_template: bool
    ) -> _Message:
        """Read and check what every recipient of a send shares: the JSON (-9997, a
        ``userId`` or ``senderGroupingKey`` over 100 characters too), the template it names,
        the sender (-2312), the title and body, the advertisement's opt-out line and the
        attachments."""
        if not isinstance(body, dict) or set(body) - SEND_FIELDS or over_limit(body, SEND_FIELD_LIMITS):
            raise NhnRefusal(-9997, "유효하지 않은 JSON 형식")
        check_types(body, SEND_FIELD_TYPES)
        fields = apply_template(self.state.templates, body, send_type)
        sender = fields.get("sendNo")
        if not is_registered_sender(sender, self.config):
            raise NhnRefusal(-2312, "발신번호가 비어있거나 미등록 상태")
        text, title = _content(fields, kind)
        opt_out = _opt_out(text) if advertisement else None
        file_ids = fields.get("attachFileIdList") or []
        if file_ids and kind == "SMS":
            raise NhnRefusal(-1006, "유효하지 않은 발송 메시지 타입")
        check_attachments(file_ids, self.state.files)
        return _Message(
            kind="MMS" if file_ids else kind,
            send_type=send_type,
            advertisement=advertisement,
            sender=sender,
            text=text,
            title=title,
            file_ids=tuple(file_ids),
            opt_out=opt_out,
            fills_parameters=fill_without_template or bool(body.get("templateId")),
            recipient_list=fields.get("recipientList"),
            request_date=fields.get("requestDate"),
            grouping_key=fields.get("senderGroupingKey"),
            template_id=fields.get("templateId"),
            user_id=fields.get("userId"),
        )

    def _accept(
        self, message: _Message, recipients: list[dict[str, Any]], accepted: _Acceptance
    ) -> tuple[list[dict[str, Any]], list[Delivery], list[NhnRecipient]]:
        """Each recipient's ``sendResultList`` entry and ledger delivery, and the stored
        recipients: those not refused by a configured rule (their ``resultCode``) or by the
        080 block list (-6001)."""
        results = []
        deliveries: list[Delivery] = []
        stored: list[NhnRecipient] = []
        # What every recipient shares, looked up once.
        rejected = self.config.rejected_numbers
        blocked = blocked_numbers(self.state, message.opt_out) if message.opt_out else frozenset()
        delivered_now = accepted.delivered_now
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
            text, title = message.filled(item.get("templateParameter"))
            delivery = message.delivery(accepted, number, country_code, national_number, text, title, code)
            deliveries.append(delivery)
            if code != 0:
                continue
            record = message.record(accepted, seq, item, country_code, national_number, text, title, delivery)
            if delivered_now:
                self.service.settle(record, accepted.now, names)
            stored.append(record)
        return results, deliveries, stored


@attrs.frozen(kw_only=True)
class _Message:
    """What every recipient of a checked send shares (its empty fields filled from its
    template), with its ``recipientList`` and ``requestDate`` as written, checked next."""

    kind: str
    """``SMS``, ``LMS``, or ``MMS`` for an LMS with attachments."""
    send_type: str
    advertisement: bool
    sender: str
    text: str
    title: str | None
    file_ids: tuple[Any, ...]
    opt_out: str | None
    """The 080 number an advertisement's opt-out line names."""
    fills_parameters: bool
    """Whether ``##key##`` is filled from each recipient's ``templateParameter``."""
    recipient_list: Any
    request_date: Any
    grouping_key: str | None
    template_id: str | None
    user_id: str | None

    def filled(self, parameters: dict[str, Any] | None) -> tuple[str, str | None]:
        """The body and title one recipient gets: each ``##key##`` of both filled from its
        ``parameters`` when the send fills them (a template's title holds placeholders as its
        body does, and krsms reads the keys of both)."""
        if not self.fills_parameters:
            return self.text, self.title
        title = None if self.title is None else _substitute(self.title, parameters)
        return _substitute(self.text, parameters), title

    def delivery(
        self,
        accepted: _Acceptance,
        number: str,
        country_code: str,
        national_number: str,
        text: str,
        title: str | None,
        code: int,
    ) -> Delivery:
        """The ledger's record of one recipient, ``number`` as the request wrote it, refused
        with ``code`` unless it is 0."""
        return Delivery(
            provider="nhn",
            request_id=accepted.request_id,
            recipient=number,
            country_code=country_code,
            national_number=national_number,
            sender=self.sender,
            kind=self.kind,
            text=text,
            subject=title,
            advertisement=self.advertisement,
            reserved_for=self.request_date,
            status="accepted" if code == 0 else "rejected",
            result_code=str(code),
            grouping_key=self.grouping_key,
            accepted_at=accepted.now,
        )

    def record(
        self,
        accepted: _Acceptance,
        seq: int,
        item: dict[str, Any],
        country_code: str,
        national_number: str,
        text: str,
        title: str | None,
        delivery: Delivery,
    ) -> NhnRecipient:
        """The stored recipient ``seq`` of the send, ``item`` of its ``recipientList``, for the
        look-ups."""
        return NhnRecipient(
            request_id=accepted.request_id,
            seq=seq,
            send_type=self.send_type,
            kind=self.kind,
            title=title,
            body=text,
            sender=self.sender,
            recipient=national_number,
            country_code=country_code,
            grouping_key=self.grouping_key,
            recipient_grouping_key=item.get("recipientGroupingKey"),
            template_id=self.template_id,
            advertisement=self.advertisement,
            request_date=accepted.reserve_at or accepted.now,
            create_date=accepted.now,
            reserved=accepted.reserve_at is not None,
            held=accepted.held,
            file_ids=self.file_ids,
            delivery=delivery,
            user_id=self.user_id,
            template_parameter=_json_text(item.get("templateParameter")),
        )


@attrs.frozen(kw_only=True)
class _Acceptance:
    """When and as what request a checked send was accepted."""

    request_id: str
    now: datetime
    reserve_at: datetime | None
    held: bool
    """Kept requested and undelivered, reserved or not (a tag send with ``autoSendYn`` N)."""

    @property
    def delivered_now(self) -> bool:
        """Whether the recipients are handed to the carrier at once."""
        return self.reserve_at is None and not self.held


def _content(fields: dict[str, Any], kind: str) -> tuple[str, str | None]:
    """The body and (but for an SMS) title of a send: -2014 when one is missing, empty or
    spaces alone, -2023 for a character EUC-KR lacks, -2115/-2116/-2117 when one is too long."""
    text = fields.get("body")
    title = fields.get("title") if kind != "SMS" else None
    if not has_text(text) or (kind != "SMS" and not has_text(title)):
        raise NhnRefusal(-2014, "제목 또는 본문이 비어있음")
    check_characters(text)
    if title is not None:
        check_characters(title)
    _check_lengths(kind, text, title)
    return text, title


def _check_lengths(kind: str, text: str, title: str | None) -> None:
    """Refuse a title over 120 characters (-2115), an SMS body over 255 (-2116) or an
    LMS/MMS body over 4000 (-2117)."""
    if title is not None and len(title) > MAX_TITLE_CHARS:
        raise NhnRefusal(-2115, "제목이 120자 초과")
    if kind == "SMS" and len(text) > MAX_SMS_BODY_CHARS:
        raise NhnRefusal(-2116, "SMS 본문이 255자 초과")
    if len(text) > MAX_LONG_BODY_CHARS:
        raise NhnRefusal(-2117, "LMS/MMS 본문이 4000자 초과")


def _opt_out(text: str) -> str:
    """The 080 number an advertisement's body ends with in its opt-out line; -6003 when it does
    not start with (광고) and end with that line."""
    opt_out = AD_OPT_OUT_AT_END.search(SEPARATORS.sub("", text))
    if not (text.startswith(AD_PREFIX) and opt_out):
        raise NhnRefusal(-6003, "본문에 수신거부 안내 문구가 없음")
    return opt_out[1]


def _recipient_list(message: _Message, max_recipients: int | None) -> list[dict[str, Any]]:
    """The checked ``recipientList`` of a send: -2001 when it is empty, -2016 over
    ``max_recipients``, an entry's code (:func:`check_recipients`), -9997 for a
    ``recipientGroupingKey`` over 100 characters (1,000 for LMS/MMS), -1006 for an LMS or MMS
    to a number abroad."""
    recipients = message.recipient_list
    if not isinstance(recipients, list) or not recipients:
        raise NhnRefusal(-2001, "수신자가 비어있음")
    if max_recipients is not None and len(recipients) > max_recipients:
        raise NhnRefusal(-2016, "수신자가 1,000명 초과")
    check_recipients(recipients)
    widest_key = MAX_RECIPIENT_GROUPING_KEY_CHARS if message.kind == "SMS" else MAX_LONG_RECIPIENT_GROUPING_KEY_CHARS
    keys = (item.get("recipientGroupingKey") for item in recipients)
    if any(isinstance(key, str) and len(key) > widest_key for key in keys):
        raise NhnRefusal(-9997, "유효하지 않은 JSON 형식")
    if message.kind != "SMS" and any(is_abroad(item) for item in recipients):
        raise NhnRefusal(-1006, "MMS는 국외로 발송할 수 없음")
    return recipients


def _reservation(value: Any, now: datetime) -> datetime | None:
    """When a send's ``requestDate`` reserves it for, None for an immediate send: -2000 when
    it is malformed or over 60 days ahead, -2022 when it has passed."""
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

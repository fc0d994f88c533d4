"""The gateway's bulk wire path (krsms.nhn.bulk) against the typed models it stands in for:
the body it sends is the converter's body of ``send_request``, and it reads answers as the
converter reads ``SendResult`` (the same values, the same refusals)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import respx

from krsms import Message, MessageKind, Recipient, SendStatus
from krsms.emulator import DEMO_NHN_APP_KEY
from krsms.errors import MalformedResponseError
from krsms.fanout import Batch, BatchAttempt
from krsms.nhn import NhnGateway
from krsms.nhn.bulk import BatchAnswer, SendResults, read_answer
from krsms.nhn.converter import converter
from krsms.nhn.gateway import _outcomes as nhn_outcomes
from krsms.nhn.models import SendResult
from krsms.transport import NO_RETRIES, Redactor

HOST = "https://nhn.test"
APP = f"{HOST}/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}"
AD_TEXT = "(광고) 봄 세일\n무료수신거부 080-123-4567"


def batch_of(message: Message, kind: MessageKind) -> Batch:
    return Batch(kind=kind, indexes=tuple(range(len(message.recipients))), recipients=message.recipients)


def answer_for(body: dict[str, Any]) -> dict[str, Any]:
    results = [
        {"recipientNo": entry["recipientNo"], "resultCode": 0, "resultMessage": "SUCCESS", "recipientSeq": seq}
        for seq, entry in enumerate(body["recipientList"], start=1)
    ]
    data = {"requestId": "R1", "statusCode": "2", "senderGroupingKey": body["senderGroupingKey"]}
    return {
        "header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"},
        "body": {"data": {**data, "sendResultList": results}},
    }


MESSAGES = {
    "plain SMS": (Message(sender="0212345678", text="안녕", recipients=["01000000001", "01000000002"]), "/sender/sms"),
    "LMS with subjects, reserved": (
        Message(
            sender="15446859",
            text="가" * 60,
            subject="공지",
            recipients=[Recipient(number="01000000001", subject="공지")],
            reserve_at=datetime.now(timezone.utc) + timedelta(days=2),
        ),
        "/sender/mms",
    ),
    "MMS with images": (
        Message(sender="0212345678", text="사진", subject="s", images=["11", "12"], recipients=["01000000001"]),
        "/sender/mms",
    ),
    "template parameters": (
        Message(
            sender="0212345678",
            text="",
            template_id="T1",
            recipients=[
                Recipient(number="01000000001", template_parameters={"name": "김"}),
                Recipient(number="01000000002"),
            ],
        ),
        "/sender/sms",
    ),
    "international": (
        Message(sender="0212345678", text="hello", country_code="1", recipients=["2025550123"]),
        "/sender/sms",
    ),
    "advertisement": (
        Message(sender="0212345678", text=AD_TEXT, advertisement=True, recipients=["01000000001"]),
        "/sender/ad-sms",
    ),
}


@pytest.mark.parametrize("case", list(MESSAGES))
@respx.mock
async def test_the_body_sent_is_the_converters_body_of_the_typed_request(case: str) -> None:
    message, path = MESSAGES[case]
    route = respx.post(APP + path).mock(
        side_effect=lambda request: respx.MockResponse(json=answer_for(json.loads(request.content)))
    )
    async with NhnGateway(app_key=DEMO_NHN_APP_KEY, base_url=HOST, retry=NO_RETRIES) as nhn:
        nhn.check_message(message)
        kind = MessageKind.SMS if path.endswith("sms") else (MessageKind.MMS if message.images else MessageKind.LMS)
        batch = batch_of(message, kind)
        attempt = BatchAttempt(key="a" * 32, started_at=datetime.now(timezone.utc))
        outcomes = await nhn.send_batch(message, batch, attempt)
        expected = converter.unstructure(nhn.send_request(message, batch, attempt))
    assert json.loads(route.calls.last.request.content) == expected
    assert route.calls.last.request.headers.get_list("content-type") == ["application/json;charset=UTF-8"]
    assert [outcome.request_id for outcome in outcomes] == ["R1"] * len(message.recipients)


ANSWERS_BOTH_READ = [
    {"recipientNo": "01000000001", "resultCode": 0, "resultMessage": "SUCCESS", "recipientSeq": 1},
    {"recipientNo": "01000000001", "resultCode": -2019, "resultMessage": None, "recipientSeq": None},
    {"recipientNo": "01000000001", "resultCode": "0"},  # digits where NHN's table says a number
    {"recipientNo": 1000000001, "resultCode": 0, "recipientSeq": "3"},  # a number written unquoted
    {"recipientNo": "01000000001", "resultCode": 0, "recipientGroupingKey": "g", "extra": [1]},
]
ANSWERS_BOTH_REFUSE = [
    {"resultCode": 0},
    {"recipientNo": None, "resultCode": 0},
    {"recipientNo": "01000000001"},
    {"recipientNo": "01000000001", "resultCode": None},
    {"recipientNo": "01000000001", "resultCode": "x"},
    {"recipientNo": "01000000001", "resultCode": 0, "resultMessage": {"a": 1}},
    {"recipientNo": "01000000001", "resultCode": 0, "recipientSeq": "first"},
    {"recipientNo": "01000000001", "resultCode": 0, "recipientGroupingKey": {"a": 1}},
    "01000000001",
]


def data_with(entry: Any) -> dict[str, Any]:
    return {"requestId": "R1", "statusCode": "2", "sendResultList": [entry]}


@pytest.mark.parametrize("entry", ANSWERS_BOTH_READ)
def test_an_entry_reads_as_the_converter_reads_it(entry: dict[str, Any]) -> None:
    typed = converter.structure(data_with(entry), SendResult).send_result_list[0]
    read = read_answer({"data": data_with(entry)}, redact=Redactor()).results(redact=Redactor())
    assert read == SendResults(
        recipient_nos=[typed.recipient_no],
        result_codes=[typed.result_code],
        result_messages=[typed.result_message],
        recipient_seqs=[typed.recipient_seq],
    )


def test_a_list_of_entries_reads_field_by_field_as_the_converter_reads_each() -> None:
    data = {"requestId": "R1", "statusCode": "2", "sendResultList": ANSWERS_BOTH_READ}
    typed = converter.structure(data, SendResult).send_result_list
    assert read_answer({"data": data}, redact=Redactor()).results(redact=Redactor()) == SendResults(
        recipient_nos=[item.recipient_no for item in typed],
        result_codes=[item.result_code for item in typed],
        result_messages=[item.result_message for item in typed],
        recipient_seqs=[item.recipient_seq for item in typed],
    )


@pytest.mark.parametrize("entry", ANSWERS_BOTH_REFUSE)
def test_an_entry_the_converter_refuses_is_a_malformed_answer(entry: Any) -> None:
    with pytest.raises(Exception):  # noqa: B017, PT011 - whichever error cattrs raises
        converter.structure(data_with(entry), SendResult)
    with pytest.raises(MalformedResponseError, match="SendResult"):
        read_answer({"data": data_with(entry)}, redact=Redactor()).results(redact=Redactor())


@pytest.mark.parametrize(
    "body",
    [
        None,
        {},
        {"data": None},
        {"data": {"requestId": None, "statusCode": "2", "sendResultList": []}},
        {"data": {"statusCode": "2", "sendResultList": []}},
        {"data": {"requestId": "R1", "statusCode": "2", "senderGroupingKey": 12.5, "sendResultList": []}},
    ],
)
def test_an_answer_without_its_documented_shape_is_malformed(body: Any) -> None:
    with pytest.raises(MalformedResponseError):
        read_answer(body, redact=Redactor())


@pytest.mark.parametrize("results", [{}, None])  # no list: NHN said the request failed, none is needed
@respx.mock
async def test_a_request_nhn_reports_failed_is_rejected_whatever_its_list(results: Any) -> None:
    data: dict[str, Any] = {"requestId": "R1", "statusCode": "3"}
    if results is not None:
        data["sendResultList"] = results
    respx.post(APP + "/sender/sms").respond(
        json={"header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"}, "body": {"data": data}}
    )
    async with NhnGateway(app_key=DEMO_NHN_APP_KEY, base_url=HOST, retry=NO_RETRIES) as nhn:
        report = await nhn.send(Message(sender="0212345678", text="안녕", recipients=["01000000001"]))
    assert [(outcome.status, outcome.code) for outcome in report.outcomes] == [(SendStatus.REJECTED, "statusCode 3")]


@respx.mock
async def test_an_accepted_request_without_a_result_list_is_unknown_not_guessed() -> None:
    """The converter read a ``sendResultList`` of ``{}`` as empty; either way no recipient's
    outcome can be read from it, so the batch is UNKNOWN (and looked up when reconciling)."""
    respx.post(APP + "/sender/sms").respond(
        json={
            "header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"},
            "body": {"data": {"requestId": "R1", "statusCode": "2", "sendResultList": {}}},
        }
    )
    async with NhnGateway(app_key=DEMO_NHN_APP_KEY, base_url=HOST, retry=NO_RETRIES, reconcile=False) as nhn:
        report = await nhn.send(Message(sender="0212345678", text="안녕", recipients=["01000000001"]))
    assert [(outcome.status, outcome.code) for outcome in report.outcomes] == [
        (SendStatus.UNKNOWN, "MalformedResponseError")
    ]


def accepted_entries(count: int) -> list[dict[str, Any]]:
    return [
        {"recipientNo": f"0100000{seq:04d}", "resultCode": 0, "resultMessage": "SUCCESS", "recipientSeq": seq}
        for seq in range(1, count + 1)
    ]


def answer_with(entries: Any) -> BatchAnswer:
    return read_answer({"data": {"requestId": "R1", "statusCode": "2", "sendResultList": entries}}, redact=Redactor())


def test_an_answer_accepting_every_recipient_in_order_is_recognised_from_code_and_sequence() -> None:
    entries = accepted_entries(3)
    assert answer_with(entries).accepts_all_in_order(3)
    entries[1] = {"resultCode": 0.0, "recipientSeq": 2.0}  # equal values the converter reads as 0 and 2
    assert answer_with(entries).accepts_all_in_order(3)


@pytest.mark.parametrize(
    ("change", "count"),
    [
        (lambda entries: None, 4),  # fewer entries than recipients sent
        (lambda entries: entries.pop(), 3),
        (lambda entries: entries.reverse(), 3),  # in another order: matched by sequence instead
        (lambda entries: entries[1].update(resultCode=-2019), 3),
        (lambda entries: entries[1].update(resultCode="0"), 3),  # read by the converter, not here
        (lambda entries: entries[1].pop("recipientSeq"), 3),
        (lambda entries: entries[1].pop("resultCode"), 3),
        (lambda entries: entries.__setitem__(1, "01000000002"), 3),
        (lambda entries: entries.__setitem__(1, [0, 2]), 3),
    ],
)
def test_any_other_answer_is_left_to_the_full_read(change: Any, count: int) -> None:
    entries = accepted_entries(3)
    change(entries)
    assert not answer_with(entries).accepts_all_in_order(count)
    assert not answer_with({"a": 1}).accepts_all_in_order(0)  # not a list


@pytest.mark.parametrize(
    "entries",
    [
        accepted_entries(3),
        [*accepted_entries(2), {"recipientNo": "01000000003", "resultCode": -2019, "recipientSeq": 3}],
        [{**entry, "resultCode": "0"} for entry in accepted_entries(3)],
        accepted_entries(3)[::-1],
        accepted_entries(2),
    ],
)
def test_the_shortcut_gives_the_outcomes_the_full_read_gives(entries: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    message = Message(sender="0212345678", text="안녕", recipients=[f"0100000{seq:04d}" for seq in (1, 2, 3)])
    batch = batch_of(message, MessageKind.SMS)
    answer = answer_with(entries)
    with_shortcut = nhn_outcomes(batch, answer, Redactor())
    monkeypatch.setattr(BatchAnswer, "accepts_all_in_order", lambda self, count: False)
    assert list(nhn_outcomes(batch, answer, Redactor())) == list(with_shortcut)

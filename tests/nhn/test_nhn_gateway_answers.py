"""NhnGateway reading NHN's answers: entries matched by recipientSeq, the errors that stop a
job, lenient parsing of fields it does not need, look-ups and cancels that fail half-way."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import respx
from starlette.applications import Starlette

from krsms import Message, Recipient, RedirectError, SendStatus
from krsms.emulator import DEMO_NHN_APP_KEY, EmulatorConfig, create_app
from krsms.fanout import JOB_STOPPED
from krsms.nhn import NhnGateway
from krsms.nhn.errors import (
    MessageTypeError,
    NhnNotFoundError,
    NhnRequestFormatError,
    TemplateKindError,
    TemplateNotFoundError,
    UnsubscribeNotInUseError,
)
from krsms.transport import NO_RETRIES, RetryPolicy

HOST = "https://nhn.test"
SENDS = f"{HOST}/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}/sender/sms"
SENDS_SHOWN = "POST /sms/v2.2/appKeys/***/sender/sms"
"""The send request as an error names it: its method and its path, the appKey redacted."""


def envelope(code: int = 0, body: Any = None) -> dict[str, Any]:
    message = "SUCCESS" if code == 0 else "FAIL"
    return {"header": {"resultCode": code, "resultMessage": message, "isSuccessful": code == 0}, "body": body}


def sent(*results: dict[str, Any]) -> dict[str, Any]:
    return envelope(body={"data": {"requestId": "R1", "statusCode": "2", "sendResultList": list(results)}})


def gateway(**options: Any) -> NhnGateway:
    return NhnGateway(app_key=DEMO_NHN_APP_KEY, base_url=HOST, retry=NO_RETRIES, **options)


@respx.mock
async def test_two_entries_for_one_number_are_told_apart_by_their_sequence() -> None:
    """Two coupons to one number; NHN answers the second (refused) first."""
    respx.post(SENDS).respond(
        json=sent(
            {"recipientNo": "01000000001", "resultCode": -2019, "resultMessage": "FAIL", "recipientSeq": 2},
            {"recipientNo": "01000000001", "resultCode": 0, "resultMessage": "SUCCESS", "recipientSeq": 1},
        )
    )
    coupons = [
        Recipient(number="01000000001", template_parameters={"coupon": "A"}, reference="A"),
        Recipient(number="01000000001", template_parameters={"coupon": "B"}, reference="B"),
    ]
    async with gateway() as nhn:
        report = await nhn.send(Message(sender="15446859", text="", template_id="T1", recipients=coupons))
    assert [(outcome.recipient.reference, outcome.status) for outcome in report.outcomes] == [
        ("A", SendStatus.ACCEPTED),
        ("B", SendStatus.REJECTED),
    ]


@respx.mock
async def test_an_entry_without_its_message_or_sequence_still_settles_its_recipient() -> None:
    respx.post(SENDS).respond(
        json=sent(
            {"recipientNo": "01000000001", "resultCode": 0, "resultMessage": "SUCCESS", "recipientSeq": 1},
            {"recipientNo": "01000000002", "resultCode": -2019, "resultMessage": None, "recipientSeq": None},
        )
    )
    async with gateway() as nhn:
        report = await nhn.send(Message(sender="15446859", text="안녕", recipients=["01000000001", "01000000002"]))
    assert [(outcome.status, outcome.code) for outcome in report.outcomes] == [
        (SendStatus.ACCEPTED, None),
        (SendStatus.REJECTED, "-2019"),
    ]


@pytest.mark.parametrize(
    ("code", "error_class"),
    [
        (-2006, TemplateKindError),  # an LMS template sent as SMS
        (-2110, TemplateNotFoundError),
        (-9998, NhnNotFoundError),  # a wrong base URL
        (-6000, UnsubscribeNotInUseError),
        (-6004, UnsubscribeNotInUseError),
        (-9996, NhnRequestFormatError),
        (-1006, MessageTypeError),
    ],
)
@respx.mock
async def test_a_refusal_every_batch_would_meet_stops_the_job(code: int, error_class: type[Exception]) -> None:
    route = respx.post(SENDS).respond(json=envelope(code))
    recipients = [f"010{index:08d}" for index in range(5000)]
    async with gateway(max_concurrency=1) as nhn:
        report = await nhn.send(Message(sender="15446859", text="안녕", recipients=recipients))
    assert isinstance(report.error, error_class)
    assert route.call_count == 1
    assert report.counts()[SendStatus.NOT_SENT] == 4000
    assert {outcome.code for outcome in report.with_status(SendStatus.NOT_SENT)} == {JOB_STOPPED}


@respx.mock
async def test_delivery_results_move_on_when_the_sms_look_up_knows_no_such_request() -> None:
    respx.get(SENDS).respond(json=envelope(-2008))
    lms = SENDS.replace("/sender/sms", "/sender/mms")
    respx.get(lms).respond(
        json=envelope(
            body={
                "pageNum": 1,
                "pageSize": 1000,
                "totalCount": 1,
                "data": [
                    {
                        "requestId": "R1",
                        "recipientNo": "01000000001",
                        "mtPr": "1",
                        "msgStatus": "3",
                        "msgStatusName": "성공",
                        "resultCode": "1000",
                        "requestDate": "2026-11-26 10:00:00",
                    }
                ],
            }
        )
    )
    async with gateway() as nhn:
        (result,) = await nhn.delivery_results("R1")
    assert (result.recipient, result.status.value) == ("01000000001", "delivered")


@respx.mock
async def test_an_authentication_gateway_asks_its_one_look_up_once() -> None:
    """Authentication sends are SMS only, listed by N8: an unknown request is asked about once."""
    auth = respx.get(SENDS.replace("/sender/sms", "/sender/auth/sms")).respond(json=envelope(-2008))
    async with gateway(authentication=True) as nhn:
        assert await nhn.delivery_results("R1") == []
    assert auth.call_count == 1


@pytest.mark.parametrize(
    ("msg_status", "result_code", "status"),
    [
        ("3", "1000", "delivered"),
        ("3", "3015", "failed"),  # the document's N16/N17 example: COMPLETED, no delivery path
        ("3", "2003", "failed"),  # handset off
        ("3", None, "pending"),  # the document's N5 example: handed over, no receipt yet
        ("0", None, "failed"),
        ("6", None, "failed"),
        ("4", None, "cancelled"),
        ("1", None, "pending"),
        ("2", None, "pending"),
    ],
)
@respx.mock
async def test_a_delivery_result_reads_the_handsets_receipt_code_not_only_the_send_status(
    msg_status: str, result_code: str | None, status: str
) -> None:
    """msgStatus 3 says the send request completed; resultCode (the receipt code table: 1000
    success, 2xxx/3xxx failures) says what the handset did."""
    item = {
        "requestId": "R1",
        "recipientNo": "01000000001",
        "mtPr": "1",
        "msgStatus": msg_status,
        "msgStatusName": "COMPLETED",
        "resultCode": result_code,
        "requestDate": "2026-11-26 10:00:00",
    }
    respx.get(SENDS).respond(json=envelope(body={"pageNum": 1, "pageSize": 1000, "totalCount": 1, "data": [item]}))
    async with gateway() as nhn:
        (result,) = await nhn.delivery_results("R1")
    assert (result.status.value, result.code) == (status, result_code)


def looked_up(**fields: Any) -> dict[str, Any]:
    """A send look-up answer (N2) listing one recipient of R1 with ``fields``."""
    item = {"requestId": "R1", "recipientNo": "01000000001", "mtPr": "1", **fields}
    return envelope(body={"pageNum": 1, "pageSize": 1000, "totalCount": 1, "data": [item]})


SENT = {"msgStatus": "3", "msgStatusName": "성공"}
"""A recipient whose send request completed (msgStatus 3), in NHN's words."""


@pytest.mark.parametrize(
    ("fields", "status", "detail"),
    [
        # The send request succeeded (msgStatus 3, "성공"); the handset's receipt says what happened.
        ({**SENT, "resultCode": "3006", "resultCodeName": "착신거부"}, "failed", "착신거부"),
        ({**SENT, "resultCode": "1000", "resultCodeName": "성공"}, "delivered", "성공"),
        # No receipt yet: the send status's words; a receipt without its name: none.
        (SENT, "pending", "성공"),
        ({**SENT, "resultCode": "3006"}, "failed", None),
        ({"msgStatus": "0", "msgStatusName": "실패"}, "failed", "실패"),
        ({"msgStatus": "4", "msgStatusName": "예약취소"}, "cancelled", "예약취소"),
    ],
)
@respx.mock
async def test_a_delivery_results_detail_is_the_words_for_its_status(
    fields: dict[str, Any], status: str, detail: str | None
) -> None:
    """A handset that refused the message: NHN's msgStatusName says the send request succeeded
    (성공), its resultCodeName what the handset did; a FAILED result must not read "success"."""
    respx.get(SENDS).respond(json=looked_up(**fields))
    async with gateway() as nhn:
        (result,) = await nhn.delivery_results("R1")
    assert (result.status.value, result.detail) == (status, detail)


@pytest.mark.parametrize(("result_code", "status"), [("MTR1", "delivered"), ("MTR2", "failed")])
@respx.mock
async def test_a_delivery_result_reads_the_look_up_code_tables_receipt_codes(result_code: str, status: str) -> None:
    """The code document's send look-up table of receipt codes (受信結果コード): MTR1 success,
    MTR2 failure, as well as the carriers' 1000 and failure codes."""
    respx.get(SENDS).respond(json=looked_up(msgStatus="3", resultCode=result_code))
    async with gateway() as nhn:
        (result,) = await nhn.delivery_results("R1")
    assert (result.status.value, result.code) == (status, result_code)


@respx.mock
async def test_a_delivery_results_code_and_its_words_show_no_key_nhn_echoed() -> None:
    """Every text NHN wrote into a result goes through the redactor: the look-up does not
    restrict ``resultCode`` to the code table's values."""
    echoed = f"E-{DEMO_NHN_APP_KEY}"
    fields = {"msgStatus": "3", "resultCode": echoed, "resultCodeName": f"refused for {DEMO_NHN_APP_KEY}"}
    respx.get(SENDS).respond(json=looked_up(**fields))
    async with gateway() as nhn:
        (result,) = await nhn.delivery_results("R1")
    assert DEMO_NHN_APP_KEY not in repr(result)
    assert (result.code, result.detail) == ("E-***", "refused for ***")


class LoseTheFirstCancelsAnswer(httpx.AsyncBaseTransport):
    """The emulator in-process; the first cancel (N36) is processed, then answered 503."""

    def __init__(self, app: Starlette):
        self.inner = httpx.ASGITransport(app=app)
        self.cancels = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        answer = await self.inner.handle_async_request(request)
        if request.method == "PUT" and request.url.path.endswith("/reservations/cancel"):
            self.cancels += 1
            if self.cancels == 1:
                return httpx.Response(503, json={"error": "answer lost"})
        return answer


async def test_a_cancel_retried_after_its_answer_was_lost_is_no_failure() -> None:
    app = create_app(EmulatorConfig())
    transport = LoseTheFirstCancelsAnswer(app)
    async with NhnGateway(
        app_key=DEMO_NHN_APP_KEY, base_url="http://emulator", http_client=httpx.AsyncClient(transport=transport)
    ) as nhn:
        at = (datetime.now(ZoneInfo("Asia/Seoul")) + timedelta(days=1)).replace(second=0, microsecond=0)
        report = await nhn.send(Message(sender="15446859", text="예약", reserve_at=at, recipients=["01000000001"]))
        await nhn.cancel_reservation(report.request_ids[0])
    assert transport.cancels == 2  # the retry found nothing left to cancel
    assert {delivery.status for delivery in app.state.ledger} == {"cancelled"}


@respx.mock
async def test_a_redirect_stops_the_job_unsent_and_hides_the_app_key() -> None:
    """``http://`` for the API's ``https://``: every batch would be redirected. The location,
    which holds the appKey, is redacted."""
    moved = f"https://nhn.test/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}/sender/sms"
    route = respx.post(SENDS).respond(301, headers={"Location": moved})
    async with gateway(max_concurrency=1) as nhn:
        report = await nhn.send(
            Message(sender="15446859", text="안녕", recipients=[f"010{n:08d}" for n in range(2500)])
        )
    assert route.call_count == 1
    assert {outcome.status for outcome in report.outcomes} == {SendStatus.NOT_SENT}
    assert isinstance(report.error, RedirectError)
    assert report.outcomes[-1].code == JOB_STOPPED
    assert DEMO_NHN_APP_KEY not in str(report.error)
    assert "/appKeys/***/sender/sms" in str(report.error)


SECRET_KEY = "nhn-secret-key-4242"


@respx.mock
async def test_a_refused_recipients_message_echoing_a_key_is_redacted_in_its_outcome() -> None:
    respx.post(SENDS).respond(
        json=sent(
            {"recipientNo": "01000000001", "resultCode": 0, "resultMessage": "SUCCESS", "recipientSeq": 1},
            {
                "recipientNo": "01000000002",
                "resultCode": -2019,
                "resultMessage": f"refused for {SECRET_KEY} on /appKeys/{DEMO_NHN_APP_KEY}",
                "recipientSeq": 2,
            },
        )
    )
    async with gateway(secret_key=SECRET_KEY) as nhn:
        report = await nhn.send(Message(sender="15446859", text="안녕", recipients=["01000000001", "01000000002"]))
    assert [(outcome.status, outcome.code, outcome.detail) for outcome in report.outcomes] == [
        (SendStatus.ACCEPTED, None, None),
        (SendStatus.REJECTED, "-2019", "refused for *** on /appKeys/***"),
    ]


@respx.mock
async def test_a_request_id_echoing_a_key_is_redacted_in_the_outcomes() -> None:
    respx.post(SENDS).respond(
        json=envelope(body={"data": {"requestId": f"R-{SECRET_KEY}", "statusCode": "2", "sendResultList": []}})
    )
    async with gateway(secret_key=SECRET_KEY) as nhn:
        report = await nhn.send(Message(sender="15446859", text="안녕", recipients=["01000000001"]))
    assert report.outcomes[0].request_id == "R-***"


@respx.mock
async def test_a_request_id_echoing_a_key_is_redacted_in_the_outcomes_reconciliation_settles() -> None:
    """A lost answer settled by the look-up: the request id it finds is an outcome's, as the
    send answer's is, and goes through the redactor too."""
    respx.post(SENDS).respond(500, json=envelope(-9999))
    found = {"requestId": f"R-{SECRET_KEY}", "mtPr": 1, "recipientNo": "01000000001", "msgStatus": "1"}
    page = {"pageNum": 1, "pageSize": 1000, "totalCount": 1, "data": [found]}
    respx.get(url__startswith=SENDS).respond(json=envelope(body=page))
    async with gateway(secret_key=SECRET_KEY) as nhn:
        report = await nhn.send(Message(sender="15446859", text="안녕", recipients=["01000000001"]))
    assert (report.outcomes[0].status, report.outcomes[0].request_id) == (SendStatus.ACCEPTED, "R-***")


@respx.mock
async def test_an_entry_that_does_not_parse_is_quoted_redacted() -> None:
    respx.post(SENDS).respond(
        json=sent({"recipientNo": "01000000001", "resultCode": f"appKey {DEMO_NHN_APP_KEY}", "recipientSeq": 1})
    )
    async with gateway(reconcile=False) as nhn:
        report = await nhn.send(Message(sender="15446859", text="안녕", recipients=["01000000001"]))
    assert report.outcomes[0].detail == (
        "nhn: answer does not match SendResult: ValueError: invalid literal for int() with base 10: 'appKey ***' "
        f"({SENDS_SHOWN}, HTTP 200)"
    )


@respx.mock
@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (None, "answer has no data"),
        ({"requestId": "R1", "statusCode": "2", "sendResultList": {}}, "answer has no sendResultList"),
        ({"statusCode": "2", "sendResultList": []}, "KeyError: 'requestId'"),
    ],
    ids=["no data", "no list", "no request id"],
)
async def test_a_send_answer_without_its_shape_names_the_request_as_other_answers_do(data: Any, problem: str) -> None:
    """As an answer to a look-up or a client send does (NhnApi.call_data): the method, the
    redacted path and the status tell which of the application's requests got it."""
    respx.post(SENDS).respond(json=envelope(body={"data": data}))
    async with gateway(reconcile=False) as nhn:
        report = await nhn.send(Message(sender="15446859", text="안녕", recipients=["01000000001"]))
    (outcome,) = report.outcomes
    assert (outcome.status, outcome.code) == (SendStatus.UNKNOWN, "MalformedResponseError")
    assert outcome.detail == f"nhn: answer does not match SendResult: {problem} ({SENDS_SHOWN}, HTTP 200)"


@respx.mock
async def test_an_envelope_code_echoing_the_app_key_is_redacted_in_the_error() -> None:
    respx.post(SENDS).respond(
        json={"header": {"isSuccessful": False, "resultCode": f"appKey {DEMO_NHN_APP_KEY}", "resultMessage": "no"}}
    )
    async with gateway(reconcile=False) as nhn:
        report = await nhn.send(Message(sender="15446859", text="안녕", recipients=["01000000001"]))
    assert report.outcomes[0].code == "MalformedResponseError"
    assert report.outcomes[0].detail == (
        "nhn: header says isSuccessful false without a failure code (resultCode 'appKey ***', resultMessage 'no') "
        f"({SENDS_SHOWN}, HTTP 200)"
    )


@respx.mock
@pytest.mark.parametrize(
    "header",
    [
        {"resultCode": 0, "resultMessage": "SUCCESS"},
        {"isSuccessful": "true", "resultCode": 0, "resultMessage": "SUCCESS"},
        {"isSuccessful": None, "resultCode": 0, "resultMessage": "SUCCESS"},
        {"isSuccessful": False, "resultCode": 0, "resultMessage": "SUCCESS"},
        {"isSuccessful": False},
        {"isSuccessful": True, "resultCode": -2019, "resultMessage": "FAIL"},
    ],
)
async def test_a_send_answer_neither_successful_nor_failed_leaves_the_batch_unknown(header: dict[str, Any]) -> None:
    """NHN may have taken it: REJECTED would tell the caller a resend is safe."""
    body = {"data": {"requestId": "R1", "statusCode": "2", "sendResultList": []}}
    route = respx.post(SENDS).respond(json={"header": header, "body": body})
    async with gateway(reconcile=False) as nhn:
        report = await nhn.send(Message(sender="15446859", text="안녕", recipients=["01000000001", "01000000002"]))
    assert route.call_count == 1
    assert {(outcome.status, outcome.code) for outcome in report.outcomes} == {
        (SendStatus.UNKNOWN, "MalformedResponseError")
    }
    assert report.error is None


@respx.mock
async def test_a_429_carrying_an_envelope_is_retried_then_not_sent() -> None:
    """docs/http.md: a 429 is refused before processing, whatever code its envelope holds."""
    answer = {"header": {"isSuccessful": False, "resultCode": -9999, "resultMessage": "busy"}}
    route = respx.post(SENDS).respond(429, json=answer, headers={"Retry-After": "0"})
    retry = RetryPolicy(max_attempts=3, initial_backoff=0.01)
    async with NhnGateway(app_key=DEMO_NHN_APP_KEY, base_url=HOST, retry=retry, reconcile=False) as nhn:
        report = await nhn.send(Message(sender="15446859", text="안녕", recipients=["01000000001"]))
    assert route.call_count == 3
    (outcome,) = report.outcomes
    assert (outcome.status, outcome.code) == (SendStatus.NOT_SENT, "-9999")
    assert outcome.detail == f"nhn: busy ({SENDS_SHOWN}, HTTP 429, code -9999)"


@respx.mock
async def test_a_5xx_carrying_a_refusal_code_leaves_the_batch_unknown() -> None:
    """A 5xx may have been processed: the code of its envelope does not make it a refusal."""
    answer = {"header": {"isSuccessful": False, "resultCode": -2019, "resultMessage": "x"}}
    route = respx.post(SENDS).respond(502, json=answer)
    async with gateway(reconcile=False) as nhn:
        report = await nhn.send(Message(sender="15446859", text="안녕", recipients=["01000000001"]))
    assert route.call_count == 1
    (outcome,) = report.outcomes
    assert (outcome.status, outcome.code) == (SendStatus.UNKNOWN, "-2019")

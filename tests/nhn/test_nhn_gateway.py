"""NhnGateway through the emulator: 1,000 per request, grouping, per-recipient outcomes, reconciliation."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
import respx
from starlette.applications import Starlette

from krsms import (
    DeliveryStatus,
    Message,
    MessageKind,
    Recipient,
    Recipients,
    SendProgress,
    SendStatus,
    ValidationError,
    errors,
)
from krsms.emulator import DEMO_NHN_APP_KEY, EmulatorConfig, EmulatorServer, Faults, create_app
from krsms.fanout import JOB_STOPPED, LOCAL_INVALID, NOT_RECEIVED
from krsms.nhn import AttachmentNotFoundError, NhnGateway, ReservationPassedError
from krsms.nhn.models import TemplateCreate
from krsms.testing import numbers
from krsms.transport import NO_RETRIES

SEOUL = ZoneInfo("Asia/Seoul")
SENDER = "1544-6859"
AD = "(광고) 겨울 세일\n무료수신거부 0801234567"


def gateway_for(app: Starlette, **options: object) -> NhnGateway:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
    return NhnGateway(app_key=DEMO_NHN_APP_KEY, base_url="http://emulator", http_client=client, **options)  # type: ignore[arg-type]


@pytest.fixture
def app() -> Starlette:
    return create_app(
        EmulatorConfig(
            rejected_numbers={"01000000007": -2019},
            undeliverable_numbers={"01000000008": "3006"},
            unregistered_senders=frozenset({"0299999999"}),
        )
    )


@pytest.fixture
async def nhn(app: Starlette) -> AsyncIterator[NhnGateway]:
    async with gateway_for(app) as gateway:
        yield gateway


async def test_2500_recipients_are_three_requests_over_loopback() -> None:
    async with EmulatorServer() as server:
        async with NhnGateway(app_key=DEMO_NHN_APP_KEY, base_url=server.base_url) as nhn:
            report = await nhn.send(Message(sender=SENDER, text="안녕하세요", recipients=numbers(2500)))
        deliveries = list(server.ledger)
    assert report.requests == 3
    assert report.all_accepted
    assert [outcome.recipient.number for outcome in report.outcomes] == list(numbers(2500))
    per_request = Counter(delivery.request_id for delivery in deliveries)
    assert sorted(per_request.values()) == [500, 1000, 1000]
    assert Counter(outcome.request_id for outcome in report.outcomes) == per_request
    keys = {delivery.grouping_key for delivery in deliveries}
    assert len(keys) == 3  # one senderGroupingKey per batch


async def test_recipients_with_their_own_text_get_their_own_request(nhn: NhnGateway, app: Starlette) -> None:
    message = Message(
        sender=SENDER,
        text="기본",
        subject="제목",
        recipients=[
            "01000000001",
            "01000000002",
            Recipient(number="01000000003", text="개인"),
            Recipient(number="01000000004", text="가" * 60, subject="긴 제목"),
        ],
    )
    report = await nhn.send(message)
    assert report.requests == 3
    by_number = {delivery.recipient: delivery for delivery in app.state.ledger}
    assert by_number["01000000001"].request_id == by_number["01000000002"].request_id
    assert by_number["01000000003"].text == "개인"
    assert (by_number["01000000004"].kind, by_number["01000000004"].subject) == ("LMS", "긴 제목")


async def test_recipients_with_their_own_subject_get_their_own_request(nhn: NhnGateway, app: Starlette) -> None:
    """NHN carries one ``title`` a request: an LMS recipient with another subject goes apart."""
    long_text = "가" * 60
    message = Message(
        sender=SENDER,
        text=long_text,
        subject="제목",
        recipients=["01000000001", Recipient(number="01000000002", subject="다른 제목"), "01000000003"],
    )
    report = await nhn.send(message)
    assert report.requests == 2
    by_number = {delivery.recipient: delivery for delivery in app.state.ledger}
    assert [by_number[f"0100000000{n}"].subject for n in (1, 2, 3)] == ["제목", "다른 제목", "제목"]
    assert by_number["01000000001"].request_id == by_number["01000000003"].request_id
    assert by_number["01000000002"].request_id != by_number["01000000001"].request_id


async def test_an_lms_without_a_subject_is_refused_before_sending(nhn: NhnGateway, app: Starlette) -> None:
    """NHN requires ``title`` on /sender/mms (it answers -2014 without one): refuse it first."""
    long_text = "가" * 60
    mixed = Message(
        sender=SENDER, text="짧은", recipients=["01000000001", Recipient(number="01000000002", text=long_text)]
    )
    with pytest.raises(ValidationError, match=r"recipients\[1\] is sent as LMS") as refused:
        await nhn.send(mixed)
    assert refused.value.field == "subject"
    assert len(app.state.ledger) == 0

    blank = Message(sender=SENDER, text=long_text, subject="  ", recipients=["01000000001"])
    with pytest.raises(ValidationError, match="needs a subject"):
        await nhn.send(blank)

    own_subjects = Message(sender=SENDER, text=long_text, recipients=[Recipient(number="01000000001", subject="제목")])
    assert (await nhn.send(own_subjects)).all_accepted

    template = Message(sender=SENDER, text=long_text, subject=None)
    reports = [
        report
        async for report in nhn.send_stream(template, ["01000000002", Recipient(number="01000000003", subject="제목")])
    ]
    outcomes = sorted((outcome for report in reports for outcome in report.outcomes), key=lambda outcome: outcome.index)
    assert [(outcome.status, outcome.code) for outcome in outcomes] == [
        (SendStatus.NOT_SENT, LOCAL_INVALID),
        (SendStatus.ACCEPTED, None),
    ]
    assert [(delivery.recipient, delivery.subject) for delivery in app.state.ledger] == [
        ("01000000001", "제목"),
        ("01000000003", "제목"),
    ]


async def test_a_refused_recipient_is_rejected_with_its_code(nhn: NhnGateway) -> None:
    report = await nhn.send(Message(sender=SENDER, text="안녕", recipients=["01000000006", "01000000007"]))
    accepted, rejected = report.outcomes
    assert accepted.status is SendStatus.ACCEPTED
    assert (rejected.status, rejected.code) == (SendStatus.REJECTED, "-2019")
    assert rejected.request_id == accepted.request_id


async def test_advertisements_need_the_notice_and_use_the_ad_endpoint(nhn: NhnGateway, app: Starlette) -> None:
    with pytest.raises(ValidationError, match=r"\(광고\)"):
        await nhn.send(Message(sender=SENDER, text="겨울 세일", advertisement=True, recipients=["01000000001"]))
    assert len(app.state.ledger) == 0
    report = await nhn.send(Message(sender=SENDER, text=AD, advertisement=True, recipients=["01000000001"]))
    assert report.all_accepted
    assert [delivery.advertisement for delivery in app.state.ledger] == [True]


@pytest.mark.parametrize(
    "text",
    [
        "(광고) 세일 무료거부",  # no 080 number
        "(광고)무료수신거부 0801234567 세일은 계속됩니다",  # the opt-out line is not last
        "(광고) 세일\n무료수신거부 0212345678",  # not an 080 number
    ],
)
async def test_an_advertisement_must_end_with_the_opt_out_line(nhn: NhnGateway, app: Starlette, text: str) -> None:
    with pytest.raises(ValidationError, match="must end with the opt-out line"):
        await nhn.send(Message(sender=SENDER, text=text, advertisement=True, recipients=["01000000001"]))
    assert len(app.state.ledger) == 0


@pytest.mark.parametrize(
    "ending", ["무료수신거부 0801234567", "[무료거부]080-123-4567", "무료 수신 거부 080 1234 5678"]
)
async def test_each_documented_form_of_the_opt_out_line_is_sent(nhn: NhnGateway, app: Starlette, ending: str) -> None:
    text = f"(광고) 세일\n{ending}"
    report = await nhn.send(Message(sender=SENDER, text=text, advertisement=True, recipients=["01000000001"]))
    assert report.all_accepted
    # the body reached /sender/ad-sms exactly as written: the opt-out line neither rewritten nor dropped
    assert [(delivery.kind, delivery.advertisement, delivery.text) for delivery in app.state.ledger] == [
        ("SMS", True, text)
    ]


@pytest.mark.parametrize(("text", "images"), [("쿠폰", ("1",)), ("가" * 60, ())])
async def test_an_lms_or_mms_abroad_is_refused_before_sending(
    nhn: NhnGateway, app: Starlette, text: str, images: tuple[str, ...]
) -> None:
    message = Message(
        sender=SENDER, text=text, subject="쿠폰", images=images, country_code="81", recipients=["9012345678"]
    )
    with pytest.raises(ValidationError, match="which this provider sends only within Korea") as refused:
        await nhn.send(message)
    assert refused.value.field == "country_code"
    assert len(app.state.ledger) == 0
    abroad = await nhn.send(
        Message(sender=SENDER, text="짧은 안내", country_code="81", recipients=["+81 90-1234-5678"])
    )
    assert abroad.all_accepted
    assert [(delivery.recipient, delivery.kind) for delivery in app.state.ledger] == [("9012345678", "SMS")]


async def test_reservation_and_cancel(nhn: NhnGateway, app: Starlette) -> None:
    at = (datetime.now(SEOUL) + timedelta(days=2)).replace(second=0, microsecond=0)
    report = await nhn.send(Message(sender=SENDER, text="예약", reserve_at=at, recipients=numbers(3)))
    assert {delivery.reserved_for for delivery in app.state.ledger} == {at.strftime("%Y-%m-%d %H:%M")}
    request_id = report.outcomes[0].request_id
    assert request_id is not None
    await nhn.cancel_reservation(request_id)
    assert {delivery.status for delivery in app.state.ledger} == {"cancelled"}


async def test_cancelling_a_reservation_twice_or_an_unknown_one_is_not_found(nhn: NhnGateway) -> None:
    at = (datetime.now(SEOUL) + timedelta(days=2)).replace(second=0, microsecond=0)
    report = await nhn.send(Message(sender=SENDER, text="예약", reserve_at=at, recipients=numbers(2)))
    request_id = report.outcomes[0].request_id
    assert request_id is not None
    await nhn.cancel_reservation(request_id)
    with pytest.raises(errors.NotFoundError, match="no reserved recipient waits"):
        await nhn.cancel_reservation(request_id)
    with pytest.raises(errors.NotFoundError):
        await nhn.cancel_reservation("20260101000000NoSuchReq00")  # 25 characters, as NHN's are


@pytest.mark.parametrize(
    ("options", "field", "limit"),
    [
        ({"sender": "0505-1234-5678-99"}, "sender", "13 digits"),  # sendNo: max 13
        ({"template_id": "T" * 51}, "template_id", "50 characters"),  # templateId: max 50 (-2109)
        ({"images": ("²",)}, "images[0]", "a number"),  # str.isdigit() is true of it; int() is not
    ],
)
async def test_nhn_field_limits_are_checked_before_sending(
    nhn: NhnGateway, app: Starlette, options: dict[str, object], field: str, limit: str
) -> None:
    message = Message(**{"sender": SENDER, "text": "안녕", "recipients": ["01000000001"], **options})  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as refused:
        await nhn.send(message)
    assert (refused.value.field, refused.value.limit) == (field, limit)
    assert len(app.state.ledger) == 0


@pytest.mark.parametrize("skew", [-90.0, 90.0, 7200.0, -86400.0])
async def test_a_lost_answer_is_found_whatever_the_local_clock_says(skew: float) -> None:
    """The look-up window is in NHN's time: a local clock minutes off must not make a batch
    that arrived look missing (and be resent)."""
    app = create_app(EmulatorConfig(clock_skew_seconds=skew, faults=Faults(error_after_processing_rate=1.0)))
    async with gateway_for(app, retry=NO_RETRIES, resend_missing=True, reconcile_delay=0.01) as nhn:
        report = await nhn.send(Message(sender=SENDER, text="안녕", recipients=numbers(3)))
    assert report.all_accepted
    assert sorted(delivery.recipient for delivery in app.state.ledger) == sorted(numbers(3))


async def test_a_reservation_past_60_days_is_refused_before_sending(nhn: NhnGateway) -> None:
    at = datetime.now(SEOUL) + timedelta(days=61)
    with pytest.raises(ValidationError, match="60 days"):
        await nhn.send(Message(sender=SENDER, text="예약", reserve_at=at, recipients=["01000000001"]))


async def test_mms_with_an_uploaded_image(nhn: NhnGateway, app: Starlette) -> None:
    image = await nhn.upload_image(b"\xff\xd8\xff\xe0" + b"\x00" * 100 + b"\xff\xd9", file_name="coupon.jpg")
    report = await nhn.send(
        Message(sender=SENDER, text="쿠폰", subject="쿠폰", images=(image.id,), recipients=["01000000001"])
    )
    assert report.all_accepted
    assert [delivery.kind for delivery in app.state.ledger] == ["MMS"]
    with pytest.raises(ValidationError, match="attachment id"):
        await nhn.send(Message(sender=SENDER, text="x", images=("F-1",), recipients=["01000000001"]))


async def test_template_with_per_recipient_parameters(nhn: NhnGateway, app: Starlette) -> None:
    await nhn.client.create_template(
        TemplateCreate(
            category_id=1,
            template_id="coupon",
            template_name="쿠폰",
            send_no="15446859",
            send_type="0",
            body="##name##님, 쿠폰 ##code##",
            use_yn=True,
        )
    )
    message = Message(
        sender=SENDER,
        text="",
        template_id="coupon",
        recipients=[
            Recipient(number="01000000001", template_parameters={"name": "철수", "code": "A1"}),
            Recipient(number="01000000002", template_parameters={"name": "영희", "code": "B2"}),
        ],
    )
    report = await nhn.send(message)
    assert report.all_accepted
    assert report.requests == 1
    assert sorted(delivery.text for delivery in app.state.ledger) == ["영희님, 쿠폰 B2", "철수님, 쿠폰 A1"]


async def test_delivery_results(nhn: NhnGateway) -> None:
    report = await nhn.send(Message(sender=SENDER, text="안녕", recipients=["01000000001", "01000000008"]))
    request_id = report.outcomes[0].request_id
    assert request_id is not None
    results = {result.recipient: result for result in await nhn.delivery_results(request_id)}
    assert results["01000000001"].status is DeliveryStatus.DELIVERED
    assert results["01000000008"].status is DeliveryStatus.FAILED
    assert results["01000000008"].code == "3006"


@respx.mock
async def test_delivery_results_show_no_key_nhn_echoed() -> None:
    """A delivery result is krsms's outcome, as a send's is: NHN's words in it go through the
    redactor (``krsms status`` prints them)."""
    app_key, secret_key = "AppKeyEchoed77", "SecretEchoed78"
    sent = {
        "requestId": "R1",
        "mtPr": 1,
        "recipientNo": "01000000001",
        "msgStatus": "0",
        "msgStatusName": f"failed for appKey {app_key} ({secret_key})",
    }
    page = {"pageNum": 1, "pageSize": 1000, "totalCount": 1, "data": [sent]}
    header = {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"}
    respx.get(url__regex=r"/sender/sms\?").respond(200, json={"header": header, "body": page})
    async with NhnGateway(app_key=app_key, secret_key=secret_key, retry=NO_RETRIES) as nhn:
        (result,) = await nhn.delivery_results("R1")
    assert (result.status, result.detail) == (DeliveryStatus.FAILED, "failed for appKey *** (***)")


async def test_an_attachment_nhn_does_not_hold_stops_the_job(app: Starlette) -> None:
    async with gateway_for(app, max_concurrency=1) as nhn:
        message = Message(sender=SENDER, text="사진", subject="s", images=["99"], recipients=numbers(3000))
        report = await nhn.send(message)
    assert isinstance(report.error, AttachmentNotFoundError)
    assert report.requests == 1
    counts = report.counts()
    assert (counts[SendStatus.REJECTED], counts[SendStatus.NOT_SENT]) == (1000, 2000)


async def test_an_unregistered_sender_stops_the_job(app: Starlette) -> None:
    async with gateway_for(app, max_concurrency=1) as nhn:
        report = await nhn.send(Message(sender="0299999999", text="안녕", recipients=numbers(3000)))
    assert isinstance(report.error, errors.ProviderError)
    assert report.error.fatal
    assert report.requests == 1
    counts = report.counts()
    assert (counts[SendStatus.REJECTED], counts[SendStatus.NOT_SENT]) == (1000, 2000)
    assert {outcome.code for outcome in report.with_status(SendStatus.NOT_SENT)} == {JOB_STOPPED}


async def test_a_reservation_nhn_says_has_passed_stops_the_job() -> None:
    """Every batch of a job carries the message's one ``requestDate``: once NHN answers -2022
    (the moment is past, on NHN's clock), every later batch would be refused alike. The rest
    stay NOT_SENT, to send again with another moment, not thousands of REJECTED requests."""
    app = create_app(EmulatorConfig(clock_skew_seconds=600.0))  # NHN's clock 10 minutes ahead
    reserve_at = datetime.now(SEOUL) + timedelta(minutes=5)
    async with gateway_for(app, max_concurrency=1) as nhn:
        report = await nhn.send(Message(sender=SENDER, text="예약", reserve_at=reserve_at, recipients=numbers(3000)))
    assert isinstance(report.error, ReservationPassedError)
    assert (report.error.code, report.error.fatal) == ("-2022", True)
    assert report.requests == 1
    counts = report.counts()
    assert (counts[SendStatus.REJECTED], counts[SendStatus.NOT_SENT]) == (1000, 2000)
    assert {outcome.code for outcome in report.with_status(SendStatus.NOT_SENT)} == {JOB_STOPPED}


@pytest.mark.parametrize(
    ("options", "shown"),
    [
        ({}, "NhnGateway(secret_key=None, authentication=False, max_concurrency=8)"),
        ({"secret_key": "secret-456"}, "NhnGateway(secret_key=***, authentication=False, max_concurrency=8)"),
        ({"secret_key": ""}, "NhnGateway(secret_key=None, authentication=False, max_concurrency=8)"),
        ({"authentication": True}, "NhnGateway(secret_key=None, authentication=True, max_concurrency=8)"),
    ],
)
def test_the_repr_says_whether_a_secret_key_goes_and_which_endpoint_never_a_key(
    options: dict[str, object], shown: str
) -> None:
    """It showed max_concurrency alone: two gateways, with and without X-Secret-Key, or one for
    authentication codes (SMS only), looked the same in a debugger or a log."""
    nhn = NhnGateway(app_key="app-key-123", **options)  # type: ignore[arg-type]
    assert repr(nhn) == shown
    assert "app-key-123" not in repr(nhn)
    assert "secret-456" not in repr(nhn)


async def test_a_wrong_app_key_stops_the_job_and_stays_secret(app: Starlette) -> None:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
    async with NhnGateway(app_key="wrong-app-key-123", base_url="http://emulator", http_client=client) as nhn:
        report = await nhn.send(Message(sender=SENDER, text="안녕", recipients=numbers(5000)))
        assert "wrong-app-key-123" not in repr(nhn)
    assert isinstance(report.error, errors.AuthenticationError)
    assert report.counts()[SendStatus.ACCEPTED] == 0
    assert "wrong-app-key-123" not in str(report.error)


async def test_a_lost_answer_is_reconciled_by_grouping_key() -> None:
    app = create_app(EmulatorConfig(faults=Faults(error_after_processing_rate=1.0)))
    async with gateway_for(app, retry=NO_RETRIES) as nhn:
        report = await nhn.send(Message(sender=SENDER, text="안녕", recipients=numbers(1500)))
    assert report.all_accepted
    stored = Counter(delivery.request_id for delivery in app.state.ledger)
    assert Counter(outcome.request_id for outcome in report.outcomes) == stored


class HeaderWithoutFlag(httpx.AsyncBaseTransport):
    """The emulator, answering every send with an envelope whose ``isSuccessful`` is gone."""

    def __init__(self, app: Starlette):
        self._app = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._app.handle_async_request(request)
        if request.method != "POST":
            return response
        answer = json.loads(await response.aread())
        del answer["header"]["isSuccessful"]
        return httpx.Response(response.status_code, json=answer)


async def test_a_send_answer_without_its_success_flag_is_reconciled() -> None:
    """The emulator stored the batches; their answers do not say so: found by grouping key."""
    app = create_app(EmulatorConfig())
    client = httpx.AsyncClient(transport=HeaderWithoutFlag(app))
    async with NhnGateway(app_key=DEMO_NHN_APP_KEY, base_url="http://emulator", http_client=client) as nhn:
        report = await nhn.send(Message(sender=SENDER, text="안녕", recipients=numbers(1500)))
    assert report.all_accepted
    assert {outcome.detail for outcome in report.outcomes} == {"found by reconciliation"}
    stored = Counter(delivery.request_id for delivery in app.state.ledger)
    assert Counter(outcome.request_id for outcome in report.outcomes) == stored


async def test_a_batch_that_never_arrived_is_not_sent() -> None:
    app = create_app(EmulatorConfig(faults=Faults(server_error_rate=1.0)))
    async with gateway_for(app, retry=NO_RETRIES, reconcile_delay=0.01) as nhn:
        report = await nhn.send(Message(sender=SENDER, text="안녕", recipients=numbers(5)))
    assert {(outcome.status, outcome.code) for outcome in report.outcomes} == {(SendStatus.NOT_SENT, NOT_RECEIVED)}
    assert len(app.state.ledger) == 0


async def test_authentication_codes_go_to_the_auth_endpoint_as_sms_only(app: Starlette) -> None:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
    async with NhnGateway(
        app_key=DEMO_NHN_APP_KEY, base_url="http://emulator", http_client=client, authentication=True
    ) as nhn:
        report = await nhn.send(Message(sender=SENDER, text="[krsms] 인증번호 482913", recipients=["01000000001"]))
        request_id = report.outcomes[0].request_id
        assert request_id is not None
        (result,) = await nhn.delivery_results(request_id)
        assert result.status is DeliveryStatus.DELIVERED
        with pytest.raises(ValidationError, match="SMS allows 90"):
            await nhn.send(Message(sender=SENDER, text="가" * 60, recipients=["01000000001"]))
        with pytest.raises(ValidationError, match="SMS only"):
            await nhn.send(Message(sender=SENDER, text="x", kind=MessageKind.LMS, recipients=["01000000001"]))
        with pytest.raises(ValidationError, match="advertisement"):
            await nhn.send(Message(sender=SENDER, text=AD, advertisement=True, recipients=["01000000001"]))
    assert report.all_accepted
    sent = await httpx.AsyncClient(transport=httpx.ASGITransport(app=app)).get(
        f"http://emulator/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}/sender/auth/sms", params={"requestId": request_id}
    )
    assert sent.json()["body"]["totalCount"] == 1
    assert len(app.state.ledger) == 1


async def test_a_request_nhn_reports_failed_is_rejected_whatever_its_recipients_say() -> None:
    answer = {
        "header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"},
        "body": {
            "data": {
                "requestId": "20261126000000abcdefgh",
                "statusCode": "3",
                "senderGroupingKey": None,
                "sendResultList": [
                    {"recipientNo": "01000000001", "resultCode": 0, "resultMessage": "SUCCESS", "recipientSeq": 1}
                ],
            }
        },
    }
    with respx.mock(base_url="https://nhn.test") as router:
        router.post(f"/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}/sender/sms").respond(200, json=answer)
        async with NhnGateway(app_key=DEMO_NHN_APP_KEY, base_url="https://nhn.test") as nhn:
            report = await nhn.send(Message(sender=SENDER, text="안녕", recipients=["01000000001"]))
    (outcome,) = report.outcomes
    assert (outcome.status, outcome.code) == (SendStatus.REJECTED, "statusCode 3")


async def test_a_batch_backing_off_after_a_429_does_not_retry_once_another_batch_hit_a_fatal_error() -> None:
    """Batch A is refused with 429 and waits a second to retry; meanwhile batch B's appKey
    is refused (-1000, fatal). A never goes out again: NOT_SENT (stopped), its refused
    attempt counted as a request."""
    arrived: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        batch = "A" if "text A" in request.content.decode() else "B"
        arrived.append(batch)
        if batch == "A":
            return httpx.Response(429, headers={"Retry-After": "1"}, json={})
        bad_key = {"isSuccessful": False, "resultCode": -1000, "resultMessage": "invalid appKey"}
        return httpx.Response(200, json={"header": bad_key})

    recipients = [Recipient(number="01012340001", text="text A"), Recipient(number="01012340002", text="text B")]
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http,
        NhnGateway(app_key=DEMO_NHN_APP_KEY, http_client=http, max_concurrency=2, reconcile=False) as nhn,
    ):
        report = await nhn.send(Message(sender="15446859", text="x", recipients=recipients))
    assert arrived == ["A", "B"]
    assert [(outcome.status, outcome.code) for outcome in report.outcomes] == [
        (SendStatus.NOT_SENT, JOB_STOPPED),
        (SendStatus.REJECTED, "-1000"),
    ]
    assert report.requests == 2


async def test_a_batch_waiting_for_a_connection_slot_does_not_leave_after_the_fatal_answer_that_freed_it() -> None:
    """Another send holds one of the two connection slots; this send's first batch takes the
    other and is refused with a bad appKey (fatal). Its second batch, waiting for a slot, gets
    the one that answer freed, but must not go out: the answer stopped the send."""
    arrived: list[str] = []
    bad_key = {"header": {"isSuccessful": False, "resultCode": -1000, "resultMessage": "invalid appKey"}}

    async def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        arrived.append(body["body"])
        if body["body"] == "other send":
            await asyncio.sleep(0.5)
            accepted = [
                {"recipientNo": entry["recipientNo"], "resultCode": 0, "recipientSeq": seq}
                for seq, entry in enumerate(body["recipientList"], start=1)
            ]
            data = {"requestId": "R1", "statusCode": "2", "sendResultList": accepted}
            return httpx.Response(200, json={"header": {"isSuccessful": True, "resultCode": 0}, "body": {"data": data}})
        await asyncio.sleep(0.1)
        return httpx.Response(200, json=bad_key)

    texts = ["first", "second", "third"]
    recipients = [Recipient(number=f"0101234000{index}", text=text) for index, text in enumerate(texts)]
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http,
        NhnGateway(app_key=DEMO_NHN_APP_KEY, http_client=http, max_concurrency=2, reconcile=False) as nhn,
    ):
        other = asyncio.create_task(nhn.send(Message(sender=SENDER, text="other send", recipients=["01099990000"])))
        await asyncio.sleep(0.05)  # it holds one slot for half a second
        report = await nhn.send(Message(sender=SENDER, text="x", recipients=recipients))
        await other
    assert arrived == ["other send", "first"]
    assert [(outcome.status, outcome.code) for outcome in report.outcomes] == [
        (SendStatus.REJECTED, "-1000"),
        (SendStatus.NOT_SENT, JOB_STOPPED),
        (SendStatus.NOT_SENT, JOB_STOPPED),
    ]
    assert report.requests == 1


async def test_a_batch_whose_write_ahead_note_ends_with_the_fatal_answer_does_not_leave() -> None:
    """The second batch is writing its journal note (``on_sending``) while the first one's
    answer, a bad key, comes back; the note completes in that same loop pass. The stop is
    made as the answer is read, so the second request never leaves."""
    arrived: list[str] = []
    note_may_end = asyncio.Event()
    noting = asyncio.Event()

    async def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        arrived.append(body["body"])
        await noting.wait()
        note_may_end.set()
        await asyncio.sleep(0)
        bad_key = {"isSuccessful": False, "resultCode": -1000, "resultMessage": "invalid appKey"}
        return httpx.Response(401, json={"header": bad_key})

    async def on_sending(recipients: Recipients) -> None:
        if recipients[0].text == "second":
            noting.set()
            await note_may_end.wait()

    recipients = [Recipient(number="01012340001", text="first"), Recipient(number="01012340002", text="second")]
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http,
        NhnGateway(app_key=DEMO_NHN_APP_KEY, http_client=http, max_concurrency=2, reconcile=False) as nhn,
    ):
        message = Message(sender=SENDER, text="x", recipients=recipients)
        report = await nhn.send(message, progress=SendProgress(on_sending=on_sending))
    assert arrived == ["first"]
    assert [(outcome.status, outcome.code) for outcome in report.outcomes] == [
        (SendStatus.REJECTED, "-1000"),
        (SendStatus.NOT_SENT, JOB_STOPPED),
    ]


async def test_the_batches_are_not_checked_again_by_the_client(
    nhn: NhnGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    """check_message has checked what every batch is built from: the bulk path posts past the
    send methods' checks, which would only repeat them."""

    def checked_again(*_: object, **__: object) -> None:
        raise AssertionError("a batch was checked again")

    monkeypatch.setattr("krsms.nhn.client.check_send", checked_again)
    report = await nhn.send(Message(sender=SENDER, text="안녕하세요", recipients=numbers(3)))
    assert report.all_accepted


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            Message(sender="15446859", text="", template_id="T" * 51, recipients=["01000000001"]),
            f"template_id: '{'T' * 39}…' is 51 characters; NHN's templateId takes at most 50",
        ),
    ],
)
async def test_an_nhn_length_refusal_quotes_the_value(message: Message, expected: str) -> None:
    async with NhnGateway(app_key="k", base_url="http://127.0.0.1:9") as nhn:
        with pytest.raises(ValidationError) as caught:
            await nhn.send(message)
    assert str(caught.value) == expected

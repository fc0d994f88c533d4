"""SensGateway through the emulator: batches of 100, outcomes, look-ups, reservations, reconciliation."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Mapping
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import anyio
import httpx
import pytest
import respx
from starlette.applications import Starlette

from krsms import DeliveryStatus, Message, MessageKind, Recipient, SendProgress, SendStatus, ValidationError, errors
from krsms.emulator import (
    DEMO_SENS_ACCESS_KEY,
    DEMO_SENS_SECRET_KEY,
    DEMO_SENS_SERVICE_ID,
    EmulatorConfig,
    EmulatorServer,
    Faults,
    create_app,
)
from krsms.fanout import CANCELLED, NOT_RECEIVED, Batch
from krsms.sens import SensGateway
from krsms.sens.converter import converter
from krsms.sens.errors import ServiceNotFoundError
from krsms.sens.gateway import KNOWN_REQUEST_MEMORY, _Expiring
from krsms.sens.models import FileReference, MessageType, SendMessage, SendRequest
from krsms.testing import numbers, sens_gateway_for
from krsms.transport import NO_RETRIES, RetryPolicy, Timeouts
from krsms.validation import RecipientResolver

SEOUL = ZoneInfo("Asia/Seoul")
SENDER = "02-1234-5678"


def gateway_for(app: Starlette, *, transport: httpx.AsyncBaseTransport | None = None, **options: object) -> SensGateway:
    """A gateway with the emulator's demo keys, sending to ``app`` (through ``transport`` if given)."""
    client = httpx.AsyncClient(transport=transport or httpx.ASGITransport(app=app))
    return SensGateway(
        access_key=DEMO_SENS_ACCESS_KEY,
        secret_key=DEMO_SENS_SECRET_KEY,
        service_id=DEMO_SENS_SERVICE_ID,
        base_url="http://emulator",
        http_client=client,
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture
def app() -> Starlette:
    return create_app(EmulatorConfig(undeliverable_numbers={"01000000002": "3006"}))


@pytest.fixture
async def sens(app: Starlette) -> AsyncIterator[SensGateway]:
    async with gateway_for(app) as gateway:
        yield gateway


async def test_250_recipients_are_three_signed_requests_over_loopback() -> None:
    async with EmulatorServer() as server:
        async with sens_gateway_for(server) as sens:
            report = await sens.send(Message(sender=SENDER, text="안녕하세요", recipients=numbers(250)))
        deliveries = list(server.ledger)
    assert report.requests == 3
    assert len(report.outcomes) == 250
    assert report.all_accepted
    assert [outcome.recipient.number for outcome in report.outcomes] == list(numbers(250))
    per_request = Counter(delivery.request_id for delivery in deliveries)
    assert sorted(per_request.values()) == [50, 100, 100]
    assert {outcome.request_id for outcome in report.outcomes} == set(per_request)
    assert {delivery.sender for delivery in deliveries} == {"0212345678"}


async def test_kinds_split_and_per_recipient_text_and_subject_travel(sens: SensGateway, app: Starlette) -> None:
    long_text = "가" * 60  # 120 bytes: LMS
    message = Message(
        sender=SENDER,
        text="기본 안내",
        subject="공지",
        recipients=[
            "01000000001",
            Recipient(number="010-0000-0003", text="개인 안내"),
            Recipient(number="01000000004", text=long_text, subject="개인 제목"),
        ],
    )
    report = await sens.send(message)
    assert report.requests == 2
    by_number = {delivery.recipient: delivery for delivery in app.state.ledger}
    assert (by_number["01000000001"].kind, by_number["01000000001"].text) == ("SMS", "기본 안내")
    assert by_number["01000000003"].text == "개인 안내"
    assert by_number["01000000001"].subject is None  # SMS carries no subject
    assert (by_number["01000000004"].kind, by_number["01000000004"].subject) == ("LMS", "개인 제목")


async def test_an_advertisement_without_the_legal_notice_is_refused_before_sending(
    sens: SensGateway, app: Starlette
) -> None:
    with pytest.raises(ValidationError, match="must end with the opt-out line") as refused:
        await sens.send(Message(sender=SENDER, text="(광고) 할인", advertisement=True, recipients=numbers(1)))
    assert refused.value.field == "text"
    assert len(app.state.ledger) == 0
    # SENS's own advertisement example passes as written.
    example = Message(
        sender=SENDER, text="(광고) 업체명 내용 [무료 수신거부]08012345678", advertisement=True, recipients=numbers(1)
    )
    assert (await sens.send(example)).all_accepted


async def test_advertisement_reservation_and_cancel(sens: SensGateway, app: Starlette) -> None:
    at = (datetime.now(SEOUL) + timedelta(days=1)).replace(second=0, microsecond=0)
    message = Message(
        sender=SENDER,
        text="(광고) 할인 무료수신거부 0801234567",
        advertisement=True,
        reserve_at=at,
        recipients=numbers(3),
    )
    report = await sens.send(message)
    request_id = report.outcomes[0].request_id
    assert request_id is not None
    deliveries = list(app.state.ledger)
    assert all(delivery.advertisement for delivery in deliveries)
    assert {delivery.reserved_for for delivery in deliveries} == {at.strftime("%Y-%m-%d %H:%M")}
    status = await sens.client.reservation_status(request_id)
    assert status.reserve_status.value == "READY"
    await sens.cancel_reservation(request_id)
    assert {delivery.status for delivery in app.state.ledger} == {"cancelled"}
    assert (await sens.client.reservation_status(request_id)).reserve_status.value == "CANCELED"
    with pytest.raises(errors.NotFoundError, match="it is CANCELED"):  # as NhnGateway answers
        await sens.cancel_reservation(request_id)


async def test_an_http_202_whose_body_says_the_send_failed_is_unknown_not_accepted(app: Starlette) -> None:
    """The document calls any statusCode but 202 a failure; with the HTTP status saying
    otherwise, neither can be trusted: UNKNOWN, for the look-up to settle."""
    failed = {"requestId": "R1", "requestTime": "2026-01-01T00:00:00.000", "statusCode": "500", "statusName": "fail"}
    answers = httpx.MockTransport(lambda request: httpx.Response(202, json=failed))
    async with gateway_for(app, transport=answers, reconcile=False) as sens:
        report = await sens.send(Message(sender=SENDER, text="안녕", recipients=numbers(2)))
    assert report.counts()[SendStatus.UNKNOWN] == 2
    assert {outcome.code for outcome in report.outcomes} == {"MalformedResponseError"}
    assert "statusCode '500'" in (report.outcomes[0].detail or "")


SEND_SHOWN = f"POST /sms/v2/services/{DEMO_SENS_SERVICE_ID}/messages"
"""The send request as an error names it: its method and its path (the service id is no secret)."""


def answering(status: int, body: Mapping[str, object]) -> httpx.MockTransport:
    """Every request answered ``status`` with the JSON ``body``."""
    return httpx.MockTransport(lambda request: httpx.Response(status, json=body))


async def test_an_error_code_echoing_the_keys_is_redacted_in_the_error_and_the_outcomes(app: Starlette) -> None:
    refused = {"error": {"errorCode": f"210 ({DEMO_SENS_ACCESS_KEY})", "message": "Permission Denied"}}
    async with gateway_for(app, transport=answering(401, refused), retry=NO_RETRIES) as sens:
        report = await sens.send(Message(sender=SENDER, text="안녕", recipients=numbers(2)))
    assert isinstance(report.error, errors.AuthenticationError)
    assert report.error.code == "210 (***)"
    assert str(report.error) == f"sens: Permission Denied ({SEND_SHOWN}, HTTP 401, code 210 (***))"
    assert {outcome.code for outcome in report.outcomes} == {"210 (***)"}


async def test_a_202_whose_status_echoes_the_keys_is_redacted_in_the_outcomes(app: Starlette) -> None:
    echoed = {
        "requestId": f"R-{DEMO_SENS_ACCESS_KEY}",
        "requestTime": "2026-01-01T00:00:00.000",
        "statusCode": DEMO_SENS_SECRET_KEY,
        "statusName": f"fail for {DEMO_SENS_ACCESS_KEY}",
    }
    async with gateway_for(app, transport=answering(202, echoed), reconcile=False) as sens:
        report = await sens.send(Message(sender=SENDER, text="안녕", recipients=numbers(1)))
    assert report.outcomes[0].detail == (
        f"sens: answer says statusCode '***' (fail for ***) ({SEND_SHOWN}, HTTP 202, request R-***)"
    )


async def test_an_answer_field_that_does_not_parse_is_quoted_redacted(app: Starlette) -> None:
    echoed = {"requestId": "R1", "requestTime": DEMO_SENS_ACCESS_KEY, "statusCode": "202", "statusName": "success"}
    async with gateway_for(app, transport=answering(202, echoed), reconcile=False) as sens:
        report = await sens.send(Message(sender=SENDER, text="안녕", recipients=numbers(1)))
        with pytest.raises(errors.MalformedResponseError) as caught:
            await sens.client.send_body(
                {"type": "SMS", "from": "0212345678", "content": "안녕", "messages": [{"to": "01000000001"}]}
            )
    expected = (
        f"sens: answer does not match SendResult: ValueError: Invalid isoformat string: '***' ({SEND_SHOWN}, HTTP 202)"
    )
    assert report.outcomes[0].detail == expected
    assert str(caught.value) == expected
    assert caught.value.__context__ is None  # the parse error, which holds the value


class RefusesThenLosesSends(httpx.AsyncBaseTransport):
    """The emulator behind a network where every odd send is refused unprocessed (503) and
    every even one is processed, its answer lost (500)."""

    def __init__(self, app: Starlette):
        self.inner = httpx.ASGITransport(app=app)
        self.sends = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST" or not request.url.path.endswith("/messages"):
            return await self.inner.handle_async_request(request)
        self.sends += 1
        if self.sends % 2:
            return httpx.Response(503, json={"error": "Service Unavailable"})
        await (await self.inner.handle_async_request(request)).aread()
        return httpx.Response(500, json={"error": "lost"})


@pytest.mark.parametrize("resend_missing", [True, False])
async def test_a_resend_after_a_batch_proved_never_received_is_reconciled_when_its_answer_is_lost(
    app: Starlette, resend_missing: bool
) -> None:
    """The first attempt, proved NOT_SENT, no longer counts as a twin that might own the
    request SENS holds: the resend (by resend_missing, or the caller's second send) is
    found as the one request SENS has."""
    transport = RefusesThenLosesSends(app)
    options = {"retry": NO_RETRIES, "reconcile_delay": 0.01, "resend_missing": resend_missing}
    async with gateway_for(app, transport=transport, **options) as sens:
        message = Message(sender=SENDER, text="안녕", recipients=["01011112222"])
        reports = [await sens.send(message)]
        if not resend_missing:
            assert (reports[0].outcomes[0].status, reports[0].outcomes[0].code) == (SendStatus.NOT_SENT, "not_received")
            reports.append(await sens.send(message))
    outcome = reports[-1].outcomes[0]
    assert (outcome.status, outcome.detail) == (SendStatus.ACCEPTED, "found by reconciliation")
    assert [delivery.recipient for delivery in app.state.ledger] == ["01011112222"]


class LosesTheFirstCancelAnswer(httpx.AsyncBaseTransport):
    """The emulator behind a network that loses the answer to the first DELETE (after the
    emulator processed it), as a 500 would."""

    def __init__(self, app: Starlette):
        self.inner = httpx.ASGITransport(app=app)
        self.lost = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method == "DELETE" and not self.lost:
            self.lost = True
            await response.aread()
            return httpx.Response(500, json={"error": "lost"})
        return response


async def test_a_cancel_retried_after_its_answer_was_lost_succeeds(app: Starlette) -> None:
    """The retry meets the cancellation the first attempt made (SENS answers 400): that is
    this call's success, not "no reservation waits"."""
    lossy = LosesTheFirstCancelAnswer(app)
    async with gateway_for(app, transport=lossy, retry=RetryPolicy(initial_backoff=0.01)) as sens:
        at = (datetime.now(SEOUL) + timedelta(days=1)).replace(second=0, microsecond=0)
        report = await sens.send(Message(sender=SENDER, text="예약", reserve_at=at, recipients=numbers(2)))
        request_id = report.outcomes[0].request_id
        assert request_id is not None
        await sens.cancel_reservation(request_id)
        assert (await sens.client.reservation_status(request_id)).reserve_status.value == "CANCELED"
    assert {delivery.status for delivery in app.state.ledger} == {"cancelled"}


async def test_mms_with_an_uploaded_image(sens: SensGateway, app: Starlette) -> None:
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 100 + b"\xff\xd9"
    image = await sens.upload_image(jpeg, file_name="coupon.jpg")
    assert image.expires_at is not None
    report = await sens.send(
        Message(sender=SENDER, text="쿠폰", subject="쿠폰", images=[image.id], recipients=["01000000001"])
    )
    assert report.all_accepted
    assert [delivery.kind for delivery in app.state.ledger] == ["MMS"]


async def test_two_different_images_with_one_name_and_size_get_their_own_ids(sens: SensGateway) -> None:
    """SENS reuses a stored file of the same name and size: the gateway names each upload
    with a digest of its content, so the second coupon is not sent as the first."""
    first = b"\xff\xd8\xff\xe0" + b"\x01" * 100 + b"\xff\xd9"
    second = b"\xff\xd8\xff\xe0" + b"\x02" * 100 + b"\xff\xd9"
    one, other = [await sens.upload_image(jpeg, file_name="coupon.jpg") for jpeg in (first, second)]
    assert one.id != other.id
    assert re.fullmatch(r"coupon-[0-9a-f]{8}\.jpg", one.file_name)
    again = await sens.upload_image(first, file_name="coupon.jpg")  # the same image may share its file
    assert again.file_name == one.file_name
    long_name = await sens.upload_image(second, file_name="c" * 36 + ".jpg")  # 40 characters, the limit
    assert len(long_name.file_name) == 40


@pytest.mark.parametrize(
    ("file_name", "stored"),
    [
        (".jpg", r"image-[0-9a-f]{8}\.jpg"),
        (".JPEG", r"image-[0-9a-f]{8}\.JPEG"),
        ("photo.tar.jpeg", r"photo\.tar-[0-9a-f]{8}\.jpeg"),
        ("d" * 35 + ".jpeg", "d" * 26 + r"-[0-9a-f]{8}\.jpeg"),  # 40 characters, the limit
    ],
    ids=["only the suffix", "only the suffix, upper case", "two dots", "40 characters"],
)
async def test_every_name_the_check_accepts_is_stored_under_a_name_it_accepts(
    sens: SensGateway, file_name: str, stored: str
) -> None:
    """'.jpg' passed the check, then was stored as '.jpg-<digest>' (os.path.splitext takes a
    leading dot for the stem), which the client refused naming a file the caller never gave."""
    image = await sens.upload_image(b"\xff\xd8\xff\xe0" + b"\x03" * 100 + b"\xff\xd9", file_name=file_name)
    assert re.fullmatch(stored, image.file_name)


async def test_delivery_results_map_codes(sens: SensGateway) -> None:
    report = await sens.send(Message(sender=SENDER, text="안녕", recipients=["01000000001", "01000000002"]))
    request_id = report.outcomes[0].request_id
    assert request_id is not None
    results = {result.recipient: result for result in await sens.delivery_results(request_id)}
    assert results["01000000001"].status is DeliveryStatus.DELIVERED
    assert (results["01000000002"].status, results["01000000002"].code) == (DeliveryStatus.FAILED, "3006")
    assert all(result.message_id for result in results.values())


@respx.mock
async def test_delivery_results_of_a_request_the_messaging_server_failed_are_failed() -> None:
    """S3's top-level statusCode is the send request's status at the messaging server (202
    success, others failed): its messages will not be delivered, whatever their READY says."""
    respx.get(url__regex=r".*/messages\?requestId=R1&pageIndex=0$").respond(
        200,
        json={
            "statusCode": "500",
            "statusName": "fail",
            "messages": [
                {
                    "requestId": "R1",
                    "messageId": "M1",
                    "requestTime": "2026-11-25 10:00:00",
                    "contentType": "COMM",
                    "type": "SMS",
                    "countryCode": "82",
                    "from": SENDER,
                    "to": "01000000001",
                    "status": "READY",
                }
            ],
            "pageIndex": 0,
            "pageSize": 100,
            "itemCount": 1,
            "hasMore": False,
        },
    )
    async with SensGateway(
        access_key=DEMO_SENS_ACCESS_KEY, secret_key=DEMO_SENS_SECRET_KEY, service_id=DEMO_SENS_SERVICE_ID
    ) as sens:
        (result,) = await sens.delivery_results("R1")
    assert (result.status, result.code, result.detail) == (
        DeliveryStatus.FAILED,
        "500",
        "the request failed at the messaging server (fail)",
    )


@respx.mock
async def test_delivery_results_show_no_key_sens_echoed() -> None:
    """A delivery result is krsms's outcome, as a send's is: SENS's words in it (a message's
    status, a failed request's name) go through the redactor (``krsms status`` prints them)."""
    message = {
        "requestId": "R1",
        "messageId": "M1",
        "requestTime": "2026-11-25 10:00:00",
        "contentType": "COMM",
        "type": "SMS",
        "countryCode": "82",
        "from": SENDER,
        "to": "01000000001",
        "status": "COMPLETED",
        "statusCode": "3018",
        "statusMessage": f"refused: {DEMO_SENS_ACCESS_KEY}",
    }
    page = {"statusCode": "202", "statusName": "success", "messages": [message], "hasMore": False}
    failed = {**page, "statusCode": "500", "statusName": f"fail {DEMO_SENS_ACCESS_KEY}"}
    route = respx.get(url__regex=r".*/messages\?requestId=R1&pageIndex=0$")
    route.side_effect = [httpx.Response(200, json=page), httpx.Response(200, json=failed)]
    async with SensGateway(
        access_key=DEMO_SENS_ACCESS_KEY, secret_key=DEMO_SENS_SECRET_KEY, service_id=DEMO_SENS_SERVICE_ID
    ) as sens:
        (result,) = await sens.delivery_results("R1")
        (of_failed_request,) = await sens.delivery_results("R1")
    assert (result.status, result.code, result.detail) == (DeliveryStatus.FAILED, "3018", "refused: ***")
    assert of_failed_request.detail == "the request failed at the messaging server (fail ***)"


@respx.mock
async def test_a_request_id_reconciliation_finds_is_redacted_as_a_sends_is() -> None:
    """A lost answer settled by the look-up: the request id it finds becomes the outcomes',
    and goes through the redactor as the id of a send's answer does."""
    request_id = f"R-{DEMO_SENS_ACCESS_KEY}"
    now = datetime.now(SEOUL).strftime("%Y-%m-%d %H:%M:%S")
    listed = {
        "requestId": request_id,
        "messageId": "M1",
        "requestTime": now,
        "contentType": "COMM",
        "type": "SMS",
        "countryCode": "82",
        "from": "0212345678",
        "to": "01000000001",
        "status": "READY",
    }
    page = {"statusCode": "202", "statusName": "success", "messages": [listed], "hasMore": False}
    detail = {"statusCode": "200", "statusName": "success", "messages": [{**listed, "content": "안녕"}]}
    respx.post(url__regex=r".*/messages$").respond(500, json={"error": "lost"})
    respx.get(url__regex=r".*/messages\?").respond(200, json=page)
    respx.get(url__regex=r".*/messages/M1$").respond(200, json=detail)
    async with SensGateway(
        access_key=DEMO_SENS_ACCESS_KEY,
        secret_key=DEMO_SENS_SECRET_KEY,
        service_id=DEMO_SENS_SERVICE_ID,
        retry=NO_RETRIES,
    ) as sens:
        report = await sens.send(Message(sender=SENDER, text="안녕", recipients=["01000000001"]))
    (outcome,) = report.outcomes
    assert (outcome.status, outcome.request_id, outcome.detail) == (
        SendStatus.ACCEPTED,
        "R-***",
        "found by reconciliation",
    )


async def test_bad_credentials_stop_the_job_with_the_rest_not_sent(app: Starlette) -> None:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
    async with SensGateway(
        access_key=DEMO_SENS_ACCESS_KEY,
        secret_key="wrong-secret",
        service_id=DEMO_SENS_SERVICE_ID,
        base_url="http://emulator",
        http_client=client,
        max_concurrency=1,
    ) as sens:
        report = await sens.send(Message(sender=SENDER, text="안녕", recipients=numbers(500)))
    assert isinstance(report.error, errors.AuthenticationError)
    assert report.requests == 1
    counts = report.counts()
    assert counts[SendStatus.REJECTED] == 100
    assert counts[SendStatus.NOT_SENT] == 400
    assert len(app.state.ledger) == 0
    assert "wrong-secret" not in str(report.error)


async def test_an_unknown_service_id_stops_the_job_with_the_rest_not_sent(app: Starlette) -> None:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
    async with SensGateway(
        access_key=DEMO_SENS_ACCESS_KEY,
        secret_key=DEMO_SENS_SECRET_KEY,
        service_id="ncp:sms:kr:000000000000:no-such-service",
        base_url="http://emulator",
        http_client=client,
        max_concurrency=1,
    ) as sens:
        report = await sens.send(Message(sender=SENDER, text="안녕", recipients=numbers(500)))
    assert isinstance(report.error, ServiceNotFoundError)
    assert isinstance(report.error, errors.NotFoundError)
    assert report.requests == 1
    assert report.counts()[SendStatus.NOT_SENT] == 400
    assert len(app.state.ledger) == 0


async def test_a_lost_answer_is_reconciled_through_the_look_up() -> None:
    app = create_app(EmulatorConfig(faults=Faults(error_after_processing_rate=1.0)))
    async with gateway_for(app, retry=NO_RETRIES) as sens:
        report = await sens.send(Message(sender=SENDER, text="안녕", recipients=numbers(150)))
    assert report.all_accepted
    stored = Counter(delivery.request_id for delivery in app.state.ledger)
    assert Counter(outcome.request_id for outcome in report.outcomes) == stored


async def test_a_lost_answer_of_an_mms_without_images_is_found_as_the_lms_sens_sent() -> None:
    """SENS sends an MMS with no file as an LMS ("MMS type, but if there is no file to
    attach, it is sent as LMS") and lists it so: the look-up must take that LMS for the batch."""
    app = create_app(EmulatorConfig(faults=Faults(error_after_processing_rate=1.0)))
    message = Message(sender=SENDER, text="안녕", subject="제목", kind=MessageKind.MMS, recipients=numbers(3))
    async with gateway_for(app, retry=NO_RETRIES) as sens:
        report = await sens.send(message)
    assert [delivery.kind for delivery in app.state.ledger] == ["LMS"] * 3
    assert report.all_accepted
    assert set(report.request_ids) == {delivery.request_id for delivery in app.state.ledger}


async def test_a_batch_that_never_arrived_is_not_sent_and_resent_only_when_asked() -> None:
    app = create_app(EmulatorConfig(faults=Faults(server_error_rate=1.0)))
    async with gateway_for(app, retry=NO_RETRIES, reconcile_delay=0.01) as sens:
        report = await sens.send(Message(sender=SENDER, text="안녕", recipients=numbers(5)))
    assert {(outcome.status, outcome.code) for outcome in report.outcomes} == {(SendStatus.NOT_SENT, NOT_RECEIVED)}

    app = create_app(EmulatorConfig(faults=Faults(seed=3, server_error_rate=0.5)))
    async with gateway_for(app, retry=NO_RETRIES, resend_missing=True, max_concurrency=1, reconcile_delay=0.01) as sens:
        report = await sens.send(Message(sender=SENDER, text="안녕", recipients=numbers(1000)))
    accepted = {outcome.recipient.number for outcome in report.with_status(SendStatus.ACCEPTED)}
    recorded = [delivery.recipient for delivery in app.state.ledger]
    assert len(recorded) == len(set(recorded))  # nobody twice
    assert accepted == set(recorded)
    assert len(report.outcomes) == 1000


async def test_a_lost_batch_is_not_taken_for_an_earlier_request_to_the_same_number() -> None:
    """A code sent again a moment later: the look-up finds only the first request to that
    number, which this gateway holds the outcome of; the lost one, which SENS never got, is
    NOT_SENT, never ACCEPTED with another's id."""
    app = create_app(EmulatorConfig())
    async with gateway_for(app, retry=NO_RETRIES, reconcile_delay=0.01) as sens:
        first = await sens.send(Message(sender=SENDER, text="인증번호 111111", recipients=["01012345678"]))
        app.state.faults.replace(Faults(server_error_rate=1.0))  # a 500 before processing: SENS never got it
        second = await sens.send(Message(sender=SENDER, text="인증번호 222222", recipients=["01012345678"]))
    assert [delivery.text for delivery in app.state.ledger] == ["인증번호 111111"]
    assert first.all_accepted
    assert {(outcome.status, outcome.code) for outcome in second.outcomes} == {(SendStatus.NOT_SENT, NOT_RECEIVED)}


async def test_two_batches_to_the_same_numbers_never_share_one_request() -> None:
    """A list holding the same numbers twice: the batch whose answer came back has its id, so
    the other batch, lost before SENS got it, is not given that id too."""
    app = create_app(EmulatorConfig())
    async with gateway_for(app, retry=NO_RETRIES, max_concurrency=1, reconcile_delay=0.01) as sens:
        twice = [*numbers(100), *numbers(100)]
        first = await sens.send(Message(sender=SENDER, text="안녕", recipients=twice[:100]))
        app.state.faults.replace(Faults(server_error_rate=1.0))
        second = await sens.send(Message(sender=SENDER, text="안녕", recipients=twice[100:]))
    assert first.all_accepted
    assert len(app.state.ledger) == 100
    assert {(outcome.status, outcome.code) for outcome in second.outcomes} == {(SendStatus.NOT_SENT, NOT_RECEIVED)}


class ScriptedSends(httpx.AsyncBaseTransport):
    """The emulator in-process, its send requests each doing what the script says, in turn
    (the last entry for every later send): ``"slow"`` reaches SENS and is answered half a
    second late; ``"answer lost"`` reaches SENS, then times out; ``"lost"`` times out without
    reaching it; ``"hang"`` does that half a second later."""

    def __init__(self, app: Starlette, *script: str):
        self.inner = httpx.ASGITransport(app=app)
        self.script = list(script)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not (request.method == "POST" and request.url.path.endswith("/messages")):
            return await self.inner.handle_async_request(request)
        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if step == "hang":
            await asyncio.sleep(0.5)
        if step in ("slow", "answer lost"):
            answer = await self.inner.handle_async_request(request)
            if step == "slow":
                await asyncio.sleep(0.5)
                return answer
        raise httpx.ReadTimeout(step, request=request)


def gateway_over(transport: httpx.AsyncBaseTransport) -> SensGateway:
    """A gateway with the demo keys whose requests go through ``transport``."""
    return SensGateway(
        access_key=DEMO_SENS_ACCESS_KEY,
        secret_key=DEMO_SENS_SECRET_KEY,
        service_id=DEMO_SENS_SERVICE_ID,
        base_url="http://emulator",
        http_client=httpx.AsyncClient(transport=transport),
        reconcile_delay=0.01,
    )


async def test_two_lost_batches_reconciled_at_once_never_share_the_one_request_that_arrived() -> None:
    app = create_app(EmulatorConfig())
    message = Message(sender=SENDER, text="배송이 시작되었습니다", recipients=["01012345678"])
    async with gateway_over(ScriptedSends(app, "answer lost", "lost")) as sens:
        reports = await asyncio.gather(sens.send(message), sens.send(message))
    assert len(app.state.ledger) == 1
    statuses = sorted(report.outcomes[0].status.value for report in reports)
    assert statuses in (["accepted", "unknown"], ["unknown", "unknown"])


async def test_a_lost_batch_is_not_taken_for_a_request_still_awaiting_its_answer() -> None:
    """A "resend code" tapped while the first send's answer is slow: the request SENS holds
    is the first send's, so the lost one stays UNKNOWN instead of sharing its id."""
    app = create_app(EmulatorConfig())
    message = Message(sender=SENDER, text="인증번호 123456", recipients=["01012345678"])
    async with gateway_over(ScriptedSends(app, "slow", "lost")) as sens:
        first = asyncio.create_task(sens.send(message))
        await asyncio.sleep(0.1)
        second = await sens.send(message)
        assert (await first).all_accepted
    assert len(app.state.ledger) == 1
    assert second.outcomes[0].status is SendStatus.UNKNOWN


async def test_the_request_of_a_twin_whose_answer_was_lost_is_not_taken_by_another_lost_batch() -> None:
    app = create_app(EmulatorConfig())
    message = Message(sender=SENDER, text="인증번호 123456", recipients=["01012345678"])
    async with gateway_over(ScriptedSends(app, "hang", "answer lost")) as sens:
        never_arrived = asyncio.create_task(sens.send(message))
        await asyncio.sleep(0.1)
        arrived = await sens.send(message)
        lost = await never_arrived
    assert len(app.state.ledger) == 1
    # Either could be the one SENS holds: neither is ACCEPTED on a guess.
    assert {arrived.outcomes[0].status, lost.outcomes[0].status} == {SendStatus.UNKNOWN}


async def test_a_request_made_before_the_attempt_began_is_never_taken_for_the_lost_batch() -> None:
    """Another worker sent the same text to the same number half a minute earlier: the lost
    batch, which SENS never got, is NOT_SENT, never ACCEPTED with that request's id."""
    app = create_app(EmulatorConfig())
    message = Message(sender=SENDER, text="택배가 도착했습니다", recipients=["01012345678"])
    app.state.clock.skew_seconds = -30  # the other worker's send, thirty seconds ago
    async with gateway_for(app) as worker_a:
        assert (await worker_a.send(message)).all_accepted
    app.state.clock.skew_seconds = 0
    async with gateway_over(ScriptedSends(app, "lost")) as worker_b:  # has seen no answer: SENS's clock unknown
        (outcome,) = (await worker_b.send(message)).outcomes
    assert (outcome.status, outcome.code) == (SendStatus.NOT_SENT, NOT_RECEIVED)
    assert len(app.state.ledger) == 1


@pytest.mark.parametrize("skew", [-3.0, -30.0, 30.0])
async def test_a_lost_answer_is_found_in_the_providers_own_time(skew: float) -> None:
    """A local clock a few seconds off SENS's (signatures still pass): the look-up window is
    shifted by the offset SENS's ``Date`` headers show, so a batch that arrived is found and
    never called NOT_SENT (and resent)."""
    app = create_app(EmulatorConfig(clock_skew_seconds=skew))
    async with gateway_for(app, retry=NO_RETRIES, resend_missing=True, reconcile_delay=0.01) as sens:
        await sens.send(Message(sender=SENDER, text="준비", recipients=["01099999999"]))  # an answer with a Date
        app.state.faults.replace(Faults(error_after_processing_rate=1.0))
        report = await sens.send(Message(sender=SENDER, text="안녕", recipients=numbers(3)))
    assert report.all_accepted
    assert Counter(delivery.recipient for delivery in app.state.ledger if delivery.text == "안녕") == Counter(
        numbers(3)
    )


async def test_before_any_answer_the_window_spans_the_signature_tolerance() -> None:
    app = create_app(EmulatorConfig(clock_skew_seconds=-240, faults=Faults(error_after_processing_rate=1.0)))
    async with gateway_for(app, retry=NO_RETRIES, resend_missing=True, reconcile_delay=0.01) as sens:
        sens.client.auth.provider_offset = None  # as if no answer had carried a Date yet
        report = await sens.send(Message(sender=SENDER, text="안녕", recipients=numbers(3)))
    assert report.all_accepted
    assert len(app.state.ledger) == 3


async def test_a_skewed_local_clock_is_corrected_from_the_gateway_date() -> None:
    app = create_app(EmulatorConfig(clock_skew_seconds=360))
    async with gateway_for(app) as sens:
        report = await sens.send(Message(sender=SENDER, text="안녕", recipients=numbers(2)))
        assert sens.client.auth.offset_seconds == pytest.approx(360, abs=2)
    assert report.all_accepted


async def test_without_correction_the_error_names_the_skew() -> None:
    app = create_app(EmulatorConfig(clock_skew_seconds=-360))
    async with gateway_for(app) as sens:
        sens.client.auth.correct_clock_skew = False
        with pytest.raises(errors.AuthenticationError, match=r"6\.0 minutes ahead of the gateway"):
            await sens.client.reservation_status("R-1")


def test_repr_and_errors_hide_the_keys(app: Starlette) -> None:
    gateway = gateway_for(app)
    assert DEMO_SENS_SECRET_KEY not in repr(gateway)
    assert DEMO_SENS_ACCESS_KEY not in repr(gateway)


async def test_the_emulator_takes_an_inline_image_as_mms(sens: SensGateway, app: Starlette) -> None:
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 100 + b"\xff\xd9"
    result = await sens.client.send(
        SendRequest(
            type=MessageType.MMS,
            from_="0212345678",
            content="쿠폰",
            subject="쿠폰",
            messages=(SendMessage(to="01000000001"),),
            files=(FileReference.inline("coupon.jpg", jpeg),),
        )
    )
    assert result.status_code == "202"
    assert [delivery.kind for delivery in app.state.ledger] == ["MMS"]


AD_TEXT = "(광고) 봄 세일\n무료수신거부 080-123-4567"
WIRE_CASES = {
    "plain SMS": Message(sender="0212345678", text="안녕", recipients=["01000000001", "01000000002"]),
    "own texts and subjects, reserved": Message(
        sender="15446859",
        text="가" * 60,
        subject="공지",
        recipients=[
            Recipient(number="01000000001", subject="다른 제목"),
            Recipient(number="01000000002", text="나" * 60),
            Recipient(number="01000000003", text="가" * 60),  # the default content: not repeated
        ],
        reserve_at=datetime.now(ZoneInfo("Asia/Seoul")) + timedelta(days=2),
    ),
    "own texts only": Message(
        sender="0212345678",
        text="",
        recipients=[Recipient(number="01000000001", text="하나"), Recipient(number="01000000002", text="둘")],
    ),
    "MMS": Message(sender="0212345678", text="사진", subject="s", images=["F1"], recipients=["01000000001"]),
    "international advertisement": Message(
        sender="0212345678", text=AD_TEXT, advertisement=True, country_code="1", recipients=["2025550123"]
    ),
}


@pytest.mark.parametrize("case", list(WIRE_CASES))
async def test_the_body_sent_is_the_converters_body_of_the_typed_request(app: Starlette, case: str) -> None:
    message = WIRE_CASES[case]
    sent: list[bytes] = []
    media_types: list[list[str]] = []

    async def capture(request: httpx.Request) -> None:
        sent.append(await request.aread())
        media_types.append(request.headers.get_list("content-type"))

    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), event_hooks={"request": [capture]})
    async with SensGateway(
        access_key=DEMO_SENS_ACCESS_KEY,
        secret_key=DEMO_SENS_SECRET_KEY,
        service_id=DEMO_SENS_SERVICE_ID,
        base_url="http://emulator",
        http_client=client,
        reconcile=False,
    ) as sens:
        report = await sens.send(message)
        expected = converter.unstructure(sens.send_request(message, the_batch_of(sens, message)))
    await client.aclose()
    assert report.requests == 1
    assert [json.loads(body) for body in sent] == [expected]
    assert media_types == [["application/json; charset=utf-8"]]


def the_batch_of(sens: SensGateway, message: Message) -> Batch:
    """The one batch a send of ``message`` makes, as the fan-out cuts it."""
    resolver = RecipientResolver(message, sens.rules)
    entries = [resolver.resolve(recipient, index) for index, recipient in enumerate(message.recipients.compact)]
    [kind] = {kind for _, kind in entries}
    return Batch(kind=kind, indexes=tuple(range(len(entries))), recipients=tuple(r for r, _ in entries))


async def test_a_batch_that_never_arrived_does_not_claim_its_twins_late_request() -> None:
    """The same text to the same number twice: A reaches a busy SENS, which stores it only
    after the client's timeout; B is refused before processing. Both first look-ups find
    nothing; by B's second look-up A's request is listed. While A is unsettled neither may
    take it: B must not be ACCEPTED with A's request id."""
    config = EmulatorConfig(faults=Faults(slow_rate=1.0, slow_delay=0.8))
    text = "[krsms] 인증번호 123456"
    async with EmulatorServer(config) as server:
        stats = server.app.state.faults.stats
        async with sens_gateway_for(
            server,
            timeout=Timeouts(connect=2, read=0.4, write=2, pool=5),
            retry=RetryPolicy(max_attempts=1),
            reconcile_delay=1.0,
        ) as sens:
            server.app.state.faults.replace(Faults())
            await sens.delivery_results("none")  # the gateway knows SENS's clock, as a running process does
            server.app.state.faults.replace(Faults(slow_rate=1.0, slow_delay=0.8))
            first = asyncio.create_task(sens.send(Message(sender=SENDER, text=text, recipients=["01012345678"])))
            await asyncio.sleep(0.2)  # A is at SENS, held 0.8 s: B goes out meanwhile
            assert stats["sens.sends"] == 1
            server.app.state.faults.replace(Faults(server_error_rate=1.0))
            second = asyncio.create_task(sens.send(Message(sender=SENDER, text=text, recipients=["01012345678"])))
            arrived, refused = await asyncio.wait_for(asyncio.gather(first, second), 15)
        stored = [delivery.request_id for delivery in server.ledger if delivery.provider == "sens"]
    assert len(stored) == 1
    assert refused.outcomes[0].status is not SendStatus.ACCEPTED
    assert arrived.outcomes[0].status is not SendStatus.NOT_SENT


async def test_a_send_cancelled_while_waiting_for_a_connection_slot_does_not_block_later_reconciliation() -> None:
    """A one-time code is cancelled (a web handler's deadline) while it waits for the only
    connection slot: it never left, so it must not count as an attempt SENS may hold. The
    retried code, stored by SENS but its answer lost, is then found by reconciliation."""
    otp = Message(sender=SENDER, text="[krsms] 인증번호 123456", recipients=["01012345678"])
    async with EmulatorServer(EmulatorConfig(faults=Faults(latency=0.5))) as server:
        async with sens_gateway_for(server, max_concurrency=1, reconcile_delay=0) as sens:
            await sens.delivery_results("none")  # the gateway knows SENS's clock, as a running process does
            sending = asyncio.Event()

            async def on_sending(recipients: object) -> None:
                sending.set()

            campaign_message = Message(sender=SENDER, text="campaign", recipients=numbers(100, start=5000))
            campaign = asyncio.create_task(sens.send(campaign_message, progress=SendProgress(on_sending=on_sending)))
            await sending.wait()
            await asyncio.sleep(0.05)  # the campaign's request holds the slot for 0.5 s
            queued = SendProgress()
            with anyio.move_on_after(0.1):
                await sens.send(otp, progress=queued)
            assert [(outcome.status, outcome.code) for outcome in queued.report().outcomes] == [
                (SendStatus.NOT_SENT, CANCELLED)
            ]
            await campaign
            server.app.state.faults.replace(Faults(drop_after_processing_rate=1.0))
            retried = await sens.send(otp)
        stored = [delivery.request_id for delivery in server.ledger if delivery.recipient == "01012345678"]
    assert len(stored) == 1
    assert [(outcome.status, outcome.request_id) for outcome in retried.outcomes] == [(SendStatus.ACCEPTED, stored[0])]


class SteppedClock(datetime):
    """The host's wall clock, ``ahead`` seconds fast until NTP steps it back."""

    ahead = 0.0

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        return datetime.now(tz) + timedelta(seconds=cls.ahead)


async def test_a_clock_step_during_a_send_does_not_hide_the_request_from_reconciliation(
    app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The host clock runs 90 s fast (within SENS's signature window), and NTP steps it back
    while a batch is out and its answer is lost. The look-up window is SENS's time now less the
    monotonic time since the attempt, not the stepped wall clock's start: the request is found,
    and resend_missing sends nothing twice."""
    SteppedClock.ahead = 90.0
    monkeypatch.setattr("krsms.fanout.gateway.datetime", SteppedClock)
    monkeypatch.setattr("krsms.sens.gateway.datetime", SteppedClock)
    async with gateway_for(app, retry=RetryPolicy(max_attempts=1), reconcile_delay=0.2, resend_missing=True) as sens:
        sens.client.auth.clock = lambda: time.time() + SteppedClock.ahead
        await sens.delivery_results("none")  # the offset (-90 s) is known before the send
        app.state.faults.replace(Faults(error_after_processing_rate=1.0, latency=0.3))
        sending = asyncio.create_task(sens.send(Message(sender=SENDER, text="안내", recipients=["01012345678"])))
        await asyncio.sleep(0.15)
        SteppedClock.ahead = 0.0  # NTP steps the clock back to true time
        app.state.faults.replace(Faults())
        report = await asyncio.wait_for(sending, 10)
    stored = [delivery.request_id for delivery in app.state.ledger]
    assert len(stored) == 1
    assert (report.outcomes[0].status, report.outcomes[0].request_id) == (SendStatus.ACCEPTED, stored[0])


async def test_the_batches_are_not_checked_again_by_the_client(
    sens: SensGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    """check_message has checked what every batch is built from: the bulk path posts past
    send_body's checks, which would only repeat them."""

    def checked_again(*_: object, **__: object) -> None:
        raise AssertionError("a batch was checked again")

    monkeypatch.setattr("krsms.sens.client.check_send_request", checked_again)
    report = await sens.send(Message(sender=SENDER, text="안녕하세요", recipients=numbers(3)))
    assert report.all_accepted


@pytest.mark.parametrize("reconcile", [True, False])
async def test_only_a_reconciling_gateway_remembers_its_requests(reconcile: bool) -> None:
    """What the requests and attempts of the last 10 minutes are kept for is reconciliation:
    without it, a busy gateway would hold every request id of those minutes for nothing."""
    app = create_app(EmulatorConfig())
    async with gateway_for(app, reconcile=reconcile, retry=NO_RETRIES) as sens:
        answered = await sens.send(Message(sender=SENDER, text="안녕하세요", recipients=numbers(150)))
        app.state.faults.replace(Faults(error_after_processing_rate=1.0))  # every answer lost
        lost = await sens.send(Message(sender=SENDER, text="반갑습니다", recipients=numbers(150)))
        known, unsettled = sens._known_requests.items(), sens._unsettled.items()
    assert answered.all_accepted
    if reconcile:
        assert lost.all_accepted  # found by reconciliation
        assert (len(known), unsettled) == (4, [])
    else:
        assert lost.counts()[SendStatus.UNKNOWN] == 150
        assert (known, unsettled) == ([], [])


def test_an_entry_is_gone_once_its_time_is_up_though_nothing_was_set_since() -> None:
    """Unsettled attempts and known requests are kept 10 minutes: one found later would hold a
    reconciliation back (UNKNOWN) or keep it from a request, long after it stopped mattering."""
    now = [1000.0]
    known: _Expiring[None] = _Expiring(KNOWN_REQUEST_MEMORY, clock=lambda: now[0])
    known.set("R-old", None)
    now[0] += KNOWN_REQUEST_MEMORY / 2
    known.set("R-newer", None)
    now[0] += KNOWN_REQUEST_MEMORY / 2
    assert "R-old" in known  # exactly its time: still kept
    now[0] += 0.001
    assert "R-old" not in known
    assert known.items() == [("R-newer", None)]
    now[0] += KNOWN_REQUEST_MEMORY
    assert known.items() == []
    assert "R-newer" not in known


def test_the_unsettled_attempts_can_be_walked_while_sends_in_other_threads_change_them() -> None:
    """One gateway serves event loops in several threads: a reconciliation walks the attempts
    not settled yet while the other threads' sends add and settle theirs."""
    unsettled: _Expiring[tuple[str, ...]] = _Expiring(KNOWN_REQUEST_MEMORY)
    for key in ("first", "second", "third"):
        unsettled.set(key, ("01000000001",))
    walked = []
    for key, _ in unsettled.items():
        walked.append(key)
        unsettled.set(f"after-{key}", ("01000000002",))  # as another thread's send does mid-walk
        unsettled.discard("third")
    assert walked == ["first", "second", "third"]
    assert "third" not in unsettled
    assert "after-third" in unsettled


async def test_a_reservation_passing_while_a_batch_waits_for_its_retry_keeps_the_retry_from_leaving(
    app: Starlette,
) -> None:
    """The moment passes during the 429's back-off: the retry would reach SENS after it and be
    refused, so it does not leave; the batch is NOT_SENT and the send stops, each later batch
    NOT_SENT too, all resumable with a later reservation."""
    reserve_at = datetime(2026, 3, 2, 9, 1, tzinfo=SEOUL)
    clock = [reserve_at - timedelta(seconds=20)]
    sent: list[httpx.Request] = []

    def rate_limited_once(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        clock[0] = reserve_at + timedelta(seconds=1)  # the minute passes while the batch waits
        return httpx.Response(429, headers={"retry-after": "0"})

    gateway = gateway_for(
        app,
        transport=httpx.MockTransport(rate_limited_once),
        max_concurrency=1,
        retry=RetryPolicy(initial_backoff=0.01),
        reconcile=False,
    )
    gateway.now = lambda: clock[0]  # type: ignore[method-assign]
    async with gateway:
        report = await gateway.send(Message(sender=SENDER, text="예약", recipients=numbers(250), reserve_at=reserve_at))

    assert len(sent) == 1  # the first attempt only
    assert {outcome.status for outcome in report.outcomes} == {SendStatus.NOT_SENT}
    assert isinstance(report.error, ValidationError)
    assert report.error.field == "reserve_at"
    assert "passed during the send" in (report.outcomes[0].detail or "")
    assert {outcome.code for outcome in report.outcomes[100:]} == {"stopped"}
    assert report.requests == 1


async def test_a_lost_batch_whose_first_number_an_earlier_request_holds_waits_for_the_second_look_up() -> None:
    """The same number in two batches: the first batch's request is answered (this gateway
    holds its outcome); the second reaches a busy SENS, stored only after the client's
    timeout. Its first look-up by that number lists the first batch's request alone, which
    cannot be the batch's: the batch is not settled on it (UNKNOWN at once) but looked up
    again after ``reconcile_delay``, and found."""
    async with EmulatorServer() as server:
        async with sens_gateway_for(
            server,
            timeout=Timeouts(connect=2, read=0.2, write=2, pool=5),
            retry=RetryPolicy(max_attempts=1),
            reconcile_delay=0.6,
            resend_missing=True,
        ) as sens:
            earlier = await sens.send(Message(sender=SENDER, text="안내", recipients=["01012345678", "01011112222"]))
            server.app.state.faults.replace(Faults(slow_rate=1.0, slow_delay=0.4))
            queued = await sens.send(Message(sender=SENDER, text="안내", recipients=["01012345678", "01033334444"]))
        stored = Counter((delivery.request_id, delivery.recipient) for delivery in server.ledger)
    assert earlier.all_accepted
    assert queued.all_accepted
    assert len(stored) == 4
    assert set(stored.values()) == {1}
    assert {(outcome.request_id, outcome.recipient.number) for outcome in queued.outcomes} <= set(stored)
    assert set(queued.request_ids).isdisjoint(earlier.request_ids)


class ListedNewestFirst(httpx.AsyncBaseTransport):
    """The emulator in-process, its request look-ups by time window (S3) listing their
    messages in the reverse order: SENS documents none."""

    def __init__(self, app: Starlette):
        self.inner = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method != "GET" or not request.url.path.endswith("/messages") or "requestId" in request.url.params:
            return response
        answer = json.loads(await response.aread())
        answer["messages"].reverse()
        return httpx.Response(response.status_code, headers=response.headers, json=answer)


@pytest.mark.parametrize("newest_first", [False, True])
async def test_a_lost_batch_with_its_first_number_twice_and_two_texts_is_found(newest_first: bool) -> None:
    """Per-recipient texts, the first number twice in the batch with a text each: the look-up
    by that number lists both of its messages, and the request is the batch's whichever of
    them is listed first."""
    app = create_app(EmulatorConfig(faults=Faults(error_after_processing_rate=1.0)))
    recipients = [
        Recipient(number="01012345678", text="첫째 안내"),
        Recipient(number="01087654321", text="둘째 안내"),
        Recipient(number="01012345678", text="셋째 안내"),
    ]
    transport = ListedNewestFirst(app) if newest_first else None
    async with gateway_for(app, transport=transport, retry=NO_RETRIES, reconcile_delay=0.01) as sens:
        report = await sens.send(Message(sender=SENDER, text="안내", recipients=recipients))
    assert len(app.state.ledger) == 3
    assert report.all_accepted
    assert set(report.request_ids) == {delivery.request_id for delivery in app.state.ledger}


async def test_a_lost_batch_is_looked_up_again_when_its_number_shows_only_another_processs_request() -> None:
    """A batch reaches a busy SENS, stored only after the client's timeout; meanwhile another
    process sends the same text to its first number and another. The first look-up lists only
    that other request, which holds other numbers: the batch is not left UNKNOWN on it but
    looked up again after ``reconcile_delay``, and found."""
    text = "[krsms] 배송 안내"
    async with EmulatorServer() as server:
        faults = server.app.state.faults
        async with (
            sens_gateway_for(
                server,
                timeout=Timeouts(connect=2, read=0.3, write=2, pool=5),
                retry=RetryPolicy(max_attempts=1),
                reconcile_delay=0.8,
            ) as worker,
            sens_gateway_for(server) as other_process,
        ):
            await worker.delivery_results("none")  # the gateway knows SENS's clock, as a running process does
            faults.replace(Faults(slow_rate=1.0, slow_delay=0.5))
            sending = asyncio.create_task(
                worker.send(Message(sender=SENDER, text=text, recipients=["01012345678", "01011112222"]))
            )
            await asyncio.sleep(0.1)  # the batch is at SENS, stored 0.5 s after it arrived
            assert faults.stats["sens.sends"] == 1
            faults.replace(Faults())
            elsewhere = Message(sender=SENDER, text=text, recipients=["01012345678", "01099998888"])
            other = await other_process.send(elsewhere)
            queued = await asyncio.wait_for(sending, 15)
        stored = {(delivery.request_id, delivery.recipient) for delivery in server.ledger}
    assert other.all_accepted
    assert queued.all_accepted
    assert len(stored) == 4
    assert {(outcome.request_id, outcome.recipient.number) for outcome in queued.outcomes} <= stored

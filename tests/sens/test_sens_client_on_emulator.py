"""The typed SensClient and the emulator agree across the whole SENS SMS API v2 (S1-S10).

Every public method of :class:`~krsms.sens.client.SensClient` runs against the project's own
emulator, in-process, signed with the emulator's demo credentials, in round trips asserted on
the typed results: sends of every kind (SMS, LMS, MMS with an uploaded or inline image) found
again by request id, by time window and by message id; a reservation read, cancelled and read
again; a scheduled message cancelled; the 080 block list added to, listed, paged and emptied
(including the 1,000-per-request chunking); the emulator's refusals as the client's typed
errors; and the queries SENS would refuse stopped by the client before any request, while the
limits themselves are accepted by the emulator.

No test waits for time to pass: reserved sends are asserted in their reserved state.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import attrs
import httpx
import pytest
from starlette.applications import Starlette

from krsms import errors
from krsms.emulator import (
    DEMO_SENS_ACCESS_KEY,
    DEMO_SENS_SECRET_KEY,
    DEMO_SENS_SERVICE_ID,
    EmulatorConfig,
    create_app,
)
from krsms.sens import SensClient, ServiceNotFoundError
from krsms.sens.models import (
    AttachedFile,
    ContentType,
    FileReference,
    MessageQuery,
    MessageType,
    Reservation,
    ReserveStatus,
    SendMessage,
    SendRequest,
    UnsubscribeQuery,
)
from krsms.transport import NO_RETRIES

SEOUL = ZoneInfo("Asia/Seoul")
NEW_YORK = ZoneInfo("America/New_York")
BASE_URL = "http://emulator"
SENDER = "0212345678"
UNREGISTERED_SENDER = "0299999999"
DELIVERED = "01012345678"
CALL_DENIED = "01099990000"
"""Fails delivery with IB G/W report code 3006 (call denied)."""
NO_SUBSCRIBER = "01088880000"
"""Accepted at send time, fails delivery with 3001 (no subscriber)."""
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100 + b"\xff\xd9"
SCHEDULE = "every-pm-16"


@asynccontextmanager
async def connect(
    app: Starlette,
    *,
    secret_key: str = DEMO_SENS_SECRET_KEY,
    service_id: str = DEMO_SENS_SERVICE_ID,
    seen: list[httpx.Request] | None = None,
) -> AsyncIterator[SensClient]:
    """A SensClient on the in-process emulator; every request it sends lands in ``seen``."""

    async def record(request: httpx.Request) -> None:
        if seen is not None:
            seen.append(request)

    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url=BASE_URL, event_hooks={"request": [record]}) as http,
        SensClient(
            access_key=DEMO_SENS_ACCESS_KEY,
            secret_key=secret_key,
            service_id=service_id,
            base_url=BASE_URL,
            http_client=http,
            retry=NO_RETRIES,
        ) as sens,
    ):
        yield sens


@pytest.fixture
def app() -> Starlette:
    return create_app(
        EmulatorConfig(
            undeliverable_numbers={CALL_DENIED: "3006"},
            rejected_numbers={NO_SUBSCRIBER: 1},
            unregistered_senders=frozenset({UNREGISTERED_SENDER}),
        )
    )


@pytest.fixture
def seen() -> list[httpx.Request]:
    return []


@pytest.fixture
async def client(app: Starlette, seen: list[httpx.Request]) -> AsyncIterator[SensClient]:
    async with connect(app, seen=seen) as sens:
        yield sens


def sms(
    *numbers: str,
    content: str = "안녕하세요",
    sender: str = SENDER,
    reserve_time: datetime | None = None,
    reserve_time_zone: str | None = None,
    schedule_code: str | None = None,
) -> SendRequest:
    return SendRequest(
        type=MessageType.SMS,
        from_=sender,
        content=content,
        messages=tuple(SendMessage(to=number) for number in numbers),
        reserve_time=reserve_time,
        reserve_time_zone=reserve_time_zone,
        schedule_code=schedule_code,
    )


def around_now(minutes: int = 5) -> tuple[datetime, datetime]:
    """A request/completion window that holds everything sent by the test so far."""
    now = datetime.now(SEOUL)
    return now - timedelta(minutes=minutes), now + timedelta(minutes=minutes)


def tomorrow() -> datetime:
    """A reservation moment (to the minute, as ``reserveTime`` carries it)."""
    return (datetime.now(SEOUL) + timedelta(days=1)).replace(second=0, microsecond=0)


# -- S1 + S3 + S4 -------------------------------------------------------------------------


async def test_an_sms_is_found_by_request_id_and_each_message_by_its_id(client: SensClient) -> None:
    ad = "(광고) 크르상점 할인 무료수신거부 0801234567"
    result = await client.send(
        SendRequest(
            type=MessageType.SMS,
            content_type=ContentType.AD,
            country_code="82",
            from_=SENDER,
            content=ad,
            messages=(
                SendMessage(to=DELIVERED),
                SendMessage(to=CALL_DENIED, content="(광고) 개인 안내 무료수신거부 0801234567"),
                SendMessage(to=NO_SUBSCRIBER),
            ),
        )
    )
    assert (result.status_code, result.status_name) == ("202", "success")
    assert result.request_time.utcoffset() == timedelta(hours=9)

    page = await client.list_messages(MessageQuery(request_id=result.request_id))
    assert (page.status_code, page.status_name) == ("202", "success")
    assert (page.page_index, page.page_size, page.item_count, page.has_more) == (0, 1000, 3, False)
    assert [message.to for message in page.messages] == [DELIVERED, CALL_DENIED, NO_SUBSCRIBER]
    assert len({message.message_id for message in page.messages}) == 3
    for summary in page.messages:
        assert summary.request_id == result.request_id
        assert (summary.type, summary.content_type, summary.country_code, summary.from_) == ("SMS", "AD", "82", SENDER)
        assert summary.request_time == result.request_time.replace(microsecond=0)
        assert summary.status == "COMPLETED"
        assert summary.complete_time is not None
        assert summary.telco_code
    assert [(message.status_code, message.status_name) for message in page.messages] == [
        ("0", "success"),
        ("3006", "fail"),
        ("3001", "fail"),
    ]

    contents = []
    for summary in page.messages:
        answer = await client.get_message(summary.message_id)
        assert (answer.status_code, answer.status_name) == ("200", "success")
        (detail,) = answer.messages
        assert (detail.to, detail.from_, detail.content_type, detail.country_code) == (summary.to, SENDER, "AD", "82")
        assert (detail.status, detail.status_code, detail.status_name, detail.status_message) == (
            summary.status,
            summary.status_code,
            summary.status_name,
            summary.status_message,
        )
        assert (detail.request_time, detail.complete_time, detail.telco_code) == (
            summary.request_time,
            summary.complete_time,
            summary.telco_code,
        )
        assert detail.files == ()
        contents.append(detail.content)
    assert contents == [ad, "(광고) 개인 안내 무료수신거부 0801234567", ad]


# -- S2 + S1 (MMS) ------------------------------------------------------------------------


async def test_uploaded_and_inline_images_travel_with_mms_and_mms_without_one_is_lms(client: SensClient) -> None:
    uploaded = await client.upload_file("coupon.jpg", JPEG)
    assert uploaded.file_id
    assert uploaded.expire_time - uploaded.create_time == timedelta(days=6)

    mms = await client.send(
        SendRequest(
            type=MessageType.MMS,
            from_=SENDER,
            subject="쿠폰",
            content="쿠폰이 도착했습니다",
            messages=(SendMessage(to=DELIVERED),),
            files=(FileReference(file_id=uploaded.file_id),),
        )
    )
    inline = await client.send(
        SendRequest(
            type=MessageType.MMS,
            from_=SENDER,
            content="지도",
            messages=(SendMessage(to=DELIVERED),),
            files=(FileReference.inline("map.jpg", JPEG),),
        )
    )
    long_text = "가" * 600  # 1,200 EUC-KR bytes: past SMS, within LMS/MMS
    without_file = await client.send(
        SendRequest(
            type=MessageType.MMS,
            from_=SENDER,
            subject="공지",
            content=long_text,
            messages=(SendMessage(to=DELIVERED, subject="개인 제목"),),
        )
    )

    (mms_summary,) = (await client.list_messages(MessageQuery(request_id=mms.request_id))).messages
    assert (mms_summary.type, mms_summary.status_code) == ("MMS", "0")
    (mms_detail,) = (await client.get_message(mms_summary.message_id)).messages
    assert mms_detail.files == (AttachedFile(name="coupon.jpg", file_id=uploaded.file_id),)
    assert mms_detail.content == "쿠폰이 도착했습니다"

    (inline_summary,) = (await client.list_messages(MessageQuery(request_id=inline.request_id))).messages
    (inline_detail,) = (await client.get_message(inline_summary.message_id)).messages
    assert inline_summary.type == "MMS"
    assert [file.name for file in inline_detail.files] == ["map.jpg"]
    assert inline_detail.files[0].file_id not in ("", uploaded.file_id)

    # "It is MMS type, but if there is no file to attach, it is sent as LMS."
    (lms_summary,) = (await client.list_messages(MessageQuery(request_id=without_file.request_id))).messages
    (lms_detail,) = (await client.get_message(lms_summary.message_id)).messages
    assert lms_summary.type == "LMS"
    assert (lms_detail.content, lms_detail.files) == (long_text, ())

    start, end = around_now()
    images = [
        message.request_id
        async for message in client.iter_messages(
            MessageQuery(request_start_time=start, request_end_time=end, type=MessageType.MMS)
        )
    ]
    assert images == [mms.request_id, inline.request_id]


async def test_uploading_the_same_file_twice_reuses_it(client: SensClient) -> None:
    first = await client.upload_file("coupon.jpg", JPEG)
    other_size = await client.upload_file("coupon.jpg", JPEG + b"\x00")
    assert other_size.file_id != first.file_id
    again = await client.upload_file("coupon.jpg", JPEG)
    assert again.file_id == first.file_id


# -- S3 paging and filters ----------------------------------------------------------------


async def test_iteration_follows_next_tokens_as_the_korean_document_pages() -> None:
    """ko:255-266, 303-306, 344: each answer with a next page carries a nextToken (and no
    pageIndex), sent back to get that page."""
    seen: list[httpx.Request] = []
    async with connect(create_app(EmulatorConfig(sens_token_paging=True)), seen=seen) as client:
        recipients = [f"0101000{index:04d}" for index in range(25)]
        await client.send(sms(*recipients))
        start, end = around_now()
        window = MessageQuery(request_start_time=start, request_end_time=end, page_size=10)
        before = len(seen)
        found = [message.to async for message in client.iter_messages(window)]
        iterated = seen[before:]
        first = await client.list_messages(window)
    assert found == recipients
    paging = [{name: request.url.params.get(name) for name in ("pageIndex", "nextToken")} for request in iterated]
    assert paging[0] == {"pageIndex": "0", "nextToken": None}
    assert [page["pageIndex"] for page in paging[1:]] == [None, None]
    assert all(page["nextToken"] for page in paging[1:])
    assert (first.next_token is not None, first.has_more) == (True, True)


async def test_time_windows_page_and_filter_like_the_query_says(client: SensClient, seen: list[httpx.Request]) -> None:
    recipients = [f"0101000{index:04d}" for index in range(24)] + [CALL_DENIED]
    result = await client.send(sms(*recipients))
    start, end = around_now()
    window = MessageQuery(request_start_time=start, request_end_time=end, page_size=10)

    before = len(seen)
    found = [message.to async for message in client.iter_messages(window)]
    assert found == recipients
    assert [request.url.params["pageIndex"] for request in seen[before:]] == ["0", "1", "2"]

    first = await client.list_messages(window)
    last = await client.list_messages(attrs.evolve(window, page_index=2))
    assert (first.page_index, first.page_size, first.item_count, first.has_more) == (0, 10, 10, True)
    assert (last.page_index, last.page_size, last.item_count, last.has_more) == (2, 10, 5, False)

    failed = [
        message
        async for message in client.iter_messages(
            MessageQuery(complete_start_time=start, complete_end_time=end, status_name="FAIL")
        )
    ]
    assert [(message.to, message.status_code, message.status_name) for message in failed] == [
        (CALL_DENIED, "3006", "fail")
    ]

    by_id = await client.list_messages(MessageQuery(request_id=result.request_id, message_id=failed[0].message_id))
    assert [message.to for message in by_id.messages] == [CALL_DENIED]
    every_filter = MessageQuery(
        request_id=result.request_id,
        type=MessageType.SMS,
        content_type=ContentType.COMM,
        country_code="82",
        status="COMPLETED",
        from_=SENDER,
        to=recipients[3],
        status_name="SUCCESS",
    )
    (only,) = (await client.list_messages(every_filter)).messages
    assert (only.to, only.request_id, only.status_code) == (recipients[3], result.request_id, "0")


# -- S5 + S6 ------------------------------------------------------------------------------


async def test_a_reservation_is_read_cancelled_and_read_again(client: SensClient, app: Starlette) -> None:
    at = tomorrow()
    result = await client.send(
        sms(DELIVERED, CALL_DENIED, content="내일 안내", reserve_time=at.astimezone(timezone.utc))
    )
    assert (result.status_code, result.status_name) == ("202", "success")

    assert await client.reservation_status(result.request_id) == Reservation(
        reserve_id=result.request_id,
        reserve_time_zone="Asia/Seoul",
        reserve_time=at,
        reserve_status=ReserveStatus.READY,
    )
    # "If the name of the delivery request status ... is Reserved, the messages fields are not searched."
    page = await client.list_messages(MessageQuery(request_id=result.request_id))
    assert (page.status_name, page.messages) == ("reserved", ())

    start, end = around_now()
    pending = [
        message async for message in client.iter_messages(MessageQuery(request_start_time=start, request_end_time=end))
    ]
    assert [(message.to, message.status, message.status_code, message.complete_time) for message in pending] == [
        (DELIVERED, "READY", None, None),
        (CALL_DENIED, "READY", None, None),
    ]
    (detail,) = (await client.get_message(pending[0].message_id)).messages
    assert (detail.status, detail.status_code, detail.complete_time, detail.content) == (
        "READY",
        None,
        None,
        "내일 안내",
    )

    await client.cancel_reservation(result.request_id)
    cancelled = await client.reservation_status(result.request_id)
    assert (cancelled.reserve_status, cancelled.reserve_time) == (ReserveStatus.CANCELED, at)
    with pytest.raises(errors.BadRequestError) as caught:
        await client.cancel_reservation(result.request_id)
    assert (caught.value.status_code, caught.value.code) == (400, "400")

    (detail,) = (await client.get_message(pending[0].message_id)).messages
    assert (detail.status_code, detail.complete_time) == (None, None)  # never delivered
    assert {delivery.status for delivery in app.state.ledger} == {"cancelled"}


async def test_a_reservation_in_another_time_zone_reads_back_as_the_same_moment(client: SensClient) -> None:
    at = tomorrow()
    result = await client.send(sms(DELIVERED, reserve_time=at, reserve_time_zone="America/New_York"))
    reservation = await client.reservation_status(result.request_id)
    assert reservation.reserve_time_zone == "America/New_York"
    assert reservation.reserve_time.strftime("%Y-%m-%d %H:%M") == at.astimezone(NEW_YORK).strftime("%Y-%m-%d %H:%M")
    assert reservation.reserve_time == at


# -- S7 -----------------------------------------------------------------------------------


async def test_one_message_of_a_scheduled_reservation_is_cancelled(client: SensClient) -> None:
    await client.send(sms(DELIVERED, CALL_DENIED, reserve_time=tomorrow(), schedule_code=SCHEDULE))
    start, end = around_now()
    window = MessageQuery(request_start_time=start, request_end_time=end)
    (target,) = [message async for message in client.iter_messages(attrs.evolve(window, to=DELIVERED))]
    assert target.status == "READY"

    await client.cancel_scheduled_message(SCHEDULE, target.message_id)
    statuses = [(message.to, message.status) async for message in client.iter_messages(window)]
    # S3 documents only READY, PROCESSING and COMPLETED: a cancelled message is never sent.
    assert statuses == [(DELIVERED, "READY"), (CALL_DENIED, "READY")]

    with pytest.raises(errors.BadRequestError):
        await client.cancel_scheduled_message(SCHEDULE, target.message_id)
    with pytest.raises(errors.NotFoundError) as caught:
        await client.cancel_scheduled_message("another-schedule", target.message_id)
    assert (caught.value.status_code, caught.value.code) == (404, "300")


async def test_a_send_under_a_schedule_code_alone_can_be_cancelled(client: SensClient, app: Starlette) -> None:
    # A scheduleCode without reserveTime (ja:76, 112) belongs to the schedule: not sent at once,
    # not a reservation (S5 does not know it), and each message cancellable with S7 (ja:410).
    result = await client.send(sms(DELIVERED, CALL_DENIED, schedule_code=SCHEDULE))
    page = await client.list_messages(MessageQuery(request_id=result.request_id))
    assert page.status_name == "scheduled"  # ja:204
    target, other = page.messages
    assert [(message.to, message.status, message.status_code) for message in page.messages] == [
        (DELIVERED, "READY", None),
        (CALL_DENIED, "READY", None),
    ]
    with pytest.raises(errors.NotFoundError):
        await client.reservation_status(result.request_id)

    assert await client.cancel_scheduled_message(SCHEDULE, target.message_id) is None
    assert {delivery.recipient: delivery.status for delivery in app.state.ledger} == {
        DELIVERED: "cancelled",
        CALL_DENIED: "accepted",
    }
    (detail,) = (await client.get_message(target.message_id)).messages
    assert (detail.status, detail.status_code, detail.complete_time) == ("READY", None, None)  # never sent
    with pytest.raises(errors.BadRequestError) as again:
        await client.cancel_scheduled_message(SCHEDULE, target.message_id)
    assert "already cancelled" in again.value.message

    await client.cancel_scheduled_message(SCHEDULE, other.message_id)
    assert {delivery.status for delivery in app.state.ledger} == {"cancelled"}


# -- S8 + S9 + S10 ------------------------------------------------------------------------


async def test_blocked_numbers_are_added_listed_paged_and_deleted(client: SensClient) -> None:
    added = await client.add_unsubscribes(["010-1111-0001", "01011110002", "+82 10-1111-0003"])
    assert [(entry.client_tel_no, entry.register_type) for entry in added] == [
        ("01011110001", "M"),
        ("01011110002", "M"),
        ("01011110003", "M"),
    ]
    assert all(entry.register_time.utcoffset() == timedelta(hours=9) for entry in added)

    assert await client.list_unsubscribes() == added
    assert await client.list_unsubscribes(UnsubscribeQuery(client_tel_no="01011110002")) == [added[1]]
    assert await client.list_unsubscribes(UnsubscribeQuery(page_size=2, page_index=1)) == [added[2]]
    # startTime/endTime (Integer, en:568-571): epoch milliseconds of the registration time here.
    first_ms = int(min(entry.register_time for entry in added).timestamp() * 1000)
    last_ms = int(max(entry.register_time for entry in added).timestamp() * 1000) + 999
    assert await client.list_unsubscribes(UnsubscribeQuery(start_time=first_ms, end_time=last_ms)) == added
    assert await client.list_unsubscribes(UnsubscribeQuery(start_time=last_ms + 1)) == []
    assert await client.list_unsubscribes(UnsubscribeQuery(end_time=first_ms - 1)) == []
    assert [entry async for entry in client.iter_unsubscribes(UnsubscribeQuery(page_size=2))] == added

    await client.delete_unsubscribes(["010-1111-0001", "01011110003"])
    assert await client.list_unsubscribes() == [added[1]]
    assert await client.list_unsubscribes(UnsubscribeQuery(client_tel_no="01011110001")) == []
    assert [entry.client_tel_no async for entry in client.iter_unsubscribes()] == ["01011110002"]


async def test_more_than_1000_numbers_are_chunked_as_the_emulator_allows(
    client: SensClient, seen: list[httpx.Request]
) -> None:
    numbers = [f"0102{index:07d}" for index in range(1001)]
    added = await client.add_unsubscribes(numbers)
    assert [entry.client_tel_no for entry in added] == numbers
    assert [len(json.loads(request.content)) for request in seen if request.method == "POST"] == [1000, 1]

    before = len(seen)
    assert [entry.client_tel_no async for entry in client.iter_unsubscribes()] == numbers
    assert [request.url.params["pageIndex"] for request in seen[before:]] == [str(index) for index in range(11)]

    await client.delete_unsubscribes(numbers)
    assert [len(json.loads(request.content)) for request in seen if request.method == "DELETE"] == [1000, 1]
    assert await client.list_unsubscribes() == []


# -- errors -------------------------------------------------------------------------------


async def test_what_sens_would_refuse_is_refused_before_any_request_and_the_limits_pass(
    client: SensClient, seen: list[httpx.Request]
) -> None:
    end = datetime.now(SEOUL).replace(microsecond=0)
    start = end - timedelta(hours=1)
    refused = [
        (MessageQuery(), "request_id"),
        (MessageQuery(request_start_time=start), "request_end_time"),
        (
            MessageQuery(request_start_time=end - timedelta(days=30, seconds=1), request_end_time=end),
            "request_end_time",
        ),
        (
            MessageQuery(complete_start_time=end - timedelta(hours=24, seconds=1), complete_end_time=end),
            "complete_end_time",
        ),
        (
            MessageQuery(
                request_start_time=start, request_end_time=end, complete_start_time=start, complete_end_time=end
            ),
            "complete_start_time",
        ),
        (MessageQuery(request_id="R-1", page_size=1001), "page_size"),
        (MessageQuery(request_start_time=start, request_end_time=end, page_size=101), "page_size"),
    ]
    for query, field in refused:
        with pytest.raises(errors.ValidationError) as caught:
            await client.list_messages(query)
        assert caught.value.field == field
    with pytest.raises(errors.ValidationError) as caught:
        await client.upload_file("coupon.png", JPEG)
    assert caught.value.field == "file_name"
    with pytest.raises(errors.ValidationError) as caught:
        await client.upload_file("a" * 37 + ".jpg", JPEG)
    assert caught.value.field == "file_name"
    with pytest.raises(errors.ValidationError) as caught:
        await client.add_unsubscribes(["01011110001", "not-a-number"])
    assert caught.value.field == "numbers[1]"
    with pytest.raises(errors.ValidationError):
        await client.delete_unsubscribes(["123"])
    assert seen == []

    # The limits themselves: the emulator takes exactly what the client lets through.
    accepted = [
        MessageQuery(request_start_time=end - timedelta(days=30), request_end_time=end, page_size=100),
        MessageQuery(complete_start_time=end - timedelta(hours=24), complete_end_time=end, page_size=1),
        MessageQuery(request_id="R-none", page_size=1000),
    ]
    for query in accepted:
        page = await client.list_messages(query)
        assert (page.status_name, page.page_size, page.messages) == ("success", query.page_size, ())
    longest_name = "a" * 36 + ".jpg"
    assert (await client.upload_file(longest_name, JPEG)).file_id
    assert len(seen) == 4


async def test_the_emulators_refusals_are_the_clients_typed_errors(client: SensClient, app: Starlette) -> None:
    with pytest.raises(errors.NotFoundError) as not_found:
        await client.get_message("M-unknown")
    assert (not_found.value.status_code, not_found.value.code, not_found.value.provider) == (404, "300", "sens")

    sent = await client.send(sms(DELIVERED))
    with pytest.raises(errors.NotFoundError):
        await client.reservation_status(sent.request_id)  # sent at once: not a reservation
    with pytest.raises(errors.NotFoundError):
        await client.cancel_reservation(sent.request_id)

    with pytest.raises(errors.BadRequestError) as refused:
        await client.send(sms(DELIVERED, sender=UNREGISTERED_SENDER))
    assert (refused.value.status_code, refused.value.code) == (400, "400")
    assert refused.value.message.startswith("from:")

    async with connect(app, secret_key="wrong-secret") as wrong_key:
        with pytest.raises(errors.AuthenticationError) as unauthenticated:
            await wrong_key.list_unsubscribes()
    assert (unauthenticated.value.status_code, unauthenticated.value.code) == (401, "200")
    assert "wrong-secret" not in str(unauthenticated.value)

    async with connect(app, service_id="ncp:sms:kr:000000000000:other") as other_service:
        with pytest.raises(ServiceNotFoundError) as unknown_service:
            await other_service.send(sms(DELIVERED))
    assert (unknown_service.value.status_code, unknown_service.value.code) == (404, "300")
    assert unknown_service.value.fatal

    assert [delivery.request_id for delivery in app.state.ledger] == [sent.request_id]

"""The typed NhnClient and the project's own NHN emulator agree across the whole SMS v2.2 API.

Every public :class:`~krsms.nhn.client.NhnClient` method (sends, look-ups, result updates, tag
sends, attachments, categories, templates, the 080 block list, sender numbers, statistics,
reservations, CSV exports, tags, UIDs and their phone numbers) is driven in-process against
:func:`krsms.emulator.create_app` through ``httpx.ASGITransport``; no network is used. The
scenarios round-trip state (create -> list -> get -> update -> get -> delete -> typed error)
and assert on the typed results the client parses, so a request the emulator misreads or an
answer the client cannot structure fails here, not in production.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import httpx
import pytest
from starlette.applications import Starlette

from krsms import errors
from krsms.emulator import DEMO_NHN_APP_KEY, EmulatorConfig, create_app
from krsms.nhn.client import AD_MMS_PATH, AD_SMS_PATH, SMS_PATH, NhnClient
from krsms.nhn.converter import MinuteTime
from krsms.nhn.errors import (
    AttachmentNotFoundError,
    CategoryError,
    CategoryNotFoundError,
    NhnAuthenticationError,
    NhnError,
    SenderNumberError,
    SendError,
    SendNotFoundError,
    StatisticsError,
    TagError,
    TemplateError,
    TemplateNotFoundError,
    UnsubscribeError,
)
from krsms.nhn.models import (
    BlockedRecipientQuery,
    CategoryCreate,
    CategoryUpdate,
    DownloadQuery,
    DownloadRequest,
    MessageResultQuery,
    NewContact,
    PageQuery,
    ReservationKey,
    ReservationQuery,
    SenderNumberQuery,
    SendQuery,
    SendRecipient,
    SendRequest,
    SendResult,
    Statistics,
    StatisticsQuery,
    TagRecipientQuery,
    TagSendQuery,
    TagSendRequest,
    TemplateCreate,
    TemplateQuery,
    TemplateUpdate,
    UidQuery,
    UidRegistration,
)
from krsms.transport import NO_RETRIES

SEOUL = ZoneInfo("Asia/Seoul")
BASE_URL = "http://emulator"
SENDER = "15446859"
OTHER_SENDER = "0212345678"
UNREGISTERED_SENDER = "0299999999"
FIRST, SECOND, THIRD, FOURTH, FIFTH = (f"0100000000{index}" for index in range(1, 6))
UNDELIVERABLE = "01000000008"
UNSUBSCRIBE_NO = "0801234567"
AD_TEXT = f"(광고) 겨울 세일\n무료수신거부 {UNSUBSCRIBE_NO}"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9"

ErrorT = TypeVar("ErrorT", bound=NhnError)


def http_client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)


@pytest.fixture
def app() -> Starlette:
    return create_app(
        EmulatorConfig(
            undeliverable_numbers={UNDELIVERABLE: "3006"},
            unregistered_senders=frozenset({UNREGISTERED_SENDER}),
        )
    )


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[NhnClient]:
    async with (
        http_client(app) as http,
        NhnClient(app_key=DEMO_NHN_APP_KEY, base_url=BASE_URL, http_client=http) as nhn,
    ):
        yield nhn


def window(minutes: int = 10) -> tuple[datetime, datetime]:
    """A look-up window around now, wide enough for everything a test sends."""
    now = datetime.now(SEOUL)
    return now - timedelta(minutes=minutes), now + timedelta(minutes=minutes)


def ahead(*, days: int) -> MinuteTime:
    """A reservation time ``days`` from now, to the minute (as NHN stores it)."""
    return MinuteTime(datetime.now(SEOUL).replace(second=0, microsecond=0) + timedelta(days=days))


def to(*numbers: str) -> tuple[SendRecipient, ...]:
    return tuple(SendRecipient(recipient_no=number) for number in numbers)


async def refused(call: Awaitable[object], error: type[ErrorT], code: int) -> ErrorT:
    """Await ``call``; it must raise the typed ``error`` with NHN's ``resultCode`` ``code``."""
    with pytest.raises(error) as caught:
        await call
    assert caught.value.result_code == code
    return caught.value


async def refused_first(
    client: NhnClient,
    send: Callable[[SendRequest], Awaitable[SendResult]],
    path: str,
    request: SendRequest,
    *,
    field: str,
    error: type[ErrorT],
    code: int,
) -> ErrorT:
    """``send`` refuses ``request`` before any request, naming ``field``; posted to ``path``
    past that check, the emulator refuses it too, as NHN would, with ``code``."""
    with pytest.raises(errors.ValidationError) as caught:
        await send(request)
    assert caught.value.field == field
    body = client.api.dump(request)
    return await refused(client.api.call_data("POST", path, SendResult, json=body, idempotent=False), error, code)


def totals(rows: Sequence[Statistics]) -> tuple[int, int, int, int]:
    """Requested, succeeded, failed and pending counts over every statistics row."""
    return (
        sum(row.statistics_view.requested_count for row in rows),
        sum(row.statistics_view.succeed_count for row in rows),
        sum(row.statistics_view.failed_count for row in rows),
        sum(row.statistics_view.pending_count for row in rows),
    )


# --- credentials ------------------------------------------------------------------------------


async def test_the_app_key_and_secret_key_are_checked_with_nhn_codes() -> None:
    app = create_app(EmulatorConfig(nhn_secret_key="s3cret"))
    async with http_client(app) as http:
        good = NhnClient(app_key=DEMO_NHN_APP_KEY, secret_key="s3cret", base_url=BASE_URL, http_client=http)
        without_secret = NhnClient(app_key=DEMO_NHN_APP_KEY, base_url=BASE_URL, http_client=http, retry=NO_RETRIES)
        wrong_key = NhnClient(app_key="not-the-key", secret_key="s3cret", base_url=BASE_URL, http_client=http)

        assert [category.category_id for category in (await good.list_categories()).items] == [1]
        missing = await refused(without_secret.list_categories(), NhnAuthenticationError, -1000)
        assert missing.status_code == 401
        unknown = await refused(wrong_key.list_categories(), NhnAuthenticationError, -1001)
        assert unknown.status_code == 200
        assert "not-the-key" not in str(unknown)


# --- sends and their look-ups (N1-N12) --------------------------------------------------------


async def test_an_sms_is_found_by_every_sms_look_up(client: NhnClient) -> None:
    start, end = window()
    sent = await client.send_sms(
        SendRequest(
            send_no=SENDER,
            body="안녕하세요",
            sender_grouping_key="batch-1",
            recipient_list=(SendRecipient(recipient_no=FIRST, recipient_grouping_key="first"), *to(UNDELIVERABLE)),
        )
    )
    assert (sent.status_code, sent.sender_grouping_key, len(sent.request_id)) == ("2", "batch-1", 25)
    assert [
        (item.recipient_no, item.result_code, item.result_message, item.recipient_seq, item.recipient_grouping_key)
        for item in sent.send_result_list
    ] == [(FIRST, 0, "SUCCESS", 1, "first"), (UNDELIVERABLE, 0, "SUCCESS", 2, None)]

    page = await client.list_sms(SendQuery(request_id=sent.request_id))
    assert (page.page_num, page.page_size, page.total_count) == (1, 15, 2)
    assert [
        (item.request_id, item.mt_pr, item.recipient_no, item.msg_status, item.result_code, item.body, item.send_no)
        for item in page.items
    ] == [
        (sent.request_id, 1, FIRST, "3", "1000", "안녕하세요", SENDER),
        (sent.request_id, 2, UNDELIVERABLE, "3", "3006", "안녕하세요", SENDER),
    ]
    first = page.items[0]
    assert (first.send_type, first.ad_yn, first.country_code, first.telecom_code, first.telecom_code_name) == (
        "0",
        False,
        "82",
        10001,
        "SKT",
    )
    assert (first.sender_grouping_key, first.recipient_grouping_key) == ("batch-1", "first")
    assert first.request_date is not None
    assert start <= first.request_date <= end
    assert first.result_date is not None

    completed = await client.list_sms(SendQuery(start_request_date=start, end_request_date=end, msg_status="3"))
    assert [item.recipient_no for item in completed.items] == [FIRST, UNDELIVERABLE]  # both requests completed
    delivered = await client.list_sms(SendQuery(start_request_date=start, end_request_date=end, result_code="MTR1"))
    assert [item.recipient_no for item in delivered.items] == [FIRST]
    grouped = await client.list_sms(
        SendQuery(start_create_date=start, end_create_date=end, recipient_grouping_key="first")
    )
    assert [item.recipient_seq for item in grouped.items] == [1]
    by_number = await client.list_sms(
        SendQuery(start_request_date=start, end_request_date=end, recipient_no=UNDELIVERABLE, send_no=SENDER)
    )
    assert [item.mt_pr for item in by_number.items] == [2]

    failed = await client.get_sms(sent.request_id, 2)
    assert (failed.recipient_seq, failed.recipient_no, failed.msg_status, failed.result_code) == (
        2,
        UNDELIVERABLE,
        "3",  # the send request completed; the handset refused it (receipt code 3006)
        "3006",
    )
    every = [item.recipient_no async for item in client.iter_sms(SendQuery(request_id=sent.request_id, page_size=1))]
    assert every == [FIRST, UNDELIVERABLE]

    await refused(client.get_sms(sent.request_id, 9), SendNotFoundError, -2008)
    await refused(client.get_mms(sent.request_id, 1), SendNotFoundError, -2008)
    short_number = SendRequest(send_no=SENDER, body="x", recipient_list=to("12"))
    field = "recipient_list[0].recipient_no"
    await refused_first(client, client.send_sms, SMS_PATH, short_number, field=field, error=SendError, code=-2019)
    empty = SendRequest(send_no=SENDER, body="", recipient_list=to(FIRST))
    await refused_first(client, client.send_sms, SMS_PATH, empty, field="body", error=SendError, code=-2014)
    await refused(
        client.send_sms(SendRequest(send_no=UNREGISTERED_SENDER, body="x", recipient_list=to(FIRST))),
        SenderNumberError,
        -2312,
    )


async def test_an_mms_carries_its_uploaded_image_and_an_lms_its_title(client: NhnClient) -> None:
    start, end = window()
    image = await client.upload_attachment("coupon.jpg", JPEG, "tester")
    assert (image.file_id, image.file_name) == (1, "coupon.jpg")
    assert image.file_path is not None
    assert image.file_path.startswith("0/toast-mt-")

    mms = await client.send_mms(
        SendRequest(
            title="쿠폰",
            body="쿠폰이 도착했습니다",
            send_no=SENDER,
            attach_file_id_list=(image.file_id,),
            recipient_list=to(FIRST),
        )
    )
    lms = await client.send_mms(SendRequest(title="안내", body="긴 안내문", send_no=SENDER, recipient_list=to(SECOND)))

    got = await client.get_mms(mms.request_id, 1)
    assert (got.recipient_no, got.title, got.body, got.send_type, got.msg_status, got.result_code) == (
        FIRST,
        "쿠폰",
        "쿠폰이 도착했습니다",
        "1",
        "3",
        "1000",
    )
    assert got.attach_file_list is not None
    assert [(file.file_id, file.file_name) for file in got.attach_file_list] == [(image.file_id, "coupon.jpg")]
    assert (await client.get_mms(lms.request_id, 1)).attach_file_list == ()

    listed = await client.list_mms(SendQuery(start_request_date=start, end_request_date=end))
    assert {item.request_id: item.title for item in listed.items} == {mms.request_id: "쿠폰", lms.request_id: "안내"}
    iterated = [
        item.request_id async for item in client.iter_mms(SendQuery(start_create_date=start, end_create_date=end))
    ]
    assert sorted(iterated) == sorted([mms.request_id, lms.request_id])

    results = await client.list_message_results(MessageResultQuery(start_update_date=start, end_update_date=end))
    assert {result.request_id: result.message_type for result in results.items} == {
        mms.request_id: "MMS",
        lms.request_id: "LMS",
    }
    only_mms = await client.list_message_results(
        MessageResultQuery(start_update_date=start, end_update_date=end, message_type="MMS")
    )
    assert [(result.request_id, result.recipient_seq, result.result_code) for result in only_mms.items] == [
        (mms.request_id, 1, "1000")
    ]

    sms_with_image = SendRequest(
        send_no=SENDER, body="x", attach_file_id_list=(image.file_id,), recipient_list=to(FIRST)
    )
    field = "attach_file_id_list"
    await refused_first(client, client.send_sms, SMS_PATH, sms_with_image, field=field, error=SendError, code=-1006)
    await refused(
        client.send_mms(
            SendRequest(title="t", body="x", send_no=SENDER, attach_file_id_list=(99,), recipient_list=to(FIRST))
        ),
        AttachmentNotFoundError,
        -2004,
    )


async def test_auth_and_advertising_sends_are_kept_apart(client: NhnClient) -> None:
    start, end = window()
    auth = await client.send_auth_sms(SendRequest(send_no=SENDER, body="인증번호 123456", recipient_list=to(FIRST)))
    ad_sms = await client.send_ad_sms(SendRequest(send_no=SENDER, body=AD_TEXT, recipient_list=to(FIRST)))
    ad_mms = await client.send_ad_mms(
        SendRequest(send_no=SENDER, title="세일", body=AD_TEXT, recipient_list=to(SECOND))
    )

    auth_page = await client.list_auth_sms(SendQuery(request_id=auth.request_id))
    assert [(item.send_type, item.body, item.ad_yn, item.msg_status) for item in auth_page.items] == [
        ("2", "인증번호 123456", False, "3")
    ]
    assert (await client.get_auth_sms(auth.request_id, 1)).recipient_no == FIRST
    auth_window = SendQuery(start_request_date=start, end_request_date=end)
    assert [item.request_id async for item in client.iter_auth_sms(auth_window)] == [auth.request_id]
    assert [item.request_id async for item in client.iter_sms(auth_window)] == [ad_sms.request_id]
    await refused(client.get_sms(auth.request_id, 1), SendNotFoundError, -2008)

    advertisement = await client.get_sms(ad_sms.request_id, 1)
    assert (advertisement.ad_yn, advertisement.body, advertisement.send_type) == (True, AD_TEXT, "0")
    long_advertisement = await client.get_mms(ad_mms.request_id, 1)
    assert (long_advertisement.ad_yn, long_advertisement.title, long_advertisement.recipient_no) == (
        True,
        "세일",
        SECOND,
    )

    results = [
        (result.request_id, result.message_type)
        async for result in client.iter_message_results(
            MessageResultQuery(start_update_date=start, end_update_date=end)
        )
    ]
    assert sorted(results) == sorted(
        [(auth.request_id, "AUTH"), (ad_sms.request_id, "SMS"), (ad_mms.request_id, "LMS")]
    )

    no_opt_out = SendRequest(send_no=SENDER, body="(광고) 세일", recipient_list=to(FIRST))
    await refused_first(
        client, client.send_ad_sms, AD_SMS_PATH, no_opt_out, field="body", error=UnsubscribeError, code=-6003
    )
    no_notice = SendRequest(send_no=SENDER, title="세일", body="세일", recipient_list=to(FIRST))
    await refused_first(
        client, client.send_ad_mms, AD_MMS_PATH, no_notice, field="body", error=UnsubscribeError, code=-6003
    )


async def test_message_results_page_through_every_update(client: NhnClient) -> None:
    start, end = window()
    sent = await client.send_sms(
        SendRequest(
            send_no=SENDER,
            body="결과",
            sender_grouping_key="results",
            recipient_list=(
                *to(FIRST, SECOND),
                SendRecipient(recipient_no=UNDELIVERABLE, recipient_grouping_key="bad"),
            ),
        )
    )

    page = await client.list_message_results(
        MessageResultQuery(start_update_date=start, end_update_date=end, page_num=2, page_size=2)
    )
    assert (page.page_num, page.page_size, page.total_count) == (2, 2, 3)
    assert [
        (result.request_id, result.recipient_seq, result.result_code, result.recipient_grouping_key)
        for result in page.items
    ] == [(sent.request_id, 3, "3006", "bad")]
    last = page.items[0]
    assert (last.message_type, last.sender_grouping_key, last.telecom_code) == ("SMS", "results", "10001")
    assert last.update_date is not None
    assert start <= last.update_date <= end

    every = [
        (result.recipient_seq, result.result_code)
        async for result in client.iter_message_results(
            MessageResultQuery(start_update_date=start, end_update_date=end, message_type="SMS", page_size=2)
        )
    ]
    assert every == [(1, "1000"), (2, "1000"), (3, "3006")]
    later = await client.list_message_results(MessageResultQuery(start_update_date=end, end_update_date=end))
    assert (later.total_count, later.items) == (0, ())


# --- templates and their categories (N19-N28) -------------------------------------------------


async def test_categories_round_trip(client: NhnClient) -> None:
    root = (await client.list_categories()).items
    assert [(category.category_id, category.category_parent_id, category.depth) for category in root] == [(1, 0, 0)]

    created = await client.create_category(
        CategoryCreate(category_name="공지", category_desc="공지 템플릿", use_yn=True, create_user="tester")
    )
    assert (
        created.category_parent_id,
        created.depth,
        created.category_name,
        created.category_desc,
        created.use_yn,
        created.create_user,
    ) == (1, 1, "공지", "공지 템플릿", True, "tester")
    child = await client.create_category(
        CategoryCreate(category_parent_id=created.category_id, category_name="긴급", use_yn=True)
    )
    assert (child.category_parent_id, child.depth, child.category_desc) == (created.category_id, 2, None)

    page = await client.list_categories(PageQuery(page_num=1, page_size=2))
    assert (page.total_count, [category.category_id for category in page.items]) == (3, [1, created.category_id])
    every = [category.category_id async for category in client.iter_categories(PageQuery(page_size=1))]
    assert every == [1, created.category_id, child.category_id]
    assert await client.get_category(created.category_id) == created

    await client.update_category(
        created.category_id,
        CategoryUpdate(category_name="알림", category_desc="변경", use_yn=False, update_user="editor"),
    )
    changed = await client.get_category(created.category_id)
    assert (
        changed.category_name,
        changed.category_desc,
        changed.use_yn,
        changed.create_user,
        changed.update_user,
    ) == ("알림", "변경", False, "tester", "editor")

    await refused(client.delete_category(created.category_id), CategoryError, -2201)
    await client.delete_category(child.category_id)
    await client.delete_category(created.category_id)
    gone = await refused(client.get_category(created.category_id), CategoryNotFoundError, -2202)
    assert isinstance(gone, errors.NotFoundError), "catchable as the neutral kind"
    await refused(
        client.update_category(created.category_id, CategoryUpdate(category_name="x", use_yn=True)),
        CategoryError,
        -2202,
    )
    await refused(client.delete_category(1), CategoryError, -2205)
    await refused(
        client.create_category(CategoryCreate(category_name="고아", use_yn=True, category_parent_id=99)),
        CategoryError,
        -2203,
    )
    assert [category.category_id async for category in client.iter_categories()] == [1]


async def test_templates_round_trip_and_fill_sends(client: NhnClient) -> None:
    category = await client.create_category(CategoryCreate(category_name="회원", use_yn=True))
    welcome = TemplateCreate(
        category_id=category.category_id,
        template_id="welcome",
        template_name="환영",
        template_desc="가입 환영",
        send_no=SENDER,
        send_type="0",
        body="##name##님 환영합니다",
        use_yn=True,
    )
    await client.create_template(welcome)
    template = await client.get_template("welcome")
    assert (
        template.template_id,
        template.category_id,
        template.category_name,
        template.template_name,
        template.template_desc,
        template.send_no,
        template.send_type,
        template.send_type_name,
        template.body,
        template.use_yn,
        template.attach_file_yn,
        template.del_yn,
        template.attach_file_list,
    ) == (
        "welcome",
        category.category_id,
        "회원",
        "환영",
        "가입 환영",
        SENDER,
        "0",
        "SMS 발송",
        "##name##님 환영합니다",
        True,
        False,
        False,
        (),
    )
    await refused(client.create_template(welcome), TemplateError, -2101)

    image = await client.upload_attachment("promo.jpg", JPEG, "tester")
    await client.create_template(
        TemplateCreate(
            category_id=category.category_id,
            template_id="promo",
            template_name="쿠폰",
            send_no=SENDER,
            send_type="1",
            title="쿠폰",
            body="쿠폰 도착",
            use_yn=False,
            attach_file_id_list=(image.file_id,),
        )
    )
    promo = await client.get_template("promo")
    assert (promo.attach_file_yn, promo.send_type_name, promo.title) == (True, "LMS/MMS 발송", "쿠폰")
    assert promo.attach_file_list is not None
    assert [(file.file_id, file.file_name, file.template_id) for file in promo.attach_file_list] == [
        (image.file_id, "promo.jpg", "promo")
    ]

    in_category = await client.list_templates(TemplateQuery(category_id=category.category_id))
    assert (in_category.total_count, [item.template_id for item in in_category.items]) == (2, ["welcome", "promo"])
    assert [item.template_id for item in (await client.list_templates(TemplateQuery(use_yn=False))).items] == ["promo"]
    assert [item.template_id async for item in client.iter_templates(TemplateQuery(page_size=1))] == [
        "welcome",
        "promo",
    ]

    sms = await client.send_sms(
        SendRequest(
            template_id="welcome",
            recipient_list=(SendRecipient(recipient_no=FIRST, template_parameter={"name": "철수"}),),
        )
    )
    filled = await client.get_sms(sms.request_id, 1)
    assert (
        filled.body,
        filled.send_no,
        filled.template_id,
        filled.template_name,
        filled.category_id,
        filled.category_name,
    ) == ("철수님 환영합니다", SENDER, "welcome", "환영", category.category_id, "회원")
    mms = await client.send_mms(SendRequest(template_id="promo", recipient_list=to(SECOND)))
    filled_mms = await client.get_mms(mms.request_id, 1)
    assert (filled_mms.title, filled_mms.body) == ("쿠폰", "쿠폰 도착")
    assert filled_mms.attach_file_list is not None
    assert [file.file_id for file in filled_mms.attach_file_list] == [image.file_id]
    await refused(client.send_mms(SendRequest(template_id="welcome", recipient_list=to(FIRST))), SendError, -2006)

    change = TemplateUpdate(
        template_name="안내",
        template_desc="변경",
        send_no=OTHER_SENDER,
        send_type="1",
        title="안내",
        body="본문",
        use_yn=False,
    )
    await client.update_template("welcome", change)
    changed = await client.get_template("welcome")
    assert (
        changed.template_name,
        changed.template_desc,
        changed.send_no,
        changed.send_type,
        changed.send_type_name,
        changed.title,
        changed.body,
        changed.use_yn,
    ) == ("안내", "변경", OTHER_SENDER, "1", "LMS/MMS 발송", "안내", "본문", False)

    await refused(client.delete_category(category.category_id), CategoryError, -2201)
    await client.delete_template("welcome")
    await refused(client.get_template("welcome"), TemplateNotFoundError, -2110)
    await refused(client.delete_template("welcome"), TemplateError, -2113)
    await refused(client.update_template("nope", change), TemplateNotFoundError, -2107)
    await refused(
        client.send_sms(SendRequest(template_id="welcome", recipient_list=to(FIRST))), TemplateNotFoundError, -2110
    )
    assert [item.template_id async for item in client.iter_templates()] == ["promo"]


# --- the 080 block list, sender numbers, statistics (N29-N33) ---------------------------------


async def test_the_block_list_round_trips_and_blocks_advertisements(client: NhnClient) -> None:
    start, end = window()
    await client.add_blocked_recipients(UNSUBSCRIBE_NO, [FIRST, SECOND])

    page = await client.list_blocked_recipients(BlockedRecipientQuery(unsubscribe_no=UNSUBSCRIBE_NO))
    assert (page.total_count, [(item.unsubscribe_no, item.recipient_no) for item in page.items]) == (
        2,
        [(UNSUBSCRIBE_NO, FIRST), (UNSUBSCRIBE_NO, SECOND)],
    )
    assert all(item.request_date is not None and start <= item.request_date <= end for item in page.items)
    one = await client.list_blocked_recipients(
        BlockedRecipientQuery(unsubscribe_no=UNSUBSCRIBE_NO, recipient_no=SECOND)
    )
    assert [item.recipient_no for item in one.items] == [SECOND]
    in_window = BlockedRecipientQuery(
        unsubscribe_no=UNSUBSCRIBE_NO, start_request_date=start, end_request_date=end, page_size=1
    )
    assert [item.recipient_no async for item in client.iter_blocked_recipients(in_window)] == [FIRST, SECOND]
    later = await client.list_blocked_recipients(
        BlockedRecipientQuery(unsubscribe_no=UNSUBSCRIBE_NO, start_request_date=end)
    )
    assert later.total_count == 0
    other = await client.list_blocked_recipients(BlockedRecipientQuery(unsubscribe_no="0809999999"))
    assert other.total_count == 0

    blocked = await client.send_ad_sms(SendRequest(send_no=SENDER, body=AD_TEXT, recipient_list=to(FIRST, THIRD)))
    assert [(result.recipient_no, result.result_code) for result in blocked.send_result_list] == [
        (FIRST, -6001),
        (THIRD, 0),
    ]

    await client.delete_blocked_recipients(UNSUBSCRIBE_NO, [FIRST], "tester")
    remaining = await client.list_blocked_recipients(BlockedRecipientQuery(unsubscribe_no=UNSUBSCRIBE_NO))
    assert [item.recipient_no for item in remaining.items] == [SECOND]
    unblocked = await client.send_ad_sms(SendRequest(send_no=SENDER, body=AD_TEXT, recipient_list=to(FIRST)))
    assert [result.result_code for result in unblocked.send_result_list] == [0]

    await refused(client.add_blocked_recipients(UNSUBSCRIBE_NO, ["12"]), SendError, -2019)
    # BlockedRecipientQuery refuses a blank 080 number when made: NHN's answer to one, raw.
    no_080_number = client.api.call("GET", "/blockservice/recipients", params={"unsubscribeNo": ""})
    await refused(no_080_number, UnsubscribeError, -6004)


async def test_sender_numbers_list_the_registered_numbers(client: NhnClient) -> None:
    page = await client.list_sender_numbers()
    assert (page.total_count, [number.send_no for number in page.items]) == (3, [SENDER, OTHER_SENDER, "0200000000"])
    assert all((number.use_yn, number.block_yn) == (True, False) for number in page.items)
    assert all(number.create_date is not None for number in page.items)

    one = await client.list_sender_numbers(SenderNumberQuery(send_no=OTHER_SENDER, use_yn=True, block_yn=False))
    assert [number.send_no for number in one.items] == [OTHER_SENDER]
    every = [number.send_no async for number in client.iter_sender_numbers(SenderNumberQuery(page_size=1))]
    assert every == [SENDER, OTHER_SENDER, "0200000000"]


async def test_statistics_count_what_was_sent(client: NhnClient) -> None:
    await client.send_sms(SendRequest(send_no=SENDER, body="본문", recipient_list=to(FIRST, UNDELIVERABLE)))
    await client.send_mms(
        SendRequest(send_no=SENDER, title="예약", body="본문", request_date=ahead(days=1), recipient_list=to(SECOND))
    )
    now = datetime.now(SEOUL)
    span = StatisticsQuery(
        search_type="DATE",
        from_=MinuteTime(now - timedelta(hours=1)),
        to=MinuteTime(now + timedelta(days=2)),
    )

    by_date = await client.get_statistics(span)
    assert totals(by_date) == (3, 1, 1, 1)
    assert [row.division_name for row in by_date] == sorted(row.division_name for row in by_date)
    assert sorted(
        (
            row.statistics_view.requested_count,
            row.statistics_view.succeed_rate,
            row.statistics_view.failed_rate,
            row.statistics_view.pending_rate,
        )
        for row in by_date
    ) == [(1, "0.00", "0.00", "100.00"), (2, "50.00", "50.00", "0.00")]

    sms_only = await client.get_statistics(
        StatisticsQuery(search_type="DAY", from_=span.from_, to=span.to, message_types="SMS")
    )
    assert totals(sms_only) == (2, 1, 1, 0)
    assert all(row.division_name in ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN") for row in sms_only)
    by_hour = await client.get_statistics(StatisticsQuery(search_type="TIME", from_=span.from_, to=span.to))
    assert totals(by_hour) == (3, 1, 1, 1)
    assert all(len(row.division_name) == 2 and row.division_name.isdigit() for row in by_hour)
    advertisements = await client.get_statistics(
        StatisticsQuery(search_type="DATE", from_=span.from_, to=span.to, content_types="AD")
    )
    assert advertisements == ()

    # What NHN would answer -2700 (to before from) or -2701 (a type it lacks) is refused when
    # made; tests/emulator/test_nhn_management.py sends them raw for the emulator's codes.
    with pytest.raises(errors.ValidationError):
        StatisticsQuery(search_type="DATE", from_=span.to, to=span.from_)
    with pytest.raises(errors.ValidationError):
        StatisticsQuery(search_type="DATE", from_=span.from_, to=span.to, message_types="FAX")
    too_long = StatisticsQuery(search_type="DATE", from_=span.from_, to=MinuteTime(now + timedelta(days=40)))
    await refused(client.get_statistics(too_long), StatisticsError, -2703)


# --- reservations (N34-N36) -------------------------------------------------------------------


async def test_reservations_are_listed_and_cancelled(client: NhnClient) -> None:
    at = ahead(days=1)
    reserved = await client.send_sms(
        SendRequest(send_no=SENDER, body="예약 안내", request_date=at, recipient_list=to(FIRST, SECOND))
    )
    immediate = await client.send_sms(SendRequest(send_no=SENDER, body="즉시", recipient_list=to(THIRD)))

    page = await client.list_reservations(ReservationQuery(request_id=reserved.request_id))
    assert [
        (
            item.request_id,
            item.recipient_seq,
            item.recipient_no,
            item.request_date,
            item.message_status,
            item.send_type,
            item.message_type,
            item.ad_yn,
            item.body,
            item.send_no,
        )
        for item in page.items
    ] == [
        (reserved.request_id, 1, FIRST, at, "RESERVED", "0", "SMS", False, "예약 안내", SENDER),
        (reserved.request_id, 2, SECOND, at, "RESERVED", "0", "SMS", False, "예약 안내", SENDER),
    ]
    one = await client.get_reservation(reserved.request_id, 2)
    assert (one.recipient_no, one.message_status, one.request_date) == (SECOND, "RESERVED", at)
    every = [
        (item.request_id, item.recipient_seq)
        async for item in client.iter_reservations(ReservationQuery(send_type="0"))
    ]
    assert every == [(reserved.request_id, 1), (reserved.request_id, 2)]
    waiting = await client.get_sms(reserved.request_id, 1)
    assert (waiting.msg_status, waiting.result_code, waiting.result_date, waiting.request_date) == ("1", None, None, at)

    cancelled = await client.cancel_reservations(
        [ReservationKey(request_id=reserved.request_id, recipient_seq=1)], update_user="tester"
    )
    assert (cancelled.requested_count, cancelled.canceled_count) == (1, 1)
    again = await client.cancel_reservations(
        [
            ReservationKey(request_id=reserved.request_id, recipient_seq=1),
            ReservationKey(request_id=immediate.request_id, recipient_seq=1),
        ],
        update_user="tester",
    )
    assert (again.requested_count, again.canceled_count) == (2, 0)

    assert (await client.get_reservation(reserved.request_id, 1)).message_status == "CANCEL"
    still = await client.list_reservations(ReservationQuery(message_status="RESERVED"))
    assert [(item.request_id, item.recipient_seq) for item in still.items] == [(reserved.request_id, 2)]
    by_number = await client.list_reservations(ReservationQuery(recipient_no=FIRST))
    assert [item.message_status for item in by_number.items] == ["CANCEL"]
    assert (await client.get_sms(reserved.request_id, 1)).msg_status == "4"
    assert (await client.get_sms(reserved.request_id, 2)).msg_status == "1"

    await refused(client.get_reservation(immediate.request_id, 1), SendNotFoundError, -2008)
    past = SendRequest(
        send_no=SENDER,
        body="x",
        request_date=MinuteTime(datetime.now(SEOUL) - timedelta(days=1)),
        recipient_list=to(FIRST),
    )
    await refused_first(client, client.send_sms, SMS_PATH, past, field="request_date", error=SendError, code=-2022)
    too_far = SendRequest(send_no=SENDER, body="x", request_date=ahead(days=61), recipient_list=to(FIRST))
    await refused_first(client, client.send_sms, SMS_PATH, too_far, field="request_date", error=SendError, code=-2000)


# --- CSV exports (N37-N39) --------------------------------------------------------------------


async def test_a_csv_export_is_requested_listed_and_downloaded(client: NhnClient, tmp_path: Path) -> None:
    start, end = window()
    sent = await client.send_sms(SendRequest(send_no=SENDER, body="본문", recipient_list=to(FIRST, UNDELIVERABLE)))

    export = await client.request_download(
        DownloadRequest(send_type="0", request_id=sent.request_id, is_include_title_and_body=True)
    )
    assert (export.download_status_code, export.file_type, export.download_type) == ("COMPLETED", "CSV", "NORMAL")
    assert export.expired_date is not None

    listed = await client.list_download_reservations(DownloadQuery(download_id=export.download_id))
    assert (listed.page_num, listed.total_count) == (1, 1)
    assert [(item.download_id, item.size, item.download_status_code, item.expired_date) for item in listed.items] == [
        (export.download_id, 2, "COMPLETED", export.expired_date)
    ]
    parameter = listed.items[0].parameter
    assert parameter is not None
    assert json.loads(parameter) == {"sendType": "0", "requestId": sent.request_id, "isIncludeTitleAndBody": True}

    async with client.download(export.download_id) as chunks:
        content = b"".join([chunk async for chunk in chunks])
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    assert [
        (row["requestId"], row["recipientSeq"], row["recipientNo"], row["resultCode"], row["body"]) for row in rows
    ] == [
        (sent.request_id, "1", FIRST, "1000", "본문"),
        (sent.request_id, "2", UNDELIVERABLE, "3006", "본문"),
    ]
    target = tmp_path / "export.csv"
    assert await client.download_to(export.download_id, target) == len(content)
    assert target.read_bytes() == content

    failed = await client.request_download(
        DownloadRequest(send_type="0", start_request_date=start, end_request_date=end, result_code="MTR2")
    )
    async with client.download(failed.download_id) as chunks:
        failed_rows = list(csv.DictReader(io.StringIO(b"".join([chunk async for chunk in chunks]).decode("utf-8"))))
    assert [row["recipientNo"] for row in failed_rows] == [UNDELIVERABLE]
    assert "body" not in failed_rows[0]

    completed = DownloadQuery(download_status_code="COMPLETED", page_size=1)
    every = [item.download_id async for item in client.iter_download_reservations(completed)]
    assert every == [export.download_id, failed.download_id]
    assert (await client.list_download_reservations(DownloadQuery(download_status_code="EXPIRED"))).total_count == 0


# --- tags, UIDs and tag sends (N13-N17, N40-N49) ----------------------------------------------


async def test_tags_round_trip(client: NhnClient) -> None:
    vip = await client.create_tag("VIP")
    gold = await client.create_tag("GOLD")
    assert len(vip) == 8
    page = await client.list_tags()
    assert (page.total_count, [(tag.tag_id, tag.tag_name) for tag in page.items]) == (2, [(vip, "VIP"), (gold, "GOLD")])
    assert all(tag.created_date is not None and tag.updated_date is not None for tag in page.items)

    await client.update_tag(vip, "PLATINUM")
    renamed = [(tag.tag_id, tag.tag_name) async for tag in client.iter_tags(PageQuery(page_size=1))]
    assert renamed == [(vip, "PLATINUM"), (gold, "GOLD")]
    await refused(client.create_tag("GOLD"), TagError, -7001)
    await refused(client.update_tag(vip, "GOLD"), TagError, -7001)

    await client.delete_tag(gold)
    assert [(tag.tag_id, tag.tag_name) for tag in (await client.list_tags(PageQuery(page_num=1))).items] == [
        (vip, "PLATINUM")
    ]
    await refused(client.update_tag(gold, "X"), TagError, -7001)
    await refused(client.delete_tag(gold), TagError, -7001)


async def test_uids_and_their_phone_numbers_round_trip(client: NhnClient) -> None:
    vip = await client.create_tag("VIP")
    seoul = await client.create_tag("SEOUL")
    await client.create_uids(
        [
            UidRegistration(uid="user-0", tag_ids=(vip, seoul), contacts=(NewContact(contact=FIRST),)),
            UidRegistration(uid="user-1", tag_ids=(vip,), contacts=(NewContact(contact=SECOND),)),
            UidRegistration(uid="user-2", tag_ids=(seoul,), contacts=(NewContact(contact=THIRD),)),
        ]
    )

    first = await client.list_uids(UidQuery(limit=2))
    assert ([uid.uid for uid in first.uids], first.last, first.total_count) == (["user-0", "user-1"], False, 3)
    rest = await client.list_uids(UidQuery(offset_uid="user-1"))
    assert ([uid.uid for uid in rest.uids], rest.last) == (["user-2"], True)
    skipped = await client.list_uids(UidQuery(offset=1, limit=1))
    assert ([uid.uid for uid in skipped.uids], skipped.last) == (["user-1"], False)
    both = await client.list_uids(UidQuery(wheres=(vip, "AND", seoul)))
    assert ([uid.uid for uid in both.uids], both.total_count) == (["user-0"], 1)
    either = await client.list_uids(UidQuery(wheres=(vip, "OR", seoul)))
    assert either.total_count == 3
    assert [uid.uid async for uid in client.iter_uids(UidQuery(limit=1))] == ["user-0", "user-1", "user-2"]

    user = await client.get_uid("user-0")
    assert user.tags is not None
    assert [(tag.tag_id, tag.tag_name) for tag in user.tags] == [(vip, "VIP"), (seoul, "SEOUL")]
    assert user.contacts is not None
    assert [(contact.contact_type, contact.contact) for contact in user.contacts] == [("PHONE_NUMBER", FIRST)]
    assert user.contacts[0].created_date is not None

    await client.add_phone_number("user-0", FOURTH)
    added = (await client.get_uid("user-0")).contacts
    assert added is not None
    assert [contact.contact for contact in added] == [FIRST, FOURTH]
    await client.delete_phone_number("user-0", FIRST)
    removed = (await client.get_uid("user-0")).contacts
    assert removed is not None
    assert [contact.contact for contact in removed] == [FOURTH]
    await refused(client.delete_phone_number("user-0", FIRST), TagError, -7001)
    await refused(client.add_phone_number("user-0", "12"), TagError, -7001)

    await client.create_uids([UidRegistration(uid="user-1", tag_ids=(seoul,), contacts=(NewContact(contact=FIFTH),))])
    extended = await client.get_uid("user-1")
    assert extended.tags is not None
    assert extended.contacts is not None
    assert ([tag.tag_id for tag in extended.tags], [contact.contact for contact in extended.contacts]) == (
        [vip, seoul],
        [SECOND, FIFTH],
    )

    await client.delete_tag(seoul)
    untagged = (await client.get_uid("user-0")).tags
    assert untagged is not None
    assert [tag.tag_id for tag in untagged] == [vip]
    await client.delete_uid("user-0")
    await refused(client.get_uid("user-0"), TagError, -7001)
    await refused(client.delete_uid("user-0"), TagError, -7001)
    assert [uid.uid async for uid in client.iter_uids()] == ["user-1", "user-2"]
    await refused(client.create_uids([UidRegistration(uid="x", tag_ids=("nope",), contacts=())]), TagError, -7001)


async def test_tag_sends_reach_the_tagged_uids_and_are_looked_up(client: NhnClient) -> None:
    start, end = window()
    vip = await client.create_tag("VIP")
    seoul = await client.create_tag("SEOUL")
    nobody = await client.create_tag("NOBODY")
    await client.create_uids(
        [
            UidRegistration(uid="a", tag_ids=(vip, seoul), contacts=(NewContact(contact=FIRST),)),
            UidRegistration(uid="b", tag_ids=(vip,), contacts=(NewContact(contact=SECOND),)),
            UidRegistration(uid="c", tag_ids=(seoul,), contacts=(NewContact(contact=THIRD),)),
        ]
    )

    sms_id = await client.send_tag_sms(
        TagSendRequest(
            body="##event## 안내",
            send_no=SENDER,
            tag_expression=(vip,),
            template_parameter={"event": "세일"},
            user_id="tester",
            ad_yn=False,
            auto_send_yn=True,
        )
    )
    sends = await client.list_tag_sends(TagSendQuery(send_type="0", start_request_date=start, end_request_date=end))
    assert [
        (
            send.request_id,
            send.send_type,
            send.send_no,
            send.tag_expression,
            send.body,
            send.master_status_code,
            send.ad_yn,
            send.auto_send_yn,
            send.send_error_count,
            send.create_user,
        )
        for send in sends.items
    ] == [(sms_id, "0", SENDER, (vip,), "##event## 안내", "COMPLETE", False, True, 0, "tester")]
    complete = TagSendQuery(send_type="0", request_id=sms_id, status_code="MAS19")
    assert [send.request_id async for send in client.iter_tag_sends(complete)] == [sms_id]
    cancelled = await client.list_tag_sends(TagSendQuery(send_type="0", request_id=sms_id, status_code="MAS91"))
    assert cancelled.total_count == 0

    recipients = await client.list_tag_send_recipients(
        sms_id, TagRecipientQuery(start_request_date=start, end_request_date=end)
    )
    assert [
        (
            item.request_id,
            item.recipient_seq,
            item.recipient_no,
            item.msg_status,
            item.msg_status_name,
            item.result_code,
        )
        for item in recipients.items
    ] == [(sms_id, 1, FIRST, "3", "COMPLETED", "1000"), (sms_id, 2, SECOND, "3", "COMPLETED", "1000")]
    only_second = TagRecipientQuery(start_request_date=start, end_request_date=end, recipient_num=SECOND)
    assert [item.recipient_seq async for item in client.iter_tag_send_recipients(sms_id, only_second)] == [2]
    detail = await client.get_tag_send_recipient(sms_id, 2)
    assert (
        detail.recipient_num,
        detail.body,
        detail.message_type,
        detail.send_type,
        detail.send_no,
        detail.msg_status_name,
        detail.attach_file_list,
    ) == (SECOND, "세일 안내", "SMS", "0", SENDER, "COMPLETED", ())
    plain = await client.list_sms(SendQuery(request_id=sms_id))
    assert [(item.recipient_no, item.body) for item in plain.items] == [(FIRST, "세일 안내"), (SECOND, "세일 안내")]

    image = await client.upload_attachment("coupon.jpg", JPEG, "tester")
    mms_id = await client.send_tag_mms(
        TagSendRequest(
            title="쿠폰",
            body="쿠폰 도착",
            send_no=SENDER,
            tag_expression=(vip, "AND", seoul),
            attach_file_id_list=(image.file_id,),
        )
    )
    mms = await client.get_tag_send_recipient(mms_id, 1)
    assert (mms.recipient_num, mms.message_type, mms.send_type, mms.title) == (FIRST, "MMS", "1", "쿠폰")
    assert mms.attach_file_list is not None
    assert [(file.file_name, file.file_sequence) for file in mms.attach_file_list] == [("coupon.jpg", 1)]
    mms_sends = await client.list_tag_sends(TagSendQuery(send_type="1", request_id=mms_id))
    assert [(send.title, send.tag_expression) for send in mms_sends.items] == [("쿠폰", (vip, "AND", seoul))]

    export = await client.request_download(DownloadRequest(send_type="0", request_id=sms_id))
    assert export.download_type == "TAG"

    await refused(client.get_tag_send_recipient(sms_id, 9), SendNotFoundError, -2008)
    unknown_tag = TagSendRequest(body="x", send_no=SENDER, tag_expression=("nope",))
    await refused(client.send_tag_sms(unknown_tag), TagError, -7001)
    await refused(
        client.send_tag_sms(TagSendRequest(body="x", send_no=SENDER, tag_expression=(nobody,))), SendError, -2001
    )


# --- what a first run of this suite found the two sides disagreeing on, now fixed ----------------


async def test_downloading_an_unknown_export_raises_the_typed_error(client: NhnClient, tmp_path: Path) -> None:
    target = tmp_path / "export.csv"
    with pytest.raises(SendError) as caught:
        await client.download_to("20990101000000unknown0000", target)
    assert caught.value.result_code == -2008
    assert not target.exists()


async def test_a_reserved_mms_lists_its_image(client: NhnClient) -> None:
    image = await client.upload_attachment("coupon.jpg", JPEG, "tester")
    sent = await client.send_mms(
        SendRequest(
            title="쿠폰",
            body="예약 쿠폰",
            send_no=SENDER,
            request_date=ahead(days=1),
            attach_file_id_list=(image.file_id,),
            recipient_list=to(FIRST),
        )
    )
    reservation = await client.get_reservation(sent.request_id, 1)
    assert (reservation.message_type, reservation.title) == ("MMS", "쿠폰")
    assert reservation.attach_file_list is not None
    assert [(file.file_id, file.file_name) for file in reservation.attach_file_list] == [(image.file_id, "coupon.jpg")]


async def test_a_reservation_names_its_template_and_parameters(client: NhnClient) -> None:
    await client.create_template(
        TemplateCreate(
            category_id=1,
            template_id="welcome",
            template_name="환영",
            send_no=SENDER,
            send_type="0",
            body="##name##님 환영합니다",
            use_yn=True,
        )
    )
    sent = await client.send_sms(
        SendRequest(
            template_id="welcome",
            request_date=ahead(days=1),
            recipient_list=(SendRecipient(recipient_no=FIRST, template_parameter={"name": "철수"}),),
        )
    )
    found = (await client.list_reservations(ReservationQuery(request_id=sent.request_id))).items[0]
    assert (found.template_id, found.body) == ("welcome", "철수님 환영합니다")
    assert found.template_name == "환영"
    assert found.template_parameter is not None
    assert json.loads(found.template_parameter) == {"name": "철수"}


async def test_the_reservation_list_honours_its_documented_filters(client: NhnClient) -> None:
    soon, later = ahead(days=1), ahead(days=2)
    first = await client.send_sms(SendRequest(send_no=SENDER, body="a", request_date=soon, recipient_list=to(FIRST)))
    second = await client.send_sms(
        SendRequest(send_no=OTHER_SENDER, body="b", request_date=later, recipient_list=to(SECOND))
    )
    by_sender = await client.list_reservations(ReservationQuery(send_no=OTHER_SENDER))
    assert [item.request_id for item in by_sender.items] == [second.request_id]
    by_date = await client.list_reservations(
        ReservationQuery(start_request_date=soon - timedelta(minutes=1), end_request_date=soon + timedelta(minutes=1))
    )
    assert [item.request_id for item in by_date.items] == [first.request_id]


async def test_the_look_ups_echo_the_user_id_of_the_send(client: NhnClient) -> None:
    sent = await client.send_sms(SendRequest(send_no=SENDER, body="x", user_id="tester", recipient_list=to(FIRST)))
    assert (await client.get_sms(sent.request_id, 1)).user_id == "tester"


async def test_the_sms_list_filters_by_result_code(client: NhnClient) -> None:
    sent = await client.send_sms(SendRequest(send_no=SENDER, body="x", recipient_list=to(FIRST, UNDELIVERABLE)))
    failed = await client.list_sms(SendQuery(request_id=sent.request_id, result_code="MTR2"))
    assert [item.recipient_no for item in failed.items] == [UNDELIVERABLE]


async def test_an_advertisement_may_use_the_short_opt_out_line(client: NhnClient) -> None:
    sent = await client.send_ad_sms(
        SendRequest(send_no=SENDER, body=f"(광고) 세일\n[무료거부]{UNSUBSCRIBE_NO}", recipient_list=to(FIRST))
    )
    assert [result.result_code for result in sent.send_result_list] == [0]

"""SensClient: the exact request of every endpoint (S1-S10) and the documented answers parsed."""

from __future__ import annotations

import base64
import json
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import aclosing
from datetime import datetime, time, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import httpx
import pytest
import respx

from krsms import errors
from krsms.sens import SensClient, ServiceNotFoundError
from krsms.sens.auth import signature
from krsms.sens.checks import check_message_query
from krsms.sens.converter import converter
from krsms.sens.models import (
    ContentType,
    FileReference,
    MessageQuery,
    MessageSummary,
    MessageType,
    Reservation,
    ReserveStatus,
    SendMessage,
    SendRequest,
    UnsubscribeQuery,
)
from krsms.transport import NO_RETRIES

HOST = "https://sens.apigw.ntruss.com"
SERVICE_ID = "ncp:sms:kr:123456789012:krsms"
SERVICE = f"/sms/v2/services/{SERVICE_ID}"
ACCESS_KEY = "AKID-access-4242"
SECRET_KEY = "s3cr3t-key-4242"
SEOUL = ZoneInfo("Asia/Seoul")
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9"
RESERVED = (datetime.now(SEOUL) + timedelta(days=1)).replace(hour=17, minute=9, second=0, microsecond=0)
"""The documents' examples reserve 2019-07-25 17:09; the client refuses a moment in the past."""
DAY = (datetime.now(SEOUL) - timedelta(days=1)).date()
"""The day the time-window look-ups ask about: SENS keeps 90 days of history (en:248), and the
client refuses a window that ended before them."""


def on_day(hour: int, minute: int = 0, second: int = 0, *, tz: tzinfo = SEOUL) -> datetime:
    """A moment of :data:`DAY`."""
    return datetime.combine(DAY, time(hour, minute, second), tz)


@pytest.fixture
async def client() -> AsyncIterator[SensClient]:
    async with SensClient(access_key=ACCESS_KEY, secret_key=SECRET_KEY, service_id=SERVICE_ID) as sens:
        yield sens


@pytest.fixture
def api() -> AsyncIterator[respx.MockRouter]:
    with respx.mock(base_url=HOST, assert_all_called=True) as router:
        yield router


def check_signed(request: httpx.Request) -> None:
    """The three auth headers, with a signature over the exact target sent."""
    timestamp = request.headers["x-ncp-apigw-timestamp"]
    assert request.headers["x-ncp-iam-access-key"] == ACCESS_KEY
    target = request.url.raw_path.decode()
    assert request.headers["x-ncp-apigw-signature-v2"] == signature(
        SECRET_KEY, request.method, target, timestamp, ACCESS_KEY
    )


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content)


async def test_s1_send_matches_the_documented_reserved_mms_example(client: SensClient, api: respx.MockRouter) -> None:
    route = api.post(f"{SERVICE}/messages").respond(
        202,
        json={
            "requestId": "RSSA-1590000000000-1234-12345678-abcdefgh",
            "requestTime": "2019-07-25T17:05:12.345",
            "statusCode": "202",
            "statusName": "success",
        },
    )
    # en:58-79 / ko:95-116: every body field of the document, each by its exact name.
    request = SendRequest(
        reserve_time=RESERVED,
        reserve_time_zone="Asia/Seoul",
        type=MessageType.MMS,
        content_type=ContentType.COMM,
        country_code="81",
        from_="01012345678",
        subject="subject",
        content="content",
        messages=(SendMessage(to="01012345678", subject="own subject", content="own content"),),
        files=(FileReference(file_id="4fe2078b-5926-42f2-b6b3-0c7bab9b8c5a"),),
    )
    result = await client.send(request)
    sent = route.calls.last.request
    assert sent.method == "POST"
    assert sent.url.raw_path.decode() == f"{SERVICE}/messages"
    assert sent.headers["content-type"] == "application/json; charset=utf-8"
    check_signed(sent)
    assert body_of(sent) == {
        "reserveTime": f"{RESERVED:%Y-%m-%d} 17:09",
        "reserveTimeZone": "Asia/Seoul",
        "type": "MMS",
        "contentType": "COMM",
        "countryCode": "81",
        "from": "01012345678",
        "subject": "subject",
        "content": "content",
        "messages": [{"to": "01012345678", "subject": "own subject", "content": "own content"}],
        "files": [{"fileId": "4fe2078b-5926-42f2-b6b3-0c7bab9b8c5a"}],
    }
    assert result.request_id == "RSSA-1590000000000-1234-12345678-abcdefgh"
    assert result.request_time == datetime(2019, 7, 25, 17, 5, 12, 345000, tzinfo=SEOUL)
    assert result.status_name == "success"


@pytest.mark.parametrize(
    ("status_code", "status_name", "shown"),
    [
        ("400", "fail", "answer says statusCode '400' (fail)"),
        ("500", "fail", "answer says statusCode '500' (fail)"),
        (SECRET_KEY, f"fail for {ACCESS_KEY}", "answer says statusCode '***' (fail for ***)"),
    ],
    ids=["400", "500", "keys echoed"],  # the default ids would print the keys
)
async def test_s1_a_202_whose_body_says_the_send_failed_raises(
    status_code: str, status_name: str, shown: str, client: SensClient, api: respx.MockRouter
) -> None:
    """S1: "statusCode - 202: success - Others: failed". The HTTP status says otherwise: the
    send may have been taken, so the error is one a bulk send looks up (UNKNOWN), not a refusal."""
    api.post(f"{SERVICE}/messages").respond(
        202,
        json={
            "requestId": f"R-{ACCESS_KEY}",
            "requestTime": "2026-01-01T00:00:00.000",
            "statusCode": status_code,
            "statusName": status_name,
        },
    )
    request = SendRequest(
        type=MessageType.SMS, from_="0212345678", content="hi", messages=(SendMessage(to="01012345678"),)
    )
    with pytest.raises(errors.MalformedResponseError) as caught:
        await client.send(request)
    assert (caught.value.message, caught.value.status_code, caught.value.code) == (shown, 202, None)
    assert caught.value.request_id == "R-***"
    assert (caught.value.method, caught.value.path) == ("POST", f"{SERVICE}/messages")
    assert str(caught.value) == f"sens: {shown} (POST {SERVICE}/messages, HTTP 202, request R-***)"


@pytest.mark.parametrize(
    "send",
    [
        pytest.param(lambda client, request: client.send(request), id="send"),
        pytest.param(lambda client, request: client.send_body(converter.unstructure(request)), id="send_body"),
    ],
)
async def test_s1_a_404_is_the_fatal_unknown_service_error_the_gateway_raises(
    send: Callable[[SensClient, SendRequest], Awaitable[object]], client: SensClient, api: respx.MockRouter
) -> None:
    """The service id is the one part of the send path that varies: a 404 there says it names
    no service, and a direct send says so as SensGateway does."""
    api.post(f"{SERVICE}/messages").respond(404, json={"error": {"errorCode": "300", "message": "Not Found"}})
    request = SendRequest(
        type=MessageType.SMS, from_="0212345678", content="hi", messages=(SendMessage(to="01012345678"),)
    )
    with pytest.raises(ServiceNotFoundError) as caught:
        await send(client, request)
    assert caught.value.fatal
    assert isinstance(caught.value, errors.NotFoundError)
    assert (caught.value.status_code, caught.value.code, caught.value.provider) == (404, "300", "sens")
    assert caught.value.message == "Not Found"
    assert (caught.value.method, caught.value.path) == ("POST", f"{SERVICE}/messages")
    assert str(caught.value) == f"sens: Not Found (POST {SERVICE}/messages, HTTP 404, code 300)"


async def test_s1_a_refusal_names_the_request_and_never_a_key(client: SensClient, api: respx.MockRouter) -> None:
    """The service id is in the path, and no secret; the keys travel in headers, and an answer
    echoing one shows it redacted."""
    refusal = {"statusCode": "400", "statusName": "fail", "errorMessage": f"from: not registered ({ACCESS_KEY})"}
    api.post(f"{SERVICE}/messages").respond(400, json=refusal)

    with pytest.raises(errors.BadRequestError) as caught:
        await client.send(SMS)

    assert (caught.value.method, caught.value.path) == ("POST", f"{SERVICE}/messages")
    assert str(caught.value) == f"sens: from: not registered (***) (POST {SERVICE}/messages, HTTP 400, code 400)"
    for text in (str(caught.value), repr(caught.value), repr(caught.value.args), repr(vars(caught.value))):
        assert ACCESS_KEY not in text
        assert SECRET_KEY not in text


async def test_s3_a_refused_look_up_names_the_path_without_its_query(client: SensClient, api: respx.MockRouter) -> None:
    """The query may hold a phone number (``from``): the error names the path alone."""
    api.get(f"{SERVICE}/messages").respond(400, json={"statusCode": "400", "errorMessage": "bad query"})

    with pytest.raises(errors.BadRequestError) as caught:
        await client.list_messages(MessageQuery(request_id="R-1", from_="0212345678"))

    assert str(caught.value) == f"sens: bad query (GET {SERVICE}/messages, HTTP 400, code 400)"
    assert "0212345678" not in repr(vars(caught.value))


async def test_s3_an_answer_that_does_not_fit_names_the_request(client: SensClient, api: respx.MockRouter) -> None:
    api.get(f"{SERVICE}/messages").respond(200, json={"statusCode": "202", "statusName": "success", "messages": "x"})

    with pytest.raises(errors.MalformedResponseError) as caught:
        await client.list_messages(MessageQuery(request_id="R-1", from_="0212345678"))

    assert (caught.value.method, caught.value.path) == ("GET", f"{SERVICE}/messages")
    assert str(caught.value).startswith("sens: answer does not match MessagePage: ")
    assert str(caught.value).endswith(f"(GET {SERVICE}/messages, HTTP 200)")
    assert "0212345678" not in repr(vars(caught.value))


async def test_s1_reserve_time_is_written_in_its_time_zone(client: SensClient, api: respx.MockRouter) -> None:
    route = api.post(f"{SERVICE}/messages").respond(
        202, json={"requestId": "R", "requestTime": "2026-01-01T00:00:00.000", "statusCode": "202", "statusName": "s"}
    )
    year = datetime.now(SEOUL).year + 1
    moment = datetime(year, 3, 1, 0, 0, tzinfo=ZoneInfo("UTC"))
    await client.send(
        SendRequest(
            type=MessageType.SMS,
            from_="0212345678",
            content="안녕",
            messages=(SendMessage(to="01000000001"),),
            reserve_time=moment,
            reserve_time_zone="Asia/Tokyo",
        )
    )
    sent = body_of(route.calls.last.request)
    assert (sent["reserveTime"], sent["reserveTimeZone"]) == (f"{year}-03-01 09:00", "Asia/Tokyo")


@pytest.mark.parametrize("zone", ["KST", "Asia", "../Seoul", ""])
def test_a_reserve_time_zone_outside_the_tz_database_is_refused_when_made(zone: str) -> None:
    """ZoneInfo raised its own errors (for "Asia", a folder: IsADirectoryError with a local
    path); the request is now refused by name before it can be sent."""
    with pytest.raises(errors.ValidationError) as caught:
        SendRequest(
            type=MessageType.SMS,
            from_="0212345678",
            content="안녕",
            messages=(SendMessage(to="01000000001"),),
            reserve_time=datetime(2026, 3, 1, 9, 0),
            reserve_time_zone=zone,
        )
    assert (caught.value.field, caught.value.value) == ("reserve_time_zone", zone)


@pytest.mark.parametrize(
    ("zone", "value", "hint"),
    [
        (ZoneInfo("Asia/Tokyo"), "zoneinfo.ZoneInfo(key='Asia/Tokyo')", " (give its name, 'Asia/Tokyo')"),
        (timezone.utc, "datetime.timezone.utc", ""),
    ],
    ids=["ZoneInfo", "timezone.utc"],
)
def test_a_reserve_time_zone_that_is_a_zone_not_its_name_is_refused_when_made(
    zone: tzinfo, value: str, hint: str
) -> None:
    """en:104 / ko:132: reserveTimeZone is a String, the TZ database name. A ZoneInfo raised
    ZoneInfo's own TypeError, naming no field."""
    with pytest.raises(errors.ValidationError) as caught:
        SendRequest(
            type=MessageType.SMS,
            from_="0212345678",
            content="안녕",
            messages=(SendMessage(to="01000000001"),),
            reserve_time=datetime(2026, 3, 1, 9, 0),
            reserve_time_zone=zone,  # type: ignore[arg-type]
        )
    assert (caught.value.field, caught.value.limit, caught.value.value) == (
        "reserve_time_zone",
        "a TZ database name, such as Asia/Seoul",
        value,
    )
    assert str(caught.value).endswith(f"{value}{hint}")


async def test_s2_upload_file(client: SensClient, api: respx.MockRouter) -> None:
    route = api.post(f"{SERVICE}/files").respond(
        200,
        json={"fileId": "4fe2078b-5926", "createTime": "2026-11-25 10:00:00", "expireTime": "2026-12-01 10:00:00"},
    )
    uploaded = await client.upload_file("coupon.jpg", JPEG)
    sent = route.calls.last.request
    check_signed(sent)
    assert body_of(sent) == {"fileName": "coupon.jpg", "fileBody": base64.b64encode(JPEG).decode()}
    assert uploaded.file_id == "4fe2078b-5926"
    assert uploaded.expire_time == datetime(2026, 12, 1, 10, 0, tzinfo=SEOUL)


@pytest.mark.parametrize(
    ("name", "content", "field"),
    [
        ("coupon.png", JPEG, "file_name"),
        ("a" * 37 + ".jpg", JPEG, "file_name"),
        ("big.jpg", b"\xff\xd8" + b"\x00" * (300 * 1024), "content"),
        ("fake.jpg", b"GIF89a", "content"),
        ("empty.jpg", b"", "content"),
    ],
)
async def test_s2_refuses_bad_files_before_any_request(name: str, content: bytes, field: str) -> None:
    with respx.mock(assert_all_mocked=True) as router:
        async with SensClient(access_key=ACCESS_KEY, secret_key=SECRET_KEY, service_id=SERVICE_ID) as sens:
            with pytest.raises(errors.ValidationError) as caught:
                await sens.upload_file(name, content)
        assert not router.calls
    assert caught.value.field == field


def oversized_jpeg() -> bytes:
    frame = b"\xff\xc0\x00\x11\x08" + (2000).to_bytes(2, "big") + (1600).to_bytes(2, "big") + b"\x03" + b"\x00" * 9
    return b"\xff\xd8" + frame + b"\xff\xd9"


async def test_s2_refuses_a_resolution_over_1500x1440(client: SensClient) -> None:
    with pytest.raises(errors.ValidationError, match="1600x2000"):
        await client.upload_file("wide.jpg", oversized_jpeg())


LIST_PAGE = {
    "statusCode": "202",
    "statusName": "success",
    "messages": [
        {
            "requestId": "RSSA-1",
            "campaignId": None,
            "messageId": "0-ESG-202611-1",
            "requestTime": "2026-11-25 10:00:00",
            "contentType": "COMM",
            "type": "SMS",
            "countryCode": "82",
            "from": "0212345678",
            "to": "01012345678",
            "completeTime": "2026-11-25 10:00:03",
            "telcoCode": "SKT",
            "status": "COMPLETED",
            "statusCode": "0",
            "statusName": "success",
            "statusMessage": "성공",
        },
        {
            "requestId": "RSSA-1",
            "messageId": "0-ESG-202611-2",
            "requestTime": "2026-11-25 10:00:00",
            "contentType": "COMM",
            "type": "SMS",
            "countryCode": "82",
            "from": "0212345678",
            "to": "01087654321",
            "status": "READY",
        },
    ],
    "pageIndex": 0,
    "pageSize": 2,
    "itemCount": 2,
    "hasMore": True,
}


async def test_s3_list_messages_sends_the_documented_query(client: SensClient, api: respx.MockRouter) -> None:
    # en:227-245 / ko:242-256: every parameter by its exact name, each with its own value;
    # times as yyyy-MM-dd HH:mm:ss (pageIndex is en:244 only; ko:255 pages by nextToken).
    route = api.get(f"{SERVICE}/messages").respond(200, json=LIST_PAGE)
    query = MessageQuery(
        request_start_time=on_day(9),
        request_end_time=on_day(11, 0, 59),
        message_id="0-ESG-202611-1",
        type=MessageType.SMS,
        content_type=ContentType.AD,
        country_code="81",
        status="PROCESSING",
        from_="0212345678",
        to="01087654321",
        status_name="SUCCESS",
        page_index=3,
        page_size=2,
    )
    page = await client.list_messages(query)
    sent = route.calls.last.request
    check_signed(sent)
    assert dict(sent.url.params) == {
        "requestStartTime": f"{DAY} 09:00:00",
        "requestEndTime": f"{DAY} 11:00:59",
        "messageId": "0-ESG-202611-1",
        "type": "SMS",
        "contentType": "AD",
        "countryCode": "81",
        "status": "PROCESSING",
        "from": "0212345678",
        "to": "01087654321",
        "statusName": "SUCCESS",
        "pageIndex": "3",
        "pageSize": "2",
    }
    assert page.has_more
    first, second = page.messages
    assert (first.status_code, first.telco_code, first.campaign_id) == ("0", "SKT", None)
    assert first.complete_time == datetime(2026, 11, 25, 10, 0, 3, tzinfo=SEOUL)
    assert (second.status, second.status_code, second.complete_time) == ("READY", None, None)


async def test_s3_a_completion_window_goes_out_in_seoul_seconds(client: SensClient, api: respx.MockRouter) -> None:
    # en:230-231 / ko:245-246: completeStartTime and completeEndTime, yyyy-MM-dd HH:mm:ss;
    # any aware moment is written in Seoul time (UTC+9).
    route = api.get(f"{SERVICE}/messages").respond(200, json=LIST_PAGE)
    query = MessageQuery(
        complete_start_time=on_day(0, 30, 15, tz=timezone.utc),
        complete_end_time=on_day(14, 59, 59, tz=timezone.utc),
        page_size=7,
    )
    await client.list_messages(query)
    sent = route.calls.last.request
    check_signed(sent)
    assert dict(sent.url.params) == {
        "completeStartTime": f"{DAY} 09:30:15",
        "completeEndTime": f"{DAY} 23:59:59",
        "pageSize": "7",
    }


OLDER_LIST_PAGE = {
    # The older document's S3 answer: requestId once beside the messages, which carry only
    # these six fields (no status).
    "requestId": "RSSA-1563958751371-4313-75421453-jCbsDhWD",
    "statusCode": "202",
    "statusName": "success",
    "messages": [
        {
            "messageId": "0-ESA-201907-7385618-0",
            "requestTime": "2019-07-25 17:05:12",
            "contentType": "COMM",
            "countryCode": "82",
            "from": "01012345678",
            "to": "01087654321",
        }
    ],
}


async def test_s3_answer_of_the_older_document(client: SensClient, api: respx.MockRouter) -> None:
    api.get(f"{SERVICE}/messages").respond(200, json=OLDER_LIST_PAGE)
    page = await client.list_messages(MessageQuery(request_id="RSSA-1563958751371-4313-75421453-jCbsDhWD"))
    assert page.request_id == "RSSA-1563958751371-4313-75421453-jCbsDhWD"
    (message,) = page.messages
    assert (message.request_id, message.message_id, message.to, message.status) == (
        "RSSA-1563958751371-4313-75421453-jCbsDhWD",
        "0-ESA-201907-7385618-0",
        "01087654321",
        None,
    )
    assert message.request_time == datetime(2019, 7, 25, 17, 5, 12, tzinfo=SEOUL)


async def test_s3_iterates_every_page(client: SensClient, api: respx.MockRouter) -> None:
    last = {**LIST_PAGE, "pageIndex": 1, "hasMore": False, "messages": LIST_PAGE["messages"][:1], "itemCount": 1}
    route = api.get(f"{SERVICE}/messages").mock(
        side_effect=[httpx.Response(200, json=LIST_PAGE), httpx.Response(200, json=last)]
    )
    found = [message.message_id async for message in client.iter_messages(MessageQuery(request_id="RSSA-1"))]
    assert found == ["0-ESG-202611-1", "0-ESG-202611-2", "0-ESG-202611-1"]
    assert [call.request.url.params["pageIndex"] for call in route.calls] == ["0", "1"]
    assert all(call.request.url.params["requestId"] == "RSSA-1" for call in route.calls)


async def test_s3_pages_by_page_index_as_the_english_document_says(client: SensClient, api: respx.MockRouter) -> None:
    # en:244 pageIndex (default 0) in the request; en:318, 321 pageIndex and hasMore in the answer.
    second = {**LIST_PAGE, "pageIndex": 1, "messages": [{**LIST_PAGE["messages"][0], "messageId": "0-ESG-202611-3"}]}
    last = {**LIST_PAGE, "pageIndex": 2, "hasMore": False, "messages": [], "itemCount": 0}
    route = api.get(f"{SERVICE}/messages").mock(
        side_effect=[httpx.Response(200, json=page) for page in (LIST_PAGE, second, last)]
    )
    found = [message.message_id async for message in client.iter_messages(MessageQuery(request_id="RSSA-1"))]
    assert found == ["0-ESG-202611-1", "0-ESG-202611-2", "0-ESG-202611-3"]
    assert [dict(call.request.url.params) for call in route.calls] == [
        {"requestId": "RSSA-1", "pageIndex": "0"},
        {"requestId": "RSSA-1", "pageIndex": "1"},
        {"requestId": "RSSA-1", "pageIndex": "2"},
    ]


async def test_s3_pages_by_next_token_as_the_korean_document_says(client: SensClient, api: respx.MockRouter) -> None:
    # ko:255, 265-266 nextToken replaces pageIndex in the request; the answer (ko:303-306,
    # 327, 343-344) has no pageIndex, and nextToken only while a next page exists.
    first, second = LIST_PAGE["messages"]
    pages = [
        {
            "statusCode": "202",
            "statusName": "success",
            "messages": [first],
            "pageSize": 1,
            "itemCount": 1,
            "nextToken": "token+/2=",
            "hasMore": True,
        },
        {
            "statusCode": "202",
            "statusName": "success",
            "messages": [second],
            "pageSize": 1,
            "itemCount": 1,
            "nextToken": "token-3",
            "hasMore": True,
        },
        {
            "statusCode": "202",
            "statusName": "success",
            "messages": [{**first, "messageId": "0-ESG-202611-3"}],
            "pageSize": 1,
            "itemCount": 1,
            "hasMore": False,
        },
    ]
    route = api.get(f"{SERVICE}/messages").mock(side_effect=[httpx.Response(200, json=page) for page in pages])
    window = MessageQuery(
        request_start_time=on_day(9),
        request_end_time=on_day(11),
        page_size=1,
    )
    found = [message.message_id async for message in client.iter_messages(window)]
    assert found == ["0-ESG-202611-1", "0-ESG-202611-2", "0-ESG-202611-3"]
    times = {"requestStartTime": f"{DAY} 09:00:00", "requestEndTime": f"{DAY} 11:00:00", "pageSize": "1"}
    assert [dict(call.request.url.params) for call in route.calls] == [
        {**times, "pageIndex": "0"},
        {**times, "nextToken": "token+/2="},
        {**times, "nextToken": "token-3"},
    ]
    for call in route.calls:
        check_signed(call.request)


async def test_s3_a_window_is_read_in_the_largest_pages_unless_told(client: SensClient, api: respx.MockRouter) -> None:
    """en:245 pageSize "default: 20, max: 100" for a time window: left out, the iteration
    would make five times the requests it needs."""
    second = {
        **LIST_PAGE,
        "pageIndex": 1,
        "hasMore": False,
        "messages": [{**LIST_PAGE["messages"][0], "messageId": "3"}],
    }
    route = api.get(f"{SERVICE}/messages").mock(
        side_effect=[httpx.Response(200, json=page) for page in (LIST_PAGE, second)]
    )
    window = MessageQuery(
        request_start_time=on_day(9),
        request_end_time=on_day(11),
    )
    found = [message.message_id async for message in client.iter_messages(window)]
    assert found == ["0-ESG-202611-1", "0-ESG-202611-2", "3"]
    times = {"requestStartTime": f"{DAY} 09:00:00", "requestEndTime": f"{DAY} 11:00:00"}
    assert [dict(call.request.url.params) for call in route.calls] == [
        {**times, "pageIndex": "0", "pageSize": "100"},
        {**times, "pageIndex": "1", "pageSize": "100"},
    ]
    for call in route.calls:
        check_signed(call.request)


async def test_s3_iteration_resumes_from_a_next_token_alone(client: SensClient, api: respx.MockRouter) -> None:
    last = {**LIST_PAGE, "hasMore": False}
    route = api.get(f"{SERVICE}/messages").respond(200, json=last)
    query = MessageQuery(request_id="RSSA-1", page_index=3, next_token="resume-here")
    found = [message.message_id async for message in client.iter_messages(query)]
    assert found == ["0-ESG-202611-1", "0-ESG-202611-2"]
    assert dict(route.calls.last.request.url.params) == {"requestId": "RSSA-1", "nextToken": "resume-here"}


def same_page_forever(page: dict[str, Any]) -> Any:
    """A server that ignores paging; fails the test if asked more than a few times."""
    calls = 0

    def answer(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        assert calls <= 5, "iter_messages kept asking a server that ignores paging"
        return httpx.Response(200, json=page)

    return answer


async def collect_ids(messages: AsyncIterator[MessageSummary], into: list[str]) -> None:
    """Append every message id to ``into``, so the ids before an error stay visible."""
    async for message in messages:
        into.append(message.message_id)


@pytest.mark.parametrize(
    ("page", "requests"),
    [
        pytest.param(LIST_PAGE, 2, id="the same page again"),
        pytest.param({**LIST_PAGE, "nextToken": "same"}, 2, id="the same page and token again"),
        pytest.param({**LIST_PAGE, "messages": [], "itemCount": 0}, 1, id="hasMore on an empty page"),
        pytest.param(
            {**LIST_PAGE, "messages": [], "itemCount": 0, "nextToken": "same"}, 2, id="an empty page, the same token"
        ),
    ],
)
async def test_s3_a_server_ignoring_paging_ends_the_iteration_with_a_typed_error(
    client: SensClient, api: respx.MockRouter, page: dict[str, Any], requests: int
) -> None:
    route = api.get(f"{SERVICE}/messages").mock(side_effect=same_page_forever(page))
    found: list[str] = []
    with pytest.raises(errors.MalformedResponseError) as caught:
        await collect_ids(client.iter_messages(MessageQuery(request_id="RSSA-1")), found)
    assert caught.value.provider == "sens"
    assert "ignores paging" in str(caught.value)
    assert route.call_count == requests
    assert found == [message["messageId"] for message in page["messages"]]


async def test_s3_a_server_ignoring_paging_is_caught_while_the_statuses_on_its_page_change(
    client: SensClient, api: respx.MockRouter
) -> None:
    """A send under way: each answer of the same first page has its messages a step further
    (``status``), so no page equals the one before, yet it is the same page: the messages it
    lists (``messageId``) say so."""
    steps = iter(["READY", "PROCESSING", "COMPLETED", "COMPLETED", "COMPLETED"])

    def first_page_a_step_on(request: httpx.Request) -> httpx.Response:
        status = next(steps, None)
        if status is None:  # the iteration did not see the repeat: end it rather than hang
            return httpx.Response(200, json={**LIST_PAGE, "hasMore": False, "messages": [], "itemCount": 0})
        messages = [{**message, "status": status} for message in LIST_PAGE["messages"]]
        return httpx.Response(200, json={**LIST_PAGE, "messages": messages})

    route = api.get(f"{SERVICE}/messages").mock(side_effect=first_page_a_step_on)
    found: list[str] = []
    with pytest.raises(errors.MalformedResponseError, match="page 1 repeats the page before it"):
        await collect_ids(client.iter_messages(MessageQuery(request_id="RSSA-1")), found)
    assert found == ["0-ESG-202611-1", "0-ESG-202611-2"]
    assert route.call_count == 2


async def test_s3_closing_the_message_iteration_closes_its_page_iteration_at_once(
    client: SensClient, api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Left early through ``aclosing``, ``iter_messages`` must close the page iteration it reads,
    not leave it suspended for the garbage collector's finalizer to close some time later."""
    api.get(f"{SERVICE}/messages").respond(200, json=LIST_PAGE)
    read_pages = client.iter_message_pages
    closed: list[str] = []

    async def pages(query: MessageQuery) -> AsyncIterator[Any]:
        try:
            async for page in read_pages(query):
                yield page
        finally:
            closed.append("pages")

    monkeypatch.setattr(client, "iter_message_pages", pages)
    async with aclosing(client.iter_messages(MessageQuery(request_id="RSSA-1"))) as messages:
        async for _ in messages:
            break
    assert closed == ["pages"]


async def test_s3_an_empty_page_handing_on_a_new_token_is_read_past(client: SensClient, api: respx.MockRouter) -> None:
    """Token paging may answer a page with no messages and a next token; the token is the
    progress, so the iteration goes on."""
    empty = {"statusCode": "202", "statusName": "success", "messages": [], "itemCount": 0}
    pages = [
        {**empty, "nextToken": "t-2", "hasMore": True},
        {**LIST_PAGE, "hasMore": False},
    ]
    route = api.get(f"{SERVICE}/messages").mock(side_effect=[httpx.Response(200, json=page) for page in pages])
    found = [message.message_id async for message in client.iter_messages(MessageQuery(request_id="RSSA-1"))]
    assert found == ["0-ESG-202611-1", "0-ESG-202611-2"]
    assert route.calls.last.request.url.params["nextToken"] == "t-2"


DETAIL = {
    "requestTime": "2026-11-25 10:00:00",
    "contentType": "COMM",
    "content": "본문",
    "countryCode": "82",
    "from": "0212345678",
    "to": "01012345678",
    "status": "COMPLETED",
    "statusCode": "0",
    "statusMessage": "성공",
    "statusName": "success",
    "completeTime": "2026-11-25 10:00:04",
    "telcoCode": "KT",
}


async def test_s4_get_message(client: SensClient, api: respx.MockRouter) -> None:
    route = api.get(f"{SERVICE}/messages/0-ESG-202611-1").respond(
        200,
        json={
            "statusCode": "200",
            "statusName": "success",
            "messages": [
                {
                    **DETAIL,
                    "statusCode": "3006",
                    "statusMessage": "기타",
                    "statusName": "fail",
                    "files": [{"name": "coupon.jpg", "fileId": "4fe2078b"}],
                }
            ],
        },
    )
    result = await client.get_message("0-ESG-202611-1")
    check_signed(route.calls.last.request)
    (detail,) = result.messages
    assert (detail.status_code, detail.status_name, detail.files[0].file_id) == ("3006", "fail", "4fe2078b")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # en:423-424 / ko:432-433: files.name and files.fileId are both Optional;
        # the older document (ja:269-272, 297) answers files as [{"name"}] only.
        pytest.param({"files": [{"name": "coupon.jpg"}]}, [("coupon.jpg", None)], id="older ja name only"),
        pytest.param({"files": [{"fileId": "4fe2078b"}]}, [(None, "4fe2078b")], id="fileId only"),
        pytest.param(
            {"files": [{"name": "a.jpg", "fileId": "f-1"}, {}]}, [("a.jpg", "f-1"), (None, None)], id="full and empty"
        ),
        pytest.param({"files": None}, [], id="files null"),
        pytest.param({}, [], id="files absent"),
    ],
)
async def test_s4_files_take_every_documented_shape(
    client: SensClient, api: respx.MockRouter, files: dict[str, Any], expected: list[tuple[str | None, str | None]]
) -> None:
    api.get(f"{SERVICE}/messages/m").respond(
        200, json={"statusCode": "200", "statusName": "success", "messages": [{**DETAIL, **files}]}
    )
    (detail,) = (await client.get_message("m")).messages
    assert [(file.name, file.file_id) for file in detail.files] == expected
    assert (detail.status_code, detail.telco_code) == ("0", "KT")


async def test_s5_reservation_status(client: SensClient, api: respx.MockRouter) -> None:
    route = api.get(f"{SERVICE}/reservations/RSSA-9/reserve-status").respond(
        200,
        json={
            "reserveId": "RSSA-9",
            "reserveTimeZone": "Asia/Seoul",
            "reserveTime": "2019-07-25 17:09",
            "reserveStatus": "READY",
        },
    )
    reservation = await client.reservation_status("RSSA-9")
    check_signed(route.calls.last.request)
    assert reservation.reserve_status is ReserveStatus.READY
    assert reservation.reserve_time == datetime(2019, 7, 25, 17, 9, tzinfo=SEOUL)


def test_s5_a_reservation_time_with_a_java_fraction_reads_on_every_python() -> None:
    # Java writes 1 to 9 fraction digits; Python 3.10's fromisoformat reads only 3 or 6.
    reservation = converter.structure(
        {
            "reserveId": "RSSA-9",
            "reserveTimeZone": "Asia/Tokyo",
            "reserveTime": "2019-07-25 17:09:00.1234",
            "reserveStatus": "READY",
        },
        Reservation,
    )
    assert reservation.reserve_time == datetime(2019, 7, 25, 17, 9, 0, 123400, tzinfo=ZoneInfo("Asia/Tokyo"))


async def test_s6_cancel_reservation(client: SensClient, api: respx.MockRouter) -> None:
    route = api.delete(f"{SERVICE}/reservations/RSSA-9").respond(204)
    assert await client.cancel_reservation("RSSA-9") is None
    sent = route.calls.last.request
    check_signed(sent)
    assert sent.method == "DELETE"
    assert sent.content == b""


async def test_s7_cancel_scheduled_message(client: SensClient, api: respx.MockRouter) -> None:
    # ja:410, 418-433: DELETE .../schedules/{scheduleCode}/messages/{messageId}, no body.
    route = api.delete(f"{SERVICE}/schedules/monthly-1/messages/0-ESG-1").respond(204)
    assert await client.cancel_scheduled_message("monthly-1", "0-ESG-1") is None
    sent = route.calls.last.request
    check_signed(sent)
    assert sent.method == "DELETE"
    assert sent.url.raw_path.decode() == f"{SERVICE}/schedules/monthly-1/messages/0-ESG-1"
    assert sent.content == b""


UNSUBSCRIBES = [
    {"clientTelNo": "01012345678", "registerTime": "2026-11-25T10:00:00", "registerType": "M"},
    {"clientTelNo": "01087654321", "registerTime": "2026-11-25T10:01:00", "registerType": "C"},
]


async def test_s8_list_unsubscribes(client: SensClient, api: respx.MockRouter) -> None:
    # en:563-571 / ko:554-558 / ja:468-475: clientTelNo, pageSize, pageIndex, and startTime and
    # endTime typed Integer (the unit is not stated; these are epoch milliseconds of
    # 2026-11-25 00:00:00.000 and 23:59:59.999 in Seoul), written as plain decimal digits.
    route = api.get(f"{SERVICE}/unsubscribes").respond(200, json=UNSUBSCRIBES)
    query = UnsubscribeQuery(
        client_tel_no="010-1234-5678", page_size=50, page_index=2, start_time=1795532400000, end_time=1795618799999
    )
    entries = await client.list_unsubscribes(query)
    sent = route.calls.last.request
    check_signed(sent)
    assert dict(sent.url.params) == {
        "clientTelNo": "01012345678",  # the form SENS stores and add_unsubscribes sends
        "pageSize": "50",
        "pageIndex": "2",
        "startTime": "1795532400000",
        "endTime": "1795618799999",
    }
    assert [(entry.client_tel_no, entry.register_type) for entry in entries] == [
        ("01012345678", "M"),
        ("01087654321", "C"),
    ]
    assert entries[0].register_time == datetime(2026, 11, 25, 10, 0, tzinfo=SEOUL)


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("2026-11-25T10:00:00.1", datetime(2026, 11, 25, 10, 0, 0, 100000, tzinfo=SEOUL)),
        ("2026-11-25T10:00:00.12", datetime(2026, 11, 25, 10, 0, 0, 120000, tzinfo=SEOUL)),
        ("2026-11-25T10:00:00.123456789", datetime(2026, 11, 25, 10, 0, 0, 123456, tzinfo=SEOUL)),
        ("2026-11-25 10:00:00.5", datetime(2026, 11, 25, 10, 0, 0, 500000, tzinfo=SEOUL)),
    ],
)
async def test_s8_register_times_with_any_fraction_are_read(
    written: str, read: datetime, client: SensClient, api: respx.MockRouter
) -> None:
    """``registerTime`` is a Java LocalDateTime, written with 1 to 9 fraction digits; Python
    3.10's ``fromisoformat`` alone reads only 3 or 6."""
    api.get(f"{SERVICE}/unsubscribes").respond(
        200, json=[{"clientTelNo": "01012345678", "registerTime": written, "registerType": "M"}]
    )
    (entry,) = await client.list_unsubscribes()
    assert entry.register_time == read


async def test_s8_iterates_until_a_short_page(client: SensClient, api: respx.MockRouter) -> None:
    route = api.get(f"{SERVICE}/unsubscribes").mock(
        side_effect=[httpx.Response(200, json=UNSUBSCRIBES), httpx.Response(200, json=UNSUBSCRIBES[:1])]
    )
    found = [entry.client_tel_no async for entry in client.iter_unsubscribes(UnsubscribeQuery(page_size=2))]
    assert len(found) == 3
    assert [call.request.url.params["pageIndex"] for call in route.calls] == ["0", "1"]


async def test_s8_a_server_repeating_a_full_page_is_malformed_not_paged_forever(
    client: SensClient, api: respx.MockRouter
) -> None:
    route = api.get(f"{SERVICE}/unsubscribes").respond(200, json=UNSUBSCRIBES)
    found: list[str] = []

    async def read_every_page() -> None:
        async for entry in client.iter_unsubscribes(UnsubscribeQuery(page_size=2)):
            found.append(entry.client_tel_no)

    with pytest.raises(errors.MalformedResponseError, match="page 1 repeats the page before it"):
        await read_every_page()
    assert len(found) == 2
    assert [call.request.url.params["pageIndex"] for call in route.calls] == ["0", "1"]


async def test_s9_add_unsubscribes_in_chunks_of_1000(client: SensClient, api: respx.MockRouter) -> None:
    route = api.post(f"{SERVICE}/unsubscribes").mock(
        side_effect=lambda request: httpx.Response(
            200,
            json=[
                {"clientTelNo": item["clientTelNo"], "registerTime": "2026-11-25T10:00:00", "registerType": "M"}
                for item in json.loads(request.content)
            ],
        )
    )
    numbers = [f"010{index:08d}" for index in range(1500)]
    numbers[0] = "010-0000-0000"
    added = await client.add_unsubscribes(numbers)
    assert len(added) == 1500
    bodies = [body_of(call.request) for call in route.calls]
    assert [len(body) for body in bodies] == [1000, 500]
    assert bodies[0][0] == {"clientTelNo": "01000000000"}
    check_signed(route.calls.last.request)


async def test_s10_delete_unsubscribes_carries_a_json_body(client: SensClient, api: respx.MockRouter) -> None:
    route = api.delete(f"{SERVICE}/unsubscribes").respond(204)
    await client.delete_unsubscribes(["01012345678", "01087654321"])
    sent = route.calls.last.request
    check_signed(sent)
    assert body_of(sent) == [{"clientTelNo": "01012345678"}, {"clientTelNo": "01087654321"}]


ODD_SERVICE_ID = "ncp:sms:kr:123456789012:my svc/1"
"""A service id whose name part a path segment cannot carry as it is; the ``:`` of
``ncp:sms:kr:...`` stays as it is."""
ODD_SERVICE = "/sms/v2/services/ncp:sms:kr:123456789012:my%20svc%2F1"
ODD_ID = "0-ESG/2026 11?#%예"
"""A message or reservation id with a slash, a space, ``?``, ``#``, ``%`` and a non-ASCII letter."""
ODD_ID_PATH = "0-ESG%2F2026%2011%3F%23%25%EC%98%88"
ODD_SCHEDULE = "월간 1/2"
ODD_SCHEDULE_PATH = "%EC%9B%94%EA%B0%84%201%2F2"
ACCEPTED = {"requestId": "R", "requestTime": "2026-01-01T00:00:00.000", "statusCode": "202", "statusName": "s"}
RESERVATION = {
    "reserveId": "R",
    "reserveTimeZone": "Asia/Seoul",
    "reserveTime": "2026-01-01 09:00",
    "reserveStatus": "READY",
}
SMS = SendRequest(type=MessageType.SMS, from_="0212345678", content="x", messages=(SendMessage(to="01012345678"),))
SensCall = Callable[[SensClient], Awaitable[object]]


@pytest.mark.parametrize(
    ("call", "method", "target", "answer"),
    [
        pytest.param(lambda sens: sens.send(SMS), "POST", "/messages", {"status_code": 202, "json": ACCEPTED}, id="S1"),
        pytest.param(
            lambda sens: sens.upload_file("coupon.jpg", JPEG),
            "POST",
            "/files",
            {
                "status_code": 200,
                "json": {"fileId": "f", "createTime": "2026-01-01 00:00:00", "expireTime": "2026-01-07 00:00:00"},
            },
            id="S2",
        ),
        pytest.param(
            lambda sens: sens.list_messages(MessageQuery(request_id="R-1")),
            "GET",
            "/messages?requestId=R-1",
            {"status_code": 200, "json": LIST_PAGE},
            id="S3",
        ),
        pytest.param(
            lambda sens: sens.get_message(ODD_ID),
            "GET",
            f"/messages/{ODD_ID_PATH}",
            {"status_code": 200, "json": {"statusCode": "200", "statusName": "success", "messages": [DETAIL]}},
            id="S4",
        ),
        pytest.param(
            lambda sens: sens.reservation_status(ODD_ID),
            "GET",
            f"/reservations/{ODD_ID_PATH}/reserve-status",
            {"status_code": 200, "json": RESERVATION},
            id="S5",
        ),
        pytest.param(
            lambda sens: sens.cancel_reservation(ODD_ID),
            "DELETE",
            f"/reservations/{ODD_ID_PATH}",
            {"status_code": 204},
            id="S6",
        ),
        pytest.param(
            lambda sens: sens.cancel_scheduled_message(ODD_SCHEDULE, ODD_ID),
            "DELETE",
            f"/schedules/{ODD_SCHEDULE_PATH}/messages/{ODD_ID_PATH}",
            {"status_code": 204},
            id="S7",
        ),
        pytest.param(
            lambda sens: sens.list_unsubscribes(), "GET", "/unsubscribes", {"status_code": 200, "json": []}, id="S8"
        ),
        pytest.param(
            lambda sens: sens.add_unsubscribes(["01012345678"]),
            "POST",
            "/unsubscribes",
            {"status_code": 200, "json": UNSUBSCRIBES[:1]},
            id="S9",
        ),
        pytest.param(
            lambda sens: sens.delete_unsubscribes(["01012345678"]),
            "DELETE",
            "/unsubscribes",
            {"status_code": 204},
            id="S10",
        ),
    ],
)
async def test_every_path_segment_goes_out_percent_encoded(
    call: SensCall, method: str, target: str, answer: dict[str, Any]
) -> None:
    # respx matches decoded paths, so the route takes any request and the raw target is
    # asserted: the service id and each {messageId}/{reserveId}/{scheduleCode} stay one
    # segment, with "/", " ", "?", "#", "%" and UTF-8 bytes percent-encoded.
    with respx.mock(base_url=HOST, assert_all_called=True) as router:
        route = router.route().respond(**answer)
        async with SensClient(access_key=ACCESS_KEY, secret_key=SECRET_KEY, service_id=ODD_SERVICE_ID) as sens:
            await call(sens)
    sent = route.calls.last.request
    assert sent.method == method
    assert sent.url.raw_path.decode("ascii") == ODD_SERVICE + target
    check_signed(sent)
    # As the document writes each request (en:41, 152, 550, 617, 683; ko:72, 174, 543, 597, 651):
    # the bodies are UTF-8 (Hangul content, Korean file names), and the charset says so.
    assert sent.headers["content-type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize("blank", ["", " ", ".", ".."])
@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda sens, blank: sens.get_message(blank), "message_id"),
        (lambda sens, blank: sens.reservation_status(blank), "reserve_id"),
        (lambda sens, blank: sens.cancel_reservation(blank), "reserve_id"),
        (lambda sens, blank: sens.cancel_scheduled_message(blank, "M1"), "schedule_code"),
        (lambda sens, blank: sens.cancel_scheduled_message("S1", blank), "message_id"),
    ],
)
async def test_an_id_that_would_name_another_path_is_refused_before_any_request(
    call: Callable[[SensClient, str], Awaitable[object]], field: str, blank: str
) -> None:
    """An empty id leaves ``/messages/``, and httpx resolves ``..`` to the parent path: both
    would reach another endpoint than the one called."""
    with respx.mock(base_url=HOST, assert_all_called=False) as router:
        route = router.route().respond(500)
        async with SensClient(access_key=ACCESS_KEY, secret_key=SECRET_KEY, service_id=ODD_SERVICE_ID) as sens:
            with pytest.raises(errors.ValidationError) as caught:
                await call(sens, blank)
    assert (caught.value.field, caught.value.value) == (field, blank)
    assert route.call_count == 0


@pytest.mark.parametrize(
    ("status", "body", "error_class", "code", "shown"),
    [
        (
            400,
            {"statusCode": "400", "statusName": "fail", "errorMessage": "from: not registered"},
            errors.BadRequestError,
            "400",
            "from: not registered (GET {path}, HTTP 400, code 400)",
        ),
        (
            401,
            {"error": {"errorCode": "200", "message": "Authentication Failed", "details": "Invalid key"}},
            errors.AuthenticationError,
            "200",
            "Authentication Failed: Invalid key (GET {path}, HTTP 401, code 200)",
        ),
        (
            404,
            {"error": {"errorCode": "300", "message": "Not Found", "details": "x"}},
            errors.NotFoundError,
            "300",
            "Not Found: x (GET {path}, HTTP 404, code 300)",
        ),
        (
            429,
            {"error": {"errorCode": "400", "message": "Too Many Requests"}},
            errors.RateLimitedError,
            "400",
            "Too Many Requests (GET {path}, HTTP 429, code 400)",
        ),
        (500, "<html>oops</html>", errors.ServerError, None, "HTTP 500: <html>oops</html> (GET {path}, HTTP 500)"),
    ],
    ids=["400", "401", "404", "429", "500"],
)
async def test_failures_become_typed_errors(
    status: int, body: Any, error_class: type[errors.ProviderError], code: str | None, shown: str
) -> None:
    with respx.mock(base_url=HOST) as router:
        if isinstance(body, str):
            router.get(f"{SERVICE}/messages/m").respond(status, text=body)
        else:
            router.get(f"{SERVICE}/messages/m").respond(status, json=body)
        sens = SensClient(access_key=ACCESS_KEY, secret_key=SECRET_KEY, service_id=SERVICE_ID, retry=NO_RETRIES)
        with pytest.raises(error_class) as caught:
            await sens.get_message("m")
        await sens.aclose()
    assert caught.value.code == code
    assert caught.value.status_code == status
    assert caught.value.provider == "sens"
    assert (caught.value.method, caught.value.path) == ("GET", f"{SERVICE}/messages/m")
    assert str(caught.value) == "sens: " + shown.format(path=f"{SERVICE}/messages/m")
    assert ACCESS_KEY not in str(caught.value)


def test_repr_hides_the_keys() -> None:
    sens = SensClient(access_key=ACCESS_KEY, secret_key=SECRET_KEY, service_id=SERVICE_ID)
    assert ACCESS_KEY not in repr(sens)
    assert SECRET_KEY not in repr(sens)


async def test_s1_inline_file_of_the_older_document(client: SensClient, api: respx.MockRouter) -> None:
    route = api.post(f"{SERVICE}/messages").respond(
        202, json={"requestId": "R", "requestTime": "2026-01-01T00:00:00.000", "statusCode": "202", "statusName": "s"}
    )
    await client.send(
        SendRequest(
            type=MessageType.MMS,
            from_="0212345678",
            content="쿠폰",
            messages=(SendMessage(to="01000000001"),),
            files=(FileReference.inline("coupon.jpg", JPEG),),
            schedule_code="weekly",
        )
    )
    # ja:54-77, 98-112: files as name + Base64 body, and scheduleCode.
    assert body_of(route.calls.last.request) == {
        "type": "MMS",
        "from": "0212345678",
        "content": "쿠폰",
        "messages": [{"to": "01000000001"}],
        "files": [{"name": "coupon.jpg", "body": base64.b64encode(JPEG).decode()}],
        "scheduleCode": "weekly",
    }


@pytest.mark.parametrize("name", ["my coupon.jpg", "my\tcoupon.jpg", "coupon.png"])
def test_inline_files_are_checked_before_sending(name: str) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        FileReference.inline(name, JPEG)
    assert caught.value.field == "file_name"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (MessageQuery(), "request_id"),
        (MessageQuery(request_start_time=datetime(2026, 1, 1, tzinfo=SEOUL)), "request_end_time"),
        (
            MessageQuery(
                request_start_time=datetime(2026, 1, 1, tzinfo=SEOUL),
                request_end_time=datetime(2026, 2, 15, tzinfo=SEOUL),
            ),
            "request_end_time",
        ),
        (
            MessageQuery(
                complete_start_time=datetime(2026, 1, 1, tzinfo=SEOUL),
                complete_end_time=datetime(2026, 1, 2, 1, tzinfo=SEOUL),
            ),
            "complete_end_time",
        ),
        (
            MessageQuery(
                request_start_time=datetime(2026, 1, 1, tzinfo=SEOUL),
                request_end_time=datetime(2026, 1, 2, tzinfo=SEOUL),
                complete_start_time=datetime(2026, 1, 1, tzinfo=SEOUL),
                complete_end_time=datetime(2026, 1, 1, 1, tzinfo=SEOUL),
            ),
            "complete_start_time",
        ),
        (MessageQuery(request_id="R", page_size=1001), "page_size"),
        (MessageQuery(request_start_time=on_day(0), request_end_time=on_day(12), page_size=101), "page_size"),
        # en:244, 318: pages count from 0.
        (MessageQuery(request_id="R", page_index=-1), "page_index"),
        # en:240-241: from and to are numbers without hyphens; another form matches nothing.
        (MessageQuery(request_id="R", to="010-1234-5678"), "to"),
        (MessageQuery(request_id="R", from_="02-1234-5678"), "from_"),
        (MessageQuery(request_id="R", to="+821012345678"), "to"),
        # A window that ends before it starts holds nothing to list.
        (
            MessageQuery(
                request_start_time=datetime(2026, 1, 2, tzinfo=SEOUL),
                request_end_time=datetime(2026, 1, 1, tzinfo=SEOUL),
            ),
            "request_end_time",
        ),
        (
            MessageQuery(
                complete_start_time=datetime(2026, 1, 1, 9, 0, 1), complete_end_time=datetime(2026, 1, 1, 9, 0, 0)
            ),
            "complete_end_time",
        ),
        # en:236: countryCode as the answers list it (82), a calling code of 1 to 3 digits.
        (MessageQuery(request_id="R", country_code="+82"), "country_code"),
        (MessageQuery(request_id="R", country_code="082"), "country_code"),
        # en:237-242 / ko:251-254: status and statusName take the values their tables list.
        (MessageQuery(request_id="R", status="DONE"), "status"),
        (MessageQuery(request_id="R", status="ready"), "status"),
        (MessageQuery(request_id="R", status_name="DELIVERED"), "status_name"),
        (MessageQuery(request_id="R", status_name="success"), "status_name"),
    ],
)
async def test_s3_queries_sens_would_refuse_are_refused_first(query: MessageQuery, field: str) -> None:
    with respx.mock(assert_all_mocked=True) as router:
        async with SensClient(access_key=ACCESS_KEY, secret_key=SECRET_KEY, service_id=SERVICE_ID) as sens:
            with pytest.raises(errors.ValidationError) as caught:
                await sens.list_messages(query)
        assert not router.calls
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("query", "field", "limit", "value", "hint"),
    [
        # en:228-231 / ko:243-246: the times are written yyyy-MM-dd HH:mm:ss; the model takes datetimes.
        (
            MessageQuery(request_start_time="2026-01-01 09:00:00", request_end_time=datetime(2026, 1, 1, 10)),
            "request_start_time",
            "a datetime",
            "'2026-01-01 09:00:00'",
            "(parse it: datetime.strptime(text, '%Y-%m-%d %H:%M:%S'))",
        ),
        (
            MessageQuery(complete_start_time=datetime(2026, 1, 1, 9), complete_end_time="2026-01-01 10:00:00"),
            "complete_end_time",
            "a datetime",
            "'2026-01-01 10:00:00'",
            "(parse it: datetime.strptime(text, '%Y-%m-%d %H:%M:%S'))",
        ),
        # en:233-234 / ko:248-249: the type and content type filters are the model's members.
        (MessageQuery(request_id="R", type="sms"), "type", "a MessageType", "'sms'", "(use MessageType.SMS)"),
        (
            MessageQuery(request_id="R", content_type="AD"),
            "content_type",
            "a ContentType",
            "'AD'",
            "(use ContentType.AD)",
        ),
        # en:244-245: pageIndex and pageSize are Integers.
        (MessageQuery(request_id="R", page_size="20"), "page_size", "a whole number", "'20'", ""),
        (MessageQuery(request_id="R", page_index=1.0), "page_index", "a whole number", "1.0", ""),
    ],
    ids=[
        "start as text",
        "end as text",
        "type as text",
        "content_type as text",
        "page_size as text",
        "page_index float",
    ],
)
async def test_s3_a_query_field_of_another_type_is_refused_by_name(
    query: MessageQuery, field: str, limit: str, value: str, hint: str
) -> None:
    error = await refused_before_any_request(query)
    assert (error.field, error.limit, error.value) == (field, limit, value)
    assert str(error).endswith(hint)


async def test_a_send_drops_its_typed_request_before_the_network_wait(
    client: SensClient, api: respx.MockRouter
) -> None:
    api.post(f"{SERVICE}/messages").respond(
        202,
        json={
            "requestId": "R-1",
            "requestTime": "2019-07-25T17:05:12.345",
            "statusCode": "202",
            "statusName": "success",
        },
    )
    request = SendRequest(
        type=MessageType.SMS, from_="0212345678", content="x", messages=(SendMessage(to="01012345678"),)
    )
    alive = weakref.ref(request)
    pending = client.send(request)
    del request
    assert alive() is None, "the recipient models must not live through the request"
    assert (await pending).request_id == "R-1"


async def refused_before_any_request(query: MessageQuery) -> errors.ValidationError:
    """The ValidationError ``list_messages(query)`` raises, no request having left."""
    with respx.mock(base_url=HOST, assert_all_called=False) as router:
        route = router.get(f"{SERVICE}/messages").respond(200, json=LIST_PAGE)
        async with SensClient(access_key=ACCESS_KEY, secret_key=SECRET_KEY, service_id=SERVICE_ID) as sens:
            with pytest.raises(errors.ValidationError) as caught:
                await sens.list_messages(query)
    assert not route.called
    return caught.value


@pytest.mark.parametrize("window", ["request", "complete"])
@pytest.mark.parametrize("naive", [True, False])
async def test_s3_a_window_that_ended_over_90_days_ago_is_refused_first(window: str, naive: bool) -> None:
    # en:248 / ko:260: "can only be viewed within the last 90 days"; SENS holds nothing older.
    end = datetime.now(SEOUL) - timedelta(days=91)
    start = end - timedelta(hours=1)
    if naive:
        start, end = start.replace(tzinfo=None), end.replace(tzinfo=None)
    query = MessageQuery(**{f"{window}_start_time": start, f"{window}_end_time": end})
    error = await refused_before_any_request(query)
    assert (error.field, error.limit) == (f"{window}_end_time", "within the last 90 days")
    assert error.value == end.isoformat()
    assert "SENS keeps 90 days of history" in str(error)


async def test_s3_a_window_reaching_into_the_last_90_days_goes_out(client: SensClient, api: respx.MockRouter) -> None:
    route = api.get(f"{SERVICE}/messages").respond(200, json=LIST_PAGE)
    end = datetime.now(SEOUL) - timedelta(days=89)
    await client.list_messages(MessageQuery(request_start_time=end - timedelta(days=2), request_end_time=end))
    assert route.called


def test_s3_the_90_days_end_at_the_oldest_moment_sens_keeps() -> None:
    now = datetime(2026, 11, 26, 12, tzinfo=timezone.utc)
    oldest = now - timedelta(days=90)  # 2026-08-28 21:00:00 in Seoul
    check_message_query(MessageQuery(complete_start_time=oldest, complete_end_time=oldest), now=now)
    naive_oldest = datetime(2026, 8, 28, 21)  # Seoul time
    check_message_query(MessageQuery(request_start_time=naive_oldest, request_end_time=naive_oldest), now=now)
    a_second_earlier = naive_oldest - timedelta(seconds=1)
    with pytest.raises(errors.ValidationError) as caught:
        check_message_query(
            MessageQuery(request_start_time=a_second_earlier, request_end_time=a_second_earlier), now=now
        )
    assert str(caught.value).startswith(
        "request_end_time: 2026-08-28 20:59:59 (Seoul) is more than 90 days ago: SENS keeps 90 days of history "
        "(the oldest now 2026-08-28 21:00:00)"
    )


def test_s3_a_window_ending_before_it_starts_names_both_ends() -> None:
    start, end = datetime(2026, 1, 1, 10, tzinfo=SEOUL), datetime(2026, 1, 1, 9, tzinfo=SEOUL)
    with pytest.raises(errors.ValidationError) as caught:
        check_message_query(MessageQuery(request_start_time=start, request_end_time=end))
    assert (caught.value.field, caught.value.limit) == ("request_end_time", "not before request_start_time")
    assert caught.value.value == "2026-01-01T10:00:00+09:00 to 2026-01-01T09:00:00+09:00"
    one_moment = MessageQuery(request_start_time=start, request_end_time=start)
    check_message_query(one_moment, now=start + timedelta(days=1))


@pytest.mark.parametrize("window", ["request", "complete"])
@pytest.mark.parametrize("missing", ["start", "end"])
def test_s3_half_a_window_names_the_end_that_is_missing(window: str, missing: str) -> None:
    """en:249 / ko:261: requestStartTime + requestEndTime, or completeStartTime + completeEndTime."""
    given = "end" if missing == "start" else "start"
    moment = datetime(2026, 1, 1, 9, tzinfo=SEOUL)
    with pytest.raises(errors.ValidationError) as caught:
        check_message_query(MessageQuery(**{f"{window}_{given}_time": moment}))
    assert (caught.value.field, caught.value.limit) == (f"{window}_{missing}_time", "start and end")
    assert f"only {window}_{given}_time is given" in str(caught.value)


def test_s3_a_status_filter_refusal_names_the_documented_values() -> None:
    with pytest.raises(errors.ValidationError) as caught:
        check_message_query(MessageQuery(request_id="R", status_name="DELIVERED"))
    assert (caught.value.field, caught.value.limit, caught.value.value) == ("status_name", "SUCCESS, FAIL", "DELIVERED")
    assert "'DELIVERED' is not one of SENS's values (SUCCESS, FAIL)" in str(caught.value)
    for status in ("READY", "PROCESSING", "COMPLETED"):
        for status_name in ("SUCCESS", "FAIL"):
            check_message_query(MessageQuery(request_id="R", status=status, status_name=status_name))


@pytest.mark.parametrize("window", ["request", "complete"])
@pytest.mark.parametrize("naive_end", [True, False])
async def test_s3_a_window_mixing_naive_and_aware_times_is_refused_first(window: str, naive_end: bool) -> None:
    aware = datetime(2026, 1, 1, 9, tzinfo=SEOUL)
    naive = datetime(2026, 1, 1, 10)
    start, end = (aware, naive) if naive_end else (naive.replace(hour=8), aware)
    query = MessageQuery(**{f"{window}_start_time": start, f"{window}_end_time": end})
    error = await refused_before_any_request(query)
    assert error.field == f"{window}_end_time"
    assert error.limit == "start and end both naive or both aware"
    assert error.value == f"{start.isoformat()} to {end.isoformat()}"
    assert "naive" in str(error)


NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("start", "end", "refused"),
    [
        # Clocks go back an hour on 2024-11-03: midnight to midnight is 25 real hours.
        (datetime(2024, 11, 3, tzinfo=NEW_YORK), datetime(2024, 11, 4, tzinfo=NEW_YORK), True),
        # And forward on 2024-03-10: midnight to 00:30 the next day is 23.5 real hours.
        (datetime(2024, 3, 10, tzinfo=NEW_YORK), datetime(2024, 3, 11, 0, 30, tzinfo=NEW_YORK), False),
    ],
)
def test_s3_a_window_across_a_clock_change_is_measured_in_real_time(
    start: datetime, end: datetime, refused: bool
) -> None:
    query = MessageQuery(complete_start_time=start, complete_end_time=end)
    looked_up_at = end + timedelta(days=1)  # the clock change inside SENS's 90 days of history
    if refused:
        with pytest.raises(errors.ValidationError, match="longer than 1 day"):
            check_message_query(query, now=looked_up_at)
    else:
        check_message_query(query, now=looked_up_at)


@pytest.mark.parametrize(("window", "widest"), [("request", timedelta(days=30)), ("complete", timedelta(hours=24))])
async def test_s3_the_widest_window_made_of_two_clock_readings_goes_out(
    window: str, widest: timedelta, client: SensClient, api: respx.MockRouter
) -> None:
    """en:251-252 / ko:263-264: at most 30 days (24 hours), measured on the times as SENS gets
    them, to the second (yyyy-MM-dd HH:mm:ss). The end read from the clock a few microseconds
    after the start is the same second, so the window is the widest, not wider."""
    route = api.get(f"{SERVICE}/messages").respond(200, json=LIST_PAGE)
    end = datetime.now(SEOUL).replace(microsecond=500_007)
    start = end.replace(microsecond=500_000) - widest
    await client.list_messages(MessageQuery(**{f"{window}_start_time": start, f"{window}_end_time": end}))
    sent = route.calls.last.request.url.params
    assert sent[f"{window}EndTime"] == end.strftime("%Y-%m-%d %H:%M:%S")
    assert sent[f"{window}StartTime"] == start.strftime("%Y-%m-%d %H:%M:%S")


def test_s3_a_window_a_second_wider_than_sens_takes_is_refused_naming_the_span_sent() -> None:
    start = datetime(2026, 1, 1, 9, 0, 0, 999_999, tzinfo=SEOUL)
    end = datetime(2026, 1, 31, 9, 0, 1, tzinfo=SEOUL)
    with pytest.raises(errors.ValidationError) as caught:
        check_message_query(MessageQuery(request_start_time=start, request_end_time=end), now=end)
    assert (caught.value.field, caught.value.limit, caught.value.value) == (
        "request_end_time",
        "30 days, 0:00:00",
        "30 days, 0:00:01",
    )


@pytest.mark.parametrize("count", [0, 101])
async def test_s1_refuses_a_send_without_1_to_100_messages(count: int) -> None:
    request = SendRequest(
        type=MessageType.SMS,
        from_="0212345678",
        content="x",
        messages=tuple(SendMessage(to=f"010{position:08d}") for position in range(count)),
    )
    with respx.mock(assert_all_mocked=True) as router:
        async with SensClient(access_key=ACCESS_KEY, secret_key=SECRET_KEY, service_id=SERVICE_ID) as sens:
            with pytest.raises(errors.ValidationError) as caught:
                await sens.send(request)
        assert not router.calls
    assert (caught.value.field, caught.value.value) == ("messages", count)


SEND_ANSWER = {"requestId": "R", "requestTime": "2026-01-01T00:00:00.000", "statusCode": "202", "statusName": "s"}
OPT_OUT = "\n[무료 수신거부]0801234567"


def text_of(size: int, *, advertisement: bool = False) -> str:
    """A text of exactly ``size`` EUC-KR bytes, with the notice an advertisement needs."""
    head, tail = ("(광고)", OPT_OUT) if advertisement else ("", "")
    return head + "a" * (size - len((head + tail).encode("euc_kr"))) + tail


def at_limits(kind: MessageType, *, advertisement: bool = False) -> SendRequest:
    """An S1 request with every field its table limits at that limit."""
    size = 90 if kind is MessageType.SMS else 2000
    long = kind is not MessageType.SMS
    return SendRequest(
        type=kind,
        content_type=ContentType.AD if advertisement else None,
        from_="0212345678",
        content=text_of(size, advertisement=advertisement),
        subject="가" * 20 if long else None,
        messages=(
            SendMessage(
                to="0" + "2" * 19,
                content=text_of(size, advertisement=advertisement),
                subject="나" * 20 if long else None,
            ),
        ),
        files=(FileReference(file_id="F1"),) if kind is MessageType.MMS else None,
        # SENS documents no limit ahead.
        reserve_time=datetime.now(SEOUL) + timedelta(days=365),
    )


def with_message(request: SendRequest, **changes: Any) -> SendRequest:
    return attrs.evolve(request, messages=(attrs.evolve(request.messages[0], **changes),))


SENDS = {
    "send": lambda client, request: client.send(request),
    "send_body": lambda client, request: client.send_body(converter.unstructure(request)),
}
KINDS = {"SMS": (MessageType.SMS, False), "LMS": (MessageType.LMS, False), "MMS ad": (MessageType.MMS, True)}
PAST = (datetime.now(SEOUL) - timedelta(minutes=1)).replace(second=0, microsecond=0)
"""On a minute: ``send_body`` reads back the minute ``send`` would write."""

SendCase = Callable[[MessageType, bool, SendRequest], tuple[SendRequest, str, str, object]]
REFUSED_SENDS: dict[str, SendCase] = {
    "content a byte over": lambda kind, ad, r: (
        attrs.evolve(r, content=text_of(len(r.content.encode("euc_kr")) + 1, advertisement=ad)),
        "content",
        f"{len(r.content.encode('euc_kr'))} bytes",
        len(r.content.encode("euc_kr")) + 1,
    ),
    "content with an emoji": lambda kind, ad, r: (
        attrs.evolve(r, content=text_of(40, advertisement=ad).replace("a", "😀", 1)),
        "content",
        "EUC-KR characters only",
        "😀",
    ),
    "own content with a syllable only CP949 has": lambda kind, ad, r: (
        with_message(r, content=text_of(40, advertisement=ad).replace("a", "햏", 1)),
        "messages[0].content",
        "EUC-KR characters only",
        "햏",
    ),
    "own content a byte over": lambda kind, ad, r: (
        with_message(r, content=text_of(len(r.content.encode("euc_kr")) + 1, advertisement=ad)),
        "messages[0].content",
        f"{len(r.content.encode('euc_kr'))} bytes",
        len(r.content.encode("euc_kr")) + 1,
    ),
    "subject a byte over, or on an SMS": lambda kind, ad, r: (
        (attrs.evolve(r, subject="제목"), "subject", "no subject", "제목")
        if kind is MessageType.SMS
        else (attrs.evolve(r, subject="가" * 20 + "a"), "subject", "40 bytes", 41)
    ),
    "own subject a byte over, or on an SMS": lambda kind, ad, r: (
        (with_message(r, subject="제목"), "messages[0].subject", "no subject", "제목")
        if kind is MessageType.SMS
        else (with_message(r, subject="나" * 20 + "😀"), "messages[0].subject", "EUC-KR characters only", "😀")
    ),
    "to with hyphens": lambda kind, ad, r: (
        with_message(r, to="010-1234-5678"),
        "messages[0].to",
        "digits",
        "010******5678",
    ),
    "to of 21 digits": lambda kind, ad, r: (
        with_message(r, to="0" + "2" * 20),
        "messages[0].to",
        "8-20 digits",
        "022**************2222",
    ),
    "from with hyphens": lambda kind, ad, r: (
        attrs.evolve(r, from_="02-1234-5678"),
        "from_",
        "digits",
        "02-*****5678",
    ),
    "countryCode of 4 digits": lambda kind, ad, r: (
        attrs.evolve(r, country_code="8200"),
        "country_code",
        "1-3 digits",
        "8200",
    ),
    "reserveTime in the past": lambda kind, ad, r: (
        attrs.evolve(r, reserve_time=PAST),
        "reserve_time",
        "in the future",
        PAST.isoformat(),
    ),
    "files on an SMS or LMS, the ad notice missing on an MMS": lambda kind, ad, r: (
        (attrs.evolve(r, content="세일"), "content", "(광고)", "세일")
        if kind is MessageType.MMS
        else (attrs.evolve(r, files=(FileReference(file_id="F1"),)), "files", "MMS", kind.value)
    ),
    "a blank scheduleCode": lambda kind, ad, r: (attrs.evolve(r, schedule_code=" "), "schedule_code", "an id", " "),
    "a blank fileId on an MMS, files on an SMS or LMS": lambda kind, ad, r: (
        (attrs.evolve(r, files=(FileReference(file_id=""),)), "files[0].file_id", "an id", "")
        if kind is MessageType.MMS
        else (attrs.evolve(r, files=(FileReference(file_id="F1"),)), "files", "MMS", kind.value)
    ),
}


@pytest.mark.parametrize("send", SENDS.values(), ids=SENDS.keys())
@pytest.mark.parametrize(("kind", "advertisement"), KINDS.values(), ids=KINDS.keys())
async def test_s1_with_every_field_at_its_documented_limit_goes_out(
    kind: MessageType,
    advertisement: bool,
    send: Callable[[SensClient, SendRequest], Awaitable[object]],
    client: SensClient,
    api: respx.MockRouter,
) -> None:
    route = api.post(f"{SERVICE}/messages").respond(202, json=SEND_ANSWER)
    request = at_limits(kind, advertisement=advertisement)

    await send(client, request)

    assert route.call_count == 1
    assert body_of(route.calls.last.request) == converter.unstructure(request)


@pytest.mark.parametrize("case", REFUSED_SENDS.values(), ids=REFUSED_SENDS.keys())
@pytest.mark.parametrize("send", SENDS.values(), ids=SENDS.keys())
@pytest.mark.parametrize(("kind", "advertisement"), KINDS.values(), ids=KINDS.keys())
async def test_s1_one_past_a_documented_limit_is_refused_before_any_request(
    kind: MessageType,
    advertisement: bool,
    send: Callable[[SensClient, SendRequest], Awaitable[object]],
    case: SendCase,
    client: SensClient,
) -> None:
    request, field, limit, value = case(kind, advertisement, at_limits(kind, advertisement=advertisement))
    with respx.mock(base_url=HOST, assert_all_called=False) as router:
        route = router.route().respond(202, json=SEND_ANSWER)
        with pytest.raises(errors.ValidationError) as caught:
            await send(client, request)

    assert (caught.value.field, caught.value.limit, caught.value.value) == (field, limit, value)
    assert route.call_count == 0


@pytest.mark.parametrize(
    ("changes", "field", "limit", "value", "hint"),
    [
        # en:82 / ko:120: "type": "SMS", as the examples write it, is a MessageType to the model.
        ({"type": "SMS"}, "type", "a MessageType", "'SMS'", "(use MessageType.SMS)"),
        ({"type": "sms"}, "type", "a MessageType", "'sms'", "(use MessageType.SMS)"),
        ({"type": None}, "type", "a MessageType", "None", ""),
        # en:83 / ko:121: "contentType": "AD" read as a string would skip the ad notice.
        ({"content_type": "AD"}, "content_type", "a ContentType", "'AD'", "(use ContentType.AD)"),
        # en:103 / ko:131: reserveTime is written yyyy-MM-dd HH:mm; the model takes a datetime.
        (
            {"reserve_time": "2019-07-25 17:09"},
            "reserve_time",
            "a datetime",
            "'2019-07-25 17:09'",
            "(parse it: datetime.strptime(text, '%Y-%m-%d %H:%M'))",
        ),
    ],
    ids=["type as text", "type in lowercase", "no type", "content_type as text", "reserve_time as text"],
)
async def test_s1_a_field_given_as_the_document_writes_it_is_refused_by_name(
    changes: dict[str, Any], field: str, limit: str, value: str, hint: str, client: SensClient
) -> None:
    request = attrs.evolve(
        SendRequest(type=MessageType.SMS, from_="0212345678", content="x", messages=(SendMessage(to="01012345678"),)),
        **changes,
    )
    with respx.mock(base_url=HOST, assert_all_called=False) as router:
        route = router.route().respond(202, json=SEND_ANSWER)
        with pytest.raises(errors.ValidationError) as caught:
            await client.send(request)
    assert (caught.value.field, caught.value.limit, caught.value.value) == (field, limit, value)
    assert str(caught.value).endswith(hint)
    assert route.call_count == 0


@pytest.mark.parametrize("send", SENDS.values(), ids=SENDS.keys())
async def test_s1_a_naive_reserve_time_is_read_in_its_time_zone(
    send: Callable[[SensClient, SendRequest], Awaitable[object]], client: SensClient
) -> None:
    """Two hours ahead on Seoul's clock is already past on Kiritimati's (UTC+14)."""
    wall_clock = (datetime.now(SEOUL) + timedelta(hours=2)).replace(tzinfo=None, second=0, microsecond=0)
    request = SendRequest(
        type=MessageType.SMS,
        from_="0212345678",
        content="안녕",
        messages=(SendMessage(to="01012345678"),),
        reserve_time=wall_clock,
        reserve_time_zone="Pacific/Kiritimati",
    )
    with respx.mock(base_url=HOST, assert_all_called=False) as router:
        route = router.route().respond(202, json=SEND_ANSWER)
        with pytest.raises(errors.ValidationError) as caught:
            await send(client, request)

    moment = wall_clock.replace(tzinfo=ZoneInfo("Pacific/Kiritimati"))
    assert (caught.value.field, caught.value.limit, caught.value.value) == (
        "reserve_time",
        "in the future",
        moment.isoformat(),
    )
    assert route.call_count == 0


async def test_s1_send_body_takes_the_type_in_lowercase(client: SensClient, api: respx.MockRouter) -> None:
    route = api.post(f"{SERVICE}/messages").respond(202, json=SEND_ANSWER)
    body = {"type": "lms", "from": "0212345678", "content": "안녕", "messages": [{"to": "01012345678"}]}
    await client.send_body(body)
    assert body_of(route.calls.last.request) == body


@pytest.mark.parametrize(
    "body",
    [
        {"type": "SMS", "content": "안녕", "messages": [{"to": "01012345678"}]},
        {"type": "SMS", "from": "0212345678", "content": None, "messages": [{"to": "01012345678"}]},
        {"type": "TEXT", "from": "0212345678", "content": "안녕", "messages": [{"to": "01012345678"}]},
        # A messages that is no list raised TypeError counting its entries, before the body was read.
        {"type": "SMS", "from": "0212345678", "content": "안녕", "messages": 5},
        {"type": "SMS", "from": "0212345678", "content": "안녕", "messages": True},
    ],
    ids=["no from", "content not text", "unknown type", "messages a number", "messages a boolean"],
)
async def test_s1_send_body_refuses_a_body_that_is_not_an_s1_request(body: dict[str, Any], client: SensClient) -> None:
    with respx.mock(base_url=HOST, assert_all_called=False) as router:
        route = router.route().respond(202, json=SEND_ANSWER)
        with pytest.raises(errors.ValidationError) as caught:
            await client.send_body(body)

    assert (caught.value.field, caught.value.limit) == ("body", "the S1 request body")
    assert route.call_count == 0


SEND_BODY = {"type": "SMS", "from": "0212345678", "content": "안녕", "messages": [{"to": "01012345678"}]}
RESERVED_MINUTE = RESERVED.strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("changes", "field", "limit"),
    [
        # en:77, 103: reserveTime is written yyyy-MM-dd HH:mm.
        ({"reserveTime": RESERVED.strftime("%Y-%m-%dT%H:%M")}, "body.reserveTime", "yyyy-MM-dd HH:mm"),
        ({"reserveTime": RESERVED_MINUTE + ":00"}, "body.reserveTime", "yyyy-MM-dd HH:mm"),
        ({"reserveTime": RESERVED.isoformat(timespec="minutes")}, "body.reserveTime", "yyyy-MM-dd HH:mm"),
        # en:81-106: every field of the table is a String.
        ({"countryCode": 82}, "body.countryCode", "String"),
        ({"messages": [{"to": "01012345678", "content": 1234}]}, "body.messages[0].content", "String"),
        # en:58-79: the fields of the request body; a misspelt one would not be applied.
        ({"reserveTime": RESERVED_MINUTE, "reserveTimezone": "UTC"}, "body.reserveTimezone", "the S1 request body"),
        ({"messages": [{"to": "01012345678", "text": "안녕"}]}, "body.messages[0].text", "the S1 request body"),
        ({"files": [{"fileID": "F1"}], "type": "MMS"}, "body.files[0].fileID", "the S1 request body"),
    ],
    ids=[
        "reserveTime with T",
        "reserveTime with seconds",
        "reserveTime with an offset",
        "countryCode a number",
        "own content a number",
        "reserveTimezone",
        "messages text",
        "files fileID",
    ],
)
async def test_s1_send_body_refuses_what_send_would_not_have_written(
    changes: dict[str, Any], field: str, limit: str, client: SensClient
) -> None:
    with respx.mock(base_url=HOST, assert_all_called=False) as router:
        route = router.route().respond(202, json=SEND_ANSWER)
        with pytest.raises(errors.ValidationError) as caught:
            await client.send_body({**SEND_BODY, **changes})

    assert (caught.value.field, caught.value.limit) == (field, limit)
    assert route.call_count == 0


async def test_s1_send_body_takes_a_null_as_a_field_left_out(client: SensClient, api: respx.MockRouter) -> None:
    route = api.post(f"{SERVICE}/messages").respond(202, json=SEND_ANSWER)
    body = {**SEND_BODY, "reserveTime": RESERVED_MINUTE, "subject": None, "files": None}
    await client.send_body(body)
    assert body_of(route.calls.last.request) == body


async def test_s1_a_refused_send_raises_when_awaited_not_when_called(client: SensClient) -> None:
    pending = client.send(
        SendRequest(type=MessageType.SMS, from_="0212345678", content="😀", messages=(SendMessage(to="01012345678"),))
    )
    with pytest.raises(errors.ValidationError) as caught:
        await pending
    assert (caught.value.field, caught.value.value) == ("content", "😀")


@pytest.mark.parametrize("page_size", [0, 101])
async def test_s8_refuses_a_page_size_outside_1_to_100(page_size: int) -> None:
    with respx.mock(assert_all_mocked=True) as router:
        async with SensClient(access_key=ACCESS_KEY, secret_key=SECRET_KEY, service_id=SERVICE_ID) as sens:
            with pytest.raises(errors.ValidationError) as caught:
                await sens.list_unsubscribes(UnsubscribeQuery(page_size=page_size))
            with pytest.raises(errors.ValidationError):
                await anext(sens.iter_unsubscribes(UnsubscribeQuery(page_size=page_size)))
        assert not router.calls
    assert caught.value.field == "page_size"


async def test_s8_refuses_a_negative_page_index() -> None:
    """en:567: pageIndex default 0, the first page."""
    with respx.mock(assert_all_mocked=True) as router:
        async with SensClient(access_key=ACCESS_KEY, secret_key=SECRET_KEY, service_id=SERVICE_ID) as sens:
            with pytest.raises(errors.ValidationError) as caught:
                await sens.list_unsubscribes(UnsubscribeQuery(page_index=-1))
            with pytest.raises(errors.ValidationError):
                await anext(sens.iter_unsubscribes(UnsubscribeQuery(page_index=-1)))
        assert not router.calls
    assert (caught.value.field, caught.value.limit, caught.value.value) == ("page_index", "0 or more", -1)


@pytest.mark.parametrize(
    ("query", "field", "value"),
    [
        (UnsubscribeQuery(start_time=datetime(2026, 1, 1, 9)), "start_time", "datetime.datetime(2026, 1, 1, 9, 0)"),
        (UnsubscribeQuery(end_time="1767225600000"), "end_time", "'1767225600000'"),
        (UnsubscribeQuery(page_size="50"), "page_size", "'50'"),
    ],
    ids=["start_time a datetime", "end_time as text", "page_size as text"],
)
async def test_s8_a_query_field_that_is_no_whole_number_is_refused_by_name(
    query: UnsubscribeQuery, field: str, value: str
) -> None:
    """en:565-570 / ko:555-558: pageSize, pageIndex, startTime and endTime are Integers. A
    datetime went out as yyyy-MM-dd HH:mm:ss, for SENS to refuse; a text raised TypeError."""
    with respx.mock(assert_all_mocked=True) as router:
        async with SensClient(access_key=ACCESS_KEY, secret_key=SECRET_KEY, service_id=SERVICE_ID) as sens:
            with pytest.raises(errors.ValidationError) as caught:
                await sens.list_unsubscribes(query)
        assert not router.calls
    assert (caught.value.field, caught.value.limit, caught.value.value) == (field, "a whole number", value)


async def test_s3_digits_only_numbers_go_out_as_given(client: SensClient, api: respx.MockRouter) -> None:
    route = api.get(f"{SERVICE}/messages").respond(
        200,
        json={"statusCode": "202", "statusName": "success", "messages": [], "pageIndex": 0, "pageSize": 1000,
              "itemCount": 0, "hasMore": False},
    )  # fmt: skip
    await client.list_messages(MessageQuery(request_id="R", from_="0212345678", to="01012345678", page_index=0))
    assert route.calls.last.request.url.params.multi_items() == [
        ("requestId", "R"),
        ("from", "0212345678"),
        ("to", "01012345678"),
        ("pageIndex", "0"),
    ]


@pytest.mark.parametrize("base_url", [f"{HOST}/", f"{HOST}/proxy", f"{HOST}/proxy/"])
async def test_a_base_url_with_a_trailing_slash_or_a_path_prefix_gives_one_path(base_url: str) -> None:
    """A proxy's path prefix is kept, a trailing slash does not double, and the signature
    covers the path as sent."""
    prefix = "/proxy" if "proxy" in base_url else ""
    with respx.mock(base_url=HOST, assert_all_called=True) as router:
        route = router.get(f"{prefix}{SERVICE}/reservations/R1/reserve-status").respond(
            200,
            json={
                "reserveId": "R1",
                "reserveTimeZone": "Asia/Seoul",
                "reserveTime": "2026-12-01 10:00",
                "reserveStatus": "READY",
            },
        )
        async with SensClient(
            access_key=ACCESS_KEY, secret_key=SECRET_KEY, service_id=SERVICE_ID, base_url=base_url
        ) as sens:
            await sens.reservation_status("R1")
    sent = route.calls.last.request
    assert sent.url.raw_path.decode() == f"{prefix}{SERVICE}/reservations/R1/reserve-status"
    check_signed(sent)


INLINE_BODY = base64.b64encode(JPEG).decode()
REFUSED_FILES = {
    # ja:98-107: an inline files.name is a .jpg/.jpeg of at most 40 characters without spaces,
    # its body the Base64 of a JPEG of at most 300 KB.
    "inline name with a space": (FileReference(name="my coupon.jpg", body=INLINE_BODY), "files[0].name", "no spaces"),
    "inline png": (FileReference(name="coupon.png", body=INLINE_BODY), "files[0].name", "JPEG"),
    "inline name of 41 characters": (
        FileReference(name="c" * 37 + ".jpg", body=INLINE_BODY),
        "files[0].name",
        "40 characters",
    ),
    "inline body not Base64": (
        FileReference(name="coupon.jpg", body="not base64!"),
        "files[0].body",
        "Base64 of a JPEG",
    ),
    "inline body not a JPEG": (
        FileReference(name="coupon.jpg", body=base64.b64encode(b"GIF89a").decode()),
        "files[0].body",
        "JPEG",
    ),
    "inline body over 300 KB": (
        FileReference(name="coupon.jpg", body=base64.b64encode(JPEG + bytes(300 * 1024)).decode()),
        "files[0].body",
        "300 KB",
    ),
    # en:72-76, 101: an entry names an uploaded fileId; the older inline form is name + body.
    "an empty entry": (FileReference(), "files[0]", "file_id, or name and body"),
    "a name without its body": (FileReference(name="coupon.jpg"), "files[0]", "file_id, or name and body"),
    "a fileId and an inline image": (
        FileReference(file_id="F1", name="coupon.jpg", body=INLINE_BODY),
        "files[0]",
        "file_id, or name and body",
    ),
}


@pytest.mark.parametrize("send", SENDS.values(), ids=SENDS.keys())
@pytest.mark.parametrize(("reference", "field", "limit"), REFUSED_FILES.values(), ids=REFUSED_FILES.keys())
async def test_s1_a_files_entry_sens_cannot_take_is_refused_before_any_request(
    reference: FileReference,
    field: str,
    limit: str,
    send: Callable[[SensClient, SendRequest], Awaitable[object]],
    client: SensClient,
) -> None:
    request = attrs.evolve(at_limits(MessageType.MMS, advertisement=False), files=(reference,))
    with respx.mock(base_url=HOST, assert_all_called=False) as router:
        route = router.route().respond(202, json=SEND_ANSWER)
        with pytest.raises(errors.ValidationError) as caught:
            await send(client, request)

    assert (caught.value.field, caught.value.limit) == (field, limit)
    assert route.call_count == 0


@pytest.mark.parametrize("send", SENDS.values(), ids=SENDS.keys())
@pytest.mark.parametrize("kind", [MessageType.SMS, MessageType.LMS])
async def test_s1_an_empty_files_list_is_refused_on_an_sms_or_lms(
    kind: MessageType, send: Callable[[SensClient, SendRequest], Awaitable[object]], client: SensClient
) -> None:
    """en:101 "Only available in MMS": the emulator refuses ``"files": []`` on an SMS too."""
    request = attrs.evolve(at_limits(kind, advertisement=False), files=())
    with respx.mock(base_url=HOST, assert_all_called=False) as router:
        route = router.route().respond(202, json=SEND_ANSWER)
        with pytest.raises(errors.ValidationError) as caught:
            await send(client, request)

    assert (caught.value.field, caught.value.limit, caught.value.value) == ("files", "MMS", kind.value)
    assert route.call_count == 0

"""The SENS documents' response examples (en and ko), decoded by the models.

Each example is copied from the document with its ``"string"`` placeholders given values of
the documented formats; every documented field must land in the model, fields an example
leaves out must not be required, and fields the document does not list must be tolerated.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import respx

from krsms import convert, errors
from krsms.sens import SensClient
from krsms.sens.converter import converter
from krsms.sens.models import (
    MessagePage,
    MessageQuery,
    MessageResult,
    Reservation,
    ReserveStatus,
    SendResult,
    Unsubscribe,
    UploadedFile,
)

SEOUL = ZoneInfo("Asia/Seoul")
HOST = "https://sens.apigw.ntruss.com"
SERVICE_ID = "ncp:sms:kr:123456789012:krsms"

S1_ANSWER = {  # en:115-122, ko:145-148
    "requestId": "RSSA-1563958751371-4313-75421453-jCbsDhWD",
    "requestTime": "2019-07-25T17:05:12.345",
    "statusCode": "202",
    "statusName": "success",
}
S2_ANSWER = {  # en:182-189, ko:200-203
    "fileId": "4fe2078b-5926-42f2-b6b3-0c7bab9b8c5a",
    "createTime": "2019-07-25T17:05:12.345",
    "expireTime": "2019-07-31T17:05:12.345",
}
S3_MESSAGE_EN = {  # en:268-284
    "requestId": "RSSA-1563958751371-4313-75421453-jCbsDhWD",
    "campaignId": "C-1",
    "messageId": "0-ESA-201907-7385618-0",
    "requestTime": "2019-07-25 17:05:12",
    "contentType": "COMM",
    "type": "SMS",
    "countryCode": "82",
    "from": "01012345678",
    "to": "01087654321",
    "completeTime": "2019-07-25 17:05:15",
    "telcoCode": "SKT",
    "status": "COMPLETED",
    "statusCode": "0",
    "statusName": "success",
    "statusMessage": "성공",
}
S3_ANSWER_EN = {  # en:263-292: pageIndex, no nextToken
    "statusCode": "202",
    "statusName": "success",
    "messages": [S3_MESSAGE_EN],
    "pageIndex": 0,
    "pageSize": 20,
    "itemCount": 1,
    "hasMore": False,
}
S3_ANSWER_KO = {  # ko:277-308: nextToken, no pageIndex, no campaignId
    "statusCode": "202",
    "statusName": "success",
    "messages": [{key: value for key, value in S3_MESSAGE_EN.items() if key != "campaignId"}],
    "pageSize": 20,
    "nextToken": "eyJwYWdlIjoxfQ==",
    "itemCount": 1,
    "hasMore": True,
}
S4_ANSWER = {  # en:372-400, ko:380-413
    "statusCode": "200",
    "statusName": "success",
    "messages": [
        {
            "requestTime": "2019-07-25 17:05:12",
            "contentType": "COMM",
            "content": "내용",
            "countryCode": "82",
            "from": "01012345678",
            "to": "01087654321",
            "status": "COMPLETED",
            "statusCode": "0",
            "statusMessage": "성공",
            "statusName": "success",
            "completeTime": "2019-07-25 17:05:15",
            "telcoCode": "SKT",
            "files": [{"name": "coupon.jpg", "fileId": "4fe2078b-5926-42f2-b6b3-0c7bab9b8c5a"}],
        }
    ],
}
S8_ANSWER = [  # en:582-598, 648-664; ko:569-576, 621-628 (registerTime: "format: LocalDateTime")
    {"clientTelNo": "01012345678", "registerTime": "2019-07-25T17:05:12.345", "registerType": "M"},
    {"clientTelNo": "01087654321", "registerTime": "2019-07-25T17:06:00", "registerType": "C"},
]


def test_s1_the_answer_example() -> None:
    result = converter.structure(S1_ANSWER, SendResult)
    assert result == SendResult(
        request_id="RSSA-1563958751371-4313-75421453-jCbsDhWD",
        request_time=datetime(2019, 7, 25, 17, 5, 12, 345000, tzinfo=SEOUL),
        status_code="202",
        status_name="success",
    )


def test_s2_the_answer_example() -> None:
    uploaded = converter.structure(S2_ANSWER, UploadedFile)
    assert uploaded.file_id == "4fe2078b-5926-42f2-b6b3-0c7bab9b8c5a"
    assert (uploaded.create_time, uploaded.expire_time) == (
        datetime(2019, 7, 25, 17, 5, 12, 345000, tzinfo=SEOUL),
        datetime(2019, 7, 31, 17, 5, 12, 345000, tzinfo=SEOUL),
    )


def test_s3_the_english_answer_example_fills_every_field() -> None:
    page = converter.structure(S3_ANSWER_EN, MessagePage)
    assert (page.status_code, page.status_name, page.page_index, page.page_size) == ("202", "success", 0, 20)
    assert (page.item_count, page.has_more, page.next_token) == (1, False, None)
    (message,) = page.messages
    assert (message.request_id, message.campaign_id, message.message_id) == (
        "RSSA-1563958751371-4313-75421453-jCbsDhWD",
        "C-1",
        "0-ESA-201907-7385618-0",
    )
    assert (message.content_type, message.type, message.country_code) == ("COMM", "SMS", "82")
    assert (message.from_, message.to, message.telco_code) == ("01012345678", "01087654321", "SKT")
    assert (message.status, message.status_code, message.status_name, message.status_message) == (
        "COMPLETED",
        "0",
        "success",
        "성공",
    )
    assert message.request_time == datetime(2019, 7, 25, 17, 5, 12, tzinfo=SEOUL)
    assert message.complete_time == datetime(2019, 7, 25, 17, 5, 15, tzinfo=SEOUL)


def test_s3_the_korean_answer_example_pages_by_token() -> None:
    page = converter.structure(S3_ANSWER_KO, MessagePage)
    assert (page.next_token, page.has_more, page.page_index) == ("eyJwYWdlIjoxfQ==", True, 0)
    assert page.messages[0].campaign_id is None


def test_s3_result_fields_are_absent_or_null_until_completed() -> None:
    """en:323-330 / ko:331-339: statusCode, statusName, statusMessage, completeTime and
    telcoCode are not given before status COMPLETED."""
    result_fields = ("statusCode", "statusName", "statusMessage", "completeTime", "telcoCode")
    pending = {key: value for key, value in S3_MESSAGE_EN.items() if key not in result_fields}
    nulls = {**pending, **dict.fromkeys(result_fields)}
    for message in (pending, nulls):
        (summary,) = converter.structure(
            {**S3_ANSWER_EN, "messages": [{**message, "status": "READY"}]}, MessagePage
        ).messages
        assert (summary.status, summary.status_code, summary.complete_time, summary.telco_code) == (
            "READY",
            None,
            None,
            None,
        )


@pytest.mark.parametrize(
    "messages",
    [pytest.param({}, id="messages absent"), pytest.param({"messages": None}, id="messages null")],
)
@pytest.mark.parametrize("status_name", ["reserved", "Reserved"])
def test_s3_a_reserved_request_lists_no_messages(messages: dict[str, Any], status_name: str) -> None:
    """en:332 / ko:341: while the request is reserved "the messages fields are not searched";
    a null says so as an absent field does (en writes the name "Reserved", ko "reserved")."""
    answer = {"statusCode": "202", "statusName": status_name, "pageSize": 20, "itemCount": 0, "hasMore": False}
    page = converter.structure({**answer, **messages}, MessagePage)
    assert (page.status_name, page.messages) == (status_name, ())


async def test_s3_a_reserved_request_answered_with_null_messages_reads_through_the_client() -> None:
    with respx.mock(base_url=HOST, assert_all_called=True) as router:
        router.get(f"/sms/v2/services/{SERVICE_ID}/messages").respond(
            200,
            json={
                "statusCode": "202",
                "statusName": "reserved",
                "messages": None,
                "pageSize": 1000,
                "itemCount": 0,
                "hasMore": False,
            },
        )
        async with SensClient(access_key="AKID-1", secret_key="secret-1", service_id=SERVICE_ID) as sens:
            found = [message async for message in sens.iter_messages(MessageQuery(request_id="RSSA-1"))]
    assert found == []


def test_s3_a_null_messages_is_still_malformed_when_the_request_is_not_reserved() -> None:
    """Read as "none", it would tell a reconciliation that SENS holds no request, and the
    batch would be resent: only the reserved status explains a missing list."""
    answer = {"statusCode": "202", "statusName": "success", "messages": None, "hasMore": False}
    with pytest.raises(errors.MalformedResponseError, match="MessagePage"):
        convert.parse(converter, answer, MessagePage, provider="sens", redact=str)


def test_s4_the_answer_example_fills_every_field() -> None:
    result = converter.structure(S4_ANSWER, MessageResult)
    assert (result.status_code, result.status_name) == ("200", "success")
    (detail,) = result.messages
    assert (detail.content_type, detail.content, detail.country_code) == ("COMM", "내용", "82")
    assert (detail.from_, detail.to, detail.status, detail.telco_code) == (
        "01012345678",
        "01087654321",
        "COMPLETED",
        "SKT",
    )
    assert (detail.status_code, detail.status_message, detail.status_name) == ("0", "성공", "success")
    assert detail.request_time == datetime(2019, 7, 25, 17, 5, 12, tzinfo=SEOUL)
    assert detail.complete_time == datetime(2019, 7, 25, 17, 5, 15, tzinfo=SEOUL)
    assert [(file.name, file.file_id) for file in detail.files] == [
        ("coupon.jpg", "4fe2078b-5926-42f2-b6b3-0c7bab9b8c5a")
    ]


@pytest.mark.parametrize("status", list(ReserveStatus))
def test_s5_the_answer_example_with_every_documented_status(status: ReserveStatus) -> None:
    # en:467-487, ko:473-482: READY, PROCESSING, CANCELED, FAIL, DONE, STALE.
    reservation = converter.structure(
        {
            "reserveId": "RSSA-1",
            "reserveTimeZone": "Asia/Tokyo",
            "reserveTime": "2019-07-25 17:09",
            "reserveStatus": status.value,
        },
        Reservation,
    )
    assert reservation.reserve_status is status
    assert reservation.reserve_time == datetime(2019, 7, 25, 17, 9, tzinfo=ZoneInfo("Asia/Tokyo"))


def test_s8_s9_the_answer_example() -> None:
    entries = converter.structure(S8_ANSWER, list[Unsubscribe])
    assert [(entry.client_tel_no, entry.register_type) for entry in entries] == [
        ("01012345678", "M"),
        ("01087654321", "C"),
    ]
    assert entries[0].register_time == datetime(2019, 7, 25, 17, 5, 12, 345000, tzinfo=SEOUL)


@pytest.mark.parametrize(
    ("answer", "cls"),
    [
        (S1_ANSWER, SendResult),
        (S2_ANSWER, UploadedFile),
        (S3_ANSWER_EN, MessagePage),
        (S4_ANSWER, MessageResult),
        (S8_ANSWER[0], Unsubscribe),
    ],
    ids=["S1", "S2", "S3", "S4", "S8"],
)
def test_fields_the_documents_do_not_list_are_tolerated(answer: dict[str, Any], cls: type[object]) -> None:
    assert converter.structure({**answer, "addedLater": {"x": 1}}, cls) == converter.structure(answer, cls)


@pytest.mark.parametrize("zone", ["Asia", "KST", "Asia/Nowhere"])
def test_s5_an_answer_whose_zone_is_no_tz_database_name_is_malformed(zone: str) -> None:
    """en:479-481 / ko:481: reserveTimeZone is a TZ database name. Another one is a malformed
    answer; a folder of the database ("Asia") raised IsADirectoryError with a local path."""
    answer = {"reserveId": "R", "reserveTimeZone": zone, "reserveTime": "2019-07-25 17:09", "reserveStatus": "READY"}
    with pytest.raises(errors.MalformedResponseError, match="Reservation") as caught:
        convert.parse(converter, answer, Reservation, provider="sens", redact=str)
    assert "site-packages" not in str(caught.value)

"""NhnClient: the exact request of every endpoint (N1-N49) and the documented answers parsed.

The answer fixtures are the example answers of NHN's SMS v2.2 document, copied verbatim
(except where the document shows ``{placeholders}`` instead of values: N34/N35).
"""

from __future__ import annotations

import base64
import json
import traceback
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import httpx
import pytest
import respx
from nhn_documented_answers import TAG_RECIPIENTS_ANSWER, TAG_SENDS_ANSWER

from krsms import errors
from krsms.nhn.api import DEFAULT_BASE_URL, NhnApi
from krsms.nhn.auth import NhnAuth, nhn_redactor
from krsms.nhn.client import NhnClient
from krsms.nhn.converter import MinuteTime, converter
from krsms.nhn.errors import (
    CategoryNotFoundError,
    NhnAuthenticationError,
    NhnError,
    NhnNotFoundError,
    NhnRateLimitedError,
    NhnServerError,
    SenderNumberError,
    SendError,
    SendNotFoundError,
    TemplateError,
    error_class_for_code,
)
from krsms.nhn.models import (
    AttachmentUpload,
    BlockedRecipientQuery,
    BlockedRecipientsRemoval,
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
    StatisticsQuery,
    TagName,
    TagRecipientQuery,
    TagSendQuery,
    TagSendRequest,
    TemplateCreate,
    TemplateQuery,
    TemplateUpdate,
    UidQuery,
    UidRegistration,
)
from krsms.transport import NO_RETRIES, RetryPolicy

HOST = "https://api-sms.cloud.toast.com"
APP_KEY = "app/key+1"
SECRET_KEY = "secret-key-4242"
PREFIX = "/sms/v2.2/appKeys/app%2Fkey%2B1"
SEOUL = ZoneInfo("Asia/Seoul")
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9"


def seoul(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SEOUL)


def minute(year: int, month: int, day: int, hour: int, minutes: int) -> MinuteTime:
    return MinuteTime(seoul(year, month, day, hour, minutes))


# --- the document's example answers -----------------------------------------------------------

SEND_ANSWER = """{
"header": {"isSuccessful": true, "resultCode": 0, "resultMessage": "SUCCESS"},
"body": {
"data": {
"requestId": "20180810100630ReZQ6KZzAH0",
"statusCode": "2",
"senderGroupingKey": "SenderGroupingKey",
"sendResultList": [
{
"recipientNo": "01000000000",
"resultCode": 0,
"resultMessage": "SUCCESS",
"recipientSeq": 1,
"recipientGroupingKey": "RecipientGroupingKey"
}
]
}
}
}"""

SMS_ITEM = """{
"requestId": "20180810100630ReZQ6KZzAH0",
"requestDate": "2018-08-10 10:06:30.0",
"resultDate": "2018-08-10 10:06:42.0",
"templateId": "TemplateId",
"templateName": "テンプレート名",
"categoryId": 0,
"categoryName": "カテゴリー名",
"body": "短文テスト",
"sendNo": "15446859",
"countryCode": "82",
"recipientNo": "01000000000",
"msgStatus": "3",
"msgStatusName": "成功",
"resultCode": "1000",
"resultCodeName": "成功",
"telecomCode": 10001,
"telecomCodeName": "SKT",
"mtPr": "1",
"sendType": "0",
"userId": "tester",
"adYn": "N",
"resultMessage": "",
"senderGroupingKey": "SenderGroupingKey",
"recipientGroupingKey": "RecipientGroupingKey"
}"""

MMS_ITEM = """{
"requestId": "20230918160734BWt01iOWZm2",
"requestDate": "2023-09-18 16:07:34.0",
"resultDate": "2023-09-18 16:07:36.0",
"templateId": null,
"templateName": null,
"categoryId": null,
"categoryName": null,
"title": "Title",
"body": "본문",
"sendNo": "15771234",
"countryCode": "82",
"recipientNo": "01012341234",
"msgStatus": "3",
"msgStatusName": "성공",
"resultCode": "1000",
"resultCodeName": "성공",
"telecomCode": 10003,
"telecomCodeName": "LGU",
"mtPr": "1",
"sendType": "1",
"userId": null,
"adYn": "N",
"attachFileList": [
{
"fileId": 535191,
"serviceId": null,
"attachType": null,
"templateId": null,
"filePath": "/temporary/71191/toast-mt-2023-09-18/1607/535191/",
"fileName": "attachment.jpg",
"saveFileName": "20230918KKkqQC0.jpg",
"fileSize": null,
"createDate": null,
"createUser": null,
"updateDate": null,
"updateUser": null,
"uploadType": "TEMPORARY",
"existFileName": "20230918KKkqQC0.jpg"
}
],
"resultMessage": "SUCCESS",
"senderGroupingKey": "SenderGroupingKey",
"recipientGroupingKey": "recipientGroupingKey"
}"""

MESSAGE_RESULTS_ANSWER = """{
"header": {"resultCode": 0, "resultMessage": "success", "isSuccessful": true},
"body": {
"pageNum": 1,
"pageSize": 15,
"totalCount": 35,
"data": [
{
"messageType": "SMS",
"requestId": "20230914101505oAJTbxHkIB0",
"recipientSeq": 1,
"resultCode": "1000",
"resultCodeName": "성공",
"requestDate": "2023-09-14 10:15:05.0",
"resultDate": "2023-09-14 10:15:08.0",
"updateDate": "2023-09-14 10:15:12.0",
"telecomCode": "10002",
"telecomCodeName": "KT",
"senderGroupingKey": "SenderGroupingKey",
"recipientGroupingKey": "recipientGroupingKey"
}
]
}
}"""

TAG_SEND_ANSWER = """{
"header": {"isSuccessful": true, "resultCode": 0, "resultMessage": "SUCCESS"},
"body": {"data": {"requestId": "201808130914102Y94ABMNF30"}}
}"""


TAG_RECIPIENT_ANSWER = """{
"header": {"isSuccessful": true, "resultCode": 0, "resultMessage": "SUCCESS"},
"body": {
"data": {
"requestId": "20180813022044Jps2xJ1qsv0",
"recipientSeq": 14,
"sendType": "0",
"messageType": "SMS",
"templateId": "TemplateId",
"templateName": "テンプレート名",
"sendNo": "15446859",
"recipientNum": "01000000000",
"countryCode": "82",
"title": "タイトル",
"body": "本文",
"requestDate": "2018-08-13 02:20:44.0",
"msgStatusName": "COMPLETED",
"msgStatus": "3",
"resultCode": "3015",
"receiveDate": "2018-08-13 02:20:48.0",
"attachFileList": []
}
}
}"""

UPLOAD_ANSWER = """{
"header": {"isSuccessful": true, "resultCode": 0, "resultMessage": "SUCCESS"},
"body": {"data": {"fileId": 0, "fileName": "attachment.jpg", "filePath": "0/toast-mt-2018-08-10/1609/178576"}}
}"""

CATEGORY_CREATED_ANSWER = """{
"header": {"isSuccessful": true, "resultCode": 0, "resultMessage": "SUCCESS"},
"body": {
"data": {
"categoryId": 0,
"categoryParentId": 0,
"depth": 0,
"sort": 0,
"categoryName": "",
"categoryDesc": "",
"useYn": "",
"createUser": ""
}
}
}"""

CATEGORY_ITEM = """{
"categoryId": 137612,
"categoryParentId": 0,
"depth": 0,
"sort": 0,
"categoryName": "カテゴリー",
"categoryDesc": "最上位カテゴリー",
"useYn": "Y",
"createDate": "2018-04-17 15:39:56.0",
"createUser": "bb076dc0-ef5e-11e7-9ede-005056ac7022",
"updateDate": "2018-04-17 15:39:56.0",
"updateUser": "bb076dc0-ef5e-11e7-9ede-005056ac7022"
}"""

EMPTY_ANSWER = """{"header": {"isSuccessful": true, "resultCode": "", "resultMessage": ""}}"""
NULL_BODY_ANSWER = """{"header": {"isSuccessful": true, "resultCode": 0, "resultMessage": "SUCCESS"}, "body": null}"""

TEMPLATE_ITEM = """{
"templateId": "0cc60fce-4251-44a0-bbdf-06b863ac2212",
"serviceId": 71191,
"categoryId": 415975,
"categoryName": "categoryName",
"sort": 0,
"templateName": "templateName",
"templateDesc": "templateDescription",
"useYn": "Y",
"priority": "S",
"sendNo": "15771234",
"sendType": "0",
"sendTypeName": "SMS 발송",
"title": "title",
"body": "body",
"attachFileYn": "Y",
"delYn": "N",
"createDate": "2023-09-18 14:03:13.0",
"createUser": null,
"updateDate": "2023-09-18 14:03:13.0",
"updateUser": null,
"attachFileList": [
{
"fileId": 535162,
"serviceId": 71191,
"attachType": 2,
"templateId": "0cc60fce-4251-44a0-bbdf-06b863ac2212",
"filePath": "/permanent/71191/toast-mt-2023-09-18/1403/535162",
"fileName": "attachment.jpg",
"saveFileName": "20230918bc7eyh0.jpg",
"fileSize": null,
"createDate": "2023-09-18 14:03:11.0",
"createUser": "CreateUser",
"updateDate": null,
"updateUser": null,
"uploadType": "TEMPORARY",
"existFileName": "20230918bc7eyh0.jpg"
}
]
}"""

BLOCKED_ANSWER = """{
"header": {"isSuccessful": true, "resultCode": 0, "resultMessage": "SUCCESS"},
"body": {
"pageNum": 1,
"pageSize": 15,
"totalCount": 1,
"data": [{"unsubscribeNo": "0808888888", "recipientNo": "01000000000", "requestDate": "2018-05-14 17:07:29.0"}]
}
}"""

SENDER_NUMBERS_ANSWER = """{
"header": {"isSuccessful": true, "resultCode": 0, "resultMessage": "SUCCESS"},
"body": {
"pageNum": 1,
"pageSize": 15,
"totalCount": 2,
"data": [
{
"appKey": null,
"serviceId": 71191,
"sendNo": "01012341234",
"useYn": "Y",
"blockYn": "N",
"blockReason": null,
"createDate": "2023-07-18 12:05:35",
"createUser": "test@nhn.com",
"updateDate": "2023-07-31 13:45:48",
"updateUser": "test@nhn.com"
},
{
"appKey": null,
"serviceId": 71191,
"sendNo": "12341234",
"useYn": "Y",
"blockYn": "N",
"blockReason": null,
"createDate": "2023-09-14 10:30:30",
"createUser": "test@nhn.com",
"updateDate": "2023-09-14 10:30:30",
"updateUser": null
}
]
}
}"""

STATISTICS_ANSWER = """{
"header": {"isSuccessful": true, "resultCode": 0, "resultMessage": "SUCCESS"},
"body": {
"data": [
{
"divisionName": "2018-06-01",
"statisticsView": {
"requestedCount": 10,
"succeedCount": 10,
"failedCount": 0,
"pendingCount": 0,
"succeedRate": "100.00",
"failedRate": "0.00",
"pendingRate": "0.00"
}
}
]
}
}"""

# The document's N34/N35 examples hold "{placeholders}"; these are the same fields with values.
RESERVATION_ITEM = """{
"requestId": "20180810100630ReZQ6KZzAH0",
"recipientSeq": 1,
"requestDate": "2018-08-10 10:00:00.0",
"sendNo": "15446859",
"recipientNo": "01000000000",
"countryCode": "82",
"sendType": "1",
"messageType": "MMS",
"adYn": "N",
"templateId": "TemplateId",
"templateParameter": "{\\"key\\":\\"value\\"}",
"templateName": "テンプレート名",
"title": "タイトル",
"body": "本文",
"messageStatus": "RESERVED",
"createUser": "tester",
"createDate": "2018-08-09 10:00:00.0",
"updateDate": "2018-08-09 10:00:00.0"
}"""

CANCEL_ANSWER = """{
"header": {"resultCode": 0, "resultMessage": "SUCCESS", "isSuccessful": true},
"body": {"data": {"requestedCount": 1, "canceledCount": 1}}
}"""

DOWNLOAD_CREATED_ANSWER = """{
"header": {"isSuccessful": true, "resultCode": 0, "resultMessage": "success"},
"body": {
"data": {
"downloadId": "20190610100630ReZQ6KZzAH0",
"downloadType": "NORMAL",
"fileType": "CSV",
"downloadStatusCode": "COMPLETED",
"expiredDate": "2019-07-09 10:06:00.0"
}
}
}"""

DOWNLOADS_ANSWER = """{
"header": {"isSuccessful": true, "resultCode": 0, "resultMessage": "SUCCESS"},
"body": {
"totalCount": 0,
"data": [
{
"downloadId": "",
"downloadType": "",
"fileType": "",
"parameter": "",
"size": 0,
"downloadStatusCode": "",
"resultMessage": "",
"expiredDate": "",
"createUser": "",
"createDate": "",
"updateDate": ""
}
]
}
}"""

TAGS_ANSWER = """{
"header": {"isSuccessful": true, "resultCode": 0, "resultMessage": "SUCCESS"},
"body": {
"pageNum": 1,
"pageSize": 1,
"totalCount": 1,
"data": [
{"tagId": "ABCD1234", "tagName": "TAG", "createdDate": "2019-01-01 00:00:00", "updatedDate": "2019-01-01 00:00:00"}
]
}
}"""

TAG_CREATED_ANSWER = """{
"header": {"isSuccessful": true, "resultCode": 0, "resultMessage": "SUCCESS"},
"body": {"data": {"tagId": "ABCD1234"}}
}"""

UIDS_ANSWER = """{
"header": {"isSuccessful": true, "resultCode": 0, "resultMessage": "SUCCESS"},
"body": {
"data": {
"uids": [
{
"uid": "UID",
"tags": [
{"tagId": "ABCD1234", "tagName": "TAG", "createdDate": "2019-01-01 00:00:00", "updatedDate": "2019-01-01 00:00:00"}
],
"contacts": [{"contactType": "PHONE_NUMBER", "contact": "test@nhn.com", "createdDate": "2019-01-01 00:00:00"}]
}
],
"last": false,
"totalCount": 5
}
}
}"""

UID_ANSWER = """{
"header": {"isSuccessful": true, "resultCode": 0, "resultMessage": "SUCCESS"},
"body": {
"data": {
"uid": "UID",
"tags": [
{"tagId": "ABCD1234", "tagName": "TAG", "createdDate": "2019-01-01 00:00:00", "updatedDate": "2019-01-01 00:00:00"}
],
"contacts": [{"contactType": "PHONE_NUMBER", "contact": "0100000000", "createdDate": "2019-01-01 00:00:00"}]
}
}
}"""


def single(item: str) -> str:
    """A ``{"body": {"data": item}}`` answer."""
    return (
        '{"header": {"isSuccessful": true, "resultCode": 0, "resultMessage": "SUCCESS"}, "body": {"data": '
        + item
        + "}}"
    )


def paged(item: str, *, total: int = 1) -> str:
    """A paged answer holding one item."""
    return (
        '{"header": {"resultCode": 0, "resultMessage": "SUCCESS", "isSuccessful": true},'
        f' "body": {{"pageNum": 1, "pageSize": 15, "totalCount": {total}, "data": [{item}]}}}}'
    )


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
async def client() -> AsyncIterator[NhnClient]:
    async with NhnClient(app_key=APP_KEY, secret_key=SECRET_KEY, retry=NO_RETRIES) as nhn:
        yield nhn


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=HOST, assert_all_called=True) as router:
        yield router


# --- one case per endpoint: the exact request, the documented answer parsed -------------------


@attrs.frozen
class Case:
    """One endpoint call: what the client must send and what it must make of the answer."""

    name: str
    call: Callable[[NhnClient], Awaitable[Any]]
    method: str
    path: str
    answer: str
    params: dict[str, str] = attrs.field(factory=dict)
    body: Any = None
    parsed: Callable[[Any], Any] = lambda result: result
    expected: Any = None


RESERVED = MinuteTime((datetime.now(SEOUL) + timedelta(days=1)).replace(second=0, microsecond=0))
"""The document's examples reserve 2018 moments; the client refuses one in the past."""
RESERVED_TEXT = RESERVED.strftime("%Y-%m-%d %H:%M")
SMS_REQUEST = SendRequest(
    template_id="TemplateId",
    body="本文",
    send_no="15446859",
    request_date=RESERVED,
    sender_grouping_key="SenderGroupingKey",
    recipient_list=(
        SendRecipient(
            recipient_no="01000000000",
            country_code="82",
            international_recipient_no="821000000000",
            template_parameter={"key": "value"},
            recipient_grouping_key="recipientGroupingKey",
        ),
    ),
    user_id="UserId",
)
SMS_BODY = {
    "templateId": "TemplateId",
    "body": "本文",
    "sendNo": "15446859",
    "requestDate": RESERVED_TEXT,
    "senderGroupingKey": "SenderGroupingKey",
    "recipientList": [
        {
            "recipientNo": "01000000000",
            "countryCode": "82",
            "internationalRecipientNo": "821000000000",
            "templateParameter": {"key": "value"},
            "recipientGroupingKey": "recipientGroupingKey",
        }
    ],
    "userId": "UserId",
}
MMS_REQUEST = SendRequest(
    title="タイトル",
    body="本文",
    send_no="15446859",
    sender_grouping_key="SenderGrouping",
    attach_file_id_list=(0,),
    recipient_list=(SendRecipient(recipient_no="01010000000", recipient_grouping_key="RecipientGroupingKey"),),
)
MMS_BODY = {
    "title": "タイトル",
    "body": "本文",
    "sendNo": "15446859",
    "senderGroupingKey": "SenderGrouping",
    "attachFileIdList": [0],
    "recipientList": [{"recipientNo": "01010000000", "recipientGroupingKey": "RecipientGroupingKey"}],
}
# The Japanese document translates the opt-out line (無料受信拒否); the body carries it in Korean.
AD_TEXT = "(광고)本文\n[무료수신거부]0800000000"
AD_REQUEST = SendRequest(
    body=AD_TEXT, send_no="15446859", recipient_list=(SendRecipient(international_recipient_no="821000000000"),)
)
AD_BODY = {"body": AD_TEXT, "sendNo": "15446859", "recipientList": [{"internationalRecipientNo": "821000000000"}]}
AD_MMS_REQUEST = attrs.evolve(MMS_REQUEST, body=AD_TEXT)
AD_MMS_BODY = {**MMS_BODY, "body": AD_TEXT}
# Every query parameter of the document's N2/N5/N8 tables, each with its own value.
SEND_QUERY = SendQuery(
    request_id="20180810100630ReZQ6KZzAH0",
    start_request_date=seoul(2018, 8, 10, 0, 0, 0),
    end_request_date=seoul(2018, 8, 10, 23, 59, 59),
    start_create_date=seoul(2018, 8, 10, 1, 2, 3),
    end_create_date=seoul(2018, 8, 10, 22, 33, 44),
    start_result_date=seoul(2018, 8, 11, 4, 5, 6),
    end_result_date=seoul(2018, 8, 12, 7, 8, 9),
    send_no="15446859",
    recipient_no="01000000000",
    template_id="TemplateId",
    msg_status="3",
    result_code="MTR2",
    sub_result_code="MTR2_3",
    sender_grouping_key="SenderGroupingKey",
    recipient_grouping_key="RecipientGroupingKey",
    page_num=1,
    page_size=15,
)
SEND_QUERY_PARAMS = {
    "requestId": "20180810100630ReZQ6KZzAH0",
    "startRequestDate": "2018-08-10 00:00:00",
    "endRequestDate": "2018-08-10 23:59:59",
    "startCreateDate": "2018-08-10 01:02:03",
    "endCreateDate": "2018-08-10 22:33:44",
    "startResultDate": "2018-08-11 04:05:06",
    "endResultDate": "2018-08-12 07:08:09",
    "sendNo": "15446859",
    "recipientNo": "01000000000",
    "templateId": "TemplateId",
    "msgStatus": "3",
    "resultCode": "MTR2",
    "subResultCode": "MTR2_3",
    "senderGroupingKey": "SenderGroupingKey",
    "recipientGroupingKey": "RecipientGroupingKey",
    "pageNum": "1",
    "pageSize": "15",
}


def sent_summary(result: Any) -> tuple[str, str, int]:
    return result.request_id, result.status_code, result.send_result_list[0].recipient_seq


SENT = ("20180810100630ReZQ6KZzAH0", "2", 1)


CASES = [
    # sends
    Case(
        "N1",
        lambda c: c.send_sms(SMS_REQUEST),
        "POST",
        "/sender/sms",
        SEND_ANSWER,
        body=SMS_BODY,
        parsed=sent_summary,
        expected=SENT,
    ),
    Case(
        "N4",
        lambda c: c.send_mms(MMS_REQUEST),
        "POST",
        "/sender/mms",
        SEND_ANSWER,
        body=MMS_BODY,
        parsed=sent_summary,
        expected=SENT,
    ),
    Case(
        "N7",
        lambda c: c.send_auth_sms(SMS_REQUEST),
        "POST",
        "/sender/auth/sms",
        SEND_ANSWER,
        body=SMS_BODY,
        parsed=sent_summary,
        expected=SENT,
    ),
    Case(
        "N10",
        lambda c: c.send_ad_sms(AD_REQUEST),
        "POST",
        "/sender/ad-sms",
        SEND_ANSWER,
        body=AD_BODY,
        parsed=sent_summary,
        expected=SENT,
    ),
    Case(
        "N11",
        lambda c: c.send_ad_mms(AD_MMS_REQUEST),
        "POST",
        "/sender/ad-mms",
        SEND_ANSWER,
        body=AD_MMS_BODY,
        parsed=sent_summary,
        expected=SENT,
    ),
    # send look-ups
    Case(
        "N2",
        lambda c: c.list_sms(SEND_QUERY),
        "GET",
        "/sender/sms",
        paged(SMS_ITEM),
        params=SEND_QUERY_PARAMS,
        parsed=lambda page: (
            page.total_count,
            page.items[0].recipient_seq,
            page.items[0].ad_yn,
            page.items[0].request_date,
            page.items[0].telecom_code,
        ),
        expected=(1, 1, False, seoul(2018, 8, 10, 10, 6, 30), 10001),
    ),
    Case(
        "N3",
        lambda c: c.get_sms("20180810100630ReZQ6KZzAH0", 1),
        "GET",
        "/sender/sms/20180810100630ReZQ6KZzAH0",
        single(SMS_ITEM),
        params={"mtPr": "1"},
        parsed=lambda sent: (sent.mt_pr, sent.recipient_no, sent.msg_status, sent.result_code),
        expected=(1, "01000000000", "3", "1000"),
    ),
    Case(
        "N5",
        lambda c: c.list_mms(SEND_QUERY),
        "GET",
        "/sender/mms",
        paged(MMS_ITEM),
        params=SEND_QUERY_PARAMS,
        parsed=lambda page: (page.items[0].title, page.items[0].attach_file_list[0].file_id),
        expected=("Title", 535191),
    ),
    Case(
        "N6",
        lambda c: c.get_mms("20230918160734BWt01iOWZm2", 1),
        "GET",
        "/sender/mms/20230918160734BWt01iOWZm2",
        single(MMS_ITEM),
        params={"mtPr": "1"},
        parsed=lambda sent: (sent.template_id, sent.attach_file_list[0].upload_type),
        expected=(None, "TEMPORARY"),
    ),
    Case(
        "N8",
        lambda c: c.list_auth_sms(SEND_QUERY),
        "GET",
        "/sender/auth/sms",
        paged(SMS_ITEM),
        params=SEND_QUERY_PARAMS,
        parsed=lambda page: page.items[0].send_type,
        expected="0",
    ),
    Case(
        "N9",
        lambda c: c.get_auth_sms("20180810100630ReZQ6KZzAH0", 1),
        "GET",
        "/sender/auth/sms/20180810100630ReZQ6KZzAH0",
        single(SMS_ITEM),
        params={"mtPr": "1"},
        parsed=lambda sent: sent.result_date,
        expected=seoul(2018, 8, 10, 10, 6, 42),
    ),
    Case(
        "N12",
        lambda c: c.list_message_results(
            MessageResultQuery(
                start_update_date=seoul(2023, 9, 14, 10, 0, 0),
                end_update_date=seoul(2023, 9, 14, 11, 0, 0),
                message_type="SMS",
                page_num=2,
                page_size=30,
            )
        ),
        "GET",
        "/message-results",
        MESSAGE_RESULTS_ANSWER,
        params={
            "startUpdateDate": "2023-09-14 10:00:00",
            "endUpdateDate": "2023-09-14 11:00:00",
            "messageType": "SMS",
            "pageNum": "2",
            "pageSize": "30",
        },
        parsed=lambda page: (
            page.total_count,
            page.items[0].recipient_seq,
            page.items[0].telecom_code,
            page.items[0].update_date,
        ),
        expected=(35, 1, "10002", seoul(2023, 9, 14, 10, 15, 12)),
    ),
    # tag sends
    Case(
        "N13",
        lambda c: c.send_tag_sms(
            TagSendRequest(
                body="本文",
                send_no="15446859",
                request_date=RESERVED,
                template_id="TemplateId",
                template_parameter={"key": "value"},
                tag_expression=("tag1", "AND", "tag2"),
                user_id="user_id",
                ad_yn=False,
                auto_send_yn=False,
            )
        ),
        "POST",
        "/tag-sender/sms",
        TAG_SEND_ANSWER,
        body={
            "body": "本文",
            "sendNo": "15446859",
            "requestDate": RESERVED_TEXT,
            "templateId": "TemplateId",
            "templateParameter": {"key": "value"},
            "tagExpression": ["tag1", "AND", "tag2"],
            "userId": "user_id",
            "adYn": "N",
            "autoSendYn": "N",
        },
        expected="201808130914102Y94ABMNF30",
    ),
    Case(
        "N14",
        lambda c: c.send_tag_mms(
            TagSendRequest(
                title="タイトル",
                body="本文",
                send_no="15446859",
                attach_file_id_list=(1, 2, 3),
                tag_expression=("tag1", "AND", "tag2"),
            )
        ),
        "POST",
        "/tag-sender/mms",
        TAG_SEND_ANSWER,
        body={
            "title": "タイトル",
            "body": "本文",
            "sendNo": "15446859",
            "attachFileIdList": [1, 2, 3],
            "tagExpression": ["tag1", "AND", "tag2"],
        },
        expected="201808130914102Y94ABMNF30",
    ),
    Case(
        "N15",
        lambda c: c.list_tag_sends(
            TagSendQuery(
                send_type="0",
                request_id="20180813022044Jps2xJ1qsv0",
                start_request_date=seoul(2017, 12, 20, 0, 0, 0),
                end_request_date=seoul(2017, 12, 21, 0, 0, 0),
                start_create_date=seoul(2017, 12, 19, 1, 2, 3),
                end_create_date=seoul(2017, 12, 22, 4, 5, 6),
                status_code="MAS19",
                page_num=3,
                page_size=20,
            )
        ),
        "GET",
        "/tag-sender",
        TAG_SENDS_ANSWER,
        params={
            "sendType": "0",
            "requestId": "20180813022044Jps2xJ1qsv0",
            "startRequestDate": "2017-12-20 00:00:00",
            "endRequestDate": "2017-12-21 00:00:00",
            "startCreateDate": "2017-12-19 01:02:03",
            "endCreateDate": "2017-12-22 04:05:06",
            "statusCode": "MAS19",
            "pageNum": "3",
            "pageSize": "20",
        },
        parsed=lambda page: (
            page.items[0].tag_expression,
            page.items[0].auto_send_yn,
            page.items[0].master_status_code,
        ),
        expected=(("Kb6BjCY1",), True, "READY"),
    ),
    Case(
        "N16",
        lambda c: c.list_tag_send_recipients(
            "20180813022044Jps2xJ1qsv0",
            TagRecipientQuery(
                start_request_date=seoul(2018, 8, 13, 0, 0, 0),
                end_request_date=seoul(2018, 8, 14, 0, 0, 0),
                recipient_num="01000000000",
                start_result_date=seoul(2018, 8, 13, 1, 2, 3),
                end_result_date=seoul(2018, 8, 15, 4, 5, 6),
                msg_status_name="COMPLETED",
                result_code="MTR2",
                page_num=2,
                page_size=50,
            ),
        ),
        "GET",
        "/tag-sender/20180813022044Jps2xJ1qsv0",
        TAG_RECIPIENTS_ANSWER,
        params={
            "startRequestDate": "2018-08-13 00:00:00",
            "endRequestDate": "2018-08-14 00:00:00",
            "recipientNum": "01000000000",
            "startResultDate": "2018-08-13 01:02:03",
            "endResultDate": "2018-08-15 04:05:06",
            "msgStatusName": "COMPLETED",
            "resultCode": "MTR2",
            "pageNum": "2",
            "pageSize": "50",
        },
        parsed=lambda page: (page.items[0].recipient_seq, page.items[0].receive_date),
        expected=(99, seoul(2018, 8, 13, 2, 20, 53)),
    ),
    Case(
        "N17",
        lambda c: c.get_tag_send_recipient("20180813022044Jps2xJ1qsv0", 14),
        "GET",
        "/tag-sender/20180813022044Jps2xJ1qsv0/14",
        TAG_RECIPIENT_ANSWER,
        parsed=lambda detail: (detail.recipient_num, detail.message_type, detail.attach_file_list),
        expected=("01000000000", "SMS", ()),
    ),
    # attachments
    Case(
        "N18",
        lambda c: c.upload_attachment("attachment.jpg", JPEG, "CreateUser"),
        "POST",
        "/attachfile/binaryUpload",
        UPLOAD_ANSWER,
        body={"fileName": "attachment.jpg", "createUser": "CreateUser", "fileBody": base64.b64encode(JPEG).decode()},
        parsed=lambda uploaded: (uploaded.file_id, uploaded.file_name),
        expected=(0, "attachment.jpg"),
    ),
    # categories
    Case(
        "N19",
        lambda c: c.create_category(
            CategoryCreate(
                category_parent_id=0,
                category_name="カテゴリー",
                category_desc="説明",
                use_yn=True,
                create_user="tester",
            )
        ),
        "POST",
        "/categories",
        CATEGORY_CREATED_ANSWER,
        body={
            "categoryParentId": 0,
            "categoryName": "カテゴリー",
            "categoryDesc": "説明",
            "useYn": "Y",
            "createUser": "tester",
        },
        parsed=lambda category: (category.category_id, category.use_yn),
        expected=(0, None),
    ),
    Case(
        "N20",
        lambda c: c.list_categories(PageQuery(page_num=1, page_size=15)),
        "GET",
        "/categories",
        paged(CATEGORY_ITEM),
        params={"pageNum": "1", "pageSize": "15"},
        parsed=lambda page: (page.items[0].category_id, page.items[0].use_yn),
        expected=(137612, True),
    ),
    Case(
        "N21",
        lambda c: c.get_category(137612),
        "GET",
        "/categories/137612",
        single(f"[{CATEGORY_ITEM}]"),
        parsed=lambda category: (category.category_name, category.create_date),
        expected=("カテゴリー", seoul(2018, 4, 17, 15, 39, 56)),
    ),
    Case(
        "N22",
        lambda c: c.update_category(
            137612, CategoryUpdate(category_name="カテゴリー", category_desc="説明", use_yn=False, update_user="tester")
        ),
        "PUT",
        "/categories/137612",
        EMPTY_ANSWER,
        body={"categoryName": "カテゴリー", "categoryDesc": "説明", "useYn": "N", "updateUser": "tester"},
    ),
    Case("N23", lambda c: c.delete_category(137612), "DELETE", "/categories/137612", EMPTY_ANSWER),
    # templates
    Case(
        "N24",
        lambda c: c.create_template(
            TemplateCreate(
                category_id=199376,
                template_id="TemplateId",
                template_name="テンプレート送信例",
                template_desc="テンプレート送信例",
                send_no="01012341234",
                send_type="1",
                title="example",
                body="一般送信テスト用です。\r\n##key1##さん。\r\n##key2## です。",
                use_yn=True,
                attach_file_id_list=(123123, 456456),
            )
        ),
        "POST",
        "/templates",
        EMPTY_ANSWER,
        body={
            "categoryId": 199376,
            "templateId": "TemplateId",
            "templateName": "テンプレート送信例",
            "templateDesc": "テンプレート送信例",
            "sendNo": "01012341234",
            "sendType": "1",
            "title": "example",
            "body": "一般送信テスト用です。\r\n##key1##さん。\r\n##key2## です。",
            "useYn": "Y",
            "attachFileIdList": [123123, 456456],
        },
    ),
    Case(
        "N25",
        lambda c: c.list_templates(TemplateQuery(category_id=415975, use_yn=True)),
        "GET",
        "/templates",
        paged(TEMPLATE_ITEM),
        params={"categoryId": "415975", "useYn": "Y"},
        parsed=lambda page: (
            page.items[0].template_id,
            page.items[0].del_yn,
            page.items[0].attach_file_list[0].attach_type,
        ),
        expected=("0cc60fce-4251-44a0-bbdf-06b863ac2212", False, 2),
    ),
    Case(
        "N26",
        lambda c: c.get_template("Template Id/1"),
        "GET",
        "/templates/Template%20Id%2F1",
        single(TEMPLATE_ITEM),
        parsed=lambda template: (template.send_type_name, template.attach_file_yn),
        expected=("SMS 발송", True),
    ),
    Case(
        "N27",
        lambda c: c.update_template(
            "TemplateId",
            TemplateUpdate(
                template_name="name",
                template_desc="desc",
                send_no="15446859",
                send_type="1",
                title="title",
                body="body",
                use_yn=True,
                attach_file_id_list=(0, 1),
            ),
        ),
        "PUT",
        "/templates/TemplateId",
        EMPTY_ANSWER,
        body={
            "templateName": "name",
            "templateDesc": "desc",
            "sendNo": "15446859",
            "sendType": "1",
            "title": "title",
            "body": "body",
            "useYn": "Y",
            "attachFileIdList": [0, 1],
        },
    ),
    Case("N28", lambda c: c.delete_template("TemplateId"), "DELETE", "/templates/TemplateId", EMPTY_ANSWER),
    # 080 opt-outs
    Case(
        "N29",
        lambda c: c.add_blocked_recipients("0800000000", ["0100000000", "0100000001"]),
        "POST",
        "/blockservice/recipients",
        '{"header": {"isSuccessful": true, "resultCode": 0, "resultMessage": "Success"}}',
        body={"unsubscribeNo": "0800000000", "recipientNoList": ["0100000000", "0100000001"]},
    ),
    Case(
        "N30",
        lambda c: c.list_blocked_recipients(
            BlockedRecipientQuery(
                unsubscribe_no="0808888888",
                recipient_no="01000000000",
                start_request_date=seoul(2018, 5, 14, 0, 0, 0),
                end_request_date=seoul(2018, 5, 15, 12, 34, 56),
                page_num=2,
                page_size=40,
            )
        ),
        "GET",
        "/blockservice/recipients",
        BLOCKED_ANSWER,
        params={
            "unsubscribeNo": "0808888888",
            "recipientNo": "01000000000",
            "startRequestDate": "2018-05-14 00:00:00",
            "endRequestDate": "2018-05-15 12:34:56",
            "pageNum": "2",
            "pageSize": "40",
        },
        parsed=lambda page: (page.items[0].recipient_no, page.items[0].request_date),
        expected=("01000000000", seoul(2018, 5, 14, 17, 7, 29)),
    ),
    Case(
        "N31",
        lambda c: c.delete_blocked_recipients("0800000000", ["0100000000", "0100000001"], "tester"),
        "DELETE",
        "/blockservice/recipients/removes",
        NULL_BODY_ANSWER,
        params={"unsubscribeNo": "0800000000", "updateUser": "tester", "recipientNoList": "0100000000,0100000001"},
    ),
    # sender numbers, statistics
    Case(
        "N32",
        lambda c: c.list_sender_numbers(
            SenderNumberQuery(send_no="01012341234", use_yn=True, block_yn=False, page_num=2, page_size=25)
        ),
        "GET",
        "/sendNos",
        SENDER_NUMBERS_ANSWER,
        params={"sendNo": "01012341234", "useYn": "Y", "blockYn": "N", "pageNum": "2", "pageSize": "25"},
        parsed=lambda page: ([number.send_no for number in page.items], page.items[0].block_yn),
        expected=(["01012341234", "12341234"], False),
    ),
    Case(
        "N33",
        lambda c: c.get_statistics(
            StatisticsQuery(
                search_type="DATE",
                from_=minute(2018, 6, 1, 0, 0),
                to=minute(2018, 6, 30, 23, 59),
                message_types="SMS",
                content_types="NORMAL",
                template_id="TemplateId",
            )
        ),
        "GET",
        "/statistics/view",
        STATISTICS_ANSWER,
        params={
            "searchType": "DATE",
            "from": "2018-06-01 00:00",
            "to": "2018-06-30 23:59",
            "messageTypes": "SMS",
            "contentTypes": "NORMAL",
            "templateId": "TemplateId",
        },
        parsed=lambda rows: (
            rows[0].division_name,
            rows[0].statistics_view.succeed_count,
            rows[0].statistics_view.succeed_rate,
        ),
        expected=("2018-06-01", 10, "100.00"),
    ),
    # reservations
    Case(
        "N34",
        lambda c: c.list_reservations(
            ReservationQuery(
                send_type="1",
                request_id="20180810100630ReZQ6KZzAH0",
                start_request_date=seoul(2018, 8, 10, 0, 0, 0),
                end_request_date=seoul(2018, 8, 11, 0, 0, 0),
                start_create_date=seoul(2018, 8, 9, 1, 2, 3),
                end_create_date=seoul(2018, 8, 9, 4, 5, 6),
                send_no="15446859",
                recipient_no="01000000000",
                template_id="TemplateId",
                message_status="RESERVED",
                page_num=2,
                page_size=100,
            )
        ),
        "GET",
        "/reservations",
        paged(RESERVATION_ITEM),
        params={
            "sendType": "1",
            "requestId": "20180810100630ReZQ6KZzAH0",
            "startRequestDate": "2018-08-10 00:00:00",
            "endRequestDate": "2018-08-11 00:00:00",
            "startCreateDate": "2018-08-09 01:02:03",
            "endCreateDate": "2018-08-09 04:05:06",
            "sendNo": "15446859",
            "recipientNo": "01000000000",
            "templateId": "TemplateId",
            "messageStatus": "RESERVED",
            "pageNum": "2",
            "pageSize": "100",
        },
        parsed=lambda page: (page.items[0].recipient_seq, page.items[0].template_parameter, page.items[0].ad_yn),
        expected=(1, '{"key":"value"}', False),
    ),
    Case(
        "N35",
        lambda c: c.get_reservation("20180810100630ReZQ6KZzAH0", 1),
        "GET",
        "/reservations/20180810100630ReZQ6KZzAH0/1",
        single(
            RESERVATION_ITEM[:-1] + ', "attachFileList": [{"fileId": 0, '
            '"filePath": "26606/toast-mt-2018-02-07/1555/105887/", "fileName": "file_attach_test.jpg"}]}'
        ),
        parsed=lambda reservation: (reservation.request_date, reservation.attach_file_list[0].file_name),
        expected=(seoul(2018, 8, 10, 10, 0, 0), "file_attach_test.jpg"),
    ),
    Case(
        "N36",
        lambda c: c.cancel_reservations(
            [ReservationKey(request_id="20180810100630ReZQ6KZzAH0", recipient_seq=1)], update_user="tester"
        ),
        "PUT",
        "/reservations/cancel",
        CANCEL_ANSWER,
        body={
            "reservationList": [{"requestId": "20180810100630ReZQ6KZzAH0", "recipientSeq": 1}],
            "updateUser": "tester",
        },
        parsed=lambda result: (result.requested_count, result.canceled_count),
        expected=(1, 1),
    ),
    # CSV exports
    Case(
        "N37",
        lambda c: c.request_download(
            DownloadRequest(
                send_type="1",
                request_id="20190601100630ReZQ6KZzAH0",
                start_request_date=seoul(2019, 6, 1, 0, 0, 0),
                end_request_date=seoul(2019, 6, 8, 0, 0, 0),
                start_create_date=seoul(2019, 6, 1, 1, 2, 3),
                end_create_date=seoul(2019, 6, 8, 4, 5, 6),
                start_result_date=seoul(2019, 6, 2, 7, 8, 9),
                end_result_date=seoul(2019, 6, 9, 10, 11, 12),
                send_no="15446859",
                recipient_no="01000000000",
                template_id="TemplateId",
                msg_status="3",
                result_code="MTR2",
                sub_result_code="MTR2_3",
                sender_grouping_key="SenderGroupingKey",
                recipient_grouping_key="RecipientGroupingKey",
                is_include_title_and_body=True,
            )
        ),
        "POST",
        "/sender/download-reservations",
        DOWNLOAD_CREATED_ANSWER,
        body={
            "sendType": "1",
            "requestId": "20190601100630ReZQ6KZzAH0",
            "startRequestDate": "2019-06-01 00:00:00",
            "endRequestDate": "2019-06-08 00:00:00",
            "startCreateDate": "2019-06-01 01:02:03",
            "endCreateDate": "2019-06-08 04:05:06",
            "startResultDate": "2019-06-02 07:08:09",
            "endResultDate": "2019-06-09 10:11:12",
            "sendNo": "15446859",
            "recipientNo": "01000000000",
            "templateId": "TemplateId",
            "msgStatus": "3",
            "resultCode": "MTR2",
            "subResultCode": "MTR2_3",
            "senderGroupingKey": "SenderGroupingKey",
            "recipientGroupingKey": "RecipientGroupingKey",
            "isIncludeTitleAndBody": True,
        },
        parsed=lambda export: (export.download_id, export.download_status_code, export.expired_date),
        expected=("20190610100630ReZQ6KZzAH0", "COMPLETED", seoul(2019, 7, 9, 10, 6, 0)),
    ),
    Case(
        "N38",
        lambda c: c.list_download_reservations(
            DownloadQuery(
                download_id="20190610100630ReZQ6KZzAH0", download_status_code="COMPLETED", page_num=2, page_size=10
            )
        ),
        "GET",
        "/download-reservations",
        DOWNLOADS_ANSWER,
        params={
            "downloadId": "20190610100630ReZQ6KZzAH0",
            "downloadStatusCode": "COMPLETED",
            "pageNum": "2",
            "pageSize": "10",
        },
        parsed=lambda page: (page.page_num, page.total_count, page.items[0].size, page.items[0].expired_date),
        expected=(2, 0, 0, None),
    ),
    # tags
    Case(
        "N40",
        lambda c: c.list_tags(PageQuery(page_num=1, page_size=1)),
        "GET",
        "/tags",
        TAGS_ANSWER,
        params={"pageNum": "1", "pageSize": "1"},
        parsed=lambda page: (page.items[0].tag_id, page.items[0].updated_date),
        expected=("ABCD1234", seoul(2019, 1, 1, 0, 0, 0)),
    ),
    Case(
        "N41",
        lambda c: c.create_tag("TAG"),
        "POST",
        "/tags",
        TAG_CREATED_ANSWER,
        body={"tagName": "TAG"},
        expected="ABCD1234",
    ),
    Case(
        "N42",
        lambda c: c.update_tag("ABCD1234", "TAG2"),
        "PUT",
        "/tags/ABCD1234",
        NULL_BODY_ANSWER,
        body={"tagName": "TAG2"},
    ),
    Case("N43", lambda c: c.delete_tag("ABCD1234"), "DELETE", "/tags/ABCD1234", NULL_BODY_ANSWER),
    # UIDs and their phone numbers
    Case(
        "N44",
        lambda c: c.list_uids(UidQuery(wheres=("tagId1", "AND", "tagId2"), offset_uid="UID", offset=0, limit=15)),
        "GET",
        "/uids",
        UIDS_ANSWER,
        params={"wheres": "tagId1,AND,tagId2", "offsetUid": "UID", "offset": "0", "limit": "15"},
        parsed=lambda page: (page.last, page.total_count, page.uids[0].uid, page.uids[0].contacts[0].contact_type),
        expected=(False, 5, "UID", "PHONE_NUMBER"),
    ),
    Case(
        "N45",
        lambda c: c.get_uid("UID"),
        "GET",
        "/uids/UID",
        UID_ANSWER,
        parsed=lambda uid: (uid.tags[0].tag_name, uid.contacts[0].contact),
        expected=("TAG", "0100000000"),
    ),
    Case(
        "N46",
        lambda c: c.create_uids(
            [UidRegistration(uid="UID", tag_ids=("ABCD1234",), contacts=(NewContact(contact="0100000000"),))]
        ),
        "POST",
        "/uids",
        NULL_BODY_ANSWER,
        body={
            "uids": [
                {
                    "uid": "UID",
                    "tagIds": ["ABCD1234"],
                    "contacts": [{"contactType": "PHONE_NUMBER", "contact": "0100000000"}],
                }
            ]
        },
    ),
    Case("N47", lambda c: c.delete_uid("UID"), "DELETE", "/uids/UID", NULL_BODY_ANSWER),
    Case(
        "N48",
        lambda c: c.add_phone_number("UID", "0100000000"),
        "POST",
        "/uids/UID/phone-numbers",
        NULL_BODY_ANSWER,
        body={"phoneNumber": "0100000000"},
    ),
    Case(
        "N49",
        lambda c: c.delete_phone_number("UID", "0100000000"),
        "DELETE",
        "/uids/UID/phone-numbers/0100000000",
        NULL_BODY_ANSWER,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
async def test_endpoint_sends_the_documented_request(case: Case, client: NhnClient, api: respx.MockRouter) -> None:
    route = api.route().mock(return_value=httpx.Response(200, content=case.answer.encode()))

    result = await case.call(client)

    assert route.call_count == 1
    request = route.calls.last.request
    assert request.method == case.method
    assert request.url.raw_path.decode().split("?")[0] == PREFIX + case.path
    assert sorted(request.url.params.multi_items()) == sorted(case.params.items())
    assert request.headers["X-Secret-Key"] == SECRET_KEY
    if case.body is None:
        assert request.content == b""
    else:
        assert request.headers["Content-Type"].startswith("application/json")
        assert json.loads(request.content) == case.body
    assert case.parsed(result) == case.expected


# --- failures ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "error_class"),
    [(-1000, NhnAuthenticationError), (-2016, SendError)],
)
async def test_unsuccessful_answer_with_http_200_raises_the_typed_error(
    code: int, error_class: type[NhnError], client: NhnClient, api: respx.MockRouter
) -> None:
    answer = {"header": {"isSuccessful": False, "resultCode": code, "resultMessage": "refused"}, "body": None}
    api.post(f"{PREFIX}/sender/sms").mock(return_value=httpx.Response(200, json=answer))

    with pytest.raises(error_class) as caught:
        await client.send_sms(SMS_REQUEST)

    assert caught.value.result_code == code
    assert caught.value.status_code == 200


ACCEPTED_DATA = {"data": {"requestId": "R1", "statusCode": "2", "sendResultList": []}}


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ({"resultCode": 0, "resultMessage": "SUCCESS"}, "header.isSuccessful is missing or null, not true or false"),
        (
            {"isSuccessful": None, "resultCode": 0, "resultMessage": "SUCCESS"},
            "header.isSuccessful is missing or null, not true or false",
        ),
        (
            {"isSuccessful": "true", "resultCode": 0, "resultMessage": "SUCCESS"},
            "header.isSuccessful is a string, not true or false",
        ),
        ({"isSuccessful": 1, "resultCode": 0}, "header.isSuccessful is a number, not true or false"),
        (
            {"isSuccessful": False, "resultCode": 0, "resultMessage": "SUCCESS"},
            "header says isSuccessful false without a failure code",
        ),
        ({"isSuccessful": False, "resultMessage": "?"}, "header says isSuccessful false without a failure code"),
        ({"isSuccessful": False, "resultCode": "x"}, "header says isSuccessful false without a failure code"),
        (
            {"isSuccessful": True, "resultCode": -2019, "resultMessage": "FAIL"},
            "header says isSuccessful true beside a failure code (resultCode -2019",
        ),
        ({"isSuccessful": True, "resultCode": "-2019"}, "header says isSuccessful true beside a failure code"),
    ],
)
async def test_an_envelope_that_is_neither_success_nor_failure_is_malformed(
    header: dict[str, Any], problem: str, client: NhnClient, api: respx.MockRouter
) -> None:
    """Not a refusal: NHN may have taken the send, which a BadRequestError would deny."""
    answer = {"header": header, "body": ACCEPTED_DATA}
    api.post(f"{PREFIX}/sender/sms").mock(return_value=httpx.Response(200, json=answer))

    with pytest.raises(errors.MalformedResponseError) as caught:
        await client.send_sms(SMS_REQUEST)

    assert caught.value.message.startswith(problem)
    assert (caught.value.status_code, caught.value.code) == (200, None)


@pytest.mark.parametrize(
    "header",
    [{"isSuccessful": True}, {"isSuccessful": True, "resultCode": "0"}, {"isSuccessful": True, "resultCode": ""}],
)
async def test_a_success_without_a_code_or_with_zero_as_text_is_read(
    header: dict[str, Any], client: NhnClient, api: respx.MockRouter
) -> None:
    answer = {"header": header, "body": ACCEPTED_DATA}
    api.post(f"{PREFIX}/sender/sms").mock(return_value=httpx.Response(200, json=answer))

    sent = await client.send_sms(SMS_REQUEST)

    assert sent.request_id == "R1"


async def test_a_result_code_given_as_a_numeric_string_is_still_read(client: NhnClient, api: respx.MockRouter) -> None:
    answer = {"header": {"isSuccessful": False, "resultCode": "-2016", "resultMessage": "too many"}}
    api.post(f"{PREFIX}/sender/sms").mock(return_value=httpx.Response(200, json=answer))

    with pytest.raises(SendError) as caught:
        await client.send_sms(SMS_REQUEST)

    assert caught.value.result_code == -2016


@pytest.mark.parametrize(
    ("status", "code", "error_class"),
    [
        (429, -9999, NhnRateLimitedError),
        (500, -2019, NhnServerError),
        (502, -1000, NhnServerError),
        (400, -2019, SendError),
        (401, -1000, NhnAuthenticationError),
    ],
)
async def test_an_http_error_with_an_envelope_keeps_the_class_of_a_429_or_5xx(
    status: int, code: int, error_class: type[NhnError], client: NhnClient, api: respx.MockRouter
) -> None:
    """A 429 was refused before processing and a 5xx may have been processed, whatever the
    code says; a 4xx otherwise is typed by its code. The code and message come along."""
    answer = {"header": {"isSuccessful": False, "resultCode": code, "resultMessage": "refused"}}
    answered = httpx.Response(status, json=answer, headers={"Retry-After": "7"})
    api.post(f"{PREFIX}/sender/sms").mock(return_value=answered)

    with pytest.raises(error_class) as caught:
        await client.send_sms(SMS_REQUEST)

    assert type(caught.value) is error_class
    assert (caught.value.status_code, caught.value.result_code, caught.value.message) == (status, code, "refused")
    if isinstance(caught.value, errors.RateLimitedError):
        assert caught.value.retry_after == 7.0


SHOWN_PREFIX = "/sms/v2.2/appKeys/***"
"""The path prefix an error names: the appKey redacted (``PREFIX`` holds it URL-quoted)."""


def assert_shows_no_key(error: BaseException) -> None:
    """Neither key, in any form, in the text of ``error`` or of any exception of its chain."""
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None:
            continue
        texts = [str(current), repr(current), repr(current.args), repr(vars(current))]
        assert not any(key in text for key in (APP_KEY, "app%2Fkey%2B1", SECRET_KEY) for text in texts)
        pending += [current.__cause__, current.__context__]


async def test_a_failure_inside_an_http_200_answer_names_the_request_with_the_app_key_redacted(
    client: NhnClient, api: respx.MockRouter
) -> None:
    """An application calls many endpoints: the error says which call NHN refused."""
    answer = {
        "header": {"isSuccessful": False, "resultCode": -2312, "resultMessage": "발신번호가 비어있거나 미등록 상태"}
    }
    api.post(f"{PREFIX}/sender/sms").respond(200, json=answer)

    with pytest.raises(SenderNumberError) as caught:
        await client.send_sms(SMS_REQUEST)

    assert (caught.value.method, caught.value.path) == ("POST", f"{SHOWN_PREFIX}/sender/sms")
    assert str(caught.value) == (
        f"nhn: 발신번호가 비어있거나 미등록 상태 (POST {SHOWN_PREFIX}/sender/sms, HTTP 200, code -2312)"
    )
    assert_shows_no_key(caught.value)


@pytest.mark.parametrize(
    ("status", "answer", "error_class", "shown"),
    [
        (
            400,
            {"header": {"isSuccessful": False, "resultCode": -2102, "resultMessage": "bad template"}},
            TemplateError,
            "nhn: bad template (PUT {prefix}/templates/T%2F1, HTTP 400, code -2102)",
        ),
        (
            503,
            {"header": {"isSuccessful": False, "resultCode": -9999, "resultMessage": "busy"}},
            NhnServerError,
            "nhn: busy (PUT {prefix}/templates/T%2F1, HTTP 503, code -9999)",
        ),
        (
            404,
            "<html>no such page</html>",
            NhnNotFoundError,
            "nhn: HTTP 404: <html>no such page</html> (PUT {prefix}/templates/T%2F1, HTTP 404)",
        ),
    ],
    ids=["400-envelope", "503-envelope", "404-page"],
)
async def test_an_http_error_status_names_the_request_with_the_app_key_redacted(
    status: int,
    answer: Any,
    error_class: type[NhnError],
    shown: str,
    client: NhnClient,
    api: respx.MockRouter,
) -> None:
    """The path as sent: an id in it stays percent-encoded, as it went out."""
    route = api.put(f"{PREFIX}/templates/T%2F1")
    route.respond(status, **({"text": answer} if isinstance(answer, str) else {"json": answer}))

    with pytest.raises(error_class) as caught:
        await client.update_template("T/1", template_change())

    assert type(caught.value) is error_class
    assert (caught.value.method, caught.value.path) == ("PUT", f"{SHOWN_PREFIX}/templates/T%2F1")
    assert str(caught.value) == shown.format(prefix=SHOWN_PREFIX)
    assert_shows_no_key(caught.value)


async def test_a_look_up_error_names_the_path_without_the_query_and_its_phone_number(
    client: NhnClient, api: respx.MockRouter
) -> None:
    answer = {"header": {"isSuccessful": False, "resultCode": -2008, "resultMessage": "no such request"}}
    api.get(f"{PREFIX}/sender/sms").respond(200, json=answer)

    with pytest.raises(SendNotFoundError) as caught:
        await client.list_sms(SEND_QUERY)

    assert str(caught.value) == f"nhn: no such request (GET {SHOWN_PREFIX}/sender/sms, HTTP 200, code -2008)"
    assert SEND_QUERY.recipient_no not in repr(vars(caught.value))


@pytest.mark.parametrize(
    ("answer", "error_class", "shown"),
    [
        (
            {"header": {"isSuccessful": False, "resultCode": -2008, "resultMessage": "no such download"}},
            SendNotFoundError,
            "nhn: no such download (GET {prefix}/download-reservations/D1/download, HTTP 200, code -2008)",
        ),
        (
            {"header": {"resultCode": 0}},
            errors.MalformedResponseError,
            "nhn: header.isSuccessful is missing or null, not true or false (resultCode 0, resultMessage None) "
            "(GET {prefix}/download-reservations/D1/download, HTTP 200)",
        ),
    ],
    ids=["failure", "malformed"],
)
async def test_a_download_answered_with_an_envelope_names_the_request(
    answer: dict[str, Any],
    error_class: type[errors.ProviderError],
    shown: str,
    client: NhnClient,
    api: respx.MockRouter,
) -> None:
    api.get(f"{PREFIX}/download-reservations/D1/download").respond(200, json=answer)

    with pytest.raises(error_class) as caught:
        async with client.download("D1") as chunks:
            assert [chunk async for chunk in chunks] == []

    assert str(caught.value) == shown.format(prefix=SHOWN_PREFIX)
    assert_shows_no_key(caught.value)


async def test_an_answer_that_is_not_json_names_the_request(client: NhnClient, api: respx.MockRouter) -> None:
    api.delete(f"{PREFIX}/templates/T1").respond(200, text=f"<html>{APP_KEY} blocked</html>")

    with pytest.raises(errors.MalformedResponseError) as caught:
        await client.delete_template("T1")

    assert str(caught.value) == (
        f"nhn: answer is not JSON: '<html>*** blocked</html>' (DELETE {SHOWN_PREFIX}/templates/T1, HTTP 200)"
    )
    assert_shows_no_key(caught.value)


def successful(body: Any) -> dict[str, Any]:
    """A successful NHN envelope around ``body``."""
    return {"header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"}, "body": body}


@pytest.mark.parametrize("body", [{"data": {"requestId": ["not", "text"]}}, "a text"])
async def test_an_answer_that_does_not_fit_its_model_names_the_request(
    body: Any, client: NhnClient, api: respx.MockRouter
) -> None:
    """Read after the envelope checked out: the request is named as for a refusal, its query
    (``mtPr``) left out."""
    api.get(f"{PREFIX}/sender/sms/R1").respond(200, json=successful(body))

    with pytest.raises(errors.MalformedResponseError) as caught:
        await client.get_sms("R1", 1)

    assert (caught.value.method, caught.value.path) == ("GET", f"{SHOWN_PREFIX}/sender/sms/R1")
    assert str(caught.value).startswith("nhn: answer does not match SentMessage: ")
    assert str(caught.value).endswith(f"(GET {SHOWN_PREFIX}/sender/sms/R1, HTTP 200)")
    assert_shows_no_key(caught.value)


@pytest.mark.parametrize("body", ["a text", {"data": {"not": "a list"}}, {"data": [{"requestId": ["x"]}]}])
async def test_a_page_that_does_not_fit_names_the_request(body: Any, client: NhnClient, api: respx.MockRouter) -> None:
    api.get(f"{PREFIX}/sender/sms").respond(200, json=successful(body))

    with pytest.raises(errors.MalformedResponseError) as caught:
        await client.list_sms(SEND_QUERY)

    assert (caught.value.method, caught.value.path) == ("GET", f"{SHOWN_PREFIX}/sender/sms")
    assert str(caught.value).endswith(f"(GET {SHOWN_PREFIX}/sender/sms, HTTP 200)")
    assert SEND_QUERY.recipient_no not in repr(vars(caught.value))
    assert_shows_no_key(caught.value)


async def test_a_send_is_not_retried_after_a_server_error(api: respx.MockRouter) -> None:
    route = api.post(f"{PREFIX}/sender/sms").mock(return_value=httpx.Response(503))

    async with NhnClient(app_key=APP_KEY) as nhn:
        with pytest.raises(errors.ServerError):
            await nhn.send_sms(SMS_REQUEST)

    assert route.call_count == 1


SYSTEM_ERROR_ANSWER = """{"header": {"isSuccessful": false, "resultCode": -9999, "resultMessage": "System error"}}"""
"""NHN's own failure, reported with HTTP 200 (error table: -9999)."""


async def test_a_look_up_answered_with_a_system_error_envelope_is_retried_as_a_500_would_be(
    api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A -9999 with HTTP 200 is the server's failure as much as a 500 is: a look-up is tried
    again (the same request), under the same retry budget."""
    monkeypatch.setattr("krsms.transport.anyio.sleep", _no_wait)
    route = api.get(f"{PREFIX}/sendNos").mock(
        side_effect=[
            httpx.Response(200, content=SYSTEM_ERROR_ANSWER.encode()),
            httpx.Response(200, content=SENDER_NUMBERS_ANSWER.encode()),
        ]
    )
    async with NhnClient(app_key=APP_KEY, retry=RetryPolicy(max_attempts=3)) as nhn:
        numbers = await nhn.list_sender_numbers()

    assert numbers
    assert route.call_count == 2
    first, second = (call.request for call in route.calls)
    assert (first.method, str(first.url)) == (second.method, str(second.url))


async def test_a_system_error_envelope_that_outlasts_the_retries_is_raised(
    api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("krsms.transport.anyio.sleep", _no_wait)
    route = api.get(f"{PREFIX}/sendNos").mock(return_value=httpx.Response(200, content=SYSTEM_ERROR_ANSWER.encode()))
    async with NhnClient(app_key=APP_KEY, retry=RetryPolicy(max_attempts=3)) as nhn:
        with pytest.raises(NhnServerError) as caught:
            await nhn.list_sender_numbers()

    assert caught.value.result_code == -9999
    assert route.call_count == 3


@pytest.mark.parametrize(("unsafe", "requests"), [(False, 1), (True, 2)])
async def test_a_send_answered_with_a_system_error_envelope_is_retried_only_as_unsafe_sends_are(
    api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch, unsafe: bool, requests: int
) -> None:
    """The send may have been processed: like after a 500, it goes again only with
    ``retry_unsafe_sends``."""
    monkeypatch.setattr("krsms.transport.anyio.sleep", _no_wait)
    route = api.post(f"{PREFIX}/sender/sms").mock(
        side_effect=[
            httpx.Response(200, content=SYSTEM_ERROR_ANSWER.encode()),
            httpx.Response(200, content=SEND_ANSWER.encode()),
        ]
    )
    async with NhnClient(app_key=APP_KEY, retry=RetryPolicy(max_attempts=3, retry_unsafe_sends=unsafe)) as nhn:
        if unsafe:
            await nhn.send_sms(SMS_REQUEST)
        else:
            with pytest.raises(NhnServerError):
                await nhn.send_sms(SMS_REQUEST)

    assert route.call_count == requests


async def _no_wait(seconds: float) -> None:
    """In place of the back-off's sleep."""


async def test_without_a_secret_key_no_secret_header_is_sent(api: respx.MockRouter) -> None:
    route = api.get(f"{PREFIX}/sender/sms/R1").mock(return_value=httpx.Response(200, content=single(SMS_ITEM).encode()))

    async with NhnClient(app_key=APP_KEY) as nhn:
        await nhn.get_sms("R1", 1)

    assert "X-Secret-Key" not in route.calls.last.request.headers


async def test_get_category_without_data_is_not_found(client: NhnClient, api: respx.MockRouter) -> None:
    api.get(f"{PREFIX}/categories/7").mock(return_value=httpx.Response(200, content=single("[]").encode()))

    with pytest.raises(CategoryNotFoundError) as caught:
        await client.get_category(7)

    assert isinstance(caught.value, errors.NotFoundError)
    assert not caught.value.fatal  # not NhnNotFoundError, which means a wrong base URL
    assert (caught.value.code, caught.value.message) == (None, "category 7 not found")
    # The answer it read, as every other NHN error names it.
    assert (caught.value.method, caught.value.path, caught.value.status_code) == (
        "GET",
        f"{SHOWN_PREFIX}/categories/7",
        200,
    )


def message_results_answer(shape: str) -> str:
    """N12's example answer (``body.data[]``) or the shape its table gives
    (``body.data.resultUpdateList[]``); its one result is the only one (``totalCount`` 1)."""
    answer = json.loads(MESSAGE_RESULTS_ANSWER)
    answer["body"]["totalCount"] = 1
    if shape == "table":
        answer["body"]["data"] = {"resultUpdateList": answer["body"]["data"]}
    return json.dumps(answer)


MESSAGE_RESULT_QUERY = MessageResultQuery(
    start_update_date=seoul(2023, 9, 14, 10), end_update_date=seoul(2023, 9, 14, 11), page_size=30
)


@pytest.mark.parametrize("shape", ["example", "table"])
async def test_message_results_are_read_in_both_documented_shapes(
    shape: str, client: NhnClient, api: respx.MockRouter
) -> None:
    api.get(f"{PREFIX}/message-results").respond(200, text=message_results_answer(shape))

    page = await client.list_message_results(MESSAGE_RESULT_QUERY)
    every = [result async for result in client.iter_message_results(MESSAGE_RESULT_QUERY)]

    assert [(result.request_id, result.recipient_seq, result.telecom_code) for result in page.items] == [
        ("20230914101505oAJTbxHkIB0", 1, "10002")
    ]
    assert (page.page_num, page.page_size, page.total_count) == (1, 15, 1)
    assert every == list(page.items)


async def test_message_results_in_the_table_shape_page_on_while_pages_come_back_full(
    client: NhnClient, api: respx.MockRouter
) -> None:
    """N12's table documents no paging numbers: a full page does not say it is the last."""
    entry = json.loads(MESSAGE_RESULTS_ANSWER)["body"]["data"][0]
    pages = {
        "1": [{**entry, "recipientSeq": seq} for seq in range(1, 1001)],
        "2": [{**entry, "recipientSeq": seq} for seq in range(1001, 1501)],
    }
    route = api.get(f"{PREFIX}/message-results").mock(
        side_effect=lambda request: httpx.Response(
            200,
            json={
                "header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"},
                "body": {"data": {"resultUpdateList": pages[request.url.params.get("pageNum", "1")]}},
            },
        )
    )
    query = attrs.evolve(MESSAGE_RESULT_QUERY, page_size=None)

    every = [result.recipient_seq async for result in client.iter_message_results(query)]
    first = await client.list_message_results(attrs.evolve(query, page_size=1000))

    assert every == list(range(1, 1501))
    assert [call.request.url.params.get("pageNum") for call in route.calls] == ["1", "2", None]
    assert (first.total_count, first.has_more) == (None, True)


async def test_message_results_data_without_its_list_is_malformed(client: NhnClient, api: respx.MockRouter) -> None:
    answer = json.loads(MESSAGE_RESULTS_ANSWER)
    answer["body"]["data"] = {"results": answer["body"]["data"]}
    api.get(f"{PREFIX}/message-results").respond(200, json=answer)

    with pytest.raises(errors.MalformedResponseError):
        await client.list_message_results(MESSAGE_RESULT_QUERY)


@pytest.mark.parametrize("body", [[], "none", 0])
async def test_a_page_whose_body_is_not_an_object_is_malformed(
    client: NhnClient, api: respx.MockRouter, body: object
) -> None:
    """Not an empty page: only a missing or null body is one."""
    answer = {"header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"}, "body": body}
    api.get(f"{PREFIX}/message-results").respond(200, json=answer)

    with pytest.raises(errors.MalformedResponseError, match="not an object"):
        await client.list_message_results(MESSAGE_RESULT_QUERY)


async def test_a_page_with_a_null_body_is_empty(client: NhnClient, api: respx.MockRouter) -> None:
    answer = {"header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"}, "body": None}
    api.get(f"{PREFIX}/message-results").respond(200, json=answer)

    page = await client.list_message_results(MESSAGE_RESULT_QUERY)
    assert (page.items, page.has_more) == ((), False)


# --- paging -----------------------------------------------------------------------------------


def sms_page(page_num: int, recipients: list[str], *, total: int) -> httpx.Response:
    items = [json.loads(SMS_ITEM) | {"recipientNo": number} for number in recipients]
    body = {"pageNum": page_num, "pageSize": 2, "totalCount": total, "data": items}
    return httpx.Response(200, json={"header": {"isSuccessful": True, "resultCode": 0}, "body": body})


async def test_iter_sms_fetches_every_page_in_order(client: NhnClient, api: respx.MockRouter) -> None:
    pages = {
        "1": sms_page(1, ["01000000001", "01000000002"], total=5),
        "2": sms_page(2, ["01000000003", "01000000004"], total=5),
        "3": sms_page(3, ["01000000005"], total=5),
    }
    route = api.get(f"{PREFIX}/sender/sms").mock(side_effect=lambda request: pages[request.url.params["pageNum"]])

    numbers = [sent.recipient_no async for sent in client.iter_sms(SendQuery(request_id="R1", page_size=2))]

    assert numbers == [f"0100000000{index}" for index in range(1, 6)]
    requests = [call.request for call in route.calls]
    assert [request.url.params["pageNum"] for request in requests] == ["1", "2", "3"]
    assert {request.url.params["pageSize"] for request in requests} == {"2"}
    assert {request.url.params["requestId"] for request in requests} == {"R1"}


async def test_iterators_ask_for_the_largest_page_unless_told(client: NhnClient, api: respx.MockRouter) -> None:
    route = api.get(f"{PREFIX}/reservations").mock(
        return_value=httpx.Response(200, content=paged(RESERVATION_ITEM).encode())
    )

    reservations = [reservation async for reservation in client.iter_reservations()]

    assert len(reservations) == 1
    assert dict(route.calls.last.request.url.params) == {"pageNum": "1", "pageSize": "1000"}


async def test_iter_uids_advances_the_offset_until_the_last_slice(client: NhnClient, api: respx.MockRouter) -> None:
    def slice_of(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        uids = [{"uid": f"UID{offset + index}"} for index in range(2 if offset < 4 else 1)]
        data = {"uids": uids, "last": offset >= 4, "totalCount": 5}
        return httpx.Response(200, json={"header": {"isSuccessful": True, "resultCode": 0}, "body": {"data": data}})

    route = api.get(f"{PREFIX}/uids").mock(side_effect=slice_of)

    uids = [uid.uid async for uid in client.iter_uids(UidQuery(limit=2))]

    assert uids == ["UID0", "UID1", "UID2", "UID3", "UID4"]
    assert [call.request.url.params["offset"] for call in route.calls] == ["0", "2", "4"]
    assert {call.request.url.params["limit"] for call in route.calls} == {"2"}


async def test_iter_uids_refuses_a_server_that_ignores_the_offset(client: NhnClient, api: respx.MockRouter) -> None:
    """The document's own N44 example (``last`` false, two of five UIDs) answered for every
    offset: without the guard the iteration never ends."""
    data = {"uids": [{"uid": "UID0"}, {"uid": "UID1"}], "last": False, "totalCount": 5}
    answer = {"header": {"isSuccessful": True, "resultCode": 0}, "body": {"data": data}}
    route = api.get(f"{PREFIX}/uids").respond(200, json=answer)

    with pytest.raises(errors.MalformedResponseError, match="ignores offset"):
        [uid async for uid in client.iter_uids(UidQuery(limit=2))]

    assert route.call_count == 2


def documented_tag_recipients(request: httpx.Request, *, total: int) -> httpx.Response:
    """N16 as its document's example answers: ``pageNum``, ``pageSize`` and ``totalCount`` 0
    beside the page's items."""
    page_num, page_size = int(request.url.params["pageNum"]), int(request.url.params["pageSize"])
    item = json.loads(TAG_RECIPIENTS_ANSWER)["body"]["data"][0]
    first = (page_num - 1) * page_size
    items = [item | {"recipientSeq": seq + 1} for seq in range(first, min(first + page_size, total))]
    body = {"pageNum": 0, "pageSize": 0, "totalCount": 0, "data": items}
    return httpx.Response(200, json={"header": {"isSuccessful": True, "resultCode": 0}, "body": body})


TAG_RECIPIENT_QUERY = TagRecipientQuery(
    start_request_date=seoul(2018, 8, 13), end_request_date=seoul(2018, 8, 14), page_size=2
)


@pytest.mark.parametrize(("total", "pages"), [(5, ["1", "2", "3"]), (4, ["1", "2", "3"]), (0, ["1"])])
async def test_iter_tag_send_recipients_pages_on_while_pages_are_full_when_the_counts_are_zero(
    total: int, pages: list[str], client: NhnClient, api: respx.MockRouter
) -> None:
    """The numbers do not add up, so a full page means "maybe more": 4 items of 2 a page end
    on an empty third page, 5 on a short one."""
    route = api.get(f"{PREFIX}/tag-sender/R1").mock(
        side_effect=lambda request: documented_tag_recipients(request, total=total)
    )

    seqs = [recipient.recipient_seq async for recipient in client.iter_tag_send_recipients("R1", TAG_RECIPIENT_QUERY)]

    assert seqs == list(range(1, total + 1))
    assert [call.request.url.params["pageNum"] for call in route.calls] == pages
    assert {call.request.url.params["pageSize"] for call in route.calls} == {"2"}


async def test_a_server_that_ignores_the_page_number_is_malformed_not_paged_forever(
    client: NhnClient, api: respx.MockRouter
) -> None:
    """Counts of 0 and the same full page for every ``pageNum``: the second page repeats the
    first, so the iteration stops with an error after yielding the first page once."""

    def first_page_whatever_asked(request: httpx.Request) -> httpx.Response:
        return documented_tag_recipients(httpx.Request("GET", request.url.copy_set_param("pageNum", "1")), total=9)

    route = api.get(f"{PREFIX}/tag-sender/R1").mock(side_effect=first_page_whatever_asked)
    seqs: list[int | None] = []

    async def read_every_page() -> None:
        async for recipient in client.iter_tag_send_recipients("R1", TAG_RECIPIENT_QUERY):
            seqs.append(recipient.recipient_seq)

    with pytest.raises(errors.MalformedResponseError, match="page 2 repeats page 1"):
        await read_every_page()

    assert seqs == [1, 2]
    assert [call.request.url.params["pageNum"] for call in route.calls] == ["1", "2"]


async def test_a_server_that_ignores_the_page_number_is_caught_while_the_statuses_on_its_page_change(
    client: NhnClient, api: respx.MockRouter
) -> None:
    """A tag send under way: each answer of the same first page has its recipients a step
    further (``msgStatus``), so no page equals the one before, yet it is the same page: the
    recipients it lists (``requestId``, ``recipientSeq``) say so."""
    statuses = iter(["1", "2", "3", "3", "3"])

    def first_page_a_step_on(request: httpx.Request) -> httpx.Response:
        answer = documented_tag_recipients(httpx.Request("GET", request.url.copy_set_param("pageNum", "1")), total=9)
        body = json.loads(answer.content)
        status = next(statuses, None)
        if status is None:  # the iteration did not see the repeat: end it rather than hang
            body["body"]["data"] = []
        for recipient in body["body"]["data"]:
            recipient["msgStatus"] = status
        return httpx.Response(200, json=body)

    route = api.get(f"{PREFIX}/tag-sender/R1").mock(side_effect=first_page_a_step_on)
    seqs: list[int | None] = []

    async def read_every_page() -> None:
        async for recipient in client.iter_tag_send_recipients("R1", TAG_RECIPIENT_QUERY):
            seqs.append(recipient.recipient_seq)

    with pytest.raises(errors.MalformedResponseError, match="page 2 repeats page 1"):
        await read_every_page()

    assert seqs == [1, 2]
    assert route.call_count == 2


async def test_iter_tag_sends_pages_on_when_the_total_is_below_the_items_received(
    client: NhnClient, api: respx.MockRouter
) -> None:
    item = json.loads(TAG_SENDS_ANSWER)["body"]["data"][0]

    def answer(request: httpx.Request) -> httpx.Response:
        page_num = int(request.url.params["pageNum"])
        items = [item | {"requestId": f"R{page_num}-{index}"} for index in range(2 if page_num < 3 else 1)]
        body = {"pageNum": page_num, "pageSize": 2, "totalCount": 1, "data": items}
        return httpx.Response(200, json={"header": {"isSuccessful": True, "resultCode": 0}, "body": body})

    route = api.get(f"{PREFIX}/tag-sender").mock(side_effect=answer)

    query = TagSendQuery(send_type="0", request_id="R", page_size=2)
    sends = [send.request_id async for send in client.iter_tag_sends(query)]

    assert sends == ["R1-0", "R1-1", "R2-0", "R2-1", "R3-0"]
    assert [call.request.url.params["pageNum"] for call in route.calls] == ["1", "2", "3"]


async def test_iteration_trusts_consistent_counts_over_a_full_page(client: NhnClient, api: respx.MockRouter) -> None:
    """A full last page whose ``totalCount`` says it is the last: no further request."""
    route = api.get(f"{PREFIX}/sender/sms").mock(
        side_effect=lambda request: sms_page(
            int(request.url.params["pageNum"]),
            ["01000000001", "01000000002"] if request.url.params["pageNum"] == "1" else ["01000000003", "01000000004"],
            total=4,
        )
    )

    numbers = [sent.recipient_no async for sent in client.iter_sms(SendQuery(request_id="R1", page_size=2))]

    assert numbers == ["01000000001", "01000000002", "01000000003", "01000000004"]
    assert [call.request.url.params["pageNum"] for call in route.calls] == ["1", "2"]


def tags_page(page_num: int, tag_ids: list[str], **numbers: int) -> httpx.Response:
    """An N40 page of ``tag_ids`` with the paging ``numbers`` given (``pageSize``, ``totalCount``)."""
    item = json.loads(TAGS_ANSWER)["body"]["data"][0]
    body = {"pageNum": page_num, **numbers, "data": [item | {"tagId": tag_id} for tag_id in tag_ids]}
    return httpx.Response(200, json={"header": {"isSuccessful": True, "resultCode": 0}, "body": body})


TAG_IDS = [f"T{index:02}" for index in range(12)]


@pytest.mark.parametrize("numbers", [{"pageSize": 5}, {"pageSize": 5, "totalCount": 0}], ids=["no total", "total 0"])
async def test_iteration_pages_on_when_the_answer_holds_fewer_a_page_than_asked(
    numbers: dict[str, int], client: NhnClient, api: respx.MockRouter
) -> None:
    """A server holding 5 a page whatever ``pageSize`` asks, with no total to go by: each page
    is full by the answer's own ``pageSize``, so more may follow (as ``has_more`` says)."""

    def five_a_page(request: httpx.Request) -> httpx.Response:
        page_num = int(request.url.params.get("pageNum", "1"))
        return tags_page(page_num, TAG_IDS[(page_num - 1) * 5 : page_num * 5], **numbers)

    route = api.get(f"{PREFIX}/tags").mock(side_effect=five_a_page)

    first = await client.list_tags(PageQuery(page_size=10))
    tag_ids = [tag.tag_id async for tag in client.iter_tags(PageQuery(page_size=10))]

    assert first.has_more is True
    assert tag_ids == TAG_IDS
    assert [call.request.url.params["pageNum"] for call in route.calls[1:]] == ["1", "2", "3"]


@pytest.mark.parametrize(("change", "listed"), [(3, "3 tags added"), (-3, "3 tags removed")])
async def test_a_total_that_changes_between_pages_ends_the_iteration_with_an_error(
    change: int, listed: str, client: NhnClient, api: respx.MockRouter
) -> None:
    """Tags created (or deleted) at the head of the list between two requests shift every
    later page: page 2 would repeat 3 tags of page 1 (or skip 3), so the iteration stops before
    yielding it rather than hand over a list that is not one."""
    before = TAG_IDS
    after = [f"N{index}" for index in range(change)] + TAG_IDS if change > 0 else TAG_IDS[-change:]

    def shifting(request: httpx.Request) -> httpx.Response:
        page_num = int(request.url.params["pageNum"])
        tag_ids = before if page_num == 1 else after
        return tags_page(page_num, tag_ids[(page_num - 1) * 5 : page_num * 5], pageSize=5, totalCount=len(tag_ids))

    api.get(f"{PREFIX}/tags").mock(side_effect=shifting)
    read: list[str] = []

    async def read_every_page() -> None:
        async for tag in client.iter_tags(PageQuery(page_size=5)):
            read.append(tag.tag_id)

    with pytest.raises(errors.MalformedResponseError, match=f"totalCount changed from 12 to {12 + change}") as caught:
        await read_every_page()

    assert read == TAG_IDS[:5], listed
    assert "changed while it was read" in str(caught.value)


async def test_null_paging_numbers_read_as_left_out(client: NhnClient, api: respx.MockRouter) -> None:
    """``pageNum``, ``pageSize`` and ``totalCount`` null, as N38 leaves out the first two: the
    page asked for, and no total; a page of 5 of the 5 asked then says more may follow."""

    def nulls(request: httpx.Request) -> httpx.Response:
        page_num = int(request.url.params["pageNum"])
        answer = tags_page(page_num, TAG_IDS[(page_num - 1) * 5 : page_num * 5], pageSize=0)
        body = json.loads(answer.content)
        body["body"] |= {"pageNum": None, "pageSize": None, "totalCount": None}
        return httpx.Response(200, json=body)

    api.get(f"{PREFIX}/tags").mock(side_effect=nulls)

    page = await client.list_tags(PageQuery(page_num=2, page_size=5))
    tag_ids = [tag.tag_id async for tag in client.iter_tags(PageQuery(page_size=5))]

    assert (page.page_num, page.page_size, page.total_count, page.has_more) == (2, 5, None, True)
    assert tag_ids == TAG_IDS


# --- attachments ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file_name", "content", "field"),
    [
        ("picture.png", JPEG, "file_name"),
        ("big.jpg", b"\xff\xd8" + b"\x00" * (300 * 1024), "content"),
        ("not-a-jpeg.jpg", b"GIF89a", "content"),
        ("truncated.jpg", b"\xff\xd8\x00" + b"\x00" * 64, "content"),  # a JPEG's first marker follows FF D8
    ],
)
async def test_upload_attachment_refuses_a_bad_file_before_any_request(
    file_name: str, content: bytes, field: str, client: NhnClient
) -> None:
    with respx.mock(base_url=HOST, assert_all_called=False) as router:
        route = router.route().mock(return_value=httpx.Response(200, content=UPLOAD_ANSWER.encode()))
        with pytest.raises(errors.ValidationError) as caught:
            await client.upload_attachment(file_name, content, "tester")

    assert caught.value.field == field
    assert route.call_count == 0


@pytest.mark.parametrize(
    ("call", "field", "value"),
    [
        (lambda c: c.list_sms(SendQuery(request_id="R1", page_size=1001)), "page_size", 1001),
        (lambda c: c.list_sms(SendQuery(request_id="R1", page_size=0)), "page_size", 0),
        (lambda c: c.list_categories(PageQuery(page_num=0)), "page_num", 0),
        (lambda c: c.list_uids(UidQuery(limit=1001)), "limit", 1001),
        (lambda c: c.list_uids(UidQuery(limit=0)), "limit", 0),
        (lambda c: c.list_uids(UidQuery(offset=-1)), "offset", -1),
    ],
)
async def test_paging_outside_nhn_limits_is_refused_before_any_request(
    call: Callable[[NhnClient], Awaitable[object]], field: str, value: int, client: NhnClient
) -> None:
    with respx.mock(base_url=HOST, assert_all_called=False) as router:
        route = router.route().mock(return_value=httpx.Response(500))
        with pytest.raises(errors.ValidationError) as caught:
            await call(client)

    assert (caught.value.field, caught.value.value) == (field, value)
    assert route.call_count == 0


LOOKED_UP = seoul(2024, 5, 1, 12)
REQUEST_PAIR = "start_request_date and end_request_date"
CREATE_PAIR = "start_create_date and end_create_date"


@pytest.mark.parametrize(
    ("make", "field", "limit", "value"),
    [
        (lambda: SendQuery(recipient_no="01000000000"), "request_id", "a selection", None),
        (lambda: SendQuery(start_request_date=LOOKED_UP), "end_request_date", REQUEST_PAIR, None),
        (lambda: SendQuery(end_create_date=LOOKED_UP), "start_create_date", CREATE_PAIR, None),
        (
            lambda: SendQuery(start_request_date=LOOKED_UP, end_request_date=LOOKED_UP - timedelta(days=1)),
            "end_request_date",
            "not before start_request_date",
            "2024-05-01 12:00:00 to 2024-04-30 12:00:00",
        ),
        (
            lambda: SendQuery(start_request_date=LOOKED_UP - timedelta(days=31, seconds=1), end_request_date=LOOKED_UP),
            "end_request_date",
            "31 days",
            "2024-03-31 11:59:59 to 2024-05-01 12:00:00",
        ),
        (
            lambda: SendQuery(request_id="R", start_result_date=LOOKED_UP, end_result_date=LOOKED_UP - timedelta(1)),
            "end_result_date",
            "not before start_result_date",
            "2024-05-01 12:00:00 to 2024-04-30 12:00:00",
        ),
        (lambda: TagSendQuery(send_type="0"), "request_id", "a selection", None),
        (lambda: TagSendQuery(send_type="0", start_request_date=LOOKED_UP), "end_request_date", REQUEST_PAIR, None),
        (
            lambda: TagSendQuery(
                send_type="0", start_create_date=LOOKED_UP - timedelta(days=62), end_create_date=LOOKED_UP
            ),
            "end_create_date",
            "31 days",
            "2024-02-29 12:00:00 to 2024-05-01 12:00:00",
        ),
        (lambda: DownloadRequest(send_type="0"), "request_id", "a selection", None),
        (
            lambda: DownloadRequest(
                send_type="0", start_create_date=LOOKED_UP - timedelta(days=1), end_create_date=LOOKED_UP
            ),
            "request_id",
            "a selection",
            None,
        ),
        (
            lambda: DownloadRequest(send_type="0", request_id="R", start_create_date=LOOKED_UP),
            "end_create_date",
            CREATE_PAIR,
            None,
        ),
        (
            lambda: MessageResultQuery(start_update_date=LOOKED_UP, end_update_date=LOOKED_UP - timedelta(seconds=1)),
            "end_update_date",
            "not before start_update_date",
            "2024-05-01 12:00:00 to 2024-05-01 11:59:59",
        ),
        (
            lambda: TagRecipientQuery(start_request_date=LOOKED_UP, end_request_date=LOOKED_UP - timedelta(hours=1)),
            "end_request_date",
            "not before start_request_date",
            "2024-05-01 12:00:00 to 2024-05-01 11:00:00",
        ),
        (
            lambda: TagRecipientQuery(
                start_request_date=LOOKED_UP,
                end_request_date=LOOKED_UP,
                start_result_date=LOOKED_UP,
                end_result_date=LOOKED_UP - timedelta(seconds=1),
            ),
            "end_result_date",
            "not before start_result_date",
            "2024-05-01 12:00:00 to 2024-05-01 11:59:59",
        ),
        # N34 and N30 windows select nothing when they end before they start.
        (
            lambda: ReservationQuery(start_request_date=LOOKED_UP, end_request_date=LOOKED_UP - timedelta(seconds=1)),
            "end_request_date",
            "not before start_request_date",
            "2024-05-01 12:00:00 to 2024-05-01 11:59:59",
        ),
        (
            lambda: ReservationQuery(start_create_date=LOOKED_UP, end_create_date=LOOKED_UP - timedelta(days=1)),
            "end_create_date",
            "not before start_create_date",
            "2024-05-01 12:00:00 to 2024-04-30 12:00:00",
        ),
        (
            lambda: BlockedRecipientQuery(
                unsubscribe_no="0800000000",
                start_request_date=LOOKED_UP,
                end_request_date=LOOKED_UP - timedelta(hours=1),
            ),
            "end_request_date",
            "not before start_request_date",
            "2024-05-01 12:00:00 to 2024-05-01 11:00:00",
        ),
        # N33: -2700 for to before from (to the minute, as sent), -2701 for a type it lacks.
        (
            lambda: StatisticsQuery(
                search_type="DATE", from_=MinuteTime(LOOKED_UP), to=MinuteTime(LOOKED_UP - timedelta(minutes=1))
            ),
            "to",
            "not before from_",
            "2024-05-01 12:00:00 to 2024-05-01 11:59:00",
        ),
        (
            lambda: StatisticsQuery(
                search_type="DATE", from_=MinuteTime(LOOKED_UP), to=MinuteTime(LOOKED_UP), message_types="SMS,FAX"
            ),
            "message_types",
            "SMS / LMS / MMS / AUTH",
            "SMS,FAX",
        ),
        (
            lambda: StatisticsQuery(
                search_type="DATE", from_=MinuteTime(LOOKED_UP), to=MinuteTime(LOOKED_UP), content_types="normal"
            ),
            "content_types",
            "NORMAL / AD",
            "normal",
        ),
    ],
)
def test_a_look_up_nhn_would_refuse_is_refused_when_made(
    make: Callable[[], object], field: str, limit: str, value: str | None
) -> None:
    """NHN answers -2011 without a requestId or a complete window and -4000 for a window over
    one month; a window that ends before it starts would select nothing."""
    with pytest.raises(errors.ValidationError) as caught:
        make()

    assert (caught.value.field, caught.value.limit, caught.value.value) == (field, limit, value)


@pytest.mark.parametrize(
    "make",
    [
        lambda: SendQuery(start_request_date=LOOKED_UP - timedelta(days=31), end_request_date=LOOKED_UP),
        # The same moment, naive (Seoul, as NHN reads it) and aware in UTC.
        lambda: SendQuery(
            start_create_date=datetime(2024, 5, 1, 21), end_create_date=datetime(2024, 5, 1, 12, tzinfo=timezone.utc)
        ),
        lambda: SendQuery(request_id="R", start_result_date=LOOKED_UP),
        lambda: TagSendQuery(send_type="1", start_create_date=LOOKED_UP, end_create_date=LOOKED_UP),
        lambda: DownloadRequest(send_type="0", start_request_date=LOOKED_UP, end_request_date=LOOKED_UP),
        lambda: MessageResultQuery(start_update_date=LOOKED_UP, end_update_date=LOOKED_UP),
        # Ends within one minute are the same moment as sent; several types comma-separated.
        lambda: StatisticsQuery(
            search_type="TIME",
            from_=MinuteTime(LOOKED_UP + timedelta(seconds=30)),
            to=MinuteTime(LOOKED_UP),
            message_types="SMS,LMS",
            content_types="AD",
        ),
    ],
)
def test_a_look_up_within_nhn_limits_is_accepted(make: Callable[[], object]) -> None:
    made = make()
    body = NhnApi.dump(made)
    set_fields = [name for name, value in attrs.asdict(made, recurse=False).items() if value is not None]
    assert len(body) == len(set_fields)  # taken, every field it holds sent
    assert NhnApi.dump(converter.structure(body, type(made))) == body  # and read back, the same body


def sms_template(**change: Any) -> TemplateCreate:
    fields: dict[str, Any] = {
        "category_id": 1,
        "template_id": "T1",
        "template_name": "name",
        "send_no": "15446859",
        "send_type": "0",
        "body": "body",
        "use_yn": True,
    }
    return TemplateCreate(**(fields | change))


def template_change(**change: Any) -> TemplateUpdate:
    fields: dict[str, Any] = {"template_name": "n", "send_no": "1", "send_type": "1", "title": "t", "body": "b"}
    return TemplateUpdate(**(fields | {"use_yn": True} | change))


@pytest.mark.parametrize(
    ("make", "field", "limit", "value"),
    [
        (lambda: TagName(tag_name="x" * 31), "tag_name", "30 characters", 31),
        (lambda: sms_template(template_id="T" * 51), "template_id", "50 characters", 51),
        (lambda: sms_template(template_name="n" * 51), "template_name", "50 characters", 51),
        (lambda: sms_template(template_desc="d" * 101), "template_desc", "100 characters", 101),
        (lambda: sms_template(send_no="1" * 14), "send_no", "13 characters", 14),
        (lambda: sms_template(body="가" * 256), "body", "255 characters", 256),
        (lambda: sms_template(title="제" * 121), "title", "120 characters", 121),
        (lambda: sms_template(send_type="1", body="b"), "title", "a title", None),
        (lambda: sms_template(send_type="1", title="", body="b"), "title", "a title", ""),
        (lambda: sms_template(send_type="1", title="t", body="가" * 4001), "body", "4000 characters", 4001),
        (lambda: template_change(template_name="n" * 51), "template_name", "50 characters", 51),
        (lambda: template_change(send_no="1" * 14), "send_no", "13 characters", 14),
        (lambda: template_change(template_desc="d" * 101), "template_desc", "100 characters", 101),
        (lambda: template_change(title=None), "title", "a title", None),
        (lambda: template_change(title="제" * 121), "title", "120 characters", 121),
        (lambda: template_change(send_type="0", body="가" * 256), "body", "255 characters", 256),
        (lambda: CategoryCreate(category_name="c" * 51, use_yn=True), "category_name", "50 characters", 51),
        (
            lambda: CategoryCreate(category_name="c", use_yn=True, category_desc="d" * 101),
            "category_desc",
            "100 characters",
            101,
        ),
        (
            lambda: CategoryCreate(category_name="c", use_yn=True, create_user="u" * 101),
            "create_user",
            "100 characters",
            101,
        ),
        (lambda: CategoryUpdate(category_name="c" * 51, use_yn=True), "category_name", "50 characters", 51),
        (
            lambda: CategoryUpdate(category_name="c", use_yn=True, category_desc="d" * 101),
            "category_desc",
            "100 characters",
            101,
        ),
        (
            lambda: CategoryUpdate(category_name="c", use_yn=True, update_user="u" * 101),
            "update_user",
            "100 characters",
            101,
        ),
        (lambda: BlockedRecipientQuery(unsubscribe_no="0" * 26), "unsubscribe_no", "25 characters", 26),
        (
            lambda: BlockedRecipientsRemoval(unsubscribe_no="0" * 21, update_user="me", recipient_no_list=("010",)),
            "unsubscribe_no",
            "20 characters",
            21,
        ),
        (
            lambda: AttachmentUpload(file_name="a.jpg", create_user="u" * 101, file_body=""),
            "create_user",
            "100 characters",
            101,
        ),
        (  # required: NHN answers -9997 without one
            lambda: AttachmentUpload(file_name="a.jpg", create_user=" ", file_body=""),
            "create_user",
            "a visible character",
            " ",
        ),
        (  # N12's table: SMS/LMS/MMS/AUTH; NHN answers -1006 for another
            lambda: MessageResultQuery(
                start_update_date=datetime(2026, 1, 1, tzinfo=SEOUL),
                end_update_date=datetime(2026, 1, 1, 1, tzinfo=SEOUL),
                message_type="sms",
            ),
            "message_type",
            "SMS / LMS / MMS / AUTH",
            "sms",
        ),
    ],
)
def test_a_body_over_a_documented_limit_is_refused_when_made(
    make: Callable[[], object], field: str, limit: str, value: object
) -> None:
    """Characters, as the document's 最大文字数 columns and its error codes (-2109, -2115,
    -2116, -2117: "...文字を超える") count them."""
    with pytest.raises(errors.ValidationError) as caught:
        make()

    assert (caught.value.field, caught.value.limit, caught.value.value) == (field, limit, value)


@pytest.mark.parametrize(
    "make",
    [
        lambda: TagName(tag_name="가" * 30),
        lambda: sms_template(template_id="T" * 50, template_name="n" * 50, send_no="1" * 13, body="가" * 255),
        lambda: sms_template(template_desc="d" * 100, title="제" * 120),
        lambda: sms_template(send_type="1", title="제" * 120, body="가" * 4000),
        lambda: CategoryCreate(category_name="c" * 50, use_yn=True, category_desc="d" * 100, create_user="u" * 100),
        lambda: CategoryUpdate(category_name="c" * 50, use_yn=True, update_user="u" * 100),
        lambda: BlockedRecipientQuery(unsubscribe_no="0" * 25),
        lambda: BlockedRecipientsRemoval(unsubscribe_no="0" * 20, update_user="u" * 100, recipient_no_list=("010",)),
    ],
)
def test_a_body_at_its_documented_limits_is_accepted(make: Callable[[], object]) -> None:
    made = make()
    body = NhnApi.dump(made)
    set_fields = [name for name, value in attrs.asdict(made, recurse=False).items() if value is not None]
    assert len(body) == len(set_fields)  # taken, every field it holds sent
    assert NhnApi.dump(converter.structure(body, type(made))) == body  # and read back, the same body


@pytest.mark.parametrize(
    ("call", "field", "limit", "value"),
    [
        (lambda c: c.add_blocked_recipients("0800000000", []), "recipient_no_list", "1-10", 0),
        (lambda c: c.add_blocked_recipients("0" * 26, ["01000000000"]), "unsubscribe_no", "25 characters", 26),
        (lambda c: c.delete_blocked_recipients("0800000000", [], "me"), "recipient_no_list", "at least 1", 0),
        (
            lambda c: c.delete_blocked_recipients("0800000000", ["01000000000"], "u" * 101),
            "update_user",
            "100 characters",
            101,
        ),
        (lambda c: c.cancel_reservations([], "me"), "reservation_list", "at least 1", 0),
        (
            lambda c: c.cancel_reservations([ReservationKey(request_id="R", recipient_seq=1)], "u" * 101),
            "update_user",
            "100 characters",
            101,
        ),
        (lambda c: c.create_uids([]), "uids", "at least 1", 0),
        (lambda c: c.create_tag("x" * 31), "tag_name", "30 characters", 31),
        (lambda c: c.update_tag("ABCD1234", "x" * 31), "tag_name", "30 characters", 31),
    ],
)
async def test_a_management_call_over_a_documented_limit_sends_nothing(
    call: Callable[[NhnClient], Awaitable[object]], field: str, limit: str, value: object, client: NhnClient
) -> None:
    with respx.mock(base_url=HOST, assert_all_called=False) as router:
        route = router.route().mock(return_value=httpx.Response(500))
        with pytest.raises(errors.ValidationError) as caught:
            await call(client)

    assert (caught.value.field, caught.value.limit, caught.value.value) == (field, limit, value)
    assert route.call_count == 0


# --- the look-up filters' documented maxima (N2, N5, N8, N15, N16, N24, N27, N30, N31, N33,
# N34, N36-N38, N44) ---------------------------------------------------------------------------

LOOK_UP_WINDOW = {"start_request_date": seoul(2024, 5, 1), "end_request_date": seoul(2024, 5, 2)}
MSG_STATUSES = "0 / 1 / 2 / 3 / 4 / 5 / 6"
"""``msgStatus`` of the send look-ups and the CSV export, as their tables list it."""
FIVE_OPERATORS = ("a", "AND", "b", "OR", "c", "and", "d", "OR", "e")


@pytest.mark.parametrize(
    ("call", "field", "limit", "value"),
    [
        # N2/N5/N8 and N37 tables: requestId 25, sendNo 13, recipientNo 20, templateId 50,
        # msgStatus 0 to 6, resultCode/subResultCode the look-up code table's, the grouping keys 100.
        (lambda c: c.list_sms(SendQuery(request_id="R" * 26)), "request_id", "25 characters", 26),
        (lambda c: c.list_mms(SendQuery(request_id="R", send_no="1" * 14)), "send_no", "13 characters", 14),
        (
            lambda c: c.list_auth_sms(SendQuery(request_id="R", recipient_no="1" * 21)),
            "recipient_no",
            "20 characters",
            21,
        ),
        (lambda c: c.list_sms(SendQuery(request_id="R", template_id="T" * 51)), "template_id", "50 characters", 51),
        (lambda c: c.list_sms(SendQuery(request_id="R", msg_status="10")), "msg_status", MSG_STATUSES, "10"),
        (lambda c: c.list_sms(SendQuery(request_id="R", msg_status="7")), "msg_status", MSG_STATUSES, "7"),
        (lambda c: c.list_mms(SendQuery(request_id="R", result_code="1000")), "result_code", "MTR1 / MTR2", "1000"),
        (
            lambda c: c.list_sms(SendQuery(request_id="R", sub_result_code="MTR2_4")),
            "sub_result_code",
            "MTR2_1 / MTR2_2 / MTR2_3",
            "MTR2_4",
        ),
        (
            lambda c: c.request_download(DownloadRequest(send_type="0", request_id="R", msg_status="성공")),
            "msg_status",
            MSG_STATUSES,
            "성공",
        ),
        (
            lambda c: c.list_sms(SendQuery(request_id="R", sender_grouping_key="k" * 101)),
            "sender_grouping_key",
            "100 characters",
            101,
        ),
        (
            lambda c: c.iter_mms(SendQuery(request_id="R", recipient_grouping_key="k" * 101)).__anext__(),
            "recipient_grouping_key",
            "100 characters",
            101,
        ),
        (
            lambda c: c.request_download(DownloadRequest(send_type="0", request_id="R" * 26)),
            "request_id",
            "25 characters",
            26,
        ),
        (lambda c: c.request_download(DownloadRequest(send_type="3", request_id="R")), "send_type", "0 / 1 / 2", "3"),
        (
            lambda c: c.request_download(DownloadRequest(send_type="0", request_id="R", recipient_no="1" * 21)),
            "recipient_no",
            "20 characters",
            21,
        ),
        # N34 table: sendType 0/1/2, requestId 25, sendNo 13, recipientNo 20, templateId 50, messageStatus
        # one of its seven.
        (lambda c: c.list_reservations(ReservationQuery(request_id="R" * 26)), "request_id", "25 characters", 26),
        (lambda c: c.list_reservations(ReservationQuery(send_type="SMS")), "send_type", "0 / 1 / 2", "SMS"),
        (lambda c: c.list_reservations(ReservationQuery(send_no="1" * 14)), "send_no", "13 characters", 14),
        (lambda c: c.list_reservations(ReservationQuery(recipient_no="1" * 21)), "recipient_no", "20 characters", 21),
        (lambda c: c.list_reservations(ReservationQuery(template_id="T" * 51)), "template_id", "50 characters", 51),
        (
            lambda c: c.list_reservations(ReservationQuery(message_status="reserved")),
            "message_status",
            "RESERVED / SENDING / COMPLETED / FAILED / CANCEL / DUPLICATED / FAILED_AD",
            "reserved",
        ),
        # N36: reservationList[].requestId 25.
        (
            lambda c: c.cancel_reservations([ReservationKey(request_id="R" * 26, recipient_seq=1)], "me"),
            "request_id",
            "25 characters",
            26,
        ),
        # N38: downloadId 25, downloadStatusCode one of the five file states.
        (
            lambda c: c.list_download_reservations(DownloadQuery(download_id="D" * 26)),
            "download_id",
            "25 characters",
            26,
        ),
        (
            lambda c: c.list_download_reservations(DownloadQuery(download_status_code="COMPLETE")),
            "download_status_code",
            "READY / MAKING / COMPLETED / FAILED / EXPIRED",
            "COMPLETE",
        ),
        # N15: sendType "0"/"1", statusCode one of its MAS codes; N16: recipientNum 20,
        # msgStatusName one of its four, resultCode 10.
        (lambda c: c.list_tag_sends(TagSendQuery(send_type="2", request_id="R")), "send_type", "0 / 1", "2"),
        (
            lambda c: c.list_tag_sends(TagSendQuery(send_type="0", request_id="R", status_code="COMPLETE")),
            "status_code",
            "MAS00 / MAS01 / MAS09 / MAS10 / MAS11 / MAS19 / MAS91 / MAS99",
            "COMPLETE",
        ),
        (
            lambda c: c.list_tag_send_recipients("R", TagRecipientQuery(**LOOK_UP_WINDOW, recipient_num="1" * 21)),
            "recipient_num",
            "20 characters",
            21,
        ),
        (
            lambda c: c.list_tag_send_recipients("R", TagRecipientQuery(**LOOK_UP_WINDOW, msg_status_name="3")),
            "msg_status_name",
            "READY / SENDING / COMPLETED / FAILED",
            "3",
        ),
        (
            lambda c: c.list_tag_send_recipients("R", TagRecipientQuery(**LOOK_UP_WINDOW, result_code="3" * 11)),
            "result_code",
            "10 characters",
            11,
        ),
        # N30: recipientNo 25; N31: each recipientNo 20.
        (
            lambda c: c.list_blocked_recipients(
                BlockedRecipientQuery(unsubscribe_no="0800000000", recipient_no="1" * 26)
            ),
            "recipient_no",
            "25 characters",
            26,
        ),
        (
            lambda c: c.delete_blocked_recipients("0800000000", ["01000000000", "1" * 21], "me"),
            "recipient_no_list[1]",
            "20 characters",
            21,
        ),
        # N33: searchType DATE/TIME/DAY, templateId 50.
        (
            lambda c: c.get_statistics(StatisticsQuery(search_type="WEEK", from_=RESERVED, to=RESERVED)),
            "search_type",
            "DATE / TIME / DAY",
            "WEEK",
        ),
        (
            lambda c: c.get_statistics(
                StatisticsQuery(search_type="DATE", from_=RESERVED, to=RESERVED, template_id="T" * 51)
            ),
            "template_id",
            "50 characters",
            51,
        ),
        # N44: wheres holds at most one pair of parentheses and three AND/OR.
        (lambda c: c.list_uids(UidQuery(wheres=FIVE_OPERATORS)), "wheres", "3 AND/OR operators", 4),
        (
            lambda c: c.list_uids(UidQuery(wheres=("(a", "AND", "b)", "OR", "(c", "AND", "d)"))),
            "wheres",
            "1 parenthesis",
            2,
        ),
        # N24/N27: sendType 0 (SMS) or 1 (LMS/MMS); NHN answers -2104 for another.
        (lambda c: c.create_template(sms_template(send_type="2", title="t")), "send_type", "0 / 1", "2"),
        (lambda c: c.update_template("T1", template_change(send_type="LMS")), "send_type", "0 / 1", "LMS"),
    ],
)
async def test_a_look_up_filter_over_its_documented_maximum_sends_nothing(
    call: Callable[[NhnClient], Awaitable[object]], field: str, limit: str, value: object, client: NhnClient
) -> None:
    """Each endpoint's table gives these fields a maximum length or a set of values: the
    ValidationError names the field, the limit and the length (or the value), and nothing is
    sent."""
    with respx.mock(base_url=HOST, assert_all_called=False) as router:
        route = router.route().mock(return_value=httpx.Response(500))
        with pytest.raises(errors.ValidationError) as caught:
            await call(client)

    assert (caught.value.field, caught.value.limit, caught.value.value) == (field, limit, value)
    assert route.call_count == 0


@pytest.mark.parametrize(
    ("call", "method", "path", "answer", "params", "body"),
    [
        (
            lambda c: c.list_sms(
                SendQuery(
                    request_id="R" * 25,
                    send_no="1" * 13,
                    recipient_no="1" * 20,
                    template_id="T" * 50,
                    msg_status="6",
                    result_code="MTR2",
                    sub_result_code="MTR2_2",
                    sender_grouping_key="k" * 100,
                    recipient_grouping_key="g" * 100,
                )
            ),
            "GET",
            "/sender/sms",
            NULL_BODY_ANSWER,
            {
                "requestId": "R" * 25,
                "sendNo": "1" * 13,
                "recipientNo": "1" * 20,
                "templateId": "T" * 50,
                "msgStatus": "6",
                "resultCode": "MTR2",
                "subResultCode": "MTR2_2",
                "senderGroupingKey": "k" * 100,
                "recipientGroupingKey": "g" * 100,
            },
            None,
        ),
        (
            lambda c: c.list_reservations(
                ReservationQuery(
                    request_id="R" * 25,
                    send_type="2",
                    send_no="1" * 13,
                    recipient_no="1" * 20,
                    template_id="T" * 50,
                    message_status="DUPLICATED",
                )
            ),
            "GET",
            "/reservations",
            NULL_BODY_ANSWER,
            {
                "requestId": "R" * 25,
                "sendType": "2",
                "sendNo": "1" * 13,
                "recipientNo": "1" * 20,
                "templateId": "T" * 50,
                "messageStatus": "DUPLICATED",
            },
            None,
        ),
        (
            lambda c: c.cancel_reservations([ReservationKey(request_id="R" * 25, recipient_seq=1)], "me"),
            "PUT",
            "/reservations/cancel",
            CANCEL_ANSWER,
            {},
            {"reservationList": [{"requestId": "R" * 25, "recipientSeq": 1}], "updateUser": "me"},
        ),
        (
            lambda c: c.request_download(DownloadRequest(send_type="2", request_id="R" * 25)),
            "POST",
            "/sender/download-reservations",
            DOWNLOAD_CREATED_ANSWER,
            {},
            {"sendType": "2", "requestId": "R" * 25},
        ),
        (
            lambda c: c.list_download_reservations(
                DownloadQuery(download_id="D" * 25, download_status_code="COMPLETED")
            ),
            "GET",
            "/download-reservations",
            NULL_BODY_ANSWER,
            {"downloadId": "D" * 25, "downloadStatusCode": "COMPLETED"},
            None,
        ),
        (
            lambda c: c.list_tag_sends(TagSendQuery(send_type="1", request_id="R", status_code="MAS19")),
            "GET",
            "/tag-sender",
            NULL_BODY_ANSWER,
            {"sendType": "1", "requestId": "R", "statusCode": "MAS19"},
            None,
        ),
        (
            lambda c: c.list_tag_send_recipients(
                "R",
                TagRecipientQuery(
                    **LOOK_UP_WINDOW, recipient_num="1" * 20, msg_status_name="COMPLETED", result_code="3" * 10
                ),
            ),
            "GET",
            "/tag-sender/R",
            NULL_BODY_ANSWER,
            {
                "startRequestDate": "2024-05-01 00:00:00",
                "endRequestDate": "2024-05-02 00:00:00",
                "recipientNum": "1" * 20,
                "msgStatusName": "COMPLETED",
                "resultCode": "3" * 10,
            },
            None,
        ),
        (
            lambda c: c.list_blocked_recipients(
                BlockedRecipientQuery(unsubscribe_no="0800000000", recipient_no="1" * 25)
            ),
            "GET",
            "/blockservice/recipients",
            NULL_BODY_ANSWER,
            {"unsubscribeNo": "0800000000", "recipientNo": "1" * 25},
            None,
        ),
        (
            lambda c: c.delete_blocked_recipients("0800000000", ["01000000000", "1" * 20], "me"),
            "DELETE",
            "/blockservice/recipients/removes",
            NULL_BODY_ANSWER,
            {"unsubscribeNo": "0800000000", "updateUser": "me", "recipientNoList": "01000000000," + "1" * 20},
            None,
        ),
        (
            lambda c: c.get_statistics(
                StatisticsQuery(
                    search_type="DAY", from_=minute(2024, 5, 1, 0, 0), to=minute(2024, 5, 2, 0, 0), template_id="T" * 50
                )
            ),
            "GET",
            "/statistics/view",
            STATISTICS_ANSWER,
            {"searchType": "DAY", "from": "2024-05-01 00:00", "to": "2024-05-02 00:00", "templateId": "T" * 50},
            None,
        ),
        (
            lambda c: c.list_uids(UidQuery(wheres=("(a", "AND", "b)", "OR", "c", "or", "d"))),
            "GET",
            "/uids",
            UIDS_ANSWER,
            {"wheres": "(a,AND,b),OR,c,or,d"},
            None,
        ),
        (
            lambda c: c.create_template(sms_template(send_type="1", title="t")),
            "POST",
            "/templates",
            EMPTY_ANSWER,
            {},
            {
                "categoryId": 1,
                "templateId": "T1",
                "templateName": "name",
                "sendNo": "15446859",
                "sendType": "1",
                "title": "t",
                "body": "body",
                "useYn": "Y",
            },
        ),
    ],
)
async def test_look_up_filters_at_their_documented_maximum_are_sent_as_given(
    call: Callable[[NhnClient], Awaitable[object]],
    method: str,
    path: str,
    answer: str,
    params: dict[str, str],
    body: Any,
    client: NhnClient,
    api: respx.MockRouter,
) -> None:
    route = api.route().mock(return_value=httpx.Response(200, content=answer.encode()))

    await call(client)

    request = route.calls.last.request
    assert (request.method, request.url.raw_path.decode().split("?")[0]) == (method, PREFIX + path)
    assert dict(request.url.params.multi_items()) == params
    assert (json.loads(request.content) if request.content else None) == body


@pytest.mark.parametrize("blank", ["", "  ", ".", ".."])
@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c, blank: c.get_sms(blank, 1), "request_id"),
        (lambda c, blank: c.get_mms(blank, 1), "request_id"),
        (lambda c, blank: c.get_auth_sms(blank, 1), "request_id"),
        (lambda c, blank: c.list_tag_send_recipients(blank, TAG_RECIPIENT_QUERY), "request_id"),
        (lambda c, blank: c.get_tag_send_recipient(blank, 1), "request_id"),
        (lambda c, blank: c.get_template(blank), "template_id"),
        (lambda c, blank: c.update_template(blank, template_change()), "template_id"),
        (lambda c, blank: c.delete_template(blank), "template_id"),
        (lambda c, blank: c.get_reservation(blank, 1), "request_id"),
        (lambda c, blank: c.update_tag(blank, "TAG"), "tag_id"),
        (lambda c, blank: c.delete_tag(blank), "tag_id"),
        (lambda c, blank: c.get_uid(blank), "uid"),
        (lambda c, blank: c.delete_uid(blank), "uid"),
        (lambda c, blank: c.add_phone_number(blank, "01000000000"), "uid"),
        (lambda c, blank: c.delete_phone_number("UID", blank), "phone_number"),
        (lambda c, blank: c.download_to(blank, "unused.csv"), "download_id"),
    ],
)
async def test_a_blank_id_in_the_path_is_refused_before_any_request(
    call: Callable[[NhnClient, str], Awaitable[object]], field: str, blank: str, client: NhnClient
) -> None:
    """``GET /templates/`` is the template list, not a template: an empty id names another
    endpoint, and httpx resolves ``..`` to the parent path."""
    with respx.mock(base_url=HOST, assert_all_called=False) as router:
        route = router.route().mock(return_value=httpx.Response(500))
        with pytest.raises(errors.ValidationError) as caught:
            await call(client, blank)

    limit = "an id with a visible character"
    assert (caught.value.field, caught.value.limit, caught.value.value) == (field, limit, blank)
    assert route.call_count == 0


@pytest.mark.parametrize(
    ("code", "kind", "fatal"),
    [
        (-1000, errors.AuthenticationError, True),
        (-2312, errors.BadRequestError, True),
        (-2019, errors.BadRequestError, False),
        (-2052, errors.BadRequestError, False),  # not in NHN's code table: no guessed meaning
        (-2021, errors.ServerError, False),
        (-7000, errors.ServerError, False),  # "tag internal error (API call failed)"
        (-7001, errors.BadRequestError, False),
        (-2008, errors.NotFoundError, False),
        (-2004, errors.NotFoundError, True),  # an attachment every batch of the send carries
        (-2022, errors.BadRequestError, True),  # the reservation every batch of the send carries has passed
        (-9996, errors.BadRequestError, True),  # content type: krsms sends JSON, so a middlebox
        (-9997, errors.BadRequestError, True),
        (-1006, errors.BadRequestError, True),  # the endpoint's message type
        (-6004, errors.BadRequestError, True),  # no 080 number in use: every advertisement
        (-6001, errors.BadRequestError, False),  # one opted-out number
        (-12345, errors.BadRequestError, False),
    ],
)
def test_nhn_result_codes_map_to_the_documented_kind(code: int, kind: type[errors.ProviderError], fatal: bool) -> None:
    error_class = error_class_for_code(code)
    assert issubclass(error_class, kind)
    assert error_class.fatal is fatal


# --- downloads --------------------------------------------------------------------------------


CSV = b"requestId,recipientNo\n20190610100630ReZQ6KZzAH0,01000000000\n" * 2000


async def test_download_streams_the_csv_bytes(client: NhnClient, api: respx.MockRouter) -> None:
    route = api.get(f"{PREFIX}/download-reservations/D%2F1/download").mock(
        return_value=httpx.Response(200, content=CSV)
    )

    async with client.download("D/1") as chunks:
        received = b"".join([chunk async for chunk in chunks])

    assert received == CSV
    # respx matches decoded paths: only the raw path shows the id went out as one segment.
    assert route.calls.last.request.url.raw_path == f"{PREFIX}/download-reservations/D%2F1/download".encode()
    assert route.calls.last.request.headers["X-Secret-Key"] == SECRET_KEY
    assert route.calls.last.request.headers["Content-Type"] == "application/json;charset=UTF-8"


@pytest.mark.parametrize(("attempts", "outcome"), [(3, "the CSV"), (1, "NhnServerError")])
async def test_a_download_opened_with_a_system_error_envelope_is_opened_again_as_a_500_would_be(
    api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch, attempts: int, outcome: str
) -> None:
    """A -9999 inside HTTP 200 at the opening of a download is NHN's failure, as in a look-up:
    opened again within the retry policy (nothing was handed over yet), raised without one."""
    monkeypatch.setattr("krsms.transport.anyio.sleep", _no_wait)
    route = api.get(f"{PREFIX}/download-reservations/D1/download").mock(
        side_effect=[
            httpx.Response(200, content=SYSTEM_ERROR_ANSWER.encode(), headers={"Content-Type": "application/json"}),
            httpx.Response(200, content=CSV, headers={"Content-Type": "text/csv"}),
        ]
    )
    async with NhnClient(app_key=APP_KEY, retry=RetryPolicy(max_attempts=attempts)) as nhn:
        if outcome == "the CSV":
            async with nhn.download("D1") as chunks:
                assert b"".join([chunk async for chunk in chunks]) == CSV
        else:
            with pytest.raises(NhnServerError):
                async with nhn.download("D1") as chunks:
                    pass

    assert route.call_count == (2 if outcome == "the CSV" else 1)


async def test_every_request_carries_the_documented_content_type(client: NhnClient, api: respx.MockRouter) -> None:
    """The document gives ``Content-Type: application/json;charset=UTF-8`` for every endpoint,
    look-ups included (httpx alone would send ``application/json``, and nothing on a GET)."""
    sends = api.post(f"{PREFIX}/sender/sms").respond(200, text=SEND_ANSWER)
    look_ups = api.get(f"{PREFIX}/sender/sms").respond(
        200,
        json={
            "header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"},
            "body": {"pageNum": 1, "pageSize": 15, "totalCount": 0, "data": []},
        },
    )
    await client.send_sms(
        SendRequest(body="본문", send_no="15446859", recipient_list=(SendRecipient(recipient_no="01000000000"),))
    )
    await client.list_sms(SendQuery(request_id="20180810100630ReZQ6KZzAH0"))
    for route in (sends, look_ups):
        assert route.calls.last.request.headers["Content-Type"] == "application/json;charset=UTF-8"


async def test_opt_outs_are_registered_ten_numbers_a_request(client: NhnClient, api: respx.MockRouter) -> None:
    """The document gives N29's ``recipientNoList`` a maximum of 10."""
    route = api.post(f"{PREFIX}/blockservice/recipients").respond(
        200, json={"header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "Success"}}
    )
    numbers = [f"010{offset:08d}" for offset in range(25)]

    await client.add_blocked_recipients("0800000000", numbers)

    sent = [json.loads(call.request.content) for call in route.calls]
    assert sent == [
        {"unsubscribeNo": "0800000000", "recipientNoList": numbers[start : start + 10]} for start in (0, 10, 20)
    ]


async def test_download_to_writes_the_file(client: NhnClient, api: respx.MockRouter, tmp_path: Path) -> None:
    route = api.get(f"{PREFIX}/download-reservations/D%2F1/download").mock(
        return_value=httpx.Response(200, content=CSV)
    )
    target = tmp_path / "export.csv"

    written = await client.download_to("D/1", target)

    assert written == len(CSV)
    assert target.read_bytes() == CSV
    assert route.calls.last.request.url.raw_path == f"{PREFIX}/download-reservations/D%2F1/download".encode()


async def test_download_to_creates_no_file_when_nhn_refuses(
    client: NhnClient, api: respx.MockRouter, tmp_path: Path
) -> None:
    api.get(f"{PREFIX}/download-reservations/D1/download").mock(return_value=httpx.Response(404))
    target = tmp_path / "export.csv"

    with pytest.raises(errors.NotFoundError):
        await client.download_to("D1", target)

    assert not target.exists()


async def test_download_to_writes_no_failure_envelope_whatever_the_case_of_its_content_type(
    client: NhnClient, api: respx.MockRouter, tmp_path: Path
) -> None:
    """NHN answers a failed download with HTTP 200 and an envelope; ``Application/JSON`` is the
    same media type as ``application/json`` (RFC 9110 8.3.1), so the envelope raises its typed
    error instead of landing in the file as the export."""
    envelope = {"header": {"isSuccessful": False, "resultCode": -9999, "resultMessage": "system error"}}
    route = api.get(f"{PREFIX}/download-reservations/D1/download").respond(
        200, json=envelope, headers={"Content-Type": "Application/JSON;charset=UTF-8"}
    )
    target = tmp_path / "export.csv"

    with pytest.raises(NhnServerError) as caught:
        await client.download_to("D1", target)

    assert caught.value.code == "-9999"
    assert not target.exists()
    assert route.calls.last.request.url.raw_path == f"{PREFIX}/download-reservations/D1/download".encode()


# --- secrets ----------------------------------------------------------------------------------


def test_repr_shows_neither_app_key_nor_secret() -> None:
    nhn = NhnClient(app_key=APP_KEY, secret_key=SECRET_KEY)

    text = repr(nhn)

    assert "app/key+1" not in text
    assert "app%2Fkey%2B1" not in text
    assert SECRET_KEY not in text
    assert "appKeys/***" in text
    assert repr(NhnAuth(SECRET_KEY)) == "NhnAuth(secret_key=***)"


@pytest.mark.parametrize(
    ("secret_key", "shown"), [(None, "None"), ("", "None"), (SECRET_KEY, "***")], ids=["none", "empty", "given"]
)
def test_repr_says_whether_a_secret_key_goes_as_the_gateway_does(secret_key: str | None, shown: str) -> None:
    """NhnGateway's repr says ``secret_key=***`` or ``secret_key=None``; the client's and its
    api's said neither: a client with X-Secret-Key and one without looked the same."""
    url = f"url='{DEFAULT_BASE_URL}/sms/v2.2/appKeys/***'"
    nhn = NhnClient(app_key=APP_KEY, secret_key=secret_key)
    assert repr(nhn) == f"NhnClient({url}, secret_key={shown})"
    assert repr(nhn.api) == f"NhnApi({url}, secret_key={shown})"


@pytest.mark.parametrize("app_key", ["app-key/KEY-TAIL", "app-key KEY-TAIL", "app-key'KEY-TAIL"])
async def test_an_answer_echoing_the_decoded_path_hides_all_of_an_app_key_with_odd_characters(
    app_key: str, api: respx.MockRouter
) -> None:
    """The ``/appKeys/`` pattern stops at ``/``, a space or a quote: the key itself is hidden
    first, so the pattern never leaves its tail."""
    api.route().respond(404, text=f"No handler for GET /sms/v2.2/appKeys/{app_key}/sender/sms")
    async with NhnClient(app_key=app_key, retry=NO_RETRIES) as nhn:
        with pytest.raises(errors.NotFoundError) as caught:
            await nhn.api.call("GET", "/sender/sms")

    assert caught.value.message == "HTTP 404: No handler for GET /sms/v2.2/appKeys/***/sender/sms"


def test_a_recipient_needs_a_number() -> None:
    with pytest.raises(errors.ValidationError):
        SendRecipient(country_code="82")


async def test_a_send_drops_its_typed_request_before_the_network_wait(client: NhnClient, api: respx.MockRouter) -> None:
    api.post(f"{PREFIX}/sender/sms").respond(200, text=SEND_ANSWER)
    request = attrs.evolve(SMS_REQUEST)
    alive = weakref.ref(request)
    pending = client.send_sms(request)
    del request
    assert alive() is None, "1,000 recipient models must not live through the request"
    assert (await pending).request_id == "20180810100630ReZQ6KZzAH0"


@pytest.mark.parametrize("count", [0, 1001])
async def test_a_send_without_1_to_1000_recipients_is_refused_before_sending(count: int) -> None:
    request = SendRequest(
        body="본문",
        send_no="15446859",
        recipient_list=tuple(SendRecipient(recipient_no=f"010{position:08d}") for position in range(count)),
    )
    with respx.mock(assert_all_mocked=True) as router:
        async with NhnClient(app_key=APP_KEY, retry=NO_RETRIES) as nhn:
            with pytest.raises(errors.ValidationError) as caught:
                await nhn.send_sms(request)
        assert not router.calls
    assert (caught.value.field, caught.value.value) == ("recipient_list", count)


# --- sends refused before any request (N1, N4, N7, N10, N11, N13, N14) ------------------------


@attrs.frozen
class SendEndpoint:
    """A send method, its path, whether its table is the SMS one, whether it advertises."""

    send: Callable[[NhnClient, SendRequest], Awaitable[object]]
    path: str
    sms: bool
    advertisement: bool = False

    @property
    def body_limit(self) -> int:
        return 90 if self.sms else 2000

    @property
    def key_limit(self) -> int:
        """``recipientGroupingKey``: 100 in the SMS tables, 1,000 in N4's."""
        return 100 if self.sms else 1000

    def text(self, size: int) -> str:
        """A body of exactly ``size`` EUC-KR bytes, with the notice an advertisement needs."""
        head, tail = ("(광고)", "\n무료수신거부 0801234567") if self.advertisement else ("", "")
        return head + "a" * (size - len((head + tail).encode("euc_kr"))) + tail

    def at_limits(self) -> SendRequest:
        """A request with every field its table limits at that limit."""
        return SendRequest(
            send_no="0" + "2" * 12,
            body=self.text(self.body_limit),
            title=None if self.sms else "가" * 20,
            template_id="t" * 50,
            request_date=MinuteTime(datetime.now(SEOUL) + timedelta(days=60)),
            sender_grouping_key="g" * 100,
            user_id="u" * 100,
            recipient_list=(
                SendRecipient(
                    recipient_no="0" + "2" * 19,
                    country_code="82",
                    international_recipient_no="82" + "1" * 18,
                    template_parameter={"name": "홍길동"},
                    recipient_grouping_key="k" * self.key_limit,
                ),
            ),
        )


SEND_ENDPOINTS = {
    "N1 sms": SendEndpoint(NhnClient.send_sms, "/sender/sms", sms=True),
    "N4 mms": SendEndpoint(NhnClient.send_mms, "/sender/mms", sms=False),
    "N7 auth sms": SendEndpoint(NhnClient.send_auth_sms, "/sender/auth/sms", sms=True),
    "N10 ad sms": SendEndpoint(NhnClient.send_ad_sms, "/sender/ad-sms", sms=True, advertisement=True),
    "N11 ad mms": SendEndpoint(NhnClient.send_ad_mms, "/sender/ad-mms", sms=False, advertisement=True),
}


def with_recipient(request: SendRequest, **changes: Any) -> SendRequest:
    return attrs.evolve(request, recipient_list=(attrs.evolve(request.recipient_list[0], **changes),))


def recipient_of(number: str) -> tuple[SendRecipient, ...]:
    return (SendRecipient(recipient_no=number),)


PAST = MinuteTime(datetime.now(SEOUL) - timedelta(minutes=1))
# Made at import: an hour past the window, so that it is still past it when the test runs
# minutes later (two minutes past, it was inside the window by the time a slow run got there).
TOO_FAR = MinuteTime(datetime.now(SEOUL) + timedelta(days=60, hours=1))
NAIVE_PAST = MinuteTime(datetime.now(SEOUL).replace(tzinfo=None) - timedelta(minutes=1))

# Each case turns the request at every limit into one that breaks one rule: the request, and
# the field, limit and value its refusal names.
SendCase = Callable[[SendEndpoint, SendRequest], tuple[SendRequest, str, str, object]]
REFUSED_SENDS: dict[str, SendCase] = {
    "sendNo of 14 digits": lambda e, r: (
        attrs.evolve(r, send_no="0" + "2" * 13),
        "send_no",
        "13 digits",
        "022*******2222",
    ),
    "sendNo with hyphens": lambda e, r: (
        attrs.evolve(r, send_no="02-1234-5678"),
        "send_no",
        "digits",
        "02-*****5678",
    ),
    "body a byte over": lambda e, r: (
        attrs.evolve(r, body=e.text(e.body_limit + 1)),
        "body",
        f"{e.body_limit} bytes",
        e.body_limit + 1,
    ),
    "body with an emoji": lambda e, r: (
        attrs.evolve(r, body=e.text(40).replace("a", "😀", 1)),
        "body",
        "EUC-KR characters only",
        "😀",
    ),
    "body with a syllable only CP949 has": lambda e, r: (
        attrs.evolve(r, body=e.text(40).replace("a", "똠", 1)),
        "body",
        "EUC-KR characters only",
        "똠",
    ),
    "title a byte over, or on an SMS": lambda e, r: (
        (attrs.evolve(r, title="제목"), "title", "no title", "제목")
        if e.sms
        else (attrs.evolve(r, title="가" * 20 + "a"), "title", "40 bytes", 41)
    ),
    "templateId of 51": lambda e, r: (
        attrs.evolve(r, template_id="t" * 51),
        "template_id",
        "50 characters",
        "t" * 51,
    ),
    "userId of 101": lambda e, r: (attrs.evolve(r, user_id="u" * 101), "user_id", "100 characters", 101),
    "senderGroupingKey of 101": lambda e, r: (
        attrs.evolve(r, sender_grouping_key="g" * 101),
        "sender_grouping_key",
        "100 characters",
        101,
    ),
    "recipientGroupingKey one over": lambda e, r: (
        with_recipient(r, recipient_grouping_key="k" * (e.key_limit + 1)),
        "recipient_list[0].recipient_grouping_key",
        f"{e.key_limit} characters",
        e.key_limit + 1,
    ),
    "recipientNo of 21 digits": lambda e, r: (
        with_recipient(r, recipient_no="0" + "2" * 20),
        "recipient_list[0].recipient_no",
        "8-20 digits",
        "022**************2222",
    ),
    "recipientNo with hyphens": lambda e, r: (
        with_recipient(r, recipient_no="010-1234-5678"),
        "recipient_list[0].recipient_no",
        "digits",
        "010******5678",
    ),
    "internationalRecipientNo of 21 digits": lambda e, r: (
        with_recipient(r, international_recipient_no="82" + "1" * 19),
        "recipient_list[0].international_recipient_no",
        "country code first, at most 20 digits",
        "821**************1111",
    ),
    "countryCode of 4 digits": lambda e, r: (
        with_recipient(r, country_code="8200"),
        "recipient_list[0].country_code",
        "1-3 digits",
        "8200",
    ),
    "templateParameter with an emoji": lambda e, r: (
        with_recipient(r, template_parameter={"name": "홍길동😀"}),
        "recipient_list[0].template_parameter['name']",
        "EUC-KR characters only",
        "😀",
    ),
    "requestDate in the past": lambda e, r: (
        attrs.evolve(r, request_date=PAST),
        "request_date",
        "in the future",
        PAST.isoformat(),
    ),
    "requestDate over 60 days ahead": lambda e, r: (
        attrs.evolve(r, request_date=TOO_FAR),
        "request_date",
        "60 days",
        TOO_FAR.isoformat(),
    ),
}


@pytest.mark.parametrize("endpoint", SEND_ENDPOINTS.values(), ids=SEND_ENDPOINTS.keys())
async def test_a_send_with_every_field_at_its_documented_limit_goes_out(
    endpoint: SendEndpoint, client: NhnClient, api: respx.MockRouter
) -> None:
    route = api.post(PREFIX + endpoint.path).respond(200, text=SEND_ANSWER)
    request = endpoint.at_limits()

    await endpoint.send(client, request)

    assert route.call_count == 1
    assert json.loads(route.calls.last.request.content) == client.api.dump(request)


@pytest.mark.parametrize("case", REFUSED_SENDS.values(), ids=REFUSED_SENDS.keys())
@pytest.mark.parametrize("endpoint", SEND_ENDPOINTS.values(), ids=SEND_ENDPOINTS.keys())
async def test_a_send_one_past_a_documented_limit_is_refused_before_any_request(
    endpoint: SendEndpoint, case: SendCase, client: NhnClient
) -> None:
    request, field, limit, value = case(endpoint, endpoint.at_limits())
    with respx.mock(base_url=HOST, assert_all_called=False) as router:
        route = router.route().respond(200, text=SEND_ANSWER)
        with pytest.raises(errors.ValidationError) as caught:
            await endpoint.send(client, request)

    assert (caught.value.field, caught.value.limit, caught.value.value) == (field, limit, value)
    assert route.call_count == 0


@pytest.mark.parametrize(
    ("send", "refused", "field", "limit", "value"),
    [
        (
            NhnClient.send_ad_sms,
            SendRequest(send_no="15446859", body="(광고) 세일", recipient_list=recipient_of("01012345678")),
            "body",
            "'무료수신거부 <080 number>' last",
            "(광고) 세일",
        ),
        (
            NhnClient.send_mms,
            SendRequest(send_no="15446859", body="본문", recipient_list=recipient_of("01012345678")),
            "title",
            "a title",
            None,
        ),
        (
            NhnClient.send_sms,
            SendRequest(
                send_no="15446859", body="본문", attach_file_id_list=(1,), recipient_list=recipient_of("01012345678")
            ),
            "attach_file_id_list",
            "MMS",
            1,
        ),
        (
            NhnClient.send_mms,
            SendRequest(
                send_no="15446859",
                title="제목",
                body="본문",
                recipient_list=(SendRecipient(recipient_no="912345678", country_code="1"),),
            ),
            "recipient_list[0].country_code",
            "82",
            "1",
        ),
        (
            NhnClient.send_sms,
            SendRequest(body="본문", recipient_list=recipient_of("01012345678")),
            "send_no",
            "a sender number",
            None,
        ),
        (
            NhnClient.send_sms,
            SendRequest(send_no="15446859", recipient_list=recipient_of("01012345678")),
            "body",
            "a visible character",
            "",
        ),
        (
            NhnClient.send_sms,
            SendRequest(
                send_no="15446859",
                body="본문",
                request_date=NAIVE_PAST,
                recipient_list=recipient_of("01012345678"),
            ),
            "request_date",
            "in the future",
            NAIVE_PAST.replace(tzinfo=SEOUL).isoformat(),
        ),
    ],
    ids=[
        "ad without the opt-out line",
        "LMS without a title",
        "SMS with an image",
        "LMS abroad",
        "no sendNo and no template",
        "no body and no template",
        "naive requestDate is Seoul time",
    ],
)
async def test_a_send_its_table_forbids_is_refused_before_any_request(
    send: Callable[[NhnClient, SendRequest], Awaitable[object]],
    refused: SendRequest,
    field: str,
    limit: str,
    value: object,
    client: NhnClient,
) -> None:
    with respx.mock(base_url=HOST, assert_all_called=False) as router:
        route = router.route().respond(200, text=SEND_ANSWER)
        with pytest.raises(errors.ValidationError) as caught:
            await send(client, refused)

    assert (caught.value.field, caught.value.limit, caught.value.value) == (field, limit, value)
    assert route.call_count == 0


async def test_a_refused_send_raises_when_awaited_not_when_called(client: NhnClient) -> None:
    pending = client.send_sms(SendRequest(send_no="15446859", body="😀", recipient_list=recipient_of("01012345678")))
    with pytest.raises(errors.ValidationError) as caught:
        await pending
    assert (caught.value.field, caught.value.value) == ("body", "😀")


@attrs.frozen
class TagEndpoint:
    """A tag send method, its path and whether its table is the SMS one (N13) or not (N14)."""

    send: Callable[[NhnClient, TagSendRequest], Awaitable[object]]
    path: str
    sms: bool

    @property
    def body_limit(self) -> int:
        return 90 if self.sms else 2000

    def at_limits(self) -> TagSendRequest:
        """A tag send with every field its table limits at that limit."""
        return TagSendRequest(
            send_no="0" + "2" * 12,
            body="a" * self.body_limit,
            title=None if self.sms else "가" * 20,
            template_id="t" * 50,
            template_parameter={"name": "홍길동"},
            request_date=MinuteTime(datetime.now(SEOUL) + timedelta(days=60)),
            user_id="u" * 100,
            tag_expression=("tag1", "AND", "tag2"),
        )


TAG_ENDPOINTS = {
    "N13 tag sms": TagEndpoint(NhnClient.send_tag_sms, "/tag-sender/sms", sms=True),
    "N14 tag mms": TagEndpoint(NhnClient.send_tag_mms, "/tag-sender/mms", sms=False),
}
TagCase = Callable[[TagEndpoint, TagSendRequest], tuple[TagSendRequest, str, str, object]]
REFUSED_TAG_SENDS: dict[str, TagCase] = {
    "sendNo of 14 digits": lambda e, r: (
        attrs.evolve(r, send_no="0" + "2" * 13),
        "send_no",
        "13 digits",
        "022*******2222",
    ),
    "body a byte over": lambda e, r: (
        attrs.evolve(r, body="a" * (e.body_limit + 1)),
        "body",
        f"{e.body_limit} bytes",
        e.body_limit + 1,
    ),
    "body with an emoji": lambda e, r: (
        attrs.evolve(r, body="쿠폰 😀"),
        "body",
        "EUC-KR characters only",
        "😀",
    ),
    "title a byte over, or on an SMS": lambda e, r: (
        (attrs.evolve(r, title="제목"), "title", "no title", "제목")
        if e.sms
        else (attrs.evolve(r, title="가" * 20 + "a"), "title", "40 bytes", 41)
    ),
    "templateId of 51": lambda e, r: (
        attrs.evolve(r, template_id="t" * 51),
        "template_id",
        "50 characters",
        "t" * 51,
    ),
    "templateParameter with an emoji": lambda e, r: (
        attrs.evolve(r, template_parameter={"name": "😀"}),
        "template_parameter['name']",
        "EUC-KR characters only",
        "😀",
    ),
    "userId of 101": lambda e, r: (attrs.evolve(r, user_id="u" * 101), "user_id", "100 characters", 101),
    "requestDate in the past": lambda e, r: (
        attrs.evolve(r, request_date=PAST),
        "request_date",
        "in the future",
        PAST.isoformat(),
    ),
    "requestDate over 60 days ahead": lambda e, r: (
        attrs.evolve(r, request_date=TOO_FAR),
        "request_date",
        "60 days",
        TOO_FAR.isoformat(),
    ),
    "no tag expression": lambda e, r: (attrs.evolve(r, tag_expression=()), "tag_expression", "at least 1", 0),
    "advertisement without its notice": lambda e, r: (
        attrs.evolve(r, ad_yn=True, body="세일"),
        "body",
        "(광고)",
        "세일",
    ),
}


@pytest.mark.parametrize("endpoint", TAG_ENDPOINTS.values(), ids=TAG_ENDPOINTS.keys())
async def test_a_tag_send_with_every_field_at_its_documented_limit_goes_out(
    endpoint: TagEndpoint, client: NhnClient, api: respx.MockRouter
) -> None:
    route = api.post(PREFIX + endpoint.path).respond(200, text=TAG_SEND_ANSWER)
    request = endpoint.at_limits()

    await endpoint.send(client, request)

    assert route.call_count == 1
    assert json.loads(route.calls.last.request.content) == client.api.dump(request)


@pytest.mark.parametrize("case", REFUSED_TAG_SENDS.values(), ids=REFUSED_TAG_SENDS.keys())
@pytest.mark.parametrize("endpoint", TAG_ENDPOINTS.values(), ids=TAG_ENDPOINTS.keys())
async def test_a_tag_send_one_past_a_documented_limit_is_refused_before_any_request(
    endpoint: TagEndpoint, case: TagCase, client: NhnClient
) -> None:
    request, field, limit, value = case(endpoint, endpoint.at_limits())
    with respx.mock(base_url=HOST, assert_all_called=False) as router:
        route = router.route().respond(200, text=TAG_SEND_ANSWER)
        with pytest.raises(errors.ValidationError) as caught:
            await endpoint.send(client, request)

    assert (caught.value.field, caught.value.limit, caught.value.value) == (field, limit, value)
    assert route.call_count == 0


async def test_a_template_may_supply_the_sender_body_and_title(client: NhnClient, api: respx.MockRouter) -> None:
    route = api.post(f"{PREFIX}/sender/mms").respond(200, text=SEND_ANSWER)
    await client.send_mms(SendRequest(template_id="TemplateId", recipient_list=recipient_of("01012345678")))
    assert json.loads(route.calls.last.request.content) == {
        "templateId": "TemplateId",
        "recipientList": [{"recipientNo": "01012345678"}],
    }


def locals_in_traceback(error: BaseException) -> list[str]:
    """The lines of ``error``'s traceback with every frame's locals, as error trackers (Sentry
    records locals by default) and ``pytest --showlocals`` show them."""
    return "".join(traceback.TracebackException.from_exception(error, capture_locals=True).format()).splitlines()


@pytest.mark.parametrize(
    "answer",
    [httpx.ConnectError("refused"), httpx.Response(500, text="boom"), httpx.ReadTimeout("late")],
    ids=["connection refused", "server error", "timeout"],
)
async def test_a_failed_request_holds_no_appkey_in_any_frame_local(
    answer: httpx.Response | Exception, client: NhnClient, api: respx.MockRouter
) -> None:
    api.get(f"{PREFIX}/sender/sms").mock(side_effect=[answer])
    with pytest.raises(errors.KrSmsError) as caught:
        await client.list_sms(SendQuery(request_id="R1"))
    shown = locals_in_traceback(caught.value)
    assert any("/sender/sms" in local for local in shown)  # the frames are there, with their paths
    assert [local for local in shown if APP_KEY in local or "app%2Fkey%2B1" in local or SECRET_KEY in local] == []


@pytest.mark.parametrize("base_url", [f"{HOST}/", f"{HOST}/proxy", f"{HOST}/proxy/"])
async def test_a_base_url_with_a_trailing_slash_or_a_path_prefix_gives_one_path(base_url: str) -> None:
    prefix = "/proxy" if "proxy" in base_url else ""
    with respx.mock(base_url=HOST, assert_all_called=True) as router:
        route = router.get(f"{prefix}{PREFIX}/sendNos").respond(
            200, json={"header": {"isSuccessful": True, "resultCode": 0}, "body": {"data": []}}
        )
        async with NhnClient(app_key=APP_KEY, base_url=base_url) as nhn:
            await nhn.list_sender_numbers()
    assert route.calls.last.request.url.raw_path.decode().startswith(f"{prefix}{PREFIX}/sendNos")


def test_an_app_key_echoed_url_quoted_anywhere_is_redacted() -> None:
    redact = nhn_redactor(APP_KEY, None)
    assert redact(f"echoed {APP_KEY} and app%2Fkey%2B1 outside a path") == "echoed *** and *** outside a path"

"""A raw request over a limit the NHN document gives is refused by the emulator, as the SDK
refuses it before sending: a user whose own client (``send_body``, raw httpx, another
language) breaks a limit finds out in their tests, not in production. Each refused send
records nothing; a value at the limit is taken."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from nhn_answers import code_of
from starlette.applications import Starlette

from krsms.convert import SEOUL
from krsms.emulator import DEMO_NHN_APP_KEY, EmulatorConfig

NHN = f"/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}"
SMS = {"body": "본문", "sendNo": "15446859", "recipientList": [{"recipientNo": "01000000001"}]}
LMS = {**SMS, "title": "제목"}
JPEG = "/9j/4AAQSkZJRgABAQAAAQABAAD/2Q=="
NOW = datetime.now(SEOUL)
WINDOW = {
    "startRequestDate": (NOW - timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S"),
    "endRequestDate": (NOW + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S"),
}
TOMORROW = (NOW + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
STATISTICS = {
    "searchType": "DATE",
    "from": (NOW - timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
    "to": NOW.strftime("%Y-%m-%d %H:%M"),
}


@pytest.fixture
def config() -> EmulatorConfig:
    return EmulatorConfig()


def to(number: str, **fields: Any) -> list[dict[str, Any]]:
    return [{"recipientNo": number, **fields}]


# --- sends: nhn-sms-api-v2.2.ja.txt:42,49,50 (N1), :390,397,398 (N4), :808,815,816 (N7) ---------


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("sms", {**SMS, "userId": "u" * 101}),
        ("sms", {**SMS, "senderGroupingKey": "k" * 101}),
        ("sms", {**SMS, "recipientList": to("01000000001", recipientGroupingKey="k" * 101)}),
        ("auth/sms", {**SMS, "userId": "u" * 101}),
        ("auth/sms", {**SMS, "recipientList": to("01000000001", recipientGroupingKey="k" * 101)}),
        ("mms", {**LMS, "userId": "u" * 101}),
        ("mms", {**LMS, "senderGroupingKey": "k" * 101}),
        ("mms", {**LMS, "recipientList": to("01000000001", recipientGroupingKey="k" * 1001)}),
    ],
)
async def test_a_send_over_a_documented_field_length_is_refused_and_records_nothing(
    nhn: httpx.AsyncClient, app: Starlette, path: str, body: dict[str, Any]
) -> None:
    """The error table has no code for these fields: -9997, the request is not the documented JSON."""
    assert code_of(await nhn.post(f"{NHN}/sender/{path}", json=body)) == -9997
    assert len(app.state.ledger) == 0


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("sms", {**SMS, "userId": "u" * 100, "senderGroupingKey": "k" * 100,
                 "recipientList": to("01000000001", recipientGroupingKey="k" * 100)}),
        ("mms", {**LMS, "userId": "u" * 100, "senderGroupingKey": "k" * 100,
                 "recipientList": to("01000000001", recipientGroupingKey="k" * 1000)}),
    ],
)  # fmt: skip
async def test_a_send_at_the_documented_field_lengths_is_sent(
    nhn: httpx.AsyncClient, app: Starlette, path: str, body: dict[str, Any]
) -> None:
    """An LMS/MMS ``recipientGroupingKey`` takes 1,000 characters (the N4 table), an SMS one 100."""
    assert code_of(await nhn.post(f"{NHN}/sender/{path}", json=body)) == 0
    assert len(app.state.ledger) == 1


async def test_a_tag_send_with_a_user_id_over_100_characters_is_refused(nhn: httpx.AsyncClient, app: Starlette) -> None:
    """nhn-sms-api-v2.2.ja.txt:1212: N13's ``userId`` takes 100 characters."""
    tag = (await nhn.post(f"{NHN}/tags", json={"tagName": "vip"})).json()["body"]["data"]["tagId"]
    contact = [{"contactType": "PHONE_NUMBER", "contact": "01000000001"}]
    uid = {"uid": "a", "tagIds": [tag], "contacts": contact}
    assert code_of(await nhn.post(f"{NHN}/uids", json={"uids": [uid]})) == 0
    send = {"body": "본문", "sendNo": "15446859", "tagExpression": [tag]}
    assert code_of(await nhn.post(f"{NHN}/tag-sender/sms", json={**send, "userId": "u" * 101})) == -9997
    assert len(app.state.ledger) == 0
    assert code_of(await nhn.post(f"{NHN}/tag-sender/sms", json={**send, "userId": "u" * 100})) == 0
    assert len(app.state.ledger) == 1


# --- N18 upload (ja.txt:1522), N36 cancel (ja.txt:2576-2578) ------------------------------------


async def test_an_upload_by_a_create_user_over_100_characters_is_refused(nhn: httpx.AsyncClient) -> None:
    upload = {"fileName": "a.jpg", "fileBody": JPEG}
    assert code_of(await nhn.post(f"{NHN}/attachfile/binaryUpload", json={**upload, "createUser": "u" * 101})) == -9997
    assert code_of(await nhn.post(f"{NHN}/attachfile/binaryUpload", json={**upload, "createUser": "u" * 100})) == 0


@pytest.mark.parametrize(
    ("cancel", "code"),
    [
        (lambda key: {"reservationList": [key], "updateUser": "u" * 101}, -9997),
        (lambda key: {"reservationList": [], "updateUser": "me"}, -9997),
        (lambda key: {"reservationList": [key, {**key, "requestId": "r" * 26}], "updateUser": "me"}, -2008),
    ],
)
async def test_a_cancel_over_its_documented_limits_is_refused_and_cancels_nothing(
    nhn: httpx.AsyncClient, app: Starlette, cancel: Callable[[dict[str, Any]], dict[str, Any]], code: int
) -> None:
    sent = await nhn.post(f"{NHN}/sender/sms", json={**SMS, "requestDate": TOMORROW})
    key = {"requestId": sent.json()["body"]["data"]["requestId"], "recipientSeq": 1}
    assert code_of(await nhn.put(f"{NHN}/reservations/cancel", json=cancel(key))) == code
    assert [delivery.status for delivery in app.state.ledger] == ["accepted"]


async def test_a_cancel_at_its_documented_limits_cancels(nhn: httpx.AsyncClient, app: Starlette) -> None:
    sent = await nhn.post(f"{NHN}/sender/sms", json={**SMS, "requestDate": TOMORROW})
    request_id = sent.json()["body"]["data"]["requestId"]
    assert len(request_id) == 25
    cancel = {"reservationList": [{"requestId": request_id, "recipientSeq": 1}], "updateUser": "u" * 100}
    answer = await nhn.put(f"{NHN}/reservations/cancel", json=cancel)
    assert (code_of(answer), answer.json()["body"]["data"]["canceledCount"]) == (0, 1)
    assert [delivery.status for delivery in app.state.ledger] == ["cancelled"]


# --- look-up filters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "fields", "code"),
    [
        # N2/N5/N8, ja.txt:191-205, :541-555, :915-929
        ("GET", "/sender/sms", {"params": {"requestId": "r" * 26}}, -2008),
        ("GET", "/sender/sms", {"params": {**WINDOW, "sendNo": "1" * 14}}, -2012),
        ("GET", "/sender/sms", {"params": {**WINDOW, "recipientNo": "1" * 21}}, -2012),
        ("GET", "/sender/sms", {"params": {**WINDOW, "templateId": "t" * 51}}, -2109),
        ("GET", "/sender/sms", {"params": {**WINDOW, "msgStatus": "33"}}, -2012),
        ("GET", "/sender/sms", {"params": {**WINDOW, "resultCode": "1" * 11}}, -2012),
        ("GET", "/sender/sms", {"params": {**WINDOW, "subResultCode": "1" * 11}}, -2012),
        ("GET", "/sender/mms", {"params": {**WINDOW, "senderGroupingKey": "k" * 101}}, -2012),
        ("GET", "/sender/auth/sms", {"params": {**WINDOW, "recipientGroupingKey": "k" * 101}}, -2012),
        # N15, ja.txt:1314; N16, ja.txt:1388-1394 (checked before the request is looked up)
        ("GET", "/tag-sender", {"params": {**WINDOW, "sendType": "0", "statusCode": "M" * 11}}, -2012),
        ("GET", "/tag-sender/r", {"params": {**WINDOW, "recipientNum": "1" * 21}}, -2012),
        ("GET", "/tag-sender/r", {"params": {**WINDOW, "msgStatusName": "R" * 11}}, -2012),
        ("GET", "/tag-sender/r", {"params": {**WINDOW, "resultCode": "1" * 11}}, -2012),
        # N30, ja.txt:2232
        ("GET", "/blockservice/recipients", {"params": {"unsubscribeNo": "0801234567", "recipientNo": "1" * 26}},
         -2012),
        # N33, ja.txt:2364
        ("GET", "/statistics/view", {"params": {**STATISTICS, "templateId": "t" * 51}}, -2109),
        # N34, ja.txt:2412-2421
        ("GET", "/reservations", {"params": {"sendType": "3"}}, -2012),
        ("GET", "/reservations", {"params": {"requestId": "r" * 26}}, -2008),
        ("GET", "/reservations", {"params": {"sendNo": "1" * 14}}, -2012),
        ("GET", "/reservations", {"params": {"recipientNo": "1" * 21}}, -2012),
        ("GET", "/reservations", {"params": {"templateId": "t" * 51}}, -2109),
        ("GET", "/reservations", {"params": {"messageStatus": "R" * 11}}, -2012),
        # N37, ja.txt:2629-2642
        ("POST", "/sender/download-reservations", {"json": {"sendType": "0", "requestId": "r" * 26}}, -2008),
        ("POST", "/sender/download-reservations", {"json": {"sendType": "0", **WINDOW, "sendNo": "1" * 14}}, -2012),
        ("POST", "/sender/download-reservations", {"json": {"sendType": "0", **WINDOW, "templateId": "t" * 51}},
         -2109),
        # N38, ja.txt:2680-2681
        ("GET", "/download-reservations", {"params": {"downloadId": "d" * 26}}, -2012),
        ("GET", "/download-reservations", {"params": {"downloadStatusCode": "C" * 11}}, -2012),
    ],
)  # fmt: skip
async def test_a_look_up_filter_over_its_documented_maximum_is_refused(
    nhn: httpx.AsyncClient, method: str, path: str, fields: dict[str, Any], code: int
) -> None:
    """-2008 (invalid requestId) and -2109 (templateId over 50) where the error table has a
    code for the field, else -2012 (invalid look-up parameter)."""
    assert code_of(await nhn.request(method, f"{NHN}{path}", **fields)) == code


async def test_look_up_filters_at_their_documented_maximum_are_taken(nhn: httpx.AsyncClient) -> None:
    at_most = {"sendNo": "1" * 13, "recipientNo": "1" * 20, "templateId": "t" * 50, "msgStatus": "3",
               "resultCode": "1" * 10, "subResultCode": "1" * 10, "senderGroupingKey": "k" * 100,
               "recipientGroupingKey": "k" * 100}  # fmt: skip
    assert code_of(await nhn.get(f"{NHN}/sender/sms", params={**WINDOW, **at_most})) == 0
    assert code_of(await nhn.get(f"{NHN}/sender/sms", params={"requestId": "r" * 25})) == 0
    reservations = {"requestId": "r" * 25, "sendType": "2", "sendNo": "1" * 13, "recipientNo": "1" * 20,
                    "templateId": "t" * 50, "messageStatus": "R" * 10}  # fmt: skip
    assert code_of(await nhn.get(f"{NHN}/reservations", params=reservations)) == 0
    assert code_of(await nhn.get(f"{NHN}/statistics/view", params={**STATISTICS, "templateId": "t" * 50})) == 0
    blocked = {"unsubscribeNo": "0801234567", "recipientNo": "1" * 25}
    assert code_of(await nhn.get(f"{NHN}/blockservice/recipients", params=blocked)) == 0
    downloads = {"downloadId": "d" * 25, "downloadStatusCode": "C" * 10}
    assert code_of(await nhn.get(f"{NHN}/download-reservations", params=downloads)) == 0

"""Malformed input gets each provider's own error answer, never a plain-text 500."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sens_signing import SERVICE, DocumentSigner, signature
from starlette.applications import Starlette

from krsms.convert import SEOUL
from krsms.emulator import (
    DEMO_NHN_APP_KEY,
    DEMO_SENS_ACCESS_KEY,
    DEMO_SENS_SECRET_KEY,
    EmulatorConfig,
    create_app,
)

NHN = f"/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}"
DEEP = b"[" * 100_000
FULLWIDTH_NUMBER = "０１０１２３４５６７８"
NHN_SMS = {"body": "본문", "sendNo": "15446859", "recipientList": [{"recipientNo": "01000000001"}]}
NHN_SMS_TO_FULLWIDTH = {**NHN_SMS, "recipientList": [{"recipientNo": FULLWIDTH_NUMBER}]}
UID_WITH_FULLWIDTH = {
    "uid": "a",
    "tagIds": [],
    "contacts": [{"contactType": "PHONE_NUMBER", "contact": FULLWIDTH_NUMBER}],
}
SENS_SMS = {"type": "SMS", "from": "0212345678", "content": "안녕", "messages": [{"to": "01012345678"}]}
TOMORROW = (datetime.now(SEOUL) + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
async def client(app: Starlette) -> Any:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator") as client:
        yield client


def nhn_code(answer: httpx.Response) -> int:
    assert answer.headers["content-type"] == "application/json"
    header = answer.json()["header"]
    assert header["isSuccessful"] is False
    return int(header["resultCode"])


@pytest.mark.parametrize(
    ("method", "path", "request_fields", "code"),
    [
        ("POST", "/sms/v2.2/appKeys/%C3%A9/sender/sms", {"json": NHN_SMS}, -1001),
        ("POST", f"{NHN}/sender/sms", {"content": DEEP, "headers": {"Content-Type": "application/json"}}, -9997),
        ("POST", f"{NHN}/sender/sms", {"content": b'{"sendNo": "0212345678"}'}, -9996),
        ("POST", f"{NHN}/sender/sms", {"content": b"{}", "headers": {"Content-Type": "text/plain"}}, -9996),
        ("POST", f"{NHN}/sender/sms", {"json": {**NHN_SMS, "sendNo": ["x"]}}, -9997),
        ("POST", f"{NHN}/sender/mms", {"json": {**NHN_SMS, "title": "제목", "attachFileIdList": [[1]]}}, -9997),
        ("POST", f"{NHN}/sender/sms", {"json": NHN_SMS_TO_FULLWIDTH}, -2019),
        ("PUT", f"{NHN}/reservations/cancel", {"json": {"reservationList": ["x"], "updateUser": "me"}}, -9997),
        (
            "POST",
            f"{NHN}/sender/download-reservations",
            {"json": {"sendType": "0", "requestId": "r", "startResultDate": 1, "endResultDate": 2}},
            -9997,
        ),
        ("POST", f"{NHN}/sender/download-reservations", {"json": {"sendType": "0", "requestId": ["r"]}}, -9997),
        ("GET", f"{NHN}/sender/sms/20260101000000abcdefghijk", {"params": {"mtPr": "²"}}, -2012),
        ("GET", f"{NHN}/categories/%C2%B2", {}, -2202),
        ("GET", f"{NHN}/categories", {"params": {"pageNum": "１"}}, -2011),
        ("GET", f"{NHN}/uids", {"params": {"limit": "１"}}, -7001),
        ("POST", f"{NHN}/uids", {"json": {"uids": [UID_WITH_FULLWIDTH]}}, -7001),
        ("POST", f"{NHN}/attachfile/binaryUpload", {"json": {"fileName": "a.jpg", "createUser": 1, "fileBody": "/9g="}},
         -9997),
    ],
)  # fmt: skip
async def test_nhn_answers_malformed_input_in_its_envelope(
    client: httpx.AsyncClient, app: Starlette, method: str, path: str, request_fields: dict[str, Any], code: int
) -> None:
    answer = await client.request(method, path, **request_fields)
    assert answer.status_code == 200
    assert nhn_code(answer) == code
    assert len(app.state.ledger) == 0


async def test_a_non_ascii_nhn_secret_key_is_refused_like_a_wrong_one() -> None:
    app = create_app(EmulatorConfig(nhn_secret_key="s3cret"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator") as client:
        answer = await client.get(f"{NHN}/sendNos", headers={"X-Secret-Key": b"\xe9"})
    assert (answer.status_code, nhn_code(answer)) == (401, -1000)


def signed_headers(method: str, target: str, **replaced: bytes) -> dict[str, Any]:
    """Headers signed as the SENS document says, then some replaced by raw bytes."""
    timestamp = str(int(time.time() * 1000))
    headers: dict[str, Any] = {
        "x-ncp-apigw-timestamp": timestamp,
        "x-ncp-iam-access-key": DEMO_SENS_ACCESS_KEY,
        "x-ncp-apigw-signature-v2": signature(method, target, timestamp, DEMO_SENS_ACCESS_KEY, DEMO_SENS_SECRET_KEY),
    }
    headers.update({f"x-ncp-{name.replace('_', '-')}": value for name, value in replaced.items()})
    return headers


@pytest.mark.parametrize(
    "replaced",
    [{"iam_access_key": b"\xe9"}, {"apigw_timestamp": b"\xb2"}, {"apigw_signature_v2": b"\xe9"}],
)
async def test_non_ascii_sens_credentials_fail_authentication(
    client: httpx.AsyncClient, replaced: dict[str, bytes]
) -> None:
    target = f"{SERVICE}/unsubscribes"
    answer = await client.get(target, headers=signed_headers("GET", target, **replaced))
    assert answer.status_code == 401
    assert answer.json()["error"]["errorCode"] == "200"


@pytest.mark.parametrize(
    ("request_fields", "field"),
    [
        ({"content": DEEP, "headers": {"Content-Type": "application/json"}}, "body"),
        ({"content": json.dumps(SENS_SMS), "headers": {"Content-Type": "text/plain"}}, "Content-Type"),
        ({"content": json.dumps(SENS_SMS)}, "Content-Type"),
        ({"json": {**SENS_SMS, "type": "MMS", "subject": "제목", "files": [{"fileId": []}]}}, "files[0].fileId"),
        ({"json": {**SENS_SMS, "reserveTime": TOMORROW, "reserveTimeZone": "Asia"}}, "reserveTimeZone"),
        ({"json": {**SENS_SMS, "messages": [{"to": FULLWIDTH_NUMBER}]}}, "messages[0].to"),
        ({"json": {**SENS_SMS, "from": "０２１２３４５６７８"}}, "from"),
    ],
)
async def test_a_malformed_sens_send_is_a_400_naming_the_field(
    sens: httpx.AsyncClient, app: Starlette, request_fields: dict[str, Any], field: str
) -> None:
    answer = await sens.post(f"{SERVICE}/messages", **request_fields)
    assert answer.status_code == 400
    body = answer.json()
    assert (body["statusCode"], body["statusName"]) == ("400", "fail")
    assert body["errorMessage"].startswith(f"{field}: ")
    assert len(app.state.ledger) == 0


@pytest.mark.parametrize("parameter", ["pageIndex", "pageSize", "startTime"])
async def test_a_non_ascii_digit_in_a_sens_query_is_a_400(sens: httpx.AsyncClient, parameter: str) -> None:
    answer = await sens.get(f"{SERVICE}/unsubscribes", params={parameter: "²"})
    assert answer.status_code == 400
    assert answer.json()["errorMessage"].startswith(f"{parameter}: ")


async def test_an_unknown_sens_path_is_a_json_404_in_the_gateway_shape(app: Starlette) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator", auth=DocumentSigner()) as client:
        for method, path in (("GET", f"{SERVICE}/nope"), ("PUT", f"{SERVICE}/messages"), ("GET", "/sms/v2/x")):
            answer = await client.request(method, path)
            assert answer.status_code == 404
            assert answer.json()["error"]["errorCode"] == "300"

"""SENS request headers as the document gives them (en:16-27, 39-44, 150-155, 548-553, 615-620,
681-686; ko:47-53, 70-75): the JSON media type with its charset, and the three signing headers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import respx

from krsms import Message
from krsms.sens import SensClient, SensGateway
from krsms.sens.models import MessageType, SendMessage, SendRequest

HOST = "https://sens.apigw.ntruss.com"
SERVICE_ID = "ncp:sms:kr:123456789012:krsms"
SERVICE = f"/sms/v2/services/{SERVICE_ID}"
ACCESS_KEY = "AKID-headers-1"
SECRET_KEY = "secret-headers-1"
DOCUMENTED_CONTENT_TYPE = "application/json; charset=utf-8"
"""en:41 (S1), 152 (S2), 550 (S8), 617 (S9), 683 (S10); ko:72, 174, 543, 597, 651."""
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9"
ACCEPTED = {"requestId": "R", "requestTime": "2026-01-01T00:00:00.000", "statusCode": "202", "statusName": "success"}
BLOCKED = [{"clientTelNo": "01012345678", "registerTime": "2026-01-01T00:00:00", "registerType": "M"}]
SMS = SendRequest(type=MessageType.SMS, from_="0212345678", content="안녕", messages=(SendMessage(to="01012345678"),))


@pytest.fixture
async def client() -> AsyncIterator[SensClient]:
    async with SensClient(access_key=ACCESS_KEY, secret_key=SECRET_KEY, service_id=SERVICE_ID) as sens:
        yield sens


@pytest.mark.parametrize(
    ("call", "method", "path", "answer"),
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
            lambda sens: sens.list_unsubscribes(), "GET", "/unsubscribes", {"status_code": 200, "json": []}, id="S8"
        ),
        pytest.param(
            lambda sens: sens.add_unsubscribes(["01012345678"]),
            "POST",
            "/unsubscribes",
            {"status_code": 200, "json": BLOCKED},
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
async def test_every_request_the_document_gives_a_content_type_carries_its_charset(
    call: Callable[[SensClient], Awaitable[object]],
    method: str,
    path: str,
    answer: dict[str, Any],
    client: SensClient,
) -> None:
    """The bodies are UTF-8 (Hangul content, Korean file names): the charset says so, as the
    document writes the header, rather than leaving the gateway to assume one."""
    with respx.mock(base_url=HOST, assert_all_called=True) as router:
        route = router.request(method, f"{SERVICE}{path}").respond(**answer)
        await call(client)
    assert route.calls.last.request.headers["content-type"] == DOCUMENTED_CONTENT_TYPE


async def test_a_gateway_batch_encoded_by_the_gateway_carries_the_documented_content_type() -> None:
    """SensGateway posts its batches already encoded (one join for 100 numbers): the media type
    still comes from the client, with its charset."""
    with respx.mock(base_url=HOST, assert_all_called=True) as router:
        route = router.post(f"{SERVICE}/messages").respond(202, json=ACCEPTED)
        async with SensGateway(access_key=ACCESS_KEY, secret_key=SECRET_KEY, service_id=SERVICE_ID) as gateway:
            report = await gateway.send(Message(sender="0212345678", text="안녕하세요", recipients=["01012345678"]))
    assert report.outcomes[0].request_id == "R"
    sent = route.calls.last.request
    assert sent.headers["content-type"] == DOCUMENTED_CONTENT_TYPE
    assert "안녕하세요".encode() in sent.content

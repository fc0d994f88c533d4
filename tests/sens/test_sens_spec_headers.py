"""The JSON media type with its charset, as the document writes each request (en:41, 152, 550,
617, 683; ko:72, 174, 543, 597, 651), on the gateway's pre-encoded batches too (every client
request's is checked in test_sens_client.py, with its path and signature)."""

from __future__ import annotations

import respx

from krsms import Message
from krsms.sens import SensGateway

HOST = "https://sens.apigw.ntruss.com"
SERVICE_ID = "ncp:sms:kr:123456789012:krsms"
SERVICE = f"/sms/v2/services/{SERVICE_ID}"
ACCESS_KEY = "AKID-headers-1"
SECRET_KEY = "secret-headers-1"
DOCUMENTED_CONTENT_TYPE = "application/json; charset=utf-8"
ACCEPTED = {"requestId": "R", "requestTime": "2026-01-01T00:00:00.000", "statusCode": "202", "statusName": "success"}


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

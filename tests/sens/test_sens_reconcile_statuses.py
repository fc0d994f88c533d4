"""What a SENS reconciliation concludes from the statuses the look-ups list for the batch's
request: the outcome the lost send answer would have given.

S3 lists two kinds of status. The request's own (``statusCode`` 202 success, any other a
failure; ``statusName`` success / reserved / fail) is the one the send answer carries (the
older document names both "リクエスト状態コード", the request's status code): a request SENS
lists as failed is one the send answer would have refused. Each message's (``status`` READY /
PROCESSING / COMPLETED, then ``statusCode`` / ``statusName`` of the handset's receipt) comes
after SENS took the request: it is the delivery look-up's to report, and the send ACCEPTED.

The answers are the document's S1, S3 and S4 response bodies, filled in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import respx

from krsms import DeliveryStatus, Message, SendStatus
from krsms.emulator import DEMO_SENS_ACCESS_KEY, DEMO_SENS_SECRET_KEY, DEMO_SENS_SERVICE_ID
from krsms.sens import SensGateway
from krsms.transport import NO_RETRIES

SEOUL = ZoneInfo("Asia/Seoul")
SENDER = "0212345678"
RECIPIENTS = ("01000000001", "01000000002")
TEXT = "[krsms] 배송 안내"
REQUEST_ID = "VORSSA-1636953535714-2387-79014020-tZzSRBKZ"
BASE_URL = "http://sens.test"


def listed_message(to: str, **fields: Any) -> dict[str, Any]:
    """One ``messages`` entry of S3, as the document lists its fields, sent a moment ago."""
    return {
        "requestId": REQUEST_ID,
        "campaignId": None,
        "messageId": f"M-{to}",
        "requestTime": datetime.now(SEOUL).strftime("%Y-%m-%d %H:%M:%S"),
        "contentType": "COMM",
        "type": "SMS",
        "countryCode": "82",
        "from": SENDER,
        "to": to,
        **fields,
    }


def look_up_page(
    messages: list[dict[str, Any]], *, status_code: str = "202", status_name: str = "success"
) -> dict[str, Any]:
    """An S3 answer: the request's status, then its messages."""
    return {
        "statusCode": status_code,
        "statusName": status_name,
        "messages": messages,
        "pageIndex": 0,
        "pageSize": 100,
        "itemCount": len(messages),
        "hasMore": False,
    }


def route_lost_send(
    messages: list[dict[str, Any]], *, status_code: str = "202", status_name: str = "success"
) -> respx.Route:
    """The batch's send answered 500 (its answer lost, SENS having stored the request); the
    look-up over a time window lists ``messages``, the look-up by the request's id lists them
    under the request's status; S4 gives the batch's text. The send's route, to count the sends."""
    send = respx.post(f"{BASE_URL}/sms/v2/services/{DEMO_SENS_SERVICE_ID}/messages").respond(
        500, json={"statusCode": "500", "statusName": "fail", "errorMessage": "Internal Server Error"}
    )
    by_request = look_up_page(messages, status_code=status_code, status_name=status_name)
    respx.get(url__regex=r"/messages\?", params__contains={"requestId": REQUEST_ID}).respond(200, json=by_request)
    respx.get(url__regex=r"/messages\?").respond(200, json=look_up_page(messages))
    for message in messages:
        detail = {
            "statusCode": "200" if status_code == "202" else status_code,
            "statusName": status_name,
            "messages": [{**message, "content": TEXT}],
        }
        respx.get(url__regex=rf"/messages/{message['messageId']}$").respond(200, json=detail)
    return send


def gateway(**options: Any) -> SensGateway:
    return SensGateway(
        access_key=DEMO_SENS_ACCESS_KEY,
        secret_key=DEMO_SENS_SECRET_KEY,
        service_id=DEMO_SENS_SERVICE_ID,
        base_url=BASE_URL,
        retry=NO_RETRIES,
        reconcile_delay=0,
        **options,
    )


@respx.mock
async def test_a_lost_batch_whose_request_sens_lists_as_failed_is_rejected_with_its_code_and_not_resent() -> None:
    """SENS holds the batch's request, but as failed at its messaging server (statusCode 500,
    statusName fail): the send answer would have said so, and the delivery look-up reports
    every message FAILED with that code. The batch is REJECTED with it, not ACCEPTED (reported
    sent when SENS says it failed), and not resent either."""
    send = route_lost_send(
        [listed_message(number, status="READY") for number in RECIPIENTS], status_code="500", status_name="fail"
    )
    async with gateway(resend_missing=True) as sens:
        report = await sens.send(Message(sender=SENDER, text=TEXT, recipients=list(RECIPIENTS)))
        delivered = await sens.delivery_results(REQUEST_ID)
    assert [(outcome.status, outcome.code, outcome.request_id, outcome.detail) for outcome in report.outcomes] == [
        (SendStatus.REJECTED, "500", REQUEST_ID, "SENS lists the request as failed at its messaging server (fail)")
    ] * 2
    assert {(result.status, result.code) for result in delivered} == {(DeliveryStatus.FAILED, "500")}
    assert send.call_count == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "READY"},
        {"status": "PROCESSING"},
        {"status": "COMPLETED", "statusCode": "0", "statusName": "success", "statusMessage": "성공"},
        # The handset refused it: a delivery failure (the error code table), after SENS took the request.
        {"status": "COMPLETED", "statusCode": "3018", "statusName": "fail", "statusMessage": "발신번호 변작방지"},
    ],
    ids=["ready", "processing", "delivered", "delivery-failed"],
)
@respx.mock
async def test_a_lost_batch_whose_request_sens_took_is_accepted_whatever_its_messages_status(
    fields: dict[str, str],
) -> None:
    """Each message's status and receipt tell its delivery, not whether SENS took the request:
    the batch is ACCEPTED with the request's id, as its send answer (202) would have said."""
    send = route_lost_send([listed_message(number, **fields) for number in RECIPIENTS])
    async with gateway(resend_missing=True) as sens:
        report = await sens.send(Message(sender=SENDER, text=TEXT, recipients=list(RECIPIENTS)))
    assert [(outcome.status, outcome.code, outcome.request_id, outcome.detail) for outcome in report.outcomes] == [
        (SendStatus.ACCEPTED, None, REQUEST_ID, "found by reconciliation")
    ] * 2
    assert send.call_count == 1

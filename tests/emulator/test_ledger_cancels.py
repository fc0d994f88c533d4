"""The ledger marks exactly the recipients a provider cancelled, no more and no fewer."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
from sens_signing import SERVICE
from starlette.applications import Starlette

from krsms.convert import SEOUL
from krsms.emulator import DEMO_NHN_APP_KEY

NHN = f"/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}"
TOMORROW = (datetime.now(SEOUL) + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")


def statuses(app: Starlette, provider: str) -> list[tuple[str, str]]:
    return [(delivery.recipient, delivery.status) for delivery in app.state.ledger if delivery.provider == provider]


async def test_nhn_cancelling_one_reserved_recipient_marks_only_that_one(app: Starlette) -> None:
    numbers = ("01000000001", "01000000002", "01000000001")  # a number may be named twice
    send = {"body": "본문", "sendNo": "15446859", "requestDate": TOMORROW}
    send["recipientList"] = [{"recipientNo": number} for number in numbers]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator") as nhn:
        request_id = (await nhn.post(f"{NHN}/sender/sms", json=send)).json()["body"]["data"]["requestId"]
        cancel = {"reservationList": [{"requestId": request_id, "recipientSeq": 3}], "updateUser": "me"}
        answer = (await nhn.put(f"{NHN}/reservations/cancel", json=cancel)).json()["body"]["data"]
    assert answer == {"requestedCount": 1, "canceledCount": 1}
    assert statuses(app, "nhn") == [
        ("01000000001", "accepted"),
        ("01000000002", "accepted"),
        ("01000000001", "cancelled"),
    ]


async def test_sens_cancelling_one_scheduled_message_marks_only_its_recipient(
    sens: httpx.AsyncClient, app: Starlette
) -> None:
    send = {"type": "SMS", "from": "0212345678", "content": "안녕", "scheduleCode": "pm-16"}
    send["messages"] = [{"to": "01000000001"}, {"to": "01000000002"}]
    request_id = (await sens.post(f"{SERVICE}/messages", json=send)).json()["requestId"]
    listed = (await sens.get(f"{SERVICE}/messages", params={"requestId": request_id})).json()["messages"]
    second = next(item["messageId"] for item in listed if item["to"] == "01000000002")
    assert (await sens.delete(f"{SERVICE}/schedules/pm-16/messages/{second}")).status_code == 204
    assert statuses(app, "sens") == [("01000000001", "accepted"), ("01000000002", "cancelled")]


async def test_sens_cancelling_a_reservation_marks_every_recipient(sens: httpx.AsyncClient, app: Starlette) -> None:
    send = {"type": "SMS", "from": "0212345678", "content": "안녕", "reserveTime": TOMORROW}
    send["messages"] = [{"to": "01000000001"}, {"to": "01000000002"}]
    request_id = (await sens.post(f"{SERVICE}/messages", json=send)).json()["requestId"]
    assert (await sens.delete(f"{SERVICE}/reservations/{request_id}")).status_code == 204
    assert statuses(app, "sens") == [("01000000001", "cancelled"), ("01000000002", "cancelled")]

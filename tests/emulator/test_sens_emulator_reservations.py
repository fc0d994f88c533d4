"""A SENS reservation's life in the emulator, driven as a raw HTTP client would: it goes out at
its time whoever looks and whenever they look, and what went out cannot be cancelled."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
from sens_signing import SERVICE, DocumentSigner
from starlette.applications import Starlette

from krsms.convert import SEOUL

SENDER = "0212345678"


def reserved_sms(when: datetime, **fields: Any) -> dict[str, Any]:
    """An SMS to one number, reserved for ``when`` (a Seoul time to the minute)."""
    return {
        "type": "SMS",
        "from": SENDER,
        "content": "안녕하세요",
        "messages": [{"to": "01012345678"}],
        "reserveTime": when.strftime("%Y-%m-%d %H:%M"),
        **fields,
    }


def move_clock(app: Starlette, sens: httpx.AsyncClient, by: timedelta) -> None:
    """Move the emulator's clock, and the signer's with it so signatures stay in the window."""
    app.state.clock.skew_seconds += by.total_seconds()
    sens.auth = DocumentSigner(offset_seconds=app.state.clock.skew_seconds)


def next_minute_plus(app: Starlette, by: timedelta) -> datetime:
    """A Seoul time ``by`` from the emulated clock, on the minute, as ``reserveTime`` writes it."""
    return (app.state.clock.now() + by).astimezone(SEOUL).replace(second=0, microsecond=0)


def query_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


async def test_a_reservation_completes_at_its_reserved_time_not_when_it_is_looked_up(
    sens: httpx.AsyncClient, app: Starlette
) -> None:
    """en:352-356: ``completeTime`` is the delivery completion time. A reservation looked up
    three days after it went out completed when it went out, and a ``completeStartTime`` /
    ``completeEndTime`` window around that moment finds it."""
    when = next_minute_plus(app, timedelta(days=1))
    request_id = (await sens.post(f"{SERVICE}/messages", json=reserved_sms(when))).json()["requestId"]
    move_clock(app, sens, timedelta(days=4))

    listed = (await sens.get(f"{SERVICE}/messages", params={"requestId": request_id})).json()
    (message,) = listed["messages"]
    assert (message["status"], message["completeTime"]) == ("COMPLETED", query_time(when))
    detail = (await sens.get(f"{SERVICE}/messages/{message['messageId']}")).json()["messages"][0]
    assert detail["completeTime"] == query_time(when)

    around_it = {
        "completeStartTime": query_time(when - timedelta(minutes=1)),
        "completeEndTime": query_time(when + timedelta(minutes=1)),
    }
    found = (await sens.get(f"{SERVICE}/messages", params=around_it)).json()["messages"]
    assert [item["messageId"] for item in found] == [message["messageId"]]


async def test_a_scheduled_message_of_a_reservation_that_went_out_cannot_be_cancelled(
    sens: httpx.AsyncClient, app: Starlette
) -> None:
    """older.ja:120: a send with both ``reserveTime`` and ``scheduleCode`` is a reservation.
    Once its time has passed the message went out, whether or not anyone looked it up since:
    S7 refuses it (as S6 refuses the reservation) and the ledger keeps it sent."""
    when = next_minute_plus(app, timedelta(days=1))
    sent = await sens.post(f"{SERVICE}/messages", json=reserved_sms(when, scheduleCode="pm-16"))
    request_id = sent.json()["requestId"]
    window = {
        "requestStartTime": query_time(app.state.clock.now() - timedelta(minutes=1)),
        "requestEndTime": query_time(app.state.clock.now() + timedelta(minutes=1)),
    }
    (listed,) = (await sens.get(f"{SERVICE}/messages", params=window)).json()["messages"]
    move_clock(app, sens, timedelta(days=2))

    refused = await sens.delete(f"{SERVICE}/schedules/pm-16/messages/{listed['messageId']}")
    assert refused.status_code == 400
    assert refused.json()["errorMessage"] == "messageId: message is COMPLETED, not READY"
    assert [delivery.status for delivery in app.state.ledger] == ["accepted"]
    status = (await sens.get(f"{SERVICE}/reservations/{request_id}/reserve-status")).json()
    assert status["reserveStatus"] == "DONE"
    detail = (await sens.get(f"{SERVICE}/messages/{listed['messageId']}")).json()["messages"][0]
    assert (detail["status"], detail["statusCode"]) == ("COMPLETED", "0")

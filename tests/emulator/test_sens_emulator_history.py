"""SENS keeps 90 days of history for its look-ups (en:289, en:408; ko:260, ko:437): the
emulator's S3 and S4 find a message up to then and not after, driven as a raw HTTP client
would."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sens_signing import SERVICE, DocumentSigner
from starlette.applications import Starlette

SMS = {"type": "SMS", "from": "0212345678", "content": "안녕하세요", "messages": [{"to": "01012345678"}]}


def move_clock(app: Starlette, sens: httpx.AsyncClient, by: timedelta) -> None:
    """Move the emulator's clock, and the signer's with it so signatures stay in the window."""
    app.state.clock.skew_seconds += by.total_seconds()
    sens.auth = DocumentSigner(offset_seconds=app.state.clock.skew_seconds)


async def test_a_message_is_looked_up_for_90_days_and_not_after(sens: httpx.AsyncClient, app: Starlette) -> None:
    request_id = (await sens.post(f"{SERVICE}/messages", json=SMS)).json()["requestId"]
    by_request = {"requestId": request_id}
    (message,) = (await sens.get(f"{SERVICE}/messages", params=by_request)).json()["messages"]
    message_path = f"{SERVICE}/messages/{message['messageId']}"

    move_clock(app, sens, timedelta(days=90) - timedelta(minutes=1))
    assert (await sens.get(f"{SERVICE}/messages", params=by_request)).json()["itemCount"] == 1
    assert (await sens.get(message_path)).status_code == 200

    move_clock(app, sens, timedelta(minutes=2))
    listed = (await sens.get(f"{SERVICE}/messages", params=by_request)).json()
    assert (listed["messages"], listed["itemCount"]) == ([], 0)
    gone = await sens.get(message_path)
    assert (gone.status_code, gone.json()["error"]["errorCode"]) == (404, "300")

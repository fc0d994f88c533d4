"""Emulated NHN reservations go out at their minute, whenever a look-up first finds them, and
are listed as NHN lists them."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest
from nhn_answers import code_of, template
from starlette.applications import Starlette

from krsms.convert import SEOUL
from krsms.emulator import DEMO_NHN_APP_KEY

BASE = f"/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}"
SECONDS = "%Y-%m-%d %H:%M:%S"


async def reserve_one(nhn: httpx.AsyncClient, when: datetime) -> str:
    """An SMS reserved for ``when`` (to the minute) to one recipient; its request id."""
    body = {
        "body": "예약",
        "sendNo": "15446859",
        "requestDate": when.strftime("%Y-%m-%d %H:%M"),
        "recipientList": [{"recipientNo": "01000000001"}],
    }
    answer = await nhn.post(f"{BASE}/sender/sms", json=body)
    assert code_of(answer) == 0
    return str(answer.json()["body"]["data"]["requestId"])


async def test_a_reservation_looked_up_late_was_received_at_its_minute(nhn: httpx.AsyncClient, app: Starlette) -> None:
    """A reservation goes out when its minute comes, not when someone first looks: its
    ``resultDate`` (N3) is that minute, and the result updates (N12) of that minute list it,
    though the first look-up came an hour later."""
    due = (datetime.now(SEOUL) + timedelta(minutes=5)).replace(second=0, microsecond=0)
    request_id = await reserve_one(nhn, due)
    app.state.clock.skew_seconds = 3600
    one = (await nhn.get(f"{BASE}/sender/sms/{request_id}", params={"mtPr": "1"})).json()["body"]["data"]
    assert (one["msgStatus"], one["resultDate"]) == ("3", f"{due:{SECONDS}}.0")
    around_due = {"startUpdateDate": f"{due:{SECONDS}}", "endUpdateDate": f"{due + timedelta(minutes=1):{SECONDS}}"}
    results = (await nhn.get(f"{BASE}/message-results", params=around_due)).json()["body"]
    assert [(item["requestId"], item["resultDate"]) for item in results["data"]] == [(request_id, f"{due:{SECONDS}}.0")]


async def test_an_empty_request_id_lists_every_reservation(nhn: httpx.AsyncClient) -> None:
    """NHN reads an empty look-up filter as none: ``requestId=`` (a client's unset id) lists
    every waiting reservation of the appKey, which a cancel of "its" reservations would then
    cancel. Answering none would hide that mistake."""
    due = datetime.now(SEOUL) + timedelta(days=1)
    request_ids = {await reserve_one(nhn, due), await reserve_one(nhn, due)}
    for empty in ({"requestId": ""}, {"requestId": "", "sendNo": "", "recipientNo": "", "templateId": ""}):
        listed = (await nhn.get(f"{BASE}/reservations", params={**empty, "sendType": ""})).json()["body"]
        assert {item["requestId"] for item in listed["data"]} == request_ids


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/sendNos", {"sendNo": "", "useYn": "", "blockYn": ""}),
        ("/templates", {"categoryId": "", "useYn": ""}),
        ("/download-reservations", {"downloadId": "", "downloadStatusCode": ""}),
    ],
)
async def test_an_empty_filter_filters_nothing(nhn: httpx.AsyncClient, path: str, query: dict[str, str]) -> None:
    """The other look-ups read an empty filter as none too (N32, N25, N38)."""
    assert code_of(await nhn.post(f"{BASE}/templates", json=template())) == 0
    request_id = await reserve_one(nhn, datetime.now(SEOUL) + timedelta(days=1))
    download = {"sendType": "0", "requestId": request_id}
    assert code_of(await nhn.post(f"{BASE}/sender/download-reservations", json=download)) == 0
    unfiltered = (await nhn.get(f"{BASE}{path}")).json()["body"]
    filtered = (await nhn.get(f"{BASE}{path}", params=query)).json()["body"]
    assert unfiltered["totalCount"] > 0
    assert filtered["data"] == unfiltered["data"]


async def test_a_cancelled_reservation_is_updated_when_it_was_cancelled(nhn: httpx.AsyncClient, app: Starlette) -> None:
    """N34 and N35 answer a reservation's ``updateDate`` (修正日): a cancel (N36) is its update,
    so a reservation cancelled ten minutes after it was made says so, as a renamed tag or an
    updated template or category does."""
    request_id = await reserve_one(nhn, datetime.now(SEOUL) + timedelta(days=1))
    app.state.clock.skew_seconds = 600
    cancel = {"reservationList": [{"requestId": request_id, "recipientSeq": 1}], "updateUser": "tester"}
    assert code_of(await nhn.put(f"{BASE}/reservations/cancel", json=cancel)) == 0
    listed = (await nhn.get(f"{BASE}/reservations", params={"requestId": request_id})).json()["body"]["data"]
    one = (await nhn.get(f"{BASE}/reservations/{request_id}/1")).json()["body"]["data"]
    for item in (*listed, one):
        created, updated = (datetime.strptime(item[name], f"{SECONDS}.%f") for name in ("createDate", "updateDate"))
        assert item["messageStatus"] == "CANCEL"
        assert updated - created >= timedelta(seconds=599)  # the clock moved 600 seconds on

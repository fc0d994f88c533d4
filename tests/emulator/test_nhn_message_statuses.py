"""``EmulatorConfig.nhn_message_statuses`` makes an NHN recipient end in a ``msgStatus`` of the
document other than 3 (success): 0 failed, 1 requested, 2 processing, 5 duplicate failure, 6
failed (advertising limit); every NHN look-up that lists the recipient shows it the same way.

The names are the document's (N2's ``msgStatus`` table, N16's ``msgStatusName``, N34's
``messageStatus``), copied here."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from nhn_answers import code_of
from starlette.applications import Starlette

from krsms.convert import SEOUL
from krsms.emulator import DEMO_NHN_APP_KEY, EmulatorConfig, create_app

BASE = f"/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}"
SECONDS = "%Y-%m-%d %H:%M:%S"
DELIVERED = "01000000000"
STATUS_OF = {"01000000010": "0", "01000000011": "1", "01000000012": "2", "01000000015": "5", "01000000016": "6"}
"""Number -> the msgStatus the configuration gives it."""
SEND_NAMES = {"0": "실패", "1": "요청", "2": "처리중", "3": "성공", "5": "중복실패", "6": "실패(광고제한)"}
"""msgStatus -> N2's msgStatusName (Korean, as NHN answers and the N5 example shows)."""
TAG_NAMES = {"0": "FAILED", "1": "READY", "2": "SENDING", "3": "COMPLETED", "5": "FAILED", "6": "FAILED"}
"""msgStatus -> N16's msgStatusName: READY, SENDING, COMPLETED, FAILED."""
RESERVATION_WORDS = {
    "0": "FAILED",
    "1": "RESERVED",
    "2": "SENDING",
    "3": "COMPLETED",
    "5": "DUPLICATED",
    "6": "FAILED_AD",
}
"""msgStatus -> N34's messageStatus."""
NUMBERS = [DELIVERED, *STATUS_OF]


@pytest.fixture
def config() -> EmulatorConfig:
    """Each number of :data:`STATUS_OF` in its status, written in another form than it is sent."""
    return EmulatorConfig(
        nhn_message_statuses={
            f"+82 {number[1:3]}-{number[3:7]}-{number[7:]}": status for number, status in STATUS_OF.items()
        }
    )


def ok(answer: httpx.Response) -> Any:
    assert code_of(answer) == 0, answer.json()
    return answer.json()["body"]


def window(minutes: float = 5) -> dict[str, str]:
    now = datetime.now(SEOUL)
    return {
        "startRequestDate": f"{now - timedelta(minutes=minutes):{SECONDS}}",
        "endRequestDate": f"{now + timedelta(minutes=minutes):{SECONDS}}",
    }


async def send(nhn: httpx.AsyncClient, **fields: str) -> str:
    body = {"body": "안내", "sendNo": "15446859", "recipientList": [{"recipientNo": number} for number in NUMBERS]}
    return str(ok(await nhn.post(f"{BASE}/sender/sms", json={**body, **fields}))["data"]["requestId"])


def test_the_statuses_are_the_documents_and_are_refused_by_name_otherwise() -> None:
    assert EmulatorConfig(nhn_message_statuses={"010-0000-0005": "5"}).nhn_message_statuses == {"01000000005": "5"}
    for status, said in [
        ("7", "not '7'"),
        (5, "not 5"),
        ("DUPLICATED", "not 'DUPLICATED'"),
        ("", "not ''"),
    ]:
        with pytest.raises(ValueError, match=r"^nhn_message_statuses: the status of 01000000005 must be ") as raised:
            EmulatorConfig(nhn_message_statuses={"010-0000-0005": status})
        assert str(raised.value).endswith(said)
        assert '"5" duplicate failure' in str(raised.value)
    for status, why in [("3", "every other recipient's"), ("4", "a cancelled reservation's")]:
        with pytest.raises(
            ValueError, match=rf"^nhn_message_statuses: the status of 01000000005 must not be '{status}', {why}"
        ):
            EmulatorConfig(nhn_message_statuses={"010-0000-0005": status})


@pytest.mark.parametrize(
    ("other", "why"),
    [
        ({"rejected_numbers": {"01000000005": -2019}}, "a number NHN refuses at the send has no msgStatus"),
        (
            {"undeliverable_numbers": {"01000000005": "3006"}},
            "an undeliverable number's NHN message ends in msgStatus 3",
        ),
    ],
)
def test_a_number_with_a_status_and_another_outcome_is_refused(other: dict[str, Any], why: str) -> None:
    field = next(iter(other))
    with pytest.raises(ValueError, match=rf"^{field} and nhn_message_statuses: 01000000005 is in both; {why}"):
        EmulatorConfig(nhn_message_statuses={"+82 10-0000-0005": "5"}, **other)


async def test_the_send_look_ups_answer_each_status_by_its_name(nhn: httpx.AsyncClient) -> None:
    """N2 and N3: a failure (0, 5, 6) has its moment but no carrier's result; 1 and 2 wait,
    without a result."""
    request_id = await send(nhn)
    listed = ok(await nhn.get(f"{BASE}/sender/sms", params={"requestId": request_id}))["data"]
    seen = {
        item["recipientNo"]: (item["msgStatus"], item["msgStatusName"], item["resultCode"], item["telecomCode"])
        for item in listed
    }
    assert seen == {
        DELIVERED: ("3", "성공", "1000", 10001),
        **{number: (status, SEND_NAMES[status], None, None) for number, status in STATUS_OF.items()},
    }
    dated = {item["recipientNo"] for item in listed if item["resultDate"]}
    assert dated == {DELIVERED, "01000000010", "01000000015", "01000000016"}
    detail = ok(await nhn.get(f"{BASE}/sender/sms/{request_id}", params={"mtPr": "5"}))["data"]
    assert (detail["recipientNo"], detail["msgStatus"], detail["msgStatusName"]) == ("01000000015", "5", "중복실패")


async def test_the_send_look_ups_filter_by_the_status_and_find_failures_as_mtr2(nhn: httpx.AsyncClient) -> None:
    request_id = await send(nhn)
    for status in ("0", "1", "2", "3", "5", "6"):
        found = ok(await nhn.get(f"{BASE}/sender/sms", params={"requestId": request_id, "msgStatus": status}))
        assert [item["msgStatus"] for item in found["data"]] == [status]
    failed = ok(await nhn.get(f"{BASE}/sender/sms", params={"requestId": request_id, "resultCode": "MTR2"}))
    assert sorted(item["msgStatus"] for item in failed["data"]) == ["0", "5", "6"]
    succeeded = ok(await nhn.get(f"{BASE}/sender/sms", params={"requestId": request_id, "resultCode": "MTR1"}))
    assert [item["recipientNo"] for item in succeeded["data"]] == [DELIVERED]


async def test_the_result_updates_list_the_failures_without_a_carrier(nhn: httpx.AsyncClient) -> None:
    """N12 lists the results updated: the delivery and NHN's failures, not those still waiting."""
    await send(nhn)
    now = datetime.now(SEOUL)
    around = {
        "startUpdateDate": f"{now - timedelta(minutes=5):{SECONDS}}",
        "endUpdateDate": f"{now + timedelta(minutes=5):{SECONDS}}",
    }
    results = ok(await nhn.get(f"{BASE}/message-results", params=around))["data"]
    assert sorted((item["recipientSeq"], item["resultCode"], item["telecomCode"]) for item in results) == [
        (1, "1000", "10001"),
        (2, None, None),
        (5, None, None),
        (6, None, None),
    ]


async def test_a_reservation_ends_in_its_status_when_its_minute_comes(nhn: httpx.AsyncClient, app: Starlette) -> None:
    """N34 names each state in words; only a recipient still waiting (1) can be cancelled."""
    due = (datetime.now(SEOUL) + timedelta(minutes=5)).replace(second=0, microsecond=0)
    request_id = await send(nhn, requestDate=f"{due:%Y-%m-%d %H:%M}")
    before = ok(await nhn.get(f"{BASE}/reservations", params={"requestId": request_id}))["data"]
    assert {item["messageStatus"] for item in before} == {"RESERVED"}
    app.state.clock.skew_seconds = 3600
    after = ok(await nhn.get(f"{BASE}/reservations", params={"requestId": request_id}))["data"]
    assert {item["recipientNo"]: item["messageStatus"] for item in after} == {
        DELIVERED: "COMPLETED",
        **{number: RESERVATION_WORDS[status] for number, status in STATUS_OF.items()},
    }
    one = ok(await nhn.get(f"{BASE}/reservations/{request_id}/6"))["data"]
    assert one["messageStatus"] == "FAILED_AD"
    for words in ("SENDING", "DUPLICATED", "FAILED_AD", "FAILED"):
        chosen = ok(await nhn.get(f"{BASE}/reservations", params={"requestId": request_id, "messageStatus": words}))
        assert {RESERVATION_WORDS[STATUS_OF[item["recipientNo"]]] for item in chosen["data"]} == {words}
    sent = ok(await nhn.get(f"{BASE}/sender/sms/{request_id}", params={"mtPr": "5"}))["data"]
    assert (sent["msgStatus"], sent["resultDate"]) == ("5", f"{due:{SECONDS}}.0")
    cancels = {
        "reservationList": [{"requestId": request_id, "recipientSeq": seq} for seq in range(1, 7)],
        "updateUser": "me",
    }
    assert ok(await nhn.put(f"{BASE}/reservations/cancel", json=cancels))["data"] == {
        "requestedCount": 6,
        "canceledCount": 1,
    }


async def test_a_tag_send_lists_each_status_and_counts_the_failures(nhn: httpx.AsyncClient) -> None:
    """N15: SENDING while a recipient is processing, ``sendErrorCount`` NHN's failures; N16 and
    N17: the status with N16's name for it, which its filter takes."""
    vip = str(ok(await nhn.post(f"{BASE}/tags", json={"tagName": "VIP"}))["data"]["tagId"])
    uids = [
        {"uid": f"u{index}", "tagIds": [vip], "contacts": [{"contactType": "PHONE_NUMBER", "contact": number}]}
        for index, number in enumerate(NUMBERS)
    ]
    ok(await nhn.post(f"{BASE}/uids", json={"uids": uids}))
    tag_send = {"body": "안내", "sendNo": "15446859", "tagExpression": [vip]}
    request_id = ok(await nhn.post(f"{BASE}/tag-sender/sms", json=tag_send))["data"]["requestId"]
    [listed] = ok(await nhn.get(f"{BASE}/tag-sender", params={"sendType": "0", "requestId": request_id}))["data"]
    assert (listed["masterStatusCode"], listed["sendErrorCount"]) == ("READY", 3)  # 1 waits
    recipients = ok(await nhn.get(f"{BASE}/tag-sender/{request_id}", params=window()))["data"]
    assert {item["recipientNo"]: (item["msgStatus"], item["msgStatusName"]) for item in recipients} == {
        DELIVERED: ("3", "COMPLETED"),
        **{number: (status, TAG_NAMES[status]) for number, status in STATUS_OF.items()},
    }
    failed = ok(await nhn.get(f"{BASE}/tag-sender/{request_id}", params={**window(), "msgStatusName": "FAILED"}))
    assert sorted(item["msgStatus"] for item in failed["data"]) == ["0", "5", "6"]
    sending = ok(await nhn.get(f"{BASE}/tag-sender/{request_id}", params={**window(), "msgStatusName": "SENDING"}))
    [seq] = [item["recipientSeq"] for item in sending["data"]]
    one = ok(await nhn.get(f"{BASE}/tag-sender/{request_id}/{seq}"))["data"]
    assert (one["msgStatus"], one["msgStatusName"], one["resultCode"]) == ("2", "SENDING", None)


async def test_a_tag_send_going_out_is_sending() -> None:
    """With no recipient waiting and one processing, N15 says SENDING (``MAS11``), and its
    ``statusCode`` filter finds it."""
    app = create_app(EmulatorConfig(nhn_message_statuses={DELIVERED: "2"}))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator") as nhn:
        vip = str(ok(await nhn.post(f"{BASE}/tags", json={"tagName": "VIP"}))["data"]["tagId"])
        contacts = [{"contactType": "PHONE_NUMBER", "contact": DELIVERED}]
        ok(await nhn.post(f"{BASE}/uids", json={"uids": [{"uid": "a", "tagIds": [vip], "contacts": contacts}]}))
        tag_send = {"body": "안내", "sendNo": "15446859", "tagExpression": [vip]}
        request_id = ok(await nhn.post(f"{BASE}/tag-sender/sms", json=tag_send))["data"]["requestId"]
        query = {"sendType": "0", "requestId": request_id, "statusCode": "MAS11"}
        [listed] = ok(await nhn.get(f"{BASE}/tag-sender", params=query))["data"]
        assert (listed["masterStatusCode"], listed["tagSendStatus"], listed["sendErrorCount"]) == (
            "SENDING",
            "SENDING",
            0,
        )


async def test_the_download_csv_writes_each_status(nhn: httpx.AsyncClient) -> None:
    request_id = await send(nhn)
    reserved = ok(
        await nhn.post(f"{BASE}/sender/download-reservations", json={"sendType": "0", "requestId": request_id})
    )
    content = (await nhn.get(f"{BASE}/download-reservations/{reserved['data']['downloadId']}/download")).text
    rows = list(csv.DictReader(io.StringIO(content)))
    assert {row["recipientNo"]: (row["msgStatus"], row["msgStatusName"]) for row in rows} == {
        DELIVERED: ("3", "COMPLETED"),
        **{number: (status, TAG_NAMES[status]) for number, status in STATUS_OF.items()},
    }


async def test_the_statistics_count_failures_as_failed_and_waiting_as_pending(nhn: httpx.AsyncClient) -> None:
    """N33: ``failedCount`` the failures (0, 5, 6), ``pendingCount`` "送信中" (1 and 2)."""
    await send(nhn)
    now = datetime.now(SEOUL)
    query = {
        "searchType": "DATE",
        "from": f"{now - timedelta(hours=1):%Y-%m-%d %H:%M}",
        "to": f"{now + timedelta(hours=1):%Y-%m-%d %H:%M}",
    }
    [bucket] = ok(await nhn.get(f"{BASE}/statistics/view", params=query))["data"]
    view = bucket["statisticsView"]
    counts = (view["requestedCount"], view["succeedCount"], view["failedCount"], view["pendingCount"])
    assert counts == (6, 1, 3, 2)

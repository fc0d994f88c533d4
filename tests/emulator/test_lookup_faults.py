"""The faults that change what the look-ups answer: a SENS request failed at the messaging
server (``sens_failed_request_rate``, ``sens_failed_request_code``) and look-ups that list a
send late (``listing_lag``). Both opt-in, checked like the other faults, and answered in the
document's field shapes (S1, S3, S4; N2, N3)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sens_signing import SERVICE
from starlette.applications import Starlette

from krsms.emulator import DEMO_NHN_APP_KEY, EmulatorConfig, Faults

SENDER = "0212345678"
RECIPIENT = "01012345678"
SENS_SEND = {"type": "SMS", "from": SENDER, "content": "안녕", "messages": [{"to": RECIPIENT}]}
NHN_SMS = f"/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}/sender/sms"
NHN_SUCCESS = {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"}
LAG = 30.0
QUERY_TIME = "%Y-%m-%d %H:%M:%S"


@pytest.fixture
def config() -> EmulatorConfig:
    return EmulatorConfig(faults=Faults(sens_failed_request_rate=1.0, sens_failed_request_code="503"))


def listed_ready(request_id: str, message_id: str, request_time: str) -> dict[str, Any]:
    """An S3 ``messages`` entry of a message not completed: no receipt fields."""
    return {
        "requestId": request_id,
        "campaignId": None,
        "messageId": message_id,
        "requestTime": request_time,
        "contentType": "COMM",
        "type": "SMS",
        "countryCode": "82",
        "from": SENDER,
        "to": RECIPIENT,
        "status": "READY",
    }


async def test_a_sens_request_failed_at_the_messaging_server_answers_and_lists_its_code(
    sens: httpx.AsyncClient, app: Starlette
) -> None:
    """S1 answers the code as its HTTP status and ``statusCode`` (statusName fail); S3 by the
    ``requestId`` lists the request so, its message READY; S4 answers the code; nothing is
    delivered, and the ledger has the recipient rejected with the code."""
    answer = await sens.post(f"{SERVICE}/messages", json=SENS_SEND)
    sent = answer.json()
    assert answer.status_code == 503
    assert sent == {
        "requestId": sent["requestId"],
        "requestTime": sent["requestTime"],
        "statusCode": "503",
        "statusName": "fail",
    }
    by_request = (await sens.get(f"{SERVICE}/messages", params={"requestId": sent["requestId"]})).json()
    (listed,) = by_request["messages"]
    request_time = listed["requestTime"]
    assert by_request == {
        "statusCode": "503",
        "statusName": "fail",
        "messages": [listed_ready(sent["requestId"], listed["messageId"], request_time)],
        "pageIndex": 0,
        "pageSize": 1000,
        "itemCount": 1,
        "hasMore": False,
    }
    detail = (await sens.get(f"{SERVICE}/messages/{listed['messageId']}")).json()
    assert detail == {
        "statusCode": "503",
        "statusName": "fail",
        "messages": [
            {
                "requestTime": request_time,
                "contentType": "COMM",
                "content": "안녕",
                "countryCode": "82",
                "from": SENDER,
                "to": RECIPIENT,
                "status": "READY",
                "statusCode": None,
                "statusMessage": None,
                "statusName": None,
                "completeTime": None,
                "telcoCode": None,
            }
        ],
    }
    assert [(delivery.status, delivery.result_code) for delivery in app.state.ledger] == [("rejected", "503")]
    assert (await sens.get("/_emulator/stats")).json()["faults.sens_failed_request"] == 1


def around_now(app: Starlette) -> dict[str, str]:
    """An S3 request-time window of a day either side of the emulated clock's now."""
    now = app.state.clock.now()
    return {
        "requestStartTime": (now - timedelta(days=1)).strftime(QUERY_TIME),
        "requestEndTime": (now + timedelta(days=1)).strftime(QUERY_TIME),
    }


async def test_a_look_up_over_a_time_window_answers_its_own_success(sens: httpx.AsyncClient, app: Starlette) -> None:
    """The window look-up lists many requests' messages: its ``statusCode`` is the look-up's
    (202); the failed request's is the look-up by its id's."""
    await sens.post(f"{SERVICE}/messages", json=SENS_SEND)
    answer = (await sens.get(f"{SERVICE}/messages", params=around_now(app))).json()
    assert (answer["statusCode"], answer["statusName"], answer["itemCount"]) == ("202", "success", 1)


async def test_a_lost_answer_of_a_failed_request_still_lists_the_failure(
    sens: httpx.AsyncClient, app: Starlette
) -> None:
    """Combined with a fault that loses the answer (drawn apart, not added to its rate): the
    client gets the 500, the look-up the request's failure."""
    put = await sens.put("/_emulator/faults", json={"error_after_processing_rate": 1, "sens_failed_request_rate": 1})
    assert put.status_code == 200
    answer = await sens.post(f"{SERVICE}/messages", json=SENS_SEND)
    (delivery,) = app.state.ledger
    by_request = (await sens.get(f"{SERVICE}/messages", params={"requestId": delivery.request_id})).json()
    assert (answer.status_code, answer.json()) == (500, {"error": "Internal Server Error"})
    assert (by_request["statusCode"], by_request["statusName"]) == ("500", "fail")


async def test_a_reservation_is_not_failed(sens: httpx.AsyncClient, app: Starlette) -> None:
    """The failure is drawn for sends that go out at once; a reservation waits as usual."""
    answer = await sens.post(f"{SERVICE}/messages", json={**SENS_SEND, "reserveTime": "2099-01-01 09:00"})
    assert (answer.status_code, answer.json()["statusCode"]) == (202, "202")
    assert [delivery.status for delivery in app.state.ledger] == ["accepted"]


def test_by_default_sends_succeed_and_are_listed_at_once() -> None:
    faults = Faults()
    assert (faults.sens_failed_request_rate, faults.sens_failed_request_code, faults.listing_lag) == (0.0, "500", 0.0)


async def test_a_sens_send_is_listed_once_the_lag_has_passed_on_the_emulated_clock(
    sens: httpx.AsyncClient, app: Starlette
) -> None:
    """Until then S3 answers as for an unknown request (by its id or over a window) and S4
    answers 404; once the clock has moved past the lag, both find it."""
    await sens.put("/_emulator/faults", json={"listing_lag": LAG})
    sent = (await sens.post(f"{SERVICE}/messages", json=SENS_SEND)).json()
    (delivery,) = app.state.ledger
    by_request = {"requestId": sent["requestId"]}
    assert (await sens.get(f"{SERVICE}/messages", params=by_request)).json() == {
        "statusCode": "202",
        "statusName": "success",
        "messages": [],
        "pageIndex": 0,
        "pageSize": 1000,
        "itemCount": 0,
        "hasMore": False,
    }
    assert (await sens.get(f"{SERVICE}/messages", params=around_now(app))).json()["messages"] == []
    app.state.clock.skew_seconds = LAG
    listed = (await sens.get(f"{SERVICE}/messages", params=by_request)).json()
    assert [(message["to"], message["status"]) for message in listed["messages"]] == [(RECIPIENT, "COMPLETED")]
    message_id = listed["messages"][0]["messageId"]
    app.state.clock.skew_seconds = 0
    assert (await sens.get(f"{SERVICE}/messages/{message_id}")).status_code == 404
    app.state.clock.skew_seconds = LAG
    assert (await sens.get(f"{SERVICE}/messages/{message_id}")).json()["messages"][0]["to"] == RECIPIENT
    assert delivery.status == "accepted"


async def test_a_lag_changed_at_run_time_applies_to_sends_already_processed(
    sens: httpx.AsyncClient, app: Starlette
) -> None:
    await sens.put("/_emulator/faults", json={"listing_lag": LAG})
    sent = (await sens.post(f"{SERVICE}/messages", json=SENS_SEND)).json()
    await sens.put("/_emulator/faults", json={})
    listed = (await sens.get(f"{SERVICE}/messages", params={"requestId": sent["requestId"]})).json()
    assert listed["itemCount"] == 1


async def test_an_nhn_send_is_listed_once_the_lag_has_passed_on_the_emulated_clock(
    nhn: httpx.AsyncClient, app: Starlette
) -> None:
    """N2 lists nothing and N3 answers -2008 (an invalid request ID) until the lag has passed
    since NHN registered the send; then both find it."""
    await nhn.put("/_emulator/faults", json={"listing_lag": LAG})
    sent = await nhn.post(
        NHN_SMS, json={"body": "안녕", "sendNo": SENDER, "recipientList": [{"recipientNo": RECIPIENT}]}
    )
    request_id = sent.json()["body"]["data"]["requestId"]
    assert (await nhn.get(NHN_SMS, params={"requestId": request_id})).json() == {
        "header": NHN_SUCCESS,
        "body": {"pageNum": 1, "pageSize": 15, "totalCount": 0, "data": []},
    }
    assert (await nhn.get(f"{NHN_SMS}/{request_id}", params={"mtPr": "1"})).json() == {
        "header": {"isSuccessful": False, "resultCode": -2008, "resultMessage": "요청 ID가 유효하지 않음"},
        "body": None,
    }
    app.state.clock.skew_seconds = LAG
    listed = (await nhn.get(NHN_SMS, params={"requestId": request_id})).json()["body"]
    assert [(item["recipientNo"], item["msgStatus"], item["resultCode"]) for item in listed["data"]] == [
        (RECIPIENT, "3", "1000")
    ]
    detail = (await nhn.get(f"{NHN_SMS}/{request_id}", params={"mtPr": "1"})).json()
    assert detail["body"]["data"]["recipientNo"] == RECIPIENT


@pytest.mark.parametrize(
    ("faults", "named"),
    [
        ({"listing_lag": -1}, "listing_lag"),
        ({"listing_lag": "30"}, "listing_lag"),
        ({"sens_failed_request_rate": 1.5}, "sens_failed_request_rate"),
        ({"sens_failed_request_rate": True}, "sens_failed_request_rate"),
        ({"sens_failed_request_code": 500}, "sens_failed_request_code"),
        ({"sens_failed_request_code": "202"}, "sens_failed_request_code"),
        ({"sens_failed_request_code": "fail"}, "sens_failed_request_code"),
        ({"sens_failed_request_code": "５００"}, "sens_failed_request_code"),
    ],
)
async def test_a_bad_value_is_a_400_naming_the_field_and_keeps_the_faults(
    sens: httpx.AsyncClient, faults: dict[str, Any], named: str
) -> None:
    before = (await sens.get("/_emulator/faults")).json()
    answer = await sens.put("/_emulator/faults", json=faults)
    assert answer.status_code == 400
    assert named in answer.json()["error"]
    assert (await sens.get("/_emulator/faults")).json() == before
    with pytest.raises(ValueError, match=named):
        Faults(**faults)


def test_the_failed_request_rate_is_not_added_to_the_answer_faults() -> None:
    """It combines with a fault that loses the answer, so the two may add up to more than 1."""
    assert Faults(drop_after_processing_rate=1.0, sens_failed_request_rate=1.0).sens_failed_request_rate == 1.0

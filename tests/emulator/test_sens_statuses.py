"""``EmulatorConfig.sens_message_statuses`` keeps a SENS message READY or PROCESSING instead of
COMPLETED, and ``EmulatorConfig.sens_reservation_statuses`` ends a reservation PROCESSING,
FAIL or STALE instead of DONE: the states of SENS's document (S3 and S4 ``status``, S5
``reserveStatus``) the emulator could not produce, shown alike by S3, S4 and S5.

The words are the document's (S3/S4: READY, PROCESSING, COMPLETED; S5: READY, PROCESSING,
CANCELED, FAIL, DONE, STALE), copied here."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sens_signing import SERVICE, DocumentSigner
from starlette.applications import Starlette

from krsms.convert import SEOUL
from krsms.emulator import EmulatorConfig

SENDER = "0212345678"
DELIVERED = "01000000000"
UNDELIVERABLE = "01000000009"
STATUS_OF = {"01000000001": "READY", "01000000002": "PROCESSING"}
"""Number -> the message status the configuration gives it."""
RESERVATION_STATUS_OF = {"01000000021": "PROCESSING", "01000000022": "FAIL", "01000000023": "STALE"}
"""Number -> the reserveStatus a reservation to it ends in."""
NUMBERS = [DELIVERED, UNDELIVERABLE, *STATUS_OF]
RESULT_FIELDS = ("statusCode", "statusName", "statusMessage", "completeTime", "telcoCode")
"""The fields of the handset's result: S3 lists none of them until COMPLETED."""


@pytest.fixture
def config() -> EmulatorConfig:
    """Each number in its status, written in another form than it is sent."""
    return EmulatorConfig(
        undeliverable_numbers={UNDELIVERABLE: "3006"},
        sens_message_statuses={f"+82 10-0000-{number[7:]}": status for number, status in STATUS_OF.items()},
        sens_reservation_statuses={
            f"010-0000-{number[7:]}": status for number, status in RESERVATION_STATUS_OF.items()
        },
    )


def sms(*numbers: str, **fields: Any) -> dict[str, Any]:
    return {"type": "SMS", "from": SENDER, "content": "안내", "messages": [{"to": n} for n in numbers], **fields}


async def send(sens: httpx.AsyncClient, *numbers: str, **fields: Any) -> str:
    answer = await sens.post(f"{SERVICE}/messages", json=sms(*(numbers or NUMBERS), **fields))
    assert answer.status_code == 202, answer.text
    return str(answer.json()["requestId"])


async def listed(sens: httpx.AsyncClient, request_id: str, **params: str) -> dict[str, Any]:
    answer = await sens.get(f"{SERVICE}/messages", params={"requestId": request_id, **params})
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


async def detail(sens: httpx.AsyncClient, message_id: str) -> dict[str, Any]:
    answer = await sens.get(f"{SERVICE}/messages/{message_id}")
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


async def reserve_status(sens: httpx.AsyncClient, request_id: str) -> str:
    answer = await sens.get(f"{SERVICE}/reservations/{request_id}/reserve-status")
    assert answer.status_code == 200, answer.text
    return str(answer.json()["reserveStatus"])


async def reserve(sens: httpx.AsyncClient, app: Starlette, *numbers: str, **fields: Any) -> str:
    """A reservation to ``numbers`` five minutes from the emulated clock."""
    when = (app.state.clock.now() + timedelta(minutes=5)).astimezone(SEOUL)
    return await send(sens, *numbers, reserveTime=f"{when:%Y-%m-%d %H:%M}", **fields)


def pass_the_reserved_time(app: Starlette, sens: httpx.AsyncClient) -> None:
    """Move the emulator's clock an hour on, and the signer's with it."""
    app.state.clock.skew_seconds += 3600
    sens.auth = DocumentSigner(offset_seconds=app.state.clock.skew_seconds)


def test_the_statuses_are_the_documents_and_are_refused_by_name_otherwise() -> None:
    config = EmulatorConfig(
        sens_message_statuses={"010-0000-0002": "PROCESSING"}, sens_reservation_statuses={"010-0000-0003": "STALE"}
    )
    assert (config.sens_message_statuses, config.sens_reservation_statuses) == (
        {"01000000002": "PROCESSING"},
        {"01000000003": "STALE"},
    )
    for status in ("processing", "SENDING", 2, ""):
        with pytest.raises(ValueError, match=r"^sens_message_statuses: the status of 01000000002 must be ") as raised:
            EmulatorConfig(sens_message_statuses={"010-0000-0002": status})
        assert str(raised.value).endswith(f"not {status!r}")
        assert '"PROCESSING" being processed (for good)' in str(raised.value)
    with pytest.raises(
        ValueError, match=r"^sens_message_statuses: the status of 01000000002 must not be 'COMPLETED', every other"
    ):
        EmulatorConfig(sens_message_statuses={"010-0000-0002": "COMPLETED"})
    for status in ("fail", "FAILED", "COMPLETED"):
        refused = r"^sens_reservation_statuses: the status of 01000000003 must be "
        with pytest.raises(ValueError, match=refused) as raised:
            EmulatorConfig(sens_reservation_statuses={"010-0000-0003": status})
        assert str(raised.value).endswith(f"not {status!r}")
        assert '"STALE" delivery request failure (timeout)' in str(raised.value)
    for status, why in [
        ("READY", "every reservation's reserveStatus until its time comes"),
        ("DONE", "every other reservation's"),
        ("CANCELED", "a cancelled reservation's reserveStatus"),
    ]:
        with pytest.raises(
            ValueError, match=rf"^sens_reservation_statuses: the status of 01000000003 must not be '{status}', {why}"
        ):
            EmulatorConfig(sens_reservation_statuses={"010-0000-0003": status})


@pytest.mark.parametrize(
    ("other", "why"),
    [
        ({"rejected_numbers": {"01000000002": -2019}}, "SENS completes a rejected number's message with statusCode"),
        ({"undeliverable_numbers": {"01000000002": "3006"}}, "an undeliverable number's SENS message ends COMPLETED"),
    ],
)
def test_a_number_with_a_message_status_and_a_delivery_failure_is_refused(other: dict[str, Any], why: str) -> None:
    field = next(iter(other))
    with pytest.raises(ValueError, match=rf"^{field} and sens_message_statuses: 01000000002 is in both; {why}"):
        EmulatorConfig(sens_message_statuses={"+82 10-0000-0002": "PROCESSING"}, **other)


def test_a_reservation_status_goes_with_any_other_rule_of_the_number() -> None:
    """The reservation's rule decides its request; the others its messages once sent, in a send
    that is not a reservation: none contradicts it."""
    config = EmulatorConfig(
        rejected_numbers={"01000000001": -2019},
        undeliverable_numbers={"01000000002": "3006"},
        sens_message_statuses={"01000000003": "READY"},
        nhn_message_statuses={"01000000003": "2"},
        sens_reservation_statuses=dict.fromkeys(("01000000001", "01000000002", "01000000003"), "FAIL"),
    )
    assert len(config.sens_reservation_statuses) == 3


async def test_s3_and_s4_show_each_message_status_without_a_result(sens: httpx.AsyncClient) -> None:
    """en:324: the result fields are not listed until COMPLETED; S4 answers them null. The
    request itself succeeded."""
    request_id = await send(sens)
    page = await listed(sens, request_id)
    assert (page["statusCode"], page["statusName"]) == ("202", "success")
    seen = {item["to"]: (item["status"], item.get("statusCode"), item.get("statusName")) for item in page["messages"]}
    assert seen == {
        DELIVERED: ("COMPLETED", "0", "success"),
        UNDELIVERABLE: ("COMPLETED", "3006", "fail"),
        **{number: (status, None, None) for number, status in STATUS_OF.items()},
    }
    for item in page["messages"]:
        if item["to"] in STATUS_OF:
            assert not set(RESULT_FIELDS) & set(item)
            answer = await detail(sens, item["messageId"])
            assert (answer["statusCode"], answer["statusName"]) == ("200", "success")
            (message,) = answer["messages"]
            assert message["status"] == STATUS_OF[item["to"]]
            assert [message[field] for field in RESULT_FIELDS] == [None] * len(RESULT_FIELDS)


async def test_s3_filters_by_each_status(sens: httpx.AsyncClient) -> None:
    request_id = await send(sens)
    for status, numbers in [
        ("READY", ["01000000001"]),
        ("PROCESSING", ["01000000002"]),
        ("COMPLETED", [DELIVERED, UNDELIVERABLE]),
    ]:
        page = await listed(sens, request_id, status=status)
        assert [item["to"] for item in page["messages"]] == numbers
    failed = await listed(sens, request_id, statusName="FAIL")
    assert [item["to"] for item in failed["messages"]] == [UNDELIVERABLE]
    now = datetime.now(SEOUL)
    completed = await sens.get(
        f"{SERVICE}/messages",
        params={
            "completeStartTime": f"{now - timedelta(minutes=5):%Y-%m-%d %H:%M:%S}",
            "completeEndTime": f"{now + timedelta(minutes=5):%Y-%m-%d %H:%M:%S}",
        },
    )
    assert sorted(item["to"] for item in completed.json()["messages"]) == [DELIVERED, UNDELIVERABLE]


async def test_a_reservation_s_messages_take_their_status_when_it_goes_out(
    sens: httpx.AsyncClient, app: Starlette
) -> None:
    request_id = await reserve(sens, app)
    pass_the_reserved_time(app, sens)
    assert await reserve_status(sens, request_id) == "DONE"
    page = await listed(sens, request_id)
    assert {item["to"]: item["status"] for item in page["messages"]} == {
        DELIVERED: "COMPLETED",
        UNDELIVERABLE: "COMPLETED",
        **STATUS_OF,
    }


@pytest.mark.parametrize("status", ["PROCESSING", "FAIL", "STALE"])
async def test_a_reservation_waits_ready_then_ends_in_its_status(
    sens: httpx.AsyncClient, app: Starlette, status: str
) -> None:
    number = next(number for number, given in RESERVATION_STATUS_OF.items() if given == status)
    request_id = await reserve(sens, app, DELIVERED, number)
    assert await reserve_status(sens, request_id) == "READY"
    pass_the_reserved_time(app, sens)
    assert await reserve_status(sens, request_id) == status
    assert [delivery.status for delivery in app.state.ledger] == ["accepted", "accepted"]


async def test_a_reservation_in_processing_lists_no_messages_and_cannot_be_cancelled(
    sens: httpx.AsyncClient, app: Starlette
) -> None:
    """en:332: a request S3 names ``reserved`` lists no messages; its send request is not made
    yet. No longer READY, S6 refuses it as it refuses one that went out."""
    request_id = await reserve(sens, app, DELIVERED, "01000000021")
    pass_the_reserved_time(app, sens)
    page = await listed(sens, request_id)
    assert (page["statusCode"], page["statusName"], page["messages"]) == ("202", "reserved", [])
    cancel = await sens.delete(f"{SERVICE}/reservations/{request_id}")
    assert cancel.status_code == 400
    assert await reserve_status(sens, request_id) == "PROCESSING"


@pytest.mark.parametrize(("status", "code"), [("FAIL", "500"), ("STALE", "504")])
async def test_a_failed_reservation_is_listed_as_a_failed_request_with_its_messages_ready(
    sens: httpx.AsyncClient, app: Starlette, status: str, code: str
) -> None:
    """As a request the messaging server failed at once: S3 by its ID answers the code and
    ``fail``, its messages READY and never sent; S4 answers the code too."""
    number = next(number for number, given in RESERVATION_STATUS_OF.items() if given == status)
    request_id = await reserve(sens, app, DELIVERED, number, "01000000002")
    pass_the_reserved_time(app, sens)
    page = await listed(sens, request_id)
    assert (page["statusCode"], page["statusName"]) == (code, "fail")
    assert [(item["to"], item["status"]) for item in page["messages"]] == [
        (DELIVERED, "READY"),
        (number, "READY"),
        ("01000000002", "READY"),
    ]
    answer = await detail(sens, page["messages"][0]["messageId"])
    assert (answer["statusCode"], answer["statusName"], answer["messages"][0]["status"]) == (code, "fail", "READY")
    assert await reserve_status(sens, request_id) == status


async def test_the_first_recipient_with_a_rule_not_cancelled_decides_the_reservation(
    sens: httpx.AsyncClient, app: Starlette
) -> None:
    """A scheduled reservation's message cancelled alone (S7) is no longer sent: its number's
    rule no longer decides, the next one's does."""
    request_id = await reserve(sens, app, DELIVERED, "01000000023", "01000000022", scheduleCode="pm-16")
    now = app.state.clock.now().astimezone(SEOUL)
    window = {
        "requestStartTime": f"{now - timedelta(minutes=1):%Y-%m-%d %H:%M:%S}",
        "requestEndTime": f"{now + timedelta(minutes=1):%Y-%m-%d %H:%M:%S}",
        "to": "01000000023",
    }
    (stale,) = (await sens.get(f"{SERVICE}/messages", params=window)).json()["messages"]
    cancelled = await sens.delete(f"{SERVICE}/schedules/pm-16/messages/{stale['messageId']}")
    assert cancelled.status_code == 204
    pass_the_reserved_time(app, sens)
    assert await reserve_status(sens, request_id) == "FAIL"


async def test_a_scheduled_message_of_a_reservation_that_did_not_go_out_cannot_be_cancelled(
    sens: httpx.AsyncClient, app: Starlette
) -> None:
    """Its message is READY, but the reservation is no longer waiting: S7 refuses it, naming
    the reservation's status, and so for a READY message of a reservation that went out."""
    for number, status in [("01000000022", "FAIL"), ("01000000001", "DONE")]:
        request_id = await reserve(sens, app, number, scheduleCode="pm-16")
        pass_the_reserved_time(app, sens)
        (message,) = (await listed(sens, request_id))["messages"]
        assert message["status"] == "READY"
        refused = await sens.delete(f"{SERVICE}/schedules/pm-16/messages/{message['messageId']}")
        assert refused.status_code == 400
        assert f"its reservation is {status}, not READY" in refused.text


async def test_an_immediate_send_ignores_the_reservation_statuses(sens: httpx.AsyncClient) -> None:
    request_id = await send(sens, *RESERVATION_STATUS_OF)
    page = await listed(sens, request_id)
    assert (page["statusCode"], page["statusName"]) == ("202", "success")
    assert {item["status"] for item in page["messages"]} == {"COMPLETED"}

"""krsms reads every NHN ``msgStatus`` the document lists, end to end over the emulator
(``EmulatorConfig.nhn_message_statuses``): the typed models keep each status and its name,
``NhnGateway.delivery_results`` gives each its neutral outcome (0, 5, 6 failed; 1, 2 pending;
3 by its receipt), a reconciliation of a lost answer finds each ACCEPTED (the request reached
NHN), and ``krsms status`` shows them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import httpx
import pytest
from rich.console import Console
from starlette.applications import Starlette

from krsms import DeliveryStatus, Message, SendStatus
from krsms.commands.status import delivery_table, print_results, reservation_note
from krsms.convert import SEOUL
from krsms.emulator import DEMO_NHN_APP_KEY, EmulatorConfig, Faults, create_app
from krsms.nhn import NhnGateway
from krsms.nhn.models import (
    NewContact,
    ReservationQuery,
    SendQuery,
    StatisticsQuery,
    TagRecipientQuery,
    TagSendRequest,
    UidRegistration,
)
from krsms.transport import NO_RETRIES

BASE_URL = "http://emulator"
SENDER = "15446859"
DELIVERED = "01000000000"
STATUS_OF = {"01000000010": "0", "01000000011": "1", "01000000012": "2", "01000000015": "5", "01000000016": "6"}
"""Number -> the msgStatus the emulator gives its message."""
NUMBERS = [DELIVERED, *STATUS_OF]
NEUTRAL = {
    DELIVERED: DeliveryStatus.DELIVERED,
    "01000000010": DeliveryStatus.FAILED,
    "01000000011": DeliveryStatus.PENDING,
    "01000000012": DeliveryStatus.PENDING,
    "01000000015": DeliveryStatus.FAILED,
    "01000000016": DeliveryStatus.FAILED,
}
"""Each number's neutral delivery status, as docs/neutral-api.md says NHN's are read."""
NAMES = {"0": "실패", "1": "요청", "2": "처리중", "5": "중복실패", "6": "실패(광고제한)"}
"""msgStatus -> the name the send look-ups answer."""


def config(faults: Faults | None = None) -> EmulatorConfig:
    return EmulatorConfig(nhn_message_statuses=STATUS_OF, **({"faults": faults} if faults else {}))


@pytest.fixture
def app() -> Starlette:
    return create_app(config())


def gateway_for(app: Starlette, **options: object) -> NhnGateway:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
    return NhnGateway(app_key=DEMO_NHN_APP_KEY, base_url=BASE_URL, http_client=client, **options)  # type: ignore[arg-type]


@pytest.fixture
async def nhn(app: Starlette) -> AsyncIterator[NhnGateway]:
    async with gateway_for(app, retry=NO_RETRIES) as gateway:
        yield gateway


async def send(nhn: NhnGateway, **fields: object) -> str:
    report = await nhn.send(Message(sender=SENDER, text="[krsms] 안내", recipients=NUMBERS, **fields))  # type: ignore[arg-type]
    assert {outcome.status for outcome in report.outcomes} == {SendStatus.ACCEPTED}
    (request_id,) = {outcome.request_id for outcome in report.outcomes}
    assert request_id is not None
    return request_id


async def test_the_send_look_up_models_keep_every_status_and_its_name(nhn: NhnGateway) -> None:
    request_id = await send(nhn)
    sent = [message async for message in nhn.client.iter_sms(SendQuery(request_id=request_id))]
    assert {message.recipient_no: (message.msg_status, message.msg_status_name) for message in sent} == {
        DELIVERED: ("3", "성공"),
        **{number: (status, NAMES[status]) for number, status in STATUS_OF.items()},
    }
    for status in ("0", "1", "2", "5", "6"):
        chosen = [message async for message in nhn.client.iter_sms(SendQuery(request_id=request_id, msg_status=status))]
        assert [message.msg_status for message in chosen] == [status]
    failed = [message async for message in nhn.client.iter_sms(SendQuery(request_id=request_id, result_code="MTR2"))]
    assert sorted(message.msg_status for message in failed) == ["0", "5", "6"]


async def test_delivery_results_read_each_status_as_the_docs_say(nhn: NhnGateway) -> None:
    """0, 5, 6 FAILED (no receipt code; the detail is the status's name, the moment NHN failed
    it the completion), 1 and 2 PENDING, 3 with 1000 DELIVERED."""
    request_id = await send(nhn)
    results = {result.recipient: result for result in await nhn.delivery_results(request_id)}
    assert {number: result.status for number, result in results.items()} == NEUTRAL
    for number, status in STATUS_OF.items():
        result = results[number]
        assert (result.code, result.detail) == (None, NAMES[status])
        assert (result.completed_at is not None) is (result.status is DeliveryStatus.FAILED)
    assert (results[DELIVERED].code, results[DELIVERED].detail) == ("1000", "성공")


async def test_a_lost_answer_is_reconciled_as_accepted_in_every_status() -> None:
    """The send's answer is lost after NHN stored it: the look-up lists each recipient in its
    state, every one a message NHN took (docs/reliability.md), so all are ACCEPTED, nothing
    resent, and ``delivery_results`` reports the failures."""
    app = create_app(config(Faults(error_after_processing_rate=1.0)))
    async with gateway_for(app, retry=NO_RETRIES, resend_missing=True) as nhn:
        report = await nhn.send(Message(sender=SENDER, text="[krsms] 안내", recipients=NUMBERS))
        (request_id,) = {delivery.request_id for delivery in app.state.ledger}
        results = await nhn.delivery_results(request_id)
    assert [(outcome.status, outcome.request_id, outcome.detail) for outcome in report.outcomes] == [
        (SendStatus.ACCEPTED, request_id, "found by reconciliation")
    ] * len(NUMBERS)
    assert [delivery.recipient for delivery in app.state.ledger] == NUMBERS
    assert {result.recipient: result.status for result in results} == NEUTRAL


async def test_a_reservation_s_models_name_its_states_in_words(nhn: NhnGateway, app: Starlette) -> None:
    """N34: each state has its ``messageStatus`` word, which the query takes; the delivery
    results after the minute read as an immediate send's."""
    due = (datetime.now(SEOUL) + timedelta(minutes=5)).replace(second=0, microsecond=0)
    request_id = await send(nhn, reserve_at=due)
    app.state.clock.skew_seconds = 3600
    query = ReservationQuery(request_id=request_id)
    words = {item.recipient_no: item.message_status async for item in nhn.client.iter_reservations(query)}
    assert words == {
        DELIVERED: "COMPLETED",
        "01000000010": "FAILED",
        "01000000011": "RESERVED",
        "01000000012": "SENDING",
        "01000000015": "DUPLICATED",
        "01000000016": "FAILED_AD",
    }
    for word in ("SENDING", "DUPLICATED", "FAILED_AD"):
        chosen = ReservationQuery(request_id=request_id, message_status=word)
        assert [item.message_status async for item in nhn.client.iter_reservations(chosen)] == [word]
    results = {result.recipient: result.status for result in await nhn.delivery_results(request_id)}
    assert results == NEUTRAL


async def test_a_tag_send_s_models_read_each_status(nhn: NhnGateway) -> None:
    client = nhn.client
    vip = await client.create_tag("VIP")
    await client.create_uids(
        [
            UidRegistration(uid=f"u{index}", tag_ids=(vip,), contacts=(NewContact(contact=number),))
            for index, number in enumerate(NUMBERS)
        ]
    )
    request_id = await client.send_tag_sms(TagSendRequest(body="안내", send_no=SENDER, tag_expression=(vip,)))
    now = datetime.now(SEOUL)
    window = {"start_request_date": now - timedelta(minutes=5), "end_request_date": now + timedelta(minutes=5)}
    recipients = [item async for item in client.iter_tag_send_recipients(request_id, TagRecipientQuery(**window))]
    assert sorted((item.msg_status, item.msg_status_name) for item in recipients) == [
        ("0", "FAILED"),
        ("1", "READY"),
        ("2", "SENDING"),
        ("3", "COMPLETED"),
        ("5", "FAILED"),
        ("6", "FAILED"),
    ]
    failed = TagRecipientQuery(**window, msg_status_name="FAILED")
    assert len([item async for item in client.iter_tag_send_recipients(request_id, failed)]) == 3
    sending = next(item for item in recipients if item.msg_status == "2")
    detail = await client.get_tag_send_recipient(request_id, sending.recipient_seq)
    assert (detail.msg_status, detail.msg_status_name, detail.result_code) == ("2", "SENDING", None)


async def test_the_statistics_model_counts_failures_and_waiting(nhn: NhnGateway) -> None:
    await send(nhn)
    now = datetime.now(SEOUL)
    query = StatisticsQuery(search_type="DATE", from_=now - timedelta(hours=1), to=now + timedelta(hours=1))
    (day,) = await nhn.client.get_statistics(query)
    view = day.statistics_view
    assert (view.requested_count, view.succeed_count, view.failed_count, view.pending_count) == (6, 1, 3, 2)


async def test_krsms_status_shows_each_status(nhn: NhnGateway) -> None:
    """The table's caption counts each outcome, each row says the status by NHN's name."""
    request_id = await send(nhn)
    table, results = await delivery_table(nhn, request_id)
    console = Console(record=True, width=160)
    print_results(console, table, results)
    shown = console.export_text()
    assert table.caption == "pending 2, delivered 1, failed 3"
    for number, status in STATUS_OF.items():
        [row] = [line for line in shown.splitlines() if number in line]
        assert NEUTRAL[number].value in row
        assert NAMES[status] in row
    assert await reservation_note(nhn, request_id, results) is None  # not a reservation


async def test_krsms_status_notes_a_reservation_s_states_in_words(nhn: NhnGateway, app: Starlette) -> None:
    """A reservation whose minute came: one recipient going out, one waiting, the others sent,
    failed, refused as a duplicate or failed by the advertising limit, each said in words.
    FAILED_AD is the document's "failed (advertising limit), waiting to be resent (advertising
    limit)": said as either, not as a message sure to be sent again, which the table beside
    the note reports failed."""
    due = (datetime.now(SEOUL) + timedelta(minutes=5)).replace(second=0, microsecond=0)
    request_id = await send(nhn, reserve_at=due)
    app.state.clock.skew_seconds = 3600
    results = await nhn.delivery_results(request_id)
    note = await reservation_note(nhn, request_id, results)
    assert note is not None
    assert note.startswith(f"nhn: request {request_id}, reserved for {due:%Y-%m-%d %H:%M} Asia/Seoul: ")
    for said in (
        "1 going out now (SENDING)",
        "1 waiting to go out (RESERVED)",
        "1 sent (COMPLETED)",
        "1 not sent, failed at NHN (FAILED)",
        "1 not sent, refused as a duplicate (DUPLICATED)",
        "1 not sent, by the advertisement rules: failed, or waiting to be sent again once they allow it (FAILED_AD)",
    ):
        assert said in note

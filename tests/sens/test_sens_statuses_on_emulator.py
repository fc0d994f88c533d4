"""krsms reads every status SENS's document lists, end to end over the emulator
(``EmulatorConfig.sens_message_statuses`` and ``sens_reservation_statuses``): the typed models
keep each message ``status`` (S3, S4) and each ``reserveStatus`` (S5);
``SensGateway.delivery_results`` gives each its neutral outcome (READY and PROCESSING pending,
COMPLETED by its receipt, a reservation that failed or went stale failed with the request's
code); a reconciliation of a lost answer finds the request ACCEPTED whatever its messages say;
a reservation no longer READY cannot be cancelled; and ``krsms status`` shows them, its notes
saying what each reservation state means."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import httpx
import pytest
from rich.console import Console
from starlette.applications import Starlette

from krsms import DeliveryStatus, Message, NotFoundError, SendStatus
from krsms.commands.status import delivery_table, print_results, reservation_note
from krsms.convert import SEOUL
from krsms.emulator import (
    DEMO_SENS_ACCESS_KEY,
    DEMO_SENS_SECRET_KEY,
    DEMO_SENS_SERVICE_ID,
    EmulatorConfig,
    Faults,
    create_app,
)
from krsms.sens import SensGateway
from krsms.sens.models import MessageQuery, ReserveStatus
from krsms.transport import NO_RETRIES

BASE_URL = "http://emulator"
SENDER = "0212345678"
DELIVERED = "01000000000"
UNDELIVERABLE = "01000000009"
STATUS_OF = {"01000000001": "READY", "01000000002": "PROCESSING"}
"""Number -> the message status the emulator keeps its message in."""
RESERVATION_NUMBERS = {
    ReserveStatus.PROCESSING: "01000000021",
    ReserveStatus.FAIL: "01000000022",
    ReserveStatus.STALE: "01000000023",
}
"""reserveStatus -> a number whose reservations end in it."""
NUMBERS = [DELIVERED, UNDELIVERABLE, *STATUS_OF]
NEUTRAL = {
    DELIVERED: DeliveryStatus.DELIVERED,
    UNDELIVERABLE: DeliveryStatus.FAILED,
    "01000000001": DeliveryStatus.PENDING,
    "01000000002": DeliveryStatus.PENDING,
}
"""Each number's neutral delivery status, as docs/neutral-api.md says SENS's are read."""


def config(faults: Faults | None = None) -> EmulatorConfig:
    return EmulatorConfig(
        undeliverable_numbers={UNDELIVERABLE: "3006"},
        sens_message_statuses=STATUS_OF,
        sens_reservation_statuses={number: status.value for status, number in RESERVATION_NUMBERS.items()},
        **({"faults": faults} if faults else {}),
    )


@pytest.fixture
def app() -> Starlette:
    return create_app(config())


def gateway_for(app: Starlette, **options: object) -> SensGateway:
    return SensGateway(
        access_key=DEMO_SENS_ACCESS_KEY,
        secret_key=DEMO_SENS_SECRET_KEY,
        service_id=DEMO_SENS_SERVICE_ID,
        base_url=BASE_URL,
        http_client=httpx.AsyncClient(transport=httpx.ASGITransport(app=app)),
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture
async def sens(app: Starlette) -> AsyncIterator[SensGateway]:
    async with gateway_for(app, retry=NO_RETRIES) as gateway:
        yield gateway


async def send(sens: SensGateway, *numbers: str, reserve_at: datetime | None = None) -> str:
    message = Message(sender=SENDER, text="[krsms] 안내", recipients=list(numbers or NUMBERS), reserve_at=reserve_at)
    report = await sens.send(message)
    assert {outcome.status for outcome in report.outcomes} == {SendStatus.ACCEPTED}
    (request_id,) = {outcome.request_id for outcome in report.outcomes}
    assert request_id is not None
    return request_id


async def reserve(sens: SensGateway, *numbers: str) -> str:
    """A reservation to ``numbers`` for the next minute but one (one to two minutes ahead)."""
    due = (datetime.now(SEOUL) + timedelta(minutes=2)).replace(second=0, microsecond=0)
    return await send(sens, *numbers, reserve_at=due)


def pass_the_reserved_time(app: Starlette) -> None:
    """Four minutes on: past the reservation, within the five minutes SENS's signatures allow."""
    app.state.clock.skew_seconds = 240


async def test_the_message_models_keep_every_status_and_its_result(sens: SensGateway) -> None:
    """S3's summaries and S4's detail: READY and PROCESSING without a result, COMPLETED with it."""
    request_id = await send(sens)
    summaries = [summary async for summary in sens.client.iter_messages(MessageQuery(request_id=request_id))]
    assert {summary.to: (summary.status, summary.status_code, summary.status_name) for summary in summaries} == {
        DELIVERED: ("COMPLETED", "0", "success"),
        UNDELIVERABLE: ("COMPLETED", "3006", "fail"),
        **{number: (status, None, None) for number, status in STATUS_OF.items()},
    }
    for summary in summaries:
        (detail,) = (await sens.client.get_message(summary.message_id)).messages
        assert detail.status == summary.status
        completed = detail.status == "COMPLETED"
        assert (detail.complete_time is not None, detail.telco_code is not None) == (completed, completed)
    for status in ("READY", "PROCESSING", "COMPLETED"):
        query = MessageQuery(request_id=request_id, status=status)
        assert {summary.status async for summary in sens.client.iter_messages(query)} == {status}


async def test_delivery_results_read_each_message_status_as_the_docs_say(sens: SensGateway) -> None:
    """READY and PROCESSING PENDING, with no code or completion; COMPLETED 0 DELIVERED, another
    code FAILED with it."""
    request_id = await send(sens)
    results = {result.recipient: result for result in await sens.delivery_results(request_id)}
    assert {number: result.status for number, result in results.items()} == NEUTRAL
    for number in STATUS_OF:
        assert (results[number].code, results[number].completed_at) == (None, None)
    assert results[UNDELIVERABLE].code == "3006"


async def test_the_reservation_model_reads_every_reserve_status(sens: SensGateway, app: Starlette) -> None:
    """S5: READY before its time; then DONE, or the status its number's rule gives; CANCELED once
    cancelled. Cancelling one no longer READY is refused, saying its status."""
    waiting = await reserve(sens, DELIVERED)
    cancelled = await reserve(sens, DELIVERED)
    await sens.cancel_reservation(cancelled)
    ruled = {status: await reserve(sens, DELIVERED, number) for status, number in RESERVATION_NUMBERS.items()}
    assert (await sens.client.reservation_status(waiting)).reserve_status is ReserveStatus.READY
    pass_the_reserved_time(app)
    seen = {
        status: (await sens.client.reservation_status(request_id)).reserve_status
        for status, request_id in {ReserveStatus.DONE: waiting, ReserveStatus.CANCELED: cancelled, **ruled}.items()
    }
    assert all(seen_status is status for status, seen_status in seen.items()), seen
    assert set(seen) == set(ReserveStatus) - {ReserveStatus.READY}
    for status, request_id in ruled.items():
        said = rf"no reservation waits under request {request_id}: it is {status.value}"
        with pytest.raises(NotFoundError, match=said):
            await sens.cancel_reservation(request_id)


async def test_delivery_results_of_each_reservation_state(sens: SensGateway, app: Starlette) -> None:
    """PROCESSING: its messages not listed yet, so none; FAIL and STALE: every message FAILED with
    the request's code, whatever its own status; DONE: as an immediate send."""
    done = await reserve(sens, *NUMBERS)
    ruled = {status: await reserve(sens, DELIVERED, number) for status, number in RESERVATION_NUMBERS.items()}
    pass_the_reserved_time(app)
    assert {result.recipient: result.status for result in await sens.delivery_results(done)} == NEUTRAL
    assert await sens.delivery_results(ruled[ReserveStatus.PROCESSING]) == []
    for status, code in [(ReserveStatus.FAIL, "500"), (ReserveStatus.STALE, "504")]:
        results = await sens.delivery_results(ruled[status])
        assert [(result.recipient, result.status, result.code) for result in results] == [
            (DELIVERED, DeliveryStatus.FAILED, code),
            (RESERVATION_NUMBERS[status], DeliveryStatus.FAILED, code),
        ]


async def test_a_lost_answer_is_reconciled_as_accepted_in_every_message_status() -> None:
    """The send's answer is lost after SENS stored it: the request is listed with its messages
    READY, PROCESSING and COMPLETED (one of them failed), every one a message of a request SENS
    took (docs/reliability.md): all ACCEPTED, nothing resent."""
    app = create_app(config(Faults(error_after_processing_rate=1.0)))
    async with gateway_for(app, retry=NO_RETRIES, resend_missing=True) as sens:
        report = await sens.send(Message(sender=SENDER, text="[krsms] 안내", recipients=NUMBERS))
        (request_id,) = {delivery.request_id for delivery in app.state.ledger}
        results = await sens.delivery_results(request_id)
    assert [(outcome.status, outcome.request_id) for outcome in report.outcomes] == [
        (SendStatus.ACCEPTED, request_id)
    ] * len(NUMBERS)
    assert [delivery.recipient for delivery in app.state.ledger] == NUMBERS
    assert {result.recipient: result.status for result in results} == NEUTRAL


async def test_a_reservation_whose_answer_was_lost_stays_unknown_and_is_not_resent() -> None:
    """SENS lists no message of a request still reserved: no look-up proves it arrived or not."""
    app = create_app(config(Faults(error_after_processing_rate=1.0)))
    due = (datetime.now(SEOUL) + timedelta(minutes=2)).replace(second=0, microsecond=0)
    async with gateway_for(app, retry=NO_RETRIES, resend_missing=True) as sens:
        recipients = [RESERVATION_NUMBERS[ReserveStatus.FAIL]]
        report = await sens.send(Message(sender=SENDER, text="[krsms] 안내", recipients=recipients, reserve_at=due))
    assert [outcome.status for outcome in report.outcomes] == [SendStatus.UNKNOWN]
    assert len(app.state.ledger) == 1


async def test_krsms_status_shows_each_message_status(sens: SensGateway) -> None:
    """The caption counts each outcome; a SENS request that is not reserved has no note."""
    request_id = await send(sens)
    table, results = await delivery_table(sens, request_id)
    console = Console(record=True, width=160)
    print_results(console, table, results)
    shown = console.export_text()
    assert table.caption == "pending 2, delivered 1, failed 1"
    for number, status in NEUTRAL.items():
        [row] = [line for line in shown.splitlines() if number in line]
        assert status.value in row
    assert await reservation_note(sens, request_id, results) is None


async def test_krsms_status_notes_what_each_reservation_state_means(sens: SensGateway, app: Starlette) -> None:
    """A reservation that lists no messages has its S5 status said in words: waiting, going out,
    cancelled. One that failed or went stale is listed, its table saying every recipient failed
    with the request's code and why."""
    waiting = await reserve(sens, DELIVERED)
    cancelled = await reserve(sens, DELIVERED)
    await sens.cancel_reservation(cancelled)
    going_out = await reserve(sens, RESERVATION_NUMBERS[ReserveStatus.PROCESSING])
    said = "waiting to go out; its messages are listed once it is sent (READY)"
    reserved_for = await _reserved_for(sens, waiting)
    assert await reservation_note(sens, waiting, []) == f"sens: request {waiting}, reserved for {reserved_for}: {said}"
    pass_the_reserved_time(app)
    for request_id, said in [
        (cancelled, "cancelled; nothing was sent (CANCELED)"),
        (going_out, "going out now; its messages are listed shortly (PROCESSING)"),
    ]:
        table, results = await delivery_table(sens, request_id)
        assert results == []
        note = await reservation_note(sens, request_id, results)
        assert note == f"sens: request {request_id}, reserved for {await _reserved_for(sens, request_id)}: {said}"
    for status, code in [(ReserveStatus.FAIL, "500"), (ReserveStatus.STALE, "504")]:
        request_id = await _failed_reservation(sens, app, status)
        table, results = await delivery_table(sens, request_id)
        assert table.caption == "failed 1"
        assert [(result.code, result.detail) for result in results] == [
            (code, "the request failed at the messaging server (fail)")
        ]


async def _reserved_for(sens: SensGateway, request_id: str) -> str:
    reservation = await sens.client.reservation_status(request_id)
    return f"{reservation.reserve_time:%Y-%m-%d %H:%M} {reservation.reserve_time_zone}"


async def _failed_reservation(sens: SensGateway, app: Starlette, status: ReserveStatus) -> str:
    """A reservation that ended in ``status``, made with the clock back where it was."""
    app.state.clock.skew_seconds = 0
    request_id = await reserve(sens, RESERVATION_NUMBERS[status])
    pass_the_reserved_time(app)
    assert (await sens.client.reservation_status(request_id)).reserve_status is status
    return request_id

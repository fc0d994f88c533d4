"""Every line krsms logs carries ``krsms_event`` (what happened, a stable name a log shipper
can filter on) and ``krsms_provider`` (docs/logging.md), whichever module writes it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest

from krsms import Message, RecipientOutcome, SendProgress, errors
from krsms.emulator import (
    DEMO_SENS_ACCESS_KEY,
    DEMO_SENS_SECRET_KEY,
    DEMO_SENS_SERVICE_ID,
    EmulatorConfig,
    EmulatorServer,
)
from krsms.fanout import Batch, BatchAttempt
from krsms.sens import SensGateway
from krsms.testing import FakeGateway, FakeRequest

SENDER = "15446859"


def krsms_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "krsms"]


async def test_the_clock_skew_warning_says_its_event_provider_and_the_skew(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="krsms")
    with EmulatorServer(EmulatorConfig(clock_skew_seconds=600)) as server:
        async with SensGateway(
            access_key=DEMO_SENS_ACCESS_KEY,
            secret_key=DEMO_SENS_SECRET_KEY,
            service_id=DEMO_SENS_SERVICE_ID,
            base_url=server.base_url,
        ) as sens:
            await sens.send(Message(sender=SENDER, text="hi", recipients=["01012345678"]))
    [skew] = [record for record in krsms_records(caplog) if record.levelname == "WARNING"]
    assert skew.getMessage().startswith("local clock is ")
    assert skew.krsms_event == "clock_skew"  # type: ignore[attr-defined]
    assert skew.krsms_provider == "sens"  # type: ignore[attr-defined]
    assert 599 <= skew.krsms_skew_s <= 601  # type: ignore[attr-defined]


async def test_the_drain_of_a_cancelled_send_names_its_batches_and_how_long_it_waits(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="krsms")
    gateway = FakeGateway(batch_size=10, max_concurrency=2, latency=0.05, drain_timeout=5.0)
    sending = asyncio.create_task(
        gateway.send(Message(sender=SENDER, text="hi", recipients=[f"0101234{n:04d}" for n in range(50)]))
    )
    await asyncio.sleep(0.01)
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending
    drain, _ = krsms_records(caplog)
    assert drain.getMessage() == "fake send interrupted: letting the 2 batches in flight finish (up to 5.0s)"
    assert {name: getattr(drain, name) for name in ("krsms_event", "krsms_provider", "krsms_in_flight")} == {
        "krsms_event": "send_draining",
        "krsms_provider": "fake",
        "krsms_in_flight": 2,
    }


async def test_a_recipient_source_failing_to_close_is_logged_with_its_event(caplog: pytest.LogCaptureFixture) -> None:
    async def numbers() -> AsyncIterator[str]:
        try:
            for number in range(100):
                yield f"0101234{number:04d}"
        finally:
            raise OSError("the queue is gone")

    caplog.set_level(logging.INFO, logger="krsms")
    progress = SendProgress()
    gateway = FakeGateway(batch_size=1)
    stream = gateway.send_stream(Message(sender=SENDER, text="hi"), numbers(), progress=progress)
    await anext(stream)
    await stream.aclose()
    [failed] = [record for record in krsms_records(caplog) if record.levelname == "ERROR"]
    assert failed.getMessage() == "fake: closing the recipient source failed"
    assert (failed.krsms_event, failed.krsms_provider) == ("source_close_failed", "fake")  # type: ignore[attr-defined]


class _LosesEveryAnswer(FakeGateway):
    """Every send arrives and its answer is lost; the look-up fails when ``look_up_fails``."""

    def __init__(self, *, look_up_fails: bool = False, **options: Any):
        super().__init__(on_answer=self._lose, **options)
        self.look_up_fails = look_up_fails

    @staticmethod
    def _lose(request: FakeRequest) -> None:
        raise errors.RequestTimeoutError("no answer in time; it may have been processed", may_have_been_sent=True)

    async def reconcile_batch(
        self, message: Message, batch: Batch, attempt: BatchAttempt
    ) -> Sequence[RecipientOutcome] | None:
        if self.look_up_fails:
            raise errors.ServerError("HTTP 500", provider="fake", status_code=500)
        return await super().reconcile_batch(message, batch, attempt)


async def test_a_batch_whose_lost_answer_was_looked_up_says_what_the_look_up_found(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Between a lost answer and the send's end nothing said what became of the batch."""
    caplog.set_level(logging.DEBUG, logger="krsms")
    gateway = _LosesEveryAnswer(batch_size=10, reconcile=True)
    await gateway.send(Message(sender=SENDER, text="hi", recipients=[f"0101234{n:04d}" for n in range(10)]))
    [found] = [record for record in krsms_records(caplog) if getattr(record, "krsms_event", None) == "reconciled"]
    assert found.levelname == "DEBUG"
    assert found.getMessage() == (
        "fake looked up a batch of 10 recipients whose answer was lost: 10 accepted, 0 rejected, 0 unknown, 0 not sent"
    )
    assert (found.krsms_provider, found.krsms_batch_size, found.krsms_accepted) == ("fake", 10, 10)  # type: ignore[attr-defined]


async def test_a_look_up_that_failed_says_the_batch_stays_unknown_with_its_fields(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="krsms")
    gateway = _LosesEveryAnswer(batch_size=10, reconcile=True, look_up_fails=True)
    await gateway.send(Message(sender=SENDER, text="hi", recipients=[f"0101234{n:04d}" for n in range(10)]))
    [failed] = [
        record for record in krsms_records(caplog) if getattr(record, "krsms_event", None) == "reconcile_failed"
    ]
    assert failed.getMessage().startswith("fake could not look up a batch of 10 recipients whose answer was lost: ")
    assert failed.getMessage().endswith("; they stay unknown unless an earlier look-up settled them")
    assert failed.krsms_event == "reconcile_failed"  # type: ignore[attr-defined]
    assert (failed.krsms_batch_size, failed.krsms_error) == (10, "ServerError")  # type: ignore[attr-defined]


async def test_a_resend_of_the_recipients_never_received_carries_its_fields(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="krsms")
    arrivals: list[FakeRequest] = []

    def lost_before_arriving_once(request: FakeRequest) -> None:
        arrivals.append(request)
        if len(arrivals) == 1:
            raise errors.RequestTimeoutError("no answer in time; it may have been processed", may_have_been_sent=True)

    gateway = FakeGateway(batch_size=10, reconcile=True, resend_missing=True, on_request=lost_before_arriving_once)
    report = await gateway.send(Message(sender=SENDER, text="hi", recipients=[f"0101234{n:04d}" for n in range(10)]))
    assert report.all_accepted
    [resending] = [record for record in krsms_records(caplog) if getattr(record, "krsms_event", None) == "resending"]
    assert resending.getMessage() == "fake resending 10 recipients the provider never received"
    assert (resending.krsms_provider, resending.krsms_batch_size) == ("fake", 10)  # type: ignore[attr-defined]

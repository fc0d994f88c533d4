"""Every line krsms logs carries ``krsms_event`` (what happened, a stable name a log shipper
can filter on) and ``krsms_provider`` (docs/logging.md), whichever module writes it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest

from krsms import Message, SendProgress
from krsms.emulator import (
    DEMO_SENS_ACCESS_KEY,
    DEMO_SENS_SECRET_KEY,
    DEMO_SENS_SERVICE_ID,
    EmulatorConfig,
    EmulatorServer,
)
from krsms.sens import SensGateway
from krsms.testing import FakeGateway

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

"""What an operator reads of a bulk send in the log at INFO and above, against the emulator:
nothing per recipient nor per request, one line when it ends with its counts (WARNING when
some recipients may or may not have been sent), one ERROR when a fatal answer stops it,
saying what krsms does next; never a key or a phone number (docs/logging.md)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import pytest

from krsms import Message, SendProgress, SendStatus
from krsms.emulator import (
    DEMO_NHN_APP_KEY,
    DEMO_SENS_ACCESS_KEY,
    DEMO_SENS_SECRET_KEY,
    DEMO_SENS_SERVICE_ID,
    EmulatorConfig,
    EmulatorServer,
    Faults,
)
from krsms.nhn import NhnGateway
from krsms.sens import SensGateway
from krsms.testing import FakeGateway

SENDER = "15446859"
WRONG_SECRET = "wrong-secret-key-4711"


def numbers(count: int) -> list[str]:
    return [f"010{index:08d}" for index in range(count)]


def krsms_lines(caplog: pytest.LogCaptureFixture, level: int = logging.INFO) -> list[logging.LogRecord]:
    """krsms's own records at ``level`` or above."""
    return [record for record in caplog.records if record.name.startswith("krsms") and record.levelno >= level]


def fields_of(record: logging.LogRecord) -> dict[str, object]:
    """The ``extra=`` fields krsms gave ``record``."""
    return {name: value for name, value in vars(record).items() if name.startswith("krsms_")}


def sens(server: EmulatorServer, *, secret_key: str = DEMO_SENS_SECRET_KEY, **options: object) -> SensGateway:
    return SensGateway(
        access_key=DEMO_SENS_ACCESS_KEY,
        secret_key=secret_key,
        service_id=DEMO_SENS_SERVICE_ID,
        base_url=server.base_url,
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer() as running:
        yield running


@pytest.fixture
def failing_sends() -> Iterator[EmulatorServer]:
    """The emulator answering every send with a server error before processing it."""
    with EmulatorServer(EmulatorConfig(faults=Faults(server_error_rate=1.0))) as running:
        yield running


async def test_a_send_of_5000_that_goes_well_logs_one_info_line_with_its_counts_and_a_debug_line_per_request(
    server: EmulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="krsms")
    async with sens(server) as gateway:
        report = await gateway.send(Message(sender=SENDER, text="hello", recipients=numbers(5000)))
    assert report.counts()[SendStatus.ACCEPTED] == 5000
    [ended] = krsms_lines(caplog)
    assert ended.levelname == "INFO"
    assert ended.getMessage().startswith(
        "sens send ended: 5000 recipients: 5000 accepted, 0 rejected, 0 unknown, 0 not sent; 50 requests in "
    )
    assert fields_of(ended) == {
        "krsms_event": "send_ended",
        "krsms_provider": "sens",
        "krsms_recipients": 5000,
        "krsms_accepted": 5000,
        "krsms_rejected": 0,
        "krsms_unknown": 0,
        "krsms_not_sent": 0,
        "krsms_requests": 50,
        "krsms_elapsed_s": fields_of(ended)["krsms_elapsed_s"],
        "krsms_stopped_by": None,
        "krsms_cancelled": False,
    }
    assert len(krsms_lines(caplog, logging.DEBUG)) == 50 + 1


async def test_a_provider_failing_every_send_gets_one_line_saying_how_many_were_not_sent(
    failing_sends: EmulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Thirty batches answered 500 (never retried: it may have been processed), each looked
    up and found missing: one line counts them, not thirty, nor nothing at all."""
    caplog.set_level(logging.INFO, logger="krsms")
    async with sens(failing_sends, reconcile_delay=0) as gateway:
        report = await gateway.send(Message(sender=SENDER, text="hello", recipients=numbers(3000)))
    assert report.counts()[SendStatus.NOT_SENT] == 3000
    [ended] = krsms_lines(caplog)
    assert ended.getMessage().startswith(
        "sens send ended: 3000 recipients: 0 accepted, 0 rejected, 0 unknown, 3000 not sent; 30 requests in "
    )
    assert fields_of(ended)["krsms_not_sent"] == 3000


async def test_a_fatal_401_logs_one_error_saying_what_krsms_does_next_then_the_end_with_its_counts(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="krsms")
    with EmulatorServer(EmulatorConfig(faults=Faults(latency=0.05))) as slow:
        async with sens(slow, secret_key=WRONG_SECRET, max_concurrency=4) as gateway:
            report = await gateway.send(Message(sender=SENDER, text="hello", recipients=numbers(1000)))
    assert report.error is not None
    stopped, ended = krsms_lines(caplog)
    assert stopped.levelname == "ERROR"
    said = stopped.getMessage()
    assert said.startswith(f"sens bulk send stopped: {report.error}; ")
    assert said.endswith(
        "no request leaves from now on: the batches whose request may be out finish, the rest is reported "
        "NOT_SENT (stopped)"
    )
    assert fields_of(stopped) == {
        "krsms_event": "send_stopped",
        "krsms_provider": "sens",
        "krsms_error": "AuthenticationError",
        "krsms_status_code": 401,
        "krsms_provider_code": report.error.code,
        "krsms_method": "POST",
        "krsms_path": f"/sms/v2/services/{DEMO_SENS_SERVICE_ID}/messages",
        "krsms_request_id": None,
    }
    counts = report.counts()
    assert ended.levelname == "INFO"
    assert ended.getMessage().startswith(
        f"sens send ended: 1000 recipients: 0 accepted, {counts[SendStatus.REJECTED]} rejected, 0 unknown, "
        f"{counts[SendStatus.NOT_SENT]} not sent; {report.requests} requests in "
    )
    assert ended.getMessage().endswith("; stopped by AuthenticationError")
    assert fields_of(ended)["krsms_stopped_by"] == "AuthenticationError"
    for text in (caplog.text, *(str(fields_of(record)) for record in caplog.records)):
        assert WRONG_SECRET not in text
        assert DEMO_SENS_ACCESS_KEY not in text
        assert "01000000" not in text


async def test_an_nhn_send_stopped_by_an_unknown_app_key_never_logs_the_key(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with EmulatorServer() as running:
        async with NhnGateway(app_key="wrong-app-key-4712", base_url=running.base_url) as gateway:
            report = await gateway.send(Message(sender=SENDER, text="hello", recipients=numbers(3000)))
    assert report.error is not None
    assert [record.levelname for record in krsms_lines(caplog)] == ["ERROR", "INFO"]
    for text in (caplog.text, *(str(fields_of(record)) for record in caplog.records)):
        assert "wrong-app-key-4712" not in text
        assert DEMO_NHN_APP_KEY not in text
        assert "01000000" not in text


async def test_a_cancelled_send_ends_with_one_warning_counting_what_may_have_been_sent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="krsms")
    gateway = FakeGateway(batch_size=10, max_concurrency=2, latency=0.05)
    progress = SendProgress()
    message = Message(sender=SENDER, text="hi", recipients=numbers(100))
    sending = asyncio.create_task(gateway.send(message, progress=progress))
    await asyncio.sleep(0.01)  # the first two batches are out
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending
    report = progress.report()
    [ended] = krsms_lines(caplog)
    assert ended.levelname == "WARNING"
    assert ended.getMessage().startswith(
        f"fake send ended: 100 recipients: 0 accepted, 0 rejected, {report.counts()[SendStatus.UNKNOWN]} unknown, "
        f"{report.counts()[SendStatus.NOT_SENT]} not sent; "
    )
    assert ended.getMessage().endswith("; cancelled")
    assert fields_of(ended)["krsms_cancelled"] is True

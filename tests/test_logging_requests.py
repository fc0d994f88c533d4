"""What an operator reads of krsms's requests in the log: one DEBUG line a request, one WARNING
a retry naming the request, the attempt, the wait and the provider's code, each line with the
documented ``extra=`` fields (docs/logging.md), against the emulator."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from krsms import Message, SendStatus, errors
from krsms.emulator import DEMO_NHN_APP_KEY, EmulatorConfig, EmulatorServer, Faults
from krsms.nhn import NhnGateway
from krsms.nhn.models import SendQuery
from krsms.retry import RetryPolicy
from krsms.transport import Timeouts

REQUEST_FIELDS = {"krsms_event", "krsms_provider", "krsms_method", "krsms_path", "krsms_attempt", "krsms_status_code"}
RETRY_FIELDS = {*REQUEST_FIELDS, "krsms_max_attempts", "krsms_provider_code", "krsms_error", "krsms_retry_in"}
LOOK_UP_PATH = "/sms/v2.2/appKeys/***/sender/sms"


@pytest.fixture
def failing_look_ups() -> Iterator[EmulatorServer]:
    """The emulator answering every NHN request with its server error: HTTP 500, code -9999."""
    with EmulatorServer(EmulatorConfig(faults=Faults(server_error_rate=1.0, sends_only=False))) as server:
        yield server


def fields_of(record: logging.LogRecord) -> dict[str, object]:
    """The ``extra=`` fields krsms gave ``record``."""
    return {name: value for name, value in vars(record).items() if name.startswith("krsms_")}


async def downloaded(nhn: NhnGateway, download_id: str) -> bytes:
    """The bytes of the CSV export ``download_id``, streamed (N39)."""
    async with nhn.client.download(download_id) as chunks:
        return b"".join([chunk async for chunk in chunks])


async def test_a_retried_look_up_warns_once_a_retry_with_the_providers_code_and_its_fields(
    failing_look_ups: EmulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="krsms")
    async with NhnGateway(
        app_key=DEMO_NHN_APP_KEY,
        base_url=failing_look_ups.base_url,
        retry=RetryPolicy(max_attempts=3, initial_backoff=0.0),
    ) as nhn:
        with pytest.raises(errors.ServerError):
            await nhn.client.list_sms(SendQuery(request_id="R-1"))
    records = [record for record in caplog.records if record.name == "krsms"]
    assert [record.levelname for record in records] == ["DEBUG", "WARNING", "DEBUG", "WARNING", "DEBUG"]
    first_retry = records[1]
    assert first_retry.getMessage() == (
        f"GET {failing_look_ups.base_url}{LOOK_UP_PATH} failed (500, code -9999); retry 1 of 2 in 0.00s"
    )
    assert fields_of(first_retry) == {
        "krsms_event": "retry",
        "krsms_provider": "nhn",
        "krsms_method": "GET",
        "krsms_path": LOOK_UP_PATH,
        "krsms_attempt": 1,
        "krsms_max_attempts": 3,
        "krsms_status_code": 500,
        "krsms_provider_code": "-9999",
        "krsms_error": "NhnServerError",
        "krsms_retry_in": 0.0,
    }
    assert fields_of(records[3])["krsms_attempt"] == 2
    last_request = fields_of(records[4])
    assert set(last_request) == REQUEST_FIELDS | {"krsms_error", "krsms_elapsed_ms"}
    assert (last_request["krsms_event"], last_request["krsms_attempt"], last_request["krsms_status_code"]) == (
        "request",
        3,
        500,
    )
    assert DEMO_NHN_APP_KEY not in caplog.text
    assert not any(DEMO_NHN_APP_KEY in str(value) for record in records for value in fields_of(record).values())


async def test_a_send_whose_answer_never_comes_leaves_its_debug_line_naming_the_failure(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A request that got no answer (a timeout, a dropped connection) and is not retried (a
    send that may have arrived) is a request too: without its line, DEBUG showed nothing of
    the very request an operator is investigating."""
    caplog.set_level(logging.DEBUG, logger="krsms")
    held = Faults(slow_rate=1.0, slow_delay=0.5)
    with EmulatorServer(EmulatorConfig(faults=held)) as server:
        async with NhnGateway(
            app_key=DEMO_NHN_APP_KEY, base_url=server.base_url, timeout=Timeouts(read=0.05), reconcile=False
        ) as nhn:
            report = await nhn.send(Message(sender="15446859", text="hello", recipients=["01012345678"]))
    assert report.counts()[SendStatus.UNKNOWN] == 1
    [request] = [record for record in caplog.records if getattr(record, "krsms_event", None) == "request"]
    assert request.levelname == "DEBUG"
    assert request.getMessage().startswith(
        f"POST {server.base_url}/sms/v2.2/appKeys/***/sender/sms -> RequestTimeoutError after "
    )
    assert request.getMessage().endswith(" ms (attempt 1)")
    fields = fields_of(request)
    assert set(fields) == REQUEST_FIELDS | {"krsms_elapsed_ms", "krsms_error"}
    assert (fields["krsms_status_code"], fields["krsms_error"]) == (None, "RequestTimeoutError")


async def test_a_streamed_download_has_its_debug_line_as_any_request(
    failing_look_ups: EmulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="krsms")
    async with NhnGateway(
        app_key=DEMO_NHN_APP_KEY,
        base_url=failing_look_ups.base_url,
        retry=RetryPolicy(max_attempts=2, initial_backoff=0.0),
    ) as nhn:
        with pytest.raises(errors.ServerError):
            await downloaded(nhn, "D-1")
    records = [record for record in caplog.records if record.name == "krsms"]
    assert [(record.levelname, getattr(record, "krsms_event", None)) for record in records] == [
        ("DEBUG", "request"),
        ("WARNING", "retry"),
        ("DEBUG", "request"),
    ]
    assert (
        records[2]
        .getMessage()
        .startswith(
            f"GET {failing_look_ups.base_url}/sms/v2.2/appKeys/***/download-reservations/D-1/download -> 500 in "
        )
    )
    assert records[2].getMessage().endswith(" ms (attempt 2)")

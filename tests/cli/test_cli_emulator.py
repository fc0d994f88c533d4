"""``krsms emulator`` as an operator runs it: its keys, and how it stops."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping

import httpx
import pytest
from typer.testing import CliRunner

from krsms.cli import app
from krsms.emulator import DEMO_NHN_APP_KEY

runner = CliRunner()


@pytest.mark.parametrize(
    ("option", "variable"),
    [
        ("--sens-access-key", "KRSMS_EMULATOR_SENS_ACCESS_KEY"),
        ("--sens-secret-key", "KRSMS_EMULATOR_SENS_SECRET_KEY"),
        ("--sens-service-id", "KRSMS_EMULATOR_SENS_SERVICE_ID"),
        ("--nhn-app-key", "KRSMS_EMULATOR_NHN_APP_KEY"),
        ("--nhn-secret-key", "KRSMS_EMULATOR_NHN_SECRET_KEY"),
    ],
)
@pytest.mark.parametrize("given_by", ["flag", "variable"])
def test_a_key_no_client_can_send_is_refused_naming_its_flag_and_variable(
    option: str, variable: str, given_by: str
) -> None:
    """A key pasted with its line break (or blank) was served: every request with the key as
    issued was then refused as a wrong key, and the SDK refuses to send such a key at all."""
    pasted = "s3cr3t-pasted\n"
    # On a host nothing can listen on: a key let through ends the command there, not serving.
    unlistenable = ["emulator", "--host", "256.0.0.1"]
    arguments, env = ([*unlistenable, option, pasted], {}) if given_by == "flag" else (unlistenable, {variable: pasted})
    outcome = runner.invoke(app, arguments, env={**env, "COLUMNS": "300"})
    assert outcome.exit_code == 2, outcome.output
    assert f"{option} ({variable}): is empty, or has whitespace at an end" in outcome.output
    assert "s3cr3t" not in outcome.output
    assert "krsms emulator on" not in outcome.output


def test_fault_rates_adding_up_to_more_than_1_are_named_by_their_flags() -> None:
    """The error read ``--the fault rates add up to more than 1: rate_limit_rate 0.6 + ...``:
    the start of Faults' message taken for a field's name, made a flag no command has, and
    the rates named as Faults' fields, not as the flags they were given by."""
    arguments = ["emulator", "--host", "256.0.0.1", "--rate-limit-rate", "0.6", "--server-error-rate", "0.6"]
    outcome = runner.invoke(app, arguments, env={"COLUMNS": "300"})
    assert outcome.exit_code == 2, outcome.output
    assert "Invalid value: the fault rates add up to more than 1: --rate-limit-rate 0.6 + --server-error-rate 0.6 " in (
        outcome.output
    )
    assert "krsms emulator on" not in outcome.output


def start_emulator(*options: str, env: Mapping[str, str] | None = None) -> tuple[subprocess.Popen[str], str]:
    """``python -m krsms emulator --port 0`` (a free loopback port, which its first line names),
    once it answers, with ``env`` added to the environment; and its URL."""
    emulator = subprocess.Popen(
        [sys.executable, "-m", "krsms", "emulator", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "300", **(env or {})},
    )
    assert emulator.stdout is not None
    announced = re.match(r"krsms emulator on (http://127\.0\.0\.1:(\d+)) ", emulator.stdout.readline())
    if announced is None or announced[2] == "0":
        emulator.kill()
        raise AssertionError(f"the emulator did not say where it listens: {emulator.communicate()}")
    base_url = announced[1]
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"{base_url}/_emulator/health", timeout=1).raise_for_status()
            return emulator, base_url
        except httpx.TransportError:
            if emulator.poll() is not None or time.monotonic() > deadline:
                emulator.kill()
                raise AssertionError(f"the emulator did not start: {emulator.communicate()}") from None
            time.sleep(0.1)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_ctrl_c_and_sigterm_stop_it_with_exit_0(stop: signal.Signals) -> None:
    """SIGTERM (``kill``, ``docker stop``) stopped it as cleanly as Ctrl-C, then uvicorn raised
    the signal again once the handlers were back: the process died of it (143 in a shell)."""
    emulator, _ = start_emulator()
    emulator.send_signal(stop)
    stdout, stderr = emulator.communicate(timeout=30)
    assert emulator.returncode == 0, stderr
    assert stderr == ""
    assert stdout == ""  # after its one line, which start_emulator read: nothing more


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_request_held_by_latency_does_not_keep_it_from_stopping(stop: signal.Signals) -> None:
    """With ``--latency 600`` a send in flight held the stop for up to ten minutes, silently;
    the Ctrl-C an operator pressed again then printed uvicorn's traceback of the cancelled
    request. It gets a moment to be answered, then the emulator stops, without a traceback."""
    emulator, base_url = start_emulator("--latency", "600")
    body = {"body": "본문", "sendNo": "15446859", "recipientList": [{"recipientNo": "01000000001"}]}
    answers: list[httpx.Response | Exception] = []

    def send() -> None:
        try:
            answers.append(
                httpx.post(f"{base_url}/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}/sender/sms", json=body, timeout=120)
            )
        except httpx.HTTPError as error:
            answers.append(error)

    sending = threading.Thread(target=send)
    sending.start()
    try:
        deadline = time.monotonic() + 30
        # Stored at once, answered after the latency: stored means in flight.
        while not httpx.get(f"{base_url}/_emulator/deliveries").json():
            assert time.monotonic() < deadline, "the send did not arrive"
            time.sleep(0.05)
        emulator.send_signal(stop)
        try:
            _, stderr = emulator.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            emulator.kill()
            emulator.communicate()
            raise AssertionError("the emulator waited for the held answer") from None
    finally:
        sending.join(timeout=60)
    assert emulator.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "Exception in ASGI application" not in stderr
    assert len(answers) == 1

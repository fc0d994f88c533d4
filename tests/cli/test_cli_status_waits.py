"""How long ``krsms status`` waits for a provider that never answers: ``--timeout`` bounds
the whole look-up, and Ctrl-C or SIGTERM stops it at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from silent_servers import ENVIRONMENTS, GUARD_SECONDS, SilentServer
from typer.testing import CliRunner

from krsms.cli import app

runner = CliRunner()


@pytest.mark.parametrize("provider", ["sens", "nhn"])
def test_timeout_ends_a_look_up_nobody_answers(silent: SilentServer, provider: str) -> None:
    """Without it the command waited three attempts of 30 seconds each, with no way to bound
    them; it ends at the deadline, saying so, with an exit code of its own."""
    outcome = runner.invoke(
        app,
        ["status", "R-1", "--provider", provider, "--base-url", silent.url, "--timeout", "0.2"],
        env={**ENVIRONMENTS[provider], "COLUMNS": "300"},
    )
    assert outcome.exit_code == 124, outcome.output
    assert silent.asked.is_set()
    assert outcome.stdout == ""
    assert outcome.stderr == (
        f"error: {provider}: the look-up of request R-1 did not finish within --timeout 0.2 seconds: it was given up\n"
    )


@pytest.mark.parametrize("seconds", ["0", "-1", "nan", "inf"])
def test_a_timeout_that_is_not_a_positive_number_is_refused(seconds: str) -> None:
    outcome = runner.invoke(
        app,
        ["status", "R-1", "--provider", "nhn", "--base-url", "http://127.0.0.1:9", "--timeout", seconds],
        env={**ENVIRONMENTS["nhn"], "COLUMNS": "300"},
    )
    assert outcome.exit_code == 2, outcome.output
    assert "--timeout" in outcome.stderr
    assert f"must be a positive number of seconds, not {float(seconds)}" in outcome.stderr


@pytest.mark.parametrize(("stop", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_the_wait_at_once(silent: SilentServer, stop: signal.Signals, code: int) -> None:
    """Waiting on a provider that never answers (and a deadline far off), SIGTERM or Ctrl-C
    ends the command with the interrupted line and the exit code ``krsms send`` gives: SIGTERM
    killed it without a word."""
    looking_up = subprocess.Popen(
        [sys.executable, "-m", "krsms", "status", "R-1", "--provider", "nhn", "--base-url", silent.url,
         "--timeout", "600"],
        env={**os.environ, **ENVIRONMENTS["nhn"]},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert silent.asked.wait(GUARD_SECONDS)
        looking_up.send_signal(stop)
        stdout, stderr = looking_up.communicate(timeout=GUARD_SECONDS)
    finally:
        if looking_up.poll() is None:
            looking_up.kill()
            looking_up.communicate()
    assert looking_up.returncode == code, stderr
    assert stdout == ""
    assert stderr == "interrupted: the look-up of request R-1 stopped; it changes nothing at the provider\n"

"""``krsms demo`` interrupted part-way, as an operator stops it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest


def demo_row(stdout: str, provider: str) -> list[str]:
    """The cells of ``provider``'s row of the demo's summary table."""
    rows = [line for line in stdout.splitlines() if line.startswith(f"│ {provider} ")]
    assert len(rows) == 1, stdout
    return [cell.strip() for cell in rows[0].strip("│").split("│")]


@pytest.mark.parametrize(
    ("stop", "exit_code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"]
)
def test_an_interrupted_demo_says_so_and_counts_what_its_emulator_recorded(
    stop: signal.Signals, exit_code: int
) -> None:
    """Ctrl-C ended the demo with exit 130 and not a word (an older typer said "Aborted!",
    exit 1), SIGTERM killed it outright: the sends in flight were cut short, and nothing said
    what had been sent. The sends in flight settle, the summary counts them, titled
    interrupted, as the emulator recorded them, and a line on stderr says it was interrupted."""
    demo = subprocess.Popen(
        [sys.executable, "-m", "krsms", "demo", "--recipients", "200000", "--latency", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "160"},
        # As a terminal's foreground job has it (a job started in the background ignores Ctrl-C).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert demo.stdout is not None
        listening = demo.stdout.readline()
        assert listening.startswith("emulator listening on http://127.0.0.1:")
        stats_url = f"{listening.split()[3]}/_emulator/stats"
        deadline = time.monotonic() + 60
        # Half-way: once both providers' first send requests are in (held a second by the latency).
        while not {"sens.sends", "nhn.sends"} <= httpx.get(stats_url).json().keys():
            assert time.monotonic() < deadline, "the demo sent nothing"
            time.sleep(0.02)
        demo.send_signal(stop)
        stdout, stderr = demo.communicate(timeout=60)
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.communicate()
    assert demo.returncode == exit_code, stdout + stderr
    assert "(interrupted)" in stdout
    for provider in ("SENS", "NHN"):
        _provider, accepted, _rejected, unknown, not_sent, _requests, recorded = demo_row(stdout, provider)
        assert unknown == "0"
        assert int(accepted) == int(recorded)
        assert int(not_sent) > 0  # stopped part-way: the rest was not sent
    assert stderr.startswith("interrupted: ")
    assert "Traceback" not in stderr


def test_a_demo_slower_than_httpx_default_timeout_settles_every_recipient() -> None:
    """``--latency`` takes up to 60 seconds, but the demo's client kept httpx's default
    timeout (5 seconds): from a latency above it every send was given up and its batch left
    unknown, and the demo ended saying its outcomes and its emulator's record disagree, exit 1.
    (About 11 seconds: two rounds of requests held 5.5 seconds each.)"""
    demo = subprocess.run(
        [sys.executable, "-m", "krsms", "demo", "--recipients", "10", "--latency", "5.5"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "160"},
        timeout=120,
    )
    assert demo.returncode == 0, demo.stdout + demo.stderr
    for provider in ("SENS", "NHN"):
        _provider, accepted, rejected, unknown, not_sent, _requests, recorded = demo_row(demo.stdout, provider)
        assert (unknown, not_sent) == ("0", "0")
        assert int(accepted) + int(rejected) == 16
        assert accepted == recorded


def test_a_demo_batch_waits_for_a_request_slot_as_long_as_two_rounds_of_latency() -> None:
    """A campaign's three sends share their gateway's request slots, so a batch may wait two
    rounds of answers for one; the wait kept the SDK's 30 seconds, and from about 15 seconds
    of ``--latency`` batches gave up waiting (retried, and near 60 seconds of latency their
    retries could run out). The waits for a slot and for an answer both grow with the latency."""
    from krsms.commands.demo import SLOT_ROUNDS, demo_timeouts
    from krsms.transport import Timeouts

    defaults = Timeouts()
    slowest = demo_timeouts(60.0)
    assert SLOT_ROUNDS == 2
    assert slowest.pool == defaults.pool + 120.0
    assert slowest.read == defaults.read + 60.0
    assert (slowest.connect, slowest.write) == (defaults.connect, defaults.write)
    assert demo_timeouts(0.0) == defaults

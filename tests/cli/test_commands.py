"""The CLI end to end against the emulator: send, --dry-run, --resume after an interruption, status."""

from __future__ import annotations

import asyncio
import collections
import csv
import functools
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import anyio
import httpx
import pytest
from rich.console import Console
from test_cli_emulator import start_emulator
from typer.testing import CliRunner

from krsms.cli import app
from krsms.commands.demo import all_at_once
from krsms.commands.status import delivery_table
from krsms.emulator import (
    DEMO_NHN_APP_KEY,
    DEMO_SENS_ACCESS_KEY,
    DEMO_SENS_SECRET_KEY,
    DEMO_SENS_SERVICE_ID,
    EmulatorConfig,
    EmulatorServer,
    Faults,
)
from krsms.fanout import BatchingGateway
from krsms.gateway import DeliveryResult, DeliveryStatus
from krsms.nhn import NhnClient
from krsms.nhn.models import TemplateCreate
from krsms.testing import FakeGateway, sens_gateway_for

SENS_ENV = {
    "KRSMS_SENS_ACCESS_KEY": DEMO_SENS_ACCESS_KEY,
    "KRSMS_SENS_SECRET_KEY": DEMO_SENS_SECRET_KEY,
    "KRSMS_SENS_SERVICE_ID": DEMO_SENS_SERVICE_ID,
}
NHN_ENV = {"KRSMS_NHN_APP_KEY": DEMO_NHN_APP_KEY}
runner = CliRunner()


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer() as running:
        yield running


def numbers_file(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "numbers.txt"
    path.write_text(
        "".join(f"010-{index // 10000:04d}-{index % 10000:04d}\n" for index in range(count)), encoding="utf-8"
    )
    return path


def result_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_dry_run_validates_and_counts_batches_without_sending(tmp_path: Path, server: EmulatorServer) -> None:
    path = tmp_path / "numbers.csv"
    rows = "".join(f"0100000{index:04d},\n" for index in range(250))
    path.write_text("number,text\n" + rows + "12,\n0100000999,\n", encoding="utf-8")
    outcome = runner.invoke(
        app,
        ["send", str(path), "--provider", "sens", "--sender", "0212345678", "--text", "안녕", "--dry-run",
         "--base-url", server.base_url],
    )  # fmt: skip
    assert outcome.exit_code == 1, outcome.output  # two invalid rows
    assert "252" in outcome.output
    assert "3" in outcome.output  # SMS requests
    assert "line 252" in outcome.output
    assert len(server.ledger) == 0


@pytest.mark.parametrize(("provider", "env"), [("sens", SENS_ENV), ("nhn", NHN_ENV)])
def test_send_writes_one_result_per_recipient(
    tmp_path: Path, server: EmulatorServer, provider: str, env: dict[str, str]
) -> None:
    results = tmp_path / "results.csv"
    outcome = runner.invoke(
        app,
        ["send", str(numbers_file(tmp_path, 1200)), "--provider", provider, "--sender", "15446859",
         "--text", "안녕하세요", "--results", str(results), "--base-url", server.base_url],
        env=env,
    )  # fmt: skip
    assert outcome.exit_code == 0, outcome.output
    rows = result_rows(results)
    assert len(rows) == 1200
    assert {row["status"] for row in rows} == {"accepted"}
    assert sorted(int(row["reference"]) for row in rows) == list(range(1, 1201))
    assert len(server.ledger) == 1200
    for secret in env.values():
        if secret != DEMO_SENS_SERVICE_ID:
            assert secret not in outcome.output

    request_id = rows[0]["request_id"]
    status = runner.invoke(app, ["status", request_id, "--provider", provider, "--base-url", server.base_url], env=env)
    assert status.exit_code == 0, status.output
    assert "delivered" in status.output


def test_missing_credentials_are_named_not_echoed(tmp_path: Path) -> None:
    outcome = runner.invoke(
        app,
        ["send", str(numbers_file(tmp_path, 1)), "--provider", "sens", "--sender", "0212345678", "--text", "x"],
        env={"KRSMS_SENS_ACCESS_KEY": "visible-access-key"},
    )
    assert outcome.exit_code == 2
    assert "--secret-key" in outcome.output
    assert "visible-access-key" not in outcome.output


def slow_sens_send(recipients: Path, results: Path, server: EmulatorServer) -> list[str]:
    """``krsms send`` of ``recipients`` through SENS, two requests at a time, in a subprocess."""
    return [
        sys.executable, "-m", "krsms.cli", "send", str(recipients), "--provider", "sens",
        "--sender", "0212345678", "--text", "안녕", "--results", str(results),
        "--base-url", server.base_url, "--max-concurrency", "2",
    ]  # fmt: skip


def summary_counts(output: str) -> dict[str, int]:
    """The accepted, rejected and unknown counts of the summary table in ``output``."""
    [row] = [line for line in output.splitlines() if line.startswith("│")]
    accepted, rejected, unknown = (int(cell) for cell in row.split("│")[1:4])
    return {"accepted": accepted, "rejected": rejected, "unknown": unknown}


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def started_until_settled(
    command: list[str], env: dict[str, str], results: Path, **output: Any
) -> subprocess.Popen[bytes]:
    """``command`` started, once its results file holds 400 rows (or a minute passed). It
    takes SIGINT as a terminal would deliver it, even when this run ignores it (a shell
    starts background jobs so, and Python keeps an ignored SIGINT ignored)."""
    process = subprocess.Popen(command, env=env, preexec_fn=_default_sigint, **output)
    deadline = time.monotonic() + 60
    while (not results.exists() or len(result_rows(results)) < 400) and time.monotonic() < deadline:
        time.sleep(0.05)
    return process


@pytest.mark.parametrize(("stop", "exit_code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_resume_after_an_interrupted_run_sends_each_recipient_once(
    tmp_path: Path, stop: signal.Signals, exit_code: int
) -> None:
    recipients = numbers_file(tmp_path, 3000)
    results = tmp_path / "results.csv"
    # Slow answers leave seconds between the 400th result and the end, even on a loaded machine.
    config = EmulatorConfig(faults=Faults(latency=0.6))
    with EmulatorServer(config) as server:
        command = slow_sens_send(recipients, results, server)
        env = {**os.environ, **SENS_ENV}
        first = started_until_settled(command, env, results, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        first.send_signal(stop)
        output, _ = first.communicate(timeout=60)
        assert first.returncode == exit_code, output.decode()
        assert b"--resume" in output
        settled = result_rows(results)
        accepted_first = [row for row in settled if row["status"] == "accepted"]
        assert 400 <= len(accepted_first) < 3000
        # A batch not out yet when the signal came (waiting for its turn or its journal entry)
        # is written not_sent (cancelled); the batches out were drained to their real outcome.
        assert {(row["status"], row["code"]) for row in settled} <= {("accepted", ""), ("not_sent", "cancelled")}
        assert "SENS send (interrupted)" in output.decode()
        assert summary_counts(output.decode()) == {"accepted": len(accepted_first), "rejected": 0, "unknown": 0}

        server.app.state.faults.replace(Faults())
        second = subprocess.run([*command, "--resume"], env=env, capture_output=True, timeout=120)
        assert second.returncode == 0, second.stdout.decode()
        delivered = [delivery.recipient for delivery in server.ledger]

    rows = result_rows(results)
    accepted = [row for row in rows if row["status"] == "accepted"]
    assert sorted(int(row["reference"]) for row in accepted) == list(range(1, 3001))
    assert len(delivered) == len(set(delivered)) == 3000  # nobody sent twice


def test_a_second_signal_cuts_the_drain_short_and_the_batches_out_are_unknown(tmp_path: Path) -> None:
    """docs/cli.md: a second SIGTERM ends the 8 seconds given to the batches in flight; they
    are written unknown (they may have arrived), and --resume sends only what never left."""
    recipients = numbers_file(tmp_path, 3000)
    results = tmp_path / "results.csv"
    # Answers 3 s after each request: the second signal comes while the first one's drain waits.
    with EmulatorServer(EmulatorConfig(faults=Faults(latency=3.0))) as server:
        command = slow_sens_send(recipients, results, server)
        env = {**os.environ, **SENS_ENV}
        first = started_until_settled(command, env, results, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while len(server.ledger) < 600 and time.monotonic() < deadline:
            time.sleep(0.02)  # the next two batches recorded: out, their answers 3 s away
        first.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        first.send_signal(signal.SIGTERM)
        output, _ = first.communicate(timeout=60)
        assert first.returncode == 143, output.decode()
        settled = result_rows(results)
        unknown_first = [row["reference"] for row in settled if row["status"] == "unknown"]
        assert {(row["status"], row["code"]) for row in settled} - {("not_sent", "cancelled")} == {
            ("accepted", ""),
            ("unknown", "cancelled"),  # out when the drain was cut short: they may have arrived
        }
        assert summary_counts(output.decode())["unknown"] == len(unknown_first) <= 200  # two batches of 100

        server.app.state.faults.replace(Faults())
        second = subprocess.run([*command, "--resume"], env=env, capture_output=True, timeout=120)
        assert second.returncode == 1, second.stdout.decode()  # the campaign holds unknown recipients
        assert f"{len(unknown_first)} unknown" in second.stdout.decode()
        delivered = [delivery.recipient for delivery in server.ledger]

    last_rows = {row["reference"]: row for row in result_rows(results)}  # a line's last row is its outcome
    assert sorted(reference for reference, row in last_rows.items() if row["status"] == "unknown") == sorted(
        unknown_first
    )  # left for the operator to check, not sent again
    assert len(last_rows) == 3000
    assert len(delivered) == len(set(delivered)) == 3000  # the unknown ones had arrived; none sent twice


def test_the_log_is_shown_only_with_verbose(tmp_path: Path) -> None:
    """Without -v, no unformatted line of Python's last-resort log handler repeats the error."""
    recipients = numbers_file(tmp_path, 2)
    messages = f"http://127.0.0.1:9/sms/v2/services/{DEMO_SENS_SERVICE_ID}/messages"

    def send_to_nowhere(*options: str, results: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "krsms.cli", *options, "send", str(recipients), "--provider", "sens",
                   "--sender", "0212345678", "--text", "안녕", "--base-url", "http://127.0.0.1:9",
                   "--results", str(tmp_path / results)]  # fmt: skip
        return subprocess.run(command, env={**os.environ, **SENS_ENV}, capture_output=True, text=True, timeout=60)

    quiet = send_to_nowhere(results="quiet.csv")
    assert quiet.returncode == 1, quiet.stderr
    [error] = quiet.stderr.splitlines()
    assert error.startswith(f"error: nothing was sent: POST {messages}: could not connect (ConnectError")

    verbose = send_to_nowhere("-v", results="verbose.csv")
    assert verbose.returncode == 1, verbose.stderr
    *log, last = verbose.stderr.splitlines()
    assert [line.split(" in ")[0] for line in log] == [
        f"warning: POST {messages} failed (ConnectError); retry 1 of 2",
        f"warning: POST {messages} failed (ConnectError); retry 2 of 2",
    ]
    assert last == error


def test_the_readme_demo_command_runs_and_exits_zero() -> None:
    """The README's first command: ``krsms demo``, the installed script, no credentials."""
    script = Path(sys.executable).with_name("krsms")
    command = [str(script), "demo"] if script.exists() else [sys.executable, "-m", "krsms.cli", "demo"]
    finished = subprocess.run(command, capture_output=True, timeout=180, env={**os.environ, "COLUMNS": "120"})
    output = finished.stdout.decode()
    assert finished.returncode == 0, output + finished.stderr.decode()
    assert "one outcome per recipient" in output
    assert "made and cancelled" in output
    for provider in ("SENS", "NHN"):
        assert provider in output


async def test_the_demo_runs_its_sends_together_and_a_cancel_waits_for_each_to_settle() -> None:
    """docs/bulk.md's advice, which the demo follows: cancelled, ``asyncio.gather`` returns as
    its first child ends, and the demo's shared HTTP client would close under the other's drain."""
    settled: list[str] = []

    async def send(name: str, drain: float) -> str:
        try:
            await asyncio.sleep(10)
        finally:
            with anyio.CancelScope(shield=True):
                await asyncio.sleep(drain)  # what a cancelled send spends settling its batches
            settled.append(name)
        return name

    async def answer(name: str) -> str:
        return name

    assert await all_at_once([functools.partial(answer, "sms"), functools.partial(answer, "lms")]) == ["sms", "lms"]
    running = asyncio.ensure_future(
        all_at_once([functools.partial(send, "quick", 0.0), functools.partial(send, "slow", 0.1)])
    )
    await asyncio.sleep(0.01)
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    assert settled == ["quick", "slow"]


def test_demo_counts_agree_with_the_emulator() -> None:
    outcome = runner.invoke(app, ["demo", "--recipients", "300", "--latency", "0"], env={"COLUMNS": "160"})
    assert outcome.exit_code == 0, outcome.output
    rows = [line for line in outcome.output.splitlines() if line.startswith(("│ SENS", "│ NHN"))]
    assert len(rows) == 2
    for row in rows:
        cells = [cell.strip() for cell in row.strip("│").split("│")]
        accepted, rejected, unknown, not_sent, emulator = (
            int(cells[1]),
            int(cells[2]),
            cells[3],
            cells[4],
            int(cells[6]),
        )
        assert (unknown, not_sent) == ("0", "0")
        assert accepted + rejected == 306
        assert accepted == emulator


def test_a_reservation_passing_during_a_send_stops_it_and_a_resume_with_a_later_one_sends_the_rest(
    tmp_path: Path, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clock passes the reservation once the first batch is out: the rest is not sent
    (the provider would refuse it), and --resume with a later --reserve-at is the same
    campaign, sending only the rest."""
    seoul = ZoneInfo("Asia/Seoul")
    tomorrow = (datetime.now(seoul) + timedelta(days=1)).replace(hour=9, minute=30, second=0, microsecond=0)
    first, later = tomorrow, tomorrow + timedelta(days=1)
    passed = first + timedelta(minutes=1)
    monkeypatch.setattr(BatchingGateway, "now", lambda gateway: passed if server.ledger else datetime.now(seoul))
    results = tmp_path / "results.csv"
    command = ["send", str(numbers_file(tmp_path, 250)), "--provider", "sens", "--sender", "0212345678",
               "--text", "예약 안내", "--results", str(results), "--base-url", server.base_url,
               "--max-concurrency", "1"]  # fmt: skip

    stopped = runner.invoke(app, [*command, "--reserve-at", first.strftime("%Y-%m-%d %H:%M")], env=SENS_ENV)
    assert stopped.exit_code == 2, stopped.output
    assert "--reserve-at: " in stopped.stderr
    assert "passed during the send" in stopped.stderr
    assert "run again with --resume and a later --reserve-at" in stopped.stderr
    assert len(server.ledger) == 100
    assert collections.Counter(row["status"] for row in result_rows(results)) == {"accepted": 100, "not_sent": 150}

    resumed = runner.invoke(app, [*command, "--reserve-at", later.strftime("%Y-%m-%d %H:%M"), "--resume"], env=SENS_ENV)
    assert resumed.exit_code == 0, resumed.output
    assert len(server.ledger) == 250
    assert len({delivery.recipient for delivery in server.ledger}) == 250  # nobody twice


def stopped_by_its_reservation(
    tmp_path: Path, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch, first: datetime, now: datetime
) -> list[str]:
    """A send of 150 reserved for ``first`` whose clock reads ``now`` once the first batch
    (of 100) is out: the reservation has passed for the send, which stops. The command, less
    its --reserve-at."""
    monkeypatch.setattr(BatchingGateway, "now", lambda gateway: now if server.ledger else datetime.now(first.tzinfo))
    command = ["send", str(numbers_file(tmp_path, 150)), "--provider", "sens", "--sender", "0212345678",
               "--text", "예약 안내", "--results", str(tmp_path / "results.csv"), "--base-url", server.base_url,
               "--max-concurrency", "1"]  # fmt: skip
    stopped = runner.invoke(app, [*command, "--reserve-at", first.strftime("%Y-%m-%d %H:%M:%S")], env=SENS_ENV)
    assert stopped.exit_code == 2, stopped.output
    assert "passed during the send" in stopped.stderr
    assert len(server.ledger) == 100
    return command


def test_a_dry_run_of_a_resume_with_a_later_reservation_records_nothing(
    tmp_path: Path, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dry run checks the campaign as the resume would, but does not move the recorded
    reservation: the resume after it, with another later moment, is not refused."""
    seoul = ZoneInfo("Asia/Seoul")
    first = (datetime.now(seoul) + timedelta(days=1)).replace(hour=9, minute=30, second=0, microsecond=0)
    command = stopped_by_its_reservation(tmp_path, server, monkeypatch, first, first + timedelta(minutes=1))
    record = tmp_path / "results.csv.campaign"
    recorded = record.read_bytes()

    def at(moment: datetime) -> list[str]:
        return ["--reserve-at", moment.strftime("%Y-%m-%d %H:%M")]

    planned = runner.invoke(app, [*command, "--resume", "--dry-run", *at(first + timedelta(days=2))], env=SENS_ENV)
    assert planned.exit_code == 0, planned.output
    assert "50 would be sent" in planned.stdout
    assert record.read_bytes() == recorded

    resumed = runner.invoke(app, [*command, "--resume", *at(first + timedelta(days=1))], env=SENS_ENV)
    assert resumed.exit_code == 0, resumed.output
    assert len(server.ledger) == 150
    assert json.loads(record.read_text(encoding="utf-8"))["reserve_at"] == (first + timedelta(days=1)).isoformat()
    # the resumes after it compare with the moment it recorded, still ahead
    again = runner.invoke(app, [*command, "--resume", *at(first + timedelta(days=2))], env=SENS_ENV)
    assert again.exit_code == 2, again.output
    assert "holds another campaign's results (--reserve-at was" in again.stderr


def test_a_reservation_passed_to_the_minute_the_send_stops_at_is_passed_for_the_resume(
    tmp_path: Path, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--reserve-at 09:30:30 goes out as 09:30 (both providers take minutes): at 09:30:10 it
    has passed for the send, which stops, so a resume with a later one continues the same
    campaign then, not only from 09:30:30."""
    seoul = ZoneInfo("Asia/Seoul")
    first = (datetime.now(seoul) + timedelta(days=1)).replace(hour=9, minute=30, second=30, microsecond=0)
    command = stopped_by_its_reservation(tmp_path, server, monkeypatch, first, first - timedelta(seconds=20))
    later = ["--reserve-at", (first + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")]
    planned = runner.invoke(app, [*command, "--resume", "--dry-run", *later], env=SENS_ENV)
    assert planned.exit_code == 0, planned.output
    resumed = runner.invoke(app, [*command, "--resume", *later], env=SENS_ENV)
    assert resumed.exit_code == 0, resumed.output
    assert len(server.ledger) == 150
    assert len({delivery.recipient for delivery in server.ledger}) == 150  # nobody twice


def test_send_reserves_in_seoul_time_and_writes_json_lines(tmp_path: Path, server: EmulatorServer) -> None:
    results = tmp_path / "results.jsonl"
    tomorrow = (datetime.now(ZoneInfo("Asia/Seoul")) + timedelta(days=1)).strftime("%Y-%m-%d 09:30")
    command = ["send", str(numbers_file(tmp_path, 3)), "--provider", "nhn", "--sender", "15446859",
               "--text", "예약 안내", "--results", str(results), "--base-url", server.base_url]  # fmt: skip
    outcome = runner.invoke(app, [*command, "--reserve-at", tomorrow], env=NHN_ENV)
    assert outcome.exit_code == 0, outcome.output
    assert {delivery.reserved_for for delivery in server.ledger} == {tomorrow}
    lines = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    assert [line["status"] for line in lines] == ["accepted"] * 3

    too_far = (datetime.now(ZoneInfo("Asia/Seoul")) + timedelta(days=61)).strftime("%Y-%m-%d 09:30")
    elsewhere = ["--results", str(tmp_path / "refused.jsonl")]  # results.jsonl now needs --resume
    refused = runner.invoke(app, [*command, *elsewhere, "--reserve-at", too_far], env=NHN_ENV)
    assert refused.exit_code == 2
    assert "60 days" in refused.output
    assert len(server.ledger) == 3


def test_resume_after_bad_credentials_sends_the_refused_batches(tmp_path: Path, server: EmulatorServer) -> None:
    """Bad keys stop the send (exit 2): the batches in flight are REJECTED without a request
    id, the rest NOT_SENT. Run again with the right keys and --resume: everyone is sent."""
    results = tmp_path / "results.csv"
    command = ["send", str(numbers_file(tmp_path, 250)), "--provider", "sens", "--sender", "0212345678",
               "--text", "안녕", "--results", str(results), "--base-url", server.base_url]  # fmt: skip
    refused = runner.invoke(app, command, env={**SENS_ENV, "KRSMS_SENS_SECRET_KEY": "wrong-secret"})
    assert refused.exit_code == 2, refused.output
    assert "--resume" in refused.output
    rows = result_rows(results)
    assert len(rows) == 250
    assert {row["status"] for row in rows} <= {"rejected", "not_sent"}
    assert any(row["status"] == "rejected" and not row["request_id"] for row in rows)

    resumed = runner.invoke(app, [*command, "--resume"], env=SENS_ENV)
    assert resumed.exit_code == 0, resumed.output
    accepted = [row for row in result_rows(results) if row["status"] == "accepted"]
    assert sorted(int(row["reference"]) for row in accepted) == list(range(1, 251))
    assert len(server.ledger) == 250


def test_a_killed_run_resumes_without_sending_anyone_twice(tmp_path: Path) -> None:
    """SIGKILL (an out-of-memory kill, a crash) settles nothing: the journal tells --resume which
    recipients were in flight, and they are recorded unknown instead of sent again."""
    recipients = numbers_file(tmp_path, 3000)
    results = tmp_path / "results.csv"
    with EmulatorServer(EmulatorConfig(faults=Faults(latency=0.6))) as server:
        command = slow_sens_send(recipients, results, server)
        env = {**os.environ, **SENS_ENV}
        first = started_until_settled(command, env, results, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        first.kill()
        first.wait(timeout=60)
        server.app.state.faults.replace(Faults())
        second = subprocess.run([*command, "--resume"], env=env, capture_output=True, timeout=120)
        delivered = [delivery.recipient for delivery in server.ledger]

    assert len(delivered) == len(set(delivered))  # nobody twice
    rows = result_rows(results)
    assert sorted(int(row["reference"]) for row in rows) == list(range(1, 3001))  # one row each
    accepted = {row["number"] for row in rows if row["status"] == "accepted"}
    in_flight = {row["number"] for row in rows if row["code"] == "in_flight"}
    # The recovered rows are counted, and make the run's outcome not "all accepted".
    assert second.returncode == (1 if in_flight else 0), second.stdout.decode()
    assert summary_counts(second.stdout.decode())["unknown"] == len(in_flight)
    assert accepted <= set(delivered)
    assert set(delivered) - accepted <= in_flight  # delivered but not known accepted: recorded in flight


def send_command(recipients: Path, results: Path, server: EmulatorServer, *extra: str) -> list[str]:
    return [
        "send", str(recipients), "--provider", "nhn", "--sender", "15446859", "--text", "안녕",
        "--results", str(results), "--base-url", server.base_url, *extra,
    ]  # fmt: skip


def test_resume_with_results_that_match_no_line_is_refused(tmp_path: Path, server: EmulatorServer) -> None:
    """Another campaign's results, or a recipients file edited since (a line inserted at the
    top shifts every reference): no settled row matches, and resuming would send to everyone
    again. It is refused, naming why, and nothing is sent."""
    results = tmp_path / "results.csv"
    campaign = tmp_path / "campaign.txt"
    campaign.write_text("01010000001\n01010000002\n01010000003\n", encoding="utf-8")
    assert runner.invoke(app, send_command(campaign, results, server), env=NHN_ENV).exit_code == 0
    edited = "# 겨울 캠페인\n01010000001\n01010000002\n01010000003\n"  # a line inserted at the top
    partly = "01010000001\n01010000009\n01010000002\n01010000003\n"  # one inserted after the first
    other = "01020000001\n"
    for recipients in (edited, partly, other):
        campaign.write_text(recipients, encoding="utf-8")
        outcome = runner.invoke(app, send_command(campaign, results, server, "--resume"), env=NHN_ENV)
        assert outcome.exit_code == 2, outcome.output
        assert "no longer on their line" in outcome.output
    assert sorted(delivery.recipient for delivery in server.ledger) == ["01010000001", "01010000002", "01010000003"]


def test_a_new_campaign_resuming_an_earlier_ones_results_is_refused_naming_what_differs(
    tmp_path: Path, server: EmulatorServer
) -> None:
    """The same customer list with a new text, into the default results file: --resume would
    skip everyone the earlier campaign reached."""
    results = tmp_path / "results.csv"
    customers = tmp_path / "customers.txt"
    customers.write_text("01010000001\n01010000002\n", encoding="utf-8")
    spring = ["send", str(customers), "--provider", "nhn", "--sender", "15446859", "--text", "봄 세일",
              "--results", str(results), "--base-url", server.base_url]  # fmt: skip
    assert runner.invoke(app, spring, env=NHN_ENV).exit_code == 0
    summer = [*spring[:6], "--text", "여름 세일 안내", *spring[8:], "--subject", "여름"]
    refused = runner.invoke(app, summer, env={**NHN_ENV, "COLUMNS": "300"})
    assert refused.exit_code == 2, refused.output
    assert "a new campaign needs its own --results" in refused.stderr
    refused = runner.invoke(app, [*summer, "--resume"], env={**NHN_ENV, "COLUMNS": "300"})
    assert refused.exit_code == 2, refused.output
    assert refused.stderr == (
        f"error: {results}: holds another campaign's results (--text was '봄 세일', now '여름 세일 안내'; "
        "--subject was not given, now '여름'): resuming would skip everyone that campaign reached on the same "
        "lines. Send this one with a new --results (or, if it is that campaign changed on purpose, delete "
        "results.csv.campaign first)\n"
    )
    assert len(server.ledger) == 2
    resumed = runner.invoke(app, [*spring, "--resume"], env=NHN_ENV)  # the same campaign resumes
    assert resumed.exit_code == 0, resumed.output
    assert len(server.ledger) == 2


def test_the_exit_code_of_a_resume_counts_the_earlier_runs_outcomes(tmp_path: Path, server: EmulatorServer) -> None:
    """A recipient the provider refused in an earlier run is skipped, not sent again: the
    campaign is still not all accepted."""
    results = tmp_path / "results.csv"
    results.write_text(
        "reference,number,status,request_id,code,detail\r\n1,01010000001,rejected,R-1,-2019,수신 번호 오류\r\n",
        encoding="utf-8",
    )
    campaign = tmp_path / "campaign.txt"
    campaign.write_text("01010000001\n01010000002\n01010000003\n", encoding="utf-8")
    outcome = runner.invoke(app, send_command(campaign, results, server, "--resume"), env={**NHN_ENV, "COLUMNS": "200"})
    assert outcome.exit_code == 1, outcome.output
    assert summary_counts(outcome.stdout) == {"accepted": 2, "rejected": 0, "unknown": 0}  # this run's
    assert outcome.stdout.splitlines()[-1] == (
        f"campaign: 2 accepted, 1 rejected, 0 unknown, 0 not_sent, of 3 recipients (this run and the earlier ones "
        f"in {results})"
    )
    assert sorted(delivery.recipient for delivery in server.ledger) == ["01010000002", "01010000003"]


def saved_by_a_spreadsheet(results: Path, number: Callable[[str], str]) -> None:
    """``results`` as a spreadsheet saves it, each number rewritten by ``number``."""
    with results.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    with results.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *([row[0], number(row[1]), *row[2:]] for row in rows)])


def test_resume_after_a_spreadsheet_dropped_the_leading_zeros_skips_the_settled(
    tmp_path: Path, server: EmulatorServer
) -> None:
    results = tmp_path / "results.csv"
    campaign = tmp_path / "campaign.txt"
    campaign.write_text("01010000001\n01010000002\n01010000003\n", encoding="utf-8")
    assert runner.invoke(app, send_command(campaign, results, server), env=NHN_ENV).exit_code == 0
    saved_by_a_spreadsheet(results, lambda number: str(int(number)))
    outcome = runner.invoke(app, send_command(campaign, results, server, "--resume"), env=NHN_ENV)
    assert outcome.exit_code == 0, outcome.output
    assert f"resuming: 3 recipients already settled in {results}" in outcome.output
    assert len(server.ledger) == 3

    saved_by_a_spreadsheet(results, lambda number: "1.01E+09" if number == "1010000002" else number)
    outcome = runner.invoke(app, send_command(campaign, results, server, "--resume"), env=NHN_ENV)
    assert outcome.exit_code == 2, outcome.output
    assert outcome.output.replace("\n", "") == (
        f"error: {results}: line 3: a number in scientific notation (1.01E+09, as a spreadsheet shows a long "
        "number), its digits lost: resuming would send to those recipients again; restore the file (a program that "
        "edits a results file must read every column as text, pandas: read_csv(..., dtype=str); a spreadsheet, "
        "import them as text), or send the rest with a new --results"
    )
    assert len(server.ledger) == 3


def register_template(
    server: EmulatorServer, template_id: str, body: str, *, send_type: str = "0", title: str | None = None
) -> None:
    async def register() -> None:
        async with NhnClient(app_key=DEMO_NHN_APP_KEY, base_url=server.base_url) as client:
            template = TemplateCreate(
                category_id=1, template_id=template_id, template_name="쿠폰", send_no="15446859",
                send_type=send_type, title=title, body=body, use_yn=True,
            )  # fmt: skip
            await client.create_template(template)

    asyncio.run(register())


def test_a_template_placeholder_without_a_column_is_refused_before_sending(
    tmp_path: Path, server: EmulatorServer
) -> None:
    register_template(server, "coupon", "##name##님, 쿠폰 ##code##")
    recipients = tmp_path / "customers.csv"
    recipients.write_text("휴대폰번호,name,coupon\r\n010-1111-0001,홍길동,A1\r\n", encoding="utf-8")
    results = tmp_path / "results.csv"
    command = ["send", str(recipients), "--provider", "nhn", "--sender", "15446859", "--template-id", "coupon",
               "--base-url", server.base_url, "--results", str(results)]  # fmt: skip
    refusal = (
        "error: --template-id: template coupon has ##code##, but customers.csv has no column named so (its "
        "parameter columns: name, coupon); every recipient would get the placeholder as it is: name a column "
        "after each placeholder\n"
    )
    for dry_run in ([], ["--dry-run"]):
        outcome = runner.invoke(app, [*command, *dry_run], env={**NHN_ENV, "COLUMNS": "300"})
        assert outcome.exit_code == 2, outcome.output
        assert outcome.stderr == refusal
    assert not results.exists()
    assert len(server.ledger) == 0

    outcome = runner.invoke(app, [*command, "--dry-run"], env={"COLUMNS": "300"})  # no app key to look it up
    assert outcome.exit_code == 0, outcome.output
    assert outcome.stderr == (
        "warning: template coupon is not looked up without --app-key: its placeholders are not checked, and its "
        "message type (SMS, LMS) is not known\n"
    )

    recipients.write_text("휴대폰번호,name,code,grade\r\n010-1111-0001,홍길동,A1,VIP\r\n", encoding="utf-8")
    outcome = runner.invoke(app, command, env={**NHN_ENV, "COLUMNS": "300"})
    assert outcome.exit_code == 0, outcome.output
    assert outcome.stderr == "warning: template coupon does not use columns grade; they fill nothing\n"
    assert [delivery.text for delivery in server.ledger] == ["홍길동님, 쿠폰 A1"]


def test_a_template_nhn_does_not_have_is_refused_naming_the_option_and_the_id(
    tmp_path: Path, server: EmulatorServer
) -> None:
    recipients = tmp_path / "customers.csv"
    recipients.write_text("휴대폰번호,name\r\n010-1111-0001,홍길동\r\n", encoding="utf-8")
    command = ["send", str(recipients), "--provider", "nhn", "--sender", "15446859", "--template-id", "NOPE",
               "--base-url", server.base_url, "--results", str(tmp_path / "results.csv")]  # fmt: skip
    outcome = runner.invoke(app, command, env={**NHN_ENV, "COLUMNS": "300"})
    assert outcome.exit_code == 2, outcome.output
    assert outcome.stderr == (
        "error: --template-id NOPE: nhn: 템플릿이 존재하지 않음 "
        "(GET /sms/v2.2/appKeys/***/templates/NOPE, HTTP 200, code -2110)\n"
    )
    assert len(server.ledger) == 0


def test_an_lms_template_is_sent_and_planned_as_lms_though_the_text_is_empty(
    tmp_path: Path, server: EmulatorServer
) -> None:
    """NHN refuses a template sent as another type than it is registered for (-2006): an empty
    --text resolved to SMS, for an LMS template."""
    register_template(server, "T2", "##name##님, 봄 세일 안내", send_type="1", title="봄 세일")
    recipients = tmp_path / "customers.csv"
    recipients.write_text("휴대폰번호,name\r\n010-1111-0001,홍길동\r\n010-1111-0002,김영희\r\n", encoding="utf-8")
    command = ["send", str(recipients), "--provider", "nhn", "--sender", "15446859", "--template-id", "T2",
               "--base-url", server.base_url, "--results", str(tmp_path / "results.csv")]  # fmt: skip
    planned = runner.invoke(app, [*command, "--dry-run"], env={**NHN_ENV, "COLUMNS": "300"})
    assert planned.exit_code == 0, planned.output
    assert "template T2: registered for LMS, sent as such" in planned.stdout
    assert "LMS requests" in planned.stdout
    assert "SMS requests" not in planned.stdout

    sent = runner.invoke(app, command, env={**NHN_ENV, "COLUMNS": "300"})
    assert sent.exit_code == 0, sent.output
    assert [(delivery.kind, delivery.subject, delivery.text) for delivery in server.ledger] == [
        ("LMS", "봄 세일", "홍길동님, 봄 세일 안내"),
        ("LMS", "봄 세일", "김영희님, 봄 세일 안내"),
    ]


def test_a_subject_an_sms_cannot_carry_is_said_before_the_send_and_by_the_dry_run(
    tmp_path: Path, server: EmulatorServer
) -> None:
    """An SMS has no subject: a --subject (or a row's) with a text that fits one is not sent,
    which the command says rather than sending the SMS without a word."""
    recipients = numbers_file(tmp_path, 2)
    command = ["send", str(recipients), "--provider", "sens", "--sender", "0212345678", "--text", "짧은 안내",
               "--subject", "공지", "--base-url", server.base_url]  # fmt: skip
    warning = (
        "warning: --subject is not sent: --text fits an SMS (9 of 90 bytes), which has no subject "
        "(a text longer than 90 bytes goes as LMS, with it, and so does any with --kind lms)\n"
    )
    planned = runner.invoke(app, [*command, "--dry-run"], env={**SENS_ENV, "COLUMNS": "300"})
    assert planned.exit_code == 0, planned.output
    assert planned.stderr == warning
    sent = runner.invoke(app, [*command, "--results", str(tmp_path / "one.csv")], env={**SENS_ENV, "COLUMNS": "300"})
    assert sent.exit_code == 0, sent.output
    assert sent.stderr == warning
    assert [(delivery.kind, delivery.subject) for delivery in server.ledger] == [("SMS", None), ("SMS", None)]

    own = tmp_path / "customers.csv"
    own.write_text(
        "number,text,subject\r\n01011110001,짧은 안내,공지\r\n01011110002," + "긴 안내 " * 20 + ",공지\r\n"
        "01011110003,짧은 안내,\r\n",
        encoding="utf-8",
    )
    rows = ["send", str(own), *command[2:6], "--base-url", server.base_url, "--results", str(tmp_path / "two.csv")]
    sent = runner.invoke(app, rows, env={**SENS_ENV, "COLUMNS": "300"})
    assert sent.exit_code == 0, sent.output
    assert sent.stderr == (
        "warning: customers.csv: line 2: a subject is not sent: the text fits an SMS, which has no subject "
        "(--kind lms sends every text as LMS, with its subject)\n"
    )


def test_kind_lms_sends_a_short_text_with_its_subject(tmp_path: Path, server: EmulatorServer) -> None:
    """A subject on a text that fits an SMS could not be sent: the SDK's kind had no option."""
    command = ["send", str(numbers_file(tmp_path, 2)), "--provider", "sens", "--sender", "0212345678",
               "--text", "짧은 안내", "--subject", "공지", "--kind", "LMS", "--base-url", server.base_url]  # fmt: skip
    planned = runner.invoke(app, [*command, "--dry-run"], env={**SENS_ENV, "COLUMNS": "300"})
    assert planned.exit_code == 0, planned.output
    assert "LMS requests" in planned.stdout
    assert planned.stderr == ""
    sent = runner.invoke(app, [*command, "--results", str(tmp_path / "out.csv")], env={**SENS_ENV, "COLUMNS": "300"})
    assert sent.exit_code == 0, sent.output
    assert sent.stderr == ""
    assert [(delivery.kind, delivery.subject) for delivery in server.ledger] == [("LMS", "공지"), ("LMS", "공지")]
    without_kind = [option for option in command if option not in ("--kind", "LMS")]
    resumed = runner.invoke(
        app, [*without_kind, "--results", str(tmp_path / "out.csv"), "--resume"], env={**SENS_ENV, "COLUMNS": "300"}
    )
    assert resumed.exit_code == 2, resumed.output
    assert "message type was 'LMS', now 'AUTO'" in resumed.stderr


def test_kind_sms_refuses_a_text_too_long_for_one_before_any_request(tmp_path: Path, server: EmulatorServer) -> None:
    results = tmp_path / "out.csv"
    command = ["send", str(numbers_file(tmp_path, 2)), "--provider", "sens", "--sender", "0212345678",
               "--text", "가" * 50, "--kind", "sms", "--results", str(results),
               "--base-url", server.base_url]  # fmt: skip
    for dry_run in (["--dry-run"], []):
        refused = runner.invoke(app, [*command, *dry_run], env={**SENS_ENV, "COLUMNS": "300"})
        assert refused.exit_code == 2, refused.output
        assert refused.stderr == (
            "error: --text: is 100 bytes in EUC-KR; SMS allows 90 (use LMS or shorten): --kind sms sends it as an "
            "SMS (leave --kind out to send a text this long as LMS)\n"
        )
    assert not results.exists()
    assert len(server.ledger) == 0


def test_an_nhn_lms_without_a_subject_is_refused_before_the_send_starts(tmp_path: Path, server: EmulatorServer) -> None:
    """Every recipient would be written not_sent for want of a subject, and the run that adds
    --subject then refused as another campaign."""
    results = tmp_path / "out.csv"
    command = ["send", str(numbers_file(tmp_path, 2)), "--provider", "nhn", "--sender", "0212345678",
               "--text", "가" * 50, "--results", str(results), "--base-url", server.base_url]  # fmt: skip
    for dry_run in (["--dry-run"], []):
        refused = runner.invoke(app, [*command, *dry_run], env={**NHN_ENV, "COLUMNS": "300"})
        assert refused.exit_code == 2, refused.output
        assert refused.stderr.startswith("error: --subject: is required: --text goes as LMS (100 bytes)")
    assert not results.exists()
    assert len(server.ledger) == 0
    sent = runner.invoke(app, [*command, "--subject", "공지"], env={**NHN_ENV, "COLUMNS": "300"})
    assert sent.exit_code == 0, sent.output
    assert [(delivery.kind, delivery.subject) for delivery in server.ledger] == [("LMS", "공지"), ("LMS", "공지")]


def test_kind_sms_says_the_subject_is_not_sent(tmp_path: Path) -> None:
    command = ["send", str(numbers_file(tmp_path, 1)), "--provider", "sens", "--sender", "0212345678",
               "--text", "짧은 안내", "--subject", "공지", "--kind", "sms", "--dry-run"]  # fmt: skip
    planned = runner.invoke(app, command, env={"COLUMNS": "300"})
    assert planned.exit_code == 0, planned.output
    assert planned.stderr == (
        "warning: --subject is not sent: --kind sms sends an SMS, which has no subject "
        "(--kind lms sends it with --text as LMS)\n"
    )


def test_kind_other_than_the_templates_is_refused(tmp_path: Path, server: EmulatorServer) -> None:
    register_template(server, "T2", "##name##님, 봄 세일 안내", send_type="1", title="봄 세일")
    recipients = tmp_path / "customers.csv"
    recipients.write_text("휴대폰번호,name\r\n010-1111-0001,홍길동\r\n", encoding="utf-8")
    command = ["send", str(recipients), "--provider", "nhn", "--sender", "15446859", "--template-id", "T2",
               "--kind", "sms", "--results", str(tmp_path / "out.csv"), "--base-url", server.base_url]  # fmt: skip
    refused = runner.invoke(app, command, env={**NHN_ENV, "COLUMNS": "300"})
    assert refused.exit_code == 2, refused.output
    assert refused.stderr == (
        "error: --kind: is sms, but template T2 is registered for LMS, which NHN sends it as only: leave --kind out\n"
    )
    assert len(server.ledger) == 0


def test_a_subject_with_an_sms_template_is_said_not_to_be_sent(tmp_path: Path, server: EmulatorServer) -> None:
    register_template(server, "T1", "##name##님, 쿠폰이 도착했습니다", send_type="0")
    recipients = tmp_path / "customers.csv"
    recipients.write_text("휴대폰번호,name\r\n010-1111-0001,홍길동\r\n", encoding="utf-8")
    command = ["send", str(recipients), "--provider", "nhn", "--sender", "15446859", "--template-id", "T1",
               "--subject", "쿠폰", "--base-url", server.base_url, "--dry-run"]  # fmt: skip
    planned = runner.invoke(app, command, env={**NHN_ENV, "COLUMNS": "300"})
    assert planned.exit_code == 0, planned.output
    assert planned.stderr == "warning: --subject is not sent: template T1 is registered for SMS, which has no subject\n"
    unknown = runner.invoke(app, command, env={"KRSMS_NHN_APP_KEY": "", "COLUMNS": "300"})
    assert unknown.exit_code == 0, unknown.output
    assert "--subject" not in unknown.stderr  # the template's type is not known without the app key


def test_a_dry_run_resume_without_the_app_key_leaves_the_templates_unknown_type_out_of_the_campaign_check(
    tmp_path: Path, server: EmulatorServer
) -> None:
    """Without --app-key a dry run cannot look the template up, so its message type is not
    known (AUTO, the campaign recorded LMS): it is not compared, and the dry run says so. The
    resume itself, and a dry run with the key, still compare it."""
    register_template(server, "T2", "##name##님, 봄 세일 안내", send_type="1", title="봄 세일")
    recipients = tmp_path / "customers.csv"
    recipients.write_text("휴대폰번호,name\r\n010-1111-0001,홍길동\r\n010-1111-0002,김영희\r\n", encoding="utf-8")
    results = tmp_path / "results.csv"
    command = ["send", str(recipients), "--provider", "nhn", "--sender", "15446859", "--template-id", "T2",
               "--base-url", server.base_url, "--results", str(results)]  # fmt: skip
    assert runner.invoke(app, command, env=NHN_ENV).exit_code == 0
    record = tmp_path / "results.csv.campaign"
    assert json.loads(record.read_text(encoding="utf-8"))["kind"] == "LMS"

    planned = runner.invoke(app, [*command, "--resume", "--dry-run"], env={"COLUMNS": "300"})
    assert planned.exit_code == 0, planned.output
    assert planned.stderr == (
        "warning: template T2 is not looked up without --app-key: its placeholders are not checked, and its "
        f"message type (SMS, LMS) is not known, nor compared with the one the campaign in {results} was sent as\n"
    )
    assert "2 recipients settled" in planned.stdout

    # a campaign sent as another type: the checks that know the type still refuse it
    record.write_text(record.read_text(encoding="utf-8").replace('"LMS"', '"SMS"'), encoding="utf-8")
    assert runner.invoke(app, [*command, "--resume", "--dry-run"], env={"COLUMNS": "300"}).exit_code == 0
    for dry_run in (["--dry-run"], []):
        refused = runner.invoke(app, [*command, "--resume", *dry_run], env={**NHN_ENV, "COLUMNS": "300"})
        assert refused.exit_code == 2, refused.output
        assert "holds another campaign's results (message type was 'SMS', now 'LMS')" in refused.stderr
    assert len(server.ledger) == 2


@pytest.mark.parametrize(("provider", "env"), [("sens", SENS_ENV), ("nhn", NHN_ENV)])
def test_status_of_an_unknown_request_says_it_found_nothing(
    server: EmulatorServer, provider: str, env: dict[str, str]
) -> None:
    outcome = runner.invoke(
        app, ["status", "no-such-request", "--provider", provider, "--base-url", server.base_url], env=env
    )
    assert outcome.exit_code == 1, outcome.output
    assert "found nothing for request no-such-request" in outcome.output


def test_status_of_a_blank_request_id_names_the_argument_not_the_sdk() -> None:
    """It said ``request_id: ... name a request (SendReport.request_ids)``, the SDK's words."""
    outcome = runner.invoke(app, ["status", " ", "--provider", "nhn"], env={**NHN_ENV, "COLUMNS": "300"})
    assert outcome.exit_code == 2, outcome.output
    assert outcome.stderr == (
        "error: REQUEST_ID: ' ' is blank: give the request id of a send (its results' request_id)\n"
    )


@pytest.mark.parametrize(("provider", "env"), [("SENS", SENS_ENV), ("Nhn", NHN_ENV)])
def test_provider_is_taken_in_any_case(server: EmulatorServer, provider: str, env: dict[str, str]) -> None:
    """``--provider SENS`` was refused as not sens or nhn."""
    outcome = runner.invoke(
        app, ["status", "no-such-request", "--provider", provider, "--base-url", server.base_url], env=env
    )
    assert outcome.exit_code == 1, outcome.output
    assert f"{provider.lower()}: found nothing for request no-such-request" in outcome.output


def test_an_unknown_provider_is_refused_naming_the_choices(tmp_path: Path) -> None:
    outcome = runner.invoke(
        app,
        ["send", str(numbers_file(tmp_path, 1)), "--provider", "kt", "--sender", "0212345678", "--text", "x"],
        env={"COLUMNS": "300"},
    )
    assert outcome.exit_code == 2, outcome.output
    assert "'kt' is not one of 'sens', 'nhn'" in outcome.output


async def test_status_shows_the_providers_words_as_they_are() -> None:
    """A detail the provider wrote with brackets is shown, not read as rich markup (a closing
    tag matching none raised MarkupError)."""

    class Answering(FakeGateway):
        async def delivery_results(self, request_id: str) -> list[DeliveryResult]:
            return [
                DeliveryResult(
                    request_id=request_id,
                    recipient="01012345678",
                    status=DeliveryStatus.FAILED,
                    code="[3018]",
                    detail="[080] 수신거부 [/SKT]",
                )
            ]

    async with Answering() as gateway:
        table, _ = await delivery_table(gateway, "R-1")
    console = Console(record=True, width=200)
    console.print(table)
    shown = console.export_text()
    assert "[080] 수신거부 [/SKT]" in shown
    assert "[3018]" in shown


async def test_status_on_a_narrow_terminal_wraps_the_detail_not_the_number() -> None:
    class Answering(FakeGateway):
        async def delivery_results(self, request_id: str) -> list[DeliveryResult]:
            return [
                DeliveryResult(
                    request_id=request_id,
                    recipient=f"0101234567{index}",
                    status=DeliveryStatus.CANCELLED if index else DeliveryStatus.FAILED,
                    code="3018",
                    detail="수신거부 번호로 발송이 차단되었습니다 (carrier refused the number)",
                )
                for index in range(2)
            ]

    async with Answering() as gateway:
        table, _ = await delivery_table(gateway, "R-1")
    console = Console(record=True, width=60)
    console.print(table)
    shown = console.export_text()
    for whole in ("01012345670", "01012345671", "cancelled", "failed", "3018"):
        assert whole in shown


def test_status_of_a_reserved_sens_request_says_when_it_goes_out(tmp_path: Path, server: EmulatorServer) -> None:
    results = tmp_path / "results.csv"
    at = (datetime.now(ZoneInfo("Asia/Seoul")) + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    sent = runner.invoke(
        app,
        ["send", str(numbers_file(tmp_path, 3)), "--provider", "sens", "--sender", "0212345678", "--text", "예약",
         "--reserve-at", at, "--results", str(results), "--base-url", server.base_url],
        env=SENS_ENV,
    )  # fmt: skip
    assert sent.exit_code == 0, sent.output
    request_id = result_rows(results)[0]["request_id"]

    def status() -> str:
        outcome = runner.invoke(
            app,
            ["status", request_id, "--provider", "sens", "--base-url", server.base_url],
            env={**SENS_ENV, "COLUMNS": "300"},
        )
        assert outcome.exit_code == 0, outcome.output
        return outcome.output

    assert f"reserved for {at} Asia/Seoul: waiting to go out" in status()

    async def cancel() -> None:
        async with sens_gateway_for(server) as sens:
            await sens.cancel_reservation(request_id)

    asyncio.run(cancel())
    assert f"reserved for {at} Asia/Seoul: cancelled; nothing was sent (CANCELED)" in status()


def test_a_past_reservation_is_refused_before_the_results_file_is_made(tmp_path: Path) -> None:
    results = tmp_path / "results.csv"
    outcome = runner.invoke(
        app,
        ["send", str(numbers_file(tmp_path, 3)), "--provider", "sens", "--sender", "0212345678", "--text", "예약",
         "--reserve-at", "2020-01-01 09:00", "--results", str(results), "--base-url", "http://127.0.0.1:9"],
        env=SENS_ENV,
    )  # fmt: skip
    assert outcome.exit_code == 2, outcome.output
    # The value as the command read it (Seoul time), the rule, and the moment it was compared with.
    assert "error: --reserve-at: 2020-01-01T09:00:00+09:00 is in the past (now 20" in outcome.output
    assert "): it must be in the future" in outcome.output
    assert not results.exists()


def test_version() -> None:
    from krsms import __version__

    outcome = runner.invoke(app, ["--version"])
    assert outcome.exit_code == 0
    assert outcome.output.strip() == f"krsms {__version__}"


@pytest.mark.parametrize(("option", "value"), [("--rate-limit-rate", "7"), ("--latency", "-3"), ("--port", "65536")])
def test_the_emulator_command_refuses_impossible_settings(option: str, value: str) -> None:
    outcome = runner.invoke(app, ["emulator", option, value], env={"COLUMNS": "200"})
    assert outcome.exit_code == 2, outcome.output
    assert option in outcome.output


def test_the_emulator_command_names_the_flag_of_a_fault_setting_it_refuses() -> None:
    outcome = runner.invoke(app, ["emulator", "--rate-limit-rate", "7"], env={"COLUMNS": "200"})
    assert outcome.exit_code == 2, outcome.output
    assert "--rate-limit-rate: must be from 0 to 1, not 7.0" in outcome.output
    assert "rate_limit_rate" not in outcome.output  # Faults' own name for it


def test_python_dash_m_krsms_runs_the_command() -> None:
    """``python -m krsms`` is the ``krsms`` script, for a venv whose scripts are not on PATH."""
    shown = subprocess.run([sys.executable, "-m", "krsms", "--help"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert "demo" in shown.stdout
    assert "send" in shown.stdout


def test_the_emulator_command_reports_an_injected_drop_without_a_traceback() -> None:
    """A dropped connection asked for with ``--drop-rate`` is the fault the user wanted: the
    client sees the connection drop mid-answer, the console shows no uvicorn traceback."""
    server, base_url = start_emulator("--drop-rate", "1")
    try:
        body = {"body": "본문", "sendNo": "15446859", "recipientList": [{"recipientNo": "01000000001"}]}
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.post(f"{base_url}/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}/sender/sms", json=body, timeout=10)
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert "Traceback" not in stderr
    assert "Exception in ASGI application" not in stderr


def test_korean_output_on_an_ascii_stdout_is_escaped_not_a_traceback(tmp_path: Path, server: EmulatorServer) -> None:
    """On a stdout that cannot encode Korean (``PYTHONIOENCODING=ascii``, a Windows console's
    code page) the summary naming the results file raised UnicodeEncodeError after the send:
    a traceback and exit 1 for a send that went through. Such characters are escaped."""
    recipients = tmp_path / "고객.csv"
    recipients.write_text("전화번호\n01012345678\n", encoding="utf-8")
    results = tmp_path / "결과.csv"
    command = [sys.executable, "-m", "krsms", "send", str(recipients), "--provider", "nhn", "--sender", "15446859",
               "--text", "안녕", "--results", str(results), "--base-url", server.base_url]  # fmt: skip
    env = {**os.environ, **NHN_ENV, "PYTHONIOENCODING": "ascii"}
    sent = subprocess.run(command, env=env, capture_output=True, text=True, encoding="ascii", timeout=60)
    assert sent.returncode == 0, sent.stderr
    assert "Traceback" not in sent.stderr
    assert "number column: \\uc804\\ud654\\ubc88\\ud638" in sent.stdout
    assert "results: " in sent.stdout
    assert "\\uacb0" in sent.stdout  # 결과.csv, the caption wrapped where its escape is wider than 결과
    assert len(server.ledger) == 1


def test_the_emulator_command_on_a_port_in_use_says_so_before_claiming_to_run() -> None:
    """uvicorn found the port taken only after the command had printed that the emulator was
    on it, then exited 3 with its own log line: a user saw the URL of someone else's server."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        outcome = runner.invoke(app, ["emulator", "--port", str(port)], env={"COLUMNS": "300"})
    assert outcome.exit_code == 2, outcome.output
    assert outcome.stdout == ""
    assert outcome.stderr.startswith(f"error: the emulator cannot listen on 127.0.0.1 port {port}: ")
    assert outcome.stderr.endswith(" (--host, --port)\n")

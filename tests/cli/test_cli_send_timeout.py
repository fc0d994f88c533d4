"""``krsms send --request-timeout``: each request to a provider that never answers is given up
after that many seconds, and a batch whose request went out is written unknown (it may have
arrived), never sent again; without it each batch waited minutes (30 s for its send, then
three tries of 30 s for the look-up that tries to settle it), with no way to bound them."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from silent_servers import ENVIRONMENTS, GUARD_SECONDS, SilentServer
from typer.testing import CliRunner

from krsms.cli import app
from krsms.commands.file_sends import FileSend, count_unanswered
from krsms.commands.send_summaries import unanswered_line
from krsms.emulator import DEMO_SENS_SERVICE_ID
from krsms.gateway import Recipient, RecipientOutcome, SendStatus

SEND_PATHS = {"sens": f"/sms/v2/services/{DEMO_SENS_SERVICE_ID}/messages", "nhn": "/sms/v2.2/appKeys/***/sender/sms"}
"""The send request's path, as a results file's detail shows it (NHN's appKey masked)."""


def summary_cells(stdout: str) -> list[str]:
    """The cells of the summary table's row: accepted, rejected, unknown, not_sent, requests, seconds."""
    [row] = [line for line in stdout.splitlines() if line.startswith("│")]
    return [cell.strip() for cell in row.strip("│").split("│")]


@pytest.mark.parametrize("provider", ["sens", "nhn"])
def test_a_request_nobody_answers_is_given_up_and_its_batch_written_unknown(
    tmp_path: Path, silent: SilentServer, provider: str
) -> None:
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("01012345678\n01012345679\n", encoding="utf-8")
    results = tmp_path / "results.csv"
    sending = subprocess.run(
        [sys.executable, "-m", "krsms", "send", str(numbers), "--provider", provider, "--sender", "0212345678",
         "--text", "hello", "--results", str(results), "--base-url", silent.url, "--request-timeout", "0.2"],
        env={**os.environ, **ENVIRONMENTS[provider], "COLUMNS": "300"},
        capture_output=True,
        text=True,
        timeout=GUARD_SECONDS,
    )  # fmt: skip
    assert sending.returncode == 1, sending.stderr  # unknown recipients: not all accepted
    assert silent.asked.is_set()
    assert sending.stderr == ""
    detail = f"POST {silent.url}{SEND_PATHS[provider]}: no answer in time; it may have been processed (ReadTimeout)"
    with results.open(encoding="utf-8-sig", newline="") as written:
        assert list(csv.DictReader(written)) == [
            {"reference": str(line), "number": number, "status": "unknown", "request_id": "",
             "code": "RequestTimeoutError", "detail": detail}
            for line, number in ((1, "01012345678"), (2, "01012345679"))
        ]  # fmt: skip
    assert summary_cells(sending.stdout)[:5] == ["0", "0", "2", "0", "1"]
    assert sending.stdout.endswith(
        "\nunknown: 2 got no answer within --request-timeout 0.2 seconds: they may have been sent, and "
        "--resume does not send them again\n"
    )


@pytest.mark.parametrize("seconds", ["0", "-1", "nan", "inf"])
def test_a_request_timeout_that_is_not_a_positive_number_is_refused(tmp_path: Path, seconds: str) -> None:
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("01012345678\n", encoding="utf-8")
    outcome = CliRunner().invoke(
        app,
        ["send", str(numbers), "--provider", "nhn", "--sender", "0212345678", "--text", "hello",
         "--results", str(tmp_path / "results.csv"), "--base-url", "http://127.0.0.1:9", "--request-timeout", seconds],
        env={**ENVIRONMENTS["nhn"], "COLUMNS": "300"},
    )  # fmt: skip
    assert outcome.exit_code == 2, outcome.output
    assert "--request-timeout" in outcome.stderr
    assert f"must be a positive number of seconds, not {float(seconds)}" in outcome.stderr
    assert not (tmp_path / "results.csv").exists()


def test_the_unanswered_line_counts_only_the_unknown_whose_request_got_no_answer() -> None:
    """Without ``--request-timeout`` the SDK's own timeouts leave a batch unknown the same
    way: the line says so without naming the option. Unknown for another reason (a dropped
    connection, a run that stopped with it in flight) and not-sent timeouts are not counted."""
    record = FileSend()
    record.unanswered += count_unanswered(
        [
            RecipientOutcome(
                recipient=Recipient(number="01012345678"), status=SendStatus.UNKNOWN, code="RequestTimeoutError"
            ),
            RecipientOutcome(
                recipient=Recipient(number="01012345679"), status=SendStatus.UNKNOWN, code="TransportError"
            ),
            RecipientOutcome(recipient=Recipient(number="01012345670"), status=SendStatus.UNKNOWN, code="in_flight"),
            RecipientOutcome(
                recipient=Recipient(number="01012345671"), status=SendStatus.NOT_SENT, code="PoolTimeoutError"
            ),
        ]
    )
    assert unanswered_line(record, None) == (
        "unknown: 1 got no answer in time: they may have been sent, and --resume does not send them again"
    )
    assert unanswered_line(FileSend(), 5.0) is None

"""`krsms send --resume` when the results file is gone but the journal of a killed run is
left: what that run settled is known to have been sent, and must not be sent again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from krsms.cli import app
from krsms.commands.results.journal import journal_path
from krsms.emulator import DEMO_NHN_APP_KEY, EmulatorServer

NHN_ENV = {"KRSMS_NHN_APP_KEY": DEMO_NHN_APP_KEY, "COLUMNS": "300"}
runner = CliRunner()


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer() as running:
        yield running


def killed_run(tmp_path: Path, server: EmulatorServer) -> tuple[Path, list[str]]:
    """A campaign of three whose run was killed after its first batch was sent and written
    (line 1 accepted), with line 2's batch in flight: the journal a kill leaves."""
    recipients = tmp_path / "numbers.txt"
    recipients.write_text("01010000001\n01010000002\n01010000003\n", encoding="utf-8")
    results = tmp_path / "results.csv"
    command = ["send", str(recipients), "--provider", "nhn", "--sender", "15446859", "--text", "안녕",
               "--results", str(results), "--base-url", server.base_url]  # fmt: skip
    first = tmp_path / "first.txt"
    first.write_text("01010000001\n", encoding="utf-8")
    sent = runner.invoke(app, [command[0], str(first), *command[2:]], env=NHN_ENV)
    assert sent.exit_code == 0, sent.output
    journal_path(results).write_text(
        json.dumps({"results_size": 0, "results_tail": None})
        + "\n"
        + json.dumps({"reference": "1", "number": "01010000001"})
        + "\n"
        + json.dumps({"settled": ["1"]})
        + "\n"
        + json.dumps({"reference": "2", "number": "01010000002"})
        + "\n",
        encoding="utf-8",
    )
    (tmp_path / "results.csv.campaign").unlink()  # the campaign of numbers.txt, not first.txt
    return results, command


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]], ids=["resume", "dry run"])
def test_a_resume_whose_results_file_is_gone_refuses_when_the_journal_shows_recipients_settled(
    tmp_path: Path, server: EmulatorServer, dry_run: list[str]
) -> None:
    """Line 1 was accepted and written, then the results file was deleted (or moved): a
    resume would record line 2 as unknown and send line 1 again. Refused, naming the file to
    restore, and nothing is sent or written."""
    results, command = killed_run(tmp_path, server)
    results.unlink()
    outcome = runner.invoke(app, [*command, "--resume", *dry_run], env=NHN_ENV)
    assert outcome.exit_code == 2, outcome.output
    assert outcome.stderr == (
        f"error: {results}: does not exist, but its journal {journal_path(results).name} shows that the run "
        "that stopped had settled recipients in it: resuming would send to them again; restore it (or send the "
        "rest with a new --results)\n"
    )
    assert [delivery.recipient for delivery in server.ledger] == ["01010000001"]
    assert not results.exists()
    assert journal_path(results).exists()


def test_a_resume_whose_results_file_is_gone_recovers_what_was_in_flight_when_nothing_was_settled(
    tmp_path: Path, server: EmulatorServer
) -> None:
    """A journal that marked nothing settled, of a run that began on an empty results file:
    the lost file held no row to skip, and the resume records what was in flight."""
    results, command = killed_run(tmp_path, server)
    results.unlink()
    journal_path(results).write_text(
        json.dumps({"results_size": 0, "results_tail": None})
        + "\n"
        + json.dumps({"reference": "2", "number": "01010000002"})
        + "\n",
        encoding="utf-8",
    )
    server.ledger.clear()
    outcome = runner.invoke(app, [*command, "--resume"], env=NHN_ENV)
    assert outcome.exit_code == 1, outcome.output
    assert "recovered: 1 recipients in flight" in outcome.stdout
    assert sorted(delivery.recipient for delivery in server.ledger) == ["01010000001", "01010000003"]

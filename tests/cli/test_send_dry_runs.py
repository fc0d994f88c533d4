"""`krsms send --dry-run` refuses what the send would refuse without first laying out a plan
the send would never carry out."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from krsms.cli import app
from krsms.commands.results.journal import journal_path
from krsms.commands.results.lock import IN_USE, exclusive_use
from krsms.emulator import DEMO_SENS_ACCESS_KEY, DEMO_SENS_SECRET_KEY, DEMO_SENS_SERVICE_ID

SENS_ENV = {
    "KRSMS_SENS_ACCESS_KEY": DEMO_SENS_ACCESS_KEY,
    "KRSMS_SENS_SECRET_KEY": DEMO_SENS_SECRET_KEY,
    "KRSMS_SENS_SERVICE_ID": DEMO_SENS_SERVICE_ID,
    "COLUMNS": "300",
}
NOWHERE = "http://127.0.0.1:9"
"""No server: a dry run makes no request."""
runner = CliRunner()


def dry_run(recipients: Path, results: Path, *options: str) -> list[str]:
    return ["send", str(recipients), "--provider", "sens", "--sender", "0212345678", "--text", "안녕",
            "--base-url", NOWHERE, "--results", str(results), "--dry-run", *options]  # fmt: skip


def test_a_dry_run_of_a_resume_the_send_refuses_shows_no_plan(tmp_path: Path) -> None:
    """A recipients file edited since the last run (a line inserted at the top moves every
    settled row off its line): the resume is refused, and so is its dry run, which must not
    first say how many it would send 'as planned below' and draw the table."""
    recipients = tmp_path / "numbers.txt"
    recipients.write_text("# 겨울 캠페인\n01010000001\n01010000002\n", encoding="utf-8")
    results = tmp_path / "results.csv"
    results.write_text(
        "\ufeffreference,number,status,request_id,code,detail\r\n1,01010000001,accepted,r1,,\r\n", encoding="utf-8"
    )
    outcome = runner.invoke(app, dry_run(recipients, results, "--resume"), env=SENS_ENV)
    assert outcome.exit_code == 2, outcome.output
    assert "no longer on their line" in outcome.stderr
    assert "would be sent" not in outcome.stdout
    assert "Dry run" not in outcome.stdout


def test_a_dry_run_of_a_file_the_send_refuses_shows_no_plan(tmp_path: Path) -> None:
    """Rows whose own text expects a column nothing fills: refused by the send before its first
    request, and by the dry run, without a table of requests that will not be made."""
    recipients = tmp_path / "customers.csv"
    recipients.write_text("phone,text,name\n01010000001,{name}님 안녕하세요,김철수\n", encoding="utf-8")
    outcome = runner.invoke(app, dry_run(recipients, tmp_path / "results.csv"), env=SENS_ENV)
    assert outcome.exit_code == 2, outcome.output
    assert "uses name as a placeholder" in outcome.stderr
    assert "Dry run" not in outcome.stdout


def test_a_dry_run_of_a_resume_while_another_run_holds_the_results_is_refused(tmp_path: Path) -> None:
    """The resume is refused while a send holds its results file; its dry run must be too,
    rather than count that live run's batches as in flight 'when the last run stopped'."""
    recipients = tmp_path / "numbers.txt"
    recipients.write_text("01010000001\n01010000002\n", encoding="utf-8")
    results = tmp_path / "results.csv"
    results.write_text(
        "\ufeffreference,number,status,request_id,code,detail\r\n1,01010000001,accepted,r1,,\r\n", encoding="utf-8"
    )
    journal_path(results).write_text(
        '{"results_size": 0, "results_tail": null}\n{"reference": "2", "number": "01010000002"}\n', encoding="utf-8"
    )
    with exclusive_use(results):  # the live run
        outcome = runner.invoke(app, dry_run(recipients, results, "--resume"), env=SENS_ENV)
    assert outcome.exit_code == 2, outcome.output
    assert outcome.stderr == f"error: {results}: {IN_USE}\n"
    assert "in flight" not in outcome.stdout


def test_a_dry_run_refuses_a_results_file_the_send_would_refuse(tmp_path: Path) -> None:
    """Dry run first, then the send: a dry run that passes must not be followed by the send
    refusing its --results before its first request (one holding an earlier campaign's
    results, or not named .csv or .jsonl)."""
    recipients = tmp_path / "numbers.txt"
    recipients.write_text("01010000001\n01010000002\n", encoding="utf-8")
    results = tmp_path / "results.csv"
    results.write_text(
        "\ufeffreference,number,status,request_id,code,detail\r\n1,01010000001,accepted,r1,,\r\n", encoding="utf-8"
    )
    outcome = runner.invoke(app, dry_run(recipients, results), env=SENS_ENV)
    assert outcome.exit_code == 2, outcome.output
    assert "already holds the results of an earlier send" in outcome.stderr
    assert "Dry run" not in outcome.stdout

    misnamed = runner.invoke(app, dry_run(recipients, tmp_path / "results.txt"), env=SENS_ENV)
    assert misnamed.exit_code == 2, misnamed.output
    assert "results are written as .csv or .jsonl" in misnamed.stderr
    assert not (tmp_path / "results.txt").exists()


def test_a_results_file_in_a_directory_that_does_not_exist_is_refused_by_the_dry_run_too(tmp_path: Path) -> None:
    """The send cannot make such a file: its dry run says so, naming the directory, instead of
    passing a --results the send then refuses with a bare 'No such file or directory'."""
    recipients = tmp_path / "numbers.txt"
    recipients.write_text("01010000001\n", encoding="utf-8")
    results = tmp_path / "missing" / "results.csv"
    for options in (["--dry-run"], []):
        command = [option for option in dry_run(recipients, results) if option != "--dry-run"]
        outcome = runner.invoke(app, [*command, *options], env=SENS_ENV)
        assert outcome.exit_code == 2, outcome.output
        assert outcome.stderr == (
            f"error: {results}: its directory {results.parent} does not exist: make it, or choose another --results\n"
        )
    assert not results.parent.exists()

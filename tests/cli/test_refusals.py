"""`krsms send` and the app itself refuse what they cannot do safely: one plain error line,
exit 2 (1 for an empty recipients file), nothing sent and no traceback."""

from __future__ import annotations

import csv
import errno
import importlib.util
import inspect
import types
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import typer
import typer.core
from click.testing import Result
from typer.testing import CliRunner

from krsms import cli
from krsms.cli import app
from krsms.emulator import DEMO_SENS_ACCESS_KEY, DEMO_SENS_SECRET_KEY, DEMO_SENS_SERVICE_ID, EmulatorConfig

SENS_ENV = {
    "KRSMS_SENS_ACCESS_KEY": DEMO_SENS_ACCESS_KEY,
    "KRSMS_SENS_SECRET_KEY": DEMO_SENS_SECRET_KEY,
    "KRSMS_SENS_SERVICE_ID": DEMO_SENS_SERVICE_ID,
}
NOWHERE = "http://127.0.0.1:9"
"""No server: every refusal here comes before any request."""
RESULTS_HEADER = "reference,number,status,request_id,code,detail\r\n"
runner = CliRunner()


def send(recipients: Path, *options: str) -> Result:
    """``krsms send`` of ``recipients`` with SENS demo keys and no server behind the base URL."""
    command = ["send", str(recipients), "--provider", "sens", "--sender", "0212345678", "--text", "안녕",
               "--base-url", NOWHERE, *options]  # fmt: skip
    return runner.invoke(app, command, env={**SENS_ENV, "COLUMNS": "300"})


@pytest.fixture
def recipients(tmp_path: Path) -> Path:
    path = tmp_path / "numbers.txt"
    path.write_text("01010000001\n01010000002\n", encoding="utf-8")
    return path


def test_a_results_file_holding_results_is_not_appended_to_without_resume(tmp_path: Path, recipients: Path) -> None:
    results = tmp_path / "results.csv"
    previous = b"reference,number,status,request_id,code,detail\r\n1,01010000001,accepted,r1,,\r\n"
    results.write_bytes(previous)
    outcome = send(recipients, "--results", str(results))
    assert outcome.exit_code == 2, outcome.output
    assert outcome.stderr == (
        f"error: {results}: already holds the results of an earlier send: a new campaign needs its own --results; "
        "to finish that send, run the command that started it again with --resume\n"
    )
    assert results.read_bytes() == previous


def test_a_lone_results_header_holds_no_results(tmp_path: Path, recipients: Path) -> None:
    """A run refused after creating the file (exit 2) must not force --resume on the next."""
    results = tmp_path / "results.csv"
    results.write_text("reference,number,status,request_id,code,detail\r\n", encoding="utf-8")
    outcome = send(recipients, "--results", str(results), "--requests-per-second", "0")
    assert outcome.exit_code == 2, outcome.output
    assert "error: --requests-per-second: must be positive" in outcome.output  # the gateway's, not the file's


def test_resume_without_a_results_file_has_nothing_to_resume(tmp_path: Path, recipients: Path) -> None:
    results = tmp_path / "results.csv"
    outcome = send(recipients, "--results", str(results), "--resume")
    assert outcome.exit_code == 2, outcome.output
    assert f"error: {results}: does not exist, so there is nothing to resume" in outcome.output
    assert not results.exists()


def test_the_recipients_file_is_not_the_results_file(recipients: Path) -> None:
    before = recipients.read_bytes()
    outcome = send(recipients, "--results", str(recipients))
    assert outcome.exit_code == 2, outcome.output
    assert f"error: {recipients}: is the recipients file" in outcome.output
    assert recipients.read_bytes() == before


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("numbers.csv", "number,name\n01012345678,홍길동\n".encode("cp949"), "not UTF-8 text"),
        ("numbers.txt", "01012345678\n홍길동\n".encode("cp949"), "not UTF-8 text"),
        ("numbers.csv", ("number,text\n01012345678," + "a" * 200_000 + "\n").encode(), "not readable as CSV"),
    ],
)
def test_an_unreadable_recipients_file_is_one_error_line(
    tmp_path: Path, name: str, content: bytes, problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    outcome = send(path, "--results", str(tmp_path / "results.csv"))
    assert outcome.exit_code == 2, outcome.output
    assert f"error: {path}: {problem}" in outcome.output
    assert "Traceback" not in outcome.output
    assert not (tmp_path / "results.csv").exists()


def test_a_results_path_that_cannot_be_opened_is_one_error_line(tmp_path: Path, recipients: Path) -> None:
    results = tmp_path / "a-directory.csv"
    results.mkdir()
    outcome = send(recipients, "--results", str(results))
    assert outcome.exit_code == 2, outcome.output
    assert f"error: {results}: Is a directory" in outcome.output


def test_a_results_file_in_another_format_is_refused_on_resume(tmp_path: Path, recipients: Path) -> None:
    results = tmp_path / "results.jsonl"
    results.write_text("reference,number,status,request_id,code,detail\r\n1,01010000001,accepted,r1,,\r\n")
    outcome = send(recipients, "--results", str(results), "--resume")
    assert outcome.exit_code == 2, outcome.output
    assert f"error: {results}: line 1 is not a JSON object" in outcome.output


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("numbers.txt", ""),
        ("numbers.txt", "# only a comment\n\n"),
        ("numbers.csv", ""),
        ("numbers.csv", "number,name\n"),
    ],
)
def test_an_empty_recipients_file_warns_and_sends_nothing(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    results = tmp_path / "results.csv"
    outcome = send(path, "--results", str(results))
    assert outcome.exit_code == 1, outcome.output
    assert f"warning: {path} has no recipients" in outcome.output
    assert not results.exists()


@pytest.mark.parametrize("rate", ["nan", "inf", "-inf"])
def test_a_non_finite_request_rate_is_refused(tmp_path: Path, recipients: Path, rate: str) -> None:
    outcome = send(recipients, "--results", str(tmp_path / "results.csv"), "--requests-per-second", rate)
    assert outcome.exit_code == 2, outcome.output
    assert "finite" in outcome.output


def test_file_names_are_shown_as_they_are_not_as_markup(tmp_path: Path) -> None:
    path = tmp_path / "list[bold].csv"
    path.write_text("name,tel\na,01012345678\n", encoding="utf-8")
    outcome = send(path, "--dry-run")
    assert outcome.exit_code == 2, outcome.output
    assert "list[bold].csv has no number column" in outcome.output


def test_a_dry_run_mentions_duplicate_numbers(tmp_path: Path) -> None:
    path = tmp_path / "numbers.txt"
    path.write_text("01010000001\n010-1000-0001\n01010000002\n+82 10-1000-0001\nnot-a-number\n", encoding="utf-8")
    outcome = send(path, "--dry-run")
    assert outcome.exit_code == 1, outcome.output  # the invalid line
    assert "duplicates: 2 of these recipients" in outcome.output


def test_reserve_at_takes_the_documented_form_whatever_the_typer_version(recipients: Path) -> None:
    """Older typer parses datetimes with click's formats, which lack "YYYY-MM-DD HH:MM";
    newer typer takes any ISO form, offsets included. The CLI's own list holds everywhere:
    Asia/Seoul wall-clock times."""
    reserve_at = inspect.signature(cli.send).parameters["reserve_at"].default
    assert "%Y-%m-%d %H:%M" in reserve_at.formats
    tomorrow = (datetime.now(ZoneInfo("Asia/Seoul")) + timedelta(days=1)).strftime("%Y-%m-%d 09:30")
    dry_run = send(recipients, "--dry-run", "--reserve-at", tomorrow)
    assert dry_run.exit_code == 0, dry_run.output
    with_offset = send(recipients, "--dry-run", "--reserve-at", f"{tomorrow}+00:00")
    assert with_offset.exit_code == 2, with_offset.output
    assert "--reserve-at" in with_offset.output


def test_tracebacks_never_show_local_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Typer 0.12 (the cli extra allows it) prints every frame's locals in a traceback by
    default, credentials included, unless the app turns that off."""

    class OldTyper(typer.Typer):
        def __init__(self, *args: Any, pretty_exceptions_show_locals: bool = True, **kwargs: Any) -> None:
            super().__init__(*args, pretty_exceptions_show_locals=pretty_exceptions_show_locals, **kwargs)

    monkeypatch.setattr(typer, "Typer", OldTyper)
    spec = importlib.util.find_spec("krsms.cli")
    assert spec is not None
    assert spec.loader is not None
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)
    assert isinstance(fresh.app, OldTyper)
    assert fresh.app.pretty_exceptions_show_locals is False


KEY_OPTIONS = {
    "send": {"access_key": "KRSMS_SENS_ACCESS_KEY", "secret_key": "KRSMS_SENS_SECRET_KEY",
             "app_key": "KRSMS_NHN_APP_KEY", "nhn_secret_key": "KRSMS_NHN_SECRET_KEY"},
    "status": {"access_key": "KRSMS_SENS_ACCESS_KEY", "secret_key": "KRSMS_SENS_SECRET_KEY",
               "app_key": "KRSMS_NHN_APP_KEY", "nhn_secret_key": "KRSMS_NHN_SECRET_KEY"},
    "emulator": {"sens_access_key": "KRSMS_EMULATOR_SENS_ACCESS_KEY",
                 "sens_secret_key": "KRSMS_EMULATOR_SENS_SECRET_KEY",
                 "nhn_app_key": "KRSMS_EMULATOR_NHN_APP_KEY", "nhn_secret_key": "KRSMS_EMULATOR_NHN_SECRET_KEY"},
}  # fmt: skip
"""The options of each command that take a key, and their environment variables."""


@pytest.mark.parametrize("command", sorted(KEY_OPTIONS))
def test_every_key_option_has_an_environment_variable_and_says_a_flag_is_visible(command: str) -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    params = group.commands[command].params
    options = {option.name: option for option in params if isinstance(option, typer.core.TyperOption)}
    for name, envvar in KEY_OPTIONS[command].items():
        assert options[name].envvar == envvar
        assert options[name].help is not None
        assert options[name].help.endswith(
            "A key given as a flag shows in `ps` and in shell history: prefer the environment variable."
        )


def test_the_emulator_takes_its_keys_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    import krsms.emulator

    configs: list[EmulatorConfig] = []
    create_app = krsms.emulator.create_app

    def recorded(config: EmulatorConfig) -> Any:
        configs.append(config)
        return create_app(config)

    monkeypatch.setattr(krsms.emulator, "create_app", recorded)
    # Not even uvicorn's Config: it sets uvicorn's loggers' levels for the rest of the process.
    monkeypatch.setattr(uvicorn, "Config", lambda *_, **__: None)
    monkeypatch.setattr(uvicorn, "Server", lambda *_, **__: types.SimpleNamespace(run=lambda **_: None))
    keys = {"KRSMS_EMULATOR_SENS_ACCESS_KEY": "access", "KRSMS_EMULATOR_SENS_SECRET_KEY": "secret",
            "KRSMS_EMULATOR_SENS_SERVICE_ID": "ncp:sms:kr:1:x", "KRSMS_EMULATOR_NHN_APP_KEY": "app",
            "KRSMS_EMULATOR_NHN_SECRET_KEY": "nhn-secret"}  # fmt: skip
    outcome = runner.invoke(app, ["emulator", "--port", "0"], env=keys)  # the default port may be another's
    assert outcome.exit_code == 0, outcome.output
    [config] = configs
    assert (
        config.sens_access_key, config.sens_secret_key, config.sens_service_id, config.nhn_app_key,
        config.nhn_secret_key,
    ) == tuple(keys.values())  # fmt: skip


def test_a_blank_text_is_refused_as_no_text(tmp_path: Path, recipients: Path) -> None:
    """A text of spaces is none: each recipient was written not_sent for having no text."""
    results = tmp_path / "results.csv"
    command = ["send", str(recipients), "--provider", "sens", "--sender", "0212345678", "--text", "  ",
               "--base-url", NOWHERE, "--results", str(results)]  # fmt: skip
    outcome = runner.invoke(app, command, env={**SENS_ENV, "COLUMNS": "300"})
    assert outcome.exit_code == 2, outcome.output
    assert outcome.stderr == f"error: --text is blank: {recipients} has no 'text' column (or use --template-id)\n"
    assert not results.exists()


def test_a_send_without_text_needs_a_text_column(tmp_path: Path, recipients: Path) -> None:
    results = tmp_path / "results.csv"
    command = ["send", str(recipients), "--provider", "sens", "--sender", "0212345678", "--base-url", NOWHERE,
               "--results", str(results)]  # fmt: skip
    outcome = runner.invoke(app, command, env={**SENS_ENV, "COLUMNS": "300"})
    assert outcome.exit_code == 2, outcome.output
    assert "--text is required" in outcome.output
    assert not results.exists()

    with_texts = tmp_path / "texts.csv"
    with_texts.write_text("phone,Text\n01010000001,안녕\n", encoding="utf-8")
    outcome = runner.invoke(app, [*command[:1], str(with_texts), *command[2:], "--dry-run"], env=SENS_ENV)
    assert outcome.exit_code == 0, outcome.output


def test_placeholders_without_a_template_are_refused_and_extra_columns_named(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("phone,name\n01010000001,김철수\n", encoding="utf-8")
    command = ["send", str(path), "--provider", "sens", "--sender", "0212345678", "--base-url", NOWHERE,
               "--dry-run"]  # fmt: skip
    for text in ("{name}님 안녕하세요", "##name##님 안녕하세요"):
        outcome = runner.invoke(app, [*command, "--text", text], env={**SENS_ENV, "COLUMNS": "300"})
        assert outcome.exit_code == 2, outcome.output
        assert "--text uses name but nothing fills placeholders" in outcome.output

    outcome = runner.invoke(app, [*command, "--text", "안녕하세요"], env={**SENS_ENV, "COLUMNS": "300"})
    assert outcome.exit_code == 0, outcome.output
    assert "note: columns name are not sent" in outcome.output


def test_a_results_file_must_be_csv_or_json_lines(tmp_path: Path, recipients: Path) -> None:
    outcome = send(recipients, "--results", str(tmp_path / "results.txt"))
    assert outcome.exit_code == 2, outcome.output
    assert "results are written as .csv or .jsonl" in outcome.output


def test_errors_and_warnings_go_to_stderr(tmp_path: Path, recipients: Path) -> None:
    outcome = send(recipients, "--results", str(tmp_path / "results.txt"))
    assert outcome.exit_code == 2, outcome.output
    assert "error:" in outcome.stderr
    assert "error:" not in outcome.stdout
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    warned = send(empty)
    assert "warning:" in warned.stderr
    assert "warning:" not in warned.stdout


@pytest.mark.parametrize(
    ("provider", "env", "flag"),
    [
        ("sens", {**SENS_ENV, "KRSMS_SENS_SECRET_KEY": "SECRET-VALUE\n"}, "--secret-key (KRSMS_SENS_SECRET_KEY)"),
        ("sens", {**SENS_ENV, "KRSMS_SENS_SERVICE_ID": "ncp:sms:kr:1:x "}, "--service-id (KRSMS_SENS_SERVICE_ID)"),
        ("nhn", {"KRSMS_NHN_APP_KEY": "SECRET-VALUE\r\n"}, "--app-key (KRSMS_NHN_APP_KEY)"),
        (
            "nhn",
            {"KRSMS_NHN_APP_KEY": "app", "KRSMS_NHN_SECRET_KEY": " SECRET-VALUE"},
            "--nhn-secret-key (KRSMS_NHN_SECRET_KEY)",
        ),
    ],
)
def test_a_key_with_stray_whitespace_is_named_by_its_flag_never_shown(
    tmp_path: Path, recipients: Path, provider: str, env: dict[str, str], flag: str
) -> None:
    command = ["send", str(recipients), "--provider", provider, "--sender", "0212345678", "--text", "안녕",
               "--base-url", NOWHERE, "--results", str(tmp_path / "results.csv")]  # fmt: skip
    outcome = runner.invoke(app, command, env={**env, "COLUMNS": "300"})
    assert outcome.exit_code == 2, outcome.output
    assert f"error: {flag}: is empty, or has whitespace" in outcome.output
    assert "SECRET-VALUE" not in outcome.output


def test_a_bad_sender_is_named_by_its_flag(tmp_path: Path, recipients: Path) -> None:
    command = ["send", str(recipients), "--provider", "sens", "--sender", "12", "--text", "안녕",
               "--base-url", NOWHERE, "--results", str(tmp_path / "results.csv")]  # fmt: skip
    outcome = runner.invoke(app, command, env={**SENS_ENV, "COLUMNS": "300"})
    assert outcome.exit_code == 2, outcome.output
    assert "error: --sender: " in outcome.output


@pytest.mark.parametrize("provider", ["sens", "nhn"])
def test_a_base_url_no_request_can_be_sent_to_is_named_by_its_flag(
    tmp_path: Path, recipients: Path, provider: str
) -> None:
    env = SENS_ENV if provider == "sens" else {"KRSMS_NHN_APP_KEY": "app"}
    command = ["send", str(recipients), "--provider", provider, "--sender", "0212345678", "--text", "안녕",
               "--base-url", "https://[::1", "--results", str(tmp_path / "results.csv")]  # fmt: skip
    outcome = runner.invoke(app, command, env={**env, "COLUMNS": "300"})
    assert outcome.exit_code == 2, outcome.output
    assert "error: --base-url: 'https://[::1' is not a URL httpx can parse (Invalid port: ':1')" in outcome.output
    assert not (tmp_path / "results.csv").exists()


def test_a_dry_run_lists_twenty_invalid_rows_and_counts_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "numbers.txt"
    path.write_text("".join(f"bad-{row}\n" for row in range(30)) + "01010000001\n", encoding="utf-8")
    outcome = send(path, "--dry-run")
    assert outcome.exit_code == 1, outcome.output
    assert "line 20:" in outcome.output
    assert "line 21:" not in outcome.output
    assert "... and 10 more" in outcome.output
    assert "│         31 │      30 │" in outcome.output


def test_an_interrupted_dry_run_says_nothing_was_sent(recipients: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from krsms.commands import send as sending

    async def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(sending, "dry_run", interrupted)
    outcome = send(recipients, "--dry-run")
    assert outcome.exit_code == 130, outcome.output
    assert "interrupted: nothing was sent (a dry run)" in outcome.stderr
    assert "--resume" not in outcome.output


@pytest.mark.parametrize("latency", ["inf", "nan", "61"])
def test_the_demo_refuses_a_latency_it_could_never_finish(latency: str) -> None:
    outcome = runner.invoke(app, ["demo", "--latency", latency])
    assert outcome.exit_code == 2, outcome.output
    assert "Traceback" not in outcome.output


@pytest.mark.parametrize("number", ["010-9876-5432", "1098765432"])  # the second as Excel leaves it
def test_a_csv_without_a_header_row_is_refused_without_showing_its_first_row(tmp_path: Path, number: str) -> None:
    path = tmp_path / "customers.csv"
    path.write_text(f"{number},김철수,서울시 강남구\n01012345678,이영희,부산\n", encoding="utf-8")
    outcome = send(path, "--dry-run")
    assert outcome.exit_code == 2, outcome.output
    assert "its first row looks like a recipient, not a header" in outcome.stderr
    for shown in ("9876", "5432", "김철수", "강남구"):
        assert shown not in outcome.output


def test_a_dry_run_counts_no_row_of_empty_cells_as_invalid(tmp_path: Path) -> None:
    path = tmp_path / "numbers.csv"
    path.write_text("number,text\r\n01011112222,안녕\r\n01011113333,안녕\r\n,\r\n,\r\n", encoding="utf-8")
    outcome = send(path, "--dry-run")
    assert outcome.exit_code == 0, outcome.output
    assert "│          2 │       0 │            1 │" in outcome.output


def test_the_number_column_chosen_is_printed_and_an_ambiguous_one_refused(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("이름,전화번호,휴대폰번호\r\n홍길동,02-1234-5678,010-1111-2222\r\n", encoding="utf-8")
    outcome = send(path, "--dry-run")
    assert outcome.exit_code == 0, outcome.output
    assert outcome.stdout.splitlines()[:2] == [
        "number column: 휴대폰번호, a mobile number column, rather than 전화번호 (--number-column chooses another)",
        "note: columns 이름, 전화번호 are not sent (they fill NHN template placeholders)",
    ]
    outcome = send(path, "--dry-run", "--number-column", "전화번호")
    assert outcome.exit_code == 0, outcome.output
    assert outcome.stdout.splitlines()[0] == "number column: 전화번호"

    path.write_text("이름,전화번호,연락처\r\n홍길동,02-1234-5678,010-1111-2222\r\n", encoding="utf-8")
    outcome = send(path, "--dry-run")
    assert outcome.exit_code == 2, outcome.output
    assert outcome.stderr == (
        "error: recipients file: customers.csv has several number columns (전화번호, 연락처): "
        "name the one to send to with --number-column\n"
    )
    assert outcome.stdout == ""
    outcome = send(path, "--dry-run", "--number-column", "휴대폰")
    assert outcome.exit_code == 2, outcome.output
    assert outcome.stderr == (
        "error: --number-column: customers.csv has no column '휴대폰' (its columns: 이름, 전화번호, 연락처)\n"
    )


def test_a_csv_without_a_number_column_is_refused_before_its_columns_are_described(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("이름,tel\r\n홍길동,010-1111-2222\r\n", encoding="utf-8")
    outcome = send(path, "--dry-run")
    assert outcome.exit_code == 2, outcome.output
    assert outcome.stdout == ""
    assert outcome.stderr.startswith("error: recipients file: customers.csv has no number column: name it one of ")


def test_recipients_recovered_as_unknown_are_counted_and_fail_the_run(tmp_path: Path, recipients: Path) -> None:
    """A killed run's batch in flight is recorded unknown by --resume: not "all accepted"."""
    results = tmp_path / "results.csv"
    results.write_text(RESULTS_HEADER + "1,01010000001,accepted,r1,,\r\n", encoding="utf-8")
    journal = tmp_path / "results.csv.sending"
    journal.write_text('{"results_size": 0}\n{"reference": "2", "number": "01010000002"}\n', encoding="utf-8")
    outcome = send(recipients, "--results", str(results), "--resume")
    assert outcome.exit_code == 1, outcome.output
    lines = outcome.stdout.splitlines()
    assert lines[:2] == [
        "recovered: 1 recipients in flight when the last run stopped, recorded as unknown",
        f"resuming: 2 recipients already settled in {results}",
    ]
    # accepted, rejected, unknown, not sent, requests: this run sent nothing, and recovered one
    assert next(line for line in lines if line.startswith("│")).startswith(
        "│        0 │        0 │       1 │        0 │        0 │"
    )
    assert "; 1 unknown were in flight when the last run stopped" in " ".join(outcome.stdout.split())  # the caption
    assert outcome.stderr == ""


def test_a_provider_never_reached_is_one_error_line(tmp_path: Path, recipients: Path) -> None:
    outcome = send(recipients, "--results", str(tmp_path / "results.csv"))
    assert outcome.exit_code == 1, outcome.output
    [error] = outcome.stderr.splitlines()
    assert error.startswith(f"error: nothing was sent: POST {NOWHERE}/sms/v2/services/")
    assert error.endswith("; once fixed, run again with --resume")


def test_a_blank_text_is_fine_when_every_row_brings_its_own(tmp_path: Path) -> None:
    path = tmp_path / "texts.csv"
    path.write_text("number,text\n01010000001,안녕\n01010000002,반가워\n", encoding="utf-8")
    outcome = send(path, "--dry-run", "--text", " ")
    assert outcome.exit_code == 0, outcome.output


@pytest.mark.parametrize(
    "text_options",
    [["--text", "쿠폰 🎁"], ["--text", "가" * 1001], ["--text", "봄 세일", "--advertisement"]],
    ids=["emoji", "over the LMS limit", "advertisement without its notice"],
)
def test_a_text_that_cannot_be_sent_touches_no_file_and_blocks_no_later_run(
    tmp_path: Path, recipients: Path, text_options: list[str]
) -> None:
    results = tmp_path / "results.csv"
    outcome = send(recipients, "--results", str(results), *text_options)
    assert outcome.exit_code == 2, outcome.output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["numbers.txt"]
    corrected = send(recipients, "--results", str(results), "--dry-run")
    assert corrected.exit_code == 0, corrected.output


def test_a_send_interrupted_before_any_batch_settled_says_nothing_was_sent(
    tmp_path: Path, recipients: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The results file exists by then (its header), but holds nothing to resume from."""
    from krsms.commands import send as sending

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt  # as the first recipients are read

    monkeypatch.setattr(sending, "read_recipients", interrupted)
    results = tmp_path / "results.csv"
    outcome = send(recipients, "--results", str(results))
    assert outcome.exit_code == 130, outcome.output
    assert results.exists()
    assert outcome.stderr == "interrupted: nothing was sent\n"


def test_a_send_interrupted_before_its_results_file_was_made_says_nothing_was_sent(
    tmp_path: Path, recipients: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not "run again with --resume", which would be refused: there is nothing to resume."""
    from krsms.commands import send as sending

    async def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt  # as while the NHN template is looked up

    monkeypatch.setattr(sending, "send_file", interrupted)
    results = tmp_path / "results.csv"
    outcome = send(recipients, "--results", str(results))
    assert outcome.exit_code == 130, outcome.output
    assert "interrupted: nothing was sent" in outcome.stderr
    assert "--resume" not in outcome.output


def test_numbers_a_spreadsheet_damaged_are_restored_or_explained_by_line(tmp_path: Path) -> None:
    """Excel saves 01012345678 typed as a number as 1012345678, and a long one as 1.01E+09."""
    path = tmp_path / "numbers.csv"
    path.write_text("number\r\n1011112222\r\n1.01111E+09\r\n01011113333\r\n1911114444\r\n", encoding="utf-8")
    outcome = send(path, "--dry-run")
    assert outcome.exit_code == 1, outcome.output  # the number in scientific notation
    assert "│          4 │       1 │            1 │" in outcome.stdout
    assert "line 3: number:" in outcome.stdout
    assert outcome.stderr == (
        "warning: numbers.csv: lines 2, 5: a mobile number saved without its leading 0 (1012345678: a spreadsheet "
        "took 01012345678 for a number) is read with it\n"
        "warning: numbers.csv: line 3: a number in scientific notation (1.01E+09, as a spreadsheet shows a long "
        "number) has lost its digits and is not sent: format the column as text and save the file again\n"
    )


def test_a_template_id_for_sens_is_refused_naming_the_option(recipients: Path) -> None:
    outcome = send(recipients, "--template-id", "T1", "--dry-run")
    assert outcome.exit_code == 2, outcome.output
    assert outcome.stderr == "error: --template-id: 'T1' names a template, but SENS has none: leave out --template-id\n"


@pytest.mark.parametrize(
    ("provider", "env", "missing"),
    [
        ("nhn", {"KRSMS_NHN_APP_KEY": ""}, "--app-key (KRSMS_NHN_APP_KEY): set the environment variable"),
        (
            "sens",
            {**SENS_ENV, "KRSMS_SENS_SECRET_KEY": "", "KRSMS_SENS_SERVICE_ID": ""},
            "--secret-key (KRSMS_SENS_SECRET_KEY), --service-id (KRSMS_SENS_SERVICE_ID): set each environment variable",
        ),
    ],
)
def test_missing_keys_are_named_with_their_environment_variables(
    recipients: Path, provider: str, env: dict[str, str], missing: str
) -> None:
    command = ["send", str(recipients), "--provider", provider, "--sender", "0212345678", "--text", "안녕",
               "--base-url", NOWHERE]  # fmt: skip
    outcome = runner.invoke(app, command, env={**env, "COLUMNS": "300"})
    assert outcome.exit_code == 2, outcome.output
    assert f"missing {missing}" in outcome.output


def test_a_subject_too_long_for_the_lms_text_is_refused_as_an_option(tmp_path: Path, recipients: Path) -> None:
    """Not a NOT_SENT row for each of a million recipients, all saying the same."""
    results = tmp_path / "results.csv"
    for dry_run in ([], ["--dry-run"]):
        outcome = send(recipients, "--text", "가" * 50, "--subject", "제목" * 11, "--results", str(results), *dry_run)
        assert outcome.exit_code == 2, outcome.output
        assert outcome.stderr == "error: --subject: is 44 bytes in EUC-KR; a subject allows 40 (shorten it)\n"
    assert not results.exists()


def test_a_text_column_with_placeholders_of_the_columns_is_refused_by_line(tmp_path: Path) -> None:
    """As --text "{name}님" is: nothing fills them without a template."""
    path = tmp_path / "customers.csv"
    path.write_text(
        "phone,name,text\r\n01010000001,김철수,안녕하세요\r\n01010000002,이영희,{name}님 안녕하세요\r\n"
        "01010000003,박민수,##name##님 쿠폰\r\n",
        encoding="utf-8",
    )
    results = tmp_path / "results.csv"
    refusal = (
        f"error: {path}: lines 3, 4: the text column uses name as a placeholder, but nothing fills placeholders: "
        "columns fill the ##key## placeholders of an NHN template (--template-id); otherwise give each row its "
        "text as it is to be sent, in a 'text' column\n"
    )
    for dry_run in (["--dry-run"], []):
        outcome = send(path, "--results", str(results), *dry_run)
        assert outcome.exit_code == 2, outcome.output
        assert outcome.stderr == refusal
    assert not results.exists()


def test_a_send_refused_once_it_holds_the_results_file_leaves_no_file_behind(tmp_path: Path) -> None:
    """The refusal comes after the send took the results file's lock, which made the file: an
    empty file left behind would look like a results file of that campaign. One the user made
    stays."""
    path = tmp_path / "customers.csv"
    path.write_text("phone,name,text\r\n01010000001,김철수,{name}님 안녕하세요\r\n", encoding="utf-8")
    for name in ("results.csv", "results.jsonl"):
        outcome = send(path, "--results", str(tmp_path / name))
        assert outcome.exit_code == 2, outcome.output
        assert "the text column uses name as a placeholder" in outcome.stderr
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["customers.csv"]
    made_by_the_user = tmp_path / "results.csv"
    made_by_the_user.touch()
    assert send(path, "--results", str(made_by_the_user)).exit_code == 2
    assert made_by_the_user.exists()


def test_a_dry_run_of_a_resume_shows_what_it_would_skip_recover_and_send(tmp_path: Path) -> None:
    path = tmp_path / "numbers.txt"
    path.write_text("01010000001\n01010000002\n01010000003\n01010000004\n", encoding="utf-8")
    results = tmp_path / "results.csv"
    results.write_text(
        RESULTS_HEADER + "1,01010000001,accepted,r1,,\r\n3,01010000003,not_sent,,ConnectError,\r\n", encoding="utf-8"
    )
    journal = tmp_path / "results.csv.sending"
    journal.write_text('{"results_size": 0}\n{"reference": "2", "number": "01010000002"}\n', encoding="utf-8")
    before = (results.read_bytes(), journal.read_bytes())
    outcome = send(path, "--results", str(results), "--resume", "--dry-run")
    assert outcome.exit_code == 0, outcome.output
    assert (
        f"resume (a dry run: nothing is recorded): 2 recipients settled in {results} would be skipped (1 accepted, "
        "1 unknown); 1 of them in flight when the last run stopped, which it would record as unknown first; 2 "
        "would be sent, as planned below"
    ) in outcome.stdout
    assert "│          2 │       0 │            1 │" in outcome.stdout  # lines 3 and 4, in one SMS request
    assert (results.read_bytes(), journal.read_bytes()) == before

    missing = send(path, "--results", str(tmp_path / "none.csv"), "--resume", "--dry-run")
    assert missing.exit_code == 2, missing.output
    assert "does not exist, so there is nothing to resume" in missing.stderr


class _FullDisk:
    """A journal's file on a disk that fills up once its first line is written."""

    def __init__(self, file: Any):
        self.file = file

    def write(self, text: str) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    def flush(self) -> None:
        self.file.flush()

    def close(self) -> None:
        self.file.close()


@pytest.fixture
def full_disk_for_the_journal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every journal's file fills the disk once its first line is written."""
    from krsms.commands.results.journal import SendJournal

    opened = SendJournal.__aenter__

    async def on_a_full_disk(journal: SendJournal) -> SendJournal:
        await opened(journal)
        journal._file = _FullDisk(journal._file)  # type: ignore[assignment]
        return journal

    monkeypatch.setattr(SendJournal, "__aenter__", on_a_full_disk)


@pytest.mark.usefixtures("full_disk_for_the_journal")
def test_a_journal_that_cannot_be_written_is_named_not_the_results_file(tmp_path: Path, recipients: Path) -> None:
    results = tmp_path / "results.csv"
    outcome = send(recipients, "--results", str(results))
    assert outcome.exit_code == 2, outcome.output
    assert f"error: {results}.sending: No space left on device" in outcome.stderr
    assert f"error: {results}:" not in outcome.stderr
    assert "Traceback" not in outcome.output


@pytest.mark.usefixtures("full_disk_for_the_journal")
def test_a_send_stopped_by_a_file_error_says_so_and_how_to_send_the_rest(tmp_path: Path, recipients: Path) -> None:
    """Not "(interrupted)": nothing interrupted it. Its rows are in the results file, so a run
    without --resume would be refused: the error says to add it."""
    results = tmp_path / "results.csv"
    outcome = send(recipients, "--results", str(results))
    assert outcome.exit_code == 2, outcome.output
    assert "SENS send (stopped)" in outcome.stdout
    assert "interrupted" not in outcome.output
    assert outcome.stderr == (
        f"error: {results}.sending: No space left on device; once fixed, run again with --resume to send the rest\n"
    )


def test_an_invalid_row_is_explained_by_its_line_not_by_an_index(tmp_path: Path) -> None:
    """The position in the stream the SDK validated (``recipients[1]``) is nowhere in the file:
    the results row's reference, and the dry run's ``line N``, say where the row is."""
    path = tmp_path / "customers.csv"
    path.write_text("phone,text\r\n01010000001,안녕하세요\r\n\r\n12,안녕하세요\r\n01010000003,\r\n", encoding="utf-8")
    dry_run = send(path, "--text", "", "--dry-run")
    assert dry_run.exit_code == 1, dry_run.output
    assert "  line 4: number: '**' has 2 digits; allowed 8 to 20\n" in dry_run.stdout
    assert "  line 5: text: is empty and line 5 has no text of its own" in dry_run.stdout
    assert "recipients[" not in dry_run.output
    results = tmp_path / "results.csv"
    outcome = send(path, "--text", "", "--results", str(results))
    assert outcome.exit_code == 1, outcome.output
    details = {
        row["reference"]: row["detail"] for row in csv.DictReader(results.read_text(encoding="utf-8-sig").splitlines())
    }
    assert details["4"] == "number: '**' has 2 digits; allowed 8 to 20"
    assert details["5"].startswith("text: is empty and line 5 has no text of its own")


def test_numbers_written_as_decimals_refuse_the_file_by_line_saying_how_to_export_them(tmp_path: Path) -> None:
    """pandas writes a number column with an empty cell as floats: 01012345678 is 1012345678.0.
    Read with its dot as a separator, 1588123.0 would even be sent to 1588-1230."""
    path = tmp_path / "export.csv"
    path.write_text("number,name\r\n1012345678.0,김\r\n01011112222,이\r\n1588123.0,박\r\n,최\r\n", encoding="utf-8")
    results = tmp_path / "results.csv"
    refusal = (
        f"error: {path}: lines 2, 4: a number written as a decimal (1012345678.0: a program, pandas say, "
        "exported the column as numbers) has lost its leading 0, and its .0 would be read as a digit: export the "
        "column as text (pandas: read_csv(..., dtype=str)), then send the file again\n"
    )
    for dry_run in (["--dry-run"], []):
        outcome = send(path, "--results", str(results), *dry_run)
        assert outcome.exit_code == 2, outcome.output
        assert outcome.stderr == refusal
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["export.csv"]

"""The command lines the docs show take the options they are written with.

docs/cli.md names each command's options and environment variables in the command's own
section, and docs/emulator.md those of ``krsms emulator``: each must be one the command has.
The shell examples are parsed as the command would parse them, and docs/cli.md's send is run
against an embedded emulator (its demo keys in place of the ``...`` it exports).
(``krsms demo``, the README's first command, runs in tests/cli/test_commands.py.)
"""

from __future__ import annotations

import csv
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from krsms.cli import app
from krsms.emulator import DEMO_SENS_ACCESS_KEY, DEMO_SENS_SECRET_KEY, DEMO_SENS_SERVICE_ID, EmulatorServer

ROOT = Path(__file__).resolve().parents[1]
COMMAND: Any = typer.main.get_command(app)  # a group of the click typer carries (its own, from typer 0.29)


def options(command: Any) -> set[str]:
    return {option for parameter in command.params for option in parameter.opts if option.startswith("-")}


def environment_variables(command: Any) -> set[str]:
    return {str(parameter.envvar) for parameter in command.params if parameter.envvar}


def sections(page: str) -> dict[str, str]:
    """The text under each ``## `krsms NAME` `` heading of ``page``, by NAME."""
    parts = re.split(r"^## `krsms (\w+)`$", (ROOT / page).read_text(encoding="utf-8"), flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def shell_blocks(page: str) -> list[str]:
    text = (ROOT / page).read_text(encoding="utf-8")
    return [
        found.replace("\\\n", " ")
        for found in re.findall(r"^```bash\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)
    ]


def documented_options() -> Iterator[tuple[str, str]]:
    for name, section in sections("docs/cli.md").items():
        for option in sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", section))):
            yield name, option
    emulator_page = (ROOT / "docs/emulator.md").read_text(encoding="utf-8")
    for option in sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", emulator_page))):
        yield "emulator", option


def test_docs_cli_has_a_section_for_every_command() -> None:
    assert sorted(sections("docs/cli.md")) == sorted(COMMAND.commands)


@pytest.mark.parametrize(("command", "option"), list(documented_options()))
def test_every_option_the_docs_name_is_one_of_its_command(command: str, option: str) -> None:
    assert option in options(COMMAND.commands[command]) | options(COMMAND)


@pytest.mark.parametrize("command", sorted(sections("docs/cli.md")))
def test_every_environment_variable_a_section_names_is_read_by_its_command(command: str) -> None:
    named = set(re.findall(r"\bKRSMS_[A-Z_]+\b", sections("docs/cli.md")[command]))
    assert named <= environment_variables(COMMAND.commands[command])


def krsms_commands(page: str) -> list[list[str]]:
    """Each ``krsms ...`` command line of ``page``'s shell blocks, as its arguments."""
    return [
        shlex.split(command, comments=True)[1:]
        for found in shell_blocks(page)
        for line in found.splitlines()
        for command in line.split("&&")
        if command.strip().startswith("krsms ")
    ]


@pytest.mark.parametrize("page", ["docs/cli.md", "docs/emulator.md", "docs/index.md", "README.md"])
def test_every_shell_example_parses_as_its_command_takes_it(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parsed (options, their types and ranges) as the command would, without running it; the
    files it names exist (a recipients file must)."""
    monkeypatch.chdir(tmp_path)
    examples = krsms_commands(page)
    assert examples
    for arguments in examples:
        name, *rest = arguments
        for file_name in [argument for argument in rest if argument.endswith(".csv")]:
            (tmp_path / file_name).touch()
        with COMMAND.commands[name].make_context(name, rest) as context:
            assert context.params


def test_the_cli_page_send_example_sends_through_the_emulator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its ``export`` line with the emulator's demo keys, its command with ``--base-url``."""
    (block,) = [found for found in shell_blocks("docs/cli.md") if "krsms send" in found]
    export, command = block.splitlines()
    demo = {
        "KRSMS_SENS_ACCESS_KEY": DEMO_SENS_ACCESS_KEY,
        "KRSMS_SENS_SECRET_KEY": DEMO_SENS_SECRET_KEY,
        "KRSMS_SENS_SERVICE_ID": DEMO_SENS_SERVICE_ID,
    }
    assert [assignment.partition("=")[0] for assignment in shlex.split(export)[1:]] == list(demo)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "customers.csv").write_text(
        "name,phone\n홍길동,010-1234-5678\n김철수,010-8765-4321\n", encoding="utf-8"
    )

    with EmulatorServer() as server:
        outcome = CliRunner().invoke(
            app, [*shlex.split(command)[1:], "--base-url", server.base_url], env={**demo, "COLUMNS": "160"}
        )
        delivered = sorted((delivery.recipient, delivery.text) for delivery in server.ledger)

    assert outcome.exit_code == 0, outcome.output
    assert delivered == [("01012345678", "안녕하세요"), ("01087654321", "안녕하세요")]
    with open(tmp_path / "out.csv", encoding="utf-8-sig", newline="") as results:
        assert [row["status"] for row in csv.DictReader(results)] == ["accepted", "accepted"]

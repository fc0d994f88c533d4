"""``krsms emulator --sens-reservation-status NUMBER=STATUS`` (and its variable) fills
``EmulatorConfig.sens_reservation_statuses``; a status the document does not allow a
reservation to be given is refused before the emulator starts, naming the flag and the pair."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from krsms import cli
from krsms.commands import emulator_options
from krsms.emulator import EmulatorConfig

runner = CliRunner()
FLAG = "--sens-reservation-status (KRSMS_EMULATOR_SENS_RESERVATION_STATUSES)"
ALLOWED = (
    "PROCESSING requesting delivery (for good), FAIL delivery request failure, STALE delivery request failure (timeout)"
)


def test_the_pairs_are_the_rules_of_the_config() -> None:
    assert emulator_options.sens_reservation_statuses(["010-0000-0001=FAIL", "+82 10 0000 0002=STALE"]) == {
        "01000000001": "FAIL",
        "01000000002": "STALE",
    }


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        (
            ["--sens-reservation-status", "01000000002=fail"],
            f"{FLAG}: '01000000002=fail': 'fail' is not a reserveStatus of SENS's document a number can be given "
            f"({ALLOWED})",
        ),
        (
            ["--sens-reservation-status", "01000000002=DONE"],
            f"{FLAG}: '01000000002=DONE': 'DONE' is every other reservation's reserveStatus once its time has come; "
            f"one of {ALLOWED}",
        ),
        (
            ["--sens-reservation-status", "01000000002"],
            f"{FLAG}: '01000000002' is not NUMBER=CODE, a number, '=' and its code (01000000000=FAIL, say)",
        ),
    ],
)
def test_a_status_no_reservation_can_be_given_is_refused_before_it_starts(arguments: list[str], error: str) -> None:
    # On a host nothing can listen on: a rule let through ends the command there, not serving.
    outcome = runner.invoke(cli.app, ["emulator", "--host", "256.0.0.1", *arguments], env={"COLUMNS": "300"})
    assert outcome.exit_code == 2, outcome.output
    assert outcome.output == f"error: {error}\n"


def test_the_flag_and_the_variable_reach_the_emulator_s_config(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[EmulatorConfig] = []

    def recorded(**options: Any) -> EmulatorConfig:
        made.append(EmulatorConfig(**options))
        return made[-1]

    monkeypatch.setattr(cli, "EmulatorConfig", recorded)
    env = {"KRSMS_EMULATOR_SENS_RESERVATION_STATUSES": "01000000001=PROCESSING 01000000002=STALE", "COLUMNS": "300"}
    outcome = runner.invoke(cli.app, ["emulator", "--host", "256.0.0.1"], env=env)
    assert "cannot listen on 256.0.0.1" in outcome.output
    outcome = runner.invoke(
        cli.app, ["emulator", "--host", "256.0.0.1", "--sens-reservation-status", "010-0000-0003=FAIL"], env=env
    )
    assert "cannot listen on 256.0.0.1" in outcome.output
    assert [dict(config.sens_reservation_statuses) for config in made] == [
        {"01000000001": "PROCESSING", "01000000002": "STALE"},
        {"01000000003": "FAIL"},  # the flag given, the variable is not read
    ]

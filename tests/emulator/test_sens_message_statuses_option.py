"""``krsms emulator --sens-message-status NUMBER=STATUS`` (and its variable) fills
``EmulatorConfig.sens_message_statuses``; a pair the document does not allow is refused
before the emulator starts, naming the flag, its variable and the pair."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from krsms.cli import app
from krsms.commands import emulator_options

runner = CliRunner()
FLAG = "--sens-message-status (KRSMS_EMULATOR_SENS_MESSAGE_STATUSES)"
ALLOWED = "READY ready (never sent), PROCESSING being processed (for good)"


def test_the_pairs_are_the_rules_of_the_config() -> None:
    assert emulator_options.sens_message_statuses(["010-0000-0001=READY", "+82 10 0000 0002=PROCESSING"]) == {
        "01000000001": "READY",
        "01000000002": "PROCESSING",
    }


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        (
            ["--sens-message-status", "01000000002=processing"],
            f"{FLAG}: '01000000002=processing': 'processing' is not a message status of SENS's document a number can "
            f"be given ({ALLOWED})",
        ),
        (
            ["--sens-message-status", "01000000002=FAIL"],
            f"{FLAG}: '01000000002=FAIL': 'FAIL' is not a message status of SENS's document a number can be given "
            f"({ALLOWED})",
        ),
        (
            ["--sens-message-status", "01000000002=COMPLETED"],
            f"{FLAG}: '01000000002=COMPLETED': 'COMPLETED' is every other message's status (success, or an "
            f"undeliverable number's failing statusCode); one of {ALLOWED}",
        ),
        (
            ["--sens-message-status", "01000000002"],
            f"{FLAG}: '01000000002' is not NUMBER=CODE, a number, '=' and its code (01000000000=PROCESSING, say)",
        ),
        (
            ["--sens-message-status", "01000000002=READY", "--sens-message-status", "+82 10-0000-0002=PROCESSING"],
            f"{FLAG}: '01000000002=READY' and '+82 10-0000-0002=PROCESSING' give one number two codes",
        ),
        (
            ["--rejected-number", "01000000002=-2019", "--sens-message-status", "01000000002=PROCESSING"],
            "--rejected-number and --sens-message-status: 01000000002 is in both; SENS completes a rejected number's "
            "message with statusCode 3001",
        ),
    ],
)
def test_a_status_no_sens_message_could_stay_in_is_refused_before_it_starts(arguments: list[str], error: str) -> None:
    # On a host nothing can listen on: a rule let through ends the command there, not serving.
    outcome = runner.invoke(app, ["emulator", "--host", "256.0.0.1", *arguments], env={"COLUMNS": "300"})
    assert outcome.exit_code == 2, outcome.output
    assert outcome.output == f"error: {error}\n"


def test_the_variable_is_read_as_pairs_separated_by_spaces() -> None:
    """Read into the config: the second pair's number conflicts with the undeliverable one."""
    env = {
        "KRSMS_EMULATOR_SENS_MESSAGE_STATUSES": "01000000001=READY 01000000002=PROCESSING",
        "KRSMS_EMULATOR_UNDELIVERABLE_NUMBERS": "01000000002=3006",
        "COLUMNS": "300",
    }
    outcome = runner.invoke(app, ["emulator", "--host", "256.0.0.1"], env=env)
    assert outcome.exit_code == 2, outcome.output
    assert outcome.output == (
        "error: --undeliverable-number and --sens-message-status: 01000000002 is in both; an undeliverable number's "
        "SENS message ends COMPLETED with its statusCode\n"
    )


def test_a_valid_status_lets_the_emulator_go_on_to_listen() -> None:
    """Past the rules, the command stops only at the host it cannot listen on."""
    arguments = ["emulator", "--host", "256.0.0.1", "--sens-message-status", "01000000002=PROCESSING"]
    outcome = runner.invoke(app, arguments, env={"COLUMNS": "300"})
    assert outcome.exit_code == 2, outcome.output
    assert "cannot listen on 256.0.0.1" in outcome.output

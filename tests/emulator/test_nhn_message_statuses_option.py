"""``krsms emulator --nhn-message-status NUMBER=STATUS`` (and its variable) fills
``EmulatorConfig.nhn_message_statuses``; a pair the document does not allow is refused
before the emulator starts, naming the flag, its variable and the pair."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from krsms.cli import app
from krsms.commands import emulator_options

runner = CliRunner()
FLAG = "--nhn-message-status (KRSMS_EMULATOR_NHN_MESSAGE_STATUSES)"
ALLOWED = "0 failed, 1 requested, 2 processing, 5 duplicate failure, 6 failed (advertising limit)"


def test_the_pairs_are_the_rules_of_the_config() -> None:
    assert emulator_options.nhn_message_statuses(["010-0000-0005=5", "+82 10 0000 0006=6", "01000000002=2"]) == {
        "01000000005": "5",
        "01000000006": "6",
        "01000000002": "2",
    }


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        (
            ["--nhn-message-status", "01000000005=7"],
            f"{FLAG}: '01000000005=7': '7' is not a msgStatus of NHN's document a number can be given ({ALLOWED})",
        ),
        (
            ["--nhn-message-status", "01000000005=DUPLICATED"],
            f"{FLAG}: '01000000005=DUPLICATED': 'DUPLICATED' is not a msgStatus of NHN's document a number can be "
            f"given ({ALLOWED})",
        ),
        (
            ["--nhn-message-status", "01000000005=4"],
            f"{FLAG}: '01000000005=4': '4' is a cancelled reservation's msgStatus (a cancel, N36, makes it); "
            f"one of {ALLOWED}",
        ),
        (
            ["--nhn-message-status", "01000000005"],
            f"{FLAG}: '01000000005' is not NUMBER=CODE, a number, '=' and its code (01000000000=5, say)",
        ),
        (
            ["--nhn-message-status", "01000000005=5", "--nhn-message-status", "+82 10-0000-0005=6"],
            f"{FLAG}: '01000000005=5' and '+82 10-0000-0005=6' give one number two codes",
        ),
        (
            ["--rejected-number", "01000000005=-2019", "--nhn-message-status", "01000000005=5"],
            "--rejected-number and --nhn-message-status: 01000000005 is in both; a number NHN refuses at the send "
            "has no msgStatus (the look-ups do not list it)",
        ),
    ],
)
def test_a_status_no_nhn_message_could_end_in_is_refused_before_it_starts(arguments: list[str], error: str) -> None:
    # On a host nothing can listen on: a rule let through ends the command there, not serving.
    outcome = runner.invoke(app, ["emulator", "--host", "256.0.0.1", *arguments], env={"COLUMNS": "300"})
    assert outcome.exit_code == 2, outcome.output
    assert outcome.output == f"error: {error}\n"


def test_the_variable_is_read_as_pairs_separated_by_spaces() -> None:
    """Read into the config: the second pair's number conflicts with the undeliverable one."""
    env = {
        "KRSMS_EMULATOR_NHN_MESSAGE_STATUSES": "01000000005=5 01000000006=6",
        "KRSMS_EMULATOR_UNDELIVERABLE_NUMBERS": "01000000006=3006",
        "COLUMNS": "300",
    }
    outcome = runner.invoke(app, ["emulator", "--host", "256.0.0.1"], env=env)
    assert outcome.exit_code == 2, outcome.output
    assert outcome.output == (
        "error: --undeliverable-number and --nhn-message-status: 01000000006 is in both; an undeliverable number's "
        "NHN message ends in msgStatus 3 with its resultCode\n"
    )

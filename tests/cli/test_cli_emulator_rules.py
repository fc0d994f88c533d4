"""``krsms emulator`` told which numbers to refuse or leave undelivered and which senders are not
registered (``--rejected-number``, ``--undeliverable-number``, ``--unregistered-sender`` and
their variables): what each provider answers a send through the SDK, and the options refused
before it starts."""

from __future__ import annotations

import re
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_cli_emulator import start_emulator
from typer.testing import CliRunner

from krsms import DeliveryStatus, Message, SendStatus
from krsms.cli import app
from krsms.commands import emulator_options
from krsms.emulator import DEMO_NHN_APP_KEY, DEMO_SENS_ACCESS_KEY, DEMO_SENS_SECRET_KEY, DEMO_SENS_SERVICE_ID
from krsms.nhn.gateway import NhnGateway
from krsms.sens.gateway import SensGateway

runner = CliRunner()

RULES = {
    "--rejected-number": ("010-0000-0001=-2019", "KRSMS_EMULATOR_REJECTED_NUMBERS"),
    "--undeliverable-number": ("+82 10-0000-0002=3006", "KRSMS_EMULATOR_UNDELIVERABLE_NUMBERS"),
    "--unregistered-sender": ("02-9999-9999", "KRSMS_EMULATOR_UNREGISTERED_SENDERS"),
}
"""Each option, a value for it and its variable (which takes no value with a space)."""
RECIPIENTS = ["01000000001", "01000000002", "01000000003"]
"""Rejected, undeliverable and neither."""


def stop(emulator: subprocess.Popen[str]) -> None:
    """Stop the emulator as Ctrl-C does; it exits 0."""
    emulator.send_signal(signal.SIGINT)
    _, stderr = emulator.communicate(timeout=30)
    assert emulator.returncode == 0, stderr


@pytest.fixture(scope="module", params=["flags", "variables"])
def base_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """An emulator given :data:`RULES` by its flags or by its variables (the numbers written
    without spaces: the variable splits at them)."""
    if request.param == "flags":
        emulator, url = start_emulator(*[part for option, (value, _) in RULES.items() for part in (option, value)])
    else:
        env = {variable: value.replace(" ", "") for value, variable in RULES.values()}
        emulator, url = start_emulator(env=env)
    try:
        yield url
    finally:
        stop(emulator)


def sens_gateway(base_url: str) -> SensGateway:
    return SensGateway(
        access_key=DEMO_SENS_ACCESS_KEY,
        secret_key=DEMO_SENS_SECRET_KEY,
        service_id=DEMO_SENS_SERVICE_ID,
        base_url=base_url,
    )


def nhn_gateway(base_url: str) -> NhnGateway:
    return NhnGateway(app_key=DEMO_NHN_APP_KEY, base_url=base_url)


async def test_nhn_refuses_a_rejected_number_with_its_code_and_fails_an_undeliverable_ones_delivery(
    base_url: str,
) -> None:
    async with nhn_gateway(base_url) as nhn:
        report = await nhn.send(Message(sender="15446859", text="안녕하세요", recipients=RECIPIENTS))
        (request_id,) = report.request_ids
        delivered = await nhn.delivery_results(request_id)
    assert [(outcome.recipient.number, outcome.status, outcome.code) for outcome in report.outcomes] == [
        ("01000000001", SendStatus.REJECTED, "-2019"),
        ("01000000002", SendStatus.ACCEPTED, None),
        ("01000000003", SendStatus.ACCEPTED, None),
    ]
    assert sorted((result.recipient, result.status, result.code) for result in delivered) == [
        ("01000000002", DeliveryStatus.FAILED, "3006"),
        ("01000000003", DeliveryStatus.DELIVERED, "1000"),
    ]


async def test_sens_accepts_both_and_fails_their_delivery_3001_for_the_rejected_one(base_url: str) -> None:
    """SENS has no per-recipient answer at send time: the rejected number's delivery fails
    with 3001 (no subscriber)."""
    async with sens_gateway(base_url) as sens:
        report = await sens.send(Message(sender="15446859", text="안녕하세요", recipients=RECIPIENTS))
        (request_id,) = report.request_ids
        delivered = await sens.delivery_results(request_id)
    assert [outcome.status for outcome in report.outcomes] == [SendStatus.ACCEPTED] * 3
    assert sorted((result.recipient, result.status, result.code) for result in delivered) == [
        ("01000000001", DeliveryStatus.FAILED, "3001"),
        ("01000000002", DeliveryStatus.FAILED, "3006"),
        ("01000000003", DeliveryStatus.DELIVERED, "0"),
    ]


async def test_a_send_from_an_unregistered_sender_is_refused_by_both(base_url: str) -> None:
    """NHN answers -2312 (empty or unregistered sender), SENS 400."""
    refused = {}
    for gateway in (sens_gateway(base_url), nhn_gateway(base_url)):
        async with gateway:
            report = await gateway.send(Message(sender="0299999999", text="안녕하세요", recipients=["01000000003"]))
        refused[gateway.provider] = [(outcome.status, outcome.code) for outcome in report.outcomes]
    assert refused == {"sens": [(SendStatus.REJECTED, "400")], "nhn": [(SendStatus.REJECTED, "-2312")]}


REJECTED = "--rejected-number (KRSMS_EMULATOR_REJECTED_NUMBERS)"
UNDELIVERABLE = "--undeliverable-number (KRSMS_EMULATOR_UNDELIVERABLE_NUMBERS)"
NOT_NHN_CODE = "is not a failure resultCode of NHN's error code table (-2019, an invalid recipient number, say)"
NOT_DELIVERY_CODE = (
    "is not a delivery failure code both providers list (2000-2007, 3000-3019, 1001-1020, E900-E922 or E999; "
    "3006, call denied, say)"
)


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        (
            ["--rejected-number", "01000000001"],
            f"{REJECTED}: '01000000001' is not NUMBER=CODE, a number, '=' and its code (01000000000=-2019, say)",
        ),
        (
            ["--rejected-number", "01000000001="],
            f"{REJECTED}: '01000000001=' is not NUMBER=CODE, a number, '=' and its code (01000000000=-2019, say)",
        ),
        (
            ["--undeliverable-number", " =3006"],
            f"{UNDELIVERABLE}: ' =3006' is not NUMBER=CODE, a number, '=' and its code (01000000000=3006, say)",
        ),
        (
            ["--rejected-number", "0101234=-2019"],
            f"{REJECTED}: '0101234=-2019': '*****34' has 7 digits; allowed 8 to 20",
        ),
        (["--rejected-number", "01000000001=2019"], f"{REJECTED}: '01000000001=2019': '2019' {NOT_NHN_CODE}"),
        (["--rejected-number", "01000000001=-2020"], f"{REJECTED}: '01000000001=-2020': '-2020' {NOT_NHN_CODE}"),
        (["--rejected-number", "01000000001=0"], f"{REJECTED}: '01000000001=0': '0' {NOT_NHN_CODE}"),
        (
            ["--rejected-number", "010-0000-0001=-2019", "--rejected-number", "+82 10 0000 0001=-6001"],
            f"{REJECTED}: '010-0000-0001=-2019' and '+82 10 0000 0001=-6001' give one number two codes",
        ),
        (
            ["--undeliverable-number", "01000000002=1000"],
            f"{UNDELIVERABLE}: '01000000002=1000': '1000' is NHN's code of a delivered message, not of a failure",
        ),
        (
            ["--undeliverable-number", "01000000002=0"],
            f"{UNDELIVERABLE}: '01000000002=0': '0' is SENS's code of a delivered message, not of a failure",
        ),
        (
            ["--undeliverable-number", "01000000002=S007"],
            f"{UNDELIVERABLE}: '01000000002=S007': 'S007' {NOT_DELIVERY_CODE}",
        ),
        (
            ["--undeliverable-number", "01000000002=3023"],
            f"{UNDELIVERABLE}: '01000000002=3023': '3023' {NOT_DELIVERY_CODE}",
        ),
        (
            ["--rejected-number", "010-0000-0001=-2019", "--undeliverable-number", "+82 10-0000-0001=3006"],
            "--rejected-number and --undeliverable-number: 01000000001 is in both; a number is either refused at "
            "the send or accepted and not delivered",
        ),
        (
            ["--unregistered-sender", "1234"],
            "--unregistered-sender (KRSMS_EMULATOR_UNREGISTERED_SENDERS): '1234': '****' has 4 digits; allowed 8 to 20",
        ),
    ],
)
def test_a_rule_no_provider_could_answer_is_refused_before_it_starts(arguments: list[str], error: str) -> None:
    # On a host nothing can listen on: a rule let through ends the command there, not serving.
    outcome = runner.invoke(app, ["emulator", "--host", "256.0.0.1", *arguments], env={"COLUMNS": "300"})
    assert outcome.exit_code == 2, outcome.output
    assert outcome.output == f"error: {error}\n"


def test_a_variable_is_read_as_pairs_separated_by_spaces() -> None:
    """A number written with a space splits in two there, the first part not a pair."""
    env = {"KRSMS_EMULATOR_UNDELIVERABLE_NUMBERS": "01000000002=3006 +82 10-0000-0003=3006", "COLUMNS": "300"}
    outcome = runner.invoke(app, ["emulator", "--host", "256.0.0.1"], env=env)
    assert outcome.exit_code == 2, outcome.output
    assert outcome.output == (
        f"error: {UNDELIVERABLE}: '+82' is not NUMBER=CODE, a number, '=' and its code (01000000000=3006, say)\n"
    )


def test_a_number_abroad_is_kept_with_its_country_code_and_one_number_written_twice_alike_is_one_rule() -> None:
    """As the emulator matches a recipient sent with that countryCode; a Korean one as sent."""
    assert emulator_options.rejected_numbers(
        ["+81 90-1234-5678=-2019", "010-0000-0001=-2019", "+82 10 0000 0001=-2019"]
    ) == {"+819012345678": -2019, "01000000001": -2019}


def test_the_error_docs_cli_md_shows_is_the_one_it_prints() -> None:
    section = (
        (Path(__file__).parents[2] / "docs/cli.md").read_text(encoding="utf-8").partition("## `krsms emulator`")[2]
    )
    (shown,) = re.findall(r"^```text\n(error: .*\n)```$", section, flags=re.MULTILINE)
    given = re.search(r"'(\d+=\d+)'", shown)
    assert given is not None
    outcome = runner.invoke(
        app, ["emulator", "--host", "256.0.0.1", "--rejected-number", given[1]], env={"COLUMNS": "300"}
    )
    assert outcome.output == shown

"""A send through ``krsms send`` to the NHN emulator, for the tests that look it up after."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from krsms.cli import app
from krsms.emulator import DEMO_NHN_APP_KEY, EmulatorServer

NHN_ENV = {"KRSMS_NHN_APP_KEY": DEMO_NHN_APP_KEY}
"""The environment of a ``krsms`` command sent to the emulator's NHN API."""


def send_with_the_cli(tmp_path: Path, server: EmulatorServer, numbers: list[str], *options: str) -> str:
    """Send ``numbers`` with ``krsms send --provider nhn`` (``options`` added, ``--text``
    among them) to ``server``; the request id of the send."""
    numbers_file = tmp_path / "numbers.txt"
    numbers_file.write_text("".join(f"{number}\n" for number in numbers), encoding="utf-8")
    results = tmp_path / "results.csv"
    sent = CliRunner().invoke(
        app,
        ["send", str(numbers_file), "--provider", "nhn", "--sender", "0212345678", *options,
         "--results", str(results), "--base-url", server.base_url],
        env=NHN_ENV,
    )  # fmt: skip
    assert sent.exit_code == 0, sent.output
    with results.open(encoding="utf-8-sig", newline="") as rows:
        return next(csv.DictReader(rows))["request_id"]

"""``krsms status`` of request ids that no provider could have given."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from krsms.cli import app
from krsms.emulator import DEMO_SENS_ACCESS_KEY, DEMO_SENS_SECRET_KEY, DEMO_SENS_SERVICE_ID, EmulatorServer

SENS_ENV = {
    "KRSMS_SENS_ACCESS_KEY": DEMO_SENS_ACCESS_KEY,
    "KRSMS_SENS_SECRET_KEY": DEMO_SENS_SECRET_KEY,
    "KRSMS_SENS_SERVICE_ID": DEMO_SENS_SERVICE_ID,
    "COLUMNS": "300",
}
runner = CliRunner()


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer() as running:
        yield running


@pytest.mark.parametrize("request_id", [".", ".."])
def test_a_sens_request_id_that_cannot_be_a_path_is_named_as_the_argument(
    server: EmulatorServer, request_id: str
) -> None:
    """SENS lists no message under it, so the command asks for its reservation (S5), whose
    path cannot hold it: the refusal named the SDK's ``reserve_id``, which the user never gave."""
    outcome = runner.invoke(
        app, ["status", request_id, "--provider", "sens", "--base-url", server.base_url], env=SENS_ENV
    )
    assert outcome.exit_code == 2, outcome.output
    assert outcome.stderr == f"error: REQUEST_ID: must not be empty, blank, '.' or '..' (it is {request_id!r})\n"

"""``krsms status`` of a reserved send says when it is reserved for, on NHN as on SENS."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from nhn_cli_sends import NHN_ENV, send_with_the_cli
from typer.testing import CliRunner

from krsms.cli import app
from krsms.commands.status import reservation_note
from krsms.convert import SEOUL
from krsms.emulator import EmulatorServer
from krsms.errors import ServerError
from krsms.gateway import DeliveryResult, DeliveryStatus
from krsms.nhn import NhnClient, NhnGateway
from krsms.nhn.models import Reservation, ReservationKey, ReservationQuery
from krsms.testing import nhn_gateway_for

runner = CliRunner()


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer() as running:
        yield running


def reserve(tmp_path: Path, server: EmulatorServer, at: str) -> str:
    """Reserve a send to three numbers for ``at`` (Seoul, to the minute); its request id."""
    return send_with_the_cli(
        tmp_path, server, ["01010000001", "01010000002", "01010000003"], "--text", "예약", "--reserve-at", at
    )


def status(server: EmulatorServer, request_id: str) -> str:
    outcome = runner.invoke(
        app,
        ["status", request_id, "--provider", "nhn", "--base-url", server.base_url],
        env={**NHN_ENV, "COLUMNS": "300"},
    )
    assert outcome.exit_code == 0, outcome.output
    return outcome.stdout


def test_status_of_a_reserved_nhn_request_says_when_it_goes_out(tmp_path: Path, server: EmulatorServer) -> None:
    """It listed the recipients as pending, with nothing of the moment they were reserved
    for, which NHN's reservation look-up (N34 ``requestDate``) answers; SENS's status says it."""
    at = (datetime.now(SEOUL) + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    request_id = reserve(tmp_path, server, at)

    shown = status(server, request_id)
    first_line, table = shown.split("\n", 1)
    assert first_line == f"nhn: request {request_id}, reserved for {at} Asia/Seoul: waiting to go out (RESERVED)"
    assert table.count("pending") == 4  # the three rows and the caption

    async def cancel_first() -> None:
        async with nhn_gateway_for(server) as nhn:
            await nhn.client.cancel_reservations(
                [ReservationKey(request_id=request_id, recipient_seq=1)], update_user="test"
            )

    asyncio.run(cancel_first())
    assert status(server, request_id).split("\n", 1)[0] == (
        f"nhn: request {request_id}, reserved for {at} Asia/Seoul: "
        "2 waiting to go out (RESERVED); 1 not sent, cancelled (CANCEL)"
    )

    async def cancel() -> None:
        async with nhn_gateway_for(server) as nhn:
            await nhn.cancel_reservation(request_id)

    asyncio.run(cancel())
    assert status(server, request_id).split("\n", 1)[0] == (
        f"nhn: request {request_id}, reserved for {at} Asia/Seoul: not sent, cancelled (CANCEL)"
    )


def test_status_of_an_nhn_send_not_reserved_says_nothing_of_a_reservation(
    tmp_path: Path, server: EmulatorServer
) -> None:
    request_id = send_with_the_cli(tmp_path, server, ["01010000001"], "--text", "지금")
    shown = status(server, request_id)
    assert "reserved" not in shown
    assert "delivered" in shown


async def test_a_failed_reservation_look_up_of_an_nhn_send_still_shows_its_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every fresh NHN send has pending recipients, so the N34 look-up runs for each status;
    a failure there (a 5xx after its retries) failed the command and lost the table."""
    pending = [DeliveryResult(recipient="01010000001", request_id="R1", status=DeliveryStatus.PENDING)]

    def failing(self: NhnClient, query: ReservationQuery) -> AsyncIterator[Reservation]:
        raise ServerError("HTTP 503", provider="nhn", status_code=503)

    monkeypatch.setattr(NhnClient, "iter_reservations", failing)
    async with NhnGateway(app_key="app-key") as nhn:
        note = await reservation_note(nhn, "R1", pending)
    assert note == "nhn: request R1: its reservation could not be looked up (nhn: HTTP 503 (HTTP 503))"

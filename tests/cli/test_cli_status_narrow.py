"""``krsms status`` on a terminal too narrow for its table (a phone's SSH client, a split pane)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from nhn_cli_sends import NHN_ENV, send_with_the_cli
from rich.console import Console
from typer.testing import CliRunner

from krsms.cli import app
from krsms.commands.status import delivery_table, print_results
from krsms.emulator import EmulatorServer
from krsms.gateway import DeliveryResult, DeliveryStatus
from krsms.testing import FakeGateway, nhn_gateway_for

runner = CliRunner()


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer() as running:
        yield running


def squeezed(text: str) -> str:
    """``text`` without its whitespace: what was wrapped or folded reads whole again."""
    return "".join(text.split())


def shown_values(result: DeliveryResult) -> list[str]:
    completed_at = result.completed_at.isoformat(sep=" ", timespec="seconds") if result.completed_at else ""
    return [result.recipient, result.status.value, result.code or "", result.detail or "", completed_at]


@pytest.mark.parametrize("width", [20, 30, 40, 45])
def test_nothing_of_a_result_is_lost_on_a_narrow_terminal(tmp_path: Path, server: EmulatorServer, width: int) -> None:
    """Below about 48 columns rich squeezed the table's columns to nothing: on 40 the detail
    and the time were empty cells, on 30 the code read "1…". Each recipient is then a line
    of its own, wrapped, with everything the table would show."""
    request_id = send_with_the_cli(tmp_path, server, ["01010000001", "01010000002"], "--text", "안녕")

    async def look_up() -> list[DeliveryResult]:
        async with nhn_gateway_for(server) as nhn:
            return await nhn.delivery_results(request_id)

    delivered = asyncio.run(look_up())
    outcome = runner.invoke(
        app,
        ["status", request_id, "--provider", "nhn", "--base-url", server.base_url],
        env={**NHN_ENV, "COLUMNS": str(width)},
    )
    assert outcome.exit_code == 0, outcome.output
    shown = outcome.stdout
    assert "…" not in shown
    assert max(len(line) for line in shown.splitlines()) <= width
    assert squeezed(f"NHN request {request_id}") in squeezed(shown)
    for result in delivered:
        assert all(squeezed(value) in squeezed(shown) for value in shown_values(result)), shown
    assert squeezed("delivered 2") in squeezed(shown)


DETAIL = "수신거부 번호로 발송이 차단되었습니다 (carrier refused the number)"


class Answering(FakeGateway):
    async def delivery_results(self, request_id: str) -> list[DeliveryResult]:
        return [
            DeliveryResult(
                request_id=request_id,
                recipient="01012345678",
                status=DeliveryStatus.FAILED,
                code="3018",
                detail=DETAIL,
                completed_at=datetime(2026, 11, 27, 10, 38, 47, tzinfo=timezone(timedelta(hours=9))),
            ),
            DeliveryResult(request_id=request_id, recipient="01012345679", status=DeliveryStatus.PENDING),
        ]


def body_cells(shown: str) -> list[list[str]]:
    """The table's body rows, each cell's lines run together without spaces."""
    rows: list[list[str]] = []
    for line in shown.split("┡", 1)[1].splitlines():
        if not line.startswith("│"):
            continue
        cells = ["".join(cell.split()) for cell in line.split("│")[1:-1]]
        if cells[0]:
            rows.append(cells)
        else:  # a wrapped or folded row goes on
            rows[-1] = [before + after for before, after in zip(rows[-1], cells, strict=True)]
    return rows


@pytest.mark.parametrize("width", range(20, 101))
async def test_every_width_shows_every_value_whole(width: int) -> None:
    """As a table while it fits (its number, status and code whole, and a few columns for the
    detail and the time), else a line a recipient: never a value cut or left out."""
    async with Answering() as gateway:
        table, results = await delivery_table(gateway, "R-1")
    console = Console(record=True, width=width)
    print_results(console, table, results)
    shown = console.export_text()
    assert "…" not in shown
    assert max(len(line) for line in shown.splitlines()) <= width
    expected = [[squeezed(value) for value in shown_values(result)] for result in results]
    if "┡" in shown:
        assert body_cells(shown) == expected
    else:
        assert width < 48
        lines = squeezed(shown)
        assert all(value in lines for row in expected for value in row)


@pytest.mark.parametrize("width", [30, 100])
def test_on_an_ascii_terminal_the_escapes_are_laid_out_as_shown(
    tmp_path: Path, server: EmulatorServer, width: int
) -> None:
    """On an output that cannot encode Korean each syllable is written as an escape (성 as
    ``\\uc131``, 6 columns), but the table was laid out for the syllable (2 columns): the rows
    ran past the table's right border, and past the terminal's edge."""
    request_id = send_with_the_cli(tmp_path, server, ["01010000001"], "--text", "안녕")
    shown = subprocess.run(
        [sys.executable, "-m", "krsms", "status", request_id, "--provider", "nhn", "--base-url", server.base_url],
        env={**os.environ, **NHN_ENV, "PYTHONIOENCODING": "ascii", "COLUMNS": str(width)},
        capture_output=True,
        text=True,
        encoding="ascii",
        timeout=120,
        check=True,
    ).stdout
    assert "\\uc131\\uacf5" in squeezed(shown)  # 성공, NHN's word for a delivery
    lines = shown.splitlines()
    assert max(len(line) for line in lines) <= width
    table = [line for line in lines if line.startswith(("+", "|"))]
    assert len({len(line) for line in table}) <= 1, shown

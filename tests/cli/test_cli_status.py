"""``krsms status`` output as an operator's terminal shows it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from rich.console import Console

from krsms.commands.status import delivery_table
from krsms.gateway import DeliveryResult, DeliveryStatus
from krsms.testing import FakeGateway

DETAIL = "수신거부 번호로 발송이 차단되었습니다 (carrier refused the number)"
COMPLETED_AT = datetime(2026, 11, 27, 10, 38, 47, tzinfo=timezone(timedelta(hours=9)))


class Refusing(FakeGateway):
    async def delivery_results(self, request_id: str) -> list[DeliveryResult]:
        return [
            DeliveryResult(
                request_id=request_id,
                recipient="01012345678",
                status=DeliveryStatus.FAILED,
                code="3018",
                detail=DETAIL,
                completed_at=COMPLETED_AT,
            )
        ]


def column_text(shown: str, column: int) -> str:
    """The cells of the table's ``column`` (0 the first) on every body line, run together
    without spaces, as a wrapped or folded cell reads once put back together."""
    body = shown.split("┡", 1)[1]
    cells = [line.split("│")[column + 1] for line in body.splitlines() if line.startswith("│")]
    return "".join("".join(cell.split()) for cell in cells)


@pytest.mark.parametrize("width", [50, 60, 70, 80])
async def test_the_detail_and_the_time_are_shown_whole_on_a_narrow_terminal(width: int) -> None:
    """A word wider than its column was cut with an ellipsis: on 70 columns the Korean detail
    read "수신거부 번호 …" (번호로 cut, in the middle of the provider's reason), and on 60 the time
    "10:38:47+…". Such a word is folded onto the next line instead."""
    async with Refusing() as gateway:
        table, _ = await delivery_table(gateway, "R-1")
    console = Console(record=True, width=width)
    console.print(table)
    shown = console.export_text()
    assert "…" not in shown
    assert column_text(shown, 3) == "".join(DETAIL.split())
    assert column_text(shown, 4) == "2026-11-2710:38:47+09:00"

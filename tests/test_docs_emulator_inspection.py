"""docs/emulator.md, "Inspection API": what ``GET /_emulator/deliveries`` answers, as the page says.

A campaign checked against the emulator's ledger over HTTP (a script in another process
than ``krsms emulator``) reads that answer; the page named the filters and not the shape.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
import httpx

from krsms import Message
from krsms.emulator import Delivery, EmulatorServer
from krsms.testing import nhn_gateway_for, sens_gateway_for

SEOUL = ZoneInfo("Asia/Seoul")


async def test_deliveries_answer_a_json_array_of_the_delivery_fields_in_the_order_accepted() -> None:
    async with EmulatorServer() as server:
        async with nhn_gateway_for(server) as nhn, sens_gateway_for(server) as sens:
            await nhn.send(Message(sender="15446859", text="안내", recipients=["010-1234-5678"]))
            reserve_at = (datetime.now(SEOUL) + timedelta(hours=1)).replace(second=0, microsecond=0)
            await sens.send(
                Message(sender="0212345678", text="예약", recipients=["01087654321"], reserve_at=reserve_at)
            )
        async with httpx.AsyncClient(base_url=server.base_url) as inspection:
            answer = (await inspection.get("/_emulator/deliveries")).json()

    assert isinstance(answer, list)
    assert [set(entry) for entry in answer] == [set(attrs.fields_dict(Delivery))] * 2
    assert [(entry["provider"], entry["recipient"]) for entry in answer] == [
        ("nhn", "01012345678"),
        ("sens", "01087654321"),
    ]
    assert [entry["reserved_for"] for entry in answer] == [None, reserve_at.strftime("%Y-%m-%d %H:%M")]
    assert [datetime.fromisoformat(entry["accepted_at"]) for entry in answer] == [
        delivery.accepted_at for delivery in server.ledger
    ]

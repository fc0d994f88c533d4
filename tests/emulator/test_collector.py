"""The emulator command keeps stored records out of the cyclic collector (its own process)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import httpx
import pytest

from krsms.emulator import EmulatorConfig, create_app
from krsms.emulator.collector import FreezeAfterEachRequest


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # this test process must not keep what the middleware froze


@pytest.mark.usefixtures("unfrozen")
async def test_objects_alive_after_a_request_are_frozen() -> None:
    app = create_app(EmulatorConfig())
    app.add_middleware(FreezeAfterEachRequest)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator") as client:
        assert gc.get_freeze_count() == 0
        assert (await client.get("/_emulator/health")).status_code == 200
        assert gc.get_freeze_count() > 0


async def test_an_emulator_inside_another_process_leaves_its_collector_alone() -> None:
    app = create_app(EmulatorConfig())
    before = gc.get_freeze_count()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator") as client:
        assert (await client.get("/_emulator/health")).status_code == 200
    assert gc.get_freeze_count() == before

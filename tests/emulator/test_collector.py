"""The emulator command keeps stored records out of the cyclic collector (its own process)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.responses import PlainTextResponse

from krsms.emulator import DEMO_NHN_APP_KEY, EmulatorConfig, create_app
from krsms.emulator.collector import FreezeAfterEachRequest


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # this test process must not keep what the middleware froze


@pytest.fixture
def collector_paused() -> Iterator[None]:
    """No automatic collection during the test: only explicit ones (the middleware's) run."""
    gc.disable()
    yield
    gc.enable()


class Cycle:
    """An object referring to itself: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.itself = self


class LeavesCyclicGarbage:
    """An ASGI app whose every request leaves a :class:`Cycle` behind as garbage, promoted to
    the oldest generation first when asked (by a collection while the request still held it)."""

    def __init__(self, *, promoted: bool) -> None:
        self.promoted = promoted
        self.left: list[weakref.ref[Cycle]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        cycle = Cycle()
        self.left.append(weakref.ref(cycle))
        if self.promoted:
            gc.collect()
        del cycle
        await PlainTextResponse("ok")(scope, receive, send)


@pytest.mark.usefixtures("unfrozen", "collector_paused")
@pytest.mark.parametrize("promoted", [False, True])
async def test_the_garbage_of_a_request_is_collected_before_the_freeze(promoted: bool) -> None:
    app = LeavesCyclicGarbage(promoted=promoted)
    transport = httpx.ASGITransport(app=FreezeAfterEachRequest(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
        assert (await client.get("/")).status_code == 200
    gc.collect()  # frees what is not frozen: garbage frozen by mistake would stay
    assert [left() for left in app.left] == [None]


@pytest.mark.usefixtures("unfrozen", "collector_paused")
async def test_failed_requests_leave_nothing_frozen_behind() -> None:
    app = create_app(EmulatorConfig())
    app.add_middleware(FreezeAfterEachRequest)
    send = f"/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}/sender/sms"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator") as client:
        for _ in range(10):
            await client.post(send, json={"bad": 1})
        frozen = gc.get_freeze_count()
        for _ in range(200):
            assert (await client.post(send, json={"bad": 1})).json()["header"]["resultCode"] == -9997
        assert gc.get_freeze_count() - frozen < 200  # less than one object per failed request


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


@pytest.mark.usefixtures("unfrozen", "collector_paused")
async def test_clearing_the_deliveries_reclaims_what_was_frozen_alive_and_died_since() -> None:
    app = create_app(EmulatorConfig())
    app.add_middleware(FreezeAfterEachRequest)
    held = [Cycle()]  # alive while a request is answered, like a neighbouring connection
    died_later = weakref.ref(held[0])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator") as client:
        await client.get("/_emulator/health")
        held.clear()
        gc.collect()
        assert died_later() is not None, "frozen: out of the collector's reach"
        assert (await client.delete("/_emulator/deliveries")).status_code == 204
    assert died_later() is None

"""`krsms send` turns SIGTERM, and Ctrl-C where asyncio does not already, into a cancellation
of its main task, with or without loop signal support."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator

import pytest

from krsms.commands.signals import stop_on_signals


@pytest.fixture
async def handlers_restored() -> AsyncIterator[None]:
    previous = {each: signal.getsignal(each) for each in (signal.SIGTERM, signal.SIGINT)}
    yield
    for each, handler in previous.items():
        asyncio.get_running_loop().remove_signal_handler(each)
        signal.signal(each, handler)


async def wait_for(stop: signal.Signals, received: list[signal.Signals]) -> None:
    stop_on_signals(received)
    os.kill(os.getpid(), stop)
    await asyncio.sleep(30)


async def cancelled_by(stop: signal.Signals) -> list[signal.Signals]:
    received: list[signal.Signals] = []
    task = asyncio.create_task(wait_for(stop, received))
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, timeout=10)
    return received


@pytest.mark.usefixtures("handlers_restored")
async def test_sigterm_cancels_the_main_task() -> None:
    assert await cancelled_by(signal.SIGTERM) == [signal.SIGTERM]


@pytest.mark.usefixtures("handlers_restored")
async def test_ctrl_c_with_the_default_handler_cancels_the_main_task() -> None:
    # Python 3.10's asyncio.run leaves SIGINT to KeyboardInterrupt, which would cancel the
    # batches in flight at once instead of letting them settle.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    assert await cancelled_by(signal.SIGINT) == [signal.SIGINT]


@pytest.mark.usefixtures("handlers_restored")
@pytest.mark.parametrize("owner", [signal.SIG_IGN, lambda *_: None], ids=["ignored", "owned by asyncio.run"])
async def test_ctrl_c_is_left_alone_when_its_handler_is_not_the_default(owner: object) -> None:
    signal.signal(signal.SIGINT, owner)  # type: ignore[arg-type]
    stop_on_signals([])
    assert signal.getsignal(signal.SIGINT) is owner


@pytest.mark.usefixtures("handlers_restored")
async def test_without_loop_signal_handlers_a_plain_handler_cancels_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # asyncio's Windows loops take no signal handlers
    monkeypatch.setattr("krsms.commands.signals.sys.platform", "win32")
    for stop in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal.SIGINT, signal.default_int_handler)
        assert await cancelled_by(stop) == [stop]

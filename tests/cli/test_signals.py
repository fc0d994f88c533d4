"""`krsms send` turns SIGTERM into a cancellation of its main task, with or without loop signal support."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator

import pytest

from krsms.cli import stop_on_sigterm


@pytest.fixture
def sigterm_restored() -> Iterator[None]:
    previous = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, previous)


async def wait_for_sigterm() -> None:
    stop_on_sigterm()
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.sleep(30)


@pytest.mark.usefixtures("sigterm_restored")
async def test_sigterm_cancels_the_main_task() -> None:
    task = asyncio.create_task(wait_for_sigterm())
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, timeout=10)
    asyncio.get_running_loop().remove_signal_handler(signal.SIGTERM)


@pytest.mark.usefixtures("sigterm_restored")
async def test_without_loop_signal_handlers_a_plain_handler_cancels_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("krsms.cli.sys.platform", "win32")  # asyncio's Windows loops take no signal handlers
    task = asyncio.create_task(wait_for_sigterm())
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, timeout=10)

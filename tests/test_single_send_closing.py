"""A send() of a list has no source to close: its end enters no shielded cancel scope for it
(a few hundred bytecode instructions of every single-recipient send). A stream still has its
source closed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import aclosing

import pytest

from krsms import Message
from krsms.fanout import job
from krsms.testing import FakeGateway, numbers

SENDER = "0212345678"


def message(recipients: list[str]) -> Message:
    return Message(sender=SENDER, text="안녕하세요", recipients=recipients)


async def test_a_send_of_a_list_enters_no_scope_to_close_its_source(monkeypatch: pytest.MonkeyPatch) -> None:
    def entered(*args: object, **kwargs: object) -> object:
        raise AssertionError("a scope to close a list")

    monkeypatch.setattr(job.anyio, "move_on_after", entered)
    assert (await FakeGateway().send(message(["01012345678"]))).all_accepted


async def test_a_stream_left_early_still_has_its_source_closed() -> None:
    closed: list[bool] = []

    async def source() -> AsyncIterator[str]:
        try:
            for number in numbers(10):
                yield number
        finally:
            await asyncio.sleep(0)  # awaits in its clean-up
            closed.append(True)

    async with aclosing(FakeGateway(batch_size=1).send_stream(message([]), source())) as reports:
        async for _ in reports:
            break
    assert closed == [True]

"""The report a large send returns is put together without holding the event loop.

Joining a million outcomes and putting them in input order takes over 100 ms: ``send()``
does it a slice at a time (:meth:`Outcomes.join_in_input_order`), and a heartbeat task runs
between the last batch recorded and the send returning. Counted, never timed.
"""

from __future__ import annotations

import asyncio
import random

import pytest

from krsms import Message, Outcomes, Recipient, SendProgress, SendStatus
from krsms import gateway as gateway_module
from krsms.testing import FakeGateway, numbers

SENDER = "0212345678"
COUNT = 200_000


async def beats_after_the_last_batch(message: Message) -> tuple[int, SendProgress, object]:
    """Heartbeats that ran once every recipient was recorded and before ``send()`` returned,
    the progress, and what the send returned."""
    progress = SendProgress()
    task = asyncio.ensure_future(FakeGateway().send(message, progress=progress))
    beats = 0
    while not task.done():
        beats += progress.settled == COUNT
        await asyncio.sleep(0)
    return beats, progress, task.result()


async def test_the_heartbeat_runs_while_a_large_send_puts_its_report_together() -> None:
    message = Message(sender=SENDER, text="안녕하세요", recipients=list(numbers(COUNT)))
    beats, progress, report = await beats_after_the_last_batch(message)
    assert beats > 0
    assert report == progress.report()
    assert report.outcomes.indexes == tuple(range(COUNT))


async def test_the_heartbeat_runs_while_interleaved_batches_are_put_in_input_order() -> None:
    # SMS and LMS recipients alternate: their batches interleave, so the report is reordered.
    recipients = [Recipient(number=number, text="가" * (60 if i % 2 else 1)) for i, number in enumerate(numbers(COUNT))]
    message = Message(sender=SENDER, text="", subject="제목", recipients=recipients)
    beats, progress, report = await beats_after_the_last_batch(message)
    assert beats > 0
    assert report == progress.report()
    assert report.outcomes.indexes == tuple(range(COUNT))


def parts_of(indexes: list[int], sizes: list[int]) -> list[Outcomes]:
    parts, start = [], 0
    for size in sizes:
        chosen = indexes[start : start + size]
        parts.append(Outcomes.uniform([f"0100000{i:04d}" for i in chosen], chosen, SendStatus.ACCEPTED, code=str(size)))
        start += size
    return parts


@pytest.mark.parametrize(
    ("indexes", "sizes"),
    [
        (list(range(20)), [3, 5, 1, 7, 4]),  # in order already
        (random.Random(1).sample(range(20), 20), [6, 6, 8]),  # each index once, out of order
        ([5, 40, 7, 3, 99, 12, 8, 1], [3, 5]),  # not 0 to n - 1: sorted in one go
    ],
)
async def test_join_in_input_order_in_slices_is_join_then_in_input_order(
    monkeypatch: pytest.MonkeyPatch, indexes: list[int], sizes: list[int]
) -> None:
    monkeypatch.setattr(gateway_module, "JOIN_SLICE", 3)
    parts = parts_of(indexes, sizes)
    joined = await Outcomes.join_in_input_order(parts)
    assert joined == Outcomes.join(parts).in_input_order()
    assert list(joined.indexes) == sorted(indexes)

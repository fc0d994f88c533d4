"""A large send cancelled part-way settles its unsent rest without holding the event loop.

The rest of a cancelled send (up to a million recipients NOT_SENT) is recorded a slice at a
time, with the loop let in between: a heartbeat task observes the progress while it fills.
These tests count what the heartbeat saw; they never time anything.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from krsms import Message, SendProgress, SendReport, SendStatus
from krsms.fanout import CANCELLED
from krsms.fanout.sources import VALIDATION_SLICE
from krsms.testing import FakeGateway, FakeRequest, numbers

SENDER = "0212345678"
COUNT = 200_000


def message(count: int) -> Message:
    return Message(sender=SENDER, text="안녕하세요", recipients=list(numbers(count)))


def not_sent_seen(progress: SendProgress, seen: list[int]) -> Callable[[], asyncio.Task[None]]:
    """A starter of a heartbeat task that notes the NOT_SENT recipients of ``progress`` each
    time the loop runs it."""

    async def heartbeat() -> None:
        while True:
            seen.append(progress.counts[SendStatus.NOT_SENT])
            await asyncio.sleep(0)

    return lambda: asyncio.ensure_future(heartbeat())


async def blocked_send(progress: SendProgress) -> tuple[asyncio.Task[object], FakeGateway]:
    """A send of COUNT recipients whose first batches never get an answer, once they are out."""
    out = asyncio.Event()

    async def never_answered(request: FakeRequest) -> None:
        out.set()
        await asyncio.Event().wait()

    gateway = FakeGateway(on_request=never_answered)
    task = asyncio.ensure_future(gateway.send(message(COUNT), progress=progress))
    await out.wait()
    return task, gateway


def assert_one_outcome_each(progress: SendProgress) -> None:
    report = progress.report()
    assert report.outcomes.indexes == tuple(range(COUNT))
    assert sum(report.counts().values()) == COUNT


async def test_the_heartbeat_runs_while_the_unsent_rest_of_a_cancelled_send_is_settled() -> None:
    progress, seen = SendProgress(), []
    task, _ = await blocked_send(progress)
    heartbeat = not_sent_seen(progress, seen)()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    heartbeat.cancel()
    settled = progress.counts[SendStatus.NOT_SENT]
    # What the job itself settles (the batches buffered) is less than a slice: a count of a
    # slice or more, short of the whole, was seen while the rest was being recorded.
    assert any(VALIDATION_SLICE <= count < settled for count in seen)
    assert_one_outcome_each(progress)
    assert progress.report().outcomes[-1].code == CANCELLED


async def test_a_second_cancellation_while_the_rest_is_settled_records_all_of_it_at_once() -> None:
    sending: list[asyncio.Task[object]] = []
    recorded: list[int] = []

    def cancel_again_once_settling(report: SendReport) -> None:
        recorded.append(len(report.outcomes))
        if len(report.outcomes) == VALIDATION_SLICE:  # the first slice of the rest (a batch is 100)
            sending[0].cancel()

    progress = SendProgress(on_batch=cancel_again_once_settling)
    task, _ = await blocked_send(progress)
    sending.append(task)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert task.cancelled()
    assert recorded.count(VALIDATION_SLICE) == 1
    assert recorded[-1] > COUNT - 2 * VALIDATION_SLICE  # the rest, at once, after the first slice
    assert_one_outcome_each(progress)


async def test_the_heartbeat_runs_while_a_send_cancelled_during_validation_is_settled() -> None:
    progress, seen = SendProgress(), []
    task = asyncio.ensure_future(FakeGateway().send(message(COUNT), progress=progress))
    await asyncio.sleep(0)  # the send validated its first slice and lets the loop in
    heartbeat = not_sent_seen(progress, seen)()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    heartbeat.cancel()
    assert progress.counts[SendStatus.NOT_SENT] == COUNT
    assert any(0 < count < COUNT for count in seen)
    assert_one_outcome_each(progress)
    assert progress.cancelled

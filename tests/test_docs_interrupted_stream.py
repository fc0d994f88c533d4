"""docs/bulk.md, "Cancellation": what an interrupted stream's progress holds, as the page says.

A campaign script that writes each outcome from ``on_batch`` and is stopped by Ctrl-C finds
fewer rows than its ``total``, while krsms's ``send_ended`` line counts every recipient of
that total. The page said only that "everything not yet sent is NOT_SENT", which reads as an
outcome for each: it is one for each recipient read, and those are the first ``settled`` of
the source, the position a campaign resumes from.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import aclosing

import pytest

from krsms import Message, Recipient, RecipientSource, SendProgress, SendReport, SendStatus
from krsms.testing import FakeGateway, numbers

TOTAL = 5_000


def sync_source() -> Iterator[Recipient]:
    for index, number in enumerate(numbers(TOTAL)):
        yield Recipient(number=number, reference=str(index))


async def async_source() -> AsyncIterator[Recipient]:
    for recipient in sync_source():
        yield recipient


@pytest.mark.parametrize("make_source", [sync_source, async_source], ids=["sync", "async"])
async def test_an_interrupted_stream_settles_the_first_recipients_of_its_source_and_no_other(
    make_source: Callable[[], RecipientSource], caplog: pytest.LogCaptureFixture
) -> None:
    gateway = FakeGateway(batch_size=100, max_concurrency=4, latency=0.001)
    written: list[SendReport] = []
    progress = SendProgress(total=TOTAL, keep_outcomes=False, on_batch=written.append)
    message = Message(sender="15446859", text="[krsms] 봄 세일 안내")

    running = asyncio.current_task()
    assert running is not None

    async def campaign() -> None:
        async with aclosing(gateway.send_stream(message, make_source(), progress=progress)) as batches:
            async for _ in batches:
                if progress.settled >= 1_000:
                    running.cancel()  # Ctrl-C, midway

    with caplog.at_level(logging.INFO, logger="krsms"), pytest.raises(asyncio.CancelledError):
        await campaign()

    indexes = sorted(index for batch in written for index in batch.outcomes.indexes)
    assert 1_000 <= progress.settled < TOTAL  # short of the total: the rest was never read
    assert indexes == list(range(progress.settled))  # the first `settled` of the source
    references = sorted(int(str(outcome.recipient.reference)) for batch in written for outcome in batch.outcomes)
    assert references == indexes
    assert sum(progress.counts.values()) == progress.settled
    assert progress.counts[SendStatus.NOT_SENT] < TOTAL - progress.settled
    (ended,) = [record for record in caplog.records if getattr(record, "krsms_event", None) == "send_ended"]
    assert ended.krsms_recipients == TOTAL  # the log line counts the whole total
    assert ended.krsms_not_sent == progress.counts[SendStatus.NOT_SENT] + TOTAL - progress.settled

"""A SendProgress records one send: a second send given it is refused before it sends anything."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from krsms import Message, Recipient, Recipients, RecipientSource, SendProgress, SendStatus, ValidationError
from krsms.testing import FakeGateway, numbers

SENDER = "0212345678"

Send = Callable[[FakeGateway, SendProgress, int], Awaitable[object]]


async def _send(gateway: FakeGateway, progress: SendProgress, start: int) -> object:
    message = Message(sender=SENDER, text="안내", recipients=list(numbers(10, start=start)))
    return await gateway.send(message, progress=progress)


async def _stream(gateway: FakeGateway, progress: SendProgress, start: int) -> object:
    template = Message(sender=SENDER, text="안내")
    return [report async for report in gateway.send_stream(template, numbers(10, start=start), progress=progress)]


SENDS: dict[str, Send] = {"send": _send, "send_stream": _stream}


@pytest.mark.parametrize("second", list(SENDS))
@pytest.mark.parametrize("first", list(SENDS))
async def test_a_progress_given_to_a_second_send_is_refused_before_anything_is_sent(first: str, second: str) -> None:
    """Reused, it mixed the two sends: indexes 0-9 twice, ``total`` 10 while ``settled`` 260."""
    gateway = FakeGateway(batch_size=5)
    progress = SendProgress()
    await SENDS[first](gateway, progress, 0)
    requests = len(gateway.requests)

    with pytest.raises(ValidationError) as refused:
        await SENDS[second](gateway, progress, 100)

    assert refused.value.field == "progress"
    assert "pass a new SendProgress to each send" in str(refused.value)
    assert len(gateway.requests) == requests  # the second send sent nothing
    assert progress.settled == 10
    assert progress.report().outcomes.indexes == tuple(range(10))
    assert await SENDS[second](gateway, SendProgress(), 100)  # a progress of its own is taken


async def test_a_progress_another_send_holds_while_it_runs_is_refused_and_that_send_is_untouched() -> None:
    gateway = FakeGateway(batch_size=5, latency=0.05)
    progress = SendProgress()
    running = asyncio.create_task(_send(gateway, progress, 0))
    await asyncio.sleep(0.01)

    with pytest.raises(ValidationError, match=r"^progress: was given to another send already"):
        await _stream(gateway, progress, 100)

    await running
    assert progress.counts[SendStatus.ACCEPTED] == progress.settled == progress.total == 10
    assert gateway.sent_to() == list(numbers(10))


async def test_a_stream_that_is_never_iterated_does_not_take_the_progress() -> None:
    """``send_stream`` is a generator: it starts, and takes the progress, when first iterated."""
    gateway = FakeGateway()
    progress = SendProgress()
    gateway.send_stream(Message(sender=SENDER, text="안내"), numbers(3), progress=progress)  # never iterated
    await _send(gateway, progress, 0)
    assert progress.settled == 10


async def _trickle() -> AsyncIterator[str]:
    for number in numbers(250):
        yield number


async def test_total_is_what_the_caller_says_for_a_stream_and_the_count_for_send() -> None:
    """docs/bulk.md: send() sets ``total``; a generator stream's length is unknown, so it stays None
    unless the caller gives it (a snippet printing ``settled / total`` for a stream printed
    "/ None")."""
    seen: list[tuple[int, int | None]] = []
    gateway = FakeGateway(batch_size=100)
    message = Message(sender=SENDER, text="안내", recipients=list(numbers(250)))
    progress = SendProgress(on_batch=lambda batch: seen.append((progress.settled, progress.total)))
    await gateway.send(message, progress=progress)
    assert seen == [(100, 250), (200, 250), (250, 250)]

    seen.clear()
    template = Message(sender=SENDER, text="안내")
    progress = SendProgress(total=250, on_batch=lambda batch: seen.append((progress.settled, progress.total)))
    async for _ in gateway.send_stream(template, _trickle(), progress=progress):
        pass
    assert seen[-1] == (250, 250)

    untold = SendProgress()
    async for _ in gateway.send_stream(template, _trickle(), progress=untold):
        pass
    assert (untold.settled, untold.total) == (250, None)


@pytest.mark.parametrize(
    ("source", "total"),
    [
        (list(numbers(250)), 250),
        (tuple(numbers(250)), 250),
        (Recipients(numbers(250)), 250),
        ("01000000001", 1),  # a lone number is one recipient, not one per character
        (Recipient(number="01000000001"), 1),
    ],
    ids=["list", "tuple", "Recipients", "lone number", "lone Recipient"],
)
async def test_a_stream_of_a_sized_source_sets_total_to_its_length(source: RecipientSource, total: int) -> None:
    """It stayed None for a list or tuple whose length was there to read: a stream's progress
    printed ``settled / None`` while ``send()`` of the same recipients printed the count."""
    seen: list[tuple[int, int | None]] = []
    progress = SendProgress(on_batch=lambda batch: seen.append((progress.settled, progress.total)))
    async for _ in FakeGateway(batch_size=100).send_stream(
        Message(sender=SENDER, text="안내"), source, progress=progress
    ):
        pass
    assert seen[-1] == (total, total)
    assert {batch_total for _, batch_total in seen} == {total}  # known from the first batch on


async def test_a_total_the_caller_gives_a_stream_of_a_sized_source_is_kept() -> None:
    """The caller may know better (the recipients of a list still to be filtered elsewhere)."""
    progress = SendProgress(total=1000)
    async for _ in FakeGateway().send_stream(Message(sender=SENDER, text="안내"), list(numbers(10)), progress=progress):
        pass
    assert (progress.settled, progress.total) == (10, 1000)

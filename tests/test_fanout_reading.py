"""A stream's source is read by one task for the whole send, as if iterated directly: what it
binds to its task across its yields (a timeout, a cancel scope, a context variable)
holds, from its first recipient to its close."""

from __future__ import annotations

import asyncio
import contextvars
import re
import sys
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import aclosing
from pathlib import Path
from typing import Any

import anyio
import pytest

from krsms import Message, Recipient, SendProgress, SendReport, SendStatus, errors
from krsms.fanout import JOB_STOPPED
from krsms.testing import FakeGateway, FakeRequest, numbers


def message() -> Message:
    return Message(sender="0212345678", text="안녕하세요")


def refuse_first(request: FakeRequest) -> None:
    if request.request_id == "fake-1":
        raise errors.AuthenticationError("bad key", provider="fake", status_code=401)


needs_asyncio_timeout = pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.timeout is Python 3.11+")
DEADLINES = [
    pytest.param("asyncio.timeout", marks=needs_asyncio_timeout),
    pytest.param("anyio.fail_after"),
]


async def deadline_source(
    deadline: str, seconds: float, given: list[str], raised: list[BaseException], *, pause: bool, count: int = 300
) -> AsyncIterator[str]:
    """``count`` numbers inside one ``deadline`` scope of ``seconds`` spanning their yields,
    as a source that gives up after a while overall does; each awaits a loop turn first when
    ``pause``. What the scope raised is put in ``raised``."""
    try:
        if deadline == "asyncio.timeout":
            async with asyncio.timeout(seconds):
                async for number in _paced(count, given, pause):
                    yield number
        else:
            with anyio.fail_after(seconds):
                async for number in _paced(count, given, pause):
                    yield number
    except TimeoutError as error:
        raised.append(error)
        raise


async def _paced(count: int, given: list[str], pause: bool) -> AsyncIterator[str]:
    for number in numbers(count):
        if pause:
            await asyncio.sleep(0.001)
        given.append(number)
        yield number


async def consume(stream: Any) -> list[SendReport]:
    async with aclosing(stream) as reports:
        return [report async for report in reports]


def assert_settled_once(progress: SendProgress, count: int) -> None:
    assert sorted(outcome.index for outcome in progress.report().outcomes) == list(range(count))


@pytest.mark.parametrize("deadline", DEADLINES)
async def test_a_deadline_a_source_keeps_across_its_yields_raises_through_the_stream(deadline: str) -> None:
    """A source that gives up after 0.1 s overall: its own TimeoutError ends the stream then,
    every recipient it gave settled; nothing read after it is sent."""
    gateway = FakeGateway(batch_size=10, max_concurrency=2)
    given: list[str] = []
    raised: list[BaseException] = []
    progress = SendProgress()
    source = deadline_source(deadline, 0.1, given, raised, pause=True)

    with pytest.raises(TimeoutError) as error:
        await asyncio.wait_for(consume(gateway.send_stream(message(), source, progress=progress)), 5)

    assert raised == [error.value]
    assert 0 < len(given) < 300
    assert_settled_once(progress, len(given))
    assert set(gateway.sent_to()) <= set(given)


@pytest.mark.parametrize("deadline", DEADLINES)
async def test_a_deadline_that_passes_while_the_source_waits_for_its_next_read_is_raised_there(
    deadline: str,
) -> None:
    """The source gives a batch at once; its deadline passes while the only batch allowed in
    flight is out, so while nothing reads it. It is raised where the source waits, in its
    scope: the stream ends with the source's own TimeoutError and the rest is never read."""
    gateway = FakeGateway(batch_size=10, max_concurrency=1, latency=0.2)
    given: list[str] = []
    raised: list[BaseException] = []
    progress = SendProgress()
    source = deadline_source(deadline, 0.05, given, raised, pause=False, count=20)

    with pytest.raises(TimeoutError) as error:
        await asyncio.wait_for(consume(gateway.send_stream(message(), source, progress=progress)), 5)

    assert raised == [error.value]
    assert given == list(numbers(10))
    assert progress.counts[SendStatus.ACCEPTED] == 10
    assert_settled_once(progress, 10)


async def test_a_context_variable_an_async_generator_source_sets_stays_set_for_every_item() -> None:
    """A tracing span or a database session bound to the context when the source starts."""
    span: contextvars.ContextVar[str | None] = contextvars.ContextVar("span", default=None)
    seen: list[str | None] = []

    async def source() -> AsyncIterator[str]:
        span.set("set by the source")
        for number in numbers(35):
            await asyncio.sleep(0)
            seen.append(span.get())
            yield number

    gateway = FakeGateway(batch_size=10, max_concurrency=2)
    await consume(gateway.send_stream(message(), source()))
    assert seen == ["set by the source"] * 35


@pytest.mark.parametrize("leave", ["early", "after a fatal answer"])
async def test_one_task_reads_the_source_to_its_close(leave: str) -> None:
    """Left early, or read to its end as NOT_SENT after a fatal answer: every item and the
    source's ``finally`` run in the task that read its first one, its anyio scope exits there
    cleanly (exiting it in another task raises RuntimeError)."""
    tasks: list[asyncio.Task[Any] | None] = []
    closed: list[asyncio.Task[Any] | None] = []

    async def source() -> AsyncIterator[str]:
        try:
            with anyio.fail_after(5):
                for number in numbers(35):
                    await asyncio.sleep(0)
                    tasks.append(asyncio.current_task())
                    yield number
        finally:
            closed.append(asyncio.current_task())

    on_request: Callable[[FakeRequest], None] | None = refuse_first if leave != "early" else None
    gateway = FakeGateway(batch_size=10, max_concurrency=1, latency=0.01, on_request=on_request)
    progress = SendProgress()
    async with aclosing(gateway.send_stream(message(), source(), progress=progress)) as reports:
        async for _ in reports:
            if leave == "early":
                break

    assert len(set(tasks)) == 1
    assert closed == tasks[:1]
    assert_settled_once(progress, len(tasks))
    if leave != "early":
        assert len(tasks) == 35
        assert progress.counts[SendStatus.NOT_SENT] == 25
        assert {outcome.code for outcome in progress.report().with_status(SendStatus.NOT_SENT)} == {JOB_STOPPED}


async def test_a_cancellation_of_the_reading_task_the_source_lets_out_ends_the_send_cancelled() -> None:
    """Only the source knows the task reading it. A cancellation it does not take itself (the
    event loop shutting down) ends that task and the send, every recipient settled, rather
    than being held while the send waits for it."""
    reading_task: list[asyncio.Task[Any] | None] = []

    async def source() -> AsyncIterator[str]:
        reading_task.append(asyncio.current_task())
        for number in numbers(20):
            yield number

    gateway = FakeGateway(batch_size=10, max_concurrency=1, latency=0.2)
    progress = SendProgress()

    async def cancel_the_reader() -> None:
        await asyncio.sleep(0.05)
        assert reading_task[0] is not None
        reading_task[0].cancel()

    canceller = asyncio.create_task(cancel_the_reader())
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(consume(gateway.send_stream(message(), source(), progress=progress)), 5)
    await canceller
    assert reading_task[0] is not None
    assert reading_task[0].done()
    assert progress.counts[SendStatus.ACCEPTED] + progress.counts[SendStatus.UNKNOWN] == 10
    assert_settled_once(progress, 10)


def test_a_stream_left_unclosed_does_not_hold_up_the_event_loop_shutdown() -> None:
    """``asyncio.run`` cancels the tasks left when its coroutine returns, the one reading a
    stream its consumer left without closing it among them, and waits for them to end."""
    kept: list[object] = []

    async def leave_a_stream_open() -> None:
        async def source() -> AsyncIterator[str]:
            for number in numbers(20):
                yield number
            await asyncio.Event().wait()  # a queue that gets nothing more

        stream = FakeGateway(batch_size=10, max_concurrency=1).send_stream(message(), source())
        kept.append(stream)  # not closed before the loop shuts down
        async for _ in stream:
            break

    runner = threading.Thread(target=asyncio.run, args=(leave_a_stream_open(),), daemon=True)
    runner.start()
    runner.join(timeout=5)
    assert not runner.is_alive()


@pytest.mark.parametrize("leave", ["to its end", "after a fatal answer"])
async def test_a_sync_source_is_read_in_the_task_that_iterates_the_stream(leave: str) -> None:
    """A sync source binds nothing to a task and never pauses: it is read where the stream is
    iterated, without a reading task's hand-over, the rest after a fatal stop included."""
    tasks: list[asyncio.Task[Any] | None] = []

    def source() -> Iterator[str]:
        for number in numbers(35):
            tasks.append(asyncio.current_task())
            yield number

    on_request: Callable[[FakeRequest], None] | None = refuse_first if leave != "to its end" else None
    gateway = FakeGateway(batch_size=10, max_concurrency=2, on_request=on_request)
    progress = SendProgress()
    async with aclosing(gateway.send_stream(message(), source(), progress=progress)) as reports:
        async for _ in reports:
            pass

    assert set(tasks) == {asyncio.current_task()}
    assert len(tasks) == 35
    assert_settled_once(progress, 35)


async def test_a_sync_source_giving_more_than_a_batch_of_invalid_ones_in_a_row_is_read_on() -> None:
    """Invalid recipients are reported a batch's worth at a time; with nothing in flight and
    the source read in the stream's own task, there is nothing to wait for between two reads."""
    invalid = [f"0{index}" for index in range(25)]  # too short to be numbers
    gateway = FakeGateway(batch_size=10)
    progress = SendProgress()
    reports = [report async for report in gateway.send_stream(message(), [*invalid, *numbers(5)], progress=progress)]

    assert [len(report.outcomes) for report in reports] == [10, 10, 5, 5]
    assert progress.counts[SendStatus.NOT_SENT] == 25
    assert progress.counts[SendStatus.ACCEPTED] == 5
    assert_settled_once(progress, 30)


def bulk_doc_block(containing: str) -> str:
    page = (Path(__file__).resolve().parents[1] / "docs" / "bulk.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```$", page, flags=re.MULTILINE | re.DOTALL)
    (block,) = [block for block in blocks if containing in block]
    return block


async def test_the_documented_queue_consumer_ends_after_a_fatal_stop_with_every_taken_recipient_settled() -> None:
    """docs/bulk.md: after a fatal stop the rest of the source is read and reported NOT_SENT
    (stopped), so a queue that never ends kept the stream open; the recipe ends it."""
    queue: asyncio.Queue[Recipient | None] = asyncio.Queue()
    for number in numbers(35):
        queue.put_nowait(Recipient(number=number))
    saved: list[SendReport] = []
    namespace: dict[str, Any] = {"save": saved.append}
    exec(bulk_doc_block("send_from_queue"), namespace)
    gateway = FakeGateway(batch_size=10, max_concurrency=1, on_request=refuse_first)
    with anyio.fail_after(10):  # a guard: without the recipe the stream waits for ever
        progress = await namespace["send_from_queue"](gateway, message(), queue)
    assert progress.settled == sum(len(batch.outcomes) for batch in saved) == 35
    assert (progress.counts[SendStatus.REJECTED], progress.counts[SendStatus.NOT_SENT]) == (10, 25)
    assert {outcome.code for batch in saved[1:] for outcome in batch.outcomes} == {JOB_STOPPED}
    assert isinstance(progress.error, errors.AuthenticationError)
    assert len(gateway.requests) == 0  # the first request was refused; nothing left after it
    queue.put_nowait(Recipient(number="01099999999"))  # put after the end: still there
    assert queue.qsize() == 1

"""The lone batch of a send (a web app's one message to one recipient) is sent in the send's
own task, with no task of its own, and settles as a batch in its own task does: cancelled at
each of its waits, NOT_SENT before its request may have left and UNKNOWN after; a drain asked
for still lets it finish."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Generator
from typing import Any

import anyio
import httpx
import pytest

from krsms import Message, Recipients, SendProgress, SendReport, SendStatus, errors
from krsms.fanout import CANCELLED
from krsms.sens import SensGateway
from krsms.testing import FakeGateway, FakeRequest, numbers

SENDER = "0212345678"
NUMBER = "01012345678"


def message(recipients: list[str] | None = None) -> Message:
    return Message(sender=SENDER, text="안녕하세요", recipients=recipients or [NUMBER])


def count_tasks(loop: asyncio.AbstractEventLoop) -> list[Coroutine[Any, Any, Any] | Generator[Any, None, Any]]:
    """Has ``loop`` note the coroutine of every task made from now on."""
    made: list[Coroutine[Any, Any, Any] | Generator[Any, None, Any]] = []

    def factory(loop: asyncio.AbstractEventLoop, coroutine: Any) -> asyncio.Task[Any]:
        made.append(coroutine)
        return asyncio.Task(coroutine, loop=loop)

    loop.set_task_factory(factory)
    return made


async def test_a_single_recipient_send_makes_no_task() -> None:
    loop = asyncio.get_running_loop()
    made = count_tasks(loop)
    try:
        report = await FakeGateway().send(message())
    finally:
        loop.set_task_factory(None)
    assert report.all_accepted
    assert made == []


async def test_a_send_of_two_batches_still_sends_each_in_a_task_of_its_own() -> None:
    loop = asyncio.get_running_loop()
    made = count_tasks(loop)
    try:
        report = await FakeGateway(batch_size=1).send(message(list(numbers(2))))
    finally:
        loop.set_task_factory(None)
    assert report.all_accepted
    assert len(made) == 2


async def cancelled_at(
    gateway: FakeGateway, progress: SendProgress, reached: asyncio.Event, *, send: Message | None = None
) -> None:
    """Cancel ``gateway``'s send once it has ``reached`` the wait under test."""
    task = asyncio.ensure_future(gateway.send(send or message(), progress=progress))
    await reached.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def only_outcome(progress: SendProgress) -> tuple[SendStatus, str | None]:
    [outcome] = progress.report().outcomes
    assert progress.cancelled
    return outcome.status, outcome.code


async def test_cancelled_in_on_sending_the_recipient_is_not_sent() -> None:
    reached = asyncio.Event()

    async def on_sending(recipients: Recipients) -> None:
        reached.set()
        await asyncio.Event().wait()

    gateway, progress = FakeGateway(), SendProgress(on_sending=on_sending)
    await cancelled_at(gateway, progress, reached)
    assert only_outcome(progress) == (SendStatus.NOT_SENT, CANCELLED)
    assert gateway.requests == []


async def test_cancelled_waiting_for_its_rate_limit_slot_the_recipient_is_not_sent() -> None:
    gateway = FakeGateway(requests_per_second=0.001)
    assert (await gateway.send(message())).all_accepted  # the slot of the next 1,000 s taken
    reached = asyncio.Event()
    pace = gateway._pace

    async def pace_noted() -> None:
        reached.set()
        await pace()

    gateway._pace = pace_noted  # type: ignore[method-assign]
    progress = SendProgress()
    await cancelled_at(gateway, progress, reached)
    assert only_outcome(progress) == (SendStatus.NOT_SENT, CANCELLED)
    assert len(gateway.requests) == 1


async def test_cancelled_while_the_request_is_out_the_recipient_is_unknown() -> None:
    reached = asyncio.Event()

    async def never_answered(request: FakeRequest) -> None:
        reached.set()
        await asyncio.Event().wait()

    progress = SendProgress()
    await cancelled_at(FakeGateway(on_request=never_answered), progress, reached)
    assert only_outcome(progress) == (SendStatus.UNKNOWN, CANCELLED)


async def test_cancelled_while_the_http_request_is_out_the_recipient_is_unknown() -> None:
    reached = asyncio.Event()

    async def never_answered(request: httpx.Request) -> httpx.Response:
        reached.set()
        await asyncio.Event().wait()
        raise AssertionError("never answered")

    progress = SendProgress()
    async with httpx.AsyncClient(transport=httpx.MockTransport(never_answered)) as http_client:
        gateway = SensGateway(
            access_key="access-key", secret_key="secret-key", service_id="ncp:sms:kr:1:svc", http_client=http_client
        )
        task = asyncio.ensure_future(gateway.send(message(), progress=progress))
        await reached.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert only_outcome(progress) == (SendStatus.UNKNOWN, CANCELLED)


async def test_a_cancel_scope_that_keeps_cancelling_leaves_the_recipient_unknown() -> None:
    # anyio (Starlette, FastAPI) cancels again at every await until the scope exits.
    progress = SendProgress()
    scope = anyio.CancelScope()

    async def never_answered(request: FakeRequest) -> None:
        scope.cancel()
        await asyncio.Event().wait()

    with scope:
        await FakeGateway(on_request=never_answered).send(message(), progress=progress)
    assert scope.cancelled_caught
    assert only_outcome(progress) == (SendStatus.UNKNOWN, CANCELLED)


async def test_cancelled_with_a_drain_the_request_out_finishes_with_its_answer() -> None:
    reached, answer = asyncio.Event(), asyncio.Event()

    async def answered_later(request: FakeRequest) -> None:
        reached.set()
        await answer.wait()

    progress = SendProgress()
    gateway = FakeGateway(on_request=answered_later, drain_timeout=60)
    task = asyncio.ensure_future(gateway.send(message(), progress=progress))
    await reached.wait()
    task.cancel()
    await asyncio.sleep(0)
    answer.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert only_outcome(progress) == (SendStatus.ACCEPTED, None)


async def test_a_failing_on_sending_stops_a_single_send_with_its_error_and_its_outcome() -> None:
    async def on_sending(recipients: Recipients) -> None:
        raise OSError("journal not writable")

    progress = SendProgress(on_sending=on_sending)
    with pytest.raises(OSError, match="journal not writable"):
        await FakeGateway().send(message(), progress=progress)
    assert only_outcome(progress)[0] is SendStatus.NOT_SENT


async def test_a_fatal_answer_to_a_single_send_is_its_report_error() -> None:
    def refused(request: FakeRequest) -> None:
        raise errors.AuthenticationError("bad key", provider="fake", status_code=401)

    recorded: list[SendReport] = []
    report = await FakeGateway(on_request=refused).send(message(), progress=SendProgress(on_batch=recorded.append))
    assert isinstance(report.error, errors.AuthenticationError)
    assert [outcome.status for outcome in report.outcomes] == [SendStatus.REJECTED]
    assert not report.cancelled
    assert len(recorded) == 1

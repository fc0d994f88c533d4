"""How a bulk send's job settles batches when it stops, at the decisions its own tests leave
open: a recipient the first look-up found REJECTED when the send is cancelled before the
second, and what a fatal answer does to another batch whose request is already out."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from krsms import Message, NhnGateway, Recipient, RecipientOutcome, SendProgress, SendStatus, errors
from krsms.emulator import DEMO_NHN_APP_KEY, EmulatorConfig, Faults, create_app
from krsms.fanout import CANCELLED, JOB_STOPPED, NOT_RECEIVED, Batch, BatchAttempt
from krsms.testing import FakeGateway, FakeRequest, numbers
from krsms.transport import NO_RETRIES, RetryPolicy

SENDER = "0212345678"


def message(recipients: Sequence[str]) -> Message:
    return Message(sender=SENDER, text="안녕하세요", recipients=recipients)


async def eventually(condition: Callable[[], bool]) -> None:
    """Wait until ``condition`` holds (a thousand turns of the event loop at most)."""
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("the condition never held")


async def test_a_send_cancelled_between_two_look_ups_keeps_a_recipient_the_first_found_rejected() -> None:
    """The provider refused that recipient: cancelled during ``reconcile_delay``, it stays
    REJECTED as the first look-up found it, beside the one found ACCEPTED; only the recipient
    still missing is UNKNOWN."""
    looked_up = asyncio.Event()

    class _FindsEachStatus(FakeGateway):
        async def reconcile_batch(
            self, message: Message, batch: Batch, attempt: BatchAttempt
        ) -> Sequence[RecipientOutcome] | None:
            looked_up.set()
            statuses = [SendStatus.REJECTED, SendStatus.ACCEPTED, SendStatus.NOT_SENT]
            return [
                RecipientOutcome(recipient=recipient, status=status, code="found", index=index)
                for (index, recipient), status in zip(batch.entries, statuses, strict=True)
            ]

    def lose_answer(request: FakeRequest) -> None:
        raise errors.RequestTimeoutError("read timeout")

    gateway = _FindsEachStatus(batch_size=3, on_request=lose_answer, reconcile=True, reconcile_delay=1000.0)
    progress = SendProgress()
    sending = asyncio.create_task(gateway.send(message(list(numbers(3))), progress=progress))
    await looked_up.wait()
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending
    assert [(outcome.status, outcome.code) for outcome in progress.report().outcomes] == [
        (SendStatus.REJECTED, "found"),
        (SendStatus.ACCEPTED, "found"),
        (SendStatus.UNKNOWN, CANCELLED),
    ]


async def test_a_fatal_answer_lets_another_batch_whose_request_is_out_get_its_answer() -> None:
    """The stop keeps requests from leaving; one already out is answered all the same, and
    its batch is what the answer says (ACCEPTED), not UNKNOWN as if it were cut off."""
    answering = asyncio.Event()

    async def hold_the_first_refuse_the_second(request: FakeRequest) -> None:
        if request.request_id == "fake-1":
            await answering.wait()
            return
        answering.set()
        raise errors.AuthenticationError("bad key", provider="fake", status_code=401)

    gateway = FakeGateway(batch_size=2, max_concurrency=2, on_request=hold_the_first_refuse_the_second)
    report = await gateway.send(message(list(numbers(6))))
    assert report.error is not None
    assert [outcome.status for outcome in report.outcomes[:2]] == [SendStatus.ACCEPTED] * 2
    assert [outcome.status for outcome in report.outcomes[2:4]] == [SendStatus.REJECTED] * 2
    assert {(outcome.status, outcome.code) for outcome in report.outcomes[4:]} == {(SendStatus.NOT_SENT, JOB_STOPPED)}


class _SetsOnStop(logging.Handler):
    """Sets ``stopped`` when the job logs that a fatal answer stopped it."""

    def __init__(self, stopped: asyncio.Event):
        super().__init__(logging.ERROR)
        self.stopped = stopped

    def emit(self, record: logging.LogRecord) -> None:
        if "bulk send stopped" in record.getMessage():
            self.stopped.set()


@contextmanager
def signalled_on_stop(stopped: asyncio.Event) -> Iterator[None]:
    handler = _SetsOnStop(stopped)
    logger = logging.getLogger("krsms")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)


async def test_a_batch_out_when_a_fatal_answer_stops_the_send_is_not_retried() -> None:
    """A batch whose request was out when another's answer stopped the send, answered 500
    (retried with ``retry_unsafe_sends``): no retry leaves after the stop, and the batch is
    UNKNOWN on its first attempt's account; the provider saw one request of each batch."""
    stopped = asyncio.Event()
    sizes: list[int] = []

    async def answer(request: httpx.Request) -> httpx.Response:
        size = len(json.loads(request.content)["recipientList"])
        sizes.append(size)
        if size == 1:  # the second batch: refused keys, once the first is out
            return httpx.Response(401)
        await stopped.wait()
        return httpx.Response(500)

    with signalled_on_stop(stopped):
        async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
            gateway = NhnGateway(
                app_key="app-key",
                http_client=client,
                retry=RetryPolicy(max_attempts=3, initial_backoff=0, retry_unsafe_sends=True),
                reconcile=False,
            )
            recipients = [f"010{index:08d}" for index in range(1001)]
            report = await gateway.send(Message(sender="15446859", text="안녕", recipients=recipients))
    assert sorted(sizes) == [1, 1000]
    assert report.error is not None
    assert {outcome.status for outcome in report.outcomes[:1000]} == {SendStatus.UNKNOWN}
    assert report.outcomes[1000].status is SendStatus.REJECTED


async def test_a_batch_out_when_the_send_is_cancelled_is_drained_without_a_retry() -> None:
    """Cancelled with ``drain_timeout``: the batch whose request is out gets its answer, a
    500 (retried with ``retry_unsafe_sends``), and no retry leaves during the drain; the
    batch is UNKNOWN and the provider saw one request."""
    out, cancelled = asyncio.Event(), asyncio.Event()
    sent: list[str] = []

    async def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.method)
        out.set()
        await cancelled.wait()
        return httpx.Response(500)

    progress = SendProgress()
    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        gateway = NhnGateway(
            app_key="app-key",
            http_client=client,
            retry=RetryPolicy(max_attempts=3, initial_backoff=0, retry_unsafe_sends=True),
            reconcile=False,
            drain_timeout=5,
        )
        sending = asyncio.create_task(
            gateway.send(Message(sender="15446859", text="안녕", recipients=["01000000001"]), progress=progress)
        )
        await out.wait()
        sending.cancel()
        await eventually(lambda: progress.cancelled)  # the send settles: its batch is drained
        cancelled.set()
        with pytest.raises(asyncio.CancelledError):
            await sending
    assert sent == ["POST"]
    assert [outcome.status for outcome in progress.report().outcomes] == [SendStatus.UNKNOWN]


async def test_a_fatal_answer_stops_the_send_with_every_recipient_still_grouped_not_sent() -> None:
    """Recipients with texts of their own wait in groups for their batch to fill; when a
    fatal answer stops the send, those still waiting are NOT_SENT (``stopped``) like the
    rest: every recipient has its outcome."""

    def refuse_keys(request: FakeRequest) -> None:
        raise errors.AuthenticationError("bad key", provider="fake", status_code=401)

    recipients = [Recipient(number=number, text="가나다"[index % 3]) for index, number in enumerate(numbers(7))]
    gateway = FakeGateway(batch_size=2, max_concurrency=1, on_request=refuse_keys)
    progress = SendProgress()
    report = await gateway.send(Message(sender=SENDER, text="안녕", recipients=recipients), progress=progress)
    assert [outcome.index for outcome in report.outcomes] == list(range(7))
    assert len(gateway.requests) == 0
    first = {outcome.index for outcome in report.outcomes if outcome.status is SendStatus.REJECTED}
    assert first  # the recipients of the one request made, refused
    assert {(outcome.status, outcome.code) for outcome in report.outcomes if outcome.index not in first} == {
        (SendStatus.NOT_SENT, JOB_STOPPED)
    }


async def test_a_send_cancelled_during_a_resend_after_two_look_ups_has_one_outcome_each() -> None:
    """Both look-ups found half the lost batch ACCEPTED and proved the rest missing, which is
    resent; cancelled while the resend is out, each recipient has one outcome: the first
    half as the look-ups found it (once, though both found it), the rest UNKNOWN."""
    resend_out = asyncio.Event()

    class _FindsHalfTwice(FakeGateway):
        looked_up = 0

        async def reconcile_batch(
            self, message: Message, batch: Batch, attempt: BatchAttempt
        ) -> Sequence[RecipientOutcome] | None:
            self.looked_up += 1
            half = len(batch.indexes) // 2
            found = batch.outcomes(SendStatus.ACCEPTED, request_id=f"found-{self.looked_up}")
            missing = batch.outcomes(SendStatus.NOT_SENT, code=NOT_RECEIVED)
            return [*found[:half], *missing[half:]]

    async def lose_first_answer_and_hold_the_resend(request: FakeRequest) -> None:
        if request.request_id == "fake-1":
            raise errors.RequestTimeoutError("read timeout")
        resend_out.set()
        await asyncio.Event().wait()

    gateway = _FindsHalfTwice(
        batch_size=4,
        on_request=lose_first_answer_and_hold_the_resend,
        reconcile=True,
        resend_missing=True,
        reconcile_delay=0.001,
    )
    progress = SendProgress()
    sending = asyncio.create_task(gateway.send(message(list(numbers(4))), progress=progress))
    await resend_out.wait()
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending
    report = progress.report()
    assert gateway.looked_up == 2
    assert sorted(outcome.index for outcome in report.outcomes) == [0, 1, 2, 3]
    assert [(outcome.status, outcome.request_id) for outcome in report.outcomes[:2]] == [
        (SendStatus.ACCEPTED, "found-2")
    ] * 2
    assert {(outcome.status, outcome.code) for outcome in report.outcomes[2:]} == {(SendStatus.UNKNOWN, CANCELLED)}


async def test_a_batch_task_cancelled_by_other_code_is_cancelled_not_stopped() -> None:
    """Code outside the send cancelled one batch's task while its request was out: that
    batch is UNKNOWN (``cancelled``), not put down to a stop that never happened, and the
    send goes on."""

    async def cancel_the_second(request: FakeRequest) -> None:
        if request.request_id == "fake-2":
            task = asyncio.current_task()
            assert task is not None
            task.cancel()
        await asyncio.sleep(0)

    gateway = FakeGateway(batch_size=2, max_concurrency=1, on_request=cancel_the_second)
    report = await gateway.send(message(list(numbers(6))))
    assert report.error is None
    assert [(outcome.status, outcome.code) for outcome in report.outcomes] == [
        (SendStatus.ACCEPTED, None),
        (SendStatus.ACCEPTED, None),
        (SendStatus.UNKNOWN, CANCELLED),
        (SendStatus.UNKNOWN, CANCELLED),
        (SendStatus.ACCEPTED, None),
        (SendStatus.ACCEPTED, None),
    ]


class _SignalsReconciled(NhnGateway):
    """An NHN gateway that tells when reconciliation settled a batch."""

    def __init__(self, settled: asyncio.Event, **options: Any):
        super().__init__(**options)
        self.settled = settled

    def reconciled(self, attempt: BatchAttempt, outcomes: Sequence[RecipientOutcome]) -> None:
        self.settled.set()


async def test_a_send_cancelled_before_its_resend_left_counts_only_the_lost_request() -> None:
    """The batch's request got a 500 before NHN took it, the look-up proved it missing, and
    its resend waits for its rate slot when the send is cancelled: the provider saw one
    request, and the recipients stay NOT_SENT as the look-up found them."""
    app = create_app(EmulatorConfig(faults=Faults(server_error_rate=1.0)))
    settled = asyncio.Event()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
    gateway = _SignalsReconciled(
        settled,
        app_key=DEMO_NHN_APP_KEY,
        base_url="http://emulator",
        http_client=client,
        retry=NO_RETRIES,
        reconcile_delay=0,
        resend_missing=True,
        requests_per_second=0.001,  # the resend's slot is 1,000 s after the first request's
    )
    progress = SendProgress()
    async with gateway:
        sending = asyncio.create_task(
            gateway.send(Message(sender="15446859", text="안녕", recipients=["01000000001"]), progress=progress)
        )
        await settled.wait()
        sending.cancel()
        with pytest.raises(asyncio.CancelledError):
            await sending
    report = progress.report()
    assert [(outcome.status, outcome.code) for outcome in report.outcomes] == [(SendStatus.NOT_SENT, NOT_RECEIVED)]
    assert report.requests == 1

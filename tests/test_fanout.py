"""Fan-out: batching, grouping, exact accounting, fatal stops, reconciliation, cancellation."""

from __future__ import annotations

import asyncio
import collections
import functools
import itertools
import threading
import time
from collections.abc import AsyncIterator, Callable, Hashable, Iterator, Sequence
from contextlib import aclosing
from datetime import datetime, timedelta, timezone
from typing import Any

import anyio
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from krsms import (
    DeliveryStatus,
    KrSmsError,
    Message,
    MessageKind,
    Recipient,
    RecipientOutcome,
    Recipients,
    SendPlan,
    SendProgress,
    SendReport,
    SendStatus,
    SmsGateway,
    ValidationError,
    errors,
)
from krsms.fanout import (
    CANCELLED,
    JOB_STOPPED,
    LOCAL_INVALID,
    NOT_RECEIVED,
    SEND_FAILED,
    VALIDATION_SLICE,
    Batch,
    BatchAttempt,
    pacing,
)
from krsms.fanout.batching import Batcher
from krsms.fanout.sources import Run
from krsms.testing import FakeGateway, FakeRequest, numbers
from krsms.validation import RecipientResolver, check_reservation

SENDER = "0212345678"


def message(recipients: object = (), **fields: object) -> Message:
    fields.setdefault("text", "안녕하세요")
    return Message(sender=SENDER, recipients=recipients, **fields)  # type: ignore[arg-type]


def assert_exactly_one_outcome_each(report: SendReport, count: int) -> None:
    assert [outcome.index for outcome in report.outcomes] == list(range(count))


async def test_ten_thousand_recipients_split_exactly_at_the_batch_size() -> None:
    gateway = FakeGateway(batch_size=100)
    recipients = list(numbers(10_000))
    report = await gateway.send(message(recipients))
    assert [len(request.recipients) for request in gateway.requests] == [100] * 100
    assert_exactly_one_outcome_each(report, 10_000)
    assert [outcome.recipient.number for outcome in report.outcomes] == recipients
    assert report.all_accepted
    assert report.requests == 100
    assert sorted(gateway.sent_to()) == sorted(recipients)


async def test_a_remainder_becomes_a_last_smaller_batch() -> None:
    gateway = FakeGateway(batch_size=1000)
    await gateway.send(message(list(numbers(2500))))
    assert sorted(len(request.recipients) for request in gateway.requests) == [500, 1000, 1000]


async def test_numbers_are_normalised_and_outcomes_keep_input_order() -> None:
    gateway = FakeGateway(batch_size=2)
    report = await gateway.send(message(["010-0000-0003", "010 0000 0001", Recipient(number="01000000002")]))
    assert [outcome.recipient.number for outcome in report.outcomes] == [
        "01000000003",
        "01000000001",
        "01000000002",
    ]


async def test_recipients_with_their_own_text_are_grouped_into_separate_requests() -> None:
    gateway = FakeGateway(batch_size=100)
    recipients = [Recipient(number=number, text=f"쿠폰 {index % 3}") for index, number in enumerate(numbers(30))]
    report = await gateway.send(message(recipients))
    assert len(gateway.requests) == 3
    for request in gateway.requests:
        assert len({recipient.text for recipient in request.recipients}) == 1
    assert report.all_accepted


async def test_long_per_recipient_text_is_sent_as_lms_in_its_own_batch() -> None:
    gateway = FakeGateway(batch_size=100)
    await gateway.send(message(["01000000001", Recipient(number="01000000002", text="가" * 46, subject="제목")]))
    assert sorted(request.kind.value for request in gateway.requests) == ["LMS", "SMS"]


async def test_invalid_input_raises_before_any_request() -> None:
    gateway = FakeGateway()
    with pytest.raises(ValidationError) as caught:
        await gateway.send(message(["01000000001", "010-12"]))
    assert caught.value.field == "recipients[1].number"
    assert gateway.requests == []
    with pytest.raises(ValidationError, match="text"):
        await gateway.send(message(["01000000001"], text="😀"))
    with pytest.raises(ValidationError, match="recipients"):
        await gateway.send(message([]))
    assert gateway.requests == []


async def test_provider_refusals_are_rejected_with_their_code() -> None:
    gateway = FakeGateway()
    gateway.reject_number("01000000001", code="-2019")
    report = await gateway.send(message(list(numbers(3))))
    statuses = [(outcome.status, outcome.code) for outcome in report.outcomes]
    assert statuses == [
        (SendStatus.ACCEPTED, None),
        (SendStatus.REJECTED, "-2019"),
        (SendStatus.ACCEPTED, None),
    ]


async def test_a_fatal_error_stops_the_job_and_the_rest_is_not_sent() -> None:
    def refuse_third(request: FakeRequest) -> None:
        if request.request_id == "fake-3":
            raise errors.AuthenticationError("bad key", provider="fake", status_code=401)

    gateway = FakeGateway(batch_size=10, max_concurrency=1, on_request=refuse_third)
    report = await gateway.send(message(list(numbers(100))))
    counts = report.counts()
    assert counts[SendStatus.ACCEPTED] == 20
    assert counts[SendStatus.REJECTED] == 10
    assert counts[SendStatus.NOT_SENT] == 70
    assert {outcome.code for outcome in report.with_status(SendStatus.NOT_SENT)} == {JOB_STOPPED}
    assert len(gateway.requests) == 2  # nothing after the fatal answer reached the provider
    assert isinstance(report.error, errors.AuthenticationError)
    assert_exactly_one_outcome_each(report, 100)


async def test_a_fatal_error_stops_batches_still_waiting_for_their_rate_slot() -> None:
    """Four batches start together and three wait for rate slots 0.5 s apart: once the first
    answers with a fatal error, none of them leaves."""

    def refuse_first(request: FakeRequest) -> None:
        raise errors.AuthenticationError("bad key", provider="fake", status_code=401)

    gateway = FakeGateway(batch_size=10, max_concurrency=4, requests_per_second=2, on_request=refuse_first)
    report = await gateway.send(message(list(numbers(40))))
    assert report.requests == 1  # the one that left was refused; no other left after it
    assert [report.counts()[status] for status in (SendStatus.REJECTED, SendStatus.NOT_SENT)] == [10, 30]
    assert {outcome.code for outcome in report.with_status(SendStatus.NOT_SENT)} == {JOB_STOPPED}
    assert_exactly_one_outcome_each(report, 40)


async def test_the_fatal_answer_stops_the_batches_still_on_their_way() -> None:
    """The batches of a wave start together; the first is refused with a bad key at once,
    while the second is still on its way to the provider (two loop passes): it must be
    stopped there, NOT_SENT, not reach the provider after the answer that stopped the job."""
    reached: list[str] = []

    async def refuse_first(request: FakeRequest) -> None:
        if request.request_id == "fake-1":
            reached.append(request.request_id)
            raise errors.AuthenticationError("bad key", provider="fake", status_code=401)
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        reached.append(request.request_id)

    gateway = FakeGateway(batch_size=1, max_concurrency=2, on_request=refuse_first)
    report = await gateway.send(message(list(numbers(2))))
    assert reached == ["fake-1"]
    assert [(outcome.status, outcome.code) for outcome in report.outcomes] == [
        (SendStatus.REJECTED, "AuthenticationError"),
        (SendStatus.NOT_SENT, JOB_STOPPED),
    ]


async def test_no_batch_starts_after_a_fatal_answer_that_came_while_the_source_was_read() -> None:
    """The first batch is refused with a fatal error while the stream's source takes its
    time: the next batch, read after the answer came, is not sent."""
    asked: list[str] = []

    def refuse(request: FakeRequest) -> None:
        asked.append(request.request_id)
        raise errors.AuthenticationError("bad key", provider="fake", status_code=401)

    async def slow_source() -> AsyncIterator[str]:
        for number in numbers(10):
            yield number
        await asyncio.sleep(0.2)  # the first batch's answer comes meanwhile
        for number in numbers(10, start=10):
            yield number

    gateway = FakeGateway(batch_size=10, max_concurrency=4, on_request=refuse)
    outcomes: list[RecipientOutcome] = []
    async with aclosing(gateway.send_stream(message(), slow_source())) as reports:
        async for report in reports:
            outcomes.extend(report.outcomes)
    assert asked == ["fake-1"]
    assert sorted((outcome.index, outcome.status) for outcome in outcomes) == [
        *((index, SendStatus.REJECTED) for index in range(10)),
        *((index, SendStatus.NOT_SENT) for index in range(10, 20)),
    ]
    assert {outcome.code for outcome in outcomes if outcome.status is SendStatus.NOT_SENT} == {JOB_STOPPED}


@pytest.mark.parametrize(
    ("failure", "status"),
    [
        (errors.RateLimitedError("slow down", provider="fake"), SendStatus.NOT_SENT),
        (errors.ConnectError("refused"), SendStatus.NOT_SENT),
        (errors.ServerError("boom", provider="fake", status_code=500), SendStatus.UNKNOWN),
        (errors.RequestTimeoutError("no answer"), SendStatus.UNKNOWN),
        (errors.BadRequestError("no", provider="fake", status_code=400, code="E1"), SendStatus.REJECTED),
    ],
)
async def test_each_failure_kind_gets_its_outcome(failure: KrSmsError, status: SendStatus) -> None:
    def fail_second(request: FakeRequest) -> None:
        if request.request_id == "fake-2":
            raise failure

    gateway = FakeGateway(batch_size=10, max_concurrency=1, on_request=fail_second)
    report = await gateway.send(message(list(numbers(30))))
    assert [outcome.status for outcome in report.outcomes[10:20]] == [status] * 10
    assert report.counts()[SendStatus.ACCEPTED] == 20
    assert report.error is None


async def test_reconciliation_finds_a_batch_whose_answer_was_lost() -> None:
    def lose_first_answer(request: FakeRequest) -> None:
        if request.request_id == "fake-1":
            raise errors.RequestTimeoutError("read timeout")

    gateway = FakeGateway(batch_size=10, max_concurrency=1, on_answer=lose_first_answer, reconcile=True)
    report = await gateway.send(message(list(numbers(20))))
    assert report.all_accepted
    assert report.outcomes[0].request_id == "fake-1"
    assert len(gateway.requests) == 2


async def test_reconciliation_resends_only_what_provably_never_arrived_when_asked() -> None:
    failed_once: set[str] = set()

    def fail_before_arrival(request: FakeRequest) -> None:
        if not failed_once:
            failed_once.add(request.request_id)
            raise errors.ServerError("503 before processing", provider="fake", status_code=503)

    gateway = FakeGateway(
        batch_size=10, max_concurrency=1, on_request=fail_before_arrival, reconcile=True, resend_missing=True
    )
    report = await gateway.send(message(list(numbers(20))))
    assert report.all_accepted
    assert sorted(gateway.sent_to()) == sorted(numbers(20))  # each exactly once


async def test_without_resend_a_missing_batch_is_reported_not_sent() -> None:
    def fail_first(request: FakeRequest) -> None:
        if request.request_id == "fake-1":
            raise errors.ServerError("boom", provider="fake", status_code=500)

    gateway = FakeGateway(batch_size=10, max_concurrency=1, on_request=fail_first, reconcile=True)
    report = await gateway.send(message(list(numbers(20))))
    assert report.counts()[SendStatus.NOT_SENT] == 10
    assert {outcome.code for outcome in report.with_status(SendStatus.NOT_SENT)} == {NOT_RECEIVED}  # as real gateways
    assert report.counts()[SendStatus.ACCEPTED] == 10


async def test_batches_run_concurrently_up_to_the_limit() -> None:
    gateway = FakeGateway(batch_size=10, max_concurrency=4, latency=0.01)
    await gateway.send(message(list(numbers(200))))
    assert gateway.peak_in_flight == 4


async def test_cancellation_leaves_a_complete_report() -> None:
    gateway = FakeGateway(batch_size=10, max_concurrency=2, latency=0.02)
    progress = SendProgress()
    batches_done = asyncio.Event()
    progress.on_batch = lambda report: batches_done.set() if progress.settled >= 40 else None
    task = asyncio.create_task(gateway.send(message(list(numbers(1000))), progress=progress))
    await asyncio.wait_for(batches_done.wait(), timeout=10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    report = progress.report()
    assert report.cancelled
    assert_exactly_one_outcome_each(report, 1000)
    arrived = set(gateway.sent_to())
    for outcome in report.outcomes:
        if outcome.status is SendStatus.ACCEPTED:
            assert outcome.recipient.number in arrived
        if outcome.status is SendStatus.NOT_SENT:
            assert outcome.recipient.number not in arrived
            assert outcome.code == CANCELLED
    assert report.counts()[SendStatus.UNKNOWN] <= 2 * 10  # at most the batches in flight
    assert report.counts()[SendStatus.NOT_SENT] > 0


async def test_an_anyio_cancel_scope_still_leaves_a_complete_report_and_no_task_running() -> None:
    """anyio re-delivers a cancellation at every await in its scope: settling must survive it."""
    gateway = FakeGateway(batch_size=10, max_concurrency=2, latency=0.05, drain_timeout=5.0)
    progress = SendProgress()
    with anyio.move_on_after(0.12):
        await gateway.send(message(list(numbers(500))), progress=progress)
    report = progress.report()
    assert report.cancelled
    assert_exactly_one_outcome_each(report, 500)
    # drain_timeout let the in-flight batches finish: their real outcome, not UNKNOWN
    assert report.counts()[SendStatus.UNKNOWN] == 0
    assert {outcome.recipient.number for outcome in report.accepted} == set(gateway.sent_to())
    assert [task for task in asyncio.all_tasks() if task is not asyncio.current_task()] == []


async def test_the_drain_lets_requests_out_finish_and_starts_none_waiting_for_their_rate_slot() -> None:
    gateway = FakeGateway(batch_size=10, max_concurrency=4, latency=0.2, requests_per_second=2, drain_timeout=30.0)
    progress = SendProgress()
    task = asyncio.create_task(gateway.send(message(list(numbers(40))), progress=progress))
    await asyncio.sleep(0.05)  # the first batch is out; three wait for slots 0.5 s apart
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    report = progress.report()
    assert_exactly_one_outcome_each(report, 40)
    assert len(gateway.requests) == 1  # drained, and nothing started after the cancel
    assert report.counts()[SendStatus.ACCEPTED] == 10
    assert {outcome.code for outcome in report.with_status(SendStatus.NOT_SENT)} == {CANCELLED}


async def test_the_drain_starts_no_resend_for_a_batch_found_missing_after_the_cancel() -> None:
    """Cancelled while the resend of what never arrived waits for its rate slot: the drain
    lets the batch finish, and what never arrived stays NOT_SENT rather than going out after
    the cancellation."""
    failed_once: list[str] = []

    def fail_first_before_arrival(request: FakeRequest) -> None:
        if not failed_once:
            failed_once.append(request.request_id)
            raise errors.ServerError("503 before processing", provider="fake", status_code=503)

    gateway = FakeGateway(
        batch_size=10,
        max_concurrency=1,
        on_request=fail_first_before_arrival,
        reconcile=True,
        resend_missing=True,
        requests_per_second=2,
        drain_timeout=5.0,
    )
    progress = SendProgress()
    task = asyncio.create_task(gateway.send(message(list(numbers(10))), progress=progress))
    await asyncio.sleep(0.1)  # the resend waits 0.5 s for its slot
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    report = progress.report()
    assert gateway.requests == []  # nothing arrived, and no resend left after the cancel
    assert report.counts()[SendStatus.NOT_SENT] == 10
    assert {outcome.code for outcome in report.outcomes} == {NOT_RECEIVED}


async def test_a_resend_waits_for_its_rate_slot() -> None:
    starts: list[float] = []

    def fail_first_before_arrival(request: FakeRequest) -> None:
        starts.append(asyncio.get_running_loop().time())
        if len(starts) == 1:
            raise errors.ServerError("503 before processing", provider="fake", status_code=503)

    gateway = FakeGateway(
        batch_size=10,
        max_concurrency=1,
        requests_per_second=20,
        on_request=fail_first_before_arrival,
        reconcile=True,
        resend_missing=True,
    )
    assert (await gateway.send(message(list(numbers(10))))).all_accepted
    assert len(starts) == 2
    assert starts[1] - starts[0] >= 0.05 - 0.002  # the provider's limit counts the resend too


class _LeavesOneOut(FakeGateway):
    """A gateway whose hooks answer for every recipient of a batch but its last."""

    async def send_batch(self, message: Message, batch: Batch, attempt: BatchAttempt) -> Sequence[RecipientOutcome]:
        answered = await super().send_batch(message, batch, attempt)
        return answered if self.reconcile else answered[:-1]

    async def reconcile_batch(
        self, message: Message, batch: Batch, attempt: BatchAttempt
    ) -> Sequence[RecipientOutcome] | None:
        found = await super().reconcile_batch(message, batch, attempt)
        return None if found is None else found[:-1]


@pytest.mark.parametrize("hook", ["send_batch", "reconcile_batch"])
async def test_a_gateway_hook_that_leaves_a_recipient_out_stops_the_send_with_every_outcome_kept(hook: str) -> None:
    # The outcomes a hook gave were taken as they were: the recipient left out had none,
    # and the report was one short without a word.
    def lose_answer(request: FakeRequest) -> None:
        raise errors.RequestTimeoutError("read timeout")

    reconciling = hook == "reconcile_batch"
    gateway = _LeavesOneOut(
        batch_size=10, max_concurrency=1, reconcile=reconciling, on_answer=lose_answer if reconciling else None
    )
    progress = SendProgress()
    with pytest.raises(ValueError, match=f"_LeavesOneOut.{hook} gave 9 outcomes for a batch of 10"):
        await gateway.send(message(list(numbers(30))), progress=progress)
    report = progress.report()
    assert_exactly_one_outcome_each(report, 30)
    assert [(outcome.status, outcome.code) for outcome in report.outcomes[:10]] == [
        (SendStatus.UNKNOWN, SEND_FAILED)
    ] * 10
    assert {(outcome.status, outcome.code) for outcome in report.outcomes[10:]} == {(SendStatus.NOT_SENT, CANCELLED)}


async def test_a_batch_task_cancelled_by_other_code_is_settled_and_the_send_goes_on() -> None:
    def cancel_the_second(request: FakeRequest) -> None:
        if request.request_id == "fake-2":
            task = asyncio.current_task()
            assert task is not None
            task.cancel()

    async def slow_cancel_the_second(request: FakeRequest) -> None:
        cancel_the_second(request)
        await asyncio.sleep(0)

    gateway = FakeGateway(batch_size=10, max_concurrency=1, on_request=slow_cancel_the_second)
    report = await gateway.send(message(list(numbers(50))))
    assert_exactly_one_outcome_each(report, 50)
    assert report.counts()[SendStatus.ACCEPTED] == 40
    assert not report.cancelled


async def test_on_sending_is_awaited_with_each_batch_before_its_request_leaves() -> None:
    events: list[tuple[str, tuple[str, ...]]] = []

    async def on_sending(recipients: tuple[Recipient, ...]) -> None:
        await asyncio.sleep(0)
        events.append(("journaled", tuple(recipient.number for recipient in recipients)))

    def on_request(request: FakeRequest) -> None:
        events.append(("sent", tuple(recipient.number for recipient in request.recipients)))

    gateway = FakeGateway(batch_size=10, max_concurrency=1, on_request=on_request)
    report = await gateway.send(message(list(numbers(30))), progress=SendProgress(on_sending=on_sending))
    assert report.all_accepted
    batches = [tuple(numbers(30))[start : start + 10] for start in (0, 10, 20)]
    assert events == [(event, batch) for batch in batches for event in ("journaled", "sent")]


async def test_a_failing_on_sending_sends_nothing_of_its_batch_and_stops_the_send() -> None:
    everyone = list(numbers(30))

    async def on_sending(recipients: tuple[Recipient, ...]) -> None:
        if recipients[0].number == everyone[10]:
            raise OSError("disk full")

    gateway = FakeGateway(batch_size=10, max_concurrency=1)
    progress = SendProgress(on_sending=on_sending)
    with pytest.raises(OSError, match="disk full"):
        await gateway.send(message(everyone), progress=progress)
    report = progress.report()
    assert_exactly_one_outcome_each(report, 30)
    assert sorted(gateway.sent_to()) == everyone[:10]
    assert {outcome.status for outcome in report.outcomes[10:]} == {SendStatus.NOT_SENT}
    assert {outcome.code for outcome in report.outcomes[10:20]} == {SEND_FAILED}  # its own batch
    assert {outcome.code for outcome in report.outcomes[20:]} == {CANCELLED}  # never started


async def test_a_plain_function_as_on_sending_stops_the_send_saying_it_must_be_async() -> None:
    """A plain function is called with the first batch and returns None, not an awaitable:
    the send stops with a TypeError that says what on_sending must be (it was Python's own
    "object NoneType can't be used in 'await' expression"), nothing of that batch sent."""
    written: list[int] = []
    gateway = FakeGateway(batch_size=10, max_concurrency=1)

    def on_sending(recipients: Recipients) -> None:
        written.append(len(recipients))

    progress = SendProgress(on_sending=on_sending)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"on_sending must be a coroutine function \(async def\): it returned NoneType"):
        await gateway.send(message(list(numbers(20))), progress=progress)
    report = progress.report()
    assert_exactly_one_outcome_each(report, 20)
    assert written == [10]
    assert gateway.sent_to() == []
    assert {outcome.status for outcome in report.outcomes} == {SendStatus.NOT_SENT}


def test_an_on_batch_that_cannot_be_called_is_refused() -> None:
    """It failed at the first batch with Python's "'int' object is not callable"."""
    with pytest.raises(TypeError, match="on_batch must be a function, not int"):
        SendProgress(on_batch=5)  # type: ignore[arg-type]


def test_an_on_sending_that_cannot_be_called_is_refused() -> None:
    with pytest.raises(TypeError, match="on_sending must be a coroutine function"):
        SendProgress(on_sending="journal.log")  # type: ignore[arg-type]


def test_an_async_progress_callback_is_refused() -> None:
    async def on_batch(report: SendReport) -> None:
        pass

    with pytest.raises(TypeError, match="plain function"):
        SendProgress(on_batch=on_batch)  # type: ignore[arg-type]


async def test_a_second_cancellation_while_draining_still_records_every_recipient() -> None:
    gateway = FakeGateway(batch_size=10, max_concurrency=2, latency=0.5, drain_timeout=30.0)
    progress = SendProgress()
    task = asyncio.create_task(gateway.send(message(list(numbers(500))), progress=progress))
    await asyncio.sleep(0.05)
    task.cancel()
    await asyncio.sleep(0.05)  # now draining the two batches in flight
    task.cancel()  # a second Ctrl-C
    with pytest.raises(asyncio.CancelledError):
        await task
    report = progress.report()
    assert_exactly_one_outcome_each(report, 500)
    assert report.counts()[SendStatus.UNKNOWN] == 20  # the two batches in flight may have arrived
    await asyncio.sleep(0.01)
    assert progress.report().elapsed == report.elapsed  # the send's clock stopped with it
    assert [task for task in asyncio.all_tasks() if task is not asyncio.current_task()] == []


async def test_a_failing_progress_callback_stops_the_send_with_every_recipient_recorded() -> None:
    gateway = FakeGateway(batch_size=10, max_concurrency=2, latency=0.01)

    def on_batch(report: SendReport) -> None:
        raise OSError("disk full")

    progress = SendProgress(on_batch=on_batch)
    with pytest.raises(OSError, match="disk full"):
        await gateway.send(
            message([*list(numbers(45)), Recipient(number="01099999999", text="개인")]), progress=progress
        )
    report = progress.report()
    assert_exactly_one_outcome_each(report, 46)
    assert {outcome.recipient.number for outcome in report.accepted} <= set(gateway.sent_to())


async def test_a_long_run_of_invalid_entries_is_reported_in_bounded_chunks() -> None:
    gateway = FakeGateway(batch_size=100)

    def source() -> Iterator[str]:
        yield from ["not-a-number"] * 2_000
        yield "01000000001"

    sizes = [len(report.outcomes) async for report in gateway.send_stream(message(), source())]
    assert sum(sizes) == 2_001
    assert max(sizes) == 100
    assert gateway.sent_to() == ["01000000001"]


class LoopTurns:
    """Counts the turns another task gets on the event loop while it runs."""

    def __init__(self) -> None:
        self.count = 0
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> LoopTurns:
        self._task = asyncio.create_task(self._tick())
        await asyncio.sleep(0)
        self.count = 0
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._task is not None
        self._task.cancel()

    async def _tick(self) -> None:
        while True:
            self.count += 1
            await asyncio.sleep(0)


async def test_a_stream_lets_the_event_loop_run_while_it_validates() -> None:
    gateway = FakeGateway(batch_size=1000)
    async with LoopTurns() as turns:
        async for _ in gateway.send_stream(message(), ["not-a-number"] * (3 * VALIDATION_SLICE)):
            pass
    assert turns.count >= 3


async def test_a_stream_yields_a_report_per_batch_and_marks_invalid_numbers() -> None:
    gateway = FakeGateway(batch_size=100)

    def source() -> Iterator[str]:
        yield from numbers(250)
        yield "not-a-number"

    reports = [report async for report in gateway.send_stream(message(), source())]
    outcomes = [outcome for report in reports for outcome in report.outcomes]
    assert sorted(outcome.index for outcome in outcomes) == list(range(251))
    invalid = [outcome for outcome in outcomes if outcome.code == LOCAL_INVALID]
    assert len(invalid) == 1
    assert invalid[0].status is SendStatus.NOT_SENT
    assert "recipients[250].number" in (invalid[0].detail or "")
    assert sorted(len(request.recipients) for request in gateway.requests) == [50, 100, 100]


async def test_a_stream_takes_a_chunk_of_clean_numbers_as_one_run_and_others_one_by_one() -> None:
    gateway = FakeGateway(batch_size=3)
    given = ["01000000000", "01000000001", "01000000002"]  # the first sets what bare numbers share
    given += ["01000000003", "01000000004", "01000000005"]  # clean: one run
    given += ["010-0000-0006", "01000000007", "01000000008"]  # one to normalise
    given += ["01000000009", "not-a-number", "01000000011"]  # one invalid
    resolver = RecipientResolver(message(), gateway.rules)

    chunks = [chunk async for chunk in gateway._resolve_chunks(resolver, given)]

    sms = MessageKind.SMS
    assert chunks[0] == [(0, "01000000000", sms), (1, "01000000001", sms), (2, "01000000002", sms)]
    assert chunks[1] == [Run(3, ["01000000003", "01000000004", "01000000005"], sms)]
    assert chunks[2] == [(6, "01000000006", sms), (7, "01000000007", sms), (8, "01000000008", sms)]
    assert chunks[3][0] == (9, "01000000009", sms)
    assert isinstance(chunks[3][1], RecipientOutcome)
    assert chunks[3][1].code == LOCAL_INVALID
    assert chunks[3][2] == (11, "01000000011", sms)
    reports = [report async for report in gateway.send_stream(message(), given)]
    sent = sorted(outcome.index for report in reports for outcome in report.outcomes if outcome.code != LOCAL_INVALID)
    assert sent == [index for index in range(12) if index != 10]


async def test_a_stream_reads_async_iterables() -> None:
    gateway = FakeGateway(batch_size=7)

    async def source() -> AsyncIterator[Recipient]:
        for number in numbers(20):
            yield Recipient(number=number)

    settled = sum([len(report.outcomes) async for report in gateway.send_stream(message(), source())])
    assert settled == 20


async def test_a_batch_that_finishes_while_the_source_waits_is_reported_at_once() -> None:
    """A source that gives a batch and a half, then waits (a queue, a paginated API): the
    first batch's report reaches ``on_batch`` and the consumer while the source still waits.
    Here the source waits for that very report, so holding it back would never end."""
    gateway = FakeGateway(batch_size=10, max_concurrency=4)
    first_report_seen = asyncio.Event()
    reported_while_the_source_waited: list[int] = []

    def on_batch(report: SendReport) -> None:
        if not first_report_seen.is_set():
            reported_while_the_source_waited.append(len(report.outcomes))

    async def waiting_source() -> AsyncIterator[str]:
        for number in numbers(15):
            yield number
        await first_report_seen.wait()
        for number in numbers(5, start=15):
            yield number

    async def consume() -> list[int]:
        sizes = []
        stream = gateway.send_stream(message(), waiting_source(), progress=SendProgress(on_batch=on_batch))
        async with aclosing(stream) as reports:
            async for report in reports:
                sizes.append(len(report.outcomes))
                first_report_seen.set()
        return sizes

    assert await asyncio.wait_for(consume(), timeout=5) == [10, 10]
    assert reported_while_the_source_waited == [10]


async def test_max_batch_delay_sends_what_waits_once_the_source_gives_nothing_new() -> None:
    """A queue that trickles: three recipients, then more only once those went out. Without
    the delay their batch would wait to fill for ever."""
    first_sent = asyncio.Event()
    gateway = FakeGateway(batch_size=10, max_concurrency=2, on_request=lambda request: first_sent.set())

    async def trickling_source() -> AsyncIterator[str]:
        for number in numbers(3):
            yield number
        await first_sent.wait()
        for number in numbers(2, start=3):
            yield number

    async def consume() -> list[list[int]]:
        stream = gateway.send_stream(message(), trickling_source(), max_batch_delay=0.05)
        async with aclosing(stream) as reports:
            return [[outcome.index for outcome in report.outcomes] async for report in reports]

    assert await asyncio.wait_for(consume(), timeout=5) == [[0, 1, 2], [3, 4]]
    assert [len(request.recipients) for request in gateway.requests] == [3, 2]


async def test_max_batch_delay_counts_from_the_first_recipient_waiting_however_many_come_since() -> None:
    """A queue that trickles faster than the delay: a recipient every 5 ms, a delay of 50 ms
    and batches of 40. The first ones go after about the delay, not once their batch is full
    (200 ms on), although the source never pauses as long as the delay."""
    gateway = FakeGateway(batch_size=40, max_concurrency=2)

    async def trickling_source() -> AsyncIterator[str]:
        for number in numbers(40):
            await asyncio.sleep(0.005)
            yield number

    async def consume() -> None:
        async with aclosing(gateway.send_stream(message(), trickling_source(), max_batch_delay=0.05)) as reports:
            async for _ in reports:
                pass

    await asyncio.wait_for(consume(), timeout=5)
    sizes = [len(request.recipients) for request in gateway.requests]
    assert sum(sizes) == 40
    assert len(sizes) > 1
    assert sizes[0] < 40


async def test_max_batch_delay_sends_as_many_groups_as_may_start_and_keeps_memory_bounded() -> None:
    """Two full batches out and unanswered, one slot left, then 30 recipients in 30 groups
    (as NHN groups per-recipient texts) that wait past the delay, then more. One group due
    goes, to the free slot; the others wait in the batcher, which bounds what is read. Had
    they all gone, to wait for a slot outside it, the batcher would have taken 30 more."""
    batch_size, concurrency = 10, 3
    answered = asyncio.Event()

    async def unanswered_for_now(request: FakeRequest) -> None:
        await answered.wait()

    gateway = FakeGateway(batch_size=batch_size, max_concurrency=concurrency, on_request=unanswered_for_now)
    pulled = 0

    async def source() -> AsyncIterator[str | Recipient]:
        nonlocal pulled
        for number in numbers(20):  # two full batches, to two of the three slots
            pulled += 1
            yield number
        for position, number in enumerate(numbers(70, start=20)):
            if position == 30:
                await asyncio.sleep(0.05)  # the 30 before wait past the delay meanwhile
            pulled += 1
            yield Recipient(number=number, text=f"문자 {position}")

    async def answer_later() -> int:
        await asyncio.sleep(0.2)
        answered.set()
        return pulled

    async def consume() -> int:
        settled = 0
        async with aclosing(gateway.send_stream(message(), source(), max_batch_delay=0.01)) as reports:
            async for report in reports:
                settled += len(report.outcomes)
        return settled

    answering = asyncio.create_task(answer_later())
    assert await asyncio.wait_for(consume(), timeout=5) == 90
    read_while_unanswered = await answering
    assert read_while_unanswered <= batch_size * (2 * concurrency + 1)
    assert [len(request.recipients) for request in gateway.requests[:3]] == [10, 10, 1]


def test_the_batcher_releases_the_groups_waiting_longest_first_and_only_those_due() -> None:
    started = iter([0.0, 1.0, 2.0, 3.0])
    batcher = Batcher(10, 100, key=lambda recipient, kind: recipient.text, clock=lambda: next(started))
    for index, text in enumerate(["a", "b", "a", "c", "d"]):  # groups start at 0, 1, 2 and 3
        batcher.add(index, Recipient(number=f"0100000000{index}", text=text), MessageKind.SMS)
    assert batcher.waiting_since == 0.0

    oldest = batcher.release_waiting(1.5, now=3.0, limit=1)
    assert [batch.indexes for batch in oldest] == [(0, 2)]
    assert batcher.waiting_since == 1.0
    due = batcher.release_waiting(1.5, now=3.0, limit=5)
    assert [batch.indexes for batch in due] == [(1,)]  # "c" waited 1.0 and "d" 0.0: not due
    assert batcher.waiting_since == 2.0
    assert batcher.buffered == 2


@pytest.mark.parametrize("delay", [0, -1.0, float("inf"), float("nan"), True, "1"])
async def test_max_batch_delay_must_be_a_positive_number_of_seconds(delay: object) -> None:
    gateway = FakeGateway()
    with pytest.raises(ValidationError, match="max_batch_delay"):
        async for _ in gateway.send_stream(message(), numbers(3), max_batch_delay=delay):  # type: ignore[arg-type]
            pass
    assert gateway.requests == []


async def test_a_stream_keeps_memory_bounded_by_concurrency_times_batch_size() -> None:
    batch_size, concurrency = 50, 3
    gateway = FakeGateway(batch_size=batch_size, max_concurrency=concurrency, latency=0.001)
    pulled = 0
    peak_outstanding = 0
    settled = 0

    def source() -> Iterator[str]:
        nonlocal pulled, peak_outstanding
        for number in numbers(20_000):
            pulled += 1
            peak_outstanding = max(peak_outstanding, pulled - settled)
            yield number

    async for report in gateway.send_stream(message(), source()):
        settled += len(report.outcomes)
    assert settled == 20_000
    # in flight + one batch being filled + reports finished in the same wake-up
    assert peak_outstanding <= batch_size * (2 * concurrency + 1)


async def test_a_stream_left_early_accounts_for_every_recipient_read_from_the_source() -> None:
    """A sync source is read a chunk at a time: what was read but not yet batched counts too."""
    gateway = FakeGateway(batch_size=10, max_concurrency=2, latency=0.02)
    progress = SendProgress()
    pulled = 0

    def source() -> Iterator[str | Recipient]:
        nonlocal pulled
        for position, number in enumerate(numbers(1000)):
            pulled += 1
            # two texts, two groups: a batch fills in the middle of a chunk read from the source
            yield Recipient(number=number, text="다른 문자") if position % 3 == 0 else number

    async with aclosing(gateway.send_stream(message(), source(), progress=progress)) as reports:
        async for _ in reports:
            break
    report = progress.report()
    assert report.cancelled
    assert 0 < pulled < 1000
    assert_exactly_one_outcome_each(report, pulled)
    assert {outcome.recipient.number for outcome in report.accepted} <= set(gateway.sent_to())


@pytest.mark.parametrize("kind", ["async generator", "generator"])
async def test_leaving_a_stream_early_closes_the_generator_it_was_given_at_once(kind: str) -> None:
    """Its ``finally`` (a file it reads, a cursor) runs as the stream is left, not whenever the
    garbage collector finds it; after every recipient it gave is settled."""
    gateway = FakeGateway(batch_size=10, max_concurrency=2, latency=0.01)
    progress = SendProgress()
    pulled = 0
    settled_when_closed: list[int] = []

    def sync_source() -> Iterator[str]:
        nonlocal pulled
        try:
            for number in numbers(1000):
                pulled += 1
                yield number
        finally:
            settled_when_closed.append(progress.settled)

    async def async_source() -> AsyncIterator[str]:
        for number in sync_source():
            yield number

    source = async_source() if kind == "async generator" else sync_source()
    async with aclosing(gateway.send_stream(message(), source, progress=progress)) as reports:
        async for _ in reports:
            break
    assert settled_when_closed == [pulled]
    assert_exactly_one_outcome_each(progress.report(), pulled)


async def test_a_stream_leaves_open_an_iterable_that_is_no_generator() -> None:
    """A list, an open file: what the caller passed stays theirs to close."""

    class Rows:
        """An iterator with a ``close()`` of its own, as a file has."""

        def __init__(self) -> None:
            self.rows = iter(numbers(1000))
            self.closed = False

        def __iter__(self) -> Rows:
            return self

        def __next__(self) -> str:
            return next(self.rows)

        def close(self) -> None:
            self.closed = True

    rows = Rows()
    gateway = FakeGateway(batch_size=10, max_concurrency=2, latency=0.01)
    async with aclosing(gateway.send_stream(message(), rows)) as reports:
        async for _ in reports:
            break
    assert not rows.closed


class _Interrupt(BaseException):
    """Stands for KeyboardInterrupt, which asyncio would re-raise out of the test's loop."""


def _refuse_first(request: FakeRequest) -> None:
    if request.request_id == "fake-1":
        raise errors.AuthenticationError("bad key", provider="fake", status_code=401)


@pytest.mark.parametrize(
    ("failure", "on_request"),
    [
        (RuntimeError("the recipient file is unreadable"), None),
        (_Interrupt(), None),
        (RuntimeError("the recipient file is unreadable"), _refuse_first),
    ],
    ids=["source error", "interrupt (Ctrl-C)", "source error after a fatal stop"],
)
async def test_a_failing_source_keeps_the_outcomes_of_what_it_gave_before(
    failure: BaseException, on_request: Callable[[FakeRequest], None] | None
) -> None:
    gateway = FakeGateway(batch_size=10, max_concurrency=1, on_request=on_request)
    progress = SendProgress()
    requests_at_failure: list[int] = []

    def source() -> Iterator[str]:
        yield "not a number"  # batches no longer line up with what is read at once
        yield from numbers(24)
        requests_at_failure.append(len(gateway.requests))
        raise failure

    with pytest.raises(type(failure)) as raised:
        async for _ in gateway.send_stream(message(), source(), progress=progress):
            pass
    assert raised.value is failure
    report = progress.report()
    assert_exactly_one_outcome_each(report, 25)
    assert {outcome.recipient.number for outcome in report.accepted} == set(gateway.sent_to())
    assert report.counts()[SendStatus.REJECTED] == (10 if on_request else 0)
    assert len(gateway.requests) == requests_at_failure[0]  # nothing sent once the source failed


async def test_a_source_failing_with_batches_in_flight_lets_them_finish_first() -> None:
    """A bad row in the recipient file is not a cancellation: the batches already out end
    with their real outcome (not UNKNOWN), the rest read is NOT_SENT, then the error rises."""
    gateway = FakeGateway(batch_size=10, max_concurrency=4, latency=0.1)
    progress = SendProgress()

    def source() -> Iterator[str]:
        yield from numbers(35)
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")

    with pytest.raises(UnicodeDecodeError):
        async for _ in gateway.send_stream(message(), source(), progress=progress):
            pass
    report = progress.report()
    assert_exactly_one_outcome_each(report, 35)
    assert report.counts()[SendStatus.ACCEPTED] == 30  # three batches were out: they finished
    assert report.counts()[SendStatus.UNKNOWN] == 0
    assert {outcome.code for outcome in report.with_status(SendStatus.NOT_SENT)} == {CANCELLED}
    assert len(gateway.requests) == 3


async def test_leaving_a_stopped_stream_early_keeps_every_outcome() -> None:
    """After a fatal error the rest is reported NOT_SENT batch by batch; leaving in the
    middle of that must not lose the batches not reported yet."""
    gateway = FakeGateway(batch_size=10, max_concurrency=1, on_request=_refuse_first)
    progress = SendProgress()
    texts = ["첫째", "둘째", "셋째"]  # three groups: several batches are still buffered at the stop
    pulled = 0

    def source() -> Iterator[Recipient]:
        nonlocal pulled
        for position, number in enumerate(numbers(100)):
            pulled += 1
            yield Recipient(number=number, text=texts[position % 3])

    async with aclosing(gateway.send_stream(message(), source(), progress=progress)) as reports:
        async for report in reports:
            if report.counts()[SendStatus.NOT_SENT]:
                break
    report = progress.report()
    assert_exactly_one_outcome_each(report, pulled)
    assert report.counts()[SendStatus.REJECTED] > 0
    assert report.counts()[SendStatus.NOT_SENT] > 0


async def test_leaving_a_stream_early_records_what_was_in_flight() -> None:
    gateway = FakeGateway(batch_size=10, max_concurrency=2, latency=0.01)
    progress = SendProgress()
    async with aclosing(gateway.send_stream(message(), numbers(1000), progress=progress)) as reports:
        async for _ in reports:
            break
    assert progress.cancelled
    counts = progress.report().counts()
    assert counts[SendStatus.ACCEPTED] >= 10
    assert counts[SendStatus.ACCEPTED] + counts[SendStatus.UNKNOWN] + counts[SendStatus.NOT_SENT] == progress.settled


@pytest.mark.parametrize("leave", ["stream left early", "send cancelled"])
async def test_an_interrupted_send_calls_on_batch_with_no_empty_batch(leave: str) -> None:
    # Every recipient read was batched or in flight, so nothing was left to settle besides:
    # on_batch was still called with an empty report (a callback reading its first outcome failed).
    both_out = asyncio.Event()

    async def hold(request: FakeRequest) -> None:
        if request.request_id == "fake-2":
            both_out.set()
        await asyncio.sleep(0.05)

    gateway = FakeGateway(batch_size=10, max_concurrency=2, on_request=hold)
    sizes: list[int] = []
    progress = SendProgress(on_batch=lambda batch: sizes.append(len(batch.outcomes)))
    if leave == "stream left early":
        async with aclosing(gateway.send_stream(message(), list(numbers(20)), progress=progress)) as reports:
            async for _ in reports:
                break
    else:
        sending = asyncio.create_task(gateway.send(message(list(numbers(20))), progress=progress))
        await both_out.wait()
        sending.cancel()
        with pytest.raises(asyncio.CancelledError):
            await sending
    assert sum(sizes) == progress.settled == 20
    assert 0 not in sizes


@pytest.fixture
def granted_moments(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The moments the gateways' pacers grant a request, as their clock read them: the
    spacing a rate limit promises, exact whatever the machine's load (the time a request is
    seen to start adds the event loop's own delays, which a busy machine stretches)."""
    granted: list[float] = []
    last_read = threading.local()

    class Clock:
        @staticmethod
        def monotonic() -> float:
            now = last_read.value = time.monotonic()
            return now

    take_moment = pacing.Pacer._take_moment

    async def recorded(pacer: pacing.Pacer) -> None:
        await take_moment(pacer)
        granted.append(last_read.value)  # the moment it took: the clock's last read in this thread

    monkeypatch.setattr(pacing, "time", Clock)
    monkeypatch.setattr(pacing.Pacer, "_take_moment", recorded)
    return granted


async def test_requests_per_second_spaces_batch_starts(granted_moments: list[float]) -> None:
    requests: list[FakeRequest] = []
    gateway = FakeGateway(batch_size=1, max_concurrency=5, requests_per_second=50, on_request=requests.append)
    await gateway.send(message(list(numbers(5))))
    assert len(requests) == len(granted_moments) == 5  # each request waited for its moment
    gaps = [later - earlier for earlier, later in itertools.pairwise(granted_moments)]
    assert min(gaps) >= 1 / 50 - 1e-9  # never sooner than 1/50 s


def test_requests_per_second_holds_across_loops_in_several_threads(granted_moments: list[float]) -> None:
    """Two threads' event loops send through one gateway at the same moment: the rate is the
    gateway's (the provider's limit is per account), not each loop's."""
    requests: list[FakeRequest] = []
    gateway = FakeGateway(batch_size=1, max_concurrency=5, requests_per_second=50, on_request=requests.append)
    ready = threading.Barrier(2)

    async def send() -> None:
        await asyncio.to_thread(ready.wait, 30)  # both loops start sending together
        await gateway.send(message(list(numbers(3))))

    threads = [threading.Thread(target=asyncio.run, args=(send(),)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(requests) == len(granted_moments) == 6
    gaps = [later - earlier for earlier, later in itertools.pairwise(sorted(granted_moments))]
    assert min(gaps) >= 1 / 50 - 1e-9  # never sooner than 1/50 s, counting both loops' requests


async def test_a_send_cancelled_while_waiting_for_its_rate_slot_leaves_no_slot_behind() -> None:
    gateway = FakeGateway(batch_size=1, max_concurrency=20, requests_per_second=2)
    with anyio.move_on_after(0.1):  # one batch goes, nineteen wait for their 0.5 s slots
        await gateway.send(message(list(numbers(20))))
    started = asyncio.get_running_loop().time()
    await gateway.send(message(["01099999999"]))
    # The cancelled waiters took no moments: the next send waits one interval (0.5 s), not
    # behind nineteen phantom slots (9.5 s); the bound leaves a loaded machine 4.5 s.
    assert asyncio.get_running_loop().time() - started < 5.0


async def test_progress_counts_without_keeping_outcomes() -> None:
    gateway = FakeGateway(batch_size=100)
    seen: collections.Counter[SendStatus] = collections.Counter()
    progress = SendProgress(keep_outcomes=False, on_batch=lambda report: seen.update(report.counts()))
    async for _ in gateway.send_stream(message(), numbers(500), progress=progress):
        pass
    assert progress.counts[SendStatus.ACCEPTED] == 500
    assert progress.report().outcomes == ()
    assert seen[SendStatus.ACCEPTED] == 500
    # The report keeps no outcome, and says so in its counts rather than zeros.
    assert progress.report().counts() == {**dict.fromkeys(SendStatus, 0), SendStatus.ACCEPTED: 500}
    assert progress.report().all_accepted


async def test_a_counts_only_report_is_not_all_accepted_when_one_was_rejected() -> None:
    gateway = FakeGateway(batch_size=100)
    gateway.reject_number("01000000003")
    progress = SendProgress(keep_outcomes=False)
    async for _ in gateway.send_stream(message(), numbers(200), progress=progress):
        pass
    report = progress.report()
    assert (report.counts()[SendStatus.REJECTED], report.counts()[SendStatus.ACCEPTED]) == (1, 199)
    assert not report.all_accepted


async def test_a_stream_refuses_a_message_that_carries_recipients() -> None:
    gateway = FakeGateway()
    with pytest.raises(ValidationError, match="must be empty"):
        async for _ in gateway.send_stream(message(["01000000001"]), numbers(1)):
            pass


class _KeyedByParameters(FakeGateway):
    def batch_key(self, message: Message, recipient: Recipient, kind: MessageKind) -> Hashable:
        parameters = recipient.template_parameters or {}
        return (kind, tuple(sorted(parameters.items())))


async def test_the_batch_key_is_asked_for_every_recipient_with_something_of_its_own() -> None:
    """Only number-only recipients share a key asked once: template parameters are the
    recipient's own and may split batches in a gateway that wants them to."""
    gateway = _KeyedByParameters(batch_size=10)
    recipients = [
        Recipient(number="01011112222", template_parameters={"name": "김"}),
        Recipient(number="01033334444", template_parameters={"name": "이"}),
        "01055556666",
        "01077778888",
    ]
    await gateway.send(message(recipients, template_id="welcome"))
    assert sorted(tuple(r.number for r in request.recipients) for request in gateway.requests) == [
        ("01011112222",),
        ("01033334444",),
        ("01055556666", "01077778888"),
    ]


async def test_plan_batches_like_a_send_without_sending() -> None:
    gateway = FakeGateway(batch_size=100)
    recipients = [*numbers(250), "bad", Recipient(number="01099999999", text="가" * 50, subject="제목")]
    plan = await gateway.plan(message(), recipients)
    assert plan.recipients == 252
    assert [outcome.index for outcome in plan.invalid] == [250]
    assert plan.requests == {MessageKind.SMS: 3, MessageKind.LMS: 1}
    assert plan.total_requests == 4
    assert plan.invalid_count == 1
    assert gateway.requests == []


async def test_a_plan_keeps_the_first_invalid_recipients_asked_and_counts_them_all() -> None:
    gateway = FakeGateway(batch_size=100)
    recipients = [f"bad-{position}" for position in range(50)] + list(numbers(10))
    plan = await gateway.plan(message(), recipients, max_invalid=5)
    assert [outcome.index for outcome in plan.invalid] == [0, 1, 2, 3, 4]
    assert (plan.invalid_count, plan.recipients, plan.total_requests) == (50, 60, 1)
    with pytest.raises(ValidationError, match="max_invalid"):
        await gateway.plan(message(), recipients, max_invalid=-1)


def test_a_recipient_reference_comes_back_with_its_outcome() -> None:
    gateway = FakeGateway()
    recipients = [Recipient(number="01000000001", reference="row-7")]
    report = asyncio.run(gateway.send(message(recipients)))
    assert report.outcomes[0].recipient.reference == "row-7"


async def test_an_invalid_streamed_recipient_is_found_by_its_reference_and_its_position() -> None:
    """Its detail names it by its position in the stream, the documented field path, which its
    ``index`` gives; its outcome's recipient is the one given, ``reference`` included."""
    given = [Recipient(number=number, reference=f"user-{number[-2:]}") for number in numbers(20)]
    given[17] = Recipient(number="010-12", reference="user-17")
    progress = SendProgress()
    async for _ in FakeGateway().send_stream(message(), iter(given), progress=progress):
        pass
    [invalid] = progress.report().with_status(SendStatus.NOT_SENT)
    assert (invalid.code, invalid.index, invalid.recipient) == (LOCAL_INVALID, 17, given[17])
    assert invalid.recipient.reference == "user-17"
    assert (invalid.detail or "").startswith("recipients[17].number: ")
    plan = await FakeGateway().plan(message(), given)
    assert [(outcome.index, outcome.recipient.reference) for outcome in plan.invalid] == [(17, "user-17")]


def test_a_report_repr_is_a_summary_not_every_outcome() -> None:
    outcomes = tuple(
        RecipientOutcome(recipient=Recipient(number=number), status=SendStatus.ACCEPTED, index=index)
        for index, number in enumerate(numbers(5000))
    )
    text = repr(SendReport(outcomes=outcomes, requests=50))
    assert text == "SendReport(5000 outcomes: accepted=5000, requests=50, cancelled=False, error=None)"


async def test_send_lets_the_event_loop_run_while_it_validates_a_large_list() -> None:
    turns_before_first_request: list[int] = []
    message = Message(sender="15446859", text="안녕", recipients=list(numbers(4 * VALIDATION_SLICE)))
    async with LoopTurns() as turns:

        def first_request(_: FakeRequest) -> None:
            if not turns_before_first_request:
                turns_before_first_request.append(turns.count)

        report = await FakeGateway(batch_size=1000, on_request=first_request).send(message)
    assert report.all_accepted
    assert turns_before_first_request[0] >= 4, "validation must yield to other tasks every slice"


async def test_cancelled_while_validating_every_recipient_is_not_sent() -> None:
    gateway = FakeGateway(batch_size=1000)
    progress = SendProgress()
    total = 4 * VALIDATION_SLICE
    sending = asyncio.create_task(
        gateway.send(Message(sender="15446859", text="안녕", recipients=list(numbers(total))), progress=progress)
    )
    await asyncio.sleep(0)  # the send starts validating and yields after its first slice
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending
    report = progress.report()
    assert gateway.requests == []
    assert report.cancelled
    assert [outcome.index for outcome in report.outcomes] == list(range(total))
    assert {(outcome.status, outcome.code) for outcome in report.outcomes} == {(SendStatus.NOT_SENT, CANCELLED)}


async def test_a_failing_progress_callback_does_not_turn_a_cancellation_while_validating_into_its_error() -> None:
    # The cancellation settled every recipient with one on_batch call: its failure replaced
    # the CancelledError (the task ended as failed, not cancelled) and the clock never stopped.
    def on_batch(report: SendReport) -> None:
        raise OSError("disk full")

    gateway = FakeGateway(batch_size=1000)
    progress = SendProgress(on_batch=on_batch)
    total = 2 * VALIDATION_SLICE
    sending = asyncio.create_task(gateway.send(message(list(numbers(total))), progress=progress))
    await asyncio.sleep(0)  # the send validates its first slice and yields
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending
    assert sending.cancelled()
    report = progress.report()
    assert [outcome.index for outcome in report.outcomes] == list(range(total))
    assert report.counts()[SendStatus.NOT_SENT] == total
    assert report.elapsed == progress.report().elapsed  # finished: the clock stopped
    assert gateway.requests == []


async def test_cancelled_while_validating_the_validated_recipients_keep_their_normalised_numbers() -> None:
    # Found by the soak: the cancellation reported every recipient as given, the slices
    # already validated included, where every other outcome carries the normalised number.
    gateway = FakeGateway(batch_size=1000)
    progress = SendProgress()
    given = [f"{number[:3]}-{number[3:7]}-{number[7:]}" for number in numbers(2 * VALIDATION_SLICE)]
    sending = asyncio.create_task(
        gateway.send(Message(sender="15446859", text="안녕", recipients=given), progress=progress)
    )
    await asyncio.sleep(0)  # the send validates its first slice and yields
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending
    shown = [outcome.recipient.number for outcome in progress.report().outcomes]
    assert shown[:VALIDATION_SLICE] == [number.replace("-", "") for number in given[:VALIDATION_SLICE]]
    assert shown[VALIDATION_SLICE:] == given[VALIDATION_SLICE:]  # not validated yet: as given


@pytest.mark.parametrize(
    ("seconds_ahead", "refused"),
    [(25, True), (45, False)],  # now is 12:00:20: 12:00:45 goes out as 12:00, 12:01:05 as 12:01
)
def test_a_reservation_must_be_in_the_future_at_the_minute_the_providers_take(
    seconds_ahead: int, refused: bool
) -> None:
    now = datetime(2026, 11, 25, 12, 0, 20, tzinfo=timezone.utc)
    moment = now + timedelta(seconds=seconds_ahead)
    check = functools.partial(check_reservation, moment, None, precision=timedelta(minutes=1), now=now)
    if refused:
        with pytest.raises(ValidationError, match="once cut to the minute") as caught:
            check()
        assert (caught.value.field, caught.value.value) == ("reserve_at", moment.isoformat())
    else:
        check()


@pytest.mark.parametrize(("seconds_past_the_window", "refused"), [(30, False), (70, True)])
def test_the_reservation_window_is_checked_at_the_minute_the_providers_get(
    seconds_past_the_window: int, refused: bool
) -> None:
    now = datetime(2026, 11, 25, 12, 0, 0, tzinfo=timezone.utc)
    window = timedelta(days=60)
    moment = now + window + timedelta(seconds=seconds_past_the_window)  # +30 s goes out as the window's last minute
    check = functools.partial(check_reservation, moment, window, precision=timedelta(minutes=1), now=now)
    if refused:
        with pytest.raises(ValidationError, match="more than 60 days ahead"):
            check()
    else:
        check()


async def test_template_parameters_without_a_template_are_refused() -> None:
    """They fill a template's ##key## placeholders; without one they would be dropped silently."""
    gateway = FakeGateway()
    recipient = Recipient(number="01000000001", template_parameters={"name": "철수"})
    with pytest.raises(ValidationError, match="but the message has no template_id") as refused:
        await gateway.send(message([recipient], text="{name}님 안녕하세요"))
    assert refused.value.field == "recipients[0].template_parameters"
    assert gateway.requests == []
    report = await gateway.send(message([recipient], text="", template_id="T-1"))
    assert report.all_accepted


def test_statuses_and_kinds_print_as_their_value() -> None:
    assert [str(SendStatus.NOT_SENT), f"{DeliveryStatus.PENDING}", str(MessageKind.LMS)] == [
        "not_sent",
        "pending",
        "LMS",
    ]


async def test_a_lone_number_is_one_streamed_recipient_and_a_bad_entry_one_invalid_outcome() -> None:
    gateway = FakeGateway()
    alone = [report async for report in gateway.send_stream(message(), "010-0000-0001")]
    assert [outcome.recipient.number for report in alone for outcome in report.outcomes] == ["01000000001"]
    raw = [report async for report in gateway.send_stream(message(), b"01000000001")]  # type: ignore[arg-type]
    assert [outcome.code for report in raw for outcome in report.outcomes] == [LOCAL_INVALID]  # one, not 11
    mixed: list[object] = ["01000000002", 5, None, Recipient(number=7), "01000000003"]  # type: ignore[arg-type]
    reports = [report async for report in gateway.send_stream(message(), mixed)]  # type: ignore[arg-type]
    outcomes = sorted((outcome for report in reports for outcome in report.outcomes), key=lambda o: o.index)
    assert [(outcome.status, outcome.code) for outcome in outcomes] == [
        (SendStatus.ACCEPTED, None),
        (SendStatus.NOT_SENT, LOCAL_INVALID),
        (SendStatus.NOT_SENT, LOCAL_INVALID),
        (SendStatus.NOT_SENT, LOCAL_INVALID),
        (SendStatus.ACCEPTED, None),
    ]
    assert "must be text, not int" in (outcomes[1].detail or "")


async def test_a_row_whose_text_is_not_text_is_one_invalid_outcome_and_the_stream_goes_on() -> None:
    gateway = FakeGateway(batch_size=100)
    given: list[str | Recipient] = list(numbers(150))
    given[120] = Recipient(number=given[120], text=float("nan"))  # type: ignore[arg-type]  # a spreadsheet's empty cell

    reports = [report async for report in gateway.send_stream(message(), given)]

    outcomes = sorted((outcome for report in reports for outcome in report.outcomes), key=lambda o: o.index)
    assert [outcome.index for outcome in outcomes] == list(range(150))
    assert [outcome.index for outcome in outcomes if outcome.code == LOCAL_INVALID] == [120]
    assert "recipients[120].text: must be text, not float" in (outcomes[120].detail or "")


async def test_an_interrupt_while_a_chunk_is_resolved_leaves_every_recipient_read_accounted() -> None:
    class Interrupting(str):
        """A number whose first check is interrupted, as a Ctrl-C landing there would."""

        def startswith(self, *args: Any) -> bool:
            raise KeyboardInterrupt

    gateway = FakeGateway(batch_size=100, max_concurrency=1)
    given = list(numbers(150))
    given[110] = Interrupting(given[110])
    progress = SendProgress()

    async def stream_through() -> None:
        async with aclosing(gateway.send_stream(message(), given, progress=progress)) as reports:
            async for _ in reports:
                pass

    with pytest.raises(KeyboardInterrupt):
        await stream_through()

    outcomes = progress.report().outcomes
    assert [outcome.index for outcome in outcomes] == list(range(150))
    assert progress.counts[SendStatus.ACCEPTED] == 100
    assert {outcome.code for outcome in outcomes[100:]} == {CANCELLED}


async def test_send_refuses_a_progress_that_keeps_no_outcomes() -> None:
    with pytest.raises(ValueError, match="must keep them"):
        await FakeGateway().send(message(["01000000001"]), progress=SendProgress(keep_outcomes=False))


async def test_a_template_parameter_that_is_not_text_is_a_validation_error() -> None:
    template = Message(
        sender="0212345678",
        text="",
        template_id="T1",
        recipients=[
            Recipient(number="01000000001", template_parameters={"count": 3})  # type: ignore[dict-item]
        ],
    )
    with pytest.raises(ValidationError) as refused:
        await FakeGateway().send(template)
    assert refused.value.field == "recipients[0].template_parameters['count']"


def test_plan_is_part_of_the_neutral_protocol() -> None:
    gateway: SmsGateway = FakeGateway()
    assert isinstance(asyncio.run(gateway.plan(message(["01000000001"]))), SendPlan)


async def test_runs_of_bare_numbers_fill_the_batches_that_single_recipients_started() -> None:
    gateway = FakeGateway(batch_size=100)
    recipients: list[str | Recipient] = list(numbers(150))
    recipients.append(Recipient(number="01099999999", text="own text"))
    recipients.extend(numbers(249, start=150))

    report = await gateway.send(message(recipients))

    sizes = sorted(len(request.recipients) for request in gateway.requests)
    assert sizes == [1, 99, 100, 100, 100]
    assert_exactly_one_outcome_each(report, 400)
    sent = sorted(gateway.sent_to())
    assert sent == sorted([*numbers(399), "01099999999"])
    assert report.all_accepted


@pytest.mark.parametrize("run_length", [1, 4, 6, 16, 35])
def test_a_run_is_batched_exactly_as_its_recipients_one_by_one(run_length: int) -> None:
    def batcher_with_five_groups() -> Batcher:
        batcher = Batcher(10, 10, key=lambda recipient, kind: (kind, recipient.text))
        for index in range(5):
            assert (
                batcher.add(index, Recipient(number=f"0109999000{index}", text=f"text {index}"), MessageKind.SMS)
                is None
            )
        return batcher

    def shape(batches: list[Batch]) -> list[tuple[tuple[int, ...], tuple[str, ...]]]:
        return [(batch.indexes, batch.recipients.numbers) for batch in batches]

    run = Run(5, list(numbers(run_length)), MessageKind.SMS)
    one_by_one = batcher_with_five_groups()
    added = [one_by_one.add(index, number, run.kind) for index, number in enumerate(run.recipients, run.start)]
    at_once = batcher_with_five_groups()

    assert shape(at_once.add_run(run)) == shape([batch for batch in added if batch is not None])
    assert at_once.buffered == one_by_one.buffered <= 10
    assert shape(at_once.flush()) == shape(one_by_one.flush())


@given(
    pattern=st.lists(st.sampled_from("nnnab"), min_size=1, max_size=40),
    batch_size=st.integers(min_value=1, max_value=5),
    max_concurrency=st.integers(min_value=1, max_value=3),
)
@example(pattern=list("abnnaanb"), batch_size=2, max_concurrency=1)
@example(pattern=list("nnabnn"), batch_size=4, max_concurrency=1)
@settings(max_examples=150, deadline=None)
def test_a_plan_predicts_the_requests_of_the_send_it_plans(
    pattern: list[str], batch_size: int, max_concurrency: int
) -> None:
    # "n": a bare number (send() batches runs of them at once), "a"/"b": a recipient with its own text.
    recipients: list[str | Recipient] = [
        f"010{index:08d}" if kind == "n" else Recipient(number=f"010{index:08d}", text=f"own text {kind}")
        for index, kind in enumerate(pattern)
    ]

    async def requests_of(run: str) -> int:
        gateway = FakeGateway(batch_size=batch_size, max_concurrency=max_concurrency)
        if run == "plan":
            return (await gateway.plan(message(recipients))).total_requests
        if run == "stream":
            async with aclosing(gateway.send_stream(message(), recipients)) as reports:
                async for _ in reports:
                    pass
        else:
            await gateway.send(message(recipients))
        return len(gateway.requests)

    planned = asyncio.run(requests_of("plan"))
    assert asyncio.run(requests_of("send")) == planned
    assert asyncio.run(requests_of("stream")) == planned


class _ReconcilesToEveryStatus(FakeGateway):
    """Reconciliation finds the recipients of a batch in every status, in turn."""

    async def reconcile_batch(self, message: Message, batch: Batch, attempt: Any) -> list[RecipientOutcome]:
        statuses = [SendStatus.ACCEPTED, SendStatus.REJECTED, SendStatus.UNKNOWN, SendStatus.NOT_SENT]
        return [
            RecipientOutcome(recipient=recipient, status=statuses[position % 4], code="found", index=index)
            for position, (recipient, index) in enumerate(zip(batch.recipients, batch.indexes, strict=True))
        ]


async def test_a_resend_of_what_never_arrived_keeps_every_other_outcome_reconciliation_found() -> None:
    def fail_the_first(request: FakeRequest) -> None:
        if request.request_id == "fake-1":
            raise errors.ServerError("500 after processing?", provider="fake", status_code=500)

    gateway = _ReconcilesToEveryStatus(
        batch_size=8, max_concurrency=1, on_request=fail_the_first, reconcile=True, resend_missing=True
    )
    report = await gateway.send(message(list(numbers(8))))
    assert_exactly_one_outcome_each(report, 8)
    assert [outcome.status for outcome in report.outcomes] == [
        SendStatus.ACCEPTED,
        SendStatus.REJECTED,
        SendStatus.UNKNOWN,
        SendStatus.ACCEPTED,  # never arrived: resent, and taken
    ] * 2
    assert [list(request.recipients.numbers) for request in gateway.requests] == [[*numbers(8)][3::4]]  # the resend


async def test_a_reservation_that_passes_during_a_send_stops_it_before_the_next_batch() -> None:
    """Every batch after the moment would be refused by the provider (a long send to a
    reservation a minute ahead): none leaves, and each recipient says why."""
    reserve_at = datetime(2026, 3, 2, 9, 1, tzinfo=timezone.utc)
    now = [reserve_at - timedelta(seconds=30)]

    def clock() -> datetime:
        return now[0]

    def the_minute_passes(request: FakeRequest) -> None:
        now[0] = reserve_at + timedelta(seconds=1)

    gateway = FakeGateway(batch_size=10, max_concurrency=1, clock=clock, on_answer=the_minute_passes)
    report = await gateway.send(message(list(numbers(30)), reserve_at=reserve_at))

    assert_exactly_one_outcome_each(report, 30)
    assert len(gateway.requests) == 1
    assert {outcome.status for outcome in report.outcomes[:10]} == {SendStatus.ACCEPTED}
    assert {(outcome.status, outcome.code) for outcome in report.outcomes[10:]} == {(SendStatus.NOT_SENT, JOB_STOPPED)}
    assert isinstance(report.error, ValidationError)
    assert report.error.field == "reserve_at"
    assert "passed during the send" in str(report.error)
    assert "passed during the send" in (report.outcomes[10].detail or "")

"""Outcomes stay accurate when a send is interrupted part-way: by a failing callback, a
cancellation during a resend, or an interrupt raised while the rest is settled."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from krsms import Message, Outcomes, RecipientOutcome, Recipients, SendProgress, SendReport, SendStatus, errors
from krsms.fanout import CANCELLED, NOT_RECEIVED, SEND_FAILED, Batch, BatchAttempt
from krsms.sens import SensGateway
from krsms.testing import FakeGateway, FakeRequest, numbers

SENDER = "0212345678"
SECRET_KEY = "sEcReT-kEy-0123456789abcdef"


def message(recipients: Sequence[str] = ()) -> Message:
    return Message(sender=SENDER, text="안녕하세요", recipients=recipients)


async def test_a_batch_whose_on_sending_failed_says_what_failed_without_a_secret() -> None:
    # It was NOT_SENT with code "error" and no detail: nothing in the report said why.
    async def on_sending(recipients: Recipients) -> None:
        raise OSError(f"journal not writable (signed with {SECRET_KEY})")

    gateway = SensGateway(access_key="access-key-0123", secret_key=SECRET_KEY, service_id="ncp:sms:kr:1:svc")
    progress = SendProgress(on_sending=on_sending)
    async with gateway:
        with pytest.raises(OSError, match="journal not writable"):
            await gateway.send(message(list(numbers(3))), progress=progress)
    [outcome, *_] = progress.report().outcomes
    assert (outcome.status, outcome.code) == (SendStatus.NOT_SENT, SEND_FAILED)
    assert outcome.detail is not None
    assert "OSError: journal not writable (signed with ***)" in outcome.detail
    assert SECRET_KEY not in outcome.detail


async def test_batches_that_failed_together_each_keep_their_own_failure() -> None:
    # Two batches whose on_sending failed before the first was collected: the second was
    # settled as cancelled, its failure dropped without a word.
    async def on_sending(recipients: Recipients) -> None:
        await asyncio.sleep(0)
        raise OSError(f"disk full at {recipients[0].number}")

    progress = SendProgress(on_sending=on_sending)
    with pytest.raises(OSError, match="disk full"):
        await FakeGateway(batch_size=2, max_concurrency=2).send(message(list(numbers(4))), progress=progress)
    outcomes = progress.report().outcomes
    assert {(outcome.status, outcome.code) for outcome in outcomes} == {(SendStatus.NOT_SENT, SEND_FAILED)}
    assert [outcome.detail for outcome in outcomes[::2]] == [
        f"not sent: sending the batch raised OSError: disk full at {outcomes[0].recipient.number}",
        f"not sent: sending the batch raised OSError: disk full at {outcomes[2].recipient.number}",
    ]


async def test_a_failing_on_batch_does_not_hide_why_the_batch_failed() -> None:
    # on_batch failing as the failed batch was recorded raised its own error: what made the
    # batch fail was lost.
    async def on_sending(recipients: Recipients) -> None:
        raise OSError("journal not writable")

    def on_batch(batch: SendReport) -> None:
        raise ValueError("results file closed")

    progress = SendProgress(on_sending=on_sending, on_batch=on_batch)
    with pytest.raises(OSError, match="journal not writable") as raised:
        await FakeGateway(batch_size=2).send(message(list(numbers(4))), progress=progress)
    assert isinstance(raised.value.__context__, ValueError)
    assert progress.settled == 4


class _FindsHalf(FakeGateway):
    """A gateway whose look-up finds the first half of a lost batch and proves the rest missing."""

    async def reconcile_batch(
        self, message: Message, batch: Batch, attempt: BatchAttempt
    ) -> Sequence[RecipientOutcome] | None:
        half = len(batch.indexes) // 2
        found = batch.outcomes(SendStatus.ACCEPTED, request_id="found-1", detail="found by reconciliation")
        missing = batch.outcomes(SendStatus.NOT_SENT, code=NOT_RECEIVED, detail="not found at the provider")
        return Outcomes.join([found[:half], missing[half:]])


async def test_a_send_cancelled_during_a_resend_keeps_what_reconciliation_found() -> None:
    # The whole batch became UNKNOWN (cancelled), the recipients the look-up had found
    # ACCEPTED included, and requests counted 1 for two requests.
    resend_out = asyncio.Event()

    async def lose_first_answer_and_hold_the_resend(request: FakeRequest) -> None:
        if request.request_id == "fake-1":
            raise errors.RequestTimeoutError("read timeout")
        resend_out.set()
        await asyncio.Event().wait()

    gateway = _FindsHalf(
        batch_size=10, on_request=lose_first_answer_and_hold_the_resend, reconcile=True, resend_missing=True
    )
    progress = SendProgress()
    sending = asyncio.create_task(gateway.send(message(list(numbers(10))), progress=progress))
    await resend_out.wait()
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending
    report = progress.report()
    assert [(outcome.status, outcome.request_id) for outcome in report.outcomes[:5]] == [
        (SendStatus.ACCEPTED, "found-1")
    ] * 5
    assert {(outcome.status, outcome.code) for outcome in report.outcomes[5:]} == {(SendStatus.UNKNOWN, CANCELLED)}
    assert [outcome.index for outcome in report.outcomes] == list(range(10))
    assert report.requests == 2


async def test_a_send_cancelled_before_its_resend_left_keeps_what_reconciliation_settled() -> None:
    # Cancelled while the resend waited for its rate-limit slot: the look-up's outcomes
    # stand, and no request beyond the first was made.
    reconciled = asyncio.Event()

    class _SignalsReconciled(_FindsHalf):
        def reconciled(self, attempt: BatchAttempt, outcomes: Sequence[RecipientOutcome]) -> None:
            reconciled.set()

    def lose_first_answer(request: FakeRequest) -> None:
        raise errors.RequestTimeoutError("read timeout")

    gateway = _SignalsReconciled(
        batch_size=10,
        on_request=lose_first_answer,
        reconcile=True,
        resend_missing=True,
        requests_per_second=0.001,  # the resend's slot is 1,000 s after the first request's
    )
    progress = SendProgress()
    sending = asyncio.create_task(gateway.send(message(list(numbers(10))), progress=progress))
    await reconciled.wait()
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending
    report = progress.report()
    assert {outcome.status for outcome in report.outcomes[:5]} == {SendStatus.ACCEPTED}
    assert {(outcome.status, outcome.code) for outcome in report.outcomes[5:]} == {(SendStatus.NOT_SENT, NOT_RECEIVED)}
    assert report.requests == 1
    assert len(gateway.requests) == 0  # the fake never got the first (its answer was lost before)


async def test_a_send_cancelled_between_two_look_ups_keeps_what_the_first_found() -> None:
    # Cancelled during reconcile_delay (10 s by default, longer than most drains): the
    # recipients the first look-up had found ACCEPTED became UNKNOWN with the rest.
    looked_up = asyncio.Event()

    class _SignalsLookUp(_FindsHalf):
        async def reconcile_batch(
            self, message: Message, batch: Batch, attempt: BatchAttempt
        ) -> Sequence[RecipientOutcome] | None:
            looked_up.set()
            return await super().reconcile_batch(message, batch, attempt)

    def lose_answer(request: FakeRequest) -> None:
        raise errors.RequestTimeoutError("read timeout")

    gateway = _SignalsLookUp(batch_size=10, on_request=lose_answer, reconcile=True, reconcile_delay=1000.0)
    progress = SendProgress()
    sending = asyncio.create_task(gateway.send(message(list(numbers(10))), progress=progress))
    await looked_up.wait()
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending
    report = progress.report()
    assert [(outcome.status, outcome.request_id) for outcome in report.outcomes[:5]] == [
        (SendStatus.ACCEPTED, "found-1")
    ] * 5
    assert {(outcome.status, outcome.code) for outcome in report.outcomes[5:]} == {(SendStatus.UNKNOWN, CANCELLED)}
    assert report.requests == 1


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, SystemExit])
async def test_an_interrupt_from_on_batch_while_settling_leaves_no_recipient_unrecorded(
    interrupt: type[BaseException],
) -> None:
    # A KeyboardInterrupt or SystemExit from on_batch while a cancelled send was settled
    # stopped the settling: the reports after it were never recorded. (The send runs in
    # this task: an interrupt raised out of a task of its own would escape the event loop.)
    this_task = asyncio.current_task()
    assert this_task is not None

    async def hold(request: FakeRequest) -> None:
        if request.request_id == "fake-2":
            asyncio.get_running_loop().call_soon(this_task.cancel)
        await asyncio.Event().wait()

    seen: list[int] = []

    def on_batch(batch: SendReport) -> None:
        seen.append(len(batch.outcomes))
        if len(seen) == 1:
            raise interrupt

    gateway = FakeGateway(batch_size=10, max_concurrency=2, on_request=hold)
    progress = SendProgress(on_batch=on_batch)
    with pytest.raises(interrupt):
        await gateway.send(message(list(numbers(50))), progress=progress)
    assert progress.settled == 50
    assert sum(seen) == 50  # on_batch saw every batch, the one it failed on included
    assert progress.report().cancelled


@pytest.mark.parametrize("second_look_up", ["fails", "cannot tell"])
async def test_a_second_look_up_that_tells_nothing_keeps_what_the_first_found(second_look_up: str) -> None:
    # The batch went back to UNKNOWN as a whole, the recipients the first look-up had found
    # ACCEPTED included.
    class _SecondTellsNothing(_FindsHalf):
        looked_up = 0

        async def reconcile_batch(
            self, message: Message, batch: Batch, attempt: BatchAttempt
        ) -> Sequence[RecipientOutcome] | None:
            self.looked_up += 1
            if self.looked_up == 1:
                return await super().reconcile_batch(message, batch, attempt)
            if second_look_up == "fails":
                raise errors.ServerError("503", provider="fake", status_code=503)
            return None

    def lose_answer(request: FakeRequest) -> None:
        raise errors.RequestTimeoutError("read timeout")

    gateway = _SecondTellsNothing(batch_size=10, on_request=lose_answer, reconcile=True, reconcile_delay=0.001)
    report = await gateway.send(message(list(numbers(10))))
    assert [(outcome.status, outcome.request_id) for outcome in report.outcomes[:5]] == [
        (SendStatus.ACCEPTED, "found-1")
    ] * 5
    assert {(outcome.status, outcome.code) for outcome in report.outcomes[5:]} == {
        (SendStatus.UNKNOWN, "RequestTimeoutError")
    }
    assert [outcome.index for outcome in report.outcomes] == list(range(10))
    assert report.requests == 1


async def test_a_second_look_up_that_misses_what_the_first_found_resends_no_one() -> None:
    """The first look-up found half the lost batch (ACCEPTED), the second finds none of it:
    the provider's look-ups contradict each other. What the first found stands, and the
    second's NOT_SENT is not believed: nobody is resent (the first half went out twice, the
    rest was resent on a look-up proven wrong), the rest stays as the lost answer left it."""

    class _SecondFindsNothing(_FindsHalf):
        looked_up = 0

        async def reconcile_batch(
            self, message: Message, batch: Batch, attempt: BatchAttempt
        ) -> Sequence[RecipientOutcome] | None:
            self.looked_up += 1
            if self.looked_up == 1:
                return await super().reconcile_batch(message, batch, attempt)
            return batch.outcomes(SendStatus.NOT_SENT, code=NOT_RECEIVED, detail="not found at the provider")

    sent: list[FakeRequest] = []

    def lose_answer(request: FakeRequest) -> None:
        sent.append(request)
        raise errors.RequestTimeoutError("read timeout")

    gateway = _SecondFindsNothing(
        batch_size=10, on_request=lose_answer, reconcile=True, reconcile_delay=0.001, resend_missing=True
    )
    report = await gateway.send(message(list(numbers(10))))
    assert len(sent) == 1  # nothing resent
    assert [(outcome.status, outcome.request_id) for outcome in report.outcomes[:5]] == [
        (SendStatus.ACCEPTED, "found-1")
    ] * 5
    assert {(outcome.status, outcome.code) for outcome in report.outcomes[5:]} == {
        (SendStatus.UNKNOWN, "RequestTimeoutError")
    }
    assert [outcome.index for outcome in report.outcomes] == list(range(10))
    assert report.requests == 1


async def test_a_failing_on_sending_lets_only_batches_already_recorded_go_out() -> None:
    """It stops the send as a cancellation does: the other batches of its wave whose own
    on_sending returned may go out, each recorded first; none of a later wave starts."""
    journaled: set[str] = set()
    everyone = list(numbers(80))

    async def on_sending(recipients: Recipients) -> None:
        await asyncio.sleep(0)
        if recipients[0].number == everyone[0]:
            raise OSError("disk full")
        journaled.update(recipient.number for recipient in recipients)

    gateway = FakeGateway(batch_size=10, max_concurrency=4)
    progress = SendProgress(on_sending=on_sending)
    with pytest.raises(OSError, match="disk full"):
        await gateway.send(message(everyone), progress=progress)
    report = progress.report()
    sent = set(gateway.sent_to())
    assert sent <= journaled
    assert len(sent) <= 30  # the first wave's three other batches at most
    assert len(report.outcomes) == 80
    assert {outcome.recipient.number for outcome in report.with_status(SendStatus.ACCEPTED)} == sent
    assert {outcome.status for outcome in report.outcomes if outcome.recipient.number not in sent} == {
        SendStatus.NOT_SENT
    }

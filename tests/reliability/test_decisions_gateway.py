"""How the fan-out gateway settles a batch, at the decisions its own tests leave open: a hook
that answers a recipient twice, and what a first look-up found REJECTED when the second tells
nothing."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from krsms import Message, RecipientOutcome, SendProgress, SendStatus, errors
from krsms.fanout import JOB_STOPPED, SEND_FAILED, Batch, BatchAttempt
from krsms.testing import FakeGateway, FakeHook, FakeRequest, numbers

SENDER = "0212345678"


def message(recipients: Sequence[str]) -> Message:
    return Message(sender=SENDER, text="안녕하세요", recipients=recipients)


def lose_answer(request: FakeRequest) -> None:
    raise errors.RequestTimeoutError("read timeout")


class _AnswersTheFirstTwice(FakeGateway):
    """A gateway whose send answers for the batch's first recipient twice and leaves its last
    without an answer: as many outcomes as recipients, not one each."""

    async def send_batch(self, message: Message, batch: Batch, attempt: BatchAttempt) -> Sequence[RecipientOutcome]:
        answered = list(await super().send_batch(message, batch, attempt))
        return [answered[0], *answered[:-1]]


async def test_a_hook_that_answers_one_recipient_twice_and_another_never_stops_the_send() -> None:
    """A count that matches is not one outcome each: the recipient left without an answer
    would have none, and the one answered twice two; the batch is settled as a hook's bug is
    (UNKNOWN: its request is out) and the send stops."""
    gateway = _AnswersTheFirstTwice(batch_size=10, max_concurrency=1)
    progress = SendProgress()
    with pytest.raises(ValueError, match=r"_AnswersTheFirstTwice.send_batch gave 10 outcomes for a batch of 10"):
        await gateway.send(message(list(numbers(20))), progress=progress)
    report = progress.report()
    assert [outcome.index for outcome in report.outcomes] == list(range(20))
    assert {(outcome.status, outcome.code) for outcome in report.outcomes[:10]} == {(SendStatus.UNKNOWN, SEND_FAILED)}
    assert len(gateway.requests) == 1


class _FirstFindsRefusedThenTellsNothing(FakeGateway):
    """The first look-up finds the batch's first recipient REJECTED, its second ACCEPTED and
    the rest missing; the second look-up tells nothing."""

    looked_up = 0

    async def reconcile_batch(
        self, message: Message, batch: Batch, attempt: BatchAttempt
    ) -> Sequence[RecipientOutcome] | None:
        self.looked_up += 1
        if self.looked_up > 1:
            return None
        statuses = [SendStatus.REJECTED, SendStatus.ACCEPTED]
        return [
            RecipientOutcome(
                recipient=recipient,
                status=statuses[position] if position < len(statuses) else SendStatus.NOT_SENT,
                code="found",
                index=index,
            )
            for position, (index, recipient) in enumerate(batch.entries)
        ]


async def test_a_recipient_the_first_look_up_found_rejected_stays_rejected_when_the_second_tells_nothing() -> None:
    """REJECTED is as settled as ACCEPTED: the provider refused that recipient, and a second
    look-up that cannot tell does not make it UNKNOWN again."""
    gateway = _FirstFindsRefusedThenTellsNothing(
        batch_size=4, on_answer=lose_answer, reconcile=True, reconcile_delay=0.001
    )
    report = await gateway.send(message(list(numbers(4))))
    assert gateway.looked_up == 2
    assert [(outcome.status, outcome.code) for outcome in report.outcomes] == [
        (SendStatus.REJECTED, "found"),
        (SendStatus.ACCEPTED, "found"),
        (SendStatus.UNKNOWN, "RequestTimeoutError"),
        (SendStatus.UNKNOWN, "RequestTimeoutError"),
    ]


def lost_then(*later: errors.KrSmsError | None) -> tuple[list[str], FakeHook]:
    """An ``on_request`` hook: the first request's answer is lost before it arrives (the batch
    is UNKNOWN, and the look-up finds nothing), each later one fails with the next of
    ``later`` (None: it arrives); the ids of the requests it saw."""
    seen: list[str] = []
    failures = [errors.RequestTimeoutError("read timeout"), *later]

    def hook(request: FakeRequest) -> None:
        seen.append(request.request_id)
        failure = failures[len(seen) - 1] if len(seen) <= len(failures) else None
        if failure is not None:
            raise failure

    return seen, hook


async def test_a_resent_batch_counts_the_request_that_was_lost_and_its_resend() -> None:
    """The provider saw two requests for the batch: the one whose answer was lost (looked up,
    found missing) and the resend."""
    seen, hook = lost_then(None)
    gateway = FakeGateway(batch_size=5, on_request=hook, reconcile=True, resend_missing=True)
    report = await gateway.send(message(list(numbers(5))))
    assert len(seen) == 2
    assert report.all_accepted
    assert report.requests == 2


async def test_a_fatal_answer_to_a_resend_stops_the_send() -> None:
    """Refused keys answer the resend of a batch found missing: every batch after it would be
    refused the same way, so none leaves, and the send reports the error."""
    refused = errors.AuthenticationError("bad key", provider="fake", status_code=401)
    seen, hook = lost_then(refused)
    gateway = FakeGateway(batch_size=2, max_concurrency=1, on_request=hook, reconcile=True, resend_missing=True)
    report = await gateway.send(message(list(numbers(6))))
    assert len(seen) == 2  # the lost request and its resend; no later batch
    assert report.error is refused
    assert [outcome.status for outcome in report.outcomes[:2]] == [SendStatus.REJECTED] * 2
    assert {(outcome.status, outcome.code) for outcome in report.outcomes[2:]} == {(SendStatus.NOT_SENT, JOB_STOPPED)}

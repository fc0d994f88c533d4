"""Outcomes stay accurate when a send is interrupted part-way: by a failing callback, a
cancellation during a resend, or an interrupt raised while the rest is settled."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from krsms import Message, Recipients, SendProgress, SendReport, SendStatus
from krsms.fanout import SEND_FAILED
from krsms.sens import SensGateway
from krsms.testing import FakeGateway, numbers

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

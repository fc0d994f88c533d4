"""An outcome's detail says what happened to its batch: a send cut short while the batch's
lost answer was being looked up is not one cut short "while the request was in flight".

A web handler bounds its send (docs/bulk.md, "Cancellation"; ``examples/fastapi_app.py``
waits 10 seconds, the gateway's default ``reconcile_delay``). When the provider answers the
send with a 5xx and the first look-up does not list the batch yet, the handler's bound ends
the send during the wait for the second look-up: the recipient is UNKNOWN, code
``cancelled``, and its detail names the provider's answer that was lost (it read "cancelled
while the request was in flight", and an operator read a network stall where the provider failed).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from krsms import Message, RecipientOutcome, SendProgress, SendStatus, errors
from krsms.fanout import Batch, BatchAttempt
from krsms.testing import FakeGateway, FakeRequest


def answer_500(request: FakeRequest) -> None:
    raise errors.ServerError("busy", provider="fake", status_code=500)


class LookedUp(FakeGateway):
    """The fake, telling when its first look-up of a lost answer is done."""

    def __init__(self) -> None:
        super().__init__(on_request=answer_500, reconcile=True, reconcile_delay=60.0)
        self.first_look_up = asyncio.Event()

    async def reconcile_batch(
        self, message: Message, batch: Batch, attempt: BatchAttempt
    ) -> Sequence[RecipientOutcome] | None:
        found = await super().reconcile_batch(message, batch, attempt)
        self.first_look_up.set()
        return found


async def test_a_send_cut_short_during_its_look_up_keeps_the_answer_that_was_lost() -> None:
    gateway = LookedUp()
    progress = SendProgress()
    message = Message(sender="15446859", text="인증번호 123456", recipients=["010-1234-5678"])
    sending = asyncio.ensure_future(gateway.send(message, progress=progress))
    await gateway.first_look_up.wait()  # the batch now waits reconcile_delay for its second look-up
    sending.cancel()  # the handler's asyncio.wait_for bound
    with pytest.raises(asyncio.CancelledError):
        await sending

    (outcome,) = progress.report().outcomes
    assert outcome.status is SendStatus.UNKNOWN
    assert outcome.detail is not None
    assert "in flight" not in outcome.detail, outcome.detail
    assert outcome.code == "cancelled"
    assert outcome.detail == (
        "cancelled while looking up the batch after ServerError: fake: busy (HTTP 500); it may have arrived"
    )

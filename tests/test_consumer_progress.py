"""A SendProgress as an application holds it across a send that refused its input."""

from __future__ import annotations

import asyncio

import pytest

from krsms import Message, SendProgress, SendStatus, ValidationError
from krsms.fanout import VALIDATION_SLICE
from krsms.testing import FakeGateway, numbers


@pytest.mark.parametrize("bad_at", [1, VALIDATION_SLICE + 1])
async def test_a_send_refused_for_an_invalid_recipient_leaves_its_progress_free(bad_at: int) -> None:
    """Nothing was sent, as for a refused sender: the progress is not taken (a corrected send
    may use it) and claims no ``total`` (a progress page showed 0 of N settled for ever)."""
    gateway = FakeGateway()
    progress = SendProgress()
    recipients = [*numbers(bad_at), "12"]
    with pytest.raises(ValidationError, match=rf"^recipients\[{bad_at}\]\.number: "):
        await gateway.send(Message(sender="0212345678", text="안내", recipients=recipients), progress=progress)
    assert progress.total is None
    assert gateway.requests == []

    report = await gateway.send(
        Message(sender="0212345678", text="안내", recipients=recipients[:-1]), progress=progress
    )

    assert report.counts()[SendStatus.ACCEPTED] == bad_at
    assert progress.total == bad_at


async def test_a_progress_another_send_took_is_still_refused_when_the_recipients_are_invalid() -> None:
    gateway = FakeGateway()
    progress = SendProgress()
    await gateway.send(Message(sender="0212345678", text="안내", recipients=["01012345678"]), progress=progress)
    with pytest.raises(ValidationError, match=r"^(progress|recipients\[0\]\.number): "):
        await gateway.send(Message(sender="0212345678", text="안내", recipients=["12"]), progress=progress)
    assert progress.total == 1
    assert progress.settled == 1


async def test_a_send_cancelled_while_validating_records_nothing_in_a_progress_another_send_holds() -> None:
    gateway = FakeGateway()
    progress = SendProgress()
    first = await gateway.send(Message(sender="0212345678", text="안내", recipients=["01012345678"]), progress=progress)
    second = asyncio.create_task(
        gateway.send(
            Message(sender="0212345678", text="안내", recipients=list(numbers(2 * VALIDATION_SLICE))),
            progress=progress,
        )
    )
    await asyncio.sleep(0)  # the second send validates its first slice and yields
    second.cancel()
    with pytest.raises(asyncio.CancelledError):
        await second
    assert progress.report() == first
    assert progress.total == 1

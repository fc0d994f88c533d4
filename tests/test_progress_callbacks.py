"""SendProgress never takes an ``on_batch`` whose work would silently never run."""

from __future__ import annotations

import warnings

import pytest

from krsms import Message, SendProgress, SendReport
from krsms.testing import FakeGateway, numbers


def campaign() -> Message:
    return Message(sender="0212345678", text="안내", recipients=list(numbers(300)))


def test_an_object_with_an_async_call_is_refused_when_made() -> None:
    class Saver:
        async def __call__(self, report: SendReport) -> None: ...

    with pytest.raises(TypeError, match="plain function"):
        SendProgress(on_batch=Saver())  # type: ignore[arg-type]


def test_a_plain_callable_object_is_taken() -> None:
    seen: list[int] = []

    class Counter:
        def __call__(self, report: SendReport) -> None:
            seen.append(len(report.outcomes))

    SendProgress(on_batch=Counter()).record(SendReport(outcomes=()))
    assert seen == [0]


async def test_a_callback_returning_a_coroutine_stops_the_send_with_every_recipient_settled() -> None:
    saved: list[int] = []

    async def save(report: SendReport) -> None:
        saved.append(len(report.outcomes))

    progress = SendProgress(on_batch=lambda report: save(report))  # type: ignore[arg-type]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "coroutine ... was never awaited" left behind
        with pytest.raises(TypeError, match="returned a coroutine"):
            await FakeGateway().send(campaign(), progress=progress)
    assert saved == []
    assert progress.settled == 300
    assert progress.cancelled

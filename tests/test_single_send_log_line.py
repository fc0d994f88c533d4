"""The send_ended line is built only when a handler could see it: at WARNING, an accepted
send builds no counts nor words for an INFO line, and one with UNKNOWN outcomes still logs
its WARNING line."""

from __future__ import annotations

import logging

import pytest

from krsms import Message, errors
from krsms.fanout import job
from krsms.testing import FakeGateway, FakeRequest

SENDER = "0212345678"


def message() -> Message:
    return Message(sender=SENDER, text="안녕하세요", recipients=["01012345678"])


async def test_an_accepted_send_builds_no_info_line_nobody_sees(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="krsms")
    built: list[object] = []

    def logged(*args: object, **kwargs: object) -> None:
        built.append(args)

    monkeypatch.setattr(job.logger, "log", logged)
    assert (await FakeGateway().send(message())).all_accepted
    assert built == []


async def test_a_send_with_an_unknown_outcome_still_logs_its_warning(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="krsms")

    def lost(request: FakeRequest) -> None:
        raise errors.RequestTimeoutError("read timeout")

    await FakeGateway(on_answer=lost).send(message())
    [line] = [record for record in caplog.records if getattr(record, "krsms_event", None) == "send_ended"]
    assert line.levelno == logging.WARNING
    assert getattr(line, "krsms_unknown", None) == 1


async def test_at_info_an_accepted_send_logs_its_line(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="krsms")
    await FakeGateway().send(message())
    [line] = [record for record in caplog.records if getattr(record, "krsms_event", None) == "send_ended"]
    assert line.levelno == logging.INFO
    assert getattr(line, "krsms_accepted", None) == 1

"""SENS signing rules that hand-made mutants of :mod:`krsms.sens.auth` showed untested: when a
401 is taken for a skewed clock, and what the warning says."""

from __future__ import annotations

import logging
from email.utils import formatdate

import httpx
import pytest

from krsms.sens.auth import SensAuth

LOCAL = 1_700_000_000.0
MESSAGES = "https://sens.apigw.ntruss.com/sms/v2/services/ncp:sms:kr:1:krsms/messages"


def _answer_401(auth: SensAuth, server_ahead: float) -> list[httpx.Request]:
    """The requests ``auth`` sends for one POST that the gateway, its clock ``server_ahead``
    seconds ahead, answers 401 each time."""
    steps = auth.auth_flow(httpx.Request("POST", MESSAGES))
    sent = [next(steps)]
    answer = httpx.Response(401, headers={"date": formatdate(LOCAL + server_ahead, usegmt=True)})
    try:
        while True:
            sent.append(steps.send(answer))
    except StopIteration:
        return sent


@pytest.mark.parametrize(("server_ahead", "attempts"), [(300, 1), (301, 2), (-300, 1), (-301, 2)])
def test_a_401_is_signed_again_only_when_the_clocks_are_more_than_five_minutes_apart(
    server_ahead: float, attempts: int
) -> None:
    """The gateway takes a timestamp up to five minutes off: at five minutes, the 401 is about
    the keys, and signing again would only send the request twice."""
    assert len(_answer_401(SensAuth("AK", "SK", clock=lambda: LOCAL), server_ahead)) == attempts


def test_once_the_offset_is_learned_a_401_at_that_offset_is_not_signed_again() -> None:
    """The clock is corrected already: a later 401 is about the keys, not the clock."""
    auth = SensAuth("AK", "SK", clock=lambda: LOCAL)
    assert len(_answer_401(auth, 600)) == 2
    assert auth.offset_seconds == 600
    later = _answer_401(auth, 600)
    assert len(later) == 1
    assert later[0].headers["x-ncp-apigw-timestamp"] == str(int((LOCAL + 600) * 1000))


@pytest.mark.parametrize(("server_ahead", "said"), [(600, "behind"), (-600, "ahead of")])
def test_the_warning_says_which_way_the_local_clock_is_off(
    server_ahead: float, said: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="krsms"):
        _answer_401(SensAuth("AK", "SK", clock=lambda: LOCAL), server_ahead)
    assert caplog.messages == [f"local clock is 600 seconds {said} the SENS gateway's; correcting signatures for it"]


def test_a_401_is_not_signed_again_when_the_caller_turned_the_correction_off() -> None:
    auth = SensAuth("AK", "SK", correct_clock_skew=False, clock=lambda: LOCAL)
    assert len(_answer_401(auth, 600)) == 1
    assert auth.offset_seconds == 0.0
    assert auth.provider_offset == 600

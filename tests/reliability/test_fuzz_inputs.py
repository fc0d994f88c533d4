"""Bad input over the public API: a valid request goes out, or ValidationError before any I/O.

Never another exception type, never a partial send. Fixed seeds (``derandomize``) keep the
suite deterministic.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from krsms import Message, MessageKind, Recipient, ValidationError
from krsms.testing import FakeGateway

FUZZ = settings(max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])

hostile_text = st.text(
    st.one_of(
        st.characters(),  # anything, including surrogates, NUL, controls, combining marks, emoji
        st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),
        st.sampled_from(["\x00", "\u0301", "😀", "\ud800", "\n", "é", "ㄱ"]),
    ),
    max_size=120,
)
numbers = st.one_of(st.text(max_size=25), st.from_regex(r"01[016789]-?[0-9]{3,4}-?[0-9]{4}", fullmatch=True))
moments = st.one_of(
    st.none(),
    st.datetimes(timezones=st.none()),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(timezone.utc)),
)


def send_checked(gateway: FakeGateway, message: Message) -> None:
    """Send; on ValidationError nothing may have reached the gateway."""
    try:
        report = asyncio.run(gateway.send(message))
    except ValidationError as error:
        assert error.field, "a validation error names its field"
        assert gateway.requests == [], "validation failed after something was sent"
    else:
        assert len(report.outcomes) == len(message.recipients)


@FUZZ
@given(text=hostile_text, subject=st.one_of(st.none(), hostile_text), kind=st.sampled_from(MessageKind))
def test_any_text_is_sent_or_refused_before_io(text: str, subject: str | None, kind: MessageKind) -> None:
    send_checked(
        FakeGateway(),
        Message(sender="0212345678", text=text, subject=subject, kind=kind, recipients=["01012345678"]),
    )


@FUZZ
@given(sender=numbers, recipients=st.lists(numbers, min_size=0, max_size=5))
def test_any_numbers_are_sent_or_refused_before_io(sender: str, recipients: list[str]) -> None:
    send_checked(FakeGateway(), Message(sender=sender, text="안내", recipients=recipients))


@FUZZ
@given(reserve_at=moments)
def test_any_reservation_time_is_sent_or_refused_before_io(reserve_at: datetime | None) -> None:
    send_checked(
        FakeGateway(),
        Message(sender="0212345678", text="예약", reserve_at=reserve_at, recipients=["01012345678"]),
    )


@FUZZ
@given(per_recipient=st.lists(st.tuples(numbers, st.one_of(st.none(), hostile_text)), min_size=1, max_size=5))
def test_per_recipient_text_is_checked_before_io(per_recipient: list[tuple[str, str | None]]) -> None:
    recipients = [Recipient(number=number, text=text) for number, text in per_recipient]
    send_checked(FakeGateway(), Message(sender="0212345678", text="기본", recipients=recipients))


def test_a_reservation_in_the_past_names_the_field() -> None:
    gateway = FakeGateway()
    past = datetime.now(timezone.utc) - timedelta(minutes=1)
    message = Message(sender="0212345678", text="x", reserve_at=past, recipients=["01012345678"])
    with pytest.raises(ValidationError, match="past") as caught:
        asyncio.run(gateway.send(message))
    assert caught.value.field == "reserve_at"
    assert gateway.requests == []


def test_control_characters_are_refused_with_their_position() -> None:
    gateway = FakeGateway()
    with pytest.raises(ValidationError, match=r"U\+0000.*position 2"):
        asyncio.run(gateway.send(Message(sender="0212345678", text="ab\x00c", recipients=["01012345678"])))

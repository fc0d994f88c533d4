"""Neutral message checks that hand-made mutants of :mod:`krsms.validation` showed untested:
the image count a provider's rules set, images on a kind that carries none, the edges of a
reservation's window, and an SMS-only gateway given images."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest

from krsms import Message, MessageKind, Recipient, ValidationError
from krsms.nhn.gateway import NHN_RULES
from krsms.text import STANDARD_LIMITS
from krsms.validation import ProviderRules, check_message, check_reservation, resolve_recipient

NOW = datetime(2026, 3, 2, 12, 0, 10, tzinfo=ZoneInfo("Asia/Seoul"))
"""Ten seconds into a minute, as a clock is."""
MINUTE = timedelta(minutes=1)


def _message(**fields: Any) -> Message:
    return Message(**{"sender": "0212345678", "text": "안녕", "recipients": ["01012345678"], **fields})


def test_a_provider_s_image_count_is_the_most_an_mms_may_carry() -> None:
    rules = ProviderRules(limits=STANDARD_LIMITS, max_images=3)
    check_message(_message(images=("a", "b", "c")), rules, now=NOW)
    with pytest.raises(ValidationError) as refused:
        check_message(_message(images=("a", "b", "c", "d")), rules, now=NOW)
    assert (refused.value.field, refused.value.limit, refused.value.value) == ("images", "3 images", 4)
    assert str(refused.value) == "images: 4 images; at most 3"


@pytest.mark.parametrize("kind", [MessageKind.SMS, MessageKind.LMS])
def test_images_on_a_kind_that_carries_none_are_refused(kind: MessageKind) -> None:
    with pytest.raises(ValidationError) as refused:
        check_message(_message(kind=kind, images=("image-1",)), NHN_RULES, now=NOW)
    assert (refused.value.field, refused.value.limit, refused.value.value) == ("kind", "MMS", kind.value)
    assert str(refused.value) == f"kind: {kind.value} cannot carry images (use MMS or AUTO)"


def test_a_reservation_at_this_very_moment_is_in_the_past() -> None:
    with pytest.raises(ValidationError) as refused:
        check_reservation(NOW, None, now=NOW)
    assert (refused.value.field, refused.value.limit) == ("reserve_at", "in the future")
    check_reservation(NOW + timedelta(microseconds=1), None, now=NOW)


def test_a_reservation_exactly_at_the_end_of_the_window_passes_and_not_a_microsecond_later() -> None:
    check_reservation(NOW + timedelta(days=1), timedelta(days=1), now=NOW)
    with pytest.raises(ValidationError) as refused:
        check_reservation(NOW + timedelta(days=1, microseconds=1), timedelta(days=1), now=NOW)
    assert (refused.value.field, refused.value.limit) == ("reserve_at", "1 day")


def test_the_window_is_measured_to_the_minute_the_provider_takes() -> None:
    """At 12:00:10, a day ahead is 12:00:10 tomorrow; 12:00:50 tomorrow goes out as 12:00, which
    is inside it. Measured on the moment as given, it was refused."""
    check_reservation(NOW + timedelta(days=1, seconds=40), timedelta(days=1), precision=MINUTE, now=NOW)
    with pytest.raises(ValidationError) as refused:
        check_reservation(NOW + timedelta(days=1, seconds=50), timedelta(days=1), precision=MINUTE, now=NOW)
    assert str(refused.value) == (
        "reserve_at: 2026-03-03T12:01:00+09:00 is more than 1 day ahead: the latest is 2026-03-03T12:00+09:00"
    )


def test_the_latest_reservation_shown_is_cut_to_a_precision_coarser_than_the_minute() -> None:
    """Shown at the minute, the end of the window was 12:03, which a provider taking five
    minutes reads as 12:00: the latest it takes is 12:00."""
    now = NOW.replace(minute=3)
    with pytest.raises(ValidationError) as refused:
        check_reservation(now + timedelta(days=2), timedelta(days=1), precision=timedelta(minutes=5), now=now)
    assert str(refused.value).endswith("is more than 1 day ahead: the latest is 2026-03-03T12:00+09:00")


def test_an_sms_only_gateway_refuses_images_on_an_auto_message() -> None:
    """NHN's authentication endpoint (``NhnGateway(authentication=True)``) sends SMS only."""
    rules = attrs.evolve(NHN_RULES, sms_only=True, requires_ad_notice=False)
    with pytest.raises(ValidationError) as refused:
        check_message(_message(images=("image-1",)), rules, now=NOW)
    assert (refused.value.field, refused.value.limit, refused.value.value) == ("kind", "SMS", "AUTO")
    assert str(refused.value) == "kind: is AUTO with images, but this gateway sends SMS only"


def test_an_advertisement_with_its_notice_anywhere_but_first_is_refused() -> None:
    text = "오늘만 (광고) 세일 무료거부 0801234567"
    with pytest.raises(ValidationError) as refused:
        check_message(_message(text=text, advertisement=True), NHN_RULES, now=NOW)
    assert (refused.value.field, refused.value.limit, refused.value.value) == ("text", "(광고)", text[:19] + "…")


class _NoOffset(tzinfo):
    """A zone that knows no offset: a datetime in it is naive to Python."""

    def utcoffset(self, moment: datetime | None) -> None:
        return None


def test_a_reservation_in_a_zone_without_an_offset_is_refused_as_naive() -> None:
    moment = datetime(2026, 3, 3, 12, 0, tzinfo=_NoOffset())
    with pytest.raises(ValidationError) as refused:
        check_reservation(moment, None, now=NOW)
    assert (refused.value.field, refused.value.limit) == ("reserve_at", "aware datetime")


def test_a_recipient_s_own_empty_text_is_refused_not_sent_blank() -> None:
    message = _message(recipients=[Recipient(number="01012345678", text="")])
    with pytest.raises(ValidationError) as refused:
        resolve_recipient(
            message, message.recipients[0], NHN_RULES, default_kind=MessageKind.SMS, field="recipients[0]"
        )
    assert (refused.value.field, refused.value.limit, refused.value.value) == (
        "recipients[0].text",
        "a visible character",
        "",
    )


def test_a_message_subject_too_long_for_a_recipient_s_own_long_text_is_blamed_on_the_message() -> None:
    """The message's own text is an SMS, which carries no subject: its subject is checked with
    the recipient whose text makes an LMS, and the field to fix is the message's."""
    message = _message(subject="a" * 41, recipients=[Recipient(number="01012345678", text="가" * 50)])
    check_message(message, NHN_RULES, now=NOW)
    with pytest.raises(ValidationError) as refused:
        resolve_recipient(
            message, message.recipients[0], NHN_RULES, default_kind=MessageKind.SMS, field="recipients[0]"
        )
    assert (refused.value.field, refused.value.limit, refused.value.value) == ("subject", "40 bytes", 41)


def test_a_recipient_s_own_blank_subject_is_blamed_on_the_recipient() -> None:
    message = _message(subject="공지", recipients=[Recipient(number="01012345678", text="가" * 50, subject=" ")])
    with pytest.raises(ValidationError) as refused:
        resolve_recipient(
            message, message.recipients[0], NHN_RULES, default_kind=MessageKind.SMS, field="recipients[0]"
        )
    assert (refused.value.field, refused.value.value) == ("recipients[0].subject", " ")
    assert str(refused.value).startswith("recipients[0].subject: is blank (' '), and recipients[0] is sent as LMS")

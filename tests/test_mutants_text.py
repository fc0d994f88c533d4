"""Text rules that hand-made mutants of :mod:`krsms.text` showed untested: the characters that
are sent as they are, a provider's own limits, and the composing hint given only where it helps."""

from __future__ import annotations

import unicodedata

import pytest

from krsms import ValidationError
from krsms.text import (
    MessageKind,
    TextLimits,
    byte_length,
    check_body,
    check_subject,
    encode,
    unencodable_characters,
)


@pytest.mark.parametrize("separator", ["\t", "\n", "\r", "\r\n"])
def test_tab_and_line_breaks_are_sent_as_they_are_one_byte_each(separator: str) -> None:
    text = f"안녕{separator}하세요"
    assert encode(text, field="text") == "안녕".encode("euc_kr") + separator.encode() + "하세요".encode("euc_kr")
    assert byte_length(text) == 10 + len(separator)
    assert unencodable_characters(text) == []
    check_body(text, MessageKind.SMS)


SMALLER_LIMITS = TextLimits(sms_bytes=80, long_bytes=1000, subject_bytes=30)
"""A provider whose limits are not the standard ones."""


def test_an_sms_is_held_to_the_limits_given_not_the_standard_90_bytes() -> None:
    check_body("a" * 80, MessageKind.SMS, limits=SMALLER_LIMITS)
    with pytest.raises(ValidationError) as refused:
        check_body("a" * 81, MessageKind.SMS, limits=SMALLER_LIMITS)
    assert (refused.value.field, refused.value.limit, refused.value.value) == ("text", "80 bytes", 81)


@pytest.mark.parametrize("kind", [MessageKind.LMS, MessageKind.MMS, MessageKind.AUTO])
def test_a_long_text_is_held_to_the_limits_given_not_the_standard_2000_bytes(kind: MessageKind) -> None:
    check_body("a" * 1000, kind, limits=SMALLER_LIMITS)
    with pytest.raises(ValidationError) as refused:
        check_body("a" * 1001, kind, field="body", limits=SMALLER_LIMITS)
    assert (refused.value.field, refused.value.limit, refused.value.value) == ("body", "1000 bytes", 1001)
    sent_as = "MMS" if kind is MessageKind.MMS else "LMS"  # AUTO: a text over an SMS is an LMS
    assert str(refused.value) == f"body: is 1001 bytes in EUC-KR; {sent_as} allows 1000 (shorten it)"


def test_a_subject_is_held_to_the_limits_given_not_the_standard_40_bytes() -> None:
    check_subject("가" * 15, limits=SMALLER_LIMITS)
    with pytest.raises(ValidationError) as refused:
        check_subject("가" * 15 + "a", limits=SMALLER_LIMITS)
    assert (refused.value.field, refused.value.limit, refused.value.value) == ("subject", "30 bytes", 31)


def test_a_character_before_decomposed_hangul_gets_no_composing_hint() -> None:
    """The text has decomposed Hangul, but composing it would not make the emoji sendable:
    the hint to compose would send the user the wrong way."""
    with pytest.raises(ValidationError) as refused:
        check_body("😀" + unicodedata.normalize("NFD", "안녕"), MessageKind.AUTO)
    assert str(refused.value) == "text: character '😀' (U+1F600) at position 0 cannot be sent (not in EUC-KR)"

"""Message text as people really type it: macOS's decomposed Hangul, invisible characters."""

from __future__ import annotations

import unicodedata

import pytest

from krsms import ValidationError
from krsms.text import MessageKind, check_body, check_subject


def test_decomposed_hangul_is_refused_with_how_to_compose_it() -> None:
    """macOS writes Hangul decomposed (NFD): 안 is ᄋ+ᅡ+ᆫ, which EUC-KR lacks. The message named
    the jamo alone, which the user never typed and cannot see."""
    with pytest.raises(ValidationError) as refused:
        check_body(unicodedata.normalize("NFD", "안녕하세요"), MessageKind.AUTO)
    assert str(refused.value) == (
        "text: character 'ᄋ' (U+110B) at position 0 cannot be sent (not in EUC-KR): it is part of a "
        "decomposed character (NFD, as macOS writes Hangul); compose the text with "
        "unicodedata.normalize('NFC', text)"
    )
    assert refused.value.value == "ᄋ"
    check_body(unicodedata.normalize("NFC", unicodedata.normalize("NFD", "안녕하세요")), MessageKind.AUTO)


def test_a_decomposed_subject_says_how_to_compose_it_too() -> None:
    with pytest.raises(ValidationError, match=r"^subject: .*unicodedata\.normalize\('NFC', text\)$"):
        check_subject(unicodedata.normalize("NFD", "공지"))


@pytest.mark.parametrize("text", ["hi 😀", "똠", "a\u200bb", "ᄀ"])
def test_a_character_no_composition_would_fix_gets_no_composing_hint(text: str) -> None:
    with pytest.raises(ValidationError) as refused:
        check_body(text, MessageKind.AUTO)
    assert "NFC" not in str(refused.value)

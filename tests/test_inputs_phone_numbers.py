"""Phone numbers as people really write them: copied from documents, phones and spreadsheets."""

from __future__ import annotations

import pytest

from krsms import ValidationError
from krsms.phone_numbers import normalize_number


@pytest.mark.parametrize(
    "raw",
    [
        "010\u20101234\u20105678",  # HYPHEN, as word processors write '-'
        "010\u20111234\u20115678",  # NON-BREAKING HYPHEN
        "010\u20131234\u20135678",  # EN DASH, a document's autocorrect
        "010\u22121234\u22125678",  # MINUS SIGN
        "010\uff0d1234\uff0d5678",  # FULL-WIDTH HYPHEN-MINUS
        "\uff10\uff11\uff10-\uff11\uff12\uff13\uff14-\uff15\uff16\uff17\uff18",  # full-width digits (IME 전각)
        "\uff0b82 10 1234 5678",  # FULL-WIDTH PLUS SIGN
        "\uff08010\uff09 1234\uff0e5678",  # full-width brackets and full stop
        "\u202a010-1234-5678\u202c",  # the direction marks a phone wraps a copied number in
        "\u2066010-1234-5678\u2069",
        "\u200e010-1234-5678",  # LEFT-TO-RIGHT MARK
        "010\u200b1234\u200b5678",  # ZERO WIDTH SPACE from a web page
        "\ufeff010-1234-5678",  # the BOM a spreadsheet's UTF-8 export starts with
        "010\u00ad1234\u00ad5678",  # SOFT HYPHEN
        "010\u202f1234\u202f5678",  # NARROW NO-BREAK SPACE
    ],
)
def test_a_number_written_with_unicode_dashes_full_width_digits_or_invisible_marks_is_normalised(raw: str) -> None:
    assert normalize_number(raw, field="recipients[0].number") == "01012345678"


@pytest.mark.parametrize(
    "raw", ["\u0660\u0661\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668", "0101234567\u0968"]
)
def test_digits_of_other_scripts_are_still_refused(raw: str) -> None:
    with pytest.raises(ValidationError) as refused:
        normalize_number(raw, field="recipients[0].number")
    assert refused.value.field == "recipients[0].number"


@pytest.mark.parametrize(
    ("raw", "country_code", "named"),
    [
        ("010-1234-567O", "82", "'O' (U+004F) at position 12 is neither a digit nor a separator"),  # a letter O
        ("010/1234/5678", "82", "'/' (U+002F) at position 3 is neither a digit nor a separator"),
        ("+82 10+1234-5678", "82", "'+' (U+002B) at position 6 is neither a digit nor a separator"),
        ("+1 415 555 12l4", "1", "'l' (U+006C) at position 13 is neither a digit nor a separator"),
        ("0101234567\u0968", "82", "the digit at position 10 is not one of 0-9"),
        ("", "82", "it has no digits"),
        (" - ", "82", "it has no digits"),
    ],
)
def test_a_number_refused_for_what_is_not_a_digit_names_that_character(raw: str, country_code: str, named: str) -> None:
    """The message said "(digits only)" whatever was wrong, and the mask hid which digit was not one."""
    with pytest.raises(ValidationError) as refused:
        normalize_number(raw, field="sender", country_code=country_code)
    assert named in str(refused.value)
    assert refused.value.limit == ("digits" if country_code == "82" else "4-20 digits")
    assert "1234" not in str(refused.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("tel:010-1234-5678", "01012345678"),
        ("tel:+82-10-1234-5678", "01012345678"),  # RFC 3966's global form
        ("TEL:+82-2-123-4567", "021234567"),
        (" tel:1544-6859", "15446859"),
    ],
)
def test_a_tel_uri_is_read_as_its_number(raw: str, expected: str) -> None:
    """A number taken from a link or a contact card (``tel:+82-10-...``) was refused as not digits."""
    assert normalize_number(raw, field="recipients[0].number") == expected


def test_a_tel_uri_of_another_country_is_read_for_the_message_country() -> None:
    assert normalize_number("tel:+81-90-1234-5678", country_code="81") == "9012345678"


def test_a_tel_uri_with_parameters_names_the_first_character_that_is_not_part_of_the_number() -> None:
    with pytest.raises(ValidationError, match=r"';' \(U\+003B\) at position 17 is neither a digit nor a separator"):
        normalize_number("tel:010-1234-5678;ext=12")


@pytest.mark.parametrize("raw", ["02-123-456", "070-12-345", "0505-1234", "+82 2 123 456"])
def test_a_number_from_0_of_8_digits_is_refused_as_a_digit_short(raw: str) -> None:
    """Seoul's 02-123-4567 is the shortest Korean number from 0: 8 digits went to the provider."""
    with pytest.raises(ValidationError) as refused:
        normalize_number(raw, field="recipients[0].number")
    assert (
        "has 8 digits as dialled in Korea; a Korean number from 0 has at least 9 (02-123-4567): is a digit missing?"
        in str(refused.value)
    )
    assert refused.value.limit == "9 digits from 0"
    assert refused.value.value == "****" + "".join(character for character in raw if character.isdigit())[-4:]


@pytest.mark.parametrize(("raw", "expected"), [("02-123-4567", "021234567"), ("1544-6859", "15446859")])
def test_the_shortest_korean_numbers_pass(raw: str, expected: str) -> None:
    assert normalize_number(raw) == expected

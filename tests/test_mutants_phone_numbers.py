"""Phone number rules that hand-made mutants of :mod:`krsms.phone_numbers` showed untested: the
trunk 0 after +82, every older 01x prefix, the representative number's exact length, the
bounds of a number abroad, and the country calling code a number starts with."""

from __future__ import annotations

import pytest

from krsms import ValidationError
from krsms.phone_numbers import calling_code, normalize_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("+82 010-1234-5678", "01012345678"), ("+82 (0)2-123-4567", "021234567"), ("+82 0 1544-6859", "15446859")],
)
def test_the_trunk_0_written_after_plus_82_is_dialled_once(raw: str, expected: str) -> None:
    """People write the 0 of the number as dialled in Korea after +82 too: it is not dialled twice."""
    assert normalize_number(raw) == expected


@pytest.mark.parametrize("prefix", ["011", "016", "017", "018", "019"])
def test_every_older_mobile_prefix_takes_10_or_11_digits(prefix: str) -> None:
    assert normalize_number(f"{prefix}-123-4567") == f"{prefix}1234567"
    assert normalize_number(f"{prefix}-1234-5678") == f"{prefix}12345678"
    with pytest.raises(ValidationError) as refused:
        normalize_number(f"{prefix}-12-3456", field="sender")
    assert (refused.value.field, refused.value.limit) == ("sender", "010 with 11 digits, other 01x with 10 or 11")


@pytest.mark.parametrize("raw", ["1544-68591", "1544-6859-12", "16001234567"])
def test_a_representative_number_has_exactly_8_digits(raw: str) -> None:
    with pytest.raises(ValidationError) as refused:
        normalize_number(raw, field="sender")
    assert (refused.value.field, refused.value.limit) == ("sender", "0... or 15xx/16xx/18xx-xxxx")


@pytest.mark.parametrize("digits", [4, 20])
def test_a_number_abroad_of_4_to_20_digits_is_taken_as_written(digits: int) -> None:
    number = "9" * digits
    assert normalize_number(number, country_code="81") == number
    assert normalize_number(f"+81 {number}", country_code="81") == number


@pytest.mark.parametrize("digits", [3, 21])
def test_a_number_abroad_of_3_or_21_digits_is_refused_naming_the_bounds(digits: int) -> None:
    with pytest.raises(ValidationError) as refused:
        normalize_number("9" * digits, field="recipients[0].number", country_code="81")
    assert (refused.value.field, refused.value.limit) == ("recipients[0].number", "4-20 digits")
    assert str(refused.value).endswith("is not a phone number of country +81 (4 to 20 digits)")


@pytest.mark.parametrize(
    ("international", "code"),
    [
        ("14155551234", "1"),  # North America
        ("79161234567", "7"),  # Russia
        ("77012345678", "7"),  # Kazakhstan
        ("819012345678", "81"),
        ("821012345678", "82"),
        ("447911123456", "44"),
        ("201001234567", "20"),
        ("85291234567", "852"),  # Hong Kong: 85 is no code
        ("353871234567", "353"),  # Ireland: 35 is no code
        ("886912345678", "886"),
    ],
)
def test_the_calling_code_is_the_one_the_number_starts_with(international: str, code: str) -> None:
    assert calling_code(international) == code

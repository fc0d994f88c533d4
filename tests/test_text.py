"""EUC-KR byte rules, kind selection, unencodable characters and phone numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from krsms import ValidationError
from krsms.fields import mask_number
from krsms.phone_numbers import all_clean_mobiles, is_clean_mobile, normalize_number
from krsms.text import MessageKind, byte_length, check_body, check_subject, choose_kind, unencodable_characters

EUC_KR_HANGUL = "".join(chr(code) for code in range(0xAC00, 0xD7A4) if len(chr(code).encode("euc_kr")) == 2)
"""The 2,350 modern syllables EUC-KR has (KS X 1001); the other 8,822 only CP949 has."""
hangul = st.sampled_from(EUC_KR_HANGUL)
ascii_printable = st.characters(min_codepoint=0x20, max_codepoint=0x7E)


def test_hangul_counts_two_bytes_and_ascii_one() -> None:
    assert byte_length("안녕하세요") == 10
    assert byte_length("hello") == 5
    assert byte_length("안녕 hi") == 7


@given(st.text(hangul, max_size=200), st.text(ascii_printable, max_size=200))
def test_byte_length_is_two_per_syllable_plus_one_per_ascii(korean: str, latin: str) -> None:
    assert byte_length(korean + latin) == 2 * len(korean) + len(latin)


@given(st.text(st.one_of(hangul, ascii_printable), max_size=300))
def test_auto_kind_is_sms_exactly_up_to_90_bytes(text: str) -> None:
    expected = MessageKind.SMS if byte_length(text) <= 90 else MessageKind.LMS
    assert choose_kind(text) is expected


def test_images_make_an_mms_whatever_the_length() -> None:
    assert choose_kind("짧음", has_images=True) is MessageKind.MMS


def test_sms_of_91_bytes_names_size_limit_and_remedy() -> None:
    text = "가" * 45 + "a"
    with pytest.raises(ValidationError) as caught:
        check_body(text, MessageKind.SMS)
    assert caught.value.field == "text"
    assert caught.value.limit == "90 bytes"
    assert caught.value.value == 91
    assert str(caught.value) == "text: is 91 bytes in EUC-KR; SMS allows 90 (use LMS or shorten)"


def test_lms_allows_2000_bytes_and_not_2001() -> None:
    check_body("가" * 1000, MessageKind.LMS)
    with pytest.raises(ValidationError, match="2001 bytes"):
        check_body("가" * 1000 + "a", MessageKind.LMS)


def test_subject_is_capped_at_40_bytes() -> None:
    check_subject("가" * 20)
    with pytest.raises(ValidationError) as caught:
        check_subject("가" * 20 + "a")
    assert caught.value.field == "subject"


def test_choose_kind_names_the_field_of_a_character_it_cannot_send() -> None:
    with pytest.raises(ValidationError) as caught:
        choose_kind("안녕\x07", field="recipients[3].text")
    assert caught.value.field == "recipients[3].text"


def test_emoji_is_rejected_with_its_position() -> None:
    with pytest.raises(ValidationError) as caught:
        check_body("안녕😀", MessageKind.AUTO)
    assert "'😀'" in str(caught.value)
    assert "position 2" in str(caught.value)
    assert unencodable_characters("a😀b🎉") == [(1, "😀"), (3, "🎉")]


def test_a_syllable_only_cp949_has_is_refused_though_python_could_encode_it_as_euc_kr() -> None:
    """똠 and 햏 are modern Hangul EUC-KR lacks; Python's euc_kr codec writes each as an
    8-byte jamo sequence (so a 90-byte SMS would be 360), CP949 as two bytes."""
    assert len("똠".encode("euc_kr")) == 8
    with pytest.raises(ValidationError) as caught:
        check_body("안녕 똠방각하", MessageKind.AUTO)
    assert str(caught.value) == "text: character '똠' (U+B620) at position 3 cannot be sent (not in EUC-KR)"
    assert (caught.value.limit, caught.value.value) == ("EUC-KR characters only", "똠")
    assert unencodable_characters("가똠나햏※①") == [(1, "똠"), (3, "햏")]
    assert byte_length("가나※①") == 8


@given(st.text(max_size=50))
def test_text_is_either_sendable_or_a_validation_error(text: str) -> None:
    if text.strip() and not unencodable_characters(text):
        check_body(text, MessageKind.AUTO)
    else:
        with pytest.raises(ValidationError) as caught:
            check_body(text, MessageKind.AUTO)
        assert caught.value.field == "text"


@pytest.mark.parametrize("text", ["", " ", "\n\t ", "\u3000"])
def test_empty_or_blank_text_is_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="must not be empty or blank"):
        check_body(text, MessageKind.SMS)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("010-1234-5678", "01012345678"),
        ("010 1234 5678", "01012345678"),
        ("+82 10-1234-5678", "01012345678"),
        ("02-123-4567", "021234567"),
        ("1544-6859", "15446859"),
        ("(02) 1234.5678", "0212345678"),
        ("0505-123-4567", "05051234567"),
        ("011-123-4567", "0111234567"),
        ("1600 1234", "16001234"),
    ],
)
def test_numbers_are_normalised(raw: str, expected: str) -> None:
    assert normalize_number(raw) == expected


@pytest.mark.parametrize("raw", ["010-1234-56", "012-1234-5678", "abc", "1234567", "0101234567٨", ""])
def test_bad_numbers_are_refused_and_masked(raw: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalize_number(raw, field="recipients[0].number")
    assert caught.value.field == "recipients[0].number"
    if len(raw) > 8:
        assert raw not in str(caught.value)


@pytest.mark.parametrize(
    "raw",
    [
        "82-10-1234-5678",  # the international form without '+': would go to 821012345678 in Korea
        "821012345678",
        "0082-10-1234-5678",  # an international call prefix
        "10-1234-5678",  # the leading 0 lost (a spreadsheet's number column)
        "12345678",
        "1234-5678-90",
    ],
)
def test_a_number_no_one_can_dial_in_korea_is_refused(raw: str) -> None:
    with pytest.raises(ValidationError, match="is not a Korean number as dialled in Korea") as caught:
        normalize_number(raw, field="recipients[0].number")
    assert caught.value.limit == "0... or 15xx/16xx/18xx-xxxx"
    assert raw.replace("-", "") not in str(caught.value)


def test_an_010_number_has_11_digits() -> None:
    with pytest.raises(ValidationError, match="010 with 11 digits"):
        normalize_number("010-123-4567")
    assert normalize_number("016-123-4567") == "0161234567"  # the older 01x kept 10 digits


@given(st.from_regex(r"010[0-9]{8}", fullmatch=True))
def test_valid_mobile_numbers_round_trip(number: str) -> None:
    dashed = f"{number[:3]}-{number[3:7]}-{number[7:]}"
    assert normalize_number(dashed) == number


def test_mask_keeps_prefix_and_last_four() -> None:
    assert mask_number("01012345678") == "010****5678"
    assert mask_number("15446859") == "****6859"
    assert mask_number("123") == "***"


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("12345", "***45"),
        ("123456", "****56"),
        ("2345678", "*****78"),
        ("234-5678", "***-**78"),  # separators do not count as digits, nor unmask them
        ("15446859", "****6859"),  # 8 and 9 digits: all but the last four (was 154*6859)
        ("02-123-4567", "**-***-4567"),
        ("0212345678", "021***5678"),  # 10 digits and more: as before, by characters
        ("010-1234-5678", "010******5678"),
    ],
)
def test_a_short_number_is_masked_too_keeping_only_its_last_digits(number: str, masked: str) -> None:
    """5 to 7 digits were shown whole (the last four and up to three of a head were kept)."""
    assert mask_number(number) == masked


@pytest.mark.parametrize("raw", ["234-5678", "0212345", "010-12"])
def test_a_short_number_refused_for_its_length_is_not_shown_whole(raw: str) -> None:
    with pytest.raises(ValidationError) as refused:
        normalize_number(raw, field="recipients[0].number")
    digits = raw.replace("-", "")
    assert digits not in str(refused.value)
    assert digits not in str(refused.value.value)


@pytest.mark.parametrize(
    ("raw", "country_code", "expected"),
    [
        ("+82 10-1111-2222", "82", "01011112222"),
        ("+82 1544-6859", "82", "15446859"),  # a representative number takes no leading 0
        ("0120-123-456", "81", "0120123456"),  # foreign numbers as dialled there
        ("+81 90-1234-5678", "81", "9012345678"),
        ("+1 (415) 555-1234", "1", "4155551234"),
    ],
)
def test_numbers_are_read_for_the_message_country(raw: str, country_code: str, expected: str) -> None:
    assert normalize_number(raw, country_code=country_code) == expected


@pytest.mark.parametrize(("raw", "country_code"), [("+82 10-1111-2222", "81"), ("+81 90-1234-5678", "82")])
def test_a_number_of_another_country_is_refused(raw: str, country_code: str) -> None:
    with pytest.raises(ValidationError, match=f"is not a \\+{country_code} number: set the message's country_code"):
        normalize_number(raw, country_code=country_code)


CLEAN_MOBILE_CANDIDATES = [
    "01012345678",
    "01099999999",
    "0101234567",  # 10 characters
    "010123456789",  # 12
    "01112345678",  # 011: valid, but not the clean 010 form
    "00012345678",
    "02012345678",
    "010-1234-56",
    "01O12345678",  # a letter O
    "０１０１２３４５６７８",  # full-width digits: isdigit() but not ASCII
    "01012345678\n"[:11],
    # Line breaks, which the run's check puts between values: none may pass for one of them.
    "01012345678\n01012345678",
    "0101234567\n",
    "\n0101234567",
    "01012345678\n",
    "\n",
]


@given(st.lists(st.sampled_from(CLEAN_MOBILE_CANDIDATES), max_size=6))
def test_a_run_of_clean_mobiles_is_checked_as_each_one_would_be(values: list[str]) -> None:
    assert all_clean_mobiles(values) == all(is_clean_mobile(value) for value in values)


def test_a_run_with_anything_but_text_is_not_clean() -> None:
    assert not all_clean_mobiles(["01012345678", 1012345678])
    assert not all_clean_mobiles(["01012345678", b"01012345678"])
    assert all_clean_mobiles([])


def test_auto_is_sms_at_exactly_90_bytes_and_lms_at_91() -> None:
    assert choose_kind("가" * 45) is MessageKind.SMS
    assert choose_kind("가" * 44 + "ab") is MessageKind.SMS
    assert choose_kind("가" * 45 + "a") is MessageKind.LMS


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b", "\x7f"])
def test_a_control_character_is_refused_naming_its_code_point(control: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_body(f"안녕{control}하세요", MessageKind.AUTO)
    assert caught.value.value == f"U+{ord(control):04X}"
    assert unencodable_characters(f"a{control}") == [(1, control)]


@pytest.mark.parametrize("number", ["1544-6859", "1600-1234", "1800-1234", "18001234"])
def test_representative_numbers_of_15xx_16xx_and_18xx_are_kept_as_eight_digits(number: str) -> None:
    assert normalize_number(number, field="sender") == number.replace("-", "")

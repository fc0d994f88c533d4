"""krsms.json_body: the bodies a gateway encodes itself read back as exactly what httpx's
``json=`` would have written, and anything that is not plain digits goes the careful way."""

from __future__ import annotations

import json
from typing import Any

import pytest

from krsms.json_body import body_with_list, dumps, number_entries


def httpx_body(value: Any) -> bytes:
    """What httpx writes for ``json=value`` (httpx._content.encode_json's options)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


@pytest.mark.parametrize(
    "numbers", [["01012345678"], ["01012345678", "0212345678", "15446859"], ["0"] * 3, ["010", ""]]
)
def test_number_entries_are_the_json_list_of_one_object_per_number(numbers: list[str]) -> None:
    entries = number_entries("recipientNo", numbers)
    assert entries is not None
    assert entries.encode() == httpx_body([{"recipientNo": number} for number in numbers])


@pytest.mark.parametrize(
    "numbers",
    [
        [],  # nothing to join: dumps writes "[]"
        ["01012345678", '010"1'],  # a quote would end the JSON string early
        ["010\\1"],
        ["010\n1"],
        ["+821012345678"],
        ["０１０"],  # fullwidth digits, which str.isdigit takes
        ["٣"],  # a non-ASCII digit
    ],
)
def test_number_entries_leave_anything_but_ascii_digits_to_dumps(numbers: list[str]) -> None:
    assert number_entries("to", numbers) is None


def test_a_body_with_a_list_is_the_fields_then_the_list() -> None:
    fields = {"body": '안녕 "따옴표" \\ 줄\n바꿈', "sendNo": "0212345678", "recipientList": ["dropped"]}
    numbers = ["01000000001", "01000000002"]
    entries = number_entries("recipientNo", numbers)
    assert entries is not None
    body = body_with_list(fields, "recipientList", entries)
    expected = {**fields, "recipientList": [{"recipientNo": number} for number in numbers]}
    assert json.loads(body.content) == expected
    assert body.content == httpx_body(expected)  # compact, UTF-8, the list last as written


def test_a_body_of_no_other_field_is_the_list_alone() -> None:
    assert json.loads(body_with_list({}, "messages", "[]").content) == {"messages": []}


def test_a_field_json_cannot_carry_is_refused_before_anything_is_sent() -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        body_with_list({"rate": float("nan")}, "messages", "[]")
    with pytest.raises(ValueError, match="not JSON compliant"):
        dumps([float("inf")])

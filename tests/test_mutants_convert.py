"""Converter rules that hand-made mutants of :mod:`krsms.convert` and the providers' converters
showed untested: text that is a bool, how much of a malformed answer is quoted (redacted first),
and NHN's ``requestDate`` written in Seoul time."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from krsms.convert import parse, structure_text
from krsms.errors import MalformedResponseError
from krsms.nhn.converter import converter as nhn_converter
from krsms.nhn.models import SendRecipient, SendRequest
from krsms.sens.converter import converter as sens_converter
from krsms.sens.models import MessagePage

PAGE = {"statusCode": "202", "statusName": "success", "messages": []}


@pytest.mark.parametrize("written", [True, False])
def test_a_boolean_where_text_belongs_is_malformed_not_the_text_true(written: bool) -> None:
    """A bool is an int to Python: it was read as the text ``"True"``."""
    with pytest.raises(ValueError, match="expected a string, got bool"):
        structure_text(written)


def test_a_malformed_answer_quotes_at_most_200_characters_of_what_did_not_fit() -> None:
    """The value is quoted whole by the hook: a page's worth of it would fill the log line."""
    with pytest.raises(MalformedResponseError) as refused:
        parse(sens_converter, {**PAGE, "hasMore": "x" * 1000}, MessagePage, provider="sens", redact=str)
    problem = refused.value.message.removeprefix("answer does not match MessagePage: ")
    assert len(problem) == 200
    assert problem.startswith("ValueError: expected true or false, got 'xxx")
    assert problem.endswith("x…")


def test_a_key_the_answer_echoed_where_the_quote_is_cut_is_hidden_whole() -> None:
    """Cut first, the key's start would show, its end gone and the redactor unable to match it."""
    prefix = "ValueError: expected true or false, got '"
    value = "x" * (195 - len(prefix)) + "SECRETKEY" + "y" * 500  # the key spans the cut at 199

    def redact(text: str) -> str:
        return text.replace("SECRETKEY", "***")

    with pytest.raises(MalformedResponseError) as refused:
        parse(sens_converter, {**PAGE, "hasMore": value}, MessagePage, provider="sens", redact=redact)
    assert "SECR" not in str(refused.value)
    assert "***" in str(refused.value)


def test_an_nhn_reservation_given_in_another_zone_is_written_in_seoul_to_the_minute() -> None:
    request = SendRequest(
        body="본문",
        send_no="15446859",
        recipient_list=(SendRecipient(recipient_no="01000000000"),),
        request_date=datetime(2026, 3, 2, 3, 30, 45, tzinfo=timezone.utc),
    )
    assert nhn_converter.unstructure(request)["requestDate"] == "2026-03-02 12:30"

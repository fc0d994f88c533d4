"""SENS checks that hand-made mutants of :mod:`krsms.sens.checks` showed untested: an S1
recipient abroad is read as a number of the request's country, a reservation is checked at the
minute it goes out as, S3 filters by ASCII digits only, and S8's paging fields refuse a bool."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs
import pytest

from krsms import ValidationError
from krsms.convert import SEOUL
from krsms.sens.checks import check_message_query, check_send_request, check_unsubscribe_query
from krsms.sens.models import MessageQuery, MessageType, SendMessage, SendRequest, UnsubscribeQuery


def _abroad(to: str) -> SendRequest:
    return SendRequest(
        type=MessageType.SMS, from_="0212345678", content="hello", country_code="81", messages=(SendMessage(to=to),)
    )


def test_a_recipient_abroad_is_a_number_of_the_request_s_country() -> None:
    """``9012345678`` is a Japanese mobile as dialled in Japan: checked as a Korean number, it
    was refused for not starting with 0."""
    check_send_request(_abroad("9012345678"))


def test_a_recipient_abroad_written_with_its_country_code_is_refused_as_not_sent_as_written() -> None:
    with pytest.raises(ValidationError) as refused:
        check_send_request(_abroad("+819012345678"))
    assert (refused.value.field, refused.value.limit, refused.value.value) == (
        "messages[0].to",
        "digits",
        "+81******5678",
    )


@pytest.mark.parametrize("field", ["page_size", "page_index", "start_time", "end_time"])
def test_a_paging_field_given_a_bool_is_refused_by_name(field: str) -> None:
    """True is an int to Python: it passed as page 1 (or a page size of 1), and went out as ``true``."""
    with pytest.raises(ValidationError) as refused:
        check_unsubscribe_query(UnsubscribeQuery(**{field: True}))
    assert (refused.value.field, refused.value.limit, refused.value.value) == (field, "a whole number", "True")


@pytest.mark.parametrize("field", ["from_", "to"])
def test_a_look_up_number_of_full_width_digits_is_refused_as_not_digits(field: str) -> None:
    """SENS lists numbers in ASCII digits: ``０１０...`` (a Korean IME's full-width mode) matches none."""
    with pytest.raises(ValidationError) as refused:
        check_message_query(MessageQuery(request_id="R-1", **{field: "０１０１２３４５６７８"}))
    assert (refused.value.field, refused.value.limit) == (field, "digits")


def test_a_reservation_in_the_current_minute_is_refused_as_sens_takes_it_to_the_minute() -> None:
    """At 12:00:10, 12:00:40 goes out as ``12:00``, a minute already begun."""
    now = datetime(2026, 3, 2, 12, 0, 10, tzinfo=SEOUL)
    request = attrs.evolve(_abroad("9012345678"), reserve_time=now + timedelta(seconds=30))
    with pytest.raises(ValidationError) as refused:
        check_send_request(request, now=now)
    assert (refused.value.field, refused.value.limit) == ("reserve_time", "in the future at minute precision")
    check_send_request(attrs.evolve(request, reserve_time=now + timedelta(seconds=50)), now=now)

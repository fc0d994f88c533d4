"""NHN send checks that hand-made mutants of :mod:`krsms.nhn.checks` showed untested."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from krsms import MessageKind, ValidationError
from krsms.convert import SEOUL
from krsms.nhn.checks import check_send
from krsms.nhn.models import SendRecipient, SendRequest

NOW = datetime(2026, 3, 2, 12, 0, 10, tzinfo=SEOUL)


def _reserved(request_date: datetime) -> SendRequest:
    return SendRequest(
        body="본문",
        send_no="15446859",
        recipient_list=(SendRecipient(recipient_no="01000000000"),),
        request_date=request_date,
    )


def test_a_reservation_in_the_current_minute_is_refused_as_nhn_takes_it_to_the_minute() -> None:
    """At 12:00:10, 12:00:40 goes out as ``2026-03-02 12:00``, a minute already begun."""
    with pytest.raises(ValidationError) as refused:
        check_send(_reserved(NOW + timedelta(seconds=30)), MessageKind.SMS, advertisement=False, now=NOW)
    assert (refused.value.field, refused.value.limit) == ("request_date", "in the future at minute precision")
    check_send(_reserved(NOW + timedelta(seconds=50)), MessageKind.SMS, advertisement=False, now=NOW)


def test_an_lms_send_with_attachments_is_checked_and_named_as_an_mms() -> None:
    request = SendRequest(
        title="제목",
        body="a" * 2001,
        send_no="15446859",
        recipient_list=(SendRecipient(recipient_no="01000000000"),),
        attach_file_id_list=(1,),
    )
    with pytest.raises(ValidationError) as refused:
        check_send(request, MessageKind.LMS, advertisement=False, now=NOW)
    assert str(refused.value) == "body: is 2001 bytes in EUC-KR; MMS allows 2000 (shorten it)"

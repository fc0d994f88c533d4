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


def _long(title: str | None, recipient: SendRecipient) -> SendRequest:
    return SendRequest(title=title, body="본문", send_no="15446859", recipient_list=(recipient,))


def test_a_blank_title_of_an_lms_without_a_template_is_refused_as_missing() -> None:
    with pytest.raises(ValidationError) as refused:
        check_send(_long(" ", SendRecipient(recipient_no="01000000000")), MessageKind.LMS, advertisement=False, now=NOW)
    assert (refused.value.field, refused.value.limit, refused.value.value) == ("title", "a title", " ")


def test_an_lms_to_an_international_number_of_another_country_is_refused() -> None:
    """Given alone, ``internationalRecipientNo`` is the number NHN sends to: ``81...`` is Japan."""
    check_send(
        _long("제목", SendRecipient(international_recipient_no="821012345678")),
        MessageKind.LMS,
        advertisement=False,
        now=NOW,
    )
    with pytest.raises(ValidationError) as refused:
        check_send(
            _long("제목", SendRecipient(international_recipient_no="819012345678")),
            MessageKind.LMS,
            advertisement=False,
            now=NOW,
        )
    assert refused.value.limit == "82"


def test_an_lms_refused_for_an_international_number_abroad_names_that_field_and_masks_the_number() -> None:
    """The refusal blamed ``country_code``, which the recipient did not give, and held the
    whole phone number as its value, where every other refusal masks it."""
    recipient = SendRecipient(international_recipient_no="819012345678")
    with pytest.raises(ValidationError) as refused:
        check_send(_long("제목", recipient), MessageKind.LMS, advertisement=False, now=NOW)
    assert (refused.value.field, refused.value.value) == (
        "recipient_list[0].international_recipient_no",
        "819*****5678",
    )
    assert "9012" not in str(refused.value)
    assert "'819*****5678'" in str(refused.value)


def test_an_international_number_written_with_a_leading_0_is_refused_masked() -> None:
    """``00 81 ...`` or ``0 81 ...``: the country code comes first, without an exit prefix."""
    recipient = SendRecipient(international_recipient_no="0819012345678")
    request = SendRequest(body="본문", send_no="15446859", recipient_list=(recipient,))
    with pytest.raises(ValidationError) as refused:
        check_send(request, MessageKind.SMS, advertisement=False, now=NOW)
    assert (refused.value.field, refused.value.limit, refused.value.value) == (
        "recipient_list[0].international_recipient_no",
        "country code first, at most 20 digits",
        "081******5678",
    )

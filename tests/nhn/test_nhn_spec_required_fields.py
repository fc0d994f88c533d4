"""Required text fields of NHN's management bodies refuse an empty or blank value when made.

The document's tables mark them required (必須, O) and its error code table has a code for
each one left empty (-2100 template id, -2102 template name, -2103 sender, -2105 body, -2114
title of an LMS/MMS template; -2200/-2201 an invalid category; -7001 an invalid tag
parameter); the removal and cancellation tables (N31, N36) require who removes or cancels.
A blank value (an unset environment variable read as ``""``) went out for NHN to refuse.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
import respx

from krsms import errors
from krsms.nhn.client import NhnClient
from krsms.nhn.models import (
    BlockedRecipientsRemoval,
    CategoryCreate,
    CategoryUpdate,
    NewContact,
    PhoneNumber,
    ReservationCancel,
    ReservationKey,
    TagName,
    TemplateCreate,
    TemplateUpdate,
    UidRegistration,
)
from krsms.transport import NO_RETRIES

HOST = "https://api-sms.cloud.toast.com"
TEMPLATE = {"template_name": "name", "send_no": "15446859", "send_type": "0", "body": "body", "use_yn": True}
KEYS = (ReservationKey(request_id="20180810100630ReZQ6KZzAH0", recipient_seq=1),)


def new_template(**change: Any) -> TemplateCreate:
    return TemplateCreate(**({"category_id": 1, "template_id": "T1"} | TEMPLATE | change))


def changed_template(**change: Any) -> TemplateUpdate:
    return TemplateUpdate(**(TEMPLATE | change))


BLANK_REQUIRED = [
    (lambda blank: new_template(template_id=blank), "template_id"),  # -2100
    (lambda blank: new_template(template_name=blank), "template_name"),  # -2102
    (lambda blank: new_template(send_no=blank), "send_no"),  # -2103
    (lambda blank: new_template(body=blank), "body"),  # -2105
    (lambda blank: new_template(send_type="1", title=blank), "title"),  # -2114
    (lambda blank: changed_template(template_name=blank), "template_name"),
    (lambda blank: changed_template(send_no=blank), "send_no"),
    (lambda blank: changed_template(body=blank), "body"),
    (lambda blank: changed_template(send_type="1", title=blank), "title"),
    (lambda blank: CategoryCreate(category_name=blank, use_yn=True), "category_name"),  # -2200
    (lambda blank: CategoryUpdate(category_name=blank, use_yn=True), "category_name"),  # -2201
    (lambda blank: TagName(tag_name=blank), "tag_name"),  # -7001
]


@pytest.mark.parametrize("blank", ["", "  \n"])
@pytest.mark.parametrize(("make", "field"), BLANK_REQUIRED)
def test_a_required_management_field_left_blank_is_refused_when_made(
    make: Callable[[str], object], field: str, blank: str
) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        make(blank)

    assert (caught.value.field, caught.value.value) == (field, blank)
    assert caught.value.limit in ("a visible character", "a title")


@pytest.mark.parametrize("blank", ["", " "])
@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda blank: ReservationCancel(reservation_list=KEYS, update_user=blank), "update_user"),
        (
            lambda blank: BlockedRecipientsRemoval(
                unsubscribe_no="0800000000", update_user=blank, recipient_no_list=("01000000000",)
            ),
            "update_user",
        ),
    ],
)
def test_who_cancels_or_removes_left_blank_is_refused_when_made(
    make: Callable[[str], object], field: str, blank: str
) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        make(blank)

    assert (caught.value.field, caught.value.limit, caught.value.value) == (field, "a visible character", blank)


@pytest.mark.parametrize(
    "call",
    [
        lambda client: client.cancel_reservations(KEYS, ""),
        lambda client: client.delete_blocked_recipients("0800000000", ["01000000000"], ""),
        lambda client: client.create_tag(" "),
        lambda client: client.update_tag("ABCD1234", ""),
    ],
)
async def test_a_management_call_with_a_blank_required_field_sends_nothing(
    call: Callable[[NhnClient], Awaitable[object]],
) -> None:
    async with NhnClient(app_key="app-key", retry=NO_RETRIES) as client:
        with respx.mock(base_url=HOST, assert_all_called=False) as router:
            route = router.route().mock(return_value=httpx.Response(500))
            with pytest.raises(errors.ValidationError):
                await call(client)

    assert route.call_count == 0


@pytest.mark.parametrize("blank", ["", " "])
@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda blank: UidRegistration(uid=blank, tag_ids=(), contacts=()), "uid"),
        (lambda blank: UidRegistration(uid="UID", tag_ids=("ABCD1234", blank), contacts=()), "tag_ids[1]"),
        (lambda blank: NewContact(contact=blank), "contact"),
        (lambda blank: PhoneNumber(phone_number=blank), "phone_number"),
    ],
)
def test_a_uid_registration_left_blank_is_refused_when_made(
    make: Callable[[str], object], field: str, blank: str
) -> None:
    """N46 and N48 require each of them: a blank UID could not be named in a path afterwards
    (``get_uid``, ``delete_uid`` refuse it), and a blank number is no phone number."""
    with pytest.raises(errors.ValidationError) as caught:
        make(blank)

    assert (caught.value.field, caught.value.limit, caught.value.value) == (field, "a visible character", blank)

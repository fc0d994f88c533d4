"""What the NHN request models and client methods take as given, before any request.

The document's examples are the fixtures: N44's ``wheres`` is written ``tagId1,AND,tagId2``,
N46's ``tagIds`` is ``["ABCD1234"]``, N29's numbers ``0100000000``, N13's ``tagExpression``
``["tag1", "AND", "tag2"]``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
import respx

from krsms import errors
from krsms.nhn.client import NhnClient
from krsms.nhn.converter import MinuteTime
from krsms.nhn.models import (
    BlockedRecipientQuery,
    BlockedRecipientsAdd,
    BlockedRecipientsRemoval,
    DownloadRequest,
    PhoneNumber,
    ReservationCancel,
    ReservationKey,
    ReservationQuery,
    SendQuery,
    StatisticsQuery,
    TagName,
    TagSendQuery,
    TagSendRequest,
    UidQuery,
    UidRegistration,
)
from krsms.transport import NO_RETRIES

HOST = "https://api-sms.cloud.toast.com"
PREFIX = "/sms/v2.2/appKeys/app-key"
SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
async def client() -> AsyncIterator[NhnClient]:
    async with NhnClient(app_key="app-key", retry=NO_RETRIES) as nhn:
        yield nhn


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=HOST, assert_all_called=False) as router:
        yield router


# --- one text where a list of texts belongs ---------------------------------------------------


@pytest.mark.parametrize(
    ("make", "field", "shown"),
    [
        (lambda: UidQuery(wheres="tagId1,AND,tagId2"), "wheres", "'tagId1,AND,tagId2'"),
        (lambda: UidRegistration(uid="UID", tag_ids="ABCD1234", contacts=()), "tag_ids", "'ABCD1234'"),
        (
            lambda: BlockedRecipientsAdd(unsubscribe_no="0800000000", recipient_no_list="0100000000"),
            "recipient_no_list",
            "'01*****000'",
        ),
        (
            lambda: BlockedRecipientsRemoval(
                unsubscribe_no="0800000000", update_user="UpdateUser", recipient_no_list="0100000000"
            ),
            "recipient_no_list",
            "'01*****000'",
        ),
    ],
)
def test_one_text_where_a_list_of_texts_belongs_is_refused_when_made(
    make: Callable[[], object], field: str, shown: str
) -> None:
    """A text is a sequence of texts: it went out one character an entry (N44's
    ``wheres=t,a,g,I,d,1,,,A,N,D,...``, N29 registering the digits 0 and 1 as opted out).
    A phone number is shown masked."""
    with pytest.raises(errors.ValidationError) as caught:
        make()

    assert (caught.value.field, caught.value.limit, caught.value.value) == (field, "a tuple of strings", shown)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: UidQuery(wheres=(where for where in ("tagId1", "AND", "tagId2"))), "wheres"),
        (lambda: UidRegistration(uid="UID", tag_ids=iter(["ABCD1234"]), contacts=()), "tag_ids"),
        (
            lambda: BlockedRecipientsAdd(unsubscribe_no="0800000000", recipient_no_list=iter(["01000000000"])),
            "recipient_no_list",
        ),
    ],
)
def test_a_list_of_texts_given_as_a_generator_is_refused_when_made(make: Callable[[], object], field: str) -> None:
    """Its checks used it up: it went out empty (an N44 query with no ``wheres``)."""
    with pytest.raises(
        errors.ValidationError, match=r"must be a list of texts, not (generator|list_iterator)"
    ) as caught:
        make()
    assert (caught.value.field, caught.value.limit) == (field, "a tuple of strings")


@pytest.mark.parametrize(
    "call",
    [
        lambda client: client.add_blocked_recipients("0800000000", "0100000000"),
        lambda client: client.delete_blocked_recipients("0800000000", "0100000000", "UpdateUser"),
    ],
)
async def test_an_opt_out_call_given_one_number_as_text_sends_nothing(
    call: Callable[[NhnClient], Awaitable[None]], client: NhnClient, api: respx.MockRouter
) -> None:
    route = api.route().respond(200, json={"header": {"isSuccessful": True, "resultCode": 0, "resultMessage": ""}})

    with pytest.raises(errors.ValidationError) as caught:
        await call(client)

    assert (caught.value.field, caught.value.value) == ("recipient_nos", "'01*****000'")
    assert route.call_count == 0


@pytest.mark.parametrize(
    "send",
    [
        lambda client: client.send_tag_sms(TagSendRequest(body="본문", send_no="15446859", tag_expression="tag1")),
        lambda client: client.send_tag_mms(
            TagSendRequest(title="제목", body="본문", send_no="15446859", tag_expression="tag1")
        ),
    ],
)
async def test_a_tag_send_given_its_expression_as_one_text_sends_nothing(
    send: Callable[[NhnClient], Awaitable[str]], client: NhnClient, api: respx.MockRouter
) -> None:
    route = api.route().mock(return_value=httpx.Response(500))

    with pytest.raises(errors.ValidationError) as caught:
        await send(client)

    assert (caught.value.field, caught.value.value) == ("tag_expression", "'tag1'")
    assert route.call_count == 0


async def test_the_documented_lists_go_out_as_written(client: NhnClient, api: respx.MockRouter) -> None:
    """N44's ``wheres`` as its example writes it, N29's numbers as its example lists them."""
    uids = api.get(f"{PREFIX}/uids").respond(
        200,
        json={
            "header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"},
            "body": {"data": {"uids": [], "last": True, "totalCount": 0}},
        },
    )
    opt_outs = api.post(f"{PREFIX}/blockservice/recipients").respond(
        200, json={"header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "Success"}}
    )

    await client.list_uids(UidQuery(wheres=("tagId1", "AND", "tagId2")))
    await client.add_blocked_recipients("0800000000", ["0100000000", "0100000001"])

    assert uids.calls.last.request.url.params["wheres"] == "tagId1,AND,tagId2"
    assert opt_outs.calls.last.request.content == (
        b'{"unsubscribeNo":"0800000000","recipientNoList":["0100000000","0100000001"]}'
    )


# --- a blank request id -----------------------------------------------------------------------

WINDOW = {
    "start_request_date": datetime(2018, 8, 10, tzinfo=SEOUL),
    "end_request_date": datetime(2018, 8, 11, tzinfo=SEOUL),
}


@pytest.mark.parametrize("blank", ["", " "])
@pytest.mark.parametrize(
    "make",
    [
        lambda blank: SendQuery(request_id=blank),
        lambda blank: SendQuery(request_id=blank, **WINDOW),
        lambda blank: TagSendQuery(send_type="0", request_id=blank),
        lambda blank: ReservationQuery(request_id=blank),
        lambda blank: DownloadRequest(send_type="0", request_id=blank, **WINDOW),
        lambda blank: ReservationKey(request_id=blank, recipient_seq=1),
    ],
)
def test_a_blank_request_id_is_refused_when_made(make: Callable[[str], object], blank: str) -> None:
    """NHN reads a blank ``requestId`` as none: N34 would list every reservation of the appKey
    (and a cancel built from it cancel them all), N2 alone would answer -2011; a blank one
    passed as the selection of a send list ("" did not, " " did)."""
    with pytest.raises(errors.ValidationError) as caught:
        make(blank)

    assert (caught.value.field, caught.value.limit, caught.value.value) == ("request_id", "a visible character", blank)


async def test_a_reservation_list_with_a_blank_request_id_sends_nothing(
    client: NhnClient, api: respx.MockRouter
) -> None:
    route = api.route().mock(return_value=httpx.Response(500))

    with pytest.raises(errors.ValidationError):
        await client.list_reservations(ReservationQuery(request_id=" ", message_status="RESERVED"))

    assert route.call_count == 0


# --- a value of another type ------------------------------------------------------------------

KEYS = (ReservationKey(request_id="20180810100630ReZQ6KZzAH0", recipient_seq=1),)
SEOUL_MINUTE = MinuteTime(datetime(2018, 6, 1, tzinfo=SEOUL))


@pytest.mark.parametrize(
    ("make", "field", "shown"),
    [
        (lambda: TagName(tag_name=None), "tag_name", "None"),
        (lambda: ReservationCancel(reservation_list=KEYS, update_user=None), "update_user", "None"),
        (lambda: SendQuery(request_id="20180810100630ReZQ6KZzAH0", send_no=15446859), "send_no", "****6859"),
        (lambda: PhoneNumber(phone_number=1000000000), "phone_number", "100***0000"),
        (
            lambda: BlockedRecipientsRemoval(
                unsubscribe_no="0800000000", update_user="UpdateUser", recipient_no_list=(1000000000,)
            ),
            "recipient_no_list[0]",
            "100***0000",
        ),
        (
            lambda: BlockedRecipientsAdd(unsubscribe_no="0800000000", recipient_no_list=(1000000000,)),
            "recipient_no_list[0]",
            "100***0000",
        ),
        (lambda: UidQuery(wheres=("tagId1", "AND", None)), "wheres[2]", "None"),
    ],
)
def test_a_value_that_is_not_text_is_refused_by_name_when_made(
    make: Callable[[], object], field: str, shown: str
) -> None:
    """A ``ValidationError`` naming the field, not a TypeError or AttributeError out of
    ``len()`` or ``strip()`` (an unset environment variable read as None, a number read from
    a spreadsheet); a number shown masked, as a phone number is. N29's numbers went out as
    JSON numbers where its table has strings."""
    with pytest.raises(errors.ValidationError) as caught:
        make()

    assert (caught.value.field, caught.value.limit, caught.value.value) == (field, "a string", shown)


def test_statistics_types_given_as_a_list_are_refused_with_the_comma_separated_form() -> None:
    """N33's URL names them in the plural (``messageTypes``), one comma-separated text."""
    with pytest.raises(errors.ValidationError) as caught:
        StatisticsQuery(search_type="DATE", from_=SEOUL_MINUTE, to=SEOUL_MINUTE, message_types=["SMS", "LMS"])

    assert caught.value.field == "message_types"
    assert "'SMS,LMS'" in str(caught.value)


@pytest.mark.parametrize(
    "call",
    [
        lambda client: client.create_tag(None),
        lambda client: client.cancel_reservations(KEYS, None),
        lambda client: client.upload_attachment("attachment.jpg", b"\xff\xd8\xff\xe0\xff\xd9", None),
    ],
)
async def test_a_management_call_given_none_for_a_required_text_sends_nothing(
    call: Callable[[NhnClient], Awaitable[object]], client: NhnClient, api: respx.MockRouter
) -> None:
    route = api.route().mock(return_value=httpx.Response(500))

    with pytest.raises(errors.ValidationError):
        await call(client)

    assert route.call_count == 0


# --- the opt-out tables' required 080 number and numbers --------------------------------------


@pytest.mark.parametrize("blank", ["", " "])
@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda blank: BlockedRecipientsAdd(unsubscribe_no=blank, recipient_no_list=("0100000000",)), "unsubscribe_no"),
        (lambda blank: BlockedRecipientQuery(unsubscribe_no=blank), "unsubscribe_no"),
        (
            lambda blank: BlockedRecipientsRemoval(
                unsubscribe_no=blank, update_user="UpdateUser", recipient_no_list=("0100000000",)
            ),
            "unsubscribe_no",
        ),
        (
            lambda blank: BlockedRecipientsAdd(unsubscribe_no="0800000000", recipient_no_list=("0100000000", blank)),
            "recipient_no_list[1]",
        ),
        (
            lambda blank: BlockedRecipientsRemoval(
                unsubscribe_no="0800000000", update_user="UpdateUser", recipient_no_list=(blank,)
            ),
            "recipient_no_list[0]",
        ),
    ],
)
def test_a_blank_080_number_or_opted_out_number_is_refused_when_made(
    make: Callable[[str], object], field: str, blank: str
) -> None:
    """N29, N30 and N31 mark ``unsubscribeNo`` and the numbers required (O, 必須): a blank one
    (an unset environment variable read as ``""``) went out for NHN to refuse, and N31 sent
    ``recipientNoList=`` naming no number."""
    with pytest.raises(errors.ValidationError) as caught:
        make(blank)

    assert (caught.value.field, caught.value.limit, caught.value.value) == (field, "a visible character", blank)


async def test_an_opt_out_registration_under_a_blank_080_number_sends_nothing(
    client: NhnClient, api: respx.MockRouter
) -> None:
    route = api.route().mock(return_value=httpx.Response(500))

    with pytest.raises(errors.ValidationError):
        await client.add_blocked_recipients(" ", ["0100000000"])

    assert route.call_count == 0


# --- times written as the document writes them -----------------------------------------------

DOCUMENT_TIME = "2018-08-10 00:00:00"
"""A look-up window's end as N2's table writes it (``yyyy-MM-dd HH:mm:ss``)."""


@pytest.mark.parametrize(
    ("make", "field", "written"),
    [
        (
            lambda: SendQuery(start_request_date=DOCUMENT_TIME, end_request_date=datetime(2018, 8, 11)),
            "start_request_date",
            "%Y-%m-%d %H:%M:%S",
        ),
        (
            lambda: SendQuery(request_id="20180810100630ReZQ6KZzAH0", start_result_date=DOCUMENT_TIME),
            "start_result_date",
            "%Y-%m-%d %H:%M:%S",
        ),
        (
            lambda: ReservationQuery(start_request_date=datetime(2018, 8, 10), end_request_date=DOCUMENT_TIME),
            "end_request_date",
            "%Y-%m-%d %H:%M:%S",
        ),
        (
            lambda: BlockedRecipientQuery(unsubscribe_no="0800000000", end_request_date=DOCUMENT_TIME),
            "end_request_date",
            "%Y-%m-%d %H:%M:%S",
        ),
        (
            lambda: StatisticsQuery(search_type="DATE", from_="2018-08-10 00:00", to=SEOUL_MINUTE),
            "from_",
            "%Y-%m-%d %H:%M",
        ),
    ],
)
def test_a_time_written_as_text_is_refused_by_name_when_made(
    make: Callable[[], object], field: str, written: str
) -> None:
    """A ``ValidationError`` naming the field and how to parse the text, as SENS's look-ups
    give, not an AttributeError out of the window's checks (or a text sent as it is)."""
    with pytest.raises(errors.ValidationError) as caught:
        make()

    assert (caught.value.field, caught.value.limit) == (field, "a datetime")
    assert f"datetime.strptime(text, {written!r})" in str(caught.value)

"""``Page.has_more`` of the lists whose documented answers carry paging numbers that do not add up.

NHN's document answers the tag send list (N15) and a tag send's recipients (N16) with
``pageNum``, ``pageSize`` and ``totalCount`` all 0 beside their items (the example answers
are in nhn_documented_answers.py); the list methods' pages must still say whether another page may follow.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import respx
from nhn_documented_answers import TAG_RECIPIENTS_ANSWER, TAG_SENDS_ANSWER

from krsms.nhn.client import NhnClient
from krsms.nhn.models import SendQuery, TagRecipientQuery, TagSendQuery
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
    with respx.mock(base_url=HOST, assert_all_called=True) as router:
        yield router


def tag_recipient_query(page_size: int) -> TagRecipientQuery:
    return TagRecipientQuery(
        start_request_date=datetime(2018, 8, 13, tzinfo=SEOUL),
        end_request_date=datetime(2018, 8, 14, tzinfo=SEOUL),
        page_size=page_size,
    )


@pytest.mark.parametrize(("page_size", "more"), [(1, True), (2, False)])
async def test_a_tag_send_page_answered_as_documented_says_more_may_follow_when_it_is_full(
    page_size: int, more: bool, client: NhnClient, api: respx.MockRouter
) -> None:
    """One item of a page of one: the counts (0, 0, 0) cannot say, so a full page means "maybe
    more", as ``iter_tag_sends`` reads it; one item of a page of two is the last page."""
    api.get(f"{PREFIX}/tag-sender").mock(return_value=httpx.Response(200, text=TAG_SENDS_ANSWER))

    page = await client.list_tag_sends(TagSendQuery(send_type="0", request_id="R", page_size=page_size))

    assert (len(page.items), page.has_more) == (1, more)


@pytest.mark.parametrize(("page_size", "more"), [(1, True), (15, False)])
async def test_a_tag_recipient_page_answered_as_documented_says_more_may_follow_when_it_is_full(
    page_size: int, more: bool, client: NhnClient, api: respx.MockRouter
) -> None:
    api.get(f"{PREFIX}/tag-sender/R1").mock(return_value=httpx.Response(200, text=TAG_RECIPIENTS_ANSWER))

    page = await client.list_tag_send_recipients("R1", tag_recipient_query(page_size))

    assert (len(page.items), page.has_more) == (1, more)


async def test_a_first_page_without_paging_numbers_is_full_at_the_default_page_size(
    client: NhnClient, api: respx.MockRouter
) -> None:
    """No ``pageSize`` asked: NHN's default, 15, is the size a full page has."""
    body = json.loads(TAG_SENDS_ANSWER)
    body["body"]["data"] = body["body"]["data"] * 15
    api.get(f"{PREFIX}/tag-sender").mock(return_value=httpx.Response(200, json=body))

    page = await client.list_tag_sends(TagSendQuery(send_type="0", request_id="R"))

    assert (len(page.items), page.has_more) == (15, True)


def sms_page(*, page_num: int, page_size: int, total: int, items: int) -> dict[str, Any]:
    item = {"requestId": "R1", "mtPr": 1, "recipientNo": "01000000000"}
    body = {"pageNum": page_num, "pageSize": page_size, "totalCount": total, "data": [item] * items}
    return {"header": {"isSuccessful": True, "resultCode": 0}, "body": body}


@pytest.mark.parametrize(
    ("page_num", "total", "more"),
    [
        (1, 4, True),  # 2 of 4
        (2, 4, False),  # 4 of 4: full, yet the last
        (1, 2, False),  # 2 of 2
    ],
)
async def test_a_page_whose_counts_add_up_is_read_by_them(
    page_num: int, total: int, more: bool, client: NhnClient, api: respx.MockRouter
) -> None:
    api.get(f"{PREFIX}/sender/sms").mock(
        return_value=httpx.Response(200, json=sms_page(page_num=page_num, page_size=2, total=total, items=2))
    )

    page = await client.list_sms(SendQuery(request_id="R1", page_num=page_num, page_size=2))

    assert page.has_more is more


async def test_a_page_whose_total_is_below_the_items_it_holds_reads_a_full_page_as_maybe_more(
    client: NhnClient, api: respx.MockRouter
) -> None:
    """``totalCount`` 1 beside two items on the first page: the count is wrong, so it cannot
    end the list."""
    api.get(f"{PREFIX}/sender/sms").mock(
        return_value=httpx.Response(200, json=sms_page(page_num=1, page_size=2, total=1, items=2))
    )

    page = await client.list_sms(SendQuery(request_id="R1", page_size=2))

    assert page.has_more is True

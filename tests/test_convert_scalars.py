"""Booleans and whole numbers in providers' answers are read as what they say, or refused as
malformed: Python's ``bool()`` and ``int()``, cattrs' defaults, read ``"false"`` as True,
``true`` as 1 and cut ``2.5`` to 2."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from krsms.errors import MalformedResponseError
from krsms.nhn.converter import converter as nhn_converter
from krsms.nhn.models import UidPage
from krsms.sens import SensClient
from krsms.sens.converter import converter as sens_converter
from krsms.sens.models import MessagePage, MessageQuery

PAGE = {"statusCode": "202", "statusName": "success", "messages": []}
SERVICE = "ncp:sms:kr:1:krsms"


@pytest.mark.parametrize(
    ("written", "read"),
    [(True, True), (False, False), ("true", True), ("false", False), ("FALSE", False), ("True", True)],
)
def test_a_flag_reads_as_the_boolean_or_the_word_it_is(written: Any, read: bool) -> None:
    assert sens_converter.structure({**PAGE, "hasMore": written}, MessagePage).has_more is read
    assert nhn_converter.structure({"uids": [], "last": written}, UidPage).last is read


@pytest.mark.parametrize("written", ["0", "1", "no", "", 0, 1, None, [], {}])
def test_anything_else_as_a_flag_is_refused(written: Any) -> None:
    with pytest.raises(ValueError, match="expected true or false"):
        sens_converter.structure({**PAGE, "hasMore": written}, MessagePage)


@pytest.mark.parametrize(("written", "read"), [(15, 15), ("15", 15), ("-1", -1), (15.0, 15)])
def test_a_whole_number_reads_as_a_number_a_string_of_digits_or_a_whole_float(written: Any, read: int) -> None:
    assert sens_converter.structure({**PAGE, "pageSize": written}, MessagePage).page_size == read
    assert nhn_converter.structure({"uids": [], "last": True, "totalCount": written}, UidPage).total_count == read


@pytest.mark.parametrize("written", [True, False, 2.5, "2.5", "1_000", " 15", "fifteen", "", [], {}])
def test_anything_else_as_a_whole_number_is_refused(written: Any) -> None:
    with pytest.raises(ValueError, match="expected a whole number"):
        sens_converter.structure({**PAGE, "pageSize": written}, MessagePage)


async def test_a_sens_look_up_answering_has_more_false_as_a_string_ends_its_iteration() -> None:
    """Read as True, ``"false"`` paged on for ever."""

    with respx.mock(base_url="https://sens.apigw.ntruss.com") as router:
        route = router.get(f"/sms/v2/services/{SERVICE}/messages").mock(
            return_value=httpx.Response(200, json={**PAGE, "hasMore": "false", "itemCount": 0})
        )
        async with SensClient(access_key="access", secret_key="secret", service_id=SERVICE) as sens:
            pages = [page async for page in sens.iter_message_pages(MessageQuery(request_id="R1"))]
    assert len(pages) == 1
    assert route.call_count == 1


async def test_an_answer_with_a_boolean_for_a_number_is_malformed() -> None:

    with respx.mock(base_url="https://sens.apigw.ntruss.com") as router:
        router.get(f"/sms/v2/services/{SERVICE}/messages").mock(
            return_value=httpx.Response(200, json={**PAGE, "pageSize": True})
        )
        async with SensClient(access_key="access", secret_key="secret", service_id=SERVICE) as sens:
            with pytest.raises(MalformedResponseError, match="expected a whole number"):
                await sens.list_messages(MessageQuery(request_id="R1"))

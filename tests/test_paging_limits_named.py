"""A look-up's paging refused before any request names the value given, as every refusal does
(field, limit and value): "page_size: must be 1 to 1000" said nothing of what was given."""

from __future__ import annotations

import pytest

from krsms.errors import ValidationError
from krsms.nhn import NhnClient
from krsms.nhn.models import SendQuery, UidQuery
from krsms.sens import SensClient
from krsms.sens.models import MessageQuery


async def test_a_sens_page_size_out_of_range_is_named_with_its_value() -> None:
    async with SensClient(access_key="access", secret_key="secret", service_id="ncp:sms:kr:1:x") as sens:
        with pytest.raises(ValidationError, match=r"page_size: is 5000; must be 1 to"):
            await sens.list_messages(MessageQuery(request_id="R1", page_size=5000))


@pytest.mark.parametrize(
    ("call", "said"),
    [
        (lambda nhn: nhn.list_sms(SendQuery(request_id="R1", page_size=0)), "page_size: is 0; must be 1 to 1000"),
        (lambda nhn: nhn.list_sms(SendQuery(request_id="R1", page_num=0)), "page_num: is 0; pages are numbered"),
        (lambda nhn: nhn.list_uids(UidQuery(limit=1001)), "limit: is 1001; must be 1 to 1000"),
        (lambda nhn: nhn.list_uids(UidQuery(offset=-1)), "offset: is -1; counts from 0"),
    ],
)
async def test_an_nhn_paging_value_out_of_range_is_named_with_its_value(call: object, said: str) -> None:
    async with NhnClient(app_key="app-key") as nhn:
        with pytest.raises(ValidationError) as refused:
            await call(nhn)  # type: ignore[operator]
    assert said in str(refused.value)

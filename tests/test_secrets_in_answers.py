"""Keys a provider's answer echoes stay out of the errors read from it: redacted whole before
any quoting of the answer is cut short, so that no cut leaves a key's start behind."""

from __future__ import annotations

import httpx
import pytest
import respx

from krsms.errors import MalformedResponseError
from krsms.nhn import NhnClient
from krsms.retry import NO_RETRIES
from krsms.sens import SensClient
from krsms.sens.models import MessageQuery

SENS_HOST, NHN_HOST = "https://sens.apigw.ntruss.com", "https://api-sms.cloud.toast.com"
SENS_ACCESS, SENS_SECRET = "SensAccess4713", "SensSecret4714"
NHN_APP_KEY, NHN_SECRET = "NhnAppKey4711", "NhnSecret4712"
SENS_PAGE = {"statusCode": "202", "statusName": "success", "messages": []}
PADDING = "x" * 36
"""Puts a key echoed after it across the 80th character of the value's repr."""


def _starts_of(*keys: str) -> list[str]:
    """The first eight characters of each key: what a cut through it would leave."""
    return [key[:8] for key in keys]


@pytest.mark.parametrize(
    ("field", "echoed"),
    [("hasMore", SENS_SECRET), ("pageSize", SENS_SECRET), ("hasMore", SENS_ACCESS), ("itemCount", SENS_ACCESS)],
)
async def test_a_sens_flag_or_number_echoing_a_key_leaves_no_part_of_it_in_the_error(field: str, echoed: str) -> None:
    with respx.mock(base_url=SENS_HOST) as router:
        router.route().respond(200, json={**SENS_PAGE, field: [PADDING, echoed]})
        async with SensClient(
            access_key=SENS_ACCESS, secret_key=SENS_SECRET, service_id="ncp:sms:kr:1:svc", retry=NO_RETRIES
        ) as sens:
            with pytest.raises(MalformedResponseError) as failed:
                await sens.list_messages(MessageQuery(request_id="R1"))
    shown = str(failed.value)
    assert "***" in shown
    assert [start for start in _starts_of(SENS_ACCESS, SENS_SECRET) if start in shown] == []


@pytest.mark.parametrize(("field", "echoed"), [("last", NHN_APP_KEY), ("totalCount", NHN_SECRET)])
async def test_an_nhn_flag_or_number_echoing_a_key_leaves_no_part_of_it_in_the_error(field: str, echoed: str) -> None:
    body = {"uids": [], "last": True, field: [PADDING, echoed]}
    answer = {"header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"}, "body": {"data": body}}
    with respx.mock(base_url=NHN_HOST) as router:
        router.route().mock(return_value=httpx.Response(200, json=answer))
        async with NhnClient(app_key=NHN_APP_KEY, secret_key=NHN_SECRET, retry=NO_RETRIES) as nhn:
            with pytest.raises(MalformedResponseError) as failed:
                await nhn.list_uids()
    shown = str(failed.value)
    assert "***" in shown
    assert [start for start in _starts_of(NHN_APP_KEY, NHN_SECRET) if start in shown] == []

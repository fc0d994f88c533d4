"""What krsms's own log records show of a request: its method and URL, redacted and without
the query, which may hold phone numbers (personal data)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
import respx

from krsms.convert import SEOUL
from krsms.retry import NO_RETRIES
from krsms.sens import SensClient
from krsms.sens.models import MessageQuery

SENS_HOST = "https://sens.apigw.ntruss.com"
SERVICE = "ncp:sms:kr:1:svc"
RECIPIENT = "01012345678"


async def test_the_debug_line_of_a_look_up_by_number_shows_no_number(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="krsms")
    window_end = datetime.now(SEOUL)
    query = MessageQuery(request_start_time=window_end - timedelta(hours=1), request_end_time=window_end, to=RECIPIENT)
    with respx.mock(base_url=SENS_HOST) as router:
        router.route().respond(200, json={"statusCode": "202", "statusName": "success", "messages": []})
        async with SensClient(
            access_key="SensAccess4713", secret_key="SensSecret4714", service_id=SERVICE, retry=NO_RETRIES
        ) as sens:
            await sens.list_messages(query)
    lines = [record.getMessage() for record in caplog.records if record.name == "krsms"]
    assert lines == [lines[0]]
    assert lines[0].startswith(f"GET {SENS_HOST}/sms/v2/services/{SERVICE}/messages -> 200 in ")
    assert RECIPIENT not in lines[0]

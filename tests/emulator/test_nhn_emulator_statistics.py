"""Emulated NHN statistics (N33) count every recipient of the sends made, filtered or not."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from nhn_answers import code_of, template

from krsms.convert import SEOUL
from krsms.emulator import DEMO_NHN_APP_KEY, EmulatorConfig

BASE = f"/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}"
REFUSED = "01000000009"


@pytest.fixture
def config() -> EmulatorConfig:
    return EmulatorConfig(rejected_numbers={REFUSED: -2019})


async def counts(nhn: httpx.AsyncClient, **filters: str) -> list[tuple[int, int, int]]:
    """(requested, succeeded, failed) of each DATE bucket of today's statistics."""
    now = datetime.now(SEOUL)
    query = {
        "searchType": "DATE",
        "from": f"{now - timedelta(hours=1):%Y-%m-%d %H:%M}",
        "to": f"{now + timedelta(hours=1):%Y-%m-%d %H:%M}",
        **filters,
    }
    answer = await nhn.get(f"{BASE}/statistics/view", params=query)
    assert code_of(answer) == 0
    views = [bucket["statisticsView"] for bucket in answer.json()["body"]["data"]]
    return [(view["requestedCount"], view["succeedCount"], view["failedCount"]) for view in views]


def to_two(**fields: Any) -> dict[str, Any]:
    """A send to a recipient that goes out and one the configured rule refuses."""
    return {"sendNo": "15446859", "recipientList": [{"recipientNo": "01000000001"}, {"recipientNo": REFUSED}], **fields}


async def test_a_refused_recipient_of_an_authentication_send_counts_as_auth(nhn: httpx.AsyncClient) -> None:
    """Both recipients of an authentication SMS (N7) count under ``messageTypes=AUTH``, the one
    refused at send time as failed; none under SMS, as the look-ups (N12) type them."""
    assert code_of(await nhn.post(f"{BASE}/sender/auth/sms", json=to_two(body="인증번호 1234"))) == 0
    assert await counts(nhn, messageTypes="AUTH") == [(2, 1, 1)]
    assert await counts(nhn, messageTypes="SMS") == []
    assert await counts(nhn) == [(2, 1, 1)]


async def test_a_refused_recipient_of_a_templated_send_counts_under_its_template(nhn: httpx.AsyncClient) -> None:
    """A ``templateId`` filter counts every recipient of the sends naming that template, the
    one refused at send time too, as the unfiltered statistics do."""
    assert code_of(await nhn.post(f"{BASE}/templates", json=template())) == 0
    assert code_of(await nhn.post(f"{BASE}/sender/sms", json=to_two(templateId="welcome"))) == 0
    assert await counts(nhn, templateId="welcome") == [(2, 1, 1)]
    assert await counts(nhn, templateId="other") == []
    assert await counts(nhn) == [(2, 1, 1)]

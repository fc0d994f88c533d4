"""The inspection API checks what it is given: fault settings, delivery filters, clearing."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sens_signing import SERVICE
from starlette.applications import Starlette

from krsms.convert import SEOUL
from krsms.emulator import DEMO_NHN_APP_KEY, EmulatorConfig, Faults, create_app

NHN = f"/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}"
SENS_SMS = {"type": "SMS", "from": "0212345678", "content": "안녕", "messages": [{"to": "01012345678"}]}


@pytest.fixture
async def client(app: Starlette) -> Any:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator") as client:
        yield client


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"server_error_rate": -0.5}, "server_error_rate"),
        ({"drop_rate": 1.5}, "drop_rate"),
        ({"rate_limit_rate": 1.0, "server_error_rate": 1.0}, "rate_limit_rate 1.0 + server_error_rate 1.0"),
        ({"latency_jitter": -5}, "latency_jitter"),
        ({"latency": math.nan}, "latency"),
        ({"retry_after": math.inf}, "retry_after"),
        ({"slow_delay": 10**400}, "slow_delay"),
        ({"server_error_rate": "0.5"}, "server_error_rate"),
        ({"slow_rate": True}, "slow_rate"),
        ({"sends_only": "false"}, "sends_only"),
        ({"seed": 1.5}, "seed"),
    ],
)
def test_invalid_faults_raise_value_error_naming_the_field(fields: dict[str, Any], named: str) -> None:
    with pytest.raises(ValueError, match=named.replace("+", r"\+")):
        EmulatorConfig(faults=Faults(**fields))


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (b'{"rate_limit_rate": -0.5, "server_error_rate": 1.0}', "rate_limit_rate"),
        (b'{"rate_limit_rate": 0.6, "drop_rate": 0.6}', "drop_rate"),
        (b'{"latency": "0.1"}', "latency"),
        (b'{"rate_limit_rate": 1, "retry_after": NaN}', "NaN"),
        (b'{"rate_limit_rate": 1, "retry_after": 1e999}', "retry_after"),
        (b'{"sends_only": "false"}', "sends_only"),
        (b'{"latency": 0.1, "no_such_fault": 1}', "no_such_fault"),
        (b"[1]", "JSON object"),
        (b"[" * 100_000, "nests too deeply"),
    ],
)
async def test_put_faults_refuses_invalid_settings_and_keeps_the_current_ones(
    client: httpx.AsyncClient, body: bytes, named: str
) -> None:
    current = (await client.put("/_emulator/faults", json={"latency": 0.01})).json()
    answer = await client.put("/_emulator/faults", content=body)
    assert answer.status_code == 400
    assert named in answer.json()["error"]
    shown = await client.get("/_emulator/faults")
    assert (shown.status_code, shown.json()) == (200, current)


@pytest.mark.parametrize(("retry_after", "header"), [(0.4, "1"), (2.5, "3"), (2, "2"), (0, "0")])
async def test_retry_after_is_rounded_up_to_whole_seconds(retry_after: float, header: str) -> None:
    app = create_app(EmulatorConfig(faults=Faults(rate_limit_rate=1.0, retry_after=retry_after)))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator") as client:
        answer = await client.post(f"{NHN}/sender/sms", json={})
    assert (answer.status_code, answer.headers["retry-after"]) == (429, header)


async def test_an_unknown_delivery_filter_is_a_400_naming_it(client: httpx.AsyncClient) -> None:
    answer = await client.get("/_emulator/deliveries", params={"provider": "nhn", "reqest_id": "typo"})
    assert answer.status_code == 400
    assert "reqest_id" in answer.json()["error"]


async def test_the_recipient_filter_matches_however_the_number_is_written(sens: httpx.AsyncClient) -> None:
    await sens.post(f"{SERVICE}/messages", json=SENS_SMS)
    for written in ("010-1234-5678", "01012345678", "010 1234 5678"):
        listed = (await sens.get("/_emulator/deliveries", params={"recipient": written})).json()
        assert [item["recipient"] for item in listed] == ["01012345678"]
    assert (await sens.get("/_emulator/deliveries", params={"recipient": "010-9999"})).json() == []


@pytest.mark.parametrize("written", ["+81 90-1234-5678", "+819012345678", "+81 (90) 1234.5678"])
async def test_the_recipient_filter_finds_a_number_abroad_in_that_country_however_it_was_sent(
    sens: httpx.AsyncClient, written: str
) -> None:
    nhn_sms = {"body": "안녕", "sendNo": "15446859"}
    await sens.post(f"{SERVICE}/messages", json={**SENS_SMS, "countryCode": "81", "messages": [{"to": "9012345678"}]})
    await sens.post(
        f"{NHN}/sender/sms", json={**nhn_sms, "recipientList": [{"recipientNo": "9012345678", "countryCode": "81"}]}
    )
    await sens.post(
        f"{NHN}/sender/sms", json={**nhn_sms, "recipientList": [{"internationalRecipientNo": "819012345678"}]}
    )
    await sens.post(f"{NHN}/sender/sms", json={**nhn_sms, "recipientList": [{"recipientNo": "9012345678"}]})  # Korea
    listed = (await sens.get("/_emulator/deliveries", params={"recipient": written})).json()
    assert [(item["provider"], item["recipient"], item["country_code"]) for item in listed] == [
        ("sens", "9012345678", "81"),
        ("nhn", "9012345678", "81"),
        ("nhn", "819012345678", "81"),
    ]


async def test_the_recipient_filter_finds_a_korean_number_sent_in_international_form(client: httpx.AsyncClient) -> None:
    nhn_sms = {"body": "안녕", "sendNo": "15446859", "recipientList": [{"internationalRecipientNo": "821012345678"}]}
    await client.post(f"{NHN}/sender/sms", json=nhn_sms)
    for written in ("010-1234-5678", "+82 10-1234-5678"):
        listed = (await client.get("/_emulator/deliveries", params={"recipient": written})).json()
        assert [(item["recipient"], item["national_number"]) for item in listed] == [("821012345678", "01012345678")]


async def test_clearing_the_deliveries_forgets_tag_sends_and_download_reservations(client: httpx.AsyncClient) -> None:
    tag_id = (await client.post(f"{NHN}/tags", json={"tagName": "VIP"})).json()["body"]["data"]["tagId"]
    contacts = [{"contactType": "PHONE_NUMBER", "contact": "01011112222"}]
    await client.post(f"{NHN}/uids", json={"uids": [{"uid": "a", "tagIds": [tag_id], "contacts": contacts}]})
    tag_send = {"body": "안내", "sendNo": "15446859", "tagExpression": [tag_id], "autoSendYn": "N"}
    request_id = (await client.post(f"{NHN}/tag-sender/sms", json=tag_send)).json()["body"]["data"]["requestId"]
    now = datetime.now(SEOUL)
    window = {
        "startRequestDate": (now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S"),
        "endRequestDate": (now + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S"),
    }
    await client.post(f"{NHN}/sender/download-reservations", json={"sendType": "0", **window})

    assert (await client.delete("/_emulator/deliveries")).status_code == 204

    tag_sends = (await client.get(f"{NHN}/tag-sender", params={"sendType": "0", **window})).json()["body"]
    assert tag_sends["totalCount"] == 0
    assert (await client.get(f"{NHN}/tag-sender/{request_id}")).json()["header"]["resultCode"] == -2008
    assert (await client.get(f"{NHN}/download-reservations")).json()["body"]["totalCount"] == 0
    assert (await client.get(f"{NHN}/tags")).json()["body"]["totalCount"] == 1  # tags and UIDs stay

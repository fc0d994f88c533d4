"""The per-number rules of EmulatorConfig take a number however it is written, and match a
recipient however the request sent it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sens_signing import SERVICE, DocumentSigner

from krsms.emulator import DEMO_NHN_APP_KEY, EmulatorConfig, create_app

NHN = f"/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}"


def test_numbers_are_kept_as_the_emulator_matches_them() -> None:
    config = EmulatorConfig(
        rejected_numbers={"010-0000-0001": -2019, "+82 10 0000 0002": -2019, "(02) 123.4567": -2019},
        undeliverable_numbers={"+82 010-0000-0003": "3006", "+81 90-1234-5678": "3006", "01000000004": "3006"},
        unregistered_senders={"1544-6859", "02 9999 9999"},
    )
    assert config.rejected_numbers == {"01000000001": -2019, "821000000002": -2019, "021234567": -2019}
    assert config.undeliverable_numbers == {"821000000003": "3006", "819012345678": "3006", "01000000004": "3006"}
    assert config.unregistered_senders == frozenset({"15446859", "0299999999"})


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"rejected_numbers": {"x010": -2019}}, "'x010'"),
        ({"rejected_numbers": {"": -2019}}, "''"),
        ({"rejected_numbers": {1000000001: -2019}}, "1000000001"),
        ({"undeliverable_numbers": {"+": "3006"}}, "'+'"),
        ({"undeliverable_numbers": {"010-0000-0001": "3006", "01000000001": "3001"}}, "'01000000001'"),
        ({"unregistered_senders": {"+82 1544-6859"}}, "'+82 1544-6859'"),
        ({"unregistered_senders": "15446859"}, "a set"),
        ({"rejected_numbers": ["01000000001"]}, "a mapping"),
    ],
)
def test_a_key_that_is_not_a_number_is_refused_when_the_config_is_made(fields: dict[str, Any], named: str) -> None:
    with pytest.raises(ValueError, match=f"^{next(iter(fields))}: ") as raised:
        EmulatorConfig(**fields)
    assert named in str(raised.value)


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"rejected_numbers": {"010-0000-0001": 0}}, "not 0"),  # NHN's success: the number would be accepted
        ({"rejected_numbers": {"010-0000-0001": "-2019"}}, "not '-2019'"),  # answered as a JSON string
        ({"rejected_numbers": {"010-0000-0001": True}}, "not True"),
        ({"undeliverable_numbers": {"010-0000-0001": 3006}}, "not 3006"),
        ({"undeliverable_numbers": {"010-0000-0001": " "}}, "not ' '"),
        # The providers' codes of a delivered message: the number would be reported DELIVERED.
        ({"undeliverable_numbers": {"010-0000-0001": "0"}}, "not '0'"),
        ({"undeliverable_numbers": {"010-0000-0001": "1000"}}, "not '1000'"),
    ],
)
def test_a_rule_that_is_not_a_code_is_refused_when_the_config_is_made(fields: dict[str, Any], named: str) -> None:
    with pytest.raises(ValueError, match=f"^{next(iter(fields))}: the code of 01000000001 must be ") as raised:
        EmulatorConfig(**fields)
    assert str(raised.value).endswith(named)


def test_a_number_both_rejected_and_undeliverable_is_refused_when_the_config_is_made() -> None:
    """NHN refused such a recipient at the send and SENS failed its delivery with the
    undeliverable code rather than the rejected one's 3001: one number, two answers, neither
    documented. Written in two forms, it is still one number."""
    with pytest.raises(ValueError, match=r"^rejected_numbers and undeliverable_numbers: ") as raised:
        EmulatorConfig(rejected_numbers={"010-0000-0001": -2019}, undeliverable_numbers={"+82 10-0000-0001": "3006"})
    assert str(raised.value) == (
        "rejected_numbers and undeliverable_numbers: 01000000001 is in both; a number is either refused "
        "at the send or accepted and not delivered"
    )


CONFIG = EmulatorConfig(
    rejected_numbers={"010-0000-0001": -2019, "+1 202-555-0123": -2019},
    undeliverable_numbers={"+82 10-0000-0002": "3006", "+81 90-1234-5678": "3006"},
    unregistered_senders={"1544-6859"},
)


async def test_nhn_matches_a_recipient_however_it_was_sent() -> None:
    recipients = [
        {"recipientNo": "01000000001"},
        {"internationalRecipientNo": "821000000001"},
        {"recipientNo": "2025550123", "countryCode": "1"},
        {"internationalRecipientNo": "12025550123"},
        {"recipientNo": "01000000002"},
        {"internationalRecipientNo": "821000000002"},
        {"recipientNo": "9012345678", "countryCode": "81"},
        {"internationalRecipientNo": "819012345678"},
        {"recipientNo": "01000000003"},
    ]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(CONFIG)), base_url="http://e") as nhn:
        unregistered = {"body": "본문", "sendNo": "15446859", "recipientList": recipients[:1]}
        assert (await nhn.post(f"{NHN}/sender/sms", json=unregistered)).json()["header"]["resultCode"] == -2312
        send = {"body": "본문", "sendNo": "0212345678", "recipientList": recipients}
        data = (await nhn.post(f"{NHN}/sender/sms", json=send)).json()["body"]["data"]
        assert [result["resultCode"] for result in data["sendResultList"]] == [-2019] * 4 + [0] * 5
        listed = (await nhn.get(f"{NHN}/sender/sms", params={"requestId": data["requestId"]})).json()["body"]["data"]
        assert [item["resultCode"] for item in listed] == ["3006"] * 4 + ["1000"]


async def test_sens_matches_a_recipient_however_the_rule_writes_it() -> None:
    transport = httpx.ASGITransport(app=create_app(CONFIG))
    async with httpx.AsyncClient(transport=transport, base_url="http://e", auth=DocumentSigner()) as sens:
        send: dict[str, Any] = {"type": "SMS", "countryCode": "82", "from": "15446859", "content": "안녕"}
        send["messages"] = [{"to": "01000000001"}]
        assert (await sens.post(f"{SERVICE}/messages", json=send)).status_code == 400
        send["from"] = "0212345678"
        send["messages"] = [{"to": "01000000001"}, {"to": "01000000002"}, {"to": "01000000003"}]
        request_id = (await sens.post(f"{SERVICE}/messages", json=send)).json()["requestId"]
        abroad = {**send, "countryCode": "81", "messages": [{"to": "9012345678"}]}
        abroad_id = (await sens.post(f"{SERVICE}/messages", json=abroad)).json()["requestId"]
        codes = {}
        for listed in (request_id, abroad_id):
            answer = (await sens.get(f"{SERVICE}/messages", params={"requestId": listed})).json()
            codes.update({message["to"]: message["statusCode"] for message in answer["messages"]})
        assert codes == {"01000000001": "3001", "01000000002": "3006", "01000000003": "0", "9012345678": "3006"}

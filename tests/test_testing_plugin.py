"""The pytest plugin users get: fake_gateway, and krsms_emulator with gateways pointed at it."""

from __future__ import annotations

from krsms import Message, SendStatus
from krsms.emulator import EmulatorServer
from krsms.testing import FakeGateway, nhn_gateway_for, sens_gateway_for


async def test_fake_gateway_fixture_records_what_was_sent(fake_gateway: FakeGateway) -> None:
    fake_gateway.reject_number("01000000001", code="-2019")
    report = await fake_gateway.send(
        Message(sender="0212345678", text="안녕", recipients=["010-0000-0001", "01000000002"])
    )
    assert [outcome.status for outcome in report.outcomes] == [SendStatus.REJECTED, SendStatus.ACCEPTED]
    assert fake_gateway.sent_to() == ["01000000001", "01000000002"]


async def test_krsms_emulator_fixture_serves_both_gateways(krsms_emulator: EmulatorServer) -> None:
    async with sens_gateway_for(krsms_emulator) as sens, nhn_gateway_for(krsms_emulator) as nhn:
        sent = await sens.send(Message(sender="0212345678", text="SENS", recipients=["01000000001"]))
        also = await nhn.send(Message(sender="15446859", text="NHN", recipients=["01000000002"]))
    assert sent.all_accepted
    assert also.all_accepted
    assert sorted((delivery.provider, delivery.recipient) for delivery in krsms_emulator.ledger) == [
        ("nhn", "01000000002"),
        ("sens", "01000000001"),
    ]

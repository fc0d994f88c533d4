"""The pytest plugin users get: fake_gateway, and krsms_emulator with gateways pointed at it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from krsms import DeliveryStatus, Message, NotFoundError, Recipient, SendStatus, ServerError, ValidationError
from krsms.emulator import EmulatorServer
from krsms.nhn import NhnGateway
from krsms.sens import SensGateway
from krsms.testing import FakeGateway, FakeRequest, nhn_gateway_for, sens_gateway_for


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


SEOUL = ZoneInfo("Asia/Seoul")


def later_this_minute() -> datetime:
    """A moment still ahead, in the minute that has already begun (once cut to the minute, past)."""
    now = datetime.now(SEOUL)
    return now + (now.replace(second=59, microsecond=999_000) - now) / 2


@pytest.mark.parametrize(
    "make",
    [
        lambda: Message(sender="0212345678", text="(광고) 할인", advertisement=True, recipients=["01000000001"]),
        lambda: Message(sender="0212345678", text="가" * 46, recipients=["01000000001"]),  # LMS, no subject (NHN)
        lambda: Message(sender="0212345678", text="예약", recipients=["01000000001"], reserve_at=later_this_minute()),
        lambda: Message(
            sender="0212345678", text="예약", recipients=["01000000001"], reserve_at=datetime.now(SEOUL) + timedelta(61)
        ),
        lambda: Message(sender="0212345678901234", text="x", recipients=["01000000001"]),  # NHN: 13 digits
        lambda: Message(sender="0212345678", text="", template_id="T" * 51, recipients=["01000000001"]),
    ],
    ids=[
        "ad without its notice",
        "lms without subject",
        "reservation in the current minute",
        "61 days ahead",
        "16-digit sender",
        "51-character template id",
    ],
)
async def test_the_fake_refuses_what_either_provider_refuses(
    fake_gateway: FakeGateway, make: Callable[[], Message]
) -> None:
    with pytest.raises(ValidationError):
        await fake_gateway.send(make())
    assert fake_gateway.requests == []


async def test_the_fake_groups_recipients_into_requests_as_nhn_does(fake_gateway: FakeGateway) -> None:
    """Subjects part LMS recipients, not SMS ones, which carry none."""
    recipients = [Recipient(number=f"0100000000{digit}", subject=f"제목 {digit}") for digit in range(4)]
    await fake_gateway.send(Message(sender="0212345678", text="짧은 안내", recipients=recipients))
    assert len(fake_gateway.requests) == 1
    await fake_gateway.send(Message(sender="0212345678", text="가" * 46, recipients=recipients))
    assert len(fake_gateway.requests) == 1 + 4


async def test_the_fake_checks_an_upload_like_the_providers(fake_gateway: FakeGateway) -> None:
    with pytest.raises(ValidationError, match="JPEG"):
        await fake_gateway.upload_image(b"GIF89a", file_name="coupon.jpg")
    with pytest.raises(ValidationError) as caught:
        await fake_gateway.upload_image(b"\xff\xd8\xff\xe0" + bytes(64), file_name="c" * 41 + ".jpg")
    assert caught.value.field == "file_name"


async def test_the_fakes_look_ups_and_cancels_answer_like_the_providers(fake_gateway: FakeGateway) -> None:
    assert await fake_gateway.delivery_results("no-such-request") == []
    now = await fake_gateway.send(Message(sender="0212345678", text="안녕", recipients=["01000000001"]))
    request_id = now.request_ids[0]
    with pytest.raises(NotFoundError):  # delivered at once: no reservation to cancel
        await fake_gateway.cancel_reservation(request_id)
    later = datetime.now(SEOUL) + timedelta(days=1)
    reserved = await fake_gateway.send(
        Message(sender="0212345678", text="예약", recipients=["01000000002"], reserve_at=later)
    )
    await fake_gateway.cancel_reservation(reserved.request_ids[0])
    with pytest.raises(NotFoundError):  # already cancelled
        await fake_gateway.cancel_reservation(reserved.request_ids[0])
    (delivered,) = await fake_gateway.delivery_results(request_id)
    assert (delivered.status, delivered.code) == (DeliveryStatus.DELIVERED, "0")


async def test_the_fake_reconciles_a_refused_number_as_refused() -> None:
    def lose_the_answer(request: FakeRequest) -> None:
        raise ServerError("answer lost", provider="fake", status_code=500)

    gateway = FakeGateway(on_answer=lose_the_answer, reconcile=True)
    gateway.reject_number("010-0000-0001", code="-2019")  # any written form
    report = await gateway.send(Message(sender="0212345678", text="안녕", recipients=["01000000001", "01000000002"]))
    assert [(outcome.status, outcome.code) for outcome in report.outcomes] == [
        (SendStatus.REJECTED, "-2019"),
        (SendStatus.ACCEPTED, None),
    ]


@pytest.mark.parametrize("gateway_for", [nhn_gateway_for, sens_gateway_for])
async def test_gateways_for_the_emulator_look_a_lost_answer_up_once_unless_told(
    krsms_emulator: EmulatorServer, gateway_for: Callable[..., NhnGateway | SensGateway]
) -> None:
    """The emulator lists a send the moment it records it: no second look-up 10 s later."""
    async with gateway_for(krsms_emulator) as default, gateway_for(krsms_emulator, reconcile_delay=2.5) as given:
        assert (default.reconcile_delay, given.reconcile_delay) == (0, 2.5)

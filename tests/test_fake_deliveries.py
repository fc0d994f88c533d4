"""``FakeGateway.set_delivery``: an application's handling of failed and pending deliveries,
tested without a provider (the fake gave every recipient it took DELIVERED)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from krsms import DeliveryResult, DeliveryStatus, Message, SendStatus, ValidationError
from krsms.convert import SEOUL
from krsms.testing import FakeGateway

NINE_AM = datetime(2030, 1, 7, 9, 0, tzinfo=SEOUL)


def results(found: list[DeliveryResult]) -> list[tuple[str, DeliveryStatus, str | None]]:
    return [(result.recipient, result.status, result.code) for result in found]


async def test_a_failed_delivery_is_accepted_when_sent_and_failed_when_looked_up() -> None:
    gateway = FakeGateway()
    gateway.set_delivery("010-0000-0002", DeliveryStatus.FAILED, code="3006")
    gateway.set_delivery("010-0000-0003", DeliveryStatus.PENDING)
    report = await gateway.send(
        Message(sender="0212345678", text="hi", recipients=["01000000001", "01000000002", "01000000003"])
    )
    assert [outcome.status for outcome in report.outcomes] == [SendStatus.ACCEPTED] * 3
    assert results(await gateway.delivery_results(report.request_ids[0])) == [
        ("01000000001", DeliveryStatus.DELIVERED, "0"),
        ("01000000002", DeliveryStatus.FAILED, "3006"),
        ("01000000003", DeliveryStatus.PENDING, None),
    ]


async def test_it_applies_to_look_ups_made_after_it_for_requests_sent_before() -> None:
    gateway = FakeGateway()
    report = await gateway.send(Message(sender="0212345678", text="hi", recipients=["01000000001"]))
    request_id = report.request_ids[0]
    assert results(await gateway.delivery_results(request_id)) == [("01000000001", DeliveryStatus.DELIVERED, "0")]
    gateway.set_delivery("+82 10-0000-0001", DeliveryStatus.FAILED)
    assert results(await gateway.delivery_results(request_id)) == [("01000000001", DeliveryStatus.FAILED, None)]


async def test_a_reservation_is_pending_until_due_then_as_set_and_cancelled_stays_cancelled() -> None:
    now = [NINE_AM]
    gateway = FakeGateway(clock=lambda: now[0])
    gateway.set_delivery("01000000001", DeliveryStatus.FAILED, code="3015")
    later = NINE_AM + timedelta(hours=1)
    reserved = await gateway.send(Message(sender="0212345678", text="hi", recipients=["01000000001"], reserve_at=later))
    cancelled = await gateway.send(
        Message(sender="0212345678", text="hi", recipients=["01000000001"], reserve_at=later)
    )
    await gateway.cancel_reservation(cancelled.request_ids[0])
    assert results(await gateway.delivery_results(reserved.request_ids[0])) == [
        ("01000000001", DeliveryStatus.PENDING, None)
    ]
    now[0] = later
    assert results(await gateway.delivery_results(reserved.request_ids[0])) == [
        ("01000000001", DeliveryStatus.FAILED, "3015")
    ]
    assert results(await gateway.delivery_results(cancelled.request_ids[0])) == [
        ("01000000001", DeliveryStatus.CANCELLED, None)
    ]


async def test_a_number_abroad_fails_in_its_own_country_only() -> None:
    """The same digits in Japan and in Korea are two numbers: each fails where it was set
    (the test sent different digits in each country, so a rule that ignored the country
    passed it)."""
    gateway = FakeGateway()
    gateway.set_delivery("010-0000-0001", DeliveryStatus.FAILED, code="3006")
    gateway.set_delivery("010-0000-0002", DeliveryStatus.FAILED, code="3001", country_code="81")
    both = ["01000000001", "01000000002"]
    in_japan = await gateway.send(Message(sender="0212345678", text="hi", recipients=both, country_code="81"))
    in_korea = await gateway.send(Message(sender="0212345678", text="hi", recipients=both))
    assert results(await gateway.delivery_results(in_japan.request_ids[0])) == [
        ("01000000001", DeliveryStatus.DELIVERED, "0"),
        ("01000000002", DeliveryStatus.FAILED, "3001"),
    ]
    assert results(await gateway.delivery_results(in_korea.request_ids[0])) == [
        ("01000000001", DeliveryStatus.FAILED, "3006"),
        ("01000000002", DeliveryStatus.DELIVERED, "0"),
    ]


@pytest.mark.parametrize("status", [DeliveryStatus.DELIVERED, DeliveryStatus.CANCELLED, "failed"])
def test_a_status_it_cannot_set_is_refused_by_name(status: object) -> None:
    gateway = FakeGateway()
    with pytest.raises(ValidationError) as caught:
        gateway.set_delivery("01000000001", status)  # type: ignore[arg-type]
    assert (caught.value.field, caught.value.limit) == ("status", "FAILED or PENDING")
    assert gateway.delivery_rules == {}


@pytest.mark.parametrize(("number", "code", "field"), [("0101-2345", None, "number"), ("01000000001", 3006, "code")])
def test_a_bad_number_or_a_code_that_is_not_text_is_refused_by_name(number: str, code: object, field: str) -> None:
    gateway = FakeGateway()
    with pytest.raises(ValidationError) as caught:
        gateway.set_delivery(number, DeliveryStatus.FAILED, code=code)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert gateway.delivery_rules == {}

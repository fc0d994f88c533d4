"""The same calls on FakeGateway and on the real gateways against the emulator: the fake
refuses what either provider refuses, with the same field and limit, and answers a send,
a lost answer and a look-up as the provider whose behaviour it stands for does."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

import httpx
import pytest

from krsms import (
    ConnectError,
    DeliveryStatus,
    Message,
    MessageKind,
    Recipient,
    RetryPolicy,
    ServerError,
    ValidationError,
)
from krsms.convert import SEOUL
from krsms.emulator import (
    DEMO_NHN_APP_KEY,
    DEMO_SENS_ACCESS_KEY,
    DEMO_SENS_SECRET_KEY,
    DEMO_SENS_SERVICE_ID,
    EmulatorConfig,
    Faults,
    create_app,
)
from krsms.fanout import BatchingGateway
from krsms.nhn import NhnGateway
from krsms.sens import SensGateway
from krsms.testing import FakeGateway, FakeRequest

SENDER = "0212345678"
AD = "(광고) 할인 안내\n무료수신거부 0801234567"


def emulated(config: EmulatorConfig | None = None) -> Callable[[], AsyncIterator[tuple[SensGateway, NhnGateway]]]:
    """A fixture of both real gateways on one in-process emulator; lost answers not retried."""

    async def both() -> AsyncIterator[tuple[SensGateway, NhnGateway]]:
        app = create_app(config or EmulatorConfig())
        once = RetryPolicy(max_attempts=1)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
            yield (
                SensGateway(
                    access_key=DEMO_SENS_ACCESS_KEY,
                    secret_key=DEMO_SENS_SECRET_KEY,
                    service_id=DEMO_SENS_SERVICE_ID,
                    base_url="http://emulator",
                    http_client=client,
                    retry=once,
                    reconcile_delay=0,
                ),
                NhnGateway(
                    app_key=DEMO_NHN_APP_KEY,
                    base_url="http://emulator",
                    http_client=client,
                    retry=once,
                    reconcile_delay=0,
                ),
            )

    return both


real_gateways = pytest.fixture(emulated())


def later(**ahead: float) -> datetime:
    return datetime.now(SEOUL) + timedelta(**ahead)


def sms(**fields: object) -> Message:
    fields = {"sender": SENDER, "text": "안녕하세요", "recipients": ["01012345678"], **fields}
    return Message(**fields)  # type: ignore[arg-type]


BAD_MESSAGES: dict[str, Callable[[], Message]] = {
    "number too short": lambda: sms(recipients=["010123"]),
    "8 digits from 0": lambda: sms(recipients=["0101-2345"]),
    "number with letters": lambda: sms(recipients=["010-1234-567O"]),
    "number of another country": lambda: sms(recipients=["+81 90 1234 5678"]),
    "country code with +": lambda: sms(recipients=["9012345678"], country_code="+81"),
    "country code of 4 digits": lambda: sms(country_code="8200"),
    "sender blank": lambda: sms(sender="  "),
    "emoji": lambda: sms(text="안녕 😀"),
    "a character EUC-KR lacks": lambda: sms(text="뷁"),
    "text over 2,000 bytes": lambda: sms(text="가" * 1000 + "a", subject="제목"),
    "SMS kind over 90 bytes": lambda: sms(text="가" * 46, kind=MessageKind.SMS),
    "subject over 40 bytes": lambda: sms(text="가" * 46, subject="가" * 20 + "a"),
    "emoji subject": lambda: sms(text="가" * 46, subject="😀"),
    "empty text": lambda: sms(text=""),
    "ad without (광고)": lambda: sms(text="할인 무료수신거부 0801234567", advertisement=True),
    "ad without opt-out": lambda: sms(text="(광고) 할인", advertisement=True),
    "LMS kind with images": lambda: sms(kind=MessageKind.LMS, subject="제목", images=["1"]),
    "reservation past": lambda: sms(reserve_at=later(hours=-1)),
    "reservation naive": lambda: sms(reserve_at=later(hours=1).replace(tzinfo=None)),
    "no recipients": lambda: sms(recipients=[]),
    "recipient's emoji text": lambda: sms(recipients=[Recipient(number="01012345678", text="😀")]),
    "template parameters without template": lambda: sms(
        recipients=[Recipient(number="01012345678", template_parameters={"code": "1234"})]
    ),
}
"""What both providers refuse, each refused before any request by the same check."""
NHN_ONLY: dict[str, Callable[[], Message]] = {
    "LMS without subject": lambda: sms(text="가" * 46),
    "blank subject": lambda: sms(text="가" * 46, subject=" "),
    "LMS abroad": lambda: sms(text="가" * 46, subject="제목", recipients=["9012345678"], country_code="81"),
    "reservation 61 days ahead": lambda: sms(reserve_at=later(days=61)),
    "sender of 14 digits": lambda: sms(sender="02123456789012"),
}
"""What NHN refuses and SENS takes: the fake refuses it too (docs/testing.md)."""


async def refusal(gateway: BatchingGateway, message: Message) -> tuple[str, str | None]:
    with pytest.raises(ValidationError) as refused:
        await gateway.send(message)
    return refused.value.field, refused.value.limit


@pytest.mark.parametrize("make", BAD_MESSAGES.values(), ids=BAD_MESSAGES.keys())
async def test_the_fake_refuses_what_both_providers_refuse_naming_the_same_field_and_limit(
    real_gateways: tuple[SensGateway, NhnGateway], make: Callable[[], Message]
) -> None:
    fake = FakeGateway()
    expected = await refusal(fake, make())
    for gateway in real_gateways:
        assert await refusal(gateway, make()) == expected, gateway.provider
    assert fake.requests == []


@pytest.mark.parametrize("make", NHN_ONLY.values(), ids=NHN_ONLY.keys())
async def test_the_fake_refuses_what_nhn_alone_refuses_as_nhn_does(
    real_gateways: tuple[SensGateway, NhnGateway], make: Callable[[], Message]
) -> None:
    sens, nhn = real_gateways
    assert await refusal(FakeGateway(), make()) == await refusal(nhn, make())
    assert (await sens.send(make())).all_accepted


@pytest.mark.parametrize(
    "make",
    [
        lambda: sms(recipients=["010-1234-5678", "+82 10 1234 5678", "01012345678"]),
        lambda: sms(recipients=["０１０－１２３４－５６７８", "010\u20131234\u20135678", "tel:+82-10-1234-5678"]),
        lambda: sms(text=AD, advertisement=True),
        lambda: sms(text="가" * 1000, subject="가" * 20),
        lambda: sms(recipients=["+81 90 1234 5678"], country_code="81"),
        lambda: sms(reserve_at=later(minutes=2)),
        lambda: sms(reserve_at=later(days=59)),
        lambda: sms(recipients=[Recipient(number=f"0100000000{digit}", text=f"{digit}번 안내") for digit in range(3)]),
    ],
    ids=[
        "duplicates",
        "full-width, dashes, tel:",
        "advertisement",
        "2,000 bytes",
        "abroad",
        "2 minutes ahead",
        "59 days ahead",
        "own texts",
    ],
)
async def test_what_the_fake_takes_both_providers_take(
    real_gateways: tuple[SensGateway, NhnGateway], make: Callable[[], Message]
) -> None:
    for gateway in (FakeGateway(), *real_gateways):
        report = await gateway.send(make())
        assert report.all_accepted, gateway.provider
        assert [outcome.index for outcome in report.outcomes] == list(range(len(make().recipients)))


refusing = pytest.fixture(
    emulated(
        EmulatorConfig(
            rejected_numbers={"01000000001": -2019, "01000000003": -2019},
            faults=Faults(error_after_processing_rate=1.0),
        )
    )
)


@pytest.mark.parametrize(
    "recipients", [["01000000001", "01000000002"], ["01000000001", "01000000003"]], ids=["one refused", "all refused"]
)
async def test_a_lost_answer_of_refused_numbers_reconciles_as_on_nhn(
    refusing: tuple[SensGateway, NhnGateway], recipients: list[str]
) -> None:
    """The fake refuses numbers as NHN does, so its look-up after a lost answer finds what
    NHN's finds: the refused numbers are not listed."""

    def lose_the_answer(request: FakeRequest) -> None:
        raise ServerError("answer lost", provider="fake", status_code=500)

    fake = FakeGateway(on_answer=lose_the_answer, reconcile=True)
    for number in ("01000000001", "01000000003"):
        fake.reject_number(number, code="-2019")
    _, nhn = refusing
    message = sms(recipients=recipients)
    answers = [await gateway.send(message) for gateway in (fake, nhn)]
    assert [[(outcome.status, outcome.code) for outcome in report.outcomes] for report in answers] == [
        [(outcome.status, outcome.code) for outcome in answers[1].outcomes]
    ] * 2
    assert answers[0].requests == answers[1].requests == 1


async def test_each_message_of_a_request_has_its_own_message_id_as_on_both_providers(
    real_gateways: tuple[SensGateway, NhnGateway],
) -> None:
    """Two messages to one number included: results kept by message id lose none."""
    message = sms(recipients=["01012345678", "010-1234-5678", "01000000001"])
    for gateway in (FakeGateway(), *real_gateways):
        (request_id,) = (await gateway.send(message)).request_ids
        found = await gateway.delivery_results(request_id)
        assert len({result.message_id for result in found}) == 3, gateway.provider


async def test_a_waiting_reservation_is_listed_as_nhn_lists_it_not_as_sens(
    real_gateways: tuple[SensGateway, NhnGateway],
) -> None:
    """docs/testing.md: the fake lists a waiting reservation PENDING, as NHN does; SENS lists
    no message of a reservation before it goes out."""
    sens, nhn = real_gateways
    message = sms(reserve_at=later(hours=1))
    listed = {}
    for gateway in (FakeGateway(), sens, nhn):
        (request_id,) = (await gateway.send(message)).request_ids
        listed[gateway.provider] = [result.status for result in await gateway.delivery_results(request_id)]
    assert listed == {"fake": [DeliveryStatus.PENDING], "nhn": [DeliveryStatus.PENDING], "sens": []}


async def test_request_ids_number_every_request_made_one_on_request_refused_included() -> None:
    """docs/testing.md: hooks tell requests apart by their ids, so a refused one keeps its
    number and the ids of those that arrived have a gap."""
    seen: list[str] = []

    def refuse_the_second(request: FakeRequest) -> None:
        seen.append(request.request_id)
        if request.request_id == "fake-2":
            raise ConnectError("refused")

    gateway = FakeGateway(batch_size=1, max_concurrency=1, on_request=refuse_the_second)
    report = await gateway.send(sms(recipients=["01000000001", "01000000002", "01000000003"]))
    assert seen == ["fake-1", "fake-2", "fake-3"]
    assert [outcome.request_id for outcome in report.outcomes] == ["fake-1", None, "fake-3"]
    assert await gateway.delivery_results("fake-2") == []


async def test_a_result_has_the_providers_words_and_time_on_both_providers_and_neither_on_the_fake(
    real_gateways: tuple[SensGateway, NhnGateway],
) -> None:
    """docs/testing.md: the fake's DELIVERED result has SENS's code and no ``detail`` or
    ``completed_at``; SENS gives its statusMessage, NHN the receipt code's name, and both the
    time of the result. NHN's CANCELLED has its status's name; the fake's none."""
    sens, nhn = real_gateways
    shown = {}
    for gateway in (FakeGateway(), sens, nhn):
        (request_id,) = (await gateway.send(sms())).request_ids
        (result,) = await gateway.delivery_results(request_id)
        shown[gateway.provider] = (result.status, result.code, result.detail, result.completed_at is not None)
    assert shown == {
        "fake": (DeliveryStatus.DELIVERED, "0", None, False),
        "sens": (DeliveryStatus.DELIVERED, "0", "success", True),
        "nhn": (DeliveryStatus.DELIVERED, "1000", "성공", True),
    }
    cancelled = {}
    for gateway in (FakeGateway(), nhn):
        (request_id,) = (await gateway.send(sms(reserve_at=later(hours=1)))).request_ids
        await gateway.cancel_reservation(request_id)
        (result,) = await gateway.delivery_results(request_id)
        cancelled[gateway.provider] = (result.status, result.detail)
    assert cancelled == {"fake": (DeliveryStatus.CANCELLED, None), "nhn": (DeliveryStatus.CANCELLED, "예약취소")}


undeliverable_gateways = pytest.fixture(emulated(EmulatorConfig(undeliverable_numbers={"01000000002": "3006"})))


async def test_a_failed_delivery_set_on_the_fake_reads_as_an_undeliverable_number_on_both_providers(
    undeliverable_gateways: tuple[SensGateway, NhnGateway],
) -> None:
    """docs/testing.md: ``set_delivery(number, FAILED, code=...)`` stands for the number a
    handset could not receive on: accepted when sent, failed with its code when looked up."""
    fake = FakeGateway()
    fake.set_delivery("01000000002", DeliveryStatus.FAILED, code="3006")
    message = sms(recipients=["01000000001", "01000000002"])
    for gateway in (fake, *undeliverable_gateways):
        report = await gateway.send(message)
        assert report.all_accepted, gateway.provider
        found = await gateway.delivery_results(report.request_ids[0])
        assert [(result.recipient, result.status) for result in found] == [
            ("01000000001", DeliveryStatus.DELIVERED),
            ("01000000002", DeliveryStatus.FAILED),
        ], gateway.provider
        assert found[1].code == "3006", gateway.provider

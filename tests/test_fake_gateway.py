"""FakeGateway answers as the real gateways do on the emulator: its hooks, reservations that
come due, refusals at home and abroad, look-ups, closing, and the arguments it refuses."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from unittest import mock

import attrs
import httpx
import pytest

from krsms import (
    DeliveryResult,
    DeliveryStatus,
    Message,
    NotFoundError,
    SendReport,
    SendStatus,
    ServerError,
    SmsGateway,
    UnsendableRequestError,
    UploadedImage,
    ValidationError,
)
from krsms.convert import SEOUL
from krsms.emulator import DEMO_NHN_APP_KEY, EmulatorConfig, EmulatorServer, create_app
from krsms.fanout import JOB_STOPPED
from krsms.nhn import NhnGateway
from krsms.testing import (
    NUMBERS_AVAILABLE,
    UNKNOWN_IMAGE,
    FakeGateway,
    FakeRequest,
    nhn_gateway_for,
    numbers,
    sens_gateway_for,
)

SENDER = "0212345678"


def sms(*recipients: str, **fields: object) -> Message:
    return Message(sender=SENDER, text="안녕", recipients=recipients, **fields)  # type: ignore[arg-type]


def outcomes(report: SendReport) -> list[tuple[SendStatus, str | None]]:
    return [(outcome.status, outcome.code) for outcome in report.outcomes]


def results(found: list[DeliveryResult]) -> list[tuple[str, DeliveryStatus, str | None]]:
    return [(result.recipient, result.status, result.code) for result in found]


async def lose_the_answer(request: FakeRequest) -> None:
    raise ServerError("answer lost", provider="fake", status_code=500)


@pytest.mark.parametrize("hook", ["on_request", "on_answer"])
def test_a_hook_that_cannot_be_called_is_refused_when_the_fake_is_made(hook: str) -> None:
    """As SendProgress refuses an on_sending it cannot call: a coroutine (an async hook called
    instead of passed) failed every send with Python's bare "'coroutine' object is not
    callable", the coroutine never awaited."""

    async def refuse(request: FakeRequest) -> None:
        raise ServerError("refused", provider="fake", status_code=500)

    called = refuse(None)  # type: ignore[arg-type]
    try:
        with pytest.raises(TypeError, match=rf"^{hook} must be a function or a coroutine function .*not coroutine"):
            FakeGateway(**{hook: called})  # type: ignore[arg-type]
    finally:
        called.close()


async def test_an_async_on_answer_is_awaited() -> None:
    gateway = FakeGateway(on_answer=lose_the_answer)
    report = await gateway.send(sms("01000000001"))
    assert outcomes(report) == [(SendStatus.UNKNOWN, "ServerError")]
    assert gateway.sent_to() == ["01000000001"]  # it arrived; only the answer was lost


async def test_an_async_mock_as_a_hook_is_awaited() -> None:
    spy = mock.AsyncMock()
    gateway = FakeGateway(on_request=spy, on_answer=spy)
    await gateway.send(sms("01000000001"))
    assert spy.await_args_list == [mock.call(gateway.requests[0])] * 2


async def test_a_mock_as_a_hook_is_called_and_its_answer_ignored() -> None:
    spy = mock.Mock()
    gateway = FakeGateway(on_request=spy, on_answer=spy)
    report = await gateway.send(sms("01000000001"))
    assert report.all_accepted
    assert spy.call_args_list == [mock.call(gateway.requests[0])] * 2


async def test_a_hook_returning_a_value_is_not_awaited() -> None:
    seen: list[FakeRequest] = []
    gateway = FakeGateway(on_request=lambda request: seen.append(request) or len(seen))
    report = await gateway.send(sms("01000000001"))
    assert report.all_accepted
    assert seen == gateway.requests


class SettableClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


NINE_AM = datetime(2030, 1, 7, 9, 0, tzinfo=SEOUL)


async def test_a_reservation_goes_out_when_the_clock_reaches_it_and_can_no_longer_be_cancelled() -> None:
    clock = SettableClock(NINE_AM)
    gateway = FakeGateway(clock=clock)
    reserved = await gateway.send(sms("01000000001", reserve_at=NINE_AM + timedelta(hours=1)))
    request_id = reserved.request_ids[0]
    assert results(await gateway.delivery_results(request_id)) == [("01000000001", DeliveryStatus.PENDING, None)]
    clock.now = NINE_AM + timedelta(hours=1)
    # As NHN and SENS (emulated) answer once the reserved time has passed.
    assert results(await gateway.delivery_results(request_id)) == [("01000000001", DeliveryStatus.DELIVERED, "0")]
    with pytest.raises(NotFoundError):
        await gateway.cancel_reservation(request_id)


async def test_a_reservation_cancelled_before_its_time_stays_cancelled() -> None:
    clock = SettableClock(NINE_AM)
    gateway = FakeGateway(clock=clock)
    reserved = await gateway.send(sms("01000000001", reserve_at=NINE_AM + timedelta(hours=1)))
    await gateway.cancel_reservation(reserved.request_ids[0])
    clock.now = NINE_AM + timedelta(days=1)
    found = await gateway.delivery_results(reserved.request_ids[0])
    assert results(found) == [("01000000001", DeliveryStatus.CANCELLED, None)]


async def test_a_reservation_is_checked_against_the_fakes_clock() -> None:
    gateway = FakeGateway(clock=SettableClock(NINE_AM))
    with pytest.raises(ValidationError, match="in the past"):
        await gateway.send(sms("01000000001", reserve_at=NINE_AM - timedelta(hours=1)))


def test_a_clock_that_is_a_moment_not_a_function_is_refused_when_the_fake_is_made() -> None:
    """``clock=now`` for ``clock=lambda: now``: every send failed with Python's bare
    "'datetime.datetime' object is not callable"."""
    with pytest.raises(TypeError, match=r"^clock must be a function that returns the current time .*not datetime"):
        FakeGateway(clock=NINE_AM)  # type: ignore[arg-type]


async def test_a_clock_without_a_timezone_is_refused_naming_it() -> None:
    """Not a bare TypeError from comparing naive and aware times, deep in a send."""
    gateway = FakeGateway(clock=SettableClock(NINE_AM.replace(tzinfo=None)))
    with pytest.raises(ValidationError) as refused:
        await gateway.send(sms("01000000001", reserve_at=NINE_AM + timedelta(hours=1)))
    assert refused.value.field == "clock"
    assert str(refused.value) == (
        "clock: returned datetime.datetime(2030, 1, 7, 9, 0): it must give a timezone-aware datetime "
        "(datetime.now(timezone.utc), say)"
    )


@pytest.mark.parametrize(
    ("written", "country_code"),
    [("+81 90-1234-5678", None), ("+819012345678", None), ("90-1234-5678", "81"), ("+81 90 1234 5678", "81")],
)
async def test_a_number_abroad_can_be_refused(written: str, country_code: str | None) -> None:
    gateway = FakeGateway()
    gateway.reject_number(written, code="-2019", country_code=country_code)
    report = await gateway.send(sms("9012345678", country_code="81"))
    assert outcomes(report) == [(SendStatus.REJECTED, "-2019")]


async def test_a_refused_number_is_refused_in_its_own_country_only() -> None:
    gateway = FakeGateway()
    gateway.reject_number("010-0000-0001", code="-2019")
    gateway.reject_number("010-0000-0002", code="-2019", country_code="81")
    in_japan = await gateway.send(sms("01000000001", "01000000002", country_code="81"))
    in_korea = await gateway.send(sms("01000000001", "01000000002"))
    assert outcomes(in_japan) == [(SendStatus.ACCEPTED, None), (SendStatus.REJECTED, "-2019")]
    assert outcomes(in_korea) == [(SendStatus.REJECTED, "-2019"), (SendStatus.ACCEPTED, None)]


@pytest.mark.parametrize(
    "written", ["tel:010-0000-0001", "TEL:+82-10-0000-0001", "０１０－００００－０００１", "010\u20100000\u20100001"]
)
async def test_a_number_is_refused_in_any_form_a_recipient_may_be_written_in(written: str) -> None:
    """As recipients are read: a tel: URI, full-width digits, Unicode dashes."""
    gateway = FakeGateway()
    gateway.reject_number(written, code="-2019")
    assert outcomes(await gateway.send(sms("01000000001"))) == [(SendStatus.REJECTED, "-2019")]


def test_a_number_of_8_digits_from_0_is_refused_by_name_as_a_recipient_is() -> None:
    with pytest.raises(ValidationError) as caught:
        FakeGateway().reject_number("0101-2345")
    assert caught.value.field == "number"


@pytest.mark.parametrize("code", [-2019, None, 3.0])
def test_a_code_that_is_not_text_is_refused_by_name(code: object) -> None:
    """As EmulatorConfig(rejected_numbers=) writes NHN's codes (-2019): an outcome's ``code``
    is text, and the fake's int ended up there, where ``== "-2019"`` never held."""
    gateway = FakeGateway()
    with pytest.raises(ValidationError) as caught:
        gateway.reject_number("01000000001", code=code)  # type: ignore[arg-type]
    assert (caught.value.field, caught.value.limit) == ("code", "a string")
    assert gateway.rejected_numbers == {}


def test_a_number_written_for_another_country_is_refused_by_name() -> None:
    with pytest.raises(ValidationError) as caught:
        FakeGateway().reject_number("+81 90-1234-5678", country_code="1")
    assert caught.value.field == "number"


@pytest.fixture
async def nhn_refusing_01000000001() -> AsyncIterator[NhnGateway]:
    app = create_app(EmulatorConfig(rejected_numbers={"01000000001": -2019}))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
        yield NhnGateway(app_key=DEMO_NHN_APP_KEY, base_url="http://emulator", http_client=client)


async def test_look_ups_leave_out_a_recipient_refused_when_sent_as_nhns_do(
    nhn_refusing_01000000001: NhnGateway,
) -> None:
    fake = FakeGateway()
    fake.reject_number("01000000001", code="-2019")
    for gateway in (fake, nhn_refusing_01000000001):
        report = await gateway.send(sms("01000000001", "01000000002"))
        assert [outcome.status for outcome in report.outcomes] == [SendStatus.REJECTED, SendStatus.ACCEPTED]
        found = await gateway.delivery_results(report.request_ids[0])
        assert [(result.recipient, result.status) for result in found] == [("01000000002", DeliveryStatus.DELIVERED)]


async def test_a_recipient_is_answered_by_the_refusals_of_when_it_was_sent() -> None:
    gateway = FakeGateway()
    report = await gateway.send(sms("01000000001"))
    gateway.reject_number("01000000001", code="-2019")
    (result,) = await gateway.delivery_results(report.request_ids[0])
    assert (result.status, result.code) == (DeliveryStatus.DELIVERED, "0")


@pytest.mark.parametrize(
    "gateway_for",
    [lambda server: FakeGateway(), nhn_gateway_for, sens_gateway_for],
    ids=["fake", "nhn", "sens"],
)
async def test_a_closed_gateway_sends_nothing(
    krsms_emulator: EmulatorServer, gateway_for: Callable[[EmulatorServer], SmsGateway]
) -> None:
    async with gateway_for(krsms_emulator) as gateway:
        pass
    report = await gateway.send(sms("01000000001"))
    assert outcomes(report) == [(SendStatus.NOT_SENT, "UnsendableRequestError")]
    assert report.requests == 0
    with pytest.raises(UnsendableRequestError):
        await gateway.delivery_results("20300107090000abcdefghijk")
    assert len(krsms_emulator.ledger) == 0


async def test_a_closed_fake_records_nothing() -> None:
    async with FakeGateway() as gateway:
        pass
    await gateway.send(sms("01000000001"))
    assert gateway.requests == []
    assert gateway.closed


def test_the_fakes_repr_says_what_it_holds() -> None:
    assert repr(FakeGateway(batch_size=10)) == "FakeGateway(requests=0, batch_size=10, max_concurrency=8, closed=False)"


@pytest.mark.parametrize("batch_size", [0, -1])
def test_a_batch_size_below_1_is_refused_by_name(batch_size: int) -> None:
    with pytest.raises(ValidationError) as caught:
        FakeGateway(batch_size=batch_size)
    assert (caught.value.field, caught.value.value) == ("batch_size", batch_size)


def test_numbers_ends_at_the_last_mobile_number() -> None:
    assert list(numbers(2, start=NUMBERS_AVAILABLE - 2)) == ["01099999998", "01099999999"]


@pytest.mark.parametrize(("count", "start"), [(1, NUMBERS_AVAILABLE), (2, NUMBERS_AVAILABLE - 1), (1, -1), (-1, 0)])
def test_numbers_refuses_what_would_not_be_a_mobile_number(count: int, start: int) -> None:
    with pytest.raises(ValueError, match="100,000,000"):
        numbers(count, start=start)


async def test_a_reservation_comes_due_at_the_minute_the_providers_take_it() -> None:
    """NHN and SENS take ``reserve_at`` to the minute: one for 10:02:30 goes out at 10:02:00.
    The fake, on the emulator's clock, answers as NHN on the emulator does 10 s after that."""
    app = create_app()
    clock = app.state.clock
    fake = FakeGateway(clock=clock.now)
    minute = clock.now().replace(second=0, microsecond=0)
    message = sms("01000000001", reserve_at=minute + timedelta(minutes=2, seconds=30))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
        nhn = NhnGateway(app_key=DEMO_NHN_APP_KEY, base_url="http://emulator", http_client=client)
        sent = {gateway: (await gateway.send(message)).request_ids[0] for gateway in (fake, nhn)}
        clock.skew_seconds += (minute + timedelta(minutes=2, seconds=10) - clock.now()).total_seconds()
        for gateway, request_id in sent.items():
            (result,) = await gateway.delivery_results(request_id)
            assert result.status is DeliveryStatus.DELIVERED, gateway.provider
            with pytest.raises(NotFoundError):
                await gateway.cancel_reservation(request_id)


async def test_look_ups_answer_from_the_fakes_record_not_the_list_a_test_may_clear() -> None:
    """As a provider keeps what it took: clearing ``requests`` between a test's steps resets
    ``sent_to()``, not what the look-ups, cancels and reconciliation find (found by id and by
    attempt key at once, not by scanning every request of a bulk test once per look-up)."""
    clock = SettableClock(NINE_AM)
    gateway = FakeGateway(batch_size=1, clock=clock)
    now = await gateway.send(sms(*numbers(3)))
    reserved = await gateway.send(sms("01000000009", reserve_at=NINE_AM + timedelta(hours=1)))
    gateway.requests.clear()
    assert gateway.sent_to() == []
    found = [await gateway.delivery_results(request_id) for request_id in now.request_ids]
    assert [results(answer) for answer in found] == [[(number, DeliveryStatus.DELIVERED, "0")] for number in numbers(3)]
    await gateway.cancel_reservation(reserved.request_ids[0])
    (cancelled,) = await gateway.delivery_results(reserved.request_ids[0])
    assert cancelled.status is DeliveryStatus.CANCELLED


async def test_every_lost_answer_of_a_bulk_send_is_found_by_reconciliation() -> None:
    gateway = FakeGateway(batch_size=10, on_answer=lose_the_answer, reconcile=True)
    report = await gateway.send(sms(*numbers(2_000)))
    assert report.all_accepted
    assert report.request_ids == tuple(f"fake-{number}" for number in range(1, 201))


JPEG = b"\xff\xd8\xff\xe0" + bytes(64)


async def test_an_image_the_fake_never_stored_is_refused_as_the_providers_refuse_an_unknown_file() -> None:
    """SENS answers 400 and NHN -2004 (and stops the send): a test that forgot the upload, or
    kept an id from elsewhere, must not pass."""
    gateway = FakeGateway(batch_size=1, max_concurrency=1)
    mms = Message(sender=SENDER, text="쿠폰", subject="쿠폰", recipients=list(numbers(3)), images=["coupon-id"])
    report = await gateway.send(mms)
    assert outcomes(report) == [(SendStatus.REJECTED, UNKNOWN_IMAGE)] + [(SendStatus.NOT_SENT, JOB_STOPPED)] * 2
    assert isinstance(report.error, NotFoundError)
    assert "coupon-id" in str(report.error)
    assert (report.requests, gateway.requests) == (1, [])
    stored = await gateway.upload_image(JPEG, file_name="coupon.jpg")
    assert (await gateway.send(attrs.evolve(mms, images=[stored.id]))).all_accepted


@pytest.mark.parametrize("gateway_for", [nhn_gateway_for, sens_gateway_for], ids=["nhn", "sens"])
async def test_the_providers_refuse_an_image_they_never_stored(
    krsms_emulator: EmulatorServer, gateway_for: Callable[[EmulatorServer], SmsGateway]
) -> None:
    """What the fake's refusal stands for (NHN's ids are numbers, SENS's text)."""
    async with gateway_for(krsms_emulator) as gateway:
        image = "12345" if gateway.provider == "nhn" else "coupon-id"
        message = Message(sender=SENDER, text="쿠폰", subject="쿠폰", recipients=["01000000001"], images=[image])
        report = await gateway.send(message)
    assert [outcome.status for outcome in report.outcomes] == [SendStatus.REJECTED]


async def test_an_upload_never_takes_the_id_of_another() -> None:
    """A test may drop an image from ``images`` (gone from the provider): the next upload
    gets a new id, not the one still held by the image uploaded before it."""
    gateway = FakeGateway()
    first = await gateway.upload_image(JPEG, file_name="first.jpg")
    second = await gateway.upload_image(JPEG, file_name="second.jpg")
    del gateway.images[first.id]
    third = await gateway.upload_image(JPEG, file_name="third.jpg")
    assert third.id not in (first.id, second.id)
    assert gateway.images[second.id].file_name == "second.jpg"


async def test_an_image_a_test_stored_beforehand_is_sent() -> None:
    """An id the application keeps in its settings, stored at the provider long ago."""
    gateway = FakeGateway()
    gateway.images["coupon-id"] = UploadedImage(id="coupon-id", file_name="coupon.jpg")
    mms = Message(sender=SENDER, text="쿠폰", subject="쿠폰", recipients=["01000000001"], images=["coupon-id"])
    assert (await gateway.send(mms)).all_accepted

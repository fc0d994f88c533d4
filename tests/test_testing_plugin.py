"""The pytest plugin users get: fake_gateway, and krsms_emulator with gateways pointed at it."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import httpx
import pytest

from krsms import DeliveryStatus, Message, NotFoundError, Recipient, SendStatus, ServerError, ValidationError
from krsms.emulator import EmulatorConfig, EmulatorServer
from krsms.fanout import NOT_RECEIVED
from krsms.nhn import NhnGateway
from krsms.retry import RetryPolicy
from krsms.sens import SensGateway
from krsms.testing import FakeGateway, FakeRequest, nhn_gateway_for, sens_gateway_for
from krsms.transport import Limits, Timeouts

pytest_plugins = ["pytester"]


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


async def test_the_fake_reconciles_a_refused_number_as_nhn_does() -> None:
    """NHN's look-up lists only the recipients it took: after a lost answer a refused number
    is UNKNOWN, and a batch all refused is NOT_SENT, the look-up unable to tell it from one
    that never arrived (tests/test_fake_differential.py compares it with NHN's)."""

    def lose_the_answer(request: FakeRequest) -> None:
        raise ServerError("answer lost", provider="fake", status_code=500)

    gateway = FakeGateway(on_answer=lose_the_answer, reconcile=True)
    gateway.reject_number("010-0000-0001", code="-2019")  # any written form
    gateway.reject_number("010-0000-0003", code="-2019")
    some = await gateway.send(Message(sender="0212345678", text="안녕", recipients=["01000000001", "01000000002"]))
    assert [(outcome.status, outcome.detail) for outcome in some.outcomes] == [
        (SendStatus.UNKNOWN, "not found"),
        (SendStatus.ACCEPTED, "found by reconciliation"),
    ]
    every = await gateway.send(Message(sender="0212345678", text="안녕", recipients=["01000000001", "01000000003"]))
    assert [(outcome.status, outcome.code) for outcome in every.outcomes] == [(SendStatus.NOT_SENT, NOT_RECEIVED)] * 2


@pytest.mark.parametrize("gateway_for", [nhn_gateway_for, sens_gateway_for])
async def test_gateways_for_the_emulator_look_a_lost_answer_up_once_unless_told(
    krsms_emulator: EmulatorServer, gateway_for: Callable[..., NhnGateway | SensGateway]
) -> None:
    """The emulator lists a send the moment it records it: no second look-up 10 s later."""
    async with gateway_for(krsms_emulator) as default, gateway_for(krsms_emulator, reconcile_delay=2.5) as given:
        assert (default.reconcile_delay, given.reconcile_delay) == (0, 2.5)


async def test_gateways_for_the_emulator_use_the_credentials_it_was_configured_with() -> None:
    config = EmulatorConfig(
        sens_access_key="own-access-key",
        sens_secret_key="own-secret-key",
        sens_service_id="ncp:sms:kr:000000000001:own",
        nhn_app_key="own-app-key",
        nhn_secret_key="own-nhn-secret",
    )
    message = Message(sender="15446859", text="인증번호 1234", recipients=["01000000001"])
    with EmulatorServer(config) as server:
        async with sens_gateway_for(server) as sens, nhn_gateway_for(server) as nhn:
            assert (await sens.send(message)).all_accepted
            assert (await nhn.send(message)).all_accepted
        async with nhn_gateway_for(server, secret_key="not-the-one") as wrong:  # given beats configured
            refused = await wrong.send(message)
    assert [delivery.provider for delivery in server.ledger] == ["sens", "nhn"]
    assert [(outcome.status, outcome.code) for outcome in refused.outcomes] == [(SendStatus.REJECTED, "-1000")]


FILLED_IN = {
    sens_gateway_for: {"access_key", "secret_key", "service_id", "base_url"},
    nhn_gateway_for: {"app_key", "base_url"},
}
"""What each helper fills in itself: the emulator's demo credentials and its base URL."""


@pytest.mark.parametrize(("gateway_for", "gateway"), [(sens_gateway_for, SensGateway), (nhn_gateway_for, NhnGateway)])
def test_gateways_for_the_emulator_take_the_gateways_own_arguments(
    gateway_for: Callable[..., object], gateway: type[object]
) -> None:
    """Name, type and default of each: a gateway's new or changed option shows up here, not as a
    TypeError or an unchecked ``**options`` in a user's tests. ``reconcile_delay`` is 0 on
    purpose (see the helpers)."""

    def options(function: Callable[..., object], leave_out: set[str]) -> dict[str, tuple[object, ...]]:
        parameters = inspect.signature(function).parameters.values()
        return {
            parameter.name: (parameter.kind, parameter.annotation, parameter.default)
            for parameter in parameters
            if parameter.name not in leave_out
        }

    expected = options(gateway.__init__, {"self", *FILLED_IN[gateway_for]})
    expected["reconcile_delay"] = (inspect.Parameter.KEYWORD_ONLY, "float", 0.0)
    assert options(gateway_for, {"server"}) == expected


@pytest.mark.parametrize("gateway_for", [sens_gateway_for, nhn_gateway_for])
def test_gateways_for_the_emulator_refuse_an_unknown_argument(gateway_for: Callable[..., object]) -> None:
    server = EmulatorServer()  # never entered: the helper only needs its base_url
    try:
        with pytest.raises(TypeError, match="max_concurency"):
            gateway_for(server, max_concurency=4)
    finally:
        server.close()


@pytest.mark.parametrize(
    ("gateway_for", "gateway_path"),
    [(sens_gateway_for, "krsms.sens.SensGateway"), (nhn_gateway_for, "krsms.nhn.NhnGateway")],
)
def test_gateways_for_the_emulator_hand_every_option_to_the_gateway(
    gateway_for: Callable[..., object], gateway_path: str
) -> None:
    server = EmulatorServer()
    names = [name for name in inspect.signature(gateway_for).parameters if name != "server"]
    given = {name: object() for name in names}  # each its own: any one dropped or swapped shows
    try:
        with mock.patch(gateway_path, autospec=True) as gateway:
            gateway_for(server, **given)
    finally:
        server.close()
    (call,) = gateway.call_args_list
    assert {name: call.kwargs[name] for name in names} == given
    assert call.kwargs["base_url"] == server.base_url


async def test_gateways_for_the_emulator_build_with_every_option(krsms_emulator: EmulatorServer) -> None:
    """Real values for every option, not the defaults: accepted, and the sends go through (the
    SENS gateway makes its client with ``limits``, the NHN one borrows ``http_client``)."""
    common: dict[str, Any] = {
        "max_concurrency": 2,
        "timeout": Timeouts(connect=3.0, read=4.0, write=4.0, pool=4.0),
        "retry": RetryPolicy(max_attempts=2),
        "requests_per_second": 1000.0,
        "reconcile": False,
        "resend_missing": True,
        "drain_timeout": 1.0,
        "reconcile_delay": 0.5,
    }
    message = Message(sender="15446859", text="인증번호 1234", recipients=["01000000001"])
    async with (
        httpx.AsyncClient() as client,
        sens_gateway_for(krsms_emulator, limits=Limits(max_connections=4), **common) as sens,
        nhn_gateway_for(krsms_emulator, http_client=client, secret_key="any", authentication=True, **common) as nhn,
    ):
        for gateway in (sens, nhn):
            assert (gateway.max_concurrency, gateway.requests_per_second, gateway.reconcile) == (2, 1000.0, False)
            assert (gateway.resend_missing, gateway.drain_timeout, gateway.reconcile_delay) == (True, 1.0, 0.5)
            assert (await gateway.send(message)).all_accepted
        assert nhn.authentication
    assert [delivery.provider for delivery in krsms_emulator.ledger] == ["sens", "nhn"]


USERS_TESTS = """
import asyncio

import pytest

from krsms import Message
from krsms.testing import nhn_gateway_for

MESSAGE = Message(sender="0212345678", text="안녕", recipients=["01012345678"])


def test_sync_fake(fake_gateway):
    assert asyncio.run(fake_gateway.send(MESSAGE)).all_accepted


def test_sync_emulator(krsms_emulator):
    async def send():
        async with nhn_gateway_for(krsms_emulator) as nhn:
            return await nhn.send(MESSAGE)

    assert asyncio.run(send()).all_accepted
    assert len(krsms_emulator.ledger) == 1


@MARK
async def test_async_fake(fake_gateway):
    assert (await fake_gateway.send(MESSAGE)).all_accepted
    assert fake_gateway.sent_to() == ["01012345678"]


@MARK
async def test_async_emulator(krsms_emulator):
    async with nhn_gateway_for(krsms_emulator) as nhn:
        assert (await nhn.send(MESSAGE)).all_accepted
    assert len(krsms_emulator.ledger) == 1
"""
"""A user's tests of both fixtures, sync and async; ``MARK`` is the async plugin's mark."""


@pytest.mark.parametrize(
    ("mark", "options"),
    [
        ("pytest.mark.asyncio", ["-o", "asyncio_mode=strict"]),
        ("lambda test: test", ["-o", "asyncio_mode=auto"]),
        ("pytest.mark.anyio", ["-p", "no:asyncio"]),
    ],
    ids=["pytest-asyncio strict", "pytest-asyncio auto", "anyio"],
)
def test_the_fixtures_serve_sync_and_async_tests_under_each_async_plugin(
    pytester: pytest.Pytester, mark: str, options: list[str]
) -> None:
    pytester.makepyfile(USERS_TESTS.replace("@MARK", f"@({mark})"))
    options += ["-o", "asyncio_default_fixture_loop_scope=function", "-p", "no:cacheprovider"]
    result = pytester.runpytest_inprocess(*options)
    result.assert_outcomes(passed=4)

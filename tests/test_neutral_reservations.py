"""A reservation whose minute passes while its batch is about to leave, on the fake and on a
real gateway: neither lets the batch go, and the send stops saying why."""

from __future__ import annotations

from datetime import timedelta

import httpx

from krsms import Message, Recipients, SendProgress, SendStatus, ValidationError
from krsms.emulator import DEMO_NHN_APP_KEY, create_app
from krsms.fanout import BatchingGateway
from krsms.nhn import NhnGateway
from krsms.testing import FakeGateway


async def test_a_batch_whose_reservation_passed_during_on_sending_does_not_leave() -> None:
    """The real gateway checks the reservation again as the request leaves, after
    ``on_sending``'s write-ahead (a slow journal); the fake sent it, a reservation the
    providers refuse as past, and the send went on."""
    app = create_app()
    clock = app.state.clock
    minute = clock.now().replace(second=0, microsecond=0)
    message = Message(
        sender="0212345678",
        text="예약 안내",
        recipients=["01000000001", "01000000002"],
        reserve_at=minute + timedelta(minutes=2, seconds=30),
    )

    async def slow_journal(recipients: Recipients) -> None:
        # The write-ahead takes until the reservation's minute has come.
        clock.skew_seconds += (minute + timedelta(minutes=2, seconds=10) - clock.now()).total_seconds()

    fake = FakeGateway(batch_size=1, max_concurrency=1, clock=clock.now)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
        nhn = NhnGateway(app_key=DEMO_NHN_APP_KEY, base_url="http://emulator", http_client=client, max_concurrency=1)
        nhn.now = clock.now  # type: ignore[method-assign]  # the emulator's clock, as the fake's
        gateways: tuple[BatchingGateway, ...] = (nhn, fake)
        for gateway in gateways:
            start = clock.skew_seconds
            report = await gateway.send(message, progress=SendProgress(on_sending=slow_journal))
            clock.skew_seconds = start
            assert [outcome.status for outcome in report.outcomes] == [SendStatus.NOT_SENT] * 2, gateway.provider
            assert isinstance(report.error, ValidationError)
            assert report.error.field == "reserve_at"
            assert report.requests == 0
    assert fake.requests == []

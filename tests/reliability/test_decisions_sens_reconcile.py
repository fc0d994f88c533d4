"""How SENS look-ups settle a batch whose answer was lost, at the decision the gateway tests
leave open: a look-up that lists, for the batch's first number, only another process's request
to other numbers, and one that lists more such requests than it looks into."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx

from krsms import Message, MessageKind, SendReport, SendStatus
from krsms.emulator import DEMO_SENS_ACCESS_KEY, DEMO_SENS_SECRET_KEY, DEMO_SENS_SERVICE_ID, EmulatorConfig, create_app
from krsms.sens import SensGateway
from krsms.sens.gateway import MAX_CANDIDATES
from krsms.transport import NO_RETRIES

SENDER = "0212345678"
TEXT = "[krsms] 배송 안내"


class LostAfterAnotherSend(httpx.AsyncBaseTransport):
    """The emulator in-process; each send request is lost on its way (it times out, never
    reaching SENS) while ``meanwhile`` runs: another process's send."""

    def __init__(self, app: object, meanwhile: Callable[[], Awaitable[object]]):
        self.inner = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        self.meanwhile = meanwhile
        self.look_ups: list[httpx.URL] = []
        """The URL of every look-up made through it."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/messages"):
            await self.meanwhile()
            raise httpx.ReadTimeout("lost on its way", request=request)
        self.look_ups.append(request.url)
        return await self.inner.handle_async_request(request)


def gateway(transport: httpx.AsyncBaseTransport, **options: object) -> SensGateway:
    return SensGateway(
        access_key=DEMO_SENS_ACCESS_KEY,
        secret_key=DEMO_SENS_SECRET_KEY,
        service_id=DEMO_SENS_SERVICE_ID,
        base_url="http://emulator",
        http_client=httpx.AsyncClient(transport=transport),
        **options,  # type: ignore[arg-type]
    )


async def test_a_lost_batch_whose_number_shows_only_another_processs_request_stays_unknown_and_is_not_resent() -> None:
    """Both look-ups list, for the batch's first number, only a request another process made
    meanwhile with the same text to other numbers. That proves nothing of the batch (a busy
    SENS may still hold it in its queue): it stays UNKNOWN, and ``resend_missing`` resends
    nothing, which would deliver twice if SENS held it after all."""
    app = create_app(EmulatorConfig())
    other_process = gateway(httpx.ASGITransport(app=app))
    elsewhere = Message(sender=SENDER, text=TEXT, recipients=["01012345678", "01099998888"])

    async def send_elsewhere() -> None:
        assert (await other_process.send(elsewhere)).all_accepted

    async with (
        other_process,
        gateway(
            LostAfterAnotherSend(app, send_elsewhere), retry=NO_RETRIES, reconcile_delay=0.01, resend_missing=True
        ) as worker,
    ):
        report = await worker.send(Message(sender=SENDER, text=TEXT, recipients=["01012345678", "01011112222"]))
    assert {outcome.status for outcome in report.outcomes} == {SendStatus.UNKNOWN}
    assert report.requests == 1
    assert sorted(delivery.recipient for delivery in app.state.ledger) == ["01012345678", "01099998888"]


async def test_a_look_up_listing_more_possible_requests_than_the_gateway_looks_into_settles_nothing() -> None:
    """Eleven requests of another process to the batch's first number, with the same text,
    since the lost batch left: more than the gateway reads one by one (``MAX_CANDIDATES``).
    It reads none of them, leaves the batch UNKNOWN, and looks no further."""
    app = create_app(EmulatorConfig())
    other_process = gateway(httpx.ASGITransport(app=app))

    async def send_elsewhere() -> None:
        for index in range(MAX_CANDIDATES + 1):
            elsewhere = Message(sender=SENDER, text=TEXT, recipients=["01012345678", f"010999900{index:02d}"])
            assert (await other_process.send(elsewhere)).all_accepted

    lost = LostAfterAnotherSend(app, send_elsewhere)
    async with other_process, gateway(lost, retry=NO_RETRIES, reconcile_delay=0.01) as worker:
        report = await worker.send(Message(sender=SENDER, text=TEXT, recipients=["01012345678", "01011112222"]))
    assert {outcome.status for outcome in report.outcomes} == {SendStatus.UNKNOWN}
    assert len(lost.look_ups) == 1
    assert lost.look_ups[0].params["to"] == "01012345678"


async def test_a_lost_batch_that_two_requests_match_exactly_is_claimed_by_neither() -> None:
    """Another process sent the batch's very message to its very numbers twice since it
    left: either request could be the batch's, or neither (its own lost on its way). The
    batch is not taken as ACCEPTED on one of them: it stays UNKNOWN."""
    app = create_app(EmulatorConfig())
    other_process = gateway(httpx.ASGITransport(app=app))
    same = Message(sender=SENDER, text=TEXT, recipients=["01012345678", "01011112222"])

    async def send_the_same_twice() -> None:
        for _ in range(2):
            assert (await other_process.send(same)).all_accepted

    async with (
        other_process,
        gateway(LostAfterAnotherSend(app, send_the_same_twice), retry=NO_RETRIES, reconcile_delay=0.01) as worker,
    ):
        report = await worker.send(same)
    assert {outcome.status for outcome in report.outcomes} == {SendStatus.UNKNOWN}
    assert len(app.state.ledger) == 4


class HoldsTheFirstAnswerLosesTheSecond(httpx.AsyncBaseTransport):
    """The emulator in-process: the first send reaches SENS and its answer is held until
    ``answer_first`` is set; the second is lost on its way. The first look-up of one request
    by its id lets the first answer go, and is answered once ``first_settled`` is set."""

    def __init__(self, app: object):
        self.inner = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        self.sends = 0
        self.first_stored, self.first_settled = asyncio.Event(), asyncio.Event()
        self.answer_first = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/messages"):
            self.sends += 1
            if self.sends > 1:
                raise httpx.ReadTimeout("lost on its way", request=request)
            answer = await self.inner.handle_async_request(request)
            self.first_stored.set()
            await self.answer_first.wait()
            return answer
        if "requestId" in request.url.params and not self.answer_first.is_set():
            self.answer_first.set()
            await self.first_settled.wait()
        return await self.inner.handle_async_request(request)


async def test_a_request_whose_answer_came_in_while_a_lost_batch_was_looked_up_is_not_claimed_by_it() -> None:
    """Two sends of one message to one number. The first reaches SENS, its answer late; the
    second is lost on its way, and its look-up finds the first's request, unanswered so far,
    to check. Its answer comes in meanwhile, so that request is the first send's: the lost
    batch is not ACCEPTED on it (reported delivered when it never arrived), but UNKNOWN."""
    app = create_app(EmulatorConfig())
    transport = HoldsTheFirstAnswerLosesTheSecond(app)
    same = Message(sender=SENDER, text=TEXT, recipients=["01012345678"])
    async with gateway(transport, retry=NO_RETRIES, reconcile_delay=0) as sens:

        async def send_first() -> SendReport:
            try:
                return await sens.send(same)
            finally:
                transport.first_settled.set()

        first = asyncio.create_task(send_first())
        await transport.first_stored.wait()
        second = await sens.send(same)
        assert (await first).all_accepted
    assert [outcome.status for outcome in second.outcomes] == [SendStatus.UNKNOWN]
    assert len(app.state.ledger) == 1


async def test_a_lost_batch_to_a_number_twice_is_not_taken_for_a_request_to_it_once() -> None:
    """The batch goes to its first number twice; another process's request, made since,
    holds the same numbers once each, with the same text. It is not the batch's (SENS lists
    a message for each time a number is sent to): the lost batch stays UNKNOWN."""
    app = create_app(EmulatorConfig())
    other_process = gateway(httpx.ASGITransport(app=app))

    async def send_once_each() -> None:
        once_each = Message(sender=SENDER, text=TEXT, recipients=["01012345678", "01011112222"])
        assert (await other_process.send(once_each)).all_accepted

    async with (
        other_process,
        gateway(LostAfterAnotherSend(app, send_once_each), retry=NO_RETRIES, reconcile_delay=0.01) as worker,
    ):
        twice = Message(sender=SENDER, text=TEXT, recipients=["01012345678", "01012345678", "01011112222"])
        report = await worker.send(twice)
    assert {outcome.status for outcome in report.outcomes} == {SendStatus.UNKNOWN}


async def test_a_lost_batch_is_not_taken_for_a_request_to_its_numbers_with_another_text() -> None:
    """Another process's request, made since, holds exactly the batch's numbers, but its
    message says something else: it is not the batch's, which stays UNKNOWN."""
    app = create_app(EmulatorConfig())
    other_process = gateway(httpx.ASGITransport(app=app))
    numbers = ["01012345678", "01011112222"]

    async def send_another_text() -> None:
        assert (
            await other_process.send(Message(sender=SENDER, text="[krsms] 다른 안내", recipients=numbers))
        ).all_accepted

    async with (
        other_process,
        gateway(LostAfterAnotherSend(app, send_another_text), retry=NO_RETRIES, reconcile_delay=0.01) as worker,
    ):
        report = await worker.send(Message(sender=SENDER, text=TEXT, recipients=numbers))
    assert {outcome.status for outcome in report.outcomes} == {SendStatus.UNKNOWN}


async def test_a_lost_sms_is_not_taken_for_an_lms_with_its_numbers_and_text() -> None:
    """Another process sent the batch's text to its numbers as an LMS: SENS lists that
    request's type, which is not the batch's (an SMS), so it is not the batch's request."""
    app = create_app(EmulatorConfig())
    other_process = gateway(httpx.ASGITransport(app=app))
    numbers = ["01012345678", "01011112222"]

    async def send_as_lms() -> None:
        as_lms = Message(sender=SENDER, text=TEXT, subject="안내", kind=MessageKind.LMS, recipients=numbers)
        assert (await other_process.send(as_lms)).all_accepted

    async with (
        other_process,
        gateway(LostAfterAnotherSend(app, send_as_lms), retry=NO_RETRIES, reconcile_delay=0.01) as worker,
    ):
        report = await worker.send(Message(sender=SENDER, text=TEXT, recipients=numbers))
    assert {outcome.status for outcome in report.outcomes} == {SendStatus.UNKNOWN}

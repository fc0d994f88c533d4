"""Requests started together enter httpx's connection pool one at a time.

httpcore 1.0's pool hands an idle connection to every request asking for one within the few
passes of the event loop before the first has started on it; the others get
``ConnectionNotAvailable`` and start over (encode/httpcore#1110). Sixty-four request handlers
sending at once through one gateway sized for them cost about seven attempts a send, and
five times the CPU; the transport now lets a request into the pool only once the one before
it has had two passes to take its connection."""

from __future__ import annotations

import asyncio

import httpcore
import pytest

from krsms import Limits, Message, SendStatus
from krsms.emulator import EmulatorConfig, EmulatorServer, Faults
from krsms.fanout import BatchingGateway
from krsms.testing import nhn_gateway_for, numbers, sens_gateway_for

IN_FLIGHT = 16


@pytest.fixture
def attempts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the requests httpcore starts on an HTTP/1.1 connection, retries included."""
    counted = [0]
    start_on_connection = httpcore.AsyncHTTP11Connection.handle_async_request

    async def counting(self: httpcore.AsyncHTTP11Connection, request: httpcore.Request) -> httpcore.Response:
        counted[0] += 1
        return await start_on_connection(self, request)

    monkeypatch.setattr(httpcore.AsyncHTTP11Connection, "handle_async_request", counting)
    return counted


def gateway_for(provider: str, emulator: EmulatorServer) -> BatchingGateway:
    """A gateway of ``provider`` sized for :data:`IN_FLIGHT` sends at once, pool included."""
    limits = Limits(max_connections=IN_FLIGHT, max_keepalive_connections=IN_FLIGHT)
    make = sens_gateway_for if provider == "sens" else nhn_gateway_for
    return make(emulator, max_concurrency=IN_FLIGHT, limits=limits)


@pytest.mark.parametrize("provider", ["sens", "nhn"])
async def test_single_sends_started_together_start_on_a_connection_once_each(
    provider: str, krsms_emulator: EmulatorServer, attempts: list[int]
) -> None:
    async with gateway_for(provider, krsms_emulator) as gateway:

        async def send_each(to: list[str]) -> list[SendStatus]:
            reports = await asyncio.gather(
                *(
                    gateway.send(Message(sender="15446859", text="인증번호 123456", recipients=[number]))
                    for number in to
                )
            )
            return [report.outcomes[0].status for report in reports]

        # The pool's connections opened by a first round (its own collisions not counted).
        assert await send_each(list(numbers(IN_FLIGHT))) == [SendStatus.ACCEPTED] * IN_FLIGHT
        attempts[0] = 0
        for round_ in range(3):
            to = list(numbers(IN_FLIGHT, start=(round_ + 1) * IN_FLIGHT))
            assert await send_each(to) == [SendStatus.ACCEPTED] * IN_FLIGHT
        assert attempts[0] == 3 * IN_FLIGHT


@pytest.mark.parametrize("provider", ["sens", "nhn"])
async def test_a_bulk_send_s_batches_start_on_a_connection_once_each(
    provider: str, krsms_emulator: EmulatorServer, attempts: list[int]
) -> None:
    """Its waves of batches start together, and their answers come back together."""
    async with gateway_for(provider, krsms_emulator) as gateway:
        warm = await gateway.send(Message(sender="15446859", text="준비", recipients=list(numbers(IN_FLIGHT))))
        assert warm.all_accepted
        attempts[0] = 0
        recipients = list(numbers(3 * IN_FLIGHT * gateway.batch_size, start=IN_FLIGHT))
        report = await gateway.send(Message(sender="15446859", text="안내", recipients=recipients))
        assert report.all_accepted
        assert (report.requests, attempts[0]) == (3 * IN_FLIGHT, 3 * IN_FLIGHT)


def test_a_pool_sized_by_its_connections_alone_keeps_each_alive() -> None:
    """httpcore 1.0 closes an idle connection whenever its pool holds more connections than
    ``max_keepalive_connections``, idle or not: ``Limits(max_connections=64)`` kept 32, so
    each connection above 32 was closed as its request ended and the next request opened one
    again."""
    assert Limits(max_connections=64).max_keepalive_connections == 64
    assert Limits(max_connections=8).max_keepalive_connections == 8
    assert Limits().max_keepalive_connections == Limits().max_connections == 32
    assert Limits(max_connections=64, max_keepalive_connections=4).max_keepalive_connections == 4


async def test_connections_beyond_32_stay_open_between_sends() -> None:
    """Forty sends held in flight at once (0.1 s of latency), three times: at most forty
    connections opened in all."""
    opened = [0]
    connect = httpcore.AsyncHTTPConnection._connect

    async def counting(self: httpcore.AsyncHTTPConnection, request: httpcore.Request) -> object:
        opened[0] += 1
        return await connect(self, request)  # type: ignore[no-any-return]

    many = 40
    slow = EmulatorConfig(faults=Faults(latency=0.1))
    with pytest.MonkeyPatch.context() as patch, EmulatorServer(slow) as server:
        patch.setattr(httpcore.AsyncHTTPConnection, "_connect", counting)
        async with nhn_gateway_for(server, max_concurrency=many, limits=Limits(max_connections=many)) as gateway:
            for round_ in range(3):
                to = numbers(many, start=round_ * many)
                sends = (gateway.send(Message(sender="15446859", text="안내", recipients=[number])) for number in to)
                reports = await asyncio.gather(*sends)
                assert all(report.all_accepted for report in reports)
    assert opened[0] <= many  # one a send in flight at most, opened once (32 kept: 56)


@pytest.mark.parametrize("provider", ["sens", "nhn"])
async def test_sends_cancelled_while_waiting_for_their_turn_leave_the_turn_and_their_slots_free(
    provider: str, krsms_emulator: EmulatorServer
) -> None:
    """Sends started together wait for their turn one after another; cancelled there, none
    keeps the turn's lock or its request slot, and the next send goes at once."""
    async with gateway_for(provider, krsms_emulator) as gateway:
        transport = gateway._transport
        assert transport is not None
        warm = await gateway.send(Message(sender="15446859", text="준비", recipients=["01000000000"]))
        assert warm.all_accepted
        state = await transport._loop_state()
        sends = [
            asyncio.ensure_future(gateway.send(Message(sender="15446859", text="안내", recipients=[number])))
            for number in numbers(IN_FLIGHT)
        ]
        for _ in range(IN_FLIGHT):
            if state.entering._waiters:  # type: ignore[attr-defined]
                break
            await asyncio.sleep(0)
        assert state.entering._waiters, "no send waited for its turn"  # type: ignore[attr-defined]
        for send in sends:
            send.cancel()
        await asyncio.gather(*sends, return_exceptions=True)
        for _ in range(3):  # the last turn taken ends two passes after it began
            await asyncio.sleep(0)
        assert not state.entering.locked()
        assert state.limiter.value == IN_FLIGHT
        after = await gateway.send(Message(sender="15446859", text="안내", recipients=["01099999999"]))
        assert after.outcomes[0].status is SendStatus.ACCEPTED

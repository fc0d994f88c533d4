"""One gateway in a web app for weeks, and gateways made and dropped in one: nothing the SDK
keeps grows with the number of sends, and nothing keeps a dropped gateway alive.

Counts, not timings: each workload runs a small number of times, then more, and what is
retained after the second run must be within a constant of what the first left.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import weakref
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import httpx
import pytest

from krsms import Message, NhnGateway, RetryPolicy, SendStatus, SensGateway, errors, httpx_logs, loop_clients
from krsms.emulator import (
    DEMO_NHN_APP_KEY,
    DEMO_SENS_ACCESS_KEY,
    DEMO_SENS_SECRET_KEY,
    DEMO_SENS_SERVICE_ID,
    EmulatorConfig,
    EmulatorServer,
    Faults,
    create_app,
)
from krsms.fanout import BatchingGateway
from krsms.sens.gateway import KNOWN_REQUEST_MEMORY
from krsms.testing import nhn_gateway_for, numbers, sens_gateway_for

TICK = 0.1
"""Seconds between a :class:`Ticker`'s ticks."""
MAKERS: dict[str, Callable[..., BatchingGateway]] = {"sens": sens_gateway_for, "nhn": nhn_gateway_for}
IN_PROCESS = "http://emulator"
"""The base URL of the emulator served in-process (``httpx.ASGITransport``)."""
IN_PROCESS_MAKERS: dict[str, Callable[..., BatchingGateway]] = {
    "sens": lambda client, **options: SensGateway(
        access_key=DEMO_SENS_ACCESS_KEY,
        secret_key=DEMO_SENS_SECRET_KEY,
        service_id=DEMO_SENS_SERVICE_ID,
        base_url=IN_PROCESS,
        http_client=client,
        reconcile_delay=0.0,
        **options,
    ),
    "nhn": lambda client, **options: NhnGateway(
        app_key=DEMO_NHN_APP_KEY, base_url=IN_PROCESS, http_client=client, reconcile_delay=0.0, **options
    ),
}
"""Gateways of the emulator served in-process by the client they are given, with their options."""
NO_WAITING = RetryPolicy(initial_backoff=0.0, max_backoff=0.0, max_retry_after=0.0)
"""Retries as by default, without their back-off."""


def otp(**options: Any) -> Message:
    return Message(sender="15446859", text="인증번호 123456", recipients=["01012345678"], **options)


def in_an_hour() -> datetime:
    return (datetime.now(timezone.utc) + timedelta(hours=1)).replace(second=0, microsecond=0)


class Ticker:
    """A timer always due soon in the running loop, as a web server's are (its keep-alives,
    its workers' sleeps): asyncio drops a cancelled timer before its deadline only once it
    comes first in the loop's heap, so the cancelled timers behind this one stay."""

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._handle = self._loop.call_later(TICK, self._tick)

    def _tick(self) -> None:
        self._handle = self._loop.call_later(TICK, self._tick)

    def stop(self) -> None:
        self._handle.cancel()


@pytest.mark.parametrize("provider", ["sens", "nhn"])
@pytest.mark.parametrize("paced", [True, False], ids=["requests_per_second", "reserved"])
def test_a_dropped_gateway_is_freed_while_other_timers_wait_in_its_loop(
    krsms_emulator: EmulatorServer, provider: str, paced: bool
) -> None:
    """A web app's loop always has timers pending (the server's keep-alives, other requests'
    timeouts), and asyncio keeps a cancelled timer, with the context it was scheduled in, until
    its deadline comes up: the timeouts of a batch's requests (30 s by default) keep the
    batch's send watch that long. The watch must not keep the gateway (its ``pace``) or the
    message (a reservation's check) alive: a gateway dropped unclosed is freed at once, and
    its client closed in its loop."""

    async def main() -> None:
        ticker = Ticker()
        gateway = MAKERS[provider](krsms_emulator, requests_per_second=100.0 if paced else None)
        assert gateway._transport is not None
        client = gateway._transport._client
        assert client is not None
        message = otp() if paced else otp(reserve_at=in_an_hour())
        report = await gateway.send(message)
        assert report.outcomes[0].status is SendStatus.ACCEPTED
        dropped, sent = weakref.ref(gateway), weakref.ref(message)
        del gateway, message, report
        gc.collect()
        assert dropped() is None
        assert sent() is None
        for _ in range(10):
            await asyncio.sleep(0)  # the closer's close, scheduled on this loop
        assert client.is_closed
        ticker.stop()

    asyncio.run(main())


@contextmanager
def left_for_the_collector() -> Iterator[Counter[str]]:
    """Run the block with the garbage collector off, as between a long-running process's full
    collections; the counter it gives then counts, by type, the krsms and httpx objects the
    block left in reference cycles (which only the collector frees), errors as ``"error"``."""
    left: Counter[str] = Counter()
    gc.collect()
    gc.disable()
    try:
        yield left
    finally:
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            gc.collect()
            left.update(_kind(thing) for thing in gc.garbage if _kind(thing))
        finally:
            gc.garbage.clear()
            gc.set_debug(0)
            gc.enable()


def _kind(thing: object) -> str:
    if isinstance(thing, errors.KrSmsError):
        return "error"
    module = type(thing).__module__
    if module.startswith(("krsms", "httpx", "httpcore")) and not module.startswith("krsms.emulator"):
        return type(thing).__qualname__
    return ""


@pytest.mark.parametrize("provider", ["sens", "nhn"])
async def test_answers_do_not_wait_for_the_garbage_collector(provider: str) -> None:
    """httpx 0.28 keeps each answer in a reference cycle with its stream, which only the
    garbage collector's full collection frees, and a long-running process makes those rarely:
    meanwhile every send's answer, and its request's body, added up. The transport breaks it
    once it has read the answer, so each is freed as soon as it is read."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app()), base_url=IN_PROCESS) as client:
        gateway = IN_PROCESS_MAKERS[provider](client)
        report = await gateway.send(otp())
        request_id = report.outcomes[0].request_id
        assert request_id is not None
        left = []
        for operations in (10, 50):
            with left_for_the_collector() as garbage:
                for _ in range(operations):
                    await gateway.send(otp())
                    await gateway.delivery_results(request_id)
            left.append(garbage)
        assert left[1]["Response"] <= left[0]["Response"] + 2
        assert left[1]["Request"] <= left[0]["Request"] + 2


@pytest.mark.parametrize("provider", ["sens", "nhn"])
@pytest.mark.parametrize(
    "faults",
    [Faults(server_error_rate=1.0), Faults(drop_rate=1.0), Faults(rate_limit_rate=1.0, retry_after=0.0)],
    ids=["500", "dropped", "429"],
)
async def test_failed_requests_do_not_wait_for_the_garbage_collector(provider: str, faults: Faults) -> None:
    """A request that failed left its error in a reference cycle with the frames it was raised
    from (each held it in a local), and with it everything those frames held: the send's
    batch, its encoded body, its job. During a provider's outage every failed send (and failed
    look-up) added up until the garbage collector's next full collection."""
    app = create_app(EmulatorConfig(faults=attrs.evolve(faults, sends_only=False)))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=IN_PROCESS) as client:
        gateway = IN_PROCESS_MAKERS[provider](client, retry=NO_WAITING)
        left = []
        for operations in (10, 50):
            with left_for_the_collector() as garbage:
                for _ in range(operations):
                    report = await gateway.send(otp())
                    assert report.outcomes[0].status is not SendStatus.ACCEPTED
                    with pytest.raises(errors.KrSmsError):
                        await gateway.delivery_results("a-request-id")
            left.append(garbage)
        for kind in ("error", "SendJob", "EncodedJson"):
            assert left[1][kind] <= left[0][kind] + 2, kind


def kept(gateway: BatchingGateway) -> dict[str, int]:
    """The sizes of what ``gateway`` and krsms keep across sends."""
    transport = gateway._transport
    assert transport is not None
    return {
        "loop states": len(transport._states),
        "pauses": len(transport._pauses),
        "pacer queues": 0 if gateway._pacer is None else len(gateway._pacer._queues),
        "closing clients": len(loop_clients._closing),
        "tasks": len(asyncio.all_tasks()),
        "log filters": sum(
            len(logging.getLogger(name).filters) for name in ("httpx", "httpcore.http11", "hpack.hpack")
        ),
        "log patterns": len(httpx_logs._httpx_log_filter.patterns),
        "krsms handlers": len(logging.getLogger("krsms").handlers),
    }


@pytest.mark.parametrize("provider", ["sens", "nhn"])
async def test_a_long_lived_gateway_keeps_no_more_after_more_sends(provider: str) -> None:
    """A web app's one gateway, under single sends, small bulk sends, look-ups, answers lost
    or refused (5xx, 429, dropped connections), sends cancelled midway and gateways made and
    dropped beside it: what it keeps after five times the operations is what it kept before."""
    faults = Faults(server_error_rate=0.1, rate_limit_rate=0.1, retry_after=0.0, drop_after_processing_rate=0.1)
    app = create_app(EmulatorConfig(faults=faults))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=IN_PROCESS) as client:
        options = {"retry": NO_WAITING, "requests_per_second": 10_000.0}
        gateway = IN_PROCESS_MAKERS[provider](client, **options)

        async def operation(index: int) -> None:
            report = await gateway.send(
                otp()
                if index % 3
                else Message(sender="15446859", text="안녕", recipients=list(numbers(5, start=index)))
            )
            if report.outcomes[0].request_id is not None:
                await gateway.delivery_results(report.outcomes[0].request_id)
            cancelled = asyncio.ensure_future(gateway.send(otp()))
            for _ in range(index % 7):
                await asyncio.sleep(0)
            cancelled.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await cancelled
            await IN_PROCESS_MAKERS[provider](client, **options).send(otp())  # made and dropped

        seen = []
        done = 0
        for operations in (30, 150):
            for index in range(done, done + operations):
                await operation(index)
            done += operations
            seen.append(kept(gateway))
        assert seen[1] == seen[0]


async def test_what_a_sens_gateway_remembers_for_reconciliation_is_bounded_by_time() -> None:
    """The SENS gateway remembers the request ids it holds an outcome for, and the attempts
    still unsettled (a send cancelled midway, an answer lost and not found), so that no
    reconciliation takes one for another: as many as a busy app makes in
    :data:`~krsms.sens.gateway.KNOWN_REQUEST_MEMORY` seconds, and no more once that has passed."""
    now = [0.0]
    faults = Faults(drop_after_processing_rate=0.3, seed=7)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(EmulatorConfig(faults=faults))), base_url=IN_PROCESS
    ) as client:
        gateway = IN_PROCESS_MAKERS["sens"](client, retry=NO_WAITING)
        assert isinstance(gateway, SensGateway)
        gateway._known_requests._clock = gateway._unsettled._clock = lambda: now[0]
        for index in range(40):
            cancelled = asyncio.ensure_future(gateway.send(otp()))
            for _ in range(index % 5):
                await asyncio.sleep(0)
            cancelled.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await cancelled
            await gateway.send(Message(sender="15446859", text="안녕", recipients=list(numbers(3, start=index))))
        assert gateway._known_requests.items()
        assert gateway._unsettled.items()
        now[0] += KNOWN_REQUEST_MEMORY + 1
        report = await gateway.send(Message(sender="15446859", text="안녕", recipients=["01099998888"]))
        assert len(gateway._known_requests.items()) <= 1
        assert len(gateway._unsettled.items()) == int(report.outcomes[0].status is SendStatus.UNKNOWN)


async def test_answers_a_request_was_signed_again_after_do_not_wait_for_the_garbage_collector() -> None:
    """A 401 for a skewed local clock has the SENS request signed once more; httpx keeps that
    first answer in the second's ``history``, in the same reference cycle with its stream as
    every answer, which the transport broke only for the answer it returned."""
    app = create_app(EmulatorConfig(clock_skew_seconds=360))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=IN_PROCESS) as client:
        sens = IN_PROCESS_MAKERS["sens"](client)
        assert isinstance(sens, SensGateway)
        left = []
        for operations in (10, 50):
            with left_for_the_collector() as garbage:
                for _ in range(operations):
                    sens.client.auth.offset_seconds = 0.0  # each send meets the 401 again
                    report = await sens.send(otp())
                    assert report.outcomes[0].status is SendStatus.ACCEPTED
                    assert sens.client.auth.offset_seconds == pytest.approx(360, abs=2)
            left.append(garbage)
        assert left[1]["Response"] <= left[0]["Response"] + 2

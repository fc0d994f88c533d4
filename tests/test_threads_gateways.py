"""One SensGateway and one NhnGateway used from several threads and event loops at once, over
real loopback HTTP (the emulator under uvicorn, with latency), judged by the emulator's ledger.

Every loop here is bounded (a fixed number of sends, threads joined with a timeout) and
stops by itself; nothing waits on the wall clock but the emulator's own latency.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

import httpx
import pytest

from krsms import Message, NhnGateway, RetryPolicy, SendProgress, SendReport, SendStatus, SensGateway
from krsms.emulator import (
    DEMO_NHN_APP_KEY,
    DEMO_SENS_ACCESS_KEY,
    DEMO_SENS_SECRET_KEY,
    DEMO_SENS_SERVICE_ID,
    EmulatorConfig,
    EmulatorServer,
    Faults,
)
from krsms.fanout import BatchingGateway
from krsms.testing import numbers

T = TypeVar("T")

THREADS = 8
SENDS_PER_THREAD = 20
JOIN_TIMEOUT = 60.0
"""Seconds a worker thread may take before the test calls it hung."""


def make_gateway(provider: str, base_url: str, **options: Any) -> BatchingGateway:
    """A gateway of ``provider`` (``"sens"`` or ``"nhn"``), pointed at the emulator."""
    if provider == "sens":
        return SensGateway(
            access_key=DEMO_SENS_ACCESS_KEY,
            secret_key=DEMO_SENS_SECRET_KEY,
            service_id=DEMO_SENS_SERVICE_ID,
            base_url=base_url,
            **options,
        )
    return NhnGateway(app_key=DEMO_NHN_APP_KEY, base_url=base_url, **options)


def message_to(*recipients: str) -> Message:
    return Message(sender="15446859", text="안녕하세요", recipients=list(recipients))


def run_in_threads(work: Callable[[int], None], count: int) -> None:
    """Run ``work(index)`` in ``count`` threads at once; re-raise the first failure."""
    failures: list[BaseException] = []

    def guarded(index: int) -> None:
        try:
            work(index)
        except BaseException as failure:  # re-raised below, in the test's thread
            failures.append(failure)

    # Daemons: a worker that hangs fails the test without holding the test run open.
    threads = [
        threading.Thread(target=guarded, args=(index,), name=f"worker-{index}", daemon=True) for index in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a worker thread hung"
    if failures:
        raise failures[0]


@pytest.fixture
def made_clients(monkeypatch: pytest.MonkeyPatch) -> list[weakref.ref[httpx.AsyncClient]]:
    """Weak references to every client the gateways made in the test make (patched in before
    the gateways are made: they bind the class then)."""
    made: list[weakref.ref[httpx.AsyncClient]] = []

    class TrackedClient(httpx.AsyncClient):
        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, **kwargs)
            made.append(weakref.ref(self))

    monkeypatch.setattr(httpx, "AsyncClient", TrackedClient)
    return made


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    """The emulator in a thread of its own, answering each request after 20 ms."""
    with EmulatorServer(EmulatorConfig(faults=Faults(latency=0.02))) as running:
        yield running


@pytest.fixture
def asyncio_errors(caplog: pytest.LogCaptureFixture) -> Iterator[list[logging.LogRecord]]:
    """What asyncio logged at ERROR in any thread (a task destroyed pending, an exception in
    a callback, "Event loop is closed"): the test checks it stays empty."""
    with caplog.at_level(logging.ERROR, logger="asyncio"):
        yield caplog.records


def ledger_counts(server: EmulatorServer) -> Counter[tuple[str, str]]:
    """How many times the emulator received each (provider, recipient)."""
    return Counter((delivery.provider, delivery.recipient) for delivery in server.ledger)


@pytest.mark.filterwarnings("error::ResourceWarning")
def test_asyncio_run_per_send_in_eight_threads_through_one_gateway_of_each_provider(
    server: EmulatorServer,
    made_clients: list[weakref.ref[httpx.AsyncClient]],
    asyncio_errors: list[logging.LogRecord],
) -> None:
    """A threaded server whose views each call ``asyncio.run(gateway.send(...))``: every
    send is accepted and received exactly once, nothing warns, and once the loops are gone
    neither they nor their clients are kept (the per-loop state goes with its loop)."""
    sens, nhn = make_gateway("sens", server.base_url), make_gateway("nhn", server.base_url)
    recipients = list(numbers(THREADS * SENDS_PER_THREAD * 2))
    reports: list[tuple[str, SendReport]] = []
    loops: list[weakref.ref[asyncio.AbstractEventLoop]] = []

    async def send_both(sens_number: str, nhn_number: str) -> None:
        loops.append(weakref.ref(asyncio.get_running_loop()))
        reports.append((sens_number, await sens.send(message_to(sens_number))))
        reports.append((nhn_number, await nhn.send(message_to(nhn_number))))

    def worker(index: int) -> None:
        for send in range(SENDS_PER_THREAD):
            first = (index * SENDS_PER_THREAD + send) * 2
            asyncio.run(send_both(recipients[first], recipients[first + 1]))

    run_in_threads(worker, THREADS)

    assert len(reports) == len(recipients)
    for number, report in reports:
        assert report.all_accepted, (number, report.outcomes)
        assert [outcome.recipient.number for outcome in report.outcomes] == [number]
    assert ledger_counts(server) == Counter(
        [("sens", number) for number in recipients[0::2]] + [("nhn", number) for number in recipients[1::2]]
    )
    gc.collect()
    assert [loop for loop in (ref() for ref in loops) if loop is not None] == []
    assert all(client is None or client.is_closed for client in (ref() for ref in made_clients))
    assert asyncio_errors == []


def test_a_gateway_made_in_a_thread_without_a_loop_serves_loops_of_other_threads(server: EmulatorServer) -> None:
    """Made where no event loop runs (a module imported by a worker thread, a sync start-up
    hook), then used from other threads' loops and closed from yet another."""
    made: list[BatchingGateway] = []
    run_in_threads(lambda _: made.extend(make_gateway(provider, server.base_url) for provider in ("sens", "nhn")), 1)
    sens, nhn = made
    recipients = list(numbers(4))

    def worker(index: int) -> None:
        gateway: BatchingGateway = sens if index % 2 == 0 else nhn
        report = asyncio.run(gateway.send(message_to(recipients[index])))
        assert report.all_accepted, report.outcomes

    run_in_threads(worker, len(recipients))

    async def close_both() -> None:
        await sens.aclose()
        await nhn.aclose()

    asyncio.run(close_both())
    assert ledger_counts(server) == Counter(
        ("sens" if index % 2 == 0 else "nhn", number) for index, number in enumerate(recipients)
    )


RATE = 20.0
"""requests_per_second of the rate tests."""
WINDOW = 1.0
"""Seconds of the windows the rate tests count request arrivals in."""
ARRIVALS_PER_WINDOW = 26
"""The most arrivals a window may count: the rate allows 21 (one every 50 ms, both ends
included); 5 more for a server thread that read some late on a busy machine. Paced per
loop, the four loops' requests would all arrive within one window."""


def arrivals(server: EmulatorServer, provider: str) -> list[float]:
    """When each request of ``provider`` arrived (the emulator's clock, in seconds), in order."""
    first: dict[str, float] = {}
    for delivery in server.ledger:
        if delivery.provider == provider:
            moment = delivery.accepted_at.timestamp()
            first[delivery.request_id] = min(moment, first.get(delivery.request_id, moment))
    return sorted(first.values())


@pytest.mark.parametrize("provider", ["sens", "nhn"])
def test_requests_per_second_holds_across_the_loops_of_several_threads(
    server: EmulatorServer, provider: str, asyncio_errors: list[logging.LogRecord]
) -> None:
    """``requests_per_second`` is the gateway's, as docs/http.md promises, not each loop's:
    four threads each run three ``asyncio.run`` of a three-batch send through one gateway,
    and the emulator never counts more than the rate allows in any window. The loops are
    not kept once they have ended, though their batches queued for their turns."""
    gateway = make_gateway(provider, server.base_url, requests_per_second=RATE)
    threads, runs, batches = 4, 3, 3
    per_send = gateway.batch_size * (batches - 1) + 1
    recipients = list(numbers(threads * runs * per_send))
    loops: list[weakref.ref[asyncio.AbstractEventLoop]] = []

    async def send(first: int) -> None:
        loops.append(weakref.ref(asyncio.get_running_loop()))
        report = await gateway.send(message_to(*recipients[first : first + per_send]))
        assert report.all_accepted, report.outcomes
        assert report.requests == batches

    def worker(index: int) -> None:
        for run in range(runs):
            asyncio.run(send((index * runs + run) * per_send))

    run_in_threads(worker, threads)

    assert ledger_counts(server) == Counter((provider, number) for number in recipients)
    moments = arrivals(server, provider)
    assert len(moments) == threads * runs * batches
    busiest = max(
        sum(1 for moment in moments[start:] if moment < opening + WINDOW) for start, opening in enumerate(moments)
    )
    assert busiest <= ARRIVALS_PER_WINDOW, moments
    gc.collect()
    assert [loop for loop in (ref() for ref in loops) if loop is not None] == []
    assert asyncio_errors == []


@pytest.mark.parametrize("provider", ["sens", "nhn"])
@pytest.mark.filterwarnings("error::ResourceWarning")
def test_aclose_from_one_loop_while_other_threads_loops_are_mid_send(
    provider: str, made_clients: list[weakref.ref[httpx.AsyncClient]], asyncio_errors: list[logging.LogRecord]
) -> None:
    """Four threads' loops each have a batch held by the provider (and two more queued) when
    the main thread's loop closes the gateway: every send ends without a hang, what the
    provider got is never reported NOT_SENT nor what it did not get ACCEPTED, the batches
    still queued never leave, every loop's client is closed, and a send started after
    ``aclose()``, from any loop, refuses."""
    threads, batches = 4, 3
    with EmulatorServer(EmulatorConfig(faults=Faults(latency=2.0))) as server:
        gateway = make_gateway(provider, server.base_url, max_concurrency=1, reconcile=False)
        per_send = gateway.batch_size * batches
        recipients = list(numbers(threads * per_send + 2))
        reports: dict[int, SendReport] = {}

        def worker(index: int) -> None:
            batch = recipients[index * per_send : (index + 1) * per_send]
            reports[index] = asyncio.run(gateway.send(message_to(*batch)))

        async def close_once_every_loop_has_a_batch_out() -> SendReport:
            for _ in range(3000):  # at most 30 s; the provider holds each answer 2 s
                if len(server.ledger) >= threads * gateway.batch_size:
                    break
                await asyncio.sleep(0.01)
            await gateway.aclose()
            return await gateway.send(message_to(recipients[-2]))

        workers = threading.Thread(target=run_in_threads, args=(worker, threads), daemon=True)
        workers.start()
        sent_after_here = asyncio.run(close_once_every_loop_has_a_batch_out())
        workers.join(JOIN_TIMEOUT)
        assert not workers.is_alive(), "a send outlived aclose()"
        sent_after_elsewhere: list[SendReport] = []
        run_in_threads(lambda _: sent_after_elsewhere.append(asyncio.run(gateway.send(message_to(recipients[-1])))), 1)
        received = {delivery.recipient for delivery in server.ledger}

    assert len(reports) == threads
    for report in reports.values():
        for outcome in report.outcomes:
            number = outcome.recipient.number
            assert outcome.status in {SendStatus.ACCEPTED, SendStatus.UNKNOWN, SendStatus.NOT_SENT}
            assert (number in received) == (outcome.status != SendStatus.NOT_SENT), outcome
        assert report.outcomes.statuses.count(SendStatus.NOT_SENT) >= (batches - 1) * gateway.batch_size
    for after in (sent_after_here, *sent_after_elsewhere):
        assert [(outcome.status, outcome.code) for outcome in after.outcomes] == [
            (SendStatus.NOT_SENT, "UnsendableRequestError")
        ]
    assert len(received) == threads * gateway.batch_size
    gc.collect()
    assert all(client is None or client.is_closed for client in (ref() for ref in made_clients))
    assert asyncio_errors == []


@contextlib.contextmanager
def loop_in_thread() -> Iterator[Callable[[Coroutine[Any, Any, T]], T]]:
    """A long-lived event loop in a thread of its own (an application's loop); yields a
    function that runs a coroutine there and returns its result. Shut down and closed on exit."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="app-loop")
    thread.start()
    try:
        yield lambda coro: asyncio.run_coroutine_threadsafe(coro, loop).result(JOIN_TIMEOUT)
    finally:
        asyncio.run_coroutine_threadsafe(loop.shutdown_asyncgens(), loop).result(JOIN_TIMEOUT)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(JOIN_TIMEOUT)
        loop.close()


def child_exit_code(pid: int) -> int | None:
    """The exit code of the forked child ``pid``, waited for at most 30 s; None (and the child
    killed) when it had not ended by then."""
    for _ in range(3000):
        ended, status = os.waitpid(pid, os.WNOHANG)
        if ended:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork() is POSIX only")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
@pytest.mark.parametrize("provider", ["sens", "nhn"])
def test_a_gateway_used_before_a_fork_sends_from_the_child_on_connections_of_its_own(
    server: EmulatorServer, provider: str, made_clients: list[weakref.ref[httpx.AsyncClient]]
) -> None:
    """gunicorn's ``--preload``: the parent used the gateway (``asyncio.run``, and a loop of
    its own still holding a pooled connection) before forking; the child's send goes through
    a client made in the child (a pool of its own: none of the parent's sockets) and is
    accepted, and the parent's pooled connection still serves the parent. The child always
    ends (``os._exit``)."""
    gateway = make_gateway(provider, server.base_url)
    first, by_asyncio_run, in_child, after = numbers(4)
    with loop_in_thread() as in_app_loop:
        assert in_app_loop(gateway.send(message_to(first))).all_accepted
        assert asyncio.run(gateway.send(message_to(by_asyncio_run))).all_accepted
        made_before = len(made_clients)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: report and leave, whatever happens
            code = 1
            try:
                report = asyncio.run(gateway.send(message_to(in_child)))
                outcomes = [(outcome.status.value, outcome.code) for outcome in report.outcomes]
                os.write(write_end, repr((outcomes, len(made_clients) - made_before)).encode())
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        exit_code = child_exit_code(pid)
        with os.fdopen(read_end, "rb") as reading:
            told = reading.read().decode()
        assert exit_code == 0, told
        assert told == repr(([("accepted", None)], 1))
        assert in_app_loop(gateway.send(message_to(after))).all_accepted
        in_app_loop(gateway.aclose())
    assert ledger_counts(server) == Counter((provider, number) for number in (first, by_asyncio_run, in_child, after))


class RetryAnnounced(logging.Handler):
    """Sets ``waiting`` when krsms logs that a request will be retried (just before it
    waits its back-off)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.waiting = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if "retry 1 of" in record.getMessage():
            self.waiting.set()


@pytest.mark.parametrize("closed_from", ["another thread's loop", "the same loop"])
@pytest.mark.parametrize("provider", ["sens", "nhn"])
def test_aclose_ends_a_send_waiting_to_retry_at_once(provider: str, closed_from: str) -> None:
    """A send whose request got a 429 waits the ``Retry-After`` the provider asked for (here
    up to an hour, as its retry policy allows) before its retry; ``aclose()``, from its loop
    or another thread's, must end that wait, the retry refused (``NOT_SENT``), not leave the
    send waiting out the hour to be refused then."""
    announced = RetryAnnounced()
    logging.getLogger("krsms").addHandler(announced)
    faults = Faults(rate_limit_rate=1.0, retry_after=3000.0)
    reports: list[SendReport] = []
    try:
        with EmulatorServer(EmulatorConfig(faults=faults)) as server:
            gateway = make_gateway(provider, server.base_url, retry=RetryPolicy(max_retry_after=3600.0))

            async def send_and_close() -> None:
                sending = asyncio.create_task(gateway.send(message_to("01012345678")))
                assert await asyncio.to_thread(announced.waiting.wait, JOIN_TIMEOUT), "the send never got its 429"
                await gateway.aclose()
                reports.append(await asyncio.wait_for(sending, JOIN_TIMEOUT))

            if closed_from == "the same loop":
                asyncio.run(send_and_close())
            else:
                waiting = threading.Thread(
                    target=lambda: reports.append(asyncio.run(gateway.send(message_to("01012345678")))), daemon=True
                )
                waiting.start()
                assert announced.waiting.wait(JOIN_TIMEOUT), "the send never got its 429"
                asyncio.run(gateway.aclose())
                waiting.join(JOIN_TIMEOUT)
                assert not waiting.is_alive(), "the send still waits its retry after aclose()"
    finally:
        logging.getLogger("krsms").removeHandler(announced)
    (outcome,) = reports[0].outcomes
    assert (outcome.status, outcome.code) == (SendStatus.NOT_SENT, "UnsendableRequestError")
    assert "closed by aclose()" in (outcome.detail or "")
    assert len(server.ledger) == 0


@pytest.mark.parametrize("provider", ["sens", "nhn"])
def test_aclose_ends_the_rate_limited_wait_of_the_batches_still_queued(server: EmulatorServer, provider: str) -> None:
    """At one request a hundred seconds, the batches after the first wait their turn; after
    ``aclose()`` each waited it out only to be refused then (a thousand batches at 10 a
    second: 100 s). They are refused at once, ``NOT_SENT``, and never reach the provider."""
    gateway = make_gateway(provider, server.base_url, requests_per_second=0.01, max_concurrency=1)
    recipients = list(numbers(gateway.batch_size * 3))

    async def send_and_close() -> SendReport:
        first_settled = asyncio.Event()
        progress = SendProgress(on_batch=lambda batch: first_settled.set())
        sending = asyncio.create_task(gateway.send(message_to(*recipients), progress=progress))
        await asyncio.wait_for(first_settled.wait(), JOIN_TIMEOUT)
        await gateway.aclose()
        return await asyncio.wait_for(sending, JOIN_TIMEOUT)

    report = asyncio.run(send_and_close())
    assert len(report.with_status(SendStatus.ACCEPTED)) == gateway.batch_size
    refused = report.with_status(SendStatus.NOT_SENT)
    assert len(refused) == gateway.batch_size * 2
    assert all("closed by aclose()" in (outcome.detail or "") for outcome in refused)
    assert len(server.ledger) == gateway.batch_size

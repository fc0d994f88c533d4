"""Fan-out over real loopback HTTP: exact splits, fatal stops and cancellation, judged by the emulator."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone

import attrs
import httpcore
import httpx
import pytest

from krsms import Message, NhnGateway, Recipient, SendProgress, SendStatus, SensGateway, ValidationError
from krsms.emulator import (
    DEMO_NHN_APP_KEY,
    DEMO_SENS_ACCESS_KEY,
    DEMO_SENS_SECRET_KEY,
    DEMO_SENS_SERVICE_ID,
    EmulatorConfig,
    EmulatorServer,
    Faults,
)
from krsms.fanout import CANCELLED, JOB_STOPPED, LOCAL_INVALID, BatchingGateway
from krsms.testing import numbers
from krsms.transport import NO_RETRIES, Timeouts


def gateway(provider: str, base_url: str, **options: object) -> BatchingGateway:
    if provider == "sens":
        return SensGateway(
            access_key=DEMO_SENS_ACCESS_KEY,
            secret_key=DEMO_SENS_SECRET_KEY,
            service_id=DEMO_SENS_SERVICE_ID,
            base_url=base_url,
            **options,  # type: ignore[arg-type]
        )
    return NhnGateway(app_key=DEMO_NHN_APP_KEY, base_url=base_url, **options)  # type: ignore[arg-type]


@pytest.fixture
async def server() -> AsyncIterator[EmulatorServer]:
    async with EmulatorServer(EmulatorConfig(unregistered_senders=frozenset({"0299999999"}))) as running:
        yield running


@pytest.mark.parametrize(("provider", "batch_size"), [("sens", 100), ("nhn", 1000)])
async def test_10000_recipients_split_exactly_at_the_limit(
    server: EmulatorServer, provider: str, batch_size: int
) -> None:
    async with gateway(provider, server.base_url, max_concurrency=8) as sending:
        report = await sending.send(Message(sender="15446859", text="안녕하세요", recipients=numbers(10_000)))
    per_request = Counter(delivery.request_id for delivery in server.ledger)
    assert report.requests == len(per_request) == 10_000 // batch_size
    assert set(per_request.values()) == {batch_size}
    assert report.all_accepted
    assert Counter(outcome.request_id for outcome in report.outcomes) == per_request


async def test_batches_started_together_each_start_once_on_a_connection(
    server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """httpcore 1.0's pool hands one idle connection to every request asking for one in the
    same few passes of the event loop; each loser gets ConnectionNotAvailable and starts over
    (encode/httpcore#1110). The fan-out staggers the batches it starts together, so every
    request starts on a connection once."""
    attempts = 0
    start_on_connection = httpcore.AsyncHTTP11Connection.handle_async_request

    async def counted(self: httpcore.AsyncHTTP11Connection, request: httpcore.Request) -> httpcore.Response:
        nonlocal attempts
        attempts += 1
        return await start_on_connection(self, request)

    monkeypatch.setattr(httpcore.AsyncHTTP11Connection, "handle_async_request", counted)
    async with gateway("sens", server.base_url, max_concurrency=8) as sending:
        report = await sending.send(Message(sender="15446859", text="안녕하세요", recipients=numbers(5_000)))
    assert report.all_accepted
    assert attempts == report.requests == 50


@pytest.mark.parametrize("provider", ["sens", "nhn"])
async def test_a_fatal_error_stops_the_job_with_the_rest_not_sent(server: EmulatorServer, provider: str) -> None:
    options: dict[str, object] = {"max_concurrency": 1}
    if provider == "sens":
        options["secret_key"] = "not-the-secret"
        sending: BatchingGateway = SensGateway(
            access_key=DEMO_SENS_ACCESS_KEY, service_id=DEMO_SENS_SERVICE_ID, base_url=server.base_url, **options
        )  # type: ignore[arg-type]
    else:
        sending = gateway(provider, server.base_url, **options)
    sender = "15446859" if provider == "sens" else "0299999999"  # bad keys / unregistered sender
    async with sending:
        report = await sending.send(Message(sender=sender, text="안녕", recipients=numbers(5000)))
    assert report.error is not None
    assert report.error.fatal
    assert report.requests == 1
    counts = report.counts()
    assert counts[SendStatus.ACCEPTED] == 0
    assert counts[SendStatus.REJECTED] == sending.batch_size
    assert counts[SendStatus.NOT_SENT] == 5000 - sending.batch_size
    assert {outcome.code for outcome in report.with_status(SendStatus.NOT_SENT)} == {JOB_STOPPED}
    assert len(server.ledger) == 0


@pytest.mark.parametrize("provider", ["sens", "nhn"])
async def test_a_borrowed_client_with_a_small_pool_sends_every_batch_without_a_pool_timeout(provider: str) -> None:
    """Your client's pool holds 2 connections and the gateway is left at its default
    ``max_concurrency`` of 8, the provider slower than the pool timeout: batches wait for
    one of 2 slots instead of timing out in httpx's pool."""
    small_pool = httpx.AsyncClient(limits=httpx.Limits(max_connections=2), timeout=httpx.Timeout(10.0, pool=0.1))
    async with EmulatorServer(EmulatorConfig(faults=Faults(latency=0.3))) as server, small_pool:
        sending = gateway(provider, server.base_url, http_client=small_pool, retry=NO_RETRIES)
        assert sending.max_concurrency == 2
        report = await sending.send(Message(sender="15446859", text="안녕", recipients=numbers(4 * sending.batch_size)))
    assert report.all_accepted
    assert report.requests == 4


@pytest.mark.parametrize("provider", ["sens", "nhn"])
async def test_cancellation_mid_job_leaves_a_complete_report(provider: str) -> None:
    async with EmulatorServer(EmulatorConfig(faults=Faults(latency=0.05))) as server:
        some_settled = asyncio.Event()
        progress = SendProgress(on_batch=lambda _: some_settled.set() if progress.settled >= 400 else None)
        async with gateway(provider, server.base_url, max_concurrency=2) as sending:
            total = 30 * sending.batch_size
            task = asyncio.create_task(
                sending.send(Message(sender="15446859", text="안녕", recipients=numbers(total)), progress=progress)
            )
            await asyncio.wait_for(some_settled.wait(), timeout=30)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        await asyncio.sleep(0.2)  # let requests the server was still handling finish
        recorded = {delivery.recipient for delivery in server.ledger}
    report = progress.report()
    assert report.cancelled
    assert sorted(outcome.index for outcome in report.outcomes) == list(range(total))
    accepted = {outcome.recipient.number for outcome in report.with_status(SendStatus.ACCEPTED)}
    not_sent = report.with_status(SendStatus.NOT_SENT)
    assert accepted <= recorded
    assert not ({outcome.recipient.number for outcome in not_sent} & recorded)
    assert not_sent
    assert {outcome.code for outcome in not_sent} == {CANCELLED}
    assert recorded <= accepted | {outcome.recipient.number for outcome in report.with_status(SendStatus.UNKNOWN)}


@pytest.mark.parametrize("provider", ["sens", "nhn"])
@pytest.mark.parametrize(("reconcile_delay", "expected"), [(1.8, SendStatus.ACCEPTED), (0.0, SendStatus.NOT_SENT)])
async def test_a_request_still_queued_at_the_provider_is_not_resent(
    provider: str, reconcile_delay: float, expected: SendStatus
) -> None:
    """The client gives up at 0.2 s; the busy provider stores the request at 1.2 s. The first
    look-up misses it: only a second one ``reconcile_delay`` later finds it. Without the
    delay the batch is called NOT_SENT and resent: the provider then holds it twice. (The
    margins are wide so a loaded machine, slow to make the first look-up, still misses.)"""
    config = EmulatorConfig(faults=Faults(slow_rate=1.0, slow_delay=1.2))
    async with EmulatorServer(config) as server:
        async with gateway(
            provider,
            server.base_url,
            timeout=Timeouts(connect=2.0, read=0.2, write=2.0, pool=2.0),
            retry=NO_RETRIES,
            resend_missing=True,
            reconcile_delay=reconcile_delay,
        ) as sending:
            report = await sending.send(Message(sender="15446859", text="안녕하세요", recipients=numbers(3)))
            await asyncio.sleep(1.3)  # let every slow request reach the provider
        stored = Counter(delivery.recipient for delivery in server.ledger)
    assert {outcome.status for outcome in report.outcomes} == {expected}
    assert set(stored.values()) == ({1} if expected is SendStatus.ACCEPTED else {2})


@pytest.mark.parametrize("provider", ["sens", "nhn"])
async def test_cancelled_while_backing_off_after_a_429_is_not_sent(provider: str) -> None:
    """Every attempt so far was refused (429): a cancellation during the back-off leaves the
    batch NOT_SENT (``--resume`` sends it), not UNKNOWN (which it would skip for good)."""
    config = EmulatorConfig(faults=Faults(rate_limit_rate=1.0, retry_after=5.0))
    progress = SendProgress()
    async with EmulatorServer(config) as server:
        async with gateway(provider, server.base_url) as sending:
            task = asyncio.create_task(
                sending.send(Message(sender="15446859", text="안녕하세요", recipients=numbers(3)), progress=progress)
            )
            await asyncio.sleep(0.5)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        assert list(server.ledger) == []
    report = progress.report()
    assert {(outcome.status, outcome.code) for outcome in report.outcomes} == {(SendStatus.NOT_SENT, CANCELLED)}
    assert report.requests == 1  # the refused attempt reached the network


@pytest.mark.parametrize("provider", ["sens", "nhn"])
@pytest.mark.parametrize("resend_missing", [False, True])
async def test_a_lost_answer_of_a_reservation_is_found_and_never_sent_twice(
    provider: str, resend_missing: bool
) -> None:
    """NHN finds a lost reservation by create date (its requestDate is the reserved moment);
    SENS lists no messages of a reserved request, so there the batch stays UNKNOWN. Either
    way nothing is reserved twice."""
    at = datetime.now(timezone.utc).replace(second=0, microsecond=0) + timedelta(hours=2)
    async with EmulatorServer(EmulatorConfig(faults=Faults(error_after_processing_rate=1.0))) as server:
        async with gateway(provider, server.base_url, retry=NO_RETRIES, resend_missing=resend_missing) as sending:
            report = await sending.send(Message(sender="15446859", text="예약", reserve_at=at, recipients=numbers(3)))
        stored = Counter(delivery.recipient for delivery in server.ledger)
    expected = (
        (SendStatus.ACCEPTED, "found by reconciliation") if provider == "nhn" else (SendStatus.UNKNOWN, "ServerError")
    )
    assert {(outcome.status, outcome.code or outcome.detail) for outcome in report.outcomes} == {expected}
    assert set(stored.values()) == {1}


@pytest.mark.parametrize("provider", ["sens", "nhn"])
async def test_a_message_without_text_sends_each_recipients_own(server: EmulatorServer, provider: str) -> None:
    """A recipient file with a text column needs no message-level text (``krsms send``)."""
    template = Message(sender="15446859", text="")
    rows = [Recipient(number="01000000001", text="철수님 안녕하세요"), "01000000002"]
    async with gateway(provider, server.base_url) as sending:
        reports = [report async for report in sending.send_stream(template, rows)]
        with pytest.raises(ValidationError, match=r"text: is empty and recipients\[1\] has no text of its own"):
            await sending.send(attrs.evolve(template, recipients=rows))
    outcomes = sorted((outcome for report in reports for outcome in report.outcomes), key=lambda o: o.index)
    assert [(outcome.status, outcome.code) for outcome in outcomes] == [
        (SendStatus.ACCEPTED, None),
        (SendStatus.NOT_SENT, LOCAL_INVALID),
    ]
    assert [(delivery.recipient, delivery.text) for delivery in server.ledger] == [("01000000001", "철수님 안녕하세요")]


@pytest.mark.parametrize("provider", ["sens", "nhn"])
def test_a_gateway_serves_one_event_loop_after_another(provider: str) -> None:
    """``asyncio.run`` twice, or a test framework's loop per test: the gateway's own client
    must not reuse connections that belong to a loop already closed."""
    with EmulatorServer() as server:
        sender = gateway(provider, server.base_url)
        for round_number in range(3):
            message = Message(sender="15446859", text=f"회차 {round_number}", recipients=list(numbers(3)))
            assert asyncio.run(sender.send(message)).all_accepted
        asyncio.run(sender.aclose())
        assert len(server.ledger) == 9


@pytest.mark.parametrize("borrowed", [False, True], ids=["owned client", "borrowed client"])
async def test_a_send_after_the_client_closed_never_left_and_says_so(borrowed: bool) -> None:
    """``aclose()`` stops a gateway sending, whether it made its client or borrowed it (which
    stays open for its owner)."""
    async with EmulatorServer() as server, httpx.AsyncClient() as http:
        closed = gateway("nhn", server.base_url, http_client=http if borrowed else None)
        await closed.aclose()
        report = await closed.send(Message(sender="15446859", text="안녕", recipients=list(numbers(3))))
        assert len(server.ledger) == 0
        assert not http.is_closed
    assert {(outcome.status, outcome.code) for outcome in report.outcomes} == {
        (SendStatus.NOT_SENT, "UnsendableRequestError")
    }

"""Chaos over real loopback HTTP: bulk sends while the emulator injects every fault it knows.

Faults are drawn from fixed seeds. The emulator's own record is the truth: no recipient
accepted twice, every recipient exactly one outcome, nothing reported ACCEPTED that the
emulator lacks, and (with reconciliation) nothing the emulator holds reported as anything
but ACCEPTED or UNKNOWN.
"""

from __future__ import annotations

import logging
import ssl
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest

from krsms import Message, NhnGateway, RetryPolicy, SendReport, SendStatus, SensGateway, Timeouts
from krsms.emulator import EmulatorConfig, EmulatorServer, Faults
from krsms.fanout import BatchingGateway
from krsms.testing import numbers

SENS_ACCESS_KEY = "AK-chaos-access-7f3e"
SENS_SECRET_KEY = "SK-chaos-secret-91ab"
SENS_SERVICE_ID = "ncp:sms:kr:111122223333:chaos"
NHN_APP_KEY = "APP-chaos-appkey-5c2d"
NHN_SECRET_KEY = "NHN-chaos-secret-0e44"
SECRETS = (SENS_ACCESS_KEY, SENS_SECRET_KEY, NHN_APP_KEY, NHN_SECRET_KEY)
SENDER = "0212345678"

CHAOS = Faults(
    seed=20261125,
    rate_limit_rate=0.08,
    retry_after=0.0,
    server_error_rate=0.06,
    unavailable_rate=0.06,
    drop_rate=0.05,
    error_after_processing_rate=0.06,
    drop_after_processing_rate=0.05,
    slow_rate=0.04,
    slow_delay=1.5,
)
FAST_RETRIES = RetryPolicy(max_attempts=4, initial_backoff=0.01, max_backoff=0.05)
TIMEOUTS = Timeouts(connect=2.0, read=0.75, write=2.0, pool=30.0)
RECIPIENTS = {"sens": 6000, "nhn": 24000}


def gateway(provider: str, base_url: str, *, resend_missing: bool = False) -> BatchingGateway:
    options = {
        "base_url": base_url,
        "timeout": TIMEOUTS,
        "retry": FAST_RETRIES,
        "resend_missing": resend_missing,
        # slow requests are stored 1.5 s after arrival, 0.75 s after the client gave up on them
        "reconcile_delay": CHAOS.slow_delay,
    }
    if provider == "sens":
        return SensGateway(
            access_key=SENS_ACCESS_KEY,
            secret_key=SENS_SECRET_KEY,
            service_id=SENS_SERVICE_ID,
            max_concurrency=8,
            **options,
        )  # type: ignore[arg-type]
    return NhnGateway(app_key=NHN_APP_KEY, secret_key=NHN_SECRET_KEY, max_concurrency=4, **options)  # type: ignore[arg-type]


@pytest.fixture
async def server() -> AsyncIterator[EmulatorServer]:
    config = EmulatorConfig(
        sens_access_key=SENS_ACCESS_KEY,
        sens_secret_key=SENS_SECRET_KEY,
        sens_service_id=SENS_SERVICE_ID,
        nhn_app_key=NHN_APP_KEY,
        nhn_secret_key=NHN_SECRET_KEY,
        faults=CHAOS,
    )
    async with EmulatorServer(config) as running:
        yield running


def injected(server: EmulatorServer) -> dict[str, int]:
    stats = server.app.state.faults.stats
    return {key.removeprefix("faults."): value for key, value in stats.items() if key.startswith("faults.")}


def check_against_the_record(report: SendReport, server: EmulatorServer, provider: str, total: int) -> Counter[str]:
    recorded = Counter(delivery.recipient for delivery in server.ledger if delivery.provider == provider)
    twice = [number for number, count in recorded.items() if count > 1]
    assert not twice, f"accepted twice by the provider: {twice[:5]}"
    assert len(report.outcomes) == total
    assert sorted(outcome.index for outcome in report.outcomes) == list(range(total))
    by_status: dict[SendStatus, set[str]] = {status: set() for status in SendStatus}
    for outcome in report.outcomes:
        by_status[outcome.status].add(outcome.recipient.number)
    assert by_status[SendStatus.ACCEPTED] <= set(recorded), "reported accepted but never arrived"
    assert not (by_status[SendStatus.NOT_SENT] & set(recorded)), "reported not sent but arrived"
    assert not (by_status[SendStatus.REJECTED] & set(recorded)), "reported rejected but arrived"
    assert set(recorded) <= by_status[SendStatus.ACCEPTED] | by_status[SendStatus.UNKNOWN]
    return Counter(outcome.status.value for outcome in report.outcomes)


@pytest.mark.parametrize("provider", ["sens", "nhn"])
async def test_every_recipient_accounted_for_under_faults(
    server: EmulatorServer, provider: str, chaos_figures: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    total = RECIPIENTS[provider]
    async with gateway(provider, server.base_url) as sending:
        report = await sending.send(Message(sender=SENDER, text="[chaos] 안내", recipients=numbers(total)))
        gateway_repr = repr(sending)
    counts = check_against_the_record(report, server, provider, total)
    faults = injected(server)
    assert sum(faults.values()) >= 5, f"too few faults injected to mean anything: {faults}"
    sends = server.app.state.faults.stats[f"{provider}.sends"]
    chaos_figures.append(
        f"{provider}: {total} recipients, {report.requests} batch attempts, {sends} send requests seen "
        f"({sends - report.requests} retried); outcomes {dict(counts)}; faults {faults}"
    )
    text = caplog.text + gateway_repr + "".join(repr(outcome) for outcome in report.outcomes)
    for secret in SECRETS:
        assert secret not in text


@pytest.mark.parametrize("provider", ["sens", "nhn"])
async def test_resend_missing_delivers_what_provably_never_arrived_once(
    server: EmulatorServer, provider: str, chaos_figures: list[str]
) -> None:
    total = RECIPIENTS[provider] // 2
    async with gateway(provider, server.base_url, resend_missing=True) as sending:
        report = await sending.send(Message(sender=SENDER, text="[chaos] 재전송", recipients=numbers(total)))
    counts = check_against_the_record(report, server, provider, total)
    chaos_figures.append(f"{provider} resend_missing: {total} recipients, outcomes {dict(counts)}")


async def test_the_owned_client_verifies_tls() -> None:
    sens = SensGateway(access_key="a", secret_key="s", service_id="svc")
    client = sens.client.transport._client  # the owned httpx.AsyncClient
    pool = client._transport._pool  # type: ignore[attr-defined]
    assert pool._ssl_context.verify_mode is ssl.CERT_REQUIRED
    assert pool._ssl_context.check_hostname
    await sens.aclose()
    assert isinstance(client, httpx.AsyncClient)

"""Injected faults (seeded, before or after processing), the inspection API, the real server."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sens_signing import SERVICE, DocumentSigner
from starlette.applications import Starlette

from krsms import Message, NhnGateway, SendStatus, SensGateway
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
from krsms.emulator.faults import DroppedConnection
from krsms.testing import numbers

BODY = {"type": "SMS", "from": "0212345678", "content": "안녕", "messages": [{"to": "01012345678"}]}


async def send_with(faults: Faults) -> tuple[httpx.Response, Starlette]:
    app = create_app(EmulatorConfig(faults=faults))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator", auth=DocumentSigner()) as client:
        return await client.post(f"{SERVICE}/messages", json=BODY), app


@pytest.mark.parametrize(
    ("faults", "status"),
    [
        (Faults(rate_limit_rate=1.0, retry_after=3), 429),
        (Faults(server_error_rate=1.0), 500),
        (Faults(unavailable_rate=1.0), 503),
    ],
)
async def test_before_processing_faults_leave_nothing_recorded(faults: Faults, status: int) -> None:
    answer, app = await send_with(faults)
    assert answer.status_code == status
    assert len(app.state.ledger) == 0
    if status == 429:
        assert answer.headers["retry-after"] == "3"


async def test_after_processing_errors_record_the_message_and_lose_the_answer() -> None:
    answer, app = await send_with(Faults(error_after_processing_rate=1.0))
    assert answer.status_code == 500
    assert len(app.state.ledger) == 1


@pytest.mark.parametrize(("faults", "status", "stored"), [
    (Faults(server_error_rate=1.0), 500, 0),
    (Faults(error_after_processing_rate=1.0), 200, 1),  # NHN reports failures with HTTP 200 too
])  # fmt: skip
async def test_nhn_server_errors_answer_in_nhn_s_envelope(faults: Faults, status: int, stored: int) -> None:
    app = create_app(EmulatorConfig(faults=faults))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator") as client:
        answer = await client.post(
            f"/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}/sender/sms",
            json={"body": "안녕", "sendNo": "0212345678", "recipientList": [{"recipientNo": "01012345678"}]},
        )
    assert answer.status_code == status
    assert answer.json()["header"] == {
        "isSuccessful": False,
        "resultCode": -9999,
        "resultMessage": "System error (unexpected error)",
    }
    assert len(app.state.ledger) == stored


async def test_a_slow_answer_arrives_after_the_delay_with_the_real_body() -> None:
    answer, app = await send_with(Faults(slow_rate=1.0, slow_delay=0.01))
    assert answer.status_code == 202
    assert len(app.state.ledger) == 1


async def test_latency_holds_the_answer_of_a_request_processed_on_arrival() -> None:
    app = create_app(EmulatorConfig(faults=Faults(latency=1.0)))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator", auth=DocumentSigner()) as client:
        sending = asyncio.create_task(client.post(f"{SERVICE}/messages", json=BODY))
        done, _ = await asyncio.wait({sending}, timeout=0.2)
        assert not done, "the answer is held for the latency"
        assert len(app.state.ledger) == 1, "the request was processed when it arrived"
        answer = await sending
    assert answer.status_code == 202


async def test_faults_only_hit_sends_unless_asked() -> None:
    app = create_app(EmulatorConfig(faults=Faults(server_error_rate=1.0)))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator", auth=DocumentSigner()) as client:
        assert (await client.get(f"{SERVICE}/unsubscribes")).status_code == 200
        assert (await client.get("/_emulator/health")).status_code == 200


def test_the_same_seed_draws_the_same_faults() -> None:
    from krsms.emulator.faults import FaultState

    draws = [[FaultState(Faults(seed=7, server_error_rate=0.3)).draw()[0] for _ in range(1)] for _ in range(2)]
    first, second = (
        FaultState(Faults(seed=7, server_error_rate=0.3)),
        FaultState(Faults(seed=7, server_error_rate=0.3)),
    )
    assert [first.draw()[0] for _ in range(50)] == [second.draw()[0] for _ in range(50)]
    assert draws[0] == draws[1]


async def test_faults_can_be_swapped_at_run_time_and_are_counted(app: Starlette) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator", auth=DocumentSigner()) as client:
        swapped = await client.put("/_emulator/faults", json={"unavailable_rate": 1.0, "seed": 3})
        assert swapped.json()["unavailable_rate"] == 1.0
        assert (await client.post(f"{SERVICE}/messages", json=BODY)).status_code == 503
        await client.put("/_emulator/faults", json={})
        assert (await client.post(f"{SERVICE}/messages", json=BODY)).status_code == 202
        stats = (await client.get("/_emulator/stats")).json()
        assert stats["faults.unavailable"] == 1
        assert stats["sens.sends"] == 2
        assert (await client.put("/_emulator/faults", json={"no_such_fault": 1})).status_code == 400


async def test_deliveries_can_be_filtered_and_cleared(sens: httpx.AsyncClient) -> None:
    await sens.post(f"{SERVICE}/messages", json=BODY)
    listed = (await sens.get("/_emulator/deliveries", params={"provider": "sens"})).json()
    assert [(item["recipient"], item["kind"], item["status"]) for item in listed] == [
        ("01012345678", "SMS", "accepted")
    ]
    assert (await sens.get("/_emulator/deliveries", params={"provider": "nhn"})).json() == []
    assert (await sens.delete("/_emulator/deliveries")).status_code == 204
    assert (await sens.get("/_emulator/deliveries")).json() == []


async def test_a_real_server_on_loopback_serves_signed_requests_and_stops() -> None:
    async with EmulatorServer() as server:
        assert server.base_url.startswith("http://127.0.0.1:")
        async with httpx.AsyncClient(base_url=server.base_url, auth=DocumentSigner()) as client:
            assert (await client.post(f"{SERVICE}/messages", json=BODY)).status_code == 202
        assert len(server.ledger) == 1
    async with httpx.AsyncClient() as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(f"{server.base_url}/_emulator/health", timeout=1)


def test_a_server_in_a_thread_serves_sync_code() -> None:
    with EmulatorServer() as server:
        answer = httpx.get(f"{server.base_url}/_emulator/health", timeout=5)
        assert answer.json() == {"status": "ok"}


async def test_a_dropped_connection_is_an_incomplete_answer_over_loopback() -> None:
    faults = Faults(drop_after_processing_rate=1.0)
    async with EmulatorServer(EmulatorConfig(faults=faults)) as server:
        async with httpx.AsyncClient(base_url=server.base_url, auth=DocumentSigner()) as client:
            with pytest.raises(httpx.RemoteProtocolError):
                await client.post(f"{SERVICE}/messages", json=BODY)
        assert len(server.ledger) == 1  # processed before the drop: the ambiguous case


@pytest.mark.parametrize("faults", [Faults(drop_rate=1.0), Faults(drop_after_processing_rate=1.0)])
async def test_a_dropped_connection_in_process_is_the_error_httpx_raises_over_loopback(faults: Faults) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        await send_with(faults)


NHN_SMS = {"body": "안녕", "sendNo": "15446859", "recipientList": [{"recipientNo": "01012345678"}]}
DROP_LINE = "injected dropped connection: POST /sms/v2.2/appKeys/***/sender/sms"


def server_records(caplog: pytest.LogCaptureFixture) -> list[tuple[str, int, str, bool]]:
    """(logger, level, message, has a traceback) of what uvicorn and the emulator logged."""
    return [
        (record.name, record.levelno, record.getMessage(), record.exc_info is not None)
        for record in caplog.records
        if record.name.startswith(("uvicorn", "krsms"))
    ]


@pytest.mark.parametrize("faults", [Faults(drop_rate=1.0), Faults(drop_after_processing_rate=1.0)])
async def test_an_injected_drop_over_loopback_is_logged_as_one_line_without_the_app_key(
    faults: Faults, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with EmulatorServer(EmulatorConfig(faults=faults)) as server, httpx.AsyncClient() as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post(f"{server.base_url}/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}/sender/sms", json=NHN_SMS)
    logged = server_records(caplog)
    assert [record for record in logged if record[1] >= logging.WARNING or record[3]] == []
    assert [message for name, _, message, _ in logged if name == "krsms.emulator"] == [DROP_LINE]
    assert all(DEMO_NHN_APP_KEY not in message for _, _, message, _ in logged)


async def test_uvicorn_tracing_each_request_of_a_served_emulator_shows_no_app_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A process logging at uvicorn's TRACE level (below DEBUG: a root logger at NOTSET, say)
    has uvicorn log every request's ASGI scope on ``uvicorn.asgi``, its path with the appKey."""
    caplog.set_level(1)
    config = EmulatorConfig(nhn_app_key="SECRET-APP-KEY-4715", nhn_secret_key="SECRET-HEADER-KEY-4716")
    async with EmulatorServer(config) as server, httpx.AsyncClient() as client:
        answer = await client.post(
            f"{server.base_url}/sms/v2.2/appKeys/{config.nhn_app_key}/sender/sms?appKey={config.nhn_app_key}",
            json=NHN_SMS,
            headers={"X-Secret-Key": "SECRET-HEADER-KEY-4716"},
        )
    assert answer.json()["header"]["isSuccessful"] is True
    traced = [record.getMessage() for record in caplog.records if record.name == "uvicorn.asgi"]
    assert any("/sms/v2.2/appKeys/***/sender/sms" in message for message in traced)
    shown = [record.getMessage() for record in caplog.records if record.name.startswith(("uvicorn", "krsms"))]
    assert [message for message in shown if "SECRET-APP-KEY-4715" in message or "SECRET-HEADER" in message] == []


async def test_an_injected_drop_in_process_names_the_request_without_the_app_key() -> None:
    app = create_app(EmulatorConfig(faults=Faults(drop_rate=1.0)))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator") as client:
        with pytest.raises(DroppedConnection) as dropped:
            await client.post(f"/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}/sender/sms", json=NHN_SMS)
    assert str(dropped.value) == DROP_LINE


async def test_a_genuine_failure_over_loopback_is_still_logged_with_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(request: Any) -> Any:
        raise RuntimeError("a bug in the emulator")

    server = EmulatorServer()
    server.app.add_route("/broken", broken)
    async with server, httpx.AsyncClient() as client:
        assert (await client.get(f"{server.base_url}/broken")).status_code == 500
    [failure] = [record for record in caplog.records if record.exc_info is not None]
    assert (failure.name, failure.levelno, failure.funcName) == ("uvicorn.error", logging.ERROR, "run_asgi")
    assert failure.exc_info is not None
    assert str(failure.exc_info[1]) == "a bug in the emulator"


def gateway_in_process(provider: str, client: httpx.AsyncClient, *, reconcile: bool) -> NhnGateway | SensGateway:
    """A gateway of ``provider`` on the in-process emulator, looking a lost answer up once
    (the emulator lists a send as soon as it records it)."""
    if provider == "nhn":
        return NhnGateway(
            app_key=DEMO_NHN_APP_KEY,
            base_url="http://emulator",
            http_client=client,
            reconcile=reconcile,
            reconcile_delay=0,
        )
    return SensGateway(
        access_key=DEMO_SENS_ACCESS_KEY,
        secret_key=DEMO_SENS_SECRET_KEY,
        service_id=DEMO_SENS_SERVICE_ID,
        base_url="http://emulator",
        http_client=client,
        reconcile=reconcile,
        reconcile_delay=0,
    )


@pytest.mark.parametrize("provider", ["nhn", "sens"])
@pytest.mark.parametrize(
    ("faults", "reconcile", "settled_as"),
    [
        (Faults(drop_rate=1.0), False, SendStatus.UNKNOWN),
        (Faults(drop_rate=1.0), True, SendStatus.NOT_SENT),  # the look-up finds nothing
        (Faults(drop_after_processing_rate=1.0), True, SendStatus.ACCEPTED),
    ],
    ids=["dropped", "dropped then looked up", "dropped after processing then looked up"],
)
async def test_a_bulk_send_through_in_process_drops_gives_every_recipient_an_outcome(
    provider: str, faults: Faults, reconcile: bool, settled_as: SendStatus
) -> None:
    app = create_app(EmulatorConfig(faults=faults))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
        gateway = gateway_in_process(provider, client, reconcile=reconcile)
        report = await gateway.send(Message(sender="0212345678", text="안녕", recipients=list(numbers(250))))
    assert report.counts()[settled_as] == 250


def free_port() -> int:
    """A loopback port nothing listens on right now (the system's pick, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_cli_runs_the_emulator_until_terminated(tmp_path: Path) -> None:
    port = free_port()
    script = Path(sys.executable).with_name("krsms")
    process = subprocess.Popen(
        [str(script), "emulator", "--host", "127.0.0.1", "--port", str(port), "--sens-access-key", "K",
         "--sens-secret-key", "S", "--sens-service-id", "ID", "--nhn-app-key", "A"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    try:
        answer: Any = None
        for _ in range(100):
            if process.poll() is not None:
                pytest.fail(f"krsms emulator exited: {process.communicate()[1].decode(errors='replace')}")
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/_emulator/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert answer is not None
        assert answer.json() == {"status": "ok"}
        signed = httpx.get(
            f"http://127.0.0.1:{port}/sms/v2/services/ID/unsubscribes",
            auth=DocumentSigner(access_key="K", secret_key="S"),
            timeout=5,
        )
        assert signed.status_code == 200
    finally:
        process.terminate()
        process.communicate(timeout=10)  # waits, and closes both pipes

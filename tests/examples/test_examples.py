"""The examples run: the FastAPI app, the aiohttp app and the bulk script, against the emulator."""

from __future__ import annotations

import asyncio
import csv
import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from aiohttp.test_utils import TestClient as AiohttpClient
from aiohttp.test_utils import TestServer
from fastapi.testclient import TestClient

from krsms import Message, SendStatus
from krsms.emulator import (
    DEMO_NHN_APP_KEY,
    DEMO_SENS_ACCESS_KEY,
    DEMO_SENS_SECRET_KEY,
    DEMO_SENS_SERVICE_ID,
    EmulatorConfig,
    EmulatorServer,
    Faults,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fastapi_app_sends_and_runs_a_campaign(krsms_emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KRSMS_NHN_APP_KEY", DEMO_NHN_APP_KEY)
    monkeypatch.setenv("KRSMS_BASE_URL", krsms_emulator.base_url)
    example = load("fastapi_app")
    with TestClient(example.app) as client:
        sent = client.post("/sms", json={"to": "010-1234-5678", "text": "인증번호 123456"})
        assert sent.status_code == 200, sent.text
        assert sent.json()["status"] == "accepted"
        refused = client.post("/sms", json={"to": "12", "text": "x"})
        assert refused.status_code == 422
        numbers = [f"010{index:08d}" for index in range(2500)]
        started = client.post("/campaigns", json={"recipients": numbers, "text": "주말 특가"})
        assert started.status_code == 202, started.text
        status = client.get(f"/campaigns/{started.json()['id']}").json()
        assert status["settled"] == status["total"] == 2500
        assert status["counts"]["accepted"] == 2500
        bad_campaign = client.post("/campaigns", json={"recipients": ["01000000001", "nope"], "text": "x"})
        assert bad_campaign.status_code == 422
        assert client.post("/campaigns", json={"recipients": [], "text": "x"}).status_code == 422
    assert len(krsms_emulator.ledger) == 2501


async def test_aiohttp_app_sends(krsms_emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KRSMS_SENS_ACCESS_KEY", DEMO_SENS_ACCESS_KEY)
    monkeypatch.setenv("KRSMS_SENS_SECRET_KEY", DEMO_SENS_SECRET_KEY)
    monkeypatch.setenv("KRSMS_SENS_SERVICE_ID", DEMO_SENS_SERVICE_ID)
    monkeypatch.setenv("KRSMS_BASE_URL", krsms_emulator.base_url)
    example = load("aiohttp_app")
    async with AiohttpClient(TestServer(example.create_app())) as client:
        sent = await client.post("/sms", json={"to": "01012345678", "text": "안녕하세요"})
        assert sent.status == 200
        assert (await sent.json())["status"] == "accepted"
        refused = await client.post("/sms", json={"to": "01012345678", "text": "emoji 😀"})
        assert refused.status == 422
        for malformed in ("not json", "[1, 2]", '{"to": "01012345678"}'):
            answer = await client.post("/sms", data=malformed, headers={"Content-Type": "application/json"})
            assert answer.status == 400
    assert [delivery.recipient for delivery in krsms_emulator.ledger] == ["01012345678"]


def test_bulk_script_streams_a_file(krsms_emulator: EmulatorServer, tmp_path: Path) -> None:
    # A customer export: its other columns fill no template here, and must not stop the send.
    numbers = tmp_path / "customers.csv"
    rows = "".join(f"010{index:08d},고객{index}\n" for index in range(3200))
    numbers.write_text("number,name\n" + rows, encoding="utf-8")
    finished = subprocess.run(
        [
            sys.executable,
            str(EXAMPLES / "bulk_send.py"),
            str(numbers),
            "이번 주 특가",
            "--base-url",
            krsms_emulator.base_url,
        ],
        env={**os.environ, "KRSMS_NHN_APP_KEY": DEMO_NHN_APP_KEY},
        capture_output=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr.decode()
    assert "'accepted': 3200" in finished.stdout.decode()
    assert len(krsms_emulator.ledger) == 3200
    # docs/logging.md: krsms's log is configured (its INFO line ends the send; its warnings, a
    # retry, an UNKNOWN count, would show), httpx's line per request kept out of it. The script
    # configured nothing: krsms's NullHandler swallowed every line, warnings and errors too.
    log = finished.stderr.decode()
    assert "INFO krsms: nhn send ended: 3200 recipients: 3200 accepted" in log, log
    assert "HTTP Request" not in log, log
    assert DEMO_NHN_APP_KEY not in log


def test_bulk_script_stopped_by_the_provider_says_why(tmp_path: Path) -> None:
    """An unregistered sender stops the campaign at its first answer: the batches already out
    are REJECTED, every later recipient NOT_SENT (stopped). The script printed those counts and
    exited 1 without a word of why, leaving the operator to guess between a bad key, a sender
    and a provider outage."""
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("".join(f"010{index:08d}\n" for index in range(20_000)), encoding="utf-8")
    with EmulatorServer(EmulatorConfig(unregistered_senders=frozenset({"0299999999"}))) as server:
        finished = subprocess.run(
            [sys.executable, str(EXAMPLES / "bulk_send.py"), str(numbers), "안내", "--base-url", server.base_url],
            env={**os.environ, "KRSMS_NHN_APP_KEY": DEMO_NHN_APP_KEY, "KRSMS_SENDER": "0299999999"},
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert finished.returncode == 1, finished.stderr
    assert "'accepted': 0, 'rejected': " in finished.stdout, finished.stdout
    assert "'not_sent': 0}" not in finished.stdout, finished.stdout
    assert "stopped: nhn:" in finished.stderr, finished.stderr
    assert "code -2312" in finished.stderr, finished.stderr
    assert "Traceback" not in finished.stderr, finished.stderr
    assert DEMO_NHN_APP_KEY not in finished.stdout + finished.stderr
    # Every recipient is accounted for by its line: the counts alone did not say which to resend.
    with (tmp_path / "numbers.not-accepted.csv").open(encoding="utf-8", newline="") as rows:
        not_accepted = list(csv.DictReader(rows))
    assert sorted(int(row["line"]) for row in not_accepted) == list(range(1, 20_001))
    assert {row["status"] for row in not_accepted} == {"rejected", "not_sent"}
    assert "20,000 recipients not accepted, by line, in " in finished.stderr, finished.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT")
def test_bulk_script_interrupted_says_what_was_done(tmp_path: Path) -> None:
    """Ctrl-C in the middle of a campaign: the script prints the counts of what was done
    (the batches in flight drained, so everything delivered is counted accepted) and exits
    130, instead of ending in a traceback whose last progress line undercounts."""
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("".join(f"010{index:08d}\n" for index in range(200_000)), encoding="utf-8")
    with EmulatorServer(EmulatorConfig(faults=Faults(latency=0.2))) as server:
        script = subprocess.Popen(
            [sys.executable, str(EXAMPLES / "bulk_send.py"), str(numbers), "안내", "--base-url", server.base_url],
            env={**os.environ, "KRSMS_NHN_APP_KEY": DEMO_NHN_APP_KEY, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert script.stdout is not None
            first = script.stdout.readline()  # the first batch settled: the send is under way
            assert "settled" in first, first + script.stderr.read() if script.stderr else first
            script.send_signal(signal.SIGINT)
            rest, stderr = script.communicate(timeout=60)
        finally:
            if script.poll() is None:
                script.kill()
                script.wait()
        delivered = len(server.ledger)
    assert script.returncode == 130, stderr
    summary = rest.strip().splitlines()[-1]
    assert summary.startswith("interrupted: "), rest
    assert f"'accepted': {delivered}," in summary, (summary, delivered)
    assert 0 < delivered < 200_000
    assert "Traceback" not in stderr, stderr


def test_fastapi_app_bounds_the_wait_of_a_send_in_a_request(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/bulk.md: uvicorn does not cancel a handler whose client went away, so a send in a
    handler is bounded with asyncio.wait_for. POST /sms waited as long as the provider took;
    bounded, it answers in time with the outcome it had: unknown, the request being out."""
    with EmulatorServer(EmulatorConfig(faults=Faults(latency=1.5))) as server:
        monkeypatch.setenv("KRSMS_NHN_APP_KEY", DEMO_NHN_APP_KEY)
        monkeypatch.setenv("KRSMS_BASE_URL", server.base_url)
        monkeypatch.setenv("KRSMS_SEND_TIMEOUT", "0.2")
        example = load("fastapi_app")
        with TestClient(example.app) as client:
            answer = client.post("/sms", json={"to": "010-1234-5678", "text": "인증번호 123456"})
        assert answer.status_code == 200, answer.text
        # "cancelled": the bound ended the wait, not the provider's answer (no timing asserted).
        assert answer.json() == {"status": "unknown", "request_id": None, "code": "cancelled"}
        deadline = time.monotonic() + 10
        while not server.ledger and time.monotonic() < deadline:
            time.sleep(0.05)  # the provider still takes it: why "unknown" is no "not sent"
        assert [delivery.recipient for delivery in server.ledger] == ["01012345678"]


async def test_aiohttp_app_bounds_the_wait_of_a_send_in_a_request(monkeypatch: pytest.MonkeyPatch) -> None:
    """As the FastAPI example: aiohttp does not cancel a handler whose client went away
    (``handler_cancellation`` is off by default), so POST /sms waited as long as the provider
    took; bounded by KRSMS_SEND_TIMEOUT, it answers in time with the outcome it had: unknown,
    the request being out."""
    with EmulatorServer(EmulatorConfig(faults=Faults(latency=1.5))) as server:
        monkeypatch.setenv("KRSMS_SENS_ACCESS_KEY", DEMO_SENS_ACCESS_KEY)
        monkeypatch.setenv("KRSMS_SENS_SECRET_KEY", DEMO_SENS_SECRET_KEY)
        monkeypatch.setenv("KRSMS_SENS_SERVICE_ID", DEMO_SENS_SERVICE_ID)
        monkeypatch.setenv("KRSMS_BASE_URL", server.base_url)
        monkeypatch.setenv("KRSMS_SEND_TIMEOUT", "0.2")
        example = load("aiohttp_app")
        async with AiohttpClient(TestServer(example.create_app())) as client:
            answer = await client.post("/sms", json={"to": "01012345678", "text": "인증번호 123456"})
            assert answer.status == 200, await answer.text()
            # "cancelled": the bound ended the wait, not the provider's answer.
            assert await answer.json() == {"status": "unknown", "request_id": None, "code": "cancelled"}
        deadline = time.monotonic() + 10
        # The provider still takes it: why "unknown" is no "not sent". The emulator's thread
        # fills its ledger and signals nothing, so it is polled.
        while not server.ledger and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        assert [delivery.recipient for delivery in server.ledger] == ["01012345678"]


def run_bulk_script(*arguments: str, app_key: str | None = DEMO_NHN_APP_KEY) -> subprocess.CompletedProcess[str]:
    """The bulk script run as its docstring says, under ``-X dev -W error`` (a ResourceWarning
    or an unawaited coroutine is fatal), against no server unless ``--base-url`` names one."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("KRSMS_")}
    if app_key is not None:
        env["KRSMS_NHN_APP_KEY"] = app_key
    return subprocess.run(
        [sys.executable, "-X", "dev", "-W", "error", str(EXAMPLES / "bulk_send.py"), *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("arguments", "app_key", "reason"),
    [
        pytest.param(("missing.txt", "안내"), DEMO_NHN_APP_KEY, "missing.txt: No such file or directory", id="no-file"),
        pytest.param(("numbers.txt", "emoji 😀"), DEMO_NHN_APP_KEY, "text: character '😀'", id="text-not-euc-kr"),
        pytest.param(("numbers.txt", "안내"), None, "KRSMS_NHN_APP_KEY", id="no-app-key"),
    ],
)
def test_bulk_script_refusal_says_why_in_one_line(
    tmp_path: Path, arguments: tuple[str, str], app_key: str | None, reason: str
) -> None:
    """A file that is not there, a text SMS cannot carry, an appKey not set: each ended in a
    traceback (after an "interrupted: " line of zero counts for the file), the reason at its
    bottom. It is one line on stderr naming the problem, and exit status 2, nothing sent."""
    (tmp_path / "numbers.txt").write_text("01012345678\n", encoding="utf-8")
    file, text = arguments
    finished = run_bulk_script(str(tmp_path / file), text, "--base-url", "http://127.0.0.1:9", app_key=app_key)
    assert finished.returncode == 2, finished.stdout + finished.stderr
    assert "Traceback" not in finished.stderr, finished.stderr
    assert reason in finished.stderr, finished.stderr
    assert "interrupted" not in finished.stdout, finished.stdout


def test_bulk_script_lists_each_recipient_not_accepted_by_line(krsms_emulator: EmulatorServer, tmp_path: Path) -> None:
    """The script printed counts only (its progress keeps no outcomes): 2 of 4 not sent, and
    no way to tell which, so an operator could only resend the whole file. Each recipient not
    accepted is a row of the --not-accepted file, by input line (no number copied), with its
    status, code and why."""
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("01012345678\nnope\n12\n01099998888\n", encoding="utf-8")
    listed = tmp_path / "failed.csv"
    finished = run_bulk_script(
        str(numbers), "안내", "--base-url", krsms_emulator.base_url, "--not-accepted", str(listed)
    )
    assert finished.returncode == 1, finished.stderr
    with listed.open(encoding="utf-8", newline="") as rows:
        not_accepted = list(csv.DictReader(rows))
    assert [(row["line"], row["status"], row["code"]) for row in not_accepted] == [
        ("2", "not_sent", "invalid"),
        ("3", "not_sent", "invalid"),
    ]
    assert "is not a phone number" in not_accepted[0]["detail"]
    assert f"2 recipients not accepted, by line, in {listed}" in finished.stderr, finished.stderr
    assert len(krsms_emulator.ledger) == 2


def test_fastapi_campaign_status_says_what_stopped_it(
    krsms_emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A campaign stopped by a fatal answer (here an appKey the provider does not know) showed
    its counts, all rejected or not sent, and nothing of why: a bad key, an unregistered
    sender and an outage looked the same. Its status names the error, redacted."""
    wrong_key = "not-the-projects-app-key"
    monkeypatch.setenv("KRSMS_NHN_APP_KEY", wrong_key)
    monkeypatch.setenv("KRSMS_BASE_URL", krsms_emulator.base_url)
    example = load("fastapi_app")
    with TestClient(example.app) as client:
        numbers = [f"010{index:08d}" for index in range(2500)]
        started = client.post("/campaigns", json={"recipients": numbers, "text": "주말 특가"})
        assert started.status_code == 202, started.text
        status = client.get(f"/campaigns/{started.json()['id']}").json()
    assert status["settled"] == status["total"] == 2500
    assert status["counts"]["accepted"] == 0
    assert "code -1001" in status["stopped_by"], status
    assert wrong_key not in status["stopped_by"]


def test_fastapi_send_stopped_by_a_fatal_answer_is_a_503_naming_it(
    krsms_emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fatal answer (an appKey the provider does not know) is the service's failure, not the
    recipient's: POST /sms answered 200 ``{"status": "rejected", "code": "-1001"}``, which a
    client reads as a refused number. It is a 503 naming the error, redacted."""
    wrong_key = "not-the-projects-app-key"
    monkeypatch.setenv("KRSMS_NHN_APP_KEY", wrong_key)
    monkeypatch.setenv("KRSMS_BASE_URL", krsms_emulator.base_url)
    example = load("fastapi_app")
    with TestClient(example.app) as client:
        answer = client.post("/sms", json={"to": "01012345678", "text": "인증번호 123456"})
    assert answer.status_code == 503, answer.text
    assert "code -1001" in answer.json()["detail"]
    assert wrong_key not in answer.text
    assert not krsms_emulator.ledger


async def test_aiohttp_send_stopped_by_a_fatal_answer_is_a_503_naming_it(
    krsms_emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the FastAPI example: a secret key the provider does not know is a 503, not a refused
    recipient, and the key is not in the answer."""
    wrong_secret = "not-the-projects-secret-key"
    monkeypatch.setenv("KRSMS_SENS_ACCESS_KEY", DEMO_SENS_ACCESS_KEY)
    monkeypatch.setenv("KRSMS_SENS_SECRET_KEY", wrong_secret)
    monkeypatch.setenv("KRSMS_SENS_SERVICE_ID", DEMO_SENS_SERVICE_ID)
    monkeypatch.setenv("KRSMS_BASE_URL", krsms_emulator.base_url)
    example = load("aiohttp_app")
    async with AiohttpClient(TestServer(example.create_app())) as client:
        answer = await client.post("/sms", json={"to": "01012345678", "text": "인증번호 123456"})
        text = await answer.text()
    assert answer.status == 503, text
    assert "Authentication Failed" in json.loads(text)["error"], text
    assert wrong_secret not in text
    assert not krsms_emulator.ledger


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT")
def test_fastapi_app_under_uvicorn_logs_krsms(krsms_emulator: EmulatorServer) -> None:
    """Run as its docstring says (uvicorn, here under ``-X dev -W error``): uvicorn configures
    its own loggers only, so krsms's lines went nowhere, a campaign stopped by a wrong appKey
    (an ERROR) among them. With examples/logging.json (docs/logging.md's advice) they are on
    stderr, httpx's line per request kept out."""
    wrong_key = "not-the-projects-app-key"
    env = {name: value for name, value in os.environ.items() if not name.startswith("KRSMS_")}
    env.update(KRSMS_NHN_APP_KEY=wrong_key, KRSMS_BASE_URL=krsms_emulator.base_url)
    command = [
        *(sys.executable, "-X", "dev", "-W", "error", "-m", "uvicorn", "examples.fastapi_app:app"),
        *("--log-config", "examples/logging.json", "--port", "0"),
    ]
    server = subprocess.Popen(
        command, cwd=EXAMPLES.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert server.stderr is not None
        address = None
        for line in server.stderr:  # uvicorn's fourth line names its port; ends if it exits
            if found := re.search(r"http://127\.0\.0\.1:\d+", line):
                address = found[0]
                break
        assert address is not None, "uvicorn did not start"
        answer = httpx.post(f"{address}/campaigns", json={"recipients": ["01012345678"], "text": "안내"}, timeout=30)
        assert answer.status_code == 202, answer.text
        server.send_signal(signal.SIGINT)
        _, log = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert server.returncode == 0, log
    assert "ERROR krsms: nhn bulk send stopped: nhn: " in log, log
    assert "INFO krsms: nhn send ended: 1 recipient: 0 accepted, 1 rejected" in log, log
    assert "HTTP Request" not in log, log
    assert wrong_key not in log


def test_fastapi_campaigns_keep_counts_not_outcomes(
    krsms_emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each campaign's SendProgress stays in ``app.state.campaigns`` for the app's life, and
    kept every recipient's outcome there, which nothing reads (its status shows counts): the
    app's memory grew with every recipient it ever sent to. It keeps the counts only."""
    monkeypatch.setenv("KRSMS_NHN_APP_KEY", DEMO_NHN_APP_KEY)
    monkeypatch.setenv("KRSMS_BASE_URL", krsms_emulator.base_url)
    example = load("fastapi_app")
    with TestClient(example.app) as client:
        started = client.post("/campaigns", json={"recipients": ["01012345678", "01012345679"], "text": "안내"})
        assert started.status_code == 202, started.text
        status = client.get(f"/campaigns/{started.json()['id']}").json()
        kept = example.app.state.campaigns[started.json()["id"]].report()
    assert status["counts"]["accepted"] == 2
    assert kept.counts()[SendStatus.ACCEPTED] == 2
    assert len(kept.outcomes) == 0


def test_fastapi_app_closes_its_gateway_on_shutdown(
    krsms_emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The example's docstring: the lifespan creates the client and the gateway "and closes them
    on shutdown". It closed the client only: the gateway was left open, so a campaign still
    sending through it met a closed client rather than the gateway's own ``aclose()``."""
    monkeypatch.setenv("KRSMS_NHN_APP_KEY", DEMO_NHN_APP_KEY)
    monkeypatch.setenv("KRSMS_BASE_URL", krsms_emulator.base_url)
    example = load("fastapi_app")
    with TestClient(example.app) as client:
        assert client.post("/sms", json={"to": "010-1234-5678", "text": "안내"}).json()["status"] == "accepted"
    message = Message(sender="15446859", text="안내", recipients=["01012345678"])
    (outcome,) = asyncio.run(example.app.state.sms.send(message)).outcomes
    assert outcome.status is SendStatus.NOT_SENT
    assert outcome.detail is not None
    assert "aclose()" in outcome.detail, outcome.detail


@pytest.mark.parametrize(("given", "in_flight"), [(None, 8), ("24", 24)])
def test_fastapi_app_sizes_its_gateway_and_pool_alike(
    krsms_emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch, given: str | None, in_flight: int
) -> None:
    """The docstring: ``KRSMS_MAX_CONCURRENCY`` requests in flight (default 8), and a pool of
    as many connections, all kept alive (httpx's default keeps 20)."""
    monkeypatch.setenv("KRSMS_NHN_APP_KEY", DEMO_NHN_APP_KEY)
    monkeypatch.setenv("KRSMS_BASE_URL", krsms_emulator.base_url)
    if given is not None:
        monkeypatch.setenv("KRSMS_MAX_CONCURRENCY", given)
    example = load("fastapi_app")
    with TestClient(example.app) as client:
        assert client.post("/sms", json={"to": "010-1234-5678", "text": "안내"}).json()["status"] == "accepted"
        gateway = example.app.state.sms
        pool = gateway.client.api.transport._client._transport._pool
        assert gateway.max_concurrency == in_flight
        assert (pool._max_connections, pool._max_keepalive_connections) == (in_flight, in_flight)

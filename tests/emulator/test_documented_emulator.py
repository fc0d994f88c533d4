"""What docs/emulator.md says of faults, the inspection API, the clock and the configuration."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sens_signing import SERVICE, DocumentSigner

from krsms.convert import SEOUL
from krsms.emulator import DEMO_NHN_APP_KEY, EmulatorConfig, Faults, create_app
from krsms.emulator.faults import FaultState

NHN = f"/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}"
NHN_SMS = {"body": "안녕", "sendNo": "0212345678", "recipientList": [{"recipientNo": "01012345678"}]}
SENS_SMS = {"type": "SMS", "from": "0212345678", "content": "안녕", "messages": [{"to": "01012345678"}]}


def client_of(config: EmulatorConfig) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(config))
    return httpx.AsyncClient(transport=transport, base_url="http://emulator", auth=DocumentSigner())


def test_latency_jitter_adds_up_to_its_seconds_drawn_per_request() -> None:
    state = FaultState(Faults(latency=0.05, latency_jitter=0.1, seed=4))
    latencies = [state.draw()[1] for _ in range(200)]
    assert all(0.05 <= latency <= 0.15 for latency in latencies)
    assert len(set(latencies)) == 200
    assert min(latencies) < 0.06
    assert max(latencies) > 0.14


@pytest.mark.parametrize(
    ("faults", "status", "body"),
    [
        (Faults(rate_limit_rate=1.0), 429, {"error": "Too Many Requests"}),
        (Faults(unavailable_rate=1.0), 503, {"error": "Service Unavailable"}),
    ],
)
async def test_a_429_and_a_503_answer_the_same_on_both_providers(faults: Faults, status: int, body: Any) -> None:
    async with client_of(EmulatorConfig(faults=faults)) as client:
        for answer in (
            await client.post(f"{SERVICE}/messages", json=SENS_SMS),
            await client.post(f"{NHN}/sender/sms", json=NHN_SMS),
        ):
            assert (answer.status_code, answer.json()) == (status, body)


async def test_put_faults_restarts_the_generator_from_its_seed() -> None:
    async with client_of(EmulatorConfig()) as client:

        async def statuses() -> list[int]:
            await client.put("/_emulator/faults", json={"server_error_rate": 0.5, "seed": 11})
            return [(await client.post(f"{NHN}/sender/sms", json=NHN_SMS)).status_code for _ in range(12)]

        first = await statuses()
        assert set(first) == {200, 500}
        assert await statuses() == first


async def test_stats_count_requests_the_requests_faults_may_hit_and_each_fault() -> None:
    async with client_of(EmulatorConfig(faults=Faults(unavailable_rate=1.0, sends_only=False))) as client:
        await client.get(f"{NHN}/sendNos")
        await client.post(f"{SERVICE}/messages", json=SENS_SMS)
        await client.get("/_emulator/health")
        stats = (await client.get("/_emulator/stats")).json()
        counted = {"nhn.requests": 1, "nhn.sends": 1, "sens.requests": 1, "sens.sends": 1, "faults.unavailable": 2}
        assert stats == counted
        await client.put("/_emulator/faults", json={})
        await client.get(f"{NHN}/sendNos")
        stats = (await client.get("/_emulator/stats")).json()
    assert (stats["nhn.requests"], stats["nhn.sends"]) == (2, 1), "with sends_only, a look-up is not faultable"


async def test_a_reservation_goes_out_when_the_emulated_clock_reaches_it() -> None:
    app = create_app(EmulatorConfig(undeliverable_numbers={"01000000002": "3015"}))
    at = datetime.now(SEOUL).replace(second=0, microsecond=0) + timedelta(hours=1)
    reserved = {**NHN_SMS, "requestDate": at.strftime("%Y-%m-%d %H:%M")}
    reserved["recipientList"] = [{"recipientNo": "01000000001"}, {"recipientNo": "01000000002"}]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator") as client:
        sent = (await client.post(f"{NHN}/sender/sms", json=reserved)).json()
        request_id = sent["body"]["data"]["requestId"]

        async def statuses() -> list[tuple[str, str | None]]:
            listed = (await client.get(f"{NHN}/sender/sms", params={"requestId": request_id})).json()
            return [(item["msgStatus"], item["resultCode"]) for item in listed["body"]["data"]]

        assert {status for status, _ in await statuses()} == {"1"}
        app.state.clock.skew_seconds = 3600
        assert await statuses() == [("3", "1000"), ("3", "3015")]


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"clock_skew_seconds": "60"}, "clock_skew_seconds"),
        ({"clock_skew_seconds": float("nan")}, "clock_skew_seconds"),
        ({"clock_skew_seconds": 1e300}, "clock_skew_seconds"),
        ({"sens_token_paging": "no"}, "sens_token_paging"),
        ({"faults": {"latency": 1.0}}, "faults"),
        # Keys no client can send: the emulator would refuse every request with the real one.
        ({"sens_access_key": ""}, "sens_access_key"),
        ({"sens_secret_key": "secret\n"}, "sens_secret_key"),
        ({"sens_service_id": " ncp:sms:kr:1:x"}, "sens_service_id"),
        ({"nhn_app_key": "app key\r\n"}, "nhn_app_key"),
        ({"nhn_secret_key": ""}, "nhn_secret_key"),
    ],
)
def test_the_config_refuses_what_would_break_the_app_later(fields: dict[str, Any], named: str) -> None:
    with pytest.raises(ValueError, match=named):
        EmulatorConfig(**fields)


def test_a_clock_skew_either_way_is_taken() -> None:
    assert create_app(EmulatorConfig(clock_skew_seconds=-360)).state.clock.skew_seconds == -360
    assert EmulatorConfig(clock_skew_seconds=86400 * 60).clock_skew_seconds == 86400 * 60


@pytest.mark.parametrize("skew", ["60", float("nan"), float("inf"), 1e300, True, None])
def test_moving_the_running_clock_refuses_what_the_config_refuses(skew: Any) -> None:
    clock = create_app().state.clock
    clock.skew_seconds = -90
    with pytest.raises(ValueError, match="skew_seconds"):
        clock.skew_seconds = skew
    assert clock.skew_seconds == -90
    clock.now()  # still a moment of the calendar

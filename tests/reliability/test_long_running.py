"""Gateways in applications that run for weeks: made once and used from ``asyncio.run`` per
call, or made and dropped over and over, against the emulator on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gc
import ssl
import weakref
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from krsms import Message, SendStatus
from krsms.emulator import EmulatorServer
from krsms.fanout import BatchingGateway
from krsms.testing import nhn_gateway_for, sens_gateway_for

MAKERS: dict[str, Callable[..., BatchingGateway]] = {"sens": sens_gateway_for, "nhn": nhn_gateway_for}


def otp(**options: Any) -> Message:
    return Message(sender="15446859", text="인증번호 123456", recipients=["01012345678"], **options)


def in_an_hour() -> datetime:
    return (datetime.now(timezone.utc) + timedelta(hours=1)).replace(second=0, microsecond=0)


@pytest.mark.parametrize("provider", ["sens", "nhn"])
@pytest.mark.parametrize("paced", [True, False], ids=["requests_per_second", "reserved"])
def test_a_gateway_dropped_unclosed_after_a_send_closes_its_client_at_once(
    krsms_emulator: EmulatorServer, provider: str, paced: bool
) -> None:
    """A worker that makes gateways and drops them unclosed: a send paced by
    ``requests_per_second`` or reserved leaves nothing (in httpx's request, which waits in a
    reference cycle for the garbage collector) that keeps the gateway alive, so its client's
    closer closes its connections in their loop at once, not the collector later, unclosed."""

    async def main() -> None:
        gateway = MAKERS[provider](krsms_emulator, requests_per_second=100.0 if paced else None)
        assert gateway._transport is not None
        client = gateway._transport._client  # the first loop's client, made with the gateway
        assert client is not None
        report = await gateway.send(otp() if paced else otp(reserve_at=in_an_hour()))
        assert report.outcomes[0].status is SendStatus.ACCEPTED
        dropped = weakref.ref(gateway)
        del gateway
        assert dropped() is None
        for _ in range(10):
            await asyncio.sleep(0)  # the closer's close, scheduled on this loop
        assert client.is_closed

    gc.disable()  # the garbage collector would hide a cycle
    try:
        asyncio.run(main())
    finally:
        gc.enable()


@pytest.mark.parametrize("provider", ["sens", "nhn"])
def test_a_gateway_used_from_asyncio_run_per_call_loads_the_tls_bundle_once(
    krsms_emulator: EmulatorServer, provider: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sync web app's ``asyncio.run(gateway.send(...))`` per request gets a client per event
    loop; they share one TLS context, so no call loads the certificate bundle again (tens of
    milliseconds of CPU each)."""
    made: list[ssl.SSLContext] = []
    create_default_context = ssl.create_default_context

    def counted(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        made.append(create_default_context(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(ssl, "create_default_context", counted)
    gateway = MAKERS[provider](krsms_emulator)
    for _ in range(3):
        report = asyncio.run(gateway.send(otp()))
        assert report.outcomes[0].status is SendStatus.ACCEPTED
    asyncio.run(gateway.aclose())
    assert len(made) == 1

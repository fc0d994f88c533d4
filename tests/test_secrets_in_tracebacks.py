"""An error that is no failure of the network passes through httpx as it is (a hook's own, a
body JSON cannot encode, a borrowed client used from another loop, a bug), without the locals
of httpx's frames: they hold the request, whose URL holds NHN's appKey, and error trackers
(Sentry) and ``pytest --showlocals`` record every frame's locals."""

from __future__ import annotations

import traceback
from datetime import datetime

import httpx
import pytest
import respx

from krsms.nhn import NhnClient
from krsms.nhn import models as nhn_models
from krsms.retry import NO_RETRIES
from test_keys_in_test_output import _keys_in_tracebacks

NHN_HOST = "https://api-sms.cloud.toast.com"
NHN_APP_KEY, NHN_SECRET = "NhnAppKey4711", "NhnSecret4712"
NHN_SEND = nhn_models.SendRequest(
    body="x", send_no="15446859", recipient_list=(nhn_models.SendRecipient(recipient_no="01000000001"),)
)


async def test_an_error_raised_inside_the_http_client_leaves_the_appkey_in_no_frame() -> None:
    """A RuntimeError, as a borrowed client used from another event loop raises, from inside
    the client's transport."""
    with respx.mock(base_url=NHN_HOST) as router:
        router.route().mock(side_effect=RuntimeError("Event loop is closed"))
        async with NhnClient(app_key=NHN_APP_KEY, secret_key=NHN_SECRET, retry=NO_RETRIES) as nhn:
            with pytest.raises(RuntimeError, match="Event loop is closed") as failed:
                await nhn.send_sms(NHN_SEND)
    leaked = _keys_in_tracebacks(failed.value, [NHN_APP_KEY, NHN_SECRET])
    assert leaked == []


async def test_a_borrowed_clients_failing_hook_leaves_the_appkey_in_no_frame() -> None:
    async def failing_hook(response: httpx.Response) -> None:
        raise ValueError("the application's hook failed")

    async with httpx.AsyncClient(event_hooks={"response": [failing_hook]}) as client:
        with respx.mock(base_url=NHN_HOST) as router:
            router.route().respond(200, json={})
            async with NhnClient(app_key=NHN_APP_KEY, secret_key=NHN_SECRET, http_client=client) as nhn:
                with pytest.raises(ValueError, match="hook failed") as failed:
                    await nhn.get_template("T1")
    leaked = _keys_in_tracebacks(failed.value, [NHN_APP_KEY, NHN_SECRET])
    assert leaked == []


async def test_a_body_json_cannot_encode_leaves_the_appkey_in_no_frame() -> None:
    async with NhnClient(app_key=NHN_APP_KEY, secret_key=NHN_SECRET, retry=NO_RETRIES) as nhn:
        with pytest.raises(TypeError, match="not JSON serializable") as failed:
            await nhn.api.transport.request("POST", "/sender/sms", json={"requestDate": datetime(2026, 1, 2)})
    leaked = _keys_in_tracebacks(failed.value, [NHN_APP_KEY, NHN_SECRET])
    assert leaked == []


class _CallersOwnError(Exception):
    pass


def _callers_failure() -> None:
    callers_local = "kept for the caller's error tracker"
    raise _CallersOwnError(callers_local)


async def test_the_error_a_caller_was_handling_keeps_its_frame_locals() -> None:
    """Only the frames of the request's own errors are cleared: a request made while the
    caller handles an error of its own (chained as the context) leaves that error's alone."""
    with respx.mock(base_url=NHN_HOST) as router:
        router.route().mock(side_effect=RuntimeError("Event loop is closed"))
        async with NhnClient(app_key=NHN_APP_KEY, secret_key=NHN_SECRET, retry=NO_RETRIES) as nhn:
            try:
                _callers_failure()
            except _CallersOwnError:
                with pytest.raises(RuntimeError) as failed:
                    await nhn.send_sms(NHN_SEND)
    callers = failed.value.__context__
    while callers is not None and not isinstance(callers, _CallersOwnError):
        callers = callers.__context__
    assert callers is not None
    frames = [frame for frame, _ in traceback.walk_tb(callers.__traceback__)]
    assert frames[-1].f_locals == {"callers_local": "kept for the caller's error tracker"}

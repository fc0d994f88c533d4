"""No key in what a request retried, or answered through a borrowed client's hooks, leaves
behind: the error raised (an earlier attempt's, with the last one's as its cause), its chain,
the locals of every frame either passed, and the log records of krsms and httpx."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable

import httpx
import pytest
import respx

import krsms
from krsms.nhn import NhnClient
from krsms.retry import RetryPolicy
from krsms.sens import SensClient
from test_keys_in_test_output import (
    ECHOING_NHN_SECRET,
    NHN_APP_KEY,
    NHN_ECHO,
    NHN_HOST,
    NHN_SEND,
    SENS_ACCESS,
    SENS_ECHO,
    SENS_HOST,
    SENS_SECRET,
    SENS_SEND,
    SENS_SERVICE,
    _envelope,
    _keys_in_tracebacks,
)

NHN_KEYS, SENS_KEYS = [NHN_APP_KEY, ECHOING_NHN_SECRET], [SENS_ACCESS, SENS_SECRET]
TWO_ATTEMPTS = RetryPolicy(max_attempts=2, initial_backoff=0, retry_unsafe_sends=True)
"""Sends retried after a timeout or a 5xx too: an earlier attempt may then have gone out."""

NHN_ATTEMPTS: dict[str, tuple[list[httpx.Response | Exception], type[krsms.KrSmsError], type[krsms.KrSmsError]]] = {
    "a timeout, then a refused connection": (
        [httpx.ReadTimeout(f"timed out on /appKeys/{NHN_APP_KEY}"), httpx.ConnectError(f"refused: {NHN_APP_KEY}")],
        krsms.RequestTimeoutError,
        krsms.ConnectError,
    ),
    "a 500 echoing the keys, then a 429 whose Retry-After is a key": (
        [
            httpx.Response(500, text=json.dumps(NHN_ECHO)),
            httpx.Response(429, headers={"Retry-After": NHN_APP_KEY}, json=NHN_ECHO),
        ],
        krsms.ServerError,
        krsms.RateLimitedError,
    ),
    "a 500 echoing the keys, then a refusal inside a 200 echoing them": (
        [
            httpx.Response(500, text=json.dumps(NHN_ECHO)),
            httpx.Response(200, json=_envelope(NHN_ECHO, successful=False, code=-1)),
        ],
        krsms.ServerError,
        krsms.BadRequestError,
    ),
    "a timeout, then a 400 echoing the keys": (
        [httpx.ReadTimeout("timed out"), httpx.Response(400, json=_envelope(NHN_ECHO, successful=False, code=-1))],
        krsms.RequestTimeoutError,
        krsms.BadRequestError,
    ),
}


@pytest.mark.parametrize("attempts", list(NHN_ATTEMPTS))
async def test_an_nhn_send_failing_as_an_earlier_attempt_leaves_no_key_behind(
    attempts: str, caplog: pytest.LogCaptureFixture
) -> None:
    raised, cause = NHN_ATTEMPTS[attempts][1:]
    caplog.set_level(logging.DEBUG)
    with respx.mock(base_url=NHN_HOST) as router:
        # Not in a local: the test's frame is one of the traceback's.
        router.route().mock(side_effect=NHN_ATTEMPTS[attempts][0])
        async with NhnClient(app_key=NHN_APP_KEY, secret_key=ECHOING_NHN_SECRET, retry=TWO_ATTEMPTS) as nhn:
            with pytest.raises(raised) as failed:
                await nhn.send_sms(NHN_SEND)
    assert isinstance(failed.value.__cause__, cause)
    assert "/appKeys/***/" in str(failed.value)
    assert "/appKeys/***/" in str(failed.value.__cause__)
    leaked = _keys_in_tracebacks(failed.value, NHN_KEYS)
    assert leaked == []
    logged = [key for key in NHN_KEYS if key in caplog.text]
    assert logged == []


@pytest.mark.parametrize(
    "fatal_answer",
    [
        httpx.Response(401, text=json.dumps(NHN_ECHO)),
        httpx.Response(200, json=_envelope(NHN_ECHO, successful=False, code=-2312)),  # unregistered sender
    ],
    ids=["http-401", "inside-a-200"],
)
async def test_an_nhn_send_refused_fatally_after_an_earlier_attempt_leaves_no_key_behind(
    fatal_answer: httpx.Response, caplog: pytest.LogCaptureFixture
) -> None:
    """The fatal refusal is raised, holding the earlier attempt's error: neither keeps a key."""
    caplog.set_level(logging.DEBUG)
    with respx.mock(base_url=NHN_HOST) as router:
        router.route().mock(side_effect=[httpx.Response(500, text=json.dumps(NHN_ECHO)), fatal_answer])
        async with NhnClient(app_key=NHN_APP_KEY, secret_key=ECHOING_NHN_SECRET, retry=TWO_ATTEMPTS) as nhn:
            with pytest.raises(krsms.ProviderError) as failed:
                await nhn.send_sms(NHN_SEND)
    assert failed.value.fatal
    assert isinstance(failed.value.earlier_attempt, krsms.ServerError)
    assert "/appKeys/***/" in str(failed.value)
    leaked = _keys_in_tracebacks(failed.value, NHN_KEYS) + _keys_in_tracebacks(failed.value.earlier_attempt, NHN_KEYS)
    assert leaked == []
    logged = [key for key in NHN_KEYS if key in caplog.text]
    assert logged == []


SENS_ERROR = {"statusCode": "500", "errorMessage": json.dumps(SENS_ECHO)}
"""A module constant: in the test's locals it would be found in the traceback."""


async def test_a_sens_send_failing_as_an_earlier_attempt_leaves_no_key_behind(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with respx.mock(base_url=SENS_HOST) as router:
        router.route().mock(side_effect=[httpx.Response(500, json=SENS_ERROR), httpx.Response(400, json=SENS_ERROR)])
        async with SensClient(
            access_key=SENS_ACCESS, secret_key=SENS_SECRET, service_id=SENS_SERVICE, retry=TWO_ATTEMPTS
        ) as sens:
            with pytest.raises(krsms.ServerError) as failed:
                await sens.send(SENS_SEND)
    assert isinstance(failed.value.__cause__, krsms.BadRequestError)
    leaked = _keys_in_tracebacks(failed.value, SENS_KEYS)
    assert leaked == []
    logged = [key for key in SENS_KEYS if key in caplog.text]
    assert logged == []


async def _raise_for_status(response: httpx.Response) -> None:
    response.raise_for_status()


async def _raise_for_another_request(response: httpx.Response) -> None:
    """A hook raising HTTPStatusError about a request of its own, to the same URL."""
    raise httpx.HTTPStatusError(
        f"refused by the application: {response.request.url}",
        request=httpx.Request("GET", response.request.url),
        response=response,
    )


Hook = Callable[[httpx.Response], Awaitable[None]]


@pytest.mark.parametrize(
    ("hook", "raised"),
    [(_raise_for_status, krsms.NotFoundError), (_raise_for_another_request, krsms.TransportError)],
    ids=["raise_for_status", "another request's HTTPStatusError"],
)
async def test_an_http_status_error_from_a_borrowed_clients_hook_leaves_no_key_behind(
    hook: Hook, raised: type[krsms.KrSmsError], caplog: pytest.LogCaptureFixture
) -> None:
    """httpx's HTTPStatusError names the request's URL, which holds NHN's appKey."""
    caplog.set_level(logging.DEBUG)
    async with httpx.AsyncClient(event_hooks={"response": [hook]}) as client:
        with respx.mock(base_url=NHN_HOST) as router:
            router.route().respond(404, json=NHN_ECHO)
            async with NhnClient(app_key=NHN_APP_KEY, secret_key=ECHOING_NHN_SECRET, http_client=client) as nhn:
                with pytest.raises(raised) as failed:
                    await nhn.get_template("T1")
    assert "/appKeys/***/templates/T1" in str(failed.value)
    leaked = _keys_in_tracebacks(failed.value, NHN_KEYS)
    assert leaked == []
    logged = [key for key in NHN_KEYS if key in caplog.text]
    assert logged == []


async def test_an_on_sending_raising_with_a_key_in_its_message_leaves_it_out_of_the_outcomes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The exception is the application's own and goes on as it is; what krsms writes of it
    (each outcome's detail, its logs) is redacted."""
    caplog.set_level(logging.DEBUG)

    async def on_sending(recipients: object) -> None:
        raise OSError(f"journal /var/{NHN_APP_KEY}/{ECHOING_NHN_SECRET} is full")

    progress = krsms.SendProgress(on_sending=on_sending)
    message = krsms.Message(sender="15446859", text="x", recipients=["01000000001"])
    with respx.mock(base_url=NHN_HOST, assert_all_called=False) as router:
        router.route().respond(200, json={})
        async with krsms.NhnGateway(app_key=NHN_APP_KEY, secret_key=ECHOING_NHN_SECRET) as nhn:
            with pytest.raises(OSError, match="is full"):
                await nhn.send(message, progress=progress)
    (outcome,) = progress.report().outcomes
    assert outcome.detail == "not sent: sending the batch raised OSError: journal /var/***/*** is full"
    logged = [key for key in NHN_KEYS if key in caplog.text]
    assert logged == []

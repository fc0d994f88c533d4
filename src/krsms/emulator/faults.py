"""Fault injection: an ASGI middleware that makes provider endpoints slow, busy or broken.

Faults are drawn per request from a generator seeded with ``Faults.seed``, so a run with
the same requests in the same order injects the same faults. Before-processing faults
answer without calling the provider routes (nothing is stored: the message provably did
not arrive). After-processing faults let the routes store the message and then lose the
answer (500, a dropped connection or a delay past the client's timeout): the ambiguous
case a client must never blindly resend.

Server errors answer in the provider's own shape where it has one: NHN's envelope with
resultCode -9999 ("unexpected system error"), with HTTP 500 before processing and, after
processing, with HTTP 200, the way NHN documents reporting failures.

A dropped connection sends the response head and then aborts with
:class:`DroppedConnection`, an ``httpx.RemoteProtocolError``, so that a client sees the same
error either way: over a real server (uvicorn) the connection closes mid-answer and httpx
raises ``RemoteProtocolError`` (incomplete message body); in-process
(``httpx.ASGITransport``, which re-raises what the app raises) the app's
:class:`DroppedConnection` reaches the client as it is. Its message names the request
(``injected dropped connection: POST /sms/v2.2/appKeys/***/sender/sms``, the NHN appKey
hidden); :class:`~krsms.emulator.server.EmulatorServer` logs that one line where uvicorn
would log the exception's traceback (ASGI has no way to close a connection mid-answer
without raising).
"""

from __future__ import annotations

import asyncio
import math
import random
import threading
from collections import Counter
from typing import Any

import attrs
import httpx

from krsms.emulator.config import FAULT_KINDS, INSPECTION_PREFIX, Faults
from krsms.nhn.auth import PATTERNS as NHN_KEY_PATTERNS
from krsms.redaction import Redactor

SERVER_ERROR = b'{"error":"Internal Server Error"}'
NHN_SYSTEM_ERROR = (
    b'{"header":{"isSuccessful":false,"resultCode":-9999,'
    b'"resultMessage":"System error (unexpected error)"},"body":null}'
)
"""NHN's answer to an unexpected failure (error code -9999 of its error-code table)."""

hide_app_key = Redactor(patterns=NHN_KEY_PATTERNS)
"""Masks the NHN appKey in a request path (``/appKeys/***``), or in text that quotes one."""

Scope = dict[str, Any]
"""An ASGI connection scope."""
Message = dict[str, Any]
"""An ASGI event, as ``receive`` returns and ``send`` takes."""

AFTER_PROCESSING = frozenset({"error_after_processing", "drop_after_processing", "slow"})
"""Fault kinds that store the request before failing its answer (the ambiguous ones)."""


class DroppedConnection(httpx.RemoteProtocolError):
    """Raised inside the server to abort a response half-way (an injected dropped connection).

    An ``httpx.RemoteProtocolError``: what httpx raises for a connection dropped mid-answer,
    which an in-process client (``httpx.ASGITransport``) gets as the app raised it.
    """


class FaultState:
    """The current faults (swappable at run time), their random generator and counters."""

    def __init__(self, faults: Faults):
        self._lock = threading.Lock()
        self.stats: Counter[str] = Counter()
        """The counters of ``GET /_emulator/stats``: ``<provider>.requests``,
        ``<provider>.sends`` (the requests faults may hit) and ``faults.<kind>``."""
        self.replace(faults)

    def replace(self, faults: Faults) -> None:
        """Switch to ``faults`` and reseed."""
        with self._lock:
            self.faults = faults
            self._random = random.Random(faults.seed)

    def draw(self) -> tuple[str | None, float]:
        """The fault for the next request (or None) and its latency in seconds."""
        faults = self.faults
        with self._lock:
            latency = faults.latency + (self._random.uniform(0, faults.latency_jitter) if faults.latency_jitter else 0)
            roll = self._random.random()
        threshold = 0.0
        for kind in FAULT_KINDS:
            threshold += getattr(faults, f"{kind}_rate")
            if roll < threshold:
                return kind, latency
        return None, latency

    def draw_sens_request_failure(self) -> str | None:
        """The ``statusCode`` a SENS send just accepted fails with at the messaging server
        (``sens_failed_request_rate``), counted as ``faults.sens_failed_request``; None when it
        does not fail. Nothing is drawn while the rate is 0, so other draws stay as they were."""
        faults = self.faults
        if not faults.sens_failed_request_rate:
            return None
        with self._lock:
            failed = self._random.random() < faults.sens_failed_request_rate
        if not failed:
            return None
        self.count("faults.sens_failed_request")
        return faults.sens_failed_request_code

    def count(self, key: str) -> None:
        """Add one to a counter of ``/_emulator/stats``."""
        with self._lock:
            self.stats[key] += 1


def provider_of(path: str) -> str | None:
    """``"sens"``, ``"nhn"`` or None for a request path."""
    if path.startswith("/sms/v2/"):
        return "sens"
    if path.startswith("/sms/v2.2/"):
        return "nhn"
    return None


def is_send(method: str, path: str) -> bool:
    """True for the endpoints that send messages (SENS S1, NHN sender/tag-sender POSTs)."""
    if method != "POST":
        return False
    if path.startswith("/sms/v2/"):
        return path.endswith("/messages")
    if path.endswith("/sender/download-reservations"):
        return False  # a CSV export request, not a message
    return "/sender/" in path or "/tag-sender/" in path


@attrs.define
class _Captured:
    messages: list[Message] = attrs.field(factory=list)


class FaultInjector:
    """ASGI middleware applying :class:`FaultState` to provider requests."""

    def __init__(self, app: Any, state: FaultState):
        self.app = app
        """The ASGI app it wraps."""
        self.state = state
        """The faults it applies, and their counters."""

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        """Serve the request, or inject the fault the schedule picks for it."""
        path = scope.get("path", "")
        provider = provider_of(path) if scope["type"] == "http" else None
        if provider is None or path.startswith(INSPECTION_PREFIX):
            await self.app(scope, receive, send)
            return
        self.state.count(f"{provider}.requests")
        if self.state.faults.sends_only and not is_send(scope["method"], path):
            await self.app(scope, receive, send)
            return
        self.state.count(f"{provider}.sends")
        kind, latency = self.state.draw()
        if kind is not None:
            self.state.count(f"faults.{kind}")
        if kind is None and not latency:
            await self.app(scope, receive, send)
        elif kind is None or kind in AFTER_PROCESSING:
            await self._after_processing(kind, latency, scope, receive, send, provider)
        else:
            await asyncio.sleep(latency)
            await self._before_processing(kind, scope, send, provider)

    async def _before_processing(self, kind: str, scope: Scope, send: Any, provider: str) -> None:
        if kind == "rate_limit":
            await _answer(send, 429, b'{"error":"Too Many Requests"}', retry_after=self.state.faults.retry_after)
        elif kind == "server_error":
            await _answer(send, 500, NHN_SYSTEM_ERROR if provider == "nhn" else SERVER_ERROR)
        elif kind == "unavailable":
            await _answer(send, 503, b'{"error":"Service Unavailable"}')
        else:
            await _drop(scope, send)

    async def _after_processing(
        self, kind: str | None, latency: float, scope: Scope, receive: Any, send: Any, provider: str
    ) -> None:
        """Process the request at once, hold the answer until ``latency`` has passed since it
        arrived (the emulator's own work counts as part of it), then answer or fail.

        A ``slow`` request is a busy provider's: it waits ``slow_delay`` before it is
        processed and stored, so a client that timed out meanwhile finds nothing at first.
        """
        loop = asyncio.get_running_loop()
        answer_at = loop.time() + latency
        captured = _Captured()

        async def capture(message: Message) -> None:
            captured.messages.append(message)

        if kind == "slow":
            receive = await _buffered(receive)  # read before the client gives up and disconnects
            await asyncio.sleep(self.state.faults.slow_delay)
        await self.app(scope, receive, capture)
        await asyncio.sleep(max(0.0, answer_at - loop.time()))
        if kind == "error_after_processing":
            if provider == "nhn":
                await _answer(send, 200, NHN_SYSTEM_ERROR)
            else:
                await _answer(send, 500, SERVER_ERROR)
        elif kind == "drop_after_processing":
            await _drop(scope, send)
        else:
            for message in captured.messages:
                await send(message)


async def _buffered(receive: Any) -> Any:
    """Read the whole request body now; returns a ``receive`` that replays it."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body"):
            break
    replay = iter(messages)

    async def replayed() -> Message:
        return next(replay, {"type": "http.disconnect"})

    return replayed


async def _answer(send: Any, status: int, body: bytes, *, retry_after: float | None = None) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if retry_after is not None:
        headers.append((b"retry-after", str(math.ceil(retry_after)).encode()))  # whole seconds, never sooner
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _drop(scope: Scope, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1000")]})
    await send({"type": "http.response.body", "body": b'{"header":', "more_body": True})
    raise DroppedConnection(f"injected dropped connection: {scope['method']} {hide_app_key(scope['path'])}")

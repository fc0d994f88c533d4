"""NCP API gateway signature v2, as an ``httpx.Auth`` flow.

Every request carries ``x-ncp-apigw-timestamp`` (epoch milliseconds),
``x-ncp-iam-access-key`` and ``x-ncp-apigw-signature-v2`` =
Base64(HMAC-SHA256(secret_key, "METHOD path?query\\ntimestamp\\naccess_key")). The signed
target is ``request.url.raw_path``: the path and query exactly as they go on the wire, so
percent-encoding can never make the signature disagree with the request.

The gateway refuses requests stamped more than five minutes off its clock. When it answers
401 and its ``Date`` header shows the local clock is that far off, :class:`SensAuth` learns
the offset, logs a warning and signs the same request once more with corrected time (a 401
is refused before processing, so resending it cannot send anything twice). Every answer's
``Date`` also updates :attr:`SensAuth.provider_offset`, which look-ups in the provider's own
time (reconciliation) are shifted by.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import logging
import time
from collections.abc import Callable, Generator

import httpx

from krsms.redaction import Redactor, value_named
from krsms.retry import http_date_timestamp
from krsms.transport import redact_in_httpx_logs

logger: logging.Logger = logging.getLogger("krsms")

TIMESTAMP_HEADER = "x-ncp-apigw-timestamp"
"""Header of the signing time, in epoch milliseconds."""
ACCESS_KEY_HEADER = "x-ncp-iam-access-key"
"""Header of the access key."""
SIGNATURE_HEADER = "x-ncp-apigw-signature-v2"
"""Header of the signature v2 (Base64 of the HMAC-SHA256)."""
CLOCK_WINDOW_SECONDS = 5 * 60
"""How far the gateway lets a request's timestamp stray from its own clock."""
KEYS_BY_NAME = value_named(ACCESS_KEY_HEADER, SIGNATURE_HEADER, "accessKey")
"""Matches the value of the access key and signature headers, and of an ``accessKey``
parameter or field: what hides them in text where their values are not known (httpx's logs)."""


def sens_redactor(access_key: str, secret_key: str) -> Redactor:
    """A redactor for SENS text, and httpx's loggers taught to hide the keys' headers
    (:data:`KEYS_BY_NAME`)."""
    redact_in_httpx_logs(KEYS_BY_NAME)
    return Redactor(secrets=[access_key, secret_key], patterns=[KEYS_BY_NAME])


def signature(secret_key: str, method: str, target: str, timestamp: str, access_key: str) -> str:
    """The signature v2 of one request (``target`` is the path plus ``?query``)."""
    message = f"{method} {target}\n{timestamp}\n{access_key}"
    digest = hmac.new(secret_key.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def clock_skew(date_header: str | None, *, local_time: float) -> float | None:
    """Seconds the server's clock (from an HTTP ``Date`` header) is ahead of ``local_time``."""
    server_time = _epoch_seconds(date_header) if date_header else None
    return None if server_time is None else server_time - local_time


# Cached: every answer carries a Date, and it changes only once a second.
_epoch_seconds = functools.lru_cache(maxsize=4)(http_date_timestamp)


class SensAuth(httpx.Auth):
    """Signs every SENS request (retries included) with a fresh timestamp."""

    def __init__(
        self,
        access_key: str,
        secret_key: str,
        *,
        correct_clock_skew: bool = True,
        clock: Callable[[], float] = time.time,
    ):
        self._access_key = access_key
        self._secret_key = secret_key
        self.correct_clock_skew = correct_clock_skew
        """Whether a 401 whose ``Date`` shows the local clock more than five minutes off teaches
        the offset and has the request signed once more."""
        self.clock = clock
        """Returns the local time in epoch seconds (``time.time`` unless a test gives another)."""
        self.offset_seconds: float = 0.0
        """The correction signatures are stamped with (learned after a 401)."""
        self.provider_offset: float | None = None
        """Seconds the gateway's clock is ahead of the local one, read from the ``Date`` of its
        latest answer (to the second); None before any answer."""

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Sign; after a 401 caused by a skewed local clock, correct it and sign once more."""
        self.sign(request)
        response = yield request
        skew = clock_skew(response.headers.get("date"), local_time=self.clock())
        if skew is not None:
            self.provider_offset = skew
        if response.status_code != 401 or not self.correct_clock_skew:
            return
        if skew is None or abs(skew - self.offset_seconds) <= CLOCK_WINDOW_SECONDS:
            return
        logger.warning(
            "local clock is %.0f seconds %s the SENS gateway's; correcting signatures for it",
            abs(skew),
            "behind" if skew > 0 else "ahead of",
            extra={"krsms_event": "clock_skew", "krsms_provider": "sens", "krsms_skew_s": round(skew, 1)},
        )
        self.offset_seconds = skew
        self.sign(request)
        yield request

    def sign(self, request: httpx.Request) -> None:
        """Set the three authentication headers on ``request``."""
        timestamp = str(int((self.clock() + self.offset_seconds) * 1000))
        target = request.url.raw_path.decode("ascii")
        request.headers[TIMESTAMP_HEADER] = timestamp
        request.headers[ACCESS_KEY_HEADER] = self._access_key
        request.headers[SIGNATURE_HEADER] = signature(
            self._secret_key, request.method, target, timestamp, self._access_key
        )

    def __repr__(self) -> str:
        return "SensAuth(access_key=***, secret_key=***)"

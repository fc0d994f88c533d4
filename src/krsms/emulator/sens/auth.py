"""Signature v2, checked as NCP's API gateway checks it before any SENS endpoint answers:
the three ``x-ncp-*`` headers present, the timestamp within :data:`WINDOW_MS` of the
emulated clock, the configured access key, and the Base64 HMAC-SHA256, with the secret key,
of ``"{method} {path and query}\\n{timestamp}\\n{access key}"``.

Choice where the document is silent: a failure answers as the gateway does, 401 with
``{"error": {"errorCode": "200", "message": "Authentication Failed", "details": ...}}``, the
details naming the check that failed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from starlette.requests import Request

from krsms.emulator.clock import Clock
from krsms.emulator.config import EmulatorConfig
from krsms.emulator.inputs import is_digits, same_secret
from krsms.emulator.sens.envelope import SensRefusal, gateway_error

WINDOW_MS = 5 * 60 * 1000
"""How far ``x-ncp-apigw-timestamp`` may be from the emulated clock, in milliseconds."""


def authenticate(request: Request, config: EmulatorConfig, clock: Clock) -> None:
    """401 unless ``request`` is signed with the configured access and secret keys, at a
    time within :data:`WINDOW_MS` of ``clock``."""
    headers = request.headers
    timestamp = headers.get("x-ncp-apigw-timestamp")
    access_key = headers.get("x-ncp-iam-access-key")
    signature = headers.get("x-ncp-apigw-signature-v2")
    if not (timestamp and access_key and signature):
        raise _failed("missing authentication headers")
    if not is_digits(timestamp) or abs(int(timestamp) - clock.now_ms()) > WINDOW_MS:
        raise _failed("timestamp is outside the 5 minute window")
    if not same_secret(access_key, config.sens_access_key):
        raise _failed("invalid access key")
    message = f"{request.method} {_signed_target(request)}\n{timestamp}\n{access_key}"
    expected = base64.b64encode(
        hmac.new(config.sens_secret_key.encode(), message.encode("latin-1"), hashlib.sha256).digest()
    ).decode()
    if not same_secret(signature, expected):
        raise _failed("signature does not match")


def _signed_target(request: Request) -> str:
    """The path and query a client signs: the path as sent, not decoded, then ``?`` and the
    query when there is one."""
    raw_path: bytes = request.scope.get("raw_path") or request.scope["path"].encode()
    query: bytes = request.scope.get("query_string", b"")
    target = raw_path if b"?" in raw_path or not query else raw_path + b"?" + query
    return target.decode("latin-1")


def _failed(details: str) -> SensRefusal:
    """The gateway's 401, ``details`` naming the check that failed."""
    return gateway_error(401, "200", "Authentication Failed", details)

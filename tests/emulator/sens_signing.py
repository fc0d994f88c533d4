"""Signing for the emulator's tests, written from the document, independent of krsms.sens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Generator

import httpx

from krsms.emulator.config import DEMO_SENS_ACCESS_KEY, DEMO_SENS_SECRET_KEY, DEMO_SENS_SERVICE_ID

SERVICE = f"/sms/v2/services/{DEMO_SENS_SERVICE_ID}"


def signature(method: str, target: str, timestamp: str, access_key: str, secret_key: str) -> str:
    """Base64(HMAC-SHA256(secret, "METHOD target\\ntimestamp\\naccess_key"))."""
    message = f"{method} {target}\n{timestamp}\n{access_key}".encode()
    return base64.b64encode(hmac.new(secret_key.encode(), message, hashlib.sha256).digest()).decode()


class DocumentSigner(httpx.Auth):
    """Signs like the SENS document says, with an optional clock offset and wrong keys."""

    def __init__(
        self,
        *,
        access_key: str = DEMO_SENS_ACCESS_KEY,
        secret_key: str = DEMO_SENS_SECRET_KEY,
        offset_seconds: float = 0.0,
        sign_query: bool = True,
    ):
        self.access_key = access_key
        self.secret_key = secret_key
        self.offset_seconds = offset_seconds
        self.sign_query = sign_query

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        timestamp = str(int((time.time() + self.offset_seconds) * 1000))
        target = request.url.raw_path.decode()
        if not self.sign_query:
            target = target.split("?")[0]
        request.headers["x-ncp-apigw-timestamp"] = timestamp
        request.headers["x-ncp-iam-access-key"] = self.access_key
        request.headers["x-ncp-apigw-signature-v2"] = signature(
            request.method, target, timestamp, self.access_key, self.secret_key
        )
        yield request

"""NHN Cloud SMS authentication: the appKey in the path, an optional ``X-Secret-Key`` header.

The appKey is part of every URL, so it is a secret that URLs leak: the patterns here make
krsms's and httpx's logs, reprs and exception messages show ``/appKeys/***`` instead.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from urllib.parse import quote

import httpx

from krsms.transport import Redactor, redact_in_httpx_logs

APP_KEY_IN_URL = re.compile(r"(/appKeys/)[^/?#\s\"']+")
"""Matches the appKey segment of an NHN URL (group 1 is kept when redacting)."""
SECRET_KEY_HEADER = "X-Secret-Key"


class NhnAuth(httpx.Auth):
    """Adds ``X-Secret-Key`` to every request when the project uses one."""

    def __init__(self, secret_key: str):
        self._secret_key = secret_key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Set the header on each attempt."""
        request.headers[SECRET_KEY_HEADER] = self._secret_key
        yield request

    def __repr__(self) -> str:
        return "NhnAuth(secret_key=***)"


def app_key_path(app_key: str) -> str:
    """The URL-quoted path segment of an appKey."""
    return quote(app_key, safe="")


def nhn_redactor(app_key: str, secret_key: str | None) -> Redactor:
    """A redactor for NHN text, and httpx's logger taught to hide appKeys in URLs."""
    redact_in_httpx_logs(APP_KEY_IN_URL)
    secrets = [app_key, app_key_path(app_key)] + ([secret_key] if secret_key else [])
    return Redactor(secrets=secrets, patterns=[APP_KEY_IN_URL])

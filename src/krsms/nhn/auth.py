"""NHN Cloud SMS authentication: the appKey in the path, an optional ``X-Secret-Key`` header.

The appKey is part of every URL, so it is a secret that URLs leak: the patterns here make
krsms's and httpx's logs, reprs and exception messages show ``/appKeys/***`` instead, in
any case, percent-encoded (a redirect's ``Location`` carrying the URL in its query), as an
``appKey`` parameter or field, and the value of an ``X-Secret-Key`` header a server echoes.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from urllib.parse import quote

import httpx

from krsms.redaction import Redactor, value_named
from krsms.transport import redact_in_httpx_logs

SECRET_KEY_HEADER = "X-Secret-Key"
APP_KEY_IN_URL = re.compile(r"(?i)(/appKeys/)[^/?#\s\"']+")
"""Matches the appKey segment of an NHN URL, in any case (group 1 is kept when redacting)."""
APP_KEY_IN_ENCODED_URL = re.compile(r"(?i)(%((?:25)*)2FappKeys%\2(?:2F))(?:(?!%\2(?:2F|3F|23))[^/?#&\s\"'])+")
"""Matches the appKey segment of a percent-encoded NHN URL (``%2FappKeys%2F<key>%2F``, or
encoded again: ``%252F``), up to the encoded ``/``, ``?`` or ``#`` of the same depth."""
KEYS_BY_NAME = value_named("appKey", SECRET_KEY_HEADER)
"""Matches the value of an ``appKey`` parameter or field and of an ``X-Secret-Key`` header."""
PATTERNS = (APP_KEY_IN_URL, APP_KEY_IN_ENCODED_URL, KEYS_BY_NAME)
"""What hides the NHN keys in text where their values are not known (httpx's logs)."""


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
    """A redactor for NHN text, and httpx's loggers taught to hide NHN keys (:data:`PATTERNS`)."""
    for pattern in PATTERNS:
        redact_in_httpx_logs(pattern)
    secrets = [app_key, app_key_path(app_key)] + ([secret_key] if secret_key else [])
    return Redactor(secrets=secrets, patterns=PATTERNS)

"""A client that goes away while sending its body (a cancelled send) ends the emulator's work
on that request quietly: Starlette raised ``ClientDisconnect`` out of the app, and uvicorn
logged "Exception in ASGI application" with a traceback for every cancelled send."""

from __future__ import annotations

import time
from typing import Any

import pytest

from krsms.emulator import (
    DEMO_NHN_APP_KEY,
    DEMO_SENS_ACCESS_KEY,
    DEMO_SENS_SECRET_KEY,
    DEMO_SENS_SERVICE_ID,
    create_app,
)
from krsms.sens.auth import ACCESS_KEY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signature

PATHS = {
    "nhn": f"/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}/sender/sms",
    "sens": f"/sms/v2/services/{DEMO_SENS_SERVICE_ID}/messages",
}


def signed(path: str) -> list[tuple[bytes, bytes]]:
    """SENS's authentication headers for a POST to ``path``, signed now with the demo keys."""
    timestamp = str(int(time.time() * 1000))
    signed_with = signature(DEMO_SENS_SECRET_KEY, "POST", path, timestamp, DEMO_SENS_ACCESS_KEY)
    return [
        (TIMESTAMP_HEADER.encode(), timestamp.encode()),
        (ACCESS_KEY_HEADER.encode(), DEMO_SENS_ACCESS_KEY.encode()),
        (SIGNATURE_HEADER.encode(), signed_with.encode()),
    ]


@pytest.mark.parametrize("provider", ["nhn", "sens"])
async def test_a_body_cut_off_by_the_client_going_away_raises_nothing(provider: str) -> None:
    """Signed for SENS, whose emulator checks the signature before it reads the body."""
    app = create_app()
    arriving: list[dict[str, Any]] = [
        {"type": "http.request", "body": b'{"body": "half a', "more_body": True},
        {"type": "http.disconnect"},
    ]

    async def receive() -> dict[str, Any]:
        return arriving.pop(0) if arriving else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        """Nowhere to go: the client is gone."""

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": PATHS[provider],
        "raw_path": PATHS[provider].encode(),
        "query_string": b"",
        "headers": [
            (b"content-type", b"application/json; charset=utf-8"),
            (b"host", b"127.0.0.1"),
            *(signed(PATHS[provider]) if provider == "sens" else []),
        ],
        "server": ("127.0.0.1", 8888),
        "client": ("127.0.0.1", 50000),
    }
    await app(scope, receive, send)
    assert len(app.state.ledger) == 0

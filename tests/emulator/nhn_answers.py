"""Reading the emulator's NHN answers in tests."""

from __future__ import annotations

import httpx


def code_of(answer: httpx.Response) -> int:
    """The ``resultCode`` of an NHN answer given with HTTP 200, as NHN gives its refusals too;
    its envelope's ``isSuccessful`` must agree with it."""
    assert answer.status_code == 200
    header = answer.json()["header"]
    assert header["isSuccessful"] is (header["resultCode"] == 0)
    return int(header["resultCode"])

"""Reading the emulator's NHN answers in tests, and the bodies they answer."""

from __future__ import annotations

from typing import Any

import httpx


def code_of(answer: httpx.Response) -> int:
    """The ``resultCode`` of an NHN answer given with HTTP 200, as NHN gives its refusals too;
    its envelope's ``isSuccessful`` must agree with it."""
    assert answer.status_code == 200
    header = answer.json()["header"]
    assert header["isSuccessful"] is (header["resultCode"] == 0)
    return int(header["resultCode"])


def template(**fields: Any) -> dict[str, Any]:
    """An N24 body that stores an SMS template (``welcome``, category 1), with ``fields`` changed."""
    return {
        "categoryId": 1,
        "templateId": "welcome",
        "templateName": "환영",
        "sendNo": "15446859",
        "sendType": "0",
        "body": "환영합니다",
        "useYn": "Y",
        **fields,
    }

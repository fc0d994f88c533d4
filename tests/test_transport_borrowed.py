"""A borrowed client's own settings: what of them reaches the provider's requests."""

from __future__ import annotations

import httpx
import pytest

from krsms.nhn.api import NhnApi
from krsms.transport import RetryPolicy


def recording(answer: httpx.Response) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer

    return httpx.MockTransport(handler), seen


ACCEPTED = httpx.Response(
    200,
    json={
        "header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"},
        "body": {"data": {"requestId": "R1", "statusCode": "2", "sendResultList": []}},
    },
)


@pytest.mark.parametrize("secret_key", [None, "nhn-secret"], ids=["no secret key", "secret key"])
async def test_the_applications_own_auth_never_goes_to_the_provider(secret_key: str | None) -> None:
    """An application's client may carry credentials for its own services (``auth=``): the
    SMS provider is given only its own keys, whether NHN's secret key is used or not."""
    mock, seen = recording(ACCEPTED)
    async with httpx.AsyncClient(transport=mock, auth=("app-user", "APP-PASSWORD")) as client:
        nhn = NhnApi(app_key="app-key", secret_key=secret_key, http_client=client)
        await nhn.call("GET", "/sender/sms")
    assert [request.headers.get("authorization") for request in seen] == [None]

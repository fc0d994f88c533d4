"""A borrowed client's own settings: what of them reaches the provider's requests."""

from __future__ import annotations

import httpx
import pytest

from krsms import Message, NhnGateway, SendStatus, errors
from krsms.nhn.api import NhnApi
from krsms.transport import Response, RetryPolicy, Transport


def recording(answer: httpx.Response) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer

    return httpx.MockTransport(handler), seen


def generic_errors(response: Response) -> errors.ProviderError:
    error_class = errors.error_class_for_status(response.status_code)
    return error_class(f"HTTP {response.status_code}", provider="test", status_code=response.status_code)


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


async def raise_on_4xx_5xx(response: httpx.Response) -> None:
    """httpx's documented response hook."""
    response.raise_for_status()


@pytest.mark.parametrize(
    ("answer", "status", "code", "attempts"),
    [
        (httpx.Response(429, headers={"Retry-After": "0"}), SendStatus.NOT_SENT, "NhnRateLimitedError", 3),
        (httpx.Response(401), SendStatus.REJECTED, "NhnAuthenticationError", 1),
        (httpx.Response(500), SendStatus.UNKNOWN, "NhnServerError", 1),
    ],
)
async def test_a_client_whose_response_hook_raises_for_the_status_still_gets_typed_outcomes(
    answer: httpx.Response, status: SendStatus, code: str, attempts: int
) -> None:
    """``raise_for_status()`` in a response hook, as httpx's docs show: the provider answered,
    so the answer's status decides (a 429 is retried and never sent, a 401 is fatal), not a
    connection failure after sending (UNKNOWN, whatever the status)."""
    mock, seen = recording(answer)
    async with httpx.AsyncClient(transport=mock, event_hooks={"response": [raise_on_4xx_5xx]}) as client:
        gateway = NhnGateway(
            app_key="app-key", http_client=client, retry=RetryPolicy(initial_backoff=0), reconcile=False
        )
        report = await gateway.send(Message(sender="15446859", text="안녕", recipients=["01000000001"]))
    assert [(outcome.status, outcome.code) for outcome in report.outcomes] == [(status, code)]
    assert len(seen) == attempts


async def test_a_status_error_a_response_hook_raises_about_its_own_request_says_nothing_of_the_send() -> None:
    """A hook that asks something of its own and raises for that answer's status: the send's
    own answer is unknown, so it may have been processed (never a refusal it did not get)."""
    mock, seen = recording(httpx.Response(200, json={}))
    refused = httpx.Response(429, request=httpx.Request("GET", "https://audit.example/quota"))

    async def check_quota(response: httpx.Response) -> None:
        refused.raise_for_status()

    async with httpx.AsyncClient(transport=mock, event_hooks={"response": [check_quota]}) as client:
        transport = Transport(provider="test", auth=None, error_parser=generic_errors, http_client=client)
        with pytest.raises(errors.TransportError) as caught:
            await transport.request("POST", "https://provider.test/send", json={})
    assert caught.value.may_have_been_sent is True
    assert len(seen) == 1


async def download(transport: Transport, url: str) -> None:
    async with transport.stream("GET", url) as chunks:
        async for _ in chunks:
            pass


async def test_a_download_whose_response_hook_raises_for_the_status_gets_the_typed_error() -> None:
    mock, seen = recording(httpx.Response(404, text="no such export"))
    async with httpx.AsyncClient(transport=mock, event_hooks={"response": [raise_on_4xx_5xx]}) as client:
        transport = Transport(provider="test", auth=None, error_parser=generic_errors, http_client=client)
        with pytest.raises(errors.NotFoundError):
            await download(transport, "https://provider.test/export")
    assert len(seen) == 1  # a refusal, not a connection failure to retry

"""A krsms Transport over a provider that gives scripted answers in turn, for the decision tests."""

from __future__ import annotations

import httpx

from krsms import errors
from krsms.retry import RetryStrategy
from krsms.transport import Response, Transport


def generic_errors(response: Response) -> errors.ProviderError:
    """The neutral error class of an answer's HTTP status."""
    error_class = errors.error_class_for_status(response.status_code)
    return error_class(f"HTTP {response.status_code}", provider="test", status_code=response.status_code)


def scripted(*answers: httpx.Response | Exception, retry: RetryStrategy) -> tuple[Transport, list[str]]:
    """A transport over a provider that gives ``answers`` in turn (raising those that are
    exceptions); the methods it was asked, in order."""
    pending = list(answers)
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request.method)
        given = pending.pop(0)
        if isinstance(given, Exception):
            raise given
        return given

    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    return Transport(provider="test", auth=None, error_parser=generic_errors, http_client=client, retry=retry), asked

"""Which error a request raises once its attempts have all failed, at the decisions the
transport tests leave open: a rate-limited retry of a cancellation that may have been carried
out, a retried send whose attempts may all have been, and a retry strategy that would try
an attempt that could not be written again."""

from __future__ import annotations

import httpx
import pytest
from scripted_transport import generic_errors, scripted

from krsms import errors
from krsms.transport import RetryPolicy, SendWatch, Transport, watching_sends

URL = "https://provider.test/requests/1"


async def test_a_cancellation_answered_500_then_rate_limited_fails_as_possibly_carried_out() -> None:
    """A DELETE (a reservation's cancellation) is idempotent, so its last answer usually tells
    how things stand; a 429 does not: it turned the retry away before the provider saw it,
    and the first attempt, answered 500, may have cancelled the reservation all the same."""
    transport, asked = scripted(
        httpx.Response(500), httpx.Response(429), httpx.Response(429), retry=RetryPolicy(initial_backoff=0)
    )
    with pytest.raises(errors.ProviderError) as caught:
        await transport.request("DELETE", URL)
    assert asked == ["DELETE"] * 3
    assert type(caught.value) is errors.ServerError
    assert caught.value.may_have_been_processed
    assert type(caught.value.__cause__) is errors.RateLimitedError


async def test_a_send_whose_attempts_may_all_have_been_carried_out_fails_as_the_last() -> None:
    """A send retried after a timeout (``retry_unsafe_sends``) and answered 500: that answer
    speaks for its own attempt, and says it may have been carried out, as the first may
    have: it is the error raised, not the earlier timeout."""
    transport, asked = scripted(
        httpx.ReadTimeout("late"),
        httpx.Response(500),
        retry=RetryPolicy(max_attempts=2, initial_backoff=0, retry_unsafe_sends=True),
    )
    with pytest.raises(errors.KrSmsError) as caught:
        await transport.request("POST", URL, json={})
    assert asked == ["POST", "POST"]
    assert type(caught.value) is errors.ServerError
    assert caught.value.__cause__ is None


class RetriesEverything:
    """A retry strategy of a caller's own that tries any failed request again, at once, up
    to three attempts."""

    max_attempts = 3

    def should_retry(self, *, attempt: int, **_: object) -> bool:
        return attempt < self.max_attempts

    def backoff(self, attempt: int, *, retry_after: float | None = None, rng: object = None) -> float:
        return 0.0


async def test_an_attempt_that_could_not_be_written_is_not_tried_again_whatever_the_strategy() -> None:
    """A request the HTTP library refuses to write (h11 and an illegal header) fails the same
    way on every attempt: the transport asks no strategy, even one that retries everything,
    and the attempt does not count as sent."""
    asked: list[str] = []

    def refuse_to_write(request: httpx.Request) -> httpx.Response:
        asked.append(request.method)
        raise httpx.LocalProtocolError("Illegal header value")

    client = httpx.AsyncClient(transport=httpx.MockTransport(refuse_to_write))
    transport = Transport(
        provider="test", auth=None, error_parser=generic_errors, http_client=client, retry=RetriesEverything()
    )
    watch = SendWatch()
    with watching_sends(watch), pytest.raises(errors.UnsendableRequestError):
        await transport.request("POST", URL, json={})
    assert asked == ["POST"]
    assert watch.attempts == 0
    assert watch.may_have_arrived is False

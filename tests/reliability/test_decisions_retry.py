"""When the standard retry policy tries a request again, at the decisions that tell a look-up
from a send: a look-up whose answer was lost is asked again (it changes nothing), a send is
not unless it provably never left, and an attempt that could not be written never is."""

from __future__ import annotations

import httpx
import pytest
from scripted_transport import scripted

from krsms import errors
from krsms.transport import RetryPolicy

URL = "https://provider.test/sends"


@pytest.mark.parametrize(
    "lost", [httpx.ReadTimeout("late"), httpx.ReadError("reset"), httpx.RemoteProtocolError("closed")]
)
@pytest.mark.parametrize("method", ["GET", "DELETE"])
async def test_a_look_up_or_cancel_whose_answer_was_lost_is_asked_again(method: str, lost: Exception) -> None:
    """An idempotent request changes nothing the second time: one whose answer was lost after
    it was sent (a reconciliation's look-up, a cancel) is tried again and gets its answer."""
    transport, asked = scripted(lost, httpx.Response(200, json={}), retry=RetryPolicy(initial_backoff=0))
    response = await transport.request(method, URL)
    assert response.status_code == 200
    assert asked == [method, method]


@pytest.mark.parametrize(
    ("error", "idempotent", "retried"),
    [
        (errors.RequestTimeoutError("no answer in time"), True, True),
        (errors.TransportError("connection failed after sending"), True, True),
        (errors.RequestTimeoutError("no answer in time"), False, False),
        (errors.ConnectError("could not connect"), False, True),
        (errors.UnsendableRequestError("could not be sent as given"), True, False),
        (errors.UnsendableRequestError("could not be sent as given"), False, False),
    ],
)
def test_the_standard_policy_retries_after_a_failure_as_the_request_allows(
    error: errors.TransportError, idempotent: bool, retried: bool
) -> None:
    """A failure with no answer: a look-up is tried again whatever it was, a send only when
    it provably never left, and a request that could not be written at all never (it would
    fail the same way): a caller's strategy that asks the standard one gets the same."""
    assert RetryPolicy().should_retry(attempt=1, idempotent=idempotent, error=error) is retried

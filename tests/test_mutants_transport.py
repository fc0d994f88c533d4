"""Tests that kill hand mutants of the transport's decisions: which httpx failure says that a
request never left, when an attempt counts as written or answered, when it is tried again."""

from __future__ import annotations

import gc
from typing import Any

import httpx
import pytest

from krsms import errors
from krsms.transport import Response, RetryPolicy, SendWatch, Transport, _NotWritten, _WriteGate, watching_sends

URL = "https://provider.test/send"
NO_WAIT = RetryPolicy(max_attempts=3, initial_backoff=0)


def generic_errors(response: Response) -> errors.ProviderError:
    error_class = errors.error_class_for_status(response.status_code)
    return error_class(f"HTTP {response.status_code}", provider="test", status_code=response.status_code)


def borrowing(client: httpx.AsyncClient) -> Transport:
    return Transport(provider="test", auth=None, error_parser=generic_errors, http_client=client, retry=NO_WAIT)


def scripted(*answers: httpx.Response | Exception, **options: Any) -> tuple[Transport, list[str]]:
    """A transport over a provider that gives ``answers`` in turn; the URLs it was asked."""
    pending = list(answers)
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        given = pending.pop(0)
        if isinstance(given, Exception):
            raise given
        return given

    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    options.setdefault("retry", NO_WAIT)
    return Transport(provider="test", auth=None, error_parser=generic_errors, http_client=client, **options), asked


async def test_a_send_whose_connection_timed_out_never_left_and_is_sent_again() -> None:
    """A connect timeout is a connection never made, not a request without an answer."""
    transport, asked = scripted(httpx.ConnectTimeout("slow handshake"), httpx.Response(200, json={}))
    watch = SendWatch()
    with watching_sends(watch):
        answer = await transport.request("POST", URL, json={})
    assert answer.status_code == 200
    assert len(asked) == 2
    assert watch.may_have_arrived is True  # the second attempt was answered


async def test_a_send_whose_connection_timed_out_every_time_fails_as_never_sent() -> None:
    transport, asked = scripted(*[httpx.ConnectTimeout("slow handshake")] * 3)
    watch = SendWatch()
    with watching_sends(watch), pytest.raises(errors.ConnectError) as caught:
        await transport.request("POST", URL, json={})
    assert caught.value.may_have_been_sent is False
    assert len(asked) == 3
    assert watch.may_have_arrived is False


async def test_a_url_whose_scheme_httpx_does_not_speak_is_unsendable_and_not_tried_again() -> None:
    """Without a ``base_url``, the request's own URL may name a scheme no transport of the
    client serves (httpx's UnsupportedProtocol): it could not be sent, nor ever will be."""
    async with httpx.AsyncClient() as client:
        transport = borrowing(client)
        watch = SendWatch()
        with watching_sends(watch), pytest.raises(errors.UnsendableRequestError) as caught:
            await transport.request("POST", "ftp://provider.test/send", json={})
    assert caught.value.may_have_been_sent is False
    assert "could not be sent as given (UnsupportedProtocol" in str(caught.value)
    assert watch.may_have_arrived is False
    assert watch.attempts == 0


async def test_a_send_whose_body_timed_out_while_written_may_have_been_sent_and_is_not_sent_again() -> None:
    """A write timeout is a timeout like a read one: part of the request may have gone out."""
    transport, asked = scripted(httpx.WriteTimeout("slow upload"), httpx.Response(200, json={}))
    watch = SendWatch()
    with watching_sends(watch), pytest.raises(errors.RequestTimeoutError) as caught:
        await transport.request("POST", URL, json={})
    assert caught.value.may_have_been_sent is True
    assert "no answer in time; it may have been processed (WriteTimeout" in str(caught.value)
    assert len(asked) == 1
    assert watch.may_have_arrived is True


async def test_a_look_up_whose_body_timed_out_is_a_timeout_tried_again() -> None:
    transport, asked = scripted(httpx.WriteTimeout("slow upload"), httpx.Response(200, json={}))
    answer = await transport.request("GET", URL)
    assert answer.status_code == 200
    assert len(asked) == 2


async def test_a_borrowed_clients_failure_after_aclose_is_not_blamed_on_aclose() -> None:
    """aclose() leaves a borrowed client open: a request of it in flight that fails then
    failed on its own (a reset connection), and says so."""
    transport: Transport | None = None

    async def answer(request: httpx.Request) -> httpx.Response:
        assert transport is not None
        await transport.aclose()
        raise httpx.ReadError("connection reset by peer")

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        transport = borrowing(client)
        with pytest.raises(errors.TransportError) as caught:
            await transport.request("POST", URL, json={})
    assert type(caught.value) is errors.TransportError
    assert caught.value.may_have_been_sent is True
    assert "connection failed after sending; it may have been processed (ReadError" in str(caught.value)


class _Request:
    """What a ``trace`` event's ``info`` holds of the request httpcore writes: its method."""

    def __init__(self, method: bytes):
        self.method = method


async def test_a_request_written_again_after_an_answer_is_unanswered_until_its_own_answer() -> None:
    """An auth flow that signs again after a 401 writes the request anew: the 401's head
    answered the first write, not the second, whose refusal before any answer is believed."""
    transport, _ = scripted()
    gate = _WriteGate(transport, None)
    await gate("http11.send_request_headers.started", {"request": _Request(b"POST")})
    await gate("http11.receive_response_headers.complete", {})
    assert gate.answered is True
    await gate("http2.send_request_headers.started", {"request": _Request(b"POST")})
    assert gate.answered is False


async def test_a_request_whose_transport_is_gone_is_not_written() -> None:
    """The gate holds its transport weakly: one dropped (unclosed) while the request waited
    for a connection lets nothing be written."""
    transport, _ = scripted()
    gate = _WriteGate(transport, SendWatch())
    del transport
    gc.collect()
    with pytest.raises(_NotWritten, match="closed by aclose"):
        await gate("http11.send_request_headers.started", {"request": _Request(b"POST")})


async def test_a_send_written_again_by_its_auth_flow_counts_as_one_attempt() -> None:
    """A send signed again after a 401 is written twice in one attempt: its bulk send counts
    one request out, not two."""
    transport, _ = scripted()
    watch = SendWatch()
    gate = _WriteGate(transport, watch)
    await gate("http11.send_request_headers.started", {"request": _Request(b"POST")})
    await gate("http11.receive_response_headers.complete", {})
    await gate("http11.send_request_headers.started", {"request": _Request(b"POST")})
    assert watch.attempts == 1
    assert watch.may_have_arrived is True


async def test_a_proxys_tunnel_opening_neither_counts_as_the_write_nor_forgets_an_answer() -> None:
    transport, _ = scripted()
    watch = SendWatch()
    gate = _WriteGate(transport, watch)
    await gate("http11.send_request_headers.started", {"request": _Request(b"CONNECT")})
    assert watch.attempts == 0
    assert watch.may_have_arrived is None


UNSAFE = RetryPolicy(max_attempts=3, initial_backoff=0, retry_unsafe_sends=True)


async def test_a_send_raises_the_latest_attempt_that_may_have_been_processed() -> None:
    """500, then a timeout, then a 429: the 429 says nothing of the others, and the timeout
    is the latest that may have gone through."""
    transport, asked = scripted(httpx.Response(500), httpx.ReadTimeout("late"), httpx.Response(429), retry=UNSAFE)
    with pytest.raises(errors.RequestTimeoutError) as caught:
        await transport.request("POST", URL, json={})
    assert caught.value.may_have_been_sent is True
    assert len(asked) == 3
    assert isinstance(caught.value.__cause__, errors.RateLimitedError)


@pytest.mark.parametrize(("method", "attempts"), [("PUT", 2), ("DELETE", 2), ("PATCH", 1), ("POST", 1)])
async def test_which_methods_are_tried_again_after_a_503_by_default(method: str, attempts: int) -> None:
    transport, asked = scripted(httpx.Response(503), httpx.Response(200, json={}))
    if attempts == 1:
        with pytest.raises(errors.ServerError):
            await transport.request(method, URL, json={})
    else:
        assert (await transport.request(method, URL, json={})).status_code == 200
    assert len(asked) == attempts


async def test_a_server_error_inside_a_2xx_answered_after_aclose_is_left_to_the_caller() -> None:
    """aclose() ran while the request was in flight: no retry may follow, so the answer is
    returned for the caller's own read rather than a retry announced and refused."""
    transport: Transport | None = None

    async def answer(request: httpx.Request) -> httpx.Response:
        assert transport is not None
        await transport.aclose()
        return httpx.Response(200, json={"failed": True})

    def server_error_inside(response: Response) -> None:
        raise errors.ServerError("busy", provider="test", status_code=response.status_code)

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        transport = borrowing(client)
        response = await transport.request("GET", URL, check_answer=server_error_inside)
    assert response.status_code == 200
    assert response.json(provider="test") == {"failed": True}


@pytest.mark.parametrize("status", [300, 399])
async def test_every_3xx_is_a_redirect_never_followed(status: int) -> None:
    transport, asked = scripted(httpx.Response(status, headers={"location": "https://elsewhere.test/"}))
    with pytest.raises(errors.RedirectError) as caught:
        await transport.request("POST", URL, json={})
    assert "answered a redirect to https://elsewhere.test/ (never followed): check base_url" in str(caught.value)
    assert caught.value.status_code == status
    assert len(asked) == 1


class _PoolSizedTrue:
    """A pool whose ``_max_connections`` reads True: not a size."""

    _max_connections = True


class _TransportWithOddPool(httpx.AsyncBaseTransport):
    _pool = _PoolSizedTrue()


async def test_a_pool_whose_size_is_not_a_number_leaves_max_concurrency_as_given() -> None:
    async with httpx.AsyncClient(transport=_TransportWithOddPool()) as client:
        transport = Transport(
            provider="test", auth=None, error_parser=generic_errors, http_client=client, max_concurrency=8
        )
    assert transport.max_concurrency == 8
    assert type(transport.max_concurrency) is int


async def test_a_download_whose_2xx_reports_a_server_error_after_aclose_raises_that_error() -> None:
    """No retry may follow aclose(): the provider's own failure is raised, not a refused retry."""
    transport: Transport | None = None

    async def answer(request: httpx.Request) -> httpx.Response:
        assert transport is not None
        await transport.aclose()
        return httpx.Response(200, json={"failed": True})

    def server_error_inside(response: Response) -> None:
        raise errors.ServerError("busy", provider="test", status_code=response.status_code)

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        transport = borrowing(client)
        with pytest.raises(errors.ServerError, match="busy"):
            async with transport.stream("GET", URL, check_json=server_error_inside):
                pass


async def test_a_download_answered_503_after_aclose_raises_it_without_a_retry() -> None:
    transport: Transport | None = None
    asked: list[str] = []

    async def answer(request: httpx.Request) -> httpx.Response:
        assert transport is not None
        asked.append(request.method)
        await transport.aclose()
        return httpx.Response(503)

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        transport = borrowing(client)
        with pytest.raises(errors.ServerError) as caught:
            async with transport.stream("GET", URL):
                pass
    assert caught.value.status_code == 503
    assert asked == ["GET"]


async def test_a_download_asked_to_wait_beyond_the_cap_gives_up_at_once() -> None:
    transport, asked = scripted(httpx.Response(429, headers={"retry-after": "3600"}), httpx.Response(200))
    with pytest.raises(errors.RateLimitedError) as caught:
        async with transport.stream("GET", URL):
            pass
    assert caught.value.status_code == 429
    assert len(asked) == 1


class _ShortCircuiting(httpx.AsyncHTTPTransport):
    """A subclass of httpx's transport that answers without reaching httpcore."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("reset", request=request)


async def test_a_send_through_a_subclass_of_httpxs_transport_counts_as_out_once_handed_over() -> None:
    """A subclass may never reach httpcore, whose ``trace`` tells of the write: the send
    counts as out when handed to it."""
    async with httpx.AsyncClient(transport=_ShortCircuiting()) as client:
        transport = borrowing(client)
        watch = SendWatch()
        with watching_sends(watch), pytest.raises(errors.TransportError) as caught:
            await transport.request("POST", URL, json={})
    assert caught.value.may_have_been_sent is True
    assert watch.attempts == 1
    assert watch.may_have_arrived is True

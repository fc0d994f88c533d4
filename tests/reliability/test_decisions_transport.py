"""The retry loop's decisions the transport tests leave open: a look-up's refusal read inside a
2xx after a timeout, a send cut off while its connection was still being opened, and a retry
that waited for a request slot while its bulk send was being interrupted."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from scripted_transport import generic_errors, scripted

from krsms import Message, NhnGateway, SendProgress, SendStatus, errors
from krsms.transport import NO_RETRIES, Response, RetryPolicy, SendWatch, Transport, watching_sends

UNSAFE = RetryPolicy(max_attempts=3, initial_backoff=0, retry_unsafe_sends=True)


async def eventually(condition: Callable[[], bool]) -> None:
    """Wait until ``condition`` holds (5 s at most)."""
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the condition never held")


def refusal_inside(response: Response) -> None:
    """A provider's read of a 2xx answer that reports a refusal in its body (NHN's envelope)."""
    if response.json(provider="test").get("refused"):
        raise errors.BadRequestError("refused inside a 2xx", provider="test", status_code=response.status_code)


async def test_a_look_up_retried_after_a_timeout_returns_the_answer_that_refuses_it() -> None:
    """An idempotent request's last answer tells how things stand: a look-up that timed out
    and was then answered with a refusal inside a 2xx gets that answer, for its caller to
    read (NHN's "no such request" moves a look-up on to the next kind), not the timeout."""
    transport, asked = scripted(
        httpx.ReadTimeout("late"), httpx.Response(200, json={"refused": True}), retry=RetryPolicy(initial_backoff=0)
    )
    response = await transport.request("GET", "https://provider.test/sends", check_answer=refusal_inside)
    assert asked == ["GET", "GET"]
    assert response.json(provider="test") == {"refused": True}


@contextlib.asynccontextmanager
async def silent_tls_server() -> AsyncIterator[tuple[str, asyncio.Event]]:
    """A server on 127.0.0.1 that accepts connections and never answers a TLS handshake: a
    client's connection stays being opened. Yields its https base URL and an event set once
    a connection was accepted."""
    accepted, done = asyncio.Event(), asyncio.Event()
    handlers: list[asyncio.Task[None]] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        handlers.append(asyncio.current_task())  # type: ignore[arg-type]
        accepted.set()
        await done.wait()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        yield f"https://127.0.0.1:{server.sockets[0].getsockname()[1]}", accepted
    finally:
        done.set()
        await asyncio.wait_for(asyncio.gather(*handlers), timeout=5)
        server.close()
        await asyncio.wait_for(server.wait_closed(), timeout=5)


async def test_a_send_cut_off_while_its_connection_was_opened_never_left() -> None:
    """The connection is accepted and its TLS handshake hangs: httpcore's trace told of the
    connection being made, not of the request being written. Cancelled there, the send
    never left (NOT_SENT, not UNKNOWN, would a bulk send settle it) and counts no attempt."""
    async with silent_tls_server() as (base_url, accepted):
        transport = Transport(
            provider="test", auth=None, error_parser=generic_errors, base_url=base_url, retry=NO_RETRIES
        )
        watch = SendWatch()

        async def send() -> None:
            with watching_sends(watch):
                await transport.request("POST", "/send", json={})

        sending = asyncio.create_task(send())
        await asyncio.wait_for(accepted.wait(), timeout=5)
        await asyncio.sleep(0.05)  # the handshake under way
        sending.cancel()
        with pytest.raises(asyncio.CancelledError):
            await sending
        await transport.aclose()
    assert watch.may_have_arrived is False
    assert watch.attempts == 0


async def test_a_retry_that_waited_for_a_request_slot_through_an_interruption_never_leaves() -> None:
    """A batch answered 500 (``retry_unsafe_sends``) may have gone out, so the cancelled send
    lets it finish (``drain_timeout``); its retry, waiting for the one request slot another
    request of the gateway holds, must not leave once it gets it: it is UNKNOWN on the first
    attempt's account, and the provider saw one send."""
    sends: list[str] = []
    first_send_in, first_send_answers = asyncio.Event(), asyncio.Event()
    look_up_in, look_up_answers = asyncio.Event(), asyncio.Event()

    async def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            look_up_in.set()
            await look_up_answers.wait()
            return httpx.Response(200, json={"header": {"isSuccessful": True, "resultCode": 0, "resultMessage": ""}})
        sends.append(request.url.path)
        if len(sends) == 1:
            first_send_in.set()
            await first_send_answers.wait()
        return httpx.Response(500)

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        gateway = NhnGateway(
            app_key="app-key", http_client=client, retry=UNSAFE, max_concurrency=1, drain_timeout=5, reconcile=False
        )
        progress = SendProgress()
        sending = asyncio.create_task(
            gateway.send(Message(sender="15446859", text="안녕", recipients=["01000000001"]), progress=progress)
        )
        await asyncio.wait_for(first_send_in.wait(), timeout=5)
        # Another request of the gateway's transport, queued for the one slot the send holds.
        looking_up = asyncio.create_task(gateway.client.api.call_response("GET", "/sender/sms", idempotent=True))
        for _ in range(10):
            await asyncio.sleep(0)
        first_send_answers.set()  # the 500: the slot goes to the look-up, the retry waits for it
        await asyncio.wait_for(look_up_in.wait(), timeout=5)
        for _ in range(10):
            await asyncio.sleep(0)
        sending.cancel()
        for _ in range(10):
            await asyncio.sleep(0)
        look_up_answers.set()  # the slot comes free while the cancelled send drains
        with pytest.raises(asyncio.CancelledError):
            await sending
        await looking_up
    assert sends == ["/sms/v2.2/appKeys/app-key/sender/sms"]
    assert [outcome.status for outcome in progress.report().outcomes] == [SendStatus.UNKNOWN]

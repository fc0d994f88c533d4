"""What a SENS reconciliation concludes, end to end through the emulator: ``SensGateway.send``
over a real server whose faults lose the send's answer after processing it, with the look-ups
answering as the emulator's faults make them (a request failed at the messaging server, a
look-up that lists a send late).

Time passes between the reconciliation's two look-ups without a real sleep: a response hook on
the gateway's HTTP client runs once the first look-up is answered, while the gateway waits
``reconcile_delay``, and ends the emulator's lag there (``PUT /_emulator/faults``). Not by
moving the emulator's clock: SENS's ``Date`` shows the step to the gateway, which would then
place the batch's start seconds after its request (a real SENS's clock does not jump).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from krsms import DeliveryStatus, Message, SendStatus
from krsms.emulator import EmulatorConfig, EmulatorServer, Faults
from krsms.fanout import NOT_RECEIVED
from krsms.testing import sens_gateway_for
from krsms.transport import NO_RETRIES

SENDER = "0212345678"
RECIPIENTS = ["01000000001", "01000000002"]
TEXT = "[krsms] 배송 안내"
LOST_ANSWER = Faults(error_after_processing_rate=1.0)
"""Every send processed and stored, then answered 500."""
LOOK_UP = "/messages?"
"""What the path and query of an S3 look-up contain (a send's path ends ``/messages``)."""


def ending_the_lag_after_the_first_look_up(server: EmulatorServer) -> Callable[[httpx.Response], Awaitable[None]]:
    """A response hook: once the first S3 look-up is answered, the emulator's look-ups catch
    up (no lag, no faults), as a provider's would by the time a look-up comes
    ``reconcile_delay`` later."""
    look_ups: list[httpx.Response] = []

    async def on_response(response: httpx.Response) -> None:
        if response.request.method == "GET" and LOOK_UP in str(response.request.url):
            look_ups.append(response)
            if len(look_ups) == 1:
                server.app.state.faults.replace(Faults())

    return on_response


async def test_a_lost_batch_whose_request_sens_failed_is_rejected_with_its_code_and_not_resent() -> None:
    """The emulator stores the send, fails its request at the messaging server (S3 by its id:
    ``statusCode`` 500, ``statusName`` fail) and loses the answer: the batch is REJECTED with
    500, as the send answer would have said, and not resent (one request in the ledger)."""
    faults = Faults(error_after_processing_rate=1.0, sens_failed_request_rate=1.0, sens_failed_request_code="500")
    server = EmulatorServer(EmulatorConfig(faults=faults))
    async with server, sens_gateway_for(server, retry=NO_RETRIES, resend_missing=True) as sens:
        report = await sens.send(Message(sender=SENDER, text=TEXT, recipients=RECIPIENTS))
        (request_id,) = {delivery.request_id for delivery in server.ledger}
        delivered = await sens.delivery_results(request_id)
    assert [(outcome.status, outcome.code, outcome.request_id, outcome.detail) for outcome in report.outcomes] == [
        (SendStatus.REJECTED, "500", request_id, "SENS lists the request as failed at its messaging server (fail)")
    ] * 2
    assert report.requests == 1
    assert [(delivery.recipient, delivery.status, delivery.result_code) for delivery in server.ledger] == [
        (number, "rejected", "500") for number in RECIPIENTS
    ]
    assert {(result.status, result.code) for result in delivered} == {(DeliveryStatus.FAILED, "500")}


async def test_a_lost_batch_listed_only_by_the_second_look_up_is_accepted_and_not_resent() -> None:
    """The first look-up does not list the send yet (``listing_lag``); the one
    ``reconcile_delay`` later does: ACCEPTED with the request's id, nobody sent twice."""
    async with EmulatorServer(
        EmulatorConfig(faults=Faults(error_after_processing_rate=1.0, listing_lag=3600))
    ) as server:
        hooks = {"response": [ending_the_lag_after_the_first_look_up(server)]}
        async with (
            httpx.AsyncClient(event_hooks=hooks) as client,
            sens_gateway_for(
                server, http_client=client, retry=NO_RETRIES, resend_missing=True, reconcile_delay=0.01
            ) as sens,
        ):
            report = await sens.send(Message(sender=SENDER, text=TEXT, recipients=RECIPIENTS))
    (request_id,) = {delivery.request_id for delivery in server.ledger}
    assert [(outcome.status, outcome.request_id) for outcome in report.outcomes] == [
        (SendStatus.ACCEPTED, request_id)
    ] * 2
    assert [delivery.recipient for delivery in server.ledger] == RECIPIENTS


async def test_a_lag_longer_than_reconcile_delay_makes_resend_missing_send_twice() -> None:
    """The documented risk of ``resend_missing``: a SENS whose look-ups lag its sends by more
    than ``reconcile_delay`` lists the batch in neither look-up, so the batch is NOT_SENT and
    resent, and its recipients get the message twice. Without ``resend_missing`` the batch
    stays NOT_SENT and is sent once."""
    for resend_missing, requests in ((True, 2), (False, 1)):
        faults = Faults(error_after_processing_rate=1.0, listing_lag=3600)
        async with (
            EmulatorServer(EmulatorConfig(faults=faults)) as server,
            sens_gateway_for(server, retry=NO_RETRIES, resend_missing=resend_missing, reconcile_delay=0.01) as sens,
        ):
            report = await sens.send(Message(sender=SENDER, text=TEXT, recipients=RECIPIENTS))
        sent = [delivery.recipient for delivery in server.ledger]
        assert sent == RECIPIENTS * requests
        assert len({delivery.request_id for delivery in server.ledger}) == requests
        if resend_missing:  # the resend's answer is lost too, and its look-ups lag as well
            assert {outcome.status for outcome in report.outcomes} == {SendStatus.NOT_SENT}
        else:
            assert {(outcome.status, outcome.code) for outcome in report.outcomes} == {
                (SendStatus.NOT_SENT, NOT_RECEIVED)
            }

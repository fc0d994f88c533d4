"""What an NHN reconciliation concludes, end to end through the emulator: ``NhnGateway.send``
over a real server whose faults lose the send's answer after processing it (NHN's -9999
envelope), with the look-ups answering as the emulator's rules and faults make them (a
recipient whose delivery failed, a look-up that lists a send late).

Time passes between the reconciliation's two look-ups without a real sleep: a response hook on
the gateway's HTTP client runs once the first look-up is answered, while the gateway waits
``reconcile_delay``, and moves the emulator's clock past the lag (NHN's look-up windows are a
week wide, so the step moves nothing the gateway reads).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from krsms import DeliveryStatus, Message, SendStatus
from krsms.emulator import EmulatorConfig, EmulatorServer, Faults
from krsms.fanout import NOT_RECEIVED
from krsms.testing import nhn_gateway_for
from krsms.transport import NO_RETRIES

SENDER = "0212345678"
RECIPIENTS = ["01000000001", "01000000002"]
UNDELIVERABLE = "01000000002"
TEXT = "[krsms] 배송 안내"
LAG = 60.0
"""Seconds the look-ups lag the sends by in the tests of the lag."""
LOOK_UP = "/sender/sms?"
"""What the path and query of an SMS send look-up (N2) contain."""


def moving_the_clock_after_the_first_look_up(
    server: EmulatorServer, seconds: float
) -> Callable[[httpx.Response], Awaitable[None]]:
    """A response hook: once the first send look-up is answered, the emulator's clock moves
    ``seconds`` on, as the provider's would while the gateway waits ``reconcile_delay``."""
    look_ups: list[httpx.Response] = []

    async def on_response(response: httpx.Response) -> None:
        if response.request.method == "GET" and LOOK_UP in str(response.request.url):
            look_ups.append(response)
            if len(look_ups) == 1:
                server.app.state.clock.skew_seconds += seconds

    return on_response


async def test_a_lost_batch_listed_with_a_failed_delivery_is_accepted_and_not_resent() -> None:
    """The look-up lists one recipient with its delivery failed (``msgStatus`` 3, ``resultCode``
    3006, as ``undeliverable_numbers`` makes it): every listed state is one of a message NHN
    took, so both are ACCEPTED (the documented rule), nobody resent; the delivery look-up
    reports the failure."""
    config = EmulatorConfig(
        faults=Faults(error_after_processing_rate=1.0), undeliverable_numbers={UNDELIVERABLE: "3006"}
    )
    async with EmulatorServer(config) as server, nhn_gateway_for(server, retry=NO_RETRIES, resend_missing=True) as nhn:
        report = await nhn.send(Message(sender=SENDER, text=TEXT, recipients=RECIPIENTS))
        (request_id,) = {delivery.request_id for delivery in server.ledger}
        delivered = await nhn.delivery_results(request_id)
    assert [(outcome.status, outcome.request_id, outcome.detail) for outcome in report.outcomes] == [
        (SendStatus.ACCEPTED, request_id, "found by reconciliation")
    ] * 2
    assert report.requests == 1
    assert [delivery.recipient for delivery in server.ledger] == RECIPIENTS
    assert {(result.recipient, result.status, result.code) for result in delivered} == {
        (RECIPIENTS[0], DeliveryStatus.DELIVERED, "1000"),
        (UNDELIVERABLE, DeliveryStatus.FAILED, "3006"),
    }


async def test_a_lost_batch_listed_only_by_the_second_look_up_is_accepted_and_not_resent() -> None:
    """The first look-up does not list the send yet (``listing_lag``); the one
    ``reconcile_delay`` later does: ACCEPTED with the request's id, nobody sent twice."""
    async with EmulatorServer(
        EmulatorConfig(faults=Faults(error_after_processing_rate=1.0, listing_lag=LAG))
    ) as server:
        hooks = {"response": [moving_the_clock_after_the_first_look_up(server, LAG)]}
        async with (
            httpx.AsyncClient(event_hooks=hooks) as client,
            nhn_gateway_for(
                server, http_client=client, retry=NO_RETRIES, resend_missing=True, reconcile_delay=0.01
            ) as nhn,
        ):
            report = await nhn.send(Message(sender=SENDER, text=TEXT, recipients=RECIPIENTS))
    (request_id,) = {delivery.request_id for delivery in server.ledger}
    assert [(outcome.status, outcome.request_id) for outcome in report.outcomes] == [
        (SendStatus.ACCEPTED, request_id)
    ] * 2
    assert [delivery.recipient for delivery in server.ledger] == RECIPIENTS


async def test_a_lag_longer_than_reconcile_delay_makes_resend_missing_send_twice() -> None:
    """The documented risk of ``resend_missing``: an NHN whose look-ups lag its sends by more
    than ``reconcile_delay`` lists the batch in neither look-up (here the clock moves on by
    less than the lag between them), so the batch is NOT_SENT and resent, and its recipients
    get the message twice. Without ``resend_missing`` it stays NOT_SENT and is sent once."""
    for resend_missing, requests in ((True, 2), (False, 1)):
        faults = Faults(error_after_processing_rate=1.0, listing_lag=LAG)
        async with EmulatorServer(EmulatorConfig(faults=faults)) as server:
            hooks = {"response": [moving_the_clock_after_the_first_look_up(server, LAG / 2)]}
            async with (
                httpx.AsyncClient(event_hooks=hooks) as client,
                nhn_gateway_for(
                    server, http_client=client, retry=NO_RETRIES, resend_missing=resend_missing, reconcile_delay=0.01
                ) as nhn,
            ):
                report = await nhn.send(Message(sender=SENDER, text=TEXT, recipients=RECIPIENTS))
        assert [delivery.recipient for delivery in server.ledger] == RECIPIENTS * requests
        assert len({delivery.request_id for delivery in server.ledger}) == requests
        if resend_missing:  # the resend's answer is lost too, and its look-ups lag as well
            assert {outcome.status for outcome in report.outcomes} == {SendStatus.NOT_SENT}
        else:
            assert {(outcome.status, outcome.code) for outcome in report.outcomes} == {
                (SendStatus.NOT_SENT, NOT_RECEIVED)
            }

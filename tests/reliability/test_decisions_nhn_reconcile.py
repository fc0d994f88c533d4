"""How NHN look-ups settle a batch whose answer was lost, at the decisions the gateway tests
leave open: a recipient the look-up does not list, and a number the batch holds twice that
NHN lists once."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import httpx

from krsms import Message, SendStatus
from krsms.emulator import DEMO_NHN_APP_KEY, EmulatorConfig, Faults, create_app
from krsms.nhn import NhnGateway
from krsms.transport import NO_RETRIES

SENDER = "15446859"
REFUSED = "01000000007"


class CountsSends(httpx.AsyncBaseTransport):
    """The emulator in-process, counting the send requests; a look-up by grouping key lists
    each number in ``listed_once`` at most once."""

    def __init__(self, app: object, *, listed_once: frozenset[str] = frozenset()):
        self.inner = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        self.listed_once = listed_once
        self.sends = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            self.sends += 1
        response = await self.inner.handle_async_request(request)
        if request.method != "GET" or "senderGroupingKey" not in request.url.params or not self.listed_once:
            return response
        answer = json.loads(await response.aread())
        listed: set[str] = set()
        kept = []
        for entry in answer["body"]["data"]:
            number = entry["recipientNo"]
            if number in self.listed_once and number in listed:
                continue
            listed.add(number)
            kept.append(entry)
        answer["body"]["totalCount"] -= len(answer["body"]["data"]) - len(kept)
        answer["body"]["data"] = kept
        return httpx.Response(response.status_code, json=answer)


def gateway_over(transport: httpx.AsyncBaseTransport, **options: object) -> NhnGateway:
    return NhnGateway(
        app_key=DEMO_NHN_APP_KEY,
        base_url="http://emulator",
        http_client=httpx.AsyncClient(transport=transport),
        retry=NO_RETRIES,
        reconcile_delay=0.01,
        **options,  # type: ignore[arg-type]
    )


async def test_a_recipient_the_look_up_does_not_list_is_unknown_and_not_resent() -> None:
    """NHN took the lost batch but refused one recipient, which its look-ups leave out, as
    they leave out one not listed yet: that recipient is UNKNOWN, never resent (which would
    deliver twice the one listed late), while the others are ACCEPTED."""
    app = create_app(EmulatorConfig(rejected_numbers={REFUSED: -2019}, faults=Faults(error_after_processing_rate=1.0)))
    transport = CountsSends(app)
    async with gateway_over(transport, resend_missing=True) as nhn:
        report = await nhn.send(Message(sender=SENDER, text="안녕", recipients=["01000000001", REFUSED]))
    assert [outcome.status for outcome in report.outcomes] == [SendStatus.ACCEPTED, SendStatus.UNKNOWN]
    assert transport.sends == 1


async def test_a_number_the_batch_holds_twice_and_nhn_lists_once_is_accepted_once() -> None:
    """The lost batch sends to one number twice; NHN lists it once: one of the two is
    ACCEPTED as found, the other stays UNKNOWN, not ACCEPTED on the same listing."""
    app = create_app(EmulatorConfig(faults=Faults(error_after_processing_rate=1.0)))
    twice = "01000000001"
    async with gateway_over(CountsSends(app, listed_once=frozenset({twice}))) as nhn:
        report = await nhn.send(Message(sender=SENDER, text="안녕", recipients=[twice, "01000000002", twice]))
    assert [outcome.status for outcome in report.outcomes] == [
        SendStatus.ACCEPTED,
        SendStatus.ACCEPTED,
        SendStatus.UNKNOWN,
    ]


async def test_a_lost_reservation_weeks_ahead_is_found_within_the_look_ups_one_month() -> None:
    """A reservation 25 days ahead whose answer was lost: its look-up's request-date window
    is around the reserved moment, not from the send to it (over NHN's one month, which it
    refuses with -4000) nor around the send (which misses it: NOT_SENT, resent by
    ``resend_missing``, would reserve it twice): the batch is found."""
    app = create_app(EmulatorConfig(faults=Faults(error_after_processing_rate=1.0)))
    reserve_at = datetime.now(timezone.utc).replace(second=0, microsecond=0) + timedelta(days=25)
    async with gateway_over(CountsSends(app)) as nhn:
        report = await nhn.send(Message(sender=SENDER, text="안녕", recipients=["01000000001"], reserve_at=reserve_at))
    assert [(outcome.status, outcome.detail) for outcome in report.outcomes] == [
        (SendStatus.ACCEPTED, "found by reconciliation")
    ]


class LosesSendsOnTheirWay(httpx.AsyncBaseTransport):
    """The emulator in-process; every send request times out without reaching it."""

    def __init__(self, app: object):
        self.inner = httpx.ASGITransport(app=app)  # type: ignore[arg-type]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            raise httpx.ReadTimeout("lost on its way", request=request)
        return await self.inner.handle_async_request(request)


async def test_a_lost_batch_is_not_taken_for_another_send_to_its_numbers() -> None:
    """Another send (another process's, the same moment) went to the batch's number and was
    taken; the batch itself was lost on its way. The look-up asks for the batch's own
    grouping key, so it lists nothing: NOT_SENT, not ACCEPTED on the other send's record."""
    app = create_app(EmulatorConfig())
    message = Message(sender=SENDER, text="안녕", recipients=["01000000001"])
    async with gateway_over(httpx.ASGITransport(app=app)) as other_process:
        assert (await other_process.send(message)).all_accepted
    async with gateway_over(LosesSendsOnTheirWay(app)) as nhn:
        report = await nhn.send(message)
    assert [outcome.status for outcome in report.outcomes] == [SendStatus.NOT_SENT]
    assert len(app.state.ledger) == 1

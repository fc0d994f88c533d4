"""What a SENS gateway remembers of its unsettled send attempts, and when one holds another
batch's reconciliation back.

A one-time code cancelled by its handler's bound while its request is out stays unsettled (up
to ten minutes): SENS may hold it. A resend to the same number whose answer is lost too is held
back by it only when a request of the first could be taken for the resend's, the same numbers
with a text the resend gives its first number: a code with another text cannot be.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest
from starlette.applications import Starlette

from krsms import Message, MessageKind, Recipient, Recipients, SendProgress, SendStatus
from krsms.emulator import DEMO_SENS_ACCESS_KEY, DEMO_SENS_SECRET_KEY, DEMO_SENS_SERVICE_ID, EmulatorConfig, create_app
from krsms.fanout import CANCELLED, Batch
from krsms.sens import SensGateway
from krsms.sens.gateway import _SentBatch
from krsms.transport import NO_RETRIES

SENDER = "0212345678"
NUMBER = "01012345678"


class HeldOrLostSends(httpx.AsyncBaseTransport):
    """The emulator in-process, its send requests each doing what the script says, in turn:
    ``"held"`` reaches SENS, which stores it, and its answer never comes (until the send is
    cancelled); ``"answer lost"`` reaches SENS, then times out. :attr:`stored` is set as a
    held send is stored."""

    def __init__(self, app: Starlette, *script: str):
        self.inner = httpx.ASGITransport(app=app)
        self.script = list(script)
        self.stored = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not (request.method == "POST" and request.url.path.endswith("/messages")):
            return await self.inner.handle_async_request(request)
        step = self.script.pop(0)
        await (await self.inner.handle_async_request(request)).aread()
        if step == "held":
            self.stored.set()
            await asyncio.Event().wait()  # the answer that never comes
        raise httpx.ReadTimeout(step, request=request)


def gateway_over(transport: httpx.AsyncBaseTransport, **options: object) -> SensGateway:
    """A reconciling gateway with the demo keys whose requests go through ``transport``."""
    return SensGateway(
        access_key=DEMO_SENS_ACCESS_KEY,
        secret_key=DEMO_SENS_SECRET_KEY,
        service_id=DEMO_SENS_SERVICE_ID,
        base_url="http://emulator",
        http_client=httpx.AsyncClient(transport=transport),
        retry=NO_RETRIES,
        reconcile_delay=0.01,
        **options,  # type: ignore[arg-type]
    )


async def cancelled_once_stored(sens: SensGateway, transport: HeldOrLostSends, message: Message) -> SendProgress:
    """Send ``message`` and cancel the send once SENS has stored its request, as a handler's
    bound does while the answer is out; the progress of the cancelled send."""
    progress = SendProgress()
    sending = asyncio.create_task(sens.send(message, progress=progress))
    await transport.stored.wait()
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending
    return progress


@pytest.mark.parametrize(("first_code", "resent_code"), [("123456", "654321"), ("654321", "123456")])
async def test_a_resent_code_whose_answer_is_lost_is_found_though_the_cancelled_first_code_is_unsettled(
    first_code: str, resent_code: str
) -> None:
    """The first code's request cannot be taken for the resend's (SENS lists it with the other
    code): the resend is ACCEPTED with its own request's id, not left UNKNOWN."""
    app = create_app(EmulatorConfig())
    transport = HeldOrLostSends(app, "held", "answer lost")
    async with gateway_over(transport) as sens:
        first = await cancelled_once_stored(
            sens, transport, Message(sender=SENDER, text=f"인증번호 {first_code}", recipients=[NUMBER])
        )
        assert first.report().outcomes[0].status is SendStatus.UNKNOWN
        assert [sent.recipients.numbers for _, sent in sens._unsettled.items()] == [(NUMBER,)]  # SENS may hold it
        resent = await sens.send(Message(sender=SENDER, text=f"인증번호 {resent_code}", recipients=[NUMBER]))
    stored = {delivery.text: delivery.request_id for delivery in app.state.ledger}
    assert len(stored) == 2
    (outcome,) = resent.outcomes
    assert (outcome.status, outcome.request_id, outcome.detail) == (
        SendStatus.ACCEPTED,
        stored[f"인증번호 {resent_code}"],
        "found by reconciliation",
    )


async def test_the_same_code_resent_after_a_cancelled_send_stays_unknown() -> None:
    """The same text to the same number: either request SENS holds may be either attempt's,
    so the resend is not ACCEPTED on a guess."""
    app = create_app(EmulatorConfig())
    transport = HeldOrLostSends(app, "held", "answer lost")
    message = Message(sender=SENDER, text="인증번호 123456", recipients=[NUMBER])
    async with gateway_over(transport) as sens:
        await cancelled_once_stored(sens, transport, message)
        resent = await sens.send(message)
    assert len(app.state.ledger) == 2
    assert resent.outcomes[0].status is SendStatus.UNKNOWN


async def test_only_a_send_cancelled_after_its_request_left_stays_unsettled() -> None:
    """A campaign's request holds the only connection slot, stored by SENS, its answer out; a
    code waits for the slot. Both are cancelled: the code never left (NOT_SENT), so SENS cannot
    hold it and it holds no later reconciliation back; the campaign may be at SENS (UNKNOWN)
    and stays unsettled."""
    app = create_app(EmulatorConfig())
    transport = HeldOrLostSends(app, "held")
    async with gateway_over(transport, max_concurrency=1) as sens:
        campaign_progress, code_progress = SendProgress(), SendProgress()
        campaign_message = Message(sender=SENDER, text="배송 안내", recipients=["01011112222"])
        campaign = asyncio.create_task(sens.send(campaign_message, progress=campaign_progress))
        await transport.stored.wait()
        code_message = Message(sender=SENDER, text="인증번호 123456", recipients=[NUMBER])
        code = asyncio.create_task(sens.send(code_message, progress=code_progress))
        for _ in range(100):  # until the code's attempt waits for the slot
            if len(sens._unsettled.items()) == 2:
                break
            await asyncio.sleep(0)
        assert [sent.recipients.numbers for _, sent in sens._unsettled.items()] == [("01011112222",), (NUMBER,)]
        for task in (code, campaign):
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        unsettled = [sent.recipients.numbers for _, sent in sens._unsettled.items()]
    assert [(outcome.status, outcome.code) for outcome in code_progress.report().outcomes] == [
        (SendStatus.NOT_SENT, CANCELLED)
    ]
    assert campaign_progress.report().outcomes[0].status is SendStatus.UNKNOWN
    assert unsettled == [("01011112222",)]


class NeverConnects(httpx.AsyncBaseTransport):
    """A network that refuses every connection: no request leaves."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)


@pytest.mark.parametrize(
    ("config", "network", "status"),
    [
        pytest.param(EmulatorConfig(), None, SendStatus.ACCEPTED, id="answered"),
        pytest.param(EmulatorConfig(unregistered_senders={SENDER}), None, SendStatus.REJECTED, id="refused"),
        pytest.param(EmulatorConfig(), NeverConnects(), SendStatus.NOT_SENT, id="never sent"),
    ],
)
async def test_a_send_answered_refused_or_never_sent_leaves_no_unsettled_attempt(
    config: EmulatorConfig, network: httpx.AsyncBaseTransport | None, status: SendStatus
) -> None:
    """Only a send SENS may hold without this gateway knowing its outcome stays unsettled."""
    transport = network or httpx.ASGITransport(app=create_app(config))
    async with gateway_over(transport) as sens:
        report = await sens.send(Message(sender=SENDER, text="인증번호 123456", recipients=[NUMBER]))
        unsettled = sens._unsettled.items()
    assert report.outcomes[0].status is status
    assert unsettled == []


FIRST_TWICE = (
    Recipient(number=NUMBER, text="첫째 안내"),
    Recipient(number="01087654321"),
    Recipient(number=NUMBER, text="셋째 안내"),
)
"""A batch whose first number is in it twice, with a text of its own each time."""


@pytest.mark.parametrize(
    ("other_recipients", "other_text", "held_back"),
    [
        pytest.param(FIRST_TWICE, "다른 안내", True, id="the same recipients"),
        pytest.param((NUMBER, "01087654321", NUMBER), "첫째 안내", True, id="one of its first number's texts"),
        pytest.param(
            (Recipient(number=NUMBER, text="셋째 안내"), "01087654321", NUMBER),
            "다른 안내",
            True,
            id="the other of its first number's texts",
        ),
        pytest.param(
            ("01087654321", Recipient(number=NUMBER, text="첫째 안내"), NUMBER),
            "다른 안내",
            True,
            id="the same numbers in another order",
        ),
        pytest.param(
            (FIRST_TWICE[0], Recipient(number="01087654321", text="다른 안내"), FIRST_TWICE[2]),
            "안내",
            True,
            id="another text to a number the look-up does not read",
        ),
        pytest.param((NUMBER, "01087654321", NUMBER), "안내", False, id="none of its first number's texts"),
        pytest.param(FIRST_TWICE[:2], "안내", False, id="its first number once"),
        pytest.param((*FIRST_TWICE, "01099998888"), "안내", False, id="one more number"),
    ],
)
def test_another_unsettled_attempt_holds_a_reconciliation_back_only_when_its_request_could_be_the_batchs(
    other_recipients: tuple[str | Recipient, ...], other_text: str, held_back: bool
) -> None:
    """The look-up takes a request for the batch's when it holds exactly the batch's numbers
    and gives its first number a text the batch gives it (here ``첫째 안내`` or ``셋째 안내``):
    another unsettled attempt holds the batch back when a request of it could be taken so."""
    sens = gateway_over(httpx.MockTransport(lambda request: httpx.Response(500)))
    message = Message(sender=SENDER, text="안내", recipients=FIRST_TWICE)
    batch = Batch(kind=MessageKind.SMS, indexes=(0, 1, 2), recipients=FIRST_TWICE)
    sens._unsettled.set("this", _SentBatch(recipients=batch.recipients, text=message.text))
    assert not sens._another_unsettled("this", message, batch)  # its own attempt is not another
    sens._unsettled.set("other", _SentBatch(recipients=Recipients(other_recipients), text=other_text))
    assert sens._another_unsettled("this", message, batch) is held_back

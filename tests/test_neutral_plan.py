"""plan() as the dry run of the send it stands for, on every gateway: it refuses what that
send refuses before sending anything, and passes what it takes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from krsms import Message, RetryPolicy, ValidationError
from krsms.emulator import (
    DEMO_NHN_APP_KEY,
    DEMO_SENS_ACCESS_KEY,
    DEMO_SENS_SECRET_KEY,
    DEMO_SENS_SERVICE_ID,
    EmulatorConfig,
    create_app,
)
from krsms.fanout import BatchingGateway
from krsms.nhn import NhnGateway
from krsms.sens import SensGateway
from krsms.testing import FakeGateway

SENDER = "0212345678"


@pytest.fixture
async def gateways() -> AsyncIterator[tuple[BatchingGateway, ...]]:
    """The fake and both real gateways on one in-process emulator."""
    app = create_app(EmulatorConfig())
    once = RetryPolicy(max_attempts=1)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
        yield (
            FakeGateway(),
            SensGateway(
                access_key=DEMO_SENS_ACCESS_KEY,
                secret_key=DEMO_SENS_SECRET_KEY,
                service_id=DEMO_SENS_SERVICE_ID,
                base_url="http://emulator",
                http_client=client,
                retry=once,
            ),
            NhnGateway(app_key=DEMO_NHN_APP_KEY, base_url="http://emulator", http_client=client, retry=once),
        )


async def test_a_plan_of_a_message_without_recipients_is_refused_as_its_send_is(
    gateways: tuple[BatchingGateway, ...],
) -> None:
    """plan(message) stands for send(message), which refuses an empty list: a plan of 0
    recipients and no invalid one read as a send that would go through."""
    message = Message(sender=SENDER, text="안내", recipients=[])
    for gateway in gateways:
        with pytest.raises(ValidationError) as sent:
            await gateway.send(message)
        with pytest.raises(ValidationError) as planned:
            await gateway.plan(message)
        assert (planned.value.field, planned.value.limit) == (sent.value.field, sent.value.limit), gateway.provider
        assert str(planned.value) == str(sent.value)


async def test_a_plan_of_a_stream_whose_message_has_recipients_is_refused_as_the_stream_is(
    gateways: tuple[BatchingGateway, ...],
) -> None:
    """plan(message, recipients) stands for send_stream(message, recipients), which refuses a
    message with recipients of its own: the plan counted the stream alone and passed."""
    message = Message(sender=SENDER, text="안내", recipients=["01012345678"])
    for gateway in gateways:
        with pytest.raises(ValidationError) as streamed:
            async for _ in gateway.send_stream(message, ["01000000001"]):
                pass
        with pytest.raises(ValidationError) as planned:
            await gateway.plan(message, ["01000000001"])
        assert (planned.value.field, planned.value.limit) == (streamed.value.field, streamed.value.limit)
        assert str(planned.value) == str(streamed.value), gateway.provider


async def test_a_plan_of_a_stream_from_a_message_without_recipients_still_passes(
    gateways: tuple[BatchingGateway, ...],
) -> None:
    message = Message(sender=SENDER, text="안내")
    for gateway in gateways:
        assert (await gateway.plan(message, [])).recipients == 0
        assert (await gateway.plan(message, ["01000000001"])).total_requests == 1


async def test_a_plan_of_many_invalid_recipients_has_a_short_repr() -> None:
    """Its repr listed every invalid recipient: a million entries in a log line or a debugger."""
    plan = await FakeGateway().plan(Message(sender="0212345678", text="안녕", recipients=["0101234"] * 10_000))
    assert plan.invalid_count == 10_000
    assert len(repr(plan)) < 1_000
    assert "... 9997 more" in repr(plan)

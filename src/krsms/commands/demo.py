"""``krsms demo``: a realistic campaign through both gateways against the embedded emulator.

No credentials, no network beyond loopback: the emulator runs under uvicorn on a free
127.0.0.1 port inside this process, and both gateways share one ``httpx.AsyncClient``, as a
web app would. The campaign sends SMS and LMS to a few thousand recipients per provider at
once, uploads a generated coupon image and sends it as MMS, reserves a message and cancels
it, then checks the emulator's own record against the reports. Interrupted (Ctrl-C,
SIGTERM), it lets the sends in flight settle and shows what was sent before it stops.
"""

from __future__ import annotations

import asyncio
import functools
import io
import signal
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import TypeVar

import anyio
import attrs
import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from krsms.commands.gateways import DRAIN_SECONDS
from krsms.commands.signals import stop_on_signals
from krsms.convert import SEOUL
from krsms.emulator import (
    DEMO_NHN_APP_KEY,
    DEMO_SENS_ACCESS_KEY,
    DEMO_SENS_SECRET_KEY,
    DEMO_SENS_SERVICE_ID,
    EmulatorConfig,
    EmulatorServer,
    Faults,
)
from krsms.fanout import BatchingGateway
from krsms.gateway import Message, Recipient, SendProgress, SendReport, SendStatus
from krsms.nhn import NhnGateway
from krsms.sens import SensGateway
from krsms.transport import Timeouts

T = TypeVar("T")

SENDER = "15446859"
REJECTED_NUMBER = "01099990001"
"""The emulator refuses this number (NHN answers its ``resultCode`` per recipient)."""
UNDELIVERABLE_NUMBER = "01099990002"
"""The emulator accepts this number and reports a failed delivery (code 3006)."""
AD_TEXT = "(광고) 크리스마스 특가 최대 50% 할인!\n무료수신거부 0801234567"
LMS_TEXT = (
    "[krsms 쇼핑] 12월 정기 점검 안내\n"
    "안녕하세요, 고객님. 더 나은 서비스를 위해 12월 3일 02:00부터 04:00까지 시스템 점검을 진행합니다. "
    "점검 시간에는 주문과 결제가 잠시 중단됩니다. 이용에 불편을 드려 죄송합니다."
)


@attrs.define
class Tally:
    """One provider's outcomes and requests as its batches settle: complete however the
    demo ends, interrupted included."""

    counts: dict[SendStatus, int] = attrs.field(factory=lambda: dict.fromkeys(SendStatus, 0))
    requests: int = 0

    def add(self, batch: SendReport) -> None:
        """Count a settled batch."""
        for status, count in batch.counts().items():
            self.counts[status] += count
        self.requests += batch.requests


@attrs.frozen(kw_only=True)
class ProviderSummary:
    """What one provider's part of the demo did."""

    provider: str
    counts: dict[SendStatus, int]
    requests: int
    seconds: float
    recorded: int
    """Recipients the emulator itself recorded as accepted (must equal ``counts[ACCEPTED]``)."""

    @property
    def consistent(self) -> bool:
        """Every recipient accounted for: nothing unknown or unsent, and the emulator agrees."""
        return (
            self.counts[SendStatus.UNKNOWN] == 0
            and self.counts[SendStatus.NOT_SENT] == 0
            and self.recorded == self.counts[SendStatus.ACCEPTED]
        )


def coupon_jpeg() -> bytes:
    """A small coupon image drawn for the MMS (Pillow, part of the ``cli`` extra)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 240), (255, 244, 214))
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, 467, 227), outline=(214, 69, 65), width=6)
    draw.text((40, 70), "krsms COUPON", fill=(214, 69, 65))
    draw.text((40, 120), "50% OFF - XMAS 2026", fill=(40, 40, 40))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def campaign_numbers(count: int, *, start: int) -> list[str]:
    """``count`` distinct numbers, with the demo's rejected and undeliverable ones among them."""
    numbers = [f"010{start + offset:08d}" for offset in range(count)]
    numbers[count // 3] = REJECTED_NUMBER
    numbers[2 * count // 3] = UNDELIVERABLE_NUMBER
    return numbers


async def run_campaign(
    gateway: BatchingGateway,
    *,
    recipients: int,
    progress_bar: Progress,
    task: TaskID,
    tally: Tally,
) -> list[str]:
    """SMS + LMS + MMS + a cancelled reservation through one gateway, each settled batch
    counted in ``tally``; notes of what happened."""
    notes: list[str] = []

    def advance(batch: SendReport) -> None:
        tally.add(batch)
        progress_bar.advance(task, len(batch.outcomes))

    sms_count = recipients * 2 // 3
    sms = Message(
        sender=SENDER,
        text=AD_TEXT if gateway.provider == "nhn" else "[krsms] 주문하신 상품이 발송되었습니다.",
        advertisement=gateway.provider == "nhn",
        recipients=campaign_numbers(sms_count, start=0),
    )
    lms = Message(
        sender=SENDER,
        text=LMS_TEXT,
        subject="정기 점검 안내",
        recipients=[
            Recipient(number=number, reference=f"lms-{index}")
            for index, number in enumerate(campaign_numbers(recipients - sms_count, start=sms_count))
        ],
    )
    coupon = coupon_jpeg()
    image = await gateway.upload_image(coupon, file_name="coupon.jpg")
    mms = Message(
        sender=SENDER,
        text="크리스마스 쿠폰을 보내드립니다.",
        subject="쿠폰",
        images=(image.id,),
        recipients=[f"0107777{index:04d}" for index in range(5)],
    )
    # All three at once, sharing the gateway's concurrency limit.
    await all_at_once(
        [
            functools.partial(gateway.send, message, progress=SendProgress(on_batch=advance))
            for message in (sms, lms, mms)
        ]
    )
    notes.append(f"MMS with a generated {len(coupon) // 1024} KB coupon image (id {image.id})")
    reserve_at = (datetime.now(SEOUL) + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    reserved = await gateway.send(
        Message(sender=SENDER, text="내일 오전 9시 알림", reserve_at=reserve_at, recipients=["01088880000"]),
        progress=SendProgress(on_batch=advance),
    )
    request_id = reserved.outcomes[0].request_id
    if request_id is not None:
        await gateway.cancel_reservation(request_id)
        notes.append(f"reservation for {reserve_at:%Y-%m-%d %H:%M} made and cancelled (request {request_id})")
    return notes


async def all_at_once(calls: Sequence[Callable[[], Awaitable[T]]]) -> list[T]:
    """What each of ``calls`` returns, run at once in one task group, as docs/bulk.md says to
    run sends together: cancelled (Ctrl-C), every send settles before this returns, where
    ``asyncio.gather`` returns as its first child ends, and the shared HTTP client would then
    close under the others' drain."""
    results: dict[int, T] = {}

    async def run(index: int) -> None:
        results[index] = await calls[index]()

    async with anyio.create_task_group() as group:
        for index in range(len(calls)):
            group.start_soon(run, index)
    return [results[index] for index in range(len(calls))]


SLOT_ROUNDS = 2
"""Rounds of answers a demo batch may wait for one of its gateway's request slots: the three
sends of a campaign run at once, each with up to ``max_concurrency`` batches, all sharing the
gateway's ``max_concurrency`` slots, so a batch can find two sends' batches ahead of it."""


def demo_timeouts(latency: float) -> Timeouts:
    """The SDK's timeouts with the demo's ``latency`` on top: on the wait for an answer (the
    client's own, httpx's 5 s, left every request of a slower demo unknown) and on the wait
    for a request slot, which lasts up to :data:`SLOT_ROUNDS` answers (30 s alone gave a
    batch up, to be retried, from about 15 s of latency)."""
    defaults = Timeouts()
    return Timeouts(read=defaults.read + latency, pool=defaults.pool + SLOT_ROUNDS * latency)


async def run_demo(
    *, recipients: int, latency: float, console: Console, received: list[signal.Signals]
) -> list[ProviderSummary]:
    """Start the emulator, run the campaign on both providers at once, print the summary.

    Interrupted (Ctrl-C, or SIGTERM, each appended to ``received``: see
    :func:`~krsms.commands.signals.stop_on_signals`), the sends in flight get
    :data:`~krsms.commands.gateways.DRAIN_SECONDS` to settle, the summary of what was sent is
    printed, titled interrupted, and the cancellation goes on.
    """
    stop_on_signals(received)
    config = EmulatorConfig(
        faults=Faults(latency=latency),
        rejected_numbers={REJECTED_NUMBER: -2019},
        undeliverable_numbers={UNDELIVERABLE_NUMBER: "3006"},
    )
    async with (
        EmulatorServer(config) as server,
        httpx.AsyncClient(timeout=demo_timeouts(latency).to_httpx()) as http_client,
    ):
        console.print(f"emulator listening on {server.base_url} (SENS /sms/v2, NHN /sms/v2.2)")
        sens = SensGateway(
            access_key=DEMO_SENS_ACCESS_KEY,
            secret_key=DEMO_SENS_SECRET_KEY,
            service_id=DEMO_SENS_SERVICE_ID,
            base_url=server.base_url,
            http_client=http_client,
            drain_timeout=DRAIN_SECONDS,
        )
        nhn = NhnGateway(
            app_key=DEMO_NHN_APP_KEY, base_url=server.base_url, http_client=http_client, drain_timeout=DRAIN_SECONDS
        )
        gateways = (sens, nhn)
        tallies = {gateway.provider: Tally() for gateway in gateways}
        bar = Progress(
            TextColumn("[bold]{task.description}[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        )
        started = time.perf_counter()
        try:
            with bar:
                tasks = {
                    gateway.provider: bar.add_task(gateway.provider.upper(), total=recipients + 6)
                    for gateway in gateways
                }
                notes = await all_at_once(
                    [
                        functools.partial(
                            run_campaign,
                            gateway,
                            recipients=recipients,
                            progress_bar=bar,
                            task=tasks[gateway.provider],
                            tally=tallies[gateway.provider],
                        )
                        for gateway in gateways
                    ]
                )
        except asyncio.CancelledError:
            summaries = _summaries(gateways, tallies, server, seconds=time.perf_counter() - started)
            console.print(summary_table(summaries, interrupted=True))
            raise
        summaries = _summaries(gateways, tallies, server, seconds=time.perf_counter() - started)
        for gateway, provider_notes in zip(gateways, notes, strict=True):
            for note in provider_notes:
                console.print(f"  {gateway.provider.upper()}: {note}")
    console.print(summary_table(summaries))
    return summaries


def _summaries(
    gateways: Sequence[BatchingGateway], tallies: dict[str, Tally], server: EmulatorServer, *, seconds: float
) -> list[ProviderSummary]:
    """Each provider's outcomes beside what the emulator recorded as accepted."""
    summaries = []
    for gateway in gateways:
        recorded = sum(
            1
            for delivery in server.ledger
            if delivery.provider == gateway.provider and delivery.status in ("accepted", "cancelled")
        )
        tally = tallies[gateway.provider]
        summaries.append(
            ProviderSummary(
                provider=gateway.provider,
                counts=dict(tally.counts),
                requests=tally.requests,
                seconds=seconds,
                recorded=recorded,
            )
        )
    return summaries


def summary_table(summaries: list[ProviderSummary], *, interrupted: bool = False) -> Table:
    """Accepted, rejected, unknown, not sent, requests and what the emulator recorded, per
    provider; titled "(interrupted)" for a demo stopped part-way."""
    seconds = max(summary.seconds for summary in summaries)
    stopped = " (interrupted)" if interrupted else ""
    table = Table(title=f"krsms demo: one outcome per recipient ({seconds:.2f} s){stopped}")
    table.add_column("provider")
    for status in SendStatus:
        table.add_column(status.value.replace("_", " "), justify="right")
    table.add_column("requests", justify="right")
    table.add_column("recorded", justify="right")
    for summary in summaries:
        table.add_row(
            summary.provider.upper(),
            *(str(summary.counts[status]) for status in SendStatus),
            str(summary.requests),
            str(summary.recorded),
        )
    table.caption = "recorded: accepted by the emulator itself; rejected: numbers it refuses"
    return table

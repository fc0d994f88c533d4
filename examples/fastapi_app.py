"""A FastAPI app that sends SMS through one shared gateway.

- The lifespan creates one ``httpx.AsyncClient`` and one gateway for the whole app and
  closes them on shutdown. The gateway has ``KRSMS_MAX_CONCURRENCY`` requests in flight at
  most (default 8): size it for the sends a second the app must carry times the provider's
  latency (docs/http.md); handlers beyond it wait for a slot. The client's pool holds as many
  connections, all kept alive between requests.
- ``POST /sms`` sends one message inside the request and answers with its outcome, waiting
  at most ``KRSMS_SEND_TIMEOUT`` seconds (default 10): uvicorn does not cancel a handler
  whose client went away, so the handler bounds its own wait (``asyncio.wait_for``). A send
  cut short answers with the outcome it had then: ``unknown`` when the request may have
  reached the provider (look it up before sending again), ``not_sent`` when it never left.
  A fatal answer (a bad appKey, an unregistered sender) is a 503 naming it: no send can
  succeed until the service is fixed, and the recipient is not to blame.
- ``POST /campaigns`` starts a bulk send in a background task and answers at once;
  ``GET /campaigns/{id}`` shows its progress and counts, and the error that stopped it, if
  one did (``stopped_by``).

Run it against the emulator (``krsms emulator`` in another terminal)::

    KRSMS_NHN_APP_KEY=demo-app-key KRSMS_BASE_URL=http://127.0.0.1:8888 \\
    uvicorn examples.fastapi_app:app --log-config examples/logging.json

uvicorn configures its own loggers only: without ``--log-config`` (or logging set up some other
way) krsms's lines, a retry, a campaign stopped by a bad appKey, go nowhere.
``examples/logging.json`` sends them and uvicorn's to stderr at INFO, httpx's line per request
kept out (see docs/logging.md).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import aclosing, asynccontextmanager
from typing import Any

import httpx
from fastapi import BackgroundTasks, FastAPI, HTTPException, Request
from pydantic import BaseModel, Field

from krsms import KrSmsError, Message, NhnGateway, SendProgress
from krsms.nhn import DEFAULT_BASE_URL


class SmsIn(BaseModel):
    to: str
    text: str


class CampaignIn(BaseModel):
    recipients: list[str] = Field(min_length=1)
    text: str


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    in_flight = int(os.environ.get("KRSMS_MAX_CONCURRENCY", "8"))
    # httpx keeps 20 connections alive by default, and httpcore closes an idle one whenever
    # the pool holds more than that in all: keep every connection of the pool alive.
    limits = httpx.Limits(max_connections=in_flight, max_keepalive_connections=in_flight)
    async with (
        httpx.AsyncClient(timeout=httpx.Timeout(10.0, pool=30.0), limits=limits) as http_client,
        NhnGateway(
            app_key=os.environ["KRSMS_NHN_APP_KEY"],
            base_url=os.environ.get("KRSMS_BASE_URL", DEFAULT_BASE_URL),
            http_client=http_client,
            max_concurrency=in_flight,
        ) as gateway,
    ):
        app.state.sms = gateway
        app.state.sender = os.environ.get("KRSMS_SENDER", "15446859")
        app.state.send_timeout = float(os.environ.get("KRSMS_SEND_TIMEOUT", "10"))
        app.state.campaigns = {}
        yield


app = FastAPI(lifespan=lifespan)


@app.post("/sms")
async def send_sms(body: SmsIn, request: Request) -> dict[str, Any]:
    gateway: NhnGateway = request.app.state.sms
    progress = SendProgress()  # holds the outcome if the wait below is cut short
    try:
        message = Message(sender=request.app.state.sender, text=body.text, recipients=[body.to])
        # Bounded: nothing else cancels this send when the client goes away or the provider stalls.
        report = await asyncio.wait_for(gateway.send(message, progress=progress), request.app.state.send_timeout)
    except KrSmsError as error:  # a ValidationError: nothing was sent
        raise HTTPException(status_code=422, detail=str(error)) from None
    except asyncio.TimeoutError:
        # The send was cancelled and settled: UNKNOWN if its request was out (it may have
        # arrived: look it up before sending again), NOT_SENT if it never left.
        report = progress.report()
        if not report.outcomes:  # cancelled before it began: nothing was sent
            return {"status": "not_sent", "request_id": None, "code": "cancelled"}
    if report.error is not None:
        # A fatal answer (a bad appKey, an unregistered sender) is the service's failure, not the
        # recipient's: no send can succeed until it is fixed. Its text is redacted.
        raise HTTPException(status_code=503, detail=str(report.error))
    outcome = report.outcomes[0]
    return {"status": outcome.status.value, "request_id": outcome.request_id, "code": outcome.code}


async def run_campaign(gateway: NhnGateway, message: Message, recipients: list[str], progress: SendProgress) -> None:
    # Never raises for a failed batch: every recipient's outcome lands in ``progress``. A stream,
    # as send() returns every outcome, which a progress that keeps counts only cannot give.
    async with aclosing(gateway.send_stream(message, recipients, progress=progress)) as batches:
        async for _ in batches:
            pass


@app.post("/campaigns", status_code=202)
async def start_campaign(body: CampaignIn, request: Request, background: BackgroundTasks) -> dict[str, str]:
    gateway: NhnGateway = request.app.state.sms
    try:
        message = Message(sender=request.app.state.sender, text=body.text)
        plan = await gateway.plan(message, body.recipients)  # validates every recipient; sends nothing
    except KrSmsError as error:
        raise HTTPException(status_code=422, detail=str(error)) from None
    if plan.invalid:
        raise HTTPException(status_code=422, detail=[outcome.detail for outcome in plan.invalid[:20]])
    # Counts only: the app keeps each campaign's progress for good, and its status reads no outcome.
    progress = SendProgress(total=len(body.recipients), keep_outcomes=False)
    campaign_id = uuid.uuid4().hex
    request.app.state.campaigns[campaign_id] = progress
    background.add_task(run_campaign, gateway, message, body.recipients, progress)
    return {"id": campaign_id}


@app.get("/campaigns/{campaign_id}")
async def campaign_status(campaign_id: str, request: Request) -> dict[str, Any]:
    progress: SendProgress | None = request.app.state.campaigns.get(campaign_id)
    if progress is None:
        raise HTTPException(status_code=404)
    counts = {status.value: count for status, count in progress.counts.items()}
    # A fatal answer (a bad appKey, an unregistered sender) stops the campaign: say which, as its
    # counts alone (all rejected or not sent) read the same for every cause. Its text is redacted.
    stopped_by = None if progress.error is None else str(progress.error)
    return {"total": progress.total, "settled": progress.settled, "counts": counts, "stopped_by": stopped_by}

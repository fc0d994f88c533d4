"""An aiohttp app that sends SMS through one shared SENS gateway.

A cleanup context creates the gateway when the app starts and closes it when it stops;
``POST /sms`` (JSON ``{"to": ..., "text": ...}``) sends inside the request and answers with
its outcome, waiting at most ``KRSMS_SEND_TIMEOUT`` seconds (default 10): aiohttp does not
cancel a handler whose client went away (``handler_cancellation`` is off by default), so the
handler bounds its own wait (``asyncio.wait_for``). A send cut short answers with the outcome
it had then: ``unknown`` when the request may have reached the provider (look it up before
sending again), ``not_sent`` when it never left. A fatal answer (bad keys, an unregistered
sender) is a 503 naming it: no send can succeed until the service is fixed.

Run it against the emulator (``krsms emulator`` in another terminal)::

    KRSMS_SENS_ACCESS_KEY=demo-access-key KRSMS_SENS_SECRET_KEY=demo-secret-key \\
    KRSMS_SENS_SERVICE_ID=ncp:sms:kr:000000000000:demo KRSMS_BASE_URL=http://127.0.0.1:8888 \\
    python -m aiohttp.web -P 8080 examples.aiohttp_app:create_app
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

from aiohttp import web

from krsms import Message, SendProgress, SensGateway, ValidationError
from krsms.sens import DEFAULT_BASE_URL

GATEWAY = web.AppKey("gateway", SensGateway)
SEND_TIMEOUT = web.AppKey("send_timeout", float)


async def sms_gateway(app: web.Application) -> AsyncIterator[None]:
    async with SensGateway(
        access_key=os.environ["KRSMS_SENS_ACCESS_KEY"],
        secret_key=os.environ["KRSMS_SENS_SECRET_KEY"],
        service_id=os.environ["KRSMS_SENS_SERVICE_ID"],
        base_url=os.environ.get("KRSMS_BASE_URL", DEFAULT_BASE_URL),
    ) as gateway:
        app[GATEWAY] = gateway
        app[SEND_TIMEOUT] = float(os.environ.get("KRSMS_SEND_TIMEOUT", "10"))
        yield


async def send_sms(request: web.Request) -> web.Response:
    try:
        body = await request.json()
        to, text = body["to"], body["text"]
    except (ValueError, TypeError, KeyError):
        return web.json_response({"error": 'expected a JSON object with "to" and "text"'}, status=400)
    sender = os.environ.get("KRSMS_SENDER", "0212345678")
    progress = SendProgress()  # holds the outcome if the wait below is cut short
    try:
        message = Message(sender=sender, text=text, recipients=[to])
        # Bounded: nothing else cancels this send when the client goes away or the provider stalls.
        report = await asyncio.wait_for(
            request.app[GATEWAY].send(message, progress=progress), request.app[SEND_TIMEOUT]
        )
    except ValidationError as error:  # nothing was sent
        return web.json_response({"error": str(error)}, status=422)
    except asyncio.TimeoutError:
        # The send was cancelled and settled: UNKNOWN if its request was out (it may have
        # arrived: look it up before sending again), NOT_SENT if it never left.
        report = progress.report()
        if not report.outcomes:  # cancelled before it began: nothing was sent
            return web.json_response({"status": "not_sent", "request_id": None, "code": "cancelled"})
    if report.error is not None:
        # A fatal answer (bad keys, an unregistered sender) is the service's failure, not the
        # recipient's: no send can succeed until it is fixed. Its text is redacted.
        return web.json_response({"error": str(report.error)}, status=503)
    outcome = report.outcomes[0]
    return web.json_response({"status": outcome.status.value, "request_id": outcome.request_id, "code": outcome.code})


def create_app(argv: list[str] | None = None) -> web.Application:
    app = web.Application()
    app.cleanup_ctx.append(sms_gateway)
    app.router.add_post("/sms", send_sms)
    return app

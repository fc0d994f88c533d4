"""An aiohttp app that sends SMS through one shared SENS gateway.

A cleanup context creates the gateway when the app starts and closes it when it stops;
``POST /sms`` (JSON ``{"to": ..., "text": ...}``) sends inside the request.

Run it against the emulator (``krsms emulator`` in another terminal)::

    KRSMS_SENS_ACCESS_KEY=demo-access-key KRSMS_SENS_SECRET_KEY=demo-secret-key \\
    KRSMS_SENS_SERVICE_ID=ncp:sms:kr:000000000000:demo KRSMS_BASE_URL=http://127.0.0.1:8888 \\
    python -m aiohttp.web -P 8080 examples.aiohttp_app:create_app
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

from aiohttp import web

from krsms import Message, SensGateway, ValidationError
from krsms.sens import DEFAULT_BASE_URL

GATEWAY = web.AppKey("gateway", SensGateway)


async def sms_gateway(app: web.Application) -> AsyncIterator[None]:
    async with SensGateway(
        access_key=os.environ["KRSMS_SENS_ACCESS_KEY"],
        secret_key=os.environ["KRSMS_SENS_SECRET_KEY"],
        service_id=os.environ["KRSMS_SENS_SERVICE_ID"],
        base_url=os.environ.get("KRSMS_BASE_URL", DEFAULT_BASE_URL),
    ) as gateway:
        app[GATEWAY] = gateway
        yield


async def send_sms(request: web.Request) -> web.Response:
    try:
        body = await request.json()
        to, text = body["to"], body["text"]
    except (ValueError, TypeError, KeyError):
        return web.json_response({"error": 'expected a JSON object with "to" and "text"'}, status=400)
    sender = os.environ.get("KRSMS_SENDER", "0212345678")
    try:
        report = await request.app[GATEWAY].send(Message(sender=sender, text=text, recipients=[to]))
    except ValidationError as error:
        return web.json_response({"error": str(error)}, status=422)
    outcome = report.outcomes[0]
    return web.json_response({"status": outcome.status.value, "request_id": outcome.request_id})


def create_app(argv: list[str] | None = None) -> web.Application:
    app = web.Application()
    app.cleanup_ctx.append(sms_gateway)
    app.router.add_post("/sms", send_sms)
    return app

"""The emulator as one ASGI app: both providers, the inspection API and fault injection.

Inspection API (never faulted, under :data:`~krsms.emulator.config.INSPECTION_PREFIX`):

- ``GET /_emulator/health`` -> ``{"status": "ok"}``
- ``GET /_emulator/deliveries?provider=&request_id=&recipient=&status=`` -> a JSON list of
  every recorded recipient (snake_case fields of :class:`~krsms.emulator.ledger.Delivery`)
- ``DELETE /_emulator/deliveries`` -> forget every send (the ledger and the providers' look-ups)
- ``GET /_emulator/faults`` / ``PUT /_emulator/faults`` (a JSON object of
  :class:`~krsms.emulator.config.Faults` fields; unspecified fields take their defaults)
- ``GET /_emulator/stats`` -> request and injected-fault counters
"""

from __future__ import annotations

import json
from typing import Any

import attrs
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from krsms.emulator.clock import Clock, DateHeader
from krsms.emulator.config import INSPECTION_PREFIX, EmulatorConfig, Faults
from krsms.emulator.faults import FaultInjector, FaultState
from krsms.emulator.ledger import Ledger
from krsms.emulator.nhn import nhn_routes
from krsms.emulator.sens import sens_routes

DELIVERY_FILTERS = ("provider", "request_id", "recipient", "status")


def _delivery_json(delivery: Any) -> dict[str, Any]:
    data = attrs.asdict(delivery)
    data["accepted_at"] = delivery.accepted_at.isoformat()
    return data


def inspection_routes(ledger: Ledger, faults: FaultState) -> list[BaseRoute]:
    """The ``/_emulator`` routes."""

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def deliveries(request: Request) -> Response:
        if request.method == "DELETE":
            ledger.clear()
            return Response(status_code=204)
        query = request.query_params
        filters = {name: query[name] for name in DELIVERY_FILTERS if name in query}
        selected = [
            _delivery_json(delivery)
            for delivery in ledger
            if all(getattr(delivery, name) == value for name, value in filters.items())
        ]
        return JSONResponse(selected)

    async def fault_settings(request: Request) -> Response:
        if request.method == "PUT":
            try:
                faults.replace(Faults(**json.loads(await request.body())))
            except (TypeError, ValueError) as error:
                return JSONResponse({"error": str(error)}, status_code=400)
        return JSONResponse(attrs.asdict(faults.faults))

    async def stats(request: Request) -> Response:
        return JSONResponse(dict(faults.stats))

    return [
        Route(f"{INSPECTION_PREFIX}/health", health, methods=["GET"]),
        Route(f"{INSPECTION_PREFIX}/deliveries", deliveries, methods=["GET", "DELETE"]),
        Route(f"{INSPECTION_PREFIX}/faults", fault_settings, methods=["GET", "PUT"]),
        Route(f"{INSPECTION_PREFIX}/stats", stats, methods=["GET"]),
    ]


def create_app(config: EmulatorConfig | None = None) -> Starlette:
    """The emulator app; ``app.state.ledger``, ``app.state.faults`` and ``app.state.config``
    let in-process tests inspect it, and ``app.state.clock`` lets them move its time."""
    config = config or EmulatorConfig()
    ledger = Ledger()
    clock = Clock(config.clock_skew_seconds)
    faults = FaultState(config.faults)
    routes = [
        *inspection_routes(ledger, faults),
        *sens_routes(config, ledger, clock),
        *nhn_routes(config, ledger, clock),
    ]
    app = Starlette(routes=routes)
    app.add_middleware(FaultInjector, state=faults)
    app.add_middleware(DateHeader, clock=clock)
    app.state.ledger = ledger
    app.state.faults = faults
    app.state.config = config
    app.state.clock = clock
    return app

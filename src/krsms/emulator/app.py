"""The emulator as one ASGI app: both providers, the inspection API and fault injection.

Inspection API (never faulted, under :data:`~krsms.emulator.config.INSPECTION_PREFIX`):

- ``GET /_emulator/health`` -> ``{"status": "ok"}``
- ``GET /_emulator/deliveries?provider=&request_id=&recipient=&status=`` -> a JSON list of
  every recorded recipient (snake_case fields of :class:`~krsms.emulator.ledger.Delivery`);
  ``recipient`` matches however the number is written (``010-1234-5678``, ``+82 10-1234-5678``;
  a number abroad ``+81 90-1234-5678``, or as dialled there); any other parameter answers 400
- ``DELETE /_emulator/deliveries`` -> forget every send (the ledger, the providers' look-ups,
  reservations, NHN tag sends and download reservations)
- ``GET /_emulator/faults`` / ``PUT /_emulator/faults`` (a JSON object of
  :class:`~krsms.emulator.config.Faults` fields; unspecified fields take their defaults; an
  unknown field or an invalid value answers 400 naming it)
- ``GET /_emulator/stats`` -> request and injected-fault counters

Any other path under the prefix (or the prefix itself) answers 404, and a method a path does
not take 405 with ``Allow``, both as ``{"error": ...}`` like the API's other refusals. A path
outside the inspection API and both providers' is a 404 of that shape too, never Starlette's
plain text or its redirect to the path with a slash added or removed.
"""

from __future__ import annotations

from typing import Any

import attrs
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match, Route

from krsms.emulator.clock import Clock, DateHeader
from krsms.emulator.config import INSPECTION_PREFIX, EmulatorConfig, Faults
from krsms.emulator.faults import FaultInjector, FaultState
from krsms.emulator.inputs import load_json
from krsms.emulator.ledger import Delivery, Ledger
from krsms.emulator.nhn import nhn_routes
from krsms.emulator.numbers import rule_number
from krsms.emulator.routing import catch_all, not_routed
from krsms.emulator.sens import sens_routes

DELIVERY_FILTERS = ("provider", "request_id", "recipient", "status")
SERVED_PREFIXES = f"/sms/v2/ (SENS), /sms/v2.2/ (NHN) and {INSPECTION_PREFIX}/"


def _delivery_json(delivery: Delivery) -> dict[str, Any]:
    data = attrs.asdict(delivery)
    data["accepted_at"] = delivery.accepted_at.isoformat()
    return data


def _comparable_number(number: str) -> str:
    """A ``recipient`` filter in the form per-number rules name numbers in
    (:func:`~krsms.emulator.numbers.rule_number`: ``010-1234-5678`` -> ``01012345678``,
    ``+81 90-1234-5678`` -> ``819012345678``); as written when it is not a number."""
    try:
        return rule_number("recipient", number)
    except ValueError:
        return number


def _selected(delivery: Delivery, filters: dict[str, str]) -> bool:
    """Whether ``delivery`` has every field value ``filters`` asks for; a ``recipient`` filter,
    already made comparable, matches any of the names the recipient goes by."""
    return all(
        value in delivery.names if name == "recipient" else getattr(delivery, name) == value
        for name, value in filters.items()
    )


def _faults_from_json(body: bytes) -> Faults:
    """The faults a ``PUT /_emulator/faults`` body gives; ValueError naming what is wrong."""
    data = load_json(body)
    if not isinstance(data, dict):
        raise ValueError("the body must be a JSON object of Faults fields")
    known = {field.name for field in attrs.fields(Faults)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"{unknown[0]} is not a field of Faults; the fields are {', '.join(sorted(known))}")
    return Faults(**data)


def _error(message: str, status: int = 400, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _unknown_routes(routes: list[Route]) -> list[Route]:
    """The catch-all of the inspection API: 404 for a path it lacks, 405 with ``Allow`` for a
    method one of ``routes`` does not take."""

    async def unknown(request: Request) -> Response:
        path = request.url.path
        allowed = next((route.methods for route in routes if route.matches(request.scope)[0] is Match.PARTIAL), None)
        if not allowed:
            paths = ", ".join(route.path for route in routes)
            return _error(f"{path} is not in the inspection API; its paths are {paths}", 404)
        allow = ", ".join(sorted(allowed))
        return _error(f"{request.method} is not allowed on {path}; use {allow}", 405, {"Allow": allow})

    return catch_all(INSPECTION_PREFIX, unknown)


def inspection_routes(ledger: Ledger, faults: FaultState) -> list[BaseRoute]:
    """The ``/_emulator`` routes."""

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def deliveries(request: Request) -> Response:
        if request.method == "DELETE":
            ledger.clear()
            return Response(status_code=204)
        unknown = sorted(set(request.query_params) - set(DELIVERY_FILTERS))
        if unknown:
            return _error(f"{unknown[0]} is not a filter; the filters are {', '.join(DELIVERY_FILTERS)}")
        filters = dict(request.query_params)
        if "recipient" in filters:
            filters["recipient"] = _comparable_number(filters["recipient"])
        return JSONResponse([_delivery_json(delivery) for delivery in ledger if _selected(delivery, filters)])

    async def fault_settings(request: Request) -> Response:
        if request.method == "PUT":
            try:
                faults.replace(_faults_from_json(await request.body()))
            except ValueError as error:
                return _error(str(error))
        return JSONResponse(attrs.asdict(faults.faults))

    async def stats(request: Request) -> Response:
        return JSONResponse(dict(faults.stats))

    routes = [
        Route(f"{INSPECTION_PREFIX}/health", health, methods=["GET"]),
        Route(f"{INSPECTION_PREFIX}/deliveries", deliveries, methods=["GET", "DELETE"]),
        Route(f"{INSPECTION_PREFIX}/faults", fault_settings, methods=["GET", "PUT"]),
        Route(f"{INSPECTION_PREFIX}/stats", stats, methods=["GET"]),
    ]
    return [*routes, *_unknown_routes(routes)]


async def _outside_every_api(request: Request) -> Response:
    """A path no API of the emulator has: a JSON 404 naming the ones it serves."""
    path = request.url.path
    return _error(f"{path} is not served here: the emulator serves {SERVED_PREFIXES}", 404)


async def _client_gone(request: Request, exc: Exception) -> Response:
    """A request whose client went away while sending its body (a cancelled send): nothing
    was processed, and the answer goes nowhere. Without it Starlette raised out of the app,
    and uvicorn logged a traceback for every cancelled send."""
    return Response(status_code=400)


def create_app(config: EmulatorConfig | None = None) -> Starlette:
    """The emulator app; ``app.state.ledger``, ``app.state.faults`` and ``app.state.config``
    let in-process tests inspect it, and ``app.state.clock`` lets them move its time."""
    config = config or EmulatorConfig()
    ledger = Ledger()
    clock = Clock(config.clock_skew_seconds)
    faults = FaultState(config.faults)
    routes = [
        *inspection_routes(ledger, faults),
        *sens_routes(config, ledger, clock, faults),
        *nhn_routes(config, ledger, clock, faults),
    ]
    app = Starlette(routes=routes, exception_handlers={ClientDisconnect: _client_gone})
    not_routed(app, _outside_every_api)
    app.add_middleware(FaultInjector, state=faults)
    app.add_middleware(DateHeader, clock=clock)
    app.state.ledger = ledger
    app.state.faults = faults
    app.state.config = config
    app.state.clock = clock
    return app

"""NCP SENS SMS API v2, emulated: every endpoint under ``/sms/v2/services/{serviceId}``.

:func:`sens_routes` serves the endpoint groups, a module each, behind the signature check of
:mod:`~krsms.emulator.sens.auth` and the service id:

- :mod:`~krsms.emulator.sens.sends`: sending (S1), its text checked and cut by
  :mod:`~krsms.emulator.sens.text`;
- :mod:`~krsms.emulator.sens.files`: MMS images (S2), which a send attaches;
- :mod:`~krsms.emulator.sens.lookups`: the message look-ups (S3, S4);
- :mod:`~krsms.emulator.sens.reservations`: reservations (S5, S6) and scheduled messages (S7);
- :mod:`~krsms.emulator.sens.unsubscribes`: the 080 unsubscribes (S8-S10).

They share :mod:`~krsms.emulator.sens.envelope` (the refusals, request reading and the
answers' time format) and one :class:`~krsms.emulator.sens.service.SensService`
(configuration, ledger, clock, the :mod:`~krsms.emulator.sens.state` a service remembers, and
how a message completes).

Answers follow the SENS document; where it is silent the choices are:

- authentication failures answer like NCP's API gateway: 401 with
  ``{"error": {"errorCode": "200", "message": "Authentication Failed", "details": ...}}``;
  a service id other than the configured one is 404 with errorCode ``"300"`` (Not Found);
- request validation failures are 400 with
  ``{"statusCode": "400", "statusName": "fail", "errorMessage": "<field>: <reason>"}``,
  malformed input included (JSON nested too deeply, a field of the wrong JSON type, a time
  zone that is not one, digits outside ASCII such as ``²`` or fullwidth ones);
- any other path or method under ``/sms/v2/`` (``/sms/v2`` itself too) is a 404 in the
  gateway shape (errorCode ``"300"``).

Each module's docstring carries the choices its endpoints make.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from krsms.emulator.clock import Clock
from krsms.emulator.config import EmulatorConfig
from krsms.emulator.faults import FaultState
from krsms.emulator.ledger import Ledger
from krsms.emulator.routing import catch_all
from krsms.emulator.sens.auth import authenticate
from krsms.emulator.sens.envelope import SensRefusal, not_found
from krsms.emulator.sens.files import SensFiles
from krsms.emulator.sens.lookups import SensLookups
from krsms.emulator.sens.reservations import SensReservations
from krsms.emulator.sens.sends import SensSends
from krsms.emulator.sens.service import SensService
from krsms.emulator.sens.unsubscribes import SensUnsubscribes

PREFIX = "/sms/v2/services/{serviceId}"

Handler = Callable[[Request], Any]


def sens_routes(config: EmulatorConfig, ledger: Ledger, clock: Clock, faults: FaultState) -> list[BaseRoute]:
    """The SENS routes of an emulator, with full paths: every endpoint of one emulated
    service, then a 404 for any other path or method under ``/sms/v2/``."""
    service = SensService(config, ledger, clock, faults)
    files = SensFiles(service)
    table: list[tuple[str, str, Handler]] = [
        *SensSends(service, files).table(),
        *SensLookups(service).table(),
        *files.table(),
        *SensReservations(service).table(),
        *SensUnsubscribes(service).table(),
    ]
    routes: list[BaseRoute] = [
        Route(PREFIX + path, _guarded(handler, service), methods=[method]) for method, path, handler in table
    ]
    routes.extend(catch_all("/sms/v2", _unknown))
    return routes


def _guarded(handler: Handler, service: SensService) -> Callable[[Request], Any]:
    """``handler`` behind the signature check (401) and the service id (404), its answer or
    refusal as JSON."""

    async def endpoint(request: Request) -> Response:
        try:
            authenticate(request, service.config, service.clock)
            if request.path_params["serviceId"] != service.config.sens_service_id:
                raise not_found("unknown service id")
            result = await handler(request)
        except SensRefusal as refusal:
            return JSONResponse(refusal.body, status_code=refusal.status)
        if isinstance(result, Response):
            return result
        return JSONResponse(result)

    return endpoint


async def _unknown(request: Request) -> Response:
    """Any other path or method under ``/sms/v2/`` (or ``/sms/v2`` itself): 404 in the API
    gateway's shape."""
    refusal = not_found(f"no {request.method} {request.url.path}")
    return JSONResponse(refusal.body, status_code=refusal.status)

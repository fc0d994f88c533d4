"""NHN Cloud SMS API v2.2, emulated: every endpoint under ``/sms/v2.2/appKeys/{appKey}``.

:func:`nhn_routes` serves the endpoint groups, a module each, behind the appKey check:

- :mod:`~krsms.emulator.nhn.sends`: the sends (N1, N4, N7, N10, N11), their recipients
  checked by :mod:`~krsms.emulator.nhn.recipients`;
- :mod:`~krsms.emulator.nhn.lookups`: the send look-ups (N2, N3, N5, N6, N8, N9) and result
  updates (N12);
- :mod:`~krsms.emulator.nhn.tag_sends`: tag sends and their look-ups (N13-N17), to the UIDs
  of :mod:`~krsms.emulator.nhn.tags` (tags, UIDs and their numbers, N40-N49);
- :mod:`~krsms.emulator.nhn.uploads`: MMS images (N18);
- :mod:`~krsms.emulator.nhn.templates`: categories and templates (N19-N28), which a send
  with a ``templateId`` reads;
- :mod:`~krsms.emulator.nhn.block_list`: the 080 block list (N29-N31), which advertisements
  read;
- :mod:`~krsms.emulator.nhn.senders`: registered sender numbers (N32);
- :mod:`~krsms.emulator.nhn.statistics`: statistics (N33);
- :mod:`~krsms.emulator.nhn.reservations`: reservation look-ups and cancels (N34-N36);
- :mod:`~krsms.emulator.nhn.downloads`: download reservations (N37-N39).

They share :mod:`~krsms.emulator.nhn.envelope` (the answer envelope, request reading and
common checks) and one :class:`~krsms.emulator.nhn.service.NhnService` (configuration,
ledger, clock and the :mod:`~krsms.emulator.nhn.state` an appKey remembers).

Choices where the document is silent: a wrong or unknown appKey answers -1001; a missing or
wrong ``X-Secret-Key`` (when the emulator is configured with one) answers HTTP 401 with code
-1000; any other path or method under ``/sms/v2.2/`` (``/sms/v2.2`` itself too) answers -9998
("no such API") in the envelope, with HTTP 200 as NHN's other refusals (under an appKey, once
the appKey and secret key pass).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from krsms.emulator.clock import Clock
from krsms.emulator.config import EmulatorConfig
from krsms.emulator.faults import FaultState
from krsms.emulator.inputs import same_secret
from krsms.emulator.ledger import Ledger
from krsms.emulator.nhn.block_list import NhnBlockList
from krsms.emulator.nhn.downloads import NhnDownloads
from krsms.emulator.nhn.envelope import NhnRefusal, answer
from krsms.emulator.nhn.lookups import NhnLookups
from krsms.emulator.nhn.reservations import NhnReservations
from krsms.emulator.nhn.senders import NhnSenders
from krsms.emulator.nhn.sends import NhnSends
from krsms.emulator.nhn.service import NhnService
from krsms.emulator.nhn.statistics import NhnStatistics
from krsms.emulator.nhn.tag_sends import NhnTagSends
from krsms.emulator.nhn.tags import NhnTags
from krsms.emulator.nhn.templates import NhnTemplates
from krsms.emulator.nhn.uploads import NhnUploads
from krsms.emulator.routing import catch_all

PREFIX = "/sms/v2.2/appKeys/{appKey}"

Handler = Callable[[Request], Any]

UNKNOWN_API = "존재하지 않는 API"
"""The ``resultMessage`` of -9998."""


def nhn_routes(config: EmulatorConfig, ledger: Ledger, clock: Clock, faults: FaultState) -> list[BaseRoute]:
    """The NHN routes of an emulator, with full paths: every endpoint of one emulated appKey,
    then -9998 for any other path or method under it (behind its checks) or elsewhere under
    ``/sms/v2.2/``."""
    service = NhnService(config, ledger, clock, faults)
    sends = NhnSends(service)
    tags = NhnTags(service)
    tag_sends = NhnTagSends(service, sends, tags)
    table: list[tuple[str, str, Handler]] = [
        *sends.table(),
        *NhnLookups(service).table(),
        *NhnUploads(service).table(),
        *NhnSenders(service).table(),
        *NhnReservations(service).table(),
        *tag_sends.table(),
        *NhnTemplates(service).table(),
        *NhnBlockList(service).table(),
        *NhnStatistics(service).table(),
        *NhnDownloads(service, tag_sends.sends).table(),
        *tags.table(),
    ]
    routes: list[BaseRoute] = [
        Route(PREFIX + path, _guarded(handler, config), methods=[method]) for method, path, handler in table
    ]
    routes.extend(catch_all(PREFIX, _guarded(_unknown, config)))
    routes.extend(catch_all("/sms/v2.2", _unknown_outside_app_key))
    return routes


def _guarded(handler: Handler, config: EmulatorConfig) -> Callable[[Request], Awaitable[Response]]:
    """``handler`` behind the appKey (-1001) and secret key (-1000) checks, its answer or
    refusal in NHN's envelope."""

    async def endpoint(request: Request) -> Response:
        try:
            if not same_secret(request.path_params["appKey"], config.nhn_app_key):
                raise NhnRefusal(-1001, "존재하지 않는 앱키")
            if config.nhn_secret_key is not None and not same_secret(
                request.headers.get("x-secret-key", ""), config.nhn_secret_key
            ):
                raise NhnRefusal(-1000, "유효하지 않은 시크릿 키", status=401)
            body = await handler(request)
        except NhnRefusal as refusal:
            return answer(None, code=refusal.code, message=refusal.message, status=refusal.status)
        return body if isinstance(body, Response) else answer(body)

    return endpoint


async def _unknown(request: Request) -> Any:
    """Any other path or method under the appKey: -9998."""
    raise NhnRefusal(-9998, UNKNOWN_API)


async def _unknown_outside_app_key(request: Request) -> Response:
    """``/sms/v2.2`` or a path under it that names no appKey: -9998 (there is no key to check)."""
    return answer(None, code=-9998, message=UNKNOWN_API)

"""NCP SENS SMS API v2, emulated: the 080 unsubscribes, listed (S8), registered (S9) and
deleted (S10).

Choice where the document is silent: ``startTime``/``endTime`` of S8, typed Integer, are
epoch milliseconds like the ``x-ncp-apigw-timestamp`` header.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from krsms.emulator.clock import Clock
from krsms.emulator.inputs import is_digits
from krsms.emulator.sens.envelope import bad_request, format_time, query_int, read_json
from krsms.emulator.sens.service import SensService
from krsms.emulator.sens.state import SensState

MAX_UNSUBSCRIBES = 1000
"""The most numbers one S9 or S10 request registers or deletes."""
MAX_PAGE_SIZE = 100
"""The largest ``pageSize`` of S8, and the one it pages by when none is given."""
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
"""What S8's ``startTime``/``endTime`` count milliseconds from."""


class SensUnsubscribes:
    """The 080 unsubscribe endpoints of one :class:`~krsms.emulator.sens.service.SensService`,
    kept in its state."""

    def __init__(self, service: SensService):
        self.state: SensState = service.state
        self.clock: Clock = service.clock

    def table(self) -> list[tuple[str, str, Callable[[Request], Any]]]:
        """(method, path under the service, handler) of every unsubscribe route."""
        return [
            ("GET", "/unsubscribes", self.list_unsubscribes),
            ("POST", "/unsubscribes", self.add_unsubscribes),
            ("DELETE", "/unsubscribes", self.delete_unsubscribes),
        ]

    async def list_unsubscribes(self, request: Request) -> Response:
        """S8: blocked numbers, optionally filtered, paged."""
        query = request.query_params
        page_size = query_int(query, "pageSize", MAX_PAGE_SIZE, minimum=0, maximum=MAX_PAGE_SIZE)
        page_index = query_int(query, "pageIndex", 0, minimum=0)
        start = _epoch_millis(query, "startTime")
        end = _epoch_millis(query, "endTime")
        entries = sorted(self.state.unsubscribes.items(), key=lambda entry: entry[1])
        number = query.get("clientTelNo")
        if number:
            entries = [entry for entry in entries if entry[0] == number]
        entries = [
            entry
            for entry in entries
            if (start is None or start <= _millis(entry[1])) and (end is None or _millis(entry[1]) <= end)
        ]
        page = entries[page_index * page_size : (page_index + 1) * page_size]
        return JSONResponse([_item(number, moment) for number, moment in page])

    async def add_unsubscribes(self, request: Request) -> Response:
        """S9: register blocked numbers."""
        now = self.clock.now()
        added = []
        for number in await _numbers(request):
            self.state.unsubscribes.setdefault(number, now)
            added.append(_item(number, self.state.unsubscribes[number]))
        return JSONResponse(added)

    async def delete_unsubscribes(self, request: Request) -> Response:
        """S10: delete blocked numbers (JSON body on DELETE, 204)."""
        for number in await _numbers(request):
            self.state.unsubscribes.pop(number, None)
        return Response(status_code=204)


def _item(number: str, registered: datetime) -> dict[str, Any]:
    """One number as S8 lists it and S9 answers it."""
    return {"clientTelNo": number, "registerTime": format_time(registered, "%Y-%m-%dT%H:%M:%S"), "registerType": "M"}


async def _numbers(request: Request) -> list[str]:
    """The numbers of an S9 or S10 body, a list of ``{"clientTelNo": ...}``: 400 unless 1 to
    :data:`MAX_UNSUBSCRIBES` of them, each digits."""
    body = await read_json(request)
    if not isinstance(body, list) or not body:
        raise bad_request("body", "must be a non-empty list of {clientTelNo}")
    if len(body) > MAX_UNSUBSCRIBES:
        raise bad_request("body", f"has {len(body)} numbers; at most {MAX_UNSUBSCRIBES}")
    numbers = []
    for position, item in enumerate(body):
        number = item.get("clientTelNo") if isinstance(item, dict) else None
        if not is_digits(number):
            raise bad_request(f"[{position}].clientTelNo", "must be digits only")
        numbers.append(number)
    return numbers


def _epoch_millis(query: Mapping[str, str], name: str) -> int | None:
    """Query parameter ``name``, an Integer of epoch milliseconds; None if absent."""
    raw = query.get(name)
    if raw is None:
        return None
    if not is_digits(raw):
        raise bad_request(name, "must be epoch milliseconds")
    return int(raw)


def _millis(moment: datetime) -> int:
    """``moment`` in epoch milliseconds."""
    return (moment - EPOCH) // timedelta(milliseconds=1)

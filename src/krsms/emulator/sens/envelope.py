"""What every emulated SENS endpoint shares: its refusals in their two shapes, reading a
request (its JSON body, integer query parameters) and the time format of its answers.

A refusal answers in one of two shapes, as NCP's do: :func:`bad_request`, SENS's own 400
naming the field, or :func:`gateway_error`, the shape of NCP's API gateway (authentication,
an unknown service, message or path).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from starlette.requests import Request

from krsms.convert import SEOUL
from krsms.emulator.inputs import is_digits, load_json


class SensRefusal(Exception):
    """A request the emulated SENS API refuses; becomes a JSON error answer (``body``) with
    HTTP ``status``."""

    def __init__(self, status: int, body: dict[str, Any]):
        self.status = status
        self.body = body


def bad_request(field: str, reason: str) -> SensRefusal:
    """A 400 in the SENS shape, naming the field."""
    return SensRefusal(400, {"statusCode": "400", "statusName": "fail", "errorMessage": f"{field}: {reason}"})


def gateway_error(status: int, code: str, message: str, details: str) -> SensRefusal:
    """An error in NCP API gateway shape."""
    return SensRefusal(status, {"error": {"errorCode": code, "message": message, "details": details}})


def not_found(details: str) -> SensRefusal:
    """The API gateway's 404 (errorCode ``"300"``): an unknown service, message, reservation
    or path."""
    return gateway_error(404, "300", "Not Found", details)


async def read_json(request: Request) -> Any:
    """The request's JSON body; 400 when it is not sent as ``application/json`` (the
    document makes that header mandatory for a request with a body) or is not JSON."""
    if not request.headers.get("content-type", "").lower().startswith("application/json"):
        raise bad_request("Content-Type", "must be application/json")
    try:
        return load_json(await request.body())
    except ValueError:
        raise bad_request("body", "is not valid JSON") from None


def query_int(query: Mapping[str, str], name: str, default: int, *, minimum: int, maximum: int | None = None) -> int:
    """Query parameter ``name`` as an integer within its limits, or ``default`` if absent."""
    raw = query.get(name)
    if raw is None:
        return default
    within_limits = is_digits(raw) and int(raw) >= minimum and (maximum is None or int(raw) <= maximum)
    if not within_limits:
        limits = f"from {minimum} to {maximum}" if maximum is not None else f"of at least {minimum}"
        raise bad_request(name, f"must be an integer {limits}")
    return int(raw)


def format_time(moment: datetime, pattern: str = "%Y-%m-%d %H:%M:%S") -> str:
    """``moment`` in Seoul, as SENS's answers write it (``yyyy-MM-dd HH:mm:ss`` unless
    ``pattern`` says otherwise)."""
    return moment.astimezone(SEOUL).strftime(pattern)

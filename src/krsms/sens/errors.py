"""SENS failure answers as the typed errors of :mod:`krsms.errors`.

SENS answers failures in two shapes: the SMS service's own
``{"statusCode": "400", "statusName": "fail", "errorMessage": "..."}`` and the NCP API
gateway's ``{"error": {"errorCode": "200", "message": "Authentication Failed", "details": ...}}``
(401, 403, 404, 429). Anything else (an HTML error page, an empty body) still becomes the
error class of its HTTP status, with a short excerpt of the body.
"""

from __future__ import annotations

from typing import Any

from krsms import errors
from krsms.redaction import Redactor
from krsms.sens.auth import CLOCK_WINDOW_SECONDS, clock_skew
from krsms.transport import Response

PROVIDER = "sens"
"""The ``provider`` name of the errors SENS's client and gateway raise."""


def error_from_response(response: Response, *, redact: Redactor, local_time: float) -> errors.ProviderError:
    """The typed error of a non-2xx SENS answer; its message and code go through ``redact``
    (an answer may echo what the request carried)."""
    code, message = _code_and_message(response.json_or_none(provider=PROVIDER))
    message = message or response.excerpt()
    if response.status_code == 401:
        message += _skew_hint(response, local_time)
    return response.status_error(redact(message), provider=PROVIDER, code=None if code is None else redact(code))


def _code_and_message(payload: Any) -> tuple[str | None, str | None]:
    if not isinstance(payload, dict):
        return None, None
    gateway = payload.get("error")
    if isinstance(gateway, dict):
        parts = [str(part) for part in (gateway.get("message"), gateway.get("details")) if part]
        code = gateway.get("errorCode")
        return (None if code is None else str(code)), (": ".join(parts) or None)
    message = payload.get("errorMessage") or payload.get("statusName")
    code = payload.get("statusCode") or payload.get("errorCode")
    return (None if code is None else str(code)), (None if message is None else str(message))


def _skew_hint(response: Response, local_time: float) -> str:
    skew = clock_skew(response.headers.get("date"), local_time=local_time)
    if skew is None or abs(skew) <= CLOCK_WINDOW_SECONDS:
        return ""
    direction = "behind" if skew > 0 else "ahead of"
    return (
        f" (the local clock is {abs(skew) / 60:.1f} minutes {direction} the gateway's; "
        "SENS refuses requests more than 5 minutes off: synchronise the clock, e.g. with NTP)"
    )


class ServiceNotFoundError(errors.NotFoundError):
    """SENS answered a send with 404: the service id (the one part of the send path that
    varies) names no service, so every batch of the job would fail the same way. Raised by
    :meth:`~krsms.sens.client.SensClient.send` and ``send_body``, and so by
    :class:`~krsms.sens.gateway.SensGateway`."""

    fatal = True

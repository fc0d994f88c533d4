"""NHN Cloud SMS failures, typed by ``resultCode`` so callers can catch by kind.

NHN reports most failures with HTTP 200 and ``header.isSuccessful: false``; the code ranges
follow NHN's error code table (common, send/look-up, template, category, sender number,
statistics, 080 opt-out, tag). Each class also inherits the neutral kind, so both
``except krsms.nhn.errors.TemplateError`` and ``except krsms.BadRequestError`` work; the codes
that mean "no such thing" are also :class:`krsms.NotFoundError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from krsms import errors
from krsms.redaction import Redactor
from krsms.transport import Response

PROVIDER = "nhn"
"""The ``provider`` name of the errors NHN's client and gateway raise."""


class NhnError(errors.ProviderError):
    """Base of every NHN failure; ``result_code`` is NHN's numeric ``resultCode``."""

    @property
    def result_code(self) -> int | None:
        """The numeric ``resultCode`` (None when the answer had none)."""
        try:
            return int(self.code) if self.code is not None else None
        except ValueError:
            return None


class NhnAuthenticationError(NhnError, errors.AuthenticationError):
    """Invalid, unknown or retired appKey, non-member, disallowed IP, bad secret key (-1000..-1004)."""


class NhnBadRequestError(NhnError, errors.BadRequestError):
    """A refused request whose code names no narrower class (a code outside NHN's table, say)."""


class NhnRequestFormatError(NhnBadRequestError):
    """NHN refused the request's content type (-9996) or its JSON (-9997). krsms sends
    ``application/json`` and valid JSON, so something between rewrote the request (a proxy,
    a custom transport): every batch would be refused alike."""

    fatal = True


class NhnNotFoundError(NhnError, errors.NotFoundError):
    """Unknown API path (-9998) or HTTP 404: a wrong base URL, which every batch would hit."""

    fatal = True


class NhnServerError(NhnError, errors.ServerError):
    """NHN's own failure (-9999, -2021 queue save failure, -2009 an upload its servers failed
    to store, -7000 tag service failure, HTTP 5xx)."""


class NhnRateLimitedError(NhnError, errors.RateLimitedError):
    """HTTP 429 from NHN."""


class SendError(NhnError, errors.BadRequestError):
    """A send or look-up refused (-2000..-2099, -4000): recipients, dates, text, files."""


class MessageTypeError(SendError):
    """NHN refused the send's message type (-1006): every batch sent to the same endpoint would
    be refused alike."""

    fatal = True


class ReservationPassedError(SendError):
    """The reservation's ``requestDate`` is before NHN's current time (-2022): every batch of a
    send carries the message's one moment, so every later batch would be refused alike (the
    moment passed while a large send went out, or the local clock is behind NHN's)."""

    fatal = True


class SendNotFoundError(SendError, errors.NotFoundError):
    """The ``requestId`` names no send (-2008)."""


class AttachmentNotFoundError(SendError, errors.NotFoundError):
    """An ``attachFileIdList`` id names no uploaded file (-2004): every batch of a send with
    it would be refused."""

    fatal = True


class TemplateError(NhnError, errors.BadRequestError):
    """Template registration, update or use failed (-2100..-2117, -2043)."""


class TemplateNotFoundError(TemplateError, errors.NotFoundError):
    """The template does not exist (-2110), no template has that id (-2107), or it was
    deleted (-2113): every batch of a send with it would be refused."""

    fatal = True


class TemplateKindError(SendError):
    """The template is registered for another send type than the endpoint used (-2006): an
    LMS template sent as SMS, say. Every batch would be refused."""

    fatal = True


class CategoryError(NhnError, errors.BadRequestError):
    """Template category failure (-2200..-2205)."""


class CategoryNotFoundError(CategoryError, errors.NotFoundError):
    """The category, or the parent category named, does not exist (-2202, -2203)."""


class SenderNumberError(NhnError, errors.BadRequestError):
    """The sender number family (-2300..-2399; documented: -2312 empty or unregistered, -2313
    blocked, -2314 a bad registration request): no batch with that sender can pass."""

    fatal = True


class StatisticsError(NhnError, errors.BadRequestError):
    """Invalid statistics range or parameters (-2700..-2703)."""


class UnsubscribeError(NhnError, errors.BadRequestError):
    """080 opt-out failure: feature unused, number opted out, notice missing (-6000..-6004)."""


class UnsubscribeNotInUseError(UnsubscribeError):
    """The project does not use the 080 opt-out service an advertisement needs (-6000), or its
    opt-out number is not in use (-6004): every advertising batch would be refused."""

    fatal = True


class TagError(NhnError, errors.BadRequestError):
    """Tag request refused: invalid parameters (-7001), unreadable CSV (-7002)."""


_EXACT: dict[int, type[NhnError]] = {
    -9996: NhnRequestFormatError,
    -9997: NhnRequestFormatError,
    -9998: NhnNotFoundError,
    -9999: NhnServerError,
    -2021: NhnServerError,
    -2009: NhnServerError,
    -7000: NhnServerError,
    -2043: TemplateError,
    -1006: MessageTypeError,
    -4000: SendError,
    -2006: TemplateKindError,
    -6000: UnsubscribeNotInUseError,
    -6004: UnsubscribeNotInUseError,
    -2004: AttachmentNotFoundError,
    -2022: ReservationPassedError,
    -2008: SendNotFoundError,
    -2107: TemplateNotFoundError,
    -2110: TemplateNotFoundError,
    -2113: TemplateNotFoundError,
    -2202: CategoryNotFoundError,
    -2203: CategoryNotFoundError,
}

_RANGES: tuple[tuple[int, int, type[NhnError]], ...] = (
    (-1004, -1000, NhnAuthenticationError),
    (-2099, -2000, SendError),
    (-2199, -2100, TemplateError),
    (-2299, -2200, CategoryError),
    (-2399, -2300, SenderNumberError),
    (-2799, -2700, StatisticsError),
    (-6099, -6000, UnsubscribeError),
    (-7099, -7000, TagError),
)


def error_class_for_code(code: int) -> type[NhnError]:
    """The exception class of an NHN ``resultCode``."""
    if code in _EXACT:
        return _EXACT[code]
    for low, high, error_class in _RANGES:
        if low <= code <= high:
            return error_class
    return NhnBadRequestError


def error_class_for_http_status(status_code: int) -> type[NhnError]:
    """The exception class of an HTTP error status without a usable NHN header."""
    if status_code in (401, 403):
        return NhnAuthenticationError
    if status_code == 404:
        return NhnNotFoundError
    if status_code == 429:
        return NhnRateLimitedError
    if status_code >= 500:
        return NhnServerError
    return NhnBadRequestError


def error_from_response(response: Response, *, redact: Redactor) -> errors.ProviderError:
    """The typed error of a non-2xx NHN answer; its message and code go through ``redact``
    (an answer may echo what the request carried).

    An answer whose body is an NHN envelope with a failure ``resultCode`` is typed by that code,
    except a 429 or a 5xx, which keeps the class of its status; any other answer is the class of
    its HTTP status, with a short excerpt of the body.
    """
    payload = response.json_or_none(provider=PROVIDER)
    header = payload.get("header") if isinstance(payload, dict) else None
    code = result_code(header) if isinstance(header, dict) else None
    status_class = error_class_for_http_status(response.status_code)
    if not isinstance(header, dict) or not code:
        return response.status_error(redact(response.excerpt()), provider=PROVIDER, error_class=status_class)
    # A 429 was refused before processing and a 5xx may have been processed, whatever the
    # code says: the status keeps its class (and Retry-After), the envelope gives the rest.
    keeps_status = issubclass(status_class, (errors.RateLimitedError, errors.ServerError))
    return response.status_error(
        result_message(header, redact),
        provider=PROVIDER,
        code=redact(str(code)),
        error_class=status_class if keeps_status else error_class_for_code(code),
    )


def result_code(header: Mapping[str, Any]) -> int | None:
    """An envelope header's ``resultCode`` as an integer (NHN's documented type; a numeric
    string is read too); None when it is missing or not a number."""
    raw = header.get("resultCode")
    if isinstance(raw, bool) or not isinstance(raw, (int, str)):
        return None
    try:
        return int(raw)
    except ValueError:
        return None


def result_message(header: Mapping[str, Any], redact: Redactor) -> str:
    """An envelope header's ``resultMessage``, redacted (``"request failed"`` when it has none)."""
    return redact(str(header.get("resultMessage") or "request failed"))

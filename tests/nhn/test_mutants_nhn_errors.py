"""Tests that kill hand mutants of NHN's error typing: the bounds of each code range, the
class of an HTTP status without an envelope."""

from __future__ import annotations

import json

import pytest

from krsms import errors
from krsms.nhn.errors import (
    CategoryError,
    NhnAuthenticationError,
    NhnBadRequestError,
    NhnNotFoundError,
    NhnRateLimitedError,
    SendError,
    TemplateError,
    error_class_for_code,
    error_from_response,
)
from krsms.redaction import Redactor
from krsms.transport import Response


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (-1999, NhnBadRequestError),
        (-2000, SendError),
        (-2099, SendError),
        (-2100, TemplateError),
        (-2199, TemplateError),
        (-2200, CategoryError),
    ],
)
def test_each_code_range_holds_both_its_bounds(code: int, kind: type) -> None:
    assert error_class_for_code(code) is kind


def answer(status: int, content: bytes, headers: dict[str, str] | None = None) -> Response:
    return Response(
        status_code=status,
        headers=headers or {},
        content=content,
        method="POST",
        url="https://api-sms.cloud.toast.com/sms/v2.2/appKeys/***/sender/sms",
        redact=Redactor(),
    )


@pytest.mark.parametrize("status", [401, 403])
def test_an_answer_refusing_the_caller_without_an_envelope_is_a_fatal_authentication_error(status: int) -> None:
    """NHN's gateway refuses a disallowed IP or key before any envelope is written."""
    error = error_from_response(answer(status, b"<html>Forbidden</html>"), redact=Redactor())
    assert type(error) is NhnAuthenticationError
    assert isinstance(error, errors.AuthenticationError)
    assert error.fatal is True
    assert error.status_code == status


@pytest.mark.parametrize(
    ("status", "result_code", "kind"),
    [
        (400, 0, NhnBadRequestError),
        (404, 0, NhnNotFoundError),
        (404, True, NhnNotFoundError),
        (400, "-2019.0", NhnBadRequestError),
    ],
)
def test_an_error_status_whose_envelope_holds_no_failure_code_is_the_class_of_its_status(
    status: int, result_code: object, kind: type
) -> None:
    """A ``resultCode`` of 0 (success), a boolean or a string that is no integer names no
    failure: the status types it, and the error carries no code."""
    body = {"header": {"isSuccessful": False, "resultCode": result_code, "resultMessage": "odd"}}
    error = error_from_response(answer(status, json.dumps(body).encode()), redact=Redactor())
    assert type(error) is kind
    assert error.code is None
    assert error.message.startswith(f"HTTP {status}: ")


def test_an_envelopes_message_echoing_the_app_key_is_redacted() -> None:
    body = {"header": {"isSuccessful": False, "resultCode": -1000, "resultMessage": "appKey SECRETAPPKEY is invalid"}}
    redact = Redactor(secrets=["SECRETAPPKEY"])
    error = error_from_response(answer(401, json.dumps(body).encode()), redact=redact)
    assert type(error) is NhnAuthenticationError
    assert error.message == "appKey *** is invalid"
    assert error.code == "-1000"


def test_a_429_is_nhns_rate_limit_error_with_its_retry_after() -> None:
    """The class of the status stays NHN's own, and still carries the pause asked for."""
    body = {"header": {"isSuccessful": False, "resultCode": -9999, "resultMessage": "too many"}}
    error = error_from_response(answer(429, json.dumps(body).encode(), {"retry-after": "30"}), redact=Redactor())
    assert type(error) is NhnRateLimitedError
    assert isinstance(error, errors.RateLimitedError)
    assert error.retry_after == 30.0
    assert error.code == "-9999"
    assert error.refused_before_processing is True
    assert (error.method, error.path) == ("POST", "/sms/v2.2/appKeys/***/sender/sms")

"""How a SENS failure answer is read (:func:`krsms.sens.errors.error_from_response`): each of
its fallbacks and the clock-skew hint's bound, which mutants of them left unseen."""

from __future__ import annotations

import json
from email.utils import formatdate
from typing import Any

import pytest

from krsms import errors
from krsms.response import Response
from krsms.sens.errors import error_from_response

NOW = 1_800_000_000.0


def answer(status: int, body: Any = None, *, date: float | None = None, text: str | None = None) -> Response:
    """A SENS answer to ``POST /sms/v2/services/x/messages`` with ``body`` as JSON (or ``text``)."""
    headers = {"content-type": "application/json"}
    if date is not None:
        headers["date"] = formatdate(date, usegmt=True)
    content = text.encode() if text is not None else json.dumps(body).encode()
    return Response(
        status_code=status,
        headers=headers,
        content=content,
        method="POST",
        url="https://sens.apigw.ntruss.com/sms/v2/services/x/messages",
        redact=lambda text: text.replace("secret", "***"),
    )


def read(response: Response) -> errors.ProviderError:
    return error_from_response(response, redact=response.redact, local_time=NOW)


def test_the_sms_service_s_status_name_is_the_message_when_it_gives_no_error_message() -> None:
    error = read(answer(400, {"statusCode": "400", "statusName": "fail"}))
    assert (error.code, error.message) == ("400", "fail")


def test_the_error_message_comes_before_the_status_name() -> None:
    error = read(answer(400, {"statusCode": "400", "statusName": "fail", "errorMessage": "bad from"}))
    assert error.message == "bad from"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"errorCode": "E1", "errorMessage": "x"}, "E1"),  # no statusCode: the errorCode
        ({"statusCode": "400", "errorCode": "E1", "errorMessage": "x"}, "400"),  # the statusCode first
        ({"errorMessage": "x"}, None),
        ({"statusCode": 400, "errorMessage": "x"}, "400"),  # a number, as text
    ],
)
def test_the_code_is_the_status_code_else_the_error_code(body: dict[str, Any], code: str | None) -> None:
    assert read(answer(400, body)).code == code


def test_a_gateway_error_without_message_or_details_is_shown_by_its_body() -> None:
    body = {"error": {"errorCode": "300", "message": "", "details": None}}
    error = read(answer(403, body))
    assert error.code == "300"
    assert error.message is not None
    assert '"errorCode": "300"' in error.message  # an excerpt of the body, not ""


def test_a_gateway_error_joins_its_message_and_details() -> None:
    body = {"error": {"errorCode": "200", "message": "Authentication Failed", "details": "Invalid secret"}}
    error = read(answer(401, body, date=NOW))
    assert error.message == "Authentication Failed: Invalid ***"  # redacted


@pytest.mark.parametrize(("skew", "hinted"), [(300, False), (-300, False), (301, True), (-301, True)])
def test_a_401_names_the_clock_only_beyond_the_five_minutes_sens_allows(skew: int, hinted: bool) -> None:
    body = {"error": {"errorCode": "200", "message": "Authentication Failed"}}
    error = read(answer(401, body, date=NOW + skew))
    assert ("minutes" in str(error)) is hinted
    if hinted:
        direction = "behind" if skew > 0 else "ahead of"
        assert f"the local clock is 5.0 minutes {direction} the gateway's" in str(error)


def test_only_a_401_names_the_clock() -> None:
    body = {"error": {"errorCode": "300", "message": "Not Allowed"}}
    assert "minutes" not in str(read(answer(403, body, date=NOW + 3600)))

"""krsms's exceptions: every class survives pickling with its fields, and a provider error's
class says what a bulk send makes of the batch it answered."""

from __future__ import annotations

import copy
import importlib
import pickle
from types import ModuleType
from typing import Any

import httpx
import pytest

from krsms import Message, SendStatus, errors
from krsms.nhn import errors as nhn_errors
from krsms.retry import RetryPolicy
from krsms.sens import SensGateway
from krsms.sens import errors as sens_errors
from krsms.sens.gateway import _may_have_arrived
from krsms.testing import FakeGateway, FakeRequest, numbers

PATH = "/sms/v2.2/appKeys/***/sender/sms"
"""A request path as an error names it: redacted."""


def error_classes() -> list[type[errors.KrSmsError]]:
    """Every exception class of krsms.errors and of the providers' error modules."""
    modules = {module.__name__ for module in (errors, nhn_errors, sens_errors)}
    found: list[type[errors.KrSmsError]] = []
    pending: list[type[errors.KrSmsError]] = [errors.KrSmsError]
    while pending:
        current = pending.pop()
        if current.__module__ in modules and current not in found:
            found.append(current)
        pending += current.__subclasses__()
    return sorted(found, key=lambda error_class: error_class.__qualname__)


def example(error_class: type[errors.KrSmsError]) -> errors.KrSmsError:
    """An instance of ``error_class`` with every field set to something other than its default."""
    if issubclass(error_class, errors.ValidationError):
        return error_class("recipients[3].number", "is not a phone number", limit="digits", value="010****5678")
    if issubclass(error_class, errors.RateLimitedError):
        return error_class(
            "slow down",
            provider="nhn",
            status_code=429,
            code="-9",
            request_id="req-1",
            method="GET",
            path=PATH,
            retry_after=2.5,
        )
    if issubclass(error_class, errors.ProviderError):
        return error_class(
            "refused", provider="nhn", status_code=400, code="-2019", request_id="req-1", method="POST", path=PATH
        )
    if issubclass(error_class, errors.TransportError):
        return error_class("POST https://x/***: boom", may_have_been_sent=not error_class.may_have_been_sent)
    return error_class("something failed")


@pytest.mark.parametrize("error_class", error_classes(), ids=lambda error_class: error_class.__qualname__)
def test_every_error_survives_pickling_and_copying_with_its_fields(error_class: type[errors.KrSmsError]) -> None:
    error = example(error_class)
    for copied in (pickle.loads(pickle.dumps(error)), copy.deepcopy(error)):
        assert type(copied) is error_class
        assert str(copied) == str(error)
        assert copied.args == error.args
        assert vars(copied) == vars(error)


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        (
            {"status_code": 200, "code": "-2019", "method": "POST", "path": PATH},
            f"nhn: refused (POST {PATH}, HTTP 200, code -2019)",
        ),
        (
            {"status_code": 400, "code": "-2019", "request_id": "R1", "method": "GET", "path": PATH},
            f"nhn: refused (GET {PATH}, HTTP 400, code -2019, request R1)",
        ),
        ({"path": PATH}, f"nhn: refused ({PATH})"),
        ({"status_code": 400, "code": "-2019"}, "nhn: refused (HTTP 400, code -2019)"),
        ({}, "nhn: refused"),
    ],
    ids=["request-status-code", "every-fact", "path-alone", "no-request", "nothing"],
)
def test_a_provider_error_names_the_request_it_answers_first_among_its_facts(
    fields: dict[str, Any], shown: str
) -> None:
    """The request comes first in the parentheses: it tells which of an application's calls
    failed; an error from no single answer (a fake gateway's, say) reads as before."""
    error = errors.ProviderError("refused", provider="nhn", **fields)
    assert str(error) == shown
    assert error.args == (shown,)
    assert (error.method, error.path) == (fields.get("method"), fields.get("path"))


def test_a_rate_limit_names_its_request_beside_its_retry_after() -> None:
    error = errors.RateLimitedError("slow down", provider="sens", method="POST", path="/x/messages", retry_after=3)
    assert (error.method, error.path, error.retry_after) == ("POST", "/x/messages", 3)
    assert str(error) == "sens: slow down (POST /x/messages, HTTP 429)"


def test_the_list_of_error_classes_covers_the_providers() -> None:
    names = {error_class.__qualname__ for error_class in error_classes()}
    assert {"ValidationError", "RateLimitedError", "ConnectError", "TemplateNotFoundError"} <= names
    assert "ServiceNotFoundError" in names


@pytest.mark.parametrize(("package", "module"), [("krsms.nhn", nhn_errors), ("krsms.sens", sens_errors)])
def test_every_provider_error_class_is_importable_from_its_provider_package(package: str, module: ModuleType) -> None:
    """``except krsms.nhn.TemplateError`` works without knowing the module it lives in."""
    exported = importlib.import_module(package)
    classes = [
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, errors.KrSmsError) and value.__module__ == module.__name__
    ]
    assert classes
    assert all(getattr(exported, error_class.__name__) is error_class for error_class in classes)
    assert all(error_class.__name__ in exported.__all__ for error_class in classes)


def outcome_of_kind(error_class: type[errors.ProviderError]) -> SendStatus:
    """What a bulk send makes of a batch answered with ``error_class``, by its neutral kind: a
    429 or a redirect was refused before processing, a 5xx or an unreadable answer may have
    been carried out, anything else was processed and refused (the table in docs/bulk.md)."""
    if issubclass(error_class, (errors.RateLimitedError, errors.RedirectError)):
        return SendStatus.NOT_SENT
    if issubclass(error_class, (errors.ServerError, errors.MalformedResponseError)):
        return SendStatus.UNKNOWN
    return SendStatus.REJECTED


@pytest.mark.parametrize(
    "error_class",
    [error_class for error_class in error_classes() if issubclass(error_class, errors.ProviderError)],
    ids=lambda error_class: error_class.__qualname__,
)
async def test_a_batch_answered_with_a_provider_error_gets_the_outcome_its_class_declares(
    error_class: type[errors.ProviderError],
) -> None:
    expected = outcome_of_kind(error_class)
    assert error_class.refused_before_processing is (expected is SendStatus.NOT_SENT)
    assert error_class.may_have_been_processed is (expected is SendStatus.UNKNOWN)
    failure = example(error_class)

    def answer_with_it(request: FakeRequest) -> None:
        raise failure

    gateway = FakeGateway(batch_size=10, on_request=answer_with_it)
    report = await gateway.send(Message(sender="0212345678", text="안녕", recipients=list(numbers(3))))
    assert {outcome.status for outcome in report.outcomes} == {expected}
    # The SENS gateway keeps such a send unsettled until a look-up settles it.
    assert _may_have_arrived(failure) is (expected is SendStatus.UNKNOWN)


@pytest.mark.parametrize(
    "error_class",
    [
        error_class
        for error_class in error_classes()
        if issubclass(error_class, errors.ProviderError) and error_class.fatal
    ],
    ids=lambda error_class: error_class.__qualname__,
)
async def test_a_fatal_answer_after_an_attempt_that_may_have_been_processed_leaves_its_batch_unknown(
    error_class: type[errors.ProviderError],
) -> None:
    """The first attempt (a 500) may have gone out: the batch is UNKNOWN whatever the fatal
    class declares, the send stops, and the SENS gateway keeps the attempt unsettled (it let
    another batch's look-up claim that request as its own)."""
    failure = example(error_class)
    failure.follows(example(errors.ServerError))

    def answer_with_it(request: FakeRequest) -> None:
        raise failure

    gateway = FakeGateway(batch_size=3, max_concurrency=1, on_request=answer_with_it)
    report = await gateway.send(Message(sender="0212345678", text="안녕", recipients=list(numbers(6))))
    assert [outcome.status for outcome in report.outcomes] == [SendStatus.UNKNOWN] * 3 + [SendStatus.NOT_SENT] * 3
    assert report.error is failure
    assert _may_have_arrived(failure)


@pytest.mark.parametrize(
    ("answer", "attempts", "status", "code"),
    [
        (httpx.Response(400, json={"statusCode": "400", "errorMessage": "bad"}), 1, SendStatus.REJECTED, "400"),
        (httpx.Response(429, headers={"Retry-After": "0"}), 2, SendStatus.NOT_SENT, "RateLimitedError"),
        (httpx.Response(301, headers={"Location": "https://elsewhere/"}), 1, SendStatus.NOT_SENT, "RedirectError"),
        (httpx.Response(500), 1, SendStatus.UNKNOWN, "ServerError"),
        (httpx.Response(202, text="<html>proxy</html>"), 1, SendStatus.UNKNOWN, "MalformedResponseError"),
    ],
    ids=["400", "429-after-retries", "301", "500", "202-not-json"],
)
async def test_each_kind_of_sens_answer_to_a_send_gets_the_outcome_of_its_error_class(
    answer: httpx.Response, attempts: int, status: SendStatus, code: str
) -> None:
    """Over the whole stack, from the answer: the transport retries only the 429, and each
    answer's outcome is the one its error class declares (see the test above)."""
    sends: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sends.append(request)
        return answer

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    retry = RetryPolicy(max_attempts=2, initial_backoff=0.01)
    sens = SensGateway(
        access_key="access", secret_key="secret", service_id="svc", http_client=client, retry=retry, reconcile=False
    )
    async with client, sens:
        report = await sens.send(Message(sender="0212345678", text="안녕", recipients=["01000000001"]))
    (outcome,) = report.outcomes
    assert (outcome.status, outcome.code) == (status, code)
    assert len(sends) == attempts


@pytest.mark.parametrize(
    ("status_code", "expected"),
    [
        (301, errors.RedirectError),
        (307, errors.RedirectError),
        (400, errors.BadRequestError),
        (401, errors.AuthenticationError),
        (403, errors.AuthenticationError),
        (404, errors.NotFoundError),
        (409, errors.BadRequestError),
        (429, errors.RateLimitedError),
        (503, errors.ServerError),
    ],
)
def test_error_class_for_status_follows_the_documented_tree(status_code: int, expected: type) -> None:
    """docs/errors.md: a 3xx is a RedirectError (refused before processing, fatal), not a
    BadRequestError (processed and refused), for an error parser of one's own as for the
    transport."""
    assert errors.error_class_for_status(status_code) is expected

"""Malformed provider answers become typed errors (or typed results), never KeyError/TypeError."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
import respx

from krsms import Message, NhnGateway, RecipientOutcome, SendStatus, SensGateway, errors
from krsms.nhn import NhnClient
from krsms.nhn.models import SendQuery, SendRecipient, SendRequest
from krsms.sens import SensClient
from krsms.sens.models import MessageQuery, MessageType, SendMessage
from krsms.sens.models import SendRequest as SensSendRequest
from krsms.transport import NO_RETRIES

SENS_HOST = "https://sens.apigw.ntruss.com"
NHN_HOST = "https://api-sms.cloud.toast.com"
SERVICE = "/sms/v2/services/svc"
APP = "/sms/v2.2/appKeys/app-key"

ANSWERS: list[tuple[str, httpx.Response]] = [
    ("html error page", httpx.Response(502, html="<html><body>Bad Gateway</body></html>")),
    ("html with 200", httpx.Response(200, html="<html>maintenance</html>")),
    ("truncated json", httpx.Response(200, content=b'{"requestId": "R", "stat')),
    ("empty body", httpx.Response(200, content=b"")),
    ("json null", httpx.Response(200, json=None)),
    ("json list", httpx.Response(200, json=[1, 2, 3])),
    ("wrong types", httpx.Response(200, json={"requestId": {"a": 1}, "requestTime": 5, "messages": "x"})),
    ("missing fields", httpx.Response(200, json={})),
    ("not json at all", httpx.Response(200, content=b"\xff\xfe\x00garbage")),
]


def sens_client() -> SensClient:
    return SensClient(access_key="access-key", secret_key="secret-key", service_id="svc", retry=NO_RETRIES)


def nhn_client() -> NhnClient:
    return NhnClient(app_key="app-key", retry=NO_RETRIES)


SENS_CALLS: dict[str, tuple[str, str, Callable[[SensClient], Awaitable[Any]]]] = {
    "send": (
        "POST",
        f"{SERVICE}/messages",
        lambda client: client.send(
            SensSendRequest(
                type=MessageType.SMS, from_="0212345678", content="x", messages=(SendMessage(to="01000000001"),)
            )
        ),
    ),
    "list": ("GET", f"{SERVICE}/messages", lambda client: client.list_messages(MessageQuery(request_id="R"))),
    "reservation": ("GET", f"{SERVICE}/reservations/R/reserve-status", lambda client: client.reservation_status("R")),
    "unsubscribes": ("GET", f"{SERVICE}/unsubscribes", lambda client: client.list_unsubscribes()),
}
NHN_CALLS: dict[str, tuple[str, str, Callable[[NhnClient], Awaitable[Any]]]] = {
    "send": (
        "POST",
        f"{APP}/sender/sms",
        lambda client: client.send_sms(
            SendRequest(send_no="15446859", body="x", recipient_list=(SendRecipient(recipient_no="01000000001"),))
        ),
    ),
    "list": ("GET", f"{APP}/sender/sms", lambda client: client.list_sms(SendQuery(request_id="R"))),
    "templates": ("GET", f"{APP}/templates", lambda client: client.list_templates()),
}


async def check_typed(
    provider: str, host: str, call: tuple[str, str, Callable[[Any], Awaitable[Any]]], client: Any, case: str,
    answer: httpx.Response, secret: str,
) -> None:  # fmt: skip
    """The call answered with ``answer`` returns a typed result or raises a typed ProviderError."""
    method, path, invoke = call
    with respx.mock(base_url=host) as router:
        router.route(method=method, path=path).mock(return_value=answer)
        async with client:
            try:
                await invoke(client)
            except errors.ProviderError as error:
                assert error.provider == provider
                assert secret not in str(error)
            except (KeyError, TypeError, AttributeError, ValueError) as error:  # pragma: no cover - the failure
                pytest.fail(f"{type(error).__name__} escaped for {case!r}: {error}")


@pytest.mark.parametrize(("case", "answer"), ANSWERS, ids=[case for case, _ in ANSWERS])
@pytest.mark.parametrize("call", list(SENS_CALLS))
async def test_sens_answers(case: str, answer: httpx.Response, call: str) -> None:
    await check_typed("sens", SENS_HOST, SENS_CALLS[call], sens_client(), case, answer, secret="secret-key")


NHN_ANSWERS = [
    *ANSWERS,
    (
        "isSuccessful false with 200",
        httpx.Response(200, json={"header": {"isSuccessful": False, "resultCode": -2019, "resultMessage": "bad"}}),
    ),
    ("header not an object", httpx.Response(200, json={"header": "yes", "body": {}})),
    ("body data wrong type", httpx.Response(200, json={"header": {"isSuccessful": True}, "body": {"data": "x"}})),
    ("resultCode not a number", httpx.Response(200, json={"header": {"isSuccessful": False, "resultCode": "?"}})),
]


@pytest.mark.parametrize(("case", "answer"), NHN_ANSWERS, ids=[case for case, _ in NHN_ANSWERS])
@pytest.mark.parametrize("call", list(NHN_CALLS))
async def test_nhn_answers(case: str, answer: httpx.Response, call: str) -> None:
    await check_typed("nhn", NHN_HOST, NHN_CALLS[call], nhn_client(), case, answer, secret="app-key")


async def test_an_empty_204_is_a_typed_result() -> None:
    with respx.mock(base_url=SENS_HOST) as router:
        router.delete(f"{SERVICE}/reservations/R").respond(204)
        async with sens_client() as client:
            assert await client.cancel_reservation("R") is None


async def send_one(provider: str, answer: httpx.Response) -> RecipientOutcome:
    """The outcome of one recipient sent through ``provider``'s gateway, answered ``answer``."""
    with respx.mock() as router:
        router.post(url__regex=r".*/(messages|sender/sms)$").mock(return_value=answer)
        if provider == "sens":
            gateway: SensGateway | NhnGateway = SensGateway(
                access_key="a", secret_key="s", service_id="svc", retry=NO_RETRIES, reconcile=False
            )
        else:
            gateway = NhnGateway(app_key="app-key", retry=NO_RETRIES, reconcile=False)
        async with gateway:
            report = await gateway.send(Message(sender="0212345678", text="x", recipients=["01000000001"]))
    (outcome,) = report.outcomes
    return outcome


@pytest.mark.parametrize("provider", ["sens", "nhn"])
async def test_a_malformed_send_answer_makes_the_batch_unknown_not_a_crash(provider: str) -> None:
    outcome = await send_one(provider, httpx.Response(200, html="<html>oops</html>"))
    assert (outcome.status, outcome.code) == (SendStatus.UNKNOWN, "MalformedResponseError")


NULL_REQUEST_ID = {
    "sens": {"requestId": None, "requestTime": "2026-11-26T10:00:00.000", "statusCode": "202", "statusName": "success"},
    "nhn": {
        "header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"},
        "body": {
            "data": {
                "requestId": None,
                "statusCode": "2",
                "sendResultList": [
                    {"recipientNo": "01000000001", "resultCode": 0, "resultMessage": "SUCCESS", "recipientSeq": 1}
                ],
            }
        },
    },
}


@pytest.mark.parametrize("provider", ["sens", "nhn"])
async def test_a_null_request_id_is_malformed_not_the_text_none(provider: str) -> None:
    """cattrs alone would turn a null into the string "None": an ACCEPTED outcome with a
    request id that finds nothing. A null where the document promises text is malformed."""
    outcome = await send_one(provider, httpx.Response(200, json=NULL_REQUEST_ID[provider]))
    assert (outcome.status, outcome.code, outcome.request_id) == (SendStatus.UNKNOWN, "MalformedResponseError", None)


@pytest.mark.parametrize("messages", ["R-1", {"messageId": "M"}], ids=["text", "object"])
async def test_a_list_answered_as_text_or_object_is_malformed_not_its_characters(messages: object) -> None:
    """cattrs alone reads any iterable as a tuple: ``"R-1"`` would be three messages, an object
    its keys, and a look-up would go on with them."""
    answer = {"requestId": "R", "statusCode": "202", "statusName": "success", "messages": messages}
    with respx.mock(base_url=SENS_HOST) as router:
        router.get(f"{SERVICE}/messages").respond(200, json=answer)
        async with sens_client() as client:
            with pytest.raises(errors.MalformedResponseError, match=r"messages is .*, not a list"):
                await client.list_messages(MessageQuery(request_id="R"))

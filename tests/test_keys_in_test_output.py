"""A failing test of a user's must not print the keys it passed to krsms: pytest shows the
arguments of a traceback's frames, and with ``-l`` their locals. Nor may an error tracker
find them in the locals of the frames an error passed, from a constructor given them or an
answer echoing them."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import traceback
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path

import attrs
import httpx
import pytest
import respx

import krsms
from krsms import MessageKind, NhnGateway, SensGateway, ValidationError
from krsms.fanout import Batch, BatchAttempt
from krsms.nhn import NhnClient
from krsms.nhn import models as nhn_models
from krsms.nhn.api import NhnApi
from krsms.retry import NO_RETRIES
from krsms.sens import SensClient
from krsms.sens import models as sens_models

KEYS = {
    "T_NHN_APP_KEY": "NhnAppKey4711",
    "T_NHN_SECRET": "NhnSecret4712",
    "T_SENS_ACCESS": "SensAccess4713",
    "T_SENS_SECRET": "SensSecret4714",
}

USER_PYTEST_INI = "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
"""A user's pytest settings: unset, the fixture loop scope makes pytest-asyncio warn of its coming default."""

FAILING_TESTS = """
import os
import pytest
from krsms import NhnGateway, SensGateway
from krsms.nhn import NhnClient
from krsms.sens import SensClient

KEY = os.environ.__getitem__


def test_an_nhn_key_read_with_its_line_break():
    NhnGateway(app_key=KEY("T_NHN_APP_KEY") + "\\n", secret_key=KEY("T_NHN_SECRET"))


def test_an_nhn_client_with_a_bad_base_url():
    NhnClient(app_key=KEY("T_NHN_APP_KEY"), secret_key=KEY("T_NHN_SECRET"), base_url="htp://x")


def test_a_sens_secret_read_with_its_line_break():
    SensGateway(access_key=KEY("T_SENS_ACCESS"), secret_key=KEY("T_SENS_SECRET") + "\\r\\n", service_id="s")


def test_a_sens_client_with_a_bad_base_url():
    SensClient(access_key=KEY("T_SENS_ACCESS"), secret_key=KEY("T_SENS_SECRET"), service_id="s", base_url=" x")
"""


def test_a_constructor_refusing_its_input_shows_no_key_in_pytest_output(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(FAILING_TESTS)
    (tmp_path / "pytest.ini").write_text(USER_PYTEST_INI)
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly", "--tb=long", "-l"],
        cwd=tmp_path,
        env={**os.environ, **KEYS},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "4 failed" in ran.stdout
    assert "ValidationError" in ran.stdout
    leaked = [line for line in ran.stdout.splitlines() if any(key in line for key in KEYS.values())]
    assert leaked == []


ANSWERED_TESTS = """
import os
import respx
from krsms.nhn import NhnClient
from krsms.nhn.models import SendRecipient, SendRequest
from krsms.sens import SensClient
from krsms.sens.models import MessageType, SendMessage
from krsms.sens.models import SendRequest as SensSendRequest

KEY = os.environ.__getitem__
REFUSAL = {"header": {"isSuccessful": False, "resultCode": -2312, "resultMessage": "refused"}}


async def test_an_nhn_refusal_inside_an_http_200_answer():
    with respx.mock(base_url="https://api-sms.cloud.toast.com") as api:
        api.post(url__regex=r"/sender/sms$").respond(200, json=REFUSAL)
        async with NhnClient(app_key=KEY("T_NHN_APP_KEY"), secret_key=KEY("T_NHN_SECRET")) as nhn:
            recipients = (SendRecipient(recipient_no="01000000001"),)
            await nhn.send_sms(SendRequest(body="x", send_no="15446859", recipient_list=recipients))


async def test_an_nhn_http_error_status():
    with respx.mock(base_url="https://api-sms.cloud.toast.com") as api:
        api.get(url__regex=r"/templates/T1$").respond(404, text="no such page")
        async with NhnClient(app_key=KEY("T_NHN_APP_KEY"), secret_key=KEY("T_NHN_SECRET")) as nhn:
            await nhn.get_template("T1")


async def test_a_sens_refusal():
    with respx.mock(base_url="https://sens.apigw.ntruss.com") as api:
        api.post(url__regex=r"/messages$").respond(400, json={"statusCode": "400", "errorMessage": "refused"})
        async with SensClient(
            access_key=KEY("T_SENS_ACCESS"), secret_key=KEY("T_SENS_SECRET"), service_id="ncp:sms:kr:1:svc"
        ) as sens:
            request = SensSendRequest(
                type=MessageType.SMS, from_="0212345678", content="x", messages=(SendMessage(to="01000000001"),)
            )
            await sens.send(request)
"""


def test_a_provider_error_naming_its_request_shows_no_key_in_pytest_output(tmp_path: Path) -> None:
    """The error names the request it answers (its path holds NHN's appKey): redacted, in the
    message as in every frame's locals pytest prints with ``-l``."""
    (tmp_path / "test_user.py").write_text(ANSWERED_TESTS)
    (tmp_path / "pytest.ini").write_text(USER_PYTEST_INI)
    # The krsms this test imports, not whichever the environment installed (a checkout's src/).
    source = str(Path(krsms.__file__).resolve().parents[1])
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly", "--tb=long", "-l"],
        cwd=tmp_path,
        env={**os.environ, **KEYS, "PYTHONPATH": source},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "3 failed" in ran.stdout, ran.stdout[-3000:]
    assert "nhn: refused (POST /sms/v2.2/appKeys/***/sender/sms, HTTP 200, code -2312)" in ran.stdout
    assert "(GET /sms/v2.2/appKeys/***/templates/T1, HTTP 404)" in ran.stdout
    assert "sens: refused (POST /sms/v2/services/ncp:sms:kr:1:svc/messages, HTTP 400, code 400)" in ran.stdout
    leaked = [line for line in ran.stdout.splitlines() if any(key in line for key in KEYS.values())]
    assert leaked == []


SENS_ACCESS, SENS_SECRET = KEYS["T_SENS_ACCESS"], KEYS["T_SENS_SECRET"]
NHN_APP_KEY, NHN_SECRET = KEYS["T_NHN_APP_KEY"], KEYS["T_NHN_SECRET"]


def _refused_constructions() -> dict[str, Callable[[], object]]:
    """Constructors given keys and refusing something: a key with its line break, or any other
    argument (the keys being right)."""
    return {
        "SensGateway, a secret key with its line break": lambda: SensGateway(
            access_key=SENS_ACCESS, secret_key=SENS_SECRET + "\n", service_id="s"
        ),
        "SensGateway, a bad base_url": lambda: SensGateway(
            access_key=SENS_ACCESS, secret_key=SENS_SECRET, service_id="s", base_url="htp://x"
        ),
        "SensGateway, a bad requests_per_second": lambda: SensGateway(
            access_key=SENS_ACCESS, secret_key=SENS_SECRET, service_id="s", requests_per_second=-1
        ),
        "SensClient, a bad max_concurrency": lambda: SensClient(
            access_key=SENS_ACCESS, secret_key=SENS_SECRET, service_id="s", max_concurrency=0
        ),
        "NhnGateway, an appKey with its line break": lambda: NhnGateway(
            app_key=NHN_APP_KEY + "\n", secret_key=NHN_SECRET
        ),
        "NhnGateway, a bad base_url": lambda: NhnGateway(app_key=NHN_APP_KEY, secret_key=NHN_SECRET, base_url=" x"),
        "NhnClient, a bad timeout": lambda: NhnClient(app_key=NHN_APP_KEY, secret_key=NHN_SECRET, timeout=-1),
        "NhnApi, a secret key with a line break": lambda: NhnApi(app_key=NHN_APP_KEY, secret_key=NHN_SECRET + "\r\n"),
    }


@pytest.mark.parametrize("construction", list(_refused_constructions()))
def test_a_constructor_refusing_its_input_leaves_no_key_in_its_traceback_locals(construction: str) -> None:
    """Error trackers (Sentry) and ``traceback``'s ``capture_locals`` record the locals of every
    frame an exception passed, whatever pytest's ``__tracebackhide__`` says: a constructor's
    arguments are its keys."""
    with pytest.raises(ValidationError) as refused:
        _refused_constructions()[construction]()
    shown = "".join(traceback.TracebackException.from_exception(refused.value, capture_locals=True).format())
    assert "ValidationError" in shown
    assert [key for key in KEYS.values() if key in shown] == []


# -- answers that echo the keys ---------------------------------------------------------------

NHN_HOST, SENS_HOST = "https://api-sms.cloud.toast.com", "https://sens.apigw.ntruss.com"
ECHOING_NHN_SECRET = "NhnSecret\\Echoed4722"  # a backslash: a repr shows it escaped
NHN_ECHO = {"appKey": NHN_APP_KEY, "headers": {"X-Secret-Key": ECHOING_NHN_SECRET}}
SENS_ECHO = {"headers": {"x-ncp-iam-access-key": SENS_ACCESS, "x-ncp-secret": SENS_SECRET}}
SENS_SERVICE = "ncp:sms:kr:1:svc"


def _envelope(body: object, *, successful: object = True, code: int = 0) -> dict[str, object]:
    return {"header": {"isSuccessful": successful, "resultCode": code, "resultMessage": "x"}, "body": body}


def _page(*entries: object) -> dict[str, object]:
    return _envelope({"pageNum": 1, "pageSize": 15, "totalCount": len(entries), "data": list(entries)})


NHN_SEND = nhn_models.SendRequest(
    body="x", send_no="15446859", recipient_list=(nhn_models.SendRecipient(recipient_no="01000000001"),)
)
SENS_SEND = sens_models.SendRequest(
    type=sens_models.MessageType.SMS,
    from_="0212345678",
    content="x",
    messages=(sens_models.SendMessage(to="01000000001"),),
)
SENS_MESSAGES = sens_models.MessageQuery(request_id="R1")
SENDER_NUMBER = {"sendNo": "15446859", "appKey": NHN_APP_KEY, "useYn": NHN_ECHO, "blockYn": "N"}
"""NHN's documented sender-number entry carries the appKey; this one does not fit (``useYn``)."""


async def _download(nhn: NhnClient) -> None:
    async with nhn.download("D1"):
        pass


NhnCall = Callable[[NhnClient], Awaitable[object]]
SensCall = Callable[[SensClient], Awaitable[object]]

NHN_FAILURES: dict[str, tuple[httpx.Response | type[Exception], NhnCall]] = {
    "a send whose data does not fit": (
        httpx.Response(200, json=_envelope({"data": {"requestId": NHN_ECHO, "statusCode": "2"}})),
        lambda nhn: nhn.send_sms(NHN_SEND),
    ),
    "a send refused inside an HTTP 200": (
        httpx.Response(200, json=_envelope(NHN_ECHO, successful=False, code=-2312)),
        lambda nhn: nhn.send_sms(NHN_SEND),
    ),
    "an unknown appKey inside an HTTP 200": (
        httpx.Response(200, json=_envelope(NHN_ECHO, successful=False, code=-1000)),
        lambda nhn: nhn.get_template("T1"),
    ),
    "an envelope that says neither success nor failure": (
        httpx.Response(200, json={"header": {"isSuccessful": None, "echo": NHN_ECHO}, "body": NHN_ECHO}),
        lambda nhn: nhn.get_template("T1"),
    ),
    "a success beside a failure code": (
        httpx.Response(200, json=_envelope(NHN_ECHO, code=-2312)),
        lambda nhn: nhn.delete_template("T1"),
    ),
    "a sender-number page that does not fit": (
        httpx.Response(200, json=_page(SENDER_NUMBER)),
        lambda nhn: nhn.list_sender_numbers(),
    ),
    "a page body that is not an object": (
        httpx.Response(200, json=_envelope([NHN_ECHO])),
        lambda nhn: nhn.list_sender_numbers(),
    ),
    "page data that is not a list": (
        httpx.Response(200, json=_envelope({"data": NHN_ECHO})),
        lambda nhn: nhn.list_sender_numbers(),
    ),
    "an iteration's page that does not fit": (
        httpx.Response(200, json=_page(SENDER_NUMBER)),
        lambda nhn: anext(aiter(nhn.iter_sender_numbers())),
    ),
    "a category answer that does not fit": (
        httpx.Response(200, json=_envelope({"data": [NHN_ECHO]})),
        lambda nhn: nhn.get_category(1),
    ),
    "a download refused inside an HTTP 200": (
        httpx.Response(200, json=_envelope(NHN_ECHO, successful=False, code=-2008)),
        _download,
    ),
    "a 401 echoing the request": (
        httpx.Response(401, json={**_envelope(NHN_ECHO, successful=False, code=-1000)}),
        lambda nhn: nhn.get_template("T1"),
    ),
    "a 500 page echoing the request": (
        httpx.Response(500, text=json.dumps(NHN_ECHO)),
        lambda nhn: nhn.get_template("T1"),
    ),
    "an answer that is not JSON": (httpx.Response(200, text=f"<{NHN_ECHO}>"), lambda nhn: nhn.get_template("T1")),
    "a connection refused": (httpx.ConnectError, lambda nhn: nhn.send_sms(NHN_SEND)),
    "an answer that never came": (httpx.ReadTimeout, lambda nhn: nhn.send_sms(NHN_SEND)),
}

SENS_FAILURES: dict[str, tuple[httpx.Response | type[Exception], SensCall]] = {
    "a send answer that does not fit": (
        httpx.Response(202, json={"requestId": SENS_ECHO, "statusCode": "202"}),
        lambda sens: sens.send(SENS_SEND),
    ),
    "a 202 saying the send failed": (
        httpx.Response(
            202,
            json={
                "requestId": "R1",
                "requestTime": "2026-01-02T03:04:05.000",
                "statusCode": "400",
                "statusName": f"fail {SENS_ACCESS}",
                "echo": SENS_ECHO,
            },
        ),
        lambda sens: sens.send(SENS_SEND),
    ),
    "a look-up that does not fit": (
        httpx.Response(
            200, json={"requestId": "R1", "statusCode": "202", "statusName": "success", "messages": SENS_ECHO}
        ),
        lambda sens: sens.list_messages(SENS_MESSAGES),
    ),
    "a 401 echoing the request's headers": (
        httpx.Response(
            401, json={"error": {"errorCode": "200", "message": "Authentication Failed", "details": SENS_ECHO}}
        ),
        lambda sens: sens.send(SENS_SEND),
    ),
    "a 500 echoing the request's headers": (
        httpx.Response(500, json={"statusCode": "500", "errorMessage": json.dumps(SENS_ECHO)}),
        lambda sens: sens.get_message("M1"),
    ),
    "an answer that is not JSON": (httpx.Response(200, text=f"<{SENS_ECHO}>"), lambda sens: sens.get_message("M1")),
    "a connection refused": (httpx.ConnectError, lambda sens: sens.send(SENS_SEND)),
}


def _keys_in_tracebacks(error: BaseException, keys: Sequence[str]) -> list[str]:
    """The ``keys`` an error tracker could record from ``error``: in its traceback formatted
    with ``capture_locals`` (the message and every frame's locals, causes and contexts too),
    and in the repr of every local of every frame its tracebacks hold. Each key is looked for
    as written, as a repr escapes it and base64-encoded."""
    shown = ["".join(traceback.TracebackException.from_exception(error, capture_locals=True).format())]
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        pending += [current.__cause__, current.__context__]
        for frame, _ in traceback.walk_tb(current.__traceback__):
            shown += [repr(value) for value in frame.f_locals.values()]
    text = "\n".join(shown)
    forms = {key: {key, repr(key)[1:-1], base64.b64encode(key.encode()).decode()} for key in keys}
    return [key for key in keys if any(form in text for form in forms[key])]


def _answering(router: respx.MockRouter, answer: httpx.Response | type[Exception]) -> None:
    route = router.route()
    if isinstance(answer, httpx.Response):
        route.mock(return_value=answer)
    else:
        route.mock(side_effect=answer)


@pytest.mark.parametrize("failure", list(NHN_FAILURES))
async def test_an_nhn_answer_echoing_the_keys_leaves_them_in_no_traceback(failure: str) -> None:
    """Error trackers record every local of every frame an error passed: the decoded answer
    an error was read from (NHN's sender-number entries carry the appKey; a gateway may echo
    the request's headers) must not be one of them, nor an httpx request (its repr shows the
    URL, its headers' the X-Secret-Key)."""
    answer, call = NHN_FAILURES[failure]
    with respx.mock(base_url=NHN_HOST) as router:
        _answering(router, answer)
        async with NhnClient(app_key=NHN_APP_KEY, secret_key=ECHOING_NHN_SECRET, retry=NO_RETRIES) as nhn:
            with pytest.raises(krsms.KrSmsError) as failed:
                await call(nhn)
    leaked = _keys_in_tracebacks(
        failed.value, [NHN_APP_KEY, ECHOING_NHN_SECRET]
    )  # not in the assert: its rewriting keeps the keys in locals
    assert leaked == []


@pytest.mark.parametrize("failure", list(SENS_FAILURES))
async def test_a_sens_answer_echoing_the_keys_leaves_them_in_no_traceback(failure: str) -> None:
    """As for NHN: SENS's API gateway may echo the signed headers (the access key) in an error body."""
    answer, call = SENS_FAILURES[failure]
    with respx.mock(base_url=SENS_HOST) as router:
        _answering(router, answer)
        async with SensClient(
            access_key=SENS_ACCESS, secret_key=SENS_SECRET, service_id=SENS_SERVICE, retry=NO_RETRIES
        ) as sens:
            with pytest.raises(krsms.KrSmsError) as failed:
                await call(sens)
    leaked = _keys_in_tracebacks(
        failed.value, [SENS_ACCESS, SENS_SECRET]
    )  # not in the assert: its rewriting keeps the keys in locals
    assert leaked == []


async def test_the_fatal_error_a_bulk_send_keeps_holds_no_echoed_key_in_its_traceback() -> None:
    """``SendReport.error`` keeps the error that stopped a send, with its traceback: an error
    tracker given it records the locals of the frames it passed."""
    message = krsms.Message(sender="15446859", text="x", recipients=["01000000001", "01000000002"])
    with respx.mock(base_url=NHN_HOST) as router:
        router.route().respond(200, json=_envelope(NHN_ECHO, successful=False, code=-1000))
        async with NhnGateway(app_key=NHN_APP_KEY, secret_key=ECHOING_NHN_SECRET, retry=NO_RETRIES) as nhn:
            report = await nhn.send(message)
    assert isinstance(report.error, krsms.AuthenticationError)
    leaked = _keys_in_tracebacks(
        report.error, [NHN_APP_KEY, ECHOING_NHN_SECRET]
    )  # not in the assert: its rewriting keeps the keys in locals
    assert leaked == []
    with respx.mock(base_url=SENS_HOST) as router:
        router.route().respond(401, json={"error": {"errorCode": "200", "message": "x", "details": SENS_ECHO}})
        async with SensGateway(
            access_key=SENS_ACCESS, secret_key=SENS_SECRET, service_id=SENS_SERVICE, retry=NO_RETRIES
        ) as sens:
            report = await sens.send(attrs.evolve(message, sender="0212345678"))
    assert isinstance(report.error, krsms.AuthenticationError)
    leaked = _keys_in_tracebacks(
        report.error, [SENS_ACCESS, SENS_SECRET]
    )  # not in the assert: its rewriting keeps the keys in locals
    assert leaked == []


async def test_a_delivery_look_up_that_does_not_fit_leaves_no_echoed_key_in_its_traceback() -> None:
    with respx.mock(base_url=NHN_HOST) as router:
        router.route().respond(200, json=_page({"requestId": NHN_ECHO}))
        async with NhnGateway(app_key=NHN_APP_KEY, secret_key=ECHOING_NHN_SECRET, retry=NO_RETRIES) as nhn:
            with pytest.raises(krsms.MalformedResponseError) as failed:
                await nhn.delivery_results("R1")
    leaked = _keys_in_tracebacks(
        failed.value, [NHN_APP_KEY, ECHOING_NHN_SECRET]
    )  # not in the assert: its rewriting keeps the keys in locals
    assert leaked == []
    with respx.mock(base_url=SENS_HOST) as router:
        router.route().respond(200, json={"statusCode": "202", "statusName": "success", "messages": [SENS_ECHO]})
        async with SensGateway(
            access_key=SENS_ACCESS, secret_key=SENS_SECRET, service_id=SENS_SERVICE, retry=NO_RETRIES
        ) as sens:
            with pytest.raises(krsms.MalformedResponseError) as failed:
                await sens.delivery_results("R1")
    leaked = _keys_in_tracebacks(
        failed.value, [SENS_ACCESS, SENS_SECRET]
    )  # not in the assert: its rewriting keeps the keys in locals
    assert leaked == []


UNFIT_SEND_DATA = {
    "requestId": "R1",
    "statusCode": "2",
    "sendResultList": [{"recipientNo": NHN_ECHO, "resultCode": -1, "recipientSeq": 1}],
}
"""A send's answer whose entry does not fit (a module constant: in a test's locals it would be
found in the traceback, the test's frame being one of its frames)."""


async def test_a_batch_answer_that_does_not_fit_leaves_no_echoed_key_in_its_traceback() -> None:
    """A bulk send keeps no error of a batch it could not read (the batch is UNKNOWN), but
    ``send_batch`` itself raises it, read from 1,000 entries NHN may have filled with anything."""
    batch = Batch(kind=MessageKind.SMS, indexes=(0,), recipients=["01000000001"])
    attempt = BatchAttempt(key="k", started_at=datetime.now(timezone.utc))
    with respx.mock(base_url=NHN_HOST) as router:
        router.route().respond(200, json=_envelope({"data": UNFIT_SEND_DATA}))
        async with NhnGateway(app_key=NHN_APP_KEY, secret_key=ECHOING_NHN_SECRET, retry=NO_RETRIES) as nhn:
            with pytest.raises(krsms.MalformedResponseError) as failed:
                await nhn.send_batch(krsms.Message(sender="15446859", text="x"), batch, attempt)
    leaked = _keys_in_tracebacks(failed.value, [NHN_APP_KEY, ECHOING_NHN_SECRET])
    assert leaked == []

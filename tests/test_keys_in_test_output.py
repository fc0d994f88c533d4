"""A failing test of a user's must not print the keys it passed to krsms: pytest shows the
arguments of a traceback's frames, and with ``-l`` their locals."""

from __future__ import annotations

import os
import subprocess
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest

import krsms
from krsms import NhnGateway, SensGateway, ValidationError
from krsms.nhn import NhnClient
from krsms.nhn.api import NhnApi
from krsms.sens import SensClient

KEYS = {
    "T_NHN_APP_KEY": "NhnAppKey4711",
    "T_NHN_SECRET": "NhnSecret4712",
    "T_SENS_ACCESS": "SensAccess4713",
    "T_SENS_SECRET": "SensSecret4714",
}

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
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
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
    (tmp_path / "pytest.ini").write_text("[pytest]\nasyncio_mode = auto\n")
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

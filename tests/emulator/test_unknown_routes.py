"""A path or method neither provider has answers in that provider's own error shape, and one
the inspection API lacks in its JSON shape: never Starlette's plain-text 404 or 405."""

from __future__ import annotations

import httpx
import pytest
from nhn_answers import code_of
from sens_signing import SERVICE

from krsms.emulator import DEMO_NHN_APP_KEY

NHN = f"/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", f"{NHN}/sender/sms"),
        ("OPTIONS", f"{NHN}/sender/sms"),
        ("PATCH", f"{NHN}/no/such/api"),
        ("GET", "/sms/v2.2/no/such/api"),
        ("POST", "/sms/v2.2/appKeys/"),
    ],
)
async def test_an_unknown_nhn_path_or_method_is_minus_9998_in_the_envelope(
    nhn: httpx.AsyncClient, method: str, path: str
) -> None:
    answer = await nhn.request(method, path)
    assert code_of(answer) == -9998
    assert answer.json()["body"] is None


async def test_an_unknown_method_under_a_wrong_app_key_is_minus_1001(nhn: httpx.AsyncClient) -> None:
    assert code_of(await nhn.request("PATCH", "/sms/v2.2/appKeys/wrong/sender/sms")) == -1001


@pytest.mark.parametrize(
    ("method", "path"),
    [("OPTIONS", f"{SERVICE}/messages"), ("TRACE", "/sms/v2/no/such/api"), ("PATCH", f"{SERVICE}/files")],
)
async def test_an_unknown_sens_path_or_method_is_the_gateways_json_404(
    sens: httpx.AsyncClient, method: str, path: str
) -> None:
    answer = await sens.request(method, path)
    assert answer.status_code == 404
    assert answer.json()["error"]["errorCode"] == "300"


async def test_an_unknown_inspection_path_is_a_json_404(nhn: httpx.AsyncClient) -> None:
    answer = await nhn.get("/_emulator/no-such-thing")
    assert answer.status_code == 404
    assert "/_emulator/no-such-thing" in answer.json()["error"]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("POST", "/_emulator/health", "GET, HEAD"),
        ("PUT", "/_emulator/deliveries", "DELETE, GET, HEAD"),
        ("DELETE", "/_emulator/faults", "GET, HEAD, PUT"),
    ],
)
async def test_a_wrong_method_on_an_inspection_path_is_a_json_405_naming_the_allowed_ones(
    nhn: httpx.AsyncClient, method: str, path: str, allowed: str
) -> None:
    answer = await nhn.request(method, path)
    assert answer.status_code == 405
    assert answer.headers["allow"] == allowed
    assert allowed in answer.json()["error"]


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_an_api_prefix_without_its_path_is_its_apis_not_found_never_a_redirect(
    nhn: httpx.AsyncClient, method: str
) -> None:
    """``/sms/v2``, ``/sms/v2.2`` and ``/_emulator`` name no endpoint: each answers as its API
    answers a path it lacks. Starlette's default is a 307 to the path with a slash, which
    the SDK refuses as fatal (it never follows a redirect), hiding the client's wrong path."""
    sens_answer = await nhn.request(method, "/sms/v2")
    assert (sens_answer.status_code, sens_answer.json()["error"]["errorCode"]) == (404, "300")
    assert code_of(await nhn.request(method, "/sms/v2.2")) == -9998
    inspection_answer = await nhn.request(method, "/_emulator")
    assert inspection_answer.status_code == 404
    assert "/_emulator is not in the inspection API" in inspection_answer.json()["error"]


@pytest.mark.parametrize("path", ["/", "/sms", "/sms/v3/services", "/SMS/v2/services/x/messages", "/nope/"])
async def test_a_path_outside_every_api_is_a_json_404_naming_the_apis(nhn: httpx.AsyncClient, path: str) -> None:
    answer = await nhn.post(path)
    assert answer.status_code == 404
    assert answer.json() == {
        "error": f"{path} is not served here: the emulator serves /sms/v2/ (SENS), /sms/v2.2/ (NHN) and /_emulator/"
    }

"""``Faults.sens_failed_request_code`` refuses 429: the emulator stores the send it fails, and
a 429 tells a client that the request was turned away before it was processed (the
emulator's own ``rate_limit`` fault answers it so). ``SensGateway`` retries it and reports
the recipients NOT_SENT, while the emulator stored each attempt: one request the SDK says
it never made, or, when a retry is not failed, the recipient sent twice."""

from __future__ import annotations

import httpx
import pytest

from krsms.emulator import EmulatorConfig, Faults, create_app


def test_a_failed_request_code_of_429_is_refused_naming_the_field_and_the_value() -> None:
    with pytest.raises(ValueError, match=r"sens_failed_request_code.*'429'"):
        Faults(sens_failed_request_rate=1.0, sens_failed_request_code="429")


@pytest.mark.parametrize("code", ["400", "428", "430", "500", "503", "599"])
def test_the_other_error_statuses_stay_accepted(code: str) -> None:
    assert Faults(sens_failed_request_code=code).sens_failed_request_code == code


async def test_a_put_of_429_is_a_400_naming_the_field_and_keeps_the_faults() -> None:
    app = create_app(EmulatorConfig())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator") as client:
        before = (await client.get("/_emulator/faults")).json()
        answer = await client.put(
            "/_emulator/faults", json={"sens_failed_request_rate": 1.0, "sens_failed_request_code": "429"}
        )
        assert answer.status_code == 400
        assert "sens_failed_request_code" in answer.json()["error"]
        assert (await client.get("/_emulator/faults")).json() == before

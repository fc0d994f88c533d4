"""The answer a transport gives: its URL and repr, which applications log and error trackers
capture, hide the recipients' numbers a look-up's URL holds, as httpx's log lines do."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from krsms import errors
from krsms.transport import NO_RETRIES, Response, Transport

NUMBER = "01012345678"


def generic_errors(response: Response) -> errors.ProviderError:
    error_class = errors.error_class_for_status(response.status_code)
    return error_class(f"HTTP {response.status_code}", provider="test", status_code=response.status_code)


@pytest.mark.parametrize(
    ("path", "params", "shown"),
    [
        ("/sms/v2/services/s/messages", {"to": NUMBER, "pageSize": 20}, "?to=***&pageSize=20"),
        ("/sms/v2/services/s/unsubscribes", {"clientTelNo": NUMBER}, "?clientTelNo=***"),
        ("/sms/v2.2/appKeys/k/sender/sms", {"recipientNo": f"+82{NUMBER}"}, "?recipientNo=***"),
        (
            "/sms/v2.2/appKeys/k/blockservice/recipients/removes",
            {"recipientNoList": f"{NUMBER},0101"},
            "?recipientNoList=***",
        ),
        ("/sms/v2.2/appKeys/k/uids/u/phone-numbers/" + NUMBER, None, ""),
    ],
)
async def test_an_answers_url_and_repr_hide_the_recipients_numbers_and_keep_its_path(
    path: str, params: dict[str, Any] | None, shown: str
) -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(lambda request: httpx.Response(200))) as client:
        transport = Transport(
            provider="test", auth=None, error_parser=generic_errors, http_client=client, retry=NO_RETRIES
        )
        answer = await transport.request("GET", "https://provider.test" + path, params=params)
    hidden_path = path.replace(NUMBER, "***")
    assert answer.url == "https://provider.test" + hidden_path + shown
    assert answer.path == hidden_path
    assert NUMBER not in repr(answer)

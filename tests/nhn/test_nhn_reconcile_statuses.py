"""What an NHN reconciliation concludes from the ``msgStatus`` the look-up (N2) lists for a
recipient of the lost batch: the outcome the lost send answer would have given.

Every state the document lists is one of a message NHN took: N34 shows a reserved recipient
(which its send answer accepted) going from RESERVED to SENDING, then COMPLETED, FAILED,
DUPLICATED, FAILED_AD or CANCEL, the same states N2 numbers 3, 0, 5, 6 and 4; N16 lists READY,
SENDING, COMPLETED and FAILED as one progression. A duplicate is also a code of the carrier's
relay (EMMA's E915), which comes after NHN handed the message on. So each is ACCEPTED, the send
answer having said resultCode 0, and ``delivery_results`` reports the failure; none is ever
resent. A recipient NHN refused in the send answer (a blocked number, -6001) is not listed, as
far as the document shows: it stays UNKNOWN (tests/reliability/test_decisions_nhn_reconcile.py).

The look-up's answer is the document's N2 example, with the ``msgStatus`` of each case.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import respx

from krsms import DeliveryStatus, Message, SendStatus
from krsms.emulator import DEMO_NHN_APP_KEY
from krsms.nhn import NhnGateway
from krsms.transport import NO_RETRIES

SEOUL = ZoneInfo("Asia/Seoul")
HOST = "https://nhn.test"
SENDS = f"{HOST}/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}/sender/sms"
REQUEST_ID = "20180810100630ReZQ6KZzAH0"
RECIPIENT = "01000000000"


def looked_up(msg_status: str, msg_status_name: str, result_code: str | None) -> dict[str, Any]:
    """N2's example answer, its one recipient in ``msg_status``."""
    entry = {
        "requestId": REQUEST_ID,
        "requestDate": "2018-08-10 10:06:30.0",
        "resultDate": "2018-08-10 10:06:42.0",
        "templateId": "TemplateId",
        "templateName": "テンプレート名",
        "categoryId": 0,
        "categoryName": "カテゴリー名",
        "body": "短文テスト",
        "sendNo": "15446859",
        "countryCode": "82",
        "recipientNo": RECIPIENT,
        "msgStatus": msg_status,
        "msgStatusName": msg_status_name,
        "resultCode": result_code,
        "resultCodeName": "成功" if result_code == "1000" else None,
        "telecomCode": 10001,
        "telecomCodeName": "SKT",
        "mtPr": "1",
        "sendType": "0",
        "userId": "tester",
        "adYn": "N",
        "resultMessage": "",
        "senderGroupingKey": "SenderGroupingKey",
        "recipientGroupingKey": "RecipientGroupingKey",
    }
    return {
        "header": {"resultCode": 0, "resultMessage": "SUCCESS", "isSuccessful": True},
        "body": {"pageNum": 1, "pageSize": 15, "totalCount": 1, "data": [entry]},
    }


@pytest.mark.parametrize(
    ("msg_status", "msg_status_name", "result_code", "delivery"),
    [
        ("1", "リクエスト", None, DeliveryStatus.PENDING),
        ("2", "処理中", None, DeliveryStatus.PENDING),
        ("3", "成功", "1000", DeliveryStatus.DELIVERED),
        ("3", "成功", "3015", DeliveryStatus.FAILED),  # handed to the carrier, no delivery path
        ("0", "失敗", None, DeliveryStatus.FAILED),
        ("4", "予約キャンセル", None, DeliveryStatus.CANCELLED),
        ("5", "重複失敗", None, DeliveryStatus.FAILED),
        ("6", "失敗(広告制限)", None, DeliveryStatus.FAILED),
    ],
    ids=["requested", "processing", "delivered", "undelivered", "failed", "cancelled", "duplicate", "ad-limit"],
)
@respx.mock
async def test_a_recipient_the_look_up_lists_is_accepted_whatever_its_status_and_never_resent(
    msg_status: str, msg_status_name: str, result_code: str | None, delivery: DeliveryStatus
) -> None:
    """The send's answer was lost (500); N2 lists the recipient under the batch's key in
    ``msg_status``: ACCEPTED with the request's id, as the send answer would have been, and the
    delivery look-up says what became of it."""
    send = respx.post(SENDS).respond(
        500, json={"header": {"resultCode": -9999, "resultMessage": "FAIL", "isSuccessful": False}}
    )
    respx.get(url__startswith=SENDS).respond(json=looked_up(msg_status, msg_status_name, result_code))
    # A cancelled reservation (4) is one of a reserved send.
    reserve_at = datetime.now(SEOUL).replace(second=0, microsecond=0) + timedelta(days=1) if msg_status == "4" else None
    message = Message(sender="15446859", text="短文テスト", recipients=[RECIPIENT], reserve_at=reserve_at)
    async with NhnGateway(
        app_key=DEMO_NHN_APP_KEY, base_url=HOST, retry=NO_RETRIES, reconcile_delay=0, resend_missing=True
    ) as nhn:
        report = await nhn.send(message)
        (result,) = await nhn.delivery_results(REQUEST_ID)
    assert [(outcome.status, outcome.code, outcome.request_id, outcome.detail) for outcome in report.outcomes] == [
        (SendStatus.ACCEPTED, None, REQUEST_ID, "found by reconciliation")
    ]
    assert result.status is delivery
    assert send.call_count == 1

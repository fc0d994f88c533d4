"""The emulated NHN API follows the document: envelope, codes, state and look-ups."""

from __future__ import annotations

import base64
import re
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from krsms.convert import SEOUL
from krsms.emulator import DEMO_NHN_APP_KEY, EmulatorConfig, create_app
from krsms.emulator.nhn import recipients as nhn_rules

BASE = f"/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}"


@pytest.fixture
def config() -> EmulatorConfig:
    return EmulatorConfig(
        rejected_numbers={"01000000009": -2019},
        undeliverable_numbers={"01000000008": "3006"},
        unregistered_senders=frozenset({"0299999999"}),
    )


EMOJI = {"name": "😀"}


def sms(*numbers: str, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"body": "본문", "sendNo": "15446859", "senderGroupingKey": "batch-1"}
    body["recipientList"] = [{"recipientNo": number} for number in numbers]
    body.update(fields)
    return body


def code_of(answer: httpx.Response) -> int:
    header = answer.json()["header"]
    assert header["isSuccessful"] is (header["resultCode"] == 0)
    return int(header["resultCode"])


async def test_a_send_answers_the_documented_shape_and_is_recorded(nhn: httpx.AsyncClient, app: Starlette) -> None:
    answer = await nhn.post(f"{BASE}/sender/sms", json=sms("01000000001", "01000000002"))
    assert answer.status_code == 200
    data = answer.json()["body"]["data"]
    assert data["statusCode"] == "2"
    assert data["senderGroupingKey"] == "batch-1"
    assert len(data["requestId"]) == 25
    assert [
        (result["recipientNo"], result["resultCode"], result["recipientSeq"]) for result in data["sendResultList"]
    ] == [
        ("01000000001", 0, 1),
        ("01000000002", 0, 2),
    ]
    assert [delivery.recipient for delivery in app.state.ledger] == ["01000000001", "01000000002"]


async def test_rejected_numbers_get_their_code_per_recipient(nhn: httpx.AsyncClient) -> None:
    data = (await nhn.post(f"{BASE}/sender/sms", json=sms("01000000001", "01000000009"))).json()["body"]["data"]
    assert [result["resultCode"] for result in data["sendResultList"]] == [0, -2019]


async def test_a_refused_recipient_is_in_the_ledger_as_rejected_and_in_no_look_up(nhn: httpx.AsyncClient) -> None:
    """The send answers the refused recipient's code; the ledger keeps it ``rejected`` with that
    code; the look-ups list the recipients NHN took only (the document does not say they list
    refused ones, and the SDK's reconciliation and FakeGateway read them so)."""
    data = (await nhn.post(f"{BASE}/sender/sms", json=sms("01000000001", "01000000009"))).json()["body"]["data"]
    refused = data["sendResultList"][1]
    assert (refused["recipientNo"], refused["resultCode"], refused["resultMessage"], refused["recipientSeq"]) == (
        "01000000009",
        -2019,
        "FAIL",
        2,
    )
    rejected = (await nhn.get("/_emulator/deliveries", params={"status": "rejected"})).json()
    assert [(item["recipient"], item["request_id"], item["result_code"]) for item in rejected] == [
        ("01000000009", data["requestId"], "-2019")
    ]
    listed = (await nhn.get(f"{BASE}/sender/sms", params={"requestId": data["requestId"]})).json()["body"]
    assert [(item["recipientNo"], item["mtPr"]) for item in listed["data"]] == [("01000000001", "1")]
    assert code_of(await nhn.get(f"{BASE}/sender/sms/{data['requestId']}", params={"mtPr": "2"})) == -2008


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        ("sender/sms", sms(*[f"010{index:08d}" for index in range(1001)]), -2016),
        ("sender/sms", sms(), -2001),
        ("sender/sms", sms("010-1234"), -2019),
        ("sender/sms", sms("01000000001", body="😀"), -2023),
        ("sender/sms", sms("01000000001", body="햏"), -2023),  # only CP949 has it
        ("sender/sms", {**sms(), "recipientList": [{"recipientNo": "01000000001", "templateParameter": EMOJI}]}, -2023),
        ("sender/sms", {**sms(), "recipientList": [{"recipientNo": "123", "countryCode": "354"}]}, -2019),
        ("sender/sms", sms("01000000001", body=""), -2014),
        ("sender/sms", sms("01000000001", requestDate="2001-01-01 10:00"), -2022),
        ("sender/sms", sms("01000000001", requestDate="soon"), -2000),
        ("sender/sms", sms("01000000001", sendNo="0299999999"), -2312),
        ("sender/sms", sms("01000000001", sendNo="02-1234-5678"), -2312),  # registered numbers are digits
        ("sender/sms", sms("01000000001", sendNo="1" * 14), -2312),  # at most 13
        ("sender/sms", sms("01000000001", sendNo=""), -2312),
        ("sender/sms", sms("01000000001", bogus=1), -9997),
        ("sender/mms", sms("01000000001"), -2014),
        ("sender/mms", sms("01000000001", title="제목", attachFileIdList=[99]), -2004),
        ("sender/ad-sms", sms("01000000001", body="광고 없음"), -6003),
        ("sender/ad-sms", sms("01000000001", body="(광고) 세일 무료거부"), -6003),
        ("sender/ad-sms", sms("01000000001", body="(광고)무료수신거부 0801234567 세일 계속"), -6003),
    ],
)
async def test_document_codes_with_http_200(
    nhn: httpx.AsyncClient, app: Starlette, path: str, body: dict[str, Any], code: int
) -> None:
    answer = await nhn.post(f"{BASE}/{path}", json=body)
    assert answer.status_code == 200
    assert code_of(answer) == code
    assert len(app.state.ledger) == 0


TRICKY_ENTRIES: list[Any] = [
    {"recipientNo": "01012345678"},
    {"recipientNo": "01012345678", "countryCode": "82", "recipientGroupingKey": "a"},
    {"recipientNo": "01012345678", "internationalRecipientNo": None},
    {"recipientNo": None, "internationalRecipientNo": "821012345678"},
    {"recipientNo": "6912345", "countryCode": "354"},
    {"recipientNo": "0101234567\n"},
    {"recipientNo": "０１０１２３４５６７８"},
    {"recipientNo": "0101234567²"},
    {"recipientNo": "0101234"},
    {"recipientNo": "0" * 21},
    {"recipientNo": "01012345678", "countryCode": 82},
    {"recipientNo": "01012345678", "countryCode": "123456789"},
    {"recipientNo": "2025550123", "countryCode": "12345678"},
    {"recipientNo": 1012345678},
    {"recipientNo": "01012345678", "templateParameter": {"name": "홍길동"}},
    {"recipientNo": "01012345678", "bogus": "1"},
    {},
    "01012345678",
]


@pytest.mark.parametrize("entry", TRICKY_ENTRIES)
def test_a_recipient_list_checked_in_bulk_is_one_each_entry_passes(entry: Any) -> None:
    valid = True
    try:
        nhn_rules._check_recipient(entry)
    except nhn_rules.NhnRefusal:
        valid = False
    assert not nhn_rules._plainly_valid([{"recipientNo": "01000000001"}, entry]) or valid


async def test_the_first_invalid_entry_of_a_long_list_decides_the_code(nhn: httpx.AsyncClient) -> None:
    recipients = [{"recipientNo": f"010{index:08d}"} for index in range(998)]
    body = {**sms(), "recipientList": [*recipients, {"recipientNo": "010-1234"}, {"recipientNo": 1}]}
    assert code_of(await nhn.post(f"{BASE}/sender/sms", json=body)) == -2019


@pytest.mark.parametrize("path", ["sender/sms", "sender/mms", "sender/auth/sms"])
@pytest.mark.parametrize(
    "recipient",
    [
        {"recipientNo": "01000000001", "countryCode": "123456789"},  # the tables allow 8 characters
        {"internationalRecipientNo": "821000000001", "countryCode": "123456789"},
        {"internationalRecipientNo": "01000000001"},  # no country code begins with 0
    ],
    ids=["country code over 8", "country code over 8 beside an international number", "international from 0"],
)
async def test_a_recipient_without_a_valid_country_code_answers_minus_2019(
    nhn: httpx.AsyncClient, app: Starlette, path: str, recipient: dict[str, str]
) -> None:
    plain = [{"recipientNo": f"010{index:08d}", "countryCode": "82"} for index in range(999)]
    body = sms(title="제목") if path == "sender/mms" else sms()
    body["recipientList"] = [*plain, recipient]  # long enough for the check in bulk
    assert code_of(await nhn.post(f"{BASE}/{path}", json=body)) == -2019
    assert len(app.state.ledger) == 0


async def test_a_country_code_of_8_characters_and_an_ignored_international_number_are_taken(
    nhn: httpx.AsyncClient, app: Starlette
) -> None:
    body = sms()
    body["recipientList"] = [
        {"recipientNo": "2025550123", "countryCode": "12345678"},
        {"recipientNo": "01000000002", "internationalRecipientNo": "01000000002"},  # ignored beside recipientNo
    ]
    assert code_of(await nhn.post(f"{BASE}/sender/sms", json=body)) == 0
    assert [delivery.recipient for delivery in app.state.ledger] == ["2025550123", "01000000002"]


async def test_a_short_national_number_abroad_is_taken(nhn: httpx.AsyncClient, app: Starlette) -> None:
    body = {**sms(), "recipientList": [{"recipientNo": "6912345", "countryCode": "354"}]}  # an Icelandic mobile
    assert code_of(await nhn.post(f"{BASE}/sender/sms", json=body)) == 0
    assert [delivery.recipient for delivery in app.state.ledger] == ["6912345"]


@pytest.mark.parametrize(
    ("international", "country_code", "national"),
    [
        ("821000000000", "82", "01000000000"),  # the document's N1 example
        ("8201000000000", "82", "01000000000"),  # the trunk 0 written after 82 is not doubled
        ("12025550123", "1", "2025550123"),
        ("79123456789", "7", "9123456789"),
        ("447700900123", "44", "7700900123"),
        ("3546912345", "354", "6912345"),
        ("85291234567", "852", "91234567"),
    ],
)
async def test_an_international_number_alone_is_answered_as_its_country_code_and_national_number(
    nhn: httpx.AsyncClient, app: Starlette, international: str, country_code: str, national: str
) -> None:
    body = {**sms(), "recipientList": [{"internationalRecipientNo": international, "recipientGroupingKey": "g"}]}
    data = (await nhn.post(f"{BASE}/sender/sms", json=body)).json()["body"]["data"]
    assert [result["recipientNo"] for result in data["sendResultList"]] == [national]
    listed = (await nhn.get(f"{BASE}/sender/sms", params={"requestId": data["requestId"]})).json()["body"]["data"]
    assert [(item["countryCode"], item["recipientNo"]) for item in listed] == [(country_code, national)]
    found = await nhn.get(f"{BASE}/sender/sms", params={"requestId": data["requestId"], "recipientNo": national})
    assert found.json()["body"]["totalCount"] == 1
    # The ledger keeps the number as the request wrote it.
    assert [delivery.recipient for delivery in app.state.ledger] == [international]
    today = datetime.now(SEOUL)
    span = {"searchType": "DATE", "from": f"{today:%Y-%m-%d} 00:00", "to": f"{today:%Y-%m-%d} 23:59"}
    [view] = (await nhn.get(f"{BASE}/statistics/view", params=span)).json()["body"]["data"]
    assert (view["statisticsView"]["succeedCount"], view["statisticsView"]["failedCount"]) == (1, 0)


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        ("sender/sms", sms("01000000001", body="가" * 256), -2116),
        ("sender/mms", sms("01000000001", title="제" * 121), -2115),
        ("sender/mms", sms("01000000001", title="제목", body="가" * 4001), -2117),
    ],
)
async def test_an_over_long_text_answers_the_documented_length_codes(
    nhn: httpx.AsyncClient, app: Starlette, path: str, body: dict[str, Any], code: int
) -> None:
    assert code_of(await nhn.post(f"{BASE}/{path}", json=body)) == code
    assert len(app.state.ledger) == 0


async def test_text_at_the_documented_maximum_is_sent_whole(nhn: httpx.AsyncClient, app: Starlette) -> None:
    assert code_of(await nhn.post(f"{BASE}/sender/sms", json=sms("01000000001", body="가" * 255))) == 0
    at_limit = sms("01000000001", title="제" * 120, body="가" * 4000)
    assert code_of(await nhn.post(f"{BASE}/sender/mms", json=at_limit)) == 0
    assert [(delivery.subject, len(delivery.text)) for delivery in app.state.ledger] == [
        (None, 255),
        ("제" * 120, 4000),
    ]


async def test_an_upload_answers_the_documented_file_path(nhn: httpx.AsyncClient) -> None:
    """N18's example answers ``"filePath": "0/toast-mt-2018-08-10/1609/178576"``: the upload's
    date, then its hour and minute, then the file id (as every attachment path the document
    shows: ``/toast-mt-2023-09-18/1607/535191/``)."""
    upload = {
        "fileName": "attachment.jpg",
        "createUser": "CreateUser",
        "fileBody": base64.b64encode(b"\xff\xd8").decode(),
    }
    before = datetime.now(SEOUL)
    answer = (await nhn.post(f"{BASE}/attachfile/binaryUpload", json=upload)).json()
    after = datetime.now(SEOUL)
    paths = {f"0/toast-mt-{moment:%Y-%m-%d}/{moment:%H%M}/1" for moment in (before, after)}
    assert answer["header"] == {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"}
    assert answer["body"]["data"] in [{"fileId": 1, "fileName": "attachment.jpg", "filePath": path} for path in paths]


async def upload_image(nhn: httpx.AsyncClient) -> int:
    upload = {"fileName": "coupon.jpg", "createUser": "tester", "fileBody": base64.b64encode(b"\xff\xd8").decode()}
    return int((await nhn.post(f"{BASE}/attachfile/binaryUpload", json=upload)).json()["body"]["data"]["fileId"])


@pytest.mark.parametrize(
    "recipient",
    [
        {"recipientNo": "2025550123", "countryCode": "1"},
        {"internationalRecipientNo": "12025550123"},
        {"internationalRecipientNo": "12025550123", "countryCode": "1"},
    ],
)
@pytest.mark.parametrize("with_image", [True, False])
async def test_an_lms_or_mms_to_a_recipient_outside_korea_is_refused(
    nhn: httpx.AsyncClient, app: Starlette, recipient: dict[str, str], with_image: bool
) -> None:
    body = sms(title="쿠폰", **({"attachFileIdList": [await upload_image(nhn)]} if with_image else {}))
    body["recipientList"] = [{"recipientNo": "01000000001"}, recipient]
    assert code_of(await nhn.post(f"{BASE}/sender/mms", json=body)) == -1006
    assert len(app.state.ledger) == 0


async def test_an_mms_to_korean_numbers_is_sent(nhn: httpx.AsyncClient, app: Starlette) -> None:
    body = sms(title="쿠폰", attachFileIdList=[await upload_image(nhn)])
    body["recipientList"] = [
        {"recipientNo": "01000000001", "countryCode": "82"},
        {"internationalRecipientNo": "821000000002"},
        {"recipientNo": "01000000003", "internationalRecipientNo": "12025550123"},
    ]
    assert code_of(await nhn.post(f"{BASE}/sender/mms", json=body)) == 0
    assert [delivery.kind for delivery in app.state.ledger] == ["MMS"] * 3


async def test_an_unknown_app_key_is_minus_1001_and_an_unknown_path_minus_9998(nhn: httpx.AsyncClient) -> None:
    assert code_of(await nhn.get("/sms/v2.2/appKeys/wrong/sendNos")) == -1001
    assert code_of(await nhn.get(f"{BASE}/no/such/api")) == -9998


async def test_a_configured_secret_key_is_required() -> None:
    app = create_app(EmulatorConfig(nhn_secret_key="s3cret"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator") as client:
        refused = await client.get(f"{BASE}/sendNos")
        assert (refused.status_code, code_of(refused)) == (401, -1000)
        allowed = await client.get(f"{BASE}/sendNos", headers={"X-Secret-Key": "s3cret"})
        assert code_of(allowed) == 0


async def test_look_ups_agree_with_the_send(nhn: httpx.AsyncClient) -> None:
    request_id = (await nhn.post(f"{BASE}/sender/sms", json=sms("01000000001", "01000000008"))).json()["body"]["data"][
        "requestId"
    ]
    listed = (await nhn.get(f"{BASE}/sender/sms", params={"requestId": request_id})).json()["body"]
    assert listed["totalCount"] == 2
    # msgStatus 3 for both, the send request having completed; the handset's result is the
    # receipt code (the document's N16/N17 examples: "3", "COMPLETED", "3015").
    assert [(item["msgStatus"], item["resultCode"]) for item in listed["data"]] == [("3", "1000"), ("3", "3006")]
    datetime.strptime(listed["data"][0]["requestDate"], "%Y-%m-%d %H:%M:%S.%f")
    one = (await nhn.get(f"{BASE}/sender/sms/{request_id}", params={"mtPr": 1})).json()["body"]["data"]
    assert one["recipientNo"] == "01000000001"
    by_key = await nhn.get(f"{BASE}/sender/sms", params={"senderGroupingKey": "batch-1", "requestId": request_id})
    assert by_key.json()["body"]["totalCount"] == 2
    assert code_of(await nhn.get(f"{BASE}/sender/sms")) == -2011


async def test_paging_counts_the_total(nhn: httpx.AsyncClient) -> None:
    await nhn.post(f"{BASE}/sender/sms", json=sms(*[f"010{index:08d}" for index in range(100, 140)]))
    now = datetime.now(SEOUL)
    window = {
        "startRequestDate": (now - timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M:%S"),
        "endRequestDate": (now + timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M:%S"),
        "pageSize": 15,
        "pageNum": 3,
    }
    page = (await nhn.get(f"{BASE}/sender/sms", params=window)).json()["body"]
    assert (page["totalCount"], len(page["data"]), page["pageNum"]) == (40, 10, 3)


async def test_look_ups_filter_by_the_result_date_window(nhn: httpx.AsyncClient) -> None:
    request_id = (await nhn.post(f"{BASE}/sender/sms", json=sms("01000000001"))).json()["body"]["data"]["requestId"]
    now = datetime.now(SEOUL)

    def listed(start: datetime, end: datetime) -> dict[str, str]:
        return {
            "requestId": request_id,
            "startResultDate": start.strftime("%Y-%m-%d %H:%M:%S"),
            "endResultDate": end.strftime("%Y-%m-%d %H:%M:%S"),
        }

    around_now = await nhn.get(
        f"{BASE}/sender/sms", params=listed(now - timedelta(minutes=5), now + timedelta(minutes=5))
    )
    long_ago = await nhn.get(f"{BASE}/sender/sms", params=listed(datetime(2000, 1, 1), datetime(2000, 1, 2)))
    assert around_now.json()["body"]["totalCount"] == 1
    assert long_ago.json()["body"]["totalCount"] == 0


async def test_an_mms_carries_an_uploaded_image(nhn: httpx.AsyncClient) -> None:
    upload = {
        "fileName": "coupon.jpg",
        "createUser": "tester",
        "fileBody": base64.b64encode(b"\xff\xd8" * 100).decode(),
    }
    file_id = (await nhn.post(f"{BASE}/attachfile/binaryUpload", json=upload)).json()["body"]["data"]["fileId"]
    body = sms("01000000001", title="쿠폰", attachFileIdList=[file_id])
    request_id = (await nhn.post(f"{BASE}/sender/mms", json=body)).json()["body"]["data"]["requestId"]
    item = (await nhn.get(f"{BASE}/sender/mms", params={"requestId": request_id})).json()["body"]["data"][0]
    assert item["attachFileList"][0]["fileId"] == file_id
    assert item["title"] == "쿠폰"


ATTACHMENT_KEYS = {
    "fileId", "serviceId", "attachType", "templateId", "filePath", "fileName", "saveFileName", "fileSize",
    "createDate", "createUser", "updateDate", "updateUser", "uploadType", "existFileName",
}  # fmt: skip
"""``attachFileList[]`` of N5/N6 and N25/N26, as the document's examples and tables show it."""
MMS_ITEM_KEYS = {
    "requestId", "requestDate", "resultDate", "templateId", "templateName", "categoryId", "categoryName", "title",
    "body", "sendNo", "countryCode", "recipientNo", "msgStatus", "msgStatusName", "resultCode", "resultCodeName",
    "telecomCode", "telecomCodeName", "mtPr", "sendType", "userId", "adYn", "attachFileList", "resultMessage",
    "senderGroupingKey", "recipientGroupingKey",
}  # fmt: skip
"""An N5 item or the N6 data, as the document's examples show it."""
RESERVATION_KEYS = {
    "requestId", "recipientSeq", "requestDate", "sendNo", "recipientNo", "countryCode", "sendType", "messageType",
    "adYn", "templateId", "templateParameter", "templateName", "title", "body", "messageStatus", "createUser",
    "createDate", "updateDate", "attachFileList",
}  # fmt: skip
"""The N35 data, as the document's example shows it."""


async def upload_sized_image(nhn: httpx.AsyncClient, size: int) -> int:
    upload = {"fileName": "coupon.jpg", "createUser": "tester", "fileBody": base64.b64encode(b"\xff" * size).decode()}
    return int((await nhn.post(f"{BASE}/attachfile/binaryUpload", json=upload)).json()["body"]["data"]["fileId"])


def assert_documented_attachment(
    item: dict[str, Any], *, file_id: int, size: int, owner: tuple[int | None, int | None, str | None]
) -> None:
    """One N5/N6/N25/N26 ``attachFileList`` entry of the upload of ``coupon.jpg`` by ``tester``:
    every documented key; ``owner`` is its (serviceId, attachType, templateId)."""
    assert set(item) == ATTACHMENT_KEYS
    assert (item["fileId"], item["fileName"], item["createUser"]) == (file_id, "coupon.jpg", "tester")
    assert item["fileSize"] == size
    assert type(item["fileSize"]) is int
    assert (item["serviceId"], item["attachType"], item["templateId"]) == owner
    assert (item["updateDate"], item["updateUser"], item["uploadType"]) == (None, None, "TEMPORARY")
    assert isinstance(item["filePath"], str)
    # The examples: "createDate": "2023-09-18 14:03:11.0", "saveFileName": "20230918bc7eyh0.jpg" (the upload's
    # date, seven letters or digits, the file's extension), the same in existFileName.
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d", item["createDate"])
    assert re.fullmatch(r"\d{8}[A-Za-z0-9]{7}\.jpg", item["saveFileName"])
    assert item["saveFileName"][:8] == item["createDate"][:10].replace("-", "")
    assert item["existFileName"] == item["saveFileName"]


async def test_mms_look_ups_answer_every_documented_attachment_key(nhn: httpx.AsyncClient) -> None:
    file_id = await upload_sized_image(nhn, 200)
    body = sms("01000000001", title="쿠폰", attachFileIdList=[file_id])
    request_id = (await nhn.post(f"{BASE}/sender/mms", json=body)).json()["body"]["data"]["requestId"]
    listed = (await nhn.get(f"{BASE}/sender/mms", params={"requestId": request_id})).json()["body"]["data"][0]
    one = (await nhn.get(f"{BASE}/sender/mms/{request_id}", params={"mtPr": 1})).json()["body"]["data"]
    for item in (listed, one):
        assert set(item) == MMS_ITEM_KEYS
        # A send's attachment belongs to no template: null owner fields, as the examples show.
        assert_documented_attachment(item["attachFileList"][0], file_id=file_id, size=200, owner=(None, None, None))
    assert listed["attachFileList"] == one["attachFileList"]


async def test_a_template_answers_every_documented_attachment_key(nhn: httpx.AsyncClient) -> None:
    file_id = await upload_sized_image(nhn, 300)
    fields = {
        "categoryId": 1, "templateId": "promo", "templateName": "쿠폰", "sendNo": "15446859", "sendType": "1",
        "title": "쿠폰", "body": "쿠폰 도착", "useYn": "Y", "attachFileIdList": [file_id],
    }  # fmt: skip
    assert code_of(await nhn.post(f"{BASE}/templates", json=fields)) == 0
    listed = (await nhn.get(f"{BASE}/templates")).json()["body"]["data"][0]
    one = (await nhn.get(f"{BASE}/templates/promo")).json()["body"]["data"]
    for item in (listed, one):
        # attachType 2 is a template's attachment (0 temporary, 1 upload, 2 template).
        owner = (item["serviceId"], 2, "promo")
        assert_documented_attachment(item["attachFileList"][0], file_id=file_id, size=300, owner=owner)
        assert type(item["serviceId"]) is int


async def test_one_reservation_always_answers_its_attachment_list(nhn: httpx.AsyncClient) -> None:
    when = (datetime.now(SEOUL) + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    file_id = await upload_sized_image(nhn, 10)
    sent = [
        (await nhn.post(f"{BASE}/sender/{path}", json=sms("01000000001", requestDate=when, **fields))).json()
        for path, fields in (("sms", {}), ("mms", {"title": "쿠폰", "attachFileIdList": [file_id]}))
    ]
    sms_reservation, mms_reservation = [
        (await nhn.get(f"{BASE}/reservations/{answer['body']['data']['requestId']}/1")).json()["body"]["data"]
        for answer in sent
    ]
    assert set(sms_reservation) == set(mms_reservation) == RESERVATION_KEYS
    assert sms_reservation["attachFileList"] == []
    # N35's example and table give an attachment only its ID, path and name.
    [attachment] = mms_reservation["attachFileList"]
    assert set(attachment) == {"fileId", "filePath", "fileName"}
    assert (attachment["fileId"], attachment["fileName"]) == (file_id, "coupon.jpg")


def file_body(content: bytes, form: str) -> str | list[int]:
    """N18's ``fileBody``: the Base64 of the file, or (the table's "またはバイト配列値") its bytes."""
    return base64.b64encode(content).decode() if form == "base64" else list(content)


@pytest.mark.parametrize("form", ["base64", "byte array"])
@pytest.mark.parametrize(
    ("name", "size", "code"),
    [("a.png", 10, -2003), ("a.jpg", 300 * 1024 + 1, -2005), ("", 10, -2002), ("a.jpg", 0, -2004)],
)
async def test_attachment_limits(nhn: httpx.AsyncClient, name: str, size: int, code: int, form: str) -> None:
    upload = {"fileName": name, "createUser": "tester", "fileBody": file_body(b"0" * size, form)}
    assert code_of(await nhn.post(f"{BASE}/attachfile/binaryUpload", json=upload)) == code


async def test_an_upload_takes_the_file_as_a_byte_array_too(nhn: httpx.AsyncClient) -> None:
    content = bytes(range(256)) * 4
    upload = {"fileName": "coupon.jpg", "createUser": "tester", "fileBody": list(content)}
    answer = await nhn.post(f"{BASE}/attachfile/binaryUpload", json=upload)
    assert code_of(answer) == 0
    file_id = answer.json()["body"]["data"]["fileId"]
    body = sms("01000000001", title="쿠폰", attachFileIdList=[file_id])
    request_id = (await nhn.post(f"{BASE}/sender/mms", json=body)).json()["body"]["data"]["requestId"]
    listed = (await nhn.get(f"{BASE}/sender/mms", params={"requestId": request_id})).json()["body"]["data"][0]
    assert_documented_attachment(
        listed["attachFileList"][0], file_id=file_id, size=len(content), owner=(None, None, None)
    )


@pytest.mark.parametrize("value", [256, -1, 1.5, True, "1", None, [1]])
async def test_a_byte_array_of_anything_but_bytes_is_an_invalid_upload(nhn: httpx.AsyncClient, value: Any) -> None:
    upload = {"fileName": "coupon.jpg", "createUser": "tester", "fileBody": [255, 216, value]}
    assert code_of(await nhn.post(f"{BASE}/attachfile/binaryUpload", json=upload)) == -2010


@pytest.mark.parametrize("create_user", [{}, {"createUser": ""}, {"createUser": None}])
async def test_an_upload_without_its_required_create_user_is_refused(
    nhn: httpx.AsyncClient, create_user: dict[str, Any]
) -> None:
    """The N18 table: ``createUser | String | 100 | 必須``. A required body field without a code
    of its own answers -9997, as N36 without its ``updateUser`` does."""
    upload = {"fileName": "coupon.jpg", "fileBody": base64.b64encode(b"\xff\xd8").decode(), **create_user}
    assert code_of(await nhn.post(f"{BASE}/attachfile/binaryUpload", json=upload)) == -9997


async def test_a_reservation_is_listed_and_cancelled(nhn: httpx.AsyncClient, app: Starlette) -> None:
    when = (datetime.now(SEOUL) + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    sent = await nhn.post(f"{BASE}/sender/sms", json=sms("01000000001", "01000000002", requestDate=when))
    request_id = sent.json()["body"]["data"]["requestId"]
    listed = (await nhn.get(f"{BASE}/reservations", params={"requestId": request_id})).json()["body"]
    assert [item["messageStatus"] for item in listed["data"]] == ["RESERVED", "RESERVED"]
    one = (await nhn.get(f"{BASE}/reservations/{request_id}/1")).json()["body"]["data"]
    assert one["requestDate"].startswith(when)
    cancel = {"reservationList": [{"requestId": request_id, "recipientSeq": seq} for seq in (1, 2)], "updateUser": "me"}
    answer = (await nhn.put(f"{BASE}/reservations/cancel", json=cancel)).json()["body"]["data"]
    assert answer == {"requestedCount": 2, "canceledCount": 2}
    assert {delivery.status for delivery in app.state.ledger} == {"cancelled"}
    too_far = (datetime.now(SEOUL) + timedelta(days=61)).strftime("%Y-%m-%d %H:%M")
    assert code_of(await nhn.post(f"{BASE}/sender/sms", json=sms("01000000001", requestDate=too_far))) == -2000


async def test_template_parameters_without_a_template_leave_the_body_as_written(
    nhn: httpx.AsyncClient, app: Starlette
) -> None:
    body = sms(body="##name##님 안녕하세요")
    body["recipientList"] = [{"recipientNo": "01000000001", "templateParameter": {"name": "철수"}}]
    assert code_of(await nhn.post(f"{BASE}/sender/sms", json=body)) == 0
    assert [delivery.text for delivery in app.state.ledger] == ["##name##님 안녕하세요"]


async def test_message_results_and_sender_numbers(nhn: httpx.AsyncClient) -> None:
    await nhn.post(f"{BASE}/sender/sms", json=sms("01000000001"))
    now = datetime.now(SEOUL)
    window = {
        "startUpdateDate": (now - timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S"),
        "endUpdateDate": (now + timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S"),
        "messageType": "SMS",
    }
    results = (await nhn.get(f"{BASE}/message-results", params=window)).json()["body"]
    assert results["totalCount"] == 1
    senders = (await nhn.get(f"{BASE}/sendNos")).json()["body"]["data"]
    assert "15446859" in [item["sendNo"] for item in senders]
    # The document's N32 example: these keys, dates to the second (no fraction).
    assert set(senders[0]) == {
        "appKey", "serviceId", "sendNo", "useYn", "blockYn", "blockReason",
        "createDate", "createUser", "updateDate", "updateUser",
    }  # fmt: skip
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", senders[0]["createDate"])


@pytest.mark.parametrize(
    ("message_type", "code", "count"),
    [("SMS", 0, 1), ("LMS", 0, 0), ("MMS", 0, 0), ("AUTH", 0, 0), ("", 0, 1), ("sms", -1006, None),
     ("Auth", -1006, None), ("FOO", -1006, None)],
)  # fmt: skip
async def test_message_results_take_only_the_documented_message_types(
    nhn: httpx.AsyncClient, message_type: str, code: int, count: int | None
) -> None:
    """N12's ``messageType`` is one of SMS/LMS/MMS/AUTH as the table writes them; another is
    -1006 (invalid messageType), not an empty page. Empty is the option left out."""
    await nhn.post(f"{BASE}/sender/sms", json=sms("01000000001"))
    now = datetime.now(SEOUL)
    window = {
        "startUpdateDate": (now - timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S"),
        "endUpdateDate": (now + timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S"),
        "messageType": message_type,
    }
    answer = await nhn.get(f"{BASE}/message-results", params=window)
    assert code_of(answer) == code
    if count is not None:
        assert answer.json()["body"]["totalCount"] == count


@pytest.mark.parametrize(
    ("query", "count"),
    [({}, 3), ({"useYn": "Y", "blockYn": "N"}, 3), ({"useYn": "N"}, 0), ({"blockYn": "Y"}, 0)],
)
async def test_sender_numbers_are_filtered_by_use_and_block(
    nhn: httpx.AsyncClient, query: dict[str, str], count: int
) -> None:
    page = (await nhn.get(f"{BASE}/sendNos", params=query)).json()["body"]
    assert (page["totalCount"], len(page["data"])) == (count, count)
    assert all((item["useYn"], item["blockYn"]) == ("Y", "N") for item in page["data"])


async def test_sender_numbers_list_what_sends_accept(nhn: httpx.AsyncClient) -> None:
    """N32 and the sends read one rule: a number is registered unless configured unregistered
    (and is digits, at most 13). N32 lists the demo senders and each sender a send used, and
    answers a ``sendNo`` filter with any number a send would take."""

    async def listed(**query: str) -> list[str]:
        answer = await nhn.get(f"{BASE}/sendNos", params=query)
        assert code_of(answer) == 0
        return [item["sendNo"] for item in answer.json()["body"]["data"]]

    assert await listed() == ["15446859", "0212345678", "0200000000"]
    assert code_of(await nhn.post(f"{BASE}/sender/sms", json=sms("01000000001", sendNo="0299999999"))) == -2312
    assert await listed(sendNo="0299999999") == []
    assert await listed(sendNo="0311112222") == ["0311112222"]  # a send would take it
    assert await listed(sendNo="02-1111-2222") == []  # a send would not
    assert code_of(await nhn.post(f"{BASE}/sender/sms", json=sms("01000000001", sendNo="0311112222"))) == 0
    assert await listed() == ["15446859", "0212345678", "0200000000", "0311112222"]


async def test_a_demo_sender_configured_unregistered_is_not_listed() -> None:
    app = create_app(EmulatorConfig(unregistered_senders=frozenset({"15446859"})))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator") as nhn:
        assert code_of(await nhn.post(f"{BASE}/sender/sms", json=sms("01000000001"))) == -2312
        for query in ({}, {"sendNo": "15446859"}):
            page = (await nhn.get(f"{BASE}/sendNos", params=query)).json()["body"]
            assert "15446859" not in [item["sendNo"] for item in page["data"]]


async def test_clearing_the_deliveries_forgets_the_stored_sends(nhn: httpx.AsyncClient) -> None:
    request_id = (await nhn.post(f"{BASE}/sender/sms", json=sms("01000000001"))).json()["body"]["data"]["requestId"]
    assert (await nhn.delete("/_emulator/deliveries")).status_code == 204
    listed = (await nhn.get(f"{BASE}/sender/sms", params={"requestId": request_id})).json()["body"]
    assert (listed["totalCount"], listed["data"]) == (0, [])


async def test_dates_must_be_written_as_the_document_writes_them(nhn: httpx.AsyncClient) -> None:
    """``yyyy-MM-dd HH:mm`` is zero-padded; Python's strptime alone would take ``9:5``."""
    tomorrow = datetime.now(SEOUL) + timedelta(days=1)
    unpadded = f"{tomorrow:%Y-%m-%d} 9:5"
    assert code_of(await nhn.post(f"{BASE}/sender/sms", json=sms("01000000001", requestDate=unpadded))) == -2000
    padded = f"{tomorrow:%Y-%m-%d} 09:05"
    assert code_of(await nhn.post(f"{BASE}/sender/sms", json=sms("01000000001", requestDate=padded))) == 0
    window = {"startRequestDate": "2026-1-1 0:0:0", "endRequestDate": "2026-01-02 00:00:00"}
    assert code_of(await nhn.get(f"{BASE}/sender/sms", params=window)) == -2000

"""The emulated NHN management endpoints keep consistent state and answer the document's codes."""

from __future__ import annotations

import base64
import csv
import io
import re
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from nhn_answers import code_of
from starlette.applications import Starlette

from krsms.convert import SEOUL
from krsms.emulator import DEMO_NHN_APP_KEY, EmulatorConfig

BASE = f"/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}"


@pytest.fixture
def config() -> EmulatorConfig:
    return EmulatorConfig(undeliverable_numbers={"01000000008": "3006"}, unregistered_senders=frozenset({"0299999999"}))


def ok(answer: httpx.Response) -> Any:
    assert code_of(answer) == 0, answer.json()
    return answer.json()["body"]


def window(**delta: float) -> tuple[str, str]:
    now = datetime.now(SEOUL)
    return (
        (now - timedelta(**delta)).strftime("%Y-%m-%d %H:%M:%S"),
        (now + timedelta(**delta)).strftime("%Y-%m-%d %H:%M:%S"),
    )


def template(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "categoryId": 1,
        "templateId": "welcome",
        "templateName": "환영",
        "sendNo": "15446859",
        "sendType": "0",
        "body": "##name##님 환영합니다",
        "useYn": "Y",
    }
    body.update(fields)
    return body


async def tag(nhn: httpx.AsyncClient, name: str) -> str:
    return str(ok(await nhn.post(f"{BASE}/tags", json={"tagName": name}))["data"]["tagId"])


async def tag_send_to_one_vip(nhn: httpx.AsyncClient, **fields: str) -> str:
    """A tag SMS (N13) to a VIP tag of one UID with one phone number; its request id."""
    vip = await tag(nhn, "VIP")
    contact = [{"contactType": "PHONE_NUMBER", "contact": "01000000001"}]
    ok(await nhn.post(f"{BASE}/uids", json={"uids": [{"uid": "a", "tagIds": [vip], "contacts": contact}]}))
    body = {"body": "안내", "sendNo": "15446859", "tagExpression": [vip], **fields}
    return str(ok(await nhn.post(f"{BASE}/tag-sender/sms", json=body))["data"]["requestId"])


async def test_categories_round_trip(nhn: httpx.AsyncClient) -> None:
    created = ok(await nhn.post(f"{BASE}/categories", json={"categoryName": "공지", "useYn": "Y", "createUser": "me"}))
    category = created["data"]
    assert (category["categoryParentId"], category["depth"], category["categoryName"]) == (1, 1, "공지")
    category_id = category["categoryId"]
    listed = ok(await nhn.get(f"{BASE}/categories"))
    assert listed["totalCount"] == 2
    assert [item["categoryId"] for item in listed["data"]] == [1, category_id]
    update = {"categoryName": "알림", "categoryDesc": "설명", "useYn": "N", "updateUser": "me"}
    ok(await nhn.put(f"{BASE}/categories/{category_id}", json=update))
    one = ok(await nhn.get(f"{BASE}/categories/{category_id}"))["data"]
    assert [(item["categoryName"], item["categoryDesc"], item["useYn"]) for item in one] == [("알림", "설명", "N")]
    ok(await nhn.delete(f"{BASE}/categories/{category_id}"))
    assert code_of(await nhn.get(f"{BASE}/categories/{category_id}")) == -2202
    assert code_of(await nhn.delete(f"{BASE}/categories/1")) == -2205
    assert code_of(await nhn.post(f"{BASE}/categories", json={"categoryName": "", "useYn": "Y"})) == -2200
    assert code_of(await nhn.post(f"{BASE}/categories", json={"categoryName": "x", "useYn": "?"})) == -2204
    assert (
        code_of(await nhn.post(f"{BASE}/categories", json={"categoryName": "x", "useYn": "Y", "categoryParentId": 99}))
        == -2203
    )


async def test_templates_round_trip_and_fill_sends(nhn: httpx.AsyncClient, app: Starlette) -> None:
    ok(await nhn.post(f"{BASE}/templates", json=template()))
    assert code_of(await nhn.post(f"{BASE}/templates", json=template())) == -2101
    listed = ok(await nhn.get(f"{BASE}/templates", params={"categoryId": 1}))
    assert (listed["totalCount"], listed["data"][0]["templateId"], listed["data"][0]["categoryName"]) == (
        1,
        "welcome",
        "카테고리",
    )
    send = {
        "templateId": "welcome",
        "recipientList": [{"recipientNo": "01000000001", "templateParameter": {"name": "철수"}}],
    }
    request_id = ok(await nhn.post(f"{BASE}/sender/sms", json=send))["data"]["requestId"]
    assert [(delivery.text, delivery.sender) for delivery in app.state.ledger] == [("철수님 환영합니다", "15446859")]
    item = ok(await nhn.get(f"{BASE}/sender/sms", params={"requestId": request_id}))["data"][0]
    assert (item["templateId"], item["templateName"], item["categoryId"]) == ("welcome", "환영", 1)
    assert code_of(await nhn.post(f"{BASE}/sender/mms", json={**send, "title": "제목"})) == -2006
    update = template(templateName="안내", sendType="1", title="제목", body="본문")
    del update["categoryId"], update["templateId"]
    ok(await nhn.put(f"{BASE}/templates/welcome", json=update))
    one = ok(await nhn.get(f"{BASE}/templates/welcome"))["data"]
    assert (one["templateName"], one["sendType"], one["title"], one["body"]) == ("안내", "1", "제목", "본문")
    assert code_of(await nhn.delete(f"{BASE}/categories/1")) == -2205
    ok(await nhn.delete(f"{BASE}/templates/welcome"))
    assert code_of(await nhn.get(f"{BASE}/templates/welcome")) == -2110
    assert code_of(await nhn.delete(f"{BASE}/templates/welcome")) == -2113
    assert code_of(await nhn.put(f"{BASE}/templates/other", json=update)) == -2107
    assert code_of(await nhn.post(f"{BASE}/sender/sms", json=send)) == -2110


@pytest.mark.parametrize(("path", "extra"), [("/sender/sms", {}), ("/sender/mms", {"title": "제목"})])
async def test_a_send_naming_a_template_id_over_50_characters_answers_2109(
    nhn: httpx.AsyncClient, app: Starlette, path: str, extra: dict[str, Any]
) -> None:
    """The send tables give ``templateId`` a maximum of 50 and the error table -2109 to one
    over it, as a new template's; the send is not recorded."""
    send = {"body": "본문", "sendNo": "15446859", "recipientList": [{"recipientNo": "01000000001"}], **extra}
    assert code_of(await nhn.post(f"{BASE}{path}", json={**send, "templateId": "t" * 51})) == -2109
    assert code_of(await nhn.post(f"{BASE}{path}", json={**send, "templateId": "t" * 50})) == -2110  # not stored
    assert list(app.state.ledger) == []


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"categoryId": None}, -2108),
        ({"categoryId": 42}, -2202),
        ({"templateId": ""}, -2100),
        ({"templateId": "t" * 51}, -2109),
        ({"templateName": ""}, -2102),
        ({"templateDesc": "설" * 100}, 0),
        ({"templateDesc": "설" * 101}, -2111),
        ({"sendNo": ""}, -2103),
        ({"sendNo": "1" * 13}, 0),
        ({"sendNo": "1" * 14}, -2111),
        ({"sendNo": "0299999999"}, -2312),  # configured unregistered
        ({"sendNo": "02-1234-5678"}, -2312),  # registered numbers are digits, as a send reads them
        ({"sendType": "9"}, -2104),
        ({"body": ""}, -2105),
        ({"useYn": "?"}, -2106),
        ({"sendType": "1"}, -2114),
        ({"sendType": "1", "title": "제" * 121}, -2115),
        ({"body": "가" * 256}, -2116),
        ({"sendType": "1", "title": "제목", "body": "가" * 4001}, -2117),
        ({"attachFileIdList": [7]}, -1006),
        ({"bogus": 1}, -9997),
    ],
)
async def test_template_validation(nhn: httpx.AsyncClient, fields: dict[str, Any], code: int) -> None:
    assert code_of(await nhn.post(f"{BASE}/templates", json=template(**fields))) == code


async def test_a_template_update_checks_the_same_lengths(nhn: httpx.AsyncClient) -> None:
    ok(await nhn.post(f"{BASE}/templates", json=template()))
    update = template(templateDesc="설" * 101)
    del update["categoryId"], update["templateId"]
    assert code_of(await nhn.put(f"{BASE}/templates/welcome", json=update)) == -2111
    assert (
        code_of(await nhn.put(f"{BASE}/templates/welcome", json={**update, "templateDesc": None, "sendNo": "1" * 14}))
        == -2111
    )


async def test_category_users_are_at_most_100_characters(nhn: httpx.AsyncClient) -> None:
    category = {"categoryName": "공지", "useYn": "Y"}
    assert code_of(await nhn.post(f"{BASE}/categories", json={**category, "createUser": "u" * 101})) == -2200
    category_id = ok(await nhn.post(f"{BASE}/categories", json={**category, "createUser": "u" * 100}))["data"][
        "categoryId"
    ]
    update = {**category, "updateUser": "u" * 101}
    assert code_of(await nhn.put(f"{BASE}/categories/{category_id}", json=update)) == -2201
    ok(await nhn.put(f"{BASE}/categories/{category_id}", json={**update, "updateUser": "u" * 100}))


async def test_the_block_list_enforces_the_documented_lengths(nhn: httpx.AsyncClient) -> None:
    block = {"unsubscribeNo": "0" * 25, "recipientNoList": ["01000000001"]}
    ok(await nhn.post(f"{BASE}/blockservice/recipients", json=block))
    assert (
        code_of(await nhn.post(f"{BASE}/blockservice/recipients", json={**block, "unsubscribeNo": "0" * 26})) == -6004
    )
    assert code_of(await nhn.get(f"{BASE}/blockservice/recipients", params={"unsubscribeNo": "0" * 26})) == -6004
    removes = {"unsubscribeNo": "0" * 20, "updateUser": "u" * 100, "recipientNoList": "01000000001"}
    ok(await nhn.delete(f"{BASE}/blockservice/recipients/removes", params=removes))
    too_long_number = {**removes, "unsubscribeNo": "0" * 21}
    assert code_of(await nhn.delete(f"{BASE}/blockservice/recipients/removes", params=too_long_number)) == -6004
    too_long_user = {**removes, "updateUser": "u" * 101}
    assert code_of(await nhn.delete(f"{BASE}/blockservice/recipients/removes", params=too_long_user)) == -2012


async def test_the_block_list_takes_at_most_10_numbers_a_call(nhn: httpx.AsyncClient) -> None:
    """N29's table gives ``recipientNoList`` a maximum of 10; more answer -2016, the code of an
    over-long recipient list, and none is added."""
    numbers = [f"010000000{index:02d}" for index in range(11)]
    refused = {"unsubscribeNo": "0801234567", "recipientNoList": numbers}
    assert code_of(await nhn.post(f"{BASE}/blockservice/recipients", json=refused)) == -2016
    listed = ok(await nhn.get(f"{BASE}/blockservice/recipients", params={"unsubscribeNo": "0801234567"}))
    assert listed["totalCount"] == 0
    ok(await nhn.post(f"{BASE}/blockservice/recipients", json={**refused, "recipientNoList": numbers[:10]}))
    listed = ok(await nhn.get(f"{BASE}/blockservice/recipients", params={"unsubscribeNo": "0801234567"}))
    assert listed["totalCount"] == 10


async def test_a_uid_entry_without_contacts_is_refused(nhn: httpx.AsyncClient) -> None:
    vip = await tag(nhn, "VIP")
    entries = [{"uid": "with", "tagIds": [vip], "contacts": []}, {"uid": "without", "tagIds": [vip]}]
    assert code_of(await nhn.post(f"{BASE}/uids", json={"uids": entries})) == -7001
    assert code_of(await nhn.get(f"{BASE}/uids/with")) == -7001
    ok(await nhn.post(f"{BASE}/uids", json={"uids": entries[:1]}))


async def test_tags_and_uids_round_trip(nhn: httpx.AsyncClient) -> None:
    vip = await tag(nhn, "VIP")
    listed = ok(await nhn.get(f"{BASE}/tags"))
    assert (listed["totalCount"], listed["data"][0]["tagName"]) == (1, "VIP")
    ok(await nhn.put(f"{BASE}/tags/{vip}", json={"tagName": "GOLD"}))
    assert ok(await nhn.get(f"{BASE}/tags"))["data"][0]["tagName"] == "GOLD"
    assert code_of(await nhn.post(f"{BASE}/tags", json={"tagName": "GOLD"})) == -7001
    assert code_of(await nhn.post(f"{BASE}/tags", json={"tagName": "x" * 31})) == -7001
    contacts = [{"contactType": "PHONE_NUMBER", "contact": "01000000001"}]
    uids = [{"uid": f"user-{index}", "tagIds": [vip], "contacts": contacts} for index in range(3)]
    ok(await nhn.post(f"{BASE}/uids", json={"uids": uids}))
    assert code_of(await nhn.post(f"{BASE}/uids", json={"uids": [{"uid": "u", "tagIds": ["nope"]}]})) == -7001
    first = ok(await nhn.get(f"{BASE}/uids", params={"limit": 2}))["data"]
    assert ([uid["uid"] for uid in first["uids"]], first["last"], first["totalCount"]) == (
        ["user-0", "user-1"],
        False,
        3,
    )
    rest = ok(await nhn.get(f"{BASE}/uids", params={"offsetUid": "user-1", "wheres": vip}))["data"]
    assert ([uid["uid"] for uid in rest["uids"]], rest["last"]) == (["user-2"], True)
    ok(await nhn.post(f"{BASE}/uids/user-0/phone-numbers", json={"phoneNumber": "01000000002"}))
    one = ok(await nhn.get(f"{BASE}/uids/user-0"))["data"]
    assert [contact["contact"] for contact in one["contacts"]] == ["01000000001", "01000000002"]
    assert [item["tagName"] for item in one["tags"]] == ["GOLD"]
    ok(await nhn.delete(f"{BASE}/uids/user-0/phone-numbers/01000000001"))
    assert code_of(await nhn.delete(f"{BASE}/uids/user-0/phone-numbers/01000000001")) == -7001
    ok(await nhn.delete(f"{BASE}/tags/{vip}"))
    assert ok(await nhn.get(f"{BASE}/uids/user-0"))["data"]["tags"] == []
    assert code_of(await nhn.put(f"{BASE}/tags/{vip}", json={"tagName": "X"})) == -7001
    ok(await nhn.delete(f"{BASE}/uids/user-0"))
    assert code_of(await nhn.get(f"{BASE}/uids/user-0")) == -7001


async def test_a_tag_send_resolves_its_recipients(nhn: httpx.AsyncClient, app: Starlette) -> None:
    vip, seoul, busan = await tag(nhn, "VIP"), await tag(nhn, "SEOUL"), await tag(nhn, "BUSAN")
    people = {"a": ([vip, seoul], "01000000001"), "b": ([vip, busan], "01000000002"), "c": ([seoul], "01000000003")}
    uids = [
        {"uid": uid, "tagIds": tags, "contacts": [{"contactType": "PHONE_NUMBER", "contact": number}]}
        for uid, (tags, number) in people.items()
    ]
    ok(await nhn.post(f"{BASE}/uids", json={"uids": uids}))
    body = {
        "body": "##event## 안내",
        "sendNo": "15446859",
        "templateParameter": {"event": "세일"},
        "tagExpression": [vip, "AND", f"({seoul}", "OR", f"{busan})"],
        "userId": "tester",
    }
    request_id = ok(await nhn.post(f"{BASE}/tag-sender/sms", json=body))["data"]["requestId"]
    assert sorted((delivery.recipient, delivery.text) for delivery in app.state.ledger) == [
        ("01000000001", "세일 안내"),
        ("01000000002", "세일 안내"),
    ]
    start, end = window(minutes=5)
    listed = ok(
        await nhn.get(f"{BASE}/tag-sender", params={"sendType": "0", "startRequestDate": start, "endRequestDate": end})
    )
    assert listed["totalCount"] == 1
    assert (listed["data"][0]["requestId"], listed["data"][0]["masterStatusCode"]) == (request_id, "COMPLETE")
    in_window = {"startRequestDate": start, "endRequestDate": end}
    recipients = ok(await nhn.get(f"{BASE}/tag-sender/{request_id}", params=in_window))
    assert [(item["recipientNo"], item["msgStatusName"]) for item in recipients["data"]] == [
        ("01000000001", "COMPLETED"),
        ("01000000002", "COMPLETED"),
    ]
    assert code_of(await nhn.get(f"{BASE}/tag-sender/{request_id}")) == -2011  # the window is required
    one = ok(await nhn.get(f"{BASE}/tag-sender/{request_id}/2"))["data"]
    assert (one["recipientNum"], one["body"], one["messageType"]) == ("01000000002", "세일 안내", "SMS")
    assert code_of(await nhn.get(f"{BASE}/tag-sender/{request_id}/9")) == -2008
    assert code_of(await nhn.get(f"{BASE}/tag-sender", params={"sendType": "0"})) == -2011
    assert code_of(await nhn.post(f"{BASE}/tag-sender/sms", json={**body, "tagExpression": [vip, "AND"]})) == -7001
    assert code_of(await nhn.post(f"{BASE}/tag-sender/sms", json={**body, "tagExpression": ["nope"]})) == -7001
    no_one = {**body, "tagExpression": [busan, "AND", seoul]}
    assert code_of(await nhn.post(f"{BASE}/tag-sender/sms", json=no_one)) == -2001
    assert code_of(await nhn.post(f"{BASE}/tag-sender/sms", json={**body, "title": "제목"})) == -9997


async def test_a_tag_send_without_auto_send_waits_undelivered(nhn: httpx.AsyncClient) -> None:
    request_id = await tag_send_to_one_vip(nhn, autoSendYn="N")
    start, end = window(minutes=5)
    listed = ok(
        await nhn.get(f"{BASE}/tag-sender", params={"sendType": "0", "startRequestDate": start, "endRequestDate": end})
    )
    assert [(item["autoSendYn"], item["masterStatusCode"]) for item in listed["data"]] == [("N", "READY")]
    sent = ok(await nhn.get(f"{BASE}/sender/sms", params={"requestId": request_id}))
    assert [(item["msgStatus"], item["resultDate"]) for item in sent["data"]] == [("1", None)]


async def test_a_reserved_tag_send_without_auto_send_still_waits_after_its_minute(
    nhn: httpx.AsyncClient, app: Starlette
) -> None:
    """``autoSendYn`` N keeps a tag send requested and undelivered, reserved or not: its
    minute passing does not send it."""
    due = datetime.now(SEOUL) + timedelta(minutes=5)
    request_id = await tag_send_to_one_vip(nhn, autoSendYn="N", requestDate=f"{due:%Y-%m-%d %H:%M}")
    app.state.clock.skew_seconds = 3600
    listed = ok(await nhn.get(f"{BASE}/tag-sender", params={"sendType": "0", "requestId": request_id}))
    assert [item["masterStatusCode"] for item in listed["data"]] == ["READY"]
    sent = ok(await nhn.get(f"{BASE}/sender/sms", params={"requestId": request_id}))
    assert [(item["msgStatus"], item["resultDate"]) for item in sent["data"]] == [("1", None)]


async def test_a_tag_send_list_answers_every_documented_key(nhn: httpx.AsyncClient) -> None:
    request_id = await tag_send_to_one_vip(nhn, userId="tester")
    [item] = ok(await nhn.get(f"{BASE}/tag-sender", params={"sendType": "0", "requestId": request_id}))["data"]
    # N15: the example's keys, plus tagSendStatus, senderName and senderMail from its table.
    assert set(item) == {
        "requestId", "requestIp", "sendType", "templateId", "templateName", "masterStatusCode", "sendNo",
        "requestDate", "tagExpression", "title", "body", "adYn", "autoSendYn", "sendErrorCount", "createUser",
        "createDate", "updateUser", "updateDate", "tagSendStatus", "senderName", "senderMail",
    }  # fmt: skip
    assert (item["senderName"], item["senderMail"]) == (None, None)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", item["requestDate"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d", item["createDate"])


async def test_the_block_list_round_trips_and_blocks_advertisements(nhn: httpx.AsyncClient) -> None:
    block = {"unsubscribeNo": "0801234567", "recipientNoList": ["01000000001", "01000000002"]}
    ok(await nhn.post(f"{BASE}/blockservice/recipients", json=block))
    listed = ok(await nhn.get(f"{BASE}/blockservice/recipients", params={"unsubscribeNo": "0801234567"}))
    assert (listed["totalCount"], [item["recipientNo"] for item in listed["data"]]) == (
        2,
        ["01000000001", "01000000002"],
    )
    ad = {
        "body": "(광고) 세일\n무료수신거부 0801234567",
        "sendNo": "15446859",
        "recipientList": [{"recipientNo": "01000000001"}, {"recipientNo": "01000000003"}],
    }
    results = ok(await nhn.post(f"{BASE}/sender/ad-sms", json=ad))["data"]["sendResultList"]
    assert [result["resultCode"] for result in results] == [-6001, 0]
    removes = {"unsubscribeNo": "0801234567", "updateUser": "me", "recipientNoList": "01000000001,01000000002"}
    ok(await nhn.delete(f"{BASE}/blockservice/recipients/removes", params=removes))
    assert (
        ok(await nhn.get(f"{BASE}/blockservice/recipients", params={"unsubscribeNo": "0801234567"}))["totalCount"] == 0
    )
    assert code_of(await nhn.get(f"{BASE}/blockservice/recipients")) == -6004
    assert (
        code_of(await nhn.post(f"{BASE}/blockservice/recipients", json={**block, "recipientNoList": ["12"]})) == -2019
    )
    assert code_of(await nhn.post(f"{BASE}/blockservice/recipients", json={**block, "recipientNoList": []})) == -2018
    table_name = {"unsubscribeNo": "0801234567", "updateUser": "me", "recipientNo": "01000000003"}
    assert code_of(await nhn.delete(f"{BASE}/blockservice/recipients/removes", params=table_name)) == -2018
    del removes["updateUser"]
    assert code_of(await nhn.delete(f"{BASE}/blockservice/recipients/removes", params=removes)) == -2011


@pytest.mark.parametrize(("added_as", "asked_as"), [("080-123-4567", "0801234567"), ("0801234567", "080 123 4567")])
async def test_the_block_list_keeps_an_080_number_in_one_form_however_it_is_written(
    nhn: httpx.AsyncClient, added_as: str, asked_as: str
) -> None:
    block = {"unsubscribeNo": added_as, "recipientNoList": ["01000000001", "01000000002"]}
    ok(await nhn.post(f"{BASE}/blockservice/recipients", json=block))
    listed = ok(await nhn.get(f"{BASE}/blockservice/recipients", params={"unsubscribeNo": asked_as}))
    # Echoed as the document's example writes it: digits only.
    assert [(item["unsubscribeNo"], item["recipientNo"]) for item in listed["data"]] == [
        ("0801234567", "01000000001"),
        ("0801234567", "01000000002"),
    ]
    removes = {"unsubscribeNo": asked_as, "updateUser": "me", "recipientNoList": "01000000001"}
    ok(await nhn.delete(f"{BASE}/blockservice/recipients/removes", params=removes))
    listed = ok(await nhn.get(f"{BASE}/blockservice/recipients", params={"unsubscribeNo": added_as}))
    assert [item["recipientNo"] for item in listed["data"]] == ["01000000002"]


@pytest.mark.parametrize(
    ("opt_out_line", "code"),
    [
        ("무료수신거부 080-123-4567", -6001),  # the listed number, however it is written
        ("[무료거부]0801234567", -6001),
        ("무료수신거부 080-1234-5678", 0),  # begins with the listed number's digits
        ("무료수신거부 0809999999", 0),
    ],
)
async def test_an_advertisement_is_blocked_only_under_the_080_number_it_names(
    nhn: httpx.AsyncClient, opt_out_line: str, code: int
) -> None:
    """The block list of one 080 number applies to the advertisements whose opt-out line
    names that number, not to any whose digits contain it."""
    ok(
        await nhn.post(
            f"{BASE}/blockservice/recipients", json={"unsubscribeNo": "0801234567", "recipientNoList": ["01000000001"]}
        )
    )
    ad = {
        "body": f"(광고) 쿠폰번호 0801\n234567 세일\n{opt_out_line}",
        "sendNo": "15446859",
        "recipientList": [{"recipientNo": "01000000001"}],
    }
    results = ok(await nhn.post(f"{BASE}/sender/ad-sms", json=ad))["data"]["sendResultList"]
    assert [result["resultCode"] for result in results] == [code]


async def test_a_block_list_written_with_hyphens_blocks_its_advertisements(nhn: httpx.AsyncClient) -> None:
    ok(
        await nhn.post(
            f"{BASE}/blockservice/recipients",
            json={"unsubscribeNo": "080-123-4567", "recipientNoList": ["01000000001"]},
        )
    )
    ad = {
        "body": "(광고) 세일\n무료수신거부 0801234567",
        "sendNo": "15446859",
        "recipientList": [{"recipientNo": "01000000001"}],
    }
    results = ok(await nhn.post(f"{BASE}/sender/ad-sms", json=ad))["data"]["sendResultList"]
    assert [result["resultCode"] for result in results] == [-6001]


async def test_a_download_reservation_returns_the_sent_rows_as_csv(nhn: httpx.AsyncClient) -> None:
    send = {
        "body": "본문",
        "sendNo": "15446859",
        "recipientList": [{"recipientNo": "01000000001"}, {"recipientNo": "01000000008"}],
    }
    request_id = ok(await nhn.post(f"{BASE}/sender/sms", json=send))["data"]["requestId"]
    reservation = {"sendType": "0", "requestId": request_id, "isIncludeTitleAndBody": True}
    data = ok(await nhn.post(f"{BASE}/sender/download-reservations", json=reservation))["data"]
    assert (data["downloadStatusCode"], data["fileType"], data["downloadType"]) == ("COMPLETED", "CSV", "NORMAL")
    listed = ok(await nhn.get(f"{BASE}/download-reservations", params={"downloadId": data["downloadId"]}))
    assert (listed["totalCount"], listed["data"][0]["size"]) == (1, 2)
    answer = await nhn.get(f"{BASE}/download-reservations/{data['downloadId']}/download")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8"))))
    assert [(row["requestId"], row["recipientNo"], row["resultCode"], row["body"]) for row in rows] == [
        (request_id, "01000000001", "1000", "본문"),
        (request_id, "01000000008", "3006", "본문"),
    ]
    failed = ok(await nhn.post(f"{BASE}/sender/download-reservations", json={**reservation, "resultCode": "MTR2"}))
    failed_csv = (await nhn.get(f"{BASE}/download-reservations/{failed['data']['downloadId']}/download")).text
    assert [row["recipientNo"] for row in csv.DictReader(io.StringIO(failed_csv))] == ["01000000008"]
    assert code_of(await nhn.post(f"{BASE}/sender/download-reservations", json={"sendType": "0"})) == -2011
    assert code_of(await nhn.get(f"{BASE}/download-reservations/nope/download")) == -2008


@pytest.mark.parametrize(
    ("method", "path", "selection"),
    [
        ("GET", "/sender/sms", {}),
        ("GET", "/sender/mms", {}),
        ("GET", "/sender/auth/sms", {}),
        ("GET", "/tag-sender", {"sendType": "0"}),
        ("POST", "/sender/download-reservations", {"sendType": "0"}),
    ],
)
@pytest.mark.parametrize("fields", [("startRequestDate", "endRequestDate"), ("startCreateDate", "endCreateDate")])
async def test_a_look_up_window_over_31_days_answers_4000(
    method: str, path: str, selection: dict[str, str], fields: tuple[str, str], nhn: httpx.AsyncClient
) -> None:
    """The SDK refuses these before sending (krsms.nhn.checks.MAX_LOOKUP_SPAN): the emulator's
    rule is the one it copies, a month being 31 days."""

    async def ask(span: timedelta) -> httpx.Response:
        end = datetime(2024, 5, 1, 12, 0, 0)
        start_field, end_field = fields
        window = {
            start_field: (end - span).strftime("%Y-%m-%d %H:%M:%S"),
            end_field: end.strftime("%Y-%m-%d %H:%M:%S"),
        }
        if method == "GET":
            return await nhn.get(f"{BASE}{path}", params={**selection, **window})
        return await nhn.post(f"{BASE}{path}", json={**selection, **window})

    assert code_of(await ask(timedelta(days=31))) == 0
    assert code_of(await ask(timedelta(days=31, seconds=1))) == -4000


async def test_statistics_count_what_was_sent(nhn: httpx.AsyncClient) -> None:
    send = {
        "body": "본문",
        "sendNo": "15446859",
        "recipientList": [{"recipientNo": "01000000001"}, {"recipientNo": "01000000008"}],
    }
    ok(await nhn.post(f"{BASE}/sender/sms", json=send))
    later = (datetime.now(SEOUL) + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    ok(await nhn.post(f"{BASE}/sender/mms", json={**send, "title": "제목", "requestDate": later}))
    now = datetime.now(SEOUL)
    span = {
        "searchType": "DATE",
        "from": (now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
        "to": (now + timedelta(days=2)).strftime("%Y-%m-%d %H:%M"),
    }
    data = ok(await nhn.get(f"{BASE}/statistics/view", params=span))["data"]
    views = {item["divisionName"]: item["statisticsView"] for item in data}
    today = views[now.strftime("%Y-%m-%d")]
    assert (today["requestedCount"], today["succeedCount"], today["failedCount"]) == (2, 1, 1)
    assert (today["succeedRate"], today["failedRate"], today["pendingRate"]) == ("50.00", "50.00", "0.00")
    assert sum(view["pendingCount"] for view in views.values()) == 2
    sms_only = ok(await nhn.get(f"{BASE}/statistics/view", params={**span, "searchType": "DAY", "messageTypes": "SMS"}))
    assert [item["statisticsView"]["requestedCount"] for item in sms_only["data"]] == [2]
    # The table's singular names are not read (the URL example's plural ones are): no filter.
    singular = {**span, "messageType": "MMS", "contentType": "AD"}
    assert (
        sum(
            item["statisticsView"]["requestedCount"]
            for item in ok(await nhn.get(f"{BASE}/statistics/view", params=singular))["data"]
        )
        == 4
    )
    assert ok(await nhn.get(f"{BASE}/statistics/view", params={**span, "contentTypes": "AD"}))["data"] == []
    assert code_of(await nhn.get(f"{BASE}/statistics/view", params={**span, "searchType": "WEEK"})) == -2701
    assert (
        code_of(await nhn.get(f"{BASE}/statistics/view", params={**span, "to": span["from"], "from": span["to"]}))
        == -2700
    )
    long_span = {**span, "to": (now + timedelta(days=40)).strftime("%Y-%m-%d %H:%M")}
    assert code_of(await nhn.get(f"{BASE}/statistics/view", params=long_span)) == -2703


async def test_a_tag_mms_with_a_template_and_image(nhn: httpx.AsyncClient) -> None:
    upload = {"fileName": "a.jpg", "createUser": "me", "fileBody": base64.b64encode(b"\xff\xd8" * 10).decode()}
    file_id = ok(await nhn.post(f"{BASE}/attachfile/binaryUpload", json=upload))["data"]["fileId"]
    fields = template(templateId="promo", sendType="1", title="쿠폰", body="쿠폰 도착", attachFileIdList=[file_id])
    ok(await nhn.post(f"{BASE}/templates", json=fields))
    assert code_of(await nhn.post(f"{BASE}/templates", json={**fields, "templateId": "again"})) == -2043
    vip = await tag(nhn, "VIP")
    uid = {"uid": "a", "tagIds": [vip], "contacts": [{"contactType": "PHONE_NUMBER", "contact": "01000000001"}]}
    ok(await nhn.post(f"{BASE}/uids", json={"uids": [uid]}))
    body = {"templateId": "promo", "tagExpression": [vip]}
    request_id = ok(await nhn.post(f"{BASE}/tag-sender/mms", json=body))["data"]["requestId"]
    one = ok(await nhn.get(f"{BASE}/tag-sender/{request_id}/1"))["data"]
    assert (one["messageType"], one["title"], one["body"]) == ("MMS", "쿠폰", "쿠폰 도착")
    assert [item["fileName"] for item in one["attachFileList"]] == ["a.jpg"]
    # N17's table: the file's size (Long) and its own dates, not the send's.
    (attached,) = one["attachFileList"]
    assert (attached["fileSize"], attached["fileSequence"]) == (20, 1)
    uploaded = ok(await nhn.get(f"{BASE}/templates/promo"))["data"]["attachFileList"][0]
    assert attached["createDate"] == uploaded["createDate"]
    listed = ok(await nhn.get(f"{BASE}/tag-sender", params={"sendType": "1", "requestId": request_id}))
    assert (listed["data"][0]["templateName"], listed["data"][0]["title"]) == ("환영", "쿠폰")

"""The emulated NHN API refuses a required text of spaces as it refuses an empty one, with the
code the error table gives the empty field; the SDK refuses the same blanks before sending."""

from __future__ import annotations

import httpx
import pytest
from nhn_answers import code_of, template
from starlette.applications import Starlette

from krsms.emulator import DEMO_NHN_APP_KEY

BASE = f"/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}"
BLANKS = [" ", "   ", "\t\n", "\u3000"]
"""Texts without a visible character: spaces, a tab and a line break, an ideographic space."""


@pytest.mark.parametrize("blank", BLANKS)
@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"templateId": "{blank}"}, -2100),
        ({"templateName": "{blank}"}, -2102),
        ({"sendNo": "{blank}"}, -2103),
        ({"body": "{blank}"}, -2105),
        ({"sendType": "1", "title": "{blank}"}, -2114),
    ],
)
async def test_a_template_with_a_blank_required_text_is_not_stored(
    nhn: httpx.AsyncClient, blank: str, fields: dict[str, str], code: int
) -> None:
    """N24's required ``templateId``, ``templateName``, ``sendNo`` and ``body`` (and an LMS/MMS
    template's ``title``) of spaces answer the code of the empty field, and nothing is stored;
    N27 refuses them alike on the stored template, which keeps its fields."""
    blanked = {name: value.format(blank=blank) for name, value in fields.items()}
    assert code_of(await nhn.post(f"{BASE}/templates", json=template(**blanked))) == code
    assert (await nhn.get(f"{BASE}/templates")).json()["body"]["totalCount"] == 0
    if "templateId" in blanked:
        return
    assert code_of(await nhn.post(f"{BASE}/templates", json=template())) == 0
    update = {name: value for name, value in template(**blanked).items() if name not in ("categoryId", "templateId")}
    assert code_of(await nhn.put(f"{BASE}/templates/welcome", json=update)) == code
    stored = (await nhn.get(f"{BASE}/templates/welcome")).json()["body"]["data"]
    assert (stored["templateName"], stored["sendNo"], stored["body"]) == ("환영", "15446859", "환영합니다")


@pytest.mark.parametrize("blank", BLANKS)
async def test_a_category_with_a_blank_name_is_not_stored(nhn: httpx.AsyncClient, blank: str) -> None:
    """N19 and N22 require ``categoryName``: spaces alone answer -2200 (add) and -2201 (update),
    as an empty name does, and the category keeps its name."""
    added = await nhn.post(f"{BASE}/categories", json={"categoryName": blank, "useYn": "Y"})
    assert code_of(added) == -2200
    assert (await nhn.get(f"{BASE}/categories")).json()["body"]["totalCount"] == 1  # the top-level one
    created = await nhn.post(f"{BASE}/categories", json={"categoryName": "공지", "useYn": "Y"})
    category_id = created.json()["body"]["data"]["categoryId"]
    renamed = await nhn.put(f"{BASE}/categories/{category_id}", json={"categoryName": blank, "useYn": "Y"})
    assert code_of(renamed) == -2201
    [stored] = (await nhn.get(f"{BASE}/categories/{category_id}")).json()["body"]["data"]
    assert stored["categoryName"] == "공지"


@pytest.mark.parametrize("blank", BLANKS)
async def test_a_blank_user_where_the_table_requires_one_is_refused(nhn: httpx.AsyncClient, blank: str) -> None:
    """Who uploads (N18 ``createUser``), cancels (N36 ``updateUser``) or removes opt-outs (N31
    ``updateUser``) is required: spaces alone answer as none does (-9997, -9997, -2011), and
    nothing is uploaded, cancelled or removed."""
    upload = {"fileName": "coupon.jpg", "fileBody": "/9j/", "createUser": blank}
    assert code_of(await nhn.post(f"{BASE}/attachfile/binaryUpload", json=upload)) == -9997
    cancel = {"reservationList": [{"requestId": "20180810100630ReZQ6KZzAH0", "recipientSeq": 1}], "updateUser": blank}
    assert code_of(await nhn.put(f"{BASE}/reservations/cancel", json=cancel)) == -9997
    opt_out = {"unsubscribeNo": "0801234567", "recipientNoList": ["01000000001"]}
    assert code_of(await nhn.post(f"{BASE}/blockservice/recipients", json=opt_out)) == 0
    removal = {"unsubscribeNo": "0801234567", "updateUser": blank, "recipientNoList": "01000000001"}
    assert code_of(await nhn.delete(f"{BASE}/blockservice/recipients/removes", params=removal)) == -2011
    listed = await nhn.get(f"{BASE}/blockservice/recipients", params={"unsubscribeNo": "0801234567"})
    assert [item["recipientNo"] for item in listed.json()["body"]["data"]] == ["01000000001"]


@pytest.mark.parametrize("blank", BLANKS)
async def test_a_blank_uid_is_not_registered(nhn: httpx.AsyncClient, blank: str) -> None:
    """N46 requires a ``uid``: spaces alone answer -7001, as an empty one does, and no UID of
    the request is registered (a blank one could not be named in N45, N47-N49's paths)."""
    contact = [{"contactType": "PHONE_NUMBER", "contact": "01000000001"}]
    entries = [{"uid": "a", "tagIds": [], "contacts": contact}, {"uid": blank, "tagIds": [], "contacts": contact}]
    assert code_of(await nhn.post(f"{BASE}/uids", json={"uids": entries})) == -7001
    assert (await nhn.get(f"{BASE}/uids")).json()["body"]["data"]["totalCount"] == 0


@pytest.mark.parametrize("blank", BLANKS)
@pytest.mark.parametrize(("path", "fields"), [("sms", {"body": "{blank}"}), ("mms", {"title": "{blank}"})])
async def test_a_send_with_a_blank_body_or_title_is_refused(
    nhn: httpx.AsyncClient, app: Starlette, blank: str, path: str, fields: dict[str, str]
) -> None:
    """A send's body (and an LMS/MMS title) of spaces alone answers -2014 (empty title or body),
    as an empty one does; nothing is sent."""
    send = {"title": "안내", "body": "본문", "sendNo": "15446859", "recipientList": [{"recipientNo": "01000000001"}]}
    if path == "sms":
        del send["title"]
    send.update({name: value.format(blank=blank) for name, value in fields.items()})
    assert code_of(await nhn.post(f"{BASE}/sender/{path}", json=send)) == -2014
    assert list(app.state.ledger) == []


@pytest.mark.parametrize("blank", BLANKS)
async def test_a_blank_body_or_title_of_a_templated_send_is_the_templates(
    nhn: httpx.AsyncClient, app: Starlette, blank: str
) -> None:
    """A send naming a template fills a blank (spaces alone) body, title or sender from it, as
    an empty one: "Request parameter body内の値が空欄の場合、該当templateIdのbody内容に置換します"."""
    stored = template(sendType="1", title="공지", body="##name##님 안녕하세요")
    assert code_of(await nhn.post(f"{BASE}/templates", json=stored)) == 0
    recipient = {"recipientNo": "01000000001", "templateParameter": {"name": "철수"}}
    send = {"templateId": "welcome", "title": blank, "body": blank, "sendNo": blank, "recipientList": [recipient]}
    assert code_of(await nhn.post(f"{BASE}/sender/mms", json=send)) == 0
    [delivery] = app.state.ledger
    assert (delivery.subject, delivery.text, delivery.sender) == ("공지", "철수님 안녕하세요", "15446859")


async def test_a_templated_sends_title_is_filled_as_its_body_is(nhn: httpx.AsyncClient, app: Starlette) -> None:
    """krsms reads a template's ``##key##`` from its title and body (krsms send fills both from
    a file's columns): the emulator fills both, and the look-ups show the title filled."""
    stored = template(sendType="1", title="##name##님 쿠폰", body="##name##님 안녕하세요")
    assert code_of(await nhn.post(f"{BASE}/templates", json=stored)) == 0
    recipient = {"recipientNo": "01000000001", "templateParameter": {"name": "철수"}}
    answer = await nhn.post(f"{BASE}/sender/mms", json={"templateId": "welcome", "recipientList": [recipient]})
    assert code_of(answer) == 0
    [delivery] = app.state.ledger
    assert (delivery.subject, delivery.text) == ("철수님 쿠폰", "철수님 안녕하세요")
    request_id = answer.json()["body"]["data"]["requestId"]
    listed = await nhn.get(f"{BASE}/sender/mms", params={"requestId": request_id})
    assert [item["title"] for item in listed.json()["body"]["data"]] == ["철수님 쿠폰"]

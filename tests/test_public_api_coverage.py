"""The whole API inventory is served, and every public name is documented.

The inventory of both providers' endpoints (method, path under the provider's base URL, and the
typed client method that sends it) is copied below from the project's API inventory, one row a
client method. For each row the typed client has the method, a call of it against the embedded
emulator sends exactly that method and path, and the emulator has an endpoint for it (not its
catch-all answer for a path no endpoint has). A removed or renamed method, a path typo, or an
endpoint the emulator stops serving fails here, whatever the per-endpoint tests say. The
round trips themselves (what the answers hold) are the per-provider tests' business: here the
emulator starts empty, so a look-up of an unknown id may be refused; the request is what counts.

Every public name of the SDK has a docstring and is named in a code span or block of docs/*.md,
apart from the short allow-list below, each entry with its reason.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import inspect
import itertools
import re
import sys
import types
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Match, Route

import krsms
import krsms.emulator
import krsms.errors
import krsms.fanout
import krsms.nhn
import krsms.nhn.models
import krsms.sens
import krsms.sens.models
import krsms.testing
from krsms.emulator import DEMO_NHN_APP_KEY, DEMO_SENS_ACCESS_KEY, DEMO_SENS_SECRET_KEY, DEMO_SENS_SERVICE_ID
from krsms.fanout import BatchingGateway
from krsms.nhn import NhnClient
from krsms.nhn.models import (
    BlockedRecipientQuery,
    CategoryCreate,
    CategoryUpdate,
    DownloadRequest,
    MessageResultQuery,
    NewContact,
    ReservationKey,
    SendQuery,
    SendRecipient,
    StatisticsQuery,
    TagRecipientQuery,
    TagSendQuery,
    TagSendRequest,
    TemplateCreate,
    TemplateUpdate,
    UidRegistration,
)
from krsms.nhn.models import SendRequest as NhnSendRequest
from krsms.sens import SensClient
from krsms.sens.models import MessageQuery, MessageType, SendMessage
from krsms.sens.models import SendRequest as SensSendRequest
from krsms.transport import NO_RETRIES

ROOT = Path(__file__).resolve().parents[1]
BASE_URL = "http://emulator"
SEOUL = ZoneInfo("Asia/Seoul")

SENS_PREFIX = "/sms/v2"
"""Where the inventory's SENS paths (``/services/{serviceId}/...``) are."""
NHN_PREFIX = f"/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}"
"""The inventory's NHN paths are under ``/sms/v2.2/appKeys/{appKey}``."""

SENDER = "0212345678"
NUMBER = "01012345678"
UNSUBSCRIBE_NO = "0801234567"
AD_TEXT = f"(광고) 겨울 세일\n무료수신거부 {UNSUBSCRIBE_NO}"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100 + b"\xff\xd9"

PATH_VALUES = {
    "serviceId": DEMO_SENS_SERVICE_ID,
    "messageId": "0-ESG-202601-1234567-0",
    "reserveId": "24e10a4b-reserve",
    "scheduleCode": "every-pm-16",
    "requestId": "20260102103000Ab1Cd2Ef3",
    "recipientSeq": "1",
    "categoryId": "7",
    "templateId": "welcome",
    "downloadId": "20260102103000download",
    "tagId": "TAG0001",
    "uid": "member-42",
    "phoneNumber": NUMBER,
}
"""The value each placeholder of an inventory path takes in the calls below: ids as the
providers write them, none of them changed by percent-encoding."""


def value(name: str) -> str:
    return PATH_VALUES[name]


def window() -> tuple[datetime, datetime]:
    now = datetime.now(SEOUL).replace(microsecond=0)
    return now - timedelta(hours=1), now


def updates_window() -> MessageResultQuery:
    start, end = window()
    return MessageResultQuery(start_update_date=start, end_update_date=end)


def tag_recipients_window() -> TagRecipientQuery:
    start, end = window()
    return TagRecipientQuery(start_request_date=start, end_request_date=end)


def nhn_send(**fields: Any) -> NhnSendRequest:
    return NhnSendRequest(send_no=SENDER, recipient_list=(SendRecipient(recipient_no=NUMBER),), **fields)


async def every(items: AsyncIterator[object]) -> list[object]:
    return [item async for item in items]


async def read_download(nhn: NhnClient) -> None:
    async with nhn.download(value("downloadId")) as chunks:
        async for _ in chunks:
            pass


Call = Callable[[Any, Path], Awaitable[object]]


@attrs.frozen
class Endpoint:
    """One row of the inventory: an endpoint and one client method that sends it."""

    number: str
    """The inventory's number (``S1``, ``N19``)."""
    method: str
    path: str
    """Under the provider's base, with the inventory's ``{placeholders}``."""
    client_method: str
    call: Call
    query: frozenset[str] = frozenset()
    """The query names the inventory writes in the path (``?mtPr=``), the whole query then."""

    @property
    def id(self) -> str:
        return f"{self.number}-{self.client_method}"

    def sent_path(self, prefix: str) -> str:
        return prefix + self.path.format_map(PATH_VALUES)


SENS_INVENTORY = (
    Endpoint(
        "S1",
        "POST",
        "/services/{serviceId}/messages",
        "send",
        lambda sens, _: sens.send(
            SensSendRequest(
                type=MessageType.SMS, from_=SENDER, content="안녕하세요", messages=(SendMessage(to=NUMBER),)
            )
        ),
    ),
    Endpoint(
        "S1",
        "POST",
        "/services/{serviceId}/messages",
        "send_body",
        lambda sens, _: sens.send_body(
            {"type": "SMS", "from": SENDER, "content": "안녕하세요", "messages": [{"to": NUMBER}]}
        ),
    ),
    Endpoint(
        "S2", "POST", "/services/{serviceId}/files", "upload_file", lambda sens, _: sens.upload_file("a.jpg", JPEG)
    ),
    Endpoint(
        "S3",
        "GET",
        "/services/{serviceId}/messages",
        "list_messages",
        lambda sens, _: sens.list_messages(MessageQuery(request_id=value("requestId"))),
    ),
    Endpoint(
        "S3",
        "GET",
        "/services/{serviceId}/messages",
        "iter_messages",
        lambda sens, _: every(sens.iter_messages(MessageQuery(request_id=value("requestId")))),
    ),
    Endpoint(
        "S3",
        "GET",
        "/services/{serviceId}/messages",
        "iter_message_pages",
        lambda sens, _: every(sens.iter_message_pages(MessageQuery(request_id=value("requestId")))),
    ),
    Endpoint(
        "S4",
        "GET",
        "/services/{serviceId}/messages/{messageId}",
        "get_message",
        lambda sens, _: sens.get_message(value("messageId")),
    ),
    Endpoint(
        "S5",
        "GET",
        "/services/{serviceId}/reservations/{reserveId}/reserve-status",
        "reservation_status",
        lambda sens, _: sens.reservation_status(value("reserveId")),
    ),
    Endpoint(
        "S6",
        "DELETE",
        "/services/{serviceId}/reservations/{reserveId}",
        "cancel_reservation",
        lambda sens, _: sens.cancel_reservation(value("reserveId")),
    ),
    Endpoint(
        "S7",
        "DELETE",
        "/services/{serviceId}/schedules/{scheduleCode}/messages/{messageId}",
        "cancel_scheduled_message",
        lambda sens, _: sens.cancel_scheduled_message(value("scheduleCode"), value("messageId")),
    ),
    Endpoint(
        "S8", "GET", "/services/{serviceId}/unsubscribes", "list_unsubscribes", lambda sens, _: sens.list_unsubscribes()
    ),
    Endpoint(
        "S8",
        "GET",
        "/services/{serviceId}/unsubscribes",
        "iter_unsubscribes",
        lambda sens, _: every(sens.iter_unsubscribes()),
    ),
    Endpoint(
        "S9",
        "POST",
        "/services/{serviceId}/unsubscribes",
        "add_unsubscribes",
        lambda sens, _: sens.add_unsubscribes([NUMBER]),
    ),
    Endpoint(
        "S10",
        "DELETE",
        "/services/{serviceId}/unsubscribes",
        "delete_unsubscribes",
        lambda sens, _: sens.delete_unsubscribes([NUMBER]),
    ),
)

MT_PR = frozenset({"mtPr"})
NHN_INVENTORY = (
    Endpoint("N1", "POST", "/sender/sms", "send_sms", lambda nhn, _: nhn.send_sms(nhn_send(body="안녕하세요"))),
    Endpoint(
        "N2", "GET", "/sender/sms", "list_sms", lambda nhn, _: nhn.list_sms(SendQuery(request_id=value("requestId")))
    ),
    Endpoint(
        "N2",
        "GET",
        "/sender/sms",
        "iter_sms",
        lambda nhn, _: every(nhn.iter_sms(SendQuery(request_id=value("requestId")))),
    ),
    Endpoint(
        "N3", "GET", "/sender/sms/{requestId}", "get_sms", lambda nhn, _: nhn.get_sms(value("requestId"), 1), MT_PR
    ),
    Endpoint(
        "N4", "POST", "/sender/mms", "send_mms", lambda nhn, _: nhn.send_mms(nhn_send(title="안내", body="안내문"))
    ),
    Endpoint(
        "N5", "GET", "/sender/mms", "list_mms", lambda nhn, _: nhn.list_mms(SendQuery(request_id=value("requestId")))
    ),
    Endpoint(
        "N5",
        "GET",
        "/sender/mms",
        "iter_mms",
        lambda nhn, _: every(nhn.iter_mms(SendQuery(request_id=value("requestId")))),
    ),
    Endpoint(
        "N6", "GET", "/sender/mms/{requestId}", "get_mms", lambda nhn, _: nhn.get_mms(value("requestId"), 1), MT_PR
    ),
    Endpoint(
        "N7",
        "POST",
        "/sender/auth/sms",
        "send_auth_sms",
        lambda nhn, _: nhn.send_auth_sms(nhn_send(body="인증번호 1234")),
    ),
    Endpoint(
        "N8",
        "GET",
        "/sender/auth/sms",
        "list_auth_sms",
        lambda nhn, _: nhn.list_auth_sms(SendQuery(request_id=value("requestId"))),
    ),
    Endpoint(
        "N8",
        "GET",
        "/sender/auth/sms",
        "iter_auth_sms",
        lambda nhn, _: every(nhn.iter_auth_sms(SendQuery(request_id=value("requestId")))),
    ),
    Endpoint(
        "N9",
        "GET",
        "/sender/auth/sms/{requestId}",
        "get_auth_sms",
        lambda nhn, _: nhn.get_auth_sms(value("requestId"), 1),
        MT_PR,
    ),
    Endpoint("N10", "POST", "/sender/ad-sms", "send_ad_sms", lambda nhn, _: nhn.send_ad_sms(nhn_send(body=AD_TEXT))),
    Endpoint(
        "N11",
        "POST",
        "/sender/ad-mms",
        "send_ad_mms",
        lambda nhn, _: nhn.send_ad_mms(nhn_send(title="세일", body=AD_TEXT)),
    ),
    Endpoint(
        "N12",
        "GET",
        "/message-results",
        "list_message_results",
        lambda nhn, _: nhn.list_message_results(updates_window()),
    ),
    Endpoint(
        "N12",
        "GET",
        "/message-results",
        "iter_message_results",
        lambda nhn, _: every(nhn.iter_message_results(updates_window())),
    ),
    Endpoint(
        "N13",
        "POST",
        "/tag-sender/sms",
        "send_tag_sms",
        lambda nhn, _: nhn.send_tag_sms(TagSendRequest(body="안내", send_no=SENDER, tag_expression=(value("tagId"),))),
    ),
    Endpoint(
        "N14",
        "POST",
        "/tag-sender/mms",
        "send_tag_mms",
        lambda nhn, _: nhn.send_tag_mms(
            TagSendRequest(title="안내", body="안내문", send_no=SENDER, tag_expression=(value("tagId"),))
        ),
    ),
    Endpoint(
        "N15",
        "GET",
        "/tag-sender",
        "list_tag_sends",
        lambda nhn, _: nhn.list_tag_sends(TagSendQuery(send_type="0", request_id=value("requestId"))),
    ),
    Endpoint(
        "N15",
        "GET",
        "/tag-sender",
        "iter_tag_sends",
        lambda nhn, _: every(nhn.iter_tag_sends(TagSendQuery(send_type="0", request_id=value("requestId")))),
    ),
    Endpoint(
        "N16",
        "GET",
        "/tag-sender/{requestId}",
        "list_tag_send_recipients",
        lambda nhn, _: nhn.list_tag_send_recipients(value("requestId"), tag_recipients_window()),
    ),
    Endpoint(
        "N16",
        "GET",
        "/tag-sender/{requestId}",
        "iter_tag_send_recipients",
        lambda nhn, _: every(nhn.iter_tag_send_recipients(value("requestId"), tag_recipients_window())),
    ),
    Endpoint(
        "N17",
        "GET",
        "/tag-sender/{requestId}/{recipientSeq}",
        "get_tag_send_recipient",
        lambda nhn, _: nhn.get_tag_send_recipient(value("requestId"), 1),
    ),
    Endpoint(
        "N18",
        "POST",
        "/attachfile/binaryUpload",
        "upload_attachment",
        lambda nhn, _: nhn.upload_attachment("a.jpg", JPEG, "tester"),
    ),
    Endpoint(
        "N19",
        "POST",
        "/categories",
        "create_category",
        lambda nhn, _: nhn.create_category(CategoryCreate(category_name="공지", use_yn=True)),
    ),
    Endpoint("N20", "GET", "/categories", "list_categories", lambda nhn, _: nhn.list_categories()),
    Endpoint("N20", "GET", "/categories", "iter_categories", lambda nhn, _: every(nhn.iter_categories())),
    Endpoint("N21", "GET", "/categories/{categoryId}", "get_category", lambda nhn, _: nhn.get_category(7)),
    Endpoint(
        "N22",
        "PUT",
        "/categories/{categoryId}",
        "update_category",
        lambda nhn, _: nhn.update_category(7, CategoryUpdate(category_name="알림", use_yn=True)),
    ),
    Endpoint("N23", "DELETE", "/categories/{categoryId}", "delete_category", lambda nhn, _: nhn.delete_category(7)),
    Endpoint(
        "N24",
        "POST",
        "/templates",
        "create_template",
        lambda nhn, _: nhn.create_template(
            TemplateCreate(
                category_id=7,
                template_id=value("templateId"),
                template_name="가입 환영",
                send_no=SENDER,
                send_type="0",
                body="환영합니다",
                use_yn=True,
            )
        ),
    ),
    Endpoint("N25", "GET", "/templates", "list_templates", lambda nhn, _: nhn.list_templates()),
    Endpoint("N25", "GET", "/templates", "iter_templates", lambda nhn, _: every(nhn.iter_templates())),
    Endpoint(
        "N26", "GET", "/templates/{templateId}", "get_template", lambda nhn, _: nhn.get_template(value("templateId"))
    ),
    Endpoint(
        "N27",
        "PUT",
        "/templates/{templateId}",
        "update_template",
        lambda nhn, _: nhn.update_template(
            value("templateId"),
            TemplateUpdate(template_name="가입 환영", send_no=SENDER, send_type="0", body="환영", use_yn=True),
        ),
    ),
    Endpoint(
        "N28",
        "DELETE",
        "/templates/{templateId}",
        "delete_template",
        lambda nhn, _: nhn.delete_template(value("templateId")),
    ),
    Endpoint(
        "N29",
        "POST",
        "/blockservice/recipients",
        "add_blocked_recipients",
        lambda nhn, _: nhn.add_blocked_recipients(UNSUBSCRIBE_NO, [NUMBER]),
    ),
    Endpoint(
        "N30",
        "GET",
        "/blockservice/recipients",
        "list_blocked_recipients",
        lambda nhn, _: nhn.list_blocked_recipients(BlockedRecipientQuery(unsubscribe_no=UNSUBSCRIBE_NO)),
    ),
    Endpoint(
        "N30",
        "GET",
        "/blockservice/recipients",
        "iter_blocked_recipients",
        lambda nhn, _: every(nhn.iter_blocked_recipients(BlockedRecipientQuery(unsubscribe_no=UNSUBSCRIBE_NO))),
    ),
    Endpoint(
        "N31",
        "DELETE",
        "/blockservice/recipients/removes",
        "delete_blocked_recipients",
        lambda nhn, _: nhn.delete_blocked_recipients(UNSUBSCRIBE_NO, [NUMBER], "tester"),
        frozenset({"unsubscribeNo", "updateUser", "recipientNoList"}),
    ),
    Endpoint("N32", "GET", "/sendNos", "list_sender_numbers", lambda nhn, _: nhn.list_sender_numbers()),
    Endpoint("N32", "GET", "/sendNos", "iter_sender_numbers", lambda nhn, _: every(nhn.iter_sender_numbers())),
    Endpoint(
        "N33",
        "GET",
        "/statistics/view",
        "get_statistics",
        lambda nhn, _: nhn.get_statistics(StatisticsQuery(search_type="DATE", from_=window()[0], to=window()[1])),
    ),
    Endpoint("N34", "GET", "/reservations", "list_reservations", lambda nhn, _: nhn.list_reservations()),
    Endpoint("N34", "GET", "/reservations", "iter_reservations", lambda nhn, _: every(nhn.iter_reservations())),
    Endpoint(
        "N35",
        "GET",
        "/reservations/{requestId}/{recipientSeq}",
        "get_reservation",
        lambda nhn, _: nhn.get_reservation(value("requestId"), 1),
    ),
    Endpoint(
        "N36",
        "PUT",
        "/reservations/cancel",
        "cancel_reservations",
        lambda nhn, _: nhn.cancel_reservations(
            [ReservationKey(request_id=value("requestId"), recipient_seq=1)], "tester"
        ),
    ),
    Endpoint(
        "N37",
        "POST",
        "/sender/download-reservations",
        "request_download",
        lambda nhn, _: nhn.request_download(DownloadRequest(send_type="0", request_id=value("requestId"))),
    ),
    Endpoint(
        "N38",
        "GET",
        "/download-reservations",
        "list_download_reservations",
        lambda nhn, _: nhn.list_download_reservations(),
    ),
    Endpoint(
        "N38",
        "GET",
        "/download-reservations",
        "iter_download_reservations",
        lambda nhn, _: every(nhn.iter_download_reservations()),
    ),
    Endpoint(
        "N39", "GET", "/download-reservations/{downloadId}/download", "download", lambda nhn, _: read_download(nhn)
    ),
    Endpoint(
        "N39",
        "GET",
        "/download-reservations/{downloadId}/download",
        "download_to",
        lambda nhn, directory: nhn.download_to(value("downloadId"), directory / "export.csv"),
    ),
    Endpoint("N40", "GET", "/tags", "list_tags", lambda nhn, _: nhn.list_tags()),
    Endpoint("N40", "GET", "/tags", "iter_tags", lambda nhn, _: every(nhn.iter_tags())),
    Endpoint("N41", "POST", "/tags", "create_tag", lambda nhn, _: nhn.create_tag("VIP")),
    Endpoint("N42", "PUT", "/tags/{tagId}", "update_tag", lambda nhn, _: nhn.update_tag(value("tagId"), "VVIP")),
    Endpoint("N43", "DELETE", "/tags/{tagId}", "delete_tag", lambda nhn, _: nhn.delete_tag(value("tagId"))),
    Endpoint("N44", "GET", "/uids", "list_uids", lambda nhn, _: nhn.list_uids()),
    Endpoint("N44", "GET", "/uids", "iter_uids", lambda nhn, _: every(nhn.iter_uids())),
    Endpoint("N45", "GET", "/uids/{uid}", "get_uid", lambda nhn, _: nhn.get_uid(value("uid"))),
    Endpoint(
        "N46",
        "POST",
        "/uids",
        "create_uids",
        lambda nhn, _: nhn.create_uids(
            [UidRegistration(uid=value("uid"), tag_ids=(value("tagId"),), contacts=(NewContact(contact=NUMBER),))]
        ),
    ),
    Endpoint("N47", "DELETE", "/uids/{uid}", "delete_uid", lambda nhn, _: nhn.delete_uid(value("uid"))),
    Endpoint(
        "N48",
        "POST",
        "/uids/{uid}/phone-numbers",
        "add_phone_number",
        lambda nhn, _: nhn.add_phone_number(value("uid"), NUMBER),
    ),
    Endpoint(
        "N49",
        "DELETE",
        "/uids/{uid}/phone-numbers/{phoneNumber}",
        "delete_phone_number",
        lambda nhn, _: nhn.delete_phone_number(value("uid"), NUMBER),
    ),
)

NOT_ENDPOINTS = {"aclose"}
"""The clients' public methods that send no endpoint of their own."""


def test_the_table_has_every_endpoint_of_the_inventory() -> None:
    """S1 to S10 and N1 to N49, each with at least one client method, and nothing else."""
    numbers = {endpoint.number for endpoint in (*SENS_INVENTORY, *NHN_INVENTORY)}

    assert numbers == {f"S{index}" for index in range(1, 11)} | {f"N{index}" for index in range(1, 50)}


@pytest.mark.parametrize(
    ("client", "inventory"), [(SensClient, SENS_INVENTORY), (NhnClient, NHN_INVENTORY)], ids=["sens", "nhn"]
)
def test_every_public_client_method_sends_an_endpoint_of_the_inventory(
    client: type[object], inventory: tuple[Endpoint, ...]
) -> None:
    """A method added to a client is added to the table here, with the endpoint it sends."""
    public = {name for name in dir(client) if not name.startswith("_")}

    assert public - NOT_ENDPOINTS == {endpoint.client_method for endpoint in inventory}


@pytest.mark.parametrize(
    ("client", "endpoint"),
    [
        *(pytest.param(SensClient, endpoint, id=endpoint.id) for endpoint in SENS_INVENTORY),
        *(pytest.param(NhnClient, endpoint, id=endpoint.id) for endpoint in NHN_INVENTORY),
    ],
)
def test_the_client_method_docstring_names_its_endpoint(client: type[object], endpoint: Endpoint) -> None:
    """Its first line says which endpoint it sends (``N2: ...``, ``S3 ``GET /messages``: ...``),
    so that help() and an editor's hover lead to the provider's document."""
    first_line = (inspect.getdoc(getattr(client, endpoint.client_method)) or "").splitlines()[0]

    assert re.match(rf"{endpoint.number}\b", first_line), first_line


@pytest.fixture
def app() -> Starlette:
    return krsms.emulator.create_app()


@pytest.fixture
def sent() -> list[httpx.Request]:
    """Every request the clients below send to the emulator."""
    return []


@pytest.fixture
async def http(app: Starlette, sent: list[httpx.Request]) -> AsyncIterator[httpx.AsyncClient]:
    async def record(request: httpx.Request) -> None:
        sent.append(request)

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL, event_hooks={"request": [record]}) as client:
        yield client


@pytest.fixture
async def sens(http: httpx.AsyncClient) -> AsyncIterator[SensClient]:
    async with SensClient(
        access_key=DEMO_SENS_ACCESS_KEY,
        secret_key=DEMO_SENS_SECRET_KEY,
        service_id=DEMO_SENS_SERVICE_ID,
        base_url=BASE_URL,
        http_client=http,
        retry=NO_RETRIES,
    ) as client:
        yield client


@pytest.fixture
async def nhn(http: httpx.AsyncClient) -> AsyncIterator[NhnClient]:
    async with NhnClient(app_key=DEMO_NHN_APP_KEY, base_url=BASE_URL, http_client=http, retry=NO_RETRIES) as client:
        yield client


async def call_and_record(
    client: object, endpoint: Endpoint, sent: list[httpx.Request], directory: Path
) -> list[tuple[str, str]]:
    """The method and path of every request ``endpoint``'s call sent; a refusal of the
    (empty) emulator is an answer like any other here, a refusal before sending is not."""
    assert callable(getattr(client, endpoint.client_method, None)), (
        f"no {type(client).__name__}.{endpoint.client_method}"
    )
    with contextlib.suppress(krsms.ProviderError):
        await endpoint.call(client, directory)
    return [(request.method, request.url.path) for request in sent]


@pytest.mark.parametrize("endpoint", SENS_INVENTORY, ids=lambda endpoint: endpoint.id)
async def test_sens_client_sends_the_inventory_endpoint(
    sens: SensClient, endpoint: Endpoint, sent: list[httpx.Request], tmp_path: Path
) -> None:
    requests = await call_and_record(sens, endpoint, sent, tmp_path)

    assert requests == [(endpoint.method, endpoint.sent_path(SENS_PREFIX))]
    if endpoint.query:
        assert set(sent[0].url.params) == endpoint.query


@pytest.mark.parametrize("endpoint", NHN_INVENTORY, ids=lambda endpoint: endpoint.id)
async def test_nhn_client_sends_the_inventory_endpoint(
    nhn: NhnClient, endpoint: Endpoint, sent: list[httpx.Request], tmp_path: Path
) -> None:
    requests = await call_and_record(nhn, endpoint, sent, tmp_path)

    assert requests == [(endpoint.method, endpoint.sent_path(NHN_PREFIX))]
    if endpoint.query:
        assert set(sent[0].url.params) == endpoint.query


def served_by(app: Starlette, method: str, path: str) -> Route | None:
    """The emulator's endpoint route that answers ``method path``; None when only a
    catch-all (a route for every method: the provider's "no such API") does."""
    scope = {"type": "http", "method": method, "path": path, "root_path": ""}
    for route in app.routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return route if isinstance(route, Route) and route.methods is not None else None
    return None


@pytest.mark.parametrize(
    ("prefix", "endpoint"),
    [
        *(pytest.param(SENS_PREFIX, endpoint, id=endpoint.id) for endpoint in SENS_INVENTORY),
        *(pytest.param(NHN_PREFIX, endpoint, id=endpoint.id) for endpoint in NHN_INVENTORY),
    ],
)
def test_the_emulator_serves_the_inventory_endpoint(app: Starlette, prefix: str, endpoint: Endpoint) -> None:
    assert served_by(app, endpoint.method, endpoint.sent_path(prefix)) is not None


# --- every public name documented ---------------------------------------------------------

PUBLIC_MODULES = (krsms, krsms.sens, krsms.nhn, krsms.emulator, krsms.testing, krsms.errors)
"""Modules whose public names are the SDK's: each ``__all__``, or (``krsms.errors`` has none)
the names a module defines at its top level."""
MODEL_MODULES = (krsms.sens.models, krsms.nhn.models)
"""Modules whose public classes are the SDK's models."""
CLASSES_WITH_MEMBERS = (
    SensClient,
    NhnClient,
    krsms.SensGateway,
    krsms.NhnGateway,
    BatchingGateway,
    krsms.SendProgress,
    krsms.SendReport,
    krsms.Outcomes,
    krsms.Recipients,
)
"""Classes whose public methods and properties are documented one by one."""

WITHOUT_DOCSTRING = {
    "krsms.__version__": "the version string of PEP 396, read by tools; the name says all there is",
}
"""Public names deliberately without a docstring, each with the reason."""
NOT_IN_DOCS: dict[str, str] = {}
"""Public names deliberately not named in docs/*.md, each with the reason; none today."""


def defined_names(module: ModuleType) -> list[str]:
    """The public names ``module`` defines at its top level (classes, functions, assignments)."""
    names: list[str] = []
    for statement in ast.parse(inspect.getsource(module)).body:
        if isinstance(statement, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names.append(statement.name)
        elif isinstance(statement, ast.Assign):
            names.extend(target.id for target in statement.targets if isinstance(target, ast.Name))
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            names.append(statement.target.id)
    return [name for name in names if not name.startswith("_")]


def public_names(module: ModuleType) -> list[str]:
    return list(module.__all__) if hasattr(module, "__all__") else defined_names(module)


def attribute_docstrings(module: ModuleType) -> dict[str, str]:
    """The docstrings written under ``module``'s top-level assignments (``NAME = ...`` then a
    string), which Python keeps nowhere at run time."""
    body = ast.parse(inspect.getsource(module)).body
    found: dict[str, str] = {}
    for statement, following in itertools.pairwise(body):
        if not (isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant)):
            continue
        if not isinstance(following.value.value, str):
            continue
        if isinstance(statement, ast.Assign):
            found.update(
                {target.id: following.value.value for target in statement.targets if isinstance(target, ast.Name)}
            )
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            found[statement.target.id] = following.value.value
    return found


def value_docstring(name: str, value: object) -> str | None:
    """The docstring of the assignment that defines ``value`` as ``name``, in whichever krsms
    module it is written (a re-exported constant is documented where it is made)."""
    for module_name, module in sorted(sys.modules.items()):
        if module_name.split(".")[0] != "krsms" or module is None or getattr(module, name, None) is not value:
            continue
        if (docstring := attribute_docstrings(module).get(name)) is not None:
            return docstring
    return None


def docstring(name: str, value: object) -> str | None:
    # A generic alias (FakeHook's Callable[...]) passes for a class on Python 3.10.
    if inspect.isclass(value) and not isinstance(value, types.GenericAlias):
        return value.__dict__.get("__doc__")  # its own: a class does not inherit its base's
    if inspect.isroutine(value) or isinstance(value, property):
        return inspect.getdoc(value)
    return value_docstring(name, value)


def module_entries() -> Iterator[tuple[str, str, object]]:
    """``(qualified name, name, value)`` of every public module-level name and model class."""
    for module in PUBLIC_MODULES:
        for name in public_names(module):
            yield f"{module.__name__}.{name}", name, getattr(module, name)
    for module in MODEL_MODULES:
        for name, value in vars(module).items():
            if inspect.isclass(value) and value.__module__ == module.__name__ and not name.startswith("_"):
                yield f"{module.__name__}.{name}", name, value


def member_entries() -> Iterator[tuple[str, str, object]]:
    """``(qualified name, name, member)`` of every public method and property of the classes
    documented one member at a time."""
    for cls in CLASSES_WITH_MEMBERS:
        for name in dir(cls):
            static = inspect.getattr_static(cls, name)
            if name.startswith("_"):
                continue
            if isinstance(static, property):
                yield f"{cls.__name__}.{name}", name, static
            elif inspect.isfunction(static) or isinstance(static, (staticmethod, classmethod)):
                yield f"{cls.__name__}.{name}", name, getattr(cls, name)


def markdown_code(pages: list[Path]) -> list[str]:
    """The fenced blocks and the inline code spans of ``pages``."""
    found: list[str] = []
    fenced = re.compile(r"^```[^\n]*\n(.*?)^```", flags=re.MULTILINE | re.DOTALL)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        found.extend(fenced.findall(text))
        found.extend(re.findall(r"`([^`\n]+)`", fenced.sub("", text)))
    return found


DOC_PAGES = sorted((ROOT / "docs").glob("*.md"))
DOCS_CODE = markdown_code(DOC_PAGES)
DOCS_IDENTIFIERS = {word for code in DOCS_CODE for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", code)}


def names_member(name: str) -> bool:
    """A member is named by a span of its own (`list_sms`), as an attribute (`.bare`) or as a
    call (`send_batch(...)`): a bare word in some code, such as ``of``, is not enough."""
    pattern = re.compile(rf"\.{name}\b|(?<![\w.]){name}\(")
    return any(code.strip() == name or pattern.search(code) for code in DOCS_CODE)


def test_every_public_name_has_a_docstring() -> None:
    missing = [
        qualified
        for qualified, name, value in (*module_entries(), *member_entries())
        if qualified not in WITHOUT_DOCSTRING and not (docstring(name, value) or "").strip()
    ]

    assert missing == []


def test_every_public_module_name_and_model_class_is_named_in_the_docs() -> None:
    missing = [
        qualified
        for qualified, name, _ in module_entries()
        if qualified not in NOT_IN_DOCS and name not in DOCS_IDENTIFIERS
    ]

    assert missing == []


def test_every_public_method_and_property_is_named_in_the_docs() -> None:
    missing = [
        qualified for qualified, name, _ in member_entries() if qualified not in NOT_IN_DOCS and not names_member(name)
    ]

    assert missing == []


def test_the_allow_lists_name_real_public_names() -> None:
    """An entry left behind after its name was documented, renamed or removed goes too."""
    entries = {qualified for qualified, _, _ in (*module_entries(), *member_entries())}

    assert set(WITHOUT_DOCSTRING) <= entries
    assert set(NOT_IN_DOCS) <= entries


# --- the names the docs write are the real ones -------------------------------------------

ALL_PAGES = [ROOT / "README.md", *DOC_PAGES]
ALL_CODE = markdown_code(ALL_PAGES)


def resolve(dotted: str) -> object:
    """The object ``krsms.a.b.C.d`` names: its longest importable module, then attributes."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:end]))
        except ImportError:
            continue
        for attribute in parts[end:]:
            found = getattr(found, attribute)
        return found
    raise ImportError(dotted)


def test_every_krsms_dotted_name_in_the_docs_exists() -> None:
    """The prose's code spans are not run: `krsms.nhn.checks.MAX_LOOKUP_SPAN` and its kind
    must name what the SDK has."""
    dotted = {name for code in ALL_CODE for name in re.findall(r"\bkrsms(?:\.[A-Za-z_]\w*)+", code)}
    missing = []
    for name in sorted(dotted):
        try:
            resolve(name)
        except (ImportError, AttributeError):
            missing.append(name)

    assert dotted
    assert missing == []


def public_classes() -> dict[str, list[type]]:
    """Every public class of the SDK's public and model modules, by name (SENS and NHN both
    have a ``SendRequest``)."""
    classes: dict[str, list[type]] = {}
    for module in (*PUBLIC_MODULES, *MODEL_MODULES, krsms.fanout):
        for name, value in vars(module).items():
            public = inspect.isclass(value) and not name.startswith("_") and value.__module__.startswith("krsms")
            if public and value not in classes.setdefault(name, []):
                classes[name].append(value)
    return classes


def has_attribute(cls: type, name: str) -> bool:
    """A class attribute, an attrs field, or what ``__init__`` keeps of a parameter (set on
    the instance: ``SendProgress.on_batch``)."""
    if hasattr(cls, name) or (attrs.has(cls) and name in attrs.fields_dict(cls)):
        return True
    return name in inspect.signature(cls).parameters


def test_every_class_attribute_the_docs_write_exists() -> None:
    """`SendProgress.on_batch`, `Outcomes.join(parts)`, `MessagePage.request_id`, ... name an
    attribute, method or field the class has."""
    classes = public_classes()
    written = {
        (cls, attribute)
        for code in ALL_CODE
        for cls, attribute in re.findall(r"(?<![\w.])([A-Z]\w*)\.([A-Za-z_]\w*)", code)
        if cls in classes
    }
    missing = [
        f"{cls}.{attribute}"
        for cls, attribute in sorted(written)
        if not any(has_attribute(candidate, attribute) for candidate in classes[cls])
    ]

    assert written
    assert missing == []

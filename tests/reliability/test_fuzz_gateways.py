"""Hostile input through the real gateways' rules (SENS, NHN) and their image uploads.

A valid request goes out, or krsms.ValidationError is raised before any I/O and names the
field; never another exception type, never a partial send. Requests are answered by an
in-memory transport that records them.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from krsms import Message, MessageKind, NhnGateway, Recipient, SensGateway, ValidationError
from krsms.fanout import BatchingGateway

FUZZ = settings(max_examples=120, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
hostile_text = st.one_of(
    st.text(st.one_of(st.characters(), st.sampled_from(["\x00", "\u0301", "😀", "\ud800", "\n", "가"])), max_size=150),
    st.text(st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), max_size=60).map(
        lambda middle: f"(광고) {middle}\n무료수신거부 0801234567"
    ),
)
numbers = st.one_of(st.text(max_size=25), st.from_regex(r"(\+82 ?)?01[016789]-?[0-9]{3,4}-?[0-9]{4}", fullmatch=True))
JPEG_HEAD = b"\xff\xd8\xff\xe0"


def answer(request: httpx.Request) -> httpx.Response:
    """Success in each provider's shape; an upload gets a file id."""
    path = request.url.path
    if path.endswith("/files"):
        return httpx.Response(
            200, json={"fileId": "F1", "createTime": "2026-01-01 00:00:00", "expireTime": "2026-01-07 00:00:00"}
        )
    if path.endswith("/messages"):
        return httpx.Response(
            202,
            json={
                "requestId": "R",
                "requestTime": "2026-01-01T00:00:00.000",
                "statusCode": "202",
                "statusName": "success",
            },
        )
    body = json.loads(request.content)
    if "binaryUpload" in path:
        data = {"fileId": 7, "fileName": body["fileName"], "filePath": "p"}
    else:
        data = {
            "requestId": "R",
            "statusCode": "2",
            "sendResultList": [
                {"recipientNo": item["recipientNo"], "resultCode": 0, "resultMessage": "SUCCESS", "recipientSeq": seq}
                for seq, item in enumerate(body["recipientList"], start=1)
            ],
        }
    return httpx.Response(
        200,
        json={"header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"}, "body": {"data": data}},
    )


def gateways(recorded: list[httpx.Request]) -> list[BatchingGateway]:
    def record(request: httpx.Request) -> httpx.Response:
        recorded.append(request)
        return answer(request)

    client = httpx.AsyncClient(transport=httpx.MockTransport(record))
    return [
        SensGateway(access_key="a", secret_key="s", service_id="svc", base_url="http://sens", http_client=client),
        NhnGateway(app_key="k", base_url="http://nhn", http_client=client),
    ]


def send_checked(message: Message) -> None:
    for_each = []
    recorded: list[httpx.Request] = []
    for gateway in gateways(recorded):
        before = len(recorded)
        try:
            report = asyncio.run(gateway.send(message))
        except ValidationError as error:
            assert error.field
            assert len(recorded) == before, f"{gateway.provider}: refused after sending"
        else:
            assert len(report.outcomes) == len(message.recipients)
            assert report.all_accepted
        for_each.append(gateway.provider)
    assert for_each == ["sens", "nhn"]


@FUZZ
@given(
    text=hostile_text,
    subject=st.one_of(st.none(), hostile_text),
    kind=st.sampled_from(MessageKind),
    advertisement=st.booleans(),
)
def test_any_text_through_both_gateways(text: str, subject: str | None, kind: MessageKind, advertisement: bool) -> None:
    send_checked(
        Message(
            sender="0212345678",
            text=text,
            subject=subject,
            kind=kind,
            advertisement=advertisement,
            recipients=["01012345678"],
        )
    )


@FUZZ
@given(
    sender=numbers,
    recipients=st.lists(
        st.one_of(numbers, st.builds(Recipient, number=numbers, text=st.one_of(st.none(), hostile_text))), max_size=4
    ),
)
def test_any_numbers_through_both_gateways(sender: str, recipients: list[str | Recipient]) -> None:
    send_checked(Message(sender=sender, text="안내", recipients=recipients))


@FUZZ
@given(ahead=st.one_of(st.none(), st.timedeltas(min_value=timedelta(days=-2), max_value=timedelta(days=90))))
def test_any_reservation_window_through_both_gateways(ahead: timedelta | None) -> None:
    moment = None if ahead is None else datetime.now(timezone.utc) + ahead
    send_checked(Message(sender="0212345678", text="예약", reserve_at=moment, recipients=["01012345678"]))


@FUZZ
@given(
    file_name=st.one_of(st.text(max_size=60), st.from_regex(r"[a-z가-힣]{1,50}\.(jpg|jpeg|JPG|png)", fullmatch=True)),
    body=st.one_of(
        st.binary(max_size=64), st.integers(min_value=0, max_value=310 * 1024).map(lambda size: JPEG_HEAD + bytes(size))
    ),
)
def test_any_image_upload_is_checked_before_io(file_name: str, body: bytes) -> None:
    recorded: list[httpx.Request] = []
    for gateway in gateways(recorded):
        before = len(recorded)
        try:
            image = asyncio.run(gateway.upload_image(body, file_name=file_name))
        except ValidationError as error:
            assert error.field in ("file_name", "content")
            assert len(recorded) == before
        else:
            assert image.id
            assert len(recorded) == before + 1

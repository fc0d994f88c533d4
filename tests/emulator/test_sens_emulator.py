"""The emulated SENS API follows the document: auth, limits, state and look-ups."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sens_signing import SERVICE, DocumentSigner
from starlette.applications import Starlette

from krsms.convert import SEOUL

SENDER = "0212345678"


def sms(*numbers: str, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "SMS", "contentType": "COMM", "countryCode": "82", "from": SENDER}
    body.update({"content": "안녕하세요", "messages": [{"to": number} for number in numbers]})
    body.update(fields)
    return body


async def test_a_valid_send_is_accepted_with_202_and_recorded(sens: httpx.AsyncClient, app: Starlette) -> None:
    answer = await sens.post(f"{SERVICE}/messages", json=sms("01012345678", "01087654321"))
    assert answer.status_code == 202
    body = answer.json()
    assert set(body) == {"requestId", "requestTime", "statusCode", "statusName"}
    assert (body["statusCode"], body["statusName"]) == ("202", "success")
    datetime.strptime(body["requestTime"], "%Y-%m-%dT%H:%M:%S.%f")
    assert [delivery.recipient for delivery in app.state.ledger] == ["01012345678", "01087654321"]


async def test_a_bad_signature_is_401_in_the_gateway_shape(sens: httpx.AsyncClient, app: Starlette) -> None:
    sens.auth = DocumentSigner(secret_key="not-the-secret")
    answer = await sens.post(f"{SERVICE}/messages", json=sms("01012345678"))
    assert answer.status_code == 401
    assert answer.json()["error"]["errorCode"] == "200"
    assert answer.json()["error"]["message"] == "Authentication Failed"
    assert len(app.state.ledger) == 0


async def test_a_timestamp_six_minutes_off_is_401(sens: httpx.AsyncClient) -> None:
    sens.auth = DocumentSigner(offset_seconds=-360)
    answer = await sens.get(f"{SERVICE}/messages", params={"requestId": "x"})
    assert answer.status_code == 401
    assert "5 minute" in answer.json()["error"]["details"]


async def test_the_signature_covers_the_query_string(sens: httpx.AsyncClient) -> None:
    sens.auth = DocumentSigner(sign_query=False)
    answer = await sens.get(f"{SERVICE}/messages", params={"requestId": "x"})
    assert answer.status_code == 401


async def test_missing_headers_and_unknown_service_are_refused(app: Starlette) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
        assert (await client.get(f"{SERVICE}/messages")).status_code == 401
        client.auth = DocumentSigner()
        assert (await client.get("/sms/v2/services/other/messages?requestId=x")).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (sms(*[f"010{index:08d}" for index in range(101)]), "messages"),
        (sms("01012345678", content="안녕 😀"), "content"),
        (sms("01012345678", content="안녕 똠"), "content"),  # only CP949 has it
        (sms("01012345678", sender=SENDER), "sender"),
        (sms("010-1234-5678"), "messages[0].to"),
        (sms("1234567"), "messages[0].to"),  # 8 digits at least in Korea
        (sms("123", countryCode="354"), "messages[0].to"),  # 4 abroad
        (sms("01012345678", reserveTime="2001-01-01 10:00"), "reserveTime"),
        (sms("01012345678", reserveTime="tomorrow"), "reserveTime"),
        (sms("01012345678", type="FAX"), "type"),
        (sms("01012345678", **{"from": "0299999999"}), "from"),
        (sms("01012345678", files=[{"fileId": "nope"}]), "files"),
        (sms("01012345678", scheduleCode=""), "scheduleCode"),  # no S7 path could name it
        (sms("01012345678", scheduleCode=" "), "scheduleCode"),
    ],
)
async def test_document_rules_answer_400_naming_the_field(
    sens: httpx.AsyncClient, app: Starlette, body: dict[str, Any], field: str
) -> None:
    answer = await sens.post(f"{SERVICE}/messages", json=body)
    assert answer.status_code == 400
    assert answer.json()["errorMessage"].startswith(field)
    assert len(app.state.ledger) == 0


@pytest.mark.parametrize("country_code", ["", "abc", "+82", "082", "８２", "1234"])
async def test_a_country_code_that_is_not_one_is_refused_naming_it(
    sens: httpx.AsyncClient, app: Starlette, country_code: str
) -> None:
    """en:86-88: ``countryCode`` is a country calling code (SENS sends only to the countries
    it lists): 1 to 3 ASCII digits, Korea's ``82``."""
    answer = await sens.post(f"{SERVICE}/messages", json=sms("01012345678", countryCode=country_code))
    assert answer.status_code == 400
    assert answer.json()["errorMessage"] == (
        f"countryCode: {country_code!r} is not a country calling code (1 to 3 digits, no '+' or leading 0)"
    )
    assert len(app.state.ledger) == 0


async def test_a_subject_or_content_over_its_limit_is_cut_and_sent(sens: httpx.AsyncClient, app: Starlette) -> None:
    body = sms("01012345678", type="LMS", subject="가" * 21, content="나" * 999 + "abc")
    assert (await sens.post(f"{SERVICE}/messages", json=body)).status_code == 202
    short = await sens.post(f"{SERVICE}/messages", json=sms("01012345678", content="a" + "가" * 45))
    assert short.status_code == 202
    long_one, sms_one = list(app.state.ledger)
    assert (long_one.subject, long_one.text) == ("가" * 20, "나" * 999 + "ab")
    assert sms_one.text == "a" + "가" * 44  # 89 bytes: the 45th character would straddle byte 90


async def test_an_sms_goes_out_without_the_subject_it_was_given(sens: httpx.AsyncClient, app: Starlette) -> None:
    """The document gives ``subject`` to LMS and MMS only."""
    body = sms("01012345678", subject="제목", messages=[{"to": "01087654321", "subject": "개별 제목"}])
    assert (await sens.post(f"{SERVICE}/messages", json=body)).status_code == 202
    assert [delivery.subject for delivery in app.state.ledger] == [None]


async def test_an_unknown_reserve_time_zone_is_refused_without_a_reserve_time_too(
    sens: httpx.AsyncClient, app: Starlette
) -> None:
    """sens-sms-api-v2.en.txt:104-106: ``reserveTimeZone`` is a TZ database name; one that is
    not is as wrong without a ``reserveTime`` as with one (the SDK refuses it either way)."""
    answer = await sens.post(f"{SERVICE}/messages", json=sms("01012345678", reserveTimeZone="Mars/Olympus"))
    assert answer.status_code == 400
    assert answer.json()["errorMessage"].startswith("reserveTimeZone:")
    assert len(app.state.ledger) == 0
    answer = await sens.post(f"{SERVICE}/messages", json=sms("01012345678", reserveTimeZone="America/New_York"))
    assert answer.status_code == 202
    assert len(app.state.ledger) == 1


async def test_a_short_national_number_abroad_is_taken(sens: httpx.AsyncClient, app: Starlette) -> None:
    answer = await sens.post(f"{SERVICE}/messages", json=sms("6912345", countryCode="354"))  # an Icelandic mobile
    assert answer.status_code == 202
    assert [delivery.recipient for delivery in app.state.ledger] == ["6912345"]


async def test_lms_allows_2000_bytes(sens: httpx.AsyncClient) -> None:
    answer = await sens.post(f"{SERVICE}/messages", json=sms("01012345678", type="LMS", content="가" * 1000))
    assert answer.status_code == 202


async def test_look_ups_agree_with_what_was_sent(sens: httpx.AsyncClient) -> None:
    sent = await sens.post(f"{SERVICE}/messages", json=sms("01012345678", "01099990000"))
    request_id = sent.json()["requestId"]
    listed = (await sens.get(f"{SERVICE}/messages", params={"requestId": request_id})).json()
    assert listed["itemCount"] == 2
    assert listed["hasMore"] is False
    by_number = {message["to"]: message for message in listed["messages"]}
    assert by_number["01012345678"]["statusCode"] == "0"
    assert by_number["01099990000"]["statusCode"] == "3006"
    one = (await sens.get(f"{SERVICE}/messages/{by_number['01012345678']['messageId']}")).json()
    assert one["messages"][0]["content"] == "안녕하세요"
    assert one["messages"][0]["status"] == "COMPLETED"


async def test_listing_pages_with_has_more(sens: httpx.AsyncClient) -> None:
    numbers = [f"010{index:08d}" for index in range(25)]
    await sens.post(f"{SERVICE}/messages", json=sms(*numbers))
    now = datetime.now(SEOUL)
    window = {
        "requestStartTime": (now - timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M:%S"),
        "requestEndTime": (now + timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M:%S"),
        "from": SENDER,
    }
    first = (await sens.get(f"{SERVICE}/messages", params=window)).json()
    second = (await sens.get(f"{SERVICE}/messages", params={**window, "pageIndex": 1})).json()
    assert (first["itemCount"], first["hasMore"], second["itemCount"], second["hasMore"]) == (
        20,
        True,
        5,
        False,
    )
    too_wide = {**window, "requestStartTime": (now - timedelta(days=31)).strftime("%Y-%m-%d %H:%M:%S")}
    assert (await sens.get(f"{SERVICE}/messages", params=too_wide)).status_code == 400


async def test_a_reservation_can_be_looked_up_and_cancelled(sens: httpx.AsyncClient, app: Starlette) -> None:
    when = (datetime.now(SEOUL) + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    sent = await sens.post(f"{SERVICE}/messages", json=sms("01012345678", reserveTime=when))
    reserve_id = sent.json()["requestId"]
    status = (await sens.get(f"{SERVICE}/reservations/{reserve_id}/reserve-status")).json()
    assert status == {
        "reserveId": reserve_id,
        "reserveTimeZone": "Asia/Seoul",
        "reserveTime": when,
        "reserveStatus": "READY",
    }
    assert (await sens.delete(f"{SERVICE}/reservations/{reserve_id}")).status_code == 204
    status = (await sens.get(f"{SERVICE}/reservations/{reserve_id}/reserve-status")).json()
    assert status["reserveStatus"] == "CANCELED"
    assert [delivery.status for delivery in app.state.ledger] == ["cancelled"]
    assert (await sens.delete(f"{SERVICE}/reservations/{reserve_id}")).status_code == 400
    assert (await sens.delete(f"{SERVICE}/reservations/unknown")).status_code == 404


async def test_a_reservation_in_another_time_zone_is_kept_in_it(sens: httpx.AsyncClient) -> None:
    when = (datetime.now(SEOUL) + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    sent = await sens.post(
        f"{SERVICE}/messages", json=sms("01012345678", reserveTime=when, reserveTimeZone="America/New_York")
    )
    status = (await sens.get(f"{SERVICE}/reservations/{sent.json()['requestId']}/reserve-status")).json()
    assert (status["reserveTime"], status["reserveTimeZone"]) == (when, "America/New_York")


async def test_a_scheduled_message_can_be_cancelled(sens: httpx.AsyncClient) -> None:
    now = datetime.now(SEOUL)
    body = sms("01012345678", reserveTime=(now + timedelta(days=1)).strftime("%Y-%m-%d %H:%M"), scheduleCode="pm-16")
    request_id = (await sens.post(f"{SERVICE}/messages", json=body)).json()["requestId"]
    by_request = (await sens.get(f"{SERVICE}/messages", params={"requestId": request_id})).json()
    assert (by_request["statusName"], by_request["messages"]) == ("reserved", [])
    window = {
        "requestStartTime": (now - timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S"),
        "requestEndTime": (now + timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S"),
    }
    message_id = (await sens.get(f"{SERVICE}/messages", params=window)).json()["messages"][0]["messageId"]
    assert (await sens.delete(f"{SERVICE}/schedules/pm-16/messages/{message_id}")).status_code == 204
    assert (await sens.delete(f"{SERVICE}/schedules/other/messages/{message_id}")).status_code == 404


async def test_an_uploaded_image_makes_an_mms(sens: httpx.AsyncClient) -> None:
    image = base64.b64encode(b"\xff\xd8\xff" + b"0" * 1000).decode()
    uploaded = await sens.post(f"{SERVICE}/files", json={"fileName": "coupon.jpg", "fileBody": image})
    assert uploaded.status_code == 200
    file = uploaded.json()
    created = datetime.strptime(file["createTime"], "%Y-%m-%d %H:%M:%S")
    assert datetime.strptime(file["expireTime"], "%Y-%m-%d %H:%M:%S") - created == timedelta(days=6)
    body = sms("01012345678", type="MMS", subject="쿠폰", files=[{"fileId": file["fileId"]}])
    request_id = (await sens.post(f"{SERVICE}/messages", json=body)).json()["requestId"]
    listed = (await sens.get(f"{SERVICE}/messages", params={"requestId": request_id})).json()
    message_id = listed["messages"][0]["messageId"]
    detail = (await sens.get(f"{SERVICE}/messages/{message_id}")).json()
    assert detail["messages"][0]["files"] == [{"name": "coupon.jpg", "fileId": file["fileId"]}]


@pytest.mark.parametrize(
    ("name", "size"),
    [("coupon.png", 10), ("a" * 37 + ".jpg", 10), ("coupon.jpg", 300 * 1024 + 1)],
)
async def test_file_limits(sens: httpx.AsyncClient, name: str, size: int) -> None:
    body = {"fileName": name, "fileBody": base64.b64encode(b"0" * size).decode()}
    assert (await sens.post(f"{SERVICE}/files", json=body)).status_code == 400


async def test_a_file_may_have_300_kb_and_not_a_byte_more(sens: httpx.AsyncClient) -> None:
    image = jpeg(10, 10)
    padded = image[:-2] + b"\x00" * (300 * 1024 - len(image)) + image[-2:]
    largest = await sens.post(f"{SERVICE}/files", json={"fileName": "a.jpg", "fileBody": encoded(padded)})
    over = await sens.post(f"{SERVICE}/files", json={"fileName": "a.jpg", "fileBody": encoded(padded + b"\x00")})
    assert largest.status_code == 200
    assert (over.status_code, over.json()["errorMessage"]) == (
        400,
        f"fileBody: is {300 * 1024 + 1} bytes; at most {300 * 1024}",
    )


async def test_a_file_name_may_have_40_characters_and_not_41(sens: httpx.AsyncClient) -> None:
    image = encoded(jpeg(10, 10))
    longest = await sens.post(f"{SERVICE}/files", json={"fileName": "a" * 36 + ".jpg", "fileBody": image})
    over = await sens.post(f"{SERVICE}/files", json={"fileName": "a" * 37 + ".jpg", "fileBody": image})
    assert longest.status_code == 200
    assert (over.status_code, over.json()["errorMessage"].split(":")[0]) == (400, "fileName")


async def test_unsubscribes_can_be_added_listed_and_deleted_with_a_body(sens: httpx.AsyncClient) -> None:
    numbers = [{"clientTelNo": f"010{index:08d}"} for index in range(3)]
    added = await sens.post(f"{SERVICE}/unsubscribes", json=numbers)
    assert added.status_code == 200
    assert {item["registerType"] for item in added.json()} == {"M"}
    listed = (await sens.get(f"{SERVICE}/unsubscribes", params={"pageSize": 2})).json()
    assert len(listed) == 2
    deleted = await sens.request("DELETE", f"{SERVICE}/unsubscribes", json=numbers[:2])
    assert deleted.status_code == 204
    remaining = (await sens.get(f"{SERVICE}/unsubscribes")).json()
    assert [item["clientTelNo"] for item in remaining] == ["01000000002"]
    too_many = [{"clientTelNo": f"010{index:08d}"} for index in range(1001)]
    assert (await sens.post(f"{SERVICE}/unsubscribes", json=too_many)).status_code == 400


def move_clock(app: Starlette, sens: httpx.AsyncClient, by: timedelta) -> None:
    """Move the emulator's clock, and the signer's with it so signatures stay in the window."""
    app.state.clock.skew_seconds += by.total_seconds()
    sens.auth = DocumentSigner(offset_seconds=app.state.clock.skew_seconds)


def jpeg(width: int, height: int) -> bytes:
    """A JPEG header with a baseline start-of-frame of the given size."""
    frame = b"\xff\xc0\x00\x11\x08" + height.to_bytes(2, "big") + width.to_bytes(2, "big") + b"\x03" + b"\x00" * 9
    return b"\xff\xd8" + frame + b"\xff\xd9"


def encoded(content: bytes) -> str:
    return base64.b64encode(content).decode()


def millis(moment: datetime) -> str:
    return str(int(moment.timestamp() * 1000))


async def test_unsubscribes_are_filtered_by_registration_time(sens: httpx.AsyncClient, app: Starlette) -> None:
    await sens.post(f"{SERVICE}/unsubscribes", json=[{"clientTelNo": "01000000001"}])
    move_clock(app, sens, timedelta(hours=1))
    await sens.post(f"{SERVICE}/unsubscribes", json=[{"clientTelNo": "01000000002"}])
    between = app.state.clock.now() - timedelta(minutes=30)

    async def listed(**params: str) -> list[str]:
        answer = await sens.get(f"{SERVICE}/unsubscribes", params=params)
        return [item["clientTelNo"] for item in answer.json()]

    assert await listed(startTime=millis(between)) == ["01000000002"]
    assert await listed(endTime=millis(between)) == ["01000000001"]
    assert await listed(startTime=millis(between), endTime=millis(app.state.clock.now())) == ["01000000002"]
    refused = await sens.get(f"{SERVICE}/unsubscribes", params={"startTime": "2024-01-01"})
    assert (refused.status_code, refused.json()["errorMessage"]) == (400, "startTime: must be epoch milliseconds")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"GIF89a" + b"\x00" * 100, "fileBody: is not a JPEG image"),
        (jpeg(1501, 1440), "fileBody: is 1501x1440 pixels; at most 1500x1440"),
        (jpeg(1500, 1441), "fileBody: is 1500x1441 pixels; at most 1500x1440"),
    ],
    ids=["not-a-jpeg", "too-wide", "too-tall"],
)
async def test_an_upload_must_be_a_jpeg_of_at_most_1500x1440(
    sens: httpx.AsyncClient, content: bytes, reason: str
) -> None:
    answer = await sens.post(f"{SERVICE}/files", json={"fileName": "coupon.jpg", "fileBody": encoded(content)})
    assert (answer.status_code, answer.json()["errorMessage"]) == (400, reason)
    largest = {"fileName": "coupon.jpg", "fileBody": encoded(jpeg(1500, 1440))}
    assert (await sens.post(f"{SERVICE}/files", json=largest)).status_code == 200


async def test_a_look_up_shows_the_content_as_requested_while_the_cut_text_is_sent(
    sens: httpx.AsyncClient, app: Starlette
) -> None:
    requested = "a" + "가" * 45
    sent = await sens.post(f"{SERVICE}/messages", json=sms("01012345678", content=requested))
    listed = (await sens.get(f"{SERVICE}/messages", params={"requestId": sent.json()["requestId"]})).json()
    detail = (await sens.get(f"{SERVICE}/messages/{listed['messages'][0]['messageId']}")).json()
    assert detail["messages"][0]["content"] == requested
    assert [delivery.text for delivery in app.state.ledger] == ["a" + "가" * 44]


async def test_an_mms_whose_file_is_past_six_days_fails_delivery_with_s007(
    sens: httpx.AsyncClient, app: Starlette
) -> None:
    upload = {"fileName": "coupon.jpg", "fileBody": encoded(jpeg(100, 100))}
    file_id = (await sens.post(f"{SERVICE}/files", json=upload)).json()["fileId"]
    move_clock(app, sens, timedelta(days=6, minutes=1))
    body = sms("01012345678", type="MMS", files=[{"fileId": file_id}])
    sent = await sens.post(f"{SERVICE}/messages", json=body)
    assert sent.status_code == 202
    listed = (await sens.get(f"{SERVICE}/messages", params={"requestId": sent.json()["requestId"]})).json()
    (message,) = listed["messages"]
    assert (message["status"], message["statusCode"], message["statusName"]) == ("COMPLETED", "S007", "fail")
    assert [delivery.result_code for delivery in app.state.ledger] == ["S007"]


async def test_a_reservation_sent_before_its_file_expires_is_delivered(sens: httpx.AsyncClient, app: Starlette) -> None:
    upload = {"fileName": "coupon.jpg", "fileBody": encoded(jpeg(100, 100))}
    file_id = (await sens.post(f"{SERVICE}/files", json=upload)).json()["fileId"]
    when = (app.state.clock.now() + timedelta(days=5)).strftime("%Y-%m-%d %H:%M")
    body = sms("01012345678", type="MMS", files=[{"fileId": file_id}], reserveTime=when)
    request_id = (await sens.post(f"{SERVICE}/messages", json=body)).json()["requestId"]
    move_clock(app, sens, timedelta(days=8))
    listed = (await sens.get(f"{SERVICE}/messages", params={"requestId": request_id})).json()
    assert [message["statusCode"] for message in listed["messages"]] == ["0"]


async def test_cancelled_messages_keep_a_documented_status(sens: httpx.AsyncClient) -> None:
    now = datetime.now(SEOUL)
    tomorrow = (now + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    reserved = await sens.post(f"{SERVICE}/messages", json=sms("01000000001", reserveTime=tomorrow))
    assert (await sens.delete(f"{SERVICE}/reservations/{reserved.json()['requestId']}")).status_code == 204
    await sens.post(f"{SERVICE}/messages", json=sms("01000000002", scheduleCode="pm-16"))
    window = {
        "requestStartTime": (now - timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S"),
        "requestEndTime": (now + timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S"),
    }
    scheduled = (await sens.get(f"{SERVICE}/messages", params={**window, "to": "01000000002"})).json()
    scheduled_id = scheduled["messages"][0]["messageId"]
    assert (await sens.delete(f"{SERVICE}/schedules/pm-16/messages/{scheduled_id}")).status_code == 204

    listed = (await sens.get(f"{SERVICE}/messages", params=window)).json()["messages"]
    assert [message["status"] for message in listed] == ["READY", "READY"]
    detail = (await sens.get(f"{SERVICE}/messages/{scheduled_id}")).json()["messages"][0]
    assert (detail["status"], detail["statusCode"]) == ("READY", None)
    again = await sens.delete(f"{SERVICE}/schedules/pm-16/messages/{scheduled_id}")
    assert (again.status_code, again.json()["errorMessage"]) == (400, "messageId: message is already cancelled")


async def test_an_inline_file_name_with_a_space_is_refused(sens: httpx.AsyncClient, app: Starlette) -> None:
    files = [{"name": "my coupon.jpg", "body": encoded(jpeg(100, 100))}]
    answer = await sens.post(f"{SERVICE}/messages", json=sms("01012345678", type="MMS", files=files))
    assert (answer.status_code, answer.json()["errorMessage"]) == (400, "files[0].name: must not contain spaces")
    assert len(app.state.ledger) == 0


@pytest.mark.parametrize(
    ("path", "params", "reason"),
    [
        ("/messages", {"requestId": "R", "pageSize": "0"}, "pageSize: must be an integer from 1 to 1000"),
        ("/messages", {"requestId": "R", "pageSize": "1001"}, "pageSize: must be an integer from 1 to 1000"),
        ("/messages", {"requestId": "R", "pageIndex": "-1"}, "pageIndex: must be an integer of at least 0"),
        ("/unsubscribes", {"pageSize": "101"}, "pageSize: must be an integer from 0 to 100"),
    ],
    ids=["S3-page-size-0", "S3-page-size-1001", "S3-page-index-negative", "S8-page-size-101"],
)
async def test_a_page_parameter_out_of_range_names_its_limits(
    sens: httpx.AsyncClient, path: str, params: dict[str, str], reason: str
) -> None:
    answer = await sens.get(f"{SERVICE}{path}", params=params)
    assert (answer.status_code, answer.json()["errorMessage"]) == (400, reason)


async def test_a_reserve_time_must_be_zero_padded(sens: httpx.AsyncClient) -> None:
    tomorrow = datetime.now(SEOUL) + timedelta(days=1)
    unpadded = await sens.post(f"{SERVICE}/messages", json=sms("01012345678", reserveTime=f"{tomorrow:%Y-%m-%d} 9:5"))
    assert unpadded.status_code == 400
    assert "reserveTime" in unpadded.json()["errorMessage"]
    padded = await sens.post(f"{SERVICE}/messages", json=sms("01012345678", reserveTime=f"{tomorrow:%Y-%m-%d} 09:05"))
    assert padded.status_code == 202


async def test_a_null_optional_field_is_left_out(sens: httpx.AsyncClient, app: Starlette) -> None:
    """en:83-100: contentType (default COMM), countryCode (default 82) and each message's own
    subject and content (default the request's) are optional; a null gives the default."""
    body = {
        "type": "LMS",
        "contentType": None,
        "countryCode": None,
        "from": SENDER,
        "subject": "제목",
        "content": "안녕하세요",
        "messages": [{"to": "01012345678", "subject": None, "content": None}],
    }
    answer = await sens.post(f"{SERVICE}/messages", json=body)
    assert answer.status_code == 202

    listed = await sens.get(f"{SERVICE}/messages", params={"requestId": answer.json()["requestId"]})
    (message,) = listed.json()["messages"]
    assert (message["contentType"], message["countryCode"]) == ("COMM", "82")
    (delivery,) = app.state.ledger
    assert (delivery.country_code, delivery.subject, delivery.text, delivery.advertisement) == (
        "82",
        "제목",
        "안녕하세요",
        False,
    )

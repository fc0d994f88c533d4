"""The provider-neutral checks of krsms.validation: each names the field, the limit and the value."""

from __future__ import annotations

import json
import pickle
from collections import Counter
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import httpx
import pytest

from krsms import Message, MessageKind, NhnGateway, Recipient, Recipients, SensGateway, SmsGateway, ValidationError
from krsms.fields import wrong_type
from krsms.images import check_jpeg
from krsms.nhn.gateway import NHN_RULES
from krsms.sens.gateway import SENS_RULES
from krsms.testing import FakeGateway
from krsms.text import STANDARD_LIMITS
from krsms.validation import ProviderRules, RecipientResolver, check_message, check_reservation

RULES = ProviderRules(limits=STANDARD_LIMITS, supports_templates=True, requires_ad_notice=True)


@pytest.mark.parametrize("country_code", ["+82", "082", "abc", "", "1234", "８２"])
def test_a_country_code_that_is_not_one_is_refused(country_code: str) -> None:
    message = Message(sender="0212345678", text="안녕", country_code=country_code, recipients=["12345678"])
    with pytest.raises(ValidationError) as refused:
        check_message(message, RULES)
    refusal = (refused.value.field, refused.value.limit, refused.value.value)
    assert refusal == ("country_code", "1-3 digits", country_code)


@pytest.mark.parametrize("country_code", ["1", "82", "855"])
def test_country_codes_of_one_to_three_digits_pass(country_code: str) -> None:
    check_message(Message(sender="0212345678", text="안녕", country_code=country_code), RULES)


@pytest.mark.parametrize("kind", [MessageKind.AUTO, MessageKind.SMS])
def test_a_character_of_a_recipients_own_text_is_blamed_on_that_text(kind: MessageKind) -> None:
    message = Message(sender="0212345678", text="안녕", kind=kind)
    resolver = RecipientResolver(message, RULES)
    with pytest.raises(ValidationError) as refused:
        resolver.resolve(Recipient(number="01012345678", text="벨\x07"), 3)
    assert (refused.value.field, refused.value.value) == ("recipients[3].text", "U+0007")


def test_a_template_parameter_the_body_could_not_carry_is_refused() -> None:
    message = Message(sender="0212345678", text="", template_id="TEMPLATE")
    resolver = RecipientResolver(message, RULES)
    resolver.resolve(Recipient(number="01012345678", template_parameters={"name": "철수"}), 0)
    with pytest.raises(ValidationError, match="not in EUC-KR") as refused:
        resolver.resolve(Recipient(number="01012345678", template_parameters={"name": "철수😀"}), 1)
    assert refused.value.field == "recipients[1].template_parameters['name']"


def test_a_blank_message_text_is_no_text_each_recipient_may_bring_its_own() -> None:
    rules = ProviderRules(limits=STANDARD_LIMITS)
    message = Message(sender="0212345678", text=" \n", recipients=[Recipient(number="01012345678", text="안녕")])
    check_message(message, rules)
    resolver = RecipientResolver(message, rules)
    assert resolver.resolve(message.recipients[0], 0)[1] is MessageKind.SMS
    with pytest.raises(ValidationError, match="has no text of its own"):
        resolver.resolve(Recipient(number="01012345679"), 1)
    with pytest.raises(ValidationError, match="must not be empty or blank"):
        resolver.resolve(Recipient(number="01012345679", text="\u3000"), 2)


def test_a_recipients_template_parameters_cannot_change_after_validation() -> None:
    parameters = {"name": "김"}
    recipient = Recipient(number="01012345678", template_parameters=parameters)
    parameters["name"] = "😀"  # the caller's dict is copied
    assert recipient.template_parameters == {"name": "김"}
    with pytest.raises(TypeError, match="cannot be changed"):
        recipient.template_parameters["name"] = "😀"  # type: ignore[index]
    assert pickle.loads(pickle.dumps(recipient)) == recipient
    assert json.loads(json.dumps(recipient.template_parameters)) == {"name": "김"}


RUNS = {
    "clean mobiles": ["01012345678", "01012345679", "01012345670"],
    "written forms": ["010-1234-5678", "+82 10 1234 5679", "01012345670"],
    "own texts first": [Recipient(number="01012345678", text="안녕"), "01012345679", "01012345670"],
    "a Recipient among numbers": ["01012345678", Recipient(number="010 1234 5679", reference="r"), "01012345670"],
}


@pytest.mark.parametrize("case", RUNS)
def test_a_run_resolves_as_each_recipient_would_one_by_one(case: str) -> None:
    message = Message(sender="0212345678", text="안녕")
    one_by_one = RecipientResolver(message, RULES)
    expected = [one_by_one.resolve(recipient, index) for index, recipient in enumerate(RUNS[case], 5)]
    resolved, kinds, _ = RecipientResolver(message, RULES).resolve_run(RUNS[case], 5)
    assert list(zip(resolved, kinds, strict=True)) == expected


@pytest.mark.parametrize(
    ("case", "whole_run_bare"),
    [
        ("clean mobiles", True),
        ("written forms", False),
        ("own texts first", False),
        ("a Recipient among numbers", False),
    ],
)
def test_a_run_says_when_all_of_it_is_bare_numbers_of_one_kind(case: str, whole_run_bare: bool) -> None:
    """The fan-out takes such a run into batches without checking its chunks again."""
    run = RecipientResolver(Message(sender="0212345678", text="안녕"), RULES).resolve_run(RUNS[case], 5)
    assert run.bare_kind is (MessageKind.SMS if whole_run_bare else None)
    if whole_run_bare:
        assert set(map(type, run.recipients)) == {str}
        assert set(run.kinds) == {run.bare_kind}


def test_a_run_names_the_recipient_that_fails_by_its_input_index() -> None:
    resolver = RecipientResolver(Message(sender="0212345678", text="안녕"), RULES)
    with pytest.raises(ValidationError) as refused:
        resolver.resolve_run(["01012345678", "01012345679", "0101234"], 10)
    assert refused.value.field == "recipients[12].number"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"text": 3}, "text"),
        ({"text": "안녕", "subject": 5}, "subject"),
        ({"text": "안녕", "template_id": 7}, "template_id"),
    ],
)
def test_a_message_field_that_is_not_text_is_refused_by_name(fields: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError, match="must be text, not int") as refused:
        check_message(Message(sender="0212345678", **fields), RULES)  # type: ignore[arg-type]
    assert refused.value.field == field


@pytest.mark.parametrize("field", ["text", "subject"])
def test_a_recipient_field_that_is_not_text_is_refused_by_name(field: str) -> None:
    resolver = RecipientResolver(Message(sender="0212345678", text="안녕"), RULES)
    recipient = Recipient(number="01012345678", **{field: float("nan")})  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="must be text, not float") as refused:
        resolver.resolve(recipient, 4)
    assert refused.value.field == f"recipients[4].{field}"


LONG_SUBJECT = "제목" * 11  # 44 bytes: over the 40 bytes of an LMS/MMS subject


async def test_a_subject_is_checked_only_where_it_is_sent() -> None:
    """An SMS carries no subject: one set in case a text turns LMS is not refused for the
    short texts, and is refused, by name, for the long ones that would carry it."""
    gateway = FakeGateway(batch_size=10)
    short = Message(sender="0212345678", text="인증번호 123456", subject=LONG_SUBJECT, recipients=["01012345678"])
    assert (await gateway.send(short)).all_accepted
    own = Recipient(number="01012345679", subject=LONG_SUBJECT)
    assert (await gateway.send(Message(sender="0212345678", text="안녕", recipients=[own]))).all_accepted

    long_text = "가" * 100
    with pytest.raises(ValidationError) as refused:
        await gateway.send(attrs.evolve(short, text=long_text))
    assert (refused.value.field, refused.value.limit, refused.value.value) == ("subject", "40 bytes", 44)
    long_own = Recipient(number="01012345679", text=long_text, subject=LONG_SUBJECT)
    with pytest.raises(ValidationError) as refused:
        await gateway.send(Message(sender="0212345678", text="안녕", recipients=[long_own]))
    assert refused.value.field == "recipients[0].subject"


def test_the_messages_subject_is_checked_once_with_the_message_when_its_own_text_is_long() -> None:
    """A stream would otherwise give every recipient a NOT_SENT saying the same."""
    long = Message(sender="0212345678", text="가" * 100, subject=LONG_SUBJECT)
    with pytest.raises(ValidationError) as refused:
        check_message(long, RULES)
    assert (refused.value.field, refused.value.limit, refused.value.value) == ("subject", "40 bytes", 44)
    check_message(attrs.evolve(long, text="안녕"), RULES)  # an SMS carries no subject


@pytest.mark.parametrize("template_id", ["", "  "])
def test_an_empty_template_id_is_refused_not_sent_as_no_body(template_id: str) -> None:
    """An unset environment variable read as "" turned off the empty-text check: NHN would
    get a send with neither a body nor a template."""
    message = Message(sender="0212345678", text="", template_id=template_id, recipients=["01012345678"])
    with pytest.raises(ValidationError) as refused:
        check_message(message, RULES)
    assert (refused.value.field, refused.value.value) == ("template_id", template_id)


def _no_network(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"a request was made: {request.method} {request.url.path}")


GATEWAYS: dict[str, Callable[[], SmsGateway]] = {
    "sens": lambda: SensGateway(
        access_key="access",
        secret_key="secret",
        service_id="ncp:sms:kr:1:svc",
        base_url="http://127.0.0.1:9",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(_no_network)),
    ),
    "nhn": lambda: NhnGateway(
        app_key="appkey",
        base_url="http://127.0.0.1:9",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(_no_network)),
    ),
    "fake": FakeGateway,
}
"""Each gateway, with a transport that fails the test if any request is made."""


@pytest.fixture(params=list(GATEWAYS))
async def gateway(request: pytest.FixtureRequest) -> AsyncIterator[SmsGateway]:
    async with GATEWAYS[request.param]() as made:
        yield made


TOMORROW = datetime.now(timezone.utc) + timedelta(days=1)


@pytest.mark.parametrize(
    ("fields", "field", "limit", "shown"),
    [
        ({"kind": "SMS"}, "kind", "a MessageKind", "'SMS'"),
        ({"kind": None}, "kind", "a MessageKind", "None"),
        ({"reserve_at": "2027-01-01 10:00"}, "reserve_at", "a timezone-aware datetime", "'2027-01-01 10:00'"),
        ({"reserve_at": TOMORROW.date()}, "reserve_at", "a timezone-aware datetime", repr(TOMORROW.date())),
        ({"reserve_at": TOMORROW.timestamp()}, "reserve_at", "a timezone-aware datetime", repr(TOMORROW.timestamp())),
        ({"country_code": 82}, "country_code", "a string", "82"),
        ({"advertisement": "no"}, "advertisement", "a bool", "'no'"),
        ({"advertisement": None}, "advertisement", "a bool", "None"),
        ({"images": [1]}, "images[0]", "a string", "1"),
        ({"sender": 212345678}, "sender", "a string", "*****5678"),  # masked: a phone number
        ({"recipients": [1012345678]}, "recipients[0].number", "a string", "101***5678"),
    ],
)
async def test_a_message_field_of_the_wrong_type_is_refused_by_name_before_anything_is_sent(
    gateway: SmsGateway, fields: dict[str, Any], field: str, limit: str, shown: str
) -> None:
    """They escaped as AttributeError or TypeError naming no field (kind="SMS", reserve_at as
    text or a date, country_code=82), or were taken at their truth value (advertisement)."""
    message = Message(**{"sender": "0212345678", "text": "안녕", "recipients": ["01012345678"], **fields})
    with pytest.raises(ValidationError) as refused:
        await gateway.send(message)
    assert (refused.value.field, refused.value.limit, refused.value.value) == (field, limit, shown)
    assert str(refused.value).startswith(f"{field}: must be ")
    assert f" {shown}" in str(refused.value)


def test_a_wrong_type_error_says_what_to_write() -> None:
    with pytest.raises(ValidationError) as refused:
        check_message(Message(sender="0212345678", text="안녕", kind="sms"), RULES)  # type: ignore[arg-type]
    assert str(refused.value) == "kind: must be a MessageKind, not str 'sms' (use MessageKind.SMS)"
    with pytest.raises(ValidationError) as refused:
        check_message(Message(sender="0212345678", text="안녕", country_code=82), RULES)  # type: ignore[arg-type]
    assert str(refused.value) == "country_code: must be text, not int 82 (write '82')"


def test_a_wrong_type_error_shows_a_value_whose_repr_names_its_type_alone() -> None:
    """A constant such as ``datetime.timezone.utc`` names its type: it was shown as
    ``timezone datetime.timezone.utc``."""
    assert str(wrong_type("zone", timezone.utc, "text")) == "zone: must be text, not datetime.timezone.utc"
    assert str(wrong_type("zone", Path("a"), "text")).endswith(f"not {Path('a')!r}")


async def _numbers() -> AsyncIterator[str]:
    yield "01012345678"


@pytest.mark.parametrize(
    ("make", "field", "shown"),
    [
        (lambda: Message(sender="0212345678", text="안녕", recipients=None), "recipients", "None"),
        (lambda: Message(sender="0212345678", text="안녕", recipients=1012345678), "recipients", "101***5678"),
        (lambda: Message(sender="0212345678", text="안녕", recipients=_numbers()), "recipients", None),
        (lambda: Message(sender="0212345678", text="안녕", images=None), "images", "None"),
        (lambda: Message(sender="0212345678", text="안녕", images=b"\xff\xd8\xff"), "images", "b'\\xff\\xd8\\xff'"),
        (lambda: Recipient(number="01012345678", template_parameters="name"), "template_parameters", "'name'"),
        (lambda: Recipient(number="01012345678", template_parameters=5), "template_parameters", "5"),
    ],
)
def test_a_collection_of_the_wrong_type_is_refused_by_name_when_it_is_made(
    make: Callable[[], object], field: str, shown: str | None
) -> None:
    """Message and Recipient convert these when made: a value that is no collection raised
    TypeError or ValueError from tuple() or dict(), naming no field."""
    with pytest.raises(ValidationError) as refused:
        make()
    assert refused.value.field == field
    if shown is not None:
        assert refused.value.value == shown
        assert shown in str(refused.value)


PERSONAL_TEXTS = {"01012345678": "홍길동님, 쿠폰이 도착했습니다", "01087654321": "김철수님, 쿠폰이 도착했습니다"}
MAPPING_REFUSED = (
    "recipients: must be numbers or Recipients, not a {given}: iterated, a mapping gives its keys alone and its "
    "values would be dropped; for a text per number, write [Recipient(number=n, text=t) for n, t in mapping.items()] "
    "(list(mapping) for its numbers alone)"
)


@pytest.mark.parametrize(
    ("mapping", "given"),
    [
        (PERSONAL_TEXTS, "dict of 2 entries"),
        (MappingProxyType({"01012345678": "홍길동님"}), "mappingproxy of 1 entry"),
        (Counter(["01012345678"]), "Counter of 1 entry"),
    ],
)
async def test_a_mapping_where_recipients_go_is_refused_not_read_as_its_keys(
    gateway: SmsGateway, mapping: Mapping[str, object], given: str
) -> None:
    """Iterated, a mapping gives its keys: each number got the message's text and the personal
    texts were dropped in silence. Message, Recipients, send_stream and plan refuse it alike,
    before anything is read or sent."""
    refusal = MAPPING_REFUSED.format(given=given)
    template = Message(sender="0212345678", text="공통 안내")
    makers: list[Callable[[], object]] = [
        lambda: Message(sender="0212345678", text="공통 안내", recipients=mapping),  # type: ignore[arg-type]
        lambda: attrs.evolve(template, recipients=mapping),
        lambda: Recipients(mapping),  # type: ignore[arg-type]
    ]
    for make in makers:
        with pytest.raises(ValidationError) as refused:
            make()
        assert (str(refused.value), refused.value.field, refused.value.value) == (refusal, "recipients", given)
    with pytest.raises(ValidationError) as refused:
        async for _ in gateway.send_stream(template, mapping):  # type: ignore[arg-type]
            pass
    assert str(refused.value) == refusal
    with pytest.raises(ValidationError) as refused:
        await gateway.plan(template, mapping)  # type: ignore[arg-type]
    assert str(refused.value) == refusal
    # What the refusal says to write gives each number its text; the keys() view is no mapping.
    personal = attrs.evolve(template, recipients=[Recipient(number=n, text=t) for n, t in PERSONAL_TEXTS.items()])
    assert [personal.text_for(recipient) for recipient in personal.recipients] == list(PERSONAL_TEXTS.values())
    assert (await gateway.plan(template, PERSONAL_TEXTS.keys())).recipients == 2


def test_a_template_parameter_key_that_is_not_text_is_refused_by_name() -> None:
    message = Message(sender="0212345678", text="", template_id="TEMPLATE")
    recipient = Recipient(number="01012345678", template_parameters={1: "철수", "code": "1"})  # type: ignore[dict-item]
    with pytest.raises(ValidationError) as refused:
        RecipientResolver(message, RULES).resolve(recipient, 2)
    assert (refused.value.field, refused.value.value) == ("recipients[2].template_parameters[1]", "1")
    without_template = attrs.evolve(message, text="안녕", template_id=None)
    with pytest.raises(ValidationError, match="but the message has no template_id"):  # not a TypeError from sorted()
        RecipientResolver(without_template, RULES).resolve(recipient, 2)


@pytest.mark.parametrize("request_id", [None, 123, "", "  "])
@pytest.mark.parametrize("call", ["delivery_results", "cancel_reservation"])
async def test_a_request_id_that_is_not_one_is_refused_before_any_look_up(
    gateway: SmsGateway, call: str, request_id: object
) -> None:
    """NhnGateway.cancel_reservation(None) listed every waiting reservation of the appKey (a
    list without requestId) and cancelled them all; SENS's raised AttributeError."""
    with pytest.raises(ValidationError) as refused:
        await getattr(gateway, call)(request_id)
    assert refused.value.field == "request_id"
    assert repr(request_id) in str(refused.value)


JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100 + b"\xff\xd9"


@pytest.mark.parametrize(
    ("content", "file_name", "field"),
    [("abc", "a.jpg", "content"), (None, "a.jpg", "content"), (JPEG, None, "file_name"), (JPEG, 5, "file_name")],
)
async def test_an_upload_of_the_wrong_type_is_refused_by_name(
    gateway: SmsGateway, content: object, file_name: object, field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        await gateway.upload_image(content, file_name=file_name)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert refused.value.value == repr(content if field == "content" else file_name)


async def test_what_is_not_a_message_or_a_stream_is_refused_by_name(gateway: SmsGateway) -> None:
    with pytest.raises(ValidationError, match=r"^message: must be a krsms\.Message, not str 'hi'$"):
        await gateway.send("hi")  # type: ignore[arg-type]
    template = Message(sender="0212345678", text="안녕")
    with pytest.raises(ValidationError, match=r"^recipients: must be an iterable") as refused:
        await gateway.plan(template, 1012345678)  # type: ignore[arg-type]
    assert refused.value.value == "101***5678"
    with pytest.raises(ValidationError, match=r"^recipients: must be an iterable"):
        async for _ in gateway.send_stream(template, 5):  # type: ignore[arg-type]
            pass
    with pytest.raises(ValidationError, match=r"^max_invalid: must be a whole number or None, not str '5'$"):
        await gateway.plan(template, ["01012345678"], max_invalid="5")  # type: ignore[arg-type]


NOW = datetime(2026, 3, 2, 12, 0, tzinfo=ZoneInfo("Asia/Seoul"))


def _check(rules: ProviderRules, **fields: Any) -> Callable[[], None]:
    message = Message(**{"sender": "0212345678", "text": "안녕", "recipients": ["01012345678"], **fields})
    return lambda: check_message(message, rules, now=NOW)


@pytest.mark.parametrize(
    ("refuse", "message"),
    [
        (
            _check(SENS_RULES, reserve_at=NOW - timedelta(hours=1)),
            "reserve_at: 2026-03-02T11:00:00+09:00 is in the past (now 2026-03-02T12:00:00+09:00): "
            "it must be in the future",
        ),
        (
            _check(SENS_RULES, reserve_at=NOW + timedelta(seconds=30)),
            "reserve_at: 2026-03-02T12:00:30+09:00 is in the past once cut to the minute the provider takes "
            "(2026-03-02T12:00+09:00; now 2026-03-02T12:00:00+09:00): it must be in the future at minute precision",
        ),
        (
            _check(NHN_RULES, reserve_at=NOW + timedelta(days=61)),
            "reserve_at: 2026-05-02T12:00:00+09:00 is more than 60 days ahead: the latest is 2026-05-01T12:00+09:00",
        ),
        (
            # Now and the moment with seconds and microseconds, as datetime.now() gives them: the
            # latest is the minute NHN takes, not a moment finer than it works to.
            lambda: check_message(
                Message(
                    sender="0212345678",
                    text="안녕",
                    recipients=["01012345678"],
                    reserve_at=NOW + timedelta(days=61, seconds=10, microseconds=123456),
                ),
                NHN_RULES,
                now=NOW + timedelta(seconds=10, microseconds=123456),
            ),
            "reserve_at: 2026-05-02T12:00:10.123456+09:00 is more than 60 days ahead: "
            "the latest is 2026-05-01T12:00+09:00",
        ),
        (
            _check(SENS_RULES, country_code="+82"),
            "country_code: '+82' is not a country calling code: 1 to 3 digits, without '+' or a leading 0 "
            "(Korea is '82')",
        ),
        (
            _check(SENS_RULES, template_id="T1"),
            "template_id: 'T1' names a template, but this provider has none (leave template_id None)",
        ),
        (
            _check(NHN_RULES, text="sale today, everything must go", advertisement=True),
            "text: an advertisement must start with (광고); it starts 'sale today, everyth…'",
        ),
        (
            _check(NHN_RULES, text="(광고) sale today", advertisement=True),
            "text: an advertisement must end with the opt-out line '무료수신거부 <080 number>' "
            "(or '무료거부 <080 number>'); it ends '(광고) sale today'",
        ),
        (
            lambda: check_jpeg(b"\xff\xd8\xff\xe0", "photo.png"),
            "file_name: 'photo.png' does not end in .jpg or .jpeg",
        ),
        (
            lambda: check_jpeg(b"\x89PNG\r\n\x1a\n", "photo.jpg"),
            "content: is not a JPEG image: it is a PNG image (convert it to JPEG): it starts 89504e47, "
            "where a JPEG starts ffd8ff",
        ),
    ],
    ids=[
        "past",
        "past once cut",
        "too far ahead",
        "too far ahead, now with microseconds",
        "country code",
        "template",
        "ad start",
        "ad end",
        "name",
        "jpeg",
    ],
)
def test_a_refusal_says_the_value_and_the_limit_in_its_message(refuse: Callable[[], None], message: str) -> None:
    """str() is what a traceback, a log line and the CLI show ("error: --reserve-at: ..."):
    these named the field and the rule but kept the value in .value alone."""
    with pytest.raises(ValidationError) as refused:
        refuse()
    assert str(refused.value) == message
    assert str(refused.value.value) in str(refused.value)


@pytest.mark.parametrize(
    ("precision", "latest"),
    [
        (timedelta(minutes=1), "2026-03-03T12:00+09:00"),
        (timedelta(seconds=1), "2026-03-03T12:00:10+09:00"),
        (None, "2026-03-03T12:00:10.123456+09:00"),
    ],
)
def test_the_latest_reservation_is_shown_at_the_precision_the_rules_pass_in(
    precision: timedelta | None, latest: str
) -> None:
    """check_reservation is shared by both providers: the precision is theirs to say, and the
    moments it shows are at that precision, however finely now and the moment are given."""
    now = NOW + timedelta(seconds=10, microseconds=123456)
    with pytest.raises(ValidationError) as refused:
        check_reservation(now + timedelta(days=2), timedelta(days=1), precision=precision, now=now)
    assert str(refused.value).endswith(f"is more than 1 day ahead: the latest is {latest}")


@pytest.mark.parametrize(
    ("max_ahead", "said"),
    [
        (timedelta(days=1), "1 day"),
        (timedelta(days=60), "60 days"),
        (timedelta(hours=36), "36 hours"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(hours=1, minutes=30), "1:30:00"),
    ],
)
def test_a_reservation_window_is_said_in_words_that_fit_it(max_ahead: timedelta, said: str) -> None:
    """It said ``max_ahead.days`` days: "more than 1 days ahead", and for a window of hours
    "more than 1 days" (36 hours) or "more than 0 days" (an hour and a half)."""
    with pytest.raises(ValidationError) as refused:
        check_reservation(NOW + timedelta(days=90), max_ahead, now=NOW)
    assert f" is more than {said} ahead: the latest is " in str(refused.value)
    assert refused.value.limit == said

"""Claims of the user documentation (README, docs/neutral-api.md, docs/bulk.md, ...) that no
other test pins, checked as a user would meet them: through the neutral gateways."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from krsms import Message, NhnGateway, Recipient, SensGateway, ValidationError
from krsms.nhn.errors import error_class_for_code
from krsms.testing import FakeGateway


def _sens() -> SensGateway:
    return SensGateway(access_key="access", secret_key="secret", service_id="ncp:sms:kr:123456789012:docs")


def _nhn() -> NhnGateway:
    return NhnGateway(app_key="app-key")


async def test_a_reservation_is_held_to_nhns_60_days_and_to_no_limit_on_sens() -> None:
    """docs/neutral-api.md, reserve_at: NHN takes at most 60 days ahead (its N1/N4 tables),
    SENS documents no limit; plan() checks without any network call."""
    now = datetime.now(timezone.utc)
    async with _sens() as sens, _nhn() as nhn:
        for gateway in (sens, nhn):
            within = Message(sender="0212345678", text="안녕", reserve_at=now + timedelta(days=59))
            assert (await gateway.plan(within, ["01012345678"])).total_requests == 1
        far = Message(sender="0212345678", text="안녕", reserve_at=now + timedelta(days=365))
        assert (await sens.plan(far, ["01012345678"])).total_requests == 1
        with pytest.raises(ValidationError) as refused:
            await nhn.plan(far, ["01012345678"])
    assert (refused.value.field, refused.value.limit) == ("reserve_at", "60 days")
    assert "is more than 60 days ahead" in str(refused.value)


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({"kind": "SMS"}, "kind: must be a MessageKind, not str 'SMS' (use MessageKind.SMS)"),
        (
            {"reserve_at": date(2027, 1, 1)},
            "reserve_at: must be a timezone-aware datetime, not datetime.date(2027, 1, 1)",
        ),
        ({"country_code": 82}, "country_code: must be text, not int 82 (write '82')"),
        (
            {"recipients": [Recipient(number=1012345678)]},  # type: ignore[arg-type]
            "recipients[0].number: must be text, not int 101***5678",
        ),
    ],
    ids=["kind", "reserve_at", "country_code", "number"],
)
async def test_the_wrong_type_errors_read_as_the_neutral_api_shows_them(fields: dict[str, Any], shown: str) -> None:
    """docs/neutral-api.md lists these four messages word for word."""
    message = Message(**{"sender": "0212345678", "text": "안녕", "recipients": ["01012345678"], **fields})
    gateway = FakeGateway()
    with pytest.raises(ValidationError) as refused:
        await gateway.send(message)
    assert str(refused.value) == shown
    assert gateway.requests == []


@pytest.mark.parametrize(
    ("code", "fatal"),
    [
        *((code, True) for code in (-1000, -1004, -2312, -2313, -9998, -9996, -9997, -1006, -2022, -2004)),
        *((code, True) for code in (-2107, -2110, -2113, -2006, -6000, -6004)),
        *((code, False) for code in (-2019, -2008, -2202, -9999, -2009, -6001)),
    ],
)
def test_the_nhn_codes_docs_errors_calls_fatal_are_the_fatal_ones(code: int, fatal: bool) -> None:
    """docs/errors.md lists the NHN codes that stop a bulk send (error.fatal); a code left off
    that list fails only its batch."""
    assert error_class_for_code(code).fatal is fatal

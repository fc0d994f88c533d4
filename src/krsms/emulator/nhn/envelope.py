"""What every emulated NHN endpoint shares: the answer envelope and its refusals, reading a
request (its JSON body, field types, ``Y``/``N`` flags, bounded text, phone numbers, text
EUC-KR can carry, query dates), pages of a list, generated IDs and the time format of the
answers.

Every answer is ``{"header": {"isSuccessful", "resultCode", "resultMessage"}, "body": ...}``
with HTTP 200, failures included, as the document shows. Choices where it is silent:

- a body not sent as ``application/json`` answers -9996 (the only content type the
  error-code table allows);
- an unknown top-level field, or a field of the wrong JSON type (``sendNo`` a list, a
  ``reservationList`` of strings), answers -9997 (the request is not the documented JSON),
  as does JSON nested too deeply to parse;
- a look-up's filter longer than its table's maximum (:func:`check_filters`) answers the
  error table's code for that field where it has one, -2008 (invalid ``requestId``) for a
  ``requestId`` over 25 and -2109 for a ``templateId`` over 50, and -2012 (invalid look-up
  parameter, as N31 answers an ``updateUser`` over 100) for any other: ``sendNo`` over 13,
  ``recipientNo`` over 20, ``msgStatus`` over 1, ``resultCode`` over 10, a grouping key over
  100, .... The filter is not read: NHN would refuse it, so a look-up matching nothing
  would hide the mistake.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeGuard

from starlette.requests import Request
from starlette.responses import JSONResponse

from krsms.convert import SEOUL
from krsms.emulator.inputs import in_euc_kr, is_digits, load_json, parse_moment

YES_NO = ("Y", "N")
"""The values of a ``...Yn`` flag."""
MAX_USER_CHARS = 100
"""``createUser``/``updateUser`` of categories and the block list."""
MAX_PAGE_SIZE = 1000
"""The largest ``pageSize`` of a paged look-up."""


class NhnRefusal(Exception):
    """A request the emulated NHN API refuses; becomes a failure answer in NHN's envelope
    (HTTP 200 unless ``status`` says otherwise)."""

    def __init__(self, code: int, message: str, *, status: int = 200):
        self.code = code
        self.message = message
        self.status = status


def answer(body: Any, *, code: int = 0, message: str = "SUCCESS", status: int = 200) -> JSONResponse:
    """``body`` in the NHN answer envelope, a failure when ``code`` is not 0."""
    return JSONResponse(
        {"header": {"isSuccessful": code == 0, "resultCode": code, "resultMessage": message}, "body": body},
        status_code=status,
    )


async def read_json(request: Request) -> Any:
    """The request's JSON body; -9996 when it is not sent as ``application/json``, -9997
    when it is not JSON."""
    if not request.headers.get("content-type", "").lower().startswith("application/json"):
        raise NhnRefusal(-9996, "유효하지 않은 contentType. Only application/JSON")
    try:
        return load_json(await request.body())
    except ValueError:
        raise NhnRefusal(-9997, "유효하지 않은 JSON 형식") from None


def json_object(body: Any, allowed: frozenset[str]) -> dict[str, Any]:
    """The JSON object of a request; -9997 when it is not one or has undocumented fields."""
    if not isinstance(body, dict) or set(body) - allowed:
        raise NhnRefusal(-9997, "유효하지 않은 JSON 형식")
    return body


def check_types(fields: Mapping[str, Any], types: Mapping[str, type]) -> None:
    """-9997 when one of ``types`` is in ``fields``, not null, with another JSON type: the
    request is not the documented JSON."""
    if any(fields.get(name) is not None and not isinstance(fields[name], kind) for name, kind in types.items()):
        raise NhnRefusal(-9997, "유효하지 않은 JSON 형식")


def has_text(value: Any) -> TypeGuard[str]:
    """Whether a required text field is text with a visible character: one missing, null,
    empty or of spaces alone is refused with the code of the empty field."""
    return isinstance(value, str) and bool(value.strip())


def fits(value: Any, max_chars: int) -> bool:
    """Whether an optional text field is absent or a string of at most ``max_chars``."""
    return value is None or (isinstance(value, str) and len(value) <= max_chars)


def over_limit(fields: Mapping[str, Any], limits: Mapping[str, int]) -> str | None:
    """The first field of ``limits`` that ``fields`` gives as text longer than its maximum
    there, or None (a field left out, null or of another type is for other checks)."""
    for name, limit in limits.items():
        value = fields.get(name)
        if isinstance(value, str) and len(value) > limit:
            return name
    return None


FILTER_CODES = {
    "requestId": (-2008, "요청 ID가 유효하지 않음"),
    "templateId": (-2109, "템플릿 ID가 50자 초과"),
}
"""The error table's code for a look-up filter over its maximum, where it has one."""


def check_filters(query: Mapping[str, Any], limits: Mapping[str, int]) -> None:
    """Refuse a look-up whose filter (one of ``limits``, a query parameter or an N37 field) is
    longer than its table's maximum: the field's code in :data:`FILTER_CODES`, else -2012."""
    name = over_limit(query, limits)
    if name is not None:
        raise NhnRefusal(*FILTER_CODES.get(name, (-2012, "조회 파라미터가 유효하지 않음")))


def matches(query: Mapping[str, Any], name: str, value: Any) -> bool:
    """Whether ``value`` passes the look-up filter ``name`` of ``query``: every value does when
    the filter is left out or empty, which NHN reads as no filter (so a client sending an
    empty ``requestId`` gets every request, as from NHN, not none)."""
    wanted = query.get(name)
    return wanted in (None, "") or wanted == value


def is_phone_number(number: Any) -> bool:
    """Whether ``number`` is 8 to 20 ASCII digits (a block list entry, a UID's phone number)."""
    return is_digits(number) and 8 <= len(number) <= 20


def check_characters(text: str) -> None:
    """-2023 for a character EUC-KR cannot carry (emoji, or a syllable only CP949 has, such as
    똠) in a title, a body or what fills it."""
    if not in_euc_kr(text):
        raise NhnRefusal(-2023, "제목 또는 본문에 허용되지 않는 문자(Emoji 등)가 포함됨")


def parse_date(value: Any) -> datetime:
    """A ``yyyy-MM-dd HH:mm:ss`` query date, in Seoul; -2000 when malformed or not a string."""
    try:
        return parse_moment(value, "%Y-%m-%d %H:%M:%S", SEOUL)
    except (TypeError, ValueError):
        raise NhnRefusal(-2000, "유효하지 않은 날짜 형식") from None


def page(items: list[Any], request: Request) -> dict[str, Any]:
    """One ``pageNum``/``pageSize`` page of ``items`` with their ``totalCount``."""
    raw_num, raw_size = request.query_params.get("pageNum", "1"), request.query_params.get("pageSize", "15")
    if not is_digits(raw_num) or not is_digits(raw_size):
        raise NhnRefusal(-2011, "필수 조회 파라미터가 유효하지 않음")
    page_num, page_size = int(raw_num), int(raw_size)
    if page_num < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise NhnRefusal(-2011, "필수 조회 파라미터가 유효하지 않음")
    start = (page_num - 1) * page_size
    return {
        "pageNum": page_num,
        "pageSize": page_size,
        "totalCount": len(items),
        "data": items[start : start + page_size],
    }


def random_id(length: int) -> str:
    """``length`` random ASCII letters and digits."""
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(length))


def format_time(moment: datetime | None) -> str | None:
    """``yyyy-MM-dd HH:mm:ss.S`` as NHN's look-ups answer."""
    if moment is None:
        return None
    return moment.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M:%S.") + str(moment.microsecond // 100000)

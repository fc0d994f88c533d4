"""SENS's documented limits on request fields, checked before any network call.

:class:`~krsms.sens.client.SensClient` refuses with these what the S1 table forbids in a send
(:func:`check_send_request`, :func:`check_message_count`) and what SENS would refuse in a
request look-up (:func:`check_message_query`) and the block-list look-up
(:func:`check_unsubscribe_query`), before any request. Every refusal is a
:class:`~krsms.errors.ValidationError` naming the field, the limit and the value.
"""

from __future__ import annotations

import base64
import binascii
import enum
from datetime import datetime, timedelta, timezone

from krsms.convert import SEOUL, format_seoul_seconds, in_seoul
from krsms.errors import ValidationError, excerpt
from krsms.fields import check_is_text, check_moment, mask_number, wrong_type
from krsms.phone_numbers import KOREA, check_number_as_sent
from krsms.sens.models import (
    DEFAULT_TIME_ZONE,
    ContentType,
    FileReference,
    MessageQuery,
    MessageType,
    SendRequest,
    UnsubscribeQuery,
    check_inline_image,
    time_zone,
)
from krsms.text import MessageKind, check_body, check_subject
from krsms.validation import check_ad_notice, check_country_code, check_entry_count, check_reservation

MAX_MESSAGES = 100
"""``messages`` entries per send (S1)."""
RESERVE_PRECISION = timedelta(minutes=1)
"""``reserveTime`` is written to the minute (``yyyy-MM-dd HH:mm``)."""
MAX_REQUEST_SPAN = timedelta(days=30)
"""Widest ``requestStartTime``-``requestEndTime`` window of the request look-up."""
MAX_COMPLETE_SPAN = timedelta(hours=24)
"""Widest ``completeStartTime``-``completeEndTime`` window of the request look-up."""
MAX_MESSAGE_PAGE = 100
"""Largest ``pageSize`` of the request look-up (S3) by time window."""
MAX_MESSAGE_PAGE_BY_REQUEST = 1000
"""Largest ``pageSize`` of the request look-up (S3) by ``requestId``."""
MAX_UNSUBSCRIBE_PAGE = 100
"""Largest ``pageSize`` of the block-list look-up (S8; the document's "0 to 100", less the
0 that would page forever)."""
HISTORY_KEPT = timedelta(days=90)
"""How far back the look-ups reach: "can only be viewed within the last 90 days" (en:248,
en:427, ko:260)."""
MESSAGE_STATUSES = ("READY", "PROCESSING", "COMPLETED")
"""The request look-up's ``status`` filter values (en:237-240, ko:251)."""
RECEPTION_STATUSES = ("SUCCESS", "FAIL")
"""The request look-up's ``statusName`` filter values (en:242, ko:254): the handset result."""


def check_message_count(count: int) -> None:
    """A send's ``messages``: 1 to :data:`MAX_MESSAGES`."""
    check_entry_count("messages", count, MAX_MESSAGES, what="entries", provider="SENS")


def check_send_request(request: SendRequest, *, now: datetime | None = None) -> None:
    """Refuse an S1 send its table forbids, as SENS would refuse it, cut it or drop part of
    it: ``from_`` and each ``messages[].to`` as sent (digits only, a valid number; ``to`` one
    of ``country_code``'s country, which is 1 to 3 digits); ``content`` and each message's
    own (characters EUC-KR can carry, 90 bytes for SMS and 2,000 for LMS/MMS, the
    advertisement notice with ``content_type`` AD); subjects (LMS and MMS only, 40 bytes);
    ``files`` (MMS only, each a ``file_id``, not blank, or an inline image checked as an
    upload); ``schedule_code`` not blank;
    ``reserve_time`` (in the future once cut to the minute, naive read in
    ``reserve_time_zone``; SENS documents no limit ahead). The number of ``messages`` is
    :func:`check_message_count`'s. First, ``type``, ``content_type`` and ``reserve_time`` must
    be of the model's types (:func:`_check_types`)."""
    _check_types(request)
    kind = MessageKind(request.type.value)
    advertisement = request.content_type is ContentType.AD
    if request.country_code is not None:
        check_country_code(request.country_code)
    check_number_as_sent(request.from_, field="from_")
    _check_content(request.content, kind, advertisement=advertisement, field="content")
    _check_subject(request.subject, kind, field="subject")
    for index, message in enumerate(request.messages):
        field = f"messages[{index}]"
        check_number_as_sent(message.to, field=f"{field}.to", country_code=request.country_code or KOREA)
        if message.content is not None:
            _check_content(message.content, kind, advertisement=advertisement, field=f"{field}.content")
        _check_subject(message.subject, kind, field=f"{field}.subject")
    if request.files is not None:
        _check_files(request.files, kind)
    if request.schedule_code is not None:
        _check_not_blank(request.schedule_code, field="schedule_code")
    if request.reserve_time is not None:
        moment = request.reserve_time
        if moment.tzinfo is None:
            moment = moment.replace(
                tzinfo=time_zone(request.reserve_time_zone or DEFAULT_TIME_ZONE, field="reserve_time_zone")
            )
        check_reservation(moment, None, precision=RESERVE_PRECISION, now=now, field="reserve_time")


def _check_types(request: SendRequest) -> None:
    """The fields a send reads as members and a moment: given as the document writes them
    (``"SMS"``, ``"AD"``, ``"2019-07-25 17:09"``), they are refused by name, the member or the
    parsing to use named, instead of failing inside a check (or, for an ``"AD"``, passing the
    advertisement check as a regular message)."""
    _check_member("type", request.type, MessageType, optional=False)
    _check_member("content_type", request.content_type, ContentType)
    check_moment(request.reserve_time, field="reserve_time", written="%Y-%m-%d %H:%M")


def _check_member(field: str, value: object, members: type[enum.Enum], *, optional: bool = True) -> None:
    """``value`` one of ``members`` (or None when ``optional``); a text naming one is refused
    with that member named (``"sms"``: use ``MessageType.SMS``)."""
    if isinstance(value, members) or (optional and value is None):
        return
    member = members.__members__.get(value.upper()) if isinstance(value, str) else None
    hint = f" (use {members.__name__}.{member.name})" if member is not None else ""
    raise wrong_type(field, value, f"a {members.__name__}", hint=hint)


def _check_files(files: tuple[FileReference, ...], kind: MessageKind) -> None:
    """``files``, MMS only (even an empty list: the table gives the field to MMS alone), each
    entry an uploaded file's ``file_id`` alone or the older document's inline ``name`` and
    Base64 ``body``, checked as an upload is (:func:`~krsms.sens.models.check_inline_image`)."""
    if kind is not MessageKind.MMS:
        raise ValidationError("files", f"{kind.value} cannot carry images (use MMS)", limit="MMS", value=kind.value)
    for index, reference in enumerate(files):
        field = f"files[{index}]"
        if reference.file_id is None and reference.name is not None and reference.body is not None:
            _check_inline_file(reference.name, reference.body, field=field)
        elif reference.file_id is not None and reference.name is None and reference.body is None:
            _check_not_blank(reference.file_id, field=f"{field}.file_id")
        else:
            given = [name for name in ("file_id", "name", "body") if getattr(reference, name) is not None]
            shown = ", ".join(given) or "nothing"
            raise ValidationError(
                field,
                f"gives {shown}: an entry is a file_id alone, or an inline image's name and body",
                limit="file_id, or name and body",
                value=shown,
            )


def _check_not_blank(value: str, *, field: str) -> None:
    """An id the send names (a file, a schedule): text with a visible character; an empty one
    would be SENS's to refuse."""
    check_is_text(value, field=field)
    if not value.strip():
        raise ValidationError(field, f"is blank ({excerpt(repr(value))})", limit="an id", value=value)


def _check_inline_file(name: str, body: str, *, field: str) -> None:
    """An inline image of the older document, its refusal naming ``files[i].name`` or ``.body``."""
    try:
        content = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):  # ValueError: a character outside ASCII
        raise ValidationError(f"{field}.body", "is not Base64", limit="Base64 of a JPEG", value=excerpt(body)) from None
    try:
        check_inline_image(name, content)
    except ValidationError as refusal:
        part = "name" if refusal.field == "file_name" else "body"
        raise ValidationError(f"{field}.{part}", refusal.problem, limit=refusal.limit, value=refusal.value) from None


def _check_content(text: str, kind: MessageKind, *, advertisement: bool, field: str) -> None:
    check_is_text(text, field=field)
    check_body(text, kind, field=field)
    if advertisement:
        check_ad_notice(text, field=field)


def _check_subject(subject: str | None, kind: MessageKind, *, field: str) -> None:
    """A subject, which only LMS and MMS carry."""
    if subject is None:
        return
    if kind is MessageKind.SMS:
        raise ValidationError(
            field, "an SMS carries no subject (send an LMS, or leave it out)", limit="no subject", value=subject
        )
    check_is_text(subject, field=field)
    check_subject(subject, field=field)


_QUERY_TIMES = ("request_start_time", "request_end_time", "complete_start_time", "complete_end_time")
"""The fields of :class:`~krsms.sens.models.MessageQuery` written ``yyyy-MM-dd HH:mm:ss``."""


def check_message_query(query: MessageQuery, *, now: datetime | None = None) -> None:
    """Refuse, before any request, an S3 query that SENS would refuse, or that could match
    nothing: a window's end not before its start, nor more than :data:`HISTORY_KEPT` before
    ``now`` (default: the current time; naive ends are Seoul time); ``status`` and
    ``status_name`` one of the documented values (:data:`MESSAGE_STATUSES`,
    :data:`RECEPTION_STATUSES`, in capitals as the tables write them); ``country_code`` 1 to
    3 digits, as SENS lists it (``82``, not ``+82``); ``from_`` and ``to`` digits only, as
    SENS lists them (en:240-241). First, the times, ``type``, ``content_type``, ``page_size``
    and ``page_index`` must be of the model's types."""
    for field in _QUERY_TIMES:
        check_moment(getattr(query, field), field=field, written="%Y-%m-%d %H:%M:%S")
    _check_member("type", query.type, MessageType)
    _check_member("content_type", query.content_type, ContentType)
    windows = {
        "request": (query.request_start_time, query.request_end_time, MAX_REQUEST_SPAN),
        "complete": (query.complete_start_time, query.complete_end_time, MAX_COMPLETE_SPAN),
    }
    given = [name for name, (start, end, _) in windows.items() if start or end]
    if len(given) > 1:
        raise ValidationError(
            "complete_start_time", "cannot be combined with a request time window", limit="one window", value="both"
        )
    if not given and not query.request_id:
        raise ValidationError(
            "request_id", "or a request or completion time window is required", limit="one selection", value=None
        )
    for name in given:
        start, end, widest = windows[name]
        if start is None or end is None:
            missing, present = ("start", "end") if start is None else ("end", "start")
            raise ValidationError(
                f"{name}_{missing}_time",
                f"is missing: a window needs both start and end (only {name}_{present}_time is given)",
                limit="start and end",
                value=None,
            )
        if _is_aware(start) != _is_aware(end):
            raise ValidationError(
                f"{name}_end_time",
                f"mixes a naive and an aware datetime, so the {widest} window cannot be checked",
                limit="start and end both naive or both aware",
                value=f"{start.isoformat()} to {end.isoformat()}",
            )
        span = _elapsed(start, end)
        if span < timedelta(0):
            raise ValidationError(
                f"{name}_end_time",
                f"is before {name}_start_time, so the window holds no time",
                limit=f"not before {name}_start_time",
                value=f"{start.isoformat()} to {end.isoformat()}",
            )
        if span > widest:
            raise ValidationError(
                f"{name}_end_time", f"the window is longer than {widest}", limit=str(widest), value=str(span)
            )
        _check_within_history(f"{name}_end_time", end, now or datetime.now(timezone.utc))
    if query.country_code is not None:
        check_country_code(query.country_code)
    for field, value, documented in (
        ("status", query.status, MESSAGE_STATUSES),
        ("status_name", query.status_name, RECEPTION_STATUSES),
    ):
        if value is not None and value not in documented:
            values = ", ".join(documented)
            raise ValidationError(
                field, f"{excerpt(str(value))!r} is not one of SENS's values ({values})", limit=values, value=value
            )
    for field, number in (("from_", query.from_), ("to", query.to)):
        if number is not None and not (number.isascii() and number.isdigit()):
            shown = mask_number(number)
            raise ValidationError(
                field,
                f"{shown!r} is not digits only: SENS lists numbers without hyphens, so it would match none",
                limit="digits",
                value=shown,
            )
    largest = MAX_MESSAGE_PAGE_BY_REQUEST if query.request_id else MAX_MESSAGE_PAGE
    check_page_size(query.page_size, largest)
    check_page_index(query.page_index)


def _check_within_history(field: str, end: datetime, now: datetime) -> None:
    """A window's ``end`` within the :data:`HISTORY_KEPT` before ``now``: a window that ended
    earlier lists nothing SENS still keeps."""
    oldest = now - HISTORY_KEPT
    if (end if _is_aware(end) else end.replace(tzinfo=SEOUL)) < oldest:
        raise ValidationError(
            field,
            f"{format_seoul_seconds(end)} (Seoul) is more than {HISTORY_KEPT.days} days ago: SENS keeps "
            f"{HISTORY_KEPT.days} days of history (the oldest now {format_seoul_seconds(oldest)}), "
            "so the window would list nothing",
            limit=f"within the last {HISTORY_KEPT.days} days",
            value=end.isoformat(),
        )


def check_unsubscribe_query(query: UnsubscribeQuery) -> None:
    """Refuse, before any request, an S8 query SENS would refuse: a ``page_size`` outside 1 to
    :data:`MAX_UNSUBSCRIBE_PAGE`, a negative ``page_index``, and a ``start_time`` or
    ``end_time`` that is no whole number (the tables type all four Integer)."""
    check_page_size(query.page_size, MAX_UNSUBSCRIBE_PAGE)
    check_page_index(query.page_index)
    _check_whole_number("start_time", query.start_time)
    _check_whole_number("end_time", query.end_time)


def check_page_size(page_size: int | None, largest: int) -> None:
    """A ``page_size`` of 1 to ``largest``, or None (the look-up's default)."""
    _check_whole_number("page_size", page_size)
    if page_size is not None and not 1 <= page_size <= largest:
        raise ValidationError(
            "page_size", f"is {page_size}; must be 1 to {largest}", limit=f"1-{largest}", value=page_size
        )


def check_page_index(page_index: int | None) -> None:
    """A ``page_index`` of 0 or more, or None (the first page): pages count from 0."""
    _check_whole_number("page_index", page_index)
    if page_index is not None and page_index < 0:
        raise ValidationError("page_index", f"is {page_index}; pages count from 0", limit="0 or more", value=page_index)


def _check_whole_number(field: str, value: object) -> None:
    """``value`` an int (not a bool), or None: the documents type the paging fields Integer."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise wrong_type(field, value, "a whole number")


def _is_aware(moment: datetime) -> bool:
    return moment.utcoffset() is not None


def _elapsed(start: datetime, end: datetime) -> timedelta:
    """The window SENS measures from ``start`` to ``end``: between the times as the query
    writes them, Seoul wall-clock seconds (:func:`~krsms.convert.format_seoul_seconds`). Not
    between the datetimes: two clock readings a few microseconds apart are one second to
    SENS, and a window of its widest would be refused. Seoul has no daylight-saving change,
    so a window across another zone's change is measured in real time."""
    return _as_written(end) - _as_written(start)


def _as_written(moment: datetime) -> datetime:
    """``moment`` as a query time goes out: naive Seoul wall-clock time, to the second."""
    return in_seoul(moment).replace(tzinfo=None, microsecond=0)

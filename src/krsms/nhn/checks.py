"""NHN's documented limits on request fields, checked before any network call.

The look-up and management models of :mod:`krsms.nhn.models` call these in their validators
and ``__attrs_post_init__``, so such a request NHN would refuse (or answer with nothing)
cannot be built. A send (:class:`~krsms.nhn.models.SendRequest`,
:class:`~krsms.nhn.models.TagSendRequest`) is checked by :func:`check_send` and
:func:`check_tag_send` when a send method of :class:`~krsms.nhn.client.NhnClient` is called,
not when it is made: its limits depend on the endpoint, and a reservation on the moment it
goes out. Every refusal is a :class:`~krsms.errors.ValidationError` naming the field, the
limit and the value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence, Sized
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from krsms.convert import SEOUL, format_seoul_seconds, in_seoul
from krsms.errors import ValidationError, excerpt
from krsms.fields import check_is_text, check_moment, mask_number, wrong_type
from krsms.phone_numbers import KOREA, MAX_NUMBER_DIGITS, check_number_as_sent
from krsms.text import MessageKind, check_body, check_subject
from krsms.validation import (
    check_ad_notice,
    check_country_code,
    check_reservation,
    check_template_id,
    check_template_parameters,
)

if TYPE_CHECKING:
    from krsms.nhn.models import SendRecipient, SendRequest, TagSendRequest


class LookUp(Protocol):
    """A look-up query selected by a request id or a date window."""

    @property
    def request_id(self) -> str | None:
        """The request id that selects, or None when a date window must."""
        ...


MAX_LOOKUP_SPAN = timedelta(days=31)
"""The widest date window of a send look-up (N2, N5, N8), a tag send list (N15) and a CSV
export (N37). NHN refuses "a range over one month" (-4000) without saying what a month is;
it is taken as 31 days, as the project's emulator does: a window of exactly 31 days passes,
one a second longer does not. The span is measured on the moments as sent, Asia/Seoul wall
time to the second."""


def _as_sent(moment: datetime) -> datetime:
    """``moment`` as NHN reads the query: Seoul wall time to the second (naive is Seoul)."""
    return in_seoul(moment).replace(microsecond=0, tzinfo=None)


def check_times(names: tuple[str, str], start: object, end: object, *, written: str = "%Y-%m-%d %H:%M:%S") -> None:
    """Refuse an end of a window, given as the fields ``names`` (start, end), that is neither
    a datetime nor None: a text (the form the document writes, ``written``) is refused saying
    how to parse it, where the window's checks would raise AttributeError on it."""
    for name, moment in zip(names, (start, end), strict=True):
        check_moment(moment, field=name, written=written)


def check_order(names: tuple[str, str], start: datetime | None, end: datetime | None) -> None:
    """Refuse a window, given as the fields ``names`` (start, end), that ends before it starts,
    or an end that is not a datetime (:func:`check_times`)."""
    check_times(names, start, end)
    if start is not None and end is not None and _as_sent(end) < _as_sent(start):
        start_name, end_name = names
        raise ValidationError(
            end_name,
            f"is before {start_name}",
            limit=f"not before {start_name}",
            value=f"{format_seoul_seconds(start)} to {format_seoul_seconds(end)}",
        )


def check_window(names: tuple[str, str], start: datetime | None, end: datetime | None) -> bool:
    """Check a selecting date window given as the fields ``names`` (start, end): both ends or
    neither, the end not before the start, at most :data:`MAX_LOOKUP_SPAN`. Whether it is
    given."""
    check_times(names, start, end)
    start_name, end_name = names
    if start is None and end is None:
        return False
    if start is None or end is None:
        missing, given = (start_name, end_name) if start is None else (end_name, start_name)
        raise ValidationError(
            missing, f"is required with {given}: a window needs both ends", limit=f"{start_name} and {end_name}"
        )
    check_order(names, start, end)
    span = _as_sent(end) - _as_sent(start)
    if span > MAX_LOOKUP_SPAN:
        raise ValidationError(
            end_name,
            f"the window spans {span}; NHN allows one month ({MAX_LOOKUP_SPAN.days} days)",
            limit=f"{MAX_LOOKUP_SPAN.days} days",
            value=f"{format_seoul_seconds(start)} to {format_seoul_seconds(end)}",
        )
    return True


def check_at_most(field: str, value: str | None, limit: int) -> None:
    """Refuse text over ``limit`` characters, NHN's "maximum" of ``field`` (None, a field not
    sent, passes), or a value that is not text. The value shown is the length, not the text
    (a value of another type masked, as a phone number is)."""
    if value is None:
        return
    check_is_text(value, field=field, number=True)
    if len(value) > limit:
        raise ValidationError(
            field,
            f"is {len(value)} characters; NHN takes at most {limit}",
            limit=f"{limit} characters",
            value=len(value),
        )


def at_most(limit: int) -> Callable[[Any, attrs.Attribute[Any], str | None], None]:
    """attrs validator: :func:`check_at_most` for the attribute."""

    def check(_: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
        check_at_most(attribute.name, value, limit)

    return check


def check_not_blank(field: str, value: str) -> None:
    """Refuse a required text without a visible character in it, which NHN does not take, or
    a value that is not text (None, a number: shown masked, as a phone number is)."""
    check_is_text(value, field=field, number=True)
    if not value.strip():
        raise ValidationError(field, "must not be empty or blank", limit="a visible character", value=value)


def not_blank(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """attrs validator: :func:`check_not_blank` for the attribute."""
    check_not_blank(attribute.name, value)


def each_not_blank(_: Any, attribute: attrs.Attribute[Any], values: Sequence[str]) -> None:
    """attrs validator: :func:`check_not_blank` for every entry of a list attribute, named by
    its position."""
    for index, value in enumerate(values):
        check_not_blank(f"{attribute.name}[{index}]", value)


MESSAGE_TYPES = ("SMS", "LMS", "MMS", "AUTH")
"""The ``messageType`` values of the result updates (N12), as its table writes them."""


def one_of(values: tuple[str, ...]) -> Callable[[Any, attrs.Attribute[Any], str | None], None]:
    """attrs validator: None, or one of ``values`` exactly (NHN answers -1006 for another
    type, and a look-up filtering on a value it does not know finds nothing)."""

    def check(_: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
        if value is not None and value not in values:
            raise ValidationError(
                attribute.name, f"must be one of {', '.join(values)}", limit=" / ".join(values), value=value
            )

    return check


def each_one_of(values: tuple[str, ...]) -> Callable[[Any, attrs.Attribute[Any], str | None], None]:
    """attrs validator: None, or one of ``values``, or several of them comma-separated (the
    statistics view's ``messageTypes``/``contentTypes``, plural in its URL; NHN answers -2701
    for another value)."""

    def check(_: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
        if value is not None and not isinstance(value, str):
            example = ",".join(values[:2])
            raise wrong_type(
                attribute.name, value, "text", limit=" / ".join(values), hint=f" (several comma-separated: {example!r})"
            )
        if value is not None and not set(value.split(",")) <= set(values):
            raise ValidationError(
                attribute.name,
                f"must be one of {', '.join(values)}, or several of them comma-separated",
                limit=" / ".join(values),
                value=value,
            )

    return check


def check_texts(field: str, values: object, *, number: bool = False) -> None:
    """Refuse one text where a list of texts belongs (``wheres``, ``tag_expression``,
    ``tag_ids``, the opt-out numbers): a text is a sequence of texts to Python and mypy, and
    would go out one character an entry (``"tagA,AND,tagB"`` as ``t,a,g,A,,,A,N,D,...``).
    Each entry must be text too, and the list a sequence: a generator would be used up by
    the checks and go out empty. ``number`` masks the value shown, for a list of phone
    numbers."""
    if isinstance(values, (str, bytes, bytearray)):
        raise wrong_type(
            field, values, "a list of texts", limit="a tuple of strings", number=number, hint=" (one text an entry)"
        )
    if not isinstance(values, Sequence):
        raise wrong_type(field, values, "a list of texts", limit="a tuple of strings", hint=" (make it a tuple)")
    for index, value in enumerate(values):
        check_is_text(value, field=f"{field}[{index}]", number=number)


def texts(*, number: bool = False) -> Callable[[Any, attrs.Attribute[Any], object], None]:
    """attrs validator: :func:`check_texts` for the attribute (None, a field not sent, passes)."""

    def check(_: Any, attribute: attrs.Attribute[Any], values: object) -> None:
        if values is not None:
            check_texts(attribute.name, values, number=number)

    return check


def check_not_empty(field: str, value: Sized) -> None:
    """Refuse an empty list NHN requires at least one entry of."""
    if not value:
        raise ValidationError(field, "is empty; NHN requires at least one", limit="at least 1", value=0)


def not_empty(_: Any, attribute: attrs.Attribute[Any], value: Sized) -> None:
    """attrs validator: :func:`check_not_empty` for the attribute."""
    check_not_empty(attribute.name, value)


MAX_BLOCKED_PER_CALL = 10
"""The most numbers one opt-out registration (N29) carries: the document gives
``recipientNoList`` a maximum of 10."""
MAX_UNSUBSCRIBE_NO_CHARS = 25
"""``unsubscribeNo``, the 080 number, of an opt-out registration (N29) and list (N30)."""
MAX_REMOVAL_UNSUBSCRIBE_NO_CHARS = 20
"""``unsubscribeNo`` of an opt-out removal (N31): its table allows 20, not 25."""
MAX_CATEGORY_NAME_CHARS = 50
"""``categoryName`` of a new or changed template category (N19, N22)."""
MAX_TEMPLATE_NAME_CHARS = 50
"""``templateName`` of a new or changed template (N24, N27)."""
MAX_DESCRIPTION_CHARS = 100
"""``categoryDesc`` and ``templateDesc`` (N19, N22, N24, N27)."""
MAX_TAG_NAME_CHARS = 30
"""``tagName`` of a new or renamed tag (N41, N42)."""
SMS_TEMPLATE = "0"
"""The ``send_type`` of an SMS template; any other (``"1"``) is LMS/MMS."""
MAX_TEMPLATE_TITLE_CHARS = 120
"""A template's ``title`` (-2115); required for LMS/MMS templates (-2114)."""
MAX_SMS_TEMPLATE_BODY_CHARS = 255
"""An SMS template's ``body`` (-2116)."""
MAX_TEMPLATE_BODY_CHARS = 4000
"""An LMS/MMS template's ``body`` (-2117), the document's table maximum."""


def check_template_text(send_type: str, title: str | None, body: str) -> None:
    """The title and body limits of a template (N24, N27), which depend on its send type."""
    if send_type != SMS_TEMPLATE and not (title and title.strip()):
        raise ValidationError(
            "title", "is required for an LMS/MMS template (send_type 1), not blank", limit="a title", value=title
        )
    check_at_most("title", title, MAX_TEMPLATE_TITLE_CHARS)
    widest = MAX_SMS_TEMPLATE_BODY_CHARS if send_type == SMS_TEMPLATE else MAX_TEMPLATE_BODY_CHARS
    check_at_most("body", body, widest)


REQUEST_WINDOW = ("start_request_date", "end_request_date")
"""The send date window's fields (start, end)."""
CREATE_WINDOW = ("start_create_date", "end_create_date")
"""The registration date window's fields (start, end)."""
RESULT_WINDOW = ("start_result_date", "end_result_date")
"""The reception date window's fields (start, end): optional, an open end allowed."""


def check_look_up(
    query: LookUp,
    *,
    selecting: tuple[tuple[str, str], ...],
    also: tuple[tuple[str, str], ...],
) -> None:
    """Refuse what NHN refuses with -2011 or -4000: ``query`` needs a ``request_id`` or one
    complete window of ``selecting``. Those windows and the ``also`` ones are checked by
    :func:`check_window`; the reception window only for its order."""
    given = [check_window(names, getattr(query, names[0]), getattr(query, names[1])) for names in selecting]
    for names in also:
        check_window(names, getattr(query, names[0]), getattr(query, names[1]))
    check_order(RESULT_WINDOW, getattr(query, RESULT_WINDOW[0], None), getattr(query, RESULT_WINDOW[1], None))
    if query.request_id or any(given):
        return
    windows = " or ".join(f"{start}/{end}" for start, end in selecting)
    raise ValidationError("request_id", f"is required unless a complete {windows} window is given", limit="a selection")


# --- look-up filters (N2, N5, N8, N15, N16, N30, N31, N33, N34, N36-N38, N44) -------------------

MAX_REQUEST_ID_CHARS = 25
"""``requestId`` of the send look-ups (N2, N5, N8), the reservation list (N34) and cancel
(``reservationList[].requestId``, N36) and the CSV export (N37); ``downloadId`` of the export
list (N38). N15's table gives its ``requestId`` no maximum."""
MAX_RECIPIENT_NO_CHARS = 20
"""``recipientNo`` of the send look-ups, the reservation list and the CSV export, ``recipientNum``
of a tag send's recipients (N16), and each number an opt-out removal (N31) names."""
MAX_BLOCKED_RECIPIENT_NO_CHARS = 25
"""``recipientNo`` of the opt-out list (N30)."""
MAX_MSG_STATUS_CHARS = 1
"""``msgStatus`` of the send look-ups and the CSV export: one digit, ``0`` to ``6``."""
MAX_CODE_CHARS = 10
"""The status and code filters: ``resultCode`` and ``subResultCode`` (N2, N5, N8, N16, N37),
``messageStatus`` (N34), ``statusCode`` (N15), ``msgStatusName`` (N16), ``downloadStatusCode``
(N38)."""
MSG_STATUSES = ("0", "1", "2", "3", "4", "5", "6")
"""``msgStatus`` of the send look-ups (N2, N5, N8) and the CSV export (N37): failed,
requested, processing, succeeded, reservation cancelled, duplicate, failed (advertising
limit)."""
LOOK_UP_RESULT_CODES = ("MTR1", "MTR2")
"""``resultCode`` of the send look-ups and the CSV export: the look-up code table's success
and failure, not the reception codes (``1000``) answers carry."""
LOOK_UP_SUB_RESULT_CODES = ("MTR2_1", "MTR2_2", "MTR2_3")
"""``subResultCode`` of the send look-ups and the CSV export: validation failed, carrier
problem, handset problem (the look-up code table)."""
RESERVATION_STATUSES = ("RESERVED", "SENDING", "COMPLETED", "FAILED", "CANCEL", "DUPLICATED", "FAILED_AD")
"""``messageStatus`` of the reservation list (N34)."""
TAG_SEND_STATUS_CODES = ("MAS00", "MAS01", "MAS09", "MAS10", "MAS11", "MAS19", "MAS91", "MAS99")
"""``statusCode`` of the tag send list (N15): wait, ready, send ready, send wait, sending,
complete, cancel, fail."""
TAG_RECIPIENT_STATUSES = ("READY", "SENDING", "COMPLETED", "FAILED")
"""``msgStatusName`` of a tag send's recipients (N16)."""
DOWNLOAD_STATUSES = ("READY", "MAKING", "COMPLETED", "FAILED", "EXPIRED")
"""``downloadStatusCode`` of the export list (N38): the file states its answers give."""
SEND_TYPES = ("0", "1", "2")
"""``sendType`` of the reservation list (N34) and the CSV export (N37): SMS, LMS/MMS,
authentication."""
TAG_SEND_TYPES = ("0", "1")
"""``sendType`` of the tag send list (N15), SMS or MMS, and of a template (N24, N27), SMS or
LMS/MMS (-2104 for another)."""
SEARCH_TYPES = ("DATE", "TIME", "DAY")
"""``searchType`` of the statistics view (N33): by date, hour or weekday (-2701 for another)."""
CONTENT_TYPES = ("NORMAL", "AD")
"""``contentTypes`` of the statistics view (N33): ordinary messages or advertisements."""
MAX_WHERE_OPERATORS = 3
"""``AND``/``OR`` operators the UID list's ``wheres`` (N44) may hold."""
MAX_WHERE_PARENTHESES = 1
"""Parentheses the UID list's ``wheres`` (N44) may hold."""


def each_at_most(limit: int) -> Callable[[Any, attrs.Attribute[Any], Sequence[str]], None]:
    """attrs validator: :func:`check_at_most` for every entry of a list attribute, named by
    its position."""

    def check(_: Any, attribute: attrs.Attribute[Any], values: Sequence[str]) -> None:
        for index, value in enumerate(values):
            check_at_most(f"{attribute.name}[{index}]", value, limit)

    return check


def check_wheres(_: Any, attribute: attrs.Attribute[Any], wheres: Sequence[str] | None) -> None:
    """attrs validator of N44's ``wheres`` ("括弧は1個、AND、ORは3個まで"): at most one pair of
    parentheses and three ``AND``/``OR`` operators (either case, a parenthesis beside one)."""
    if wheres is None:
        return
    operators = sum(part.strip("() ").upper() in ("AND", "OR") for part in wheres)
    if operators > MAX_WHERE_OPERATORS:
        raise ValidationError(
            attribute.name,
            f"holds {operators} AND/OR operators; NHN takes at most {MAX_WHERE_OPERATORS}",
            limit=f"{MAX_WHERE_OPERATORS} AND/OR operators",
            value=operators,
        )
    parentheses = sum(part.count("(") for part in wheres)
    if parentheses > MAX_WHERE_PARENTHESES:
        raise ValidationError(
            attribute.name,
            f"holds {parentheses} parentheses; NHN takes at most {MAX_WHERE_PARENTHESES}",
            limit=f"{MAX_WHERE_PARENTHESES} parenthesis",
            value=parentheses,
        )


# --- sends (N1, N4, N7, N10, N11, N13, N14) ---------------------------------------------------

MAX_SEND_NO_CHARS = 13
"""``sendNo`` of every send table, and of a template (N24, N27)."""
MAX_TEMPLATE_ID_CHARS = 50
"""``templateId`` of every send table (-2109 above it), and of a new template (N24)."""
MAX_USER_ID_CHARS = 100
"""``userId`` of every send table; the management tables give the users they name
(``createUser``, ``updateUser``: who uploaded, created, changed, removed or cancelled) as
many."""
MAX_SENDER_GROUPING_KEY_CHARS = 100
"""``senderGroupingKey`` of the N1, N4 and N7 tables."""
MAX_RECIPIENT_GROUPING_KEY_CHARS = 100
"""``recipientList[].recipientGroupingKey`` of an SMS (the N1 and N7 tables)."""
MAX_LONG_RECIPIENT_GROUPING_KEY_CHARS = 1000
"""``recipientList[].recipientGroupingKey`` of an LMS/MMS: the N4 table gives 1,000, not 100."""
MAX_RESERVE_AHEAD = timedelta(days=60)
"""How far ahead ``requestDate`` may be ("現在から最大60日後まで", every send table)."""
RESERVE_PRECISION = timedelta(minutes=1)
"""``requestDate`` is sent to the minute (``yyyy-MM-dd HH:mm``)."""


def check_send_no(send_no: str, *, field: str) -> None:
    """NHN's ``sendNo`` limit, for a number already written as digits."""
    if len(send_no) > MAX_SEND_NO_CHARS:
        raise ValidationError(
            field,
            f"{mask_number(send_no)!r} has {len(send_no)} digits; NHN's sendNo takes at most {MAX_SEND_NO_CHARS}",
            limit=f"{MAX_SEND_NO_CHARS} digits",
            value=mask_number(send_no),
        )


def check_send_template_id(template_id: str, *, field: str = "template_id") -> None:
    """NHN's ``templateId`` limit."""
    if len(template_id) > MAX_TEMPLATE_ID_CHARS:
        raise ValidationError(
            field,
            f"{excerpt(template_id)!r} is {len(template_id)} characters; "
            f"NHN's templateId takes at most {MAX_TEMPLATE_ID_CHARS}",
            limit=f"{MAX_TEMPLATE_ID_CHARS} characters",
            value=template_id,
        )


def check_send(request: SendRequest, kind: MessageKind, *, advertisement: bool, now: datetime | None = None) -> None:
    """Refuse a send its endpoint's table forbids: ``kind`` is SMS for the SMS endpoints (N1,
    N7, N10) and LMS for the LMS/MMS ones (N4, N11); ``advertisement`` is True for N10 and
    N11. Checked: the fields a tag send shares (``send_no``, ``body``, ``title``,
    ``attach_file_id_list``, ``template_id``, ``request_date``, ``user_id``), checked as
    :func:`check_tag_send` checks them; ``sender_grouping_key`` (100 characters); and each
    recipient: its number as sent (digits, a valid number of its ``country_code``, which is
    1 to 3 digits), an ``international_recipient_no`` (digits, at most 20),
    ``template_parameter`` values EUC-KR can carry, ``recipient_grouping_key`` (100
    characters, 1,000 for LMS/MMS) and, for LMS/MMS, a number in Korea only (the note heading
    N4). The number of recipients is the client's to check."""
    _check_message(request, kind, advertisement=advertisement, now=now)
    check_at_most("sender_grouping_key", request.sender_grouping_key, MAX_SENDER_GROUPING_KEY_CHARS)
    widest_key = MAX_RECIPIENT_GROUPING_KEY_CHARS if kind is MessageKind.SMS else MAX_LONG_RECIPIENT_GROUPING_KEY_CHARS
    for index, recipient in enumerate(request.recipient_list):
        _check_recipient(recipient, kind, field=f"recipient_list[{index}]", widest_key=widest_key)


def check_tag_send(request: TagSendRequest, kind: MessageKind, *, now: datetime | None = None) -> None:
    """Refuse a tag send (N13 when ``kind`` is SMS, N14 when LMS) its table forbids:
    ``send_no`` as sent (digits, a valid number, at most 13), ``body`` (characters EUC-KR
    can carry, 90 bytes for SMS, 2,000 for LMS/MMS, the advertisement notice with
    ``ad_yn``) unless ``template_id`` (at most 50 characters) supplies it, ``title`` (LMS/MMS
    only, required unless the template supplies it, 40 bytes), no attachments on an SMS,
    ``request_date`` (in the future to the minute, at most 60 days ahead; naive is Seoul
    time), ``user_id`` (100 characters), ``template_parameter`` values EUC-KR can carry and
    a ``tag_expression`` (a list, not one text)."""
    _check_message(request, kind, advertisement=bool(request.ad_yn), now=now)
    check_template_parameters(request.template_parameter, field="template_parameter")
    check_texts("tag_expression", request.tag_expression)
    check_not_empty("tag_expression", request.tag_expression)


def _check_message(
    request: SendRequest | TagSendRequest, kind: MessageKind, *, advertisement: bool, now: datetime | None
) -> None:
    """What every send shares: sender, text, template, attachments, reservation, user id."""
    send_no, body, title, template_id = request.send_no, request.body, request.title, request.template_id
    request_date, attached = request.request_date, request.attach_file_id_list
    templated = template_id is not None
    if template_id is not None:
        check_template_id(template_id)
        check_send_template_id(template_id)
    if send_no is not None:
        check_number_as_sent(send_no, field="send_no")
        check_send_no(send_no, field="send_no")
    elif not templated:
        raise ValidationError("send_no", "is required unless template_id supplies it", limit="a sender number")
    if kind is MessageKind.SMS:
        _check_nothing_long(title, attached)
    else:
        kind = MessageKind.MMS if attached else kind
        _check_title(title, templated=templated)
    if body is not None:
        check_is_text(body, field="body")
    if body or not templated:  # a template supplies a body left out
        check_body(body or "", kind, field="body")
        if advertisement:
            check_ad_notice(body or "", field="body")
    if request_date is not None:
        moment = request_date if request_date.tzinfo else request_date.replace(tzinfo=SEOUL)
        check_reservation(moment, MAX_RESERVE_AHEAD, precision=RESERVE_PRECISION, now=now, field="request_date")
    check_at_most("user_id", request.user_id, MAX_USER_ID_CHARS)


def _check_nothing_long(title: str | None, attached: Sized | None) -> None:
    """An SMS endpoint's table has neither ``title`` nor ``attachFileIdList``."""
    if title is not None:
        raise ValidationError(
            "title", "an SMS carries no title (send an LMS, or leave it out)", limit="no title", value=title
        )
    if attached:
        raise ValidationError(
            "attach_file_id_list", "SMS cannot carry images (send an MMS)", limit="MMS", value=len(attached)
        )


def _check_title(title: str | None, *, templated: bool) -> None:
    """An LMS/MMS ``title``: required (the N4 and N14 tables) unless a template supplies it."""
    if title is not None:
        check_is_text(title, field="title")
    if title and title.strip():
        check_subject(title, field="title")
    elif not templated:
        raise ValidationError(
            "title", "is required for an LMS or MMS unless template_id supplies it", limit="a title", value=title
        )


def _check_recipient(recipient: SendRecipient, kind: MessageKind, *, field: str, widest_key: int) -> None:
    country_code = recipient.country_code
    if country_code is not None:
        check_country_code(country_code, field=f"{field}.country_code")
    if recipient.recipient_no is not None:
        check_number_as_sent(recipient.recipient_no, field=f"{field}.recipient_no", country_code=country_code or KOREA)
    if recipient.international_recipient_no is not None:
        _check_international_number(recipient.international_recipient_no, field=f"{field}.international_recipient_no")
    if kind is not MessageKind.SMS and _abroad(recipient):
        # Blamed on the field that sends it abroad: the country code beside a recipient_no,
        # else the international number, masked as every number in an error is.
        blamed, shown = (
            ("country_code", country_code)
            if recipient.recipient_no is not None
            else ("international_recipient_no", mask_number(recipient.international_recipient_no or ""))
        )
        raise ValidationError(
            f"{field}.{blamed}",
            f"is {shown!r}: an LMS or MMS goes to Korean numbers only (NHN: MMS cannot be sent outside Korea)",
            limit=KOREA,
            value=shown,
        )
    check_template_parameters(recipient.template_parameter, field=f"{field}.template_parameter")
    check_at_most(f"{field}.recipient_grouping_key", recipient.recipient_grouping_key, widest_key)


def _check_international_number(number: str, *, field: str) -> None:
    """``internationalRecipientNo``: the country code, then the number, digits only."""
    check_is_text(number, field=field)
    if not (number.isascii() and number.isdigit()) or number.startswith("0") or len(number) > MAX_NUMBER_DIGITS:
        raise ValidationError(
            field,
            f"{mask_number(number)!r} is not an international number: the country code, then the number, "
            f"digits only (821012345678), at most {MAX_NUMBER_DIGITS}",
            limit=f"country code first, at most {MAX_NUMBER_DIGITS} digits",
            value=mask_number(number),
        )


def _abroad(recipient: SendRecipient) -> bool:
    """Whether NHN sends to a number outside Korea: a ``country_code`` other than 82, or only
    an ``international_recipient_no`` of another country (NHN ignores it beside a
    ``recipient_no``)."""
    if recipient.recipient_no is not None:
        return (recipient.country_code or KOREA) != KOREA
    return not (recipient.international_recipient_no or "").startswith(KOREA)

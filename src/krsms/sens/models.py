"""Typed requests and answers of the SENS SMS API v2, named after the provider's document.

Attributes are snake_case; the converter in :mod:`krsms.sens.converter` renames them to the
document's camelCase (``from_`` is ``from``), leaves out unset optional fields and writes
and reads SENS's dates.
"""

from __future__ import annotations

import base64
import enum
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from krsms.convert import NULL_MEANS_DEFAULT
from krsms.errors import ValidationError
from krsms.fields import wrong_type
from krsms.images import check_jpeg

DEFAULT_TIME_ZONE = "Asia/Seoul"
"""The ``reserveTimeZone`` SENS assumes when a request gives none."""
ZONE_NAME = "a TZ database name, such as Asia/Seoul"
"""What ``reserveTimeZone`` takes, as a refusal names it."""
MAX_IMAGE_NAME_CHARS = 40
"""Longest MMS image ``fileName`` SENS takes, in characters."""
MAX_IMAGE_SIZE = (1500, 1440)
"""Largest MMS image resolution SENS takes (width, height)."""


class MessageType(enum.Enum):
    """``type`` of a send: SMS, LMS or MMS (an MMS without files goes out as LMS)."""

    SMS = "SMS"
    LMS = "LMS"
    MMS = "MMS"


class ContentType(enum.Enum):
    """``contentType``: a regular message or an advertisement."""

    COMM = "COMM"
    """A regular message."""
    AD = "AD"
    """An advertisement."""


class ReserveStatus(enum.Enum):
    """``reserveStatus`` of a reservation (S5)."""

    READY = "READY"
    """Waiting to be sent; the only status a cancellation can act on."""
    PROCESSING = "PROCESSING"
    """Its send is being requested."""
    CANCELED = "CANCELED"
    """Cancelled before it went out (S6)."""
    FAIL = "FAIL"
    """Requesting its send failed."""
    DONE = "DONE"
    """Its send was requested (see the message look-up for the handset results)."""
    STALE = "STALE"
    """Requesting its send failed by timing out."""


# -- S1 send ------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class SendMessage:
    """One entry of ``messages``: a recipient, optionally with its own subject and content."""

    to: str
    """Digits only."""
    subject: str | None = None
    """Replaces the request's ``subject`` for this recipient (LMS and MMS, 40 bytes)."""
    content: str | None = None
    """Replaces the request's ``content`` for this recipient (SMS 90 bytes, LMS/MMS 2,000)."""


@attrs.frozen(kw_only=True)
class FileReference:
    """An MMS image of a send: an uploaded file's ``fileId``, or (older document) the image
    inline as ``name`` and Base64 ``body`` — build that with :meth:`inline`."""

    file_id: str | None = None
    """An uploaded file's id (:attr:`UploadedFile.file_id`)."""
    name: str | None = None
    """An inline image's ``.jpg``/``.jpeg`` file name (older document)."""
    body: str | None = None
    """An inline image's JPEG, Base64-encoded (older document)."""

    @classmethod
    def inline(cls, name: str, content: bytes) -> FileReference:
        """An inline JPEG, checked like an upload (name, size, resolution) before any request."""
        check_inline_image(name, content)
        return cls(name=name, body=base64.b64encode(content).decode("ascii"))


def check_inline_image(name: str, content: bytes) -> None:
    """The older document's inline ``files.name`` and decoded ``files.body`` (ja:98-107): a
    JPEG checked like an upload (name, size, resolution), and no spaces in the name;
    ValidationError naming ``file_name`` or ``content``."""
    check_jpeg(content, name, max_name_chars=MAX_IMAGE_NAME_CHARS, max_size=MAX_IMAGE_SIZE)
    if any(character.isspace() for character in name):
        raise ValidationError("file_name", "must not contain spaces", limit="no spaces", value=name)


@attrs.frozen(kw_only=True)
class SendRequest:
    """The body of ``POST /services/{serviceId}/messages`` (at most 100 ``messages``).

    Checked against the S1 table by :meth:`~krsms.sens.client.SensClient.send`
    (:func:`~krsms.sens.checks.check_send_request`), not when made (but for its zone name).
    """

    type: MessageType
    from_: str
    """A pre-registered calling number, digits only."""
    content: str
    """Default content: SMS 90 bytes, LMS/MMS 2,000 bytes (EUC-KR)."""
    messages: tuple[SendMessage, ...]
    """The recipients, 1 to 100."""
    content_type: ContentType | None = None
    """Default COMM."""
    country_code: str | None = None
    """Default 82."""
    subject: str | None = None
    """Default subject, LMS and MMS only (40 bytes)."""
    files: tuple[FileReference, ...] | None = None
    """Images of an MMS; MMS only."""
    reserve_time: datetime | None = None
    """Send at this moment (to the minute); aware, or naive in ``reserve_time_zone``."""
    reserve_time_zone: str | None = attrs.field(default=None)
    """A TZ database name; default Asia/Seoul (another name raises ValidationError when made)."""
    schedule_code: str | None = None
    """A schedule registered in the console (older document)."""

    @reserve_time_zone.validator
    def _known_zone(self, attribute: attrs.Attribute[str | None], value: object) -> None:
        if value is None:
            return
        if not isinstance(value, str):
            hint = f" (give its name, {value.key!r})" if isinstance(value, ZoneInfo) else ""
            raise wrong_type(attribute.name, value, "a TZ database name (text)", limit=ZONE_NAME, hint=hint)
        time_zone(value, field=attribute.name)


@attrs.frozen(kw_only=True)
class SendResult:
    """The 202 answer of a send."""

    request_id: str
    request_time: datetime
    status_code: str
    """``202`` when the request was taken (an HTTP-style status, not a delivery result)."""
    status_name: str
    """The status in words: ``success`` or ``fail``."""


# -- S2 files -----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class FileUpload:
    """The body of ``POST /services/{serviceId}/files``."""

    file_name: str
    """Ends in ``.jpg`` or ``.jpeg``; at most 40 characters."""
    file_body: str
    """The JPEG, Base64-encoded."""


@attrs.frozen(kw_only=True)
class UploadedFile:
    """A stored MMS image; kept six days."""

    file_id: str
    """Pass it as :attr:`FileReference.file_id` in a send."""
    create_time: datetime
    expire_time: datetime
    """When SENS drops the file (six days after upload)."""


# -- S3/S4 look-ups -----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class MessageQuery:
    """Query of ``GET /services/{serviceId}/messages``.

    Give ``request_id``, or ``request_start_time`` + ``request_end_time`` (at most 30 days),
    or ``complete_start_time`` + ``complete_end_time`` (at most 24 hours).
    """

    request_id: str | None = None
    request_start_time: datetime | None = None
    request_end_time: datetime | None = None
    complete_start_time: datetime | None = None
    complete_end_time: datetime | None = None
    message_id: str | None = None
    type: MessageType | None = None
    content_type: ContentType | None = None
    country_code: str | None = None
    status: str | None = None
    """READY, PROCESSING or COMPLETED (another value is refused before any request)."""
    from_: str | None = None
    """Only messages from this calling number (digits only, as SENS lists it; another form is
    refused before any request)."""
    to: str | None = None
    """Only messages to this number (digits only, as SENS lists it; another form is refused
    before any request)."""
    status_name: str | None = None
    """SUCCESS or FAIL: the handset result, in capitals as the filter takes it (answers write
    it ``success``/``fail``; another value is refused before any request)."""
    page_index: int | None = None
    """From 0 (English document)."""
    next_token: str | None = None
    """The previous page's ``nextToken`` (Korean document), asking for the page after it."""
    page_size: int | None = None
    """Default 20 (max 100); with ``request_id`` default 1,000."""


@attrs.frozen(kw_only=True)
class MessageSummary:
    """One message of a send request, as the request look-up lists it."""

    request_id: str
    message_id: str
    request_time: datetime
    content_type: str
    """``COMM`` or ``AD``."""
    country_code: str
    from_: str
    """The calling (sender) number."""
    to: str
    """The recipient's number."""
    status: str | None = None
    """READY, PROCESSING or COMPLETED; the result fields below are set once COMPLETED (the
    older document's look-up answers no status)."""
    type: str | None = None
    """``SMS``, ``LMS`` or ``MMS``; absent from some answers."""
    campaign_id: str | None = None
    status_code: str | None = None
    """``0`` for success, else an EMMA / IB G/W result code."""
    status_name: str | None = None
    """The handset result's name: ``success`` or ``fail``."""
    status_message: str | None = None
    """The handset result in words."""
    complete_time: datetime | None = None
    """When delivery completed."""
    telco_code: str | None = None
    """The mobile carrier's code."""


@attrs.frozen(kw_only=True)
class MessagePage:
    """One page of the request look-up (S3)."""

    status_code: str
    """The send request's status at SENS's messaging server, HTTP-style: ``202`` when it was
    taken, any other a failure (not a delivery result: that is each message's)."""
    status_name: str
    """``success``; ``reserved`` while a reserved request has not gone out (no messages);
    ``fail`` when the messaging server did not take it; the older document adds
    ``scheduled``, for a request of a schedule (``scheduleCode``)."""
    messages: tuple[MessageSummary, ...] = ()
    """This page's messages; none while a reserved request has not gone out (its answer leaves
    ``messages`` out, or null)."""
    page_index: int = 0
    """This page's index, from 0."""
    page_size: int = 0
    item_count: int = 0
    """Messages on this page."""
    has_more: bool = False
    """True when a next page exists."""
    next_token: str | None = None
    """Korean document: present only when a next page exists; send it as
    :attr:`MessageQuery.next_token` to get that page."""
    request_id: str | None = None
    """The older document answers the request id once, here, rather than in every message
    (each message is given it all the same)."""


@attrs.frozen(kw_only=True)
class AttachedFile:
    """An MMS image of a sent message; the documents make both fields optional (the older
    one answers only ``name``)."""

    name: str | None = None
    file_id: str | None = None


@attrs.frozen(kw_only=True)
class MessageDetail:
    """The delivery result of one message (S4)."""

    request_time: datetime
    content_type: str
    """``COMM`` or ``AD``."""
    content: str
    """The text as requested, whole: the look-up shows it so, though what went out was cut to
    its type's length limit (ko:422, which the English "view ... as it is or ... send the
    actual content" garbles)."""
    country_code: str
    from_: str
    """The calling (sender) number."""
    to: str
    """The recipient's number."""
    status: str
    """READY, PROCESSING or COMPLETED."""
    status_code: str | None = None
    """``0`` for success, else an EMMA / IB G/W result code."""
    status_message: str | None = None
    """The handset result in words."""
    status_name: str | None = None
    """The handset result's name: ``success`` or ``fail``."""
    complete_time: datetime | None = None
    """When delivery completed."""
    telco_code: str | None = None
    """The mobile carrier's code."""
    files: tuple[AttachedFile, ...] = attrs.field(default=(), metadata=NULL_MEANS_DEFAULT)
    """MMS only; an absent or null ``files`` is empty."""


@attrs.frozen(kw_only=True)
class MessageResult:
    """The answer of the one-message look-up (S4)."""

    status_code: str
    """The send request's status at SENS's messaging server, HTTP-style: ``200`` when it was
    taken, any other a failure (not a delivery result: that is the message's)."""
    status_name: str
    """The same in words: ``success`` or ``fail``."""
    messages: tuple[MessageDetail, ...]
    """The message looked up."""


# -- S5 reservations ----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Reservation:
    """Where a reserved send stands (S5)."""

    reserve_id: str
    """The reserved send's ``requestId``."""
    reserve_time_zone: str
    """The TZ database name of ``reserve_time``."""
    reserve_time: datetime
    """In ``reserve_time_zone``."""
    reserve_status: ReserveStatus


# -- S8/S9/S10 080 unsubscribes -----------------------------------------------------------


@attrs.frozen(kw_only=True)
class UnsubscribeQuery:
    """Query of ``GET /services/{serviceId}/unsubscribes``."""

    client_tel_no: str | None = None
    """Only this blocked number, written as for :meth:`~krsms.sens.client.SensClient.add_unsubscribes`
    (``010-1234-5678`` is sent as ``01012345678``, the form SENS stores)."""
    page_size: int | None = None
    """1 to 100, default 100 (the documents say 0 to 100; a page of 0 would page forever)."""
    page_index: int | None = None
    """From 0 (the default)."""
    start_time: int | None = None
    """Registration time from (the document types it Integer)."""
    end_time: int | None = None
    """Registration time up to (the document types it Integer)."""


@attrs.frozen(kw_only=True)
class BlockedNumber:
    """An entry of a register or delete body: ``{"clientTelNo": ...}``."""

    client_tel_no: str


@attrs.frozen(kw_only=True)
class Unsubscribe:
    """A number on the 080 block list."""

    client_tel_no: str
    """The blocked number."""
    register_time: datetime
    """When it was put on the list."""
    register_type: str
    """``M`` registered by hand, ``C`` by a call to the 080 number."""


def time_zone(name: str, *, field: str) -> ZoneInfo:
    """The zone of a TZ database ``name``; ValidationError naming ``field`` for another name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name such as "Asia" is a folder
        raise ValidationError(field, "is not a TZ database name", limit=ZONE_NAME, value=name) from None

"""Request and answer models of NHN Cloud SMS API v2.2, named after the provider's document.

Every attribute is the snake_case form of the document's camelCase field (``recipient_no`` is
``recipientNo``, ``from_`` is ``from``); the converter in :mod:`krsms.nhn.converter` does the
renaming, writes dates as NHN wants them and maps ``*_yn`` flags to ``"Y"``/``"N"``. Request
fields left at None are not sent. Answer fields that NHN may leave out or send as null are
optional; the document's example answers contain many nulls.

Fields several queries share are written once, in private bases (the page selection, the date
windows that select sends). attrs puts inherited fields first, so a query string may name its
parameters in another order than the document's table: NHN reads them by name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from krsms.errors import ValidationError
from krsms.nhn.checks import (
    CONTENT_TYPES,
    CREATE_WINDOW,
    DOWNLOAD_STATUSES,
    LOOK_UP_RESULT_CODES,
    LOOK_UP_SUB_RESULT_CODES,
    MAX_BLOCKED_PER_CALL,
    MAX_BLOCKED_RECIPIENT_NO_CHARS,
    MAX_CATEGORY_NAME_CHARS,
    MAX_CODE_CHARS,
    MAX_DESCRIPTION_CHARS,
    MAX_RECIPIENT_GROUPING_KEY_CHARS,
    MAX_RECIPIENT_NO_CHARS,
    MAX_REMOVAL_UNSUBSCRIBE_NO_CHARS,
    MAX_REQUEST_ID_CHARS,
    MAX_SEND_NO_CHARS,
    MAX_SENDER_GROUPING_KEY_CHARS,
    MAX_TAG_NAME_CHARS,
    MAX_TEMPLATE_ID_CHARS,
    MAX_TEMPLATE_NAME_CHARS,
    MAX_UNSUBSCRIBE_NO_CHARS,
    MAX_USER_ID_CHARS,
    MESSAGE_TYPES,
    MSG_STATUSES,
    REQUEST_WINDOW,
    RESERVATION_STATUSES,
    RESULT_WINDOW,
    SEARCH_TYPES,
    SEND_TYPES,
    TAG_RECIPIENT_STATUSES,
    TAG_SEND_STATUS_CODES,
    TAG_SEND_TYPES,
    at_most,
    check_at_most,
    check_look_up,
    check_order,
    check_template_text,
    check_times,
    check_wheres,
    each_at_most,
    each_not_blank,
    each_one_of,
    not_blank,
    not_empty,
    one_of,
    texts,
)
from krsms.nhn.converter import MinuteTime
from krsms.validation import check_entry_count

# --- what queries share -----------------------------------------------------------------------


@attrs.frozen(kw_only=True, slots=False)
class _Paging:
    """The page selection of a paged list: ``pageNum`` and ``pageSize``, in every list's table.

    The client checks both before any request (:class:`~krsms.errors.ValidationError`). Without
    slots, so that a query can add it to a filter base: two slotted bases cannot be combined.
    """

    page_num: int | None = None
    """The page to read, from 1 (NHN's default: 1)."""
    page_size: int | None = None
    """Items per page, 1 to 1,000 (NHN's default: 15)."""


@attrs.frozen(kw_only=True)
class _SendWindows:
    """What selects sends in a look-up: a request id, or a send or registration date window.

    The look-ups whose tables require one check the query when it is made
    (:func:`~krsms.nhn.checks.check_look_up`).
    """

    request_id: str | None = attrs.field(default=None, validator=attrs.validators.optional(not_blank))
    """The send to look up; None, not blank, for none (checked when made): NHN reads a blank
    one as none, so the reservation list (N34) would answer every reservation of the appKey,
    and a blank id beside no window selected nothing it could name (-2011)."""
    start_request_date: datetime | None = None
    """From this send date (a reservation's is its reserved moment)."""
    end_request_date: datetime | None = None
    """Up to this send date."""
    start_create_date: datetime | None = None
    """From the moment NHN registered the send."""
    end_create_date: datetime | None = None
    """Up to the moment NHN registered the send."""


@attrs.frozen(kw_only=True)
class _SentMessageFilter(_SendWindows):
    """What selects sent messages in the send lists (N2, N5, N8) and the CSV export (N37):
    the send windows, the reception window and the messages' own fields, each at most as long
    as both tables allow (checked when made): ``request_id`` 25 characters (checked by the
    subclasses), ``send_no`` 13, ``recipient_no`` 20, ``template_id`` 50, the grouping keys
    100; ``msg_status``, ``result_code`` and ``sub_result_code`` one of the values their tables
    list (checked when made: NHN finds nothing for another)."""

    start_result_date: datetime | None = None
    """From this reception date."""
    end_result_date: datetime | None = None
    """Up to this reception date."""
    send_no: str | None = attrs.field(default=None, validator=at_most(MAX_SEND_NO_CHARS))
    recipient_no: str | None = attrs.field(default=None, validator=at_most(MAX_RECIPIENT_NO_CHARS))
    template_id: str | None = attrs.field(default=None, validator=at_most(MAX_TEMPLATE_ID_CHARS))
    msg_status: str | None = attrs.field(default=None, validator=one_of(MSG_STATUSES))
    """``0`` failed, ``1`` requested, ``2`` processing, ``3`` succeeded, ``4`` reservation
    cancelled, ``5`` duplicate, ``6`` failed (advertising limit)."""
    result_code: str | None = attrs.field(default=None, validator=one_of(LOOK_UP_RESULT_CODES))
    """``MTR1`` success or ``MTR2`` failure (the look-up codes, not the result codes answers
    carry)."""
    sub_result_code: str | None = attrs.field(default=None, validator=one_of(LOOK_UP_SUB_RESULT_CODES))
    """``MTR2_1`` validation failed, ``MTR2_2`` carrier problem, ``MTR2_3`` handset problem."""
    sender_grouping_key: str | None = attrs.field(default=None, validator=at_most(MAX_SENDER_GROUPING_KEY_CHARS))
    recipient_grouping_key: str | None = attrs.field(default=None, validator=at_most(MAX_RECIPIENT_GROUPING_KEY_CHARS))


# --- sends (N1, N4, N7, N10, N11) -------------------------------------------------------------


@attrs.frozen(kw_only=True)
class SendRecipient:
    """One entry of ``recipientList``: a number (or an international number) and its parameters.

    ``recipient_no`` may be combined with ``country_code`` (default 82); with only
    ``international_recipient_no`` (country code included, ``821012345678``) NHN uses that one.
    ``template_parameter`` fills ``##key##`` placeholders of the template.
    """

    recipient_no: str | None = None
    country_code: str | None = None
    international_recipient_no: str | None = None
    template_parameter: dict[str, str] | None = None
    recipient_grouping_key: str | None = None
    """Your own key for this recipient, given back in answers and look-ups (which can search by
    it)."""

    def __attrs_post_init__(self) -> None:
        if self.recipient_no is None and self.international_recipient_no is None:
            raise ValidationError(
                "recipient_no", "is required unless international_recipient_no is given", limit="a recipient number"
            )


@attrs.frozen(kw_only=True)
class SendRequest:
    """The body of a send: SMS, LMS/MMS, authentication SMS and advertising sends.

    ``title`` and ``attach_file_id_list`` (file ids from
    :meth:`~krsms.nhn.client.NhnClient.upload_attachment`) belong to LMS/MMS.
    ``request_date`` reserves the send (to the minute, at most 60 days ahead). ``send_no``,
    ``body`` and ``title`` may be left out when ``template_id`` supplies them. Checked, against
    the table of the endpoint it goes to, by the send methods
    (:func:`~krsms.nhn.checks.check_send`), not when made.
    """

    recipient_list: tuple[SendRecipient, ...]
    """The recipients, 1 to 1,000."""
    send_no: str | None = None
    """A registered sender number, at most 13 characters."""
    body: str | None = None
    title: str | None = None
    template_id: str | None = None
    request_date: MinuteTime | None = None
    sender_grouping_key: str | None = None
    """Your own key for the whole send, given back in answers and look-ups (which can search by
    it); the gateway sends a fresh one per batch."""
    user_id: str | None = None
    """A free label of who sent it (the document's examples: ``admin``, ``system``), at most 100
    characters."""
    attach_file_id_list: tuple[int, ...] | None = None


@attrs.frozen(kw_only=True)
class SendResultItem:
    """The outcome of one recipient of a send (``sendResultList[]``)."""

    recipient_no: str
    result_code: int
    """``0`` when NHN took the recipient, else the code it was refused with."""
    result_message: str | None = None
    recipient_seq: int | None = None
    """The recipient's sequence number (1, 2, ... in request order), the ``mtPr`` of later
    look-ups and cancellations. Neither it nor ``result_message`` is needed to settle an
    outcome, so an answer without them still parses."""
    recipient_grouping_key: str | None = None
    """As sent in :attr:`SendRecipient.recipient_grouping_key`."""


@attrs.frozen(kw_only=True)
class SendResult:
    """The answer of a send: the request id and one result per recipient.

    ``status_code`` is ``"1"`` requesting, ``"2"`` requested, ``"3"`` request failed.
    """

    request_id: str
    status_code: str
    send_result_list: tuple[SendResultItem, ...]
    sender_grouping_key: str | None = None
    """As sent in :attr:`SendRequest.sender_grouping_key`."""


# --- send look-ups (N2, N3, N5, N6, N8, N9) ---------------------------------------------------


@attrs.frozen(kw_only=True)
class SendQuery(_Paging, _SentMessageFilter):
    """The query of the send lists (N2, N5, N8): ``request_id`` or one of the date ranges.

    Checked when made (:class:`~krsms.errors.ValidationError`, nothing sent): a ``request_id``
    or a complete send or registration date window is required, a window needs both ends,
    no window may end before it starts, and the send and registration windows span at most
    one month (:data:`~krsms.nhn.checks.MAX_LOOKUP_SPAN`); the filters are at most as long as
    the table allows, or one of the values it lists (:class:`_SentMessageFilter`).
    """

    def __attrs_post_init__(self) -> None:
        check_at_most("request_id", self.request_id, MAX_REQUEST_ID_CHARS)
        check_look_up(self, selecting=(REQUEST_WINDOW, CREATE_WINDOW), also=())


@attrs.frozen(kw_only=True)
class DetailQuery:
    """The query of a one-recipient look-up (N3, N6, N9): the recipient sequence ``mtPr``."""

    mt_pr: int


@attrs.frozen(kw_only=True)
class AttachedFile:
    """An attached file as NHN describes it in send, template and reservation answers.

    Each answer fills a different subset of these fields, so all of them are optional.
    """

    file_id: int | None = None
    service_id: int | None = None
    """NHN's internal service id (documented as unused)."""
    attach_type: int | None = None
    """How the file was uploaded: ``0`` temporary, ``1`` upload, ``2`` template."""
    template_id: str | None = None
    file_path: str | None = None
    """Where NHN stores the file (internal use)."""
    file_name: str | None = None
    save_file_name: str | None = None
    """The name NHN stored the file under."""
    file_size: int | None = None
    file_sequence: int | None = None
    """The file's number among the message's files (N17)."""
    create_date: datetime | None = None
    create_user: str | None = None
    update_date: datetime | None = None
    update_user: str | None = None
    upload_type: str | None = None
    """How the file was uploaded (``TEMPORARY`` in the document's examples)."""
    exist_file_name: str | None = None
    """The stored file's name too, as the document describes it."""


@attrs.frozen(kw_only=True)
class SentMessage:
    """One recipient of a send as the look-ups answer it (N2, N3, N5, N6, N8, N9).

    ``mt_pr`` is NHN's name for the recipient sequence (also :attr:`recipient_seq`);
    ``send_type`` is ``"0"`` SMS, ``"1"`` LMS/MMS, ``"2"`` authentication.
    """

    request_id: str
    mt_pr: int
    recipient_no: str
    request_date: datetime | None = None
    """When it was sent (a reservation's: its reserved moment)."""
    result_date: datetime | None = None
    """When the handset result came; None until then."""
    template_id: str | None = None
    template_name: str | None = None
    category_id: int | None = None
    category_name: str | None = None
    title: str | None = None
    body: str | None = None
    send_no: str | None = None
    country_code: str | None = None
    msg_status: str | None = None
    """``0`` failed, ``1`` requested, ``2`` processing, ``3`` succeeded, ``4`` reservation
    cancelled, ``5`` duplicate, ``6`` failed (advertising limit)."""
    msg_status_name: str | None = None
    """``msg_status`` in words."""
    result_code: str | None = None
    """The reception result code: ``1000`` for success, else a failure code of NHN's table."""
    result_code_name: str | None = None
    """``result_code`` in words."""
    result_message: str | None = None
    telecom_code: int | None = None
    """The mobile carrier's code (``10001`` in the document's example)."""
    telecom_code_name: str | None = None
    """The mobile carrier's name (e.g. ``SKT``)."""
    send_type: str | None = None
    user_id: str | None = None
    """The ``user_id`` the send carried."""
    ad_yn: bool | None = None
    attach_file_list: tuple[AttachedFile, ...] | None = None
    sender_grouping_key: str | None = None
    recipient_grouping_key: str | None = None

    @property
    def recipient_seq(self) -> int:
        """The recipient sequence (``mtPr``), as the send answer's ``recipientSeq`` calls it."""
        return self.mt_pr


# --- result updates (N12) ---------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class MessageResultQuery(_Paging):
    """The query of result updates (N12): the update-time window, optionally one message type.

    A window that ends before it starts raises :class:`~krsms.errors.ValidationError`.
    """

    start_update_date: datetime
    end_update_date: datetime
    message_type: str | None = attrs.field(default=None, validator=one_of(MESSAGE_TYPES))
    """``SMS``, ``LMS``, ``MMS`` or ``AUTH`` (checked when made)."""

    def __attrs_post_init__(self) -> None:
        check_order(("start_update_date", "end_update_date"), self.start_update_date, self.end_update_date)


@attrs.frozen(kw_only=True)
class MessageResult:
    """A delivery result that changed in the queried window (N12)."""

    request_id: str
    recipient_seq: int
    message_type: str | None = None
    """``SMS``, ``LMS``, ``MMS`` or ``AUTH``."""
    result_code: str | None = None
    """The reception result code: ``1000`` for success, else a failure code of NHN's table."""
    result_code_name: str | None = None
    """``result_code`` in words."""
    request_date: datetime | None = None
    """When the send was requested."""
    result_date: datetime | None = None
    """When the handset result came."""
    update_date: datetime | None = None
    """When the result was last updated: what the query's window selects on."""
    telecom_code: str | None = None
    """The mobile carrier's code."""
    telecom_code_name: str | None = None
    """The mobile carrier's name (e.g. ``KT``)."""
    sender_grouping_key: str | None = None
    recipient_grouping_key: str | None = None


# --- tag sends (N13-N17) ----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class TagSendRequest:
    """A send to every UID matching a tag expression (N13 SMS, N14 LMS/MMS with ``title``).

    ``tag_expression`` is e.g. ``("tag1", "AND", "tag2")``; ``auto_send_yn`` defaults to
    Y at NHN (send at once), ``ad_yn`` to N. Checked by the tag send methods
    (:func:`~krsms.nhn.checks.check_tag_send`), not when made.
    """

    body: str
    send_no: str
    tag_expression: tuple[str, ...]
    title: str | None = None
    request_date: MinuteTime | None = None
    """Reserve the send for this minute (at most 60 days ahead)."""
    template_id: str | None = None
    template_parameter: dict[str, str] | None = None
    """Values for the template's ``##key##`` placeholders, the same for every recipient."""
    attach_file_id_list: tuple[int, ...] | None = None
    user_id: str | None = None
    """The requesting user's id, at most 100 characters."""
    ad_yn: bool | None = None
    auto_send_yn: bool | None = None


@attrs.frozen(kw_only=True)
class TagSendResult:
    """The answer of a tag send: its request id."""

    request_id: str


@attrs.frozen(kw_only=True)
class TagSendQuery(_Paging, _SendWindows):
    """The query of the tag send list (N15).

    Checked like :class:`SendQuery`: a ``request_id`` or a complete send or registration date
    window of at most one month, the end not before the start.
    """

    send_type: str = attrs.field(validator=one_of(TAG_SEND_TYPES))
    """``"0"`` SMS or ``"1"`` MMS (checked when made)."""
    status_code: str | None = attrs.field(default=None, validator=one_of(TAG_SEND_STATUS_CODES))
    """``MAS00`` wait, ``MAS01`` ready, ``MAS09`` send ready, ``MAS10`` send wait, ``MAS11``
    sending, ``MAS19`` complete, ``MAS91`` cancel or ``MAS99`` fail (checked when made)."""

    def __attrs_post_init__(self) -> None:
        check_look_up(self, selecting=(REQUEST_WINDOW, CREATE_WINDOW), also=())


@attrs.frozen(kw_only=True)
class TagSend:
    """One tag send of the list (N15)."""

    request_id: str
    request_ip: str | None = None
    request_date: datetime | None = None
    send_type: str | None = None
    """``"0"`` SMS or ``"1"`` MMS."""
    send_no: str | None = None
    master_status_code: str | None = None
    """The send's status by name (``READY`` in the document's example), as :class:`TagSendQuery`
    names its ``MAS`` codes."""
    tag_send_status: str | None = None
    tag_expression: tuple[str, ...] | None = None
    template_id: str | None = None
    template_name: str | None = None
    sender_name: str | None = None
    sender_mail: str | None = None
    """The sender's address."""
    title: str | None = None
    body: str | None = None
    ad_yn: bool | None = None
    auto_send_yn: bool | None = None
    """Whether it was sent at once on request (automatic send) rather than held."""
    send_error_count: int | None = None
    """Recipients that had an error."""
    create_user: str | None = None
    create_date: datetime | None = None
    update_user: str | None = None
    update_date: datetime | None = None


@attrs.frozen(kw_only=True)
class TagRecipientQuery(_Paging):
    """The query of a tag send's recipients (N16): the request window is required; it and the
    reception window may not end before they start (checked when made).

    ``msg_status_name``: ``READY``, ``SENDING``, ``COMPLETED`` or ``FAILED`` (checked when made).
    The other filters are at most as long as the table allows (checked when made):
    ``recipient_num`` 20 characters, ``result_code`` 10.
    """

    start_request_date: datetime
    end_request_date: datetime
    recipient_num: str | None = attrs.field(default=None, validator=at_most(MAX_RECIPIENT_NO_CHARS))
    start_result_date: datetime | None = None
    end_result_date: datetime | None = None
    msg_status_name: str | None = attrs.field(default=None, validator=one_of(TAG_RECIPIENT_STATUSES))
    result_code: str | None = attrs.field(default=None, validator=at_most(MAX_CODE_CHARS))

    def __attrs_post_init__(self) -> None:
        check_order(REQUEST_WINDOW, self.start_request_date, self.end_request_date)
        check_order(RESULT_WINDOW, self.start_result_date, self.end_result_date)


@attrs.frozen(kw_only=True)
class TagRecipient:
    """One recipient of a tag send (N16)."""

    request_id: str
    recipient_seq: int
    country_code: str | None = None
    recipient_no: str | None = None
    request_date: datetime | None = None
    msg_status: str | None = None
    msg_status_name: str | None = None
    result_code: str | None = None
    """The reception result code: ``1000`` for success, else a failure code of NHN's table."""
    receive_date: datetime | None = None
    """When the handset result came; None until then."""
    create_date: datetime | None = None
    update_date: datetime | None = None


@attrs.frozen(kw_only=True)
class TagRecipientDetail:
    """One recipient of a tag send with its message (N17)."""

    request_id: str
    recipient_seq: int
    send_type: str | None = None
    message_type: str | None = None
    template_id: str | None = None
    template_name: str | None = None
    send_no: str | None = None
    recipient_num: str | None = None
    country_code: str | None = None
    title: str | None = None
    body: str | None = None
    request_date: datetime | None = None
    msg_status: str | None = None
    msg_status_name: str | None = None
    result_code: str | None = None
    """The reception result code: ``1000`` for success, else a failure code of NHN's table."""
    receive_date: datetime | None = None
    """When the handset result came; None until then."""
    attach_file_list: tuple[AttachedFile, ...] | None = None


# --- attachments (N18) ------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class AttachmentUpload:
    """The body of an image upload (N18); ``file_body`` is the Base64 of the JPEG."""

    file_name: str
    """Ends in ``.jpg`` or ``.jpeg``; at most 45 characters (checked with the file's bytes by
    :meth:`~krsms.nhn.client.NhnClient.upload_attachment`, not when made)."""
    create_user: str = attrs.field(validator=[not_blank, at_most(MAX_USER_ID_CHARS)])
    """Who uploads it: required, at most 100 characters (checked when made)."""
    file_body: str


@attrs.frozen(kw_only=True)
class UploadedAttachment:
    """An uploaded image: pass ``file_id`` in ``attach_file_id_list`` of an MMS."""

    file_id: int
    file_name: str
    file_path: str | None = None
    """The file's base path: it is served at
    ``https://<domain>/attachFile/<file_path>/<file_name>``."""


# --- categories (N19-N23) ---------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _CategoryFields:
    """What a new (N19) or changed (N22) template category says."""

    category_name: str = attrs.field(validator=[not_blank, at_most(MAX_CATEGORY_NAME_CHARS)])
    """Required (NHN answers -2200/-2201 without one), at most 50 characters."""
    use_yn: bool
    category_desc: str | None = attrs.field(default=None, validator=at_most(MAX_DESCRIPTION_CHARS))


@attrs.frozen(kw_only=True)
class CategoryCreate(_CategoryFields):
    """The body of a new template category (N19); no parent means a top-level category.

    The documented maximum lengths (name 50, description and user 100 characters) and a name
    that is not blank are checked when it is made.
    """

    category_parent_id: int | None = None
    create_user: str | None = attrs.field(default=None, validator=at_most(MAX_USER_ID_CHARS))


@attrs.frozen(kw_only=True)
class CategoryUpdate(_CategoryFields):
    """The body of a category change (N22), checked like :class:`CategoryCreate`."""

    update_user: str | None = attrs.field(default=None, validator=at_most(MAX_USER_ID_CHARS))


@attrs.frozen(kw_only=True)
class Category:
    """A template category (N19-N21)."""

    category_id: int
    category_parent_id: int | None = None
    depth: int | None = None
    """How deep in the category tree the category sits."""
    sort: int | None = None
    """The category's place in NHN's sort order."""
    category_name: str | None = None
    category_desc: str | None = None
    use_yn: bool | None = None
    create_date: datetime | None = None
    create_user: str | None = None
    update_date: datetime | None = None
    update_user: str | None = None


@attrs.frozen(kw_only=True)
class PageQuery(_Paging):
    """Page selection alone, for lists without filters (categories N20, tags N40)."""


# --- templates (N24-N28) ----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _TemplateFields:
    """What a new (N24) or changed (N27) template says, and the limits on its text."""

    template_name: str = attrs.field(validator=[not_blank, at_most(MAX_TEMPLATE_NAME_CHARS)])
    send_no: str = attrs.field(validator=[not_blank, at_most(MAX_SEND_NO_CHARS)])
    send_type: str = attrs.field(validator=one_of(TAG_SEND_TYPES))
    """``"0"`` SMS or ``"1"`` LMS/MMS (checked when made)."""
    body: str = attrs.field(validator=not_blank)
    """The text, with ``##key##`` placeholders that each recipient's ``template_parameter``
    fills."""
    use_yn: bool
    template_desc: str | None = attrs.field(default=None, validator=at_most(MAX_DESCRIPTION_CHARS))
    title: str | None = None
    """Required by NHN for LMS/MMS templates."""
    attach_file_id_list: tuple[int, ...] | None = None

    def __attrs_post_init__(self) -> None:
        check_template_text(self.send_type, self.title, self.body)


@attrs.frozen(kw_only=True)
class TemplateCreate(_TemplateFields):
    """The body of a new template (N24); ``send_type`` is ``"0"`` SMS or ``"1"`` LMS/MMS.

    The documented limits are checked when it is made: ``template_id`` and ``template_name``
    50 characters, ``template_desc`` 100, ``send_no`` 13, ``title`` 120 and required for
    LMS/MMS, ``body`` 255 for SMS and 4,000 for LMS/MMS; the required ``template_id``,
    ``template_name``, ``send_no``, ``body`` and LMS/MMS ``title`` not blank (NHN's -2100,
    -2102, -2103, -2105, -2114).
    """

    category_id: int
    template_id: str = attrs.field(validator=[not_blank, at_most(MAX_TEMPLATE_ID_CHARS)])
    """Your id for the template, at most 50 characters; sends name it in ``template_id``."""


@attrs.frozen(kw_only=True)
class TemplateUpdate(_TemplateFields):
    """The body of a template change (N27), checked like :class:`TemplateCreate`."""


@attrs.frozen(kw_only=True)
class TemplateQuery(_Paging):
    """The query of the template list (N25)."""

    category_id: int | None = None
    use_yn: bool | None = None


@attrs.frozen(kw_only=True)
class Template:
    """A message template (N25, N26)."""

    template_id: str
    service_id: int | None = None
    """NHN's internal service id (documented as unused)."""
    category_id: int | None = None
    category_name: str | None = None
    sort: int | None = None
    """The template's place in NHN's sort order."""
    template_name: str | None = None
    template_desc: str | None = None
    use_yn: bool | None = None
    priority: str | None = None
    """Documented by NHN as an unused priority value."""
    send_no: str | None = None
    send_type: str | None = None
    """``"0"`` SMS, ``"1"`` LMS/MMS, ``"2"`` authentication."""
    send_type_name: str | None = None
    """``send_type`` in words."""
    title: str | None = None
    body: str | None = None
    attach_file_yn: bool | None = None
    """Whether the template has attached files."""
    del_yn: bool | None = None
    """Whether the template is deleted (the document: only to show its current state)."""
    create_date: datetime | None = None
    create_user: str | None = None
    update_date: datetime | None = None
    update_user: str | None = None
    attach_file_list: tuple[AttachedFile, ...] | None = None


# --- 080 opt-outs (N29-N31) -------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class BlockedRecipientsAdd:
    """The body of an opt-out registration (N29) under one 080 number (required: not blank,
    at most 25 characters), checked when made: ``recipient_no_list`` is a list, not one
    text, of numbers not blank."""

    unsubscribe_no: str = attrs.field(validator=[not_blank, at_most(MAX_UNSUBSCRIBE_NO_CHARS)])
    recipient_no_list: tuple[str, ...] = attrs.field(validator=[texts(number=True), each_not_blank])
    """The numbers to add, 1 to 10 per call."""

    @recipient_no_list.validator
    def _one_to_ten(self, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
        check_entry_count(attribute.name, len(value), MAX_BLOCKED_PER_CALL, what="numbers", provider="NHN")


@attrs.frozen(kw_only=True)
class BlockedRecipientQuery(_Paging):
    """The query of the opt-out list (N30)."""

    unsubscribe_no: str = attrs.field(validator=[not_blank, at_most(MAX_UNSUBSCRIBE_NO_CHARS)])
    """The 080 number whose opt-outs to list (required: not blank), at most 25 characters."""
    recipient_no: str | None = attrs.field(default=None, validator=at_most(MAX_BLOCKED_RECIPIENT_NO_CHARS))
    """The opted-out number to find, at most 25 characters (checked when made)."""
    start_request_date: datetime | None = None
    """From this opt-out moment; the window may not end before it starts (checked when made)."""
    end_request_date: datetime | None = None

    def __attrs_post_init__(self) -> None:
        check_order(REQUEST_WINDOW, self.start_request_date, self.end_request_date)


@attrs.frozen(kw_only=True)
class BlockedRecipient:
    """A number that opted out through an 080 number (N30)."""

    unsubscribe_no: str
    recipient_no: str
    request_date: datetime | None = None
    """When the number opted out."""


@attrs.frozen(kw_only=True)
class BlockedRecipientsRemoval:
    """The query of an opt-out removal (N31); ``recipient_no_list`` goes out comma-joined.

    Checked when made: the removal's table allows ``unsubscribe_no`` 20 characters (the
    registration's 25) and requires it (not blank), ``update_user`` 100 and not blank, and at
    least one number, each not blank and at most 20, in a list (not one text).
    """

    unsubscribe_no: str = attrs.field(validator=[not_blank, at_most(MAX_REMOVAL_UNSUBSCRIBE_NO_CHARS)])
    update_user: str = attrs.field(validator=[not_blank, at_most(MAX_USER_ID_CHARS)])
    """Who removes them (NHN requires it: not blank), at most 100 characters."""
    recipient_no_list: tuple[str, ...] = attrs.field(
        validator=[texts(number=True), not_empty, each_not_blank, each_at_most(MAX_RECIPIENT_NO_CHARS)]
    )


# --- sender numbers (N32) ---------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class SenderNumberQuery(_Paging):
    """The query of the registered sender numbers (N32)."""

    send_no: str | None = None
    use_yn: bool | None = None
    block_yn: bool | None = None


@attrs.frozen(kw_only=True)
class SenderNumber:
    """A registered sender number (N32). The answer's ``appKey`` is deliberately not kept."""

    send_no: str
    service_id: int | None = None
    use_yn: bool | None = None
    block_yn: bool | None = None
    block_reason: str | None = None
    """Why the number is blocked."""
    create_date: datetime | None = None
    create_user: str | None = None
    update_date: datetime | None = None
    update_user: str | None = None


# --- statistics (N33) -------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class StatisticsQuery:
    """The query of the statistics view (N33); ``from_``/``to`` are taken to the minute.

    ``search_type``: ``DATE``, ``TIME`` or ``DAY``; ``message_types``: ``SMS``, ``LMS``,
    ``MMS`` or ``AUTH``; ``content_types``: ``NORMAL`` or ``AD`` (either several
    comma-separated). Checked when made: those values, ``to`` not before ``from_`` (NHN
    answers -2700, -2701 otherwise) and ``template_id`` (50 characters).
    """

    search_type: str = attrs.field(validator=one_of(SEARCH_TYPES))
    from_: MinuteTime
    to: MinuteTime
    message_types: str | None = attrs.field(default=None, validator=each_one_of(MESSAGE_TYPES))
    content_types: str | None = attrs.field(default=None, validator=each_one_of(CONTENT_TYPES))
    template_id: str | None = attrs.field(default=None, validator=at_most(MAX_TEMPLATE_ID_CHARS))

    def __attrs_post_init__(self) -> None:
        check_times(("from_", "to"), self.from_, self.to, written="%Y-%m-%d %H:%M")
        # As sent, to the minute: ends within one minute are the same moment to NHN.
        check_order(("from_", "to"), _to_the_minute(self.from_), _to_the_minute(self.to))


@attrs.frozen(kw_only=True)
class StatisticsCounts:
    """The counts of one statistics row; rates are NHN's strings such as ``"100.00"``."""

    requested_count: int
    succeed_count: int
    failed_count: int
    pending_count: int
    """Messages still being sent."""
    succeed_rate: str | None = None
    failed_rate: str | None = None
    pending_rate: str | None = None


@attrs.frozen(kw_only=True)
class Statistics:
    """One row of the statistics view: a date, hour or weekday and its counts."""

    division_name: str
    """The row's date, hour or weekday, as NHN writes it."""
    statistics_view: StatisticsCounts


# --- reservations (N34-N36) -------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ReservationQuery(_Paging, _SendWindows):
    """The query of the reservation list (N34): a reservation's send date is its reserved
    moment.

    Checked when made against the table: ``send_type`` one of its values, ``request_id`` at
    most 25 characters, ``send_no`` 13, ``recipient_no`` 20, ``template_id`` 50,
    ``message_status`` one of its values; neither window may end before it starts (it would
    select nothing).
    """

    send_type: str | None = attrs.field(default=None, validator=one_of(SEND_TYPES))
    """``"0"`` SMS, ``"1"`` LMS/MMS, ``"2"`` authentication."""
    send_no: str | None = attrs.field(default=None, validator=at_most(MAX_SEND_NO_CHARS))
    recipient_no: str | None = attrs.field(default=None, validator=at_most(MAX_RECIPIENT_NO_CHARS))
    template_id: str | None = attrs.field(default=None, validator=at_most(MAX_TEMPLATE_ID_CHARS))
    message_status: str | None = attrs.field(default=None, validator=one_of(RESERVATION_STATUSES))
    """``RESERVED``, ``SENDING``, ``COMPLETED``, ``FAILED``, ``CANCEL``, ``DUPLICATED`` or
    ``FAILED_AD``."""

    def __attrs_post_init__(self) -> None:
        check_at_most("request_id", self.request_id, MAX_REQUEST_ID_CHARS)
        check_order(REQUEST_WINDOW, self.start_request_date, self.end_request_date)
        check_order(CREATE_WINDOW, self.start_create_date, self.end_create_date)


@attrs.frozen(kw_only=True)
class Reservation:
    """One reserved recipient (N34, N35); ``template_parameter`` is NHN's JSON string."""

    request_id: str
    recipient_seq: int
    """The recipient's sequence (``mtPr``); with ``request_id`` it names the reservation to
    cancel."""
    request_date: datetime | None = None
    """The reserved moment."""
    send_no: str | None = None
    recipient_no: str | None = None
    country_code: str | None = None
    send_type: str | None = None
    """``"0"`` SMS, ``"1"`` LMS/MMS, ``"2"`` authentication."""
    message_type: str | None = None
    """``SMS``, ``LMS``, ``MMS`` or ``AUTH``."""
    ad_yn: bool | None = None
    template_id: str | None = None
    template_parameter: str | None = None
    template_name: str | None = None
    title: str | None = None
    body: str | None = None
    message_status: str | None = None
    """``RESERVED`` while waiting; :class:`ReservationQuery` lists the others."""
    create_user: str | None = None
    create_date: datetime | None = None
    """When NHN registered the reservation."""
    update_date: datetime | None = None
    attach_file_list: tuple[AttachedFile, ...] | None = None


@attrs.frozen(kw_only=True)
class ReservationKey:
    """One reserved recipient to cancel: the send's request id and recipient sequence."""

    request_id: str = attrs.field(validator=[not_blank, at_most(MAX_REQUEST_ID_CHARS)])
    """Required (not blank) and at most 25 characters (checked when made)."""
    recipient_seq: int


@attrs.frozen(kw_only=True)
class ReservationCancel:
    """The body of a reservation cancellation (N36): at least one reservation, checked when
    made."""

    reservation_list: tuple[ReservationKey, ...] = attrs.field(validator=not_empty)
    update_user: str = attrs.field(validator=[not_blank, at_most(MAX_USER_ID_CHARS)])
    """Who cancels (NHN requires it: not blank), at most 100 characters."""


@attrs.frozen(kw_only=True)
class ReservationCancelResult:
    """How many of the requested reservations were cancelled (N36)."""

    requested_count: int
    canceled_count: int


# --- CSV exports (N37-N39) --------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class DownloadRequest(_SentMessageFilter):
    """The body of a CSV export request (N37): ``request_id`` or the request-date range.

    Checked like :class:`SendQuery`, except that a registration date window alone does not
    select (the document's table names ``requestId`` or the send date window); ``send_type``
    must be one of its values.
    """

    send_type: str = attrs.field(validator=one_of(SEND_TYPES))
    """``"0"`` SMS, ``"1"`` LMS/MMS, ``"2"`` authentication."""
    is_include_title_and_body: bool | None = None
    """Whether the file includes each message's title and body."""

    def __attrs_post_init__(self) -> None:
        check_at_most("request_id", self.request_id, MAX_REQUEST_ID_CHARS)
        # The document's table makes requestId (condition 1) or the send date window
        # (condition 2) required; a registration date window alone selects nothing.
        check_look_up(self, selecting=(REQUEST_WINDOW,), also=(CREATE_WINDOW,))


@attrs.frozen(kw_only=True)
class DownloadQuery(_Paging):
    """The query of the export list (N38); ``download_id`` at most 25 characters and
    ``download_status_code`` one of the file states (checked when made)."""

    download_id: str | None = attrs.field(default=None, validator=at_most(MAX_REQUEST_ID_CHARS))
    download_status_code: str | None = attrs.field(default=None, validator=one_of(DOWNLOAD_STATUSES))
    """``READY``, ``MAKING``, ``COMPLETED``, ``FAILED`` or ``EXPIRED``."""


@attrs.frozen(kw_only=True)
class DownloadReservation:
    """A CSV export (N37, N38).

    ``download_status_code``: ``READY``, ``MAKING``, ``COMPLETED``, ``FAILED``, ``EXPIRED``;
    ``download_type``: ``BLOCK``, ``NORMAL``, ``MASS``, ``TAG``.
    """

    download_id: str
    download_type: str | None = None
    file_type: str | None = None
    """The file's type; NHN makes CSV files only."""
    parameter: str | None = None
    """The export request's parameters, as NHN gives them back."""
    size: int | None = None
    download_status_code: str | None = None
    result_message: str | None = None
    """Why making the file failed."""
    expired_date: datetime | None = None
    """When the file stops being downloadable."""
    create_user: str | None = None
    """Who asked for the export."""
    create_date: datetime | None = None
    """When the export was asked for."""
    update_date: datetime | None = None
    """When making the file completed or failed."""


# --- tags (N40-N43) ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class TagName:
    """The body of a tag creation or rename (N41, N42)."""

    tag_name: str = attrs.field(validator=[not_blank, at_most(MAX_TAG_NAME_CHARS)])
    """Not blank (NHN answers -7001), at most 30 characters, checked when made."""


@attrs.frozen(kw_only=True)
class CreatedTag:
    """The answer of a tag creation (N41)."""

    tag_id: str


@attrs.frozen(kw_only=True)
class Tag:
    """A tag (N40, and within UIDs)."""

    tag_id: str
    tag_name: str | None = None
    created_date: datetime | None = None
    updated_date: datetime | None = None


# --- UIDs and their phone numbers (N44-N49) ---------------------------------------------------


@attrs.frozen(kw_only=True)
class UidQuery:
    """The query of the UID list (N44); ``wheres`` such as ``("tagId1", "AND", "tagId2")``."""

    wheres: tuple[str, ...] | None = attrs.field(default=None, validator=[texts(), check_wheres])
    """The tag condition, one text an entry (the document's ``tagId1,AND,tagId2``): at most one
    pair of parentheses and three ``AND``/``OR`` operators (checked when made, as is a text
    given alone)."""
    offset_uid: str | None = None
    offset: int | None = None
    """How many UIDs to skip, from 0 (NHN's default)."""
    limit: int | None = None
    """How many UIDs to list: NHN's default 15, 1 to 1,000 (checked before any request)."""


@attrs.frozen(kw_only=True)
class Contact:
    """A contact of a UID; ``contact_type`` is ``PHONE_NUMBER``."""

    contact_type: str
    contact: str
    created_date: datetime | None = None


@attrs.frozen(kw_only=True)
class Uid:
    """A UID with its tags and contacts (N44, N45)."""

    uid: str
    tags: tuple[Tag, ...] | None = None
    contacts: tuple[Contact, ...] | None = None


@attrs.frozen(kw_only=True)
class UidPage:
    """One slice of the UID list (N44); ``last`` is True on the final slice."""

    uids: tuple[Uid, ...]
    last: bool
    total_count: int | None = None


@attrs.frozen(kw_only=True)
class NewContact:
    """A contact to register with a UID."""

    contact: str = attrs.field(validator=not_blank)
    """A mobile phone number (required, checked when made)."""
    contact_type: str = "PHONE_NUMBER"


@attrs.frozen(kw_only=True)
class UidRegistration:
    """One UID to register (N46) with its tag ids and contacts.

    Checked when made: the required ``uid`` and each tag id not blank (a blank UID could not be
    named in the paths of N45 and N47-N49 afterwards), ``tag_ids`` a list, not one text.
    """

    uid: str = attrs.field(validator=not_blank)
    tag_ids: tuple[str, ...] = attrs.field(validator=[texts(), each_not_blank])
    contacts: tuple[NewContact, ...]


@attrs.frozen(kw_only=True)
class UidRegistrations:
    """The body of a UID registration (N46): at least one UID, checked when made."""

    uids: tuple[UidRegistration, ...] = attrs.field(validator=not_empty)


@attrs.frozen(kw_only=True)
class PhoneNumber:
    """The body of a phone number added to a UID (N48)."""

    phone_number: str = attrs.field(validator=not_blank)
    """A mobile phone number (required, checked when made)."""


def _to_the_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)

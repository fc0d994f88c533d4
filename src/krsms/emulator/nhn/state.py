"""What an emulated NHN appKey remembers: each send request and each recipient of it that
was stored, uploaded files, template categories and templates, the 080 block list and
registered senders."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

import attrs

from krsms.emulator.ledger import Delivery
from krsms.emulator.numbers import rule_names

SUCCESS_CODE = "1000"
"""The ``resultCode`` of a recipient the handset received the message on."""
REQUESTED, PROCESSING, SENT, CANCELLED = "1", "2", "3", "4"
"""The ``msgStatus`` of a message waiting to go out, going out, whose send request completed
(its handset's result in ``resultCode``) and of a cancelled reservation."""
FAILED_STATUSES = frozenset({"0", "5", "6"})
"""The ``msgStatus`` of a message NHN failed: failed, duplicate failure, failed (advertising
limit)."""
SEND_STATUS_NAMES = {
    "0": "실패",
    REQUESTED: "요청",
    PROCESSING: "처리중",
    SENT: "성공",
    CANCELLED: "예약취소",
    "5": "중복실패",
    "6": "실패(광고제한)",
}
"""``msgStatus`` -> the ``msgStatusName`` the send look-ups (N2 to N9) answer: the document's
names, in Korean as NHN answers them (the N5 example's ``성공``)."""
MESSAGE_STATUS_NAMES = {
    "0": "FAILED",
    REQUESTED: "READY",
    PROCESSING: "SENDING",
    SENT: "COMPLETED",
    CANCELLED: "CANCEL",
    "5": "FAILED",
    "6": "FAILED",
}
"""``msgStatus`` -> the ``msgStatusName`` the tag send look-ups (N16, N17) and download CSVs
answer: N16's words (``READY``, ``SENDING``, ``COMPLETED``, ``FAILED``; every failure is
``FAILED``), and ``CANCEL`` for a cancelled reservation, which N16 does not name."""
RESERVATION_STATUSES = {
    "0": "FAILED",
    REQUESTED: "RESERVED",
    PROCESSING: "SENDING",
    SENT: "COMPLETED",
    CANCELLED: "CANCEL",
    "5": "DUPLICATED",
    "6": "FAILED_AD",
}
"""``msgStatus`` -> the ``messageStatus`` of the reservation look-ups (N34, N35), which name
the same states in words."""


def message_type(send_type: str, kind: str) -> str:
    """``messageType`` as look-ups and statistics read it: ``AUTH`` for an authentication send
    (``sendType`` 2), else the kind (``SMS``, ``LMS``, ``MMS``)."""
    return "AUTH" if send_type == "2" else kind


@attrs.frozen(kw_only=True)
class NhnRequest:
    """What every recipient of one accepted send request shares that statistics (N33) filter
    by: those refused at send time too, which have no :class:`NhnRecipient`."""

    message_type: str
    template_id: str | None


@attrs.define(kw_only=True)
class NhnRecipient:
    """One recipient of a stored NHN send."""

    request_id: str
    seq: int
    send_type: str
    kind: str
    title: str | None
    body: str
    sender: str
    recipient: str
    """The national number, as the look-ups answer ``recipientNo`` (the number as the request
    wrote it, an ``internationalRecipientNo`` perhaps, is the delivery's)."""
    country_code: str
    grouping_key: str | None
    recipient_grouping_key: str | None
    template_id: str | None
    advertisement: bool
    request_date: datetime
    create_date: datetime
    reserved: bool
    held: bool
    """Kept requested and undelivered, its time come or not (a tag send with ``autoSendYn`` N)."""
    file_ids: tuple[int, ...]
    delivery: Delivery
    """The ledger's record of this recipient."""
    user_id: str | None = None
    template_parameter: str | None = None
    """The recipient's ``templateParameter`` as the JSON string look-ups answer."""
    status: str = REQUESTED
    result_code: str | None = None
    result_date: datetime | None = None
    cancel_date: datetime | None = None
    """When its reservation was cancelled (N36), if it was."""

    @property
    def result_class(self) -> str | None:
        """The look-up code of the result (``MTR1`` success, ``MTR2`` failure, NHN's own
        included), once settled."""
        if self.result_code == SUCCESS_CODE:
            return "MTR1"
        return "MTR2" if self.failed else None

    @property
    def update_date(self) -> datetime:
        """When it last changed, as the look-ups' ``updateDate`` answers: its result, its cancel,
        else its creation."""
        return self.result_date or self.cancel_date or self.create_date

    @property
    def message_type(self) -> str:
        """``messageType`` as look-ups answer it (:func:`message_type`)."""
        return message_type(self.send_type, self.kind)

    @property
    def rule_names(self) -> tuple[str, ...]:
        """The numbers the configured per-number rules may name this recipient by."""
        return rule_names(self.delivery.recipient, self.country_code, self.recipient)

    @property
    def failed(self) -> bool:
        """Whether the message failed: NHN failed it (:data:`FAILED_STATUSES`), or the send
        went out (``msgStatus`` 3) and the handset's receipt code is not success."""
        return self.status in FAILED_STATUSES or (self.status == SENT and self.result_code != SUCCESS_CODE)

    def settle(self, moment: datetime, *, failure: str | None, status: str | None) -> None:
        """Send the message at ``moment`` (its acceptance, or the minute it was reserved for).
        With no ``status`` (a ``nhn_message_statuses`` rule) it goes to the carrier, with the
        handset's result: ``failure`` (a receipt code such as 3015) or success (1000); as the
        document's examples show (N5, N16, N17), ``msgStatus`` is then 3 either way, the send
        request having completed, the result in ``resultCode``. A failure ``status`` (0, 5, 6)
        ends it then, without a carrier's receipt code; 1 and 2 keep it waiting, without a
        result."""
        if status is None:
            self.status, self.result_code, self.result_date = SENT, failure or SUCCESS_CODE, moment
        elif status in FAILED_STATUSES:
            self.status, self.result_date = status, moment
        else:
            self.status = status


@attrs.define(kw_only=True)
class NhnFile:
    """An uploaded MMS image (N18)."""

    file_id: int
    name: str
    path: str
    save_name: str
    """The name NHN stores the file under (``saveFileName``/``existFileName``)."""
    size: int
    """Bytes."""
    create_user: str | None
    created: datetime


@attrs.define(kw_only=True)
class NhnCategory:
    """A template category (N19)."""

    category_id: int
    parent_id: int
    depth: int
    name: str
    description: str | None
    use: str
    create_user: str | None
    created: datetime
    update_user: str | None = None
    updated: datetime | None = None


@attrs.define(kw_only=True)
class NhnTemplate:
    """A stored message template (N24)."""

    template_id: str
    category_id: int
    name: str
    description: str | None
    send_no: str
    send_type: str
    """``"0"`` SMS, ``"1"`` LMS/MMS."""
    title: str | None
    body: str
    use: str
    file_ids: list[int]
    created: datetime
    updated: datetime


@attrs.define
class NhnState:
    """Everything the NHN emulator remembers."""

    recipients: list[NhnRecipient] = attrs.field(factory=list)
    by_request: dict[str, list[NhnRecipient]] = attrs.field(factory=dict)
    requests: dict[str, NhnRequest] = attrs.field(factory=dict)
    """Request ID -> every accepted send request, recorded before its ledger deliveries."""
    files: dict[int, NhnFile] = attrs.field(factory=dict)
    categories: dict[int, NhnCategory] = attrs.field(factory=dict)
    templates: dict[str, NhnTemplate] = attrs.field(factory=dict)
    blocked: dict[tuple[str, str], datetime] = attrs.field(factory=dict)
    """(080 number without separators, recipient number) -> when it was added (N29)."""
    senders: dict[str, datetime] = attrs.field(factory=dict)
    """Sender number -> when N32 says it was registered: the demo senders, then each sender
    an accepted send used, in that order (N32 lists those registered)."""
    lock: threading.Lock = attrs.field(factory=threading.Lock)

    def forget_sends(self) -> None:
        """Drop every stored send (look-ups, reservations); files, templates and the rest stay."""
        with self.lock:
            self.recipients.clear()
            self.by_request.clear()
            self.requests.clear()

    def template_names(self, template_id: str | None) -> dict[str, Any]:
        """``templateName``, ``categoryId`` and ``categoryName`` of a stored template (or nulls)."""
        template = self.templates.get(template_id or "")
        category = self.categories.get(template.category_id) if template else None
        return {
            "templateName": template.name if template else None,
            "categoryId": template.category_id if template else None,
            "categoryName": category.name if category else None,
        }

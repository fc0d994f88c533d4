"""What an emulated SENS service remembers: each accepted send request and its messages
(one a recipient), uploaded files and the 080 unsubscribes."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import attrs

from krsms.emulator.ledger import Delivery
from krsms.emulator.numbers import rule_names
from krsms.emulator.sens.text import BYTE_LIMITS, SUBJECT_BYTES, cut

FILE_KEPT = timedelta(days=6)
"""How long an uploaded file is kept (S2)."""
DEFAULT_RESERVE_TIME_ZONE = "Asia/Seoul"
"""The ``reserveTimeZone`` of a reservation whose send names none."""
RESERVE_TIME_FORMAT = "%Y-%m-%d %H:%M"
"""How ``reserveTime`` is written, in a send (S1) and in S5's answer."""


@attrs.define(kw_only=True)
class SensMessage:
    """One recipient of a stored send request."""

    message_id: str
    request_id: str
    type: str
    content_type: str
    country_code: str
    sender: str
    to: str
    subject: str | None
    """As requested; :meth:`sent_subject` is what goes out."""
    content: str
    """As requested (what S4 shows); :meth:`sent_content` is what goes out."""
    file_ids: list[str]
    schedule_code: str | None
    request_time: datetime
    status: str = "READY"
    """READY until it goes out, then COMPLETED (READY or PROCESSING for good when a
    ``sens_message_statuses`` rule names its number)."""
    cancelled: bool = False
    """Cancelled with S6 or S7: never sent, and still READY to S3/S4."""
    status_code: str | None = None
    status_name: str | None = None
    status_message: str | None = None
    complete_time: datetime | None = None
    delivery: Delivery | None = None
    """The ledger's record of this recipient, once recorded."""

    @property
    def rule_names(self) -> tuple[str, ...]:
        """The numbers the per-number rules may name the recipient by
        (:func:`~krsms.emulator.numbers.rule_names`): its ``to`` as sent, and in its
        international form."""
        return rule_names(self.to, self.country_code, self.to)

    def sent_subject(self) -> str | None:
        """The subject as sent: cut to its EUC-KR byte limit; none on an SMS (the document
        gives subjects to LMS and MMS only)."""
        return None if self.type == "SMS" else cut(self.subject, SUBJECT_BYTES)

    def sent_content(self) -> str:
        """The content as sent: cut to the EUC-KR byte limit of the message's type."""
        return cut(self.content, BYTE_LIMITS[self.type]) or ""


@attrs.define(kw_only=True)
class SensRequest:
    """One accepted send request."""

    request_id: str
    request_time: datetime
    messages: list[SensMessage]
    reserve_time: datetime | None = None
    reserve_time_zone: str | None = None
    reserve_status: str | None = None
    """A reservation's ``reserveStatus`` (S5); None for another send."""
    failure_code: str | None = None
    """The ``statusCode`` the request failed with at the messaging server
    (``Faults.sens_failed_request_rate``, or a reservation's FAIL or STALE): its messages
    never went out."""


@attrs.define(kw_only=True)
class SensFile:
    """An uploaded MMS image (S2, or a send's inline file), kept :data:`FILE_KEPT`."""

    file_id: str
    name: str
    size: int
    """Bytes."""
    created: datetime

    @property
    def expires(self) -> datetime:
        """When the file stops being kept."""
        return self.created + FILE_KEPT

    def expired(self, moment: datetime) -> bool:
        """Whether the file is past its six days at ``moment``."""
        return moment >= self.expires


@attrs.define
class SensState:
    """Everything the SENS emulator remembers."""

    requests: dict[str, SensRequest] = attrs.field(factory=dict)
    messages: dict[str, SensMessage] = attrs.field(factory=dict)
    files: dict[str, SensFile] = attrs.field(factory=dict)
    unsubscribes: dict[str, datetime] = attrs.field(factory=dict)
    lock: threading.Lock = attrs.field(factory=threading.Lock)

    def forget_sends(self) -> None:
        """Drop every stored send request and message; uploaded files and unsubscribes stay."""
        with self.lock:
            self.requests.clear()
            self.messages.clear()

"""The provider-neutral API: the :class:`SmsGateway` protocol and the models it speaks.

Application code written against these names runs unchanged on SENS and NHN::

    report = await gateway.send(Message(sender="0212345678", text="안녕하세요",
                                         recipients=["010-1234-5678"]))
    for outcome in report.outcomes:
        print(outcome.recipient.number, outcome.status, outcome.request_id)
"""

from __future__ import annotations

import enum
import inspect
import operator
import time
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Mapping
from datetime import datetime
from types import TracebackType
from typing import Protocol, runtime_checkable

import attrs

from krsms.errors import KrSmsError
from krsms.text import MessageKind

__all__ = [
    "DeliveryResult",
    "DeliveryStatus",
    "Message",
    "MessageKind",
    "Recipient",
    "RecipientOutcome",
    "SendPlan",
    "SendProgress",
    "SendReport",
    "SendStatus",
    "SmsGateway",
    "UploadedImage",
]


class SendStatus(enum.Enum):
    """What happened to one recipient of a send."""

    # Identity hashing at C speed (see MessageKind): progress counts hash one per recipient.
    __hash__ = object.__hash__

    def __str__(self) -> str:
        return self.value

    ACCEPTED = "accepted"
    """The provider took it (``request_id`` says where to look it up)."""
    REJECTED = "rejected"
    """The provider refused it (``code`` and ``detail`` say why)."""
    UNKNOWN = "unknown"
    """The request may have reached the provider (timeout after sending, 5xx): look it up
    before sending again."""
    NOT_SENT = "not_sent"
    """It never reached the provider, or was refused before processing: invalid, cancelled
    before its request left, the job stopped first, 429 after the retries, or look-ups showed
    it never arrived."""


class _ReadOnlyDict(dict[str, str]):
    """A dict that cannot be changed: a frozen recipient's template parameters stay what was
    validated (a dict, so it pickles, compares and converts to JSON like one)."""

    def _refuse(self, *_: object, **__: object) -> None:
        raise TypeError("a Recipient's template_parameters cannot be changed (make a new Recipient)")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]
    __ior__ = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type[_ReadOnlyDict], tuple[dict[str, str]]]:
        return (_ReadOnlyDict, (dict(self),))


def _frozen_mapping(value: Mapping[str, str] | None) -> Mapping[str, str] | None:
    return None if value is None else _ReadOnlyDict(value)


@attrs.frozen(kw_only=True)
class Recipient:
    """One recipient, optionally with its own text, subject or template parameters."""

    number: str
    """A phone number in any common form (``010-1234-5678``, ``+82 10 1234 5678``); normalised
    to digits, as dialled in ``Message.country_code``'s country, before sending."""
    text: str | None = None
    """Replaces the message text for this recipient."""
    subject: str | None = None
    """Replaces the message subject for this recipient (LMS/MMS)."""
    template_parameters: Mapping[str, str] | None = attrs.field(default=None, converter=_frozen_mapping, hash=False)
    """Values for the template's ``##key##`` placeholders (NHN templates)."""
    reference: str | None = None
    """Your own id for this recipient (a row number, a user id); never sent, returned with
    its outcome so results can be matched back to your data."""


def _to_recipients(values: Iterable[str | Recipient]) -> tuple[Recipient, ...]:
    if isinstance(values, (str, Recipient)):
        values = (values,)
    return tuple(value if isinstance(value, Recipient) else Recipient(number=value) for value in values)


def _to_image_ids(values: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str):
        values = (values,)
    return tuple(values)


@attrs.frozen(kw_only=True)
class Message:
    """A message to send, to its ``recipients`` (or, for streams, to each streamed recipient)."""

    sender: str
    """A sender number registered with the provider."""
    text: str
    """What every recipient gets unless it has its own text; may be empty when each recipient
    brings one, or with a ``template_id``."""
    recipients: tuple[Recipient, ...] = attrs.field(default=(), converter=_to_recipients)
    """Plain numbers or :class:`Recipient`; empty when the message is a template for a stream."""
    subject: str | None = None
    """Subject of an LMS or MMS (ignored by SMS)."""
    kind: MessageKind = MessageKind.AUTO
    """AUTO: SMS up to 90 EUC-KR bytes, LMS above, MMS with images."""
    images: tuple[str, ...] = attrs.field(default=(), converter=_to_image_ids)
    """Ids of images uploaded with :meth:`SmsGateway.upload_image` (makes it an MMS)."""
    advertisement: bool = False
    """An advertisement: sent as such, the text must carry the opt-out notice the law asks."""
    reserve_at: datetime | None = None
    """Send at this timezone-aware moment instead of now."""
    country_code: str = "82"
    """The recipients' country calling code, 1 to 3 digits without ``+`` (``"82"``: Korea);
    every number is read as dialled in that country."""
    template_id: str | None = None
    """A provider-side template (NHN); ``text`` may then be empty."""

    def text_for(self, recipient: Recipient) -> str:
        """The text ``recipient`` gets: its own, or else the message's."""
        return self.text if recipient.text is None else recipient.text

    def subject_for(self, recipient: Recipient) -> str | None:
        """The subject ``recipient`` gets: its own, or else the message's."""
        return self.subject if recipient.subject is None else recipient.subject


@attrs.frozen(kw_only=True)
class RecipientOutcome:
    """The one outcome of one recipient."""

    recipient: Recipient
    """The recipient, its number normalised once validated (as given otherwise)."""
    status: SendStatus
    request_id: str | None = None
    """The provider's id of the request that carried it (what
    :meth:`SmsGateway.delivery_results` takes); None when no answer named one."""
    code: str | None = None
    """The provider's (or, for local refusals, krsms's) code for a failure."""
    detail: str | None = None
    """Readable detail: the provider's message, the error, or how the outcome was found
    (``"found by reconciliation"``); None when there is nothing to add."""
    index: int = 0
    """Position of the recipient in the input (recipients list or stream)."""


@attrs.frozen(kw_only=True, repr=False)
class SendReport:
    """The outcomes of a send, or of one batch of a stream."""

    outcomes: tuple[RecipientOutcome, ...]
    """One per recipient: in input order in a whole send's report, in no set order in a batch's
    (``index`` gives each one's position)."""
    requests: int = 0
    """Send requests made (one per batch attempt that reached the network)."""
    error: KrSmsError | None = attrs.field(default=None, eq=False)
    """The fatal error that stopped the job early, if one did."""
    cancelled: bool = False
    """True when the send ended before finishing (cancelled, stopped by an exception, a stream
    left early); only the report of a :class:`SendProgress` sets it."""
    elapsed: float = 0.0
    """Seconds from the first batch to the last outcome."""

    def with_status(self, status: SendStatus) -> tuple[RecipientOutcome, ...]:
        """The outcomes that have ``status``."""
        return tuple(outcome for outcome in self.outcomes if outcome.status is status)

    def __repr__(self) -> str:
        # A summary: a report may hold a million outcomes (and asyncio reprs task results).
        counts = ", ".join(f"{status.value}={count}" for status, count in self.counts().items() if count)
        return (
            f"SendReport({len(self.outcomes)} outcomes: {counts or 'none'}, requests={self.requests}, "
            f"cancelled={self.cancelled}, error={type(self.error).__name__ if self.error else None})"
        )

    def counts(self) -> dict[SendStatus, int]:
        """How many recipients ended in each status."""
        counts = dict.fromkeys(SendStatus, 0)
        for outcome in self.outcomes:
            counts[outcome.status] += 1
        return counts

    @property
    def accepted(self) -> tuple[RecipientOutcome, ...]:
        """Outcomes the provider accepted."""
        return self.with_status(SendStatus.ACCEPTED)

    @property
    def all_accepted(self) -> bool:
        """True when every recipient was accepted."""
        return all(outcome.status is SendStatus.ACCEPTED for outcome in self.outcomes)

    @property
    def request_ids(self) -> tuple[str, ...]:
        """Distinct provider request ids, in order of first appearance."""
        return tuple(dict.fromkeys(o.request_id for o in self.outcomes if o.request_id is not None))


@attrs.frozen(kw_only=True)
class SendPlan:
    """What a send would do, worked out without any network call (a dry run)."""

    recipients: int
    """Recipients read."""
    invalid: tuple[RecipientOutcome, ...]
    """Recipients that would be NOT_SENT for failing validation, with the reason (the first
    ``max_invalid`` of them when :meth:`SmsGateway.plan` was given a cap)."""
    requests: dict[MessageKind, int]
    """Send requests the batches need, per kind."""
    invalid_count: int = attrs.field(default=attrs.Factory(lambda plan: len(plan.invalid), takes_self=True))
    """Recipients that would fail validation, all of them (``invalid`` may keep fewer)."""

    @property
    def total_requests(self) -> int:
        """Send requests in all."""
        return sum(self.requests.values())


class SendProgress:
    """Caller-owned record of a send that stays complete when the send is cancelled.

    Pass one to :meth:`SmsGateway.send` or :meth:`SmsGateway.send_stream`; it receives every
    batch as it settles, and on cancellation the batches in flight (``UNKNOWN``) and the
    recipients not yet sent (``NOT_SENT``). After the send ends, however it ends,
    :meth:`report` has one outcome for every recipient the send had taken in::

        progress = SendProgress()
        try:
            await gateway.send(message, progress=progress)
        except asyncio.CancelledError:
            save(progress.report())
            raise

    ``on_batch`` is called with every settled batch, including those settled by a
    cancellation (keep it quick; it runs in the send's task, and must be a plain function:
    a coroutine function raises TypeError, as it would never be awaited).

    ``on_sending``, a coroutine function, is awaited with a batch's recipients (numbers
    normalised, ``reference`` kept) before its first request may leave: a write-ahead record,
    so that after a crash the recipients that may have been sent are known (``krsms send``
    journals them for ``--resume``). If it raises, that batch is NOT_SENT and the send stops
    with the exception, every recipient accounted for.
    ``keep_outcomes=False`` keeps only counts, for unbounded streams.
    """

    def __init__(
        self,
        *,
        on_batch: Callable[[SendReport], None] | None = None,
        keep_outcomes: bool = True,
        total: int | None = None,
        on_sending: Callable[[tuple[Recipient, ...]], Awaitable[None]] | None = None,
    ):
        if inspect.iscoroutinefunction(on_batch):
            # It would be called, never awaited: every batch would go unrecorded in silence.
            raise TypeError("on_batch must be a plain function: SendProgress calls it and does not await it")
        self.on_batch = on_batch
        """Called with every settled batch; None for no callback."""
        self.on_sending = on_sending
        """Awaited with each batch's recipients before its first request may leave; None for no
        write-ahead record."""
        self.keep_outcomes = keep_outcomes
        """False keeps counts only: :meth:`report` then has no outcomes."""
        self.total = total
        """Number of recipients expected, when known (``send()`` sets it)."""
        self.counts: dict[SendStatus, int] = dict.fromkeys(SendStatus, 0)
        """Recipients settled so far, per status."""
        self.requests = 0
        """Send requests made so far (as :attr:`SendReport.requests` counts them)."""
        self.error: KrSmsError | None = None
        """The first fatal error, which stopped the send; None if none did."""
        self.cancelled = False
        """True once the send ended before finishing: cancelled, stopped by an exception, or a
        stream left early."""
        self._outcomes: list[RecipientOutcome] = []
        self._started = time.perf_counter()
        self._finished: float | None = None

    @property
    def settled(self) -> int:
        """Recipients with an outcome so far."""
        return sum(self.counts.values())

    def record(self, batch: SendReport) -> None:
        """Add a settled batch (called by the SDK)."""
        for outcome in batch.outcomes:
            self.counts[outcome.status] += 1
        if self.keep_outcomes:
            self._outcomes.extend(batch.outcomes)
        self.requests += batch.requests
        if batch.error is not None and self.error is None:
            self.error = batch.error
        if self.on_batch is not None:
            self.on_batch(batch)

    def finish(self) -> None:
        """Stop the clock (called by the SDK when the send ends)."""
        if self._finished is None:
            self._finished = time.perf_counter()

    def report(self) -> SendReport:
        """Every outcome so far, in input order."""
        end = self._finished if self._finished is not None else time.perf_counter()
        return SendReport(
            outcomes=tuple(sorted(self._outcomes, key=operator.attrgetter("index"))),
            requests=self.requests,
            error=self.error,
            cancelled=self.cancelled,
            elapsed=end - self._started,
        )


class DeliveryStatus(enum.Enum):
    """Where a message stands at the handset."""

    def __str__(self) -> str:
        return self.value

    PENDING = "pending"
    """Accepted, reserved or on its way; no final result yet."""
    DELIVERED = "delivered"
    """Final: the handset received it."""
    FAILED = "failed"
    """Final: it could not be delivered (``code`` says why)."""
    CANCELLED = "cancelled"
    """A reserved send cancelled before it went out."""


@attrs.frozen(kw_only=True)
class DeliveryResult:
    """The delivery result of one recipient of a send request."""

    request_id: str
    """The send request looked up, as given to :meth:`SmsGateway.delivery_results`."""
    recipient: str
    """The number as the provider lists it (SENS ``to``, NHN ``recipientNo``)."""
    status: DeliveryStatus
    code: str | None = None
    """The provider's result code (e.g. SENS ``3001``, NHN ``1000``)."""
    detail: str | None = None
    """The provider's words for the result (SENS ``statusMessage``, NHN ``msgStatusName``)."""
    completed_at: datetime | None = None
    """When the provider reported the final result (SENS ``completeTime``, NHN ``resultDate``);
    None until then."""
    message_id: str | None = None
    """The provider's id of this one message (SENS ``messageId``, NHN ``mtPr``)."""


@attrs.frozen(kw_only=True)
class UploadedImage:
    """An image stored at the provider for MMS; pass ``id`` in :attr:`Message.images`."""

    id: str
    """The provider's file id (SENS ``fileId``; NHN's numeric ``fileId`` as text)."""
    file_name: str
    """The file name the provider answered with (SENS's has a digest of the content added)."""
    expires_at: datetime | None = None
    """When the provider drops the image (SENS: six days after upload); None when it reports no
    expiry (NHN)."""


RecipientSource = Iterable[str | Recipient] | AsyncIterable[str | Recipient]
"""What a stream sends to: any sync or async iterable of numbers or recipients."""


@runtime_checkable
class SmsGateway(Protocol):
    """What every provider gateway offers: send, stream, upload, look up, cancel."""

    @property
    def provider(self) -> str:
        """``"sens"`` or ``"nhn"``."""
        ...

    async def send(self, message: Message, *, progress: SendProgress | None = None) -> SendReport:
        """Send to ``message.recipients`` in provider-sized batches; one outcome each, in order.

        Raises :class:`krsms.ValidationError` before any network call if the message or a
        recipient cannot be sent; once sending starts it never raises for a batch failure
        (see the outcomes), only on cancellation.
        """
        ...

    def send_stream(
        self, message: Message, recipients: RecipientSource, *, progress: SendProgress | None = None
    ) -> AsyncIterator[SendReport]:
        """Send ``message`` to every recipient of an iterable of any length, yielding a report
        per finished batch. Memory stays bounded whatever the stream's length: ``max_concurrency``
        batches in flight, as many buffered, and one read ahead from a sync source."""
        ...

    async def plan(
        self, message: Message, recipients: RecipientSource | None = None, *, max_invalid: int | None = None
    ) -> SendPlan:
        """Validate and batch like :meth:`send_stream` without any network call (a dry run):
        recipients read, invalid ones with the reason (the first ``max_invalid`` kept, all
        counted), requests per kind."""
        ...

    async def upload_image(self, content: bytes, *, file_name: str) -> UploadedImage:
        """Store a JPEG at the provider for MMS (``.jpg``/``.jpeg``, at most 300 KB)."""
        ...

    async def delivery_results(self, request_id: str) -> list[DeliveryResult]:
        """The delivery result of every recipient of a send request."""
        ...

    async def cancel_reservation(self, request_id: str) -> None:
        """Cancel a reserved send that has not gone out yet."""
        ...

    async def aclose(self) -> None:
        """Release the HTTP client if the gateway created it."""
        ...

    async def __aenter__(self) -> SmsGateway: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

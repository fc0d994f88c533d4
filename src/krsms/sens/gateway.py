"""SensGateway: the provider-neutral :class:`~krsms.gateway.SmsGateway` on top of SENS.

A neutral :class:`~krsms.gateway.Message` becomes SENS send requests of at most 100
``messages``: one request per kind (SMS, LMS, MMS), with per-recipient ``content`` and
``subject`` where a recipient has its own, ``contentType: AD`` for advertisements, images as
``files[].fileId`` and reservations as ``reserveTime`` in Asia/Seoul. SENS accepts or refuses
a request as a whole, so every recipient of an accepted request is ACCEPTED with its
``requestId``; per-handset results come later through :meth:`SensGateway.delivery_results`.

A batch whose answer was lost (a 5xx, a timeout after sending) is looked up in the request
look-up (S3) over the batch's time window in SENS's own time, by sender and the batch's first
number. No request there that can be the batch's (none, or only requests this gateway holds
another outcome for or made before the attempt began) makes it NOT_SENT (SENS takes a request
whole; resent only with ``resend_missing=True``). It is settled only when exactly one request
found is of its kind, holds exactly its numbers, carries a text the batch gives its first
number (S4) and is not one this gateway already has an outcome for: ACCEPTED, or REJECTED
when S3 lists that request as failed (the request's own status, which its send answer
carries; its messages' statuses are their delivery's). Anything else stays UNKNOWN, as it
does while another attempt whose request could be taken for the batch's (exactly its numbers,
a text it gives its first number) is unsettled: either may have made the request found.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Generic, TypeVar

import attrs

from krsms import errors, json_body
from krsms.fanout import NOT_RECEIVED, RECONCILE_DELAY, Batch, BatchAttempt, BatchingGateway
from krsms.gateway import (
    DeliveryResult,
    DeliveryStatus,
    Message,
    Recipient,
    RecipientOutcome,
    Recipients,
    SendStatus,
    UploadedImage,
)
from krsms.images import IMAGE_SUFFIXES, check_jpeg
from krsms.phone_numbers import KOREA, normalize_number
from krsms.redaction import Redactor, keys_out_of_tracebacks
from krsms.retry import RetryStrategy
from krsms.send_watch import current_send_watch
from krsms.sens.auth import CLOCK_WINDOW_SECONDS
from krsms.sens.checks import MAX_MESSAGE_PAGE, MAX_MESSAGES, RESERVE_PRECISION
from krsms.sens.client import DEFAULT_BASE_URL, SensClient
from krsms.sens.converter import converter
from krsms.sens.errors import PROVIDER
from krsms.sens.models import (
    DEFAULT_TIME_ZONE,
    MAX_IMAGE_NAME_CHARS,
    MAX_IMAGE_SIZE,
    ContentType,
    FileReference,
    MessagePage,
    MessageQuery,
    MessageSummary,
    MessageType,
    ReserveStatus,
    SendMessage,
    SendRequest,
)
from krsms.text import STANDARD_LIMITS, MessageKind, byte_length
from krsms.transport import HttpClient, Limits, Timeouts
from krsms.validation import ProviderRules, check_request_id

Value = TypeVar("Value")

SENS_RULES = ProviderRules(limits=STANDARD_LIMITS, reserve_precision=RESERVE_PRECISION, requires_ad_notice=True)
"""SENS's documented rules: the standard byte limits, reservations to the minute; no image
count or reservation horizon. Advertisements carry the notice the law asks, as SENS's own
advertisement example does (``(광고) ... [무료 수신거부]080...``): SENS does not document
refusing one without it, so the check keeps an SMS sent through SENS as lawful as one sent
through NHN."""
BATCH_SIZE = MAX_MESSAGES
"""``messages`` per send request."""
RECONCILE_SLACK = timedelta(seconds=5)
"""Widens the look-up window around a lost batch: SENS's times, and the ``Date`` its clock
is read from, are to the second."""
UNKNOWN_CLOCK_SLACK = timedelta(seconds=CLOCK_WINDOW_SECONDS)
"""The slack before any answer told SENS's clock: SENS took the batch's signature only if its
stamp was within five minutes of its own clock."""
REQUEST_TIME_RESOLUTION = timedelta(seconds=1)
"""SENS writes ``requestTime`` to the second."""
MAX_CANDIDATES = 10
"""Requests to the batch's first number a look-up checks one by one; more stay UNKNOWN."""
KNOWN_REQUEST_MEMORY = 600.0
"""Seconds a request id this gateway holds an outcome for is kept from reconciliation."""
DELIVERED_CODE = "0"
"""``statusCode`` of a COMPLETED message that reached the handset; any other code is a failure."""


class SensGateway(BatchingGateway):
    """Sends neutral messages through NCP SENS; :attr:`client` reaches the whole SENS API.

    ``base_url`` is scheme and host (the emulator's, in tests). ``http_client`` is borrowed
    and never closed; without one the gateway owns a client (its pool sized by ``limits``,
    :class:`~krsms.Limits`) and closes it on ``aclose()`` / ``async with``. ``reconcile``
    resolves lost answers through the look-up; ``resend_missing`` resends what the look-up
    proves never arrived (absent from two look-ups ``reconcile_delay`` seconds apart);
    ``drain_timeout`` lets in-flight requests finish on cancellation.
    """

    provider = PROVIDER
    """``"sens"`` (:data:`~krsms.sens.errors.PROVIDER`)."""
    batch_size = BATCH_SIZE
    """At most 100 ``messages`` per send request (:data:`BATCH_SIZE`)."""
    rules = SENS_RULES
    """SENS's documented rules (:data:`SENS_RULES`)."""

    @keys_out_of_tracebacks
    def __init__(
        self,
        *,
        access_key: str,
        secret_key: str,
        service_id: str,
        base_url: str = DEFAULT_BASE_URL,
        http_client: HttpClient | None = None,
        max_concurrency: int = 8,
        timeout: float | Timeouts | None = None,
        limits: Limits | None = None,
        retry: RetryStrategy | None = None,
        requests_per_second: float | None = None,
        reconcile: bool = True,
        resend_missing: bool = False,
        drain_timeout: float = 0.0,
        reconcile_delay: float = RECONCILE_DELAY,
    ):
        self.client: SensClient = SensClient(
            access_key=access_key,
            secret_key=secret_key,
            service_id=service_id,
            base_url=base_url,
            http_client=http_client,
            timeout=timeout,
            limits=limits,
            retry=retry,
            max_concurrency=max_concurrency,
        )
        """The :class:`~krsms.sens.SensClient` the gateway sends through: the whole SENS API, on
        the same HTTP client."""
        super().__init__(
            transport=self.client.transport,
            max_concurrency=max_concurrency,
            requests_per_second=requests_per_second,
            reconcile=reconcile,
            resend_missing=resend_missing,
            drain_timeout=drain_timeout,
            reconcile_delay=reconcile_delay,
        )
        self._known_requests: _Expiring[None] = _Expiring(KNOWN_REQUEST_MEMORY)
        """Request ids this gateway holds an outcome for: no reconciliation may claim one.
        Kept only while the gateway reconciles (``reconcile``)."""
        self._unsettled: _Expiring[_SentBatch] = _Expiring(KNOWN_REQUEST_MEMORY)
        """Send attempts whose outcome is not known yet (out and unanswered, or answered
        ambiguously and not reconciled), by attempt key, with what they sent: while one is, a
        request SENS holds for those numbers with one of its texts may be that attempt's. Kept
        only while the gateway reconciles."""

    # -- fan-out hooks --------------------------------------------------------------------

    def batch_key(self, message: Message, recipient: Recipient, kind: MessageKind) -> Hashable:
        """SENS carries each recipient's own text and subject in one request: only the kind splits."""
        return kind

    async def send_batch(self, message: Message, batch: Batch, attempt: BatchAttempt) -> Sequence[RecipientOutcome]:
        """One S1 request; SENS accepts it whole, so every recipient shares its ``requestId``.

        A 404 means no such service id: the client raises the fatal
        :class:`~krsms.sens.errors.ServiceNotFoundError`, which stops the job. A 202 whose body
        says the send failed is a MalformedResponseError (the batch UNKNOWN, for the look-up to
        settle).
        """
        reconciling = self.reconcile  # only a reconciliation reads the two memories below
        if reconciling:
            self._unsettled.set(attempt.key, _SentBatch(recipients=batch.recipients, text=message.text))
        try:
            # Past send_body's checks: check_message has passed the message these come from.
            result = await self.client._post_send(self._send_body(message, batch))
        except BaseException as error:
            if not _may_have_arrived(error):
                self._unsettled.discard(attempt.key)
            raise
        if reconciling:
            self._unsettled.discard(attempt.key)
            self._known_requests.set(result.request_id, None)
        return batch.outcomes(SendStatus.ACCEPTED, request_id=self.client.redact(result.request_id))

    def send_request(self, message: Message, batch: Batch) -> SendRequest:
        """The S1 body of one batch, typed (:meth:`send_batch` sends the same body, its
        ``messages`` entries built as plain JSON values)."""
        content = _default_content(message, batch)
        takes_subject = batch.kind is not MessageKind.SMS
        messages = tuple(
            SendMessage(
                to=recipient.number,
                content=recipient.text if recipient.text not in (None, content) else None,
                subject=recipient.subject if takes_subject else None,
            )
            for recipient in batch.recipients
        )
        return attrs.evolve(self._shared_request(message, batch, content), messages=messages)

    def _send_body(self, message: Message, batch: Batch) -> json_body.EncodedJson:
        """:meth:`send_request`'s body, encoded, without a ``SendMessage`` per recipient: 100
        typed entries a request, built only to be converted at once, cost about 7% of a bulk
        send's CPU; bare numbers are written in one join (:mod:`krsms.json_body`). The tests
        compare the two."""
        content = _default_content(message, batch)
        shared = converter.unstructure(self._shared_request(message, batch, content))
        recipients = batch.recipients
        entries = json_body.number_entries("to", recipients.numbers) if recipients.bare else None
        if entries is None:
            takes_subject = batch.kind is not MessageKind.SMS
            entries = json_body.dumps(
                [_message_entry(recipient, content=content, takes_subject=takes_subject) for recipient in recipients]
            )
        return json_body.body_with_list(shared, "messages", entries)

    def _shared_request(self, message: Message, batch: Batch, content: str) -> SendRequest:
        """What every recipient of the batch shares, with no ``messages``."""
        return SendRequest(
            type=MessageType(batch.kind.value),
            content_type=ContentType.AD if message.advertisement else None,
            country_code=None if message.country_code == KOREA else message.country_code,
            from_=normalize_number(message.sender, field="sender"),
            subject=message.subject if batch.kind is not MessageKind.SMS else None,
            content=content,
            messages=(),
            files=tuple(FileReference(file_id=image) for image in message.images) or None,
            reserve_time=message.reserve_at,
            reserve_time_zone=DEFAULT_TIME_ZONE if message.reserve_at else None,
        )

    async def reconcile_batch(
        self, message: Message, batch: Batch, attempt: BatchAttempt
    ) -> Sequence[RecipientOutcome] | None:
        """Find the batch in the request look-up (S3) by sender and first number, in SENS's time.

        The request found is ACCEPTED whatever its messages' statuses say (READY, PROCESSING,
        COMPLETED with a failed receipt: its delivery, which :meth:`delivery_results` reports),
        and REJECTED with its ``statusCode`` when S3 lists the request itself as failed at the
        messaging server: that status is the request's, the one its send answer carries.
        A reserved batch cannot be found: SENS lists no messages of a request still reserved,
        so an empty look-up proves nothing (None: the batch stays UNKNOWN).
        """
        if message.reserve_at is not None:
            return None
        start, end = self._provider_window(attempt)
        first = batch.recipients[0]
        query = MessageQuery(
            request_start_time=start,
            request_end_time=end,
            from_=normalize_number(message.sender, field="sender"),
            to=first.number,
            page_size=MAX_MESSAGE_PAGE,
        )
        found: dict[str, MessageSummary] = {}
        async for summary in self.client.iter_messages(query):
            found.setdefault(summary.request_id, summary)
        earliest = self._earliest_request_time(attempt)
        # A request this gateway holds another outcome for, or made before the attempt began,
        # is not the batch's: a look-up listing only such requests lists none of the batch's.
        possible = [
            summary
            for summary in found.values()
            if summary.request_id not in self._known_requests and summary.request_time >= earliest
        ]
        if not possible:
            # Still unsettled until reconciled() says no look-up follows (reconcile_delay): a
            # request of this attempt that SENS lists late must not be claimed by a twin meanwhile.
            return batch.outcomes(
                SendStatus.NOT_SENT, code=NOT_RECEIVED, detail="SENS has no request for these recipients"
            )
        candidates = [summary for summary in possible if _same_kind(summary, message, batch)]
        if len(candidates) > MAX_CANDIDATES:
            return None
        looked_into = [await self._batch_request(summary, message, batch) for summary in candidates]
        matches = [found for found in looked_into if found is not None]
        if not matches:
            # Not NOT_SENT: the requests listed are other senders' as far as the look-up can
            # tell, yet the batch's own may still sit in a busy SENS's queue. Outcomes, not
            # None, so that the look-up after reconcile_delay is made.
            return batch.outcomes(SendStatus.UNKNOWN, detail="SENS lists no request that is this batch's")
        # Checked after the look-ups' awaits: another batch's reconciliation may have claimed
        # the request meanwhile, and while another attempt to the same numbers is unsettled
        # (its answer not in, or lost too), the request found may be that attempt's.
        if (
            len(matches) > 1
            or matches[0].request_id in self._known_requests
            or self._another_unsettled(attempt.key, message, batch)
        ):
            return None
        (match,) = matches
        self._unsettled.discard(attempt.key)
        self._known_requests.set(match.request_id, None)
        redact = self.client.redact
        if match.failure is not None:
            # The request's own status, the one its send answer carries: SENS refused it.
            return batch.outcomes(
                SendStatus.REJECTED,
                request_id=redact(match.request_id),
                code=redact(match.failure.status_code),
                detail=redact(
                    f"SENS lists the request as failed at its messaging server ({match.failure.status_name})"
                ),
            )
        return batch.outcomes(
            SendStatus.ACCEPTED, request_id=redact(match.request_id), detail="found by reconciliation"
        )

    def reconciled(self, attempt: BatchAttempt, outcomes: Sequence[RecipientOutcome]) -> None:
        """An attempt the look-ups proved SENS never received is settled: the next attempt to
        the same numbers (a resend, a caller's retry) is no longer held back as its possible
        twin. Should SENS list its request later after all, that NOT_SENT was already wrong,
        and the twin that claims it is ACCEPTED for what its recipients did receive."""
        if all(outcome.status is SendStatus.NOT_SENT for outcome in outcomes):
            self._unsettled.discard(attempt.key)

    def _provider_window(self, attempt: BatchAttempt) -> tuple[datetime, datetime]:
        """From the attempt's start to now, in SENS's clock: shifted by the offset its answers'
        ``Date`` showed, or widened by the five minutes its signature check allows."""
        measured = self.client.auth.provider_offset
        offset = timedelta(seconds=self.client.auth.offset_seconds if measured is None else measured)
        slack = UNKNOWN_CLOCK_SLACK if measured is None else RECONCILE_SLACK
        now = datetime.now(timezone.utc) + offset
        return _started(attempt, now) - slack, now + slack

    def _another_unsettled(self, key: str, message: Message, batch: Batch) -> bool:
        """Whether an unsettled attempt other than ``key`` may have made a request that
        :meth:`_batch_request` takes for the batch's: only then may the request found be that
        attempt's. A code resent to the same number with another text is not held back by
        the first one; the same text to the same numbers is."""
        looked_for = _SentBatch(recipients=batch.recipients, text=message.text)
        return any(other != key and sent.may_be_taken_for(looked_for) for other, sent in self._unsettled.items())

    def _earliest_request_time(self, attempt: BatchAttempt) -> datetime:
        """The earliest ``requestTime`` SENS can have given the batch: the attempt's start in
        SENS's clock, less a second for the truncation of its times. The look-up's own answer
        told that clock if nothing had before, so an earlier request (another process's, or the
        same code sent seconds before) is never taken for the batch. The measured offset is at
        most the true one (a ``Date`` is truncated and read after it was written), so the bound
        never excludes the batch itself."""
        measured = self.client.auth.provider_offset
        if measured is None:
            return self._provider_window(attempt)[0]
        now = datetime.now(timezone.utc) + timedelta(seconds=measured)
        return _started(attempt, now) - REQUEST_TIME_RESOLUTION

    async def _batch_request(self, summary: MessageSummary, message: Message, batch: Batch) -> _FoundRequest | None:
        """The request of ``summary`` when it is the batch's, with the failure SENS lists for it
        (S3 by its id); None when it is not: it must hold exactly the batch's numbers, and its
        message ``summary`` (to the batch's first number) a text the batch gives that number
        (one the first number is in the batch twice with two texts may be listed with either)."""
        numbers: Counter[str] = Counter()
        failure = None
        async for page in self.client.iter_message_pages(MessageQuery(request_id=summary.request_id)):
            failure = failure or _request_failure(page)
            numbers.update(listed.to for listed in page.messages)
        if numbers != Counter(recipient.number for recipient in batch.recipients):
            return None
        detail = await self.client.get_message(summary.message_id)
        sent = detail.messages[0].content if detail.messages else None
        looked_for = _SentBatch(recipients=batch.recipients, text=message.text)
        if sent not in looked_for.texts_to(batch.recipients[0].number):
            return None
        return _FoundRequest(request_id=summary.request_id, failure=failure)

    # -- the rest of SmsGateway -----------------------------------------------------------

    async def upload_image(self, content: bytes, *, file_name: str) -> UploadedImage:
        """Store a JPEG (S2) for MMS; pass the returned ``id`` in :attr:`Message.images`.

        SENS reuses a stored file with the same name and size ("recognized as the same file"),
        so two different images both called ``coupon.jpg`` would share an id and the second
        MMS would carry the first image. The file is stored under its name with a digest of
        its content (``coupon-1a2b3c4d.jpg``, within SENS's 40 characters): the returned
        ``file_name``.
        """
        check_jpeg(content, file_name, max_name_chars=MAX_IMAGE_NAME_CHARS, max_size=MAX_IMAGE_SIZE)
        stored_name = _content_named(file_name, content)
        uploaded = await self.client.upload_file(stored_name, content)
        return UploadedImage(id=uploaded.file_id, file_name=stored_name, expires_at=uploaded.expire_time)

    async def delivery_results(self, request_id: str) -> list[DeliveryResult]:
        """Every message of a send request (S3, all pages): PENDING while READY or PROCESSING,
        once COMPLETED DELIVERED with ``statusCode`` 0, else FAILED with its code. A
        reservation that has not gone out yet (READY, PROCESSING, CANCELED) lists no messages
        (SENS answers ``statusName: reserved``). When the request
        itself failed at SENS's messaging server (``statusCode`` other than 202, ``statusName``
        ``fail``), every message is FAILED with that code, whatever its own status says. What
        SENS wrote into a result goes through the redactor, as into a send's outcomes."""
        check_request_id(request_id)
        redact = self.client.redact
        return [
            _delivery_result(summary, redact, _request_failure(page))
            async for page in self.client.iter_message_pages(MessageQuery(request_id=request_id))
            for summary in page.messages
        ]

    async def cancel_reservation(self, request_id: str) -> None:
        """Cancel a reserved send (S6); its ``requestId`` is the ``reserveId``.

        Raises :class:`krsms.NotFoundError` when no reservation waits under ``request_id``
        (unknown, already sent, going out, failed or already cancelled: its ``reserveStatus``
        DONE, PROCESSING, FAIL, STALE or CANCELED), as :class:`~krsms.NhnGateway` does: SENS
        answers 400 for a reservation that is no longer READY, so its status (S5) is read
        first. A cancel whose answer was lost is retried, and the retry meets the cancellation
        its first attempt made: that 400 is this call's success.
        """
        check_request_id(request_id)
        status = await self._reservation_status(request_id)
        if status is not ReserveStatus.READY:
            raise self._not_waiting(request_id, status)
        try:
            await self.client.cancel_reservation(request_id)
        except errors.BadRequestError as refused:
            status = await self._reservation_status(request_id)
            if status is ReserveStatus.CANCELED:
                return  # it was waiting a moment ago: an earlier attempt of this call cancelled it
            if status is ReserveStatus.READY:
                raise
            raise self._not_waiting(request_id, status, refused) from None

    async def _reservation_status(self, request_id: str) -> ReserveStatus:
        return (await self.client.reservation_status(request_id)).reserve_status

    def _not_waiting(
        self, request_id: str, status: ReserveStatus, refused: errors.ProviderError | None = None
    ) -> errors.NotFoundError:
        return errors.NotFoundError(
            f"no reservation waits under request {request_id}: it is {status.value}",
            provider=self.provider,
            status_code=refused.status_code if refused else None,
            code=refused.code if refused else None,
        )

    def __repr__(self) -> str:
        # getattr: a debugger or a traceback's locals may show one whose constructor failed.
        service_id = getattr(getattr(self, "client", None), "service_id", None)
        return f"SensGateway(service_id={service_id!r}, max_concurrency={getattr(self, 'max_concurrency', None)})"


@attrs.frozen(kw_only=True)
class _FoundRequest:
    """A request a reconciliation found to be the batch's."""

    request_id: str
    failure: MessagePage | None
    """The look-up's page saying the request failed at SENS's messaging server, if one did."""


@attrs.frozen(kw_only=True)
class _SentBatch:
    """What one attempt sends: the batch's recipients (with the texts of their own) and the
    message's text, which the others get. Kept as given: nothing is built per batch sent."""

    recipients: Recipients
    text: str

    def texts_to(self, number: str) -> frozenset[str]:
        """The texts the attempt gives ``number``: more than one when the number is in the
        batch twice with texts of its own (SENS may list either)."""
        return frozenset(
            self.text if recipient.text is None else recipient.text
            for recipient in self.recipients
            if recipient.number == number
        )

    def may_be_taken_for(self, batch: _SentBatch) -> bool:
        """Whether a request of this attempt could be taken for ``batch``'s by its look-up
        (:meth:`SensGateway._batch_request`): it holds exactly the batch's numbers and gives
        the batch's first number one of the texts the batch gives it."""
        first = batch.recipients[0].number
        same_numbers = Counter(self.recipients.numbers) == Counter(batch.recipients.numbers)
        return same_numbers and not self.texts_to(first).isdisjoint(batch.texts_to(first))


class _Expiring(Generic[Value]):
    """A mapping whose entries are dropped ``keep_for`` seconds after they were last set, by
    ``clock`` (monotonic seconds): every operation drops the expired entries first, so none
    is found once its time is up.

    One gateway serves event loops in several threads at once, and they all share it: every
    operation holds a lock, and :meth:`items` is a snapshot taken under it, so a walk never
    meets a change another thread's send makes meanwhile.
    """

    def __init__(self, keep_for: float, *, clock: Callable[[], float] = time.monotonic):
        self._keep_for = keep_for
        self._clock = clock
        self._entries: OrderedDict[str, tuple[Value, float]] = OrderedDict()
        self._lock = threading.Lock()

    def set(self, key: str, value: Value) -> None:
        with self._lock:
            now = self._drop_expired()
            self._entries[key] = (value, now)
            self._entries.move_to_end(key)

    def discard(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            self._drop_expired()
            return key in self._entries

    def items(self) -> list[tuple[str, Value]]:
        """Every entry not expired, as it was when asked."""
        with self._lock:
            self._drop_expired()
            return [(key, value) for key, (value, _) in self._entries.items()]

    def _drop_expired(self) -> float:
        """Drop the entries set more than ``keep_for`` ago; the time now. Called under the lock:
        the entries stay in the order of their times."""
        now = self._clock()
        while self._entries and next(iter(self._entries.values()))[1] < now - self._keep_for:
            self._entries.popitem(last=False)
        return now


def _started(attempt: BatchAttempt, provider_now: datetime) -> datetime:
    """When the attempt started, in SENS's clock: its time now less the monotonic time since.
    Not the wall clock of the start, which an NTP step since then would have moved."""
    return provider_now - timedelta(seconds=attempt.seconds_ago())


def _may_have_arrived(error: BaseException) -> bool:
    """Whether a send that failed with ``error`` may have reached SENS (its batch UNKNOWN)."""
    if isinstance(error, errors.TransportError):
        return error.may_have_been_sent
    if isinstance(error, errors.ProviderError):
        # A fatal answer to a retry whose first attempt may have been processed: UNKNOWN too.
        return error.may_have_been_processed or error.earlier_attempt is not None
    if isinstance(error, errors.KrSmsError):
        return False  # a ValidationError: refused before anything was sent
    # Cancelled, or not the provider's answer at all: out unless the bulk send's watch saw
    # that no attempt left (cancelled while waiting for a connection slot, or a retry).
    watch = current_send_watch()
    return watch is None or watch.may_have_arrived is not False


def _content_named(file_name: str, content: bytes) -> str:
    """``file_name`` with the start of ``content``'s SHA-256 before its ``.jpg``/``.jpeg``
    suffix (as :func:`~krsms.images.check_jpeg` found it), cut to SENS's 40 characters:
    different images never share a stored name and size. A name that is only the suffix
    (``.jpg``) is stored as ``image-<digest>.jpg``."""
    suffix_length = next(len(suffix) for suffix in IMAGE_SUFFIXES if file_name.lower().endswith(suffix))
    stem, suffix = file_name[:-suffix_length] or "image", file_name[-suffix_length:]
    digest = "-" + hashlib.sha256(content).hexdigest()[:8]
    return stem[: MAX_IMAGE_NAME_CHARS - len(digest) - len(suffix)] + digest + suffix


def _same_kind(summary: MessageSummary, message: Message, batch: Batch) -> bool:
    """Whether a listed message has the type SENS sent the batch as (when listed) and its
    content type."""
    content_type = ContentType.AD if message.advertisement else ContentType.COMM
    return summary.type in (None, _sent_type(message, batch)) and summary.content_type == content_type.value


def _sent_type(message: Message, batch: Batch) -> str:
    """The type SENS sends the batch as: its kind, but an MMS without a file goes as an LMS
    ("It is MMS type, but if there is no file to attach, it is sent as LMS") and is listed so."""
    if batch.kind is MessageKind.MMS and not message.images:
        return MessageKind.LMS.value
    return batch.kind.value


def _message_entry(recipient: Recipient, *, content: str, takes_subject: bool) -> dict[str, str]:
    """One ``messages`` entry: what the converter writes for the ``SendMessage`` of
    :meth:`SensGateway.send_request` (None fields left out)."""
    entry = {"to": recipient.number}
    if recipient.subject is not None and takes_subject:
        entry["subject"] = recipient.subject
    if recipient.text is not None and recipient.text != content:
        entry["content"] = recipient.text
    return entry


def _default_content(message: Message, batch: Batch) -> str:
    """The request's default ``content``: the message text if it fits the batch's kind,
    otherwise the first recipient's own text (every recipient then carries its own)."""
    limit = STANDARD_LIMITS.sms_bytes if batch.kind is MessageKind.SMS else STANDARD_LIMITS.long_bytes
    if message.text and byte_length(message.text) <= limit:
        return message.text
    return next((recipient.text for recipient in batch.recipients if recipient.text), message.text)


def _request_failure(page: MessagePage) -> MessagePage | None:
    """``page`` when its request failed at the messaging server (S3's ``statusCode``: 202
    success, any other a failure; ``statusName`` ``fail``), else None."""
    failed = page.status_code != "202" or page.status_name.lower() == "fail"
    return page if failed and page.status_name.lower() != "reserved" else None


def _delivery_result(
    summary: MessageSummary, redact: Redactor, request_failure: MessagePage | None = None
) -> DeliveryResult:
    code, detail = summary.status_code, summary.status_message
    if request_failure is not None:
        status, code = DeliveryStatus.FAILED, request_failure.status_code
        detail = f"the request failed at the messaging server ({request_failure.status_name})"
    elif summary.status == "COMPLETED":
        status = DeliveryStatus.DELIVERED if summary.status_code == DELIVERED_CODE else DeliveryStatus.FAILED
    else:
        status = DeliveryStatus.PENDING
    return DeliveryResult(
        request_id=redact(summary.request_id),
        recipient=summary.to,
        status=status,
        code=None if code is None else redact(code),
        detail=None if detail is None else redact(detail),
        completed_at=summary.complete_time,
        message_id=redact(summary.message_id),
    )

"""Bulk sending: provider-sized batches, sent concurrently, every recipient accounted for.

:class:`BatchingGateway` is the provider-neutral half of a gateway. A provider subclass says
how big a batch is, which recipients may share a request (:meth:`~BatchingGateway.batch_key`),
how to send one batch and, optionally, how to find out what happened to a batch whose
answer was lost (:meth:`~BatchingGateway.reconcile_batch`). This module does the rest:

- cuts any recipient stream into batches, grouping recipients that need separate requests,
  with at most ``max_concurrency`` batches in flight, ``max_concurrency x batch_size``
  recipients buffered and one batch size read ahead, however long the stream;
- gives every recipient exactly one :class:`~krsms.gateway.RecipientOutcome`: a provider
  refusal is REJECTED, an ambiguous failure (timeout after sending, 5xx) UNKNOWN, a request
  that provably never left NOT_SENT; a fatal error (bad credentials, unregistered sender)
  stops the job and leaves the rest NOT_SENT without sending them;
- resolves UNKNOWN batches through the provider's look-ups when it can (``reconcile``) and,
  only if asked (``resend_missing``), resends the recipients the provider provably lacks;
- on cancellation stops starting batches, cancels the ones in flight (UNKNOWN: they may have
  arrived) and records everything in the caller's :class:`~krsms.gateway.SendProgress`.
"""

from __future__ import annotations

import abc
import asyncio
import logging
import time
import uuid
from collections import deque
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Hashable,
    Iterable,
    Sequence,
)
from contextlib import aclosing
from datetime import datetime, timezone
from typing import Any

import anyio
import attrs

from krsms import errors
from krsms.closing import AsyncClosing
from krsms.fanout.batching import Batch, BatchAttempt, Batcher
from krsms.fanout.outcome_codes import CANCELLED, JOB_STOPPED, SEND_FAILED
from krsms.fanout.pacing import Pacer
from krsms.fanout.sources import (
    VALIDATION_SLICE,
    Cursor,
    Entries,
    Entry,
    Run,
    check_source,
    resolve_chunks,
)
from krsms.fields import wrong_type
from krsms.gateway import (
    DeliveryResult,
    Message,
    Outcomes,
    Recipient,
    RecipientOutcome,
    Recipients,
    RecipientSource,
    SendPlan,
    SendProgress,
    SendReport,
    SendStatus,
    UploadedImage,
)
from krsms.send_watch import SendWatch, watching_sends
from krsms.text import MessageKind
from krsms.transport import Transport
from krsms.validation import ProviderRules, RecipientResolver, check_message, check_reservation

logger: logging.Logger = logging.getLogger("krsms")

RECONCILE_DELAY = 10.0
"""Default seconds between the two look-ups of a reconciliation (see ``reconcile_delay``)."""


@attrs.define
class _Flight:
    batch: Batch
    sent: bool = False
    """True once sending began; ``watch`` then says whether a request may have arrived."""
    watch: SendWatch = attrs.Factory(SendWatch)
    stopped_by: errors.KrSmsError | None = None
    """The fatal error that stopped the job before this batch's request could leave."""
    on_fatal: Callable[[errors.KrSmsError], None] | None = None
    """Stops the job; called in the batch's own task the moment its answer is a fatal error."""


class BatchingGateway(AsyncClosing):
    """A gateway that sends by fanning batches out over a :class:`~krsms.transport.Transport`.

    Subclasses set :attr:`provider`, :attr:`batch_size`, :attr:`rules` and implement
    :meth:`batch_key`, :meth:`send_batch`, :meth:`upload_image`, :meth:`delivery_results` and
    :meth:`cancel_reservation`; they may override :meth:`check_message` (what the provider
    refuses of a message as a whole), :meth:`reconcile_batch` (find what became of a batch
    whose answer was lost) and :meth:`reconciled` (learn what reconciliation settled).
    """

    provider: str
    """The provider's name, as errors and logs give it (``"sens"``, ``"nhn"``)."""
    batch_size: int
    """The most recipients one send request carries."""
    rules: ProviderRules
    """What the provider allows; every message and recipient is checked against it before any
    request."""

    def __init__(
        self,
        *,
        transport: Transport | None,
        max_concurrency: int,
        requests_per_second: float | None = None,
        reconcile: bool = True,
        resend_missing: bool = False,
        drain_timeout: float = 0.0,
        reconcile_delay: float = RECONCILE_DELAY,
    ):
        if requests_per_second is not None and requests_per_second <= 0:
            raise errors.ValidationError(
                "requests_per_second",
                f"must be positive, not {requests_per_second}",
                limit="> 0",
                value=requests_per_second,
            )
        if max_concurrency < 1:
            raise errors.ValidationError(
                "max_concurrency", f"must be at least 1, not {max_concurrency}", limit=">= 1", value=max_concurrency
            )
        self._transport = transport
        # Never more batches in flight than the transport lets through at once.
        self.max_concurrency: int = min(max_concurrency, transport.max_concurrency) if transport else max_concurrency
        """Batches in flight at once (never more than the transport lets through)."""
        self.requests_per_second = requests_per_second
        """The most requests started per second, retries and resends included; None for no
        limit."""
        self.reconcile = reconcile
        """Whether a batch whose answer was lost is looked up at the provider to settle its
        UNKNOWN outcomes."""
        self.resend_missing = resend_missing
        """Whether recipients that look-ups prove the provider never received are sent again."""
        self.drain_timeout = drain_timeout
        """On cancellation, seconds to let in-flight requests finish (and get their real
        outcome) before cancelling them (then UNKNOWN). 0: cancel at once."""
        self.reconcile_delay = reconcile_delay
        """When the first look-up after an ambiguous failure misses recipients, seconds to
        wait before a second one decides: a request still queued at a busy provider is not
        listed yet, and calling it NOT_SENT at once would have it resent."""
        # Made now: made by the first send, loops in two threads could each make one.
        self._pacer = Pacer(requests_per_second) if requests_per_second is not None else None

    # -- provider hooks -------------------------------------------------------------------

    def now(self) -> datetime:
        """The current time, timezone-aware, that reservations are checked against (when a
        send begins, and again before each batch leaves)."""
        return datetime.now(timezone.utc)

    def check_message(self, message: Message) -> None:
        """Validate what every recipient shares (before any I/O); providers may add rules."""
        check_message(message, self.rules, now=self.now())

    @abc.abstractmethod
    def batch_key(self, message: Message, recipient: Recipient, kind: MessageKind) -> Hashable:
        """Recipients with equal keys can share one request.

        Asked once per kind for the recipients with nothing of their own but a number (no
        text, subject or template parameters): their key may depend on the message and the
        kind only.
        """

    @abc.abstractmethod
    async def send_batch(self, message: Message, batch: Batch, attempt: BatchAttempt) -> Sequence[RecipientOutcome]:
        """Send one batch; one outcome per entry, in order (:meth:`Batch.outcomes` or an
        :class:`~krsms.gateway.Outcomes` keeps them compact). Raise typed errors on failure."""

    async def reconcile_batch(
        self, message: Message, batch: Batch, attempt: BatchAttempt
    ) -> Sequence[RecipientOutcome] | None:
        """After an ambiguous failure: ACCEPTED for what the provider has, NOT_SENT for what it
        provably lacks, or None when it cannot tell. It may be asked twice for one attempt
        (``reconcile_delay``); :meth:`reconciled` then tells which answer stood."""
        return None

    def reconciled(self, attempt: BatchAttempt, outcomes: Sequence[RecipientOutcome]) -> None:
        """The outcomes reconciliation settled ``attempt`` with, once no look-up follows
        (not called when it could not tell). A gateway that keeps state per attempt in
        :meth:`reconcile_batch` lets it go here."""

    @abc.abstractmethod
    async def upload_image(self, content: bytes, *, file_name: str) -> UploadedImage:
        """Store a JPEG at the provider for MMS."""

    @abc.abstractmethod
    async def delivery_results(self, request_id: str) -> list[DeliveryResult]:
        """The delivery result of every recipient of a send request."""

    @abc.abstractmethod
    async def cancel_reservation(self, request_id: str) -> None:
        """Cancel a reserved send."""

    # -- sending --------------------------------------------------------------------------

    async def send(self, message: Message, *, progress: SendProgress | None = None) -> SendReport:
        """Send to ``message.recipients``: one outcome per recipient, in input order.

        Every recipient is validated first (:class:`krsms.ValidationError`, nothing sent). On
        cancellation the ``progress`` passed in holds the complete report. It must keep
        outcomes (``send()`` returns them all; :meth:`send_stream` is the counts-only way).
        """
        if progress is not None and not progress.keep_outcomes:
            raise errors.ValidationError(
                "progress",
                "send() returns every outcome, so its SendProgress must keep them (or use send_stream)",
                limit="keep_outcomes=True",
                value=False,
            )
        self.check_message(message)
        resolver = RecipientResolver(message, self.rules)
        if not message.recipients:
            raise errors.ValidationError(
                "recipients", "is empty: a send needs at least 1 recipient", limit="at least 1", value=0
            )
        progress = progress if progress is not None else SendProgress()
        if progress.total is None:
            progress.total = len(message.recipients)
        recipients: list[str | Recipient] = []
        kinds: list[MessageKind] = []
        bare_slices: dict[int, MessageKind] = {}
        given = message.recipients.compact
        try:
            for start in range(0, len(given), VALIDATION_SLICE):
                run = resolver.resolve_run(given[start : start + VALIDATION_SLICE], start)
                recipients.extend(run.recipients)
                kinds.extend(run.kinds)
                if run.bare_kind is not None:
                    bare_slices[start] = run.bare_kind
                if start + VALIDATION_SLICE < len(given):
                    await asyncio.sleep(0)  # a million recipients take seconds: let the loop breathe
        except asyncio.CancelledError:
            progress.cancelled = True
            everyone = message.recipients
            not_sent = Outcomes.uniform(everyone, range(len(everyone)), SendStatus.NOT_SENT, code=CANCELLED)
            progress.record(SendReport(outcomes=not_sent))
            progress.finish()
            raise
        cursor = Cursor(recipients, kinds, chunk_size=self.batch_size, bare_slices=bare_slices)
        entries = Entries(cursor)
        try:
            async with aclosing(self._run(message, entries, progress)) as reports:
                async for _ in reports:
                    pass
        except BaseException:
            _record_all(progress, [SendReport(outcomes=cursor.remaining(SendStatus.NOT_SENT, code=CANCELLED))])
            raise
        return progress.report()

    async def send_stream(
        self,
        message: Message,
        recipients: RecipientSource,
        *,
        progress: SendProgress | None = None,
        max_batch_delay: float | None = None,
    ) -> AsyncGenerator[SendReport, None]:
        """Send to every recipient of a (sync or async) iterable; a report per finished batch.

        ``message.recipients`` must be empty: the message is the template. A recipient that
        fails validation gets NOT_SENT with code ``"invalid"`` instead of stopping the stream.
        That includes checks that depend on what a recipient brings: on NHN an LMS needs a
        subject, which the message or the recipient may give; if the message gives none,
        every recipient without its own is NOT_SENT (``plan()`` shows it first).
        Close the iterator with ``contextlib.aclosing`` when leaving early.

        A batch goes when it is full or the source ends; with ``max_batch_delay`` (seconds),
        the recipients waiting for their batch to fill also go, as smaller batches, once the
        source has given nothing new for that long (a queue that trickles).
        """
        if max_batch_delay is not None and (
            not isinstance(max_batch_delay, (int, float))
            or isinstance(max_batch_delay, bool)
            or not 0 < max_batch_delay < float("inf")
        ):
            raise errors.ValidationError(
                "max_batch_delay",
                f"must be a positive number of seconds or None, not {max_batch_delay!r}",
                limit="> 0",
                value=max_batch_delay,
            )
        self.check_message(message)
        if message.recipients:
            raise errors.ValidationError(
                "recipients",
                f"must be empty for send_stream, not {len(message.recipients)} (pass them as the stream)",
                limit="empty",
                value=len(message.recipients),
            )
        check_source(recipients)
        entries = Entries(self._resolve_chunks(RecipientResolver(message, self.rules), recipients))
        progress = progress if progress is not None else SendProgress(keep_outcomes=False)
        # aclosing: leaving this stream early must settle the batches in flight now, not at GC.
        async with aclosing(self._run(message, entries, progress, max_batch_delay=max_batch_delay)) as reports:
            async for report in reports:
                yield report

    async def plan(
        self, message: Message, recipients: RecipientSource | None = None, *, max_invalid: int | None = None
    ) -> SendPlan:
        """Validate and batch like :meth:`send_stream` without sending anything.

        ``recipients`` defaults to ``message.recipients``. Problems of the message alone raise
        :class:`krsms.ValidationError`; invalid recipients are listed in the plan, with what a
        recipient could have brought itself (a subject, a text) among their reasons. A
        ``max_invalid`` keeps only the first that many of them (``invalid_count`` counts them
        all): a plan of a file of any length then stays small.
        """
        if max_invalid is not None and (not isinstance(max_invalid, int) or isinstance(max_invalid, bool)):
            raise wrong_type("max_invalid", max_invalid, "a whole number or None", limit="an int")
        if max_invalid is not None and max_invalid < 0:
            raise errors.ValidationError(
                "max_invalid", f"must be 0 or more, not {max_invalid}", limit=">= 0", value=max_invalid
            )
        self.check_message(message)
        source = message.recipients if recipients is None else recipients
        check_source(source)
        batcher = self._batcher(message)
        requests: dict[MessageKind, int] = {}
        invalid: list[RecipientOutcome] = []
        count = invalid_count = 0
        entries = Entries(self._resolve_chunks(RecipientResolver(message, self.rules), source))
        try:
            async for entry in entries:
                if isinstance(entry, RecipientOutcome):
                    count += 1
                    invalid_count += 1
                    if max_invalid is None or len(invalid) < max_invalid:
                        invalid.append(entry)
                    continue
                count += len(entry.recipients) if isinstance(entry, Run) else 1
                for batch in batcher.take(entry):
                    requests[batch.kind] = requests.get(batch.kind, 0) + 1
        finally:
            await entries.aclose()
        for batch in batcher.flush():
            requests[batch.kind] = requests.get(batch.kind, 0) + 1
        return SendPlan(recipients=count, invalid=tuple(invalid), requests=requests, invalid_count=invalid_count)

    def _resolve_chunks(self, resolver: RecipientResolver, recipients: RecipientSource) -> AsyncIterator[list[Entry]]:
        """The entries of ``recipients``, a batch at a time (:func:`~krsms.fanout.sources.resolve_chunks`)."""
        return resolve_chunks(resolver, recipients, chunk_size=self.batch_size)

    def _batcher(self, message: Message) -> Batcher:
        return Batcher(
            self.batch_size,
            self.batch_size * self.max_concurrency,
            key=lambda recipient, kind: self.batch_key(message, recipient, kind),
        )

    async def _run(
        self, message: Message, entries: Entries, progress: SendProgress, *, max_batch_delay: float | None = None
    ) -> AsyncGenerator[SendReport, None]:
        """Send the batches of ``entries``, yielding each report once ``progress`` holds it.

        However the send ends (done, stopped by a fatal error, the source or a batch raising,
        cancelled, or left early by its consumer), every recipient read is recorded once.
        """
        job = _SendJob(self, message, entries, progress, max_batch_delay=max_batch_delay)
        settled = False
        try:
            while True:
                await job.start_flights()
                if (invalid := job.invalid_report()) is not None:
                    yield invalid
                if job.idle:
                    break  # nothing in flight nor being read, and nothing more may start
                for task in await job.finished_flights():
                    yield job.collect(task)
            if job.source_error is not None:
                raise job.source_error  # the rest of what was read is settled below, NOT_SENT
            if job.stopped_by is not None:
                async for report in job.settle_stopped(job.stopped_by):
                    yield report
            settled = True
        finally:
            try:
                if not settled:
                    await job.settle_interrupted()
                progress.finish()
            finally:
                await job.close_source()

    async def _send_tracked(
        self,
        message: Message,
        flight: _Flight,
        on_sending: Callable[[Recipients], Awaitable[None]] | None,
    ) -> SendReport:
        if self.requests_per_second is not None:
            flight.watch.pace = self._pace
            await self._pace()
        passed = self._reservation_passed(message)
        if passed is not None:
            if flight.on_fatal is not None:
                flight.on_fatal(passed)
            outcomes = flight.batch.outcomes(SendStatus.NOT_SENT, code=JOB_STOPPED, detail=_stopped_detail(passed))
            return SendReport(outcomes=outcomes, error=passed)
        if on_sending is not None:
            await on_sending(flight.batch.recipients)
        flight.sent = True
        with watching_sends(flight.watch):
            report = await self._send_settled(message, flight.batch, flight.watch, resend=self.resend_missing)
        if report.error is not None and flight.on_fatal is not None:
            # Here, with nothing awaited since the answer was read: no other batch's request
            # can start between the fatal answer and the stop.
            flight.on_fatal(report.error)
        return report

    def _reservation_passed(self, message: Message) -> errors.ValidationError | None:
        """Why the message's reservation can no longer be sent, once its moment (as the provider
        takes it) has passed during a long send: every batch after it would be refused, so
        none leaves and the send stops. None while it is still ahead, or without one."""
        if message.reserve_at is None:
            return None
        try:
            check_reservation(message.reserve_at, None, precision=self.rules.reserve_precision, now=self.now())
        except errors.ValidationError as refused:
            return errors.ValidationError(
                refused.field,
                f"{refused.problem}; it passed during the send, so no batch leaves after it "
                "(send the rest again with a later reservation)",
                limit=refused.limit,
                value=refused.value,
            )
        return None

    async def _pace(self) -> None:
        """Wait for the next send slot under ``requests_per_second``."""
        if self._pacer is not None:
            await self._pacer.wait()

    async def _send_settled(self, message: Message, batch: Batch, watch: SendWatch, *, resend: bool) -> SendReport:
        """Send one batch and turn whatever happens into one outcome per recipient."""
        attempt = BatchAttempt(key=uuid.uuid4().hex, started_at=datetime.now(timezone.utc))
        attempts_before = watch.attempts
        failed: errors.KrSmsError
        try:
            return SendReport(outcomes=await self.send_batch(message, batch, attempt), requests=1)
        except errors.ProviderError as error:
            outcome = _classify_provider_error(error)
            failed = error
        except errors.TransportError as error:
            outcome = SendStatus.UNKNOWN if error.may_have_been_sent else SendStatus.NOT_SENT
            failed = error
        code = getattr(failed, "code", None) or type(failed).__name__
        if isinstance(failed, errors.UnsendableRequestError):
            requests = 0  # never left
        elif isinstance(failed, errors.TransportError) and not failed.may_have_been_sent:
            # Its last attempt never left (no connection); an earlier one refused (a 429) did.
            requests = int(watch.attempts > attempts_before)
        else:
            requests = 1
        report = SendReport(
            outcomes=batch.outcomes(outcome, code=code, detail=str(failed)),
            requests=requests,
            error=failed if isinstance(failed, errors.ProviderError) and failed.fatal else None,
        )
        if outcome is SendStatus.UNKNOWN and self.reconcile:
            return await self._reconciled(message, batch, attempt, report, watch, resend=resend)
        return report

    async def _reconciled(
        self,
        message: Message,
        batch: Batch,
        attempt: BatchAttempt,
        report: SendReport,
        watch: SendWatch,
        *,
        resend: bool,
    ) -> SendReport:
        try:
            found = await self.reconcile_batch(message, batch, attempt)
            if found is not None and self.reconcile_delay > 0 and _any_unsettled(found):
                await asyncio.sleep(self.reconcile_delay)
                found = await self.reconcile_batch(message, batch, attempt)
        except errors.KrSmsError as error:
            logger.warning("%s could not reconcile batch %s: %s", self.provider, attempt.key, error)
            return report
        if found is None:
            return report
        self.reconciled(attempt, found)
        missing = [outcome for outcome in found if outcome.status is SendStatus.NOT_SENT]
        if not (resend and missing) or watch.stopping:  # an interrupted send starts no resend
            return SendReport(outcomes=found, requests=report.requests)
        retry_batch = Batch(
            kind=batch.kind,
            indexes=tuple(outcome.index for outcome in missing),
            recipients=Recipients(outcome.recipient for outcome in missing),
        )
        logger.info("%s resending %d recipients the provider never received", self.provider, len(missing))
        await self._pace()
        if watch.stopping:  # interrupted while waiting for the send slot
            return SendReport(outcomes=found, requests=report.requests)
        again = await self._send_settled(message, retry_batch, watch, resend=False)
        kept = [outcome for outcome in found if outcome.status is not SendStatus.NOT_SENT]
        return SendReport(
            outcomes=Outcomes.join([kept, again.outcomes]),
            requests=report.requests + again.requests,
            error=again.error,
        )

    # -- lifecycle ------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the HTTP client if this gateway created it."""
        if self._transport is not None:
            await self._transport.aclose()


class _SendJob:
    """One bulk send under way: the batches cut, those in flight, and why it stops if it does.

    :meth:`BatchingGateway._run` drives it a step at a time: :meth:`start_flights`, then the
    :meth:`invalid_report`, then :meth:`collect` for each of the :meth:`finished_flights`,
    until it is :attr:`idle`; then :meth:`settle_stopped` after a fatal error, or
    :meth:`settle_interrupted` when the send ends any other way. Every report a step returns
    is already recorded in the send's :class:`~krsms.gateway.SendProgress`.

    The source is read in a task of its own, one batch ahead, while the batches in flight are
    waited for: a source that pauses (a queue, a paginated API) holds back neither the
    reports of the batches that finish meanwhile nor the stop a fatal answer makes. Only one
    task reads at a time, and the job's own task touches what it fills (the batcher, the
    batches ready, the current chunk) only while it is suspended on the source or done.
    """

    def __init__(
        self,
        gateway: BatchingGateway,
        message: Message,
        entries: Entries,
        progress: SendProgress,
        *,
        max_batch_delay: float | None = None,
    ):
        self._gateway = gateway
        self._message = message
        self._entries = entries
        self._progress = progress
        self._batcher = gateway._batcher(message)
        self._ready: deque[Batch] = deque()
        """Batches cut and not started yet."""
        self._unbatched: list[RecipientOutcome] = []
        """Outcomes of recipients read that no batch carries (invalid ones; after a stop, the
        rest of the source), not reported yet."""
        self._exhausted = False
        """Whether the source has been read to its end, its last batches flushed to ``_ready``."""
        self.flights: dict[asyncio.Task[SendReport], _Flight] = {}
        """Batches started and not collected yet, by the task sending each."""
        self.stopped_by: errors.KrSmsError | None = None
        """The fatal error that stopped the job: no batch starts after it."""
        self.source_error: Exception | None = None
        """What the source raised: no batch starts after it, and what is out finishes first."""
        self._reading: asyncio.Task[BaseException | None] | None = None
        """The task reading the source for the next batch (:meth:`_read`), while one does."""
        self._max_batch_delay = max_batch_delay
        """Seconds without a new entry after which the recipients waiting for their batch to
        fill go as they are; None: a batch goes only full, or at the source's end."""
        self._last_read = time.monotonic()
        """When the source last gave an entry (:func:`time.monotonic`)."""

    @property
    def idle(self) -> bool:
        """Whether no batch is in flight and the source is not being read. After
        :meth:`start_flights` the job is then over: the source is exhausted or failed, or a
        fatal error stopped the job."""
        return not self.flights and self._reading is None

    def _may_start(self) -> bool:
        """Whether a batch may still start: no fatal error stopped the job, the source did not fail."""
        return self.stopped_by is None and self.source_error is None

    def _has_room(self) -> bool:
        """Whether another batch may fly under ``max_concurrency``."""
        return len(self.flights) < self._gateway.max_concurrency

    async def start_flights(self) -> None:
        """Start the batches ready until ``max_concurrency`` are in flight; then, while there
        is room for one more, start reading the source for it (:meth:`finished_flights` waits
        for that read too). Nothing starts once the job is stopped or the source has failed."""
        first_of_pass = True
        while self._ready and self._may_start() and self._has_room():
            if not first_of_pass:
                await _stagger()
                if not self._may_start():  # a flight ended with a fatal error while this one waited
                    break
            first_of_pass = False
            flight = _Flight(self._ready.popleft(), on_fatal=self._stop_once)
            sending = self._gateway._send_tracked(self._message, flight, self._progress.on_sending)
            self.flights[asyncio.ensure_future(sending)] = flight
        if self._reading is None and not self._ready and not self._exhausted and self._may_start() and self._has_room():
            self._reading = asyncio.ensure_future(self._read())

    async def _read(self) -> BaseException | None:
        """:meth:`_read_until_ready`, as the reading task: what the source raised is returned,
        for the job's own task to act on (a KeyboardInterrupt raised in a task would escape
        the event loop instead of the send)."""
        try:
            await self._read_until_ready()
        except asyncio.CancelledError:
            raise
        except BaseException as error:
            return error
        return None

    def _read_done(self, reading: asyncio.Task[BaseException | None]) -> None:
        """Take in the result of the finished reading task: a source that failed stops new
        batches (what is out finishes first); an interrupt, or a cancellation the source
        raised itself, propagates as it would have from the job's own task."""
        self._reading = None
        if reading.cancelled():
            raise asyncio.CancelledError
        error = reading.result()
        if isinstance(error, Exception):
            self.source_error = error
        elif error is not None:
            raise error

    def _stop_once(self, error: errors.KrSmsError) -> None:
        """:meth:`_stop` for the first fatal error: a flight calls it the moment its answer is
        one, not when it is collected (meanwhile other batches may be waiting for their turn,
        and the job's own task for a batch of the source)."""
        if self.stopped_by is None:
            self._stop(error)

    async def _read_until_ready(self) -> None:
        """Read entries until a batch is ready, a batch's worth of invalid ones is waiting, or
        the source is exhausted."""
        batcher, ready, invalid = self._batcher, self._ready, self._unbatched
        batch_size = self._gateway.batch_size
        while True:
            for entry in self._entries.current:
                if isinstance(entry, RecipientOutcome):
                    invalid.append(entry)
                    if len(invalid) >= batch_size:
                        return  # report them now: a long run of invalid entries stays bounded
                    continue
                batches = batcher.take(entry)
                if batches:
                    ready.extend(batches)
                    return
            if not await self._entries.advance():
                ready.extend(batcher.flush())
                self._exhausted = True
                return
            self._last_read = time.monotonic()

    def invalid_report(self) -> SendReport | None:
        """The invalid recipients read since the last call, as one recorded report; None when
        there are none."""
        if not self._unbatched:
            return None
        report = SendReport(outcomes=tuple(self._unbatched))
        self._unbatched.clear()
        return self._recorded(report)

    async def finished_flights(self) -> list[asyncio.Task[SendReport]]:
        """Wait until a flight finishes, the read of the source ends (a batch is ready, the
        source is exhausted or failed) or the recipients waiting for their batch to fill are
        due to go as they are (``max_batch_delay``); the flights that have finished, to
        :meth:`collect` (none when only the read ended or the delay ran out)."""
        reading = self._reading
        waiting: set[asyncio.Future[Any]] = {*self.flights}
        if reading is not None:
            waiting.add(reading)
        await asyncio.wait(waiting, timeout=self._partial_batch_due(), return_when=asyncio.FIRST_COMPLETED)
        if reading is not None and reading.done():
            self._read_done(reading)
        elif (due := self._partial_batch_due()) is not None and due <= 0:
            # The read waits on the source, its entries all batched: send what waits as it is.
            self._ready.extend(self._batcher.flush())
        return [task for task in self.flights if task.done()]

    def _partial_batch_due(self) -> float | None:
        """Seconds before the recipients waiting for their batch to fill are due to go as they
        are, once the source has given nothing new for ``max_batch_delay``: 0 when they are
        due now, the whole delay while none wait (the read may bring one meanwhile). None when
        no delay applies: none set, the source not being read, no room to send, or the job
        stopped."""
        delay = self._max_batch_delay
        if delay is None or self._reading is None or not (self._has_room() and self._may_start()):
            return None
        if not self._batcher.buffered:
            return delay
        return max(0.0, self._last_read + delay - time.monotonic())

    def collect(self, task: asyncio.Task[SendReport]) -> SendReport:
        """The recorded report of a finished flight, taken out of :attr:`flights` first; a
        fatal error in it stops the job. A task that raised (a bug, a failing ``on_sending``)
        has its batch recorded, then its error propagates."""
        flight = self.flights.pop(task)
        if task.cancelled() and flight.stopped_by is not None:
            report = _stopped_report(flight, flight.stopped_by)
        elif task.cancelled():
            # Cancelled by code outside this send (its own cancellation ends in
            # settle_interrupted): settled as an interrupted flight, and the send goes on.
            report = _interrupted_report(task, flight)
        else:
            if task.exception() is not None:
                # Not a provider answer: account for the batch, then surface it.
                self._progress.record(_failed_report(flight))
            report = task.result()
        if report.error is not None:
            self._stop_once(report.error)
        return self._recorded(report)

    def _stop(self, error: errors.KrSmsError) -> None:
        """A fatal error stopped the job: no request leaves for it from now on. A batch whose
        request may be out finishes (without retry or resend); one still waiting to go (for its
        rate-limit slot, a connection, or to retry a refused attempt) is cancelled, to be
        reported NOT_SENT (``stopped``) like the batches that never started."""
        self.stopped_by = error
        logger.error("%s bulk send stopped: %s", self._gateway.provider, error)
        stopping_from = asyncio.current_task()  # the flight whose answer stopped it, if one did
        for task, flight in self.flights.items():
            flight.watch.stopping = True
            if task is not stopping_from and not _may_be_out(flight):
                flight.stopped_by = error
                task.cancel()

    async def settle_stopped(self, error: errors.KrSmsError) -> AsyncIterator[SendReport]:
        """After the fatal ``error``: NOT_SENT (``stopped``) for everything not sent yet, the
        rest of the source included, as recorded reports.

        Whatever it has not reported yet stays in ``_ready`` and ``_unbatched``, for
        :meth:`settle_interrupted` to record if the source fails or the send is interrupted.
        """
        detail = _stopped_detail(error)
        self._ready.extend(self._batcher.flush())
        while self._ready:
            batch = self._ready.popleft()
            yield self._recorded(
                SendReport(outcomes=batch.outcomes(SendStatus.NOT_SENT, code=JOB_STOPPED, detail=detail))
            )
        pending = self._unbatched
        batch_size = self._gateway.batch_size
        async for entry in self._entries:
            pending.extend(_not_sent_outcomes(entry, code=JOB_STOPPED, detail=detail))
            if len(pending) >= batch_size:
                report = SendReport(outcomes=tuple(pending))
                pending.clear()
                yield self._recorded(report)
        if pending:
            report = SendReport(outcomes=tuple(pending))
            pending.clear()
            yield self._recorded(report)

    async def settle_interrupted(self) -> None:
        """Cancellation or early exit: record in-flight batches and everything buffered.

        The waits are shielded from a cancel scope that keeps cancelling (anyio), and the
        recording sits in ``finally``: a second cancellation (a second Ctrl-C) may cut the
        waits short, never the accounting.
        """
        self._progress.cancelled = True
        flights = self.flights
        for flight in flights.values():
            flight.watch.stopping = True  # no retry or resend leaves from here on
        reading, self._reading = self._reading, None
        try:
            with anyio.CancelScope(shield=True):
                if reading is not None:
                    # Read no further; what the source gave is settled below, once it stopped.
                    reading.cancel()
                    await asyncio.wait([reading], timeout=10)
                # Drain only requests that may be out; a batch still waiting to start (for
                # its rate-limit slot, or to retry a refused attempt) must not start now.
                in_flight = [task for task, flight in flights.items() if _may_be_out(flight)]
                for task in flights.keys() - in_flight:
                    task.cancel()
                drain_timeout = self._gateway.drain_timeout
                if in_flight and drain_timeout > 0:
                    logger.info("%s: letting %d in-flight batches finish", self._gateway.provider, len(in_flight))
                    await asyncio.wait(in_flight, timeout=drain_timeout)
                for task in flights:
                    task.cancel()
                if flights:
                    await asyncio.wait(flights, timeout=10)
        finally:
            for task in flights:
                task.cancel()  # a no-op for finished tasks; stops any the waits did not
            reports = [_interrupted_report(task, flight) for task, flight in flights.items()]
            buffered = [*self._ready, *self._batcher.flush()]
            leftovers = [batch.outcomes(SendStatus.NOT_SENT, code=CANCELLED) for batch in buffered]
            # Read from the source but not batched yet (the rest of the chunk being read).
            unread = [_not_sent_outcomes(entry, code=CANCELLED) for entry in self._entries.current]
            reports.append(SendReport(outcomes=Outcomes.join([self._unbatched, *leftovers, *unread])))
            _record_all(self._progress, reports)

    async def close_source(self) -> None:
        """Close the source once what was read from it is settled (see
        :func:`~krsms.fanout.sources.resolve_chunks`). Shielded, for a while: a cancellation that
        keeps coming (an anyio cancel scope) must not cut the source's own clean-up short; one
        that fails is logged, not raised over the send's own outcome."""
        with anyio.move_on_after(SOURCE_CLOSE_TIMEOUT, shield=True):
            try:
                await self._entries.aclose()
            except Exception:
                logger.exception("%s: closing the recipient source failed", self._gateway.provider)

    def _recorded(self, report: SendReport) -> SendReport:
        """``report``, once the send's progress has recorded it."""
        self._progress.record(report)
        return report


SOURCE_CLOSE_TIMEOUT = 10.0
"""Seconds a send that ends early gives its recipient source to close (its ``finally`` blocks)."""
POOL_ENTRY_PASSES = 2
"""Event-loop passes between two batches started together (:func:`_stagger`)."""


async def _stagger() -> None:
    """Let the request just started take its connection before the next one asks for one.

    httpcore 1.0's pool hands an idle connection to every request that asks for one within
    the few passes of the event loop before the first has started on it; the others get
    ``ConnectionNotAvailable`` and start over (encode/httpcore#1110). Batches started together
    (the first wave, and every wave whose answers arrive together) then cost up to two
    attempts each, about 0.1-0.2 ms of CPU. Two passes between starts were measured to
    remove it, at no cost in wall time.
    """
    for _ in range(POOL_ENTRY_PASSES):
        await asyncio.sleep(0)


def _stopped_detail(error: errors.KrSmsError) -> str:
    return f"not sent: the job stopped after {type(error).__name__}: {error}"


def _stopped_report(flight: _Flight, error: errors.KrSmsError) -> SendReport:
    """A batch :meth:`_SendJob._stop` cancelled before its request could leave; refused attempts (a
    429 before the back-off) still reached the network and count as requests."""
    outcomes = flight.batch.outcomes(SendStatus.NOT_SENT, code=JOB_STOPPED, detail=_stopped_detail(error))
    return SendReport(outcomes=outcomes, requests=1 if flight.watch.attempts else 0)


def _may_be_out(flight: _Flight) -> bool:
    """Whether the flight's request may have left: sending began and the transport has not
    seen every attempt refused (a gateway whose sends bypass the transport tells nothing)."""
    return flight.sent and flight.watch.may_have_arrived is not False


def _failed_report(flight: _Flight) -> SendReport:
    """A flight whose task raised (a bug, a failing ``on_sending``): UNKNOWN once its request
    may be out, NOT_SENT before."""
    out = _may_be_out(flight)
    status = SendStatus.UNKNOWN if out else SendStatus.NOT_SENT
    return SendReport(outcomes=flight.batch.outcomes(status, code=SEND_FAILED), requests=int(out))


def _interrupted_report(task: asyncio.Task[SendReport], flight: _Flight) -> SendReport:
    """What an interrupted flight settled as: its own report if it finished, else UNKNOWN
    once its request may be out, NOT_SENT before."""
    if task.done() and not task.cancelled() and task.exception() is None:
        return task.result()
    if _may_be_out(flight):
        return SendReport(
            outcomes=flight.batch.outcomes(
                SendStatus.UNKNOWN,
                code=CANCELLED,
                detail="cancelled while the request was in flight; it may have arrived",
            ),
            requests=1,
        )
    # Refused attempts (a 429 before the back-off) still reached the network: count them.
    return SendReport(
        outcomes=flight.batch.outcomes(SendStatus.NOT_SENT, code=CANCELLED), requests=1 if flight.watch.attempts else 0
    )


def _any_unsettled(outcomes: Iterable[RecipientOutcome]) -> bool:
    """Whether a look-up left any recipient neither ACCEPTED nor REJECTED."""
    return any(outcome.status not in (SendStatus.ACCEPTED, SendStatus.REJECTED) for outcome in outcomes)


def _record_all(progress: SendProgress, reports: Iterable[SendReport]) -> None:
    """Record every report of an interrupted send; a failing ``on_batch`` callback is logged,
    not allowed to leave the remaining reports unrecorded (the send's own exception, the
    cancellation or the callback's first failure, is what propagates)."""
    for report in reports:
        try:
            progress.record(report)
        except Exception:
            logger.exception("progress callback failed while settling an interrupted send")


def _classify_provider_error(error: errors.ProviderError) -> SendStatus:
    """The outcome of a batch answered with ``error``, as its class tells (see
    :attr:`~krsms.errors.ProviderError.may_have_been_processed`)."""
    if error.refused_before_processing:
        return SendStatus.NOT_SENT
    if error.may_have_been_processed:
        return SendStatus.UNKNOWN
    return SendStatus.REJECTED


def _not_sent_outcomes(entry: Entry, *, code: str, detail: str | None = None) -> Outcomes:
    """NOT_SENT for the recipients of an entry never sent (an invalid one keeps its own outcome)."""
    if isinstance(entry, RecipientOutcome):
        return Outcomes.of((entry,))
    if isinstance(entry, Run):
        indexes = range(entry.start, entry.start + len(entry.recipients))
        return Outcomes.uniform(entry.recipients, indexes, SendStatus.NOT_SENT, code=code, detail=detail)
    index, recipient, _ = entry
    return Outcomes.uniform((recipient,), (index,), SendStatus.NOT_SENT, code=code, detail=detail)

""":class:`BatchingGateway`, the provider-neutral half of every gateway: what a provider plugs
in, ``send``, ``send_stream`` and ``plan`` (which sends nothing), and how one batch is sent
and settled.

A provider subclass says how big a batch is, which recipients may share a request
(:meth:`~BatchingGateway.batch_key`), how to send one batch and, optionally, how to find out
what happened to a batch whose answer was lost (:meth:`~BatchingGateway.reconcile_batch`).
The gateway checks the message, reads the recipients (:mod:`krsms.fanout.sources`) and hands
them to a :class:`~krsms.fanout.job.SendJob` with a batcher (:mod:`krsms.fanout.batching`).
Each batch the job starts, the gateway sends: at its turn under ``requests_per_second``, once
the reservation is still ahead, and settled into one outcome per recipient. A provider
refusal is REJECTED, a request that provably never left NOT_SENT, an ambiguous failure
UNKNOWN, which the provider's look-ups settle when they can (``reconcile``), resending what
the provider provably lacks only if asked (``resend_missing``).
"""

from __future__ import annotations

import abc
import asyncio
import functools
import inspect
import logging
import secrets
from collections import deque
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Hashable,
    Iterable,
    Sequence,
    Sized,
)
from contextlib import aclosing
from datetime import datetime, timezone

import anyio
import attrs

from krsms import errors
from krsms.closing import AsyncClosing
from krsms.fanout.batching import Batch, BatchAttempt, Batcher
from krsms.fanout.job import Flight, SendJob, count_fields, counts_said, record_all, stopped_detail
from krsms.fanout.outcome_codes import CANCELLED, JOB_STOPPED
from krsms.fanout.pacing import Pacer
from krsms.fanout.sources import VALIDATION_SLICE, Cursor, Entries, Entry, Run, check_source, resolve_chunks
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
from krsms.send_watch import watching_sends
from krsms.settings import check_count, check_number, check_seconds, check_switch
from krsms.text import MessageKind
from krsms.transport import Transport
from krsms.validation import ProviderRules, RecipientResolver, check_message, check_reservation

logger: logging.Logger = logging.getLogger("krsms")

RECONCILE_DELAY = 10.0
"""Default seconds between the two look-ups of a reconciliation (see ``reconcile_delay``)."""


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
        if requests_per_second is not None:
            check_number("requests_per_second", requests_per_second, positive=True, unit="requests a second")
        check_count("max_concurrency", max_concurrency, minimum=1)
        # Checked here: a wrong one would only show when a send is cancelled (drain_timeout)
        # or a batch's answer is lost (reconcile_delay), as a TypeError in place of its outcome.
        check_seconds("drain_timeout", drain_timeout)
        check_seconds("reconcile_delay", reconcile_delay)
        check_switch("reconcile", reconcile)
        check_switch("resend_missing", resend_missing)
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
        self._pacer = (
            None
            if requests_per_second is None
            else Pacer(requests_per_second, sleep=transport.wait_unless_closed if transport is not None else None)
        )

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
        _check_has_recipients(message)
        progress = progress if progress is not None else SendProgress()
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
            # The slices validated so far as normalised, as every outcome's recipient is once
            # validated; the rest as given.
            validated = len(recipients)
            await _record_cancelled_validation(
                progress, [(recipients, range(validated)), (given, range(validated, len(given)))]
            )
            raise
        # Taken once every recipient is valid: a send refused for one sent nothing, and leaves
        # the progress free for the corrected send, as a refused message does.
        progress.begin()  # before it records anything: a progress another send has is refused
        if progress.total is None:
            progress.total = len(message.recipients)
        cursor = Cursor(recipients, kinds, chunk_size=self.batch_size, bare_slices=bare_slices)
        entries = Entries(cursor, needs_own_task=False)
        try:
            async with aclosing(self._run(message, entries, progress)) as reports:
                async for _ in reports:
                    pass
        except BaseException as error:
            # An interrupt (KeyboardInterrupt, SystemExit, a closed coroutine) may leave no loop to pause for.
            pause = isinstance(error, (Exception, asyncio.CancelledError))
            await record_not_sent(progress, [cursor.unread()], code=CANCELLED, pause=pause)
            raise
        return await progress.report_in_slices()

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

        ``progress.total``, when not given, is set to the source's length if it has one (a
        list or tuple: ``len()``; a lone number or Recipient: 1), and stays None for a
        source without one (a generator, a file, a queue).

        A batch goes when it is full or the source ends; with ``max_batch_delay`` (seconds),
        the recipients waiting for their batch to fill also go, as smaller batches, once the
        first of them has waited that long since the source gave it, however many came
        since (a queue that trickles), as soon as ``max_concurrency`` leaves room.

        An async source is read in one task of its own from its first recipient to its close,
        so an async generator may keep an ``asyncio.timeout`` or anyio cancel scope open across
        its yields (its TimeoutError ends the stream, the batches out finishing first) and
        sees the context variables it sets on every later item.
        """
        if max_batch_delay is not None:
            check_seconds("max_batch_delay", max_batch_delay, positive=True)
        self.check_message(message)
        _check_template_of_a_stream(message)
        check_source(recipients)
        progress = progress if progress is not None else SendProgress(keep_outcomes=False)
        progress.begin()  # before it records anything: a progress another send has is refused
        if progress.total is None and isinstance(recipients, (Sized, Recipient)):
            # A lone number (text, sized by its characters) or Recipient is one recipient.
            progress.total = 1 if isinstance(recipients, (str, bytes, Recipient)) else len(recipients)
        entries = Entries(
            self._resolve_chunks(RecipientResolver(message, self.rules), recipients),
            needs_own_task=isinstance(recipients, AsyncIterable),
        )
        # aclosing: leaving this stream early must settle the batches in flight now, not at GC.
        async with aclosing(self._run(message, entries, progress, max_batch_delay=max_batch_delay)) as reports:
            async for report in reports:
                yield report

    async def plan(
        self, message: Message, recipients: RecipientSource | None = None, *, max_invalid: int | None = None
    ) -> SendPlan:
        """Validate and batch like :meth:`send_stream` without sending anything.

        ``recipients`` defaults to ``message.recipients``: the plan of ``send(message)``, which
        refuses a message without recipients, as the plan then does. Given, the plan is that of
        ``send_stream(message, recipients)``, which refuses a ``message`` with recipients of its
        own, as the plan then does. Problems of the message alone raise
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
        if recipients is None:
            _check_has_recipients(message)
        else:
            _check_template_of_a_stream(message)
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

    def _run(
        self, message: Message, entries: Entries, progress: SendProgress, *, max_batch_delay: float | None = None
    ) -> AsyncGenerator[SendReport, None]:
        """The reports of a :class:`~krsms.fanout.job.SendJob` sending the batches of ``entries``,
        each once ``progress`` holds it."""
        job = SendJob(
            entries,
            progress,
            batcher=self._batcher(message),
            send_flight=lambda flight: self._send_flight(message, flight, progress.on_sending),
            max_concurrency=self.max_concurrency,
            drain_timeout=self.drain_timeout,
            provider=self.provider,
            max_batch_delay=max_batch_delay,
            redact=self._transport.redact if self._transport is not None else str,
        )
        return job.run()

    async def _send_flight(
        self,
        message: Message,
        flight: Flight,
        on_sending: Callable[[Recipients], Awaitable[None]] | None,
    ) -> SendReport:
        """Send one flight, in its own task (what a :class:`~krsms.fanout.job.SendJob` starts):
        its turn under the rate limit, the reservation checked again, ``on_sending`` told, then
        the batch sent and settled; a fatal answer stops the job the moment it is read."""
        if self.requests_per_second is not None:
            flight.watch.pace = self._pace
            await self._pace()
        passed = self._reservation_passed(message)
        if passed is not None:
            if flight.on_fatal is not None:
                flight.on_fatal(passed)
            outcomes = flight.batch.outcomes(SendStatus.NOT_SENT, code=JOB_STOPPED, detail=stopped_detail(passed))
            return SendReport(outcomes=outcomes, error=passed)
        if message.reserve_at is not None:
            # Checked again as each attempt leaves: the first may wait for its slot, a retry
            # for its back-off, and the moment may pass meanwhile.
            flight.watch.before_attempt = functools.partial(self._refuse_after_reservation, message)
        if on_sending is not None:
            recorded = on_sending(flight.batch.recipients)
            if not inspect.isawaitable(recorded):
                raise TypeError(
                    f"on_sending must be a coroutine function (async def): it returned {type(recorded).__name__}, "
                    "not an awaitable"
                )
            await recorded
        flight.sent = True
        with watching_sends(flight.watch):
            try:
                report = await self._send_settled(message, flight.batch, flight, resend=self.resend_missing)
            finally:
                # The contexts copied while the watch was set outlive the flight: asyncio keeps a
                # cancelled timer (each request's timeouts), and its context, until its deadline.
                # Thus the watch lets go of the gateway and the message it called back to.
                flight.watch.pace = flight.watch.before_attempt = None
        if report.error is None and set(report.outcomes.statuses) == {SendStatus.NOT_SENT}:
            passed = self._reservation_passed(message)
            if passed is not None:  # refused as it was about to leave: no later batch may go
                report = attrs.evolve(report, error=passed)
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

    def _refuse_after_reservation(self, message: Message) -> None:
        """Keep an attempt of a send of ``message`` from leaving once its reservation has passed
        (:attr:`~krsms.send_watch.SendWatch.before_attempt`)."""
        passed = self._reservation_passed(message)
        if passed is not None:
            raise errors.UnsendableRequestError(f"not sent: {passed}")

    async def _pace(self) -> None:
        """Wait for the next send slot under ``requests_per_second``."""
        if self._pacer is not None:
            await self._pacer.wait()

    async def _send_settled(self, message: Message, batch: Batch, flight: Flight, *, resend: bool) -> SendReport:
        """Send ``batch`` (the flight's, or the recipients it resends) and turn whatever happens
        into one outcome per recipient."""
        watch = flight.watch
        attempt = BatchAttempt(key=secrets.token_hex(16), started_at=datetime.now(timezone.utc))
        attempts_before = watch.attempts
        answered = await self._outcomes_or_error(message, batch, attempt)
        if not isinstance(answered, errors.KrSmsError):
            return SendReport(outcomes=self._one_each("send_batch", batch, answered), requests=1)
        report = self._failure_report(answered, batch, flight, attempts_before)
        # Not held by this frame from here on: the error's frames link back to it (a finished
        # frame keeps its caller's), and a frame holding its own error is a reference cycle
        # only the garbage collector frees, with everything the send holds.
        del answered
        if report.outcomes[0].status is SendStatus.UNKNOWN and self.reconcile and report.error is None:
            # (A fatal answer stops the send at once, so no look-up follows it.)
            return await self._reconciled(message, batch, attempt, report, flight, resend=resend)
        return report

    def _failure_report(
        self, failed: errors.ProviderError | errors.TransportError, batch: Batch, flight: Flight, attempts_before: int
    ) -> SendReport:
        """The report of ``batch``, whose send failed with ``failed``: one outcome as its class
        tells for every recipient; a lost answer's text kept on the ``flight`` for the look-up."""
        watch = flight.watch
        if isinstance(failed, errors.ProviderError):
            outcome = _classify_provider_error(failed)
        else:
            outcome = SendStatus.UNKNOWN if failed.may_have_been_sent else SendStatus.NOT_SENT
        code = getattr(failed, "code", None) or type(failed).__name__
        if isinstance(failed, errors.TransportError) and not failed.may_have_been_sent:
            # Its last attempt never left (no connection, unsendable); an earlier one refused
            # (a 429) did.
            requests = int(watch.attempts > attempts_before)
        else:
            requests = 1
        report = SendReport(
            outcomes=batch.outcomes(outcome, code=code, detail=str(failed)),
            requests=requests,
            error=failed if isinstance(failed, errors.ProviderError) and failed.fatal else None,
        )
        if outcome is SendStatus.UNKNOWN:
            flight.lost_answer = f"{type(failed).__name__}: {failed}"
        return report

    async def _outcomes_or_error(
        self, message: Message, batch: Batch, attempt: BatchAttempt
    ) -> Sequence[RecipientOutcome] | errors.ProviderError | errors.TransportError:
        """:meth:`send_batch`'s outcomes, or the provider's or the network's error it raised.

        Returned, not kept in a local of the frame that caught it: the error's traceback holds
        that frame, and a frame holding its own error is a reference cycle, which only the
        garbage collector frees (rarely, in a long-running process); until then it would keep
        everything the send holds (its batch, its body, its job).
        """
        try:
            return await self.send_batch(message, batch, attempt)
        except (errors.ProviderError, errors.TransportError) as error:
            return error

    async def _reconciled(
        self,
        message: Message,
        batch: Batch,
        attempt: BatchAttempt,
        report: SendReport,
        flight: Flight,
        *,
        resend: bool,
    ) -> SendReport:
        first: Outcomes | None = None
        try:
            found = await self.reconcile_batch(message, batch, attempt)
            if found is not None and self.reconcile_delay > 0 and _any_unsettled(found):
                first = self._one_each("reconcile_batch", batch, found)
                flight.settle_found(first)  # interrupted from here, what it settled stands
                await asyncio.sleep(self.reconcile_delay)
                found = await self.reconcile_batch(message, batch, attempt)
        except errors.KrSmsError as error:
            logger.warning(
                "%s could not look up a batch of %d recipients whose answer was lost: %s; they stay "
                "unknown unless an earlier look-up settled them",
                self.provider,
                len(batch.indexes),
                error,
                extra={
                    "krsms_event": "reconcile_failed",
                    "krsms_provider": self.provider,
                    "krsms_batch_size": len(batch.indexes),
                    "krsms_batch_key": attempt.key,
                    "krsms_error": type(error).__name__,
                },
            )
            return _with_settled(report, first)
        if found is None:
            return _with_settled(report, first)
        found = _after_first(first, self._one_each("reconcile_batch", batch, found), lost=report.outcomes)
        self.reconciled(attempt, found)
        self._log_reconciled(batch, attempt, found)
        watch = flight.watch
        missing = [outcome for outcome in found if outcome.status is SendStatus.NOT_SENT]
        if not (resend and missing) or watch.stopping:  # an interrupted send starts no resend
            return SendReport(outcomes=found, requests=report.requests)
        retry_batch = Batch(
            kind=batch.kind,
            indexes=tuple(outcome.index for outcome in missing),
            recipients=Recipients(outcome.recipient for outcome in missing),
        )
        flight.begin_resend(retry_batch, found, report.requests)
        logger.info(
            "%s resending %d recipients the provider never received",
            self.provider,
            len(missing),
            extra={
                "krsms_event": "resending",
                "krsms_provider": self.provider,
                "krsms_batch_size": len(missing),
                "krsms_batch_key": attempt.key,
            },
        )
        await self._pace()
        if watch.stopping:  # interrupted while waiting for the send slot
            return SendReport(outcomes=found, requests=report.requests)
        flight.sent = True
        again = await self._send_settled(message, retry_batch, flight, resend=False)
        kept = [outcome for outcome in found if outcome.status is not SendStatus.NOT_SENT]
        return SendReport(
            outcomes=Outcomes.join([kept, again.outcomes]),
            requests=report.requests + again.requests,
            error=again.error,
        )

    def _log_reconciled(self, batch: Batch, attempt: BatchAttempt, found: Outcomes) -> None:
        """The DEBUG line of a batch whose lost answer a look-up settled, with what it found (at
        INFO, a provider failing every send would give a line a batch: the send's end counts
        them all)."""
        if not logger.isEnabledFor(logging.DEBUG):
            return
        statuses = found.statuses
        counts = {status: statuses.count(status) for status in SendStatus}
        logger.debug(
            "%s looked up a batch of %d recipients whose answer was lost: %s",
            self.provider,
            len(batch.indexes),
            counts_said(counts),
            extra={
                "krsms_event": "reconciled",
                "krsms_provider": self.provider,
                "krsms_batch_size": len(batch.indexes),
                "krsms_batch_key": attempt.key,
                **count_fields(counts),
            },
        )

    def _one_each(self, hook: str, batch: Batch, outcomes: Sequence[RecipientOutcome]) -> Outcomes:
        """The ``outcomes`` the provider ``hook`` gave for ``batch``, once they are one per
        recipient by input index: they are all the send learns of its recipients, so one left
        out or given twice would break the one outcome each without a word. Otherwise a
        ValueError, a bug in the hook, which settles the batch as any error that is no
        provider answer does (UNKNOWN once its request may be out) and stops the send."""
        given = Outcomes.of(outcomes)
        if given.indexes != batch.indexes and sorted(given.indexes) != sorted(batch.indexes):
            raise ValueError(
                f"{type(self).__name__}.{hook} gave {len(given)} outcomes for a batch of {len(batch.indexes)} "
                "recipients, not one for each of them: each outcome's index must be one of the batch's "
                "indexes, each once (batch.outcomes(...) gives them)"
            )
        return given

    # -- lifecycle ------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the HTTP client if this gateway created it."""
        if self._transport is not None:
            await self._transport.aclose()


def _check_has_recipients(message: Message) -> None:
    """Refuse a send of ``message`` (or its plan) when it names no recipient."""
    if not message.recipients:
        raise errors.ValidationError(
            "recipients", "is empty: a send needs at least 1 recipient", limit="at least 1", value=0
        )


def _check_template_of_a_stream(message: Message) -> None:
    """Refuse a stream of ``message`` (or its plan) when the message has recipients of its
    own: the stream gives them, and those of the message would silently be left out."""
    if message.recipients:
        raise errors.ValidationError(
            "recipients",
            f"must be empty for send_stream, not {len(message.recipients)} (pass them as the stream)",
            limit="empty",
            value=len(message.recipients),
        )


async def _record_cancelled_validation(
    progress: SendProgress, runs: Sequence[tuple[Sequence[str | Recipient], range]]
) -> None:
    """Record in ``progress`` a send cancelled while it validated its recipients, ``runs`` as
    :func:`record_not_sent` takes them: each NOT_SENT (cancelled), nothing having been sent."""
    try:
        progress.begin()
    except errors.ValidationError:
        return  # another send's progress: none of this send's outcomes belong in it
    if progress.total is None:
        progress.total = sum(len(positions) for _, positions in runs)
    progress.cancelled = True
    try:
        await record_not_sent(progress, runs, code=CANCELLED)
    finally:
        progress.finish()


async def record_not_sent(
    progress: SendProgress,
    runs: Sequence[tuple[Sequence[str | Recipient], range]],
    *,
    code: str,
    pause: bool = True,
) -> None:
    """Record in ``progress`` the recipients a send never sent, NOT_SENT (``code``): for each
    run, ``recipients[position]`` for each of its ``positions``, which are also their input
    indexes. A :data:`~krsms.fanout.sources.VALIDATION_SLICE` at a time, with the event loop
    let in between when ``pause`` (the rest of a million-recipient send takes a while to
    settle), shielded from a cancel scope that keeps cancelling (anyio); a cancellation
    that still comes through has the rest recorded at once. A failing ``on_batch`` is
    taken as :func:`~krsms.fanout.job.record_all` takes it."""
    left = deque((recipients, positions) for recipients, positions in runs if positions)
    try:
        while left:
            recipients, positions = left.popleft()
            part, rest = positions[:VALIDATION_SLICE], positions[VALIDATION_SLICE:]
            if rest:
                left.appendleft((recipients, rest))
            record_all(progress, [_not_sent_report(recipients, part, code)])
            if left and pause:
                with anyio.CancelScope(shield=True):
                    await asyncio.sleep(0)
    finally:
        record_all(progress, [_not_sent_report(recipients, positions, code) for recipients, positions in left])


def _not_sent_report(recipients: Sequence[str | Recipient], positions: range, code: str) -> SendReport:
    """NOT_SENT (``code``) for ``recipients[position]`` at each of ``positions``, their input indexes."""
    part = recipients[positions.start : positions.stop]
    return SendReport(outcomes=Outcomes.uniform(part, positions, SendStatus.NOT_SENT, code=code))


def _with_settled(report: SendReport, first: Outcomes | None) -> SendReport:
    """``report`` of a batch whose second look-up told nothing, with the recipients the
    first one found ACCEPTED or REJECTED (if one did) as it found them."""
    if first is None:
        return report
    return attrs.evolve(report, outcomes=_after_first(first, report.outcomes, lost=report.outcomes))


def _after_first(first: Outcomes | None, later: Outcomes, *, lost: Outcomes) -> Outcomes:
    """``later`` (what a second look-up found, or the lost answer's outcomes), where it does
    not settle a recipient the ``first`` look-up found ACCEPTED or REJECTED, with that
    recipient as the first found it: settled for good. A second look-up that finds NOT_SENT a
    recipient the first found contradicts it, and its NOT_SENT are not believed (a resend on
    them would send twice): those recipients are as the answer ``lost`` left them."""
    decided = (SendStatus.ACCEPTED, SendStatus.REJECTED)
    settled = {} if first is None else {outcome.index: outcome for outcome in first if outcome.status in decided}
    if not settled:
        return later
    contradicted = any(outcome.status is SendStatus.NOT_SENT and outcome.index in settled for outcome in later)
    left_by_answer = {outcome.index: outcome for outcome in lost}

    def standing(outcome: RecipientOutcome) -> RecipientOutcome:
        if outcome.status in decided:
            return outcome
        if outcome.index in settled:
            return settled[outcome.index]
        if contradicted and outcome.status is SendStatus.NOT_SENT:
            return left_by_answer[outcome.index]
        return outcome

    return Outcomes.of(standing(outcome) for outcome in later)


def _any_unsettled(outcomes: Iterable[RecipientOutcome]) -> bool:
    """Whether a look-up left any recipient neither ACCEPTED nor REJECTED."""
    return any(outcome.status not in (SendStatus.ACCEPTED, SendStatus.REJECTED) for outcome in outcomes)


def _classify_provider_error(error: errors.ProviderError) -> SendStatus:
    """The outcome of a batch answered with ``error``, as its class tells (see
    :attr:`~krsms.errors.ProviderError.may_have_been_processed`): UNKNOWN whatever it says
    when it follows an earlier attempt that may have been processed."""
    if error.earlier_attempt is not None:
        return SendStatus.UNKNOWN
    if error.refused_before_processing:
        return SendStatus.NOT_SENT
    if error.may_have_been_processed:
        return SendStatus.UNKNOWN
    return SendStatus.REJECTED

"""The scheduler of one bulk send: batches in flight, the source read ahead, stops and settling.

A :class:`SendJob` is made per send by the gateway, which hands it what it needs: the
entries to read, the send's progress, a batcher to cut them into batches and a callable that
sends one :class:`Flight` (a batch on its way) and settles it into a report. The job keeps
at most ``max_concurrency`` flights going, reads the source one batch ahead (an async one in
the one task of a :class:`~krsms.fanout.reading.SourceReader`), stops on the first fatal answer, and on
any other ending (cancellation, the source or a callback failing, the consumer leaving)
settles every recipient read: the helpers at the end of this module say what an unfinished
flight settles as.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Coroutine, Iterable, Mapping
from typing import Any

import anyio
import attrs

from krsms import errors
from krsms.fanout.batching import Batch, Batcher
from krsms.fanout.outcome_codes import CANCELLED, JOB_STOPPED, SEND_FAILED
from krsms.fanout.reading import SourceReader
from krsms.fanout.sources import Entries, Entry, Run
from krsms.gateway import Outcomes, RecipientOutcome, SendProgress, SendReport, SendStatus
from krsms.send_watch import SendWatch

logger: logging.Logger = logging.getLogger("krsms")

SOURCE_CLOSE_TIMEOUT = 10.0
"""Seconds a send that ends early gives its recipient source to close (its ``finally`` blocks)."""


@attrs.define
class Flight:
    """A batch on its way: what the job and the callable sending it share about it.

    Until its task returns the batch's report, the flight knows what an interruption would
    leave of it (:meth:`unfinished_report`): the recipients a reconciliation settled
    already, and the others, still open, whose request may or may not be out.
    """

    batch: Batch
    sent: bool = False
    """True once sending the open recipients began; ``watch`` then says whether a request
    may have arrived."""
    watch: SendWatch = attrs.Factory(SendWatch)
    stopped_by: errors.KrSmsError | None = None
    """The fatal error that stopped the job before this batch's request could leave."""
    on_fatal: Callable[[errors.KrSmsError], None] | None = None
    """Stops the job; called in the batch's own task the moment its answer is a fatal error."""
    settled: Outcomes | None = None
    """Outcomes a reconciliation settled while the batch's other recipients are still open."""
    open: Batch | None = None
    """The recipients still open once some are :attr:`settled`; None: the whole batch."""
    unsent: Outcomes | None = None
    """What the open recipients stay while their request has not left (a resend's: NOT_SENT,
    as the reconciliation found them); None: NOT_SENT with the interruption's code."""
    requests_before: int = 0
    """Requests the batch made before the open recipients' (a resend's) request."""
    attempts_before: int = 0
    """``watch.attempts`` when the open recipients' (a resend's) request began."""
    lost_answer: str | None = None
    """What the open recipients' request whose answer was lost failed with (its error's class
    and message, not the error, whose frames would hold the send), while the batch is looked
    up; None while that request is out (or was never sent)."""

    def settle_found(self, found: Outcomes) -> None:
        """A look-up found the open recipients as ``found``, one outcome each, and another
        look-up follows: those it found ACCEPTED or REJECTED are settled for good."""
        definitive = Outcomes.of(
            outcome for outcome in found if outcome.status in (SendStatus.ACCEPTED, SendStatus.REJECTED)
        )
        if definitive:
            self._settle(definitive, set(definitive.indexes))

    def begin_resend(self, resent: Batch, found: Outcomes, requests: int) -> None:
        """A reconciliation found the open recipients as ``found`` (``requests`` made so far),
        and ``resent``, those it found NOT_SENT, is to be sent again: until that resend may
        have left (:attr:`sent` set again, the watch telling of the resend alone), an
        interruption leaves each recipient as the reconciliation found it."""
        resent_indexes = set(resent.indexes)
        self._settle(_at(found, set(found.indexes) - resent_indexes), set(found.indexes))
        self.open = resent
        self.unsent = _at(found, resent_indexes)
        self.requests_before, self.attempts_before = requests, self.watch.attempts
        self.lost_answer = None
        self.sent = False
        self.watch.may_have_arrived = None

    def _settle(self, outcomes: Outcomes, replacing: set[int]) -> None:
        """Settle ``outcomes`` for good, in place of what was settled of the ``replacing``
        indexes; the other recipients of those indexes stay open."""
        earlier = () if self.settled is None else _at(self.settled, set(self.settled.indexes) - replacing)
        self.settled = Outcomes.join([earlier, outcomes])
        settled = set(outcomes.indexes)
        still_open = [entry for entry in (self.open or self.batch).entries if entry[0] not in settled]
        self.open = Batch(
            kind=self.batch.kind,
            indexes=tuple(index for index, _ in still_open),
            recipients=[recipient for _, recipient in still_open],
        )
        if self.unsent is not None:
            self.unsent = _at(self.unsent, set(self.open.indexes))

    def may_be_out(self) -> bool:
        """Whether the open recipients' request may have left: sending began and the transport
        has not seen every attempt refused (a gateway whose sends bypass the transport tells
        nothing)."""
        return self.sent and self.watch.may_have_arrived is not False

    def unfinished_report(self, *, code: str, detail_if_out: str | None, detail_if_not: str | None) -> SendReport:
        """The batch as its task left it unfinished: what is settled already, and the open
        recipients UNKNOWN (``code``, ``detail_if_out``) once their request may be out, else
        :attr:`unsent` or NOT_SENT (``code``, ``detail_if_not``). Refused attempts (a 429
        before the back-off) still reached the network and count as a request."""
        out = self.may_be_out()
        open_batch = self.open or self.batch
        if out:
            left = open_batch.outcomes(SendStatus.UNKNOWN, code=code, detail=detail_if_out)
        elif self.unsent is not None:
            left = self.unsent
        else:
            left = open_batch.outcomes(SendStatus.NOT_SENT, code=code, detail=detail_if_not)
        return SendReport(
            outcomes=left if self.settled is None else Outcomes.join([self.settled, left]),
            requests=self.requests_before + int(out or self.watch.attempts > self.attempts_before),
        )


class SendJob:
    """One bulk send under way: the batches cut, those in flight, and why it stops if it does.

    :meth:`run` drives it a step at a time: :meth:`start_flights`, then the
    :meth:`invalid_report`, then :meth:`collect` for each of the :meth:`finished_flights`,
    until it is :attr:`idle`; then :meth:`settle_stopped` after a fatal error, or
    :meth:`settle_interrupted` when the send ends any other way. Every report a step returns
    is already recorded in the send's :class:`~krsms.gateway.SendProgress`.

    The source is read one batch ahead, while the batches in flight are waited for. An async
    one is read by a :class:`~krsms.fanout.reading.SourceReader`: in one task of its own for
    the whole send, the read of the rest after a fatal stop and the source's close included,
    so that what the source binds to its task (a timeout, a cancel scope, a context variable)
    holds across its yields. A source that pauses (a queue, a paginated API) holds back
    neither the reports of the batches that finish meanwhile nor the stop a fatal answer
    makes. The job's own task touches what a read fills (the batcher, the batches ready, the
    current chunk) only while that read is suspended on the source or done. A sync source
    (``send()``'s recipients, a list, a generator) binds nothing and never pauses: the job
    reads it in its own task (:meth:`_read_here`), saving the hand-over.
    """

    def __init__(
        self,
        entries: Entries,
        progress: SendProgress,
        *,
        batcher: Batcher,
        send_flight: Callable[[Flight], Coroutine[Any, Any, SendReport]],
        max_concurrency: int,
        drain_timeout: float,
        provider: str,
        max_batch_delay: float | None = None,
        redact: Callable[[str], str] = str,
    ):
        self._entries = entries
        self._progress = progress
        self._batcher = batcher
        """Cuts what is read into batches (a batch's worth is its ``batch_size``)."""
        self._send_flight = send_flight
        """Sends a flight's batch and settles it into one report, in the flight's own task."""
        self._max_concurrency = max_concurrency
        """Batches in flight at once."""
        self._drain_timeout = drain_timeout
        """On interruption, seconds to let the requests that may be out finish (0: none)."""
        self._provider = provider
        """The provider's name, for the log."""
        self._ready: deque[Batch] = deque()
        """Batches cut and not started yet."""
        self._unbatched: list[RecipientOutcome] = []
        """Outcomes of recipients read that no batch carries (invalid ones; after a stop, the
        rest of the source), not reported yet."""
        self._exhausted = False
        """Whether the source has been read to its end, its last batches flushed to ``_ready``."""
        self.flights: dict[asyncio.Future[SendReport], Flight] = {}
        """Batches started and not collected yet, by the task sending each (or, for the lone
        batch of a send sent in the job's own task, by the future of its report)."""
        self._sent_here: asyncio.Future[SendReport] | None = None
        """The future of the report of the lone batch the job's own task sends (:meth:`_fly_here`)."""
        self.stopped_by: errors.KrSmsError | None = None
        """The fatal error that stopped the job: no batch starts after it."""
        self.source_error: Exception | None = None
        """What the source raised: no batch starts after it, and what is out finishes first."""
        self._reader = SourceReader(entries)
        """Reads a source that needs it in a task of its own for the whole send (and closes
        any source: in that task, or in the job's when it started none)."""
        self._reading: asyncio.Future[BaseException | None] | None = None
        """The read of the source under way (:meth:`_read_until_ready`, or of the rest after a
        stop), as the future of what it raised."""
        self._max_batch_delay = max_batch_delay
        """Seconds the recipient waiting longest for its batch to fill may wait before those
        waiting go as they are; None: a batch goes only full, or at the source's end."""
        self._redact = redact
        """Hides the provider's secrets in what an error says, before it goes into an outcome."""

    async def run(self) -> AsyncGenerator[SendReport, None]:
        """Send the batches of the entries, yielding each report once the progress holds it.

        However the send ends (done, stopped by a fatal error, the source or a batch raising,
        cancelled, or left early by its consumer), every recipient read is recorded once.
        """
        settled = False
        started = time.perf_counter()
        ended_by: BaseException | None = None
        try:
            while True:
                await self.start_flights()
                if (invalid := self.invalid_report()) is not None:
                    yield invalid
                if self.idle:
                    break  # nothing in flight nor being read, and nothing more may start
                for task in await self.finished_flights():
                    yield self.collect(task)
            if self.source_error is not None:
                raise self.source_error  # the rest of what was read is settled below, NOT_SENT
            if self.stopped_by is not None:
                async for report in self.settle_stopped(self.stopped_by):
                    yield report
            settled = True
        except BaseException as error:
            ended_by = error
            raise
        finally:
            try:
                if not settled:
                    await self.settle_interrupted()
            finally:
                # Even when a second cancellation cut the settling's waits short: it recorded all.
                self._progress.finish()
                try:
                    self._log_end(time.perf_counter() - started, ended_by)
                finally:  # a logging filter of the application's may raise: the source still closes
                    await self.close_source()

    def _log_end(self, elapsed: float, ended_by: BaseException | None) -> None:
        """The one line of the send's end, with its counts: WARNING when some recipients may or
        may not have been sent (``UNKNOWN``), else INFO. A send ended early counts the
        recipients of its known ``total`` it never read as not sent (``send()`` reports them so
        once the job is over)."""
        progress = self._progress
        level = logging.WARNING if progress.counts[SendStatus.UNKNOWN] else logging.INFO
        if not logger.isEnabledFor(level):
            return  # the counts and words of a line no handler would see
        counts = dict(progress.counts)
        never_read = (progress.total or 0) - progress.settled if progress.cancelled else 0
        counts[SendStatus.NOT_SENT] += max(never_read, 0)
        recipients = sum(counts.values())
        stopped_by = None if self.stopped_by is None else type(self.stopped_by).__name__
        if stopped_by is not None:
            how = f"; stopped by {stopped_by}"
        elif isinstance(ended_by, asyncio.CancelledError):
            how = "; cancelled"
        elif isinstance(ended_by, GeneratorExit):
            how = "; left early by its consumer"
        elif ended_by is not None:
            how = f"; ended by {type(ended_by).__name__}"
        else:
            how = ""
        logger.log(
            level,
            "%s send ended: %d %s: %s; %d requests in %.2fs%s",
            self._provider,
            recipients,
            "recipient" if recipients == 1 else "recipients",
            counts_said(counts),
            progress.requests,
            elapsed,
            how,
            extra={
                "krsms_event": "send_ended",
                "krsms_provider": self._provider,
                "krsms_recipients": recipients,
                **count_fields(counts),
                "krsms_requests": progress.requests,
                "krsms_elapsed_s": round(elapsed, 3),
                "krsms_stopped_by": stopped_by,
                "krsms_cancelled": progress.cancelled,
            },
        )

    @property
    def idle(self) -> bool:
        """Whether the job is over: no batch in flight, the source not being read, and nothing
        more to read from it (exhausted or failed, or a fatal error stopped the job)."""
        return not self.flights and self._reading is None and (self._exhausted or not self._may_start())

    def _may_start(self) -> bool:
        """Whether a batch may still start: no fatal error stopped the job, the source did not fail."""
        return self.stopped_by is None and self.source_error is None

    def _has_room(self) -> bool:
        """Whether another batch may fly under ``max_concurrency``."""
        return len(self.flights) < self._max_concurrency

    async def start_flights(self) -> None:
        """Start the batches ready until ``max_concurrency`` are in flight; then, while there
        is room for one more, read the source for it: in the reader's task for a source that
        needs one (:meth:`finished_flights` waits for that read too), or here, and start what
        it made ready. Nothing starts once the job is stopped or the source has failed."""
        while True:
            while self._ready and self._may_start() and self._has_room():
                flight = Flight(self._ready.popleft(), on_fatal=self._stop_once)
                if self._is_lone_batch():
                    await self._fly_here(flight)
                    return
                self.flights[asyncio.ensure_future(self._send_flight(flight))] = flight
            if self._reading is not None or self._ready or self._exhausted or not self._may_start():
                return
            if not self._has_room():
                return
            if self._entries.needs_own_task:
                self._reading = self._reader.read(self._read_until_ready)
                return
            await self._read_here(self._read_until_ready)
            if not self._ready:
                return  # the invalid ones to report first, or the source ended or failed

    def _is_lone_batch(self) -> bool:
        """Whether the batch just taken from ``_ready`` is the send's last and only one in
        flight, with nothing else to report or wait for meanwhile: the source read to its end,
        no other batch ready or in flight, no invalid recipients waiting to be reported, and
        no drain asked for (a drain needs the request in a task of its own, to let it finish
        while the send's own task is cancelled)."""
        return (
            self._exhausted
            and not self._ready
            and not self.flights
            and not self._unbatched
            and self._reading is None
            and self._drain_timeout == 0
        )

    async def _fly_here(self, flight: Flight) -> None:
        """Send the lone batch of a send (a web app's one message to one recipient) in the
        job's own task: a task of its own would cost its creation and two more passes of the
        event loop, and buy nothing with nothing else to do meanwhile. Its report (or what it
        raised) goes into a done future in :attr:`flights`, collected as a task's is. Cancelled
        (the send is), the future stays pending: :meth:`settle_interrupted` settles it as the
        task it stands for, UNKNOWN once the request may be out, NOT_SENT before."""
        done: asyncio.Future[SendReport] = asyncio.get_running_loop().create_future()
        self.flights[done] = flight
        self._sent_here = done
        try:
            report = await self._send_flight(flight)
        except Exception as error:
            done.set_exception(error)
        else:
            done.set_result(report)

    async def _read_here(self, read: Callable[[], Awaitable[None]]) -> None:
        """Run ``read`` of a source that needs no task of its own in the job's task: it holds
        nothing across its reads and they never wait for it, so the reader's hand-over (two
        passes of the event loop a batch) would buy nothing. What it raises is taken as
        :meth:`_read_done` takes a read's outcome: an Exception stops new batches, anything
        else propagates."""
        try:
            await read()
        except Exception as error:
            self.source_error = error

    def _read_done(self, reading: asyncio.Future[BaseException | None]) -> None:
        """Take in the outcome of the finished read: a source that failed stops new batches
        (what is out finishes first); an interrupt, or a cancellation the source raised
        itself, propagates as it would have from the job's own task (the reading task hands
        them over instead of raising them: a KeyboardInterrupt raised in a task would escape
        the event loop instead of the send)."""
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
        the source is exhausted (a read, run by the reader's task)."""
        batcher, ready, invalid = self._batcher, self._ready, self._unbatched
        batch_size = self._batcher.batch_size
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

    def invalid_report(self) -> SendReport | None:
        """The invalid recipients read since the last call, as one recorded report; None when
        there are none."""
        if not self._unbatched:
            return None
        report = SendReport(outcomes=tuple(self._unbatched))
        self._unbatched.clear()
        return self._recorded(report)

    async def finished_flights(self) -> list[asyncio.Future[SendReport]]:
        """Wait until a flight finishes, the read of the source ends (a batch is ready, the
        source is exhausted or failed) or the recipients waiting for their batch to fill are
        due to go as they are (``max_batch_delay``); the flights that have finished, to
        :meth:`collect` (none when only the read ended or the delay ran out)."""
        reading = self._reading
        waiting: set[asyncio.Future[Any]] = {*self.flights}
        if reading is not None:
            waiting.add(reading)
        if not waiting:
            return []  # a source read here gave a batch's worth of invalid ones: read on
        sent_here = self._sent_here
        if sent_here is not None and sent_here.done() and sent_here in self.flights:
            return [sent_here]  # the lone batch, sent in the job's own task: no pass to wait for
        await asyncio.wait(waiting, timeout=self._partial_batch_due(), return_when=asyncio.FIRST_COMPLETED)
        if reading is not None and reading.done():
            self._read_done(reading)
        elif (due := self._partial_batch_due()) is not None and due <= 0:
            # The read waits on the source, its entries all batched: what is due goes as it is.
            self._ready.extend(self._due_batches())
        return [task for task in self.flights if task.done()]

    def _due_batches(self) -> list[Batch]:
        """The groups waiting for their batch to fill whose first recipient has waited
        ``max_batch_delay``, oldest first, as batches: as many as may start now (the others
        stay in the batcher, which bounds what waits; they go as room frees)."""
        assert self._max_batch_delay is not None
        room = self._max_concurrency - len(self.flights)
        return self._batcher.release_waiting(self._max_batch_delay, now=time.monotonic(), limit=room)

    def _partial_batch_due(self) -> float | None:
        """Seconds before recipients waiting for their batch to fill are due to go as they are,
        ``max_batch_delay`` after the one waiting longest was taken from the source (however
        many came since): 0 when some are due now, the whole delay while none wait (the read
        may bring one meanwhile). None when no delay applies: none set, the source not being
        read, no room to send, or the job stopped."""
        delay = self._max_batch_delay
        if delay is None or self._reading is None or not (self._has_room() and self._may_start()):
            return None
        waiting_since = self._batcher.waiting_since
        if waiting_since is None:
            return delay
        return max(0.0, waiting_since + delay - time.monotonic())

    def collect(self, task: asyncio.Future[SendReport]) -> SendReport:
        """The recorded report of a finished flight, taken out of :attr:`flights` first; a
        fatal error in it stops the job. A task that raised (a bug, a failing ``on_sending``)
        has its batch recorded, then its error propagates."""
        flight = self.flights.pop(task)
        if task.cancelled() and flight.stopped_by is not None:
            report = _stopped_report(flight, flight.stopped_by)
        elif task.cancelled():
            # Cancelled by code outside this send (its own cancellation ends in
            # settle_interrupted): settled as an interrupted flight, and the send goes on.
            report = _interrupted_report(task, flight, self._redact)
        else:
            if (error := task.exception()) is not None:
                # Not a provider answer: account for the batch, then surface it (over what a
                # failing on_batch raised meanwhile: task.result() raises it).
                try:
                    self._progress.record(_failed_report(flight, error, self._redact))
                finally:
                    task.result()
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
        logger.error(
            "%s bulk send stopped: %s; no request leaves from now on: the batches whose request may be out "
            "finish, the rest is reported NOT_SENT (stopped)",
            self._provider,
            error,
            extra={
                "krsms_event": "send_stopped",
                "krsms_provider": self._provider,
                "krsms_error": type(error).__name__,
                "krsms_status_code": getattr(error, "status_code", None),
                "krsms_provider_code": getattr(error, "code", None),
                "krsms_method": getattr(error, "method", None),
                "krsms_path": getattr(error, "path", None),
                "krsms_request_id": getattr(error, "request_id", None),
            },
        )
        # The flight whose answer stopped it, if one did.
        stopping_from = self._sent_here or asyncio.current_task()
        for task, flight in self.flights.items():
            flight.watch.stopping = True
            if task is not stopping_from and not flight.may_be_out():
                flight.stopped_by = error
                task.cancel()

    async def settle_stopped(self, error: errors.KrSmsError) -> AsyncIterator[SendReport]:
        """After the fatal ``error``: NOT_SENT (``stopped``) for everything not sent yet, the
        rest of the source included, as recorded reports.

        Whatever it has not reported yet stays in ``_ready`` and ``_unbatched``, for
        :meth:`settle_interrupted` to record if the source fails or the send is interrupted.
        The rest of the source is read by the reader's task, a batch size at a time.
        """
        detail = stopped_detail(error)
        self._ready.extend(self._batcher.flush())
        while self._ready:
            batch = self._ready.popleft()
            yield self._recorded(
                SendReport(outcomes=batch.outcomes(SendStatus.NOT_SENT, code=JOB_STOPPED, detail=detail))
            )
        pending = self._unbatched
        while not self._exhausted:
            read_stopped = functools.partial(self._read_stopped, detail)
            if self._entries.needs_own_task:
                self._reading = reading = self._reader.read(read_stopped)
                await asyncio.wait([reading])
                self._read_done(reading)
            else:
                await self._read_here(read_stopped)
            if self.source_error is not None:
                raise self.source_error
            if pending:
                report = SendReport(outcomes=tuple(pending))
                pending.clear()
                yield self._recorded(report)

    async def _read_stopped(self, detail: str) -> None:
        """Read entries as NOT_SENT (``stopped``) into ``_unbatched`` until a batch size of
        them waits there or the source is exhausted (a read, run by the reader's task)."""
        pending, batch_size = self._unbatched, self._batcher.batch_size
        while True:
            for entry in self._entries.current:
                pending.extend(_not_sent_outcomes(entry, code=JOB_STOPPED, detail=detail))
                if len(pending) >= batch_size:
                    return
            if not await self._entries.advance():
                self._exhausted = True
                return

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
                # Read no further; what the source gave is settled below, once it stopped.
                self._reader.interrupt()
                if reading is not None:
                    await asyncio.wait([reading], timeout=10)
                # Drain only requests that may be out; a batch still waiting to start (for
                # its rate-limit slot, or to retry a refused attempt) must not start now.
                in_flight = [task for task, flight in flights.items() if flight.may_be_out()]
                for task in flights.keys() - in_flight:
                    task.cancel()
                drain_timeout = self._drain_timeout
                if in_flight and drain_timeout > 0:
                    logger.info(
                        "%s send interrupted: letting the %d batches in flight finish (up to %.1fs)",
                        self._provider,
                        len(in_flight),
                        drain_timeout,
                        extra={
                            "krsms_event": "send_draining",
                            "krsms_provider": self._provider,
                            "krsms_in_flight": len(in_flight),
                        },
                    )
                    await asyncio.wait(in_flight, timeout=drain_timeout)
                for task in flights:
                    task.cancel()
                if flights:
                    await asyncio.wait(flights, timeout=10)
        finally:
            for task in flights:
                task.cancel()  # a no-op for finished tasks; stops any the waits did not
            reports = [_interrupted_report(task, flight, self._redact) for task, flight in flights.items()]
            buffered = [*self._ready, *self._batcher.flush()]
            leftovers = [batch.outcomes(SendStatus.NOT_SENT, code=CANCELLED) for batch in buffered]
            # Read from the source but not batched yet (the rest of the chunk being read).
            unread = [_not_sent_outcomes(entry, code=CANCELLED) for entry in self._entries.current]
            reports.append(SendReport(outcomes=Outcomes.join([self._unbatched, *leftovers, *unread])))
            record_all(self._progress, reports)

    async def close_source(self) -> None:
        """Close the source once what was read from it is settled (see
        :func:`~krsms.fanout.sources.resolve_chunks`), in the task that read it. Shielded, for a
        while: a cancellation that keeps coming (an anyio cancel scope) must not cut the
        source's own clean-up short; one that fails is logged, not raised over the send's own
        outcome."""
        if not self._reader.closes_anything:
            return  # send()'s list: no need of the shielded scope (a few hundred instructions)
        with anyio.move_on_after(SOURCE_CLOSE_TIMEOUT, shield=True):
            try:
                await self._reader.aclose()
            except Exception:
                logger.exception(
                    "%s: closing the recipient source failed",
                    self._provider,
                    extra={"krsms_event": "source_close_failed", "krsms_provider": self._provider},
                )

    def _recorded(self, report: SendReport) -> SendReport:
        """``report``, once the send's progress has recorded it."""
        self._progress.record(report)
        return report


_COUNTED = (SendStatus.ACCEPTED, SendStatus.REJECTED, SendStatus.UNKNOWN, SendStatus.NOT_SENT)
"""The statuses a log line counts, in the order it says them."""


def counts_said(counts: Mapping[SendStatus, int]) -> str:
    """Recipients by status as the log lines say them: ``97 accepted, 0 rejected, 0 unknown,
    3 not sent``."""
    return ", ".join(f"{counts.get(status, 0)} {status.value.replace('_', ' ')}" for status in _COUNTED)


def count_fields(counts: Mapping[SendStatus, int]) -> dict[str, int]:
    """The same counts as a log line's ``extra=`` fields (``krsms_accepted`` ... ``krsms_not_sent``)."""
    return {f"krsms_{status.value}": counts.get(status, 0) for status in _COUNTED}


def stopped_detail(error: errors.KrSmsError) -> str:
    """The ``detail`` of a recipient left NOT_SENT (``stopped``) by the fatal ``error``."""
    return f"not sent: the job stopped after {type(error).__name__}: {error}"


def _at(outcomes: Outcomes, indexes: set[int]) -> Outcomes:
    """The ``outcomes`` of the recipients at ``indexes`` of the input."""
    return Outcomes.of(outcome for outcome in outcomes if outcome.index in indexes)


def _stopped_report(flight: Flight, error: errors.KrSmsError) -> SendReport:
    """A batch :meth:`SendJob._stop` cancelled before its request could leave."""
    detail = stopped_detail(error)
    return flight.unfinished_report(code=JOB_STOPPED, detail_if_out=detail, detail_if_not=detail)


def _failed_report(flight: Flight, error: BaseException, redact: Callable[[str], str]) -> SendReport:
    """A flight whose task raised ``error`` (a bug, a failing ``on_sending``): UNKNOWN once its
    request may be out, NOT_SENT before; the detail says what was raised, through ``redact``."""
    raised = f"sending the batch raised {type(error).__name__}: {redact(str(error))}"
    return flight.unfinished_report(
        code=SEND_FAILED, detail_if_out=f"{raised}; it may have arrived", detail_if_not=f"not sent: {raised}"
    )


def _interrupted_report(task: asyncio.Future[SendReport], flight: Flight, redact: Callable[[str], str]) -> SendReport:
    """What an interrupted flight settled as: its own report if it finished, its failure if it
    raised, else UNKNOWN once its request may be out, NOT_SENT before."""
    if task.done() and not task.cancelled():
        error = task.exception()
        return task.result() if error is None else _failed_report(flight, error, redact)
    if flight.lost_answer is None:
        detail = "cancelled while the request was in flight; it may have arrived"
    else:
        detail = f"cancelled while looking up the batch after {redact(flight.lost_answer)}; it may have arrived"
    return flight.unfinished_report(code=CANCELLED, detail_if_out=detail, detail_if_not=None)


def record_all(progress: SendProgress, reports: Iterable[SendReport]) -> None:
    """Record every report of an interrupted send but an empty one (what was left to settle
    may be nothing: ``on_batch`` is called with batches only). A failing ``on_batch`` callback
    is logged, not allowed to leave the remaining reports unrecorded (the send's own
    exception, the cancellation or the callback's first failure, is what propagates). An
    interrupt it raises (KeyboardInterrupt, SystemExit) is raised once every report is
    recorded, and ``on_batch`` called with each: the progress, and a results file written
    from it, stay complete."""
    interrupt: BaseException | None = None
    for report in reports:
        if not report.outcomes:
            continue
        try:
            progress.record(report)
        except Exception:
            logger.exception(
                "progress callback failed while settling an interrupted send",
                extra={"krsms_event": "callback_failed", "krsms_provider": None},
            )
        except BaseException as error:
            interrupt = interrupt or error
    if interrupt is not None:
        raise interrupt


def _not_sent_outcomes(entry: Entry, *, code: str, detail: str | None = None) -> Outcomes:
    """NOT_SENT for the recipients of an entry never sent (an invalid one keeps its own outcome)."""
    if isinstance(entry, RecipientOutcome):
        return Outcomes.of((entry,))
    if isinstance(entry, Run):
        indexes = range(entry.start, entry.start + len(entry.recipients))
        return Outcomes.uniform(entry.recipients, indexes, SendStatus.NOT_SENT, code=code, detail=detail)
    index, recipient, _ = entry
    return Outcomes.uniform((recipient,), (index,), SendStatus.NOT_SENT, code=code, detail=detail)

"""``krsms send``: a bulk send from a file, with progress, a results file and ``--resume``."""

from __future__ import annotations

import asyncio
import re
import signal
from collections.abc import AsyncIterator, Sequence
from contextlib import aclosing
from pathlib import Path

import anyio.to_thread
import attrs
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from krsms.commands.campaigns import Campaign, check_same_campaign, record_campaign, recorded_campaign
from krsms.commands.file_pass import FilePass
from krsms.commands.placeholders import NOTHING_FILLS, RowPlaceholders, columns_used
from krsms.commands.recipient_files import (
    NumberColumn,
    carries_text,
    check_recipients_path,
    has_recipients,
    number_column,
    parameter_columns,
    read_recipients,
)
from krsms.commands.results_checks import check_results_path, check_unclaimed
from krsms.commands.results_files import ResultsFile
from krsms.commands.results_journal import (
    SendJournal,
    clear_settled_journal,
    in_flight_recipients,
    journal_path,
    recover_in_flight,
)
from krsms.commands.results_lock import exclusive_use
from krsms.commands.results_reading import holds_results, settled_recipients
from krsms.commands.results_rows import row_detail
from krsms.commands.settled import SettledRecipients
from krsms.commands.signals import stop_on_signals
from krsms.commands.stderr import print_error, print_note
from krsms.commands.subjects import DroppedSubjects, check_subject_given
from krsms.errors import KrSmsError, ProviderError, ValidationError
from krsms.fanout import CANCELLED, JOB_STOPPED, LOCAL_INVALID, BatchingGateway
from krsms.gateway import Message, Recipient, RecipientOutcome, SendPlan, SendProgress, SendReport, SendStatus
from krsms.phone_numbers import normalize_number
from krsms.text import MessageKind

SHOWN_INVALID = 20
"""Invalid recipients a dry run lists (and keeps: a file of a million bad rows stays small);
the rest are counted."""
DRAIN_SECONDS = 8.0
"""On Ctrl-C or SIGTERM, how long requests already sent get to finish, so their outcome is
known: under the 10 seconds ``docker stop`` waits before it kills (a kill is safe too, the
journal records what was in flight, but the outcomes are then UNKNOWN)."""


@attrs.frozen(kw_only=True)
class Credentials:
    """Keys for one provider, from flags or environment variables; never shown."""

    provider: str
    access_key: str | None = attrs.field(default=None, repr=False)
    secret_key: str | None = attrs.field(default=None, repr=False)
    service_id: str | None = None
    app_key: str | None = attrs.field(default=None, repr=False)
    nhn_secret_key: str | None = attrs.field(default=None, repr=False)

    def missing(self) -> list[str]:
        """The fields still needed for this provider (``access_key``, ``app_key``, ...)."""
        if self.provider == "sens":
            needed = {"access_key": self.access_key, "secret_key": self.secret_key, "service_id": self.service_id}
        else:
            needed = {"app_key": self.app_key}
        return [name for name, value in needed.items() if not value]


def make_gateway(
    credentials: Credentials,
    *,
    base_url: str | None,
    max_concurrency: int,
    requests_per_second: float | None = None,
    placeholder_keys: bool = False,
) -> BatchingGateway:
    """The gateway for ``credentials.provider``; ``placeholder_keys`` fills missing keys for
    work that never reaches the network (a dry run)."""
    filler = "dry-run" if placeholder_keys else ""
    if credentials.provider == "sens":
        from krsms.sens import DEFAULT_BASE_URL, SensGateway

        return SensGateway(
            access_key=credentials.access_key or filler,
            secret_key=credentials.secret_key or filler,
            service_id=credentials.service_id or filler,
            base_url=base_url or DEFAULT_BASE_URL,
            max_concurrency=max_concurrency,
            requests_per_second=requests_per_second,
            drain_timeout=DRAIN_SECONDS,
        )
    from krsms.nhn import DEFAULT_BASE_URL as NHN_BASE_URL
    from krsms.nhn import NhnGateway

    return NhnGateway(
        app_key=credentials.app_key or filler,
        secret_key=credentials.nhn_secret_key,
        base_url=base_url or NHN_BASE_URL,
        max_concurrency=max_concurrency,
        requests_per_second=requests_per_second,
        drain_timeout=DRAIN_SECONDS,
    )


TEMPLATE_PLACEHOLDER = re.compile(r"##([^#\r\n]+?)##")
"""A ``##key##`` placeholder of an NHN template, filled by the recipient's CSV column ``key``."""


@attrs.frozen(kw_only=True)
class RegisteredTemplate:
    """What ``krsms send`` needs of an NHN template: the keys of its ``##key##`` placeholders
    and the kind of message it is registered for."""

    placeholders: list[str]
    """The keys of its title's and body's placeholders, in order."""
    kind: MessageKind
    """SMS, LMS, or MMS (LMS with attached files): every recipient is sent as this kind, or
    NHN refuses the request (-2006); AUTO when NHN does not say."""


TEMPLATE_KINDS = {"0": MessageKind.SMS, "1": MessageKind.LMS}
"""The message kind of each ``sendType`` of an NHN template (N26: ``"0"`` SMS, ``"1"``
LMS/MMS, ``"2"`` authentication codes, which ``krsms send`` does not send)."""


async def registered_template(gateway: BatchingGateway, template_id: str) -> RegisteredTemplate | None:
    """The template as registered, looked up from the provider (NHN N26: a read, nothing is
    sent); None for a provider without templates (SENS). A template of authentication codes
    (send type 2), which go through another endpoint, is refused (:class:`ValidationError` of
    ``template_id``)."""
    from krsms.nhn import NhnGateway

    if not isinstance(gateway, NhnGateway):
        return None
    template = await gateway.client.get_template(template_id)
    texts = (template.title or "", template.body or "")
    placeholders = list(dict.fromkeys(key for text in texts for key in TEMPLATE_PLACEHOLDER.findall(text)))
    if template.send_type is None:
        return RegisteredTemplate(placeholders=placeholders, kind=MessageKind.AUTO)
    kind = TEMPLATE_KINDS.get(template.send_type)
    if kind is None:
        raise ValidationError(
            "template_id",
            f"template {template_id} is registered for send type {template.send_type!r} "
            f"({template.send_type_name or 'authentication codes'}): krsms send sends SMS and LMS/MMS templates",
            limit="send type 0 or 1",
            value=template_id,
        )
    if kind is MessageKind.LMS and (template.attach_file_yn or template.attach_file_list):
        kind = MessageKind.MMS
    return RegisteredTemplate(placeholders=placeholders, kind=kind)


def columns_for_template(
    template_id: str, placeholders: list[str], columns: list[str], recipients_path: Path
) -> list[str]:
    """Refuse (:class:`ValidationError` of ``template_id``) recipients whose CSV has no column
    for a placeholder of the template: it would be sent as it is, ``##key##`` and all.
    Returns the columns the template never uses."""
    missing = [key for key in placeholders if key not in columns]
    if missing:
        names = ", ".join(f"##{key}##" for key in missing)
        raise ValidationError(
            "template_id",
            f"template {template_id} has {names}, but {recipients_path.name} has no column named so "
            f"(its parameter columns: {', '.join(columns) or 'none'}); every recipient would get the placeholder "
            "as it is: name a column after each placeholder",
            value=template_id,
        )
    return [column for column in columns if column not in placeholders]


class _DuplicateCounter:
    """Counts recipients whose number (normalised) came earlier in the stream."""

    def __init__(self) -> None:
        self.duplicates = 0
        self._seen: set[str] = set()

    async def watch(self, recipients: AsyncIterator[Recipient]) -> AsyncIterator[Recipient]:
        """``recipients`` unchanged, counted on the way."""
        async for recipient in recipients:
            self._count(recipient.number)
            yield recipient

    def _count(self, number: str) -> None:
        try:
            normalised = normalize_number(number)
        except ValidationError:
            return  # invalid numbers are reported as such
        if normalised in self._seen:
            self.duplicates += 1
        else:
            self._seen.add(normalised)


async def dry_run(
    gateway: BatchingGateway,
    message: Message,
    recipients_path: Path,
    console: Console,
    *,
    number_column: str | None = None,
    resume_from: Path | None = None,
    kind_known: bool = True,
) -> SendPlan:
    """Validate and batch the file without sending; print what a send would do.
    ``number_column``: the CSV's number column if given (``--number-column``).
    ``resume_from``: the results file of a ``--resume``, whose recipients settled or in flight
    are skipped as the resume would (read only: nothing is recovered, nor written, not even
    the campaign a later ``--reserve-at`` moves), and said so. ``kind_known``: False when the
    message's kind is not known (its NHN template not looked up): the resume's campaign check
    then leaves the message type out.

    Raises :class:`~krsms.commands.bad_files.BadFileError` for what the send would refuse
    before sending: rows whose text expects placeholders filled, or a resume whose results do
    not fit the file."""
    check_subject_given(message, gateway.rules, recipients_path)  # as the send refuses it
    counter = _DuplicateCounter()
    file_pass = FilePass(
        placeholders=row_placeholders(message, recipients_path, number_column),
        subjects=DroppedSubjects.of(message, gateway.rules),
    )
    in_flight = 0
    if resume_from is not None:
        gateway.check_message(message)  # as the send does first: a passed --reserve-at is named as such
        check_same_campaign(
            resume_from,
            Campaign.of(gateway.provider, message, recipients_path),
            precision=gateway.rules.reserve_precision,
            now=gateway.now(),
            compare_kind=kind_known,
        )
        file_pass.skip, in_flight = await anyio.to_thread.run_sync(_resume_preview, resume_from)
    recipients = read_recipients(
        recipients_path,
        template_parameters=message.template_id is not None,
        number_column=number_column,
        damage=file_pass.damage,
    )
    plan = await gateway.plan(message, counter.watch(file_pass.watch(recipients)), max_invalid=SHOWN_INVALID)
    if resume_from is not None:
        console.print(Text(_resume_preview_note(file_pass, in_flight, resume_from)), soft_wrap=True)
    table = Table(title=f"Dry run: {gateway.provider.upper()} ({gateway.batch_size} recipients a request)")
    table.add_column("recipients", justify="right")
    table.add_column("invalid", justify="right")
    for kind in plan.requests:
        table.add_column(f"{kind.value} requests", justify="right")
    table.add_row(str(plan.recipients), str(plan.invalid_count), *(str(count) for count in plan.requests.values()))
    console.print(table)
    for outcome in plan.invalid:
        console.print(f"  line {outcome.recipient.reference}: {row_detail(outcome)}", markup=False)
    if plan.invalid_count > len(plan.invalid):
        console.print(f"  ... and {plan.invalid_count - len(plan.invalid)} more")
    if counter.duplicates:
        console.print(
            f"duplicates: {counter.duplicates} of these recipients have a number listed earlier (not removed)"
        )
    file_pass.check(recipients_path, resume_from or recipients_path)
    return plan


def _resume_preview(results_path: Path) -> tuple[SettledRecipients, int]:
    """What a ``--resume`` into ``results_path`` would skip, read only: the recipients it
    settled, and those in flight when a run stopped (as unknown, which the resume records
    first); and how many were in flight."""
    skip = settled_recipients(results_path) if results_path.exists() else SettledRecipients()
    in_flight = [key for key in in_flight_recipients(results_path) if key not in skip]
    for key in in_flight:
        skip.add(key, SendStatus.UNKNOWN)
    return skip, len(in_flight)


def _resume_preview_note(file_pass: FilePass, in_flight: int, results_path: Path) -> str:
    """What a dry run of ``--resume`` says the resume would do."""
    skipped = sum(file_pass.skipped.values())
    statuses = ", ".join(f"{count} {status.value}" for status, count in file_pass.skipped.items() if count)
    recovered = (
        f"; {in_flight} of them in flight when the last run stopped, which it would record as unknown first"
        if in_flight
        else ""
    )
    return (
        f"resume (a dry run: nothing is recorded): {skipped} recipients settled in {results_path} would be skipped"
        f"{f' ({statuses})' if statuses else ''}{recovered}; {file_pass.to_send} would be sent, as planned below"
    )


def row_placeholders(message: Message, recipients_path: Path, number_column: str | None) -> RowPlaceholders | None:
    """The check of each row's own text for placeholders of the file's columns, which nothing
    fills without a template; None when there is nothing to check."""
    if message.template_id is not None or not carries_text(recipients_path):
        return None
    columns = parameter_columns(recipients_path, number_column=number_column)
    return RowPlaceholders(columns) if columns else None


@attrs.define
class FileSend:
    """What a send of a file did, filled in as it goes (:func:`send_file`): complete however
    the send ends, finished, stopped by an error or interrupted."""

    progress: SendProgress | None = None
    """The send's progress; None until the file is held and its recipients counted."""
    recovered: int = 0
    """Recipients a stopped run had in flight, recorded UNKNOWN by this ``--resume``."""
    failure: str | None = None
    """Why the first recipient left NOT_SENT by a failed request was not sent (not a
    recipient refused as invalid, nor one a stop or a cancellation left unsent)."""
    resumed: bool = False
    """Whether this is a ``--resume``, continuing the campaign of earlier runs."""
    stopped: bool = False
    """Whether an error (a file that cannot be written, say), not an interruption, ended the
    send before it finished."""
    earlier: dict[SendStatus, int] = attrs.Factory(lambda: dict.fromkeys(SendStatus, 0))
    """The recipients of the file a ``--resume`` skipped, by the status their row settled
    them with (the recovered ones among them): the earlier runs' part of the campaign."""

    def counts(self) -> dict[SendStatus, int]:
        """Outcomes of the recipients this run recorded, the recovered ones included."""
        counts = dict(self.progress.counts) if self.progress is not None else dict.fromkeys(SendStatus, 0)
        counts[SendStatus.UNKNOWN] += self.recovered
        return counts

    def campaign_counts(self) -> dict[SendStatus, int]:
        """Outcomes of every recipient of the file: this run's, and the earlier runs' a
        ``--resume`` skipped (the recovered ones are among those)."""
        counts = dict(self.progress.counts) if self.progress is not None else dict.fromkeys(SendStatus, 0)
        return {status: counts[status] + self.earlier[status] for status in SendStatus}

    def sent_anything(self) -> bool:
        """Whether this run recorded a recipient that may have been sent: accepted, rejected by
        the provider, unknown, or recovered as in flight."""
        counts = self.counts()
        return bool(counts[SendStatus.ACCEPTED] or counts[SendStatus.REJECTED] or counts[SendStatus.UNKNOWN])


_NOT_FAILURES = frozenset({LOCAL_INVALID, JOB_STOPPED, CANCELLED})
"""Codes of NOT_SENT outcomes no failed request explains."""


def _first_failure(outcomes: Sequence[RecipientOutcome]) -> str | None:
    """The detail of the first outcome NOT_SENT because its request failed."""
    return next(
        (
            outcome.detail or outcome.code or "not sent"
            for outcome in outcomes
            if outcome.status is SendStatus.NOT_SENT and outcome.code not in _NOT_FAILURES
        ),
        None,
    )


async def send_file(
    gateway: BatchingGateway,
    message: Message,
    *,
    recipients_path: Path,
    results_path: Path,
    resume: bool,
    console: Console,
    number_column: str | None = None,
    record: FileSend | None = None,
) -> FileSend:
    """Stream the file through ``gateway``, appending each batch's outcomes to the results
    file as it settles; on Ctrl-C the batches settled by the cancellation are written too.
    Each batch is noted in a :class:`SendJournal` before it is sent, so that ``--resume``
    after a crash records what was in flight as UNKNOWN instead of sending it again.
    ``number_column``: the CSV's number column if given (``--number-column``). What the send
    did goes into ``record`` (a new one if not given), returned; pass one to read it after an
    interruption or an error, which this raises.

    The message is checked first (a past reservation, say), before any file is touched. The
    results file is then held for this run alone (:func:`exclusive_use`) and checked again
    (:func:`check_unclaimed`: a run started at the same moment may have sent to it since the
    command's first check). A resume of another campaign than the results file's
    (:func:`~krsms.commands.campaigns.check_same_campaign`) is refused, and so is one where a
    settled row is no longer on its line of the recipients file (edited since?), rather than
    sending to those recipients again; and rows whose own text expects placeholders filled
    (:class:`~krsms.commands.placeholders.RowPlaceholders`). The campaign is recorded beside
    a results file it starts, and again by a resume that moved a passed reservation later
    (once every check passed: the resumes after it compare with the new moment)."""
    record = FileSend() if record is None else record
    gateway.check_message(message)
    check_subject_given(message, gateway.rules, recipients_path)
    campaign = Campaign.of(gateway.provider, message, recipients_path)
    with exclusive_use(results_path):
        if not resume:  # a resume recovers the journal, whatever it holds
            # A journal whose every batch was settled and written (a run interrupted after its
            # last batch) holds nothing in flight: no reason to refuse the next run.
            await anyio.to_thread.run_sync(clear_settled_journal, results_path)
        check_unclaimed(results_path, resume=resume)  # a run started with this one may have sent first
        file_pass = FilePass(
            placeholders=row_placeholders(message, recipients_path, number_column),
            subjects=DroppedSubjects.of(message, gateway.rules),
        )
        if resume:
            check_same_campaign(results_path, campaign, precision=gateway.rules.reserve_precision, now=gateway.now())
            record.resumed = True
            record.recovered = await _recover_in_flight(results_path, console)
            file_pass.skip = await anyio.to_thread.run_sync(settled_recipients, results_path)
        await anyio.to_thread.run_sync(file_pass.count, recipients_path, number_column)
        file_pass.check(recipients_path, results_path)
        record.earlier = file_pass.skipped
        if not resume or recorded_campaign(results_path) != campaign:  # new, or rescheduled
            record_campaign(results_path, campaign)
        total, skip = file_pass.to_send, file_pass.skip
        settled: list[SendReport] = []
        bar = Progress(
            TextColumn(f"[bold]{gateway.provider.upper()}[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        if resume:
            skipped = sum(file_pass.skipped.values())
            console.print(Text(f"resuming: {skipped} recipients already settled in {results_path}"), soft_wrap=True)
        async with ResultsFile(results_path) as results, SendJournal(results_path) as journal:
            progress = SendProgress(keep_outcomes=False, on_batch=settled.append, total=total, on_sending=journal.note)
            record.progress = progress
            with bar:
                task = bar.add_task("sending", total=total)

                async def write_settled() -> None:
                    # Everything pending in one write: once called, a write completes even if a
                    # second Ctrl-C interrupts the wait, so no settled batch is left unwritten.
                    outcomes = tuple(outcome for batch in settled for outcome in batch.outcomes)
                    settled.clear()
                    if record.failure is None:
                        record.failure = _first_failure(outcomes)
                    if outcomes:
                        await results.write(outcomes)
                        bar.advance(task, len(outcomes))
                        await journal.settled(outcomes)  # written: recovery need not keep them

                try:
                    recipients = read_recipients(
                        recipients_path,
                        skip=skip,
                        template_parameters=message.template_id is not None,
                        number_column=number_column,
                    )
                    stream = gateway.send_stream(message, recipients, progress=progress)
                    async with aclosing(stream) as reports:
                        async for _ in reports:
                            await write_settled()
                finally:
                    await write_settled()
        return record


async def _recover_in_flight(results_path: Path, console: Console) -> int:
    """Record as UNKNOWN what a run stopped with batches in flight had in flight; how many."""
    recovered = await anyio.to_thread.run_sync(recover_in_flight, results_path)
    if recovered:
        console.print(
            Text(f"recovered: {recovered} recipients in flight when the last run stopped, recorded as unknown"),
            soft_wrap=True,
        )
    return recovered


def summary(record: FileSend, *, provider: str, results_path: Path | None = None) -> Table:
    """A table of outcome counts (the recipients recovered as unknown included), requests
    and time; titled as stopped or interrupted when it did not finish."""
    progress = record.progress
    cancelled = progress is not None and progress.cancelled
    ended = " (stopped)" if record.stopped else " (interrupted)" if cancelled else ""
    table = Table(title=f"{provider.upper()} send{ended}")
    for status in SendStatus:
        table.add_column(status.value, justify="right")
    table.add_column("requests", justify="right")
    table.add_column("seconds", justify="right")
    counts = record.counts()
    requests, elapsed = (progress.requests, progress.report().elapsed) if progress is not None else (0, 0.0)
    table.add_row(*(str(counts[status]) for status in SendStatus), str(requests), f"{elapsed:.2f}")
    notes = [f"results: {results_path}"] if results_path is not None else []
    if record.recovered:
        notes.append(f"{record.recovered} unknown were in flight when the last run stopped")
    if notes:
        table.caption = Text("; ".join(notes))
    return table


def campaign_line(record: FileSend, results_path: Path) -> str:
    """After a ``--resume``: the outcomes of every recipient of the file, this run's and the
    earlier runs', which the exit code is decided by."""
    counts = record.campaign_counts()
    shown = ", ".join(f"{counts[status]} {status.value}" for status in SendStatus)
    return f"campaign: {shown}, of {sum(counts.values())} recipients (this run and the earlier ones in {results_path})"


def interrupted_note(record: FileSend, results_path: Path) -> str:
    """What the ``interrupted:`` line says of a send stopped by Ctrl-C or SIGTERM, from what
    ``record`` recorded: where the results are when something may have been sent, or that
    nothing was (and whether ``--resume`` is needed all the same: the results file holds the
    rows of those not sent, or of the earlier runs)."""
    if record.sent_anything():
        return f"interrupted: settled recipients are in {results_path}; run again with --resume"
    if record.resumed or (record.progress is not None and record.progress.settled):
        return (
            f"interrupted: nothing was sent by this run; {results_path} holds the results so far: "
            "run again with --resume to send the rest"
        )
    return "interrupted: nothing was sent"


def resume_hint(record: FileSend, results_path: Path) -> str:
    """What the error that stopped a send adds: to run again with ``--resume`` once it is
    fixed, when the send left results or a journal (a run without it would be refused); else
    nothing, as for a send refused before it began."""
    if record.progress is None or not (holds_results(results_path) or journal_path(results_path).exists()):
        return ""
    return "; once fixed, run again with --resume to send the rest"


def refuses_template(error: object) -> bool:
    """Whether ``error`` is NHN refusing the message's template: none has its id, or it is
    registered for another message type."""
    from krsms.nhn.errors import TemplateError, TemplateKindError

    return isinstance(error, (TemplateError, TemplateKindError))


def fatal_error(record: FileSend) -> KrSmsError | None:
    """The error that stopped the send: a fatal provider error (bad credentials, unregistered
    sender), or the reservation passing during the send; None if none did."""
    error = record.progress.error if record.progress is not None else None
    if isinstance(error, ProviderError) and error.fatal:
        return error
    return error if isinstance(error, ValidationError) else None


def nothing_sent(record: FileSend) -> str | None:
    """The error to show when no request of the send reached the provider because they
    failed (an unreachable ``--base-url``, the network down): why the first did; None when
    some did, or none failed."""
    if record.progress is None or record.failure is None or fatal_error(record):
        return None
    counts = record.progress.counts
    if counts[SendStatus.ACCEPTED] or counts[SendStatus.REJECTED] or counts[SendStatus.UNKNOWN]:
        return None
    return f"nothing was sent: {record.failure}"


def exit_code(record: FileSend) -> int:
    """0 when every recipient of the campaign was accepted (none recovered as unknown, and on
    ``--resume`` none the earlier runs settled otherwise); 2 when a fatal provider error or a
    reservation passing stopped the send (:func:`fatal_error`); 1 otherwise."""
    if fatal_error(record):
        return 2
    counts = record.campaign_counts()
    settled = sum(counts.values())
    cancelled = record.progress is not None and record.progress.cancelled
    return 0 if counts[SendStatus.ACCEPTED] == settled and not cancelled else 1


@attrs.frozen(kw_only=True)
class SendOptions:
    """How ``krsms send`` sends its message (:func:`run_send`): from which file, with which
    results file, at what pace; or only as a dry run."""

    recipients_path: Path
    """The recipients file (:mod:`krsms.commands.recipient_files`)."""
    results_path: Path
    """The results file (``--results``), appended as batches finish; a dry run leaves it be."""
    number_column: str | None
    """The CSV's number column (``--number-column``); None to find it by its name."""
    resume: bool
    """Skip the recipients the results file has settled (``--resume``)."""
    dry_run: bool
    """Validate and show the batches; send nothing (``--dry-run``)."""
    base_url: str | None
    """The provider's base URL (``--base-url``); None for the provider's own."""
    max_concurrency: int
    """Requests in flight at once (``--max-concurrency``)."""
    requests_per_second: float | None
    """Cap on send requests per second (``--requests-per-second``); None for no cap."""


def run_send(
    credentials: Credentials,
    message: Message,
    options: SendOptions,
    *,
    console: Console,
    received: list[signal.Signals],
    record: FileSend | None = None,
) -> int:
    """``krsms send``: check the files, then send ``message`` to the recipients file, or only
    show its batches (a dry run). Progress and the summary go to ``console``; errors and
    warnings to stderr. Returns the command's exit code: :func:`exit_code` of the send; for a
    dry run, 1 when it found invalid recipients. Before either: 2 when the message and the
    file do not go together (no text in either, or a ``--text`` that expects the columns
    nothing fills), 1 when the file holds no recipients.

    Raises :class:`~krsms.errors.KrSmsError` for an option or a file that cannot be used,
    and lets an interruption through (``KeyboardInterrupt``, ``asyncio.CancelledError``):
    SIGTERM and Ctrl-C cancel the send (:func:`~krsms.commands.signals.stop_on_signals`), and
    each one caught is appended to ``received``. What the send did goes into ``record``, when
    given: after an interruption, :func:`interrupted_note` reads it."""
    refusal = _check_files(message, options, console)
    if refusal is not None:
        return refusal
    record = FileSend() if record is None else record
    return asyncio.run(_send(credentials, message, options, console=console, received=received, record=record))


def _check_files(message: Message, options: SendOptions, console: Console) -> int | None:
    """Check the recipients file, and the results file unless a dry run, before any request,
    and say which column the numbers are read from. None when the send may go ahead; else the
    exit code to stop with, the problem said on stderr. Raises
    :class:`~krsms.errors.KrSmsError` for a file that cannot be used."""
    path = options.recipients_path
    check_recipients_path(path)
    numbers = number_column(path, options.number_column)
    if numbers is not None:
        console.print(Text(_number_column_note(numbers)), soft_wrap=True)
    if not message.text.strip() and message.template_id is None and not carries_text(path):
        # A blank text is none: every recipient would be written NOT_SENT for having no text.
        given = "is blank" if message.text else "is required"
        print_error(f"--text {given}: {path} has no 'text' column (or use --template-id)")
        return 2
    columns = parameter_columns(path, number_column=options.number_column) if message.template_id is None else []
    if _text_expects_columns(console, message.text, columns):
        return 2
    if not has_recipients(path, number_column=options.number_column):
        print_note(f"warning: {path} has no recipients; nothing to send")
        return 1
    if not options.dry_run or options.resume:  # a dry run of a resume reads the results
        check_results_path(options.results_path, path, resume=options.resume)
    return None


def _number_column_note(column: NumberColumn) -> str:
    """Which column the numbers are read from, and which others were passed over for it."""
    if not column.passed_over:
        return f"number column: {column.name}"
    return (
        f"number column: {column.name}, a mobile number column, rather than {', '.join(column.passed_over)} "
        "(--number-column chooses another)"
    )


def _text_expects_columns(console: Console, text: str, columns: list[str]) -> bool:
    """Without ``--template-id`` the extra CSV ``columns`` fill nothing: whether ``text``
    looks as if it expected them (``{name}``, ``##name##``), said as an error; if it does
    not, a note on ``console`` says they are not sent."""
    if not columns:
        return False
    expected = columns_used(text, columns)
    if expected:
        print_error(f"--text uses {', '.join(expected)} but {NOTHING_FILLS}")
        return True
    console.print(Text(f"note: columns {', '.join(columns)} are not sent (they fill NHN template placeholders)"))
    return False


async def _send(
    credentials: Credentials,
    message: Message,
    options: SendOptions,
    *,
    console: Console,
    received: list[signal.Signals],
    record: FileSend,
) -> int:
    """:func:`run_send` once the files are checked: the send or the dry run; its exit code."""
    stop_on_signals(received)
    async with make_gateway(
        credentials,
        base_url=options.base_url,
        max_concurrency=options.max_concurrency,
        requests_per_second=options.requests_per_second,
        placeholder_keys=options.dry_run,
    ) as gateway:
        kind_known = True
        if message.template_id is not None:
            kind_known = _looks_up_template(credentials, options)
            kind = await _check_template(gateway, message.template_id, credentials, options)
            if kind is not None:
                if message.kind not in (MessageKind.AUTO, kind):
                    raise ValidationError(
                        "kind",
                        f"is {message.kind.value.lower()}, but template {message.template_id} is registered for "
                        f"{kind.value}, which NHN sends it as only: leave --kind out",
                        limit=kind.value,
                        value=message.kind.value,
                    )
                console.print(Text(f"template {message.template_id}: registered for {kind.value}, sent as such"))
                message = attrs.evolve(message, kind=kind)
        if options.dry_run:
            plan = await dry_run(
                gateway,
                message,
                options.recipients_path,
                console,
                number_column=options.number_column,
                resume_from=options.results_path if options.resume else None,
                kind_known=kind_known,
            )
            return 0 if not plan.invalid_count else 1
        return await _send_and_report(gateway, message, options, console=console, record=record)


def _looks_up_template(credentials: Credentials, options: SendOptions) -> bool:
    """Whether the message's NHN template is looked up (:func:`_check_template`): always by a
    send; not by a dry run without an app key."""
    return not (options.dry_run and credentials.provider == "nhn" and not credentials.app_key)


async def _check_template(
    gateway: BatchingGateway, template_id: str, credentials: Credentials, options: SendOptions
) -> MessageKind | None:
    """The kind of message the template is registered for, which every recipient must be
    sent as; None when not known (a provider without templates, or NHN not saying). Refuses a
    recipients file that leaves a placeholder of the template unfilled
    (:func:`columns_for_template`), and warns of the columns the template does not use. A dry
    run without an NHN app key cannot look the template up, and says so (and, resuming, that
    the message type is not compared with the campaign's)."""
    if not _looks_up_template(credentials, options):
        compared = (
            f", nor compared with the one the campaign in {options.results_path} was sent as" if options.resume else ""
        )
        print_note(
            f"warning: template {template_id} is not looked up without --app-key: its placeholders are not "
            f"checked, and its message type (SMS, LMS) is not known{compared}"
        )
        return None
    template = await registered_template(gateway, template_id)
    if template is None:
        return None
    columns = parameter_columns(options.recipients_path, number_column=options.number_column)
    unused = columns_for_template(template_id, template.placeholders, columns, options.recipients_path)
    if unused:
        print_note(f"warning: template {template_id} does not use columns {', '.join(unused)}; they fill nothing")
    return None if template.kind is MessageKind.AUTO else template.kind


async def _send_and_report(
    gateway: BatchingGateway, message: Message, options: SendOptions, *, console: Console, record: FileSend
) -> int:
    """:func:`send_file` (what it did going into ``record``), then what it did
    (:func:`summary`, and on ``--resume`` the :func:`campaign_line`) and what stopped it, if
    anything: its :func:`exit_code`."""
    try:
        await send_file(
            gateway,
            message,
            recipients_path=options.recipients_path,
            results_path=options.results_path,
            resume=options.resume,
            console=console,
            number_column=options.number_column,
            record=record,
        )
    except KrSmsError:
        record.stopped = True
        raise
    finally:  # finished, interrupted or stopped by an error: say what was done
        if record.progress is not None:
            console.print(summary(record, provider=gateway.provider, results_path=options.results_path))
            if record.resumed:
                console.print(Text(campaign_line(record, options.results_path)), soft_wrap=True)
    fatal = fatal_error(record)
    if isinstance(fatal, ValidationError):  # the reservation passed while the batches went out
        print_error(f"--reserve-at: {fatal.problem}; run again with --resume and a later --reserve-at")
    elif fatal is not None:
        option = f"--template-id {message.template_id}: " if refuses_template(fatal) else ""
        print_error(f"{option}{fatal}; once fixed, run again with --resume to send the rest")
    unsent = nothing_sent(record)
    if unsent is not None:
        print_error(f"{unsent}; once fixed, run again with --resume")
    return exit_code(record)

"""``krsms send``: a bulk send from a file, with progress, a results file and ``--resume``.

This module runs the command (:func:`run_send`: the files checked, the NHN template looked
up, then the send or its dry run) and sends the file (:func:`send_file`). What it builds on
has a module each:

- :mod:`krsms.commands.gateways`: the gateway, made from the provider's keys;
- :mod:`krsms.commands.nhn_templates`: the NHN template of ``--template-id``;
- :mod:`krsms.commands.placeholders`: texts that expect columns nothing fills;
- :mod:`krsms.commands.dry_runs`: ``--dry-run``, sending nothing;
- :mod:`krsms.commands.recipient_files` and :mod:`krsms.commands.file_pass`: the recipients,
  read and counted before the first request;
- :mod:`krsms.commands.results.files`: the results file, its journal of batches in flight,
  its lock, and what ``--resume`` skips (each in a ``results_*`` module);
- :mod:`krsms.commands.file_sends`: what the send did, and its exit code;
- :mod:`krsms.commands.send_summaries`: what the command says of it once it ends.
"""

from __future__ import annotations

import asyncio
import signal
from contextlib import aclosing
from pathlib import Path

import anyio.to_thread
import attrs
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from krsms.commands.campaigns import Campaign, check_same_campaign, record_campaign, recorded_campaign
from krsms.commands.dry_runs import dry_run
from krsms.commands.file_pass import FilePass
from krsms.commands.file_sends import (
    FileSend,
    count_unanswered,
    exit_code,
    fatal_error,
    first_failure,
    nothing_sent,
)
from krsms.commands.gateways import Credentials, make_gateway
from krsms.commands.nhn_templates import columns_for_template, refuses_template, registered_template
from krsms.commands.placeholders import row_placeholders, text_expects_columns
from krsms.commands.recipient_files import (
    NumberColumn,
    carries_text,
    check_recipients_path,
    has_recipients,
    number_column,
    parameter_columns,
    read_recipients,
)
from krsms.commands.results.checks import check_results_path, check_unclaimed
from krsms.commands.results.files import ResultsFile
from krsms.commands.results.journal import SendJournal, clear_settled_journal, recover_in_flight
from krsms.commands.results.lock import exclusive_use
from krsms.commands.results.reading import settled_recipients
from krsms.commands.send_summaries import campaign_line, summary, unanswered_line
from krsms.commands.signals import stop_on_signals
from krsms.commands.stderr import print_error, print_note
from krsms.commands.subjects import DroppedSubjects, check_subject_given
from krsms.errors import KrSmsError, ValidationError
from krsms.fanout import BatchingGateway
from krsms.gateway import Message, SendProgress, SendReport
from krsms.text import MessageKind


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
    request_timeout: float | None
    """Seconds after which each request to the provider is given up (``--request-timeout``);
    None for the SDK's :class:`~krsms.Timeouts`."""


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
    given: after an interruption, :func:`~krsms.commands.send_summaries.interrupted_note`
    reads it."""
    refusal = _check_files(message, options, console)
    if refusal is not None:
        return refusal
    record = FileSend() if record is None else record
    return asyncio.run(_send(credentials, message, options, console=console, received=received, record=record))


def _check_files(message: Message, options: SendOptions, console: Console) -> int | None:
    """Check the recipients file, and the results file (a dry run's too), before any request,
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
    if text_expects_columns(console, message.text, columns):
        return 2
    if not has_recipients(path, number_column=options.number_column):
        print_note(f"warning: {path} has no recipients; nothing to send")
        return 1
    # A dry run too (it only reads): one that passes must not be followed by the send refusing
    # its results file.
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
        request_timeout=options.request_timeout,
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
    (:func:`summary`, the :func:`unanswered_line`, and on ``--resume`` the
    :func:`campaign_line`) and what stopped it, if anything: its :func:`exit_code`."""
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
            unanswered = unanswered_line(record, options.request_timeout)
            if unanswered is not None:
                console.print(Text(unanswered), soft_wrap=True)
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
                        record.failure = first_failure(outcomes)
                    record.unanswered += count_unanswered(outcomes)
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

"""``krsms send --dry-run``: the recipients file validated and batched as a send would, and
what it would send laid out (:func:`dry_run`); nothing reaches the provider. With
``--resume``, the recipients the results file settled, or a stopped run had in flight, are
skipped as the resume would, read only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import anyio.to_thread
from rich.console import Console
from rich.table import Table
from rich.text import Text

from krsms.commands.campaigns import Campaign, check_same_campaign
from krsms.commands.file_pass import FilePass
from krsms.commands.placeholders import row_placeholders
from krsms.commands.recipient_files import read_recipients
from krsms.commands.results.journal import in_flight_recipients
from krsms.commands.results.reading import settled_recipients
from krsms.commands.results.rows import row_detail
from krsms.commands.settled import SettledRecipients
from krsms.commands.subjects import DroppedSubjects, check_subject_given
from krsms.errors import ValidationError
from krsms.fanout import BatchingGateway
from krsms.gateway import Message, Recipient, SendPlan, SendStatus
from krsms.phone_numbers import normalize_number

SHOWN_INVALID = 20
"""Invalid recipients a dry run lists (and keeps: a file of a million bad rows stays small);
the rest are counted."""


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
    not fit the file; then nothing of the plan is shown."""
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
    # Before anything is laid out: a plan the send would refuse is no plan.
    file_pass.check(recipients_path, resume_from or recipients_path)
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

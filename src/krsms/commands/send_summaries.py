"""What ``krsms send`` says of a send once it ends, from what it did
(:class:`~krsms.commands.file_sends.FileSend`): the summary table (:func:`summary`), the
whole campaign's outcomes after a ``--resume`` (:func:`campaign_line`), the recipients left
unknown by a request that got no answer (:func:`unanswered_line`), the line of an
interruption (:func:`interrupted_note`), and what an error adds about going on
(:func:`resume_hint`)."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table
from rich.text import Text

from krsms.commands.file_sends import FileSend
from krsms.commands.results.journal import journal_path
from krsms.commands.results.reading import holds_results
from krsms.gateway import SendStatus


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


def unanswered_line(record: FileSend, request_timeout: float | None) -> str | None:
    """What the unknown whose request got no answer in time came to (within
    ``request_timeout`` seconds, when given: ``--request-timeout``); None when there are none."""
    if not record.unanswered:
        return None
    within = f"within --request-timeout {request_timeout:g} seconds" if request_timeout is not None else "in time"
    return (
        f"unknown: {record.unanswered} got no answer {within}: they may have been sent, "
        "and --resume does not send them again"
    )


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

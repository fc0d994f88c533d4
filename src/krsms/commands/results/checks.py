"""The checks of a results file before ``krsms send`` appends to it: not the recipients file,
named ``.csv`` or ``.jsonl``, there to resume from with ``--resume``, and without it not
claimed by another run (:func:`check_results_path`); checked again once the run holds the file
(:func:`check_unclaimed`), since a run started at the same moment may have claimed it since.
"""

from __future__ import annotations

from pathlib import Path

from krsms.commands.bad_files import BadFileError, file_problems
from krsms.commands.results.journal import in_flight_recipients, journal_path, journal_start
from krsms.commands.results.lock import IN_USE, in_use
from krsms.commands.results.reading import holds_results
from krsms.commands.results.rows import RESULT_SUFFIXES


def check_results_path(results_path: Path, recipients_path: Path, *, resume: bool) -> None:
    """Refuse a results file a send must not append to (:class:`BadFileError`): the recipients
    file itself; one whose suffix is neither ``.csv`` nor ``.jsonl``; one in a directory that
    does not exist; one another run is using
    (with ``--resume``, its dry run included; without, one holding that run's journal); with
    ``--resume``, one that does not exist (unless a stopped run's journal is left, and shows
    it held no settled recipients: :func:`_check_no_rows_lost`); without, one
    :func:`check_unclaimed` refuses.

    Another run may claim the file after this check: :func:`check_unclaimed` again once
    :func:`~krsms.commands.results.lock.exclusive_use` holds it."""
    with file_problems(results_path):
        exists = results_path.exists()
        if exists and results_path.samefile(recipients_path):
            raise BadFileError(results_path, "is the recipients file; choose another --results")
    if results_path.suffix.lower() not in RESULT_SUFFIXES:
        raise BadFileError(results_path, f"results are written as {' or '.join(RESULT_SUFFIXES)}: name the file so")
    if not exists and not results_path.parent.is_dir():
        raise BadFileError(
            results_path, f"its directory {results_path.parent} does not exist: make it, or choose another --results"
        )
    if resume and not exists and not journal_path(results_path).exists():
        raise BadFileError(results_path, "does not exist, so there is nothing to resume (run without --resume)")
    if resume and not exists:
        _check_no_rows_lost(results_path)
    if (resume or journal_path(results_path).exists()) and in_use(results_path):
        # A live run's journal is never read as settled, nor, by a dry run of a resume, as
        # what a stopped run left in flight.
        raise BadFileError(results_path, IN_USE)
    check_unclaimed(results_path, resume=resume)


def _check_no_rows_lost(results_path: Path) -> None:
    """Refuse (:class:`BadFileError`) to resume into a results file deleted since the run
    that left a journal beside it began, when it held settled recipients: the journal keeps
    only what was in flight, so the recipients of its rows would be sent again. (A file now
    shorter is no sign of lost rows: a spreadsheet saving it drops the numbers' leading 0.)"""
    start = journal_start(results_path)
    if start is None or not start.held_rows():
        return
    raise BadFileError(
        results_path,
        f"does not exist, but its journal {journal_path(results_path).name} shows that the run that stopped had "
        "settled recipients in it: resuming would send to them again; restore it (or send the rest with a new "
        "--results)",
    )


ALREADY_HOLDS_RESULTS = (
    "already holds the results of an earlier send: a new campaign needs its own --results; "
    "to finish that send, run the command that started it again with --resume"
)
"""Why a results file with rows is refused without ``--resume``: not a nudge to add it for
another campaign, which would skip everyone that campaign reached."""


def check_unclaimed(results_path: Path, *, resume: bool) -> None:
    """Without ``--resume``, refuse (:class:`BadFileError`) a results file that another run
    claimed: one it left a journal of batches in flight beside, or one that already
    :func:`holds_results`. Call it while :func:`~krsms.commands.results.lock.exclusive_use`
    holds the file, so that no run starting at the same moment claims it between the check
    and the send."""
    if resume:
        return
    journal = journal_path(results_path)
    if journal.exists() and in_flight_recipients(results_path):
        raise BadFileError(
            results_path,
            f"a run that stopped with batches in flight left {journal.name}: add --resume "
            "to record them as unknown and continue, rather than send them again",
        )
    if holds_results(results_path):
        raise BadFileError(results_path, ALREADY_HOLDS_RESULTS)

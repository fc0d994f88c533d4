"""The journal of ``krsms send``'s batches in flight: beside the results (``out.csv``:
``out.csv.sending``, :func:`journal_path`), each batch's recipients are noted before it is
sent, and marked settled once their results rows are written (:class:`SendJournal`).

After a crash or a kill, ``--resume`` records those a run had in flight as UNKNOWN
(:func:`recover_in_flight`) instead of sending them again, reading the journal line by line
and keeping only the batches not marked settled (:func:`in_flight_recipients`); a journal
whose every batch was settled holds nothing in flight, and is removed
(:func:`clear_settled_journal`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TextIO

import anyio.to_thread
import attrs

from krsms.commands.bad_files import file_problems, is_csv
from krsms.commands.results.mending import ready_to_append
from krsms.commands.results.reading import holds_results, is_settled, result_rows, results_row_key, row_field
from krsms.commands.results.rows import (
    CSV_START,
    RESULT_FIELDS,
    STATUSES,
    beside,
    json_line_value,
    serialised_rows,
)
from krsms.commands.settled import ResumeKey, resume_key
from krsms.gateway import Recipient, RecipientOutcome, SendStatus


def journal_path(results_path: Path) -> Path:
    """Where ``krsms send`` notes each batch before sending it: beside the results
    (``out.csv``: ``out.csv.sending``)."""
    return beside(results_path, ".sending")


class SendJournal:
    """The recipients of each batch about to be sent, noted before it is (write-ahead).

    A JSON lines file beside the results: first the results file's size when the run began
    (with a digest of the bytes before that point, which tells whether the file was rewritten
    since, by a spreadsheet say), then a ``{"reference", "number"}`` line per recipient noted
    (:meth:`note`), and a ``{"settled": [reference, ...]}`` line once their results rows are
    written (:meth:`settled`), so that what a recovery keeps is bounded by what was in flight.
    Leaving ``async with`` removes it when nothing noted is left unsettled: without an
    exception (every batch settled and written), or with one (Ctrl-C) after every batch noted
    was settled and written, or before any was noted (nothing can have been sent). One left
    behind means a run stopped with batches in flight, which :func:`recover_in_flight`
    settles. Enter it after the :class:`~krsms.commands.results.files.ResultsFile`, which may
    mend the results' last line first.
    """

    def __init__(self, results_path: Path):
        self.results_path = results_path
        self.path: Path = journal_path(results_path)
        self._file: TextIO | None = None
        self._turn = asyncio.Lock()
        """One note at a time: file objects are not safe to write from two threads at once."""
        self._unsettled: set[str] = set()
        """References of the recipients noted and not yet marked settled: those in flight."""

    async def __aenter__(self) -> SendJournal:
        with file_problems(self.path):
            size = await anyio.to_thread.run_sync(_size, self.results_path)
            tail = await anyio.to_thread.run_sync(_tail_digest, self.results_path, size)
            # Never over another run's journal: it holds what that run may have sent.
            self._file = await anyio.to_thread.run_sync(partial(self.path.open, "x", encoding="utf-8"))
            await self._write(json.dumps({"results_size": size, "results_tail": tail}) + "\n")
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, *exc_info: object) -> None:
        if self._file is None:
            return
        with file_problems(self.path):
            async with self._turn:
                await anyio.to_thread.run_sync(self._file.close)
            if exc_type is None or not self._unsettled:
                await anyio.to_thread.run_sync(self.path.unlink)

    async def note(self, recipients: Sequence[Recipient]) -> None:
        """Note a batch's recipients, flushed, before its request may leave."""
        # Before the write: a note cut short may still have reached the disk.
        self._unsettled.update(recipient.reference or "" for recipient in recipients)
        await self._write(
            "".join(
                json.dumps({"reference": recipient.reference or "", "number": recipient.number}) + "\n"
                for recipient in recipients
            )
        )

    async def settled(self, outcomes: Sequence[RecipientOutcome]) -> None:
        """Mark the noted recipients among ``outcomes`` settled: call it once their results rows
        are written. A recovery then passes over them without keeping them."""
        references = [
            reference for outcome in outcomes if (reference := outcome.recipient.reference or "") in self._unsettled
        ]
        if references:
            self._unsettled.difference_update(references)  # their rows are written, whatever befalls this note
            await self._write(json.dumps({"settled": references}) + "\n")

    async def _write(self, text: str) -> None:
        file = self._file
        if file is None:
            raise RuntimeError("SendJournal used outside 'async with'")

        def write_and_flush() -> None:
            file.write(text)
            file.flush()

        with file_problems(self.path):
            async with self._turn:
                await anyio.to_thread.run_sync(write_and_flush)


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


TAIL_BYTES = 65536
"""How much of the results file before a run's start :func:`_tail_digest` reads."""


def _tail_digest(path: Path, size: int) -> str:
    """A digest of the last :data:`TAIL_BYTES` of ``path`` before byte ``size``: if the file
    was rewritten since (saved again by Excel: a BOM, other line ends, a lost leading 0), its
    bytes there differ, and ``size`` no longer marks where a run's rows begin."""
    if size <= 0 or not path.exists():
        return hashlib.sha256(b"").hexdigest()
    with path.open("rb") as handle:
        start = max(0, size - TAIL_BYTES)
        handle.seek(start)
        return hashlib.sha256(handle.read(size - start)).hexdigest()


IN_FLIGHT = "in_flight"
"""``code`` of the UNKNOWN rows ``--resume`` writes for recipients a stopped run had in flight."""


def recover_in_flight(results_path: Path) -> int:
    """After a run that stopped without settling its batches (a crash, a kill): append to the
    results, as UNKNOWN with code :data:`IN_FLIGHT`, every recipient its journal noted and the
    run wrote no result for, then remove the journal. Returns how many: ``--resume`` skips
    them, since they may have arrived. Its memory is bounded by what was in flight, not by the
    length of the journal or of the results."""
    journal = journal_path(results_path)
    if not journal.exists():
        return 0
    json_lines = not is_csv(results_path)
    with file_problems(results_path):
        is_new = ready_to_append(results_path, json_lines)  # a torn last row is cut or ended first
        in_flight = in_flight_recipients(results_path)
    if in_flight:
        detail = "in flight when the previous run stopped; it may have arrived: look it up before sending again"
        rows = [
            dict(zip(RESULT_FIELDS, (reference, number, SendStatus.UNKNOWN.value, "", IN_FLIGHT, detail), strict=True))
            for reference, number in in_flight
        ]
        with file_problems(results_path), results_path.open("a", encoding="utf-8", newline="") as handle:
            if is_new and not json_lines:
                handle.write(CSV_START)
            handle.write(serialised_rows(rows, json_lines=json_lines))
    with file_problems(journal):
        journal.unlink()
    return len(in_flight)


def in_flight_recipients(results_path: Path) -> list[ResumeKey]:
    """The recipients the journal beside ``results_path`` noted that no results row settles:
    in flight when the run stopped (none without a journal). Read only: the journal is read
    line by line, keeping only what is not marked settled, and the results file is read only
    when something is left, for the rows the run wrote before marking them."""
    journal = journal_path(results_path)
    if not journal.exists():
        return []
    with file_problems(journal):
        header, noted = _unsettled_notes(journal)
    if noted:
        with file_problems(results_path):
            _remove_written(noted, results_path, _run_start(results_path, header))
    return list(noted.values())


@attrs.frozen
class JournalStart:
    """What a journal says of the results file its run appended to, for a resume to tell
    whether rows were lost since (the file deleted, cleared, or an older copy put back)."""

    results_size: int | None
    """The results file's size when the run began; None when the header does not say."""
    marked_settled: bool
    """Whether the run marked recipients settled: their rows were written to the file."""

    def held_rows(self) -> bool:
        """Whether the results file held rows when the run began, or the run wrote some that
        settled recipients (more than a new CSV's BOM and header)."""
        began_with = self.results_size or 0
        return self.marked_settled or began_with > len(CSV_START.encode())


def journal_start(results_path: Path) -> JournalStart | None:
    """:class:`JournalStart` of the journal beside ``results_path``, read line by line and
    keeping nothing; None without a journal."""
    journal = journal_path(results_path)
    if not journal.exists():
        return None
    size: int | None = None
    header_read = marked_settled = False
    with file_problems(journal), journal.open("rb") as lines:
        for line in lines:
            try:
                value = json_line_value(line)
            except ValueError:
                continue
            if not header_read:
                header_read = True
                given = value.get("results_size") if isinstance(value, dict) else None
                size = given if isinstance(given, int) and given >= 0 else None
            elif isinstance(value, dict) and value.get("settled"):
                marked_settled = True
                break
    return JournalStart(results_size=size, marked_settled=marked_settled)


def _unsettled_notes(journal: Path) -> tuple[Mapping[str, object], dict[str, ResumeKey]]:
    """A journal's header (its first line that parses), and the recipients it noted and did
    not mark settled, by reference. A line that does not parse (torn by a kill) is passed over."""
    header: Mapping[str, object] | None = None
    noted: dict[str, ResumeKey] = {}
    with journal.open("rb") as lines:
        for line in lines:
            try:
                value = json_line_value(line)
            except ValueError:
                continue
            if header is None:
                header = value if isinstance(value, dict) else {}
            elif isinstance(value, dict):
                settled = value.get("settled")
                if isinstance(settled, list):
                    for reference in settled:
                        noted.pop(str(reference), None)
                elif (key := resume_key(row_field(value, "reference"), row_field(value, "number"))) is not None:
                    noted[key[0]] = key
    return header or {}, noted


def _run_start(results_path: Path, header: Mapping[str, object]) -> int:
    """Where the stopped run's rows begin in the results file, as its journal's header says;
    the file's end when the header says nothing usable, or the file was rewritten since (then
    no row counts as that run's, so that none is sent twice: what it had in flight is
    recorded UNKNOWN, not sent again)."""
    start, tail = header.get("results_size"), header.get("results_tail")
    size = _size(results_path)
    if (
        not isinstance(start, int)
        or not 0 <= start <= size
        or (tail is not None and tail != _tail_digest(results_path, start))
    ):
        return size
    return start


def _remove_written(noted: dict[str, ResumeKey], results_path: Path, start: int) -> None:
    """Remove from ``noted`` the recipients the results file has a row for: any row the run
    wrote (from byte ``start`` on), and a settled row anywhere (``--resume`` skips it)."""
    if not holds_results(results_path):
        return
    if start == 0:  # every row is the run's
        for _, row in result_rows(results_path):
            if row_field(row, "status") in STATUSES:
                _forget(noted, results_row_key(row))
        return
    try:
        for _, row in result_rows(results_path, start):
            if row_field(row, "status") in STATUSES:
                _forget(noted, results_row_key(row))
    except UnicodeDecodeError:  # the start falls inside a character: the file was rewritten
        pass  # as for an unknown start: no row counts as this run's
    if noted:
        for _, row in result_rows(results_path):
            if is_settled(row_field(row, "status"), row_field(row, "request_id")):
                _forget(noted, results_row_key(row))


def _forget(noted: dict[str, ResumeKey], key: ResumeKey | None) -> None:
    if key is not None and noted.get(key[0]) == key:
        del noted[key[0]]


def clear_settled_journal(results_path: Path) -> bool:
    """Remove the journal beside ``results_path`` when nothing it noted is in flight (a run
    interrupted after every batch it noted was settled and written); whether it did. Call it
    only while :func:`~krsms.commands.results.lock.exclusive_use` holds the results: a running
    send's journal is never removed."""
    journal = journal_path(results_path)
    if not journal.exists() or in_flight_recipients(results_path):
        return False
    with file_problems(journal):
        journal.unlink()
    return True

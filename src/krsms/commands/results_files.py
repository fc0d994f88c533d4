"""Results files of bulk sends from the command line, and what ``--resume`` skips.

Results are appended batch by batch and flushed (:class:`ResultsFile`, CSV or JSON lines as
the suffix says), so a Ctrl-C loses nothing and ``--resume`` can skip what already settled
(:func:`settled_recipients`). Before a batch is sent its recipients are noted in a journal
beside the results (:func:`journal_path`), and marked settled once their rows are written:
after a crash or a kill, ``--resume`` records those it had in flight as UNKNOWN
(:func:`recover_in_flight`) instead of sending them again, reading the journal line by line
and keeping only the batches not marked settled.
A recipient is skipped only when a settled results row has both its reference (line number)
and its number, so a results file of another campaign, or a recipients file edited between
runs, never makes ``--resume`` skip the wrong people. One run at a time holds a results
file (:func:`exclusive_use`), and a last row a crash tore is mended before appending.

Whatever goes wrong reading or opening a file raises
:class:`~krsms.commands.bad_files.BadFileError`, which names the file.
"""

from __future__ import annotations

import asyncio
import codecs
import csv
import hashlib
import io
import json
import os
import re
from collections.abc import Awaitable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from itertools import islice
from pathlib import Path
from typing import BinaryIO, TextIO

import anyio
import anyio.to_thread
import attrs

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

from krsms.commands.bad_files import BadFileError, file_problems, is_csv
from krsms.commands.campaigns import campaign_path
from krsms.commands.settled import ResumeKey, SettledRecipients, resume_key
from krsms.commands.spreadsheets import DECIMAL, SCIENTIFIC_NOTATION, Lines, with_leading_zero
from krsms.gateway import Recipient, RecipientOutcome, SendStatus

RESULT_FIELDS = ("reference", "number", "status", "request_id", "code", "detail")
"""The fields of a results row, in the order of a results CSV's columns."""
RESULT_SUFFIXES = (".csv", ".jsonl")
"""Results files are CSV or JSON lines, told apart by their suffix."""
SETTLED = frozenset({SendStatus.ACCEPTED.value, SendStatus.UNKNOWN.value})
"""Statuses ``--resume`` always skips: sent, or possibly sent.

A REJECTED row is skipped only when it carries a request id: the provider processed the
request and refused that recipient. Without one, the whole request was refused before
processing (bad credentials, unregistered sender), so the recipient is tried again, like a
NOT_SENT one."""
IN_FLIGHT = "in_flight"
"""``code`` of the UNKNOWN rows ``--resume`` writes for recipients a stopped run had in flight."""
STATUSES = frozenset(status.value for status in SendStatus)
"""The ``status`` values of a results row."""
_STATUS_COLUMN = RESULT_FIELDS.index("status")
_REQUEST_ID_COLUMN = RESULT_FIELDS.index("request_id")
_CSV_HEADER = ",".join(RESULT_FIELDS)
_CSV_START = "\ufeff" + _CSV_HEADER + "\r\n"
"""What a new results CSV starts with: a UTF-8 BOM, which Korean Excel needs to read the file
as UTF-8 (without it, ``detail`` shows garbled), then the header."""


def _result_row(outcome: RecipientOutcome) -> dict[str, str]:
    return {
        "reference": outcome.recipient.reference or "",
        "number": outcome.recipient.number,
        "status": outcome.status.value,
        "request_id": outcome.request_id or "",
        "code": outcome.code or "",
        "detail": row_detail(outcome),
    }


_RECIPIENT_FIELD = re.compile(r"\Arecipients\[\d+\](?:\.|: )")
"""How the SDK's validation names a field of one recipient (``recipients[1].number: ...``)."""
_STREAM_POSITION = re.compile(r"recipients\[\d+\]")
"""A recipient as the SDK's validation names it: by its position in the stream it read."""


def row_detail(outcome: RecipientOutcome) -> str:
    """What ``outcome``'s detail says of its row of the recipients file. The SDK names a
    recipient by its position in the stream it validated (``recipients[1]``), which is
    nowhere in the file: a field of the row is named alone (``number: ...``; the results
    row's reference, and the dry run, give its line), and the row elsewhere by its line."""
    detail = _RECIPIENT_FIELD.sub("", outcome.detail or "")
    line = f"line {outcome.recipient.reference}" if outcome.recipient.reference else "this row"
    return _STREAM_POSITION.sub(line, detail)


class ResultsFile:
    """Appends one line per recipient outcome to a CSV (``.csv``; a new one starts with a UTF-8
    BOM, so that Korean Excel reads it as UTF-8) or JSON lines file.

    Opening it mends a last line a crash left half-written, so appended rows start on a line
    of their own: a JSON lines file loses it when it does not parse (``--resume`` ignores
    it), any other gets the missing line end.
    """

    def __init__(self, path: Path):
        self.path = path
        self.json_lines: bool = not is_csv(path)
        self._file: anyio.AsyncFile[str] | None = None
        self._writing: asyncio.Future[None] | None = None

    async def __aenter__(self) -> ResultsFile:
        with file_problems(self.path):
            is_new = await anyio.to_thread.run_sync(_ready_to_append, self.path, self.json_lines)
            self._file = await anyio.open_file(self.path, "a", encoding="utf-8", newline="")
            if is_new and not self.json_lines:
                await self._file.write(_CSV_START)
                await self._file.flush()  # a run killed before its first result leaves a usable file
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._file is None:
            return
        try:
            if self._writing is not None:
                await self._writing
        finally:
            with file_problems(self.path):
                await self._file.aclose()

    async def write(self, outcomes: tuple[RecipientOutcome, ...]) -> None:
        """Append the outcomes of one batch and flush them to the operating system.

        Once called, the write completes even if the caller is cancelled meanwhile (Ctrl-C
        must not lose a batch the provider accepted, or ``--resume`` would send it again);
        leaving ``async with`` waits for it.
        """
        if self._file is None:
            raise RuntimeError("ResultsFile used outside 'async with'")
        text = _serialised([_result_row(outcome) for outcome in outcomes], json_lines=self.json_lines)
        self._writing = asyncio.ensure_future(self._named(self._append(self._file, text, after=self._writing)))
        await asyncio.shield(self._writing)

    async def _named(self, writing: Awaitable[None]) -> None:
        """``writing``, what goes wrong in it naming this file."""
        with file_problems(self.path):
            await writing

    @staticmethod
    async def _append(file: anyio.AsyncFile[str], text: str, *, after: asyncio.Future[None] | None) -> None:
        if after is not None:
            await after  # one write at a time, in order
        await file.write(text)
        await file.flush()


def _serialised(rows: list[dict[str, str]], *, json_lines: bool) -> str:
    """Results rows as the lines of a JSON lines or CSV file."""
    if json_lines:
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    buffer = io.StringIO()
    csv.DictWriter(buffer, fieldnames=RESULT_FIELDS).writerows(rows)
    return buffer.getvalue()


def journal_path(results_path: Path) -> Path:
    """Where ``krsms send`` notes each batch before sending it: beside the results
    (``out.csv``: ``out.csv.sending``)."""
    return results_path.with_name(results_path.name + ".sending")


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
    settles. Enter it after the :class:`ResultsFile`, which may mend the results' last line
    first.
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


IN_USE = "another krsms send is using it: wait for that run to end"
"""Why a results file another run holds (:func:`exclusive_use`) is refused."""


@contextmanager
def exclusive_use(results_path: Path) -> Iterator[None]:
    """Hold ``results_path`` for one ``krsms send`` at a time, recovery included: two runs on
    one results file would each send what the other has in flight. An advisory lock the
    operating system drops when the process ends, however it ends; raises
    :class:`BadFileError` when another run holds it. Where the platform has no ``fcntl``
    (Windows), keeping to one run at a time is the user's part.

    Taking the lock makes the file: one this run made and leaves empty (refused once it held
    it, or interrupted before a JSON lines result) is removed on leaving, with the campaign
    recorded beside it, unless a journal beside it tells ``--resume`` what was in flight.
    What goes wrong inside the block is not this function's to name: a file problem there
    names its own file."""
    made_here = not results_path.exists()
    if fcntl is None:
        try:
            yield
        finally:
            if made_here:
                _remove_if_left_empty(results_path)
        return
    with file_problems(results_path):
        handle = _locked(results_path)
    with handle:
        try:
            yield
        finally:
            if made_here:
                _remove_if_left_empty(results_path)  # while still held: no other run has it open


def _locked(results_path: Path) -> TextIO:
    """``results_path`` opened (made if need be) and locked for this run alone
    (:func:`exclusive_use`); :class:`BadFileError` when another run holds it."""
    while True:
        handle = results_path.open("a", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            # A run that made the file and left it empty removes it while holding it: a lock
            # taken on the file it removed would hold nothing, so take the new one's.
            current = os.stat(results_path)
        except BlockingIOError:
            handle.close()
            raise BadFileError(results_path, IN_USE) from None
        except FileNotFoundError:
            handle.close()
            continue
        except BaseException:
            handle.close()
            raise
        if os.path.samestat(os.fstat(handle.fileno()), current):
            return handle
        handle.close()


def _remove_if_left_empty(results_path: Path) -> None:
    """Remove a results file a run made and left empty, and the campaign recorded beside it,
    unless that run left a journal (see :func:`exclusive_use`)."""
    with file_problems(results_path):
        if journal_path(results_path).exists() or not results_path.exists() or results_path.stat().st_size:
            return
        results_path.unlink()
        campaign_path(results_path).unlink(missing_ok=True)


def _in_use(results_path: Path) -> bool:
    """Whether a running ``krsms send`` holds ``results_path`` (see :func:`exclusive_use`)."""
    if fcntl is None or not results_path.exists():
        return False
    with results_path.open("rb") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    return False


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
        is_new = _ready_to_append(results_path, json_lines)  # a torn last row is cut or ended first
        in_flight = in_flight_recipients(results_path)
    if in_flight:
        detail = "in flight when the previous run stopped; it may have arrived: look it up before sending again"
        rows = [
            dict(zip(RESULT_FIELDS, (reference, number, SendStatus.UNKNOWN.value, "", IN_FLIGHT, detail), strict=True))
            for reference, number in in_flight
        ]
        with file_problems(results_path), results_path.open("a", encoding="utf-8", newline="") as handle:
            if is_new and not json_lines:
                handle.write(_CSV_START)
            handle.write(_serialised(rows, json_lines=json_lines))
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


def _unsettled_notes(journal: Path) -> tuple[Mapping[str, object], dict[str, ResumeKey]]:
    """A journal's header (its first line that parses), and the recipients it noted and did
    not mark settled, by reference. A line that does not parse (torn by a kill) is passed over."""
    header: Mapping[str, object] | None = None
    noted: dict[str, ResumeKey] = {}
    with journal.open("rb") as lines:
        for line in lines:
            try:
                value = _json_value(line)
            except ValueError:
                continue
            if header is None:
                header = value if isinstance(value, dict) else {}
            elif isinstance(value, dict):
                settled = value.get("settled")
                if isinstance(settled, list):
                    for reference in settled:
                        noted.pop(str(reference), None)
                elif (key := resume_key(_field(value, "reference"), _field(value, "number"))) is not None:
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
        for _, row in _result_rows(results_path):
            if _field(row, "status") in STATUSES:
                _forget(noted, _results_row_key(row))
        return
    try:
        for _, row in _result_rows(results_path, start):
            if _field(row, "status") in STATUSES:
                _forget(noted, _results_row_key(row))
    except UnicodeDecodeError:  # the start falls inside a character: the file was rewritten
        pass  # as for an unknown start: no row counts as this run's
    if noted:
        for _, row in _result_rows(results_path):
            if _is_settled(_field(row, "status"), _field(row, "request_id")):
                _forget(noted, _results_row_key(row))


def _forget(noted: dict[str, ResumeKey], key: ResumeKey | None) -> None:
    if key is not None and noted.get(key[0]) == key:
        del noted[key[0]]


def clear_settled_journal(results_path: Path) -> bool:
    """Remove the journal beside ``results_path`` when nothing it noted is in flight (a run
    interrupted after every batch it noted was settled and written); whether it did. Call it
    only while :func:`exclusive_use` holds the results: a running send's journal is never
    removed."""
    journal = journal_path(results_path)
    if not journal.exists() or in_flight_recipients(results_path):
        return False
    with file_problems(journal):
        journal.unlink()
    return True


def _ready_to_append(path: Path, json_lines: bool) -> bool:
    """Mend a torn end (see :class:`ResultsFile`); True when the file is new, or holds
    nothing but blanks or a BOM (then it is emptied, for a fresh CSV header)."""
    if not path.exists():
        return True
    with path.open("rb+") as handle:
        if _only_blanks(handle):
            handle.truncate(0)
            return True
        if json_lines:
            start, last = _last_line(handle)
            if not _parses_as_json(last):
                handle.truncate(start)
            elif not last.endswith(b"\n"):
                handle.write(b"\n")
        else:
            _mend_csv_end(handle)
            return handle.seek(0, os.SEEK_END) == 0  # only a torn header was there
    return False


def _only_blanks(handle: BinaryIO) -> bool:
    """Whether a file holds nothing but whitespace and a BOM, read a block at a time."""
    handle.seek(0)
    first = True
    for block in iter(partial(handle.read, 1 << 16), b""):
        if (block.removeprefix(codecs.BOM_UTF8) if first else block).strip():
            return False
        first = False
    return True


def _mend_csv_end(handle: BinaryIO) -> None:
    """End a CSV file's last row cleanly: one cut after its request id (inside a quoted
    ``detail``, say) is closed and ended, keeping what it says; one cut before is removed. A
    removed row was in the run's journal, which records it as in flight; kept half, it could
    say less than was so (a refusal without its request id is tried again)."""
    handle.seek(0)
    # A cut may fall inside a character: read it as a replacement character, not a failure.
    lines = (line.decode("utf-8-sig", "replace") for line in iter(handle.readline, b""))
    reader = csv.reader(lines, strict=True)
    start, fields, inside_quotes = 0, [""] * len(RESULT_FIELDS), False
    while True:
        position = handle.tell()
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error:
            if handle.read(1) != b"":
                return  # malformed earlier on: reading the file will say so
            start, inside_quotes = position, True
            handle.seek(start)
            fields = next(csv.reader([handle.read().decode("utf-8", "replace") + '"']), [])
            break
        start = position
    end = handle.seek(0, os.SEEK_END)
    ended = end > 0 and (handle.seek(end - 1), handle.read(1))[1] == b"\n"
    if ended and not inside_quotes:
        return
    # Whole through its request id: a field follows it (a row ends with code and detail).
    if len(fields) > _REQUEST_ID_COLUMN + 1 and fields[_STATUS_COLUMN] in STATUSES:
        handle.seek(max(0, end - 4))
        tail = handle.read()
        handle.seek(handle.truncate(end - _unfinished_character(tail)))
        if inside_quotes:
            handle.write(b'"\r\n')
        else:
            handle.write(b"\n" if tail.endswith(b"\r") else b"\r\n")  # cut between \r and \n
    else:
        handle.truncate(start)


def _unfinished_character(tail: bytes) -> int:
    """How many bytes at the end of ``tail`` begin a UTF-8 character they do not finish."""
    for back in range(1, len(tail) + 1):
        byte = tail[-back]
        if byte & 0xC0 != 0x80:  # not a continuation byte: where the last character starts
            length = 1 if byte < 0x80 else 2 if byte >> 5 == 0b110 else 3 if byte >> 4 == 0b1110 else 4
            return back if length > back else 0
    return 0


def _last_line(handle: BinaryIO) -> tuple[int, bytes]:
    """Where a file's last non-blank line starts, and its bytes to the end of the file;
    leaves the position at the end."""
    size = handle.seek(0, os.SEEK_END)
    window = 4096
    while True:
        start = max(0, size - window)
        handle.seek(start)
        tail = handle.read()
        cut = tail.rstrip().rfind(b"\n")
        if cut >= 0 or start == 0:
            return start + cut + 1, tail[cut + 1 :]
        window *= 2


def _json_value(line: bytes) -> object:
    """The JSON value of one line; ValueError when it is not UTF-8 JSON."""
    return json.loads(line.removeprefix(codecs.BOM_UTF8).decode("utf-8"))


def _parses_as_json(line: bytes) -> bool:
    try:
        _json_value(line)
    except ValueError:
        return False
    return True


def holds_results(path: Path) -> bool:
    """Whether a results file already has rows (beyond a CSV header): a send appending to it
    without ``--resume`` would mix two sends' results."""
    if not path.exists():
        return False
    with file_problems(path), path.open("rb") as handle:
        lines = (line.removeprefix(codecs.BOM_UTF8).strip() for line in handle)
        rows = list(islice((line for line in lines if line), 2))
    return bool(rows) and rows != [_CSV_HEADER.encode()]


def check_results_path(results_path: Path, recipients_path: Path, *, resume: bool) -> None:
    """Refuse a results file a send must not append to (:class:`BadFileError`): the recipients
    file itself; one whose suffix is neither ``.csv`` nor ``.jsonl``; with ``--resume``, one
    that does not exist; without, one another run is using or :func:`check_unclaimed` refuses.

    Another run may claim the file after this check: :func:`check_unclaimed` again once
    :func:`exclusive_use` holds it."""
    with file_problems(results_path):
        exists = results_path.exists()
        if exists and results_path.samefile(recipients_path):
            raise BadFileError(results_path, "is the recipients file; choose another --results")
    if results_path.suffix.lower() not in RESULT_SUFFIXES:
        raise BadFileError(results_path, f"results are written as {' or '.join(RESULT_SUFFIXES)}: name the file so")
    if resume and not exists and not journal_path(results_path).exists():
        raise BadFileError(results_path, "does not exist, so there is nothing to resume (run without --resume)")
    if not resume and journal_path(results_path).exists() and _in_use(results_path):
        raise BadFileError(results_path, IN_USE)  # a journal of a live run: never read as settled
    check_unclaimed(results_path, resume=resume)


ALREADY_HOLDS_RESULTS = (
    "already holds the results of an earlier send: a new campaign needs its own --results; "
    "to finish that send, run the command that started it again with --resume"
)
"""Why a results file with rows is refused without ``--resume``: not a nudge to add it for
another campaign, which would skip everyone that campaign reached."""


def check_unclaimed(results_path: Path, *, resume: bool) -> None:
    """Without ``--resume``, refuse (:class:`BadFileError`) a results file that another run
    claimed: one it left a journal of batches in flight beside, or one that already
    :func:`holds_results`. Call it
    while :func:`exclusive_use` holds the file, so that no run starting at the same moment
    claims it between the check and the send."""
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


def settled_recipients(path: Path) -> SettledRecipients:
    """The recipients a previous run's results file settled, for ``--resume``: rows whose
    status is in :data:`SETTLED`, or REJECTED with a request id, keyed by :func:`resume_key`
    (a mobile number a spreadsheet saved without its leading 0 is read with it), each with the
    status of its row (the last, for a recipient with several).

    The file must be what its suffix says: a ``.csv`` starting with the results header, any
    other a JSON object a line, whose last line is ignored if it does not parse (a crash
    mid-write tore it). Anything else raises :class:`BadFileError`, and so does a settled row
    that cannot be keyed (no reference, or a number that is not one, :class:`UntiedRows`):
    ``--resume`` could not skip its recipient, and would send to them again.
    """
    keys = SettledRecipients()
    untied = UntiedRows()
    with file_problems(path):
        for line_number, row in _result_rows(path):
            if not _is_settled(_field(row, "status"), _field(row, "request_id")):
                continue
            if untied.damaged(row, line_number):
                continue
            key = _results_row_key(row)
            if key is None:
                untied.unkeyed.add(str(line_number))
            else:
                keys.add(key, SendStatus(_field(row, "status")))
    if untied.found:
        raise BadFileError(path, untied.problem())
    return keys


@attrs.define
class UntiedRows:
    """Settled rows of a results file that tie to no recipient, by why: a column a program
    saved as decimals (pandas: ``1012345678.0``, ``2.0``), a number a spreadsheet saved in
    scientific notation (``1.01E+09``), or anything else (no reference, no valid number)."""

    decimal: Lines = attrs.Factory(Lines)
    decimal_columns: dict[str, str] = attrs.Factory(dict)
    """Each column found written as decimals, with the first such value."""
    scientific: Lines = attrs.Factory(Lines)
    unkeyed: Lines = attrs.Factory(Lines)
    """The others: no reference, or no valid number."""

    def damaged(self, row: Mapping[str, object], line_number: int) -> bool:
        """Note the row on ``line_number`` if a program or a spreadsheet changed its
        reference or number (a reference ``2.0`` still keys, to no recipient); whether it did."""
        values = {name: _field(row, name) for name in ("reference", "number")}
        decimals = {name: value for name, value in values.items() if DECIMAL.fullmatch(value)}
        if decimals:
            self.decimal.add(str(line_number))
            for name, value in decimals.items():
                self.decimal_columns.setdefault(name, value)
            return True
        if SCIENTIFIC_NOTATION.fullmatch(values["number"]):
            self.scientific.add(str(line_number))
            return True
        return False

    @property
    def found(self) -> bool:
        """Whether any settled row ties to no recipient."""
        return bool(self.decimal.count or self.scientific.count or self.unkeyed.count)

    def problem(self) -> str:
        """Why the resume is refused: each kind of row with its lines, and what to do."""
        said = []
        if self.decimal.count:
            columns = " and ".join(f"{name} ({value})" for name, value in self.decimal_columns.items())
            said.append(
                f"{self.decimal}: {columns} written as decimals, as a program (pandas, say) saves a column it "
                "read as numbers"
            )
        if self.scientific.count:
            said.append(
                f"{self.scientific}: a number in scientific notation (1.01E+09, as a spreadsheet shows a long "
                "number), its digits lost"
            )
        if self.unkeyed.count:
            said.append(
                f"{self.unkeyed}: settled, but with no reference or no phone number to tie the row to a recipient "
                "(edited, or saved by a spreadsheet that changed the numbers?)"
            )
        how = (
            " (a program that edits a results file must read every column as text, pandas: read_csv(..., "
            "dtype=str); a spreadsheet, import them as text)"
            if self.decimal.count or self.scientific.count
            else ""
        )
        return (
            f"{'; '.join(said)}: resuming would send to those recipients again; restore the file{how}, or send "
            "the rest with a new --results"
        )


def _results_row_key(row: Mapping[str, object]) -> ResumeKey | None:
    """:func:`resume_key` of a results row, its number given back a leading 0 a spreadsheet
    dropped (:func:`~krsms.commands.spreadsheets.with_leading_zero`). The key still needs the
    row's reference to match: a restored number skips only the recipient on that line with
    that number."""
    return resume_key(_field(row, "reference"), with_leading_zero(_field(row, "number")))


def _result_rows(path: Path, start: int = 0) -> Iterator[tuple[int, Mapping[str, object]]]:
    """The rows of a results file with the line each starts on, those from byte ``start`` on
    (a line's start, lines then counted from there) when given."""
    return _csv_results(path, start) if is_csv(path) else _json_results(path, start)


def _is_settled(status: str, request_id: str) -> bool:
    return status in SETTLED or (status == SendStatus.REJECTED.value and bool(request_id))


def _field(row: Mapping[str, object], name: str) -> str:
    value = row.get(name)
    return "" if value is None else str(value)


def _csv_results(path: Path, start: int = 0) -> Iterator[tuple[int, dict[str, str]]]:
    if start:
        with path.open("rb") as raw:
            raw.seek(start)
            with io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
                yield from _numbered(csv.DictReader(text, fieldnames=RESULT_FIELDS))
        return
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = csv.DictReader(handle)
        if rows.fieldnames is not None and tuple(rows.fieldnames) != RESULT_FIELDS:
            raise BadFileError(path, f"not a krsms results CSV: its first line must be {_CSV_HEADER}")
        yield from _numbered(rows)


def _numbered(rows: csv.DictReader[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Each row of ``rows`` with the line it starts on (a quoted field may span lines)."""
    lines_read = rows.line_num
    for row in rows:
        yield lines_read + 1, row
        lines_read = rows.line_num


def _json_results(path: Path, start: int = 0) -> Iterator[tuple[int, Mapping[str, object]]]:
    with path.open("rb") as handle:
        handle.seek(start)
        lines = ((number, line) for number, line in enumerate(handle, start=1) if line.strip())
        previous: tuple[int, bytes] | None = None
        for current in lines:
            if previous is not None:
                yield previous[0], _json_object(path, *previous)
            previous = current
        if previous is not None and _parses_as_json(previous[1]):
            yield previous[0], _json_object(path, *previous)


def _json_object(path: Path, line_number: int, line: bytes) -> Mapping[str, object]:
    try:
        value = _json_value(line)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise BadFileError(path, f"line {line_number} is not a JSON object (a .jsonl results file has one a line)")
    return value

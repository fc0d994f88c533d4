"""Recipient files in, results files out, for bulk sends from the command line.

Recipients are read lazily in a worker thread (a file of a million rows never blocks the
event loop or sits in memory), and results are appended batch by batch and flushed, so a
Ctrl-C loses nothing and ``--resume`` can skip what already settled. Before a batch is sent
its recipients are noted in a journal beside the results (:func:`journal_path`): after a
crash or a kill, ``--resume`` records those it had in flight as UNKNOWN
(:func:`recover_in_flight`) instead of sending them again. A recipient is
skipped only when a settled results row has both its reference (line number) and its number,
so a results file of another campaign, or a recipients file edited between runs, never
makes ``--resume`` skip the wrong people.

Whatever goes wrong reading or opening a file (unreadable, not UTF-8, not CSV or JSON lines
as its suffix says) raises :class:`BadFileError`, which names the file.
"""

from __future__ import annotations

import asyncio
import codecs
import csv
import io
import json
import os
import re
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from itertools import islice
from pathlib import Path
from typing import BinaryIO, NamedTuple, TextIO

import anyio
import anyio.to_thread

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

from krsms.errors import KrSmsError, ValidationError
from krsms.gateway import Recipient, RecipientOutcome, SendStatus
from krsms.text import normalize_number, without_separators

MOBILE_NUMBER_COLUMNS = (
    "mobile", "mobile_number", "HP", "휴대폰", "휴대폰번호", "핸드폰", "핸드폰번호", "휴대전화", "휴대전화번호",
)  # fmt: skip
"""Names of a mobile number column: one of them wins over other :data:`NUMBER_COLUMNS`."""
NUMBER_COLUMNS = (
    "number", "phone", "phone_number", "recipient", "to", "전화번호", "연락처", "수신번호", "수신자번호",
    *MOBILE_NUMBER_COLUMNS,
)  # fmt: skip
"""CSV header names accepted for the phone number column, whatever their case, spaces,
``_`` or ``-`` (``Phone Number``, ``휴대폰 번호``). When several columns have such names, the
one mobile column among them is chosen (a customer export lists a landline ``전화번호``
beside the ``휴대폰번호``); with no single mobile column, ``--number-column`` must say which."""
TEXT_COLUMN = "text"
SUBJECT_COLUMN = "subject"
RESULT_FIELDS = ("reference", "number", "status", "request_id", "code", "detail")
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
_STATUS_COLUMN = RESULT_FIELDS.index("status")
_REQUEST_ID_COLUMN = RESULT_FIELDS.index("request_id")
ResumeKey = tuple[str, str]
"""A recipient as ``--resume`` knows it: its reference (line number) and normalised number."""
_ROWS_PER_READ = 1000
_CSV_HEADER = ",".join(RESULT_FIELDS)


class BadFileError(KrSmsError):
    """A recipients or results file that cannot be used: unreadable, not UTF-8 text, or not
    in the format its suffix says. ``str()`` is ``"<path>: <problem>"``."""

    def __init__(self, path: Path, problem: str):
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


@contextmanager
def _file_problems(path: Path) -> Iterator[None]:
    """Turn what can go wrong opening or reading ``path`` into a :class:`BadFileError`."""
    try:
        yield
    except UnicodeDecodeError as error:
        raise BadFileError(path, _not_utf8(path, error)) from error
    except OSError as error:
        raise BadFileError(path, error.strerror or str(error)) from error
    except csv.Error as error:
        raise BadFileError(path, f"not readable as CSV: {error}") from error


def _not_utf8(path: Path, error: UnicodeDecodeError) -> str:
    """Where the file stops being UTF-8, and what it probably is: Korean Excel saves CSV as
    CP949 (EUC-KR) unless told otherwise."""
    try:
        found = _first_undecodable_line(path)
    except OSError:
        found = None
    if found is None:
        return f"not UTF-8 text ({error.reason}); save it as UTF-8"
    line_number, offset, line = found
    where = f"not UTF-8 text from line {line_number} (byte offset {offset})"
    try:
        line.decode("cp949")
    except UnicodeDecodeError:
        return f"{where}; save it as UTF-8"
    return f"{where}: it looks like CP949 (EUC-KR), Korean Excel's default; save it as UTF-8 (Excel: 'CSV UTF-8')"


def _first_undecodable_line(path: Path) -> tuple[int, int, bytes] | None:
    """Line number, file offset and bytes of the first line that is not UTF-8 (a line break
    never falls inside a UTF-8 character, so lines can be checked one by one)."""
    offset = 0
    with path.open("rb") as raw:
        for line_number, line in enumerate(raw, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as error:
                return line_number, offset + error.start, line
            offset += len(line)
    return None


def _is_csv(path: Path) -> bool:
    return path.suffix.lower() == ".csv"


def _recipients_from_text(path: Path) -> Iterator[Recipient]:
    with _file_problems(path), path.open(encoding="utf-8-sig") as lines:
        for line_number, line in enumerate(lines, start=1):
            number = line.strip()
            if number and not number.startswith("#"):
                yield Recipient(number=number, reference=str(line_number))


def _recipients_from_csv(path: Path, *, template_parameters: bool, number_column: str | None) -> Iterator[Recipient]:
    with _file_problems(path), path.open(encoding="utf-8-sig", newline="") as handle:
        # Strict: a quote opened and never closed must not swallow the rest of the file into
        # one recipient's text (the other rows unsent, their data sent to that recipient).
        reader = csv.reader(handle, strict=True)
        first_row = next(reader, None)
        if first_row is None:
            return  # an empty file: no header, no recipients
        header = _header_names(path, first_row)
        numbers, text_column, subject_column, parameter_names = _columns(path, header, number_column)
        lines_read = reader.line_num
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                unclosed = "unexpected end of data" in str(error)
                hint = f": the quote opened on line {lines_read + 1} is never closed" if unclosed else ""
                raise BadFileError(path, f"not readable as CSV from line {lines_read + 1} ({error}){hint}") from None
            # A row starts on the line after those read before it: quoted fields span lines.
            first_line, lines_read = lines_read + 1, reader.line_num
            if not any(value.strip() for value in fields):
                continue  # a blank line, or a row of empty cells: Excel saves a cleared row as ",,"
            row = dict(zip(header, (value.strip() for value in fields), strict=False))  # short rows miss columns
            # An empty cell fills its placeholder with nothing, never leaves ##name## in the text.
            parameters = {name: row.get(name, "") for name in parameter_names} if template_parameters else {}
            yield Recipient(
                number=row.get(numbers, ""),
                text=_value(row, text_column),
                subject=_value(row, subject_column),
                template_parameters=parameters or None,
                reference=str(first_line),
            )


class _Columns(NamedTuple):
    """What each column of a recipients CSV is for."""

    number: str
    text: str | None
    subject: str | None
    parameters: list[str]
    """The rest: template parameters."""


def _columns(path: Path, header: list[str], number_column: str | None) -> _Columns:
    """The number, text and subject columns of a header, and the rest."""
    number = _number_column(path, header, number_column).name
    text, subject = _column(header, TEXT_COLUMN), _column(header, SUBJECT_COLUMN)
    return _Columns(number, text, subject, [name for name in header if name not in (number, text, subject)])


class NumberColumn(NamedTuple):
    """The column of a recipients CSV that holds the numbers, and why."""

    name: str
    passed_over: list[str]
    """Other columns whose names are number column names, not chosen."""


def _number_column(path: Path, header: list[str], chosen: str | None) -> NumberColumn:
    """The column ``chosen`` (``--number-column``, matched like :data:`NUMBER_COLUMNS`), or the
    header's column named as a number column: the only one, or the only mobile one among
    several. Anything else raises :class:`ValidationError`."""
    if chosen is not None:
        named = [name for name in header if _column_key(name) == _column_key(chosen)]
        if len(named) != 1:
            raise ValidationError(
                "number_column",
                f"{path.name} has {'no' if not named else 'more than one'} column {chosen!r} "
                f"(its columns: {', '.join(header)})",
                value=chosen,
            )
        return NumberColumn(named[0], [])
    found = [name for name in header if _column_key(name) in _NUMBER_KEYS]
    mobile = [name for name in found if _column_key(name) in _MOBILE_NUMBER_KEYS]
    if len(found) == 1 or len(mobile) == 1:
        name = found[0] if len(found) == 1 else mobile[0]
        return NumberColumn(name, [other for other in found if other != name])
    if not found:
        raise ValidationError(
            "recipients file",
            f"{path.name} has no number column: name it one of {', '.join(NUMBER_COLUMNS)} "
            f"(its columns: {', '.join(header)})",
            limit=f"one of {', '.join(NUMBER_COLUMNS)}",
            value=",".join(header),
        )
    raise ValidationError(
        "recipients file",
        f"{path.name} has several number columns ({', '.join(found)}): name the one to send to with --number-column",
        limit="one number column",
        value=",".join(found),
    )


def _column_key(name: str) -> str:
    """A column name as matched: lower case, without spaces, ``_`` and ``-``."""
    return re.sub(r"[\s_-]", "", name.lower())


_NUMBER_KEYS = frozenset(_column_key(name) for name in NUMBER_COLUMNS)
_MOBILE_NUMBER_KEYS = frozenset(_column_key(name) for name in MOBILE_NUMBER_COLUMNS)


def _column(header: list[str], name: str) -> str | None:
    """The header's column called ``name``, whatever its case (``Text``, ``TEXT``)."""
    return next((column for column in header if column.lower() == name), None)


def _value(row: Mapping[str, str], column: str | None) -> str | None:
    """The row's value in ``column`` when the file has that column and the value is not empty."""
    return (row.get(column) or None) if column else None


def recipients_in(
    path: Path, *, template_parameters: bool = True, number_column: str | None = None
) -> Iterator[Recipient]:
    """Recipients of a ``.csv`` file (header with a number column; ``text``, ``subject`` and,
    if ``template_parameters``, any other columns as template parameters) or a text file of
    one number per line. Each recipient's ``reference`` is the line of the file its row
    starts on. ``number_column`` names a CSV's number column (``--number-column``); without
    it, the column is found by its name (:data:`NUMBER_COLUMNS`)."""
    if _is_csv(path):
        return _recipients_from_csv(path, template_parameters=template_parameters, number_column=number_column)
    return _recipients_from_text(path)


def _header(path: Path) -> list[str]:
    """A CSV file's column names (none for a text file)."""
    if not _is_csv(path):
        return []
    with _file_problems(path), path.open(encoding="utf-8-sig", newline="") as handle:
        return _header_names(path, next(csv.reader(handle), []))


def _header_names(path: Path, first_row: list[str]) -> list[str]:
    """The column names of a CSV's first row; a row holding a phone number is a recipient,
    not a header, and is refused without being shown (it is someone's data)."""
    names = [name.strip() for name in first_row]
    if any(_looks_like_a_number(name) for name in names):
        raise ValidationError(
            "recipients file",
            f"{path.name}: its first row looks like a recipient, not a header: add a header row naming "
            f"the number column (one of {', '.join(NUMBER_COLUMNS)})",
            limit="a header row",
            value=None,
        )
    return names


def _looks_like_a_number(cell: str) -> bool:
    """Whether a cell holds a phone number, or what a spreadsheet left of one (``1012345678``,
    its leading 0 dropped): seven digits or more, and nothing but separators besides."""
    digits = without_separators(cell).removeprefix("+")
    return len(digits) >= 7 and digits.isascii() and digits.isdigit()


def check_recipients_path(path: Path) -> None:
    """Refuse a recipients "file" that is not a regular file: a pipe (``/dev/stdin``, a shell
    ``<(...)``) cannot be read the several times a send reads its file."""
    with _file_problems(path):
        path.stat()  # a missing file says so
        if not path.is_file():
            raise BadFileError(path, "is not a regular file (a pipe is read only once): save the recipients to a file")


def carries_text(path: Path) -> bool:
    """Whether the file gives recipients their own text: a CSV with a ``text`` column."""
    return _column(_header(path), TEXT_COLUMN) is not None


def number_column(path: Path, chosen: str | None = None) -> NumberColumn | None:
    """A CSV file's number column: ``chosen`` (``--number-column``), or the one found by its
    name (:data:`NUMBER_COLUMNS`); :class:`ValidationError` when there is none, or no one.
    None for a text file (or an empty CSV), which has no columns."""
    header = _header(path)
    if not header:
        if chosen is not None and not _is_csv(path):
            raise ValidationError("number_column", f"{path.name} is not a CSV file: it has one number a line")
        return None
    return _number_column(path, header, chosen)


def parameter_columns(path: Path, *, number_column: str | None = None) -> list[str]:
    """The CSV columns that are neither number, text nor subject: template parameters."""
    header = _header(path)
    return _columns(path, header, number_column).parameters if header else []


def has_recipients(path: Path, *, number_column: str | None = None) -> bool:
    """Whether the file holds at least one recipient (not empty, not just a header)."""
    return next(recipients_in(path, number_column=number_column), None) is not None


def resume_key(reference: str | None, number: str) -> ResumeKey | None:
    """What ties a recipient to its results row: reference and normalised number; None when
    either is missing or the number is not valid (such a recipient is never skipped)."""
    if not reference:
        return None
    try:
        return reference, normalize_number(number)
    except ValidationError:
        return None


def already_settled(recipient: Recipient, settled: frozenset[ResumeKey]) -> bool:
    """Whether ``--resume`` skips ``recipient``: a settled row has its reference and number."""
    return bool(settled) and resume_key(recipient.reference, recipient.number) in settled


async def read_recipients(
    path: str | os.PathLike[str],
    *,
    skip: frozenset[ResumeKey] = frozenset(),
    template_parameters: bool = True,
    number_column: str | None = None,
) -> AsyncIterator[Recipient]:
    """:func:`recipients_in` of the file at ``path`` (a ``str`` or a path) read in a worker
    thread, minus those :func:`already_settled` in ``skip`` (see :func:`settled_recipients`).

    ``template_parameters``: whether CSV columns other than number, text and subject become
    each recipient's template parameters; pass ``message.template_id is not None``, as a
    recipient with parameters but no template is refused. ``number_column``: as for
    :func:`recipients_in`."""
    rows = recipients_in(Path(path), template_parameters=template_parameters, number_column=number_column)
    while True:
        chunk = await anyio.to_thread.run_sync(_take, rows, _ROWS_PER_READ)
        for recipient in chunk:
            if not already_settled(recipient, skip):
                yield recipient
        if len(chunk) < _ROWS_PER_READ:
            return


def _take(rows: Iterator[Recipient], count: int) -> list[Recipient]:
    chunk = []
    for recipient in rows:
        chunk.append(recipient)
        if len(chunk) == count:
            break
    return chunk


def _result_row(outcome: RecipientOutcome) -> dict[str, str]:
    return {
        "reference": outcome.recipient.reference or "",
        "number": outcome.recipient.number,
        "status": outcome.status.value,
        "request_id": outcome.request_id or "",
        "code": outcome.code or "",
        "detail": outcome.detail or "",
    }


class ResultsFile:
    """Appends one line per recipient outcome to a CSV (``.csv``) or JSON lines file.

    Opening it mends a last line a crash left half-written, so appended rows start on a line
    of their own: a JSON lines file loses it when it does not parse (``--resume`` ignores
    it), any other gets the missing line end.
    """

    def __init__(self, path: Path):
        self.path = path
        self.json_lines = not _is_csv(path)
        self._file: anyio.AsyncFile[str] | None = None
        self._writing: asyncio.Future[None] | None = None

    async def __aenter__(self) -> ResultsFile:
        with _file_problems(self.path):
            is_new = await anyio.to_thread.run_sync(_ready_to_append, self.path, self.json_lines)
            self._file = await anyio.open_file(self.path, "a", encoding="utf-8", newline="")
            if is_new and not self.json_lines:
                await self._file.write(_CSV_HEADER + "\r\n")
                await self._file.flush()  # a run killed before its first result leaves a usable file
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._file is None:
            return
        try:
            if self._writing is not None:
                await self._writing
        finally:
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
        self._writing = asyncio.ensure_future(self._append(self._file, text, after=self._writing))
        await asyncio.shield(self._writing)

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

    A JSON lines file beside the results: first the results file's size when the run began,
    then a ``{"reference", "number"}`` line per recipient. Leaving ``async with`` without an
    exception removes it (every batch settled and written); one left behind means a run
    stopped with batches in flight, which :func:`recover_in_flight` settles. Enter it after
    the :class:`ResultsFile`, which may mend the results' last line first.
    """

    def __init__(self, results_path: Path):
        self.results_path = results_path
        self.path = journal_path(results_path)
        self._file: TextIO | None = None
        self._turn = asyncio.Lock()
        """One note at a time: file objects are not safe to write from two threads at once."""

    async def __aenter__(self) -> SendJournal:
        with _file_problems(self.path):
            size = await anyio.to_thread.run_sync(_size, self.results_path)
            # Never over another run's journal: it holds what that run may have sent.
            self._file = await anyio.to_thread.run_sync(partial(self.path.open, "x", encoding="utf-8"))
            await self._write(json.dumps({"results_size": size}) + "\n")
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, *exc_info: object) -> None:
        if self._file is None:
            return
        async with self._turn:
            await anyio.to_thread.run_sync(self._file.close)
        if exc_type is None:
            await anyio.to_thread.run_sync(self.path.unlink)

    async def note(self, recipients: Sequence[Recipient]) -> None:
        """Note a batch's recipients, flushed, before its request may leave."""
        await self._write(
            "".join(
                json.dumps({"reference": recipient.reference or "", "number": recipient.number}) + "\n"
                for recipient in recipients
            )
        )

    async def _write(self, text: str) -> None:
        file = self._file
        if file is None:
            raise RuntimeError("SendJournal used outside 'async with'")

        def write_and_flush() -> None:
            file.write(text)
            file.flush()

        async with self._turn:
            await anyio.to_thread.run_sync(write_and_flush)


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


IN_USE = "another krsms send is using it: wait for that run to end"


@contextmanager
def exclusive_use(results_path: Path) -> Iterator[None]:
    """Hold ``results_path`` for one ``krsms send`` at a time, recovery included: two runs on
    one results file would each send what the other has in flight. An advisory lock the
    operating system drops when the process ends, however it ends; raises
    :class:`BadFileError` when another run holds it. Where the platform has no ``fcntl``
    (Windows), keeping to one run at a time is the user's part."""
    if fcntl is None:
        yield
        return
    with _file_problems(results_path), results_path.open("a", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BadFileError(results_path, IN_USE) from None
        yield


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
    them, since they may have arrived."""
    journal = journal_path(results_path)
    if not journal.exists():
        return 0
    with _file_problems(journal):
        lines = [_json_value(line) for line in journal.read_bytes().splitlines() if _parses_as_json(line)]
    header = lines[0] if lines and isinstance(lines[0], dict) else {}
    start = header.get("results_size")
    if not isinstance(start, int) or not 0 <= start <= _size(results_path):
        start = _size(results_path)  # unknown: count no result as this run's, so none is sent twice
    json_lines = not _is_csv(results_path)
    with _file_problems(results_path):
        is_new = _ready_to_append(results_path, json_lines)  # a torn last row is cut or ended first
        written: set[ResumeKey | None] = set()
        if not is_new:
            rows_since = _result_rows(results_path, min(start, _size(results_path)))
            written = {_results_row_key(row) for _, row in rows_since if _field(row, "status") in STATUSES}
            written |= settled_recipients(results_path)  # skipped by --resume whatever the journal says
    in_flight: dict[ResumeKey, None] = {}
    for noted in lines[1:]:
        if isinstance(noted, dict):
            key = resume_key(_field(noted, "reference"), _field(noted, "number"))
            if key is not None and key not in written:
                in_flight[key] = None
    if in_flight:
        detail = "in flight when the previous run stopped; it may have arrived: look it up before sending again"
        rows = [
            dict(zip(RESULT_FIELDS, (reference, number, SendStatus.UNKNOWN.value, "", IN_FLIGHT, detail), strict=True))
            for reference, number in in_flight
        ]
        with _file_problems(results_path), results_path.open("a", encoding="utf-8", newline="") as handle:
            if is_new and not json_lines:
                handle.write(_CSV_HEADER + "\r\n")
            handle.write(_serialised(rows, json_lines=json_lines))
    journal.unlink()
    return len(in_flight)


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
    with _file_problems(path), path.open("rb") as handle:
        lines = (line.removeprefix(codecs.BOM_UTF8).strip() for line in handle)
        rows = list(islice((line for line in lines if line), 2))
    return bool(rows) and rows != [_CSV_HEADER.encode()]


def check_results_path(results_path: Path, recipients_path: Path, *, resume: bool) -> None:
    """Refuse a results file a send must not append to (:class:`BadFileError`): the recipients
    file itself; one whose suffix is neither ``.csv`` nor ``.jsonl``; with ``--resume``, one
    that does not exist; without, one another run is using or :func:`check_unclaimed` refuses.

    Another run may claim the file after this check: :func:`check_unclaimed` again once
    :func:`exclusive_use` holds it."""
    with _file_problems(results_path):
        exists = results_path.exists()
        if exists and results_path.samefile(recipients_path):
            raise BadFileError(results_path, "is the recipients file; choose another --results")
    if results_path.suffix.lower() not in RESULT_SUFFIXES:
        raise BadFileError(results_path, f"results are written as {' or '.join(RESULT_SUFFIXES)}: name the file so")
    if resume and not exists and not journal_path(results_path).exists():
        raise BadFileError(results_path, "does not exist, so there is nothing to resume (run without --resume)")
    if not resume and journal_path(results_path).exists() and _in_use(results_path):
        raise BadFileError(results_path, IN_USE)
    check_unclaimed(results_path, resume=resume)


def check_unclaimed(results_path: Path, *, resume: bool) -> None:
    """Without ``--resume``, refuse (:class:`BadFileError`) a results file that another run
    claimed: one it left a journal beside, or one that already :func:`holds_results`. Call it
    while :func:`exclusive_use` holds the file, so that no run starting at the same moment
    claims it between the check and the send."""
    if resume:
        return
    journal = journal_path(results_path)
    if journal.exists():
        raise BadFileError(
            results_path,
            f"a run that stopped with batches in flight left {journal.name}: add --resume "
            "to record them as unknown and continue, rather than send them again",
        )
    if holds_results(results_path):
        raise BadFileError(
            results_path, "already holds results: add --resume to continue that send, or choose another --results"
        )


def settled_recipients(path: Path) -> frozenset[ResumeKey]:
    """The recipients a previous run's results file settled, for ``--resume``: rows whose
    status is in :data:`SETTLED`, or REJECTED with a request id, keyed by :func:`resume_key`
    (a mobile number a spreadsheet saved without its leading 0 is read with it).

    The file must be what its suffix says: a ``.csv`` starting with the results header, any
    other a JSON object a line, whose last line is ignored if it does not parse (a crash
    mid-write tore it). Anything else raises :class:`BadFileError`, and so does a settled row
    that cannot be keyed (no reference, or a number that is not one): ``--resume`` could not
    skip its recipient, and would send to them again.
    """
    keys: set[ResumeKey] = set()
    untied: list[int] = []
    with _file_problems(path):
        for line_number, row in _result_rows(path):
            if not _is_settled(_field(row, "status"), _field(row, "request_id")):
                continue
            key = _results_row_key(row)
            if key is None:
                untied.append(line_number)
            else:
                keys.add(key)
    if untied:
        where = f"line {untied[0]}" + (f" and {len(untied) - 1} more" if len(untied) > 1 else "")
        raise BadFileError(
            path,
            f"{where}: settled, but with no reference or no phone number to tie the row to a recipient "
            "(edited, or saved by a spreadsheet that changed the numbers?): resuming would send to those "
            "recipients again; restore the file, or send the rest with a new --results",
        )
    return frozenset(keys)


_MOBILE_WITHOUT_ITS_ZERO = re.compile(r"1[016789]\d{8}")
"""A mobile number as a spreadsheet saves it, without its leading 0: ``01012345678`` opened
and saved by Excel is ``1012345678``. No Korean number has this form otherwise (all start
with 0 but the 8-digit representative numbers), so it can only be that mobile number."""


def _results_row_key(row: Mapping[str, object]) -> ResumeKey | None:
    """:func:`resume_key` of a results row, its number given back a leading 0 a spreadsheet
    dropped (see :data:`_MOBILE_WITHOUT_ITS_ZERO`). The key still needs the row's reference
    to match: a restored number skips only the recipient on that line with that number."""
    number = _field(row, "number")
    if _MOBILE_WITHOUT_ITS_ZERO.fullmatch(number):
        number = "0" + number
    return resume_key(_field(row, "reference"), number)


def _result_rows(path: Path, start: int = 0) -> Iterator[tuple[int, Mapping[str, object]]]:
    """The rows of a results file with the line each starts on, those from byte ``start`` on
    (a line's start, lines then counted from there) when given."""
    return _csv_results(path, start) if _is_csv(path) else _json_results(path, start)


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

"""Results files read back: which recipients a previous run settled, for what ``--resume``
skips (:func:`settled_recipients`), each row with the line it starts on
(:func:`result_rows`), and whether a file holds any rows yet (:func:`holds_results`).

A recipient is skipped only when a settled results row has both its reference (line number)
and its number, so a results file of another campaign, or a recipients file edited between
runs, never makes ``--resume`` skip the wrong people; a settled row that ties to no
recipient refuses the resume (:class:`UntiedRows`), which would send to them again.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Mapping
from itertools import islice
from pathlib import Path

import attrs

from krsms.commands.bad_files import BadFileError, file_problems, is_csv
from krsms.commands.results.rows import CSV_HEADER, RESULT_FIELDS, json_line_value, parses_as_json
from krsms.commands.settled import ResumeKey, SettledRecipients, resume_key
from krsms.commands.spreadsheets import DECIMAL, SCIENTIFIC_NOTATION, Lines, with_leading_zero
from krsms.gateway import SendStatus

SETTLED = frozenset({SendStatus.ACCEPTED.value, SendStatus.UNKNOWN.value})
"""Statuses ``--resume`` always skips: sent, or possibly sent.

A REJECTED row is skipped only when it carries a request id: the provider processed the
request and refused that recipient. Without one, the whole request was refused before
processing (bad credentials, unregistered sender), so the recipient is tried again, like a
NOT_SENT one."""


def holds_results(path: Path) -> bool:
    """Whether a results file already has rows (beyond a CSV header): a send appending to it
    without ``--resume`` would mix two sends' results."""
    if not path.exists():
        return False
    with file_problems(path), path.open("rb") as handle:
        lines = (line.removeprefix(codecs.BOM_UTF8).strip() for line in handle)
        rows = list(islice((line for line in lines if line), 2))
    return bool(rows) and rows != [CSV_HEADER.encode()]


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
        for line_number, row in result_rows(path):
            if not is_settled(row_field(row, "status"), row_field(row, "request_id")):
                continue
            if untied.damaged(row, line_number):
                continue
            key = results_row_key(row)
            if key is None:
                untied.unkeyed.add(str(line_number))
            else:
                keys.add(key, SendStatus(row_field(row, "status")))
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
        values = {name: row_field(row, name) for name in ("reference", "number")}
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


def results_row_key(row: Mapping[str, object]) -> ResumeKey | None:
    """:func:`resume_key` of a results row, its number given back a leading 0 a spreadsheet
    dropped (:func:`~krsms.commands.spreadsheets.with_leading_zero`). The key still needs the
    row's reference to match: a restored number skips only the recipient on that line with
    that number."""
    return resume_key(row_field(row, "reference"), with_leading_zero(row_field(row, "number")))


def result_rows(path: Path, start: int = 0) -> Iterator[tuple[int, Mapping[str, object]]]:
    """The rows of a results file with the line each starts on, those from byte ``start`` on
    (a line's start, lines then counted from there) when given."""
    return _csv_results(path, start) if is_csv(path) else _json_results(path, start)


def is_settled(status: str, request_id: str) -> bool:
    """Whether a row of ``status`` and ``request_id`` settled its recipient (see :data:`SETTLED`)."""
    return status in SETTLED or (status == SendStatus.REJECTED.value and bool(request_id))


def row_field(row: Mapping[str, object], name: str) -> str:
    """The field ``name`` of a results (or journal) row as text; empty when it has none."""
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
            raise BadFileError(path, f"not a krsms results CSV: its first line must be {CSV_HEADER}")
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
        if previous is not None and parses_as_json(previous[1]):
            yield previous[0], _json_object(path, *previous)


def _json_object(path: Path, line_number: int, line: bytes) -> Mapping[str, object]:
    try:
        value = json_line_value(line)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise BadFileError(path, f"line {line_number} is not a JSON object (a .jsonl results file has one a line)")
    return value

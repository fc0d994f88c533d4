"""Recipient files for bulk sends from the command line: a text file of one number a line,
or a CSV whose number column is found by its name (:data:`NUMBER_COLUMNS`), with ``text``,
``subject`` and template parameter columns.

Recipients are read lazily in a worker thread (:func:`read_recipients`): a file of a million
rows never blocks the event loop or sits in memory. Each recipient's ``reference`` is the
line its row starts on, which ties it to its results row (:mod:`krsms.commands.results.files`)
so that ``--resume`` can skip it.

Whatever goes wrong reading or opening a file raises
:class:`~krsms.commands.bad_files.BadFileError`, which names the file.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import AsyncIterator, Iterator, Mapping, Set
from itertools import islice
from pathlib import Path
from typing import NamedTuple

import anyio.to_thread

from krsms.commands.bad_files import BadFileError, file_problems, is_csv
from krsms.commands.settled import ResumeKey, already_settled
from krsms.commands.spreadsheets import SpreadsheetDamage, with_leading_zero
from krsms.errors import ValidationError
from krsms.gateway import Recipient
from krsms.phone_numbers import without_separators

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
"""The CSV column of a recipient's own text (header names match whatever their case)."""
SUBJECT_COLUMN = "subject"
"""The CSV column of a recipient's own LMS/MMS subject."""
_ROWS_PER_READ = 1000


def _number(given: str, line: str, damage: SpreadsheetDamage | None) -> str:
    """A recipient's number as sent: a leading 0 a spreadsheet dropped given back (and noted in
    ``damage``, when given)."""
    return damage.read(given, line) if damage is not None else with_leading_zero(given)


def _recipients_from_text(path: Path, damage: SpreadsheetDamage | None) -> Iterator[Recipient]:
    with file_problems(path), path.open(encoding="utf-8-sig") as lines:
        for line_number, line in enumerate(lines, start=1):
            number = line.strip()
            if number and not number.startswith("#"):
                yield Recipient(number=_number(number, str(line_number), damage), reference=str(line_number))


def _recipients_from_csv(
    path: Path, *, template_parameters: bool, number_column: str | None, damage: SpreadsheetDamage | None
) -> Iterator[Recipient]:
    with file_problems(path), path.open(encoding="utf-8-sig", newline="") as handle:
        # Strict: a quote opened and never closed must not swallow the rest of the file into
        # one recipient's text (the other rows unsent, their data sent to that recipient).
        reader = csv.reader(handle, strict=True)
        first_row = _first_row(reader)
        if first_row is None:
            return  # an empty file: no header, no recipients
        header = _header_names(path, first_row)
        numbers, text_column, subject_column, parameter_names = _columns(path, header, number_column)
        unnamed = [index for index, name in enumerate(header) if not name]
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
            _check_unnamed_cells(path, unnamed, fields, first_line, columns=len(header))
            row = dict(zip(header, (value.strip() for value in fields), strict=False))  # short rows miss columns
            # An empty cell fills its placeholder with nothing, never leaves ##name## in the text.
            parameters = {name: row.get(name, "") for name in parameter_names} if template_parameters else {}
            yield Recipient(
                number=_number(row.get(numbers, ""), str(first_line), damage),
                text=_value(row, text_column),
                subject=_value(row, subject_column),
                template_parameters=parameters or None,
                reference=str(first_line),
            )


def _first_row(reader: Iterator[list[str]]) -> list[str] | None:
    """The first row of a CSV with a cell that is not blank: its header. Blank lines and rows
    of empty cells before it are skipped, as they are after it; None for a file of none."""
    return next((row for row in reader if any(cell.strip() for cell in row)), None)


def _check_unnamed_cells(path: Path, unnamed: list[int], fields: list[str], line: int, *, columns: int) -> None:
    """Refuse a value in a column the header leaves unnamed, or in one past the header's
    ``columns``: nothing could say what it is for. Such columns are dropped otherwise (Excel
    saves a header with trailing empty cells when cells to the right of the data were ever
    touched)."""
    for index in unnamed:
        if index < len(fields) and fields[index].strip():
            raise BadFileError(
                path,
                f"line {line}: column {index + 1} holds a value, but the header row gives that column no name: "
                "name it in the header (a template parameter's ##key##, say), or clear the column",
            )
    # Most often a text with a comma, not quoted: "안녕하세요, 고객님" would be sent as "안녕하세요".
    extra = next((index for index in range(columns, len(fields)) if fields[index].strip()), None)
    if extra is not None:
        raise BadFileError(
            path,
            f"line {line}: column {extra + 1} holds a value, but the header row names only {columns} "
            f"column{'s' if columns > 1 else ''}: "
            'put a value with a comma in double quotes ("안녕하세요, 고객님"), or name the column in the header',
        )


class _Columns(NamedTuple):
    """What each column of a recipients CSV is for."""

    number: str
    text: str | None
    subject: str | None
    parameters: list[str]
    """The rest, those with a name: template parameters."""


def _columns(path: Path, header: list[str], number_column: str | None) -> _Columns:
    """The number, text and subject columns of a header, and the rest."""
    number = _number_column(path, header, number_column).name
    text, subject = _column(header, TEXT_COLUMN), _column(header, SUBJECT_COLUMN)
    parameters = [name for name in header if name and name not in (number, text, subject)]  # unnamed: dropped
    return _Columns(number, text, subject, parameters)


class NumberColumn(NamedTuple):
    """The column of a recipients CSV that holds the numbers, and why."""

    name: str
    passed_over: list[str]
    """Other columns whose names are number column names, not chosen."""


def _number_column(path: Path, header: list[str], chosen: str | None) -> NumberColumn:
    """The column ``chosen`` (``--number-column``, matched like :data:`NUMBER_COLUMNS`; among
    columns it matches so, the one written exactly as chosen), or the header's column named
    as a number column: the only one, or the only mobile one among
    several. Anything else raises :class:`ValidationError`."""
    if chosen is not None:
        named = [name for name in header if _column_key(name) == _column_key(chosen)]
        if len(named) > 1:  # 휴대폰번호 and 휴대폰 번호 both: the one written as chosen, if one is
            named = [name for name in named if name == chosen] or named
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
    path: Path,
    *,
    template_parameters: bool = True,
    number_column: str | None = None,
    damage: SpreadsheetDamage | None = None,
) -> Iterator[Recipient]:
    """Recipients of a ``.csv`` file (header with a number column; ``text``, ``subject`` and,
    if ``template_parameters``, any other columns as template parameters) or a text file of
    one number per line. Each recipient's ``reference`` is the line of the file its row
    starts on. ``number_column`` names a CSV's number column (``--number-column``); without
    it, the column is found by its name (:data:`NUMBER_COLUMNS`).

    A mobile number a spreadsheet saved without its leading 0 (``1012345678``) is read with it;
    ``damage``, when given, notes the lines of those, and of numbers a spreadsheet saved in
    scientific notation (:class:`~krsms.commands.spreadsheets.SpreadsheetDamage`)."""
    if is_csv(path):
        return _recipients_from_csv(
            path, template_parameters=template_parameters, number_column=number_column, damage=damage
        )
    return _recipients_from_text(path, damage)


def _header(path: Path) -> list[str]:
    """A CSV file's column names (none for a text file)."""
    if not is_csv(path):
        return []
    with file_problems(path), path.open(encoding="utf-8-sig", newline="") as handle:
        return _header_names(path, _first_row(csv.reader(handle)) or [])


def _header_names(path: Path, first_row: list[str]) -> list[str]:
    """The column names of a CSV's first row; a row holding a phone number is a recipient,
    not a header, and is refused without being shown (it is someone's data), and so is a
    header naming two columns alike (a row would keep only the second's value)."""
    names = [name.strip() for name in first_row]
    if any(_looks_like_a_number(name) for name in names):
        raise ValidationError(
            "recipients file",
            f"{path.name}: its first row looks like a recipient, not a header: add a header row naming "
            f"the number column (one of {', '.join(NUMBER_COLUMNS)})",
            limit="a header row",
            value=None,
        )
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if name and (first := seen.setdefault(name, position)) != position:
            raise ValidationError(
                "recipients file",
                f"{path.name}: the header names two columns {name!r} (columns {first} and {position}): "
                "a row could give only one of them; rename or remove one",
                limit="distinct column names",
                value=name,
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
    with file_problems(path):
        path.stat()  # a missing file says so
        if not path.is_file():
            raise BadFileError(path, "is not a regular file (a pipe is read only once): save the recipients to a file")


def carries_text(path: Path) -> bool:
    """Whether the file gives recipients their own text: a CSV with a ``text`` column."""
    return _column(_header(path), TEXT_COLUMN) is not None


def carries_subject(path: Path) -> bool:
    """Whether the file gives recipients their own subject: a CSV with a ``subject`` column."""
    return _column(_header(path), SUBJECT_COLUMN) is not None


def number_column(path: Path, chosen: str | None = None) -> NumberColumn | None:
    """A CSV file's number column: ``chosen`` (``--number-column``), or the one found by its
    name (:data:`NUMBER_COLUMNS`); :class:`ValidationError` when there is none, or no one.
    None for a text file (or an empty CSV), which has no columns."""
    header = _header(path)
    if not header:
        if chosen is not None and not is_csv(path):
            raise ValidationError(
                "number_column",
                f"{path.name} is not a CSV file: it has one number a line, and no column {chosen!r} to choose",
                limit="a CSV file with a header row",
                value=chosen,
            )
        return None
    return _number_column(path, header, chosen)


def parameter_columns(path: Path, *, number_column: str | None = None) -> list[str]:
    """The CSV columns that are neither number, text nor subject: template parameters."""
    header = _header(path)
    return _columns(path, header, number_column).parameters if header else []


def has_recipients(path: Path, *, number_column: str | None = None) -> bool:
    """Whether the file holds at least one recipient (not empty, not just a header)."""
    return next(recipients_in(path, number_column=number_column), None) is not None


async def read_recipients(
    path: str | os.PathLike[str],
    *,
    skip: Set[ResumeKey] = frozenset(),
    template_parameters: bool = True,
    number_column: str | None = None,
    damage: SpreadsheetDamage | None = None,
) -> AsyncIterator[Recipient]:
    """:func:`recipients_in` of the file at ``path`` (a ``str`` or a path) read in a worker
    thread, minus those :func:`~krsms.commands.settled.already_settled` in ``skip`` (see
    :func:`~krsms.commands.results.reading.settled_recipients`).

    ``template_parameters``: whether CSV columns other than number, text and subject become
    each recipient's template parameters; pass ``message.template_id is not None``, as a
    recipient with parameters but no template is refused. ``number_column`` and ``damage``:
    as for :func:`recipients_in`."""
    rows = recipients_in(
        Path(path), template_parameters=template_parameters, number_column=number_column, damage=damage
    )
    while True:
        # islice reads nothing yet: list() reads the rows, in the worker thread.
        chunk = await anyio.to_thread.run_sync(list, islice(rows, _ROWS_PER_READ))
        for recipient in chunk:
            if not already_settled(recipient, skip):
                yield recipient
        if len(chunk) < _ROWS_PER_READ:
            return

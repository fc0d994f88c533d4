"""What can go wrong with a recipients or results file, said as a :class:`BadFileError`
naming the file: unreadable, not UTF-8 (with a hint when it looks like Korean Excel's
CP949), or not in the format its suffix says."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from krsms.errors import KrSmsError


class BadFileError(KrSmsError):
    """A recipients or results file that cannot be used: unreadable, not UTF-8 text, or not
    in the format its suffix says. ``str()`` is ``"<path>: <problem>"``."""

    def __init__(self, path: Path, problem: str):
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


@contextmanager
def file_problems(path: Path) -> Iterator[None]:
    """Turn what can go wrong opening or reading ``path`` into a :class:`BadFileError`."""
    try:
        yield
    except UnicodeDecodeError as error:
        raise BadFileError(path, _not_utf8(path, error)) from error
    except OSError as error:
        raise BadFileError(path, error.strerror or str(error)) from error
    except csv.Error as error:
        raise BadFileError(path, f"not readable as CSV: {error}") from error


_NOT_TEXT = {
    b"PK\x03\x04": "a zip archive (an Excel workbook, .xlsx?)",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "an Office document (an Excel 97-2003 workbook, .xls?)",
    codecs.BOM_UTF16_LE: "UTF-16 text (Excel's 'Unicode Text'?)",
    codecs.BOM_UTF16_BE: "UTF-16 text",
}
"""What a file that is not UTF-8 is, by how it starts: what a spreadsheet saves besides CSV."""


def _not_utf8(path: Path, error: UnicodeDecodeError) -> str:
    """Where the file stops being UTF-8, and what it probably is: a spreadsheet's own file
    (:data:`_NOT_TEXT`), or CP949 (EUC-KR), as Korean Excel saves CSV unless told otherwise."""
    try:
        with path.open("rb") as raw:
            start = raw.read(8)
        found = _first_undecodable_line(path)
    except OSError:
        start, found = b"", None
    kind = next((kind for signature, kind in _NOT_TEXT.items() if start.startswith(signature)), None)
    if kind is not None:
        return f"is {kind}, not UTF-8 text: save it as CSV UTF-8 (Excel: 'CSV UTF-8 (Comma delimited)')"
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


def is_csv(path: Path) -> bool:
    """Whether a recipients or results file is CSV, as its suffix (``.csv``, any case) says."""
    return path.suffix.lower() == ".csv"

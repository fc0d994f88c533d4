"""Mending the last row of a results file a crash tore, before a run appends to it, so that
appended rows start on a line of their own (:func:`ready_to_append`).

A JSON lines file loses a last line that does not parse (``--resume`` ignores it), any other
gets the missing line end. A CSV row cut after its request id is closed and ended, keeping
what it says; one cut before is removed: that row was in the stopped run's journal
(:mod:`krsms.commands.results.journal`), which records it as in flight.
"""

from __future__ import annotations

import codecs
import csv
import os
from functools import partial
from pathlib import Path
from typing import BinaryIO

from krsms.commands.results.rows import RESULT_FIELDS, STATUSES, parses_as_json

_STATUS_COLUMN = RESULT_FIELDS.index("status")
_REQUEST_ID_COLUMN = RESULT_FIELDS.index("request_id")


def ready_to_append(path: Path, json_lines: bool) -> bool:
    """Mend a torn last row, as this module says; True when the file is new, or holds
    nothing but blanks or a BOM (then it is emptied, for a fresh CSV header)."""
    if not path.exists():
        return True
    with path.open("rb+") as handle:
        if _only_blanks(handle):
            handle.truncate(0)
            return True
        if json_lines:
            start, last = _last_line(handle)
            if not parses_as_json(last):
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

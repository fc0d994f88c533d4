"""What a results row holds, and how it is written: one row per recipient outcome
(:func:`result_row`), its fields in the order of a results CSV's columns
(:data:`RESULT_FIELDS`), as CSV or JSON lines (:func:`serialised_rows`) as the file's suffix
says, and the names of the files kept beside a results file (:func:`beside`). The rest of
``krsms send``'s bookkeeping (:mod:`krsms.commands.results.files`) writes, mends and reads
rows of this shape.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from pathlib import Path

from krsms.gateway import RecipientOutcome, SendStatus


def beside(results_path: Path, suffix: str) -> Path:
    """The file ``krsms send`` keeps beside a results file (``out.csv`` and ``.sending``:
    ``out.csv.sending``), beside the file itself when ``results_path`` is a symbolic link to
    it: every name of one results file shares its journal and campaign, as it shares its lock
    (a resume through the other name missed the batches in flight)."""
    itself = results_path.resolve() if results_path.is_symlink() else results_path
    return itself.with_name(itself.name + suffix)


RESULT_FIELDS = ("reference", "number", "status", "request_id", "code", "detail")
"""The fields of a results row, in the order of a results CSV's columns."""
RESULT_SUFFIXES = (".csv", ".jsonl")
"""Results files are CSV or JSON lines, told apart by their suffix."""
STATUSES = frozenset(status.value for status in SendStatus)
"""The ``status`` values of a results row."""
CSV_HEADER = ",".join(RESULT_FIELDS)
"""The first line of a results CSV: its columns."""
CSV_START = "\ufeff" + CSV_HEADER + "\r\n"
"""What a new results CSV starts with: a UTF-8 BOM, which Korean Excel needs to read the file
as UTF-8 (without it, ``detail`` shows garbled), then the header."""


def result_row(outcome: RecipientOutcome) -> dict[str, str]:
    """The results row of ``outcome``, by field."""
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


def serialised_rows(rows: list[dict[str, str]], *, json_lines: bool) -> str:
    """Results rows as the lines of a JSON lines or CSV file."""
    if json_lines:
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    buffer = io.StringIO()
    csv.DictWriter(buffer, fieldnames=RESULT_FIELDS).writerows(rows)
    return buffer.getvalue()


def json_line_value(line: bytes) -> object:
    """The JSON value of one line; ValueError when it is not UTF-8 JSON."""
    return json.loads(line.removeprefix(codecs.BOM_UTF8).decode("utf-8"))


def parses_as_json(line: bytes) -> bool:
    """Whether one line is UTF-8 JSON (:func:`json_line_value`)."""
    try:
        json_line_value(line)
    except ValueError:
        return False
    return True

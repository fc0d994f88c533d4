"""Recipient files in, results files out, for bulk sends from the command line.

Recipients are read lazily in a worker thread (a file of a million rows never blocks the
event loop or sits in memory), and results are appended batch by batch and flushed, so a
crash or Ctrl-C loses nothing and ``--resume`` can skip what already settled.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import anyio
import anyio.to_thread

from krsms.errors import ValidationError
from krsms.gateway import Recipient, RecipientOutcome, SendStatus

NUMBER_COLUMNS = ("number", "phone", "recipient", "to")
"""CSV header names accepted for the phone number column (first match wins)."""
TEXT_COLUMN = "text"
SUBJECT_COLUMN = "subject"
RESULT_FIELDS = ("reference", "number", "status", "request_id", "code", "detail")
SETTLED = frozenset({SendStatus.ACCEPTED.value, SendStatus.REJECTED.value, SendStatus.UNKNOWN.value})
"""Statuses ``--resume`` skips: sent or possibly sent. NOT_SENT rows are tried again."""
_ROWS_PER_READ = 1000


def _recipients_from_text(path: Path) -> Iterator[Recipient]:
    with path.open(encoding="utf-8-sig") as lines:
        for line_number, line in enumerate(lines, start=1):
            number = line.strip()
            if number and not number.startswith("#"):
                yield Recipient(number=number, reference=str(line_number))


def _recipients_from_csv(path: Path) -> Iterator[Recipient]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = csv.DictReader(handle)
        header = [name.strip() for name in rows.fieldnames or ()]
        number_column = next((name for name in header if name.lower() in NUMBER_COLUMNS), None)
        if number_column is None:
            raise ValidationError(
                "recipients file",
                f"{path.name} has no number column",
                limit=f"one of {', '.join(NUMBER_COLUMNS)}",
                value=",".join(header),
            )
        parameter_columns = [name for name in header if name not in (number_column, TEXT_COLUMN, SUBJECT_COLUMN)]
        for row_number, row in enumerate(rows, start=2):
            row = {key.strip(): (value or "").strip() for key, value in row.items() if key is not None}
            parameters = {name: row[name] for name in parameter_columns if row.get(name)}
            yield Recipient(
                number=row.get(number_column, ""),
                text=row.get(TEXT_COLUMN) or None,
                subject=row.get(SUBJECT_COLUMN) or None,
                template_parameters=parameters or None,
                reference=str(row_number),
            )


def recipients_in(path: Path) -> Iterator[Recipient]:
    """Recipients of a ``.csv`` file (header with a number column; ``text``, ``subject`` and
    any other columns as template parameters) or a text file of one number per line.
    Each recipient's ``reference`` is its line number in the file."""
    if path.suffix.lower() == ".csv":
        return _recipients_from_csv(path)
    return _recipients_from_text(path)


async def read_recipients(path: Path, *, skip: frozenset[str] = frozenset()) -> AsyncIterator[Recipient]:
    """:func:`recipients_in` read in a worker thread, minus references in ``skip``."""
    rows = recipients_in(path)
    while True:
        chunk = await anyio.to_thread.run_sync(_take, rows, _ROWS_PER_READ)
        for recipient in chunk:
            if recipient.reference not in skip:
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
    """Appends one line per recipient outcome to a CSV (``.csv``) or JSON lines file."""

    def __init__(self, path: Path):
        self.path = path
        self.json_lines = path.suffix.lower() != ".csv"
        self._file: anyio.AsyncFile[str] | None = None
        self._writing: asyncio.Future[None] | None = None

    async def __aenter__(self) -> ResultsFile:
        is_new = not self.path.exists() or self.path.stat().st_size == 0
        self._file = await anyio.open_file(self.path, "a", encoding="utf-8", newline="")
        if is_new and not self.json_lines:
            await self._file.write(",".join(RESULT_FIELDS) + "\r\n")
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
        rows = [_result_row(outcome) for outcome in outcomes]
        if self.json_lines:
            text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        else:
            buffer = io.StringIO()
            csv.DictWriter(buffer, fieldnames=RESULT_FIELDS).writerows(rows)
            text = buffer.getvalue()
        self._writing = asyncio.ensure_future(self._append(self._file, text, after=self._writing))
        await asyncio.shield(self._writing)

    @staticmethod
    async def _append(file: anyio.AsyncFile[str], text: str, *, after: asyncio.Future[None] | None) -> None:
        if after is not None:
            await after  # one write at a time, in order
        await file.write(text)
        await file.flush()


def settled_references(path: Path) -> frozenset[str]:
    """References a previous run's results file already settled (for ``--resume``)."""
    if not path.exists():
        return frozenset()
    with path.open(encoding="utf-8", newline="") as handle:
        if path.suffix.lower() == ".csv":
            rows: Iterator[dict[str, str]] = csv.DictReader(handle)
        else:
            rows = (json.loads(line) for line in handle if line.strip())
        return frozenset(row["reference"] for row in rows if row.get("status") in SETTLED and row.get("reference"))

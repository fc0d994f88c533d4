"""Results files of bulk sends from the command line, and what ``--resume`` skips.

Results are appended batch by batch and flushed (:class:`ResultsFile`, CSV or JSON lines as
the suffix says), so a Ctrl-C loses nothing and ``--resume`` can skip what already settled
(:func:`~krsms.commands.results_reading.settled_recipients`). Before a batch is sent its
recipients are noted in a journal beside the results
(:func:`~krsms.commands.results_journal.journal_path`), and marked settled once their rows
are written: after a crash or a kill, ``--resume`` records those it had in flight as UNKNOWN
(:func:`~krsms.commands.results_journal.recover_in_flight`) instead of sending them again,
reading the journal line by line and keeping only the batches not marked settled.
A recipient is skipped only when a settled results row has both its reference (line number)
and its number, so a results file of another campaign, or a recipients file edited between
runs, never makes ``--resume`` skip the wrong people. One run at a time holds a results
file (:func:`~krsms.commands.results_lock.exclusive_use`), and a last row a crash tore is
mended before appending.

This module appends the rows; each other part of the bookkeeping has a module of its own:

- :mod:`krsms.commands.results_rows`: what a row holds, as CSV or JSON lines;
- :mod:`krsms.commands.results_checks`: a results file a send must not append to, refused
  before the run;
- :mod:`krsms.commands.results_lock`: one run at a time on a results file;
- :mod:`krsms.commands.results_mending`: a last row a crash tore, mended before appending;
- :mod:`krsms.commands.results_journal`: the journal of the batches in flight, and the
  recovery of what a stopped run left in it;
- :mod:`krsms.commands.results_reading`: the rows read back, for what ``--resume`` skips.

Whatever goes wrong reading or opening a file raises
:class:`~krsms.commands.bad_files.BadFileError`, which names the file.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from pathlib import Path

import anyio
import anyio.to_thread

from krsms.commands.bad_files import file_problems, is_csv
from krsms.commands.results_mending import ready_to_append
from krsms.commands.results_rows import CSV_START, result_row, serialised_rows
from krsms.gateway import RecipientOutcome


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
            is_new = await anyio.to_thread.run_sync(ready_to_append, self.path, self.json_lines)
            self._file = await anyio.open_file(self.path, "a", encoding="utf-8", newline="")
            if is_new and not self.json_lines:
                await self._file.write(CSV_START)
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
        text = serialised_rows([result_row(outcome) for outcome in outcomes], json_lines=self.json_lines)
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

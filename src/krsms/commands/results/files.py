"""The results file a send appends its rows to, batch by batch, flushed after each (see
:mod:`krsms.commands.results` for how the bookkeeping fits together)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from pathlib import Path

import anyio
import anyio.to_thread

from krsms.commands.bad_files import file_problems, is_csv
from krsms.commands.results.mending import ready_to_append
from krsms.commands.results.rows import CSV_START, result_row, serialised_rows
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

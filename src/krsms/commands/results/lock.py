"""One ``krsms send`` at a time on a results file (:func:`exclusive_use`), recovery included:
two runs on one results file would each send what the other has in flight. The hold is an
advisory lock the operating system drops when the process ends, however it ends; a check
before a run asks whether another run holds it (:func:`in_use`). A results file a run made
and left empty is removed when it lets go.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

from krsms.commands.bad_files import BadFileError, file_problems
from krsms.commands.campaigns import campaign_path
from krsms.commands.results.journal import journal_path

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


def in_use(results_path: Path) -> bool:
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

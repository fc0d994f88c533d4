"""The pass over a recipients file before anything is sent: how many recipients it sends and
how many ``--resume`` skips (with the status each was settled with), what a spreadsheet did
to their numbers, the rows whose text expects placeholders nothing fills, and the subjects
an SMS does not carry. A send makes
it before its first request (:meth:`FilePass.count`); a dry run as it plans
(:meth:`FilePass.watch`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import attrs

from krsms.commands.bad_files import BadFileError
from krsms.commands.placeholders import RowPlaceholders
from krsms.commands.recipient_files import recipients_in
from krsms.commands.settled import SettledRecipients, resume_key
from krsms.commands.spreadsheets import SpreadsheetDamage
from krsms.commands.stderr import print_note
from krsms.commands.subjects import DroppedSubjects
from krsms.gateway import Recipient, SendStatus


@attrs.define
class FilePass:
    """What one pass over a recipients file found, counted as it reads."""

    skip: SettledRecipients = attrs.Factory(SettledRecipients)
    """The recipients ``--resume`` skips (none without it)."""
    placeholders: RowPlaceholders | None = None
    """The check of each row's own text, when the file has columns a text could expect."""
    damage: SpreadsheetDamage = attrs.Factory(SpreadsheetDamage)
    """What a spreadsheet did to the numbers (given to the reader)."""
    subjects: DroppedSubjects | None = None
    """The check of each recipient's subject, which an SMS does not carry."""
    to_send: int = 0
    """Recipients to send: not skipped."""
    skipped: dict[SendStatus, int] = attrs.Factory(lambda: dict.fromkeys(SendStatus, 0))
    """Recipients skipped, by the status their row settled them with."""

    def admits(self, recipient: Recipient) -> bool:
        """Count ``recipient``: whether it is to be sent (else ``--resume`` skips it)."""
        status = self.skip.status(resume_key(recipient.reference, recipient.number)) if self.skip else None
        if status is not None:
            self.skipped[status] += 1
            return False
        self.to_send += 1
        if self.placeholders is not None:
            self.placeholders.check(recipient)
        if self.subjects is not None:
            self.subjects.check(recipient)
        return True

    def count(self, path: Path, number_column: str | None) -> FilePass:
        """Read the whole file (in a worker thread: it blocks), counting each recipient."""
        for recipient in recipients_in(path, number_column=number_column, damage=self.damage):
            self.admits(recipient)
        return self

    async def watch(self, recipients: AsyncIterator[Recipient]) -> AsyncIterator[Recipient]:
        """The recipients to send of ``recipients`` (read with :attr:`damage`), each counted."""
        async for recipient in recipients:
            if self.admits(recipient):
                yield recipient

    def check(self, recipients_path: Path, results_path: Path) -> None:
        """Warn of what a spreadsheet did to the numbers and of subjects an SMS leaves unsent,
        then refuse (:class:`BadFileError`) a
        file with numbers written as decimals, one whose rows expect placeholders filled, or one
        whose settled recipients are no longer on their lines."""
        for warning in self.damage.warnings(recipients_path.name):
            print_note(warning)
        for warning in self.subjects.warnings(recipients_path.name) if self.subjects is not None else []:
            print_note(warning)
        refusal = self.damage.refusal(recipients_path)
        if refusal is None and self.placeholders is not None:
            refusal = self.placeholders.refusal(recipients_path)
        if refusal is not None:
            raise refusal
        skipped = sum(self.skipped.values())
        if skipped < len(self.skip):
            # Rows are tied to lines: a line added or removed moves every later recipient, and
            # resuming would send to all of those again.
            raise BadFileError(
                results_path,
                f"{len(self.skip) - skipped} of its {len(self.skip)} settled recipients are no longer on their line "
                f"of {recipients_path} (edited since the last run, or another campaign's results?): resuming would "
                "send to them again; restore the file, or send the rest with a new --results",
            )

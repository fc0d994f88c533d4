"""Texts that expect the columns of a recipients CSV to fill them (``{name}``, ``##name##``):
without an NHN template nothing does, and every recipient would get the placeholder as it
is. ``--text`` is checked once (:func:`text_expects_columns`); a ``text`` column row by row,
as the file is read (:func:`row_placeholders`)."""

from __future__ import annotations

import re
from pathlib import Path

from rich.console import Console
from rich.text import Text

from krsms.commands.bad_files import BadFileError
from krsms.commands.recipient_files import carries_text, parameter_columns
from krsms.commands.spreadsheets import Lines
from krsms.commands.stderr import print_error
from krsms.gateway import Message, Recipient

NOTHING_FILLS = (
    "nothing fills placeholders: columns fill the ##key## placeholders of an NHN template (--template-id); "
    "otherwise give each row its text as it is to be sent, in a 'text' column"
)
"""Why a text with placeholders of the columns is refused, and what to do instead."""


def columns_used(text: str, columns: list[str]) -> list[str]:
    """The ``columns`` that ``text`` uses as a placeholder: ``{name}`` or ``##name##``."""
    return [column for column in columns if f"{{{column}}}" in text or f"##{column}##" in text]


class RowPlaceholders:
    """The rows whose own text uses a column of the file as a placeholder, noted by line as
    the file is read (:meth:`check`); :meth:`refusal` says which."""

    def __init__(self, columns: list[str]):
        self.columns = columns
        self.lines = Lines()
        self.used: dict[str, None] = {}
        """The columns used, in the order first seen."""
        alternatives = "|".join(re.escape(column) for column in columns)
        self._pattern = re.compile(rf"\{{({alternatives})\}}|##({alternatives})##")

    def check(self, recipient: Recipient) -> None:
        """Note ``recipient`` if its text uses a column as a placeholder."""
        if recipient.text is None or not self.columns:
            return
        found = self._pattern.search(recipient.text)
        if found is not None:
            self.lines.add(recipient.reference or "?")
            self.used[found.group(1) or found.group(2)] = None

    def refusal(self, recipients_path: Path) -> BadFileError | None:
        """The error refusing the rows noted, naming their lines; None when none was."""
        if not self.lines.count:
            return None
        return BadFileError(
            recipients_path,
            f"{self.lines}: the text column uses {', '.join(self.used)} as a placeholder, but {NOTHING_FILLS}",
        )


def text_expects_columns(console: Console, text: str, columns: list[str]) -> bool:
    """Without ``--template-id`` the extra CSV ``columns`` fill nothing: whether ``text``
    looks as if it expected them (``{name}``, ``##name##``), said as an error; if it does
    not, a note on ``console`` says they are not sent."""
    if not columns:
        return False
    expected = columns_used(text, columns)
    if expected:
        print_error(f"--text uses {', '.join(expected)} but {NOTHING_FILLS}")
        return True
    console.print(Text(f"note: columns {', '.join(columns)} are not sent (they fill NHN template placeholders)"))
    return False


def row_placeholders(message: Message, recipients_path: Path, number_column: str | None) -> RowPlaceholders | None:
    """The check of each row's own text for placeholders of the file's columns, which nothing
    fills without a template; None when there is nothing to check."""
    if message.template_id is not None or not carries_text(recipients_path):
        return None
    columns = parameter_columns(recipients_path, number_column=number_column)
    return RowPlaceholders(columns) if columns else None

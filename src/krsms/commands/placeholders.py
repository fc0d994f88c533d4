"""Texts that expect the columns of a recipients CSV to fill them (``{name}``, ``##name##``):
without an NHN template nothing does, and every recipient would get the placeholder as it
is. ``--text`` is checked once; a ``text`` column row by row, as the file is read."""

from __future__ import annotations

import re
from pathlib import Path

from krsms.commands.bad_files import BadFileError
from krsms.commands.spreadsheets import Lines
from krsms.gateway import Recipient

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

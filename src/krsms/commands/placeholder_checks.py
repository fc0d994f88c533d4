"""The rules of :mod:`krsms.commands.placeholders` applied to one send (or its dry run): a
message and a recipients file. Whether ``--text`` expects the file's columns, which nothing
fills without an NHN template (:func:`text_expects_columns`), and the check each row's own
text gets as the file is read (:func:`row_placeholders`)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.text import Text

from krsms.commands.placeholders import NOTHING_FILLS, RowPlaceholders, columns_used
from krsms.commands.recipient_files import carries_text, parameter_columns
from krsms.commands.stderr import print_error
from krsms.gateway import Message


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

"""What the commands say on stderr, apart from their output: errors, warnings and notes,
each shown as is (a file name may look like rich markup)."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text


def print_error(message: str) -> None:
    """``error: <message>`` on stderr, ``error:`` in red."""
    Console(stderr=True).print(Text.assemble(("error:", "red"), f" {message}"), soft_wrap=True)


def print_note(text: str) -> None:
    """A line on stderr like an error's, its kind (``warning:``, ``interrupted:``) in ``text``."""
    Console(stderr=True).print(Text(text), soft_wrap=True)

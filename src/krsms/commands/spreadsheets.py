"""What a spreadsheet does to the phone numbers of a file it opens and saves again (Excel
reads ``01012345678`` as a number): the leading 0 dropped, which can be restored, or a
long number shown, and saved, in scientific notation, which cannot; and what a program
exporting numbers as decimals (pandas) does to them, which refuses the file."""

from __future__ import annotations

import re
from pathlib import Path

import attrs

from krsms.commands.bad_files import BadFileError

MOBILE_WITHOUT_ITS_ZERO = re.compile(r"1[016789]\d{8}")
"""A mobile number as a spreadsheet saves it, without its leading 0: ``01012345678`` opened
and saved by Excel is ``1012345678``. No Korean number has this form otherwise (all start
with 0 but the 8-digit representative numbers), so it can only be that mobile number."""
SCIENTIFIC_NOTATION = re.compile(r"[+-]?\d(?:\.\d*)?[eE][+-]?\d+")
"""A number as a spreadsheet shows a long one (``1.01E+09``): its other digits are lost."""
DECIMAL = re.compile(r"[1-9]\d*\.0")
"""A number as a program writes a decimal one (pandas, for a column of numbers with an empty
cell: ``1012345678.0``): its leading 0 is lost, and read with its dot as a separator the
``.0`` is one more digit (``1588123.0`` would be sent to 1588-1230), so it is never sent."""
SHOWN_LINES = 10
"""Lines a :class:`Lines` names; the rest are counted."""


def with_leading_zero(number: str) -> str:
    """``number`` given back the leading 0 a spreadsheet dropped (:data:`MOBILE_WITHOUT_ITS_ZERO`);
    any other number as it is."""
    return "0" + number if MOBILE_WITHOUT_ITS_ZERO.fullmatch(number) else number


@attrs.define
class Lines:
    """Lines of a file, the first :data:`SHOWN_LINES` of them kept and the rest counted, so that
    a file of a million such rows stays small."""

    count: int = 0
    shown: list[str] = attrs.Factory(list)

    def add(self, line: str) -> None:
        """Count ``line``, keeping it if fewer than :data:`SHOWN_LINES` are kept."""
        self.count += 1
        if len(self.shown) < SHOWN_LINES:
            self.shown.append(line)

    def __str__(self) -> str:
        """``line 3``, ``lines 3, 7``, ``lines 3, 7, ... and 12 more``."""
        more = f" and {self.count - len(self.shown)} more" if self.count > len(self.shown) else ""
        return f"line{'s' if self.count > 1 else ''} {', '.join(self.shown)}{more}"


@attrs.define
class SpreadsheetDamage:
    """The recipients whose number a spreadsheet changed, by line, as a file is read."""

    restored: Lines = attrs.Factory(Lines)
    """Mobile numbers read with the leading 0 the spreadsheet dropped."""
    scientific: Lines = attrs.Factory(Lines)
    """Numbers in scientific notation: invalid, never sent."""
    decimal: Lines = attrs.Factory(Lines)
    """Numbers written as decimals (:data:`DECIMAL`): the file is refused."""

    def read(self, number: str, line: str) -> str:
        """``number`` (on ``line``) as it is sent: a dropped leading 0 restored, and noted."""
        restored = with_leading_zero(number)
        if restored != number:
            self.restored.add(line)
            return restored
        if SCIENTIFIC_NOTATION.fullmatch(number):
            self.scientific.add(line)
        elif DECIMAL.fullmatch(number):
            self.decimal.add(line)
        return number

    def warnings(self, name: str) -> list[str]:
        """What to tell the user of the file called ``name``; none if nothing was damaged."""
        said = []
        if self.restored.count:
            said.append(
                f"warning: {name}: {self.restored}: a mobile number saved without its leading 0 (1012345678: a "
                "spreadsheet took 01012345678 for a number) is read with it"
            )
        if self.scientific.count:
            said.append(
                f"warning: {name}: {self.scientific}: a number in scientific notation (1.01E+09, as a spreadsheet "
                "shows a long number) has lost its digits and is not sent: format the column as text and save "
                "the file again"
            )
        return said

    def refusal(self, path: Path) -> BadFileError | None:
        """Why the file at ``path`` cannot be sent as it is: numbers written as decimals, which
        nothing can tell apart from the digits of another number; None if there are none."""
        if not self.decimal.count:
            return None
        return BadFileError(
            path,
            f"{self.decimal}: a number written as a decimal (1012345678.0: a program, pandas say, exported the "
            "column as numbers) has lost its leading 0, and its .0 would be read as a digit: export the column "
            "as text (pandas: read_csv(..., dtype=str)), then send the file again",
        )

"""The text of a SENS message, in EUC-KR: the characters it may hold, the byte limits of a
content by type and of a subject, and the cut SENS makes past them.

Documented behaviour it reproduces: a subject or content over its EUC-KR byte limit is cut
at the limit and sent, while S4 shows the content as requested.
"""

from __future__ import annotations

from typing import Any

from krsms.emulator.inputs import in_euc_kr
from krsms.emulator.sens.envelope import bad_request

BYTE_LIMITS = {"SMS": 90, "LMS": 2000, "MMS": 2000}
"""The EUC-KR bytes a content is sent with, by message type."""
SUBJECT_BYTES = 40
"""The EUC-KR bytes an LMS or MMS subject is sent with."""


def check_text(field: str, text: str) -> None:
    """400 for a character EUC-KR lacks (emoji, or a syllable only CP949 has, such as 똠: see
    :func:`~krsms.emulator.inputs.in_euc_kr`)."""
    if not in_euc_kr(text):
        unsendable = next(character for character in text if not in_euc_kr(character))
        raise bad_request(field, f"character {unsendable!r} cannot be encoded in EUC-KR")


def check_subject(field: str, subject: Any) -> None:
    """400 for a subject that is not a string or holds a character EUC-KR lacks."""
    if not isinstance(subject, str):
        raise bad_request(field, "must be a string")
    check_text(field, subject)


def cut(text: str | None, limit: int) -> str | None:
    """``text`` cut to ``limit`` EUC-KR bytes, never inside a character: what SENS sends when
    a subject or content is longer than its type allows."""
    if text is None:
        return None
    encoded = text.encode("cp949")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("cp949", errors="ignore")

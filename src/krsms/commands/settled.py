"""The recipients ``--resume`` skips, as a results file settled them: keyed by the line of
the recipients file each is on and its normalised number, with the status of its row.

A million of them take about 9 MB (:class:`SettledRecipients`), not the gigabyte a set of
tuples of strings took: a resume reads them once, and keeps them while it sends.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Set
from typing import TypeVar

from krsms.errors import ValidationError
from krsms.gateway import Recipient, SendStatus
from krsms.phone_numbers import normalize_number

ResumeKey = tuple[str, str]
"""A recipient as ``--resume`` knows it: its reference (line number) and normalised number."""


def resume_key(reference: str | None, number: str) -> ResumeKey | None:
    """What ties a recipient to its results row: reference and normalised number; None when
    either is missing or the number is not valid (such a recipient is never skipped)."""
    if not reference:
        return None
    try:
        return reference, normalize_number(number)
    except ValidationError:
        return None


def already_settled(recipient: Recipient, settled: Set[ResumeKey]) -> bool:
    """Whether ``--resume`` skips ``recipient``: a settled row has its reference and number."""
    return bool(settled) and resume_key(recipient.reference, recipient.number) in settled


_Key = TypeVar("_Key")
_STATUSES = tuple(SendStatus)
_MAX_DIGITS = 18
"""Numbers of at most this many digits are held as an integer (``1`` and the digits, so
that a leading 0 stays): they fit in 63 bits."""
_SPARE_LINES = 1 << 20
"""How far beyond four lines per recipient held a line number may be and still be held in
the array: a reference far out (a results row edited by hand, say) must not make it huge."""


class SettledRecipients(Set[ResumeKey]):
    """A set of :data:`ResumeKey`, each with the :class:`SendStatus` of its row.

    A key whose reference is a line number and whose number is digits, as every key of a
    results file ``krsms send`` wrote is, takes 9 bytes: the number (as an integer) and the
    status at the line's place in two arrays. Any other key (a second number on one line, a
    reference that is not a line number) is held in a dict.
    """

    def __init__(self) -> None:
        self._numbers = array("q")
        """At each line, its number as an integer (``int("1" + digits)``); 0 for none."""
        self._statuses = bytearray()
        """At each line, the index of its status in :class:`SendStatus`."""
        self._others: dict[ResumeKey, SendStatus] = {}
        self._count = 0

    def add(self, key: ResumeKey, status: SendStatus) -> None:
        """Hold ``key``, settled with ``status`` (the last given for a key is kept)."""
        if key in self._others:  # held there before the arrays reached its line
            self._others[key] = status
            return
        line, encoded = self._slot(key)
        if line >= 0 and line >= len(self._numbers) and line < 4 * (self._count + 1) + _SPARE_LINES:
            grow = max(line + 1, 2 * len(self._numbers)) - len(self._numbers)
            self._numbers.frombytes(bytes(grow * self._numbers.itemsize))
            self._statuses.extend(bytes(grow))
        if 0 <= line < len(self._numbers) and self._numbers[line] in (0, encoded):
            self._count += self._numbers[line] == 0
            self._numbers[line] = encoded
            self._statuses[line] = _STATUSES.index(status)
            return
        self._count += key not in self._others
        self._others[key] = status

    def status(self, key: ResumeKey | None) -> SendStatus | None:
        """The status ``key`` was settled with; None when it is not held."""
        if key is None:
            return None
        line, encoded = self._slot(key)
        if 0 <= line < len(self._numbers) and self._numbers[line] == encoded:
            return _STATUSES[self._statuses[line]]
        return self._others.get(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, tuple) and len(key) == 2 and self.status(key) is not None

    def __iter__(self) -> Iterator[ResumeKey]:
        for line, encoded in enumerate(self._numbers):
            if encoded:
                yield str(line), str(encoded)[1:]
        yield from self._others

    def __len__(self) -> int:
        return self._count

    @classmethod
    def _from_iterable(cls, keys: Iterable[_Key]) -> frozenset[_Key]:
        """What the set operations (``&``, ``|``, ``-``) return: a plain frozenset of keys."""
        return frozenset(keys)

    @staticmethod
    def _slot(key: ResumeKey) -> tuple[int, int]:
        """Where ``key`` goes in the arrays, and its number as held there; ``(-1, 0)`` for a key
        held in the dict."""
        reference, number = key
        if not (reference.isascii() and reference.isdigit() and number.isascii() and number.isdigit()):
            return -1, 0
        if len(number) > _MAX_DIGITS or str(int(reference)) != reference:  # "007" is not line 7
            return -1, 0
        return int(reference), int("1" + number)

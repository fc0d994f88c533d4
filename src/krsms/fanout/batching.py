"""Batches: the recipients one request carries, and how a send's recipients are cut into them.

A :class:`Batch` is what a provider's ``send_batch`` sends, a :class:`BatchAttempt` what it
needs to find one attempt again after a lost answer. The :class:`Batcher` groups the entries
read from a source by the gateway's batch key and releases a batch once it is full, or once
too many recipients wait in small groups, so that a send of any length holds at most
``max_concurrency x batch_size`` of them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterator
from datetime import datetime
from itertools import islice, takewhile
from typing import cast

import attrs

from krsms.fanout.sources import ResolvedRecipient, Run
from krsms.gateway import Outcomes, Recipient, Recipients, SendStatus, as_recipient
from krsms.text import MessageKind
from krsms.validation import number_only


@attrs.frozen(kw_only=True)
class Batch:
    """Recipients sent in one request, normalised, with their positions in the input."""

    kind: MessageKind
    """What every recipient of the batch is sent as."""
    indexes: tuple[int, ...]
    """Each recipient's position in the input (recipients list or stream)."""
    recipients: Recipients = attrs.field(converter=Recipients)
    """The recipients, in batch order (numbers or :class:`Recipient`, as :class:`Message` takes
    them)."""

    def __attrs_post_init__(self) -> None:
        if len(self.indexes) != len(self.recipients):
            raise ValueError(f"a batch needs an index per recipient: {len(self.indexes)} for {len(self.recipients)}")

    @property
    def entries(self) -> Iterator[tuple[int, Recipient]]:
        """``(input index, recipient)`` pairs, in batch order."""
        return zip(self.indexes, self.recipients, strict=True)

    def outcomes(
        self,
        status: SendStatus,
        *,
        request_id: str | None = None,
        code: str | None = None,
        detail: str | None = None,
    ) -> Outcomes:
        """The same outcome for every recipient of the batch."""
        return Outcomes.uniform(self.recipients, self.indexes, status, request_id=request_id, code=code, detail=detail)


@attrs.frozen(kw_only=True)
class BatchAttempt:
    """One attempt to send a batch: what a provider needs to find it again."""

    key: str
    """Unique per attempt (NHN sends it as ``senderGroupingKey``)."""
    started_at: datetime
    """UTC moment just before the request went out, by the local clock of that moment."""
    started_monotonic: float = attrs.field(factory=time.monotonic)
    """:func:`time.monotonic` at the same moment: how long ago the attempt started, whatever
    the wall clock did since (an NTP step, a resumed VM)."""

    def seconds_ago(self) -> float:
        """Seconds since the attempt started, by the monotonic clock."""
        return time.monotonic() - self.started_monotonic


class Batcher:
    """Groups recipients by batch key and releases full batches, bounded in memory.

    ``key`` is the gateway's :meth:`~krsms.fanout.gateway.BatchingGateway.batch_key`; a
    recipient with nothing of its own but a number shares the key of every such recipient of
    its kind, asked once. ``clock`` tells when a group started (:attr:`waiting_since`).
    """

    def __init__(
        self,
        batch_size: int,
        max_buffered: int,
        key: Callable[[Recipient, MessageKind], Hashable],
        *,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.batch_size = batch_size
        self.max_buffered = max_buffered
        self.buffered = 0
        self._key = key
        self._number_only_keys: dict[MessageKind, Hashable] = {}
        self._groups: dict[Hashable, tuple[list[int], list[str | Recipient]]] = {}
        self._kinds: dict[Hashable, MessageKind] = {}
        self._holding_objects: set[Hashable] = set()
        """Keys of the groups holding a :class:`Recipient` object, not only numbers' texts."""
        self._clock = clock
        self._since: dict[Hashable, float] = {}
        """When each group's first recipient was added, by ``clock``, oldest first."""

    @property
    def waiting_since(self) -> float | None:
        """When the recipient waiting longest was added, by ``clock``; None when none waits.
        Groups are kept in the order they started, so it is the first's."""
        return next(iter(self._since.values()), None)

    def add(self, index: int, recipient: str | Recipient, kind: MessageKind) -> Batch | None:
        """Add the recipient at input ``index``, sent as ``kind``, to its group; the batch it
        released (its group full, or the largest group once more than ``max_buffered`` wait),
        or None."""
        if not isinstance(recipient, Recipient) or number_only(recipient):
            key = self._number_only_keys.get(kind)
            if key is None:
                key = self._number_only_keys[kind] = self._key(as_recipient(recipient), kind)
        else:
            key = self._key(recipient, kind)
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = ([], [])
            self._kinds[key] = kind
            self._since[key] = self._clock()
        indexes, recipients = group
        indexes.append(index)
        recipients.append(recipient)
        if isinstance(recipient, Recipient):
            self._holding_objects.add(key)
        self.buffered += 1
        if len(indexes) >= self.batch_size:
            return self._release(key)
        if self.buffered > self.max_buffered:
            # Many small groups (e.g. per-recipient texts on NHN): send the largest early.
            return self._release(self._largest())
        return None

    def take(self, entry: ResolvedRecipient | Run) -> list[Batch]:
        """Add a resolved recipient or a run of them; the batches that are ready."""
        if isinstance(entry, Run):
            return self.add_run(entry)
        batch = self.add(*entry)
        return [] if batch is None else [batch]

    def add_run(self, run: Run) -> list[Batch]:
        """:meth:`add` for every recipient of a run, a slice at a time: the same batches,
        released at the same points, as adding them one by one."""
        key = self._number_only_keys.get(run.kind)
        if key is None:
            key = self._number_only_keys[run.kind] = self._key(as_recipient(run.recipients[0]), run.kind)
        released = []
        taken = 0
        while taken < len(run.recipients):
            group = self._groups.get(key)
            if group is None:
                group = self._groups[key] = ([], [])
                self._kinds[key] = run.kind
                self._since[key] = self._clock()
            indexes, recipients = group
            # Up to the recipient that fills the group or overfills the buffer, as add() checks.
            until_full = self.batch_size - len(indexes)
            until_over = max(1, self.max_buffered + 1 - self.buffered)
            count = min(until_full, until_over, len(run.recipients) - taken)
            indexes.extend(range(run.start + taken, run.start + taken + count))
            recipients.extend(run.recipients[taken : taken + count])
            self.buffered += count
            taken += count
            if len(indexes) >= self.batch_size:
                released.append(self._release(key))
            elif self.buffered > self.max_buffered:
                released.append(self._release(self._largest()))
        return released

    def _largest(self) -> Hashable:
        return max(self._groups, key=lambda key: len(self._groups[key][0]))

    def flush(self) -> list[Batch]:
        """Every group still waiting, as batches (the source has ended)."""
        return [self._release(key) for key in list(self._groups)]

    def release_waiting(self, delay: float, *, now: float, limit: int) -> list[Batch]:
        """The groups whose first recipient has waited ``delay`` seconds by ``now`` (by
        ``clock``), oldest first and at most ``limit`` of them, as batches."""
        due = takewhile(lambda key: self._since[key] + delay <= now, islice(self._since, limit))
        return [self._release(key) for key in list(due)]

    def _release(self, key: Hashable) -> Batch:
        indexes, recipients = self._groups.pop(key)
        del self._since[key]
        self.buffered -= len(indexes)
        if key in self._holding_objects:
            self._holding_objects.discard(key)
            batch_recipients = Recipients(recipients)
        else:  # numbers' texts only, as validated: not checked again
            batch_recipients = Recipients.of_numbers(cast("list[str]", recipients))
        return Batch(kind=self._kinds.pop(key), indexes=tuple(indexes), recipients=batch_recipients)

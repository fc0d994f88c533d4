"""How recipients waiting in small groups are let go (``max_batch_delay``), at the boundary
the fan-out tests leave open: a group whose first recipient has waited the delay exactly."""

from __future__ import annotations

from krsms import MessageKind, Recipient
from krsms.fanout.batching import Batcher


def test_a_group_that_has_waited_the_delay_exactly_is_due() -> None:
    """A group whose first recipient "has waited ``delay`` seconds by ``now``" is due: one
    started at 2.0, with a delay of 1.5, is due at 3.5, not only after it; the one started
    later is not."""
    started = iter([2.0, 2.5])
    batcher = Batcher(10, 100, key=lambda recipient, kind: recipient.text, clock=lambda: next(started))
    batcher.add(0, Recipient(number="01000000000", text="a"), MessageKind.SMS)
    batcher.add(1, Recipient(number="01000000001", text="b"), MessageKind.SMS)
    due = batcher.release_waiting(1.5, now=3.5, limit=5)
    assert [batch.indexes for batch in due] == [(0,)]
    assert batcher.waiting_since == 2.5

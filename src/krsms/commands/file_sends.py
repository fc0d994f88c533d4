"""What a send of a file did (:class:`FileSend`), filled in as ``krsms send`` goes, and what
it comes to: the error that stopped it (:func:`fatal_error`), or the failure that let nothing
through (:func:`nothing_sent`), and the command's exit code (:func:`exit_code`)."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from krsms.errors import KrSmsError, ProviderError, RequestTimeoutError, ValidationError
from krsms.fanout import CANCELLED, JOB_STOPPED, LOCAL_INVALID
from krsms.gateway import RecipientOutcome, SendProgress, SendStatus


@attrs.define
class FileSend:
    """What a send of a file did, filled in as it goes (:func:`~krsms.commands.send.send_file`):
    complete however the send ends, finished, stopped by an error or interrupted."""

    progress: SendProgress | None = None
    """The send's progress; None until the file is held and its recipients counted."""
    recovered: int = 0
    """Recipients a stopped run had in flight, recorded UNKNOWN by this ``--resume``."""
    failure: str | None = None
    """Why the first recipient left NOT_SENT by a failed request was not sent (not a
    recipient refused as invalid, nor one a stop or a cancellation left unsent)."""
    resumed: bool = False
    """Whether this is a ``--resume``, continuing the campaign of earlier runs."""
    stopped: bool = False
    """Whether an error (a file that cannot be written, say), not an interruption, ended the
    send before it finished."""
    unanswered: int = 0
    """Recipients this run recorded UNKNOWN because their request went out and got no answer
    in time (:func:`count_unanswered`)."""
    earlier: dict[SendStatus, int] = attrs.Factory(lambda: dict.fromkeys(SendStatus, 0))
    """The recipients of the file a ``--resume`` skipped, by the status their row settled
    them with (the recovered ones among them): the earlier runs' part of the campaign."""

    def counts(self) -> dict[SendStatus, int]:
        """Outcomes of the recipients this run recorded, the recovered ones included."""
        counts = dict(self.progress.counts) if self.progress is not None else dict.fromkeys(SendStatus, 0)
        counts[SendStatus.UNKNOWN] += self.recovered
        return counts

    def campaign_counts(self) -> dict[SendStatus, int]:
        """Outcomes of every recipient of the file: this run's, and the earlier runs' a
        ``--resume`` skipped (the recovered ones are among those)."""
        counts = dict(self.progress.counts) if self.progress is not None else dict.fromkeys(SendStatus, 0)
        return {status: counts[status] + self.earlier[status] for status in SendStatus}

    def sent_anything(self) -> bool:
        """Whether this run recorded a recipient that may have been sent: accepted, rejected by
        the provider, unknown, or recovered as in flight."""
        counts = self.counts()
        return bool(counts[SendStatus.ACCEPTED] or counts[SendStatus.REJECTED] or counts[SendStatus.UNKNOWN])


_NOT_FAILURES = frozenset({LOCAL_INVALID, JOB_STOPPED, CANCELLED})
"""Codes of NOT_SENT outcomes no failed request explains."""


def first_failure(outcomes: Sequence[RecipientOutcome]) -> str | None:
    """The detail of the first outcome NOT_SENT because its request failed (what
    :attr:`FileSend.failure` keeps)."""
    return next(
        (
            outcome.detail or outcome.code or "not sent"
            for outcome in outcomes
            if outcome.status is SendStatus.NOT_SENT and outcome.code not in _NOT_FAILURES
        ),
        None,
    )


def count_unanswered(outcomes: Sequence[RecipientOutcome]) -> int:
    """How many of ``outcomes`` are UNKNOWN because their request went out and got no answer
    in time (what :attr:`FileSend.unanswered` adds up)."""
    return sum(
        outcome.status is SendStatus.UNKNOWN and outcome.code == RequestTimeoutError.__name__ for outcome in outcomes
    )


def fatal_error(record: FileSend) -> KrSmsError | None:
    """The error that stopped the send: a fatal provider error (bad credentials, unregistered
    sender), or the reservation passing during the send; None if none did."""
    error = record.progress.error if record.progress is not None else None
    if isinstance(error, ProviderError) and error.fatal:
        return error
    return error if isinstance(error, ValidationError) else None


def nothing_sent(record: FileSend) -> str | None:
    """The error to show when no request of the send reached the provider because they
    failed (an unreachable ``--base-url``, the network down): why the first did; None when
    some did, or none failed."""
    if record.progress is None or record.failure is None or fatal_error(record):
        return None
    counts = record.progress.counts
    if counts[SendStatus.ACCEPTED] or counts[SendStatus.REJECTED] or counts[SendStatus.UNKNOWN]:
        return None
    return f"nothing was sent: {record.failure}"


def exit_code(record: FileSend) -> int:
    """0 when every recipient of the campaign was accepted (none recovered as unknown, and on
    ``--resume`` none the earlier runs settled otherwise); 2 when a fatal provider error or a
    reservation passing stopped the send (:func:`fatal_error`); 1 otherwise."""
    if fatal_error(record):
        return 2
    counts = record.campaign_counts()
    settled = sum(counts.values())
    cancelled = record.progress is not None and record.progress.cancelled
    return 0 if counts[SendStatus.ACCEPTED] == settled and not cancelled else 1

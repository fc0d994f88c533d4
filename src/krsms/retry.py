"""When a failed request is tried again, and after how long: :class:`RetryPolicy` and the
``Retry-After`` header it honours.

Plain objects a caller can swap (``retry=``): the transport asks any
:class:`RetryStrategy`, and they know nothing of HTTP libraries.
"""

from __future__ import annotations

import email.utils
import random
import time
from datetime import timezone
from typing import Protocol

import attrs

from krsms import errors
from krsms.settings import count, seconds


class RetryStrategy(Protocol):
    """What the transport asks when a request fails: whether to try again, and after how long.

    Any object with these members serves as ``retry=``; :class:`RetryPolicy` is the standard
    one. A strategy decides for sends too, so mind what a retried send means: one that may
    have reached the provider (``error.may_have_been_sent``, a 5xx) may deliver twice.
    """

    @property
    def max_attempts(self) -> int:
        """Total attempts including the first (the retry log lines say "retry n of max - 1")."""
        ...

    def should_retry(
        self,
        *,
        attempt: int,
        idempotent: bool,
        status_code: int | None = None,
        error: errors.TransportError | None = None,
        retry_after: float | None = None,
    ) -> bool:
        """Whether attempt number ``attempt`` (1-based) gets another try: it failed with
        ``error`` (no usable answer), or was answered with ``status_code`` and, when the
        server asked for a pause, ``retry_after`` seconds. ``idempotent`` is False for a send."""
        ...

    def backoff(self, attempt: int, *, retry_after: float | None = None, rng: random.Random | None = None) -> float:
        """Seconds to wait after failed attempt ``attempt`` (``retry_after``: the server's
        ``Retry-After``, when it gave one; ``rng``: the transport's random source)."""
        ...


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """When and how long to wait before trying a request again.

    Idempotent requests (look-ups, cancels, deletes) are retried on connection failures,
    timeouts and the ``retry_statuses``. A *send* is retried only when it provably never
    reached the provider (connection refused, pool timeout, 429) unless ``retry_unsafe_sends``
    is set, because a resent batch after a timeout or a 500 may deliver twice.
    """

    max_attempts: int = attrs.field(default=3, validator=count(minimum=1))
    """Total attempts including the first; 1 disables retries."""
    initial_backoff: float = attrs.field(default=0.5, validator=seconds())
    """Seconds: the first retry waits a random time up to this, and the cap doubles with each
    later retry (up to ``max_backoff``); also the most jitter added to a ``Retry-After``."""
    max_backoff: float = attrs.field(default=8.0, validator=seconds())
    """Seconds: the longest random wait between two attempts when the server gives no
    ``Retry-After``."""
    max_retry_after: float = attrs.field(default=60.0, validator=seconds())
    """Cap on a server's ``Retry-After``; a longer pause than this gives up instead."""
    retry_statuses: frozenset[int] = frozenset({429, 500, 502, 503, 504})
    """Statuses worth another try: a 429 for every request, the 5xx only for idempotent ones
    (or sends with ``retry_unsafe_sends``)."""
    retry_unsafe_sends: bool = False
    """Opt in to retrying sends after ambiguous failures (may deliver a batch twice)."""

    def should_retry(
        self,
        *,
        attempt: int,
        idempotent: bool,
        status_code: int | None = None,
        error: errors.TransportError | None = None,
        retry_after: float | None = None,
    ) -> bool:
        """Whether attempt number ``attempt`` (1-based) that failed this way gets another try;
        never when the server asks for a longer pause than ``max_retry_after``."""
        if attempt >= self.max_attempts or isinstance(error, errors.UnsendableRequestError):
            return False
        if retry_after is not None and retry_after > self.max_retry_after:
            return False
        if error is not None:
            return not error.may_have_been_sent or idempotent or self.retry_unsafe_sends
        if status_code == 429:
            return 429 in self.retry_statuses
        if status_code in self.retry_statuses:
            return idempotent or self.retry_unsafe_sends
        return False

    def backoff(self, attempt: int, *, retry_after: float | None = None, rng: random.Random | None = None) -> float:
        """Seconds to wait after failed attempt ``attempt``: the server's ``Retry-After`` when
        given (capped), plus up to ``initial_backoff`` of jitter so that the batches it held
        back do not all return at the same instant; else exponential backoff with full jitter."""
        if retry_after is not None:
            return min(retry_after + (rng or random).uniform(0, self.initial_backoff), self.max_retry_after)
        ceiling = min(self.max_backoff, self.initial_backoff * 2 ** (attempt - 1))
        return (rng or random).uniform(0, ceiling)


NO_RETRIES = RetryPolicy(max_attempts=1)
"""A policy that never retries."""


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header, given as seconds (digits only) or as an HTTP
    date; None for anything else (a negative number, ``nan``, a date out of range)."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    when = http_date_timestamp(value)
    if when is None:
        return None
    current = time.time() if now is None else now
    return max(when - current, 0.0)


def http_date_timestamp(value: str | None) -> float | None:
    """The POSIX time of an HTTP date (a ``Date`` or ``Retry-After`` header, in any of the
    three formats of RFC 9110, a zone-less one taken as UTC); None for anything else."""
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp()

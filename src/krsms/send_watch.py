"""What a bulk send and the transport tell each other about one batch's requests.

A bulk send runs each batch inside :func:`watching_sends` with a :class:`SendWatch` of its
own; the transport finds it with :func:`current_send_watch` (a context variable, so each
batch's task sees its own) and reports whether an attempt may have reached the provider,
while the bulk send paces the retries and stops them through it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import attrs


@attrs.define
class SendWatch:
    """What the transport saw of the sends made inside :func:`watching_sends`.

    ``may_have_arrived`` is None until a send starts, False while every attempt so far
    provably never reached the provider (refused connection, 429), True once one may have.
    A bulk send uses it to tell a batch cancelled during a retry back-off (NOT_SENT) from
    one cancelled with its request out (UNKNOWN).
    """

    may_have_arrived: bool | None = None
    """None before a send starts; False while every attempt provably never reached the provider;
    True once one may have."""
    pace: Callable[[], Awaitable[None]] | None = None
    """Awaited before each retry of a send (a bulk send's requests-per-second limit, which
    counts every request the provider sees, not only each batch's first)."""
    stopping: bool = False
    """Set when the bulk send is being interrupted or stopped: no new request may leave for
    it, so a retry is not made (the last attempt's error stands), a resend is not started,
    and a request still waiting for its slot or its connection is not written."""
    before_attempt: Callable[[], None] | None = None
    """Called as each attempt of a send is about to leave (its request slot taken, just before
    it is handed to the HTTP client); it keeps the attempt from leaving by raising
    :class:`~krsms.errors.UnsendableRequestError` (a bulk send whose reservation has passed
    while the attempt waited for its slot or its retry)."""
    attempts: int = 0
    """Attempts that left for the provider, refused ones included: 0 while the send is still
    waiting to start. An attempt leaves when its request starts to be written; through an
    HTTP transport that does not report that (one of your own), when it is handed to it. One
    that could not be written at all (:class:`~krsms.errors.UnsendableRequestError`) never
    left, and is not counted."""

    def attempt_left(self) -> None:
        """Record that an attempt left: the send may have arrived from now on."""
        self.may_have_arrived = True
        self.attempts += 1


_watch: ContextVar[SendWatch | None] = ContextVar("krsms_send_watch", default=None)


def current_send_watch() -> SendWatch | None:
    """The :class:`SendWatch` the current task's sends report to (None outside
    :func:`watching_sends`)."""
    return _watch.get()


@contextmanager
def watching_sends(watch: SendWatch) -> Iterator[SendWatch]:
    """Report the sends (non-idempotent requests) of the current task to ``watch``."""
    token = _watch.set(watch)
    try:
        yield watch
    finally:
        _watch.reset(token)

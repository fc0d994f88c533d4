"""Which error a request raises once its attempts have all failed, when an earlier attempt may
have been carried out and the last one says nothing of it.

A request raised as never sent (and sent again) or as refused, when it may have gone
through, could deliver a message twice. No HTTP library here: it reads krsms's typed errors.
"""

from __future__ import annotations

from collections.abc import Callable

from krsms import errors
from krsms.response import Response


def may_have_been_processed(failure: errors.KrSmsError) -> bool:
    """Whether the attempt that failed with ``failure`` may have been carried out (a timeout
    after sending, a dropped connection, a 5xx, an unreadable answer)."""
    if isinstance(failure, errors.TransportError):
        return failure.may_have_been_sent
    return isinstance(failure, errors.ProviderError) and failure.may_have_been_processed


def reported_error(
    last: errors.KrSmsError, processed: errors.KrSmsError | None, *, idempotent: bool
) -> errors.KrSmsError:
    """The error a request whose attempts all failed raises: the ``last`` attempt's, unless it
    says nothing of an earlier attempt that may have been ``processed``: that one's then, so
    that the request is not taken as never sent (and sent again) or as refused when it may
    have been carried out. The last attempt says nothing of the earlier one when it never
    arrived (a refused connection, a 429) or, for a send, was refused on its own (a 400 to a
    send retried after a 5xx: the first may have gone out all the same; an idempotent
    request's last answer tells how things stand). A fatal ``last`` error (a redirect,
    refused keys) stands: it stops a bulk send; a send's then records that it
    :meth:`~krsms.errors.ProviderError.follows` ``processed``, whose batch is thus UNKNOWN
    rather than refused."""
    if isinstance(last, errors.ProviderError) and last.fatal:
        if processed is not None and not idempotent:
            last.follows(processed)
        return last
    if isinstance(last, errors.TransportError):
        beside_the_point = not last.may_have_been_sent
    elif isinstance(last, errors.ProviderError):
        beside_the_point = last.refused_before_processing or (not idempotent and not last.may_have_been_processed)
    else:
        beside_the_point = False
    return processed if processed is not None and beside_the_point else last


def raise_if_refused_after(
    processed: errors.KrSmsError, check_answer: Callable[[Response], object], response: Response
) -> None:
    """Raise ``processed``, an earlier attempt's failure, when the send's last answer is a
    refusal inside a 2xx (NHN's envelope) that says nothing of that attempt (see
    :func:`reported_error`): the earlier one may have been carried out all the same. A fatal
    refusal is raised here, saying that it follows ``processed`` (the caller's own read of the
    answer would raise it again without)."""
    try:
        check_answer(response)
    except errors.KrSmsError as refusal:
        reported = reported_error(refusal, processed, idempotent=False)
        if reported is processed:
            raise processed from refusal
        if isinstance(reported, errors.ProviderError) and reported.earlier_attempt is processed:
            raise

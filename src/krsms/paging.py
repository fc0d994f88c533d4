"""What reading a provider's list page after page needs, whichever the provider."""

from __future__ import annotations

from collections.abc import Sequence

from krsms.errors import MalformedResponseError


def refuse_repeated_page(
    items: Sequence[object], previous: Sequence[object] | None, *, problem: str, provider: str
) -> None:
    """Raise :class:`~krsms.errors.MalformedResponseError` with ``problem`` as its message when
    the page ``items`` repeats the page before it, ``previous`` (None before the first).

    A server that ignores the page (or offset) asked for answers the same full page every
    time, and an iteration that pages on while pages come back full would read it forever.
    An empty page repeats nothing: the iterations stop on it anyway.
    """
    if items and items == previous:
        raise MalformedResponseError(problem, provider=provider)

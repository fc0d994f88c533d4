"""What reading a provider's list page after page needs, whichever the provider."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from krsms.errors import MalformedResponseError


def refuse_repeated_page(
    items: Sequence[object], previous: Sequence[object] | None, *, problem: str, provider: str
) -> None:
    """Raise :class:`~krsms.errors.MalformedResponseError` with ``problem`` as its message when
    the page ``items`` repeats the page before it, ``previous`` (None before the first).

    A server that ignores the page (or offset) asked for answers the same full page every
    time, and an iteration that pages on while pages come back full would read it forever.
    The same page is the same items by what names them, not by every field: the fields their
    attrs class requires (the ids and fixed facts each document marks mandatory, such as
    ``requestId`` and ``recipientSeq``), leaving out the optional ones (a status, a result
    date), which change between two answers of the same page while its sends go out. An
    empty page repeats nothing: the iterations stop on it anyway.
    """
    if items and previous is not None and len(items) == len(previous) and all(map(_same_item, items, previous)):
        raise MalformedResponseError(problem, provider=provider)


def _same_item(item: object, other: object) -> bool:
    names = _required_fields(type(item))
    if not names or type(other) is not type(item):
        return item == other
    return all(getattr(item, name) == getattr(other, name) for name in names)


def _required_fields(cls: type) -> tuple[str, ...]:
    """The fields an attrs class ``cls`` requires (none for another class)."""
    if not attrs.has(cls):
        return ()
    return tuple(field.name for field in attrs.fields(cls) if field.default is attrs.NOTHING)

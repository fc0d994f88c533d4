"""JSON request bodies a gateway encodes itself, for the one list that makes a bulk send big.

httpx encodes a ``json=`` body with :func:`json.dumps`, which spends most of its time on the
objects of a long list: a dict per recipient, each turned into its items and written key by
key (about 0.4 ms for NHN's 1,000 recipients a request, a fifth of the SDK's CPU per request).
A bulk send's recipients are mostly a bare number each, checked to be digits before any
request, and digits need no escaping in JSON: :func:`number_entries` writes such a list in
one join at C speed, and :func:`body_with_list` puts it after the other fields, which
:func:`json.dumps` writes as httpx would. The transport sends an :class:`EncodedJson` as
it is, with the JSON media type.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

__all__ = ["EncodedJson", "body_with_list", "dumps", "number_entries"]


@attrs.frozen
class EncodedJson:
    """A request body already encoded as JSON (UTF-8), sent as it is."""

    content: bytes
    """The body's bytes."""


def dumps(value: Any) -> str:
    """``value`` as JSON text, written as httpx writes a ``json=`` body: compact, non-ASCII
    characters as they are, NaN and infinities refused (ValueError)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def number_entries(field: str, numbers: Sequence[str]) -> str | None:
    """``[{"<field>":"<number>"},...]``, the JSON list of one object per number, written in one
    join; None when a number is not ASCII digits alone (it may need escaping: encode the list
    with :func:`dumps` instead). ``field`` is the provider's key, written as it is."""
    digits = "".join(numbers)
    # As bytes: str.isdigit looks every character up in the Unicode tables, ten times slower.
    if not (digits.isascii() and digits.encode().isdigit()):
        return None
    opening = f'{{"{field}":"'
    return f"[{opening}" + f'"}},{opening}'.join(numbers) + '"}]'


def body_with_list(fields: Mapping[str, Any], key: str, entries: str) -> EncodedJson:
    """The JSON object of ``fields`` with ``key`` last, its value the JSON text ``entries``
    (in place of any value ``fields`` gives it); ValueError for a field :func:`dumps` refuses."""
    head = dumps({name: value for name, value in fields.items() if name != key})
    separator = "," if len(head) > 2 else ""  # "{}" takes the key without a comma
    # Encoded apart: joined first, a non-ASCII field would widen the whole list's text.
    return EncodedJson(f'{head[:-1]}{separator}"{key}":'.encode() + entries.encode() + b"}")

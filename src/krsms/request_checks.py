"""Checks of a request's parts, before any request leaves: a key, as a client is made
(:func:`check_credential`), and an id put into a URL path (:func:`path_segment`).

Each refuses with a :class:`~krsms.errors.ValidationError` naming the field and the rule,
never showing a key. The check of a ``base_url`` is the transport's own
(:func:`krsms.transport.check_base_url`): it parses the URL as httpx does.
"""

from __future__ import annotations

from urllib.parse import quote

from krsms import errors


def path_segment(value: str, *, field: str) -> str:
    """``value`` as one URL path segment (every reserved character percent-encoded).

    An empty or blank value, ``.`` or ``..`` raises ValidationError naming ``field``: the
    path would name another endpoint (``/templates/`` is the template list, and httpx
    resolves ``..`` to the parent path).
    """
    if not value.strip() or value in (".", ".."):
        raise errors.ValidationError(
            field,
            f"must not be empty, blank, '.' or '..' (it is {errors.excerpt(repr(value))})",
            limit="an id with a visible character",
            value=value,
        )
    return quote(value, safe="")


def check_credential(field: str, value: str) -> None:
    """Refuse a key that cannot be one a provider issued: not text, empty, or with whitespace at either
    end or a control character inside (a key read from a file or a variable with its line
    break), or holding a lone surrogate (Python's stand-in for a byte it could not decode, in
    an environment variable or a file read with ``errors="surrogateescape"``), which no request
    can carry. The error names the field, never the value.

    Neither provider documents a character set for its keys, so any other text is let through.

    pytest prints the arguments of a traceback's frames, so this function sets
    ``__tracebackhide__``: pytest leaves its frame out, and the key out of a failing test's
    output. The constructors that take keys clear their frames' locals from what they raise
    (:func:`~krsms.redaction.keys_out_of_tracebacks`), for error trackers too.
    """
    __tracebackhide__ = True
    if not isinstance(value, str):  # bytes from os.environb, a number from a config file
        raise errors.ValidationError(
            field, f"must be text, not {type(value).__name__}", limit="the key as issued, as a string", value="***"
        )
    if not value or value != value.strip() or any(ord(character) < 0x20 or character == "\x7f" for character in value):
        raise errors.ValidationError(
            field,
            "is empty, or has whitespace at an end or a control character (copied with a line break?)",
            limit="the key as issued, without surrounding whitespace",
            value="***",
        )
    if any("\ud800" <= character <= "\udfff" for character in value):
        raise errors.ValidationError(
            field,
            "holds a byte that could not be decoded as text (read with the wrong encoding?)",
            limit="the key as issued, as UTF-8 text",
            value="***",
        )

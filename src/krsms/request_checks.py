"""Checks of what goes into a request, made before any is sent: a key (:func:`check_credential`),
a ``base_url`` (:func:`check_base_url`) and an id put into a path (:func:`path_segment`).

Each refuses with a :class:`~krsms.errors.ValidationError` naming the field and the rule,
never showing a key. Part of the transport layer: a ``base_url`` is checked as httpx parses it.
"""

from __future__ import annotations

from urllib.parse import quote

import httpx

from krsms import errors
from krsms.redaction import Redactor


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


def check_base_url(base_url: str, *, redact: Redactor) -> None:
    """Refuse, when a client is made, a ``base_url`` no request can be sent to: one httpx
    cannot parse (``https://[::1``), without an ``http``/``https`` scheme and a host, with a
    port outside 1 to 65535, with a query or fragment (the API's path would be put into it),
    or holding whitespace (a host with a space would be sent as ``%20``). The error names the
    field and shows the URL with any user and password masked and the client's secrets
    redacted.
    """
    problem = None
    try:
        url = httpx.URL(base_url)
    except httpx.InvalidURL as exc:
        problem = f"is not a URL httpx can parse ({redact(str(exc))})"
    else:
        if url.scheme not in ("http", "https") or not url.host or "%" in url.host:
            problem = "needs an http:// or https:// scheme and a host"
        elif url.port is not None and not 1 <= url.port <= 65535:
            problem = f"has port {url.port}, outside 1 to 65535"
        elif url.query or url.fragment:
            problem = "has a query or a fragment, where the API's path would end up"
    if any(character.isspace() or ord(character) < 0x20 for character in base_url):
        problem = "holds whitespace or a control character (copied with a space or a line break?)"
    if problem is not None:
        # Raised here, outside the except block: the parse error would hold the whole URL.
        shown = redact(base_url)
        raise errors.ValidationError(
            "base_url", f"{shown!r} {problem}", limit="http(s)://host[:port][/path]", value=shown
        )

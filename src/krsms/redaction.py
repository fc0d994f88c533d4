"""Hiding secrets in text.

A :class:`Redactor` holds a client's secret values and patterns and masks them in every
URL, message, log line and outcome detail krsms writes. :func:`value_named` builds the
pattern for a value written after a name (a header, a parameter); such patterns, never the
values, also go to the filter on httpx's loggers
(:func:`krsms.transport.redact_in_httpx_logs`). :func:`keys_out_of_tracebacks` keeps the keys a
constructor is given out of the tracebacks of what it raises, and
:func:`answers_out_of_tracebacks` a provider's answer (which may echo them) out of the
tracebacks of what its reading raises; :func:`clear_chain_locals` clears what an error that
only passes through holds, with the errors chained to it.
"""

from __future__ import annotations

import functools
import re
import traceback
from collections.abc import Callable, Sequence
from typing import Concatenate, ParamSpec, TypeVar

P = ParamSpec("P")
Owner = TypeVar("Owner")
Read = TypeVar("Read")


URL_CREDENTIALS = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://)[^/?#@\s]*(?=@)")
"""Matches the user and password of a URL (``https://user:password@host``: group 1 is kept
when redacting, so it shows ``https://***@host``), a base URL's Basic auth for a proxy."""


class Redactor:
    """Hides secrets in text: a fixed set of secret values and URL patterns, and always the user
    and password of a URL (:data:`URL_CREDENTIALS`).

    Each secret is hidden as written and as Python escapes it in a repr (``b'key\\n'`` in an
    h11 error about a header value), longest form first. The secrets are replaced before the
    patterns apply: a pattern stops at characters a key may still hold (``/``, a space, a
    quote), and once it has masked the head of a key the literal key no longer matches its tail.
    """

    def __init__(self, secrets: Sequence[str] = (), patterns: Sequence[re.Pattern[str]] = ()):
        forms = {form for secret in secrets if secret for form in _written_forms(secret)}
        self._secrets = tuple(sorted(forms, key=len, reverse=True))
        self._patterns = (URL_CREDENTIALS, *patterns)

    def __call__(self, text: str) -> str:
        """``text`` with every secret and secret-bearing pattern masked."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        for pattern in self._patterns:
            # A function, not a template: re compiles a template in Python on every call,
            # while a function is called only for a match (most texts have none).
            text = pattern.sub(masked_value, text)
        return text

    def __repr__(self) -> str:
        return "Redactor(***)"


def masked_value(match: re.Match[str]) -> str:
    """What a secret-bearing pattern's ``match`` becomes: its group 1 (the name) kept, the value masked."""
    return f"{match.group(1)}***"


def _written_forms(secret: str) -> set[str]:
    return {secret, repr(secret)[1:-1], repr(secret.encode("utf-8", "surrogatepass"))[2:-1]}


def value_named(*names: str) -> re.Pattern[str]:
    """A pattern for the value written after one of ``names`` (any case), wherever a header or
    a parameter is spelled out: a header list (``(b'x-secret-key', b'value')``), hpack's
    ``b'x-secret-key'=b'value'``, a header line (``X-Secret-Key: value``), a query string
    (``?appKey=value``, ``appKey%3Dvalue``) or JSON (``"appKey": "value"``).

    Group 1, the name and what separates it from the value, is kept when redacting. A name
    also matches inside a longer one (``appKey`` in ``X-AppKey``).
    """
    alternatives = "|".join(re.escape(name) for name in names)
    return re.compile(rf"""(?i)((?:{alternatives})(?:['"]\s*[:=,]|\s*[:=]|%3D)\s*b?['"]?)[^'"\s,;&)\]}}]+""")


def keys_out_of_tracebacks(init: Callable[Concatenate[Owner, P], None]) -> Callable[Concatenate[Owner, P], None]:
    """``init`` (the ``__init__`` of a class that takes keys), leaving them out of the
    traceback of any exception it raises.

    Error trackers (Sentry) and ``traceback``'s ``capture_locals`` record the locals of every
    frame an exception passed, whatever pytest's ``__tracebackhide__`` says, and a constructor's
    arguments are its keys: a refused ``base_url`` would carry them all to the error tracker.
    The frames ``init`` ran are cleared (their lines stay in the traceback, their locals go)
    and its arguments dropped before the exception goes on; only the half-built object stays,
    shown by its repr.
    """

    def init_without_keys_in_tracebacks(self: Owner, /, *args: P.args, **kwargs: P.kwargs) -> None:
        __tracebackhide__ = True  # pytest leaves this frame out of a failing test's output
        try:
            init(self, *args, **kwargs)
        except BaseException as error:
            del args, kwargs
            traceback.clear_frames(error.__traceback__)  # this frame, still running, is skipped
            raise

    functools.update_wrapper(init_without_keys_in_tracebacks, init)  # its name, docstring and signature
    return init_without_keys_in_tracebacks


def answers_out_of_tracebacks(read: Callable[P, Read]) -> Callable[P, Read]:
    """``read`` (a function reading a provider's answer), leaving the answer out of the
    traceback of any exception it raises.

    An answer may echo a key (NHN's sender-number entries carry the appKey; an API gateway
    may echo the request's headers in an error body): the messages krsms builds from it are
    redacted, but error trackers (Sentry) and ``traceback``'s ``capture_locals`` record the
    locals of every frame an exception passed, and a reader's locals are the decoded answer.
    As :func:`keys_out_of_tracebacks` does, the frames ``read`` ran are cleared and its
    arguments dropped before the exception goes on, all of them (that one keeps the
    constructor's ``self``, whose repr is safe); the traceback keeps their lines. Its
    callers must hold no more than the answer's :class:`~krsms.transport.Response`, whose
    repr shows neither its headers nor its body. A call that returns pays one function call.
    """

    def read_without_answers_in_tracebacks(*args: P.args, **kwargs: P.kwargs) -> Read:
        __tracebackhide__ = True  # pytest leaves this frame out of a failing test's output
        try:
            return read(*args, **kwargs)
        except BaseException as error:
            del args, kwargs
            traceback.clear_frames(error.__traceback__)  # this frame, still running, is skipped
            raise

    functools.update_wrapper(read_without_answers_in_tracebacks, read)
    return read_without_answers_in_tracebacks


def clear_chain_locals(error: BaseException, *, handled_before: BaseException | None) -> None:
    """Clear the locals of the frames ``error`` passed, an error that goes on as it is, and
    of the frames of the errors chained to it, back to ``handled_before`` (the caller's own
    error being handled when the work began, whose frames are the caller's).

    The transport calls it for an error that passes through httpx without being a failure of
    the network (a hook's own, a body JSON cannot encode, a borrowed client used from another
    loop, a bug): httpx's frames hold the request and its URL, NHN's appKey included, and
    error trackers (Sentry) and ``--showlocals`` record the locals of every frame an
    exception passed. The frames keep their lines; frames still running keep their locals.
    """
    pending: list[BaseException | None] = [error]
    cleared: set[int] = set()
    while pending:
        current = pending.pop()
        if current is None or current is handled_before or id(current) in cleared:
            continue
        cleared.add(id(current))
        traceback.clear_frames(current.__traceback__)
        pending += [current.__cause__, current.__context__]

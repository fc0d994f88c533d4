"""A provider's answer as the transport gives it, and what turns a failed one into an error.

A :class:`Response` is read in full and shows no header or body in its repr; an
:data:`ErrorParser` is each provider's reading of its error bodies. No HTTP library here:
provider clients read answers through this module without knowing httpx.
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import attrs

from krsms import errors
from krsms.redaction import Redactor
from krsms.retry import http_date_timestamp, parse_retry_after


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Seconds the answer with ``headers`` asks to wait (:func:`~krsms.retry.parse_retry_after`).
    A ``Retry-After`` date counts from the answer's own ``Date`` when it has a valid one: both
    are the server's clock, and the local one may be minutes off (a skew SENS answers with
    401, which its signing corrects); else from the local clock."""
    return parse_retry_after(headers.get("retry-after"), now=http_date_timestamp(headers.get("date")))


@attrs.frozen(kw_only=True)
class Response:
    """A provider's answer, read in full.

    Its repr shows the status, the redacted URL and the body's size, not the headers or the
    body: an answer may echo a key, and reprs reach logs and error trackers' frame locals.
    """

    status_code: int
    headers: Mapping[str, str] = attrs.field(repr=False)
    """The answer's headers (httpx's, looked up ignoring case)."""
    content: bytes = attrs.field(repr=lambda content: f"<{len(content)} bytes>")
    """The body, as undecoded bytes."""
    method: str | None = None
    """The method of the request answered (``"POST"``); None when not known."""
    url: str
    """The request URL, already redacted."""
    redact: Redactor = attrs.field(repr=False, eq=False)
    """The transport's redactor, applied to every piece of the body put into a message."""
    _parsed: list[Any] = attrs.field(factory=list, init=False, repr=False, eq=False)
    """The body as JSON once :meth:`json` has read it (an answer read twice is parsed once)."""

    @property
    def path(self) -> str | None:
        """The path of the request answered, redacted (it is :attr:`url`'s), without the query
        (which may hold phone numbers): what a provider error names, beside :attr:`method`.
        None when :attr:`url` has none."""
        return urlsplit(self.url).path or None

    def json(self, *, provider: str) -> Any:
        """The body as JSON; anything else becomes MalformedResponseError."""
        if self._parsed:
            return self._parsed[0]
        try:
            value = jsonlib.loads(self.content)
        except ValueError:
            # Raised below, outside this block: the decode error holds the whole body.
            pass
        else:
            self._parsed.append(value)
            return value
        raise errors.MalformedResponseError(
            f"answer is not JSON: {self._text(80)!r}",
            provider=provider,
            status_code=self.status_code,
            method=self.method,
            path=self.path,
        )

    def excerpt(self) -> str:
        """``HTTP <status>`` and the start of the body, for answers without a usable message."""
        text = self._text(120)
        return f"HTTP {self.status_code}" + (f": {text}" if text else "")

    def _text(self, limit: int) -> str:
        # Redact the whole body before cutting it, so no secret is cut in half and kept.
        return self.redact(self.content.decode("utf-8", "replace")).strip()[:limit]

    def json_or_none(self, *, provider: str) -> Any:
        """The body as JSON, or None when it is not JSON (an HTML error page, say)."""
        try:
            return self.json(provider=provider)
        except errors.MalformedResponseError:
            return None

    def status_error(
        self,
        message: str,
        *,
        provider: str,
        code: str | None = None,
        error_class: type[errors.ProviderError] | None = None,
    ) -> errors.ProviderError:
        """The typed error of this failed answer: ``error_class``, by default the class of its
        HTTP status, naming the request answered (:attr:`method`, :attr:`path`); a rate limit
        carries ``Retry-After``. Redact ``message`` first."""
        error_class = error_class or errors.error_class_for_status(self.status_code)
        if issubclass(error_class, errors.RateLimitedError):
            return error_class(
                message,
                provider=provider,
                status_code=self.status_code,
                code=code,
                method=self.method,
                path=self.path,
                retry_after=retry_after_seconds(self.headers),
            )
        return error_class(
            message, provider=provider, status_code=self.status_code, code=code, method=self.method, path=self.path
        )


ErrorParser = Callable[[Response], errors.ProviderError]
"""Builds the typed error for a non-2xx answer; each provider knows its error bodies. The
:class:`Response` says which request it answers (its ``method`` and redacted ``url``):
:meth:`Response.status_error` puts them into the error, which names them.

Not a bound method of the transport's owner: the transport would hold its owner, and an
owner dropped without ``aclose()`` would wait for the garbage collector to close its client."""

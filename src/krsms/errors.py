"""One exception hierarchy for everything krsms raises.

::

    KrSmsError
    ├── ValidationError            bad input, raised before any network I/O
    ├── ProviderError              the provider answered, and the answer is a failure
    │   ├── BadRequestError        400, or a provider code for a malformed request
    │   ├── AuthenticationError    401/403, bad keys, unknown appKey (fatal: fails every batch)
    │   ├── NotFoundError          404, unknown request id, template, ...
    │   ├── RateLimitedError       429 (with ``retry_after``)
    │   ├── RedirectError          3xx: ``base_url`` is not the API's (never followed; fatal)
    │   ├── ServerError            5xx
    │   └── MalformedResponseError an answer that is not the documented shape
    └── TransportError             no usable answer; ``may_have_been_sent`` tells the truth
        ├── ConnectError           the request never left (safe to retry)
        ├── PoolTimeoutError       no connection became free (never left, safe to retry)
        ├── UnsendableRequestError could not be written at all (never left; retrying repeats it)
        └── RequestTimeoutError    sent, then no answer in time (ambiguous)

Provider packages add subclasses (``krsms.nhn.errors.TemplateError`` ...) so callers can catch by
kind. Messages never contain secrets: URLs are redacted before they reach an exception, and
phone numbers in validation errors are masked.
"""

from __future__ import annotations

from typing import Any, ClassVar


class KrSmsError(Exception):
    """Base class of every exception raised by krsms.

    Every one survives pickling (a process pool, a task queue) with its fields: it is rebuilt
    from its ``args`` and attributes, without calling ``__init__`` again, whose keyword-only
    arguments ``args`` does not hold.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        return _unpickled, (type(self), self.args), self.__dict__


def _unpickled(error_class: type[KrSmsError], args: tuple[object, ...]) -> KrSmsError:
    """An exception of ``error_class`` with ``args``, its attributes still to be restored."""
    return error_class.__new__(error_class, *args)


class ValidationError(KrSmsError, ValueError):
    """Input that cannot be sent, detected before any network call: nothing was sent.

    ``field`` names what to fix (``"text"``, ``"recipients[3].number"``), ``limit`` the rule
    that was broken and ``value`` the offending value (phone numbers masked).
    """

    def __init__(self, field: str, problem: str, *, limit: str | None = None, value: object = None):
        self.field = field
        """What to fix, as a path into the input (``"text"``, ``"recipients[3].number"``)."""
        self.problem = problem
        """What is wrong, in words (the message after ``"<field>: "``), saying the offending
        value (as :attr:`value` shows it) and the limit: the message is what a traceback, a log
        line or the CLI shows."""
        self.limit = limit
        """The rule that was broken (``"90 bytes"``); None when not given."""
        self.value = value
        """The offending value, as far as it may be shown (phone numbers masked, keys as
        ``***``); None when not given."""
        super().__init__(f"{field}: {problem}")


def excerpt(text: str, max_chars: int = 40, *, end: bool = False) -> str:
    """``text`` as an error message quotes it: whole when it has at most ``max_chars``
    characters, else its start (or, with ``end``, its end) with ``…`` marking the cut."""
    if len(text) <= max_chars:
        return text
    return "…" + text[1 - max_chars :] if end else text[: max_chars - 1] + "…"


class ProviderError(KrSmsError):
    """The provider answered with a failure.

    ``code`` is the provider's own code (SENS/NCP gateway ``errorCode``, NHN ``resultCode``)
    as a string, ``status_code`` the HTTP status (NHN reports many failures with HTTP 200),
    ``method`` and ``path`` the request the answer was to (the path redacted: NHN's holds the
    appKey), so that a log line tells which of an application's calls failed.
    """

    fatal: ClassVar[bool] = False
    """True when the same request cannot succeed for any other batch of the same job
    (bad credentials, unregistered sender): bulk sends stop at once."""
    may_have_been_processed: ClassVar[bool] = False
    """True when the provider may have carried the request out even so (a 5xx, an answer
    that is not the documented shape): a send answered so may have gone out, and its batch
    is UNKNOWN, looked up rather than resent blindly. False when the answer says it was not
    carried out."""
    refused_before_processing: ClassVar[bool] = False
    """True when the request was turned away before the provider processed it (a 429 from
    the rate limiter in front of the API, a redirect, never followed): a send answered so
    never reached the provider, and its batch is NOT_SENT. A failure with neither this nor
    :attr:`may_have_been_processed` was processed and refused: its batch is REJECTED."""

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        status_code: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
        method: str | None = None,
        path: str | None = None,
    ):
        self.message = message
        """The failure in words; ``str()`` adds the provider, the request, status, code and request id."""
        self.provider = provider
        """Who answered: ``"sens"`` or ``"nhn"`` (``"fake"`` for
        :class:`~krsms.testing.FakeGateway`)."""
        self.status_code = status_code
        """The HTTP status of the answer; None when the error comes from no single answer."""
        self.code = code
        """The provider's own code, as a string; None when the answer had none."""
        self.request_id = request_id
        """The provider's id of the request concerned; None when not known."""
        self.method = method
        """The HTTP method of the request the answer was to (``"POST"``); None when the error
        comes from no single answer."""
        self.path = path
        """The path of the request the answer was to, as sent but redacted and without its
        query (which may hold phone numbers): ``"/sms/v2.2/appKeys/***/sender/sms"``. None when
        the error comes from no single answer."""
        self.earlier_attempt: KrSmsError | None = None
        """For a fatal answer to a send retried after a failure that says it may have been
        processed (a 5xx or a timeout, with ``retry_unsafe_sends``): that earlier attempt's
        error. The send may have been carried out all the same (a bulk send's batch is
        ``UNKNOWN``), though this answer stops a bulk send. None otherwise."""
        super().__init__(self._describe())

    def follows(self, earlier_attempt: KrSmsError) -> None:
        """Record that this answer came after ``earlier_attempt``'s failure, which may have been
        processed (:attr:`earlier_attempt`); the message then says so."""
        self.earlier_attempt = earlier_attempt
        self.args = (self._describe(),)

    def _describe(self) -> str:
        parts = [f"{self.provider}: {self.message}"]
        if self.path is not None:
            parts.append(self.path if self.method is None else f"{self.method} {self.path}")
        if self.status_code is not None:
            parts.append(f"HTTP {self.status_code}")
        if self.code is not None:
            parts.append(f"code {self.code}")
        if self.request_id is not None:
            parts.append(f"request {self.request_id}")
        described = parts[0] + (f" ({', '.join(parts[1:])})" if len(parts) > 1 else "")
        earlier = self.earlier_attempt
        if earlier is not None:
            status = getattr(earlier, "status_code", None)
            said = f"HTTP {status}" if status is not None else "no answer"
            described += f"; an earlier attempt may have been processed ({type(earlier).__name__}: {said})"
        return described


class BadRequestError(ProviderError):
    """The provider refused the request as malformed or not allowed (HTTP 400 and the like)."""


class AuthenticationError(ProviderError):
    """Credentials were refused: wrong keys, bad signature, clock skew, unknown appKey."""

    fatal = True
    """Every other batch would be refused alike."""


class NotFoundError(ProviderError):
    """The resource (service, request, message, template, ...) does not exist."""


class RateLimitedError(ProviderError):
    """Too many requests; ``retry_after`` is the provider's requested pause in seconds."""

    refused_before_processing = True
    """A rate limiter answers 429 before the request is processed."""

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        status_code: int | None = 429,
        code: str | None = None,
        request_id: str | None = None,
        method: str | None = None,
        path: str | None = None,
        retry_after: float | None = None,
    ):
        self.retry_after = retry_after
        """Seconds the provider asked to wait (``Retry-After``); None when it did not say."""
        super().__init__(
            message,
            provider=provider,
            status_code=status_code,
            code=code,
            request_id=request_id,
            method=method,
            path=path,
        )


class RedirectError(ProviderError):
    """The provider answered with a redirect (HTTP 3xx): ``base_url`` is not the API's
    (``http://`` for ``https://``, a moved host). krsms never follows one, as a send would
    be replayed, keys and all, at the other address; the request was not processed, and every
    other would be redirected alike."""

    fatal = True
    """Every other batch would be redirected alike."""
    refused_before_processing = True
    """The redirect was never followed: the request did not reach the API."""


class ServerError(ProviderError):
    """The provider failed (HTTP 5xx); a send may or may not have been processed."""

    may_have_been_processed = True
    """A 5xx may come after the provider carried the request out."""


class MalformedResponseError(ProviderError):
    """The answer did not have the documented shape (HTML error page, truncated JSON, ...)."""

    may_have_been_processed = True
    """An answer that cannot be read does not say whether the request was carried out."""


class TransportError(KrSmsError):
    """No usable answer arrived.

    ``may_have_been_sent`` is False only when the request provably never reached the
    provider, or the provider said it processed none of it (an HTTP/2 stream refused
    unprocessed); a send that fails with it True must be treated as UNKNOWN, never resent
    blindly.
    """

    may_have_been_sent: bool = True
    """True unless the request provably never reached the provider, or was provably not
    processed by it."""

    def __init__(self, message: str, *, may_have_been_sent: bool | None = None):
        if may_have_been_sent is not None:
            self.may_have_been_sent = may_have_been_sent
        super().__init__(message)


class ConnectError(TransportError):
    """The connection could not be made: the request never left this process."""

    may_have_been_sent = False
    """Never: no connection was made."""


class PoolTimeoutError(TransportError):
    """No connection of the pool, or no request slot of ``max_concurrency``, became free in
    time: the request never left."""

    may_have_been_sent = False
    """Never: no connection became free to send it on."""


class UnsendableRequestError(TransportError):
    """The request could not be written at all (an illegal header value, such as a key read
    with its line break; a URL httpx cannot parse or whose scheme it does not speak; a body
    JSON cannot carry): it never left, and sending it again would fail the same way."""

    may_have_been_sent = False
    """Never: the request could not be written."""


class RequestTimeoutError(TransportError):
    """The request went out but no answer came in time: it may have been processed."""


_STATUS_ERRORS: dict[int, type[ProviderError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: AuthenticationError,
    404: NotFoundError,
    429: RateLimitedError,
}


def error_class_for_status(status_code: int) -> type[ProviderError]:
    """The exception class that an HTTP error status maps to: a 3xx is a :class:`RedirectError`
    (never followed, refused before processing), a 5xx a :class:`ServerError`, 400, 401, 403,
    404 and 429 their own classes, any other a :class:`BadRequestError`."""
    if status_code >= 500:
        return ServerError
    if 300 <= status_code < 400:
        return RedirectError
    return _STATUS_ERRORS.get(status_code, BadRequestError)

"""The transport: the one module that sends requests through httpx.

A :class:`Transport` wraps an ``httpx.AsyncClient`` that it either borrows from the caller
(and never closes) or owns (one per event loop, closed on :meth:`Transport.aclose`). It
sends a request with its provider's ``httpx.Auth``, bounds the number of requests in flight,
retries what the :class:`~krsms.retry.RetryStrategy` allows and turns every failure into a
typed :mod:`krsms.errors` exception. Provider clients above it never import httpx.

What speaks httpx stays here: the :class:`Transport`, the :class:`Timeouts` and
:class:`Limits` of its clients, the check of a ``base_url`` (parsed as httpx parses it), and
what it reads of httpx below its public API (how many requests a client's pool carries at
once, when a request starts to be written). The rest is built from modules of one concept
each, none importing httpx:

- :mod:`krsms.response`: the answer (:class:`Response`) and :data:`ErrorParser`;
- :mod:`krsms.loop_clients`: what it keeps for each event loop, and closing an owned client
  in that loop;
- :mod:`krsms.request_checks`: the checks of a key and of an id put into a path;
- :mod:`krsms.httpx_logs`: secrets hidden in the logs of httpx, httpcore and hpack;
- :mod:`krsms.failed_attempts`: the error a request raises once its attempts all failed;
- :mod:`krsms.retry`, :mod:`krsms.redaction`, :mod:`krsms.send_watch`: when to try again,
  secrets in text, what a bulk send and the transport tell each other.

Every name of ``__all__`` is importable from here, wherever it lives.
"""

from __future__ import annotations

import asyncio
import logging
import random
import sys
import threading
import time
import traceback
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager, suppress
from functools import partial
from types import AsyncGeneratorType
from typing import Any, TypeAlias, TypeVar, cast
from urllib.parse import urlsplit

import anyio
import attrs
import httpx

from krsms import errors
from krsms.failed_attempts import may_have_been_processed, raise_if_refused_after, reported_error
from krsms.httpx_logs import hide_phone_numbers, redact_in_httpx_logs
from krsms.json_body import EncodedJson
from krsms.loop_clients import LoopState, close_soon, close_unless_closing, close_with_loop
from krsms.redaction import Redactor, clear_chain_locals, value_named
from krsms.request_checks import check_credential, path_segment
from krsms.response import ErrorParser, Response, retry_after_seconds
from krsms.retry import NO_RETRIES, RetryPolicy, RetryStrategy, parse_retry_after
from krsms.send_watch import SendWatch, current_send_watch, watching_sends
from krsms.settings import check_count, check_seconds, count, seconds

__all__ = [
    "NO_RETRIES",
    "USER_AGENT",
    "ErrorParser",
    "HttpClient",
    "Limits",
    "Redactor",
    "Response",
    "RetryPolicy",
    "RetryStrategy",
    "SendWatch",
    "Timeouts",
    "Transport",
    "check_base_url",
    "check_credential",
    "current_send_watch",
    "parse_retry_after",
    "path_segment",
    "redact_in_httpx_logs",
    "value_named",
    "watching_sends",
]

logger: logging.Logger = logging.getLogger("krsms")
# A library's one handler: without it, Python prints WARNING and above to stderr (its
# "last resort") in an application that configured no logging.
logger.addHandler(logging.NullHandler())

HttpClient: TypeAlias = httpx.AsyncClient
"""The client a gateway or provider client may borrow (``http_client=``): httpx's, named here
so that only this module and the two ``auth`` modules import httpx."""
USER_AGENT = "krsms (+https://pypi.org/project/krsms)"
"""``User-Agent`` of the HTTP clients the SDK creates (a borrowed client keeps its own)."""


@attrs.frozen(kw_only=True)
class Timeouts:
    """Seconds to wait for each phase of a request; ``pool`` is the wait for a free connection."""

    connect: float = attrs.field(default=5.0, validator=seconds(positive=True))
    """Seconds to open a connection."""
    read: float = attrs.field(default=30.0, validator=seconds(positive=True))
    """Seconds to wait for each chunk of the answer (not for the whole answer)."""
    write: float = attrs.field(default=30.0, validator=seconds(positive=True))
    """Seconds to wait for each chunk of the request to be sent."""
    pool: float = attrs.field(default=30.0, validator=seconds(positive=True))
    """Seconds to wait for a free connection of the pool, and for one of the transport's
    ``max_concurrency`` request slots (each wait has this long)."""

    def to_httpx(self) -> httpx.Timeout:
        """The equivalent ``httpx.Timeout``."""
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.write, pool=self.pool)


@attrs.frozen(kw_only=True)
class Limits:
    """Connection pool size of a client the SDK creates."""

    max_connections: int = attrs.field(default=32, validator=count(minimum=1))
    """Connections open at once, at most; also caps the transport's ``max_concurrency``."""
    max_keepalive_connections: int = attrs.field(
        default=attrs.Factory(lambda limits: limits.max_connections, takes_self=True), validator=count(minimum=0)
    )
    """Idle connections kept open for reuse, at most; ``max_connections`` unless given.
    httpcore 1.0 closes an idle connection whenever its pool holds more connections than
    this, idle or not, so a smaller value closes each connection above it as its request
    ends."""
    keepalive_expiry: float = attrs.field(default=4.0, validator=seconds())
    """Seconds an idle connection is kept; below common server keep-alive timeouts (5 s), so
    the pool never reuses a connection the server is closing."""


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


_HTTP2_STREAMS_PER_CONNECTION = 100
"""Requests httpcore sends at once on one HTTP/2 connection, at most (its own setting of
``SETTINGS_MAX_CONCURRENT_STREAMS``; a server allowing fewer makes the rest wait for a
stream, not for the pool). httpcore 1.0 puts every request to a host on one HTTP/2
connection while that one is open, whatever the pool's ``max_connections``: a pool carries
this many to the host, not this many a connection."""


def _pool_capacity(client: httpx.AsyncClient, base_url: str) -> int | None:
    """How many requests the connection pool ``client`` reaches ``base_url`` through (a
    mount's for that host, when it has one) carries at once; None when it cannot be read.

    Its ``max_connections`` over HTTP/1.1, where each request in flight holds a connection.
    A pool that speaks only HTTP/2 (``http1=False``) carries
    :data:`_HTTP2_STREAMS_PER_CONNECTION`, on the one connection httpcore opens to the host.
    One that may speak either to that URL (``http2=True`` over https: the server picks in
    ALPN) carries that many over HTTP/2, its ``max_connections`` over HTTP/1.1: the larger.
    A server that answers HTTP/1.1 then makes the requests beyond the pool's connections
    wait for one, within the pool timeout.

    httpx does not expose the pool: it is read through the client's transport and its
    httpcore pool, defensively (private attributes). A client with a transport of its own (a
    mock, an aiohttp-based one) gives None.
    """
    transport = getattr(client, "_transport", None)
    transport_for_url = getattr(client, "_transport_for_url", None)
    url = None
    if base_url:
        with suppress(Exception):  # a URL check_base_url refuses: no mount, no HTTP/2 told
            url = httpx.URL(base_url)
    if url is not None and callable(transport_for_url):
        with suppress(Exception):  # a private method: whatever it does, the default stands
            transport = transport_for_url(url)
    pool = getattr(transport, "_pool", None)
    size = getattr(pool, "_max_connections", None)
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        return None
    http1, http2 = getattr(pool, "_http1", True), getattr(pool, "_http2", False)
    over_https = url is not None and url.scheme == "https"
    if http2 is True and http1 is False:
        return _HTTP2_STREAMS_PER_CONNECTION
    if http2 is True and over_https:
        return max(size, _HTTP2_STREAMS_PER_CONNECTION)
    return size


def _reports_writes(client: httpx.AsyncClient) -> bool:
    """Whether every transport ``client`` may send through is httpx's own, whose httpcore pool
    calls a request's ``trace`` extension as it starts writing it, and no request hook of the
    client may replace that extension (httpx's documented way to log a request's events).
    Any other transport (a mock, an aiohttp-based one, a subclass that may not reach httpcore)
    may send without saying so. Read defensively: httpx keeps its transports private."""
    if client.event_hooks.get("request"):
        return False
    mounts = getattr(client, "_mounts", None)
    if not isinstance(mounts, Mapping):
        return False
    transports = [getattr(client, "_transport", None), *(mount for mount in mounts.values() if mount is not None)]
    return all(type(transport) is httpx.AsyncHTTPTransport for transport in transports)


_WRITE_STARTS = frozenset({"http11.send_request_headers.started", "http2.send_request_headers.started"})
"""httpcore's ``trace`` events for a request starting to be written, over HTTP/1.1 and HTTP/2.
Through an HTTPS proxy, the tunnel's ``CONNECT`` request (which carries the request's
extensions) has them first: see :func:`_tunnel_opening`."""
_ANSWER_HEADS = frozenset({"http11.receive_response_headers.complete", "http2.receive_response_headers.complete"})
"""httpcore's ``trace`` events for the head of an answer read, over HTTP/1.1 and HTTP/2."""


_REFUSED_STREAM = 0x7
"""HTTP/2's ``REFUSED_STREAM`` error code (RFC 9113, 7)."""


def _refused_unprocessed(exc: Exception) -> bool:
    """Whether ``exc``, an httpx error, is an HTTP/2 server's word that it processed nothing
    of the request (RFC 9113): its stream reset with ``REFUSED_STREAM`` (8.7), or its
    connection closed by a ``GOAWAY`` naming no stream as processed (last stream 0, 6.8;
    httpcore sends a request again itself when the last stream named is below its own).
    Believed only of an attempt whose answer had not begun (see :attr:`_WriteGate.answered`):
    a server that sent the head of its answer processed the request, whatever it says next.

    httpcore raises both as a ``RemoteProtocolError`` holding h2's event, which httpx keeps as
    its error's cause. Read defensively, from ``h2.events`` only once h2 is loaded (an HTTP/2
    connection imported it): krsms does not need h2."""
    events = sys.modules.get("h2.events")
    cause = exc.__cause__
    if events is None or not isinstance(exc, httpx.RemoteProtocolError) or cause is None or not cause.args:
        return False
    event = cause.args[0]
    if isinstance(event, events.StreamReset):
        return bool(event.error_code == _REFUSED_STREAM)
    return isinstance(event, events.ConnectionTerminated) and event.last_stream_id == 0


_POOL_ENTRY_PASSES = 2
"""Passes of the event loop between two requests entering the pool (:func:`_take_pool_turn`)."""


async def _take_pool_turn(state: LoopState) -> None:
    """Wait until the loop's last request to enter the client's pool has had
    :data:`_POOL_ENTRY_PASSES` passes of the event loop to take its connection.

    httpcore 1.0's pool hands an idle connection to every request that asks for one within
    the few passes of the loop before the first has started on it; the others get
    ``ConnectionNotAvailable`` and start over, each start walking every request and
    connection of the pool (encode/httpcore#1110). Requests started together (a bulk send's
    wave, handlers sending at once, and their next requests, whose answers came back
    together) collided so, up to seven attempts a request with 64 in flight. A request that
    finds no other entering goes on at once.
    """
    entering = state.entering
    await entering.acquire()
    loop = asyncio.get_running_loop()
    release: Callable[[], object] = entering.release
    for _ in range(_POOL_ENTRY_PASSES - 1):
        release = partial(loop.call_soon, release)
    loop.call_soon(release)


def _tunnel_opening(info: Mapping[str, Any]) -> bool:
    """Whether the request httpcore is writing (its ``trace`` event's ``info``) is the
    ``CONNECT`` that opens a tunnel through a proxy: only the proxy reads it (which may refuse
    it), nothing of the provider's request has left yet."""
    return getattr(info.get("request"), "method", None) == b"CONNECT"


class _NotWritten(Exception):
    """Raised by :class:`_WriteGate` through httpcore: the request was about to be written and
    must not be, so nothing of it was; ``why`` says what stopped it."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


class _WriteGate:
    """httpcore's ``trace`` extension for one attempt: the last gate before the network, and,
    for a send, what tells its ``watch`` that the attempt left.

    No request is written once its transport was closed by :meth:`Transport.aclose` while it
    waited for a connection (of a borrowed client's busy pool, or one still being opened),
    nor a send once its bulk send is stopping (:class:`_NotWritten`). The bulk send cancels
    such an attempt, but a cancellation can be lost on its way: on Python 3.10 anyio cannot
    tell a task's own cancellation from its cancel scopes', and swallows it when it lands in
    ``connect_tcp``'s task group just as the connection is made.

    A send's attempt leaves once its request starts to be written, not while it waits for a
    connection; once per attempt (an auth flow that signs again after a 401 writes it twice,
    and each write is checked). It also tells whether the head of an answer to the request
    last written came in (:attr:`answered`).

    The transport and the watch are held weakly: httpx keeps a request, its extensions
    included, in a reference cycle with its response, which only the garbage collector frees
    unless the transport reads the answer (:func:`_release`).
    Held strongly, the transport (and its clients), or the watch's ``pace`` (a bound method of
    the gateway), would keep a gateway dropped unclosed, its client and its sockets alive until
    then, and the collector would then free the sockets unclosed (``ResourceWarning``) rather
    than the client's closer closing them in its loop.
    """

    __slots__ = ("_seen", "_transport", "_watch", "answered")

    def __init__(self, transport: Transport, watch: SendWatch | None):
        self._transport = weakref.ref(transport)
        self._watch = None if watch is None else weakref.ref(watch)
        self._seen = False
        self.answered = False
        """Whether the head of an answer to the request last written came in."""

    async def __call__(self, event: str, info: Mapping[str, Any]) -> None:
        if event in _ANSWER_HEADS:
            self.answered = True
        elif event in _WRITE_STARTS and not _tunnel_opening(info):
            self.answered = False  # a request written again (signed again after a 401) is answered anew
            transport = self._transport()
            if transport is None or transport._closed:
                raise _NotWritten("closed by aclose()")
            watch = None if self._watch is None else self._watch()
            if watch is not None and watch.stopping:
                raise _NotWritten("the bulk send it belongs to is stopping")
            if watch is not None and not self._seen:
                watch.attempt_left()
            self._seen = True


T = TypeVar("T")

_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE"})
"""The methods whose requests are idempotent by default (a POST is a send)."""


def _client_factory(timeouts: Timeouts, limits: Limits) -> Callable[[], httpx.AsyncClient]:
    """What makes the clients a transport owns (one per event loop), with ``timeouts`` and
    ``limits``. One TLS context (httpx's default one) serves every loop's client: loading the
    certificate bundle is the costly part of making a client, and a service that calls
    asyncio.run() per request makes one per call."""
    return partial(
        httpx.AsyncClient,
        verify=httpx.create_ssl_context(),
        timeout=timeouts.to_httpx(),
        limits=httpx.Limits(
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
        ),
        headers={"User-Agent": USER_AGENT},
    )


def _forget_if_alive(
    forget: weakref.WeakMethod[Callable[[asyncio.AbstractEventLoop], None]], loop: asyncio.AbstractEventLoop
) -> None:
    """Call ``forget(loop)``, a method of a transport held weakly: a closer must not keep a
    gateway dropped unclosed alive (it is freed at once, and its closers close its clients)."""
    method = forget()
    if method is not None:
        method(loop)


async def _replay(content: bytes) -> AsyncIterator[bytes]:
    yield content


def _declared_json(headers: Mapping[str, str]) -> bool:
    """Whether ``headers`` declare a JSON body: ``application/json`` or a ``+json`` type, in
    any case (media types are case-insensitive, RFC 9110 8.3.1), parameters aside."""
    media_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


_NO_STREAM = httpx.ByteStream(b"")
"""What a closed answer's stream becomes (see :func:`_release`)."""


def _release(response: httpx.Response) -> None:
    """Let ``response``, closed, be freed as soon as it is dropped.

    httpx (0.28) wraps each answer's stream in one that holds the answer, to set its
    ``elapsed`` as it closes: a reference cycle, which only the garbage collector frees, and
    a long-running process's full collections are rare. Until one, every answer, with its
    request and both bodies (some 150 kB a batch of an NHN bulk send), would stay in memory.
    So would the answers of its ``history``, read and closed by httpx: a SENS 401 that had
    the request signed again (a skewed clock).
    """
    for answer in (*response.history, response):
        answer.stream = _NO_STREAM


def _clear_attempt(failure: errors.TransportError) -> None:
    """Clear the locals of the frames of one attempt that ``failure`` was raised through (as
    :meth:`Transport.request` does for the error leaving the transport): a request that is
    retried keeps no more than its last attempt's error in a cycle, and only until that leaves
    the transport."""
    traceback.clear_frames(failure.__traceback__)  # the frame catching it still runs, and is skipped


def _content_read(response: httpx.Response) -> bytes:
    """The body httpx read of ``response``; empty when a response hook raised before it was
    read (httpx closes the answer unread then)."""
    try:
        return response.content
    except httpx.ResponseNotRead:
        return b""


class Transport:
    """Sends a provider's requests through an ``httpx.AsyncClient``.

    ``http_client`` is borrowed and never closed, and its own ``auth`` is never used (the
    provider's ``auth`` is, or none); without one the transport creates a client
    with ``timeouts`` and ``limits`` for each event loop it is used from, and closes them in
    :meth:`aclose`. ``max_concurrency`` bounds the requests in flight in each event loop,
    downloads aside (see :meth:`stream`): never above what the pool carries at once (its
    ``max_connections``, times the streams of a connection over HTTP/2), so that requests
    wait for a slot instead of timing out in the pool (a borrowed client's pool is read where
    it can be: see :func:`_pool_capacity`). ``headers`` go with every request
    (a provider's documented ``Content-Type``), on top of the client's own.

    ``base_url`` starts every request's URL, and the ``url`` a request is given is the rest
    of it (the whole URL when there is none). A URL that holds a secret (NHN's appKey path)
    is given here, so that no frame of a request holds it in a local variable: error
    trackers and ``--showlocals`` record those, and see only the path.
    """

    def __init__(
        self,
        *,
        provider: str,
        auth: httpx.Auth | None,
        error_parser: ErrorParser,
        http_client: httpx.AsyncClient | None = None,
        timeout: float | Timeouts | None = None,
        retry: RetryStrategy | None = None,
        max_concurrency: int = 8,
        limits: Limits | None = None,
        redactor: Redactor | None = None,
        headers: Mapping[str, str] | None = None,
        base_url: str = "",
    ):
        check_count("max_concurrency", max_concurrency, minimum=1)
        if timeout is not None and not isinstance(timeout, Timeouts):
            check_seconds("timeout", timeout, positive=True)
        self.provider = provider
        self.retry: RetryStrategy = retry or RetryPolicy()
        """When and how long a failed request waits before another try."""
        self.redact: Redactor = redactor or Redactor()
        """Hides the provider's secrets in URLs and messages before they are logged or raised."""
        self._base_url = base_url
        self._auth = auth
        self._error_parser = error_parser
        self._headers = dict(headers) if headers else None
        self._encoded_json_headers = (
            self._headers
            if any(name.lower() == "content-type" for name in self._headers or ())
            else {**(self._headers or {}), "Content-Type": "application/json"}
        )
        """The headers of a request whose body is an :class:`~krsms.json_body.EncodedJson`."""
        timeouts = (
            Timeouts(connect=timeout, read=timeout, write=timeout, pool=timeout)
            if isinstance(timeout, (int, float))
            else timeout
        )
        if http_client is None:
            limits = limits or Limits()
            self._new_client: Callable[[], httpx.AsyncClient] | None = _client_factory(timeouts or Timeouts(), limits)
            # Made now, so that the first loop does not wait for the TLS bundle to load.
            self._client: httpx.AsyncClient | None = self._new_client()
            max_concurrency = min(max_concurrency, limits.max_connections)
            self._request_timeout: httpx.Timeout | None = None
        else:
            self._new_client = None
            self._client = http_client
            capacity = _pool_capacity(http_client, base_url)
            if capacity is not None:
                max_concurrency = min(max_concurrency, capacity)
            self._request_timeout = timeouts.to_httpx() if timeouts else None
        self._owns_client = http_client is None
        self.max_concurrency = max_concurrency
        """Requests in flight at once in each event loop, at most (no more than the client's
        pool carries, when it can be read: see :func:`_pool_capacity`)."""
        self._closed = False
        """Set by :meth:`aclose`: no send leaves after it, from any loop."""
        self._states: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LoopState] = weakref.WeakKeyDictionary()
        """Each event loop's client and concurrency bound (see :meth:`_loop_state`)."""
        self._pauses: dict[anyio.CancelScope, asyncio.AbstractEventLoop] = {}
        """The back-off waits under way, with their loops: :meth:`aclose` ends them."""
        self._states_lock = threading.Lock()
        """Guards ``_states``, ``_client``, ``_closed`` and ``_pauses`` against loops in other
        threads."""
        self._last: tuple[asyncio.AbstractEventLoop, LoopState] | None = None
        """The loop that last found its state, with it: the fast path of :meth:`_loop_state`."""
        self._rng = random.Random()

    @property
    def owns_client(self) -> bool:
        """True when :meth:`aclose` closes the underlying client."""
        return self._owns_client

    async def _loop_state(self) -> LoopState:
        """The running event loop's concurrency bound and client, an owned client being made
        at the loop's first call. It takes no slot: a request holds the state's ``limiter``
        while it is in flight.

        Each loop gets its own: a client's pooled connections and a semaphore belong to the
        loop that made them, so one transport serves successive loops (``asyncio.run`` again,
        a test's own loop) and loops running at once in several threads. A loop that comes
        back finds its client again. A borrowed client serves every loop (the caller's to keep
        on one); an owned one is made for each loop, the first when the transport is made, the
        next ones in a worker thread, all sharing the TLS context (and the certificate bundle it
        loaded) made with the transport.
        """
        loop = asyncio.get_running_loop()
        last = self._last  # one read: another thread may replace it
        if last is not None and last[0] is loop:
            return last[1]
        with self._states_lock:
            state = self._states.get(loop)
            if state is None:
                # A closed loop's client was closed as it shut down, or never can be now.
                for ended in [known for known in self._states if known.is_closed()]:
                    del self._states[ended]
                state = self._states[loop] = LoopState(
                    self.max_concurrency, None if self._owns_client else self._client
                )
        if state.client is None and self._new_client is not None and not self._closed:
            await self._open_client(state, self._new_client)
        if state.client is not None:
            self._last = (loop, state)
        return state

    async def _open_client(self, state: LoopState, new_client: Callable[[], httpx.AsyncClient]) -> None:
        """Give the running loop's ``state`` an owned client and start its closer, once."""
        async with state.building:
            if state.client is not None or self._closed:
                return
            with self._states_lock:
                client, self._client = self._client, None  # the first loop takes the one made already
            if client is None:
                client = await anyio.to_thread.run_sync(new_client)
            forget_loop = partial(_forget_if_alive, weakref.WeakMethod(self._forget_loop), asyncio.get_running_loop())
            closer = cast("AsyncGeneratorType[None, None]", close_with_loop(client, forget_loop))
            await anext(closer)
            with self._states_lock:
                closed = self._closed
                if not closed:
                    state.client, state.closer = client, closer
            if closed:  # aclose() ran meanwhile
                await closer.aclose()

    def _forget_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Drop ``loop``'s state: its owned client was closed as the loop shut down (or by
        :meth:`aclose`). Kept, it would keep the ended loop alive (its client's closer holds
        it), and the state map holds the loops it keys only weakly for them to go."""
        with self._states_lock:
            self._states.pop(loop, None)
            if self._last is not None and self._last[0] is loop:
                self._last = None

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
        check_answer: Callable[[Response], object] | None = None,
    ) -> Response:
        """Send a request with retries; returns the 2xx answer (empty bodies included) or
        raises a typed error.

        ``check_answer`` is for a provider that reports some failures inside a 2xx answer
        (NHN's envelope): it reads the answer and raises the failure's typed error. A server
        error of the provider's own (:class:`~krsms.errors.ServerError`, NHN's -9999) is
        retried as an HTTP 500 would be, when the retry strategy retries a 500 for this
        request (for a send, only with ``retry_unsafe_sends``); the answer is returned
        otherwise, for the caller to read. It is asked only when such a retry may follow.

        ``json`` is the body, as a JSON value or already encoded
        (:class:`~krsms.json_body.EncodedJson`, as a bulk send's batches are).
        ``idempotent`` defaults to True for GET, PUT and DELETE; a POST is a send unless
        said otherwise. A send reports to the :class:`SendWatch` of the current task (set by
        :func:`watching_sends`, as a bulk send does for each batch): whether an attempt may
        have arrived, how many left; and it obeys it: ``pace`` is awaited before each retry,
        and once ``stopping`` is set no retry leaves.

        A request whose attempts all failed raises the last attempt's error, unless that one
        only proves that the last attempt never arrived (a refused connection, a 429, a retry
        refused after :meth:`aclose`) or, for a send, that it alone was refused (a 400, or a
        refusal ``check_answer`` reads in a 2xx), while an earlier one may have been processed
        (a timeout after sending, a 5xx): then it raises that earlier attempt's error, which
        says so (a fatal one, such as a redirect, stands).
        """
        handled_before = sys.exc_info()[1]
        try:
            return await self._request(
                method, url, params=params, json=json, idempotent=idempotent, check_answer=check_answer
            )
        except errors.KrSmsError as failure:
            # Each transport frame that raised an error it held in a local (every attempt's
            # error, kept to decide the next) is in a reference cycle with it, which only the
            # garbage collector frees, with all the frame held (a send's body, its batch): their
            # locals go, their lines stay in the traceback.
            clear_chain_locals(failure, handled_before=handled_before)
            raise

    async def _request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None,
        json: Any,
        idempotent: bool | None,
        check_answer: Callable[[Response], object] | None,
    ) -> Response:
        """:meth:`request`'s attempts, until one is answered or they fail."""
        if idempotent is None:
            idempotent = method in _IDEMPOTENT_METHODS
        # Look-ups are not sends; a send nobody watches reports to a throwaway watch.
        watch = (None if idempotent else current_send_watch()) or SendWatch()
        if watch.may_have_arrived is None:
            watch.may_have_arrived = False
        attempt = 0
        failed: errors.KrSmsError | None = None  # the last attempt's error, while retrying
        processed: errors.KrSmsError | None = None  # the latest that may have been processed
        while True:
            attempt += 1
            if failed is not None:
                if may_have_been_processed(failed):
                    processed = failed
                if watch.pace is not None:
                    await watch.pace()
                if watch.stopping:  # the send is being interrupted: no new request leaves
                    raise reported_error(failed, processed, idempotent=idempotent)
            arrived_before, attempts_before = watch.may_have_arrived, watch.attempts
            try:
                response = await self._send_once(
                    method, url, params=params, json=json, attempt=attempt, watch=watch, idempotent=idempotent
                )
            except errors.TransportError as error:
                _clear_attempt(error)
                if not error.may_have_been_sent:
                    watch.may_have_arrived = arrived_before
                if isinstance(error, errors.UnsendableRequestError):
                    # Counted as it started to be written (h11 refuses an illegal header only
                    # then) or as handed over, yet nothing of it was written: it never left.
                    watch.attempts = attempts_before
                if (
                    watch.stopping
                    or self._closed  # a retry would be refused: none is announced
                    # It could not be written, and would fail the same way again: no strategy is asked.
                    or isinstance(error, errors.UnsendableRequestError)
                    or not self.retry.should_retry(attempt=attempt, idempotent=idempotent, error=error)
                ):
                    reported = reported_error(error, processed, idempotent=idempotent)
                    if reported is error:
                        raise
                    raise reported from error  # the last attempt's failure, kept beside it
                await self._pause(method, url, attempt, failure=error, status_code=None, retry_after=None)
                failed = error
                continue
            if 200 <= response.status_code < 300:
                failed_inside = self._retried_failure_inside(
                    response,
                    check_answer,
                    attempt=attempt,
                    idempotent=idempotent,
                    stopping=watch.stopping or self._closed,
                )
                if failed_inside is None:
                    if processed is not None and check_answer is not None and not idempotent:
                        raise_if_refused_after(processed, check_answer, response)
                    return response
                failed = failed_inside
                await self._pause(
                    method, url, attempt, failure=failed, status_code=response.status_code, retry_after=None
                )
                continue
            failed = self._status_error(method, response)
            if failed.refused_before_processing:  # a 429, a redirect: this attempt changed nothing
                watch.may_have_arrived = arrived_before
            retry_after = retry_after_seconds(response.headers)
            if not (watch.stopping or self._closed) and self.retry.should_retry(
                attempt=attempt, idempotent=idempotent, status_code=response.status_code, retry_after=retry_after
            ):
                await self._pause(
                    method, url, attempt, failure=failed, status_code=response.status_code, retry_after=retry_after
                )
                continue
            reported = reported_error(failed, processed, idempotent=idempotent)
            if reported is failed:
                raise failed
            raise reported from failed  # the last attempt's answer, kept beside it

    def _retried_failure_inside(
        self,
        response: Response,
        check_answer: Callable[[Response], object] | None,
        *,
        attempt: int,
        idempotent: bool,
        stopping: bool = False,
    ) -> errors.ServerError | None:
        """The provider's server error that the 2xx ``response`` reports inside it, when the
        retry strategy retries a 500 for this attempt; None when it reports none, another
        failure (the caller's own read raises it), or no retry may follow (nor while the send
        it belongs to is ``stopping``, nor after :meth:`aclose`)."""
        if check_answer is None or stopping or not self._retries_server_error(attempt=attempt, idempotent=idempotent):
            return None
        try:
            check_answer(response)
        except errors.ServerError as failure:
            return failure
        except errors.KrSmsError:
            pass  # another failure: the caller's own read of the answer raises it
        return None

    def _retries_server_error(self, *, attempt: int, idempotent: bool) -> bool:
        """Whether a server error a provider reports inside a 2xx answer (NHN's -9999) gets
        another try after ``attempt``: as an HTTP 500 would."""
        return self.retry.should_retry(attempt=attempt, idempotent=idempotent, status_code=500, retry_after=None)

    def _status_error(self, method: str, response: Response) -> errors.ProviderError:
        """The typed error of a non-2xx answer: a redirect is the transport's own to name
        (never followed), anything else the provider's error parser reads."""
        if 300 <= response.status_code < 400:
            location = self.redact(response.headers.get("location", "nowhere given"))
            # The method and path are the error's own facts; the scheme and host are base_url's.
            where = urlsplit(response.url)
            origin = f"{where.scheme}://{where.netloc.rpartition('@')[2]}"  # no user:password@
            return errors.RedirectError(
                f"{origin} answered a redirect to {location} (never followed): check base_url",
                provider=self.provider,
                status_code=response.status_code,
                method=method,
                path=response.path,
            )
        return self._error_parser(response)

    async def _pause(
        self,
        method: str,
        url: str,
        attempt: int,
        *,
        failure: errors.KrSmsError | None,
        status_code: int | None,
        retry_after: float | None,
    ) -> None:
        """Log the retry of the request to ``url`` (the path after ``base_url``, as a request
        is given it) after ``attempt`` failed with ``failure`` (None: a streamed answer's
        ``status_code``, not read), and wait its back-off."""
        delay = self.retry.backoff(attempt, retry_after=retry_after, rng=self._rng)
        code = getattr(failure, "code", None)
        said = [] if status_code is None else [str(status_code)]
        if code is not None:
            said.append(f"code {code}")
        logger.warning(
            "%s %s failed (%s); retry %d of %d in %.2fs",
            method,
            self._shown(url),
            ", ".join(said) or type(failure).__name__,
            attempt,
            self.retry.max_attempts - 1,
            delay,
            extra={
                **self._log_fields("retry", method, url, attempt=attempt, status_code=status_code),
                "krsms_max_attempts": self.retry.max_attempts,
                "krsms_provider_code": code,
                "krsms_error": None if failure is None else type(failure).__name__,
                "krsms_retry_in": round(delay, 3),
            },
        )
        await self.wait_unless_closed(delay)

    def _log_fields(
        self, event: str, method: str, url: str, *, attempt: int, status_code: int | None
    ) -> dict[str, object]:
        """The ``extra=`` fields every log line about a request carries (docs/logging.md)."""
        return {
            "krsms_event": event,
            "krsms_provider": self.provider,
            "krsms_method": method,
            "krsms_path": hide_phone_numbers(self.redact(urlsplit(self._base_url + url).path)),
            "krsms_attempt": attempt,
            "krsms_status_code": status_code,
        }

    async def wait_unless_closed(self, delay: float) -> bool:
        """Wait ``delay`` seconds, or until :meth:`aclose` (from any loop); whether the
        transport is still open. What follows the wait (a retry, a batch's turn under a rate
        limit) is then refused at once, rather than once a ``Retry-After`` of up to a minute
        (or a rate's turn a long queue away) has passed."""
        with anyio.CancelScope() as waiting:
            with self._states_lock:
                if self._closed:
                    return False
                self._pauses[waiting] = asyncio.get_running_loop()
            try:
                await anyio.sleep(delay)
            finally:
                with self._states_lock:
                    self._pauses.pop(waiting, None)
        return not waiting.cancelled_caught

    async def _send_once(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None,
        json: Any,
        attempt: int,
        watch: SendWatch,
        idempotent: bool,
    ) -> Response:
        error: errors.TransportError | None = None
        state = await self._loop_state()
        async with self._slot(state, method, url):
            client = self._open_client_of(state, method, url)
            if watch.stopping:  # stopped while this attempt (a resend, say) waited for its slot
                raise self._not_sent(method, url, "the bulk send it belongs to is stopping")
            if watch.before_attempt is not None:
                watch.before_attempt()
            # A send counts as out once httpcore starts writing it: not while it waits for a
            # connection of the pool (a borrowed client's pool may be busy with other requests).
            gate = _WriteGate(self, None if idempotent else watch) if _reports_writes(client) else None
            # Built before it counts as sent, and held as a coroutine only: a request in a local
            # would show its URL, appKey included, in the frame locals error trackers record.
            request = self._build(client, method, url, params=params, json=json, trace=gate)
            sent = id(request)
            sending = client.send(
                request,
                # Never: httpx would replay a send at another host with the keys' headers.
                follow_redirects=False,
                # None, not the client's default: a borrowed client's own auth holds the
                # application's credentials for its own services, never for the provider.
                auth=self._auth,
            )
            del request  # held by the coroutine only from here on
            if gate is None:
                watch.attempt_left()  # a transport that does not tell: out from now on, maybe
            started = time.perf_counter()
            try:
                response = await self._answer(sending, sent, method, url, gate)
            except errors.TransportError as failure:
                self._log_request(method, url, attempt, started, status_code=None, failure=failure)
                raise
            except RuntimeError:
                if not client.is_closed:
                    raise  # not the network's doing: a bug, or a borrowed client on another loop
                error = errors.UnsendableRequestError(f"{method} {self._shown(url)}: the HTTP client was closed")
        if error is not None:
            raise error
        answer = self._response(response, method, _content_read(response))
        _release(response)  # read and closed by httpx
        self._log_request(method, url, attempt, started, status_code=answer.status_code, failure=None)
        return answer

    def _not_sent(self, method: str, url: str, why: str) -> errors.UnsendableRequestError:
        """The attempt at ``url`` not made, for the reason ``why``."""
        return errors.UnsendableRequestError(f"{method} {self._shown(url)}: not sent, {why}")

    def _log_request(
        self,
        method: str,
        url: str,
        attempt: int,
        started: float,
        *,
        status_code: int | None,
        failure: errors.TransportError | None,
    ) -> None:
        """The DEBUG line of one attempt at ``url``, begun at ``started``: the status of its
        answer (a streamed one's head), or the ``failure`` that left it without one."""
        if not logger.isEnabledFor(logging.DEBUG):
            return
        elapsed_ms = (time.perf_counter() - started) * 1000
        logger.debug(
            "%s %s -> %s %s %.1f ms (attempt %d)",
            method,
            self._shown(url),  # without the query, which may hold phone numbers
            status_code if failure is None else type(failure).__name__,
            "in" if failure is None else "after",
            elapsed_ms,
            attempt,
            extra={
                **self._log_fields("request", method, url, attempt=attempt, status_code=status_code),
                "krsms_error": None if failure is None else type(failure).__name__,
                "krsms_elapsed_ms": round(elapsed_ms, 1),
            },
        )

    def _response(self, response: httpx.Response, method: str, content: bytes) -> Response:
        """httpx's answer ``response`` to a ``method`` request, its body being ``content``, as
        the transport gives it: its URL redacted, the recipients' numbers it holds hidden (an
        error names its path, and a repr shows it)."""
        return Response(
            status_code=response.status_code,
            headers=response.headers,
            content=content,
            method=method,
            url=hide_phone_numbers(self.redact(str(response.request.url))),
            redact=self.redact,
        )

    async def _answer(
        self, sending: Awaitable[httpx.Response], sent: int, method: str, url: str, gate: _WriteGate | None
    ) -> httpx.Response:
        """Await ``sending``, httpx's send of the request whose ``id()`` is ``sent``: its answer,
        also when a response hook raised for its status (``raise_for_status()``, httpx's
        documented hook: the provider answered, and its status, not a failed connection, says
        what became of the request; httpx closed the answer unread); any other httpx error as
        the typed error (raised outside the ``except`` block: see :meth:`_transport_error`; an
        HTTP/2 refusal believed only when ``gate`` saw no answer begin: without a gate nothing
        tells), one its :class:`_WriteGate` kept from being written as UnsendableRequestError;
        any other error as it is, without httpx's frame locals (:func:`~krsms.redaction.clear_chain_locals`)."""
        handled_before = sys.exc_info()[1]
        try:
            return await sending
        except httpx.HTTPStatusError as exc:
            if id(exc.request) == sent:
                return exc.response
            # About a request of the hook's own: nothing is known of this one's answer.
            error = self._transport_error(exc, method, url)
        except httpx.HTTPError as exc:
            error = self._transport_error(exc, method, url, unanswered=gate is not None and not gate.answered)
        except _NotWritten as refusal:
            error = self._not_sent(method, url, refusal.why)
        except BaseException as exc:
            clear_chain_locals(exc, handled_before=handled_before)
            raise
        raise error

    @asynccontextmanager
    async def _slot(self, state: LoopState, method: str, url: str) -> AsyncIterator[None]:
        """Hold one of the loop's ``max_concurrency`` request slots.

        The wait obeys the pool timeout, as the wait for a connection of httpx's pool does:
        PoolTimeoutError (never sent, so a send may retry it) rather than waiting for ever.
        """
        try:
            state.limiter.acquire_nowait()  # a free slot: no cancel scope to enter
        except anyio.WouldBlock:
            await self._wait_for_slot(state, method, url)
        try:
            # One turn of the loop before the request goes, as anyio's acquire() would give:
            # an answer already in (a fatal one, that stops a bulk send) is read first.
            await asyncio.sleep(0)
            await _take_pool_turn(state)
            yield
        finally:
            state.limiter.release()

    async def _wait_for_slot(self, state: LoopState, method: str, url: str) -> None:
        """Wait for one of the loop's request slots, at most the pool timeout."""
        timeout = self._request_timeout or (state.client.timeout if state.client is not None else None)
        pool_timeout = None if timeout is None else timeout.pool
        with anyio.move_on_after(pool_timeout) as waiting:
            await state.limiter.acquire()
        if waiting.cancelled_caught:
            raise errors.PoolTimeoutError(
                f"{method} {self._shown(url)}: not sent, no request slot free within the pool timeout "
                f"({pool_timeout}s; max_concurrency={self.max_concurrency})"
            )

    def _open_client_of(self, state: LoopState, method: str, url: str) -> httpx.AsyncClient:
        """The client a request goes through; UnsendableRequestError when this transport was
        closed (whoever owns the client) or the client itself was: nothing leaves then."""
        if self._closed:
            raise self._not_sent(method, url, "closed by aclose()")
        client = state.client
        if client is None or client.is_closed:
            raise errors.UnsendableRequestError(f"{method} {self._shown(url)}: the HTTP client is closed")
        return client

    def _build(
        self,
        client: httpx.AsyncClient,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None,
        json: Any = None,
        trace: _WriteGate | None = None,
    ) -> httpx.Request:
        """The httpx request for ``url``, built by ``client``, with ``trace`` as its httpcore
        ``trace`` extension; UnsendableRequestError when httpx cannot build it (a URL it cannot
        parse, a body JSON cannot carry such as ``nan``): it never left. A ``json`` body the
        caller encoded itself (:class:`~krsms.json_body.EncodedJson`) goes as it is, with the
        JSON media type unless the transport's headers give one."""
        handled_before = sys.exc_info()[1]
        headers, content = self._headers, None
        if isinstance(json, EncodedJson):
            content, json = json.content, None
            headers = self._encoded_json_headers
        try:
            return client.build_request(
                method,
                self._base_url + url,
                params=params,
                content=content,
                json=json,
                headers=headers,
                timeout=self._request_timeout or httpx.USE_CLIENT_DEFAULT,
                extensions=None if trace is None else {"trace": trace},
            )
        except (httpx.InvalidURL, ValueError, OverflowError) as exc:
            error = self._transport_error(exc, method, url)
        except BaseException as exc:  # a body's value JSON cannot encode (TypeError), say
            clear_chain_locals(exc, handled_before=handled_before)
            raise
        raise error

    def _shown(self, url: str) -> str:
        """The whole URL of a request given ``url``, redacted, a number in its path hidden (NHN
        N49's): for messages and logs."""
        return hide_phone_numbers(self.redact(self._base_url + url))

    def _transport_error(
        self, exc: Exception, method: str, url: str, *, unanswered: bool = False
    ) -> errors.TransportError:
        """The typed error for ``exc``, with a redacted message; an HTTP/2 server's refusal
        (:func:`_refused_unprocessed`) is not sent only when the attempt is known
        ``unanswered``: no head of an answer came before it.

        Raise it after the ``except`` block that caught ``exc`` ends, never inside it: there
        it would get ``exc`` as its ``__context__``, and ``exc.request`` holds the full URL
        and the authentication headers.
        """
        where = f"{method} {self._shown(url)}"
        message = self.redact(str(exc))
        detail = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
        if isinstance(exc, httpx.PoolTimeout):
            return errors.PoolTimeoutError(f"{where}: no free connection in time ({detail})")
        if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.ProxyError)):
            return errors.ConnectError(f"{where}: could not connect ({detail})")
        if isinstance(
            exc, (httpx.LocalProtocolError, httpx.UnsupportedProtocol, httpx.InvalidURL, ValueError, OverflowError)
        ):
            return errors.UnsendableRequestError(f"{where}: could not be sent as given ({detail})")
        if unanswered and _refused_unprocessed(exc):
            return errors.TransportError(
                f"{where}: refused by the server, which processed nothing of it ({detail})", may_have_been_sent=False
            )
        # A look-up changes nothing: what matters of one is only that it got no answer.
        maybe = "" if method in ("GET", "HEAD") else "; it may have been processed"
        if isinstance(exc, httpx.TimeoutException):
            return errors.RequestTimeoutError(f"{where}: no answer in time{maybe} ({detail})")
        if self._closed and self._owns_client:
            # aclose() closed the client under it, in this loop or in its own: the socket's
            # error (a ReadError) would not say why.
            return errors.TransportError(f"{where}: cut off by aclose() while in flight{maybe} ({detail})")
        return errors.TransportError(f"{where}: connection failed after sending{maybe} ({detail})")

    @asynccontextmanager
    async def stream(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        check_json: Callable[[Response], object] | None = None,
    ) -> AsyncIterator[AsyncIterator[bytes]]:
        """Open a streamed answer (large downloads); yields an async iterator of byte chunks.

        A 2xx answer declared as JSON is read whole and given to ``check_json`` first, for
        providers that answer a failed download with an error envelope and HTTP 200 (NHN);
        it raises the typed error. The opening is retried as :meth:`request` retries (a GET is
        idempotent: a connection failure, a timeout, a 5xx or a 429, a server error
        ``check_json`` raises), nothing having been handed over yet; a failure once the body
        is being read is not: a half-consumed stream cannot be resumed transparently, so call
        again instead.

        A download takes no ``max_concurrency`` slot: it holds a connection of the pool for as
        long as the caller reads it, and the pool bounds those (with its own timeout). A slot
        held that long would starve the requests made while it is read (a look-up per exported
        row): with every slot held by downloads, they would wait for ever.
        """
        handled_before = sys.exc_info()[1]
        try:
            response, checked = await self._open_stream(method, url, params=params, check_json=check_json)
        except errors.KrSmsError as failure:
            clear_chain_locals(failure, handled_before=handled_before)  # as request() does
            raise
        # Only the transport's own reads are mapped to its typed errors: an httpx error raised
        # by the caller's code inside ``async with`` (a request of its own, to another host)
        # reaches the caller as it was, not as a failure of this download.
        try:
            if checked is not None:
                yield _replay(checked.content)
            elif 200 <= response.status_code < 300:
                yield self._chunks(response, method, url)
            else:
                raise self._status_error(method, await self._read_whole(response, method, url))
        finally:
            await self._close(response, method, url)

    async def _open_stream(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None,
        check_json: Callable[[Response], object] | None,
    ) -> tuple[httpx.Response, Response | None]:
        """Send the request of :meth:`stream` until its answer's head comes in, retrying as
        :meth:`request` does; the streamed answer (to be closed), a failure among them, and
        a 2xx answer declared as JSON read whole once ``check_json`` passed it (None for any
        other). What ``check_json`` raises is raised, the answer closed; a server error it
        finds is retried as a 500 would be, as ``check_answer`` is by :meth:`request`."""
        idempotent = method in _IDEMPOTENT_METHODS
        attempt = 0
        while True:
            attempt += 1
            state = await self._loop_state()
            client = self._open_client_of(state, method, url)
            gate = _WriteGate(self, None) if _reports_writes(client) else None
            request = self._build(client, method, url, params=params, trace=gate)
            sent = id(request)
            sending = client.send(
                request,
                stream=True,
                follow_redirects=False,
                auth=self._auth,  # never the client's own (see _send_once)
            )
            del request  # held as a coroutine only (see _send_once)
            started = time.perf_counter()
            try:
                response = await self._answer(sending, sent, method, url, gate)
            except errors.TransportError as error:
                _clear_attempt(error)
                self._log_request(method, url, attempt, started, status_code=None, failure=error)
                if (
                    self._closed  # a retry would be refused: none is announced
                    or isinstance(error, errors.UnsendableRequestError)
                    or not self.retry.should_retry(attempt=attempt, idempotent=idempotent, error=error)
                ):
                    raise
                await self._pause(method, url, attempt, failure=error, status_code=None, retry_after=None)
                continue
            self._log_request(method, url, attempt, started, status_code=response.status_code, failure=None)
            if 200 <= response.status_code < 300:
                if check_json is None or not _declared_json(response.headers):
                    return response, None
                try:
                    answer = await self._read_checked(response, method, url, check_json)
                except errors.ServerError as failure:
                    if self._closed or not self._retries_server_error(attempt=attempt, idempotent=idempotent):
                        raise
                    await self._pause(
                        method, url, attempt, failure=failure, status_code=response.status_code, retry_after=None
                    )
                    continue
                return response, answer
            retry_after = retry_after_seconds(response.headers)
            if self._closed or not self.retry.should_retry(
                attempt=attempt, idempotent=idempotent, status_code=response.status_code, retry_after=retry_after
            ):
                return response, None  # stream() reads it and raises its typed error
            await self._close(response, method, url)
            await self._pause(
                method, url, attempt, failure=None, status_code=response.status_code, retry_after=retry_after
            )

    async def _read_whole(self, response: httpx.Response, method: str, url: str) -> Response:
        """A streamed answer read whole, as :meth:`request` gives one (read once: httpx keeps
        the body it read; one a response hook raised for was closed unread, and has none)."""
        if response.is_closed:
            return self._response(response, method, _content_read(response))
        return self._response(response, method, await self._network(method, url, response.aread()))

    async def _read_checked(
        self, response: httpx.Response, method: str, url: str, check_json: Callable[[Response], object]
    ) -> Response:
        """The streamed 2xx ``response`` read whole and given to ``check_json``; what either
        raises is raised, the answer closed first."""
        try:
            answer = await self._read_whole(response, method, url)
            check_json(answer)
        except BaseException:
            await self._close(response, method, url)
            raise
        return answer

    async def _close(self, response: httpx.Response, method: str, url: str) -> None:
        """Close the streamed ``response`` (its connection goes back to the pool) and
        :func:`_release` it."""
        try:
            await self._network(method, url, response.aclose())
        finally:
            _release(response)

    async def _network(self, method: str, url: str, step: Awaitable[T]) -> T:
        """Await ``step``, a network step of the request to ``url``; its httpx error as the
        typed error (raised outside the ``except`` block: see :meth:`_transport_error`)."""
        try:
            return await step
        except httpx.HTTPError as exc:
            error = self._transport_error(exc, method, url)
        raise error

    async def _chunks(self, response: httpx.Response, method: str, url: str) -> AsyncIterator[bytes]:
        try:
            async for chunk in response.aiter_bytes():
                yield chunk
        except httpx.HTTPError as exc:
            error = self._transport_error(exc, method, url)
        else:
            return
        raise error

    async def aclose(self) -> None:
        """Close every client this transport created; a borrowed client stays open.

        No request leaves after it, from any loop, through an owned client or a borrowed one,
        and a request waiting to retry stops waiting (its retry refuses at once). The running
        loop's client is closed before this returns; another loop's still open is
        closed in that loop (its connections belong to it) as soon as it runs again, without
        waiting for it here. A closed loop's client was closed as that loop shut down.
        """
        running = asyncio.get_running_loop()
        with self._states_lock:
            self._closed = True
            pauses = list(self._pauses.items())
            self._pauses.clear()
            unused = self._client
            states = list(self._states.items())
            if self._owns_client:
                self._states.clear()
                self._last = None
        for pause, loop in pauses:  # each in its own loop, as a cancel scope must be
            if loop is running:
                pause.cancel()
            elif not loop.is_closed():
                with suppress(RuntimeError):  # closed meanwhile: nothing of it waits any more
                    loop.call_soon_threadsafe(pause.cancel)
        if not self._owns_client:
            return  # the caller's client: only this transport stops sending through it
        if unused is not None:
            await unused.aclose()  # never used by a loop: it holds no connection
        for loop, state in states:
            if state.client is None or state.closer is None:
                continue
            if loop is running:
                await state.client.aclose()
                await close_unless_closing(state.closer)
            elif not loop.is_closed():
                with suppress(RuntimeError):  # closed meanwhile: its shutdown closed the client
                    loop.call_soon_threadsafe(close_soon, state.client)

    def __repr__(self) -> str:
        # getattr: a debugger or a traceback's locals may show one whose constructor failed.
        owns_client = getattr(self, "_owns_client", None)
        owner = None if owns_client is None else "owned" if owns_client else "borrowed"
        return (
            f"Transport(provider={getattr(self, 'provider', None)!r}, client={owner}, "
            f"max_concurrency={getattr(self, 'max_concurrency', None)})"
        )

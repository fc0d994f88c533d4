"""What the transport reads of an httpx client beyond its public API: the size of its
connection pool (:func:`pool_size`), and when httpcore starts writing a request
(:func:`reports_writes`, :class:`FirstWrite`).

Kept in one place, and read defensively, as httpx keeps these private: an httpx upgrade (or
a fork) is checked here. Part of the transport layer.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any

import httpx

from krsms.send_watch import SendWatch


def pool_size(client: httpx.AsyncClient) -> int | None:
    """The ``max_connections`` of ``client``'s connection pool; None when it cannot be read.

    httpx does not expose it: it is read through the client's transport and its httpcore
    pool, defensively (private attributes). A client with a transport of its own (a mock, an
    aiohttp-based one) gives None.
    """
    pool = getattr(getattr(client, "_transport", None), "_pool", None)
    size = getattr(pool, "_max_connections", None)
    return size if isinstance(size, int) and not isinstance(size, bool) and size >= 1 else None


def reports_writes(client: httpx.AsyncClient) -> bool:
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
"""httpcore's ``trace`` events for a request starting to be written, over HTTP/1.1 and HTTP/2
(through a proxy, the ``CONNECT`` request's come first: earlier, so on the safe side)."""


class FirstWrite:
    """httpcore's ``trace`` extension for one attempt of a send: tells ``watch`` that the
    attempt left once its request starts to be written, not while it waits for a connection.
    Once per attempt (an auth flow that signs again after a 401 writes it twice).

    The watch is held weakly: httpx keeps a request, its extensions included, in a reference
    cycle with its response, which only the garbage collector frees. Held strongly, the
    watch's ``pace`` (a bound method of the gateway) would keep a gateway dropped unclosed,
    its client and its sockets alive until then, and the collector would then free the sockets
    unclosed (``ResourceWarning``) rather than the client's closer closing them in its loop.
    """

    __slots__ = ("_seen", "_watch")

    def __init__(self, watch: SendWatch):
        self._watch = weakref.ref(watch)
        self._seen = False

    async def __call__(self, event: str, info: Mapping[str, Any]) -> None:
        if event in _WRITE_STARTS and not self._seen:
            self._seen = True
            watch = self._watch()
            if watch is not None:
                watch.attempt_left()

"""Counting the requests httpcore starts on a connection: the cost of its pool's contention.

httpcore 1.0's pool hands an idle connection to every request asking for one within a few
passes of the event loop; all but one get ``ConnectionNotAvailable`` and start again
(encode/httpcore#1110). Attempts per request above 1 are what that costs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpcore


@contextlib.contextmanager
def counting_pool_attempts() -> Iterator[list[int]]:
    """Count the requests httpcore starts on a connection while entered, each start again after
    ``ConnectionNotAvailable`` included (the one item of the list yielded)."""
    attempts = [0]
    start_on_connection = httpcore.AsyncHTTP11Connection.handle_async_request

    async def counted(self: httpcore.AsyncHTTP11Connection, request: httpcore.Request) -> httpcore.Response:
        attempts[0] += 1
        return await start_on_connection(self, request)

    httpcore.AsyncHTTP11Connection.handle_async_request = counted  # type: ignore[method-assign]
    try:
        yield attempts
    finally:
        httpcore.AsyncHTTP11Connection.handle_async_request = start_on_connection  # type: ignore[method-assign]

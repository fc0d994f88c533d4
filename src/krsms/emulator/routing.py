"""Catch-all routes: the answer to a path or method no endpoint has, in the shape of the API
it falls under (NHN's envelope, NCP's API gateway, the inspection API's ``{"error": ...}``).

Starlette routes a function endpoint given no ``methods`` for GET (and HEAD) only, and
answers any other method with its own plain-text 405; an ASGI app is routed for every
method, so a catch-all is one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, request_response


class _EveryMethod:
    """``endpoint`` as an ASGI app, which Starlette routes whatever the method."""

    def __init__(self, endpoint: Callable[[Request], Awaitable[Response]]):
        self._app = request_response(endpoint)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        await self._app(scope, receive, send)


def catch_all(path: str, endpoint: Callable[[Request], Awaitable[Response]]) -> Route:
    """A route to ``endpoint`` for ``path`` (ending ``{rest:path}``) and every method: put it
    after the API's endpoints, which it answers for with a method they do not take."""
    return Route(path, _EveryMethod(endpoint))

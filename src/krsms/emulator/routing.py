"""Catch-all routes: the answer to a path or method no endpoint has, in the shape of the API
it falls under (NHN's envelope, NCP's API gateway, the inspection API's ``{"error": ...}``).

A catch-all covers its API's prefix itself too (``/sms/v2`` as ``/sms/v2/...``), and
:func:`not_routed` answers a path outside every API: by default Starlette answers a path no
route matches with a 307 to it with a slash added or removed where one matches (``/sms/v2``
to ``/sms/v2/``), and else with a plain-text 404. A provider answers its own not-found, and
the SDK refuses a redirect as fatal (it never follows one), so a redirect would turn a
client's wrong path into a confusing error.

Starlette routes a function endpoint given no ``methods`` for GET (and HEAD) only, and
answers any other method with its own plain-text 405; an ASGI app is routed for every
method, so a catch-all is one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, request_response
from starlette.types import Receive, Scope, Send


class _EveryMethod:
    """``endpoint`` as an ASGI app, which Starlette routes whatever the method."""

    def __init__(self, endpoint: Callable[[Request], Awaitable[Response]]):
        self._app = request_response(endpoint)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        await self._app(scope, receive, send)


def catch_all(prefix: str, endpoint: Callable[[Request], Awaitable[Response]]) -> list[Route]:
    """Routes to ``endpoint`` for ``prefix``, every path under it and every method: put them
    after the API's endpoints, which they answer for with a method they do not take."""
    app = _EveryMethod(endpoint)
    return [Route(prefix, app), Route(prefix + "/{rest:path}", app)]


def not_routed(app: Starlette, endpoint: Callable[[Request], Awaitable[Response]]) -> None:
    """Make ``endpoint`` the answer of ``app`` to an HTTP request no route matches, with no
    redirect to the path with a slash added or removed first. It is the router's default, not
    a route, so a route added later (``app.add_route``) is still reached; another kind of
    request (a websocket) keeps Starlette's answer."""
    router = app.router
    starlette_default = router.default
    http_default = request_response(endpoint)

    async def default(scope: Scope, receive: Receive, send: Send) -> None:
        await (http_default if scope["type"] == "http" else starlette_default)(scope, receive, send)

    router.redirect_slashes = False
    router.default = default

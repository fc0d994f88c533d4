"""Run the emulator under uvicorn on a loopback port, from async code or from sync code."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
import time
import weakref
from collections.abc import Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any

import uvicorn
from starlette.applications import Starlette
from uvicorn.protocols.http.auto import AutoHTTPProtocol

from krsms.emulator.app import create_app
from krsms.emulator.config import EmulatorConfig
from krsms.emulator.faults import DroppedConnection, hide_app_key
from krsms.emulator.ledger import Ledger

logger: logging.Logger = logging.getLogger("krsms")
emulator_logger: logging.Logger = logging.getLogger("krsms.emulator")
"""Where the server reports an injected dropped connection, at INFO."""

START_TIMEOUT = 15.0
"""Seconds entering the server waits for it to start before ``RuntimeError``."""
GRACEFUL_SHUTDOWN = 1
"""Seconds the requests in flight get to finish when the server stops; then they are cancelled."""
STOP_TIMEOUT = GRACEFUL_SHUTDOWN + 5.0
"""Seconds leaving the ``with`` block waits for the server to stop before it gives up."""


if TYPE_CHECKING:
    _LoggerAdapter = logging.LoggerAdapter[logging.Logger]
else:
    _LoggerAdapter = logging.LoggerAdapter  # subscripted only from Python 3.11


class _ConnectionLog(_LoggerAdapter):
    """uvicorn's ``uvicorn.error`` logger as this server's connections write to it, except that
    an injected dropped connection (:class:`~krsms.emulator.faults.DroppedConnection`, which
    uvicorn logs at ERROR as "Exception in ASGI application" with its traceback, then closes
    the connection mid-answer as the fault asks) is one INFO line on :data:`emulator_logger`
    naming the request. Every other record, a genuine failure's traceback included, reaches
    ``uvicorn.error`` as it is."""

    def __init__(self, logger: logging.Logger):
        super().__init__(logger, {})

    @property
    def level(self) -> int:
        """The logger's own level, which uvicorn reads before writing its TRACE lines."""
        return self.logger.level

    def log(self, level: int, msg: object, *args: object, **kwargs: Any) -> None:
        """Log as ``uvicorn.error`` would, an injected drop as one line instead."""
        if isinstance(kwargs.get("exc_info"), DroppedConnection):
            emulator_logger.info("%s", kwargs["exc_info"])
        elif self.isEnabledFor(level):
            self.logger.log(level, msg, *args, stacklevel=kwargs.pop("stacklevel", 1) + 1, **kwargs)


class _HidingAppKeys(logging.Filter):
    """Masks the NHN appKey in the records of uvicorn's ``uvicorn.asgi`` logger.

    uvicorn wraps its app in a middleware that logs, at its TRACE level (5, below DEBUG),
    every request's ASGI scope (its path, holding the appKey) whenever ``uvicorn.error``
    logs at that level: in a process whose root logger is at NOTSET, or at any level below
    DEBUG."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = hide_app_key(message)
        if hidden != message:
            record.msg, record.args = hidden, None
        return True


_asgi_trace_filter = _HidingAppKeys()


class EmulatorHttpProtocol(AutoHTTPProtocol):  # type: ignore[misc,valid-type]
    """uvicorn's HTTP protocol for the emulator's servers (``http=`` of uvicorn's config):
    without access lines (uvicorn's ``access_log=False`` stops the ``uvicorn.access`` logger
    propagating for the whole process, and pytest attaches its capture handler to
    non-propagating loggers anyway), and with an
    injected dropped connection logged as one line (:class:`_ConnectionLog`), not a traceback.

    uvicorn has no public hook for either, so this replaces two attributes its protocols
    (h11's and httptools') set per connection and read from then on: ``access_log`` and
    ``logger``, so named from before 0.30 (the oldest the ``emulator`` extra allows) to 0.54
    at least. A uvicorn whose protocol no longer sets them would ignore the replacements and
    write access lines, which carry the NHN appKey: such a connection is refused with
    ``RuntimeError`` (asyncio logs it) rather than served."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        uvicorn_logger = getattr(self, "logger", None)
        if not isinstance(getattr(self, "access_log", None), bool) or not isinstance(uvicorn_logger, logging.Logger):
            raise RuntimeError(
                f"uvicorn {uvicorn.__version__}'s HTTP protocol does not set `access_log` and `logger` as the "
                "emulator expects: its access lines would show the NHN appKey; use a uvicorn the emulator supports"
            )
        self.access_log = False
        self.logger = _ConnectionLog(uvicorn_logger)


class _EmbeddedServer(uvicorn.Server):
    """uvicorn's server without its signal handlers: served from the program's own event loop
    (``async with EmulatorServer()``), Ctrl-C and SIGTERM stay the program's. uvicorn, on the
    main thread, would take them for itself: Ctrl-C would stop the emulator under the
    program's sends, and reach the program only once the server had stopped."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Leave the process's signal handlers as they are."""
        yield


class EmulatorServer:
    """The emulator on ``host`` (127.0.0.1) and ``port`` (0: a free one).

    ``async with EmulatorServer() as server:`` serves from the current event loop, leaving the
    program's signal handling alone (Ctrl-C cancels the program as it would without it);
    ``with EmulatorServer() as server:`` serves from a background thread with its own loop
    (for sync code, pytest fixtures and the CLI). ``server.base_url`` is where to point a
    gateway's ``base_url``.

    The port is taken when the server is made, so ``base_url`` is known before it starts. A
    server runs once at a time: entering it again while it runs raises ``RuntimeError``;
    after its block it may be entered again, on the same port, with the same app and ledger.
    Leaving the block gives requests in flight :data:`GRACEFUL_SHUTDOWN` seconds, then
    cancels them, and releases the port. A port another socket listens on raises ``OSError``
    (``EADDRINUSE``) here, when the server is made. A server never entered holds its port
    until :meth:`close` (or until it is garbage-collected).
    """

    def __init__(self, config: EmulatorConfig | None = None, *, host: str = "127.0.0.1", port: int = 0):
        self.config: EmulatorConfig = config or EmulatorConfig()
        """The configuration the app was made with."""
        self.app: Starlette = create_app(self.config)
        """The emulator's ASGI app; its ``state`` holds the ledger, faults and config."""
        self._socket = bound_socket(host, port)
        self._close_socket = weakref.finalize(self, self._socket.close)
        """Closes the bound socket once: when the run ends, on :meth:`close`, or when the server
        is collected unclosed (a socket collected open warns ``ResourceWarning``)."""
        address = self._socket.getsockname()
        self.host: str = address[0]
        """The address the server listens on."""
        self.port: int = address[1]
        """The port it listens on (the free one taken when ``port`` was 0)."""
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None
        self._thread: threading.Thread | None = None
        self._thread_failure: BaseException | None = None

    @property
    def base_url(self) -> str:
        """``http://host:port`` (an IPv6 host in brackets): pass it as a gateway's ``base_url``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def ledger(self) -> Ledger:
        """Every recipient the emulator recorded."""
        ledger: Ledger = self.app.state.ledger
        return ledger

    async def __aenter__(self) -> EmulatorServer:
        server = self._prepare()
        self._task = asyncio.create_task(server.serve(sockets=[self._socket]))
        deadline = time.monotonic() + START_TIMEOUT
        while not server.started:
            if self._task.done():
                failure = None if self._task.cancelled() else self._task.exception()
                self._release()
                raise RuntimeError(f"the emulator did not start on {self.base_url}: {failure!r}") from failure
            if time.monotonic() > deadline:
                await self._stop_task()
                raise RuntimeError(f"the emulator did not start on {self.base_url} within {START_TIMEOUT} s")
            await asyncio.sleep(0.01)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        with _secondary_to(exc):
            await self._stop_task()

    def __enter__(self) -> EmulatorServer:
        server = self._prepare()
        self._thread_failure = None
        self._thread = threading.Thread(
            target=self._serve_in_thread, args=(server,), name="krsms-emulator", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not server.started:
            if not self._thread.is_alive():
                failure = self._thread_failure
                self._release()
                raise RuntimeError(f"the emulator did not start on {self.base_url}: {failure!r}") from failure
            if time.monotonic() > deadline:
                self._stop_thread()
                raise RuntimeError(f"the emulator did not start on {self.base_url} within {START_TIMEOUT} s")
            time.sleep(0.01)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        with _secondary_to(exc):
            self._stop_thread()

    def _prepare(self) -> uvicorn.Server:
        """A fresh uvicorn server for a listening socket; refuses a server that is running."""
        if self._server is not None:
            raise RuntimeError(f"{self!r} is already running: leave its `with` block before entering it again")
        config = uvicorn.Config(
            self.app,
            # Leave the process's logging as it is: uvicorn's own config would install handlers,
            # levels and propagation on its loggers for the rest of the process (a test session).
            # Access lines, which carry the NHN appKey path, are turned off by the protocol.
            log_config=None,
            log_level=None,
            http=EmulatorHttpProtocol,
            lifespan="off",
            timeout_keep_alive=5,
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN,
            date_header=False,
        )
        asgi_logger = logging.getLogger("uvicorn.asgi")
        if _asgi_trace_filter not in asgi_logger.filters:
            asgi_logger.addFilter(_asgi_trace_filter)
        self._listen(config.backlog)
        self._server = _EmbeddedServer(config)
        return self._server

    def _listen(self, backlog: int) -> None:
        """Listen on the port (bound again if a previous run closed the socket); the socket is
        closed and ``OSError`` raised with the cause when the port is taken."""
        try:
            if self._socket.fileno() == -1:
                self._socket = bound_socket(self.host, self.port)
                self._close_socket = weakref.finalize(self, self._socket.close)
            self._socket.listen(backlog)
        except OSError as error:
            self._close_socket()
            raise OSError(error.errno, f"the emulator cannot listen on {self.base_url}: {error.strerror}") from error

    def _serve_in_thread(self, server: uvicorn.Server) -> None:
        try:
            asyncio.run(server.serve(sockets=[self._socket]))
        except BaseException as failure:  # reported by __enter__; a thread has no one else to tell
            self._thread_failure = failure

    async def _stop_task(self) -> None:
        """Stop the server started by ``__aenter__``; ``TimeoutError`` if it outlives :data:`STOP_TIMEOUT`."""
        assert self._server is not None
        assert self._task is not None
        self._server.should_exit = True
        try:
            await asyncio.wait_for(self._task, timeout=STOP_TIMEOUT)
        finally:
            self._release()

    def _stop_thread(self) -> None:
        """Stop the server started by ``__enter__``; ``TimeoutError`` if it outlives :data:`STOP_TIMEOUT`."""
        assert self._server is not None
        assert self._thread is not None
        self._server.should_exit = True
        self._thread.join(timeout=STOP_TIMEOUT)
        alive = self._thread.is_alive()
        self._release()
        if alive:
            raise TimeoutError(f"the emulator on {self.base_url} did not stop within {STOP_TIMEOUT} s")

    def _release(self) -> None:
        """Close the finished run's socket and mark the server stopped, so it may start again."""
        self._close_socket()
        self._server = None

    def close(self) -> None:
        """Release the port of a server that is not running (one made but never entered):
        entering it afterwards takes the port again. Leaving its block releases it too."""
        if self._server is not None:
            raise RuntimeError(f"{self!r} is running: leave its `with` block to stop it")
        self._close_socket()

    def __repr__(self) -> str:
        return f"EmulatorServer({self.base_url})"


def bound_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host`` (a name, an IPv4 or IPv6 address) and ``port`` (0: a
    free port), not yet listening; ``OSError`` when it cannot be (the port taken, a host not
    found).

    Made with ``IPPROTO_TCP`` named: the connections it accepts inherit the protocol, and
    asyncio turns Nagle's algorithm off (``TCP_NODELAY``) only on sockets that name it. With
    Nagle on, an answer written in two parts waited for the client's delayed ACK: about 40 ms
    on every request of a reused connection.
    """
    family, _, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    bound = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        bound.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        bound.bind(address)
    except OSError:
        bound.close()
        raise
    return bound


@contextlib.contextmanager
def _secondary_to(body_error: BaseException | None) -> Iterator[None]:
    """Let a failure to stop the server propagate, unless the ``with`` body already raised:
    then that exception keeps propagating and the failure to stop is logged."""
    try:
        yield
    except Exception as stop_error:
        if body_error is None:
            raise
        logger.warning("stopping the emulator failed too: %r", stop_error)

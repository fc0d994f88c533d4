"""Run the emulator under uvicorn on a loopback port, from async code or from sync code."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from types import TracebackType

import uvicorn
from starlette.applications import Starlette

from krsms.emulator.app import create_app
from krsms.emulator.config import EmulatorConfig
from krsms.emulator.ledger import Ledger

START_TIMEOUT = 15.0


class EmulatorServer:
    """The emulator on ``host`` (127.0.0.1) and ``port`` (0: a free one).

    ``async with EmulatorServer() as server:`` serves from the current event loop;
    ``with EmulatorServer() as server:`` serves from a background thread with its own loop
    (for sync code, pytest fixtures and the CLI). ``server.base_url`` is where to point a
    gateway's ``base_url``.
    """

    def __init__(self, config: EmulatorConfig | None = None, *, host: str = "127.0.0.1", port: int = 0):
        self.config = config or EmulatorConfig()
        self.app: Starlette = create_app(self.config)
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))
        self.host, self.port = self._socket.getsockname()[:2]
        self._server = uvicorn.Server(
            uvicorn.Config(
                self.app,
                log_level="critical",
                access_log=False,
                lifespan="off",
                timeout_keep_alive=5,
                date_header=False,
            )
        )
        self._task: asyncio.Task[None] | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://host:port``: pass it as a gateway's ``base_url``."""
        return f"http://{self.host}:{self.port}"

    @property
    def ledger(self) -> Ledger:
        """Every recipient the emulator recorded."""
        ledger: Ledger = self.app.state.ledger
        return ledger

    async def __aenter__(self) -> EmulatorServer:
        self._task = asyncio.create_task(self._server.serve(sockets=[self._socket]))
        deadline = time.monotonic() + START_TIMEOUT
        while not self._server.started:
            if self._task.done():
                self._task.result()
            if time.monotonic() > deadline:
                raise RuntimeError("emulator did not start")
            await asyncio.sleep(0.01)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await asyncio.wait_for(self._task, timeout=START_TIMEOUT)
        self._socket.close()

    def __enter__(self) -> EmulatorServer:
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._server.serve(sockets=[self._socket])),
            name="krsms-emulator",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("emulator did not start")
            time.sleep(0.01)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=START_TIMEOUT)
        self._socket.close()

    def __repr__(self) -> str:
        return f"EmulatorServer({self.base_url})"

"""A provider that accepts every connection and never answers (:class:`SilentServer`), for the
tests of how long a command waits for one, and the keys the commands are given to reach it."""

from __future__ import annotations

import contextlib
import socket
import threading

from krsms.emulator import DEMO_NHN_APP_KEY, DEMO_SENS_ACCESS_KEY, DEMO_SENS_SECRET_KEY, DEMO_SENS_SERVICE_ID

ENVIRONMENTS = {
    "sens": {
        "KRSMS_SENS_ACCESS_KEY": DEMO_SENS_ACCESS_KEY,
        "KRSMS_SENS_SECRET_KEY": DEMO_SENS_SECRET_KEY,
        "KRSMS_SENS_SERVICE_ID": DEMO_SENS_SERVICE_ID,
    },
    "nhn": {"KRSMS_NHN_APP_KEY": DEMO_NHN_APP_KEY},
}
GUARD_SECONDS = 60
"""How long a test waits for what should come at once, before it fails instead of hanging."""


class SilentServer:
    """A loopback server that accepts every connection and reads what comes on it, never
    answering: a provider behind a stuck proxy."""

    def __init__(self) -> None:
        self.listening = socket.create_server(("127.0.0.1", 0))
        self.listening.settimeout(0.1)  # so that the accepting thread sees ``closing`` soon
        self.url = f"http://127.0.0.1:{self.listening.getsockname()[1]}"
        self.asked = threading.Event()
        """Set once a request has come in."""
        self.closing = threading.Event()
        self.connections: list[socket.socket] = []
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    def _accept(self) -> None:
        while not self.closing.is_set():
            try:
                connection, _ = self.listening.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(connection)
            reading = threading.Thread(target=self._read, args=(connection,), daemon=True)
            self.threads.append(reading)
            reading.start()

    def _read(self, connection: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while connection.recv(65536):
                self.asked.set()

    def close(self) -> None:
        self.closing.set()
        self.threads[0].join(GUARD_SECONDS)
        for connection in self.connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()
        for thread in self.threads[1:]:
            thread.join(GUARD_SECONDS)
        self.listening.close()

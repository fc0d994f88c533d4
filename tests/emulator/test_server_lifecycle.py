"""EmulatorServer starts, stops, restarts and fails to start cleanly, requests in flight or not."""

from __future__ import annotations

import errno
import gc
import logging
import signal
import socket
import threading
import time
import warnings
from typing import Any

import httpx
import pytest
from uvicorn.protocols.http.auto import AutoHTTPProtocol

from krsms.emulator import DEMO_NHN_APP_KEY, EmulatorConfig, EmulatorServer, Faults
from krsms.emulator import server as server_module
from krsms.emulator.server import EmulatorHttpProtocol

HELD_SECONDS = 20.0
HELD = EmulatorConfig(faults=Faults(latency=HELD_SECONDS, sends_only=False))
"""Every provider request is answered after 20 seconds."""
SENDER_NUMBERS = f"/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}/sendNos"
SMS = {"body": "본문", "sendNo": "15446859", "recipientList": [{"recipientNo": "01000000001"}]}


def emulator_threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if thread.name == "krsms-emulator"}


def wait_until_gone(threads: set[threading.Thread], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while any(thread.is_alive() for thread in threads) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(thread.is_alive() for thread in threads)


def leave_a_request_in_flight(server: EmulatorServer) -> None:
    """A request the server holds for 20 s; the client stops waiting after half a second."""
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(server.base_url + SENDER_NUMBERS, timeout=0.5)


def test_leaving_the_block_cancels_a_request_in_flight_and_ends_the_thread() -> None:
    before = emulator_threads()
    with EmulatorServer(HELD) as server:
        leave_a_request_in_flight(server)
        started_stopping = time.monotonic()
    # Cancelled after the grace period, not waited for: far short of the 20 s it was held.
    assert time.monotonic() - started_stopping < HELD_SECONDS / 2
    assert emulator_threads() - before == set()


async def test_leaving_the_async_block_cancels_a_request_in_flight() -> None:
    async with EmulatorServer(HELD) as server:
        async with httpx.AsyncClient(base_url=server.base_url) as client:
            with pytest.raises(httpx.ReadTimeout):
                await client.get(SENDER_NUMBERS, timeout=0.5)
        started_stopping = time.monotonic()
    # Cancelled after the grace period, not waited for: far short of the 20 s it was held.
    assert time.monotonic() - started_stopping < HELD_SECONDS / 2


def serve_a_held_request(*, then_fail: bool) -> None:
    with EmulatorServer(HELD) as server:
        leave_a_request_in_flight(server)
        if then_fail:
            raise LookupError("the test failed")


def test_an_exception_of_the_body_is_not_replaced_by_a_failure_to_stop(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(server_module, "STOP_TIMEOUT", 0.05)  # shorter than the graceful shutdown
    before = emulator_threads()
    with caplog.at_level(logging.WARNING, logger="krsms"), pytest.raises(LookupError, match="the test failed"):
        serve_a_held_request(then_fail=True)
    assert "stopping the emulator failed too: TimeoutError" in caplog.text
    wait_until_gone(emulator_threads() - before, seconds=10)


def test_a_failure_to_stop_is_raised_when_the_body_succeeded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server_module, "STOP_TIMEOUT", 0.05)
    before = emulator_threads()
    with pytest.raises(TimeoutError, match="did not stop"):
        serve_a_held_request(then_fail=False)
    wait_until_gone(emulator_threads() - before, seconds=10)


def test_entering_a_running_server_again_is_refused() -> None:
    server = EmulatorServer()
    with server:
        with pytest.raises(RuntimeError, match="already running"), server:
            pass
        assert httpx.get(server.base_url + "/_emulator/health", timeout=5).status_code == 200


async def test_entering_a_running_async_server_again_is_refused() -> None:
    server = EmulatorServer()
    async with server:
        with pytest.raises(RuntimeError, match="already running"):
            async with server:
                pass
        async with httpx.AsyncClient() as client:
            assert (await client.get(server.base_url + "/_emulator/health", timeout=5)).status_code == 200


async def test_serving_from_the_programs_loop_leaves_its_signal_handlers_alone() -> None:
    """uvicorn on the main thread takes SIGINT and SIGTERM: Ctrl-C would stop the emulator
    under the program's sends instead of cancelling the program."""
    assert threading.current_thread() is threading.main_thread()
    before = {signal.SIGINT: signal.getsignal(signal.SIGINT), signal.SIGTERM: signal.getsignal(signal.SIGTERM)}
    async with EmulatorServer() as server:
        async with httpx.AsyncClient() as client:
            assert (await client.get(server.base_url + "/_emulator/health", timeout=5)).status_code == 200
        assert {sig: signal.getsignal(sig) for sig in before} == before
    assert {sig: signal.getsignal(sig) for sig in before} == before


def test_a_stopped_server_serves_again_on_its_port_with_its_ledger() -> None:
    server = EmulatorServer()
    with server:
        httpx.post(f"{server.base_url}/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}/sender/sms", json=SMS, timeout=5)
    with server:
        assert httpx.get(server.base_url + "/_emulator/health", timeout=5).status_code == 200
        assert [delivery.recipient for delivery in server.ledger] == ["01000000001"]


def test_a_port_in_use_fails_the_start_with_its_cause_and_closes_the_socket() -> None:
    first = EmulatorServer()
    second = EmulatorServer(port=first.port)  # both bound before either listens: allowed
    with first:
        with pytest.raises(OSError, match="cannot listen") as raised, second:
            pass
        assert httpx.get(first.base_url + "/_emulator/health", timeout=5).status_code == 200
    assert raised.value.errno == errno.EADDRINUSE
    assert second._socket.fileno() == -1


def bind_alone(port: int) -> None:
    """Bind ``port`` without sharing it (no ``SO_REUSEADDR``): OSError while any socket holds it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))


def test_close_releases_the_port_of_a_server_never_entered() -> None:
    server = EmulatorServer()
    with pytest.raises(OSError, match="in use") as taken:
        bind_alone(server.port)  # taken when the server was made
    assert taken.value.errno == errno.EADDRINUSE
    server.close()
    bind_alone(server.port)
    with server:  # taken again
        assert httpx.get(server.base_url + "/_emulator/health", timeout=5).status_code == 200


def test_a_running_server_is_stopped_by_leaving_its_block_not_by_close() -> None:
    with EmulatorServer() as server:
        with pytest.raises(RuntimeError, match="is running"):
            server.close()
        assert httpx.get(server.base_url + "/_emulator/health", timeout=5).status_code == 200


def test_a_server_never_entered_closes_its_socket_when_collected() -> None:
    server = EmulatorServer()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del server
        gc.collect()
    assert [warning for warning in caught if issubclass(warning.category, ResourceWarning)] == []


def test_running_a_server_leaves_the_process_logging_as_it_was() -> None:
    """A test session's logging (levels, handlers, caplog) is the user's: uvicorn's own
    logging config is not applied."""

    def state() -> dict[str, tuple[int, int, bool]]:
        loggers = [logging.getLogger(name) for name in ("", "uvicorn", "uvicorn.error")]
        return {logger.name: (logger.level, len(logger.handlers), logger.propagate) for logger in loggers}

    before = state()
    with EmulatorServer():
        pass
    assert state() == before


def test_the_server_logs_no_access_lines(caplog: pytest.LogCaptureFixture) -> None:
    """An access line would carry the NHN appKey in its path."""
    caplog.set_level(logging.DEBUG)
    with EmulatorServer() as server:
        httpx.post(f"{server.base_url}/sms/v2.2/appKeys/{DEMO_NHN_APP_KEY}/sender/sms", json={})
    assert [record for record in caplog.records if record.name.startswith("uvicorn.access")] == []


def test_the_connections_it_accepts_turn_nagle_off() -> None:
    """asyncio sets TCP_NODELAY only on sockets that name IPPROTO_TCP, and accepted ones
    inherit the listening socket's protocol: with proto 0, every answer on a reused
    connection waited about 40 ms for the client's delayed ACK."""
    server = EmulatorServer()
    try:
        assert server._socket.proto == socket.IPPROTO_TCP  # what every accepted socket takes
    finally:
        server.close()


def test_a_uvicorn_protocol_without_the_attributes_it_replaces_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replacing attributes a uvicorn no longer reads would let access lines, with the NHN
    appKey in their paths, through: the connection is refused instead."""

    def renamed_attributes(protocol: Any, *args: object, **kwargs: object) -> None:
        protocol.error_logger = logging.getLogger("uvicorn.error")

    monkeypatch.setattr(AutoHTTPProtocol, "__init__", renamed_attributes)
    with pytest.raises(RuntimeError, match="access_log"):
        EmulatorHttpProtocol()

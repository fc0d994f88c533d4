"""Run the krsms emulator as a separate process on a free loopback port.

A separate process keeps the server off the client's core: on a 2-core machine the
client's CPU cost is then measured without the server competing for the GIL.
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from krsms import NhnGateway, SensGateway
from krsms.emulator.config import (
    DEMO_NHN_APP_KEY,
    DEMO_SENS_ACCESS_KEY,
    DEMO_SENS_SECRET_KEY,
    DEMO_SENS_SERVICE_ID,
)
from krsms.fanout import BatchingGateway

SENDER = "0212345678"
CREDENTIALS = {
    "sens": {
        "access_key": DEMO_SENS_ACCESS_KEY,
        "secret_key": DEMO_SENS_SECRET_KEY,
        "service_id": DEMO_SENS_SERVICE_ID,
    },
    "nhn": {"app_key": DEMO_NHN_APP_KEY},
}


def gateway_for(provider: str, base_url: str, **options: Any) -> BatchingGateway:
    """A krsms gateway for ``provider`` against the emulator at ``base_url``, with its own
    client and ``options`` (``max_concurrency``, ``limits``, ``timeout``, ...)."""
    if provider == "sens":
        sens = CREDENTIALS["sens"]
        return SensGateway(
            access_key=sens["access_key"],
            secret_key=sens["secret_key"],
            service_id=sens["service_id"],
            base_url=base_url,
            **options,
        )
    return NhnGateway(app_key=CREDENTIALS["nhn"]["app_key"], base_url=base_url, **options)


def free_port() -> int:
    """A port nothing listens on right now (loopback only)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def emulator(*, latency: float = 0.0, jitter: float = 0.0) -> Iterator[str]:
    """Start ``krsms emulator`` with ``latency`` seconds on send endpoints, and up to ``jitter``
    more drawn at random per request; yield its base URL."""
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("krsms")), "emulator",
        "--host", "127.0.0.1", "--port", str(port),
        "--sens-access-key", DEMO_SENS_ACCESS_KEY,
        "--sens-secret-key", DEMO_SENS_SECRET_KEY,
        "--sens-service-id", DEMO_SENS_SERVICE_ID,
        "--nhn-app-key", DEMO_NHN_APP_KEY,
        "--latency", str(latency),
        "--latency-jitter", str(jitter),
    ]  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    # As a context manager, Popen closes the stderr pipe once the process has ended.
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as process:
        try:
            deadline = time.monotonic() + 30
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"emulator exited: {process.stderr.read().decode() if process.stderr else ''}")
                try:
                    with urllib.request.urlopen(f"{base_url}/_emulator/health", timeout=1):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def reset(base_url: str) -> None:
    """Forget every delivery the emulator recorded (keeps memory flat between runs)."""
    request = urllib.request.Request(f"{base_url}/_emulator/deliveries", method="DELETE")
    with urllib.request.urlopen(request, timeout=30):
        pass


def delivered(base_url: str, provider: str) -> int:
    """How many recipients the emulator recorded for ``provider``."""
    with urllib.request.urlopen(f"{base_url}/_emulator/deliveries?provider={provider}", timeout=60) as answer:
        return len(json.load(answer))

"""Fixtures shared by the CLI's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from silent_servers import SilentServer


@pytest.fixture
def silent() -> Iterator[SilentServer]:
    """A provider on 127.0.0.1 that accepts every connection and never answers, closed after the test."""
    server = SilentServer()
    try:
        yield server
    finally:
        server.close()

"""The krsms pytest plugin (entry point ``krsms``, active wherever krsms is installed).

Fixtures: ``fake_gateway``, a fresh :class:`~krsms.testing.FakeGateway` per test, and
``krsms_emulator``, a real emulator of both providers on loopback for one test (needs the
``emulator`` extra); point gateways at it with :func:`krsms.testing.sens_gateway_for` and
:func:`krsms.testing.nhn_gateway_for`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from krsms.testing import FakeGateway

if TYPE_CHECKING:  # the emulator needs its extra; import it only where it is used
    from krsms.emulator import EmulatorServer


@pytest.fixture
def fake_gateway() -> FakeGateway:
    """A fresh :class:`~krsms.testing.FakeGateway` per test (it holds no connections; no cleanup needed)."""
    return FakeGateway()


@pytest.fixture
def krsms_emulator() -> Iterator[EmulatorServer]:
    """A real emulator of both providers on a free 127.0.0.1 port, for this test only.

    It serves from a background thread, so sync and async tests can use it; point a gateway
    at ``krsms_emulator.base_url`` (see :func:`krsms.testing.sens_gateway_for` / :func:`~krsms.testing.nhn_gateway_for`)
    and read what was delivered from ``krsms_emulator.ledger``. Needs the ``emulator`` extra.
    """
    from krsms.emulator import EmulatorServer

    with EmulatorServer() as server:
        yield server

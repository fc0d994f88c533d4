"""Fixtures for the emulator's own tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sens_signing import DocumentSigner
from starlette.applications import Starlette

from krsms.emulator import EmulatorConfig, create_app


@pytest.fixture
def config() -> EmulatorConfig:
    """The demo configuration; override in a test module for other rules."""
    return EmulatorConfig(undeliverable_numbers={"01099990000": "3006"}, unregistered_senders=frozenset({"0299999999"}))


@pytest.fixture
def app(config: EmulatorConfig) -> Starlette:
    """A fresh emulator app."""
    return create_app(config)


@pytest.fixture
async def sens(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client that signs like the SENS document."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator", auth=DocumentSigner()) as client:
        yield client


@pytest.fixture
async def nhn(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client of the emulator's NHN API."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator") as client:
        yield client

"""Collects the chaos suite's counts and prints them in pytest's terminal summary."""

from __future__ import annotations

from typing import Any

import pytest

CHAOS_FIGURES: list[str] = []


@pytest.fixture
def chaos_figures() -> list[str]:
    """Lines for the terminal summary (unknown, retried, ... per run)."""
    return CHAOS_FIGURES


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if CHAOS_FIGURES:
        terminalreporter.section("krsms chaos figures")
        for line in CHAOS_FIGURES:
            terminalreporter.write_line(line)

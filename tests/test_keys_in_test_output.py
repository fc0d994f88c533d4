"""A failing test of a user's must not print the keys it passed to krsms: pytest shows the
arguments of a traceback's frames, and with ``-l`` their locals."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

KEYS = {
    "T_NHN_APP_KEY": "NhnAppKey4711",
    "T_NHN_SECRET": "NhnSecret4712",
    "T_SENS_ACCESS": "SensAccess4713",
    "T_SENS_SECRET": "SensSecret4714",
}

FAILING_TESTS = """
import os
import pytest
from krsms import NhnGateway, SensGateway
from krsms.nhn import NhnClient
from krsms.sens import SensClient

KEY = os.environ.__getitem__


def test_an_nhn_key_read_with_its_line_break():
    NhnGateway(app_key=KEY("T_NHN_APP_KEY") + "\\n", secret_key=KEY("T_NHN_SECRET"))


def test_an_nhn_client_with_a_bad_base_url():
    NhnClient(app_key=KEY("T_NHN_APP_KEY"), secret_key=KEY("T_NHN_SECRET"), base_url="htp://x")


def test_a_sens_secret_read_with_its_line_break():
    SensGateway(access_key=KEY("T_SENS_ACCESS"), secret_key=KEY("T_SENS_SECRET") + "\\r\\n", service_id="s")


def test_a_sens_client_with_a_bad_base_url():
    SensClient(access_key=KEY("T_SENS_ACCESS"), secret_key=KEY("T_SENS_SECRET"), service_id="s", base_url=" x")
"""


def test_a_constructor_refusing_its_input_shows_no_key_in_pytest_output(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(FAILING_TESTS)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly", "--tb=long", "-l"],
        cwd=tmp_path,
        env={**os.environ, **KEYS},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "4 failed" in ran.stdout
    assert "ValidationError" in ran.stdout
    leaked = [line for line in ran.stdout.splitlines() if any(key in line for key in KEYS.values())]
    assert leaked == []

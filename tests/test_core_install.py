"""The core install (httpx, attrs, cattrs, anyio) works alone; the extras say what is missing."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import krsms

EXTRAS_ONLY = ("pytest", "typer", "rich", "starlette", "uvicorn", "PIL", "sniffio")

BLOCK_EXTRAS = textwrap.dedent(
    f"""
    import importlib.abc
    import sys

    class NoExtras(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {EXTRAS_ONLY!r}:
                raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
            return None

    for module in [name for name in sys.modules if name.split(".")[0] in {EXTRAS_ONLY!r}]:
        del sys.modules[module]
    sys.meta_path.insert(0, NoExtras())
    """
)


def run_without_extras(code: str) -> subprocess.CompletedProcess[str]:
    script = BLOCK_EXTRAS + textwrap.dedent(code)
    return subprocess.run([sys.executable, "-I", "-c", script], capture_output=True, text=True, timeout=60, check=False)


def test_the_sdk_and_its_fake_gateway_need_no_extra() -> None:
    finished = run_without_extras(
        """
        import asyncio
        import krsms, krsms.nhn, krsms.sens, krsms.testing
        from krsms import Message
        from krsms.testing import FakeGateway

        message = Message(sender="0212345678", text="안녕", recipients=["010-1234-5678"])
        print(asyncio.run(FakeGateway().send(message)).all_accepted)
        """
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip() == "True"


def test_the_emulator_and_the_command_line_name_their_extra() -> None:
    finished = run_without_extras(
        """
        try:
            import krsms.emulator
        except ModuleNotFoundError as missing:
            print(missing)
        import krsms.cli
        """
    )
    assert "krsms.emulator needs the 'emulator' extra: pip install 'krsms[emulator]'" in finished.stdout
    assert finished.returncode == 1
    assert "the command line needs the 'cli' extra: pip install 'krsms[cli]'" in finished.stderr
    assert "Traceback" not in finished.stderr


def test_httpx_is_imported_only_behind_the_transport_and_the_auth_modules() -> None:
    """DESIGN: httpx stays behind ``transport.py`` and the two ``auth.py`` modules, so that a
    switch of HTTP library touches those alone (the demo command, user code, may use it; so
    may the emulator's fault injection, whose injected drop is httpx's own error: in-process,
    through ``httpx.ASGITransport``, a client sees what a dropped connection raises)."""
    package = Path(krsms.__file__).parent
    allowed = {"transport.py", "sens/auth.py", "nhn/auth.py", "commands/demo.py", "emulator/faults.py"}
    importing = set()
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name == "httpx" or name.startswith("httpx.") for name in names):
                importing.add(path.relative_to(package).as_posix())
    assert importing <= allowed, sorted(importing - allowed)


def test_the_command_line_names_its_extra_when_only_part_of_it_is_installed() -> None:
    """typer alone (other tools bring it) is not the extra: say so up front, not with a
    traceback when the demo first needs Pillow."""
    script = BLOCK_EXTRAS.replace(repr(EXTRAS_ONLY), repr(tuple(name for name in EXTRAS_ONLY if name != "typer")))
    finished = subprocess.run(
        [sys.executable, "-I", "-c", script + "import krsms.cli"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert finished.returncode == 1
    assert (
        "the command line needs the 'cli' extra: pip install 'krsms[cli]' (rich, PIL, starlette, uvicorn missing)"
        in (finished.stderr)
    )
    assert "Traceback" not in finished.stderr


def test_the_version_krsms_reports_is_the_one_it_is_released_as() -> None:
    """``krsms.__version__`` (and ``krsms --version``) is written beside pyproject.toml's: the
    two must not drift apart at a release."""
    pyproject = (Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    project = pyproject.split("[project]", 1)[1]
    released = next(
        line.split("=", 1)[1].strip().strip('"')
        for line in project.splitlines()
        if line.replace(" ", "").startswith("version=")
    )
    assert krsms.__version__ == released

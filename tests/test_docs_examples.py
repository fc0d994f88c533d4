"""The README's examples follow the docs' own advice, and do what they say when run."""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import krsms
from krsms.testing import FakeGateway, numbers

ROOT = Path(__file__).resolve().parents[1]


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```$", path.read_text(encoding="utf-8"), flags=re.MULTILINE | re.DOTALL)


def readme_block(containing: str) -> str:
    (block,) = [block for block in python_blocks(ROOT / "README.md") if containing in block]
    return block


async def test_the_readme_stream_left_early_settles_and_closes_its_source_before_it_returns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """docs/bulk.md: close the stream with contextlib.aclosing, so that leaving the loop early
    settles the batches in flight at once. The README's loop had none: left by an exception,
    its stream (and the caller's generator) was closed later, by the event loop's finaliser,
    after the gateway it sent through was closed."""
    gateways: list[FakeGateway] = []

    def gateway(**_: object) -> FakeGateway:
        gateways.append(FakeGateway(batch_size=10, latency=0.02, max_concurrency=4))
        return gateways[-1]

    monkeypatch.setattr(krsms, "NhnGateway", gateway)
    source_closed = False

    def source() -> Iterator[str]:
        nonlocal source_closed
        try:
            yield from numbers(1000)
        finally:
            source_closed = True

    def fail(*_: object) -> None:
        raise RuntimeError("a bug in the loop body")

    namespace: dict[str, Any] = {"print": fail}
    exec(readme_block("send_stream"), namespace)
    with pytest.raises(RuntimeError, match="a bug in the loop body"):
        await namespace["campaign"](source())

    assert source_closed  # handed over: closed as the send ended, not at garbage collection
    # The first wave at most, settled; nothing started after. Its 4 batches start event-loop
    # passes apart, so a pause (a garbage collection, a loaded machine) longer than their
    # 0.02 s may let the first report, and the loop body's error, come before the last starts.
    assert 1 <= len(gateways[0].requests) <= 4


def test_every_documented_stream_loop_is_closed_with_aclosing() -> None:
    """A stream iterated straight in ``async for`` leaves its batches in flight unsettled when
    the loop is left early (docs/bulk.md): every snippet closes it with aclosing."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    bare = [
        f"{page.name}: {line.strip()}"
        for page in pages
        for block in python_blocks(page)
        for line in block.splitlines()
        if re.search(r"async for .* in .*\.send_stream\(", line)
    ]
    assert bare == []


def documented_blocks() -> list[tuple[str, str]]:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return [(f"{page.name}#{index}", block) for page in pages for index, block in enumerate(python_blocks(page))]


@pytest.mark.parametrize(("where", "block"), documented_blocks(), ids=[where for where, _ in documented_blocks()])
def test_every_documented_python_block_compiles_and_names_only_what_krsms_has(where: str, block: str) -> None:
    """A renamed or removed public name breaks the docs' examples silently: each block must be
    valid Python, and every ``krsms`` import and ``krsms.<name>`` it writes must resolve."""
    tree = ast.parse(block, filename=where)
    missing: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "krsms":
            module = importlib.import_module(node.module)
            missing += [f"{node.module}.{alias.name}" for alias in node.names if not hasattr(module, alias.name)]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "krsms":
                    importlib.import_module(alias.name)
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "krsms"
            and not hasattr(krsms, node.attr)
        ):
            missing.append(f"krsms.{node.attr}")
    assert missing == []

"""Python bytecode instructions a send executes per request (run as a subprocess).

Usage: python benchmarks/interpreter_steps.py PROVIDER NAME BASE_URL SIZE CONCURRENCY
Prints one JSON line: steps, requests.

CPU seconds on a shared machine move by a third from run to run; the number of bytecode
instructions the interpreter executes does not (it moves only with the code, and by a few
per request with the event loop's timing). It is a deterministic measure of the Python
work each client does, the SDK's own and what it asks of httpx, httpcore, h11, anyio and
asyncio. Work done in C (JSON, regular expressions, hashing, the socket calls) is not in
it: the CPU figures are.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from emulator_process import reset
from run import IMPLEMENTATIONS, numbers

Tracer = Callable[[FrameType, str, Any], Any]


class StepCounter:
    """Counts the bytecode instructions executed in this thread while it is installed."""

    def __init__(self) -> None:
        self.steps = 0

    def __enter__(self) -> StepCounter:
        sys.settrace(self._enter_frame)
        return self

    def __exit__(self, *exc_info: object) -> None:
        sys.settrace(None)

    def _enter_frame(self, frame: FrameType, event: str, arg: Any) -> Tracer:
        # Called as each frame starts or a coroutine resumes: its instructions are reported
        # to the frame's own tracer from then on, and its line events are not.
        frame.f_trace_opcodes = True
        frame.f_trace_lines = False
        return self._step

    def _step(self, frame: FrameType, event: str, arg: Any) -> Tracer:
        if event == "opcode":
            self.steps += 1
        return self._step


def steps_probe(provider: str, name: str, base_url: str, size: int, concurrency: int) -> dict[str, int]:
    """The steps of one send of ``size`` recipients by implementation ``name`` (the send alone,
    its client made before), after a first untraced one (imports, caches)."""
    recipients = numbers(size)
    send = IMPLEMENTATIONS[name]
    reset(base_url)
    asyncio.run(send(base_url, provider, recipients, concurrency, StepCounter()))
    reset(base_url)
    counter = StepCounter()
    requests = asyncio.run(send(base_url, provider, recipients, concurrency, counter))
    reset(base_url)
    return {"steps": counter.steps, "requests": requests}


def main() -> None:
    provider, name, base_url, size, concurrency = sys.argv[1:6]
    print(json.dumps(steps_probe(provider, name, base_url, int(size), int(concurrency))))


if __name__ == "__main__":
    main()

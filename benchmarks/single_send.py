"""The cost of one message to one recipient, the web app's hot path, on four paths.

    python benchmarks/single_send.py                        # this checkout, prints the table
    python benchmarks/single_send.py --before OLD/src       # and another checkout side by side
    python benchmarks/single_send.py --functions 25         # where the gateway spends its steps

For ``SensGateway.send``, ``NhnGateway.send``, the typed clients (``SensClient.send``,
``NhnClient.send_sms``: no fan-out) and a raw httpx POST of the same body (the floor), against
one emulator process on loopback (no added latency): the Python bytecode instructions a send
executes (deterministic, see ``interpreter_steps.py``), the passes of the event loop it takes,
the tasks it creates, and the median wall time of 2,000 sends one after the other (the mean of
two runs'). Each checkout is measured in processes of its own, ``PYTHONPATH`` set to its
``src``, the two taking turns path by path against the same emulator.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from types import CodeType, FrameType
from typing import Any

import httpx
from emulator_process import CREDENTIALS, SENDER, emulator, reset
from interpreter_steps import StepCounter, Tracer
from raw_clients import REQUESTS, TEXT

ROOT = Path(__file__).resolve().parent.parent
NUMBER = "01012345678"
PATHS = ("SensGateway.send", "NhnGateway.send", "SensClient.send", "NhnClient.send_sms", "httpx POST")
GATEWAY_CLIENTS = {"SensGateway.send": "SensClient.send", "NhnGateway.send": "NhnClient.send_sms"}
TRACED_SENDS = 20
"""Sends whose steps, loop passes and tasks are counted (their mean is reported)."""
TIMED_SENDS = 2000
"""Sends whose wall time is taken, one after the other (their median is reported)."""

Send = Callable[[], Coroutine[Any, Any, None]]


class FunctionSteps(StepCounter):
    """A :class:`StepCounter` that also counts each function's own instructions."""

    def __init__(self) -> None:
        super().__init__()
        self.by_code: collections.Counter[CodeType] = collections.Counter()

    def _step(self, frame: FrameType, event: str, arg: Any) -> Tracer:
        if event == "opcode":
            self.steps += 1
            self.by_code[frame.f_code] += 1
        return self._step


async def make_send(path: str, base_url: str) -> tuple[Send, Callable[[], Coroutine[Any, Any, None]]]:
    """The send of one message to :data:`NUMBER` on ``path``, and what closes its client."""
    from krsms import Message, NhnGateway, SensGateway
    from krsms.nhn.client import NhnClient
    from krsms.nhn.models import SendRecipient
    from krsms.nhn.models import SendRequest as NhnRequest
    from krsms.sens.client import SensClient
    from krsms.sens.models import MessageType, SendMessage
    from krsms.sens.models import SendRequest as SensRequest

    sens, nhn = CREDENTIALS["sens"], CREDENTIALS["nhn"]
    message = Message(sender=SENDER, text=TEXT, recipients=[NUMBER])
    if path in ("SensGateway.send", "NhnGateway.send"):
        gateway = (
            SensGateway(
                access_key=sens["access_key"],
                secret_key=sens["secret_key"],
                service_id=sens["service_id"],
                base_url=base_url,
            )
            if path == "SensGateway.send"
            else NhnGateway(app_key=nhn["app_key"], base_url=base_url)
        )

        async def send_by_gateway() -> None:
            report = await gateway.send(message)
            if not report.all_accepted:
                raise RuntimeError(f"{path} was not accepted: {report.counts()}")

        return send_by_gateway, gateway.aclose
    if path == "SensClient.send":
        sens_client = SensClient(
            access_key=sens["access_key"],
            secret_key=sens["secret_key"],
            service_id=sens["service_id"],
            base_url=base_url,
        )
        sens_request = SensRequest(type=MessageType.SMS, from_=SENDER, content=TEXT, messages=(SendMessage(to=NUMBER),))

        async def send_by_sens_client() -> None:
            await sens_client.send(sens_request)

        return send_by_sens_client, sens_client.aclose
    if path == "NhnClient.send_sms":
        nhn_client = NhnClient(app_key=nhn["app_key"], base_url=base_url)
        nhn_request = NhnRequest(recipient_list=(SendRecipient(recipient_no=NUMBER),), send_no=SENDER, body=TEXT)

        async def send_by_nhn_client() -> None:
            await nhn_client.send_sms(nhn_request)

        return send_by_nhn_client, nhn_client.aclose
    http = httpx.AsyncClient(base_url=base_url, timeout=60)
    build, _ = REQUESTS["sens"]

    async def send_by_httpx() -> None:
        request_path, headers, body = build([NUMBER])
        response = await http.post(request_path, headers=headers, json=body)
        response.raise_for_status()
        response.json()

    return send_by_httpx, http.aclose


def probe(path: str, base_url: str) -> dict[str, Any]:
    """The figures of ``path`` in this process (its ``krsms`` the one ``PYTHONPATH`` gives)."""
    loop = asyncio.new_event_loop()
    passes = tasks = 0
    run_once = loop._run_once  # type: ignore[attr-defined]

    def counted_pass() -> None:
        nonlocal passes
        passes += 1
        run_once()

    def counted_task(loop: asyncio.AbstractEventLoop, coroutine: Any) -> asyncio.Task[Any]:
        nonlocal tasks
        tasks += 1
        return asyncio.Task(coroutine, loop=loop)

    loop._run_once = counted_pass  # type: ignore[attr-defined]
    loop.set_task_factory(counted_task)

    async def measure() -> dict[str, Any]:
        nonlocal passes, tasks
        send, close = await make_send(path, base_url)
        try:
            for _ in range(50):  # imports, caches, the connection
                await send()
            counter = FunctionSteps()
            passes = tasks = 0
            with counter:
                for _ in range(TRACED_SENDS):
                    await send()
            traced_passes, traced_tasks = passes, tasks
            times = []
            for _ in range(TIMED_SENDS):
                started = time.perf_counter()
                await send()
                times.append(time.perf_counter() - started)
        finally:
            await close()
        top = counter.by_code.most_common()
        return {
            "steps": counter.steps / TRACED_SENDS,
            "passes": traced_passes / TRACED_SENDS,
            "tasks": traced_tasks / TRACED_SENDS,
            "median_us": statistics.median(times) * 1e6,
            "functions": {
                f"{Path(code.co_filename).name}:{code.co_firstlineno} {code.co_name}": n / TRACED_SENDS
                for code, n in top
            },
        }

    try:
        return loop.run_until_complete(measure())
    finally:
        loop.close()


def run_probe(src: str, path: str, base_url: str) -> dict[str, Any]:
    """:func:`probe` in a process of its own whose ``krsms`` is the one in ``src``."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([src, str(Path(__file__).parent)])}
    command = [sys.executable, __file__, "--probe", path, base_url]
    output = subprocess.run(command, env=environment, check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(output)
    return result


def beyond(gateway: dict[str, Any], client: dict[str, Any], count: int) -> list[tuple[str, float]]:
    """The ``count`` functions whose steps per send grow the most from ``client`` to ``gateway``."""
    by_function: dict[str, float] = gateway["functions"]
    extra = {name: steps - client["functions"].get(name, 0.0) for name, steps in by_function.items()}
    return sorted(extra.items(), key=lambda item: -item[1])[:count]


def table(results: dict[str, dict[str, dict[str, Any]]]) -> str:
    """The figures as a Markdown table, a row per path and checkout."""
    lines = [
        "| path | checkout | instructions | loop passes | tasks | median µs |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for path, by_checkout in results.items():
        for checkout, figures in by_checkout.items():
            lines.append(
                f"| {path} | {checkout} | {figures['steps']:,.0f} | {figures['passes']:.1f} "
                f"| {figures['tasks']:.1f} | {figures['median_us']:,.0f} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", help="the src directory of another checkout, measured side by side")
    parser.add_argument("--functions", type=int, default=0, help="print the N functions with the most steps")
    parser.add_argument("--probe", nargs=2, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.probe:
        path, base_url = arguments.probe
        print(json.dumps(probe(path, base_url)))
        return
    checkouts = {"this": str(ROOT / "src")}
    if arguments.before:
        checkouts = {"before": arguments.before, **checkouts}
    results: dict[str, dict[str, dict[str, Any]]] = {}
    with emulator() as base_url:
        for path in PATHS:
            # Each checkout twice, in turn (A B B A): a drift of the machine's speed meanwhile
            # weighs on both alike.
            runs: dict[str, list[dict[str, Any]]] = {checkout: [] for checkout in checkouts}
            for checkout in [*checkouts, *reversed(checkouts)]:
                reset(base_url)
                runs[checkout].append(run_probe(checkouts[checkout], path, base_url))
            results[path] = {
                checkout: {**first, "median_us": statistics.mean(run["median_us"] for run in [first, *rest])}
                for checkout, (first, *rest) in runs.items()
            }
    print(table(results))
    if arguments.functions:
        for gateway, client in GATEWAY_CLIENTS.items():
            for checkout in checkouts:
                print(f"\n{gateway} ({checkout}): the functions with most steps beyond {client}'s")
                for name, steps in beyond(results[gateway][checkout], results[client][checkout], arguments.functions):
                    print(f"{steps:10,.0f}  {name}")


if __name__ == "__main__":
    main()

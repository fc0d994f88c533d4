"""Single sends from concurrent request handlers: a web app's load on one shared gateway.

    python benchmarks/web_handlers.py                               # prints the table
    python benchmarks/web_handlers.py --quick                       # fewer handlers and sends
    python benchmarks/web_handlers.py --handlers 64 --slots 16 24 32   # other gateway sizes beside

A web app (FastAPI, aiohttp) awaits ``gateway.send`` of one recipient inside its request
handler, many handlers at once, all sharing the gateway made at startup. Here K handlers
each send one message after another until a fixed number of sends is made, against the
emulator process with injected latency, on both providers. Each send is timed as its
handler waits for it (building the message included), and a run gives per-send latency p50
and p99, throughput, the client's CPU per send and httpcore's pool attempts per send, for:

- krsms with its defaults (``max_concurrency=8``): beyond 8 handlers, sends queue for a
  request slot;
- krsms sized to the load, where K exceeds the defaults: ``max_concurrency=K`` and a pool of
  K connections (``Limits``: the pool's ``max_connections``, 32 by default, caps
  ``max_concurrency``);
- krsms with ``max_concurrency`` (and its pool) set to each of ``--slots`` below K;
- raw httpx: one shared ``httpx.AsyncClient`` with a pool of K connections, posting the body
  krsms posts (the same fields; SENS signed per request, NHN with a grouping key) and checking
  its answer as a careful user would (the status and the recipient's result).

The gateway or client is made, and every handler has sent once (the pool's connections
open), before the timing starts: a running application has paid both.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import inspect
import math
import secrets
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from typing import Any

import httpx
from emulator_process import SENDER, emulator, gateway_for, reset
from pool_attempts import counting_pool_attempts
from raw_clients import NHN_HEADERS, NHN_SEND_PATH, SENS_SEND_PATH, TEXT, sens_signed_headers

from krsms import Limits, Message, SensGateway
from krsms.fanout import BatchingGateway

Send = Callable[[str], Coroutine[Any, Any, None]]
"""One handler's send of one message to a number."""

DEFAULT_MAX_CONCURRENCY: int = inspect.signature(SensGateway).parameters["max_concurrency"].default
"""The gateways' default ``max_concurrency``, read from the signature so that the table
follows it."""

HANDLERS = (1, 16, 64)
QUICK_HANDLERS = (1, 16)
SLOTS = (16,)
"""``max_concurrency`` also measured wherever the handlers outnumber it: a size between the
defaults and the most handlers."""

RAW = "httpx"
DEFAULTS = "default"
SIZED = "sized to K"


def sends_for(handlers: int, *, quick: bool) -> int:
    """Sends of a run with ``handlers`` handlers: five per handler, so that each handler
    waits on the provider several times, and at least 60 (20 in a quick run)."""
    return max(20 if quick else 60, 5 * handlers)


def setups(handlers: int, slots: Sequence[int]) -> dict[str, int | None]:
    """The krsms setups measured for ``handlers`` handlers, each label with its
    ``max_concurrency`` (None: the gateway's defaults); raw httpx is measured beside them."""
    measured: dict[str, int | None] = {DEFAULTS: None}
    if handlers > DEFAULT_MAX_CONCURRENCY:
        measured[SIZED] = handlers
    for count in slots:
        if DEFAULT_MAX_CONCURRENCY < count < handlers:
            measured[f"max_concurrency={count}"] = count
    return measured


def number(index: int) -> str:
    """The ``index``-th distinct valid mobile number."""
    return f"010{index:08d}"


def make_gateway(provider: str, base_url: str, slots: int | None) -> BatchingGateway:
    """A gateway for ``provider`` against the emulator, with its own client: its defaults when
    ``slots`` is None, else ``max_concurrency=slots`` and a pool of as many connections, all
    kept alive between sends."""
    sizing: dict[str, Any] = (
        {}
        if slots is None
        else {"max_concurrency": slots, "limits": Limits(max_connections=slots, max_keepalive_connections=slots)}
    )
    return gateway_for(provider, base_url, **sizing)


@contextlib.asynccontextmanager
async def krsms_send(provider: str, base_url: str, slots: int | None) -> AsyncIterator[tuple[Send, int]]:
    """``gateway.send`` of one recipient on one shared gateway (see :func:`make_gateway`), and
    the gateway's request slots."""
    async with make_gateway(provider, base_url, slots) as gateway:

        async def send(to: str) -> None:
            report = await gateway.send(Message(sender=SENDER, text=TEXT, recipients=[to]))
            if not report.all_accepted:
                raise RuntimeError(f"krsms send was not accepted: {report.counts()}")

        yield send, gateway.max_concurrency


def sens_accepted(answer: Any) -> bool:
    """Whether a SENS send's answer says it was accepted."""
    return isinstance(answer, dict) and answer.get("statusCode") == "202"


def nhn_accepted(answer: Any) -> bool:
    """Whether an NHN send's answer says its one recipient was accepted."""
    try:
        return bool(answer["header"]["isSuccessful"]) and answer["body"]["data"]["sendResultList"][0]["resultCode"] == 0
    except (KeyError, IndexError, TypeError):
        return False


@contextlib.asynccontextmanager
async def httpx_send(provider: str, base_url: str, handlers: int) -> AsyncIterator[tuple[Send, int]]:
    """A raw POST of the body krsms posts, through one shared ``httpx.AsyncClient`` whose pool
    holds a connection per handler, and that pool's size."""
    limits = httpx.Limits(max_connections=handlers, max_keepalive_connections=handlers)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:

        async def send_sens(to: str) -> None:
            body = {"type": "SMS", "from": SENDER, "content": TEXT, "messages": [{"to": to}]}
            response = await client.post(SENS_SEND_PATH, headers=sens_signed_headers(SENS_SEND_PATH), json=body)
            response.raise_for_status()
            if not sens_accepted(response.json()):
                raise RuntimeError(f"httpx send was not accepted: {response.text}")

        async def send_nhn(to: str) -> None:
            body = {
                "sendNo": SENDER,
                "body": TEXT,
                "senderGroupingKey": secrets.token_hex(16),
                "recipientList": [{"recipientNo": to}],
            }
            response = await client.post(NHN_SEND_PATH, headers=NHN_HEADERS, json=body)
            response.raise_for_status()
            if not nhn_accepted(response.json()):
                raise RuntimeError(f"httpx send was not accepted: {response.text}")

        yield (send_sens if provider == "sens" else send_nhn), handlers


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of ``values``: the least of them that at least ``fraction``
    of them do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


async def run_handlers(
    provider: str, base_url: str, handlers: int, sends: int, slots: int | None, *, raw: bool = False
) -> dict[str, float]:
    """``handlers`` handlers sending one message after another until ``sends`` are made, on
    krsms with ``slots`` (see :func:`make_gateway`) or, when ``raw``, on raw httpx: per-send
    latency, throughput, CPU per send, request slots and pool attempts per send."""
    opening = httpx_send(provider, base_url, handlers) if raw else krsms_send(provider, base_url, slots)
    async with opening as (send, request_slots):
        # A pool already open, as a running application's is: every handler sends once.
        await asyncio.gather(*(send(number(sends + handler)) for handler in range(handlers)))
        latencies: list[float] = []
        to_send = iter(range(sends))  # shared: each handler takes the next send until none is left

        async def handler() -> None:
            for index in to_send:
                started = time.perf_counter()
                await send(number(index))
                latencies.append(time.perf_counter() - started)

        with counting_pool_attempts() as attempts:
            wall, cpu = time.perf_counter(), time.process_time()
            await asyncio.gather(*(handler() for _ in range(handlers)))
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "per_second": sends / wall,
        "cpu_ms": cpu / sends * 1000,
        "slots": request_slots,
        "attempts": attempts[0] / sends,
    }


def measure(
    provider: str, base_url: str, handlers: int, sends: int, slots: int | None, *, raw: bool = False
) -> dict[str, float]:
    """:func:`run_handlers` in an event loop of its own, the emulator's stored sends forgotten
    first (so that they do not pile up from run to run)."""
    reset(base_url)
    return asyncio.run(run_handlers(provider, base_url, handlers, sends, slots, raw=raw))


def handlers_table(
    base_url: str, handler_counts: Sequence[int], *, quick: bool, slots: Sequence[int] = SLOTS
) -> list[dict[str, Any]]:
    """Per provider and handler count, raw httpx's figures and each krsms setup's
    (:func:`setups`), one after the other against the same emulator."""
    rows = []
    for provider in ("sens", "nhn"):
        for handlers in handler_counts:
            sends = sends_for(handlers, quick=quick)
            row: dict[str, Any] = {"provider": provider, "handlers": handlers, "sends": sends}
            row[RAW] = measure(provider, base_url, handlers, sends, None, raw=True)
            row["krsms"] = {
                label: measure(provider, base_url, handlers, sends, setup_slots)
                for label, setup_slots in setups(handlers, slots).items()
            }
            rows.append(row)
            for label, figures in {RAW: row[RAW], **row["krsms"]}.items():
                print(
                    f"{provider:4} K={handlers:>3} n={sends:>4} {label:>20}: p50 {figures['p50_ms']:7.1f} ms "
                    f"p99 {figures['p99_ms']:7.1f} ms {figures['per_second']:5.0f}/s "
                    f"cpu {figures['cpu_ms']:.2f} ms/send, {figures['slots']} slots, "
                    f"{figures['attempts']:.2f} pool attempts/send",
                    flush=True,
                )
    return rows


READING = """
- A gateway's `max_concurrency` (8 by default) bounds its sends in flight, in each event
  loop: a handler beyond it waits for a slot. With the defaults, 16 handlers wait about one
  provider latency each before their own request leaves, and 64 about seven; throughput stops
  at `max_concurrency / latency` (160 sends a second at 50 ms) however many handlers wait.
- Sized to the handlers (`max_concurrency` and the pool's `Limits.max_connections`, which
  caps it), krsms lets its requests into httpcore's pool one at a time, two event-loop passes
  apart, so each starts on a connection once (the pool attempts column). Raw httpx's requests
  started together collide there: httpcore 1.0's pool hands the first idle connection to every
  request asking for one within those passes, and all but one get `ConnectionNotAvailable`
  and start over, each start walking every request and connection of the pool
  (encode/httpcore #1110). Answers to requests sent together come back together, so the next
  requests collide again: 6 to 7 attempts a send at 64 connections, five times the CPU a send,
  and the requests that kept losing waited seconds (the p99). Before krsms spaced its
  requests so (only a bulk send's batches were), a gateway sized to 64 handlers did as badly
  as raw httpx: 83 sends a second and 10.7 ms of CPU a send in the run of that change, 216 to
  240 and 3.3 ms after it, on this shared 2-core machine, where the emulator's single process
  is then the limit.
- So a web app sizes `max_concurrency` and its pool for the sends it needs in flight: its
  sends a second times the provider's latency (100 a second at 200 ms: 20), as docs/http.md
  says.
- Where no send waits for a slot (one handler; 16 handlers sized to 16), krsms's latency is
  raw httpx's within this machine's noise: a send's own work (validation, batching, signing,
  the outcome and its report) is a few hundred µs of CPU beyond the raw POST
  (`benchmarks/single_send.py` counts its instructions), against a provider latency of tens to
  hundreds of ms.
"""


def markdown(rows: Sequence[dict[str, Any]], latency: float, slots: Sequence[int] = SLOTS) -> list[str]:
    """The section's table and reading: a row per provider, handler count and krsms setup,
    beside raw httpx's figures for the same load."""
    lines = [
        f"K handlers share one gateway (or one `httpx.AsyncClient`), each sending one message to one "
        f"recipient after another until the sends are made, at {latency * 1000:.0f} ms injected latency. "
        f"krsms with its defaults ({DEFAULT_MAX_CONCURRENCY} request slots), sized to the handlers "
        "(`max_concurrency=K`, `limits=Limits(max_connections=K, max_keepalive_connections=K)`) and at "
        f"`max_concurrency` {' and '.join(map(str, slots))} (a pool as large) where K exceeds it; raw httpx "
        "with a pool of K connections. Latency is "
        "per send, as its handler waits for it; CPU is the client process's per send; pool attempts "
        "count the requests httpcore started on a connection, each start again included. "
        "`python benchmarks/web_handlers.py --handlers 64 --slots 16 24 32` measures other sizes beside.",
        "",
        "| provider | handlers | sends | krsms setup | slots | krsms p50 ms | httpx p50 ms | krsms / httpx p50 "
        "| krsms p99 ms | httpx p99 ms | krsms / httpx p99 | krsms sends/s | httpx sends/s | krsms / httpx sends/s "
        "| krsms CPU ms / send | httpx CPU ms / send | pool attempts / send krsms | pool attempts / send httpx |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        raw = row[RAW]
        for label, krsms in row["krsms"].items():
            lines.append(
                f"| {row['provider']} | {row['handlers']} | {row['sends']:,} | {label} | {krsms['slots']} "
                f"| {krsms['p50_ms']:.1f} | {raw['p50_ms']:.1f} | {krsms['p50_ms'] / raw['p50_ms']:.2f} "
                f"| {krsms['p99_ms']:.1f} | {raw['p99_ms']:.1f} | {krsms['p99_ms'] / raw['p99_ms']:.2f} "
                f"| {krsms['per_second']:,.0f} | {raw['per_second']:,.0f} "
                f"| {krsms['per_second'] / raw['per_second']:.2f} "
                f"| {krsms['cpu_ms']:.2f} | {raw['cpu_ms']:.2f} | {krsms['attempts']:.2f} | {raw['attempts']:.2f} |"
            )
    return [*lines, "", READING.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer handlers and sends")
    parser.add_argument("--latency", type=float, default=0.05, help="injected latency in seconds (default 0.05)")
    parser.add_argument("--jitter", type=float, default=0.0, help="random latency added, up to this many seconds")
    parser.add_argument(
        "--handlers", type=int, nargs="+", help=f"handler counts (default {' '.join(map(str, HANDLERS))})"
    )
    parser.add_argument(
        "--slots",
        type=int,
        nargs="+",
        default=SLOTS,
        help="max_concurrency also measured, between the default and the handlers' number",
    )
    options = parser.parse_args()
    handler_counts = options.handlers or (QUICK_HANDLERS if options.quick else HANDLERS)
    with emulator(latency=options.latency, jitter=options.jitter) as base_url:
        rows = handlers_table(base_url, handler_counts, quick=options.quick, slots=options.slots)
    print()
    print("\n".join(markdown(rows, options.latency, options.slots)))


if __name__ == "__main__":
    main()

"""Peak RSS of ``send_stream`` over a long generated recipient stream (run as a subprocess).

Usage: python benchmarks/stream_memory.py BASE_URL PROVIDER COUNT CONCURRENCY
Prints one JSON line: recipients, settled, requests, seconds, start_rss_mib, peak_rss_mib.

The peak is this process's own (``VmHWM`` on Linux): ``ru_maxrss`` survives ``exec`` there,
so a child started by a large parent (``run.py`` after its fan-out tables) would report
the parent's size instead of its own.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from collections.abc import Iterator

from emulator_process import SENDER
from run import make_gateway

from krsms import Message, SendProgress, SendStatus


def own_rss_kib(field: str) -> int:
    """``VmHWM`` (this process's peak resident memory) or ``VmRSS`` (its current one), in KiB,
    not counting what it inherited; the ``ru_maxrss`` peak where there is no ``/proc``."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS


def numbers(count: int) -> Iterator[str]:
    """A lazily generated stream of distinct valid mobile numbers."""
    for offset in range(count):
        yield f"010{offset:08d}"


async def main(base_url: str, provider: str, count: int, concurrency: int) -> dict[str, float]:
    before_kib = own_rss_kib("VmRSS")  # the interpreter, krsms and httpx loaded
    progress = SendProgress(keep_outcomes=False)
    started = time.perf_counter()
    async with make_gateway(provider, base_url, concurrency) as gateway:
        async for _ in gateway.send_stream(
            Message(sender=SENDER, text="[krsms] 메모리 측정"), numbers(count), progress=progress
        ):
            pass
    peak_kib = own_rss_kib("VmHWM")
    return {
        "recipients": count,
        "accepted": progress.counts[SendStatus.ACCEPTED],
        "settled": progress.settled,
        "requests": progress.requests,
        "seconds": round(time.perf_counter() - started, 2),
        "start_rss_mib": round(before_kib / 1024, 1),
        "peak_rss_mib": round(peak_kib / 1024, 1),
    }


if __name__ == "__main__":
    base, provider_name, total, limit = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    print(json.dumps(asyncio.run(main(base, provider_name, total, limit))))

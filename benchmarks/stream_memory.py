"""Peak RSS of ``send_stream`` over a long generated recipient stream (run as a subprocess).

Usage: python benchmarks/stream_memory.py BASE_URL PROVIDER COUNT CONCURRENCY
Prints one JSON line: recipients, settled, requests, seconds, peak_rss_mib.
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


def numbers(count: int) -> Iterator[str]:
    """A lazily generated stream of distinct valid mobile numbers."""
    for offset in range(count):
        yield f"010{offset:08d}"


async def main(base_url: str, provider: str, count: int, concurrency: int) -> dict[str, float]:
    progress = SendProgress(keep_outcomes=False)
    started = time.perf_counter()
    async with make_gateway(provider, base_url, concurrency) as gateway:
        async for _ in gateway.send_stream(
            Message(sender=SENDER, text="[krsms] 메모리 측정"), numbers(count), progress=progress
        ):
            pass
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "recipients": count,
        "accepted": progress.counts[SendStatus.ACCEPTED],
        "settled": progress.settled,
        "requests": progress.requests,
        "seconds": round(time.perf_counter() - started, 2),
        "peak_rss_mib": round(peak_kib / 1024, 1),
    }


if __name__ == "__main__":
    base, provider_name, total, limit = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    print(json.dumps(asyncio.run(main(base, provider_name, total, limit))))

"""The same bulk work written by hand, as a careful user would without krsms.

Each function sends ``numbers`` in provider-sized batches with ``asyncio.gather`` and a
semaphore, signs SENS requests, checks every answer's status and parses its JSON — no
validation, no per-recipient outcomes, no retries. It is the floor krsms is measured
against. The client is made first; ``phase`` is entered around the send alone, as krsms's
is around ``send()`` (a client or gateway is made once and sends many times).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any
from urllib.parse import quote

import aiohttp
import httpx
from emulator_process import CREDENTIALS, SENDER

TEXT = "[krsms] 벤치마크 메시지"


def batches(numbers: Sequence[str], size: int) -> list[Sequence[str]]:
    """Consecutive slices of ``numbers`` of at most ``size``."""
    return [numbers[start : start + size] for start in range(0, len(numbers), size)]


SENS_SEND_PATH = f"/sms/v2/services/{quote(CREDENTIALS['sens']['service_id'], safe=':')}/messages"
NHN_SEND_PATH = f"/sms/v2.2/appKeys/{CREDENTIALS['nhn']['app_key']}/sender/sms"
NHN_HEADERS = {"Content-Type": "application/json;charset=UTF-8"}


def sens_signed_headers(path: str) -> dict[str, str]:
    """The headers of a SENS ``POST`` to ``path``, signed now."""
    credentials = CREDENTIALS["sens"]
    timestamp = str(int(time.time() * 1000))
    message = f"POST {path}\n{timestamp}\n{credentials['access_key']}"
    signature = base64.b64encode(
        hmac.new(credentials["secret_key"].encode(), message.encode(), hashlib.sha256).digest()
    ).decode()
    return {
        "Content-Type": "application/json; charset=utf-8",
        "x-ncp-apigw-timestamp": timestamp,
        "x-ncp-iam-access-key": credentials["access_key"],
        "x-ncp-apigw-signature-v2": signature,
    }


def sens_request(numbers: Sequence[str]) -> tuple[str, dict[str, str], dict[str, Any]]:
    """Path, signed headers and body of one SENS send."""
    headers = sens_signed_headers(SENS_SEND_PATH)
    body = {
        "type": "SMS",
        "contentType": "COMM",
        "countryCode": "82",
        "from": SENDER,
        "content": TEXT,
        "messages": [{"to": number} for number in numbers],
    }
    return SENS_SEND_PATH, headers, body


def nhn_request(numbers: Sequence[str]) -> tuple[str, dict[str, str], dict[str, Any]]:
    """Path, headers and body of one NHN SMS send."""
    body = {"body": TEXT, "sendNo": SENDER, "recipientList": [{"recipientNo": number} for number in numbers]}
    return NHN_SEND_PATH, dict(NHN_HEADERS), body


REQUESTS = {"sens": (sens_request, 100), "nhn": (nhn_request, 1000)}


async def send_with_httpx(
    base_url: str,
    provider: str,
    numbers: Sequence[str],
    concurrency: int,
    phase: AbstractContextManager[object],
) -> int:
    """Send every batch with one httpx.AsyncClient; returns the requests made."""
    build, size = REQUESTS[provider]
    semaphore = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:

        async def one(batch: Sequence[str]) -> None:
            async with semaphore:
                path, headers, body = build(batch)
                response = await client.post(path, headers=headers, json=body)
                response.raise_for_status()
                response.json()

        work = batches(numbers, size)
        with phase:
            await asyncio.gather(*(one(batch) for batch in work))
    return len(work)


async def send_with_aiohttp(
    base_url: str,
    provider: str,
    numbers: Sequence[str],
    concurrency: int,
    phase: AbstractContextManager[object],
) -> int:
    """Send every batch with one aiohttp.ClientSession; returns the requests made."""
    build, size = REQUESTS[provider]
    semaphore = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(base_url=base_url, connector=connector) as session:

        async def one(batch: Sequence[str]) -> None:
            async with semaphore:
                path, headers, body = build(batch)
                async with session.post(path, headers=headers, json=body) as response:
                    response.raise_for_status()
                    await response.json(content_type=None)

        work = batches(numbers, size)
        with phase:
            await asyncio.gather(*(one(batch) for batch in work))
    return len(work)

"""A bulk campaign script: stream a file of numbers through NHN, with progress and a report.

Usage::

    KRSMS_NHN_APP_KEY=... python examples/bulk_send.py numbers.txt "본문" [--base-url URL] [--not-accepted CSV]

Against the emulator (``krsms emulator`` in another terminal)::

    KRSMS_NHN_APP_KEY=demo-app-key python examples/bulk_send.py numbers.txt "본문" --base-url http://127.0.0.1:8888

The file (one number per line, or a CSV with a number column) is read lazily in a worker
thread, 1,000 lines at a time (never blocking the event loop), so its length does not
matter: memory stays bounded by about ``2 x max_concurrency + 1`` batches. Every recipient
ends in exactly one outcome, and each one not accepted is a row of the ``--not-accepted`` CSV
file (by default ``numbers.not-accepted.csv`` beside the input): its line in the input, its
status, the provider's code and why. ``not_sent`` never reached the provider (send it again once
the cause is fixed); ``unknown`` may have arrived (look it up before sending it again). The
counts are printed however the send ends: on Ctrl-C the
requests in flight get a few seconds to finish, then the counts of what was done print and the
script exits 130; a fatal answer that stopped the send (a bad appKey, an unregistered sender)
is printed on stderr. What stops it before it sends (a file it cannot read, a text SMS cannot
carry, no appKey in the environment) is one line on stderr, and the exit status 2. krsms's log
(the send's summary, retries, what stopped it) goes to stderr at INFO.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import logging
import os
import signal
import sys
from contextlib import aclosing
from pathlib import Path
from typing import TextIO

from krsms import Message, NhnGateway, SendProgress, SendReport, SendStatus, SmsGateway, ValidationError
from krsms.commands.bad_files import BadFileError
from krsms.commands.recipient_files import read_recipients
from krsms.nhn import DEFAULT_BASE_URL


def cancel_on_ctrl_c() -> None:
    """Make Ctrl-C cancel the running task, as ``asyncio.run`` does itself from Python 3.11 on:
    Python 3.10 raises KeyboardInterrupt wherever the loop happens to be, cutting the batches
    in flight short (UNKNOWN) instead of letting them drain."""
    task = asyncio.current_task()
    if task is not None and sys.platform != "win32":  # Windows event loops take no signal handlers
        asyncio.get_running_loop().add_signal_handler(signal.SIGINT, task.cancel)


class NotAcceptedFile:
    """The recipients not accepted, one CSV row each, written as their batches settle (those
    settled by Ctrl-C too); the file is made at the first one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows = 0
        self._file: TextIO | None = None

    def record(self, batch: SendReport) -> None:
        """Write the batch's outcomes that are not ACCEPTED (``SendProgress(on_batch=...)``)."""
        if batch.outcomes.statuses.count(SendStatus.ACCEPTED) == len(batch.outcomes):
            return
        if self._file is None:
            self._file = self.path.open("w", newline="", encoding="utf-8")
            csv.writer(self._file).writerow(["line", "status", "code", "detail"])
        rows = csv.writer(self._file)
        for outcome in batch.outcomes:
            if outcome.status is not SendStatus.ACCEPTED:
                # The line ties it to the input (read_recipients' reference): no number is copied.
                rows.writerow([outcome.recipient.reference, outcome.status.value, outcome.code, outcome.detail])
                self.rows += 1

    def close(self) -> None:
        """Close the file, if one was made."""
        if self._file is not None:
            self._file.close()


async def main(path: Path, text: str, base_url: str, app_key: str, not_accepted_path: Path) -> int:
    if sys.version_info < (3, 11):
        cancel_on_ctrl_c()
    not_accepted = NotAcceptedFile(not_accepted_path)
    progress = SendProgress(keep_outcomes=False, on_batch=not_accepted.record)
    refused: BadFileError | ValidationError | None = None
    try:
        message = Message(sender=os.environ.get("KRSMS_SENDER", "15446859"), text=text)
        # drain_timeout: on Ctrl-C the requests in flight get 5 s to finish with their real outcome
        # (else they are UNKNOWN: they may have arrived).
        async with NhnGateway(app_key=app_key, base_url=base_url, max_concurrency=8, drain_timeout=5.0) as nhn:
            gateway: SmsGateway = nhn  # the code below works with any provider's gateway
            # Other CSV columns fill a template's placeholders; without a template they are ignored.
            recipients = read_recipients(path, template_parameters=message.template_id is not None)
            # aclosing: leaving the loop early (an exception) settles the batches in flight at once.
            async with aclosing(gateway.send_stream(message, recipients, progress=progress)) as batches:
                async for batch in batches:
                    accepted = batch.counts()[SendStatus.ACCEPTED]
                    print(f"{progress.settled:>9,} settled  {accepted:>5} accepted in this batch")
    except (BadFileError, ValidationError) as error:
        # A file missing, unreadable or not UTF-8 (the rows read before it were sent), or a
        # message no recipient can get (a character SMS cannot carry): raised before sending it.
        refused = error
    finally:
        # However the send ended (Ctrl-C, an error): every recipient read has its outcome by now.
        not_accepted.close()
        if progress.settled or refused is None:
            counts = {status.value: count for status, count in progress.counts.items()}
            interrupted = progress.cancelled and refused is None
            print(f"{'interrupted: ' if interrupted else ''}{counts} {progress.requests} requests")
        if refused is not None:
            print(f"stopped: {refused}", file=sys.stderr)
        elif progress.error is not None:  # a fatal answer (a bad key, an unregistered sender) stopped it
            print(f"stopped: {progress.error}", file=sys.stderr)
        if not_accepted.rows:
            print(
                f"{not_accepted.rows:,} recipients not accepted, by line, in {not_accepted.path}: send the "
                "not_sent ones again once the cause is fixed; look the unknown ones up first (they may have arrived)",
                file=sys.stderr,
            )
    if refused is not None:
        return 2
    return 0 if progress.counts[SendStatus.ACCEPTED] == progress.settled else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("numbers", type=Path)
    parser.add_argument("text")
    parser.add_argument("--base-url", default=os.environ.get("KRSMS_BASE_URL", DEFAULT_BASE_URL))
    parser.add_argument("--not-accepted", type=Path, help="CSV of the recipients not accepted (default: beside input)")
    options = parser.parse_args()
    # krsms logs through its own logger and configures nothing (docs/logging.md): its INFO line
    # sums the send up, a WARNING is a retry or recipients left UNKNOWN, an ERROR what stopped it.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # else one INFO line per request
    app_key = os.environ.get("KRSMS_NHN_APP_KEY")
    if not app_key:  # read from the environment only: a key given as an argument shows in `ps`
        parser.error("set KRSMS_NHN_APP_KEY to the appKey of your NHN Cloud SMS project")
    not_accepted_path = options.not_accepted or options.numbers.with_suffix(".not-accepted.csv")
    try:
        raise SystemExit(asyncio.run(main(options.numbers, options.text, options.base_url, app_key, not_accepted_path)))
    except (KeyboardInterrupt, asyncio.CancelledError):  # Ctrl-C: the counts are printed already
        raise SystemExit(130) from None

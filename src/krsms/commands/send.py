"""``krsms send``: a bulk send from a file, with progress, a results file and ``--resume``."""

from __future__ import annotations

from contextlib import aclosing
from pathlib import Path

import anyio.to_thread
import attrs
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from krsms.commands.files import ResultsFile, read_recipients, recipients_in, settled_references
from krsms.fanout import BatchingGateway, SendPlan
from krsms.gateway import Message, SendProgress, SendReport, SendStatus

PROVIDERS = ("sens", "nhn")
DRAIN_SECONDS = 30.0
"""On Ctrl-C, how long requests already sent get to finish, so their outcome is known."""


@attrs.frozen(kw_only=True)
class Credentials:
    """Keys for one provider, from flags or environment variables; never shown."""

    provider: str
    access_key: str | None = attrs.field(default=None, repr=False)
    secret_key: str | None = attrs.field(default=None, repr=False)
    service_id: str | None = None
    app_key: str | None = attrs.field(default=None, repr=False)
    nhn_secret_key: str | None = attrs.field(default=None, repr=False)

    def missing(self) -> list[str]:
        """Names of the options still needed for this provider."""
        if self.provider == "sens":
            needed = {"--access-key": self.access_key, "--secret-key": self.secret_key, "--service-id": self.service_id}
        else:
            needed = {"--app-key": self.app_key}
        return [name for name, value in needed.items() if not value]


def make_gateway(
    credentials: Credentials,
    *,
    base_url: str | None,
    max_concurrency: int,
    requests_per_second: float | None = None,
    placeholder_keys: bool = False,
) -> BatchingGateway:
    """The gateway for ``credentials.provider``; ``placeholder_keys`` fills missing keys for
    work that never reaches the network (a dry run)."""
    filler = "dry-run" if placeholder_keys else ""
    if credentials.provider == "sens":
        from krsms.sens import DEFAULT_BASE_URL, SensGateway

        return SensGateway(
            access_key=credentials.access_key or filler,
            secret_key=credentials.secret_key or filler,
            service_id=credentials.service_id or filler,
            base_url=base_url or DEFAULT_BASE_URL,
            max_concurrency=max_concurrency,
            requests_per_second=requests_per_second,
            drain_timeout=DRAIN_SECONDS,
        )
    from krsms.nhn import DEFAULT_BASE_URL as NHN_BASE_URL
    from krsms.nhn import NhnGateway

    return NhnGateway(
        app_key=credentials.app_key or filler,
        secret_key=credentials.nhn_secret_key,
        base_url=base_url or NHN_BASE_URL,
        max_concurrency=max_concurrency,
        requests_per_second=requests_per_second,
        drain_timeout=DRAIN_SECONDS,
    )


def _count_rows(path: Path, skip: frozenset[str]) -> int:
    return sum(1 for recipient in recipients_in(path) if recipient.reference not in skip)


async def dry_run(gateway: BatchingGateway, message: Message, recipients_path: Path, console: Console) -> SendPlan:
    """Validate and batch the file without sending; print what a send would do."""
    plan = await gateway.plan(message, read_recipients(recipients_path))
    table = Table(title=f"Dry run: {gateway.provider.upper()} ({gateway.batch_size} recipients a request)")
    table.add_column("recipients", justify="right")
    table.add_column("invalid", justify="right")
    for kind in plan.requests:
        table.add_column(f"{kind.value} requests", justify="right")
    table.add_row(str(plan.recipients), str(len(plan.invalid)), *(str(count) for count in plan.requests.values()))
    console.print(table)
    for outcome in plan.invalid[:20]:
        console.print(f"  line {outcome.recipient.reference}: {outcome.detail}", markup=False)
    if len(plan.invalid) > 20:
        console.print(f"  ... and {len(plan.invalid) - 20} more")
    return plan


async def send_file(
    gateway: BatchingGateway,
    message: Message,
    *,
    recipients_path: Path,
    results_path: Path,
    resume: bool,
    console: Console,
) -> SendProgress:
    """Stream the file through ``gateway``, appending each batch's outcomes to the results
    file as it settles; on Ctrl-C the batches settled by the cancellation are written too."""
    skip = await anyio.to_thread.run_sync(settled_references, results_path) if resume else frozenset()
    total = await anyio.to_thread.run_sync(_count_rows, recipients_path, skip)
    settled: list[SendReport] = []
    progress = SendProgress(keep_outcomes=False, on_batch=settled.append, total=total)
    bar = Progress(
        TextColumn(f"[bold]{gateway.provider.upper()}[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    if skip:
        console.print(f"resuming: {len(skip)} recipients already settled in {results_path}")
    async with ResultsFile(results_path) as results:
        with bar:
            task = bar.add_task("sending", total=total)

            async def write_settled() -> None:
                while settled:
                    batch = settled.pop(0)
                    await results.write(batch.outcomes)
                    bar.advance(task, len(batch.outcomes))

            try:
                stream = gateway.send_stream(message, read_recipients(recipients_path, skip=skip), progress=progress)
                async with aclosing(stream) as reports:
                    async for _ in reports:
                        await write_settled()
            finally:
                await write_settled()
    return progress


def summary(progress: SendProgress, *, provider: str, results_path: Path | None = None) -> Table:
    """A table of outcome counts, requests and time."""
    report = progress.report()
    table = Table(title=f"{provider.upper()} send" + (" (interrupted)" if progress.cancelled else ""))
    for status in SendStatus:
        table.add_column(status.value, justify="right")
    table.add_column("requests", justify="right")
    table.add_column("seconds", justify="right")
    table.add_row(
        *(str(progress.counts[status]) for status in SendStatus), str(progress.requests), f"{report.elapsed:.2f}"
    )
    if results_path is not None:
        table.caption = f"results: {results_path}"
    return table


def exit_code(progress: SendProgress) -> int:
    """0 when every recipient was accepted, 1 otherwise."""
    accepted = progress.counts[SendStatus.ACCEPTED]
    return 0 if accepted == progress.settled and not progress.cancelled else 1

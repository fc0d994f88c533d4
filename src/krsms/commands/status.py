"""``krsms status``: the delivery result of every recipient of a send request."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from krsms.gateway import DeliveryResult, DeliveryStatus, SmsGateway

_STYLES = {
    DeliveryStatus.DELIVERED: "green",
    DeliveryStatus.FAILED: "red",
    DeliveryStatus.PENDING: "yellow",
    DeliveryStatus.CANCELLED: "dim",
}


async def delivery_table(gateway: SmsGateway, request_id: str) -> tuple[Table, list[DeliveryResult]]:
    """Look the request up and lay its results out as a table."""
    results = await gateway.delivery_results(request_id)
    table = Table(title=Text(f"{gateway.provider.upper()} request {request_id}"))
    for column in ("recipient", "status", "code", "detail", "completed at"):
        table.add_column(column)
    for result in results:
        table.add_row(
            result.recipient,
            f"[{_STYLES[result.status]}]{result.status.value}[/]",
            result.code or "",
            result.detail or "",
            result.completed_at.isoformat(sep=" ", timespec="seconds") if result.completed_at else "",
        )
    counts = {status: sum(result.status is status for result in results) for status in DeliveryStatus}
    table.caption = ", ".join(f"{status.value} {count}" for status, count in counts.items() if count)
    return table, results

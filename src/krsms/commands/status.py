"""``krsms status``: the delivery result of every recipient of a send request."""

from __future__ import annotations

import signal
from collections import Counter

import anyio
from rich.console import Console
from rich.table import Table
from rich.text import Text

from krsms.commands.gateways import Credentials, make_gateway
from krsms.commands.signals import stop_on_signals
from krsms.commands.stderr import print_error
from krsms.convert import in_seoul
from krsms.errors import KrSmsError, NotFoundError
from krsms.gateway import DeliveryResult, DeliveryStatus, SmsGateway
from krsms.nhn.gateway import BATCH_SIZE, NhnGateway
from krsms.nhn.models import ReservationQuery
from krsms.sens.gateway import SensGateway
from krsms.sens.models import ReserveStatus

TIMED_OUT = 124
"""The exit code of a look-up given up at its ``--timeout``: GNU ``timeout``'s, which scripts
already tell from the command's own failures."""

_STYLES = {
    DeliveryStatus.DELIVERED: "green",
    DeliveryStatus.FAILED: "red",
    DeliveryStatus.PENDING: "yellow",
    DeliveryStatus.CANCELLED: "dim",
}


async def run_status(
    credentials: Credentials,
    request_id: str,
    *,
    base_url: str | None,
    give_up_after: float | None,
    console: Console,
    received: list[signal.Signals],
) -> int:
    """``krsms status``: look ``request_id`` up and show its results on ``console``. Returns
    the command's exit code: 0 shown, 1 the provider found nothing, :data:`TIMED_OUT` when
    the look-up had no answer within ``give_up_after`` seconds (``--timeout``; None: as
    long as the SDK's own attempts take).

    The deadline is the whole look-up's, not each request's: a look-up is several requests
    (pages, NHN's SMS then LMS lists, SENS's reservation), each tried up to three times, so a
    bound per request would not tell the user how long the command may wait.

    Raises :class:`~krsms.errors.KrSmsError` for a look-up refused or failed, and lets an
    interruption through (``KeyboardInterrupt``, ``asyncio.CancelledError``): SIGTERM and
    Ctrl-C cancel it (:func:`~krsms.commands.signals.stop_on_signals`), each one caught
    appended to ``received``."""
    stop_on_signals(received)
    async with make_gateway(credentials, base_url=base_url, max_concurrency=1) as gateway:
        with anyio.move_on_after(give_up_after) as deadline:
            table, results = await delivery_table(gateway, request_id, encoding=console.encoding)
            note = await reservation_note(gateway, request_id, results)
    if deadline.cancelled_caught:
        print_error(
            f"{credentials.provider}: the look-up of request {request_id} did not finish "
            f"within --timeout {give_up_after:g} seconds: it was given up"
        )
        return TIMED_OUT
    if note is not None:
        console.print(Text(note), soft_wrap=True)
    if results:
        print_results(console, table, results)
    elif note is None:
        console.print(Text(f"{credentials.provider}: found nothing for request {request_id}"), soft_wrap=True)
        return 1
    return 0


def interrupted_note(request_id: str) -> str:
    """The ``interrupted:`` line of a look-up stopped by Ctrl-C or SIGTERM."""
    return f"interrupted: the look-up of request {request_id} stopped; it changes nothing at the provider"


async def delivery_table(
    gateway: SmsGateway, request_id: str, *, encoding: str = "utf-8"
) -> tuple[Table, list[DeliveryResult]]:
    """Look the request up and lay its results out as a table, for an output in ``encoding``
    (:func:`as_written`)."""
    results = await gateway.delivery_results(request_id)
    table = Table(title=Text(as_written(f"{gateway.provider.upper()} request {request_id}", encoding)))
    # On a narrow terminal the detail wraps; a number, a status or a code cut short is wrong.
    # A word wider than its column (Korean has few spaces to wrap at) folds onto the next line:
    # rich's default cuts it with an ellipsis, losing the end of the provider's reason.
    rows = [_cells(result, encoding) for result in results]
    for index, (header, narrowest) in enumerate(_COLUMNS):
        widest = max((row[index].cell_len for row in rows), default=0)
        if narrowest is None:
            table.add_column(header, no_wrap=True, min_width=max(widest, len(header)))
        else:
            table.add_column(header, overflow="fold", min_width=narrowest)
    for row in rows:
        table.add_row(*row)
    counts = {status: sum(result.status is status for result in results) for status in DeliveryStatus}
    table.caption = ", ".join(f"{status.value} {count}" for status, count in counts.items() if count)
    return table, results


_COLUMNS = [("recipient", None), ("status", None), ("code", None), ("detail", 4), ("completed at", 4)]
"""The table's columns: each header, and the fewest terminal columns a wrapped one gets (a
year, or two Korean syllables, a line); None for one never wrapped, as wide as its widest."""


def _cells(result: DeliveryResult, encoding: str) -> tuple[Text, ...]:
    """What the table shows of ``result``, a cell a column: the provider's words as they are
    ("[/...]" in a detail read as markup crashed the table), as ``encoding`` writes them."""
    completed_at = result.completed_at.isoformat(sep=" ", timespec="seconds") if result.completed_at else ""
    return (
        Text(as_written(result.recipient, encoding)),
        Text(result.status.value, style=_STYLES[result.status]),
        Text(as_written(result.code or "", encoding)),
        Text(as_written(result.detail or "", encoding)),
        Text(completed_at),
    )


def as_written(text: str, encoding: str) -> str:
    """``text`` as an output in ``encoding`` writes it: what the encoding lacks as escapes
    (``\\uc131`` for 성), as ``krsms`` sets its output to. Laid out as the syllable (2
    columns, not 6), a cell ran past its table's border and the terminal's edge."""
    return text.encode(encoding, "backslashreplace").decode(encoding)


def print_results(console: Console, table: Table, results: list[DeliveryResult]) -> None:
    """Print the table of ``results`` (:func:`delivery_table`) on ``console``, or, on a
    terminal narrower than its columns need, a line a recipient, wrapped, with the same values:
    rich would squeeze every column to fit, emptying the detail and the time, then cutting the
    code."""
    # Each column is padded by a space on either side and drawn between two borders.
    needed = sum(column.min_width or 0 for column in table.columns) + 3 * len(table.columns) + 1
    if console.width >= needed:
        console.print(table)
        return
    console.print(table.title or "", overflow="fold")
    for result in results:
        recipient, status, code, detail, completed_at = _cells(result, console.encoding)
        parts = [status]
        if code:
            parts.append(Text.assemble("code ", code))
        if detail:
            parts.append(detail)
        if completed_at:
            parts.append(Text.assemble("completed at ", completed_at))
        console.print(Text.assemble(recipient, ": ", Text(", ").join(parts)), overflow="fold")
    console.print(table.caption or "", overflow="fold")


async def reservation_note(gateway: SmsGateway, request_id: str, results: list[DeliveryResult]) -> str | None:
    """What to say of a reserved request before its table, given its ``results``: when it is
    reserved for, and what became of the reservation. SENS lists a reserved request's
    messages only once it is sent, but its reservation status (S5) says when (asked when
    nothing is listed). NHN lists them at once, as pending, and its reservation list (N34)
    says when (asked when a recipient is pending or cancelled; a look-up that fails is said
    in the note, the results it came after still shown). None for a request that is not a
    reservation."""
    if isinstance(gateway, SensGateway):
        return None if results else await _sens_reservation_note(gateway, request_id)
    if isinstance(gateway, NhnGateway) and any(result.status in _MAYBE_RESERVED for result in results):
        try:
            return await _nhn_reservation_note(gateway, request_id)
        except KrSmsError as error:  # the results are in hand: shown, with why the note is missing
            return f"nhn: request {request_id}: its reservation could not be looked up ({error})"
    return None


_MAYBE_RESERVED = (DeliveryStatus.PENDING, DeliveryStatus.CANCELLED)
"""The delivery states of an NHN reservation's recipients until it goes out."""


async def _sens_reservation_note(gateway: SensGateway, request_id: str) -> str | None:
    try:
        reservation = await gateway.client.reservation_status(request_id)
    except NotFoundError:
        return None
    moment = f"{reservation.reserve_time.strftime('%Y-%m-%d %H:%M')} {reservation.reserve_time_zone}"
    status = reservation.reserve_status
    return f"sens: request {request_id}, reserved for {moment}: {_RESERVATION_STATES[status]} ({status.value})"


_RESERVATION_STATES = {
    ReserveStatus.READY: "waiting to go out; its messages are listed once it is sent",
    ReserveStatus.PROCESSING: "going out now; its messages are listed shortly",
    ReserveStatus.DONE: "sent; its messages are not listed yet, look again shortly",
    ReserveStatus.CANCELED: "cancelled; nothing was sent",
    ReserveStatus.FAIL: "its send request failed at SENS; nothing was sent",
    ReserveStatus.STALE: "its send request failed at SENS (timed out); nothing was sent",
}
"""What each S5 ``reserveStatus`` means for the recipients."""


async def _nhn_reservation_note(gateway: NhnGateway, request_id: str) -> str | None:
    query = ReservationQuery(request_id=request_id, page_size=BATCH_SIZE)
    reservations = [reservation async for reservation in gateway.client.iter_reservations(query)]
    reserved_for = next((reservation.request_date for reservation in reservations if reservation.request_date), None)
    if reserved_for is None:
        return None
    # Each recipient of a reservation has a state of its own: one can be cancelled alone.
    states = Counter(reservation.message_status or "" for reservation in reservations)
    if len(states) == 1:
        said = _nhn_state(next(iter(states)))
    else:
        said = "; ".join(f"{count} {_nhn_state(state)}" for state, count in states.most_common())
    moment = f"{in_seoul(reserved_for).strftime('%Y-%m-%d %H:%M')} Asia/Seoul"
    return f"nhn: request {request_id}, reserved for {moment}: {said}"


def _nhn_state(status: str) -> str:
    """An N34 ``messageStatus`` in words, followed by itself; one NHN adds later as it is."""
    words = _NHN_RESERVATION_STATES.get(status)
    return f"{words} ({status})" if words else status


_NHN_RESERVATION_STATES = {
    "RESERVED": "waiting to go out",
    "SENDING": "going out now",
    "COMPLETED": "sent",
    "FAILED": "not sent, failed at NHN",
    "CANCEL": "not sent, cancelled",
    "DUPLICATED": "not sent, refused as a duplicate",
    "FAILED_AD": "not sent, by the advertisement rules: failed, or waiting to be sent again once they allow it",
}
"""What each N34 ``messageStatus`` means for its recipient. ``FAILED_AD`` is the document's
"failed (advertising limit), waiting to be resent (advertising limit)": either, the look-up
does not say which (``delivery_results`` reads it failed)."""

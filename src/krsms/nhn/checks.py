"""NHN's documented limits on request fields, checked when a request model is made.

The request models of :mod:`krsms.nhn.models` call these in their validators and
``__attrs_post_init__``, so a request NHN would refuse (or answer with nothing) cannot be
built: :class:`~krsms.errors.ValidationError` names the field, the limit and the value
before any network call.
"""

from __future__ import annotations

from collections.abc import Callable, Sized
from datetime import datetime, timedelta
from typing import Any, Protocol

import attrs

from krsms.convert import format_seoul_seconds, in_seoul
from krsms.errors import ValidationError


class LookUp(Protocol):
    """A look-up query selected by a request id or a date window."""

    @property
    def request_id(self) -> str | None: ...


MAX_LOOKUP_SPAN = timedelta(days=31)
"""The widest date window of a send look-up (N2, N5, N8), a tag send list (N15) and a CSV
export (N37). NHN refuses "a range over one month" (-4000) without saying what a month is;
it is taken as 31 days, as the project's emulator does: a window of exactly 31 days passes,
one a second longer does not. The span is measured on the moments as sent, Asia/Seoul wall
time to the second."""


def _as_sent(moment: datetime) -> datetime:
    """``moment`` as NHN reads the query: Seoul wall time to the second (naive is Seoul)."""
    return in_seoul(moment).replace(microsecond=0, tzinfo=None)


def check_order(names: tuple[str, str], start: datetime | None, end: datetime | None) -> None:
    """Refuse a window, given as the fields ``names`` (start, end), that ends before it starts."""
    if start is not None and end is not None and _as_sent(end) < _as_sent(start):
        start_name, end_name = names
        raise ValidationError(
            end_name,
            f"is before {start_name}",
            limit=f"not before {start_name}",
            value=f"{format_seoul_seconds(start)} to {format_seoul_seconds(end)}",
        )


def check_window(names: tuple[str, str], start: datetime | None, end: datetime | None) -> bool:
    """Check a selecting date window given as the fields ``names`` (start, end): both ends or
    neither, the end not before the start, at most :data:`MAX_LOOKUP_SPAN`. Whether it is
    given."""
    start_name, end_name = names
    if start is None and end is None:
        return False
    if start is None or end is None:
        missing, given = (start_name, end_name) if start is None else (end_name, start_name)
        raise ValidationError(
            missing, f"is required with {given}: a window needs both ends", limit=f"{start_name} and {end_name}"
        )
    check_order(names, start, end)
    span = _as_sent(end) - _as_sent(start)
    if span > MAX_LOOKUP_SPAN:
        raise ValidationError(
            end_name,
            f"the window spans {span}; NHN allows one month ({MAX_LOOKUP_SPAN.days} days)",
            limit=f"{MAX_LOOKUP_SPAN.days} days",
            value=f"{format_seoul_seconds(start)} to {format_seoul_seconds(end)}",
        )
    return True


def check_at_most(field: str, value: str | None, limit: int) -> None:
    """Refuse text over ``limit`` characters, NHN's "maximum" of ``field`` (None, a field not
    sent, passes). The value shown is the length, not the text."""
    if value is not None and len(value) > limit:
        raise ValidationError(
            field,
            f"is {len(value)} characters; NHN takes at most {limit}",
            limit=f"{limit} characters",
            value=len(value),
        )


def at_most(limit: int) -> Callable[[Any, attrs.Attribute[Any], str | None], None]:
    """attrs validator: :func:`check_at_most` for the attribute."""

    def check(_: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
        check_at_most(attribute.name, value, limit)

    return check


def not_empty(_: Any, attribute: attrs.Attribute[Any], value: Sized) -> None:
    """attrs validator: a list NHN requires at least one entry of."""
    if not value:
        raise ValidationError(attribute.name, "is empty; NHN requires at least one", limit="at least 1", value=0)


MAX_BLOCKED_PER_CALL = 10
"""The most numbers one opt-out registration (N29) carries: the document gives
``recipientNoList`` a maximum of 10."""
SMS_TEMPLATE = "0"
"""The ``send_type`` of an SMS template; any other (``"1"``) is LMS/MMS."""
MAX_TEMPLATE_TITLE_CHARS = 120
"""A template's ``title`` (-2115); required for LMS/MMS templates (-2114)."""
MAX_SMS_TEMPLATE_BODY_CHARS = 255
"""An SMS template's ``body`` (-2116)."""
MAX_TEMPLATE_BODY_CHARS = 4000
"""An LMS/MMS template's ``body`` (-2117), the document's table maximum."""


def check_template_text(send_type: str, title: str | None, body: str) -> None:
    """The title and body limits of a template (N24, N27), which depend on its send type."""
    if send_type != SMS_TEMPLATE and not title:
        raise ValidationError(
            "title", "is required for an LMS/MMS template (send_type 1)", limit="a title", value=title
        )
    check_at_most("title", title, MAX_TEMPLATE_TITLE_CHARS)
    widest = MAX_SMS_TEMPLATE_BODY_CHARS if send_type == SMS_TEMPLATE else MAX_TEMPLATE_BODY_CHARS
    check_at_most("body", body, widest)


REQUEST_WINDOW = ("start_request_date", "end_request_date")
"""The send date window's fields (start, end)."""
CREATE_WINDOW = ("start_create_date", "end_create_date")
"""The registration date window's fields (start, end)."""
RESULT_WINDOW = ("start_result_date", "end_result_date")
"""The reception date window's fields (start, end): optional, an open end allowed."""


def check_look_up(
    query: LookUp,
    *,
    selecting: tuple[tuple[str, str], ...],
    also: tuple[tuple[str, str], ...],
) -> None:
    """Refuse what NHN refuses with -2011 or -4000: ``query`` needs a ``request_id`` or one
    complete window of ``selecting``. Those windows and the ``also`` ones are checked by
    :func:`check_window`; the reception window only for its order."""
    given = [check_window(names, getattr(query, names[0]), getattr(query, names[1])) for names in selecting]
    for names in also:
        check_window(names, getattr(query, names[0]), getattr(query, names[1]))
    check_order(RESULT_WINDOW, getattr(query, RESULT_WINDOW[0], None), getattr(query, RESULT_WINDOW[1], None))
    if query.request_id or any(given):
        return
    windows = " or ".join(f"{start}/{end}" for start, end in selecting)
    raise ValidationError("request_id", f"is required unless a complete {windows} window is given", limit="a selection")

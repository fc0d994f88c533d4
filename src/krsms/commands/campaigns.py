"""Which campaign a results file belongs to: recorded beside it when a send starts it
(``out.csv.campaign``), and checked by ``--resume``, which would otherwise skip, for a new
campaign, everyone an earlier one reached on the same lines."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import attrs

from krsms.commands.bad_files import BadFileError, file_problems
from krsms.commands.results.rows import beside
from krsms.errors import ValidationError, excerpt
from krsms.gateway import Message
from krsms.phone_numbers import normalize_number
from krsms.validation import check_reservation


@attrs.frozen(kw_only=True)
class Campaign:
    """What makes a send the same campaign as the one a results file holds: a resume with
    any of it changed sends another message, or to another list."""

    provider: str
    sender: str
    """Normalised (``02-1234-5678`` is ``0212345678``)."""
    text: str
    subject: str | None
    template_id: str | None
    reserve_at: str | None
    """ISO 8601, with its offset."""
    kind: str
    """The message kind (AUTO, or the one an NHN template is registered for)."""
    advertisement: bool
    recipients: str
    """The recipients file, by its absolute path."""

    @classmethod
    def of(cls, provider: str, message: Message, recipients_path: Path) -> Campaign:
        """The campaign of a send of ``message`` through ``provider`` to ``recipients_path``."""
        try:
            sender = normalize_number(message.sender, field="sender")
        except ValidationError:
            sender = message.sender
        return cls(
            provider=provider,
            sender=sender,
            text=message.text,
            subject=message.subject,
            template_id=message.template_id,
            reserve_at=message.reserve_at.isoformat() if message.reserve_at is not None else None,
            kind=message.kind.value,
            advertisement=message.advertisement,
            recipients=str(recipients_path.resolve()),
        )


_NAMES = {
    "provider": "--provider",
    "sender": "--sender",
    "text": "--text",
    "subject": "--subject",
    "template_id": "--template-id",
    "reserve_at": "--reserve-at",
    "kind": "message type",
    "advertisement": "--advertisement",
    "recipients": "recipients file",
}
"""How an error names each field of a :class:`Campaign`."""


def campaign_path(results_path: Path) -> Path:
    """Where the campaign of a results file is recorded: beside it (``out.csv``:
    ``out.csv.campaign``)."""
    return beside(results_path, ".campaign")


def record_campaign(results_path: Path, campaign: Campaign) -> None:
    """Record ``campaign`` as the one ``results_path`` belongs to (replacing a record left by
    a send that wrote no results), whole or not at all."""
    path = campaign_path(results_path)
    partial = path.with_name(path.name + ".new")
    with file_problems(path):
        partial.write_text(json.dumps(attrs.asdict(campaign), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        os.replace(partial, path)


def recorded_campaign(results_path: Path) -> Campaign | None:
    """The campaign ``results_path`` belongs to, as recorded; None when none is (a results
    file an earlier version of krsms made)."""
    path = campaign_path(results_path)
    if not path.exists():
        return None
    with file_problems(path):
        text = path.read_text(encoding="utf-8")
    try:
        return Campaign(**json.loads(text))
    except (ValueError, TypeError):
        raise BadFileError(
            path,
            f"not the record of a campaign krsms wrote: restore it, or send with a new --results than {results_path}",
        ) from None


def check_same_campaign(
    results_path: Path,
    campaign: Campaign,
    *,
    precision: timedelta | None,
    now: datetime | None = None,
    compare_kind: bool = True,
) -> None:
    """Refuse (:class:`BadFileError`) to resume ``campaign`` into results recorded for
    another, naming what differs; a results file with no record passes. Only reads: the
    caller records a campaign that passes (:func:`record_campaign`), once the resume goes
    ahead (a dry run records nothing).

    A later ``--reserve-at`` than a recorded one that has passed (by ``now``) is the same
    campaign: a reservation that passed during its send can only go on with a later one.
    Passed means as the send stops for it: once the moment, cut to ``precision`` (the
    provider's, ``rules.reserve_precision`` of the gateway; None for none), is not in the
    future (:func:`~krsms.validation.check_reservation`).

    ``compare_kind``: False when the message's kind is not known (a dry run that could not
    look its NHN template up), so that it is not compared with the recorded one.
    """
    recorded = recorded_campaign(results_path)
    if recorded is None:
        return
    if not compare_kind:
        campaign = attrs.evolve(campaign, kind=recorded.kind)
    if recorded == campaign or _rescheduled(recorded, campaign, precision, now or datetime.now(timezone.utc)):
        return
    differences = [
        f"{_NAMES[name]} was {_shown(name, getattr(recorded, name))}, now {_shown(name, getattr(campaign, name))}"
        for name in (field.name for field in attrs.fields(Campaign))
        if getattr(recorded, name) != getattr(campaign, name)
    ]
    raise BadFileError(
        results_path,
        f"holds another campaign's results ({'; '.join(differences)}): resuming would skip everyone that "
        f"campaign reached on the same lines. Send this one with a new --results (or, if it is that campaign "
        f"changed on purpose, delete {campaign_path(results_path).name} first)",
    )


def _rescheduled(recorded: Campaign, campaign: Campaign, precision: timedelta | None, now: datetime) -> bool:
    """Whether ``campaign`` is ``recorded`` with its passed reservation (cut to ``precision``)
    moved later, and nothing else changed. Whether the new moment is still ahead is the
    send's own check of the message, which refuses it naming ``--reserve-at``."""
    if recorded.reserve_at is None or campaign.reserve_at is None:
        return False
    if attrs.evolve(recorded, reserve_at=campaign.reserve_at) != campaign:
        return False
    try:
        before, after = datetime.fromisoformat(recorded.reserve_at), datetime.fromisoformat(campaign.reserve_at)
    except ValueError:  # a record edited by hand
        return False
    if before.tzinfo is None or after.tzinfo is None:
        return False
    return after > before and _passed(before, precision, now)


def _passed(moment: datetime, precision: timedelta | None, now: datetime) -> bool:
    """Whether a reservation of ``moment`` has passed as the send takes it: cut to
    ``precision``, no longer in the future (the check a send stops on)."""
    try:
        check_reservation(moment, None, precision=precision, now=now)
    except ValidationError:
        return True
    return False


def _shown(name: str, value: object) -> str:
    """A field's value as the refusal shows it: a text cut to its start, a path whole."""
    if value is None:
        return "not given"
    if name == "recipients" or not isinstance(value, str):
        return str(value)
    return repr(excerpt(value, 30))

"""The provider-neutral API: the :class:`SmsGateway` protocol and the models it speaks.

Application code written against these names runs unchanged on SENS and NHN::

    report = await gateway.send(Message(sender="0212345678", text="안녕하세요",
                                         recipients=["010-1234-5678"]))
    for outcome in report.outcomes:
        print(outcome.recipient.number, outcome.status, outcome.request_id)
"""

from __future__ import annotations

import asyncio
import collections
import enum
import inspect
import itertools
import time
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, cast, overload, runtime_checkable

import attrs

from krsms.errors import KrSmsError, ValidationError
from krsms.fields import wrong_type
from krsms.text import MessageKind

__all__ = [
    "DeliveryResult",
    "DeliveryStatus",
    "Message",
    "MessageKind",
    "Outcomes",
    "Recipient",
    "RecipientOutcome",
    "RecipientSource",
    "Recipients",
    "SendPlan",
    "SendProgress",
    "SendReport",
    "SendStatus",
    "SmsGateway",
    "UploadedImage",
]


JOIN_SLICE = 50_000
"""Outcomes :meth:`Outcomes.join_in_input_order` joins or places between two yields to the
event loop (a millisecond or two of CPU)."""


class SendStatus(enum.Enum):
    """What happened to one recipient of a send."""

    def __str__(self) -> str:
        return self.value

    ACCEPTED = "accepted"
    """The provider took it (``request_id`` says where to look it up)."""
    REJECTED = "rejected"
    """The provider refused it (``code`` and ``detail`` say why)."""
    UNKNOWN = "unknown"
    """The request may have reached the provider (timeout after sending, 5xx): look it up
    before sending again."""
    NOT_SENT = "not_sent"
    """It never reached the provider, or was refused before processing: invalid, cancelled
    before its request left, the job stopped first, 429 after the retries, or look-ups showed
    it never arrived."""


# Identity hashing at C speed (see MessageKind): progress counts hash one per recipient.
SendStatus.__hash__ = object.__hash__  # type: ignore[method-assign]


class _ReadOnlyDict(dict[Any, Any]):
    """A dict that cannot be changed: a frozen recipient's template parameters stay what was
    validated (a dict, so it pickles, compares and converts to JSON like one)."""

    _refusal = "a Recipient's template_parameters cannot be changed (make a new Recipient)"

    def _refuse(self, *_: object, **__: object) -> None:
        raise TypeError(self._refusal)

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]
    __ior__ = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type[_ReadOnlyDict], tuple[dict[Any, Any]]]:
        return (type(self), (dict(self),))


class _ReadOnlyCounts(_ReadOnlyDict):
    """A report's ``status_counts``, a copy that cannot be changed: a frozen report compares
    and hashes by them."""

    _refusal = "a SendReport's status_counts cannot be changed (make a new SendReport)"


def _frozen_mapping(value: Mapping[str, str] | None) -> Mapping[str, str] | None:
    if value is None:
        return None
    if isinstance(value, dict):  # the common case, first: one check per recipient
        return _ReadOnlyDict(value)
    if not isinstance(value, (str, bytes)):
        try:
            return _ReadOnlyDict(value)
        except (TypeError, ValueError):
            pass  # raised below, outside the handler: dict()'s own error names no field
    raise wrong_type("template_parameters", value, "a mapping of ##key## names to texts", limit="a mapping")


@attrs.frozen(kw_only=True)
class Recipient:
    """One recipient, optionally with its own text, subject or template parameters."""

    number: str
    """A phone number in any common form (``010-1234-5678``, ``+82 10 1234 5678``); normalised
    to digits, as dialled in ``Message.country_code``'s country, before sending."""
    text: str | None = None
    """Replaces the message text for this recipient."""
    subject: str | None = None
    """Replaces the message subject for this recipient (LMS/MMS)."""
    template_parameters: Mapping[str, str] | None = attrs.field(default=None, converter=_frozen_mapping, hash=False)
    """Values for the template's ``##key##`` placeholders (NHN templates)."""
    reference: str | None = None
    """Your own id for this recipient (a row number, a user id); never sent, returned with
    its outcome so results can be matched back to your data."""


class Recipients(Sequence[Recipient]):
    """Recipients, read like a tuple of :class:`Recipient`.

    A recipient that is only a number is kept as that number's text and made a
    :class:`Recipient` when it is read: a bulk send to a million numbers then holds a tuple
    of texts, not a million objects for Python's cyclic collector to walk. Equal to another
    ``Recipients`` with the same recipients (a number equals a ``Recipient`` with only that
    number), and to a tuple or list of the same :class:`Recipient` objects: as that tuple, a
    number's text in it is not a ``Recipient`` (``Recipients(["010..."]) != ("010...",)``), so
    equal values hash alike. Unlike a tuple, equal to a list too (a list has no hash).
    """

    __slots__ = ("_bare", "_compact")

    def __init__(self, recipients: Iterable[str | Recipient] | str | Recipient = ()):
        self._compact: tuple[str | Recipient, ...]
        self._bare: bool
        if isinstance(recipients, Recipients):
            self._compact, self._bare = recipients._compact, recipients._bare
            return
        if isinstance(recipients, (str, Recipient)):
            recipients = (recipients,)  # one recipient, not an iterable of characters
        refuse_mapping(recipients)
        if not isinstance(recipients, (tuple, list)) and (
            isinstance(recipients, (bytes, bytearray)) or not isinstance(recipients, Iterable)
        ):
            hint = " (stream an async iterable with send_stream)" if isinstance(recipients, AsyncIterable) else ""
            raise wrong_type(
                "recipients", recipients, "numbers or Recipients", limit="an iterable", number=True, hint=hint
            )
        self._compact = tuple(recipients)
        self._bare = set(map(type, self._compact)) <= {str}

    @classmethod
    def of_numbers(cls, numbers: Iterable[str]) -> Recipients:
        """Recipients that are each only a number, from texts the caller has already
        validated (as a send's batches are): stored without a pass to check each one's type,
        which the constructor makes."""
        recipients = cls.__new__(cls)
        recipients._compact, recipients._bare = tuple(numbers), True
        return recipients

    @property
    def compact(self) -> tuple[str | Recipient, ...]:
        """The recipients as stored: one that is only a number as its text (as given, or
        normalised once validated), any other as its :class:`Recipient`."""
        return self._compact

    @property
    def bare(self) -> bool:
        """True when every recipient is stored as its number's text (see :attr:`compact`):
        none has a text, subject, template parameters or reference of its own."""
        return self._bare

    @property
    def numbers(self) -> tuple[str, ...]:
        """Every recipient's number, in order."""
        if self._bare:
            return cast("tuple[str, ...]", self._compact)
        return tuple(_number_of(recipient) for recipient in self._compact)

    def __len__(self) -> int:
        return len(self._compact)

    @overload
    def __getitem__(self, position: int) -> Recipient: ...

    @overload
    def __getitem__(self, position: slice) -> Recipients: ...

    def __getitem__(self, position: int | slice) -> Recipient | Recipients:
        if isinstance(position, slice):
            if self._bare:
                return Recipients.of_numbers(cast("tuple[str, ...]", self._compact[position]))
            return Recipients(self._compact[position])
        return as_recipient(self._compact[position])

    def __iter__(self) -> Iterator[Recipient]:
        return map(as_recipient, self._compact)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Recipients):
            # Stored forms compared as such (texts at C speed), a text as its Recipient otherwise.
            return len(self) == len(other) and all(
                mine == their if type(mine) is type(their) else as_recipient(mine) == as_recipient(their)
                for mine, their in zip(self._compact, other._compact, strict=True)
            )
        if isinstance(other, (tuple, list)):
            # As the tuple of Recipients it hashes as: a text in ``other`` is not a Recipient.
            return len(self) == len(other) and all(mine == their for mine, their in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))  # as the tuple it equals

    def __repr__(self) -> str:
        return f"Recipients({_first_few(self._compact)})"

    def __reduce__(self) -> tuple[type[Recipients], tuple[tuple[str | Recipient, ...]]]:
        return (Recipients, (self._compact,))


def refuse_mapping(recipients: object) -> None:
    """Refuse a mapping where recipients go (a :class:`Message`'s, a stream's or a plan's
    source): iterated, it gives its keys alone, so each number would get the message's text
    and the values (personal texts, names) would be dropped without a word."""
    if isinstance(recipients, Mapping):
        # Its type and size, not its repr: what matters is the shape, and a repr of numbers
        # and personal texts, masked, would only be noise.
        count = len(recipients)
        given = f"{type(recipients).__name__} of {count} {'entry' if count == 1 else 'entries'}"
        raise ValidationError(
            "recipients",
            f"must be numbers or Recipients, not a {given}: iterated, a mapping gives its keys alone and "
            "its values would be dropped; for a text per number, write "
            "[Recipient(number=n, text=t) for n, t in mapping.items()] (list(mapping) for its numbers alone)",
            limit="an iterable that is not a mapping",
            value=given,
        )


def as_recipient(recipient: str | Recipient) -> Recipient:
    """A :class:`Recipient` for a number's text (as :class:`Message` takes them); a
    ``Recipient`` as it is."""
    return recipient if isinstance(recipient, Recipient) else Recipient(number=recipient)


def _number_of(recipient: str | Recipient) -> str:
    return recipient.number if isinstance(recipient, Recipient) else recipient


def _to_image_ids(values: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str):
        return (values,)
    if isinstance(values, (bytes, bytearray)) or not isinstance(values, Iterable):
        hint = " (upload it with upload_image and pass the id)" if isinstance(values, (bytes, bytearray)) else ""
        raise wrong_type("images", values, "ids from upload_image", limit="an iterable of strings", hint=hint)
    return tuple(values)


@attrs.frozen(kw_only=True)
class Message:
    """A message to send, to its ``recipients`` (or, for streams, to each streamed recipient)."""

    sender: str
    """A sender number registered with the provider."""
    text: str
    """What every recipient gets unless it has its own text; may be empty when each recipient
    brings one, or with a ``template_id``."""
    recipients: Recipients = attrs.field(factory=Recipients, converter=Recipients)
    """Plain numbers or :class:`Recipient`; empty when the message is a template for a stream.
    Read as :class:`Recipients`, a sequence of :class:`Recipient`."""
    subject: str | None = None
    """Subject of an LMS or MMS (ignored by SMS)."""
    kind: MessageKind = MessageKind.AUTO
    """AUTO: SMS up to 90 EUC-KR bytes, LMS above, MMS with images."""
    images: tuple[str, ...] = attrs.field(default=(), converter=_to_image_ids)
    """Ids of images uploaded with :meth:`SmsGateway.upload_image` (makes it an MMS)."""
    advertisement: bool = False
    """An advertisement: sent as such, the text must carry the opt-out notice the law asks."""
    reserve_at: datetime | None = None
    """Send at this timezone-aware moment instead of now."""
    country_code: str = "82"
    """The recipients' country calling code, 1 to 3 digits without ``+`` (``"82"``: Korea);
    every number is read as dialled in that country."""
    template_id: str | None = None
    """A provider-side template (NHN); ``text`` may then be empty."""

    def text_for(self, recipient: Recipient) -> str:
        """The text ``recipient`` gets: its own, or else the message's."""
        return self.text if recipient.text is None else recipient.text

    def subject_for(self, recipient: Recipient) -> str | None:
        """The subject ``recipient`` gets: its own, or else the message's."""
        return self.subject if recipient.subject is None else recipient.subject


@attrs.frozen(kw_only=True)
class RecipientOutcome:
    """The one outcome of one recipient."""

    recipient: Recipient
    """The recipient, its number normalised once validated (as given otherwise)."""
    status: SendStatus
    request_id: str | None = None
    """The provider's id of the request that carried it (what
    :meth:`SmsGateway.delivery_results` takes); None when no answer named one."""
    code: str | None = None
    """The provider's (or, for local refusals, krsms's) code for a failure."""
    detail: str | None = None
    """Readable detail: the provider's message, the error, or how the outcome was found
    (``"found by reconciliation"``); None when there is nothing to add."""
    index: int = 0
    """Position of the recipient in the input (recipients list or stream)."""


class Outcomes(Sequence[RecipientOutcome]):
    """One :class:`RecipientOutcome` per recipient, read like a tuple.

    Stored by field (a tuple of statuses, one of request ids, ...) rather than as an object
    per recipient, and each outcome built when it is read: a million-recipient report holds
    a few tuples, not a million objects that Python's cyclic collector walks again and again
    while the send runs. Equal to another ``Outcomes``, tuple or list with the same outcomes.
    """

    __slots__ = ("_codes", "_details", "_indexes", "_recipients", "_request_ids", "_statuses")

    def __init__(
        self,
        *,
        recipients: Iterable[str | Recipient] = (),
        statuses: Iterable[SendStatus] = (),
        request_ids: Iterable[str | None] = (),
        codes: Iterable[str | None] = (),
        details: Iterable[str | None] = (),
        indexes: Iterable[int] = (),
    ):
        self._recipients = recipients.compact if isinstance(recipients, Recipients) else tuple(recipients)
        self._statuses = tuple(statuses)
        self._request_ids = tuple(request_ids)
        self._codes = tuple(codes)
        self._details = tuple(details)
        self._indexes = tuple(indexes)
        lengths = tuple(map(len, self._columns()))
        if lengths.count(lengths[0]) != len(lengths):
            raise ValueError(f"every field needs one value per recipient; got lengths {sorted(set(lengths))}")

    @classmethod
    def of(cls, outcomes: Iterable[RecipientOutcome]) -> Outcomes:
        """``outcomes`` as :class:`Outcomes` (returned as they are if they already are)."""
        if isinstance(outcomes, Outcomes):
            return outcomes
        outcomes = tuple(outcomes)
        return cls(
            recipients=[outcome.recipient for outcome in outcomes],
            statuses=[outcome.status for outcome in outcomes],
            request_ids=[outcome.request_id for outcome in outcomes],
            codes=[outcome.code for outcome in outcomes],
            details=[outcome.detail for outcome in outcomes],
            indexes=[outcome.index for outcome in outcomes],
        )

    @classmethod
    def uniform(
        cls,
        recipients: Sequence[str | Recipient],
        indexes: Sequence[int],
        status: SendStatus,
        *,
        request_id: str | None = None,
        code: str | None = None,
        detail: str | None = None,
    ) -> Outcomes:
        """The same outcome for every one of ``recipients`` (at ``indexes`` in the input); a
        number's text stands for a :class:`Recipient` with only that number."""
        count = len(recipients)
        return cls(
            recipients=recipients,
            statuses=(status,) * count,
            request_ids=(request_id,) * count,
            codes=(code,) * count,
            details=(detail,) * count,
            indexes=indexes,
        )

    @classmethod
    def join(cls, parts: Iterable[Iterable[RecipientOutcome]]) -> Outcomes:
        """The outcomes of every part, one part after the other."""
        joined = [Outcomes.of(part) for part in parts]
        if not joined:
            return cls()
        if len(joined) == 1:
            return joined[0]
        by_field = zip(*(part._columns() for part in joined), strict=True)
        return cls._from_columns(*(tuple(itertools.chain.from_iterable(field)) for field in by_field))

    @classmethod
    async def join_in_input_order(cls, parts: Iterable[Iterable[RecipientOutcome]]) -> Outcomes:
        """``join(parts).in_input_order()``, built :data:`JOIN_SLICE` outcomes at a time with
        the event loop let in between: a million outcomes take over 100 ms to join and put
        in order, too long to hold the loop of a web app. ``parts`` in order of their first
        index are often in order already (a send's batches hold runs of the input); when
        not, outcomes whose indexes are ``0`` to ``n - 1``, each once (a send's), are put in
        order by index, and any others sorted in one go (a stable sort: outcomes of the same
        index stay in the order joined)."""
        # Read once, as Outcomes: a generator of parts would be used up by the count below.
        stored = [Outcomes.of(part) for part in parts]
        total = sum(map(len, stored))
        if total <= JOIN_SLICE:
            return cls.join(stored).in_input_order()
        in_order, last, counted = True, -1, 0
        for part in stored:
            indexes = part._indexes
            if indexes and (indexes[0] <= last or list(indexes) != sorted(indexes)):
                in_order = False
                break
            last = indexes[-1] if indexes else last
            counted += len(indexes)
            if counted >= JOIN_SLICE:
                counted = 0
                await asyncio.sleep(0)
        columns = []
        for field in zip(*(part._columns() for part in stored), strict=True):
            joined: list[object] = []
            counted = 0
            for values in field:
                joined.extend(values)
                counted += len(values)
                if counted >= JOIN_SLICE:
                    counted = 0
                    await asyncio.sleep(0)
            columns.append(tuple(joined))
            await asyncio.sleep(0)
        outcomes = cls._from_columns(*columns)
        if in_order:
            return outcomes
        order = await _positions_by_index(outcomes._indexes)
        if order is None:
            return outcomes.in_input_order()
        ordered = []
        for column in columns:
            placed: list[object] = []
            for start in range(0, total, JOIN_SLICE):
                placed.extend(map(column.__getitem__, order[start : start + JOIN_SLICE]))
                await asyncio.sleep(0)
            ordered.append(tuple(placed))
        return cls._from_columns(*ordered)

    @property
    def statuses(self) -> tuple[SendStatus, ...]:
        """Every outcome's status, in order (counting them builds no outcome)."""
        return self._statuses

    @property
    def request_ids(self) -> tuple[str | None, ...]:
        """Every outcome's request id, in order."""
        return self._request_ids

    @property
    def indexes(self) -> tuple[int, ...]:
        """Every outcome's input position, in order."""
        return self._indexes

    def with_status(self, status: SendStatus) -> Outcomes:
        """The outcomes that have ``status``, in order."""
        if self._statuses.count(status) == len(self._statuses):  # all of them, counted at C speed
            return self
        return self._select([position for position, each in enumerate(self._statuses) if each is status])

    def in_input_order(self) -> Outcomes:
        """The outcomes sorted by ``index``."""
        indexes = self._indexes
        if indexes == tuple(sorted(indexes)):  # at C speed: timsort of a sorted run is one pass
            return self
        return self._select(sorted(range(len(indexes)), key=indexes.__getitem__))

    def __len__(self) -> int:
        return len(self._statuses)

    @overload
    def __getitem__(self, position: int) -> RecipientOutcome: ...

    @overload
    def __getitem__(self, position: slice) -> Outcomes: ...

    def __getitem__(self, position: int | slice) -> RecipientOutcome | Outcomes:
        if isinstance(position, slice):
            return self._from_columns(*(column[position] for column in self._columns()))
        return self._outcome(
            self._recipients[position],
            self._statuses[position],
            self._request_ids[position],
            self._codes[position],
            self._details[position],
            self._indexes[position],
        )

    def __iter__(self) -> Iterator[RecipientOutcome]:
        return itertools.starmap(self._outcome, zip(*self._columns(), strict=True))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Outcomes):
            # Recipients compared as such: a bare number equals a Recipient with only that number.
            return self._columns()[1:] == other._columns()[1:] and Recipients(self._recipients) == Recipients(
                other._recipients
            )
        if isinstance(other, (tuple, list)):
            return len(self) == len(other) and all(mine == theirs for mine, theirs in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))  # as the tuple it equals

    def __repr__(self) -> str:
        return f"Outcomes({_first_few(self[:3], total=len(self))})"

    def __reduce__(self) -> tuple[Callable[..., Outcomes], tuple[tuple[object, ...], ...]]:
        return (Outcomes._from_columns, self._columns())

    def _columns(self) -> tuple[tuple[object, ...], ...]:
        return self._recipients, self._statuses, self._request_ids, self._codes, self._details, self._indexes

    def _select(self, positions: list[int]) -> Outcomes:
        return self._from_columns(*(tuple(map(column.__getitem__, positions)) for column in self._columns()))

    @classmethod
    def _from_columns(cls, *columns: tuple[Any, ...]) -> Outcomes:
        recipients, statuses, request_ids, codes, details, indexes = columns
        return cls(
            recipients=recipients,
            statuses=statuses,
            request_ids=request_ids,
            codes=codes,
            details=details,
            indexes=indexes,
        )

    @staticmethod
    def _outcome(
        recipient: str | Recipient,
        status: SendStatus,
        request_id: str | None,
        code: str | None,
        detail: str | None,
        index: int,
    ) -> RecipientOutcome:
        return RecipientOutcome(
            recipient=as_recipient(recipient),
            status=status,
            request_id=request_id,
            code=code,
            detail=detail,
            index=index,
        )


async def _positions_by_index(indexes: tuple[int, ...]) -> list[int] | None:
    """The position of each index ``0`` to ``len(indexes) - 1`` in ``indexes``, set
    :data:`JOIN_SLICE` at a time with the event loop let in between; None unless each of
    those indexes is there once."""
    count = len(indexes)
    order = [-1] * count
    for start in range(0, count, JOIN_SLICE):
        part = indexes[start : start + JOIN_SLICE]
        if min(part) < 0 or max(part) >= count:
            return None
        for position, index in enumerate(part, start):
            order[index] = position
        await asyncio.sleep(0)
    return None if -1 in order else order


def _first_few(values: Sequence[object], *, total: int | None = None) -> str:
    """A list's repr bounded for a million entries: its first three, then how many more of
    the ``total`` (by default, ``len(values)``)."""
    total = len(values) if total is None else total
    shown = ", ".join(repr(value) for value in values[:3])
    more = f", ... {total - 3} more" if total > 3 else ""
    return f"[{shown}{more}]"


def _to_outcomes(outcomes: Iterable[RecipientOutcome]) -> Outcomes:
    return Outcomes.of(outcomes)


def _frozen_counts(counts: Mapping[SendStatus, int] | None) -> Mapping[SendStatus, int] | None:
    return None if counts is None else _ReadOnlyCounts(counts)


def _counted(counts: Mapping[SendStatus, int] | None) -> frozenset[tuple[SendStatus, int]] | None:
    """``status_counts`` as reports compare and hash them: the statuses some recipients ended in."""
    return None if counts is None else frozenset((status, count) for status, count in counts.items() if count)


@attrs.frozen(kw_only=True, repr=False)
class SendReport:
    """The outcomes of a send, or of one batch of a stream."""

    outcomes: Outcomes = attrs.field(converter=_to_outcomes)
    """One per recipient: in input order in a whole send's report, in no set order in a batch's
    (``index`` gives each one's position). Any iterable of outcomes may be given."""
    requests: int = 0
    """Send requests made (one per batch attempt that reached the network)."""
    error: KrSmsError | None = attrs.field(default=None, eq=False)
    """The fatal error that stopped the job early, if one did."""
    cancelled: bool = False
    """True when the send ended before finishing (cancelled, stopped by an exception, a stream
    left early); only the report of a :class:`SendProgress` sets it."""
    elapsed: float = 0.0
    """Seconds the send took, from the call (its recipients' validation included) to its
    last outcome; a :class:`SendProgress` made earlier counts from its making."""
    status_counts: Mapping[SendStatus, int] | None = attrs.field(default=None, eq=_counted, converter=_frozen_counts)
    """How many recipients ended in each status, given when ``outcomes`` were not kept (the
    report of a ``SendProgress(keep_outcomes=False)``); :meth:`counts` and
    :attr:`all_accepted` then read it, and reports compare by them (a status no recipient
    ended in counts as absent). Kept as a read-only copy of the mapping given. None otherwise."""

    def with_status(self, status: SendStatus) -> Outcomes:
        """The outcomes that have ``status``."""
        return self.outcomes.with_status(status)

    def __repr__(self) -> str:
        # A summary: a report may hold a million outcomes (and asyncio reprs task results).
        counts = ", ".join(f"{status.value}={count}" for status, count in self.counts().items() if count)
        return (
            f"SendReport({len(self.outcomes)} outcomes: {counts or 'none'}, requests={self.requests}, "
            f"cancelled={self.cancelled}, error={type(self.error).__name__ if self.error else None})"
        )

    def counts(self) -> dict[SendStatus, int]:
        """How many recipients ended in each status."""
        if self.status_counts is not None:  # as all_accepted and == read it: an empty one counts none
            return {status: self.status_counts.get(status, 0) for status in SendStatus}
        statuses = self.outcomes.statuses  # one count per status, each at C speed
        return {status: statuses.count(status) for status in SendStatus}

    @property
    def accepted(self) -> Outcomes:
        """Outcomes the provider accepted."""
        return self.with_status(SendStatus.ACCEPTED)

    @property
    def all_accepted(self) -> bool:
        """True when every recipient was accepted."""
        if self.status_counts is not None:
            return self.status_counts.get(SendStatus.ACCEPTED, 0) == sum(self.status_counts.values())
        return self.outcomes.statuses.count(SendStatus.ACCEPTED) == len(self.outcomes)

    @property
    def request_ids(self) -> tuple[str, ...]:
        """Distinct provider request ids, in order of first appearance."""
        distinct = dict.fromkeys(self.outcomes.request_ids)  # at C speed, None among them
        distinct.pop(None, None)
        return tuple(cast("dict[str, None]", distinct))


@attrs.frozen(kw_only=True)
class SendPlan:
    """What a send would do, worked out without any network call (a dry run)."""

    recipients: int
    """Recipients read."""
    invalid: tuple[RecipientOutcome, ...] = attrs.field(repr=_first_few)
    """Recipients that would be NOT_SENT for failing validation, with the reason (the first
    ``max_invalid`` of them when :meth:`SmsGateway.plan` was given a cap)."""
    requests: dict[MessageKind, int]
    """Send requests the batches need, per kind."""
    invalid_count: int = attrs.field(default=attrs.Factory(lambda plan: len(plan.invalid), takes_self=True))
    """Recipients that would fail validation, all of them (``invalid`` may keep fewer)."""

    @property
    def total_requests(self) -> int:
        """Send requests in all."""
        return sum(self.requests.values())


class SendProgress:
    """Caller-owned record of a send that stays complete when the send is cancelled.

    Pass one to :meth:`SmsGateway.send` or :meth:`SmsGateway.send_stream`; it receives every
    batch as it settles, and on cancellation the batches in flight (``UNKNOWN``) and the
    recipients not yet sent (``NOT_SENT``). After the send ends, however it ends,
    :meth:`report` has one outcome for every recipient the send had taken in::

        progress = SendProgress()
        try:
            await gateway.send(message, progress=progress)
        except asyncio.CancelledError:
            save(progress.report())
            raise

    ``on_batch`` is called with every settled batch, including those settled by a
    cancellation (keep it quick; it runs in the send's task, and must be a plain function:
    a coroutine function, or an object whose ``__call__`` is one, raises TypeError here, as it
    would never be awaited; a callable that returns a coroutine stops the send with TypeError
    at its first batch).

    ``on_sending``, a coroutine function, is awaited with a batch's recipients (numbers
    normalised, ``reference`` kept) before its first request may leave: a write-ahead record,
    so that after a crash the recipients that may have been sent are known (``krsms send``
    journals them for ``--resume``). If it raises, that batch is NOT_SENT and the send stops
    with the exception, every recipient accounted for, as a cancellation stops it: the other
    batches under way whose own ``on_sending`` returned may still go out; a plain function (its result not
    awaitable) stops it so with a TypeError saying so, and what is not callable is refused here.
    ``keep_outcomes=False`` keeps only counts, for unbounded streams.

    A progress records one send: a second send given the same one (after the first, or
    while it runs) raises ValidationError naming ``progress`` before it sends anything, as
    the two sends' reports would mix (indexes of both inputs, ``total`` of the first).
    """

    def __init__(
        self,
        *,
        on_batch: Callable[[SendReport], None] | None = None,
        keep_outcomes: bool = True,
        total: int | None = None,
        on_sending: Callable[[Recipients], Awaitable[None]] | None = None,
    ):
        if on_batch is not None and not callable(on_batch):
            raise TypeError(f"on_batch must be a function, not {type(on_batch).__name__}")
        if on_batch is not None and _is_async_callable(on_batch):
            # It would be called, never awaited: every batch would go unrecorded in silence.
            raise TypeError("on_batch must be a plain function: SendProgress calls it and does not await it")
        if on_sending is not None and not callable(on_sending):
            raise TypeError(f"on_sending must be a coroutine function (async def), not {type(on_sending).__name__}")
        self.on_batch = on_batch
        """Called with every settled batch; None for no callback."""
        self.on_sending = on_sending
        """Awaited with each batch's recipients before its first request may leave; None for no
        write-ahead record."""
        self.keep_outcomes = keep_outcomes
        """False keeps counts only: :meth:`report` then has no outcomes."""
        self.total = total
        """Number of recipients expected, when known (``send()`` sets it, and ``send_stream()``
        from a source that has a length, such as a list)."""
        self.counts: dict[SendStatus, int] = dict.fromkeys(SendStatus, 0)
        """Recipients settled so far, per status."""
        self.requests: int = 0
        """Send requests made so far (as :attr:`SendReport.requests` counts them)."""
        self.error: KrSmsError | None = None
        """The first fatal error, which stopped the send; None if none did."""
        self.cancelled = False
        """True once the send ended before finishing: cancelled, stopped by an exception, or a
        stream left early."""
        self._outcomes: list[Outcomes] = []
        self._started = time.perf_counter()
        self._finished: float | None = None
        self._begun = False

    @property
    def settled(self) -> int:
        """Recipients with an outcome so far."""
        return sum(self.counts.values())

    def begin(self) -> None:
        """Take this progress for a send (called by the SDK as a send starts, before it
        records or sends anything): a ValidationError naming ``progress`` when a send has
        taken it already, whose report this one's would be mixed into."""
        if self._begun:
            raise ValidationError(
                "progress",
                "was given to another send already: a SendProgress records one send, and a second "
                "one's outcomes would be mixed into the first's report (pass a new SendProgress to each send)",
                limit="one send",
            )
        self._begun = True

    def record(self, batch: SendReport) -> None:
        """Add a settled batch (called by the SDK)."""
        statuses = batch.outcomes.statuses
        if statuses and statuses.count(statuses[0]) == len(statuses):  # one status, as most batches
            self.counts[statuses[0]] += len(statuses)
        else:
            for status, count in collections.Counter(statuses).items():
                self.counts[status] += count
        if self.keep_outcomes:
            self._outcomes.append(batch.outcomes)
        self.requests += batch.requests
        if batch.error is not None and self.error is None:
            self.error = batch.error
        if self.on_batch is not None:
            returned = self.on_batch(batch)
            if inspect.iscoroutine(returned):
                # A callable that only returns a coroutine (a lambda around an async save) cannot be
                # told from a plain one until it is called: its work would never run, so stop here.
                returned.close()
                raise TypeError(
                    "on_batch returned a coroutine, which SendProgress does not await: the batch's work "
                    "would never run (call async code from a plain function, e.g. with asyncio.create_task)"
                )

    def finish(self) -> None:
        """Stop the clock (called by the SDK when the send ends)."""
        if self._finished is None:
            self._finished = time.perf_counter()

    def report(self) -> SendReport:
        """Every outcome so far, in input order; with ``keep_outcomes=False``, none, and the
        report's :meth:`~SendReport.counts` are :attr:`counts`."""
        # Parts in order of their first index: a send's batches hold runs of the input, so
        # joined that way its outcomes are usually in order already, with nothing to sort.
        parts = sorted(self._outcomes, key=_first_index)
        return self._report_of(Outcomes.join(parts).in_input_order())

    async def report_in_slices(self) -> SendReport:
        """:meth:`report`, its outcomes joined and put in order a slice at a time with the
        event loop let in between (:meth:`Outcomes.join_in_input_order`): what ``send()``
        returns, as a million outcomes would hold the loop for over 100 ms in one go."""
        parts = sorted(self._outcomes, key=_first_index)
        return self._report_of(await Outcomes.join_in_input_order(parts))

    def _report_of(self, outcomes: Outcomes) -> SendReport:
        end = self._finished if self._finished is not None else time.perf_counter()
        return SendReport(
            outcomes=outcomes,
            requests=self.requests,
            error=self.error,
            cancelled=self.cancelled,
            elapsed=end - self._started,
            status_counts=None if self.keep_outcomes else dict(self.counts),
        )


def _is_async_callable(function: object) -> bool:
    """Whether calling ``function`` makes a coroutine: an ``async def`` function, or an object
    whose ``__call__`` is one."""
    if inspect.iscoroutinefunction(function):
        return True
    call = None if inspect.isroutine(function) else inspect.getattr_static(type(function), "__call__", None)
    return inspect.iscoroutinefunction(call)


def _first_index(outcomes: Outcomes) -> int:
    return outcomes.indexes[0] if outcomes else -1


class DeliveryStatus(enum.Enum):
    """Where a message stands at the handset."""

    def __str__(self) -> str:
        return self.value

    PENDING = "pending"
    """Accepted, reserved or on its way; no final result yet."""
    DELIVERED = "delivered"
    """Final: the handset received it."""
    FAILED = "failed"
    """Final: it could not be delivered (``code`` says why)."""
    CANCELLED = "cancelled"
    """A reserved send cancelled before it went out."""


@attrs.frozen(kw_only=True)
class DeliveryResult:
    """The delivery result of one recipient of a send request."""

    request_id: str
    """The send request looked up, as given to :meth:`SmsGateway.delivery_results`."""
    recipient: str
    """The number as the provider lists it (SENS ``to``, NHN ``recipientNo``)."""
    status: DeliveryStatus
    code: str | None = None
    """The provider's result code (e.g. SENS ``3001``, NHN ``1000``)."""
    detail: str | None = None
    """The provider's words for the result (SENS ``statusMessage``; NHN ``resultCodeName`` once
    the handset's receipt is in, ``msgStatusName`` before)."""
    completed_at: datetime | None = None
    """When the provider reported the final result (SENS ``completeTime``, NHN ``resultDate``);
    None until then."""
    message_id: str | None = None
    """The provider's id of this one message (SENS ``messageId``, NHN ``mtPr``)."""


@attrs.frozen(kw_only=True)
class UploadedImage:
    """An image stored at the provider for MMS; pass ``id`` in :attr:`Message.images`."""

    id: str
    """The provider's file id (SENS ``fileId``; NHN's numeric ``fileId`` as text)."""
    file_name: str
    """The file name the provider answered with (SENS's has a digest of the content added)."""
    expires_at: datetime | None = None
    """When the provider drops the image (SENS: six days after upload); None when it reports no
    expiry (NHN)."""


RecipientSource = Iterable[str | Recipient] | AsyncIterable[str | Recipient]
"""What a stream sends to: any sync or async iterable of numbers or recipients."""


@runtime_checkable
class SmsGateway(Protocol):
    """What every provider gateway offers: send, stream, upload, look up, cancel."""

    @property
    def provider(self) -> str:
        """Which provider it sends through: ``"sens"`` or ``"nhn"`` (``"fake"`` for
        :class:`krsms.testing.FakeGateway`)."""
        ...

    async def send(self, message: Message, *, progress: SendProgress | None = None) -> SendReport:
        """Send to ``message.recipients`` in provider-sized batches; one outcome each, in order.

        Raises :class:`krsms.ValidationError` before any network call if the message or a
        recipient cannot be sent. Once sending starts, a provider's refusal or a network
        failure is an outcome, never an exception (a fatal one stops the send, and the rest
        are NOT_SENT). What still raises: cancellation, an exception from
        ``progress.on_sending``, and an unexpected error that is no provider answer (a bug);
        the batches already out are settled first, and ``progress`` holds every recipient's
        outcome (``progress.cancelled`` is then True).
        """
        ...

    def send_stream(
        self,
        message: Message,
        recipients: RecipientSource,
        *,
        progress: SendProgress | None = None,
        max_batch_delay: float | None = None,
    ) -> AsyncGenerator[SendReport, None]:
        """Send ``message`` to every recipient of an iterable of any length, yielding a report
        per finished batch (close it with ``contextlib.aclosing`` when leaving early). Memory
        stays bounded whatever the stream's length: ``max_concurrency`` batches in flight, as
        many buffered, and one read ahead from a sync source. With ``max_batch_delay``
        (seconds), recipients waiting for their batch to fill go as they are once the first
        of them has waited that long (a source that trickles)."""
        ...

    async def plan(
        self, message: Message, recipients: RecipientSource | None = None, *, max_invalid: int | None = None
    ) -> SendPlan:
        """Validate and batch like :meth:`send_stream` without any network call (a dry run):
        recipients read, invalid ones with the reason (the first ``max_invalid`` kept, all
        counted), requests per kind. Without ``recipients`` it is the plan of
        ``send(message)``, with them that of ``send_stream(message, recipients)``, and it
        refuses what that send refuses (no recipients; recipients in both)."""
        ...

    async def upload_image(self, content: bytes, *, file_name: str) -> UploadedImage:
        """Store a JPEG at the provider for MMS (``.jpg``/``.jpeg``, at most 300 KB)."""
        ...

    async def delivery_results(self, request_id: str) -> list[DeliveryResult]:
        """The delivery result of every recipient of a send request."""
        ...

    async def cancel_reservation(self, request_id: str) -> None:
        """Cancel a reserved send that has not gone out yet."""
        ...

    async def aclose(self) -> None:
        """Release the HTTP client if the gateway created it."""
        ...

    async def __aenter__(self) -> SmsGateway: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

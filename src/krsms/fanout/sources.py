"""Reading a recipient source: resolved entries, a chunk at a time.

What a send reads is resolved into *entries*: a recipient with its input index and the kind
it is sent as, a :class:`Run` of bare numbers of one kind (the common case, handed on whole),
or the NOT_SENT outcome of one that failed validation. A stream's source is read by
:func:`resolve_chunks`, ``send()``'s already validated list by a :class:`Cursor`; either is
consumed through :class:`Entries`, one await per chunk rather than per recipient.

A source that fails part-way through a chunk loses none of what it gave (:class:`_ReadFailed`
carries it), and one the caller handed over as a generator is closed when the send ends.
``send()`` validates in slices of :data:`VALIDATION_SLICE` recipients and the :class:`Cursor`
reuses what that found, so both live here, on the same boundaries.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from itertools import chain, islice
from typing import cast

import attrs

from krsms import errors
from krsms.fanout.outcome_codes import CANCELLED, LOCAL_INVALID
from krsms.fields import wrong_type
from krsms.gateway import (
    Outcomes,
    Recipient,
    RecipientOutcome,
    RecipientSource,
    SendStatus,
    as_recipient,
    refuse_mapping,
)
from krsms.text import MessageKind
from krsms.validation import RecipientResolver

VALIDATION_SLICE = 5000
"""Recipients ``send()`` validates between two yields to the event loop (a few ms of CPU)."""


@attrs.frozen
class Run:
    """Consecutive bare recipients (each held as its number's text, as in
    :attr:`~krsms.gateway.Recipients.bare`) of one kind, from input index ``start`` on: how
    ``send()`` hands its common case to the batcher, a run at a time rather than one by one."""

    start: int
    recipients: Sequence[str]
    kind: MessageKind


ResolvedRecipient = tuple[int, str | Recipient, MessageKind]
"""A resolved recipient: its input index, itself as :attr:`Recipients.compact` holds it, and
the kind it is sent as."""
Entry = ResolvedRecipient | Run | RecipientOutcome
"""A resolved recipient, a run of bare ones, or the outcome of one that failed validation."""


def check_source(recipients: object) -> None:
    """Refuse, before anything is read, recipients that are neither one :class:`Recipient` nor
    an iterable of them (a lone number is text, so iterable), and a mapping, as
    :class:`~krsms.gateway.Message` does (:func:`~krsms.gateway.refuse_mapping`)."""
    refuse_mapping(recipients)
    if not isinstance(recipients, (Iterable, AsyncIterable, Recipient)):
        raise wrong_type(
            "recipients", recipients, "an iterable or async iterable of numbers or Recipients", number=True
        )


async def resolve_chunks(
    resolver: RecipientResolver, recipients: RecipientSource, *, chunk_size: int
) -> AsyncIterator[list[Entry]]:
    """Resolved entries of a stream, in chunks: up to ``chunk_size`` of a sync source at once
    (one await per chunk, not per recipient; a chunk of normalised mobile numbers as one
    run), every entry of an async one as it comes. A lone number or :class:`Recipient`
    is one recipient, as in :class:`~krsms.gateway.Message`, not an iterable of characters.

    Closed before its end (a send left early, cancelled or failed), it closes the source
    when that is a generator (sync or async), which the caller handed over: its
    ``finally`` blocks run then, not whenever the garbage collector finds it. Any other
    iterable (a list, an open file) is the caller's and is left as it is.

    A cancellation thrown in where it waits for its next read (:meth:`Entries.throw_in`) is
    thrown on into an async generator source, which waits too, at a yield inside the scopes
    it holds: the cancellation may be one of theirs."""
    index = 0
    if isinstance(recipients, (str, bytes, Recipient)):
        recipients = (recipients,)
    if isinstance(recipients, AsyncIterable):
        source = aiter(recipients)
        read_next: Callable[[], Awaitable[str | Recipient]] = source.__anext__
        try:
            while True:
                try:
                    item = await read_next()
                except StopAsyncIteration:
                    return
                read_next = source.__anext__
                chunk = [_entry(resolver, item, index)]
                try:
                    yield chunk
                except asyncio.CancelledError as cancelled:
                    if not isinstance(source, AsyncGenerator):
                        raise
                    read_next = functools.partial(source.athrow, cancelled)  # on to the source
                index += 1
                if index % VALIDATION_SLICE == 0:
                    await asyncio.sleep(0)  # a source that never suspends: let the loop breathe
        finally:
            if inspect.isasyncgen(source):  # handed over: its files close now, not at GC
                await source.aclose()
        return
    items = iter(recipients)
    try:
        while True:
            given: list[str | Recipient] = []
            read_error: BaseException | None = None
            try:
                given.extend(islice(items, chunk_size))  # keeps what came before a failure
            except BaseException as error:  # KeyboardInterrupt too
                read_error = error
            chunk = _chunk(resolver, given, index)
            if read_error is not None:
                raise _ReadFailed(chunk, read_error) from None
            if not chunk:
                return
            yield chunk
            previous, index = index, index + len(given)
            if index // VALIDATION_SLICE != previous // VALIDATION_SLICE:
                await asyncio.sleep(0)  # a sync source never yields: let the loop breathe
    finally:
        if inspect.isgenerator(items):  # as above; a list's or a file's iterator is left alone
            items.close()


def _chunk(resolver: RecipientResolver, given: list[str | Recipient], start: int) -> list[Entry]:
    """The entries of a chunk read from a sync source, the first at input index ``start``: one
    run when every one is a normalised mobile number, else :func:`_entry` for each (none for
    an empty chunk).

    When resolving one raises (a bug, a KeyboardInterrupt), the entries before it and
    NOT_SENT for it and the rest of the chunk go with the error, so that none read is lost.
    """
    kind = resolver.clean_mobile_kind(given)
    if kind is not None:
        return [Run(start, cast("list[str]", given), kind)]
    chunk: list[Entry] = []
    for index, item in enumerate(given, start):
        try:
            chunk.append(_entry(resolver, item, index))
        except BaseException as error:
            rest = given[index - start :]
            chunk.extend(Outcomes.uniform(rest, range(index, start + len(given)), SendStatus.NOT_SENT, code=CANCELLED))
            raise _ReadFailed(chunk, error) from None
    return chunk


def _entry(resolver: RecipientResolver, item: str | Recipient, index: int) -> Entry:
    """A streamed recipient resolved, or NOT_SENT with the reason when it fails validation
    (an entry that is neither a number nor a Recipient too: one bad row must not end a stream)."""
    try:
        resolved, kind = resolver.resolve(item, index)
    except errors.ValidationError as error:
        return RecipientOutcome(
            recipient=as_recipient(item), status=SendStatus.NOT_SENT, code=LOCAL_INVALID, detail=str(error), index=index
        )
    return index, resolved, kind


class _ReadFailed(BaseException):
    """A sync source failed part-way through a chunk: the entries it gave before, and why.

    A BaseException, as what it carries may be one (KeyboardInterrupt)."""

    def __init__(self, entries: list[Entry], error: BaseException):
        super().__init__()
        self.entries = entries
        self.error = error


class Entries:
    """Resolved entries, read a chunk at a time: one await per chunk, not per recipient.

    ``current`` iterates the chunk being read and keeps its place between two reads.
    """

    def __init__(self, chunks: AsyncIterator[Iterable[Entry]], *, needs_own_task: bool = True):
        self._chunks = chunks
        self.needs_own_task = needs_own_task
        """Whether the source is read in a task of its own (an async iterable, which may hold a
        cancel scope or context variables across its yields: see
        :class:`~krsms.fanout.reading.SourceReader`); False for one that holds nothing of the
        task reading it (a sync iterable, ``send()``'s recipients), read where the job runs."""
        self.current: Iterator[Entry] = iter(())
        self.read_ahead = False
        """Whether :meth:`throw_in` read the source since the last :meth:`advance`."""
        self._failed: BaseException | None = None
        """What the source raised when :meth:`throw_in` read it, for :meth:`advance` to raise."""

    async def advance(self) -> bool:
        """Start reading the next chunk; False when the source is exhausted.

        When the source fails part-way through a chunk, its error propagates at once and
        what it gave before stays in ``current``, for the settling to account for.
        """
        self.read_ahead = False
        if (error := self._failed) is not None:
            self._failed = None
            raise error
        failed: _ReadFailed | None = None
        try:
            chunk = await anext(self._chunks, None)
        except _ReadFailed as failure:
            failed = failure
        if failed is not None:
            self.current = iter(failed.entries)
            raise failed.error  # outside the handler: the source's own error, context untouched
        if chunk is None:
            return False
        self.current = iter(chunk)
        return True

    async def throw_in(self, cancelled: asyncio.CancelledError) -> None:
        """Raise ``cancelled`` where the source waits for its next read, at a ``yield`` (see
        :func:`resolve_chunks`), when it is a stream's, and take what it does: an entry it
        gives then joins ``current``, an error it raises is raised by the next
        :meth:`advance`, a cancellation it lets out propagates. Once between two advances;
        ``cancelled`` itself propagates when it cannot be thrown in (a second time, or no
        stream's source)."""
        chunks = self._chunks
        if self.read_ahead or not isinstance(chunks, AsyncGenerator):
            raise cancelled
        self.read_ahead = True
        try:
            chunk = await chunks.athrow(cancelled)
        except asyncio.CancelledError:
            raise
        except StopAsyncIteration:
            return  # the source ended: the next advance finds it exhausted
        except _ReadFailed as failure:
            self.current, self._failed = chain(self.current, failure.entries), failure.error
        except BaseException as error:  # KeyboardInterrupt too: raised by advance, in its turn
            self._failed = error
        else:
            self.current = chain(self.current, chunk)

    @property
    def closes_anything(self) -> bool:
        """Whether :meth:`aclose` has a source to close: an async generator (a stream's);
        ``send()``'s list has nothing to close."""
        return isinstance(self._chunks, AsyncGenerator)

    async def aclose(self) -> None:
        """Close the chunks' source, when it is an async generator (a stream's, which closes
        the caller's generator in turn); ``send()``'s list has nothing to close."""
        if isinstance(self._chunks, AsyncGenerator):
            await self._chunks.aclose()

    async def __aiter__(self) -> AsyncIterator[Entry]:
        """Every entry not read yet, one by one."""
        while True:
            for entry in self.current:
                yield entry
            if not await self.advance():
                return


class Cursor:
    """The resolved recipients of ``send()`` in chunks, remembering how far it got.

    Recipients and kinds are kept in two lists, not as one tuple each: a tuple per recipient
    would double the objects Python's cyclic collector walks during a large send.
    ``bare_slices`` holds the kind of each validation slice (by its start) that validation
    found to be a run of bare numbers, so that its chunks are not checked again.
    """

    def __init__(
        self,
        recipients: list[str | Recipient],
        kinds: list[MessageKind],
        *,
        chunk_size: int,
        bare_slices: Mapping[int, MessageKind],
    ):
        self._recipients = recipients
        self._kinds = kinds
        self._chunk_size = chunk_size
        self._bare_slices = bare_slices
        self.position = 0

    def __aiter__(self) -> Cursor:
        return self

    async def __anext__(self) -> Iterable[Entry]:
        start = self.position
        if start >= len(self._recipients):
            raise StopAsyncIteration
        end = self.position = min(start + self._chunk_size, len(self._recipients))
        recipients, kinds = self._recipients[start:end], self._kinds[start:end]
        slice_start = start - start % VALIDATION_SLICE
        bare_kind = self._bare_slices.get(slice_start) if end <= slice_start + VALIDATION_SLICE else None
        if bare_kind is not None:
            return [Run(start, cast("list[str]", recipients), bare_kind)]
        if set(map(type, recipients)) == {str} and len(set(kinds)) == 1:
            return [Run(start, cast("list[str]", recipients), kinds[0])]
        return zip(range(start, end), recipients, kinds, strict=True)

    def unread(self) -> tuple[Sequence[str | Recipient], range]:
        """The recipients of the chunks not handed out yet: all of them, and the positions of
        those not handed out, which are also their input indexes."""
        return self._recipients, range(self.position, len(self._recipients))

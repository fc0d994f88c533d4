"""The task that reads a send's recipient source, from its first entry to its close.

An async generator source may hold, across its yields, what belongs to the task that
iterates it: an ``asyncio.timeout`` or anyio cancel scope it entered (``anyio.fail_after``),
a context variable it set. Iterated by a new task now and then, its timeout would cancel a
task long finished, its scope would refuse to exit in another task, and its context
variables would be lost. So a :class:`SourceReader` reads it in one task for the whole send:
it runs there each read the job asks for, one at a time, hands over how it ended through a
future, and closes the source there when the send ends.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable

from krsms.fanout.sources import Entries

Read = Callable[[], Awaitable[None]]
"""One read of the entries, run in the reading task (it reads them through ``entries``)."""


class SourceReader:
    """Reads ``entries`` in one task of its own, one :meth:`read` at a time, then closes them.

    Between two reads the task waits for the next, its source suspended at a ``yield``. Only
    the source knows of that task, so a cancellation arriving then is the source's own (its
    ``asyncio.timeout`` or anyio scope expiring) or the event loop's shutdown: it is raised
    at once where the source waits, inside its scopes. Its own scope turns it into its
    error (a TimeoutError), kept for the next read with what the source gave before;
    anything else lets it out, and it ends the task (the reads asked for afterwards end
    with it).
    """

    def __init__(self, entries: Entries):
        self.entries = entries
        self._task: asyncio.Task[None] | None = None
        self._asked: asyncio.Event | None = None
        """Set when a read or the close is asked for; made with the task, on its loop."""
        self._next: tuple[Read, asyncio.Future[BaseException | None]] | None = None
        """The read asked for, until the task takes it."""
        self._busy = False
        """Whether the task is in the source: running a read, or handing it a cancellation."""
        self._interrupting = False
        """Whether the cancellation of the task under way is :meth:`interrupt`'s."""
        self._abandoning = False
        """Whether the cancellation of the task under way is :meth:`aclose`'s being cancelled."""
        self._closing = False
        self._ended: BaseException | None = None
        """The cancellation that ended the task before it was asked to close (one the source
        let out): every read asked for afterwards returns it."""
        self._close_error: BaseException | None = None
        """What closing the source raised, for :meth:`aclose` to raise in its caller's task."""

    def read(self, read: Read) -> asyncio.Future[BaseException | None]:
        """Run ``read`` in the reading task (started by the first): a future of what it
        raised (None: nothing), cancelled only by :meth:`interrupt`. Wait for it with
        :func:`asyncio.wait`, which leaves it be when the waiter is cancelled; ask for the
        next read once it is done."""
        future: asyncio.Future[BaseException | None] = asyncio.get_running_loop().create_future()
        if self._ended is not None:
            future.set_result(self._ended)
            return future
        if self._task is None:
            self._asked = asyncio.Event()
            # Made here, the task runs in a copy of the sender's context, as the source would.
            self._task = asyncio.ensure_future(self._run())
        assert self._asked is not None
        assert self._next is None, "one read at a time"
        self._next = (read, future)
        self._asked.set()
        return future

    def interrupt(self) -> None:
        """Stop what the task does in the source (a read, whose future is then cancelled, or
        handing it a cancellation), cancelled there; a read asked for and not started is
        cancelled."""
        if self._next is not None:
            self._next[1].cancel()
            self._next = None
        if self._busy and self._task is not None:
            self._interrupting = True
            self._task.cancel()

    @property
    def closes_anything(self) -> bool:
        """Whether :meth:`aclose` has anything to do: a reading task to end, or entries with a
        source to close."""
        return self._task is not None or self.entries.closes_anything

    async def aclose(self) -> None:
        """Close the entries in the reading task once its read is over (in this task if none
        was started, or it has ended); what closing them raised is raised here. Cancelled
        meanwhile, the reading task is cancelled too."""
        task = self._task
        if task is None or task.done():
            await self.entries.aclose()
            return
        assert self._asked is not None
        self._closing = True
        self._asked.set()
        try:
            await asyncio.wait([task])
        except asyncio.CancelledError:
            self._abandoning = True
            task.cancel()
            raise
        if not task.cancelled() and (error := task.exception() or self._close_error) is not None:
            raise error

    async def _run(self) -> None:
        """Run the reads asked for, until asked to close the entries; then close them."""
        try:
            while await self._next_read():
                assert self._next is not None
                (read, future), self._next = self._next, None
                self._busy = True
                try:
                    await self._run_read(read, future)
                finally:
                    self._busy = False
        except asyncio.CancelledError as error:
            self._ended = error
            if self._next is not None:  # asked for as the task ended: it ends the same way
                _settle(self._next[1], error)
                self._next = None
            raise
        try:
            await self.entries.aclose()
        except asyncio.CancelledError:
            raise
        except BaseException as error:  # KeyboardInterrupt too: raised in the closer's task
            self._close_error = error

    async def _run_read(self, read: Read, future: asyncio.Future[BaseException | None]) -> None:
        """Run one read, giving its future how it ended. A cancellation that is not
        :meth:`interrupt`'s came out of the source: it is the read's outcome, and ends the
        task."""
        try:
            await read()
        except asyncio.CancelledError as error:
            if not self._interrupted():
                _settle(future, error)
                raise
            future.cancel()
        except BaseException as error:  # KeyboardInterrupt too: raised in the job's own task
            _settle(future, error)
        else:
            _settle(future, None)

    def _interrupted(self) -> bool:
        """Whether the cancellation just caught is :meth:`interrupt`'s, now handled."""
        if not self._interrupting or self._abandoning:
            return False
        self._interrupting = False
        _uncancel()
        return True

    async def _next_read(self) -> bool:
        """Wait until a read is asked for (True) or the close (False). A cancellation that
        comes meanwhile is handed to the source (see the class)."""
        assert self._asked is not None
        while True:
            try:
                await self._asked.wait()
            except asyncio.CancelledError as cancelled:
                if self._abandoning:
                    raise
                if not self._interrupted():  # interrupt() stops reads only; handled if late
                    await self._hand_to_source(cancelled)
                continue
            self._asked.clear()
            if self._closing:
                return False
            if self._next is not None:
                return True

    async def _hand_to_source(self, cancelled: asyncio.CancelledError) -> None:
        """Raise a cancellation that came between two reads where the source waits, inside
        the scopes it holds (:meth:`~krsms.fanout.sources.Entries.throw_in`), for its own
        scope to take it. One it lets out, one that comes again before the next read, or one
        for a source that holds none (a sync one, ``send()``'s list) ends the task."""
        self._busy = True
        try:
            await self.entries.throw_in(cancelled)
        except asyncio.CancelledError:
            if not self._interrupted():
                raise
        finally:
            self._busy = False


def _settle(future: asyncio.Future[BaseException | None], error: BaseException | None) -> None:
    """Give a read's future its outcome, unless :meth:`SourceReader.interrupt` cancelled it."""
    if not future.done():
        future.set_result(error)


def _uncancel() -> None:
    """Take back one cancellation request of the current task, once it has been handled
    (Python 3.11+ counts them: ``asyncio.timeout`` and anyio scopes compare the count)."""
    if sys.version_info >= (3, 11):
        task = asyncio.current_task()
        assert task is not None
        task.uncancel()

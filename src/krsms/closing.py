"""AsyncClosing: ``async with`` for everything that holds an HTTP client.

Clients and gateways implement :meth:`AsyncClosing.aclose`; ``async with`` calls it on exit.
"""

from __future__ import annotations

import abc
from types import TracebackType
from typing import TypeVar

Self = TypeVar("Self", bound="AsyncClosing")


class AsyncClosing(abc.ABC):
    """An async context manager that closes itself with :meth:`aclose` on exit."""

    @abc.abstractmethod
    async def aclose(self) -> None:
        """Release what this object owns (an HTTP client it created)."""

    async def __aenter__(self: Self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

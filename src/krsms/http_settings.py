"""The timeouts and connection pool size of the HTTP clients the SDK creates.

:class:`Timeouts` (also a borrowed client's per-request timeouts) and :class:`Limits` are
checked when they are made, as every numeric setting is (:mod:`krsms.settings`). Part of the
transport layer: :meth:`Timeouts.to_httpx` speaks httpx.
"""

from __future__ import annotations

import attrs
import httpx

from krsms.settings import count, seconds


@attrs.frozen(kw_only=True)
class Timeouts:
    """Seconds to wait for each phase of a request; ``pool`` is the wait for a free connection."""

    connect: float = attrs.field(default=5.0, validator=seconds(positive=True))
    """Seconds to open a connection."""
    read: float = attrs.field(default=30.0, validator=seconds(positive=True))
    """Seconds to wait for each chunk of the answer (not for the whole answer)."""
    write: float = attrs.field(default=30.0, validator=seconds(positive=True))
    """Seconds to wait for each chunk of the request to be sent."""
    pool: float = attrs.field(default=30.0, validator=seconds(positive=True))
    """Seconds to wait for a free connection of the pool, and for one of the transport's
    ``max_concurrency`` request slots (each wait has this long)."""

    def to_httpx(self) -> httpx.Timeout:
        """The equivalent ``httpx.Timeout``."""
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.write, pool=self.pool)


@attrs.frozen(kw_only=True)
class Limits:
    """Connection pool size of a client the SDK creates."""

    max_connections: int = attrs.field(default=32, validator=count(minimum=1))
    """Connections open at once, at most; also caps the transport's ``max_concurrency``."""
    max_keepalive_connections: int = attrs.field(default=32, validator=count(minimum=0))
    """Idle connections kept open for reuse, at most."""
    keepalive_expiry: float = attrs.field(default=4.0, validator=seconds())
    """Seconds an idle connection is kept; below common server keep-alive timeouts (5 s), so
    the pool never reuses a connection the server is closing."""

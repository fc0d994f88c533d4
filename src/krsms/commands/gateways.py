"""The gateway a command sends through (:func:`make_gateway`), made from the provider's keys
as the flags or environment variables give them (:class:`Credentials`), which are never
shown."""

from __future__ import annotations

import attrs

from krsms.fanout import BatchingGateway

DRAIN_SECONDS = 8.0
"""On Ctrl-C or SIGTERM, how long requests already sent get to finish, so their outcome is
known: under the 10 seconds ``docker stop`` waits before it kills (a kill is safe too, the
journal records what was in flight, but the outcomes are then UNKNOWN)."""


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
        """The fields still needed for this provider (``access_key``, ``app_key``, ...)."""
        if self.provider == "sens":
            needed = {"access_key": self.access_key, "secret_key": self.secret_key, "service_id": self.service_id}
        else:
            needed = {"app_key": self.app_key}
        return [name for name, value in needed.items() if not value]


def make_gateway(
    credentials: Credentials,
    *,
    base_url: str | None,
    max_concurrency: int,
    requests_per_second: float | None = None,
    request_timeout: float | None = None,
    placeholder_keys: bool = False,
) -> BatchingGateway:
    """The gateway for ``credentials.provider``; ``request_timeout`` bounds each phase of
    each request (connecting, writing, each wait for the answer, the wait for a connection), in
    seconds (None: the SDK's :class:`~krsms.Timeouts`); ``placeholder_keys`` fills missing keys
    for work that never reaches the network (a dry run)."""
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
            timeout=request_timeout,
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
        timeout=request_timeout,
        drain_timeout=DRAIN_SECONDS,
    )

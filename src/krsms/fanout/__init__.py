"""Bulk sending: provider-sized batches, sent concurrently, every recipient accounted for.

:class:`BatchingGateway` is the provider-neutral half of a gateway (see
:mod:`krsms.fanout.gateway`).
"""

from krsms.fanout.gateway import (
    CANCELLED,
    JOB_STOPPED,
    LOCAL_INVALID,
    NOT_RECEIVED,
    POOL_ENTRY_PASSES,
    RECONCILE_DELAY,
    SEND_FAILED,
    SOURCE_CLOSE_TIMEOUT,
    VALIDATION_SLICE,
    Batch,
    BatchAttempt,
    BatchingGateway,
    logger,
)

__all__ = [
    "CANCELLED",
    "JOB_STOPPED",
    "LOCAL_INVALID",
    "NOT_RECEIVED",
    "POOL_ENTRY_PASSES",
    "RECONCILE_DELAY",
    "SEND_FAILED",
    "SOURCE_CLOSE_TIMEOUT",
    "VALIDATION_SLICE",
    "Batch",
    "BatchAttempt",
    "BatchingGateway",
    "logger",
]

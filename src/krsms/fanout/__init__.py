"""Bulk sending: provider-sized batches, sent concurrently, every recipient accounted for.

:class:`BatchingGateway` is the provider-neutral half of a gateway (see
:mod:`krsms.fanout.gateway`).
"""

from krsms.fanout.batching import Batch, BatchAttempt
from krsms.fanout.gateway import RECONCILE_DELAY, BatchingGateway, logger
from krsms.fanout.job import POOL_ENTRY_PASSES, SOURCE_CLOSE_TIMEOUT
from krsms.fanout.outcome_codes import CANCELLED, JOB_STOPPED, LOCAL_INVALID, NOT_RECEIVED, SEND_FAILED
from krsms.fanout.sources import VALIDATION_SLICE

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

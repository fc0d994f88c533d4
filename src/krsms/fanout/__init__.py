"""Bulk sending: provider-sized batches, sent concurrently, every recipient accounted for.

:class:`BatchingGateway` is the provider-neutral half of a gateway. A provider subclass says
how big a batch is, which recipients may share a request (:meth:`~BatchingGateway.batch_key`),
how to send one batch and, optionally, how to find out what happened to a batch whose
answer was lost (:meth:`~BatchingGateway.reconcile_batch`). This package does the rest:

- cuts any recipient stream into batches, grouping recipients that need separate requests,
  with at most ``max_concurrency`` batches in flight, ``max_concurrency x batch_size``
  recipients buffered and one batch size read ahead, however long the stream;
- gives every recipient exactly one :class:`~krsms.gateway.RecipientOutcome`: a provider
  refusal is REJECTED, an ambiguous failure (timeout after sending, 5xx) UNKNOWN, a request
  that provably never left NOT_SENT; a fatal error (bad credentials, unregistered sender)
  stops the job and leaves the rest NOT_SENT without sending them;
- resolves UNKNOWN batches through the provider's look-ups when it can (``reconcile``) and,
  only if asked (``resend_missing``), resends the recipients the provider provably lacks;
- on cancellation stops starting batches, cancels the ones in flight (UNKNOWN: they may have
  arrived) and records everything in the caller's :class:`~krsms.gateway.SendProgress`.

One concept a module, each importing only modules listed above it:

- :mod:`~krsms.fanout.outcome_codes`: the ``RecipientOutcome.code`` values the fan-out gives
  itself (:data:`LOCAL_INVALID`, :data:`JOB_STOPPED`, :data:`CANCELLED`,
  :data:`NOT_RECEIVED`, :data:`SEND_FAILED`);
- :mod:`~krsms.fanout.pacing`: the pacer that spaces request starts to ``requests_per_second``;
- :mod:`~krsms.fanout.sources`: reading recipients into resolved entries, a chunk at a time
  (a stream's source, or ``send()``'s validated list), and closing a source handed over;
- :mod:`~krsms.fanout.batching`: :class:`Batch`, :class:`BatchAttempt`, and the batcher that
  groups entries into batches;
- :mod:`~krsms.fanout.reading`: the one task that reads a send's source, from its first
  entry to its close;
- :mod:`~krsms.fanout.job`: the scheduler of one send: the batches in flight, the source read
  ahead, the stop after a fatal answer and the settling of an interrupted send;
- :mod:`~krsms.fanout.gateway`: :class:`BatchingGateway`: the provider hooks, ``send``,
  ``send_stream`` and ``plan``, and sending, settling and reconciling one batch.

The names below are the package's public ones; the modules' other names are its own.
"""

from krsms.fanout.batching import Batch, BatchAttempt
from krsms.fanout.gateway import RECONCILE_DELAY, BatchingGateway, logger
from krsms.fanout.job import SOURCE_CLOSE_TIMEOUT
from krsms.fanout.outcome_codes import CANCELLED, JOB_STOPPED, LOCAL_INVALID, NOT_RECEIVED, SEND_FAILED
from krsms.fanout.sources import VALIDATION_SLICE

__all__ = [
    "CANCELLED",
    "JOB_STOPPED",
    "LOCAL_INVALID",
    "NOT_RECEIVED",
    "RECONCILE_DELAY",
    "SEND_FAILED",
    "SOURCE_CLOSE_TIMEOUT",
    "VALIDATION_SLICE",
    "Batch",
    "BatchAttempt",
    "BatchingGateway",
    "logger",
]

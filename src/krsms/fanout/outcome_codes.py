"""The ``RecipientOutcome.code`` values the fan-out gives itself, for code that matches on them.

A provider's answer carries its own code (its ``resultCode`` or ``statusCode``, or the error
code of a failed request), and a request that got no usable answer the exception's class
name (``ConnectError``, ``RequestTimeoutError``, ...). These are the codes of the outcomes
that no answer decided: what validation, a stop, a cancellation or a look-up settled.
"""

LOCAL_INVALID = "invalid"
"""``RecipientOutcome.code`` of a streamed recipient that failed validation (never sent)."""
JOB_STOPPED = "stopped"
"""``RecipientOutcome.code`` of recipients left NOT_SENT after a fatal error."""
CANCELLED = "cancelled"
"""``RecipientOutcome.code`` of recipients left NOT_SENT by cancellation."""
NOT_RECEIVED = "not_received"
"""``RecipientOutcome.code`` of recipients a reconciling look-up shows the provider never got."""
SEND_FAILED = "error"
"""``RecipientOutcome.code`` of a batch whose sending raised something other than a provider or
transport error (a failing ``on_sending``, a bug): NOT_SENT before its request could leave,
UNKNOWN after."""

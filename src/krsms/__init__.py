"""krsms: an asyncio-native SDK for the Korean SMS clouds NCP SENS and NHN Cloud SMS.

The provider-neutral API::

    from krsms import Message, SensGateway

    async with SensGateway(access_key=..., secret_key=..., service_id=...) as sens:
        report = await sens.send(Message(sender="0212345678", text="안녕하세요",
                                         recipients=["010-1234-5678"]))

Every name below is importable from ``krsms``; the full per-provider clients live in
``krsms.sens`` and ``krsms.nhn``.
"""

from krsms.errors import (
    AuthenticationError,
    BadRequestError,
    ConnectError,
    KrSmsError,
    MalformedResponseError,
    NotFoundError,
    PoolTimeoutError,
    ProviderError,
    RateLimitedError,
    RedirectError,
    RequestTimeoutError,
    ServerError,
    TransportError,
    UnsendableRequestError,
    ValidationError,
)
from krsms.gateway import (
    DeliveryResult,
    DeliveryStatus,
    Message,
    MessageKind,
    Outcomes,
    Recipient,
    RecipientOutcome,
    Recipients,
    RecipientSource,
    SendPlan,
    SendProgress,
    SendReport,
    SendStatus,
    SmsGateway,
    UploadedImage,
)
from krsms.nhn.gateway import NhnGateway
from krsms.retry import NO_RETRIES, RetryPolicy, RetryStrategy
from krsms.sens.gateway import SensGateway
from krsms.transport import Limits, Timeouts

__version__ = "0.1.0"

__all__ = [
    "NO_RETRIES",
    "AuthenticationError",
    "BadRequestError",
    "ConnectError",
    "DeliveryResult",
    "DeliveryStatus",
    "KrSmsError",
    "Limits",
    "MalformedResponseError",
    "Message",
    "MessageKind",
    "NhnGateway",
    "NotFoundError",
    "Outcomes",
    "PoolTimeoutError",
    "ProviderError",
    "RateLimitedError",
    "Recipient",
    "RecipientOutcome",
    "RecipientSource",
    "Recipients",
    "RedirectError",
    "RequestTimeoutError",
    "RetryPolicy",
    "RetryStrategy",
    "SendPlan",
    "SendProgress",
    "SendReport",
    "SendStatus",
    "SensGateway",
    "ServerError",
    "SmsGateway",
    "Timeouts",
    "TransportError",
    "UnsendableRequestError",
    "UploadedImage",
    "ValidationError",
    "__version__",
]

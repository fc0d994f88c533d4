"""NHN Cloud Notification SMS (API v2.2): :class:`NhnGateway` (provider-neutral) and
:class:`NhnClient` (every endpoint), typed errors and the two documented base URLs."""

from krsms.nhn.api import DEFAULT_BASE_URL, NHN_CLOUD_BASE_URL, Page
from krsms.nhn.auth import NhnAuth
from krsms.nhn.client import NhnClient
from krsms.nhn.errors import (
    AttachmentNotFoundError,
    CategoryError,
    CategoryNotFoundError,
    MessageTypeError,
    NhnAuthenticationError,
    NhnBadRequestError,
    NhnError,
    NhnNotFoundError,
    NhnRateLimitedError,
    NhnRequestFormatError,
    NhnServerError,
    ReservationPassedError,
    SenderNumberError,
    SendError,
    SendNotFoundError,
    StatisticsError,
    TagError,
    TemplateError,
    TemplateKindError,
    TemplateNotFoundError,
    UnsubscribeError,
    UnsubscribeNotInUseError,
)
from krsms.nhn.gateway import NhnGateway

__all__ = [
    "DEFAULT_BASE_URL",
    "NHN_CLOUD_BASE_URL",
    "AttachmentNotFoundError",
    "CategoryError",
    "CategoryNotFoundError",
    "MessageTypeError",
    "NhnAuth",
    "NhnAuthenticationError",
    "NhnBadRequestError",
    "NhnClient",
    "NhnError",
    "NhnGateway",
    "NhnNotFoundError",
    "NhnRateLimitedError",
    "NhnRequestFormatError",
    "NhnServerError",
    "Page",
    "ReservationPassedError",
    "SendError",
    "SendNotFoundError",
    "SenderNumberError",
    "StatisticsError",
    "TagError",
    "TemplateError",
    "TemplateKindError",
    "TemplateNotFoundError",
    "UnsubscribeError",
    "UnsubscribeNotInUseError",
]

"""NCP SENS SMS API v2: :class:`SensGateway` (provider-neutral), :class:`SensClient` (every
endpoint) and its typed error."""

from krsms.sens.auth import SensAuth
from krsms.sens.client import DEFAULT_BASE_URL, SensClient
from krsms.sens.errors import ServiceNotFoundError
from krsms.sens.gateway import SensGateway

__all__ = ["DEFAULT_BASE_URL", "SensAuth", "SensClient", "SensGateway", "ServiceNotFoundError"]

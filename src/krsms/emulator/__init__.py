"""A faithful local emulator of NCP SENS and NHN Cloud SMS (extra ``emulator``).

One ASGI app serves both APIs at their documented paths, verifies SENS signatures and
the NHN appKey, enforces the providers' limits with their own error shapes, stores what
it accepts so look-ups, reservations and cancels answer consistently, and injects faults
on demand::

    from krsms import SensGateway
    from krsms.emulator import (DEMO_SENS_ACCESS_KEY, DEMO_SENS_SECRET_KEY, DEMO_SENS_SERVICE_ID,
                                EmulatorConfig, EmulatorServer, Faults)

    with EmulatorServer(EmulatorConfig(faults=Faults(latency=0.05))) as server:
        gateway = SensGateway(access_key=DEMO_SENS_ACCESS_KEY, secret_key=DEMO_SENS_SECRET_KEY,
                              service_id=DEMO_SENS_SERVICE_ID, base_url=server.base_url)

or in-process: ``httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app()))``.
"""

try:
    import starlette  # noqa: F401
    import uvicorn  # noqa: F401
except ModuleNotFoundError as _missing:  # a core install: the emulator is the "emulator" extra
    raise ModuleNotFoundError(
        f"krsms.emulator needs the 'emulator' extra: pip install 'krsms[emulator]' ({_missing.name} is missing)",
        name=_missing.name,
    ) from None

from krsms.emulator.app import create_app
from krsms.emulator.config import (
    DEMO_NHN_APP_KEY,
    DEMO_SENS_ACCESS_KEY,
    DEMO_SENS_SECRET_KEY,
    DEMO_SENS_SERVICE_ID,
    INSPECTION_PREFIX,
    EmulatorConfig,
    Faults,
)
from krsms.emulator.ledger import Delivery, Ledger
from krsms.emulator.server import EmulatorServer

__all__ = [
    "DEMO_NHN_APP_KEY",
    "DEMO_SENS_ACCESS_KEY",
    "DEMO_SENS_SECRET_KEY",
    "DEMO_SENS_SERVICE_ID",
    "INSPECTION_PREFIX",
    "Delivery",
    "EmulatorConfig",
    "EmulatorServer",
    "Faults",
    "Ledger",
    "create_app",
]

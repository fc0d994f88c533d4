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

The emulator keeps its own copy of every provider limit it enforces, written from the
providers' documents: 90/2,000/40 EUC-KR bytes, NHN's 255/4,000/120 characters, 100 SENS
messages and 1,000 NHN recipients a request, 300 KB and 1500x1440 pixels an image, 60 days
ahead for a reservation, field lengths, page sizes and look-up windows (the ``MAX_*`` and
other constants of :mod:`~krsms.emulator.sens` and the :mod:`~krsms.emulator.nhn` modules).
It never imports the SDK's (:mod:`krsms.text`, :mod:`krsms.images`, :mod:`krsms.sens`,
:mod:`krsms.nhn`): it is the SDK's independent check, so a wrong limit in the SDK fails its
tests here instead of moving both sides at once. What it does import from the SDK are
helpers that read facts, not rules: :data:`krsms.convert.SEOUL` and
:func:`~krsms.convert.format_seoul_seconds` (the providers' time zone and how they write a
moment), :func:`krsms.images.jpeg_dimensions` (a JPEG header's width and height, which
the emulator compares with its own 1500x1440) and :func:`krsms.phone_numbers.calling_code` (the
E.164 calling code a number starts with, from the public numbering plan). A mistake in
one of those would be shared by both sides; keeping them to facts, never limits, keeps
what is shared small.
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

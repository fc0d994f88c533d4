"""The ``krsms`` command line (extra ``cli``): ``emulator``, ``demo``, ``send``, ``status``.

Commands are thin: they parse options and call :mod:`krsms.commands`. Credentials come
from flags or environment variables and are never echoed.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import importlib.util
import io
import logging
import math
import re
import signal
import socket
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import attrs


def _absent(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is None
    except ModuleNotFoundError:
        return True


# A core install, or one with some of the extra's packages only (typer, which other tools
# bring): the command line and its demo need all of the "cli" extra.
_MISSING = [module for module in ("typer", "rich", "PIL", "starlette", "uvicorn") if _absent(module)]
if _MISSING:
    raise SystemExit(
        f"krsms: the command line needs the 'cli' extra: pip install 'krsms[cli]' ({', '.join(_MISSING)} missing)"
    )

# After the check above, which names every missing package at once.
import typer  # noqa: E402

from krsms.emulator.config import (  # noqa: E402
    DEMO_NHN_APP_KEY,
    DEMO_SENS_ACCESS_KEY,
    DEMO_SENS_SECRET_KEY,
    DEMO_SENS_SERVICE_ID,
    EmulatorConfig,
    Faults,
)

if TYPE_CHECKING:
    from krsms.commands.gateways import Credentials

app: typer.Typer = typer.Typer(
    name="krsms",
    help="Korean SMS from Python: NCP SENS and NHN Cloud SMS, and a local emulator of both.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # older typer shows them by default: credentials included
)
RESERVE_AT_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]
"""What ``--reserve-at`` accepts: Asia/Seoul wall-clock times, whatever the typer version."""


def _finite(value: float | None) -> float | None:
    """Refuse ``nan`` and ``inf`` (``--requests-per-second``, ``demo --latency``)."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter("must be a finite number")
    return value


def _positive_seconds(value: float | None) -> float | None:
    """Refuse a number of seconds that is not positive and finite (``status --timeout``,
    ``send --request-timeout``)."""
    if value is not None and not (math.isfinite(value) and value > 0):
        raise typer.BadParameter(f"must be a positive number of seconds, not {value}")
    return value


def _print_version(asked: bool) -> None:
    if asked:
        from krsms import __version__

        typer.echo(f"krsms {__version__}")
        raise typer.Exit()


class _StderrLog(logging.Handler):
    """krsms's log records as ``<level>: <message>`` lines on the current ``sys.stderr``."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(f"{record.levelname.lower()}: {record.getMessage()}\n")
        except Exception:  # logging's own contract: report it, never raise
            self.handleError(record)


_LOG_LEVELS = {0: logging.CRITICAL + 1, 1: logging.WARNING}
"""What ``--verbose`` shows of krsms's log: nothing, warnings (``-v``), everything (``-vv``)."""


def _show_log(verbosity: int) -> None:
    """Give krsms's logger this command's handler (replacing an earlier one). Without
    ``-v`` it shows nothing: the command says itself what went wrong, and Python's last-resort
    handler would print each warning again, unformatted, among the command's lines."""
    krsms_logger = logging.getLogger("krsms")
    for handler in [handler for handler in krsms_logger.handlers if isinstance(handler, _StderrLog)]:
        krsms_logger.removeHandler(handler)
    krsms_logger.addHandler(_StderrLog(_LOG_LEVELS.get(verbosity, logging.DEBUG)))
    if verbosity > 1:
        krsms_logger.setLevel(logging.DEBUG)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Show the version and exit."
    ),
    verbose: int = typer.Option(
        0,
        "--verbose",
        "-v",
        count=True,
        help="Show krsms's log on stderr: -v its warnings (retries, stops), -vv everything (each request).",
    ),
) -> None:
    """krsms: send SMS through NCP SENS and NHN Cloud, or run the local emulator."""
    _show_log(verbose)


_IN_PS = "A key given as a flag shows in `ps` and in shell history: prefer the environment variable."
"""Said of every option that takes a key."""


@app.command()
def emulator(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on (keep it on loopback)."),
    port: int = typer.Option(
        8888, min=0, max=65535, help="Port to listen on; 0 picks a free one, which the first line printed names."
    ),
    sens_access_key: str = typer.Option(
        DEMO_SENS_ACCESS_KEY,
        envvar="KRSMS_EMULATOR_SENS_ACCESS_KEY",
        show_envvar=True,
        help=f"SENS access key to accept (default: the demo key). {_IN_PS}",
        show_default=False,
    ),
    sens_secret_key: str = typer.Option(
        DEMO_SENS_SECRET_KEY,
        envvar="KRSMS_EMULATOR_SENS_SECRET_KEY",
        show_envvar=True,
        help=f"SENS secret key to verify (default: the demo key). {_IN_PS}",
        show_default=False,
    ),
    sens_service_id: str = typer.Option(
        DEMO_SENS_SERVICE_ID,
        envvar="KRSMS_EMULATOR_SENS_SERVICE_ID",
        show_envvar=True,
        help="SENS service id to serve.",
    ),
    nhn_app_key: str = typer.Option(
        DEMO_NHN_APP_KEY,
        envvar="KRSMS_EMULATOR_NHN_APP_KEY",
        show_envvar=True,
        help=f"NHN appKey to accept (default: the demo key). {_IN_PS}",
        show_default=False,
    ),
    nhn_secret_key: str | None = typer.Option(
        None,
        envvar="KRSMS_EMULATOR_NHN_SECRET_KEY",
        show_envvar=True,
        help=f"Require this NHN X-Secret-Key. {_IN_PS}",
        show_default=False,
    ),
    latency: float = typer.Option(0.0, help="Seconds a send takes to be answered, processing included."),
    latency_jitter: float = typer.Option(0.0, help="Extra random seconds, up to this much."),
    rate_limit_rate: float = typer.Option(0.0, help="Share of sends answered 429."),
    retry_after: float = typer.Option(1.0, help="Retry-After seconds of injected 429s."),
    server_error_rate: float = typer.Option(0.0, help="Share of sends answered 500 before processing."),
    unavailable_rate: float = typer.Option(0.0, help="Share of sends answered 503 before processing."),
    drop_rate: float = typer.Option(0.0, help="Share of sends whose connection drops."),
    seed: int = typer.Option(0, help="Seed of the fault generator."),
    rejected_number: list[str] = typer.Option(
        [],
        envvar="KRSMS_EMULATOR_REJECTED_NUMBERS",
        show_envvar=True,
        metavar="NUMBER=CODE",
        help="NHN refuses this recipient with this resultCode of its error code table (-2019, say); SENS "
        "accepts it and fails its delivery with 3001. Repeatable; the variable takes pairs separated by spaces.",
        show_default=False,
    ),
    undeliverable_number: list[str] = typer.Option(
        [],
        envvar="KRSMS_EMULATOR_UNDELIVERABLE_NUMBERS",
        show_envvar=True,
        metavar="NUMBER=CODE",
        help="Both providers accept this recipient and its delivery fails with this code (3006, say). "
        "Repeatable; the variable takes pairs separated by spaces.",
        show_default=False,
    ),
    nhn_message_status: list[str] = typer.Option(
        [],
        envvar="KRSMS_EMULATOR_NHN_MESSAGE_STATUSES",
        show_envvar=True,
        metavar="NUMBER=STATUS",
        help="NHN accepts this recipient and its message ends in this msgStatus instead of 3: 0 failed, "
        "5 duplicate failure, 6 failed (advertising limit), 1 requested, 2 processing; SENS ignores it. "
        "Repeatable; the variable takes pairs separated by spaces.",
        show_default=False,
    ),
    sens_message_status: list[str] = typer.Option(
        [],
        envvar="KRSMS_EMULATOR_SENS_MESSAGE_STATUSES",
        show_envvar=True,
        metavar="NUMBER=STATUS",
        help="SENS accepts this recipient and its message stays in this status instead of COMPLETED, with no "
        "result: READY (never sent) or PROCESSING; NHN ignores it. Repeatable; the variable takes pairs "
        "separated by spaces.",
        show_default=False,
    ),
    sens_reservation_status: list[str] = typer.Option(
        [],
        envvar="KRSMS_EMULATOR_SENS_RESERVATION_STATUSES",
        show_envvar=True,
        metavar="NUMBER=STATUS",
        help="A SENS reservation to this recipient ends in this reserveStatus instead of DONE when its time "
        "comes: PROCESSING (nothing sent), FAIL or STALE (its request failed); NHN ignores it. Repeatable; the "
        "variable takes pairs separated by spaces.",
        show_default=False,
    ),
    unregistered_sender: list[str] = typer.Option(
        [],
        envvar="KRSMS_EMULATOR_UNREGISTERED_SENDERS",
        show_envvar=True,
        metavar="NUMBER",
        help="A sender number that is not registered: NHN answers -2312, SENS 400. Repeatable; the variable "
        "takes numbers separated by spaces.",
        show_default=False,
    ),
) -> None:
    """Run the SENS + NHN emulator under uvicorn until interrupted."""
    import uvicorn

    from krsms.commands import emulator_options
    from krsms.commands.stderr import print_error
    from krsms.emulator import create_app
    from krsms.emulator.collector import FreezeAfterEachRequest
    from krsms.emulator.server import GRACEFUL_SHUTDOWN, EmulatorHttpProtocol
    from krsms.errors import ValidationError

    try:
        faults = Faults(
            seed=seed,
            latency=latency,
            latency_jitter=latency_jitter,
            rate_limit_rate=rate_limit_rate,
            retry_after=retry_after,
            server_error_rate=server_error_rate,
            unavailable_rate=unavailable_rate,
            drop_rate=drop_rate,
        )
    except ValueError as invalid:
        # Faults names its fields (rate_limit_rate: ..., or several whose rates add up to more
        # than 1): say the flags they were given as.
        raise typer.BadParameter(
            _FAULT_FIELD.sub(lambda field: f"--{field[0].replace('_', '-')}", str(invalid))
        ) from None
    try:
        config = EmulatorConfig(
            sens_access_key=sens_access_key,
            sens_secret_key=sens_secret_key,
            sens_service_id=sens_service_id,
            nhn_app_key=nhn_app_key,
            nhn_secret_key=nhn_secret_key,
            faults=faults,
            rejected_numbers=emulator_options.rejected_numbers(rejected_number),
            undeliverable_numbers=emulator_options.undeliverable_numbers(undeliverable_number),
            nhn_message_statuses=emulator_options.nhn_message_statuses(nhn_message_status),
            sens_message_statuses=emulator_options.sens_message_statuses(sens_message_status),
            sens_reservation_statuses=emulator_options.sens_reservation_statuses(sens_reservation_status),
            unregistered_senders=emulator_options.unregistered_senders(unregistered_sender),
        )
    except ValidationError as refused:  # a key is named by its flag, never shown
        print_error(f"{_EMULATOR_FLAGS[refused.field]}: {refused.problem}")
        raise typer.Exit(2) from None
    except ValueError as conflicting:  # rules each valid alone (a number both rejected and undeliverable, say)
        print_error(_RULE_FIELD.sub(lambda field: _RULE_FLAGS[field[0]], str(conflicting)))
        raise typer.Exit(2) from None
    try:
        listening = _listening_socket(host, port)
    except OSError as error:
        # uvicorn would say so only after the line saying the emulator is on, and exit 3.
        print_error(f"the emulator cannot listen on {host} port {port}: {error.strerror or error} (--host, --port)")
        raise typer.Exit(2) from None
    address, bound_port = listening.getsockname()[:2]
    shown = f"[{address}]" if ":" in address else address
    typer.echo(f"krsms emulator on http://{shown}:{bound_port} (SENS /sms/v2, NHN /sms/v2.2); Ctrl-C stops it")
    server_app = create_app(config)
    server_app.add_middleware(FreezeAfterEachRequest)  # this process runs nothing else
    server = uvicorn.Server(
        uvicorn.Config(
            server_app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            date_header=False,
            http=EmulatorHttpProtocol,  # an injected dropped connection is one line, not a traceback
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN,  # a send held by --latency must not hold the stop
        )
    )
    answers_cut_short = _CutShortAtStop()
    logging.getLogger("uvicorn.error").addFilter(answers_cut_short)
    # uvicorn stops on SIGTERM as on Ctrl-C, then raises the signal again once its own handlers
    # are gone: as a KeyboardInterrupt it ends the command here, as Ctrl-C does, not the process.
    previous_sigterm = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        with listening, contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how it stops
            server.run(sockets=[listening])
    finally:
        signal.signal(signal.SIGTERM, previous_sigterm)
        logging.getLogger("uvicorn.error").removeFilter(answers_cut_short)


class _CutShortAtStop(logging.Filter):
    """Drops uvicorn's "Exception in ASGI application" traceback of a request cancelled as the
    emulator stops (still unanswered after the graceful shutdown's moment, or at a second
    Ctrl-C): the stop was asked for, and uvicorn says in a line how many it cancelled."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError))


_FAULT_FIELD = re.compile(rf"\b(?:{'|'.join(field.name for field in attrs.fields(Faults))})\b")
"""A field of :class:`~krsms.emulator.config.Faults` named in its error, each the emulator's
flag with ``-`` for ``_`` (the fields it has no flag for are never set by it)."""

_EMULATOR_FLAGS = {
    "sens_access_key": "--sens-access-key (KRSMS_EMULATOR_SENS_ACCESS_KEY)",
    "sens_secret_key": "--sens-secret-key (KRSMS_EMULATOR_SENS_SECRET_KEY)",
    "sens_service_id": "--sens-service-id (KRSMS_EMULATOR_SENS_SERVICE_ID)",
    "nhn_app_key": "--nhn-app-key (KRSMS_EMULATOR_NHN_APP_KEY)",
    "nhn_secret_key": "--nhn-secret-key (KRSMS_EMULATOR_NHN_SECRET_KEY)",
    "rejected_numbers": "--rejected-number (KRSMS_EMULATOR_REJECTED_NUMBERS)",
    "undeliverable_numbers": "--undeliverable-number (KRSMS_EMULATOR_UNDELIVERABLE_NUMBERS)",
    "nhn_message_statuses": "--nhn-message-status (KRSMS_EMULATOR_NHN_MESSAGE_STATUSES)",
    "sens_message_statuses": "--sens-message-status (KRSMS_EMULATOR_SENS_MESSAGE_STATUSES)",
    "sens_reservation_statuses": "--sens-reservation-status (KRSMS_EMULATOR_SENS_RESERVATION_STATUSES)",
    "unregistered_senders": "--unregistered-sender (KRSMS_EMULATOR_UNREGISTERED_SENDERS)",
}
"""The emulator's options that take a key (or the SENS service id) or a per-number rule, as
its errors name them."""

_RULE_FLAGS = {
    field: _EMULATOR_FLAGS[field].split(" ")[0]
    for field in (
        "rejected_numbers",
        "undeliverable_numbers",
        "nhn_message_statuses",
        "sens_message_statuses",
        "sens_reservation_statuses",
        "unregistered_senders",
    )
}
"""The per-number rules' fields of :class:`~krsms.emulator.EmulatorConfig` and their flags."""
_RULE_FIELD = re.compile(rf"\b(?:{'|'.join(_RULE_FLAGS)})\b")
"""A per-number rule's field named in a configuration error."""


def _listening_socket(host: str, port: int) -> socket.socket:
    """A socket listening on ``host`` and ``port`` (:func:`~krsms.emulator.server.bound_socket`);
    ``OSError`` when it cannot (the port taken, a host not found)."""
    from krsms.emulator.server import bound_socket

    listening = bound_socket(host, port)
    try:
        listening.listen(2048)
    except OSError:
        listening.close()
        raise
    return listening


@app.command()
def demo(
    recipients: int = typer.Option(
        3000, min=10, max=200_000, help="Campaign recipients per provider (plus an MMS to 5 and a reservation)."
    ),
    latency: float = typer.Option(
        0.02, min=0.0, max=60.0, callback=_finite, help="Seconds of emulated provider latency per request."
    ),
) -> None:
    """Send a realistic campaign through both gateways against the embedded emulator."""
    from rich.console import Console

    from krsms.commands.demo import run_demo
    from krsms.commands.stderr import print_note

    console = Console()
    received: list[signal.Signals] = []
    try:
        summaries = asyncio.run(run_demo(recipients=recipients, latency=latency, console=console, received=received))
    except (KeyboardInterrupt, asyncio.CancelledError) as interruption:
        print_note("interrupted: the demo stopped, and its emulator with it (it sends nowhere else)")
        interrupted = isinstance(interruption, KeyboardInterrupt) or signal.SIGINT in received
        raise typer.Exit(130 if interrupted else 143) from None
    if not all(summary.consistent for summary in summaries):
        console.print("[red]outcomes and the emulator's record disagree[/]")
        raise typer.Exit(1)


class Provider(str, enum.Enum):
    """What ``--provider`` takes, in any case (``SENS`` is ``sens``)."""

    SENS = "sens"
    NHN = "nhn"


class Kind(str, enum.Enum):
    """What ``--kind`` takes, in any case: the message type to send as, ``auto`` choosing SMS
    or LMS by the text's length."""

    AUTO = "auto"
    SMS = "sms"
    LMS = "lms"


# The options ``send`` and ``status`` share (typer option objects, not values): the provider,
# and its credentials from flags or the environment, never echoed.
PROVIDER_OPTION = typer.Option(..., case_sensitive=False, help="sens or nhn.")
"""``--provider``: the name of the provider to send through (``sens`` or ``nhn``)."""
ACCESS_KEY_OPTION = typer.Option(
    None, envvar="KRSMS_SENS_ACCESS_KEY", show_envvar=True, show_default=False, help=f"SENS access key. {_IN_PS}"
)
"""``--access-key`` (``KRSMS_SENS_ACCESS_KEY``)."""
SECRET_KEY_OPTION = typer.Option(
    None, envvar="KRSMS_SENS_SECRET_KEY", show_envvar=True, show_default=False, help=f"SENS secret key. {_IN_PS}"
)
"""``--secret-key`` (``KRSMS_SENS_SECRET_KEY``)."""
SERVICE_ID_OPTION = typer.Option(None, envvar="KRSMS_SENS_SERVICE_ID", show_envvar=True, help="SENS service id.")
"""``--service-id`` (``KRSMS_SENS_SERVICE_ID``)."""
APP_KEY_OPTION = typer.Option(
    None, envvar="KRSMS_NHN_APP_KEY", show_envvar=True, show_default=False, help=f"NHN appKey. {_IN_PS}"
)
"""``--app-key`` (``KRSMS_NHN_APP_KEY``)."""
NHN_SECRET_KEY_OPTION = typer.Option(
    None,
    envvar="KRSMS_NHN_SECRET_KEY",
    show_envvar=True,
    show_default=False,
    help=f"NHN X-Secret-Key, if the project requires one. {_IN_PS}",
)
"""``--nhn-secret-key`` (``KRSMS_NHN_SECRET_KEY``)."""


def _print_error(
    error: object,
    *,
    provider: str | None = None,
    template_id: str | None = None,
    kind: Kind = Kind.AUTO,
    then: str = "",
) -> None:
    """``error: <message>`` on stderr, the message shown as is (file names may look like rich
    markup), followed by ``then``; a :class:`~krsms.ValidationError` of an option is named by
    its flag, an NHN template refused by ``--template-id`` and the id, and a text too long
    for the SMS ``--kind sms`` asks for by that option too."""
    from krsms.commands.stderr import print_error

    print_error(_in_flags(error, provider, template_id=template_id, kind=kind) + then)


_FLAGS = {
    "sender": "--sender",
    "text": "--text",
    "subject": "--subject",
    "kind": "--kind",
    "template_id": "--template-id",
    "reserve_at": "--reserve-at",
    "advertisement": "--advertisement",
    "max_concurrency": "--max-concurrency",
    "requests_per_second": "--requests-per-second",
    "number_column": "--number-column",
    "base_url": "--base-url",
    "access_key": "--access-key (KRSMS_SENS_ACCESS_KEY)",
    "secret_key": "--secret-key (KRSMS_SENS_SECRET_KEY)",
    "service_id": "--service-id (KRSMS_SENS_SERVICE_ID)",
    "app_key": "--app-key (KRSMS_NHN_APP_KEY)",
    "request_id": "REQUEST_ID",
    "reserve_id": "REQUEST_ID",  # status asks SENS for a reservation (S5) by the request id
}
"""The options behind the fields the SDK's validation errors name."""
_SECRET_KEY_FLAGS = {
    "sens": "--secret-key (KRSMS_SENS_SECRET_KEY)",
    "nhn": "--nhn-secret-key (KRSMS_NHN_SECRET_KEY)",
}


_CLI_PROBLEMS = {
    ("template_id", "not supported"): "{value!r} names a template, but {provider} has none: leave out --template-id",
    ("template_id", "a template id (None for none)"): "{value!r} is empty or blank: leave it out, or name a template",
    ("request_id", "a request id"): "{value!r} is blank: give the request id of a send (its results' request_id)",
}
"""Problems the SDK words for its callers (``leave template_id None``), as the command says
them, by the field and limit of the :class:`~krsms.ValidationError`."""


def _in_flags(error: object, provider: str | None, *, template_id: str | None = None, kind: Kind = Kind.AUTO) -> str:
    """``error``'s message, naming the command-line option instead of the SDK field it checked
    (and, for an NHN template refused, ``--template-id`` and the id; for a ``--text`` too long
    for an SMS, ``--kind sms``)."""
    from krsms.commands.nhn_templates import refuses_template
    from krsms.errors import ValidationError
    from krsms.text import STANDARD_LIMITS

    if not isinstance(error, ValidationError):
        return f"--template-id {template_id}: {error}" if template_id and refuses_template(error) else str(error)
    flag = _SECRET_KEY_FLAGS.get(provider or "") if error.field == "secret_key" else _FLAGS.get(error.field)
    if flag is None:
        return str(error)
    said = _CLI_PROBLEMS.get((error.field, error.limit or ""))
    problem = said.format(value=error.value, provider=(provider or "this provider").upper()) if said else error.problem
    if error.field == "text" and kind is Kind.SMS and error.limit == f"{STANDARD_LIMITS.sms_bytes} bytes":
        problem += ": --kind sms sends it as an SMS (leave --kind out to send a text this long as LMS)"
    return f"{flag}: {problem}"


def _credentials(provider: Provider, *, required: bool, **keys: str | None) -> Credentials:
    """The provider's credentials; a usage error naming what is missing (never its value)."""
    from krsms.commands.gateways import Credentials

    credentials = Credentials(provider=provider.value, **keys)
    if required and credentials.missing():
        missing = [_FLAGS[key] for key in credentials.missing()]
        each, its = ("each", "its") if len(missing) > 1 else ("the", "the")
        raise typer.BadParameter(f"missing {', '.join(missing)}: set {each} environment variable (or give {its} flag)")
    return credentials


@app.command()
def send(
    recipients_file: Path = typer.Argument(
        ...,
        exists=True,
        dir_okay=False,
        help="CSV (number column; text, subject, template parameters) or one number a line.",
    ),
    provider: Provider = PROVIDER_OPTION,
    sender: str = typer.Option(..., help="Registered sender number."),
    text: str = typer.Option("", help="Message text (rows may carry their own in a 'text' column)."),
    subject: str | None = typer.Option(None, help="Subject of LMS/MMS."),
    kind: Kind = typer.Option(
        Kind.AUTO,
        case_sensitive=False,
        help="Message type: auto (SMS, or LMS for a text over 90 bytes), sms, or lms (a short text with its subject).",
    ),
    template_id: str | None = typer.Option(
        None, help="NHN template id: other CSV columns fill its ##key## placeholders, one column per key."
    ),
    number_column: str | None = typer.Option(
        None, help="The CSV column of the numbers, when several are named as one (전화번호 and 연락처, say)."
    ),
    advertisement: bool = typer.Option(False, "--advertisement", help="Send as an advertisement."),
    reserve_at: datetime | None = typer.Option(
        None, formats=RESERVE_AT_FORMATS, help="Reserve for this Asia/Seoul time (YYYY-MM-DD HH:MM)."
    ),
    results: Path = typer.Option(
        Path("krsms-results.csv"), help="Results file (.csv or .jsonl), appended as batches finish."
    ),
    resume: bool = typer.Option(False, "--resume", help="Skip recipients already settled in the results file."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate and show the batches; send nothing."),
    base_url: str | None = typer.Option(None, help="Provider base URL (e.g. the emulator's http://127.0.0.1:8888)."),
    max_concurrency: int = typer.Option(8, min=1, help="Requests in flight at once."),
    requests_per_second: float | None = typer.Option(None, callback=_finite, help="Cap on send requests per second."),
    request_timeout: float | None = typer.Option(
        None,
        callback=_positive_seconds,
        help="Give each request to the provider up after this many seconds (connecting, writing it, each wait "
        "for its answer): a batch whose request went out is then unknown, never sent again. Default: the SDK's "
        "(5 s to connect, 30 s each other wait).",
        show_default=False,
    ),
    access_key: str | None = ACCESS_KEY_OPTION,
    secret_key: str | None = SECRET_KEY_OPTION,
    service_id: str | None = SERVICE_ID_OPTION,
    app_key: str | None = APP_KEY_OPTION,
    nhn_secret_key: str | None = NHN_SECRET_KEY_OPTION,
) -> None:
    """Bulk send from a file, with a progress bar and a crash-safe results file."""
    from rich.console import Console

    from krsms.commands.file_sends import FileSend
    from krsms.commands.send import SendOptions, run_send
    from krsms.commands.send_summaries import interrupted_note, resume_hint
    from krsms.commands.stderr import print_note
    from krsms.convert import SEOUL
    from krsms.errors import KrSmsError
    from krsms.gateway import Message
    from krsms.text import MessageKind

    credentials = _credentials(
        provider,
        required=not dry_run,
        access_key=access_key,
        secret_key=secret_key,
        service_id=service_id,
        app_key=app_key,
        nhn_secret_key=nhn_secret_key,
    )
    message = Message(
        sender=sender,
        text=text,
        subject=subject,
        template_id=template_id,
        kind=MessageKind[kind.name],
        advertisement=advertisement,
        reserve_at=reserve_at.replace(tzinfo=SEOUL) if reserve_at and reserve_at.tzinfo is None else reserve_at,
    )
    options = SendOptions(
        recipients_path=recipients_file,
        results_path=results,
        number_column=number_column,
        resume=resume,
        dry_run=dry_run,
        base_url=base_url,
        max_concurrency=max_concurrency,
        requests_per_second=requests_per_second,
        request_timeout=request_timeout,
    )
    received: list[signal.Signals] = []
    record = FileSend()
    try:
        code = run_send(credentials, message, options, console=Console(), received=received, record=record)
    except KrSmsError as error:
        _print_error(
            error, provider=credentials.provider, template_id=template_id, kind=kind, then=resume_hint(record, results)
        )
        raise typer.Exit(2) from None
    except (KeyboardInterrupt, asyncio.CancelledError) as interruption:
        if dry_run:
            print_note("interrupted: nothing was sent (a dry run)")
        else:
            print_note(interrupted_note(record, results))
        interrupted = isinstance(interruption, KeyboardInterrupt) or signal.SIGINT in received
        raise typer.Exit(130 if interrupted else 143) from None
    raise typer.Exit(code)


@app.command()
def status(
    request_id: str = typer.Argument(..., help="The request id a send returned."),
    provider: Provider = PROVIDER_OPTION,
    base_url: str | None = typer.Option(None, help="Provider base URL (e.g. the emulator's)."),
    timeout: float | None = typer.Option(
        None,
        callback=_positive_seconds,
        help="Give the whole look-up up after this many seconds (exit 124). Default: no bound but the SDK's "
        "(up to 3 attempts of 30 s for each request).",
        show_default=False,
    ),
    access_key: str | None = ACCESS_KEY_OPTION,
    secret_key: str | None = SECRET_KEY_OPTION,
    service_id: str | None = SERVICE_ID_OPTION,
    app_key: str | None = APP_KEY_OPTION,
    nhn_secret_key: str | None = NHN_SECRET_KEY_OPTION,
) -> None:
    """Look up the delivery result of every recipient of a send request."""
    from rich.console import Console

    from krsms.commands.status import interrupted_note, run_status
    from krsms.commands.stderr import print_note
    from krsms.errors import KrSmsError

    credentials = _credentials(
        provider,
        required=True,
        access_key=access_key,
        secret_key=secret_key,
        service_id=service_id,
        app_key=app_key,
        nhn_secret_key=nhn_secret_key,
    )
    received: list[signal.Signals] = []
    try:
        code = asyncio.run(
            run_status(
                credentials,
                request_id,
                base_url=base_url,
                give_up_after=timeout,
                console=Console(),
                received=received,
            )
        )
    except KrSmsError as error:
        _print_error(error, provider=credentials.provider)
        raise typer.Exit(2) from None
    except (KeyboardInterrupt, asyncio.CancelledError) as interruption:
        print_note(interrupted_note(request_id))
        interrupted = isinstance(interruption, KeyboardInterrupt) or signal.SIGINT in received
        raise typer.Exit(130 if interrupted else 143) from None
    raise typer.Exit(code)


def _escape_what_output_cannot_encode() -> None:
    """Let stdout and stderr show a character their encoding lacks as an escape (``\\uc131``):
    on an ASCII one (``PYTHONIOENCODING=ascii``, a Windows console's code page) the first Korean
    text printed (a column name, a results file's name, a provider's detail) raised
    UnicodeEncodeError, a traceback in place of the output, after the send when the summary
    named the results file."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="backslashreplace")


def main() -> None:
    """Entry point of the ``krsms`` script."""
    _escape_what_output_cannot_encode()
    app()


if __name__ == "__main__":
    main()

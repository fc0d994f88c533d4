"""The ``krsms`` command line (extra ``cli``): ``emulator``, ``demo``, ``send``, ``status``.

Commands are thin: they parse options and call :mod:`krsms.commands`. Credentials come
from flags or environment variables and are never echoed.
"""

from __future__ import annotations

import typer

from krsms.emulator.config import (
    DEMO_NHN_APP_KEY,
    DEMO_SENS_ACCESS_KEY,
    DEMO_SENS_SECRET_KEY,
    DEMO_SENS_SERVICE_ID,
    EmulatorConfig,
    Faults,
)

app = typer.Typer(
    name="krsms",
    help="Korean SMS from Python: NCP SENS and NHN Cloud SMS, and a local emulator of both.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """krsms: send SMS through NCP SENS and NHN Cloud, or run the local emulator."""


@app.command()
def emulator(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on (keep it on loopback)."),
    port: int = typer.Option(8888, help="Port to listen on."),
    sens_access_key: str = typer.Option(DEMO_SENS_ACCESS_KEY, help="SENS access key to accept.", show_default=False),
    sens_secret_key: str = typer.Option(DEMO_SENS_SECRET_KEY, help="SENS secret key to verify.", show_default=False),
    sens_service_id: str = typer.Option(DEMO_SENS_SERVICE_ID, help="SENS service id to serve."),
    nhn_app_key: str = typer.Option(DEMO_NHN_APP_KEY, help="NHN appKey to accept.", show_default=False),
    nhn_secret_key: str | None = typer.Option(None, help="Require this NHN X-Secret-Key.", show_default=False),
    latency: float = typer.Option(0.0, help="Seconds added to every send."),
    latency_jitter: float = typer.Option(0.0, help="Extra random seconds, up to this much."),
    rate_limit_rate: float = typer.Option(0.0, help="Share of sends answered 429."),
    retry_after: float = typer.Option(1.0, help="Retry-After seconds of injected 429s."),
    server_error_rate: float = typer.Option(0.0, help="Share of sends answered 500 before processing."),
    unavailable_rate: float = typer.Option(0.0, help="Share of sends answered 503 before processing."),
    drop_rate: float = typer.Option(0.0, help="Share of sends whose connection drops."),
    seed: int = typer.Option(0, help="Seed of the fault generator."),
) -> None:
    """Run the SENS + NHN emulator under uvicorn until interrupted."""
    import uvicorn

    from krsms.emulator import create_app

    config = EmulatorConfig(
        sens_access_key=sens_access_key,
        sens_secret_key=sens_secret_key,
        sens_service_id=sens_service_id,
        nhn_app_key=nhn_app_key,
        nhn_secret_key=nhn_secret_key,
        faults=Faults(
            seed=seed,
            latency=latency,
            latency_jitter=latency_jitter,
            rate_limit_rate=rate_limit_rate,
            retry_after=retry_after,
            server_error_rate=server_error_rate,
            unavailable_rate=unavailable_rate,
            drop_rate=drop_rate,
        ),
    )
    typer.echo(f"krsms emulator on http://{host}:{port} (SENS /sms/v2, NHN /sms/v2.2); Ctrl-C stops it")
    uvicorn.run(
        create_app(config),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        date_header=False,
    )


def main() -> None:
    """Entry point of the ``krsms`` script."""
    app()


if __name__ == "__main__":
    main()

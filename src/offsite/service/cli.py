"""``offsite serve`` (mounted by the main CLI together with ``offsite keys``)."""

from __future__ import annotations

import logging
import os
import pathlib
import sys
from typing import Annotated, Any

import typer

from offsite.service.keys import KeyFileError, KeyRing
from offsite.service.settings import Settings, SettingsError, load_settings


def check_bind(settings: Settings, keyring: KeyRing) -> str | None:
    """Why ``settings`` may not be served (a public address with no API key), or ``None``."""
    if settings.is_loopback or settings.insecure or not keyring.empty:
        return None
    return (
        f"refusing to serve {settings.host}: no API key is configured, so anyone who can reach this "
        "address could use the service. Create one with 'offsite keys create --scope check "
        f"--data-dir {settings.data_dir}', bind 127.0.0.1, or pass --insecure."
    )


def log_config(level: str, access_log: bool) -> dict[str, Any]:
    """Logging for uvicorn and offsite: plain lines on stderr, no request bodies ever."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain",
                                "stream": "ext://sys.stderr"}},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn.access": {"handlers": ["stderr"], "level": "INFO" if access_log else "WARNING",
                               "propagate": False},
            "offsite": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
        },
    }


def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (default 127.0.0.1, or the config file).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    data_dir: Annotated[pathlib.Path | None, typer.Option(
        "--data-dir", help="Data directory: SQLite store, API-key hashes (default ./offsite-data).")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (default 1).")] = None,
    config: Annotated[pathlib.Path | None, typer.Option(
        "--config", help="A TOML settings file (else $OFFSITE_CONFIG or <data-dir>/offsite.toml).")] = None,
    insecure: Annotated[bool, typer.Option(
        "--insecure", help="Allow a public address with no API key (never in production).")] = False,
    no_web: Annotated[bool, typer.Option("--no-web", help="Serve the API only (no demo, no console).")] = False,
) -> None:
    """Run the HTTP service: JSON API, demo community and moderator console."""
    import uvicorn

    if config is not None:
        os.environ["OFFSITE_CONFIG"] = str(config)
    if data_dir is not None:
        os.environ["OFFSITE_DATA_DIR"] = str(data_dir)
    try:
        settings = load_settings(host=host, port=port, data_dir=data_dir, workers=workers,
                                 insecure=True if insecure else None, web=False if no_web else None)
        keyring = KeyRing.load(settings.keys_file)
    except (SettingsError, KeyFileError) as exc:
        typer.echo(f"offsite serve: {exc}", err=True)
        raise typer.Exit(2) from None
    problem = check_bind(settings, keyring)
    if problem:
        typer.echo(f"offsite serve: {problem}", err=True)
        raise typer.Exit(2)
    # Worker processes build the app from the environment: hand the resolved settings down.
    for name, value in (("HOST", settings.host), ("PORT", settings.port), ("DATA_DIR", settings.data_dir),
                        ("INSECURE", settings.insecure), ("WEB", settings.web)):
        os.environ[f"OFFSITE_{name}"] = str(value).lower() if isinstance(value, bool) else str(value)
    from offsite.service.app import create_app, shutdown_app
    from offsite.service.backends import BackendError

    try:  # open the store and state here, so that a bad URL is one clear line, not a traceback
        app = create_app(settings)
    except (BackendError, KeyFileError, SettingsError, OSError) as exc:
        typer.echo(f"offsite serve: {exc}", err=True)
        raise typer.Exit(2) from None
    if settings.workers > 1:
        shutdown_app(app)  # each worker builds its own from the environment
    mode = "API keys required" if not keyring.empty else "no API keys: this machine only"
    typer.echo(f"offsite: serving http://{settings.host}:{settings.port} ({settings.workers} worker(s), "
               f"{mode}); data in {settings.data_dir}", err=True)
    logging.captureWarnings(True)
    uvicorn.run(
        app if settings.workers == 1 else "offsite.service.app:create_app_from_env",
        factory=settings.workers > 1,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_config=log_config(settings.log_level, settings.access_log),
        access_log=settings.access_log,
        server_header=False,
        proxy_headers=False,
        timeout_graceful_shutdown=10,
    )
    sys.exit(0)

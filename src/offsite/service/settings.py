"""Service settings: environment variables ``OFFSITE_*``, then an optional TOML file, then defaults.

Zero configuration works: the data directory defaults to ``./offsite-data`` and holds the
embedded SQLite store, the API-key hashes and the contact-hashing key.

The TOML file is ``$OFFSITE_CONFIG`` when set, else ``<data_dir>/offsite.toml`` when it exists.
Its keys are the field names below (``port = 8080``), at top level or under ``[service]``.
Environment variables win over the file.
"""

from __future__ import annotations

import functools
import ipaddress
import os
import pathlib
import tomllib
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from pydantic_settings import SettingsError as SourceError

DEFAULT_DATA_DIR = pathlib.Path("offsite-data")


class SettingsError(ValueError):
    """Raised for bad configuration; the message names the setting and where it came from."""


class Settings(BaseSettings):
    """Everything the HTTP service can be configured with (all optional)."""

    model_config = SettingsConfigDict(env_prefix="OFFSITE_", frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    data_dir: pathlib.Path = DEFAULT_DATA_DIR
    #: SQLAlchemy URL of the store; the embedded SQLite file in ``data_dir`` when empty.
    database_url: str | None = None
    #: ``redis://`` URL of the shared conversation state; in-memory when empty.
    redis_url: str | None = None
    #: What to do when the store fails: ``open`` keeps checking, ``closed`` refuses.
    fail_mode: Literal["open", "closed"] = "open"
    #: Queue decision records and write them in batches a few times a second, so that no check
    #: waits on the database (a killed process loses the last fraction of a second of records).
    write_behind: bool = True
    #: Allow binding a non-loopback address with no API key configured.
    insecure: bool = False
    #: Largest accepted request body in bytes (bigger ones get 413).
    max_body_bytes: int = Field(64 * 1024, ge=256)
    #: Largest accepted text in characters (longer ones get 422).
    max_text_chars: int = Field(20_000, ge=1)
    #: Requests per second allowed per API key (0 turns rate limiting off).
    rate_limit_per_second: float = Field(200.0, ge=0)
    #: Burst size of the per-key token bucket.
    rate_limit_burst: int = Field(400, ge=1)
    #: Origins allowed by CORS (``*`` for any); none by default.
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()
    #: Serve the demo community and the moderator console.
    web: bool = True
    #: Number of uvicorn worker processes for ``offsite serve``.
    workers: int = Field(1, ge=1, le=64)
    #: Requests served on one keep-alive connection before the server asks the client to open a
    #: new one (``Connection: close`` on the last answer, as nginx's ``keepalive_requests``), so
    #: that connections spread again over the worker processes; 0 keeps connections forever.
    keepalive_requests: int = Field(200, ge=0)
    #: Access log (never contains bodies, so never contact values).
    access_log: bool = False
    log_level: Literal["critical", "error", "warning", "info", "debug"] = "info"

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(o.strip() for o in value.split(",") if o.strip())
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Init arguments, then the environment, then the TOML file."""
        return (init_settings, env_settings, _TomlSource(settings_cls))

    @property
    def keys_file(self) -> pathlib.Path:
        """Where the API-key hashes live."""
        return self.data_dir / "api_keys.json"

    @property
    def is_loopback(self) -> bool:
        """True when ``host`` only accepts connections from this machine."""
        return is_loopback_host(self.host)


@functools.lru_cache(maxsize=1024)  # asked on every request when only loopback is served
def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` and loopback IP addresses."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _TomlSource(PydanticBaseSettingsSource):
    """Reads ``$OFFSITE_CONFIG`` or ``<data_dir>/offsite.toml``."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        """Unused: ``__call__`` reads the whole file."""
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        """The settings found in the TOML file (empty when there is none)."""
        path_text = os.environ.get("OFFSITE_CONFIG")
        if path_text:
            path = pathlib.Path(path_text)
            if not path.is_file():
                raise SettingsError(f"OFFSITE_CONFIG: no such file: {path}")
        else:
            data_dir = pathlib.Path(os.environ.get("OFFSITE_DATA_DIR") or DEFAULT_DATA_DIR)
            path = data_dir / "offsite.toml"
            if not path.is_file():
                return {}
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"{path}: cannot read settings: {exc}") from None
        section = data.get("service", data)
        if not isinstance(section, dict):
            raise SettingsError(f"{path}: [service] must be a table")
        return {k: v for k, v in section.items() if k != "service"}


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment and file, with ``overrides`` (non-None values) on top.

    Raises :class:`SettingsError` with the offending setting named, never a traceback."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)
    except ValidationError as exc:
        problems = "; ".join(
            f"{_setting_name(err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise SettingsError(f"invalid settings: {problems}") from None
    except SourceError as exc:
        raise SettingsError(f"invalid settings: {exc}") from None


def _setting_name(loc: tuple[int | str, ...]) -> str:
    if not loc:
        return "settings"
    name = ".".join(str(p) for p in loc)
    return f"{name} (OFFSITE_{str(loc[0]).upper()})"

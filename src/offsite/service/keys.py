"""API keys: created once, shown once, stored only as salted hashes, compared in constant time.

A key looks like ``osk_<id>_<secret>``. The key file (``<data_dir>/api_keys.json``) holds, per
key, its id, a salt, ``sha256(salt + secret)``, its scopes and a label. The ``id`` part lets the
service find the record without scanning; the secret is checked with :func:`hmac.compare_digest`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pathlib
import secrets
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

import typer

PREFIX = "osk"


class Scope(StrEnum):
    """What a key may do: ``check`` texts, or ``moderate`` (review queue, strikes)."""

    CHECK = "check"
    MODERATE = "moderate"


class KeyFileError(ValueError):
    """The key file cannot be read or is malformed; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class ApiKey:
    """One stored key (never the secret itself)."""

    key_id: str
    salt: str
    digest: str
    scopes: frozenset[Scope]
    label: str
    created: float

    def matches(self, secret: str) -> bool:
        """Constant-time comparison of ``secret`` against the stored hash."""
        candidate = _digest(self.salt, secret)
        return hmac.compare_digest(candidate, self.digest)

    def to_dict(self) -> dict[str, Any]:
        """JSON form for the key file."""
        return {
            "id": self.key_id,
            "salt": self.salt,
            "sha256": self.digest,
            "scopes": sorted(s.value for s in self.scopes),
            "label": self.label,
            "created": self.created,
        }


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the key id (or ``anonymous`` when no keys are configured) and scopes."""

    key_id: str
    scopes: frozenset[Scope]


ANONYMOUS = Principal("anonymous", frozenset(Scope))


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode("utf-8")).hexdigest()


class KeyRing:
    """The configured keys, loaded from the key file (read-only once loaded)."""

    def __init__(self, keys: dict[str, ApiKey]) -> None:
        self._keys = dict(keys)

    @property
    def empty(self) -> bool:
        """True when no key is configured (the service then serves loopback only, unauthenticated)."""
        return not self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def keys(self) -> list[ApiKey]:
        """The stored keys, oldest first."""
        return sorted(self._keys.values(), key=lambda k: k.created)

    def authenticate(self, token: str) -> Principal | None:
        """The principal for a presented key, or ``None`` when it is unknown or wrong."""
        parts = token.strip().split("_")
        if len(parts) != 3 or parts[0] != PREFIX:
            # Still spend a comparison so that malformed and wrong keys take similar time.
            hmac.compare_digest("0" * 64, "1" * 64)
            return None
        key = self._keys.get(parts[1])
        if key is None:
            hmac.compare_digest("0" * 64, "1" * 64)
            return None
        if not key.matches(parts[2]):
            return None
        return Principal(key.key_id, key.scopes)

    @classmethod
    def load(cls, path: pathlib.Path) -> KeyRing:
        """Keys from ``path``; an empty ring when the file does not exist."""
        if not path.exists():
            return cls({})
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise KeyFileError(f"{path}: cannot read key file: {exc}") from None
        entries = data.get("keys") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise KeyFileError(f"{path}: expected an object with a 'keys' list")
        keys: dict[str, ApiKey] = {}
        for i, entry in enumerate(entries):
            try:
                key = ApiKey(
                    key_id=str(entry["id"]),
                    salt=str(entry["salt"]),
                    digest=str(entry["sha256"]),
                    scopes=frozenset(Scope(s) for s in entry["scopes"]),
                    label=str(entry.get("label", "")),
                    created=float(entry.get("created", 0.0)),
                )
                bytes.fromhex(key.salt)
            except (KeyError, TypeError, ValueError) as exc:
                raise KeyFileError(f"{path}: keys[{i}]: malformed entry ({exc})") from None
            keys[key.key_id] = key
        return cls(keys)

    def save(self, path: pathlib.Path) -> None:
        """Write the ring to ``path`` atomically, readable by the owner only."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        payload = json.dumps({"keys": [k.to_dict() for k in self.keys()]}, indent=2)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(payload + "\n")
        os.replace(tmp, path)

    def with_new_key(self, scopes: frozenset[Scope], label: str = "") -> tuple[KeyRing, str]:
        """A new ring holding one more key, and that key's full token (shown once)."""
        if not scopes:
            raise ValueError("a key needs at least one scope")
        key_id = secrets.token_hex(6)
        while key_id in self._keys:
            key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32).replace("_", "-")
        salt = secrets.token_hex(16)
        key = ApiKey(key_id, salt, _digest(salt, secret), scopes, label, time.time())
        return KeyRing({**self._keys, key_id: key}), f"{PREFIX}_{key_id}_{secret}"

    def without(self, key_id: str) -> KeyRing:
        """A new ring without the key ``key_id``; ``KeyError`` when it does not exist."""
        if key_id not in self._keys:
            raise KeyError(key_id)
        return KeyRing({k: v for k, v in self._keys.items() if k != key_id})


def create_key(data_dir: pathlib.Path, scopes: frozenset[Scope], label: str = "") -> str:
    """Create a key in ``data_dir``'s key file and return its token (the only time it is shown)."""
    path = data_dir / "api_keys.json"
    ring, token = KeyRing.load(path).with_new_key(scopes, label)
    ring.save(path)
    return token


# --- the ``offsite keys`` command -------------------------------------------------------------

keys_app = typer.Typer(help="Manage API keys of the HTTP service (stored hashed in the data dir).",
                       no_args_is_help=True)

DataDirOption = Annotated[
    pathlib.Path,
    typer.Option("--data-dir", "-d", envvar="OFFSITE_DATA_DIR", help="The service's data directory."),
]


@keys_app.command("create")
def keys_create(
    scope: Annotated[list[Scope], typer.Option("--scope", "-s", help="check or moderate (repeatable).")],
    label: Annotated[str, typer.Option("--label", "-l", help="A note to recognise the key.")] = "",
    data_dir: DataDirOption = pathlib.Path("offsite-data"),
) -> None:
    """Create an API key; the key is printed once and only its hash is stored."""
    try:
        token = create_key(data_dir, frozenset(scope), label)
    except (KeyFileError, OSError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(token)
    typer.echo(f"scopes: {', '.join(sorted(s.value for s in scope))}. Store it now: it is not shown again.",
               err=True)


@keys_app.command("list")
def keys_list(data_dir: DataDirOption = pathlib.Path("offsite-data")) -> None:
    """List key ids, scopes and labels (never secrets)."""
    try:
        ring = KeyRing.load(data_dir / "api_keys.json")
    except KeyFileError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if ring.empty:
        typer.echo("no API keys (the service serves loopback only, unauthenticated)")
    for key in ring.keys():
        created = time.strftime("%Y-%m-%d %H:%M", time.gmtime(key.created))
        typer.echo(f"{key.key_id}\t{','.join(sorted(s.value for s in key.scopes))}\t{created}\t{key.label}")


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The id shown by 'offsite keys list'.")],
    data_dir: DataDirOption = pathlib.Path("offsite-data"),
) -> None:
    """Revoke a key (running servers pick it up on restart)."""
    path = data_dir / "api_keys.json"
    try:
        KeyRing.load(path).without(key_id).save(path)
    except KeyError:
        typer.echo(f"error: no key with id {key_id!r} in {path}", err=True)
        raise typer.Exit(2) from None
    except (KeyFileError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"revoked {key_id}")

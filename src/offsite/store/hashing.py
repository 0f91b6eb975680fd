"""Contact values are never stored in clear: a keyed hash to match them, a masked form to show.

The hash is HMAC-SHA256 under a per-site secret (``OFFSITE_HASH_KEY``, else a key generated once
and kept in ``<data_dir>/hash.key``), so the same phone number posted from two accounts gives the
same hash while the hash alone reveals nothing to someone without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from offsite.models import Finding, Kind

HASH_KEY_ENV = "OFFSITE_HASH_KEY"
HASH_KEY_FILE = "hash.key"
MIN_KEY_BYTES = 16

#: Kinds whose findings carry a contact value worth hashing (a solicitation is only a request).
HASHED_KINDS = frozenset({Kind.EMAIL, Kind.PHONE, Kind.URL, Kind.INVITE, Kind.HANDLE, Kind.ADDRESS})


class HashKeyError(ValueError):
    """The configured hashing key is unusable; the message says where it came from."""


def load_hash_key(data_dir: Path, explicit: bytes | None = None) -> bytes:
    """The HMAC key: ``explicit``, else ``$OFFSITE_HASH_KEY``, else ``<data_dir>/hash.key``
    (generated with 32 random bytes and mode 0600 when it does not exist yet)."""
    if explicit is not None:
        if len(explicit) < MIN_KEY_BYTES:
            raise HashKeyError(f"hash_key: must be at least {MIN_KEY_BYTES} bytes")
        return explicit
    env = os.environ.get(HASH_KEY_ENV)
    if env:
        key = env.encode("utf-8")
        if len(key) < MIN_KEY_BYTES:
            raise HashKeyError(f"{HASH_KEY_ENV}: must be at least {MIN_KEY_BYTES} characters")
        return key
    path = data_dir / HASH_KEY_FILE
    try:
        if path.exists():
            text = path.read_text(encoding="ascii").strip()
            key = bytes.fromhex(text)
            if len(key) < MIN_KEY_BYTES:
                raise HashKeyError(f"{path}: key shorter than {MIN_KEY_BYTES} bytes")
            return key
        data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key.hex() + "\n")
        return key
    except FileExistsError:  # another process created it between exists() and open()
        return load_hash_key(data_dir, None)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        if isinstance(exc, HashKeyError):
            raise
        raise HashKeyError(f"{path}: cannot read or create the hashing key ({type(exc).__name__})") from None


def canonical_contact(kind: Kind, value: str) -> str:
    """The form that is hashed: kind-prefixed, case-folded where case does not matter."""
    value = value.strip()
    if kind == Kind.PHONE:
        plus = "+" if value.startswith("+") else ""
        value = plus + re.sub(r"\D", "", value)
    elif kind == Kind.ADDRESS:
        value = " ".join(value.casefold().split())
    else:
        value = value.casefold()
    return f"{kind.value}:{value}"


def contact_hash(key: bytes, kind: Kind, value: str) -> str:
    """Hex HMAC-SHA256 of the canonical contact under ``key``."""
    return hmac.new(key, canonical_contact(kind, value).encode("utf-8"), hashlib.sha256).hexdigest()


def _mask_word(word: str) -> str:
    return (word[:1] + "***") if word else "***"


def mask_contact(kind: Kind, value: str) -> str:
    """A form a moderator may see: enough to recognise the kind, never the value.

    ``jane@gmail.com`` -> ``j***@g***.com``; ``+15550100192`` -> ``***-***-0192``;
    ``linktr.ee/jane`` -> ``l***.ee/***``; ``discord.gg/abc`` -> ``discord.gg/***``;
    ``instagram:jane_d`` -> ``instagram:j***``; ``12 Baker Street`` -> ``1*** B*** S***``.
    """
    value = value.strip()
    if kind == Kind.EMAIL and "@" in value:
        local, _, domain = value.rpartition("@")
        labels = domain.split(".")
        tld = labels[-1] if len(labels) > 1 else ""
        masked_domain = _mask_word(labels[0]) + (f".{tld}" if tld else "")
        return f"{_mask_word(local)}@{masked_domain}"
    if kind == Kind.PHONE:
        digits = re.sub(r"\D", "", value)
        return "***-***-" + (digits[-4:] if len(digits) >= 7 else "**")
    if kind == Kind.INVITE:
        host = re.split(r"[/?#]", re.sub(r"^[a-z]+://", "", value.casefold()), maxsplit=1)[0]
        return f"{host}/***"
    if kind == Kind.URL:
        rest = re.sub(r"^[a-z]+://", "", value.casefold())
        host, sep, _path = rest.partition("/")
        labels = host.split(".")
        masked = _mask_word(labels[0]) + ("." + labels[-1] if len(labels) > 1 else "")
        return masked + ("/***" if sep else "")
    if kind == Kind.HANDLE:
        platform, sep, name = value.rpartition(":")
        name = name.lstrip("@")
        return f"{platform}:{_mask_word(name)}" if sep else _mask_word(name)
    return " ".join(_mask_word(word) for word in value.split()) or "***"


def finding_contact(finding: Finding) -> tuple[Kind, str] | None:
    """The (kind, value) a finding shares, or ``None`` for a bare request."""
    if finding.kind not in HASHED_KINDS:
        return None
    value = finding.value or finding.text
    return (finding.kind, value) if value.strip() else None

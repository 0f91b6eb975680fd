"""Opening the store (decisions, review queue, strikes) and the conversation state for the service.

The store is :class:`offsite.store.Store` (embedded SQLite in the data directory by default,
PostgreSQL by ``OFFSITE_DATABASE_URL``); the conversation state is in memory by default and in
Redis by ``OFFSITE_REDIS_URL``.
"""

from __future__ import annotations

import pathlib
from typing import Any

from offsite.store import Store


class BackendError(RuntimeError):
    """A backend cannot be opened; the message names which one and why (no secrets)."""


def open_store(database_url: str | None, data_dir: pathlib.Path, fail_mode: str,
               write_behind: bool = False) -> Store:
    """Open and migrate the store."""
    try:
        store = Store.from_url(database_url, data_dir, fail_mode=fail_mode, write_behind=write_behind)
    except ValueError as exc:
        raise BackendError(f"store: {exc}") from None
    try:
        store.migrate()
    except Exception as exc:
        store.close()
        raise BackendError(f"store: cannot migrate the database ({type(exc).__name__})") from None
    return store


def open_state(redis_url: str | None) -> Any:
    """The conversation state store: Redis when ``redis_url`` is set, else in memory."""
    from offsite import conversation

    if redis_url:
        try:
            return conversation.RedisStateStore(redis_url)
        except Exception as exc:
            raise BackendError(f"state: cannot connect to Redis ({type(exc).__name__})") from None
    return conversation.MemoryStateStore()

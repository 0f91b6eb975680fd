"""Where conversation windows live: the ``StateStore`` interface and its in-memory
implementation.

A store maps a key (one per conversation) to a small JSON string with a time to live. The only
write is :meth:`StateStore.update`, an atomic read-modify-write, so that two workers handling
messages of the same conversation at the same time never lose each other's pieces. Stores raise
:class:`StateStoreError` (and nothing else) when they cannot answer; the tracker turns that into
a degraded decision instead of an exception.

Memory use of :class:`MemoryStateStore` is bounded twice: by the number of conversations
(``max_entries``, default 100,000, least recently used evicted first) and by ``max_bytes``
(default 64 MiB), an upper bound on the Python heap the entries occupy: every entry is charged
``ENTRY_OVERHEAD`` bytes plus ``sys.getsizeof`` of its key and value, which over-estimates what
CPython allocates (``tests/test_conversation.py`` checks it with ``tracemalloc``). Entries also
expire after their time to live (the window's ``max_seconds``).

What one conversation costs with the default window settings (measured; see
``benchmarks/results/conversation.md``):

* typical: about 200 bytes of JSON, about 0.8 KB charged (dev conversation set), so 64 MiB holds
  some 80,000 conversations before the least recently used is evicted;
* largest possible: about 18 KB of JSON, about 48 KB charged (8 senders x 6 kept pieces of 64
  four-byte characters, 128-character ids), so 64 MiB holds at least 1,300 of those.

An evicted window only means that contact split across its earlier messages is no longer
pieced together; single-message detection is unaffected.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, cast, runtime_checkable

#: ``change(current)`` returns the new value, or None to delete the key.
Change = Callable[[str | None], str | None]


class StateStoreError(RuntimeError):
    """The store could not be read or written (unreachable, timed out, too much contention)."""


@runtime_checkable
class StateStore(Protocol):
    """Shared conversation state: small JSON strings with a time to live, one per key."""

    def get(self, key: str) -> str | None:
        """The value stored at ``key``, or None when there is none (or it expired)."""
        ...

    def update(self, key: str, change: Change, ttl_seconds: float) -> None:
        """Atomically replace the value at ``key`` by ``change(current)`` (None deletes it) and
        let it expire ``ttl_seconds`` later. ``change`` may be called more than once when a
        concurrent writer got there first; it must not have side effects beyond recording its
        last result."""
        ...

    def delete(self, key: str) -> None:
        """Remove ``key`` (no error when it is absent)."""
        ...

    def close(self) -> None:
        """Release connections; the store is not used afterwards."""
        ...


@runtime_checkable
class AsyncStateStore(Protocol):
    """A :class:`StateStore` that can also update without blocking an asyncio event loop."""

    async def update_async(self, key: str, change: Change, ttl_seconds: float) -> None:
        """:meth:`StateStore.update`, awaited."""
        ...


async def update_async(store: StateStore, key: str, change: Change, ttl_seconds: float, *,
                       awaitable: bool | None = None) -> None:
    """``store.update`` from an event loop: awaited where the store can (network stores), called
    directly otherwise (in-process stores answer at once). ``awaitable``: whether ``store`` is an
    :class:`AsyncStateStore`, when the caller already knows."""
    if awaitable is None:
        awaitable = isinstance(store, AsyncStateStore)
    if awaitable:
        await cast(AsyncStateStore, store).update_async(key, change, ttl_seconds)
    else:
        store.update(key, change, ttl_seconds)


#: Bytes charged per entry on top of its key and value: the OrderedDict slot and link, the
#: entry tuple, the expiry float and the two str headers (measured at about 330 on CPython
#: 3.11-3.13; 512 leaves room).
ENTRY_OVERHEAD = 512


def _str_size(text: str) -> int:
    """Bytes CPython allocates for ``text`` (exact for str objects)."""
    return sys.getsizeof(text)


@dataclass(slots=True)
class _Entry:
    value: str
    expires: float
    version: int
    size: int


class MemoryStateStore:
    """The default store: a per-process LRU dictionary with a time to live and a memory bound.

    Use one per ``Guard`` (or share one between guards of the same process). Thread-safe.
    Several worker processes do not share it: use :class:`offsite.conversation.RedisStateStore`
    behind a load balancer.
    """

    def __init__(
        self,
        *,
        max_entries: int = 100_000,
        max_bytes: int = 64 * 1024 * 1024,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not isinstance(max_entries, int) or max_entries < 1:
            raise ValueError(f"MemoryStateStore.max_entries: expected an integer >= 1, got {max_entries!r}")
        if not isinstance(max_bytes, int) or max_bytes < ENTRY_OVERHEAD * 2:
            raise ValueError(
                f"MemoryStateStore.max_bytes: expected an integer >= {ENTRY_OVERHEAD * 2}, got {max_bytes!r}"
            )
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._bytes = 0
        self._versions = 0

    @property
    def charged_bytes(self) -> int:
        """The bytes currently charged against ``max_bytes`` (an upper bound of real use)."""
        return self._bytes

    def __len__(self) -> int:
        """Number of stored conversations (expired ones may still count until touched)."""
        return len(self._entries)

    def get(self, key: str) -> str | None:
        """The value at ``key``, or None (expired entries are dropped on the way)."""
        with self._lock:
            entry = self._live(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry.value

    def update(self, key: str, change: Change, ttl_seconds: float) -> None:
        """Optimistic read-modify-write: ``change`` runs outside the lock, and runs again if
        another thread wrote ``key`` meanwhile."""
        for _ in range(64):
            with self._lock:
                entry = self._live(key)
                current = entry.value if entry is not None else None
                version = entry.version if entry is not None else 0
            new = change(current)
            with self._lock:
                entry = self._live(key)
                if (entry.version if entry is not None else 0) != version:
                    continue
                if new is None:
                    self._drop(key)
                else:
                    self._put(key, new, ttl_seconds)
                return
        raise StateStoreError("memory store: too many concurrent writers for one conversation")

    def delete(self, key: str) -> None:
        """Remove ``key``."""
        with self._lock:
            self._drop(key)

    def close(self) -> None:
        """Forget everything."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    # -- internals (called with the lock held) ------------------------------------------------

    def _live(self, key: str) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is not None and entry.expires <= self._clock():
            self._drop(key)
            return None
        return entry

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= entry.size

    def _put(self, key: str, value: str, ttl_seconds: float) -> None:
        size = ENTRY_OVERHEAD + _str_size(key) + _str_size(value)
        if size > self.max_bytes // 2:
            raise StateStoreError(
                f"memory store: a value of {size} bytes is larger than half of max_bytes={self.max_bytes}"
            )
        self._drop(key)
        self._versions += 1
        now = self._clock()
        self._entries[key] = _Entry(value, now + ttl_seconds, self._versions, size)
        self._bytes += size
        # expired entries first (the least recently written sit at the front), then LRU.
        while self._entries:
            oldest_key, oldest = next(iter(self._entries.items()))
            over = len(self._entries) > self.max_entries or self._bytes > self.max_bytes
            if oldest.expires <= now or (over and oldest_key != key):
                self._drop(oldest_key)
                continue
            break

"""Two small bounded caches: ``LruCache``, a thread-safe mapping that keeps at most ``max_items``
entries, dropping the least recently stored first (values this process wrote and will likely read
back: conversation windows); and ``BoundedMemo``, the remembered answers of a pure function
(public suffixes, link hosts, which rules may begin with two letters). Neither is shared state."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LruCache(Generic[K, V]):
    """At most ``max_items`` entries (0: keeps nothing); every method takes the lock."""

    def __init__(self, max_items: int) -> None:
        self.max_items = max(0, max_items)
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value stored at ``key``, or None."""
        with self._lock:
            return self._items.get(key)

    def pop(self, key: K) -> V | None:
        """Remove and return the value at ``key``, or None."""
        with self._lock:
            return self._items.pop(key, None)

    def put(self, key: K, value: V) -> None:
        """Store ``value`` at ``key`` as the most recent entry, dropping the oldest past the bound."""
        with self._lock:
            if self.max_items == 0:
                return
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


class BoundedMemo(Generic[K, V]):
    """``compute(key)``, remembered for at most ``max_items`` keys; when full, everything is
    dropped at once (cheaper than ordering entries, and the keys in use come straight back).
    Without a lock: two threads asking for a new key at once each compute it, and both get the
    same answer, since ``compute`` is a pure function."""

    def __init__(self, compute: Callable[[K], V], max_items: int) -> None:
        self.max_items = max(1, max_items)
        self._compute = compute
        self._items: dict[K, V] = {}

    def __call__(self, key: K) -> V:
        """The answer for ``key``, computed at most once while remembered."""
        try:
            return self._items[key]
        except KeyError:
            pass
        value = self._compute(key)
        if len(self._items) >= self.max_items:
            self._items.clear()
        self._items[key] = value
        return value

    def __len__(self) -> int:
        return len(self._items)

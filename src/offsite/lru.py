"""A small thread-safe mapping that keeps at most ``max_items`` entries, dropping the least
recently stored first. For caches of values this process wrote and will likely read back
(conversation windows); not for shared state."""

from __future__ import annotations

import threading
from collections import OrderedDict
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

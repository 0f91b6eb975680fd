"""The bounded cache behind the Redis store's last-written values and the tracker's parsed
windows."""

from __future__ import annotations

from offsite.lru import LruCache


def test_keeps_the_most_recent_entries_up_to_the_bound() -> None:
    cache: LruCache[str, int] = LruCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("a", 3)  # stored again: now the most recent
    cache.put("c", 4)  # drops "b", the oldest
    assert (cache.get("a"), cache.get("b"), cache.get("c"), len(cache)) == (3, None, 4, 2)


def test_pop_removes_and_a_zero_bound_keeps_nothing() -> None:
    cache: LruCache[str, int] = LruCache(3)
    cache.put("a", 1)
    assert cache.pop("a") == 1 and cache.pop("a") is None
    empty: LruCache[str, int] = LruCache(0)
    empty.put("a", 1)
    assert empty.get("a") is None and len(empty) == 0

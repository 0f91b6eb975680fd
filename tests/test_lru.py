"""The bounded caches: ``LruCache`` behind the Redis store's last-written values and the
tracker's parsed windows, ``BoundedMemo`` behind remembered public suffixes, link hosts and
solicitation rules by beginning."""

from __future__ import annotations

from offsite.lru import BoundedMemo, LruCache


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


def test_bounded_memo_computes_each_key_once_and_stays_bounded() -> None:
    calls: list[int] = []

    def square(n: int) -> int | None:
        calls.append(n)
        return None if n < 0 else n * n

    memo = BoundedMemo(square, 3)
    assert [memo(2), memo(2), memo(-1), memo(-1)] == [4, 4, None, None]
    assert calls == [2, -1]  # a None answer is remembered too
    for n in range(10):
        memo(n)
    assert len(memo) <= 3  # dropped at once when full, never past the bound
    assert memo(9) == 81 and calls[-1] == 9 and calls.count(9) == 1

"""SpanSet: non-overlapping spans."""

import pytest

from offsite.spans import SpanSet


@pytest.mark.parametrize(
    ("kept", "start", "end", "overlaps"),
    [
        ([(5, 10)], 0, 5, False),
        ([(5, 10)], 10, 12, False),
        ([(5, 10)], 9, 12, True),
        ([(5, 10)], 0, 6, True),
        ([(5, 10)], 6, 8, True),
        ([(0, 2), (5, 10)], 2, 5, False),
        ([(0, 2), (5, 10)], 1, 6, True),
    ],
)
def test_overlaps(kept: list[tuple[int, int]], start: int, end: int, overlaps: bool) -> None:
    spans = SpanSet()
    for a, b in kept:
        assert spans.add(a, b)
    assert spans.overlaps(start, end) is overlaps
    assert spans.add(start, end) is (not overlaps)


def test_covers() -> None:
    spans = SpanSet()
    spans.add(3, 6)
    assert [spans.covers(p) for p in range(8)] == [False, False, False, True, True, True, False, False]

"""A set of non-overlapping spans with logarithmic look-ups, shared by the detectors and the
pipeline wherever "keep this span unless it overlaps one already kept" is decided."""

from __future__ import annotations

import bisect


class SpanSet:
    """Half-open ``[start, end)`` spans that never overlap one another."""

    def __init__(self) -> None:
        self._starts: list[int] = []  # sorted; ends[i] belongs to starts[i]
        self._ends: list[int] = []

    def covers(self, pos: int) -> bool:
        """True when a kept span contains position ``pos``."""
        index = bisect.bisect_right(self._starts, pos)
        return index > 0 and self._ends[index - 1] > pos

    def overlaps(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` overlaps a kept span."""
        index = bisect.bisect_left(self._starts, start)
        if index > 0 and self._ends[index - 1] > start:
            return True
        return index < len(self._starts) and self._starts[index] < end

    def add(self, start: int, end: int) -> bool:
        """Keep ``[start, end)`` unless it overlaps a kept span; True when it was kept."""
        starts, ends = self._starts, self._ends
        if not starts or (start >= ends[-1] and start >= starts[-1]):
            starts.append(start)  # after every kept span: the common case of a left-to-right scan
            ends.append(end)
            return True
        if self.overlaps(start, end):
            return False
        index = bisect.bisect_left(self._starts, start)
        self._starts.insert(index, start)
        self._ends.insert(index, end)
        return True

"""Which few characters the matches of a regular expression can begin with.

Python's ``re`` tries a big alternation at every position of a text. When every match of a
pattern starts at a word boundary with one of a known set of two-character beginnings, a caller
can find the few positions worth trying with a cheap scan of the words and call
``pattern.match(text, pos)`` only there (see the solicitation detector). This module works that
set out from the parsed pattern; it answers ``None`` when it cannot (a match may begin anywhere,
or not at a word boundary), and the caller then searches the whole text as usual.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

# The parser of the standard library: public in all but name (``sre_parse`` is its deprecated
# alias). Typed as Any; every use below only reads its output.
_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

#: Characters of a beginning worked out (longer ones cost more to scan for, and gain little).
WIDTH = 2
# A character class with more members than this counts as "any character".
_MAX_CLASS = 12


@dataclass(frozen=True)
class Beginnings:
    """The strings every match begins with: ``pairs`` are two-character beginnings, ``singles``
    one-character ones (a one-letter word, or a letter followed by something not worked out).
    A match begins with one of them, at a word boundary."""

    pairs: frozenset[str]
    singles: frozenset[str]

    def admits(self, text: str, pos: int) -> bool:
        """True when a match may begin at ``pos`` of ``text``."""
        return text[pos : pos + WIDTH] in self.pairs or text[pos : pos + 1] in self.singles

    def __bool__(self) -> bool:
        return bool(self.pairs or self.singles)

    def __or__(self, other: Beginnings) -> Beginnings:
        return Beginnings(self.pairs | other.pairs, self.singles | other.singles)


def beginnings(pattern: str) -> Beginnings | None:
    """The beginnings of every match of ``pattern``, or ``None`` when a match may begin anywhere
    or not at a word boundary (``\\b`` must come first on every branch)."""
    try:
        parsed = _parser.parse(pattern)
    except Exception:  # re.error; the caller compiles the pattern itself and reports that
        return None
    items = list(parsed.data)
    if not _at_boundary(items):
        return None
    found = {s for s, _complete in _sequence(items)}
    if not found or "" in found or any(not s[0].isalnum() and s[0] not in "_" for s in found):
        return None
    return Beginnings(frozenset(s for s in found if len(s) == WIDTH),
                      frozenset(s for s in found if len(s) < WIDTH))


def _at_boundary(items: list[Any]) -> bool:
    """Every branch begins with ``\\b``."""
    if not items:
        return False
    op, av = items[0]
    if op is _c.AT:
        return bool(av is _c.AT_BOUNDARY)
    if op is _c.SUBPATTERN:
        return _at_boundary(list(av[3].data))
    if op is _c.BRANCH:
        return all(_at_boundary(list(branch.data)) for branch in av[1])
    return False


def _sequence(items: list[Any]) -> set[tuple[str, bool]]:
    """(beginning, complete) pairs of a sequence: ``complete`` when the whole sequence spelled
    only that (it may be followed by what comes next), else a cut-off beginning."""
    done: set[tuple[str, bool]] = set()
    partial = {""}
    for op, av in items:
        options = _item(op, av)
        grown: set[str] = set()
        for head in partial:
            for piece, complete in options:
                joined = (head + piece)[:WIDTH]
                if len(joined) >= WIDTH or not complete:
                    done.add((joined, False))
                else:
                    grown.add(joined)
        partial = grown
        if not partial:
            break
    return done | {(p, True) for p in partial}


def _item(op: Any, av: Any) -> set[tuple[str, bool]]:
    """(beginning, complete) pairs of one parsed item."""
    if op is _c.LITERAL:
        return {(chr(av), True)}
    if op is _c.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is _c.LITERAL:
                chars.add(chr(value))
            elif kind is _c.RANGE and value[1] - value[0] < _MAX_CLASS:
                chars.update(chr(c) for c in range(value[0], value[1] + 1))
            else:  # negated, a category (\s, \w) or a wide range: any character
                return {("", False)}
        return {(c, True) for c in chars} if len(chars) <= _MAX_CLASS else {("", False)}
    if op is _c.AT or op is _c.ASSERT or op is _c.ASSERT_NOT:
        return {("", True)}  # zero-width
    if op is _c.SUBPATTERN:
        return _sequence(list(av[3].data))
    if op is _c.BRANCH:
        out: set[tuple[str, bool]] = set()
        for branch in av[1]:
            out |= _sequence(list(branch.data))
        return out
    if op is _c.MAX_REPEAT or op is _c.MIN_REPEAT or op is getattr(_c, "POSSESSIVE_REPEAT", None):
        low, high, inner = av
        found = _sequence(list(inner.data))
        if high != 1:  # repeated: what follows the first round is not worked out
            found = {(s, False) for s, _complete in found}
        if low == 0:
            found.add(("", True))
        return found
    return {("", False)}  # any other construct: not worked out

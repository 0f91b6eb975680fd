"""A superset prefilter for a set of Python regular expressions: one Hyperscan scan of a text
tells which of the patterns *may* match it, so the exact ``re`` patterns (and the Python logic
around them) run only where they can.

Each pattern is parsed with Python's own regex parser and rewritten into a pattern that matches
everywhere the original can and possibly more (see :func:`superset_pattern`): look-arounds are
dropped (or, at the edges of a pattern searched in the whole text, kept as the character they
need), back-references read as their group's pattern, and every character above ASCII is read as
a short code of word bytes that says which of 62 groups its letter falls in (or as one byte that
says it is no word character), so ``\\b`` keeps its meaning and a Cyrillic word does not read like
a Thai one. Hyperscan scans
the text once for all of them, in linear time, with no backtracking. A pattern that cannot be
rewritten or compiled is a candidate for every text, so the prefilter never loses a match; it only
spares the work where no match is possible.

Hyperscan is optional at run time: where the ``hyperscan`` package cannot be imported (a platform
without its wheels), :class:`RegexPrefilter` says every pattern is a candidate and the detectors
run as they would without it.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterable, Sequence, Set
from pathlib import Path
from typing import Any


def _optional(name: str) -> Any:
    """A module that may be missing here (None then)."""
    try:
        return importlib.import_module(name)
    except ImportError:  # pragma: no cover - depends on the platform
        return None


# the compiled engine; optional so that offsite still installs where it has no wheel
_hs = _optional("hyperscan")
# Python's own regex parser (3.11+): its tree is what the rewrite reads
_c = _optional("re._constants")
_parser = _optional("re._parser")
# the regex engine's simple lower case and its extra case pairs: what re.IGNORECASE reads alike
_sre = _optional("_sre")
_EXTRA_CASES: dict[int, tuple[int, ...]] = getattr(_optional("re._casefix"), "_EXTRA_CASES", {})

log = logging.getLogger("offsite.prefilter")

#: changes whenever the rewrite (or how patterns are compiled) does, so that no database of an older one is loaded
_REWRITE_VERSION = 7
#: a word character above ASCII is read as "_" and one of these (by its lower-case code point), so
#: that a pattern's letters of one script are not found in any other, and "\b" keeps its meaning
#: (every byte of the code is a word byte to Hyperscan)
_GROUP_BYTES = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ALL_GROUPS = frozenset(_GROUP_BYTES)
#: the byte every character above ASCII that is no word character is read as
_NON_WORD = 0x80
#: a range of characters above ASCII longer than this admits every group (not worth listing)
_LONG_RANGE = 4096
_NON_ASCII_CHAR = re.compile(r"[^\x00-\x7f]")


class UnsupportedPattern(ValueError):
    """A pattern the rewrite does not handle (it is then a candidate for every text)."""


def available() -> bool:
    """True when the compiled engine can be used here."""
    return _hs is not None and _parser is not None and _sre is not None


class RegexPrefilter:
    """Which of ``patterns`` (compiled Python patterns, or sources without flags) may match a text.

    :meth:`candidates` answers a set of indices into ``patterns`` that includes every pattern
    with a match anywhere in the text (``re.search`` would find one). Compiling a few hundred long
    patterns takes Hyperscan seconds, so it happens in a background thread (or is loaded from the
    cache directory, where an earlier process left it); until it is done every pattern is a
    candidate, which changes nothing but speed. Thread-safe: each thread scans with scratch
    space of its own."""

    def __init__(self, patterns: Sequence[str | re.Pattern[str]], *, whole_text: bool = False,
                 cache_dir: Path | None = None, background: bool = True, enabled: bool = True) -> None:
        self.size = len(patterns)
        #: the patterns are searched in the text itself, never in pieces of it (see superset_pattern)
        self.whole_text = whole_text
        #: each pattern as (source, flags)
        self.sources: tuple[tuple[str, int], ...] = tuple(
            (p.pattern, p.flags) if isinstance(p, re.Pattern) else (p, 0) for p in patterns)
        #: every index: the answer while (or where) no database narrows it
        self.everything: frozenset[int] = frozenset(range(self.size))
        #: indices the prefilter cannot rule out, added to every answer
        self.always: frozenset[int] = self.everything
        self._database: Any = None
        self._local = threading.local()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        if not enabled or not available() or not patterns:
            self._ready.set()
            return
        self._key = _cache_key(self.sources, whole_text)
        self._cache_dir = cache_dir
        self._starting = threading.Lock()
        if background:
            self._start()
        else:
            self._build()

    def _start(self) -> None:
        # a daemon: a short-lived process (one CLI check) exits without waiting for it
        self._thread = threading.Thread(target=self._build, name="offsite-prefilter", daemon=True)
        self._thread.start()

    @property
    def active(self) -> bool:
        """True when a compiled database narrows the candidates."""
        return self._database is not None

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the database is compiled or loaded (or known to be unavailable); True when
        that happened within ``timeout`` seconds. In a process forked while it was being built,
        the building thread did not come along: it is started again here."""
        if self._thread is not None and not self._ready.is_set():
            with self._starting:
                if not self._thread.is_alive() and not self._ready.is_set():
                    self._start()
            self._thread.join(timeout)
        return self._ready.is_set()

    def candidates(self, text: str) -> frozenset[int]:
        """Indices of the patterns that may match somewhere in ``text``."""
        database = self._database
        if database is None:
            return self.everything
        found: set[int] = set(self.always)
        database.scan(scan_bytes(text), match_event_handler=_collect, context=found, scratch=self._scratch())
        return frozenset(found)

    def _scratch(self) -> Any:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = _hs.Scratch(self._database)
        return scratch

    def _build(self) -> None:
        """Load the database from the cache directory, or rewrite, compile and store it."""
        try:
            loaded = _load(self._cache_dir, self._key)
            if loaded is not None:
                database, always = loaded
            else:
                database, always = _compile_all(self.sources, self.whole_text)
                if database is not None:
                    _store(self._cache_dir, self._key, database, always)
            if database is not None:
                _scan_table()  # built here, off the request path (a first text above ASCII would wait for it)
            self.always = frozenset(always)
            self._database = database
        except Exception as exc:  # never fatal: without a database every pattern simply runs
            log.warning("prefilter unavailable (%s); detection runs without it", type(exc).__name__)
        finally:
            self._ready.set()


def _collect(index: int, _start: int, _end: int, _flags: int, found: set[int]) -> None:
    found.add(index)


def shared_prefilter(patterns: Sequence[str | re.Pattern[str]], *, whole_text: bool = False,
                     enabled: bool = True) -> RegexPrefilter:
    """One :class:`RegexPrefilter` per distinct set of patterns in this process (every guard built
    with the same rules shares it; the database is read-only once built), cached on disk in
    :func:`cache_directory`. ``enabled=False``: one that narrows nothing."""
    if not enabled:
        return RegexPrefilter(patterns, enabled=False)
    return _shared(tuple(patterns), whole_text, cache_directory())


@functools.lru_cache(maxsize=16)
def _shared(patterns: tuple[str | re.Pattern[str], ...], whole_text: bool, cache_dir: Path | None) -> RegexPrefilter:
    return RegexPrefilter(patterns, whole_text=whole_text, cache_dir=cache_dir)


def cache_directory() -> Path | None:
    """Where compiled databases are kept between processes: ``$OFFSITE_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/offsite``, else ``~/.cache/offsite``; ``OFFSITE_CACHE_DIR=""`` keeps none."""
    configured = os.environ.get("OFFSITE_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "offsite"


def _cache_key(sources: Sequence[tuple[str, int]], whole_text: bool) -> str:
    digest = hashlib.sha256()
    version = getattr(_hs, "__version__", "?") if _hs is not None else "-"
    digest.update(f"offsite-prefilter {_REWRITE_VERSION}|hyperscan {version}|{whole_text}|{len(sources)}".encode())
    for source, flags in sources:
        digest.update(f"\0{flags}\0".encode() + source.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:40]


def _load(cache_dir: Path | None, key: str) -> tuple[Any, set[int]] | None:
    """The database stored under ``key``, or None (none stored, unreadable, or built for another
    machine: it is then compiled again)."""
    if cache_dir is None:
        return None
    path = cache_dir / f"prefilter-{key}.hsdb"
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    try:
        header, _, blob = raw.partition(b"\n")
        always = {int(i) for i in header.decode("ascii").split(",") if i}
        return _hs.loadb(blob, _hs.HS_MODE_BLOCK), always
    except Exception:  # a stale or foreign file: compile again (and overwrite it)
        log.debug("prefilter cache %s unreadable; compiling", path.name)
        return None


def _store(cache_dir: Path | None, key: str, database: Any, always: set[int]) -> None:
    """Keep the compiled database for the next process (best effort: a read-only or missing
    directory only costs the next process the compile)."""
    if cache_dir is None:
        return
    try:
        cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        final = cache_dir / f"prefilter-{key}.hsdb"
        header = ",".join(str(i) for i in sorted(always)).encode("ascii")
        with tempfile.NamedTemporaryFile(dir=cache_dir, prefix=".prefilter-", delete=False) as handle:
            handle.write(header + b"\n" + _hs.dumpb(database))
        os.replace(handle.name, final)
    except OSError as exc:
        log.debug("prefilter cache not written (%s)", type(exc).__name__)


def scan_bytes(text: str) -> bytes:
    """``text`` as the prefilter reads it: ASCII as it is; a character above ASCII that is a word
    character (a letter or digit of any script) as ``_`` and a byte that names its group (see
    :func:`_unit`), so that ``\\b`` and ``\\w`` keep their meaning; any other as the byte 0x80."""
    if text.isascii():
        return text.encode("ascii")
    return _scan_non_ascii(text)


@functools.lru_cache(maxsize=8)
def _scan_non_ascii(text: str) -> bytes:
    # (kept for the few texts just read: every prefilter of a message scans one of its views,
    # and most views of a message are the same text)
    return _NON_ASCII_CHAR.sub(_read_char, text).encode("latin-1")


def _read_char(match: re.Match[str]) -> str:
    char = match.group()
    return _scan_table().get(char) or _unit(ord(char))


def _case_key(code: int) -> int:
    """One code point for every character ``re.IGNORECASE`` reads as the same letter: the
    smallest of its simple lower case and the extra cases Python's regex engine adds (the dotless
    ``ı`` reads as ``i``, the long ``ſ`` as ``s``)."""
    lower: int = _sre.unicode_tolower(code)
    return min(lower, *_EXTRA_CASES.get(lower, (lower,)))


def _unit(code: int) -> str:
    """How the scan reads the character ``code`` above ASCII: ``_`` and its group's byte for a
    word character, 0x80 for any other. Case variants read alike, so a case-insensitive pattern
    needs one group per letter (and an ASCII letter the group of its look-alikes: ``k``, the
    Kelvin sign's)."""
    if not chr(code).isalnum():
        return chr(_NON_WORD)
    return "_" + _GROUP_BYTES[_case_key(code) % len(_GROUP_BYTES)]


@functools.cache
def _scan_table() -> dict[str, str]:
    """The reading of every character above ASCII in the Basic Multilingual Plane, built once
    with the first database (about 65,000 entries, 0.1 s; never changed after). Others (emoji)
    are read on the fly, and nothing is stored for them."""
    return {chr(code): _unit(code) for code in range(128, 0x10000) if not 0xD800 <= code < 0xE000}


@functools.cache
def _folded_to_ascii() -> dict[int, tuple[int, ...]]:
    """The characters above ASCII whose lower case is an ASCII letter (the Kelvin sign, ``İ``), by
    that letter: ``re.IGNORECASE`` reads them as it."""
    found: dict[int, list[int]] = {}
    for code in range(128, 0x110000):
        lower = _sre.unicode_tolower(code)
        if lower < 128:
            found.setdefault(lower, []).append(code)
    return {lower: tuple(codes) for lower, codes in found.items()}


def _compile_all(sources: Sequence[tuple[str, int]], whole_text: bool) -> tuple[Any, set[int]]:
    """The database of every pattern that can be rewritten and compiled, and the indices of the
    others (always candidates)."""
    always: set[int] = set()
    converted: list[tuple[int, bytes, int]] = []
    for index, (source, flags) in enumerate(sources):
        try:
            rewritten = superset_pattern(source, flags, whole_text=whole_text)
        except (UnsupportedPattern, re.error, RecursionError):
            always.add(index)
            continue
        hs_flags = _hs.HS_FLAG_SINGLEMATCH | _hs.HS_FLAG_PREFILTER | _hs.HS_FLAG_ALLOWEMPTY
        converted.append((index, rewritten.encode("ascii"), hs_flags))
    database, rejected = _compile(converted)
    if rejected:
        log.debug("prefilter: %d of %d patterns always run", len(rejected), len(sources))
    return database, always | rejected


def _compile(converted: list[tuple[int, bytes, int]]) -> tuple[Any, set[int]]:
    """A block-mode database of the rewritten patterns, and the indices Hyperscan rejected."""
    if not converted:
        return None, set()
    try:
        return _database(converted), set()
    except _hs.error:
        pass
    # find the patterns it will not take, one by one (only when some fail)
    kept, rejected = [], set()
    for item in converted:
        try:
            _database([item])
            kept.append(item)
        except _hs.error:
            rejected.add(item[0])
    return (_database(kept) if kept else None), rejected


def _unique(branches: Iterable[str]) -> list[str]:
    """``branches`` without repeats, in order."""
    return list(dict.fromkeys(branches))


def _database(items: list[tuple[int, bytes, int]]) -> Any:
    database = _hs.Database(mode=_hs.HS_MODE_BLOCK)
    database.compile(expressions=[i[1] for i in items], ids=[i[0] for i in items],
                     elements=len(items), flags=[i[2] for i in items])
    return database


# --- the rewrite --------------------------------------------------------------------------------
#
# The scanned text (scan_bytes) keeps ASCII as it is and reads every other character as a unit of
# one or two bytes: "_" and its group's byte for a word character (so that \b and \w keep their
# meaning: "été" is a word), or 0x80 for any other. A pattern element stands for the readings of
# every character it admits (a _Units).


class _Units:
    """The readings of the characters one pattern element admits: single bytes (ASCII and 0x80)
    and the groups of the two-byte ``_``-codes."""

    __slots__ = ("bytes", "groups")

    def __init__(self, single: Iterable[int] = (), groups: Iterable[str] = ()) -> None:
        self.bytes = set(single)
        self.groups = set(groups)

    def add(self, code: int) -> None:
        """Add the reading of the character ``code``."""
        if code < 128:
            self.bytes.add(code)
            return
        unit = _unit(code)
        if len(unit) == 1:
            self.bytes.add(ord(unit))
        else:
            self.groups.add(unit[1])

    def add_every_non_ascii(self, *, words: bool = True, others: bool = True) -> None:
        """Add the reading of every character above ASCII (of every word character, of every
        other one)."""
        if words:
            self.groups |= _ALL_GROUPS
        if others:
            self.bytes.add(_NON_WORD)

    @property
    def closed(self) -> bool:
        """True when every byte of every code admitted is itself admitted: the element then reads
        as one class of one or two bytes a character."""
        return bool(self.groups) and ord("_") in self.bytes and all(ord(g) in self.bytes for g in self.groups)

    def pattern(self, low: int = 1, high: int | None = 1) -> str:
        """The element, ``low`` to ``high`` times (None: no limit)."""
        single = _char_class(self.bytes) if self.bytes else ""
        if not self.groups:
            if not single:
                raise UnsupportedPattern("an empty character class")
            return single + _bounds(low, high)
        if self.closed:
            # each character is one or two bytes of the class: twice as many bytes at most
            return single + _bounds(low, None if high is None else 2 * high)
        coded = "_" + _char_class({ord(g) for g in self.groups})
        bounds = _bounds(low, high)
        if single:
            return f"(?:{single}|{coded})" + bounds
        return f"(?:{coded}){bounds}" if bounds else coded


def _bounds(low: int, high: int | None) -> str:
    if high is None:
        return "*" if low == 0 else ("+" if low == 1 else f"{{{low},}}")
    if low == high:
        return "" if low == 1 else f"{{{low}}}"
    return f"{{{low},{high}}}"


def _cases(code: int) -> set[int]:
    """``code`` and the characters ``re.IGNORECASE`` reads as the same letter, as far as their
    readings go (those share a reading, except marks such as U+0345 that read as 0x80)."""
    lower: int = _sre.unicode_tolower(code)
    found = {code, lower, *_EXTRA_CASES.get(lower, ()), *_folded_to_ascii().get(lower, ())}
    found |= {ord(c) for c in (chr(code).upper(), chr(code).lower()) if len(c) == 1}
    return found


def superset_pattern(source: str, flags: int = 0, *, whole_text: bool = False) -> str:
    """A Hyperscan pattern over :func:`scan_bytes` that matches wherever the Python pattern
    ``source`` (compiled with ``flags``) can match the text. Case-insensitive parts are spelled
    out as classes of both cases, so one database holds patterns of either kind.

    Assertions are dropped, except ``\\b``/``\\B`` (the byte reading keeps what is a word) and,
    with ``whole_text``, a one-character look-behind that begins the pattern or look-ahead that
    ends it ("(?<![a-z0-9])ig(?![a-z0-9])"), kept as the character it requires or the text's
    edge. ``whole_text`` is for patterns searched in the text itself; without it a pattern may
    also be searched in pieces of the text (sentences), where a look-around sees a piece's edge."""
    if _parser is None:
        raise UnsupportedPattern("no regex parser")
    parsed = _parser.parse(source, flags)
    rewriter = _Rewriter(parsed.state.flags, whole_text)
    return rewriter.top(list(parsed))


class _Rewriter:
    """Rewrites one parsed pattern (Python's ``re._parser`` tree)."""

    def __init__(self, flags: int, whole_text: bool) -> None:
        self.caseless = bool(flags & re.IGNORECASE)
        self.dotall = bool(flags & re.DOTALL)
        self.ascii = bool(flags & re.ASCII)
        self.whole_text = whole_text
        self.groups: dict[int, str] = {}

    def top(self, items: list[tuple[Any, Any]]) -> str:
        """The whole pattern: its first and last elements may be edge look-arounds."""
        c = _c
        assert c is not None
        if len(items) == 1 and items[0][0] is c.BRANCH:
            return "(?:" + "|".join(_unique(self.top(list(b)) for b in items[0][1][1])) + ")"
        head: list[str] = []
        while self.whole_text and items and (edge := self._edge(items[0], behind=True)) is not None:
            head.append(edge)
            items = items[1:]
        tail: list[str] = []
        while self.whole_text and items and (edge := self._edge(items[-1], behind=False)) is not None:
            tail.insert(0, edge)
            items = items[:-1]
        return "".join(head) + self.sequence(items, self.caseless, self.dotall) + "".join(tail)

    def _edge(self, item: tuple[Any, Any], behind: bool) -> str | None:
        """A one-character look-behind (first) or look-ahead (last) as the character it needs:
        the text's edge or, for a negative one, any character outside its class."""
        c = _c
        assert c is not None
        op, av = item
        if op not in (c.ASSERT, c.ASSERT_NOT):
            return None
        direction, body = av
        if (direction < 0) != behind:
            return None
        body = list(body)
        if len(body) != 1 or body[0][0] not in (c.LITERAL, c.NOT_LITERAL, c.IN, c.CATEGORY):
            return None
        if op is c.ASSERT:
            return self._units(body[0], self.caseless).pattern()
        edge = "^" if behind else "$"
        # every character the class misses
        element_op, element_av = body[0]
        if element_op is c.NOT_LITERAL:
            missed = self._units((c.LITERAL, element_av), self.caseless)
        else:
            items = element_av if element_op is c.IN else [(element_op, element_av)]
            missed = _in([(c.NEGATE, None), *items], self.caseless, self.ascii)
        return f"(?:{edge}|{missed.pattern()})"

    def sequence(self, items: list[tuple[Any, Any]], caseless: bool, dotall: bool) -> str:
        return "".join(self.item(op, av, caseless, dotall) for op, av in items)

    def item(self, op: Any, av: Any, caseless: bool, dotall: bool) -> str:
        c = _c
        assert c is not None
        if op in (c.LITERAL, c.NOT_LITERAL, c.IN, c.CATEGORY):
            units = self._units((op, av), caseless)
            if op is c.LITERAL and not units.groups and len(units.bytes) == 1:
                return _char(next(iter(units.bytes)))
            return units.pattern()
        if op is c.ANY:
            return self._any(dotall).pattern()
        if op is c.BRANCH:
            # (branches that read alike once other scripts are read by group are written once)
            return "(?:" + "|".join(_unique(self.sequence(list(b), caseless, dotall) for b in av[1])) + ")"
        if op is c.SUBPATTERN:
            group, add_flags, del_flags, pattern = av
            inner_caseless = (caseless or bool(add_flags & re.IGNORECASE)) and not del_flags & re.IGNORECASE
            inner_dotall = (dotall or bool(add_flags & re.DOTALL)) and not del_flags & re.DOTALL
            body = "(?:" + self.sequence(list(pattern), inner_caseless, inner_dotall) + ")"
            if group is not None:
                self.groups[group] = body
            return body
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, high, pattern = av
            limit = None if (high is c.MAXREPEAT or high == c.MAXREPEAT) else int(high)
            pattern = list(pattern)
            if len(pattern) == 1 and pattern[0][0] in (c.LITERAL, c.NOT_LITERAL, c.IN, c.CATEGORY, c.ANY):
                # one character element: its class repeated (with the bounds its codes need)
                element_op, element_av = pattern[0]
                units = (self._any(dotall) if element_op is c.ANY
                         else self._units((element_op, element_av), caseless))
                return units.pattern(int(low), limit)
            body = self.sequence(pattern, caseless, dotall)
            if not body:
                return ""
            return "(?:" + body + ")" + _bounds(int(low), limit)
        if op is c.ATOMIC_GROUP:
            return "(?:" + self.sequence(list(av), caseless, dotall) + ")"
        if op is c.AT:
            if av in (c.AT_BOUNDARY, c.AT_UNI_BOUNDARY) and not self.ascii:
                return "\\b"
            if av in (c.AT_NON_BOUNDARY, c.AT_UNI_NON_BOUNDARY) and not self.ascii:
                return "\\B"
            return ""  # text and line edges: a piece of the text has edges of its own
        if op in (c.ASSERT, c.ASSERT_NOT):
            self.sequence(list(av[1]), caseless, dotall)  # (groups defined inside are referred to)
            return ""  # an assertion only ever narrows a match: dropped, the rest is a superset
        if op is c.GROUPREF:
            # what the group matched, so what its own pattern matches
            return self.groups.get(av, "[\\x00-\\xff]*")
        if op is c.GROUPREF_EXISTS:
            _group, yes, no = av
            no_branch = self.sequence(list(no), caseless, dotall) if no else ""
            return "(?:" + self.sequence(list(yes), caseless, dotall) + "|" + no_branch + ")"
        raise UnsupportedPattern(f"regex operation {op}")

    @staticmethod
    def _any(dotall: bool) -> _Units:
        """What ``.`` admits: every character (but the line break, without DOTALL)."""
        units = _Units(range(128) if dotall else (b for b in range(128) if b != 10))
        units.add_every_non_ascii()
        return units

    def _units(self, item: tuple[Any, Any], caseless: bool) -> _Units:
        """The readings of the characters one character element matches."""
        c = _c
        assert c is not None
        op, av = item
        units = _Units()
        if op is c.LITERAL:
            for code in (_cases(av) if caseless else {av}):
                units.add(code)
        elif op is c.NOT_LITERAL:
            units.bytes |= {ch for ch in range(128) if ch != av}
            units.add_every_non_ascii()
        elif op is c.CATEGORY:
            units = _category_units(av, self.ascii)
        else:
            units = _in(av, caseless, self.ascii)
        return units


def _in(items: list[tuple[Any, Any]], caseless: bool, ascii_only: bool) -> _Units:
    """The readings of the characters a class (``[...]``) matches."""
    c = _c
    assert c is not None
    units = _Units()
    negate = False
    for op, av in items:
        if op is c.NEGATE:
            negate = not negate  # (a look-around's missed characters negate a negated class again)
        elif op is c.LITERAL:
            for code in (_cases(av) if caseless else {av}):
                units.add(code)
        elif op is c.RANGE:
            low, high = av
            if high - low > _LONG_RANGE:
                units.bytes.update(range(low, min(high, 127) + 1))
                units.add_every_non_ascii()
                continue
            for code in range(low, high + 1):
                for case in (_cases(code) if caseless else {code}):
                    units.add(case)
        elif op is c.CATEGORY:
            category = _category_units(av, ascii_only)
            units.bytes |= category.bytes
            units.groups |= category.groups
        else:
            raise UnsupportedPattern(f"class item {op}")
    if negate:
        # every ASCII character outside the class, and any character above ASCII but the word
        # characters where "\\w" is in it and the others where "\\W" is (generous otherwise)
        named = {str(av).upper() for op, av in items if op is c.CATEGORY}
        outside = _Units(set(range(128)) - {b for b in units.bytes if b < 128})
        outside.add_every_non_ascii(words=ascii_only or not any(n.endswith("_WORD") and "NOT_" not in n for n in named),
                                    others=ascii_only or not any(n.endswith("NOT_WORD") for n in named))
        return outside
    return units


_CATEGORIES = (("DIGIT", r"\d"), ("WORD", r"\w"), ("SPACE", r"\s"), ("LINEBREAK", r"\n"))


def _category_units(code: Any, ascii_only: bool) -> _Units:
    """The readings of a category (``\\d``, ``\\w``, ``\\s`` and their negations): its ASCII
    members and the characters above ASCII it may match (``\\w`` and ``\\d`` the word characters,
    ``\\W`` and ``\\s`` the others, the rest all)."""
    units = _Units(_category_members(code))
    name = str(code).upper()
    if ascii_only:
        units.add_every_non_ascii()
    elif "NOT_WORD" in name or ("SPACE" in name and "NOT_" not in name) or "LINEBREAK" in name:
        units.add_every_non_ascii(words=False)  # (no-break and ideographic spaces are no word characters)
    elif ("WORD" in name or "DIGIT" in name) and "NOT_" not in name:
        units.add_every_non_ascii(others=False)
    else:
        units.add_every_non_ascii()
    return units


@functools.cache
def _category_members(code: Any) -> frozenset[int]:
    """ASCII members of a category (``\\d``, ``\\w``, ``\\s`` and their negations)."""
    name = str(code).upper()
    bases = [base for word, base in _CATEGORIES if word in name]
    if not bases:
        raise UnsupportedPattern(f"category {code}")
    test = re.compile(f"[^{bases[0]}]" if "NOT_" in name else f"[{bases[0]}]")
    return frozenset(ch for ch in range(128) if test.match(chr(ch)))


def _char(code: int) -> str:
    char = chr(code)
    return char if char.isascii() and char.isalnum() else f"\\x{code:02x}"


def _char_class(members: Set[int]) -> str:
    """One byte of ``members`` (one character, or a class)."""
    if len(members) == 1:
        return _char(next(iter(members)))
    parts = []
    for low, high in _runs(sorted(members)):
        parts.append(_char(low) if low == high else f"{_char(low)}-{_char(high)}")
    return "[" + "".join(parts) + "]"


def _runs(values: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for value in values:
        if runs and runs[-1][1] == value - 1:
            runs[-1] = (runs[-1][0], value)
        else:
            runs.append((value, value))
    return runs

"""The compiled prefilter (``offsite.prefilter``): a superset of every pattern it stands for, so
that a detector skipping work on its answer finds exactly what it found without it.

* table: tricky regex constructs, with texts each must (or cannot) match;
* property (hypothesis): over random texts, every pattern ``re.search`` matches is a candidate,
  for the real patterns of the detectors;
* equivalence: a guard with the prefilters finds the same findings as one without, on every
  text of the development sets;
* fallbacks: no engine, a pattern it cannot take, a stale cache file, a fork mid-compile.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offsite import Context, Guard
from offsite import prefilter as prefilter_module
from offsite.normalize import join_spaced_letters, normalize
from offsite.prefilter import RegexPrefilter, available, scan_bytes, superset_pattern
from offsite.resources import DetectionSettings

DEV = Path(__file__).parent / "data" / "dev"

pytestmark = pytest.mark.skipif(not available(), reason="hyperscan is not installed here")

#: (pattern, flags, texts it matches, texts it cannot match)
CASES: list[tuple[str, int, list[str], list[str]]] = [
    (r"(?<![a-z])snap\b", 0, ["my snap", "snap!", "xsnap", "snapped"], ["sn ap", "s"]),
    (r"^add me$", 0, ["add me", "please add me now"], ["add  me", "ad me"]),
    (r"(?i:zoom) call", 0, ["ZOOM call", "Zoom call"], ["zoom CALL", "zoomcall"]),
    (r"k\w+", re.IGNORECASE, ["KIK", "\u212aik"], ["k"]),
    (r"p[aá]senme", 0, ["pásenme", "pasenme", "p\u00e0senme"], ["psenme"]),
    (r"[^\W\d_]{3}\d", 0, ["abc1", "été9", "\u0436\u0436\u04361"], ["ab-1", "12a1"]),
    (r"\b\u00e9t\u00e9\b", 0, [" été ", "été", "\u2026été"], ["xété", "étéx"]),
    (r"\bx\B", 0, ["\u2026xy", "xé"], ["x", "x y", "ax"]),
    (r"(\w)\1{2}", 0, ["aaa", "abc"], ["", "  "]),
    (r"(?P<q>')?hi(?(q)'|!)", 0, ["'hi'", "hi!", "hi'"], ["h i"]),
    (r"(?>ab|a)c", 0, ["abc", "ac"], ["bc"]),
    (r"x++y", 0, ["xxy"], ["y"]),
    (r"\s+at\s+", 0, [" at ", "\u00a0at\u2003"], ["at", "cat"]),
    (r"[^a-z]+", re.IGNORECASE, ["123", "\u00e9"], ["abc", "ABC"]),
    (r"\.", 0, ["a.b"], ["ab"]),
    (r"\u00e9t\u00e9", 0, ["\u00e9t\u00e9"], ["ete"]),
    (r"a{2,}b{0,3}", re.DOTALL, ["aab", "aaaaa"], ["ab"]),
    (r"(?s:a.b)", 0, ["a\nb"], ["ab"]),
    (r"a.b", 0, ["axb", "a\u0434b", "a\U0001f600b"], []),
    # letters of other scripts are read by group: a word of one script is not found in another
    (r"\u0442(?:\u0433(?:\u043a)?)?\b", 0, ["\u0432 \u0442\u0433 \u043f", "\u0442"], ["\u0432\u043a", "tg"]),
    (r"\u043f\u0435\u0440\u0435\u0439\u0434", 0,
     ["\u0434\u0430\u0432\u0430\u0439 \u043f\u0435\u0440\u0435\u0439\u0434\u0451\u043c"],
     ["\u0e09\u0e31\u0e19\u0e23\u0e39\u0e49\u0e2a\u0e36\u0e01", "\u4eca\u65e5\u306f\u3068\u3066\u3082", "pereid"]),
    (r"\w{1,3}!", 0, ["\u0436\u0436\u0436!", "a\u0436!"], ["!"]),
    (r"[\u0430-\u044f]{2}", re.IGNORECASE, ["\u0416\u0416", "\u0436\u0436"], ["ab", "  "]),
    # what re.IGNORECASE reads alike reads alike (dotless and dotted i, long s, final sigma, U+0345)
    (r"ki", re.IGNORECASE, ["\u212a\u0130", "k\u0131", "KI"], ["kt"]),
    (r"s", re.IGNORECASE, ["\u017f", "S"], ["t"]),
    (r"\u03c3\u03b9", re.IGNORECASE, ["\u03c2\u0345", "\u03a3\u0399"], ["\u03c4\u03ba"]),
]


def _scanned(pattern: str, flags: int, text: str) -> bool:
    """Whether the rewritten pattern matches the text as the prefilter scans it (checked with
    Python's ``re`` on the bytes, which reads the rewrite's syntax the same way)."""
    return re.search(superset_pattern(pattern, flags).encode("ascii"), scan_bytes(text)) is not None


@pytest.mark.parametrize(("pattern", "flags", "matching", "other"), CASES)
def test_rewrite_is_a_superset(pattern: str, flags: int, matching: list[str], other: list[str]) -> None:
    compiled = re.compile(pattern, flags)
    prefilter = RegexPrefilter([compiled], background=False)
    assert prefilter.active and not prefilter.always
    for text in matching + other:
        if compiled.search(text) is not None:
            assert prefilter.candidates(text) == {0}, text
            assert _scanned(pattern, flags, text), text


@pytest.mark.parametrize(("pattern", "flags", "matching", "other"), CASES)
def test_rewrite_narrows(pattern: str, flags: int, matching: list[str], other: list[str]) -> None:
    prefilter = RegexPrefilter([re.compile(pattern, flags)], background=False)
    for text in other:
        assert prefilter.candidates(text) == frozenset(), text


#: (pattern, texts, texts it cannot match): look-arounds at a pattern's edges, whole-text scans only
WHOLE_TEXT_CASES: list[tuple[str, list[str], list[str]]] = [
    (r"(?<![a-z0-9])ig(?![a-z0-9])", ["ig", "my ig: jane", "(ig)", "ig\u2026", "\u00e9ig"], ["big", "igloo", "ig2"]),
    (r"(?<=@)[a-z]+", ["@jane", "x@y"], ["jane"]),
    (r"snap(?!\w)\s+me", ["snap me", "snap  me"], ["snapme", "snapx me"]),
    (r"(?<![a-z])(?:kik|line)(?=:)", ["kik:", "line:"], ["kik", "online:"]),
    # a negated class in a negative look-behind: a letter of any script may not stand before
    (r"(?<![^\W\d_])(?:khong|bes)", ["khong chin", "3khong", " bes", "\u2026bes"], ["xkhong", "abes"]),
]


@pytest.mark.parametrize(("pattern", "matching", "other"), WHOLE_TEXT_CASES)
def test_edge_lookarounds_in_whole_text_scans(pattern: str, matching: list[str], other: list[str]) -> None:
    compiled = re.compile(pattern)
    whole = RegexPrefilter([compiled], whole_text=True, background=False)
    pieces = RegexPrefilter([compiled], background=False)
    for text in matching + other:
        if compiled.search(text) is not None:
            assert whole.candidates(text) == {0} and pieces.candidates(text) == {0}, text
    for text in other:
        assert whole.candidates(text) == frozenset(), text
    # in pieces mode the look-arounds are dropped: a sentence's edge is no character of the text
    assert pieces.candidates(other[0]) == {0} or not compiled.pattern.startswith("(?<")


def test_indices_and_answers_per_pattern() -> None:
    patterns = [re.compile(r"\bsnap\b"), re.compile(r"\d{7}"), re.compile(r"@\w+")]
    prefilter = RegexPrefilter(patterns, background=False)
    assert prefilter.candidates("call 5550192 or snap") == {0, 1}
    assert prefilter.candidates("@jane") == {2}
    assert prefilter.candidates("nothing here") == frozenset()
    assert prefilter.candidates("") == frozenset()


def test_without_the_engine_every_pattern_is_a_candidate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefilter_module, "_hs", None)
    prefilter = RegexPrefilter([r"a", r"b"], background=False)
    assert not prefilter.active
    assert prefilter.candidates("zzz") == {0, 1}
    assert prefilter.wait(0)


def test_disabled_narrows_nothing() -> None:
    prefilter = RegexPrefilter([r"a"], enabled=False)
    assert not prefilter.active and prefilter.candidates("zzz") == {0}


def test_a_pattern_it_cannot_rewrite_always_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    real = prefilter_module.superset_pattern

    def refuse_b(source: str, flags: int = 0, *, whole_text: bool = False) -> str:
        if source == "b":
            raise prefilter_module.UnsupportedPattern("test")
        return real(source, flags, whole_text=whole_text)

    monkeypatch.setattr(prefilter_module, "superset_pattern", refuse_b)
    prefilter = RegexPrefilter(["a", "b"], background=False)
    assert prefilter.always == {1}
    assert prefilter.candidates("zzz") == {1}
    assert prefilter.candidates("a") == {0, 1}


def test_cache_is_written_read_and_survives_a_bad_file(tmp_path: Path) -> None:
    patterns = [re.compile(r"\bkik\b"), re.compile(r"wh?ats ?app")]
    first = RegexPrefilter(patterns, cache_dir=tmp_path, background=False)
    files = list(tmp_path.glob("prefilter-*.hsdb"))
    assert len(files) == 1
    assert prefilter_module._load(tmp_path, first._key) is not None
    second = RegexPrefilter(patterns, cache_dir=tmp_path, background=False)
    assert second.candidates("add me on whatsapp") == {1}
    files[0].write_bytes(b"\nnot a database")
    third = RegexPrefilter(patterns, cache_dir=tmp_path, background=False)
    assert third.active and third.candidates("kik?") == {0}
    assert prefilter_module._load(tmp_path, first._key) is not None  # rewritten


def test_background_build_and_threads(tmp_path: Path) -> None:
    patterns = [re.compile(rf"\bword{chr(ord('a') + i)}\b") for i in range(20)]
    prefilter = RegexPrefilter(patterns, cache_dir=tmp_path)
    assert prefilter.wait(60)
    answers: list[frozenset[int]] = []

    def scan() -> None:
        for _ in range(200):
            answers.append(prefilter.candidates("wordd and wordr"))

    threads = [threading.Thread(target=scan) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(answers) == {frozenset({3, 17})}


def test_a_fork_while_building_builds_again_in_the_child(tmp_path: Path) -> None:
    patterns = [re.compile(rf"\bfork{chr(ord('a') + i)}\b") for i in range(5)]
    prefilter = RegexPrefilter(patterns, cache_dir=tmp_path)
    prefilter.wait(60)
    # as a forked child sees it: not ready, and the thread that was building it is gone
    prefilter._ready.clear()
    prefilter._database = None
    dead = threading.Thread(target=lambda: None)
    dead.start()
    dead.join()
    prefilter._thread = dead
    assert prefilter.wait(60)
    assert prefilter.candidates("forkc") == {2}


@pytest.fixture(scope="module")
def guard() -> Guard:
    built = Guard()
    assert built.wait_ready(300)
    return built


@pytest.fixture(scope="module")
def plain_guard() -> Guard:
    return Guard(DetectionSettings(compiled_prefilters=False))


def _prefilters(guard: Guard) -> list[RegexPrefilter]:
    return [*guard.resources.prefilters, *(p for d in guard.detection.detectors for p in d.prefilters)]


def test_every_detector_prefilter_is_built(guard: Guard) -> None:
    prefilters = _prefilters(guard)
    assert len(prefilters) >= 4
    assert all(p.active for p in prefilters)
    assert all(not p.always for p in prefilters)  # every real pattern could be rewritten and compiled


def _dev_texts() -> list[str]:
    texts: list[str] = []
    for path in sorted(DEV.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                texts.extend([case["text"]] if "text" in case else [m["text"] for m in case["messages"]])
    return texts


def test_same_findings_with_and_without_prefilters(guard: Guard, plain_guard: Guard) -> None:
    texts = _dev_texts()
    assert len(texts) > 8000
    context = Context()
    different = []
    for text in texts:
        fast = guard.detect(text, context).findings
        plain = plain_guard.detect(text, context).findings
        if fast != plain:
            different.append(text)
    assert different == []


_ALPHABET = st.sampled_from([
    *"abcdeghiklmnoprstuwyz0123456789 .@:/_-#'?!", "snap", "insta", " at ", " dot ", "gmail", "com", "add me",
    "discord", "number", "street", "whatsapp", "é", "ñ", "\u212a", "Ж", "\u00a0", "\n", "www.", "http://",
    "вк", "тг", "давай", "ไอจี", "ไลน์", "日", "ライン", "微信", "ı", "İ", "ſ", "ς", "\u0345", "😀", "٣", "ी",
])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_real_patterns_superset_property(guard: Guard, text: str) -> None:
    for prefilter in _prefilters(guard):
        found = prefilter.candidates(text)
        for index, (source, flags) in enumerate(prefilter.sources):
            if index not in found:
                assert re.search(source, text, flags) is None, (index, text)


@pytest.mark.parametrize("text", ["s n a p: jane", "i.n.s.t.a", "g m a i l . c o m", "S N A P C H A T - m a r c o 1 1",
                                  "no spaced letters here", "a b", "ｓ ｎ ａ ｐ", "x.y. z"])
def test_spaced_letters_with_and_without_the_prefilter(guard: Guard, text: str) -> None:
    spaced = guard.resources.prefilters[0]
    view = normalize(text)
    assert join_spaced_letters(view, spaced) == join_spaced_letters(view)

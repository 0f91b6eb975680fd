"""Where ``Guard.check`` spends its time on clean and on flagged traffic, and a prototype of the
speed-ups proposed to the detector owners, measured before and after.

The prototype is installed on one guard instance by monkeypatching (nothing in ``src/`` changes):

1. ``segment_cache``: ``NumberReader.segment`` (reading a word as number words) is a pure
   function of the word; chat repeats words, so it is memoised per reader.
2. ``phone_bound``: the phone detector builds the ``digits`` view (number words read as digits)
   for any text that merely contains "one", "ten", "eight" ... inside words ("someone",
   "often"). The prototype first bounds how many digits the ``digits`` view could hold (digits
   of each token, with tokens made only of number words read as digits, + multiplier
   expansions) and skips texts under seven: exact, as no phone candidate has fewer than seven digits.
3. ``solicitation_gate``: one search with all solicitation rules joined in one alternation,
   tried only at word starts (every rule begins with ``\\b`` and a word); the per-rule passes
   run only when it matches (a text no rule matches cannot yield a candidate).
4. ``mention_gate``: platform mentions are looked up only when every word of some platform
   alias is among the text's tokens (set operations in C instead of a Python loop over every
   token; "i", "the", "you" start multi-word aliases, so a first-word test alone lets almost
   every message through).

``--check`` (on by default) verifies that the prototype returns identical decisions on every
shared text and every generated message.

    python -m benchmarks.profile_guard                  # writes benchmarks/results/profile.*
    python -m benchmarks.profile_guard --profiler pyinstrument
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import pstats
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (
    RESULTS,
    BenchmarkError,
    default_case_files,
    load_case_files,
    machine_info,
    machine_line,
    md_table,
    publish,
    texts_of,
    time_calls,
)
from benchmarks.traffic import generate
from offsite import Context, Guard
from offsite.detectors.base import Candidate, Detector
from offsite.detectors.solicitation import SENTENCE
from offsite.normalize import WORD_MARKS, View, Views

PROTOTYPES = ("segment_cache", "phone_bound", "solicitation_gate", "mention_gate")
# words of any script, with the vowel signs of Indic and Thai words (Russian, Hindi number words too)
_TOKEN = re.compile(rf"[^\W_]+(?:[{WORD_MARKS}]+[^\W_]*)*")
_STRETCHED = re.compile(r"([a-z])\1{2,}(?![a-z0-9])")


def _detector(guard: Guard, name: str) -> Detector | None:
    for detector in guard.detection.detectors:
        if detector.name == name:
            return detector
    return None


def install_prototype(guard: Guard, parts: Sequence[str] = PROTOTYPES) -> Guard:
    """Install the named speed-ups on ``guard`` (instance attributes only) and return it."""
    unknown = set(parts) - set(PROTOTYPES)
    if unknown:
        raise BenchmarkError(f"unknown prototype part(s): {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(PROTOTYPES)}")
    reader = guard.resources.numbers
    if "segment_cache" in parts:
        object.__setattr__(reader, "segment", functools.lru_cache(maxsize=65_536)(reader.segment))
    phone = _detector(guard, "phone")
    if "phone_bound" in parts and phone is not None:
        _install_phone_bound(phone, reader)
    solicitation = _detector(guard, "solicitation")
    if "solicitation_gate" in parts and solicitation is not None:
        _install_solicitation_gate(solicitation)
    if "mention_gate" in parts:
        _install_mention_gate(guard)
    return guard


def _install_phone_bound(phone: Detector, reader: Any) -> None:
    original: Callable[[Views, Context], Iterator[Candidate]] = phone.candidates
    multipliers: dict[str, int] = reader.multipliers
    extra = max(multipliers.values(), default=1) - 1

    @functools.lru_cache(maxsize=65_536)
    def digits_of(token: str) -> int:
        if token.isdigit():
            return len(token)
        if token in multipliers:
            return extra
        pieces = reader.segment(token)
        if pieces is None:
            if any(c >= "\u0e00" for c in token):
                return 7  # Thai, kana, Chinese, Korean: number words are read inside words, no bound here
            return sum(c.isdigit() for c in token)  # left as typed in the digits view: its own digits count
        return sum(len(p[0]) for p in pieces)

    def candidates(views: Views, context: Context) -> Iterator[Candidate]:
        joined = views.joined.text
        bound = 0
        for token in _TOKEN.findall(joined):
            bound += digits_of(token)
            if bound >= 7:
                return original(views, context)
        return iter(())

    object.__setattr__(phone, "candidates", candidates)


def _install_solicitation_gate(detector: Detector) -> None:
    rules = getattr(detector, "rules", ())
    if not rules:
        return
    # Rules with known beginnings start at the start of a word ("\\b" then a letter), so their
    # joined alternation is tried only there: the look-around costs one test per position
    # instead of one per rule. The few that may begin anywhere ("ur cute, snap?") are searched
    # sentence by sentence, as the detector searches them ("^" is a sentence's start).
    body = "|".join(f"(?:{r.source})" for r in rules if r.beginnings is not None)
    gate = re.compile(rf"(?<!\w)(?=\w)(?:{body})")  # (a word of any script: "\\bнапиши")
    anywhere = [re.compile(r.source) for r in rules if r.beginnings is None]
    original: Callable[[Views, Context], Iterator[Candidate]] = detector.candidates

    def candidates(views: Views, context: Context) -> Iterator[Candidate]:
        text = views.alpha.text
        if gate.search(text) is None and not any(
            rule.search(sentence.group()) for sentence in SENTENCE.finditer(text) for rule in anywhere
        ):
            return iter(())
        return original(views, context)

    object.__setattr__(detector, "candidates", candidates)


def _install_mention_gate(guard: Guard) -> None:
    index = guard.resources.platforms
    # first word -> the word sets of the aliases starting with it ("i message" -> {i, message})
    by_first: dict[str, list[frozenset[str]]] = {}
    for alias_words in index.by_alias:
        # an alias kept as one word with punctuation in it ("s/c") is its tokens here
        words = [token for word in alias_words for token in _TOKEN.findall(word)] or list(alias_words)
        by_first.setdefault(words[0], []).append(frozenset(words))
    original = index.mentions

    def mentions(view: View) -> list[Any]:
        if not view.text.isascii():
            return original(view)  # aliases in scripts without spaces ("加我微信") are not tokens
        tokens = set(_TOKEN.findall(_STRETCHED.sub(r"\1", view.text)))  # "instaaaa" names insta too
        for word in tokens.intersection(by_first):
            if any(alias <= tokens for alias in by_first[word]):
                return original(view)
        return []

    index.mentions = mentions  # type: ignore[method-assign]


def profile_cprofile(check: Callable[[str], object], texts: Sequence[str], top: int) -> list[dict[str, Any]]:
    """The ``top`` functions by own time (cProfile), with their cumulative time, over one pass."""
    for text in texts:
        check(text)
    profiler = cProfile.Profile()
    profiler.enable()
    for text in texts:
        check(text)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in raw.values()) or 1.0
    rows = []
    for (filename, line, func), (_cc, calls, tottime, cumtime, _callers) in raw.items():
        where = filename.split("/src/")[-1] if "/src/offsite/" in filename else Path(filename).name
        rows.append({"function": f"{where}:{line}({func})", "calls": calls,
                     "own_s": round(tottime, 4), "own_share": round(tottime / total, 4),
                     "cumulative_s": round(cumtime, 4)})
    rows.sort(key=lambda r: -float(r["own_s"]))
    return rows[:top]


def profile_pyinstrument(check: Callable[[str], object], texts: Sequence[str]) -> str:
    """A pyinstrument call tree over one pass (text), if pyinstrument is installed."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        raise BenchmarkError("pyinstrument is not installed (pip install -e '.[bench]')") from None
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for text in texts:
        check(text)
    profiler.stop()
    return str(profiler.output_text(unicode=True, color=False, show_all=False))


def verify(plain: Guard, fast: Guard, texts: Sequence[str]) -> list[int]:
    """Indexes of texts where the prototype's decision differs from the plain guard's."""
    context = Context()
    return [i for i, t in enumerate(texts)
            if plain.check(t, context).to_dict() != fast.check(t, context).to_dict()]


def run(count: int, seed: int, top: int, min_seconds: float, profiler: str, check_same: bool,
        rounds: int = 2, clock_name: str = "cpu") -> dict[str, Any]:
    """Profile, prototype, verify and time; returns the JSON-ready report."""
    traffic = generate(count, seed=seed)
    clean = [m.text for m in traffic if not m.violation]
    flagged = [m.text for m in traffic if m.violation]
    shared = texts_of(load_case_files(default_case_files()))
    sets = {"traffic_clean": clean, "traffic_violation": flagged, "traffic_all": [m.text for m in traffic],
            "shared_texts": shared}
    long_texts = [m.text for m in traffic if len(m.text) > 500]
    context = Context()
    plain = Guard()
    plain.wait_ready(600)  # compiled prefilters built before anything is profiled
    report: dict[str, Any] = {"machine": machine_info(), "traffic": {"count": count, "seed": seed},
                              "rounds": rounds, "clock": clock_name, "profiles": {}, "timings": {}}
    for name, texts in (("traffic_clean", clean), ("traffic_violation", flagged),
                        ("traffic_over_500_chars", long_texts)):
        if profiler == "pyinstrument":
            report["profiles"][name] = profile_pyinstrument(lambda t: plain.check(t, context), texts)
        else:
            report["profiles"][name] = profile_cprofile(lambda t: plain.check(t, context), texts, top)
    variants: dict[str, Guard] = {"before": plain}
    for part in PROTOTYPES:
        variants[f"+{part} only"] = install_prototype(Guard(), [part])
    variants["after (all)"] = install_prototype(Guard())
    if check_same:
        mismatches = {name: verify(plain, variants["after (all)"], texts) for name, texts in
                      (("shared_texts", shared), ("traffic_all", sets["traffic_all"]))}
        report["identical_decisions"] = {k: {"texts": len(sets[k]), "different": len(v),
                                             "examples": [sets[k][i][:120] for i in v[:3]]}
                                         for k, v in mismatches.items()}
    # Rounds alternate between the variants and the best round counts, so that load from other
    # processes on the machine hits every variant alike.
    for _round in range(rounds):
        for variant, guard in variants.items():
            timings = report["timings"].setdefault(variant, {})
            for name, texts in sets.items():
                if variant not in ("before", "after (all)") and name != "traffic_all":
                    continue

                def check(text: str, guard: Guard = guard) -> object:
                    return guard.check(text, context)

                timing = time_calls(check, texts, min_seconds=min_seconds, clock_name=clock_name).to_dict()
                if name not in timings or timing["messages_per_s"] > timings[name]["messages_per_s"]:
                    timings[name] = timing
    return report


def to_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown."""
    lines = ["# Profile of Guard.check", "", f"Machine: {machine_line(report['machine'])}.", "",
             f"Traffic: {report['traffic']['count']:,} generated messages (seed {report['traffic']['seed']}).", ""]
    for name, rows in report["profiles"].items():
        lines += [f"## Top functions on {name} (cProfile, own time)", ""]
        if isinstance(rows, str):
            lines += ["```", rows, "```", ""]
            continue
        lines.append(md_table(["function", "calls", "own s", "own share", "cumulative s"],
                              [[r["function"], r["calls"], r["own_s"], r["own_share"], r["cumulative_s"]]
                               for r in rows]))
        lines.append("")
    lines += ["## Prototype speed-ups (monkeypatched in benchmarks/profile_guard.py), msg/s", "",
              f"Best of {report['rounds']} alternating rounds; clock: "
              f"{'thread CPU time' if report['clock'] == 'cpu' else 'wall time'}.", ""]
    sets = ["traffic_clean", "traffic_violation", "traffic_all", "shared_texts"]
    rows = []
    for variant, timings in report["timings"].items():
        rows.append([variant, *[float(timings[s]["messages_per_s"]) if s in timings else "-" for s in sets],
                     float(timings["traffic_all"]["p99_us"])])
    lines.append(md_table(["variant", *sets, "traffic p99 µs"], rows))
    if "identical_decisions" in report:
        lines += ["", "Decisions with the full prototype compared with the plain guard:", ""]
        for name, v in report["identical_decisions"].items():
            lines.append(f"- {name}: {v['different']} of {v['texts']:,} differ")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=20_000, help="generated traffic messages")
    parser.add_argument("--seed", type=int, default=8, help="traffic seed")
    parser.add_argument("--top", type=int, default=20, help="functions listed per profile")
    parser.add_argument("--min-seconds", type=float, default=2.0, help="timed seconds per text set")
    parser.add_argument("--rounds", type=int, default=2, help="timing rounds (best counts)")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu", help="timing clock")
    parser.add_argument("--profiler", choices=("cprofile", "pyinstrument"), default="cprofile")
    parser.add_argument("--no-check", action="store_true", help="skip the identical-decision check")
    parser.add_argument("--out", type=Path, default=RESULTS / "profile", help="output stem")
    args = parser.parse_args(argv)
    try:
        if args.count <= 0:
            raise BenchmarkError(f"--count must be positive, got {args.count}")
        report = run(args.count, args.seed, args.top, args.min_seconds, args.profiler, not args.no_check,
                     max(1, args.rounds), args.clock)
    except BenchmarkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    publish(args.out, report, to_markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

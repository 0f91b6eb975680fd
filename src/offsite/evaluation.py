"""Scanning and scoring case files in the shared benchmark format (FORMAT.md).

``scan_cases`` turns cases into result records; ``score`` computes precision, recall, F1,
false-positive rate and span recall per file, as FORMAT.md defines them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from offsite.models import Context, Sender, Surface


class CaseError(ValueError):
    """A malformed case line; ``where`` is ``file:line``."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


@dataclass(frozen=True)
class Case:
    """One case: a single text or a conversation."""

    id: str
    label: str | None
    surface: str
    text: str | None = None
    messages: tuple[tuple[str, str], ...] = ()
    contact: tuple[str, ...] = ()
    violation_at: int | None = None

    @property
    def is_conversation(self) -> bool:
        """True for a conversation case."""
        return self.text is None


_SURFACES = {s.value for s in Surface} | {"room"}


def parse_case(line: str, where: str) -> Case:
    """Parse and validate one JSON line (raises CaseError naming the problem)."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CaseError(where, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(data, dict):
        raise CaseError(where, "a case must be a JSON object")
    case_id = data.get("id")
    if not isinstance(case_id, (str, int)) or case_id == "":
        raise CaseError(where, "missing 'id'")
    label = data.get("label")
    if label not in (None, "violation", "clean"):
        raise CaseError(where, f"'label' must be 'violation' or 'clean', not {label!r}")
    surface = data.get("surface", "chat")
    if surface not in _SURFACES:
        raise CaseError(where, f"unknown surface {surface!r}")
    if "messages" in data:
        messages = data["messages"]
        if not isinstance(messages, list) or not all(
            isinstance(m, dict) and isinstance(m.get("text"), str) for m in messages
        ):
            raise CaseError(where, "'messages' must be a list of objects with a 'text' string")
        at = data.get("violation_at")
        if at is not None and (not isinstance(at, int) or not 0 <= at < len(messages)):
            raise CaseError(where, "'violation_at' must index a message")
        return Case(str(case_id), label, surface,
                    messages=tuple((str(m.get("from", "a")), m["text"]) for m in messages),
                    violation_at=at)
    text = data.get("text")
    if not isinstance(text, str):
        raise CaseError(where, "missing 'text' (or 'messages')")
    contact = data.get("contact") or []
    if not isinstance(contact, list) or not all(isinstance(c, str) for c in contact):
        raise CaseError(where, "'contact' must be a list of strings")
    return Case(str(case_id), label, surface, text=text, contact=tuple(contact))


def read_cases(path: Path | str, lines: Iterable[str] | None = None) -> Iterator[Case | CaseError]:
    """Cases of a file (or of ``lines``), yielding a CaseError in place of each bad line."""
    name = str(path)
    source = lines if lines is not None else Path(path).open(encoding="utf-8")
    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        try:
            yield parse_case(line, f"{name}:{number}")
        except CaseError as exc:
            yield exc


Checker = Callable[[str, Context], Any]


def _surface(name: str) -> Surface:
    return Surface(name) if name in {s.value for s in Surface} else Surface.ROOM


def scan_case(case: Case, check: Checker) -> dict[str, Any]:
    """The result record of one case (FORMAT.md "What a scan writes")."""
    surface = _surface(case.surface)
    if case.text is not None:
        decision = check(case.text, Context(surface=surface))
        return {
            "id": case.id,
            "flagged": decision.flagged,
            "action": decision.action.value,
            "findings": [_finding(f) for f in decision.findings],
        }
    results = []
    flagged_at = None
    for index, (sender, text) in enumerate(case.messages):
        context = Context(surface=surface, sender=Sender(id=sender), conversation_id=case.id,
                          message_id=f"{case.id}:{index}")
        decision = check(text, context)
        if decision.flagged and flagged_at is None:
            flagged_at = index
        results.append({"flagged": decision.flagged, "action": decision.action.value,
                        "findings": [_finding(f) for f in decision.findings]})
    return {"id": case.id, "flagged": flagged_at is not None, "flagged_at": flagged_at,
            "messages": results}


def _finding(finding: Any) -> dict[str, Any]:
    return {"kind": finding.kind.value, "start": finding.start, "end": finding.end,
            "text": finding.text, "rule": finding.rule, "confidence": finding.confidence,
            "platform": finding.platform}


@dataclass
class Score:
    """Counts and rates for one file."""

    name: str
    cases: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    late: int = 0
    spans: int = 0
    spans_covered: int = 0
    errors: int = 0
    missed: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """TP / (TP + FP); 1.0 when nothing was flagged."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN); 1.0 when there are no violations."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def fpr(self) -> float:
        """FP / (FP + TN); 0.0 when there are no clean cases."""
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0

    @property
    def span_recall(self) -> float:
        """Share of contact substrings covered >= 80% by findings."""
        return self.spans_covered / self.spans if self.spans else 1.0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return {
            "file": self.name, "cases": self.cases, "tp": self.tp, "fp": self.fp, "fn": self.fn,
            "tn": self.tn, "late": self.late, "errors": self.errors,
            "precision": round(self.precision, 4), "recall": round(self.recall, 4),
            "f1": round(self.f1, 4), "fpr": round(self.fpr, 4),
            "span_recall": round(self.span_recall, 4), "spans": self.spans,
        }


def _covered(text: str, contact: str, findings: list[dict[str, Any]]) -> list[bool]:
    """For each occurrence of ``contact`` in ``text``: covered >= 80% by findings?"""
    out = []
    start = text.find(contact)
    while start != -1 and contact:
        end = start + len(contact)
        covered: set[int] = set()
        for f in findings:
            covered.update(range(max(start, f["start"]), min(end, f["end"])))
        out.append(len(covered) >= 0.8 * len(contact))
        start = text.find(contact, start + 1)
    return out


def score_case(score: Score, case: Case, result: dict[str, Any]) -> None:
    """Add one case and its result to ``score``."""
    score.cases += 1
    flagged = bool(result.get("flagged"))
    if case.is_conversation and case.label == "violation" and flagged:
        at = result.get("flagged_at")
        if case.violation_at is not None and at is not None and at > case.violation_at:
            flagged = False
            score.late += 1
    if case.label == "violation":
        if flagged:
            score.tp += 1
        else:
            score.fn += 1
            score.missed.append(case.id)
    elif case.label == "clean":
        if flagged:
            score.fp += 1
            score.false_alarms.append(case.id)
        else:
            score.tn += 1
    if case.text is not None and case.label == "violation":
        findings = result.get("findings", [])
        for contact in case.contact:
            for ok in _covered(case.text, contact, findings):
                score.spans += 1
                score.spans_covered += ok

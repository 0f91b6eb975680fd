"""The one ``Detector`` interface and the ``Candidate`` record detectors pass to their
validation hook.

A detector proposes candidates on one of the normalised views; ``validate`` may reject each one
with a reason (recorded in the developer trace); accepted candidates become ``Finding`` objects
located in the original text.
"""

from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from offsite.models import Context, Finding, Kind, TraceStep
from offsite.normalize import View, Views
from offsite.prefilter import RegexPrefilter, shared_prefilter
from offsite.resources import Resources


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible finding, in the coordinates of ``view``."""

    kind: Kind
    view: View
    start: int
    end: int
    rule: str
    confidence: float
    value: str
    platform: str | None = None

    @property
    def text(self) -> str:
        """The candidate's text in its view."""
        return self.view.text[self.start : self.end]


@dataclass
class Trace:
    """Collects trace steps when the caller asked for an explanation."""

    enabled: bool = False
    steps: list[TraceStep] = field(default_factory=list)

    def add(self, step: TraceStep) -> None:
        """Record a step (only when enabled)."""
        if self.enabled:
            self.steps.append(step)


_EDGE_TRIM = " \t\r\n.,;:!?'\"()[]{}<>"


class Detector(ABC):
    """Finds one kind of off-site contact. Subclasses set ``name`` and implement
    ``candidates``; they may override ``validate`` to reject candidates."""

    name: str = "detector"
    #: Candidates below this confidence are rejected by the default validation.
    min_confidence: float = 0.5
    #: Runs only on texts where no other detector found anything (a second opinion, such as a
    #: model that reads the whole message): it never competes with a rule's finding.
    second_opinion: bool = False

    #: the compiled prefilters this detector asks (see :meth:`prefilter`)
    prefilters: tuple[RegexPrefilter, ...] = ()

    def __init__(self, resources: Resources) -> None:
        self.resources = resources

    def prefilter(self, patterns: Sequence[str | re.Pattern[str]], *, whole_text: bool = False) -> RegexPrefilter:
        """A compiled prefilter of ``patterns`` (shared by every detector that asks for the same
        ones): one scan of a text answers which of them may match it, so that work which can only
        follow a match is skipped exactly where none is possible. ``whole_text``: the patterns
        are only ever searched in the scanned text itself, not in pieces of it (then their
        edge look-arounds narrow the scan too). Kept in ``prefilters``."""
        built = shared_prefilter(patterns, whole_text=whole_text,
                                 enabled=self.resources.settings.compiled_prefilters)
        self.prefilters = (*self.prefilters, built)
        return built

    def detect(self, text: str, context: Context | None = None) -> list[Finding]:
        """Findings of this detector alone in ``text``."""
        views = self.resources.views(text)
        return self.run(views, context or Context(), Trace())

    def run(self, views: Views, context: Context, trace: Trace) -> list[Finding]:
        """Propose, validate and locate candidates on prepared views."""
        findings: list[Finding] = []
        for cand in self.candidates(views, context):
            reason = self.validate(cand, views, context)
            if reason is not None:
                trace.add(TraceStep(self.name, "rejected", reason, cand.text, cand.view.name,
                                    cand.start, cand.end))
                continue
            finding = self.locate(cand, views.original)
            if finding is None:
                continue
            trace.add(TraceStep(self.name, "accepted", cand.rule, cand.text, cand.view.name,
                                finding.start, finding.end))
            findings.append(finding)
        return findings

    @abstractmethod
    def candidates(self, views: Views, context: Context) -> Iterator[Candidate]:
        """Yield possible findings."""

    def validate(self, candidate: Candidate, views: Views, context: Context) -> str | None:
        """Return a reason to reject ``candidate``, or None to accept it."""
        if candidate.confidence < self.min_confidence:
            return f"confidence {candidate.confidence:.2f} below {self.min_confidence:.2f}"
        return None

    def locate(self, cand: Candidate, original: str) -> Finding | None:
        """Map a candidate to the original text, trimming surrounding punctuation."""
        start, end = cand.view.to_original(cand.start, cand.end)
        while start < end and original[start] in _EDGE_TRIM and not (
            original[start] in "(+[@" and cand.kind in (Kind.PHONE, Kind.HANDLE)
        ):
            start += 1
        while end > start and original[end - 1] in _EDGE_TRIM and not (
            original[end - 1] == ")" and "(" in original[start:end]
        ):
            end -= 1
        if start >= end:
            return None
        # keep trailing invisible marks with the character they belong to (keycap "5️⃣")
        while end < len(original) and unicodedata.category(original[end]) in ("Mn", "Me", "Cf"):
            end += 1
        return Finding(
            kind=cand.kind,
            start=start,
            end=end,
            text=original[start:end],
            confidence=round(min(cand.confidence, 1.0), 3),
            rule=cand.rule,
            detector=self.name,
            platform=cand.platform,
            value=cand.value,
        )


WORD = re.compile(r"[a-z0-9]+")

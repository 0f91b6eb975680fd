"""Shared helpers of the table-driven detector tests.

Each detector module lists rows ``(text, spans, kind)``: ``spans`` are the exact substrings of
``text`` that findings of ``kind`` must cover (at least 80% of the characters of every occurrence,
as FORMAT.md scores span recall). Hard negatives are texts in which nothing may be found.

Every row is checked twice: with the detector alone, built through the registry, and with the
whole pipeline (``Guard.detect``), where overlapping findings are merged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

import pytest

from offsite import Context, Guard, Kind, Surface
from offsite.detectors.base import Detector
from offsite.models import Finding
from offsite.registry import default_registry
from offsite.resources import Resources

COVERAGE = 0.8


@cache
def resources() -> Resources:
    """One shared set of resources (the lexicon is read once)."""
    return Resources()


@cache
def guard() -> Guard:
    """One shared guard with the default registry."""
    return Guard()


@cache
def detector(name: str) -> Detector:
    """The detector registered as ``name`` in the default registry."""
    registry = default_registry()
    assert name in registry.factories, f"no detector {name!r} in the default registry"
    return registry.factories[name](resources())


def case_id(text: str) -> str:
    """A short ASCII test id for a text."""
    return ascii(text)[1:-1][:60]


def pos(text: str, spans: Sequence[str], kind: Kind, surface: Surface = Surface.CHAT) -> Any:
    """A positive row."""
    return pytest.param(text, tuple(spans), kind, surface, id=case_id(text))


def neg(text: str, surface: Surface = Surface.CHAT) -> Any:
    """A hard-negative row."""
    suffix = "" if surface == Surface.CHAT else f"[{surface.value}]"
    return pytest.param(text, surface, id=case_id(text) + suffix)


def describe(findings: Iterable[Finding]) -> str:
    """Findings in a compact form for assertion messages."""
    return repr([(f.kind.value, f.text, f.rule, f.confidence) for f in findings]) or "[]"


def assert_offsets(text: str, findings: Iterable[Finding]) -> None:
    """Every finding is located exactly in ``text``."""
    for f in findings:
        assert 0 <= f.start < f.end <= len(text), f"bad offsets {f.start}-{f.end} for {f!r}"
        assert text[f.start : f.end] == f.text, f"text[{f.start}:{f.end}] != {f.text!r}"


def uncovered(text: str, spans: Sequence[str], findings: Sequence[Finding]) -> list[str]:
    """The spans (every occurrence) that findings cover less than 80%."""
    missing = []
    for span in spans:
        assert span and span in text, f"test row is wrong: {span!r} is not a substring of {text!r}"
        start = text.find(span)
        while start != -1:
            end = start + len(span)
            covered: set[int] = set()
            for f in findings:
                covered.update(range(max(start, f.start), min(end, f.end)))
            if len(covered) < COVERAGE * len(span):
                missing.append(span)
                break
            start = text.find(span, start + 1)
    return missing


def check_positive(name: str, text: str, spans: Sequence[str], kind: Kind, surface: Surface) -> None:
    """The detector ``name`` alone, and the pipeline, find ``spans`` as ``kind``."""
    context = Context(surface=surface)
    alone = detector(name).detect(text, context)
    assert_offsets(text, alone)
    of_kind = [f for f in alone if f.kind == kind]
    assert of_kind, f"{name} detector found no {kind.value} in {text!r}; found {describe(alone)}"
    missing = uncovered(text, spans, of_kind)
    assert not missing, f"{name} detector left {missing} uncovered in {text!r}; found {describe(alone)}"

    merged = guard().detect(text, context).findings
    assert_offsets(text, merged)
    # After merging, a request to move elsewhere may be absorbed by the identifier it names.
    pool = list(merged) if kind == Kind.SOLICITATION else [f for f in merged if f.kind == kind]
    missing = uncovered(text, spans, pool)
    assert not missing, f"Guard.detect left {missing} uncovered in {text!r}; found {describe(merged)}"


def check_negative(name: str, text: str, surface: Surface) -> None:
    """Neither the detector ``name`` nor the pipeline finds anything in ``text``."""
    context = Context(surface=surface)
    alone = detector(name).detect(text, context)
    assert_offsets(text, alone)
    assert not alone, f"{name} detector flagged clean text {text!r}: {describe(alone)}"
    merged = guard().detect(text, context).findings
    assert_offsets(text, merged)
    assert not merged, f"Guard.detect flagged clean text {text!r}: {describe(merged)}"

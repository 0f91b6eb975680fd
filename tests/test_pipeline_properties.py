"""Properties of the whole pipeline on any input: ``Guard().check`` never raises, findings are
located exactly, redaction leaves nothing of a finding behind, and decisions round-trip through
JSON."""

from __future__ import annotations

import json
import random
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offsite import Context, Decision, Guard, Kind, Surface
from offsite.models import AgeGroup, Finding, Role, Sender, TraceStep
from offsite.redact import MASKS


@cache
def guard() -> Guard:
    """One guard for every example (building one reads the lexicon)."""
    return Guard()


# Pieces that make detectors fire (and disguise), mixed with arbitrary text.
FRAGMENTS = [
    "jane@gmail.com", "jane at gmail dot com", " (at) ", "[dot]", "555-014-2287", "+44 7700 900123",
    "five five five oh one nine two three three four", "double five", "5️⃣", "５５５", "①②③",
    "discord.gg/abc123", "t.me/jane_d", "wa.me/15550192334", "snapchat.com/add/x", "www.jane.net",
    "ig: jane_d", "@jane_d", " on insta", "u/jane", "discord: jane#1234", "s n a p: jane.d",
    "d!scord", "add me on snap", "what's your number", "meet me at 42 elm street", "123 Main St",
    "call 988", "text HOME to 741741", "1-800-273-8255", "116 123", "at 5:30", "3/14/2024",
    "$19.99", "50mg", "i'm 16", "\u200b", "\u202e", "\ufeff", "\x00", "\x1b[31m", "\r\n", "\t",
    "а", "е", "ѕ", "Ι", "ß", "İ", "ﬁ", "🔟", "\U0001f47b", " ", ".", "@", "#", "(", ")", ":",
    "[email hidden]", "hidden", "[", "]",
]

no_surrogates = st.characters(blacklist_categories=("Cs",))
texts = st.lists(
    st.one_of(st.text(no_surrogates, max_size=8), st.sampled_from(FRAGMENTS)), max_size=24
).map("".join)
contexts = st.builds(
    Context,
    surface=st.sampled_from(list(Surface)),
    sender=st.builds(Sender, role=st.sampled_from(list(Role)), age_group=st.sampled_from(list(AgeGroup))),
    recipient_age_groups=st.lists(st.sampled_from(list(AgeGroup)), max_size=2).map(tuple),
    known_usernames=st.frozensets(st.sampled_from(["jane_d", "maria", "mods"]), max_size=2),
)

# A super-linear regression must fail here, not hang the suite (pytest-timeout).
pytestmark = pytest.mark.timeout(120)

SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_findings(text: str, findings: tuple[Finding, ...]) -> None:
    """Offsets valid, text exact, findings in order and not overlapping."""
    previous_end = 0
    for f in findings:
        assert 0 <= f.start < f.end <= len(text), f"offsets {f.start}-{f.end} outside 0-{len(text)}"
        assert text[f.start : f.end] == f.text, f"text[{f.start}:{f.end}] != {f.text!r}"
        assert f.start >= previous_end, f"findings overlap or are out of order: {findings}"
        assert 0.0 < f.confidence <= 1.0
        assert isinstance(f.kind, Kind)
        previous_end = f.end


def check_redaction(text: str, decision: Decision) -> None:
    """Redaction replaces exactly the findings' spans: the redacted text is the text between
    findings, in order, with one mask in place of each finding, so no character of any finding
    survives; and a finding's text is gone unless it also stands outside every finding or is
    part of a mask's words."""
    findings = decision.findings
    redacted = decision.redacted_text
    if not findings:
        assert redacted == text
        return
    kept = []
    pos = 0
    for f in findings:
        kept.append(text[pos : f.start])
        pos = f.end
    kept.append(text[pos:])
    masks = sorted(set(MASKS.values()), key=len, reverse=True)
    at = 0
    for index, segment in enumerate(kept):
        assert redacted.startswith(segment, at), (
            f"text outside findings changed: expected {segment!r} at {at} of {redacted!r}"
        )
        at += len(segment)
        if index < len(findings):
            mask = next((m for m in masks if redacted.startswith(m, at)), None)
            assert mask is not None, f"no mask for {findings[index].text!r} at {at} of {redacted!r}"
            at += len(mask)
    assert at == len(redacted), f"unexpected tail {redacted[at:]!r}"
    rest = "".join(kept)
    for f in findings:
        if f.text in rest or any(f.text in mask for mask in masks):
            continue
        assert f.text not in redacted, f"{f.text!r} survived redaction"


def check_round_trip(decision: Decision) -> None:
    """The JSON form parses back to the same data, and every finding and trace step rebuilds."""
    data = json.loads(decision.to_json())
    assert data == decision.to_dict()
    assert data["flagged"] == decision.flagged
    assert data["action"] == decision.action.value
    rebuilt = tuple(
        Finding(**{**fd, "kind": Kind(fd["kind"]), "source_message_ids": tuple(fd["source_message_ids"])})
        for fd in data["findings"]
    )
    assert rebuilt == decision.findings
    if decision.trace is not None:
        assert tuple(TraceStep(**step) for step in data["trace"]) == decision.trace


@SETTINGS
@given(texts, contexts)
def test_check_never_raises_and_locates_exactly(text: str, context: Context) -> None:
    """Any string, any context: a decision with exactly located, non-overlapping findings."""
    decision = guard().check(text, context)
    check_findings(text, decision.findings)
    check_redaction(text, decision)
    check_round_trip(decision)
    assert decision.flagged == bool(decision.findings)


@settings(max_examples=200, deadline=None)
@given(st.text(no_surrogates, max_size=200))
def test_arbitrary_unicode(text: str) -> None:
    """Arbitrary Unicode (control characters, combining marks, astral planes) never breaks it."""
    decision = guard().check(text)
    check_findings(text, decision.findings)
    check_redaction(text, decision)
    check_round_trip(decision)


@settings(max_examples=100, deadline=None)
@given(texts)
def test_explain_round_trips(text: str) -> None:
    """With the developer trace on, the decision (trace included) round-trips through JSON and
    the findings are the same as without it."""
    explained = guard().check(text, explain=True)
    assert explained.trace is not None
    check_round_trip(explained)
    assert explained.findings == guard().check(text).findings


@settings(max_examples=100, deadline=None)
@given(texts)
def test_detect_agrees_with_check(text: str) -> None:
    """``check`` reports what ``detect`` finds."""
    assert guard().check(text).findings == guard().detect(text).findings


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_long_mixed_text(seed: int) -> None:
    """A long text (about 20 000 characters) mixing contact, disguises and noise."""
    rng = random.Random(seed)
    pieces = []
    while sum(map(len, pieces)) < 20_000:
        pieces.append(rng.choice(FRAGMENTS))
        pieces.append(" " + "".join(chr(rng.randrange(32, 0x3000)) for _ in range(rng.randrange(0, 8))) + " ")
    text = "".join(pieces)
    text = "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF)
    decision = guard().check(text)
    assert decision.flagged
    check_findings(text, decision.findings)
    check_redaction(text, decision)
    check_round_trip(decision)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\x00" * 1000,
        "\n" * 5000,
        "\u200b" * 5000,
        "\ufe0f\u20e3" * 2000,
        "a" * 100_000,
        "@" * 50_000,
        "#" * 50_000,
        "." * 1_500,  # long runs of punctuation are test_linear_time's work
        "!?" * 750,
        "(" * 1_500,
        "x" + "\u0301" * 10_000,
        "\U0001f600" * 20_000,
    ],
    ids=lambda t: f"{t[:6]!a}*{len(t)}",
)
def test_degenerate_inputs(text: str) -> None:
    """Empty, control-only, invisible-only and very long one-character texts."""
    decision = guard().check(text)
    check_findings(text, decision.findings)
    check_redaction(text, decision)
    check_round_trip(decision)


def test_non_string_is_a_type_error() -> None:
    """A non-string is a caller's mistake, reported as such."""
    with pytest.raises(TypeError):
        guard().check(b"bytes")  # type: ignore[arg-type]

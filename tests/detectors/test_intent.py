"""The intent model: a second opinion on messages no rule flagged. Rows are texts the rules pass
and the shipped model reads as an offer (found as ``solicitation.model``), and texts it must
leave alone; then its file format, its features, and how the policy treats what it finds."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path

import pytest

from offsite import Context, Guard, Kind
from offsite.detectors.intent import (
    CONFIDENCE_HIGH,
    CONFIDENCE_LOW,
    IntentModel,
    IntentModelError,
    feature_name,
    load_intent_model,
    message_features,
    unit_features,
)
from offsite.models import Action
from offsite.registry import default_registry

from ._support import check_negative, guard, neg, resources

S = Kind.SOLICITATION

# offers no rule names (each checked below to pass the rules, so the model is what finds it)
OFFERS = [
    "i don't want to lose you when this session times out, is there any other way to keep in touch?",
    "is there any way we can stay connected once this chat closes?",
    "u can reach me on the app with the ghost 👻 if u want",
]
OFFER = "u can reach me on the app with the ghost 👻 if u want"

NEGATIVES = [
    # (u17b) advice about a crisis line
    neg("i read somewhere that you should put 988 in your phone contacts just in case. did it tonight"),
    neg("i deleted snapchat last week and honestly feel better"),
    neg("discord servers stress me out honestly"),
    neg("my insta is private"),
    neg("i saw it on instagram.com"),
    neg("can we keep talking here tomorrow?"),
    neg("can we talk somewhere else in the app?"),
    neg("i'll be in the grief room later if you want to talk more there"),
    neg("whats your name"),  # fewer than four words: left to the rules and the conversation
    neg("better, snap is next"),
    neg("My NI number is QQ 12 34 56 C"),  # identifier material: the rules have said what it is
    neg("this is not an email: hello-world here"),
    neg("thanks for listening, i feel a bit better"),
]


def _rules_only() -> Guard:
    registry = default_registry()
    registry.disable("intent")
    return Guard(registry=registry)


@pytest.mark.parametrize("text", OFFERS)
def test_reads_offers_no_rule_names(text: str) -> None:
    """Before: the rules pass these. After: the model finds a solicitation over the text."""
    assert not _rules_only().detect(text).findings
    findings = guard().detect(text).findings
    assert [(f.kind, f.rule) for f in findings] == [(S, "solicitation.model")]
    assert CONFIDENCE_LOW <= findings[0].confidence < CONFIDENCE_HIGH + 1e-9


@pytest.mark.parametrize(("text", "surface"), NEGATIVES)
def test_leaves_clean_text_alone(text: str, surface: object) -> None:
    """Services named in passing, staying on the site, fragments and identifiers the rules cleared."""
    check_negative("intent", text, surface)  # type: ignore[arg-type]


def test_second_opinion_only_where_the_rules_found_nothing() -> None:
    """A message with a rule's finding gets no model finding besides it."""
    text = "add me on snap, u can reach me on the app with the ghost if u want"
    rules = {f.rule for f in guard().detect(text).findings}
    assert "solicitation.offer.add_me" in rules
    assert "solicitation.model" not in rules


def test_finding_covers_the_sentence_that_reads_as_the_offer() -> None:
    """In a long message the finding (and what redaction hides) is the offer's sentence."""
    text = ("thank you for listening tonight, it helped a lot and i mean it. i had such a long day "
            "at work and at school and everything. u can reach me on the app with the ghost if u want. "
            "anyway i should sleep now, my eyes are closing.")
    findings = guard().detect(text).findings
    assert len(findings) == 1 and findings[0].rule == "solicitation.model"
    assert findings[0].text == "u can reach me on the app with the ghost if u want"  # (edge punctuation trimmed)


def test_policy_treats_a_model_finding_as_uncertain() -> None:
    """Confidence below 0.6: the default policy hides the sentence, with no strike."""
    decision = guard().check(OFFER, Context(conversation_id="intent-policy"))
    assert decision.action == Action.REDACT
    assert decision.policy_rule == "uncertain" and "confidence.low" in decision.reasons
    assert "ghost" not in decision.redacted_text


def test_explanation_names_the_model() -> None:
    """The developer trace says the model accepted it."""
    decision = guard().check(OFFER, explain=True)
    assert decision.trace is not None
    assert any(step.detector == "intent" and step.outcome == "accepted" and step.reason == "solicitation.model"
               for step in decision.trace)


def test_registry_can_switch_it_off() -> None:
    """Sites that want rules only disable it by name."""
    assert guard().detect(OFFER).findings
    assert not _rules_only().detect(OFFER).findings


@pytest.mark.parametrize(
    ("text", "abstains"),
    [
        ("snap", True), ("could we maybe", True), ("is there any way to keep in touch", False),
        ("text me 555 019 2288 ok then", True), ("see discord.gg/abc for the link", True),
        ("write to me at jane@example.com please", True), ("a " * 200 + "one two three four", False),
    ],
)
def test_abstains_on_fragments_and_identifier_material(text: str, abstains: bool) -> None:
    """Fewer than four tokens, five digits, a link or an @: the rules' work."""
    assert (unit_features(text, []) == []) is abstains


def test_long_texts_are_read_sentence_by_sentence_too() -> None:
    """From 40 tokens on, each sentence of four tokens or more is a unit of its own."""
    text = "i had a long day at work and school. " * 5 + "is there any way to keep in touch?"
    spans = [span for span, _ in unit_features(text, [])]
    assert spans[0] == (0, len(text)) and len(spans) == 7
    assert text[slice(*spans[-1])].strip() == "is there any way to keep in touch?"


def test_features_read_platforms_phone_words_and_numbers_as_classes() -> None:
    """Platform names and phone words become classes; numbers are left out."""
    views = resources().views("add me on snap or text 555 lol")
    mentions = resources().platforms.mentions_in(views)
    names = {feature_name(f) for f in message_features(views.alpha.text, mentions)}
    assert {"add", "me", "on", "<platform>", "or", "<phoneword>", "lol"} == names


def test_probability_follows_the_documented_formula() -> None:
    """sigmoid(bias + sum(w) / sqrt(max(n, 8))) over distinct features; unknown features weigh
    nothing; a short text counts as eight features."""
    model = IntentModel(bias=-1.0, threshold=0.8, weights={"a": 2.0, "b": 2.0})
    many = {"a", "b", *(f"w{i}" for i in range(14))}
    assert model.probability(many) == pytest.approx(1 / (1 + math.exp(-(-1.0 + 4.0 / 4.0))))
    assert model.probability({"a", "b"}) == pytest.approx(1 / (1 + math.exp(-(-1.0 + 4.0 / math.sqrt(8)))))
    assert model.probability(set()) == pytest.approx(1 / (1 + math.exp(1.0)))


def test_shipped_model_is_valid_and_round_trips(tmp_path: Path) -> None:
    """Every entry of the shipped file is a valid feature with a finite weight; writing and
    reading it back gives the same model."""
    model = load_intent_model()
    assert 0.8 <= model.threshold < 1.0 and len(model.weights) > 1000
    assert model.trained_on, "the model says which files it was trained on"
    for name in model.trained_on:
        assert (Path(__file__).parents[1] / "data" / "dev" / name).is_file(), name
    path = tmp_path / "model.json"
    path.write_text(model.to_json(), "utf-8")
    again = load_intent_model(path)
    assert again.weights == model.weights and again.threshold == model.threshold and again.bias == model.bias


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "cannot read"),
        ("[]", "not a JSON object"),
        ('{"format": 2, "features_version": 1}', "model format 2"),
        ('{"format": 1, "features_version": 2, "bias": "x", "threshold": 0.9, "weights": {"a": 1}}', "'bias'"),
        ('{"format": 1, "features_version": 2, "bias": 0, "threshold": 1.5, "weights": {"a": 1}}', "'threshold'"),
        ('{"format": 1, "features_version": 2, "bias": 0, "threshold": 0.9, "weights": {}}', "'weights'"),
        ('{"format": 1, "features_version": 2, "bias": 0, "threshold": 0.9, "weights": {"a b": 1}}', "weights['a b']"),
        ('{"format": 1, "features_version": 2, "bias": 0, "threshold": 0.9, "weights": {"a": NaN}}', "weights['a']"),
        ('{"format": 1, "features_version": 2, "bias": 0, "threshold": 0.9, "weights": {"a": 1}, "trained_on": 3}',
         "'trained_on'"),
    ],
)
def test_bad_model_files_say_what_and_where(tmp_path: Path, content: str, message: str) -> None:
    """A broken model file is refused with its path and the field at fault, never a traceback."""
    path = tmp_path / "bad.json"
    path.write_text(content, "utf-8")
    with pytest.raises(IntentModelError) as caught:
        load_intent_model(path)
    assert str(path) in str(caught.value) and message in str(caught.value)


def test_missing_model_file_is_a_clear_error(tmp_path: Path) -> None:
    """A path that does not exist says so."""
    with pytest.raises(IntentModelError, match="cannot read"):
        load_intent_model(tmp_path / "absent.json")


def test_trainer_builds_a_loadable_model(tmp_path: Path) -> None:
    """The training script (scikit-learn) fits on labelled cases, chooses its threshold on
    held-out folds and writes a model the detector loads."""
    pytest.importorskip("sklearn")
    script = Path(__file__).parents[2] / "scripts" / "train_intent_model.py"
    spec = importlib.util.spec_from_file_location("train_intent_model", script)
    assert spec is not None and spec.loader is not None
    trainer = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = trainer  # (its dataclasses look their module up)
    spec.loader.exec_module(trainer)
    main = trainer.main

    data = tmp_path / "cases.jsonl"
    rows = []
    offers = ["is there somewhere else we can talk", "can we keep talking on another app",
              "we could chat somewhere more private", "lets go somewhere else to talk about it"]
    cleans = ["i feel a bit better after talking here", "thank you for listening to me today",
              "my exam is tomorrow and i am nervous", "i deleted snapchat and feel better now"]
    for index in range(24):
        text = offers[index % 4] + f" please {index}" if index % 2 else cleans[index % 4] + f" really {index}"
        label = "violation" if index % 2 else "clean"
        rows.append({"id": f"t-{index}", "text": text, "label": label, "kinds": ["solicitation"] if index % 2 else [],
                     "contact": [], "surface": "chat", "lang": "en", "source": f"set-{index % 3}"})
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n\nnot json\n", "utf-8")
    out = tmp_path / "model.json"
    assert main(["--data", str(data), "--out", str(out), "--folds", "3", "--min-df", "1"]) == 0
    model = load_intent_model(out)
    assert model.trained_on == ("cases.jsonl",)
    views = resources().views("is there somewhere else we can talk please")
    features = message_features(views.alpha.text, resources().platforms.mentions_in(views))
    assert model.probability(features) > 0.5

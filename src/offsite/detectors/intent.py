"""A second opinion on the messages no rule flagged: does the message, read as a whole, offer or
ask for contact off the site? ("is there anywhere else we could chat?", "hmu on the blue app with
the f", "wanna move this convo elsewhere").

The rules of the other detectors catch what they name; people keep finding phrasings nobody
wrote a rule for. This detector is a small linear model (logistic regression over the words of
the ``alpha`` view, with platform names and phone words read as classes),
trained by ``scripts/train_intent_model.py`` on the project's development sets and shipped as
data (``offsite/data/intent_model.json``). It runs only where every other detector found nothing
(:attr:`Detector.second_opinion`), costs a few microseconds a message, and never names an
identifier: its finding is a solicitation over the sentence that reads most like an offer, with a
confidence below 0.6, so the default policy hides that sentence and lets the rest through without a
strike (an adult-teen conversation also goes to review)."""

from __future__ import annotations

import bisect
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence, Set
from dataclasses import dataclass
from importlib import resources as package_files
from itertools import repeat
from pathlib import Path
from typing import TypeGuard

from offsite.detectors.base import Candidate, Detector
from offsite.detectors.solicitation import SENTENCE
from offsite.models import Context, Kind
from offsite.normalize import Views
from offsite.resources import Mention, Resources

#: the version of :func:`message_features`; a model trained on another version is refused
FEATURES_VERSION = 2
#: a finding's confidence is mapped into [LOW, HIGH): below the policy's 0.6 "uncertain" line
CONFIDENCE_LOW, CONFIDENCE_HIGH = 0.5, 0.59

# words of any script, the few signs that carry meaning here, and the class marks
_TOKEN = re.compile(r"[^\W\d_]+|[@#:/\x01\x02]")
_ASCII_TOKEN = re.compile(r"[a-zA-Z]+|[@#:/\x01\x02]")  # the same tokens in ASCII text, sooner
_PHONE_PLATFORMS = frozenset({"phone", "email"})
#: fewer tokens than this: a fragment, left to the rules and the conversation tracker
_MIN_TOKENS = 4
#: from this many tokens on, each sentence is read on its own too
_LONG_TOKENS = 40
_DIGIT = re.compile(r"\d")
_FIVE_DIGITS = re.compile(r"\d(?:\D{0,3}\d){4}")
_DOMAIN = re.compile(r"[a-z0-9]\.(?:com|net|org|gg|me|io|ly|co|app|ee|tv|de|fr|br|uk|es|it)\b")


# a feature's name in the model file: a word, a sign or a class name
_FEATURE_NAME = re.compile(r"[^\W\d_]+|[@#:/]|<platform>|<phoneword>")


class IntentModelError(ValueError):
    """The model file is missing, unreadable or invalid (the message says what and where)."""


#: Feature = one token (a word, a sign, or a class: ``<platform>``, ``<phoneword>``).
Feature = str

# Classes of tokens, one control character each in the token stream (never typed: the views
# drop control characters), written as names in the model file.
_CLASSES = {"\x01": "<platform>", "\x02": "<phoneword>"}
_CLASS_OF_NAME = {name: char for char, name in _CLASSES.items()}


def message_features(text: str, mentions: Sequence[Mention], start: int = 0, end: int | None = None) -> set[Feature]:
    """The features of ``text[start:end]`` (an ``alpha`` view and its platform mentions): its
    tokens (words, and the signs ``@ # : /``), with every platform name read as ``<platform>``
    (``<phoneword>`` for "text", "call", "email" and the like). Numbers are left out. (Pairs of
    neighbouring words, and numbers as a class, were tried: no better on held-out sets, at
    up to three times the cost.) Training and detection both call this one function (through :func:`unit_features`)."""
    return set(_tokens(text, mentions, start, len(text) if end is None else end))


def _tokens(text: str, mentions: Sequence[Mention], start: int, end: int) -> list[str]:
    if mentions:
        pieces: list[str] = []
        position = start
        for mention in mentions:
            if mention.start < position or mention.end > end:
                continue
            pieces.append(text[position : mention.start])
            pieces.append(" \x02 " if mention.platform.id in _PHONE_PLATFORMS else " \x01 ")
            position = mention.end
        pieces.append(text[position:end])
        text = "".join(pieces)
    elif start or end != len(text):
        text = text[start:end]
    return (_ASCII_TOKEN if text.isascii() else _TOKEN).findall(text)


_NUMBER = re.compile(r"\d+")


def has_identifier_material(text: str) -> bool:
    """Five digits (in any grouping), a link, a domain name or an ``@``: what identifiers are
    made of. The detectors of identifiers have already said what such a text holds ("My NI
    number is QQ 12 34 56 C", "Find jobs at http://facebook.com/jobs"); the model leaves it to
    them."""
    if "@" in text or "://" in text or "www." in text:
        return True
    if _DIGIT.search(text) is not None and _FIVE_DIGITS.search(text) is not None:
        return True
    return "." in text and _DOMAIN.search(text) is not None


def feature_name(feature: Feature) -> str:
    """How a feature is written in the model file ("add", "<platform>")."""
    return _CLASSES.get(feature, feature)


def _feature_of_name(name: str) -> Feature:
    return _CLASS_OF_NAME.get(name, name)


#: texts with fewer distinct features are scaled as if they had this many (see IntentModel)
MIN_SCALED_FEATURES = 8


def feature_scale(count: int) -> float:
    """The value of each feature of a text with ``count`` distinct features."""
    return 1.0 / math.sqrt(max(count, MIN_SCALED_FEATURES))


@dataclass(frozen=True)
class IntentModel:
    """Weights of the linear model: ``P(offer) = sigmoid(bias + sum(w[f]) / sqrt(max(n, 8)))``
    over the ``n`` distinct features of a text (binary features scaled to unit length, as
    trained, except that a text of fewer than eight features is scaled as if it had eight: a
    short text is less evidence, and unit length made "you'll do great" look certain)."""

    bias: float
    threshold: float
    weights: Mapping[Feature, float]
    trained_on: tuple[str, ...] = ()

    def probability(self, features: Set[Feature]) -> float:
        """How likely the text with these (distinct) features offers or asks for off-site contact."""
        total = sum(map(self.weights.get, features, repeat(0.0)))
        logit = self.bias + total * feature_scale(len(features))
        if logit < -30:
            return 0.0
        return 1.0 / (1.0 + math.exp(-logit))

    def to_json(self) -> str:
        """The model file's text (what :func:`load_intent_model` reads)."""
        return json.dumps({
            "format": 1, "features_version": FEATURES_VERSION, "bias": self.bias, "threshold": self.threshold,
            "trained_on": list(self.trained_on),
            "weights": dict(sorted((feature_name(f), w) for f, w in self.weights.items())),
        }, ensure_ascii=False, separators=(",", ":"))


def load_intent_model(path: Path | None = None) -> IntentModel:
    """Read and check a model file (the shipped ``offsite/data/intent_model.json`` by default)."""
    where = str(path) if path is not None else "offsite/data/intent_model.json"
    try:
        raw = path.read_text("utf-8") if path is not None else \
            package_files.files("offsite.data").joinpath("intent_model.json").read_text("utf-8")
        data = json.loads(raw)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IntentModelError(f"{where}: cannot read the intent model ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise IntentModelError(f"{where}: the model is not a JSON object")
    if data.get("format") != 1 or data.get("features_version") != FEATURES_VERSION:
        raise IntentModelError(f"{where}: model format {data.get('format')!r}, features version "
                               f"{data.get('features_version')!r}; this offsite reads format 1, version {FEATURES_VERSION}")
    bias, threshold, weights = data.get("bias"), data.get("threshold"), data.get("weights")
    if not _finite(bias):
        raise IntentModelError(f"{where}: 'bias' must be a finite number")
    if not _finite(threshold) or not 0.5 <= threshold < 1.0:
        raise IntentModelError(f"{where}: 'threshold' must be a number in [0.5, 1)")
    if not isinstance(weights, dict) or not weights:
        raise IntentModelError(f"{where}: 'weights' must be a non-empty object")
    for feature, weight in weights.items():
        if not _FEATURE_NAME.fullmatch(feature) or not _finite(weight):
            raise IntentModelError(f"{where}: weights[{feature!r}]: a feature is one token with a finite weight")
    trained_on = data.get("trained_on", [])
    if not isinstance(trained_on, list) or not all(isinstance(x, str) for x in trained_on):
        raise IntentModelError(f"{where}: 'trained_on' must be a list of file names")
    return IntentModel(float(bias), float(threshold), {_feature_of_name(k): float(v) for k, v in weights.items()},
                       tuple(trained_on))


def _finite(value: object) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def unit_features(text: str, mentions: Sequence[Mention]) -> list[tuple[tuple[int, int], set[Feature]]]:
    """What the model reads in a text, with its features: the whole text and, when the text is
    long, each of its sentences of four tokens or more (so that an offer one sentence long is
    not drowned by the rest of a long message). Nothing (the model abstains) for a fragment of
    fewer than four tokens ("insta", "could we maybe": a conversation's pieces, which the
    conversation tracker reads together) and for a text with identifier material
    (:func:`has_identifier_material`). Each sentence is given only its own mentions, so the
    work stays linear in the text."""
    if has_identifier_material(text):
        return []
    tokens = _tokens(text, mentions, 0, len(text))
    if len(tokens) < _MIN_TOKENS:
        return []
    found: list[tuple[tuple[int, int], set[Feature]]] = [((0, len(text)), set(tokens))]
    if len(tokens) < _LONG_TOKENS:
        return found
    spans = [m.span() for m in SENTENCE.finditer(text)]
    if len(spans) > 1:
        starts = [mention.start for mention in mentions]
        for start, end in spans:
            own = mentions[bisect.bisect_left(starts, start) : bisect.bisect_left(starts, end)]
            sentence = _tokens(text, own, start, end)
            if len(sentence) >= _MIN_TOKENS:
                found.append(((start, end), set(sentence)))
    return found


# What the model's words alone read as offers but is none: requests that stay on the site ("add me
# as a friend on here", "what should i call you?": a name to use in this chat) and advice to do
# something alone ("maybe you want to go for a walk to clear your head")
_NO_OFFER = re.compile(
    r"\b(?:add|friend|follow)\s+me\s+(?:as\s+a\s+friend\s+)?(?:on|in)\s+here\b"
    r"|\bwhat\s+(?:should|can|do|could)\s+i\s+call\s+(?:you|u|ya)\b"
    # "can we talk somewhere else in the app?", "a private chat ... I mean on here"
    r"|\b(?:somewhere|someplace|anywhere)\s+else\s+(?:in|on)\s+(?:the|this)\s+(?:app|site|platform|website)\b"
    r"|\bi\s+mean\s+(?:on|in)\s+here\b"
    # "can i message u privately on here?": a private chat of this site
    r"|\b(?:privately|in private|in dms?|one on one|1 on 1)\s+(?:on|in)\s+here\b"
    # a promise never to ask: "i will never ask for your insta", "je ne demanderai jamais ton
    # numéro", "nunca te pediré tu número", "ich werde nie nach deiner nummer fragen"
    r"|\b(?:never|won'?t ever|will not ever|would never|nunca|jamais|jamás|nie|niemals|mai)\s+(?:\w+\s+){0,2}?"
    r"(?:ask|demand|request|pedir|pido|pedire|pediré|pedirei|demander|demanderai|demande|fragen|frage|chiedere|chiedero|chiederò|chiedo)\w*\b"
    r"|\bne\s+(?:te\s+|vous\s+)?(?:demanderai|demande|demanderais)\s+(?:jamais|pas)\b"
    # a request quoted and reported: "someone pm'd me 'ur cute whats ur number' and i reported"
    r"|['\"\u2018\u201c][^'\"\u2019\u201d\n]{3,80}['\"\u2019\u201d][^.!?\n]{0,20}\b(?:and|so)\s+i\s+(?:reported|blocked|flagged)\b"
    r"|\b(?:you|u)\s+(?:want|could|should|might|can|may)\s+(?:want\s+)?(?:to\s+)?(?:go|try\s+going)\s+for\s+a\s+"
    r"(?:walk|run|jog|swim|drive|bike\s+ride)\b(?![^.!?\n]{0,30}\b(?:with\s+me|together|with\s+us)\b)"
)


def offer_probability(model: IntentModel, text: str, mentions: Sequence[Mention]) -> tuple[float, tuple[int, int]]:
    """The highest probability of an offer among the units of ``text``, and that unit's span
    (0 where the model abstains: see :func:`unit_features`, and for units that ask for
    something on the site itself)."""
    best, span = 0.0, (0, len(text))
    for unit, features in unit_features(text, mentions):
        probability = model.probability(features)
        # (the on-site test only where it can matter: a unit that would be found)
        if probability > best and (probability < model.threshold or _NO_OFFER.search(text, *unit) is None):
            best, span = probability, unit
    return best, span


class IntentDetector(Detector):
    """Messages that read as an offer or a request to move off the site although no rule
    matched (a second opinion: see the module docstring)."""

    name = "intent"
    second_opinion = True
    min_confidence = CONFIDENCE_LOW

    def __init__(self, resources: Resources, model: IntentModel | None = None) -> None:
        super().__init__(resources)
        self.model = model if model is not None else load_intent_model()
        # (three digits or more: "17" and "18", France's police and fire lines, are also ages)
        self._crisis_numbers = frozenset(n for n in resources.lexicon.crisis_numbers if len(n) >= 3)

    def candidates(self, views: Views, context: Context) -> Iterator[Candidate]:
        """One candidate when the message, or one of its sentences, reads as an offer: over
        that sentence (the message when it is the message as a whole)."""
        alpha = views.alpha
        # (the handle detector, which runs first, has already found or ruled out the mentions)
        mentions = self.resources.platforms.mentions_in(views)
        probability, (start, end) = offer_probability(self.model, alpha.text, mentions)
        if probability < self.model.threshold:
            return
        if any(number in self._crisis_numbers for number in _NUMBER.findall(alpha.text, start, end)):
            return  # "put 988 in your phone contacts": advice about a crisis line, not an offer
        share = (probability - self.model.threshold) / max(1e-9, 1.0 - self.model.threshold)
        confidence = CONFIDENCE_LOW + share * (CONFIDENCE_HIGH - CONFIDENCE_LOW)
        yield Candidate(Kind.SOLICITATION, alpha, start, end, "solicitation.model", confidence,
                        f"model:{probability:.2f}")

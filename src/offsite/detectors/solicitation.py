"""Requests and offers to move the conversation off the site, with or without an identifier:
"do you have snap?", "what's your number", "can we talk somewhere more private", "add me",
"me passa seu zap", "agrégame al whats", "schreib mir auf insta".

Rules are data (``solicitation.toml``), compiled once with the platform aliases substituted.
Talk about a service in passing ("i deleted snapchat") matches no rule, and a negation right
before a match ("don't share your number") discards it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from offsite.detectors.base import Candidate, Detector
from offsite.models import Context, Kind
from offsite.normalize import Views
from offsite.resources import Resources

# "text me back (here on 7cups)", "message me here": the request stays on the site.
_ON_SITE_AFTER = re.compile(
    r"[\w' (,]{0,20}?(?<!outside )(?<!of )(?<!than )(?<!off )(?<!besides )(?<!from )(?<!leave )(?<!as )"
    r"(?<!not )\b(?:here|on here|in here|on this site|on the site|on this app|in this chat|"
    r"in the chat|on 7 ?cups|aqui|aquí|ici|hier)\b"
)


_WINDOW = 120  # characters around a gate word that a rule match can reach
_GATE_TOKEN = re.compile(r"[a-z0-9']+|[#@]")


@dataclass(frozen=True, slots=True)
class _Rule:
    id: str
    confidence: float
    pattern: re.Pattern[str]


class SolicitationDetector(Detector):
    """Offers and requests to take contact elsewhere."""

    name = "solicitation"

    def __init__(self, resources: Resources) -> None:
        super().__init__(resources)
        lexicon = resources.lexicon
        aliases = sorted(
            {a for p in lexicon.platforms for a in p.aliases if "." not in a and a != "#"},
            key=len, reverse=True,
        )
        strong = sorted(
            {a for p in lexicon.platforms for a in p.aliases if a not in p.ambiguous and "." not in a
             and p.id not in ("phone", "email")},
            key=len, reverse=True,
        )
        subs = dict(lexicon.solicitation_placeholders)
        subs["platform"] = "(?:" + "|".join(re.escape(a) for a in aliases) + ")"
        subs["strong"] = "(?:" + "|".join(re.escape(a) for a in strong) + ")"
        self.rules = tuple(
            _Rule(rule.id, rule.confidence, re.compile(self._expand(rule.pattern, subs)))
            for rule in lexicon.solicitation_rules
        )
        # One pass over the text with every rule as a named alternative: far cheaper than one
        # scan per rule on the clean messages that make up most traffic.
        self.combined = re.compile(
            "|".join(f"(?P<r{i}>{rule.pattern.pattern})" for i, rule in enumerate(self.rules))
        )
        # Every rule needs one of these words (a platform, a word for contact, a verb aimed at
        # the reader, a word for "elsewhere"): a set lookup spares clean messages the regexes.
        # the distinctive word of each alias ("gram" of "the gram"); ordinary words ("meeting" of
        # "zoom meeting") would open the gate for every message and are left to the explicit lists
        alias_words = {self._key_word(a, lexicon.common_words) for a in aliases}
        self.gate = frozenset(alias_words | set(lexicon.solicitation_gate))
        negations = sorted(lexicon.negations, key=len, reverse=True)
        self.negation = re.compile(
            r"\b(?:" + "|".join(re.escape(n) for n in negations) + r")\b[\w' ]{0,12}\Z"
        )

    @staticmethod
    def _key_word(alias: str, common: frozenset[str]) -> str:
        """The word of an alias that must appear: its rarest-looking one ("zoom" of "zoom meeting")."""
        words: list[str] = _GATE_TOKEN.findall(alias) or [alias]
        rare = [w for w in words if w not in common]
        return max(rare or words, key=len)

    @staticmethod
    def _expand(pattern: str, subs: dict[str, str]) -> str:
        # Placeholders may use other placeholders ({contact} uses none today); expand twice.
        for _ in range(2):
            pattern = re.sub(r"\{(\w+)\}", lambda m: subs.get(m.group(1), m.group(0)), pattern)
        return pattern

    def candidates(self, views: Views, context: Context) -> Iterator[Candidate]:
        """Every rule match on the ``alpha`` view, one per sentence-level span."""
        view = views.alpha
        text = view.text
        if self.gate.isdisjoint(_GATE_TOKEN.findall(text)):
            return  # no word any rule needs: most clean messages stop here
        taken: list[tuple[int, int]] = []
        for first in self._matches(text):
            rule = self.rules[int((first.lastgroup or "r0")[1:])]
            for match in (first,):
                start, end = match.start(), match.end()
                if any(s < end and start < e for s, e in taken):
                    continue
                before = text[max(0, start - 30) : start]
                after = text[end : end + 30]
                if self.negation.search(before) or _ON_SITE_AFTER.match(after):
                    yield Candidate(Kind.SOLICITATION, view, start, end, f"{rule.id}.negated", 0.0,
                                    rule.id)
                    continue
                taken.append((start, end))
                yield Candidate(Kind.SOLICITATION, view, start, end, f"solicitation.{rule.id}",
                                rule.confidence, rule.id)

    def _matches(self, text: str) -> Iterator[re.Match[str]]:
        """Rule matches, searched only in windows around the words rules need, so a long message
        with one platform name costs a short scan."""
        if len(text) <= 2 * _WINDOW:
            yield from self.combined.finditer(text)
            return
        windows: list[list[int]] = []
        for token in _GATE_TOKEN.finditer(text):
            if token.group() not in self.gate:
                continue
            start = max(0, token.start() - _WINDOW)
            stop = text.find("\n", token.end() + _WINDOW // 2)
            end = len(text) if stop < 0 or stop > token.end() + 2 * _WINDOW else stop
            if windows and start <= windows[-1][1]:
                windows[-1][1] = max(windows[-1][1], end)
            else:
                windows.append([start, end])
        last = 0
        for start, end in windows:
            for match in self.combined.finditer(text, max(start, last), end):
                last = match.end()
                yield match

    def validate(self, candidate: Candidate, views: Views, context: Context) -> str | None:
        """Negated matches are rule talk, not requests."""
        if candidate.rule.endswith(".negated"):
            return "negated: rule talk or refusal"
        return super().validate(candidate, views, context)

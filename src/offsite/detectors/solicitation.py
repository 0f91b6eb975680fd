"""Requests and offers to move the conversation off the site, with or without an identifier:
"do you have snap?", "what's your number", "can we talk somewhere more private", "add me",
"me passa seu zap", "agrégame al whats", "schreib mir auf insta".

Rules are data (``solicitation.toml``), compiled once with the platform aliases substituted.
Talk about a service in passing ("i deleted snapchat") matches no rule, and a negation right
before a match ("don't share your number") discards it."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from offsite.detectors.base import Candidate, Detector
from offsite.lru import BoundedMemo
from offsite.models import Context, Kind
from offsite.normalize import Views
from offsite.regex_prefixes import WIDTH, Beginnings, beginnings
from offsite.resources import Resources
from offsite.spans import SpanSet
from offsite.wordtrie import trie_alternation

# "text me back (here on 7cups)", "message me here": the request stays on the site.
_ON_SITE_AFTER = re.compile(
    r"[\w' (]{0,20}?(?<!outside )(?<!of )(?<!than )(?<!off )(?<!besides )(?<!from )(?<!leave )(?<!as )"
    # ("me chama no zap que aqui é lento", "since here is slow": the reason to leave, not the place)
    # ("que " also ends "porque " and "parce que ")
    r"(?<!not )(?<!not online )(?<!not on )(?<!que )(?<!because )(?<!since )(?<!cause )(?<!bc )(?<!weil )"
    # ("buscadme como el nombre de aquí al revés": the name from here, not a place to talk)
    r"(?<!de )"
    r"\b(?:here|on here|in here|on this site|on the site|on this app|in this chat|in the app|"
    r"in this app|in the chat|in the (?:group|chat|listener|support) rooms?|on 7 ?cups|aqui|aquí|ici|hier|"
    r"in the (?:listener|member|members|user) (?:list|directory))\b"
)

# A wish taken back right after it: "i wish we could talk outside of here but i know we can't"
_REFUSED_AFTER = re.compile(
    # "ig? snap? nope.", "does anyone here use reddit? not asking for usernames lol": refused or
    # disowned right after the question
    r"[ \t]*(?:\?[ \t]*)?(?:(?:[a-z]+\?[ \t]*){0,2}(?:nope|nah)[.!,]|not\s+asking\s+for\b)"
    r"|[^.!?\n]{0,20}?\bbut\s+(?:i\s+know\s+|i\s+guess\s+|obviously\s+|sadly\s+|of course\s+"
    r"|i\s+(?:get|understand|know)\s+why\s+)?(?:we|you|u|i)\s+"
    r"(?:can'?t|cannot|can not|aren'?t allowed|are not allowed|shouldn'?t|should not)"
    r"(?=\s*(?:$|[.,!?;:)]|and\b|here\b|on here\b|lol\b|haha\b|[\u2600-\u27bf\U0001f300-\U0001faff]))"
)
_HERE_WORDS = ("here", "on here", "in here", "on this", "in this", "on the site", "in the app", "on 7",
               "aqui", "aquí", "ici", "hier")

#: Sentences: rule matches never run across a sentence stop followed by a space or a new line.
SENTENCE = re.compile(r"(?:[^.!?\n]|[.!?](?![\s.!?]))+[.!?]*")
_GATE_TOKEN = re.compile(r"[a-z0-9']+|[#@]")
_LETTER_RUN = re.compile(r"[a-z]+")


@dataclass(frozen=True, slots=True)
class _Rule:
    id: str
    confidence: float
    source: str  # the expanded pattern; rules are only ever run combined
    #: how its matches begin (at a word boundary), or None: it is searched at every position
    beginnings: Beginnings | None
    #: "here" after a match names this site ("same name as here"), not an on-site request
    names_this_site: bool = False


#: two-character beginnings whose rule alternation is remembered
_BEGINNINGS_KEPT = 4096


@dataclass(frozen=True, slots=True)
class _Combined:
    """How a sentence with some gate words is tried: where the anchored rules among them can
    begin (word starts with one of their beginnings), and which of them may begin anywhere
    (the alternation of those the compiled scan leaves possible is searched through the
    sentence)."""

    positions: re.Pattern[str] | None
    anywhere: tuple[int, ...]



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
        # compiled with the aliases as prefix trees (fast); read for their words spelled out
        subs["platform"] = trie_alternation(aliases)
        subs["strong"] = trie_alternation(strong)
        spelled = dict(subs, platform="(?:" + "|".join(re.escape(a) for a in aliases) + ")",
                       strong="(?:" + "|".join(re.escape(a) for a in strong) + ")")
        # Each top-level alternative of a rule is tried on its own (same id and confidence): at a
        # position only the alternatives whose beginnings admit it are tried. Gate words still
        # open whole rules (all of a rule's alternatives), as the rules are written.
        pieces = [(number, rule, piece) for number, rule in enumerate(lexicon.solicitation_rules)
                  for piece in _alternatives(rule.pattern)]
        self.rules = tuple(
            _Rule(rule.id, rule.confidence, source, beginnings(source), rule.names_this_site)
            for rule, source in ((rule, self._expand(piece, subs)) for _, rule, piece in pieces)
        )
        alternatives_of: dict[int, list[int]] = {}
        for index, (number, _, _) in enumerate(pieces):
            alternatives_of.setdefault(number, []).append(index)
        readable = [self._expand(rule.pattern, spelled) for rule in lexicon.solicitation_rules]
        # how a sentence is searched, by its set of gate words (a handful of sets recur)
        self._combined: BoundedMemo[frozenset[str], _Combined | None] = BoundedMemo(self._combine, 1024)
        # Every rule needs one of these words (a platform, a word for contact, a verb aimed at
        # the reader, a word for "elsewhere"): a set lookup spares clean messages the regexes.
        # the distinctive word of each alias ("gram" of "the gram"); ordinary words ("meeting" of
        # "zoom meeting") would open the gate for every message and are left to the explicit lists
        alias_words = {self._key_word(a, lexicon.common_words) for a in aliases}
        self.gate = frozenset(alias_words | set(lexicon.solicitation_gate))
        # Which gate words each rule mentions: a rule can only match where one of them stands.
        by_word: dict[str, list[int]] = {}
        # A word of a-z letters is spelled out where it is a whole run of letters of the source (a
        # set lookup); other gate words ("what's", "é") by a pattern compiled once each.
        plain = {word for word in self.gate if word.isascii() and word.isalpha()}
        spelled_in = {word: re.compile(r"(?<![a-z])(?:" + re.escape(word) + "|" + re.escape(_stem(word)) + r")(?![a-z])")
                      for word in self.gate - plain}
        for index, text in enumerate(readable):
            source = re.sub(r"\\[a-zA-Z]", " ", text)  # "\bjoin" -> " join"
            runs = set(_LETTER_RUN.findall(source))
            for word in self.gate:
                pattern = spelled_in.get(word)
                if (word in runs or _stem(word) in runs) if pattern is None else pattern.search(source):
                    by_word.setdefault(word, []).extend(alternatives_of[index])
        every_rule = tuple(range(len(self.rules)))
        # a gate word no rule spells out literally (spelled through regex syntax) keeps every rule
        self.rules_by_word = {w: tuple(by_word[w]) if w in by_word else every_rule for w in self.gate}
        # Rules are tried where their matches can begin, or searched through a sentence (those
        # whose alternatives begin with punctuation or letters outside a-z). A sentence lacking
        # a rule's gate words cannot match it.
        anchored = tuple(i for i, rule in enumerate(self.rules) if rule.beginnings is not None)
        self._anchored = anchored
        # the alternation of the rules searched through a sentence, per set of such rules
        self._searched: BoundedMemo[tuple[int, ...], re.Pattern[str]] = BoundedMemo(self._alternation, 256)
        # At a position, only the anchored rules whose matches can begin with its first two
        # characters and that the compiled scan left possible are tried, one by one in rule
        # order. Each rule is compiled alone when first tried: alternations of the rules of each
        # beginning cost some ten seconds to compile in every process, these under one.
        self._patterns: list[re.Pattern[str] | None] = [None] * len(self.rules)
        # a one-letter beginning may meet any next character: bounded
        self._at_beginning: BoundedMemo[str, tuple[int, ...]] = BoundedMemo(
            self._rules_beginning, _BEGINNINGS_KEPT)
        # the gate words where they stand, in one pass (a prefix tree; "#" and "@" anywhere)
        symbols = "".join(sorted(w for w in self.gate if w in ("#", "@")))
        self._gate_words = re.compile(
            # ("whatsapp'tan": Turkish suffixes follow an apostrophe)
            r"(?<![a-z0-9'])" + trie_alternation(w for w in self.gate if w not in ("#", "@")) + r"(?![a-z0-9])"
            + (f"|[{re.escape(symbols)}]" if symbols else "")
        )
        # One compiled scan tells which rules may match a text at all (a superset of each rule,
        # see offsite.prefilter); on most messages none can, and no sentence is searched.
        self._rules_prefilter = self.prefilter([rule.source for rule in self.rules])
        self.negation = negation_before(lexicon.negations)
        # a match naming an off-site service stays a request whatever follows ("lass uns auf
        # discord weiterreden, hier ist es so unpersönlich")
        self._names_service = re.compile(r"(?<![a-z0-9])" + subs["strong"] + r"(?![a-z0-9])")

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
        taken = SpanSet()  # (a message without any word a rule needs yields no match at all)
        for start, end, index in self._matches(text):
            rule = self.rules[index]
            if taken.overlaps(start, end):
                continue
            before = text[max(0, start - 30) : start]
            after = text[end : end + 30]
            if self.negation.search(before) or _quoted(text, start, end) or (
                _REFUSED_AFTER.match(text, end, end + 60) is not None) or (
                not rule.names_this_site and _ON_SITE_AFTER.match(after) is not None
                and (self._names_service.search(text, start, end) is None
                     or after.lstrip().startswith(_HERE_WORDS))
            ):
                yield Candidate(Kind.SOLICITATION, view, start, end, f"{rule.id}.negated", 0.0, rule.id)
                continue
            taken.add(start, end)
            yield Candidate(Kind.SOLICITATION, view, start, end, f"solicitation.{rule.id}",
                            rule.confidence, rule.id)

    def _matches(self, text: str) -> Iterator[tuple[int, int, int]]:
        """(start, end, rule index) of rule matches. Only sentences holding a gate word are
        searched, and only with the rules that mention one of that sentence's gate words."""
        possible = self._rules_prefilter.candidates(text)
        if not possible:
            return  # no rule can match anywhere in the text (most messages; cheaper than the gate)
        hits = list(self._gate_words.finditer(text))
        if not hits:
            return
        starts = [m.start() for m in hits]
        for sentence in SENTENCE.finditer(text):
            first, stop = sentence.start(), sentence.end()
            low, high = bisect.bisect_left(starts, first), bisect.bisect_left(starts, stop)
            if low == high:
                continue  # no gate word in this sentence
            combined = self._combined(frozenset(m.group() for m in hits[low:high]))
            if combined is None:
                continue
            found: list[tuple[int, int, int]] = []
            if combined.positions is not None:
                # only where a word begins as a match of one of these rules can (a few words)
                reached = first
                for position in combined.positions.finditer(text, first, stop):
                    pos = position.start()
                    if pos < reached:
                        continue
                    hit = self._first_at(text, pos, stop, possible)
                    if hit is not None:
                        found.append((pos, *hit))
                        reached = hit[0]
            anywhere = tuple(i for i in combined.anywhere if i in possible)
            if anywhere:
                # rules that may begin anywhere see the sentence alone ("^" is its start); only
                # those the compiled scan left possible (the others match nowhere in the text,
                # so the alternation finds the same matches without them)
                searched = self._searched(anywhere)
                found.extend((first + m.start(), first + m.end(), anywhere[int((m.lastgroup or "r0")[1:])])
                             for m in searched.finditer(sentence.group()))
                found.sort(key=lambda f: (f[0], f[2]))
            yield from found

    def _combine(self, words: frozenset[str]) -> _Combined | None:
        """How a sentence holding these gate words is searched, or None when no rule needs any
        of them."""
        indices = tuple(sorted({i for w in words for i in self.rules_by_word.get(w, ())}))
        if not indices:
            return None
        begins = Beginnings(frozenset(), frozenset())
        for i in indices:
            begins = begins | (self.rules[i].beginnings or begins)
        positions = (re.compile(r"\b(?=" + trie_alternation(begins.pairs | begins.singles) + ")")
                     if begins else None)
        return _Combined(positions, tuple(i for i in indices if self.rules[i].beginnings is None))

    def _rules_at(self, text: str, pos: int) -> tuple[int, ...]:
        """The anchored rules that may match at ``pos`` (their beginnings admit its first two
        characters), in rule order. Trying only those finds the same first match as the
        alternation of every anchored rule, at a fraction of the cost."""
        return self._at_beginning(text[pos : pos + WIDTH])

    def _first_at(self, text: str, pos: int, stop: int, possible: frozenset[int]) -> tuple[int, int] | None:
        """(end, rule index) of the first anchored rule, in rule order, that matches at ``pos``
        (before ``stop``), as the alternation of the rules would find it; ``possible``: the rules
        the compiled scan of ``text`` left possible (the others are not tried)."""
        for index in self._rules_at(text, pos):
            if index in possible:
                match = self._pattern(index).match(text, pos, stop)
                if match is not None:
                    return match.end(), index
        return None

    def _rules_beginning(self, key: str) -> tuple[int, ...]:
        """:meth:`_rules_at` for a match beginning with ``key``."""
        return tuple(i for i in self._anchored if _admits(self.rules[i].beginnings, key))

    def _pattern(self, index: int) -> re.Pattern[str]:
        """Rule ``index`` compiled (once; two threads compiling it at once get equal patterns)."""
        pattern = self._patterns[index]
        if pattern is None:
            pattern = self._patterns[index] = re.compile(self.rules[index].source)
        return pattern

    def _alternation(self, indices: tuple[int, ...]) -> re.Pattern[str]:
        """The given rules as one alternation, branch ``r<k>`` for ``indices[k]`` (no rules: a
        pattern that never matches)."""
        if not indices:
            return re.compile("(?!)")
        return re.compile("|".join(f"(?P<r{k}>{self.rules[i].source})" for k, i in enumerate(indices)))

    def validate(self, candidate: Candidate, views: Views, context: Context) -> str | None:
        """Negated matches are rule talk, not requests."""
        if candidate.rule.endswith(".negated"):
            return "negated: rule talk or refusal"
        return super().validate(candidate, views, context)


def negation_before(negations: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern that finds one of ``negations`` at the end of the text it searches (the few
    words right before a match): a negation reaches over a few words, never over "but" ("the
    rules say no but could we ...")."""
    longest_first = sorted(negations, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in longest_first) + r")\b(?:(?!but\b)[\w' ]){0,12}\Z")


_QUOTES = "'\"\u2018\u201c\u00ab\u201e"
_CLOSING = "'\"\u2019\u201d\u00bb\u201c"
# how far a quotation's marks may stand from the match ("saying 'hey im a listener too, lets talk
# on kik, its easier there'")
_QUOTE_REACH = 40


def _quoted(text: str, start: int, end: int) -> bool:
    """True when the match is a quotation: an opening quote at most ``_QUOTE_REACH`` characters
    before it (at the start of the text or after a space or colon) and a closing quote as near
    after it, with no sentence stop between ("'add me on snap' is the first thing guys say",
    "il m'a écrit « donne ton snap »")."""
    open_at = -1
    for i in range(start - 1, max(-1, start - _QUOTE_REACH - 1), -1):
        if text[i] in _QUOTES and (i == 0 or text[i - 1] in " \t:("):
            open_at = i
            break
        if text[i] in ".!?\n":
            return False
    if open_at < 0:
        return False
    for j in range(end, min(len(text), end + _QUOTE_REACH)):
        if text[j] in _CLOSING and (j + 1 == len(text) or not text[j + 1].isalnum()):
            return True
        if text[j] in ".!?\n" and j + 1 < len(text) and text[j + 1] == " ":
            return False
    return False


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression (split at each ``|`` outside groups,
    character classes and escapes)."""
    pieces: list[str] = []
    depth = 0
    in_class = False
    start = 0
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
        elif char == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]":
                i += 1  # "[]...]": a literal "]" first
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            pieces.append(pattern[start:i])
            start = i + 1
        i += 1
    pieces.append(pattern[start:])
    return pieces


def _stem(word: str) -> str:
    """A gate word without its plural ending ("snaps" -> "snap")."""
    return word[:-1] if len(word) > 3 and word[-1] in "sz" else word


def _admits(begins: Beginnings | None, key: str) -> bool:
    """True when a match of a rule with these beginnings may begin with ``key``."""
    return begins is not None and begins.admits(key, 0)

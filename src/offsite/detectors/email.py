"""E-mail addresses, plain or disguised: "jane@gmail.com", "jane at gmail dot com",
"jane (at) gmail [dot] com", "jane arroba gmail punto com", homoglyphs, international domains.
The domain is checked against the public suffix list shipped with ``publicsuffixlist``."""

from __future__ import annotations

import re
from collections.abc import Iterator

from offsite.detectors.base import Candidate, Detector
from offsite.models import Context, Kind
from offsite.normalize import View, Views
from offsite.resources import Resources
from offsite.spans import SpanSet
from offsite.wordtrie import trie_alternation

# the "@" and "." read aloud: English, Spanish/Portuguese, French, Italian, German, Dutch, Polish,
# Turkish, Swedish, Russian, Ukrainian, Japanese, Korean, Chinese, Vietnamese (accents stripped),
# Hebrew, Greek, Bengali (and the dot in Arabic and Persian); "at the rate (of)" as Indian English reads "@"
_AT_WORDS = (r"at the rate of|at the rate|at|arroba|arobase|chiocciola|klammeraffe|atsign|apenstaartje|apestaartje|malpa|małpa|собака|et isareti|snabel-a"
              r"|собачка|равлик|アットマーク|アット|あっと|골뱅이|艾特|a cong|שטרודל|παπάκι|παπακι|অ্যাট|এট")
_DOT_WORDS = r"dot|period|punto|ponto|point|punkt|ponte|pto|punt|kropka|nokta|titik|точка|крапка|ドット|닷|点|點|cham|נקודה|τελεία|τελεια|점|ডট|نقطة|نقطه"
_OPEN, _CLOSE = r"[\[(<{]", r"[\])>}]"
_LOCAL = r"[a-z0-9_](?:[a-z0-9._%+\-]{0,63}[a-z0-9_])?"
_LABEL = r"[a-z0-9\u00c0-\uffff](?:[a-z0-9\-\u00c0-\uffff]{0,61}[a-z0-9\u00c0-\uffff])?"
_DOT = (
    rf"(?:[ \t]*(?:[.\u2022]|&#0*46;|&#x0*2e;|&period;|%2e)[ \t]*|[ \t]*{_OPEN}[ \t]*(?:{_DOT_WORDS}|\.)[ \t]*{_CLOSE}[ \t]*"
    rf"|[ \t]+(?:{_DOT_WORDS})[ \t]+|[ \t]*[\u2013\u2014~*\-][ \t]*(?:{_DOT_WORDS}|\.)[ \t]*[\u2013\u2014~*\-][ \t]*)"
)
_MENTION_VERBS = frozenset({"tweet", "follow", "dm", "me", "is", "at", "to", "on", "add", "msg", "ping", "tag",
                            "es", "e", "est", "ist", "sont", "son", "mi", "my", "mein", "meu", "mon", "no", "en"})
# Separators spelled inside a local part besides the dot words ("abby underscore lane at gmail")
_LOCAL_SEPARATORS = {"underscore": "_", "dash": "-", "hyphen": "-"}
_LOCAL_SEPARATOR_WORDS = f"{_DOT_WORDS}|{'|'.join(_LOCAL_SEPARATORS)}"
# A spelled-out local part may hold spelled dots too ("ana punto lopez arroba ...").
_LOCAL_SPELLED = rf"{_LOCAL}(?:[ \t]+(?:{_LOCAL_SEPARATOR_WORDS})[ \t]+{_LOCAL}){{0,3}}"
# the mail providers whose name may stand for a whole domain ("jane at gmail")
_COMMON_PROVIDERS = "gmail|hotmail|outlook|yahoo|icloud|protonmail|gmx|aol|hotmale|hotmial|gmial|gmali|outlok|yahooo|iclod"
# with regional ones, named only right after a spelled "at" ("dsouza_arjun at rediffmail"): in the
# patterns searched everywhere they would make nearly every letter a place to try
_PROVIDER_WORDS = (_COMMON_PROVIDERS
                   + "|rediffmail|yandex|naver|hanmail|daum|seznam|libero|rambler|zoho|tutanota|fastmail|ymail|rocketmail")
# "@" as typed, or escaped as in a web form or a URL ("jo.w&#64;fastmail&#46;com", "bea.l %40 gmail")
_AT_ESCAPED = r"&#0*64;|&#x0*40;|&commat;|%40"
_AT_LITERAL = rf"(?P<at>[ \t]*(?:@|{_AT_ESCAPED})[ \t]*)"
# words read as "at" only before a mail provider's name: Indonesian and Turkish "et", German "bei",
# Indonesian "di", Arabic "عند" (French "et" is "and", "di", "bei" and "عند" are everyday prepositions)
_AT_BEFORE_PROVIDER = r"et|bei|di|عند"
_AT_SPELLED = (
    rf"(?P<at>[ \t]*{_OPEN}[ \t]*(?:{_AT_WORDS}|@)[ \t]*{_CLOSE}[ \t]*|[ \t]+(?:{_AT_WORDS})[ \t]+"
    rf"|[ \t]+(?:{_AT_BEFORE_PROVIDER})[ \t]+(?=(?:{_PROVIDER_WORDS})\b)"
    rf"|[ \t]*[\u2013\u2014~*\-][ \t]*(?:{_AT_WORDS}|@)[ \t]*[\u2013\u2014~*\-][ \t]*)"
)
# A literal "@" may be followed by a bare label ("info@presidio."); a spelled "at" needs a dotted
# domain, except in brackets ("willhold11 (at) example"), so "john at john@x.com" is read right.
# mail providers' names typed in two words ("at g mail dot com")
_SPLIT_PROVIDER = r"(?:g[ \t\-]mail|gee[ \t\-]mail|hot[ \t\-]mail|ya[ \t]hoo|out[ \t]look|i[ \t]cloud|proton[ \t]mail)(?![a-z0-9])"
_EMAIL = re.compile(
    rf"(?<![a-z0-9._%+\-]){_LOCAL}{_AT_LITERAL}(?P<domain>(?:{_SPLIT_PROVIDER}|{_LABEL})(?:{_DOT}{_LABEL}){{0,5}})"
)
_EMAIL_SPELLED = re.compile(
    rf"(?<![a-z0-9._%+\-]){_LOCAL_SPELLED}{_AT_SPELLED}(?P<domain>(?:{_SPLIT_PROVIDER}|{_LABEL})(?:{_DOT}{_LABEL}){{1,5}})"
)
# Without a suffix a spelled "at" counts only in brackets or before a mail provider's name.
_EMAIL_NO_SUFFIX = re.compile(
    rf"(?<![a-z0-9._%+\-]){_LOCAL_SPELLED}(?P<at>[ \t]*{_OPEN}[ \t]*(?:{_AT_WORDS}|@)[ \t]*{_CLOSE}[ \t]*"
    rf"|[ \t]+(?:{_AT_WORDS})[ \t]+(?=(?:{_PROVIDER_WORDS}|proton)\b|{_SPLIT_PROVIDER}))"
    rf"(?P<domain>{_SPLIT_PROVIDER}|{_LABEL})(?![ \t]*(?:\.|{_OPEN}?[ \t]*(?:{_DOT_WORDS})\b))"
)
# "rafael.m.costa no hotmail", "jane.doe99 on gmail": a preposition before a provider's name is an
# "at" when the name before it is shaped like an address (a dot, an underscore or a digit)
_PROVIDER_NAMES = rf"(?:{_COMMON_PROVIDERS})(?![a-z0-9])"
_PROVIDER_NAME = re.compile(_PROVIDER_NAMES)
_PREPOSITIONS = r"no|na|en|on|in|im|bei|chez|su|sur|di"
_PREPOSITION_AT = re.compile(rf"\b(?:{_PREPOSITIONS})(?=[ \t]+{_PROVIDER_NAMES})")
_EMAIL_PREPOSITION = re.compile(
    rf"(?<![a-z0-9._%+\-])(?=[a-z0-9._%+\-]*[a-z])[a-z0-9_]*[._0-9][a-z0-9._%+\-]*[a-z0-9_]"
    rf"(?P<at>[ \t]+(?:{_PREPOSITIONS})[ \t]+)"
    rf"(?P<domain>{_PROVIDER_NAMES}(?:{_DOT}{_LABEL}){{0,2}})"
)
_DOT_SPLIT = re.compile(_DOT)
# "maewrites ⭐ hotmail ⭐ com", "k.mendes 🌀 gmail 🌀 com": one symbol for both "@" and "."
_SYMBOL_SEPARATED = re.compile(
    r"(?<![a-z0-9._%+\-])(?P<local>[a-z0-9][a-z0-9._%+\-]{1,40})[ \t]*"
    r"(?P<sym>[\u2600-\u27bf\u2b00-\u2bff\U0001f300-\U0001faff])\ufe0f?[ \t]*"
    rf"(?P<provider>{_COMMON_PROVIDERS})[ \t]*(?P=sym)\ufe0f?[ \t]*(?P<tld>com|net|org|co|de|fr|es|it|ru|nl|pl)(?![a-z0-9])"
)
_IP_ADDRESS = re.compile(r"\d{1,3}(?:\.\d{1,3}){0,3}")
_SPELLED_SEPARATOR = re.compile(rf"[ \t]+({_LOCAL_SEPARATOR_WORDS})[ \t]+")
# A name with its mail provider after it in brackets, or after a comma in a text that speaks of
# e-mail ("sadgirlhrs (gmail)", "its ellie.b.writes, outlook")
_PROVIDER_AFTER = re.compile(
    r"(?<![a-z0-9._%+\-@])(?P<local>[a-z0-9_][a-z0-9._\-]{1,40}[a-z0-9_])[ \t]*"
    rf"(?:\([ \t]*(?:at[ \t]+|@[ \t]*)?(?P<bracketed>{_COMMON_PROVIDERS})[ \t]*\)"
    rf"|,[ \t]*(?:at[ \t]+)?(?P<listed>{_COMMON_PROVIDERS})(?![a-z0-9.@]))"
)
# "user@host:path" and "ssh user@host", as ssh and scp write a login to a machine
_SSH_PATH = re.compile(r":[~/\w]")
_SSH_BEFORE = re.compile(r"\b(?:ssh|scp|sftp|rsync)(?:[ \t]+-\w+)*[ \t]+\Z")
_MAIL_WORD = re.compile(r"\b(?:e-?mail|mail|throwaway|inbox|correo|courriel)\b")
# "my email is", "e-mail:", "correo:" right before an address
_EMAIL_CUE = re.compile(r"\b(?:e-?mail|mail|gmail|correo|courriel|e-mail-adresse)[ \t]*(?:is|es|est|ist|e|é|:|=|-)?[ \t]*:?[ \t]*\Z")
_AT_TRIE = trie_alternation(_AT_WORDS.split("|"))  # one pass of a prefix tree when scanning
_PREFILTER = re.compile(rf"@|\b{_AT_TRIE}\b|{_PROVIDER_NAMES}|&#|%40|&commat;")
_AT_SIGN = re.compile("@")
_ESCAPED_AT = re.compile(_AT_ESCAPED)
_LITERAL_AT = (_AT_SIGN, _ESCAPED_AT)  # an "@", typed or escaped
# A dot glued to the word before it and followed by a space ends a sentence ("at school. my mom"),
# unlike a spaced-out one ("jane at gmail . com").
_SENTENCE_DOT = re.compile(r"(?<=[^\s.])\.[ \t]+")
_AT_WORD = re.compile(rf"\b{_AT_TRIE}\b|\b(?:{_AT_BEFORE_PROVIDER})(?=[ \t]+(?:{_PROVIDER_WORDS})\b)")
# What must follow a spelled "at" of one word for either spelled pattern to match there: a domain
# label and a dot (spelled or typed), a closing bracket ("(at)"), or a mail provider's name. Most
# spelled "at"s are the word ("at school", "at 3am"): this one anchored look spares the two long
# patterns there.
_SPELLED_AT_TAIL = re.compile(
    rf"[ \t]*(?:{_CLOSE}[ \t]*|[\u2013\u2014~*\-][ \t]*)?(?:{_SPLIT_PROVIDER}|{_LABEL}){_DOT}"
    rf"|[ \t]*{_CLOSE}|[ \t]+(?:(?:{_PROVIDER_WORDS}|proton)\b|{_SPLIT_PROVIDER})"
)

MAIL_PROVIDERS = frozenset(
    "gmail googlemail hotmail outlook live msn yahoo ymail icloud me aol proton protonmail pm "
    "gmx web yandex mail zoho hey fastmail tutanota tuta uol bol terra wanadoo orange free "
    "laposte libero virgilio qq 163 126 rediffmail geemail hotmale hotmial gmial gmali outlok yahooo iclod".split()
)
_STOP_LOCAL = frozenset(
    "i im me we you he she they it this that home work school look looking at be am is are was "
    "here there be meet see call text stay arrive arrived arriving arrives get got back up out "
    "busy good fine ok okay least most first last all once chat online visit go talk available "
    "yelled laughed looked mad angry smiled".split()
)

# Addresses that machines send from and nobody reads: quoting one ("an email from
# noreply@spotify.com said my payment failed") shares no way to reach a person.
_AUTOMATED_LOCAL = re.compile(r"(?:no|do[._-]?not)[._-]?reply|mailer[._-]?daemon|bounces?|notifications?")


_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._%+-")
_DOT_WORD_SET = frozenset(_LOCAL_SEPARATOR_WORDS.split("|"))  # dots and other separators spelled in a local part


def _unspaced(label: str) -> str:
    """A domain label as meant: "g mail" -> "gmail", "gee-mail" -> "geemail"."""
    label = label.replace(" ", "").replace("\t", "")
    if "-" in label and label.replace("-", "") in MAIL_PROVIDERS:
        return label.replace("-", "")
    return label


def _local_start(text: str, anchor: int) -> int:
    """Where the local part before an "@"/"at" anchor begins (a backward scan, bounded)."""
    i = anchor
    while i > 0 and text[i - 1] in " \t([{<\u2013\u2014~*-" and anchor - i < 4:
        i -= 1
    j = i
    while j > 0 and text[j - 1] in _LOCAL_CHARS and i - j < 64:
        j -= 1
    for _ in range(3):  # spelled dots inside the local part: "ana punto lopez arroba ..."
        before = _spelled_dot_before(text, j)
        if before is None:
            break
        j = before
    return j


def _spelled_dot_before(text: str, end: int) -> int | None:
    """Where ``<local> dot `` (or another spelled separator, "underscore") ending at ``end`` begins
    ("lopez punto " before "ana"), or None.
    A backward scan of at most 80 characters (a regular expression searched backwards would try
    every start in that window)."""
    i = end
    while i > 0 and text[i - 1] in " \t" and end - i < 8:
        i -= 1
    if i == end:
        return None  # a spelled dot ends in a space
    word_end = i
    while i > 0 and text[i - 1].isalpha() and word_end - i < 10:
        i -= 1
    if text[i:word_end] not in _DOT_WORD_SET:
        return None
    word_start = i
    while i > 0 and text[i - 1] in " \t" and word_start - i < 8:
        i -= 1
    if i == word_start:
        return None  # "xdot": not a spelled dot
    local_end = i
    while i > 0 and text[i - 1] in _LOCAL_CHARS and local_end - i < 64:
        i -= 1
    while i < local_end and text[i] in "._%+-":
        i += 1  # a local part begins with a letter, a digit or "_"
    return i if i < local_end else None


class EmailDetector(Detector):
    """E-mail addresses in any spelling."""

    name = "email"

    def __init__(self, resources: Resources) -> None:
        super().__init__(resources)
        # one compiled scan says whether a text can hold an "@", a spelled "at" or a provider's
        # name at all (three messages in four hold none; the search below costs four times more)
        self._anchors = self.prefilter((_PREFILTER,), whole_text=True)

    def candidates(self, views: Views, context: Context) -> Iterator[Candidate]:
        """Address-shaped spans on the ``joined`` view."""
        norm = views.norm.text
        if not self._anchors.candidates(norm) or not _PREFILTER.search(norm):
            return
        view = views.joined
        text = view.text
        matches: list[re.Match[str]] = []
        taken = SpanSet()
        # Literal "@" first, then spelled "at": each anchored at the local part found by a short
        # backward scan, so the cost stays linear however many anchors a text holds.
        anchors = [*_AT_SIGN.finditer(text)]
        if "&" in text or "%" in text:
            anchors += _ESCAPED_AT.finditer(text)  # ("&#64;", "%40": an "@" escaped)
        anchors += _AT_WORD.finditer(text)
        provider_named = _PROVIDER_NAME.search(text) is not None
        if provider_named:  # ("x.y no hotmail": only before a provider's name)
            anchors += _PREPOSITION_AT.finditer(text)
        for anchor in anchors:
            pos = anchor.start()
            if taken.covers(pos):
                continue  # inside an address already found
            start = _local_start(text, pos)
            if start == pos or taken.covers(start):
                continue  # nothing before the anchor that could be a local part, or a match from
                # here would begin inside an address already found (and be refused)
            if anchor.re not in _LITERAL_AT and text[start:pos].strip() in _STOP_LOCAL:
                continue  # "email me at mike dot t at outlook": "me at ..." claims nothing
            if anchor.re is _AT_WORD and " " not in anchor.group() and "-" not in anchor.group() \
                    and _SPELLED_AT_TAIL.match(text, anchor.end()) is None:
                continue  # (an "at" of several words may match shorter: those are tried in full)
            if anchor.re is _PREPOSITION_AT:
                patterns: tuple[re.Pattern[str], ...] = (_EMAIL_PREPOSITION,)
            else:
                patterns = (_EMAIL,) if anchor.re in _LITERAL_AT else (_EMAIL_SPELLED, _EMAIL_NO_SUFFIX)
            for pattern in patterns:
                match = pattern.match(text, start)
                if match is None or match.end() <= pos or not taken.add(match.start(), match.end()):
                    continue
                matches.append(match)
                break
        matches.sort(key=lambda m: m.start())
        for match in matches:
            at = _ESCAPED_AT.sub("@", match.group("at"))
            local = match.group()[: match.start("at") - match.start()]
            spelled_at = "@" not in at
            domain_text = match.group("domain")
            stop = _SENTENCE_DOT.search(domain_text) if spelled_at else None
            if stop is not None:
                domain_text = domain_text[: stop.start()]  # "everything at school. my mom ...": a sentence ends
            labels = [lab for lab in _DOT_SPLIT.split(domain_text) if lab]
            if " " in local or "\t" in local:
                local = _SPELLED_SEPARATOR.sub(lambda m: _LOCAL_SEPARATORS.get(m.group(1), "."), local)
            bracketed = any(c in at for c in "[(<{")
            if not spelled_at and labels and all(len(label) < 2 for label in labels[1:]):
                # No label after the first can be a public suffix, so ``_trim_domain`` would give
                # the first alone: score it now, before the suffix look-ups ("a@a.a@a." * 250,000).
                # Only a provider's name can be raised later (after "my email is").
                first = _unspaced(labels[0])
                if first not in MAIL_PROVIDERS and \
                        self._score(local, first, spelled_at, bracketed)[0] < self.min_confidence:
                    continue
            domain, end = self._trim_domain(labels, match, view.text)
            if domain is None or _IP_ADDRESS.fullmatch(domain) is not None:
                continue  # ("ssh root@192.168.1.10": a login to a machine, not an address)
            value = f"{local}@{domain}"
            if not spelled_at and _AUTOMATED_LOCAL.fullmatch(local) is not None:
                continue
            if not spelled_at and (local == "git" or _SSH_PATH.match(text, end) is not None
                                   or _SSH_BEFORE.search(text, max(0, match.start() - 12), match.start())):
                continue  # "git@github.com:user/repo", "ssh student@lab.cs.uni.edu": logins to machines
            if "." in domain and self.resources.domain_allowed(domain):
                continue  # crisis lines' and public services' addresses are resources, not contact
            confidence, rule = self._score(local, domain, spelled_at, bracketed)
            at_provider = domain.split(".")[0] in MAIL_PROVIDERS
            if confidence < 0.75 and at_provider and len(local) >= 2 \
                    and local not in _STOP_LOCAL \
                    and _EMAIL_CUE.search(text, max(0, match.start() - 24), match.start()):
                confidence, rule = 0.75, "email.after_email_word"  # "my email is jane at gmail"
            spaced_mention = at.startswith((" ", "\t")) and (
                local in self.resources.platforms.first_words or local in _MENTION_VERBS
            )
            provider = at_provider and len(local) >= 3 and not spaced_mention
            if not spelled_at and at != "@" and ("." not in domain or spaced_mention) and not provider:
                confidence, rule = 0.0, "email.spaced_at_sign"  # "tweet @john", "insta @ana.lu": a mention
            yield Candidate(Kind.EMAIL, view, match.start(), end, rule, confidence, value, "email")
        if provider_named:
            yield from self._provider_after(text, view, taken)
        if not text.isascii():
            for match in _SYMBOL_SEPARATED.finditer(text):
                if not taken.covers(match.start()):
                    yield Candidate(Kind.EMAIL, view, match.start(), match.end(), "email.symbol_separated", 0.85,
                                    f"{match.group('local')}@{match.group('provider')}.{match.group('tld')}", "email")

    def _provider_after(self, text: str, view: View, taken: SpanSet) -> Iterator[Candidate]:
        """A local part with its provider after it: "sadgirlhrs (gmail)" anywhere, "ellie.b.writes,
        outlook" after a word for e-mail. The name must look like an address, not a word."""
        for match in _PROVIDER_AFTER.finditer(text):
            local = match.group("local")
            if taken.covers(match.start()) or local in _STOP_LOCAL or local in MAIL_PROVIDERS \
                    or local in self.resources.platforms.first_words:
                continue
            shaped = any(c in "._" or c.isdigit() for c in local) or (
                len(local) >= 5 and local not in self.resources.lexicon.common_words)
            if not shaped:
                continue
            provider = match.group("bracketed") or match.group("listed")
            if match.group("listed") is not None and _MAIL_WORD.search(text, 0, match.start()) is None \
                    and not any(c in "._" for c in local):
                continue
            yield Candidate(Kind.EMAIL, view, match.start(), match.end(), "email.provider_after", 0.8,
                            f"{local}@{provider}", "email")

    def _trim_domain(self, labels: list[str], match: re.Match[str], text: str) -> tuple[str | None, int]:
        """The longest prefix of the domain labels that ends in a known public suffix; without
        one, the first label alone (scored lower)."""
        domain_text = match.group("domain")
        for count in range(len(labels), 1, -1):
            if len(labels[count - 1]) < 2:
                continue  # no public suffix is one character long
            domain = ".".join(_unspaced(label) for label in labels[:count])
            suffix = self.resources.public_suffix(domain)
            if suffix is not None and suffix != domain:
                # end offset: after the count-th label in the matched text
                end = match.start("domain")
                pos = 0
                for label in labels[:count]:
                    pos = domain_text.index(label, pos) + len(label)
                return domain, end + pos
        first = labels[0] if labels else ""
        if not first:
            return None, match.end()
        end = match.start("domain") + domain_text.index(first) + len(first)
        return _unspaced(first), end

    def _score(self, local: str, domain: str, spelled_at: bool, bracketed: bool) -> tuple[float, str]:
        has_suffix = "." in domain
        provider = domain.split(".")[0] in MAIL_PROVIDERS
        if local in _STOP_LOCAL and spelled_at:
            return 0.0, "email.ordinary_words"
        if not spelled_at:
            if has_suffix:
                return 0.97, "email.address"
            if len(local) >= 2 and len(domain) >= 3 and domain.isalnum():
                return 0.7, "email.no_suffix"
            return 0.3, "email.fragment"
        if has_suffix:
            return (0.9 if bracketed or provider or len(local) >= 4 else 0.7), "email.spelled_at"
        if bracketed and len(local) >= 3:
            return 0.75, "email.spelled_no_suffix"
        if provider and len(domain) >= 3 and len(local) >= 3 and local not in self.resources.lexicon.common_words:
            return 0.7, "email.provider_no_suffix"
        return 0.2, "email.ordinary_words"

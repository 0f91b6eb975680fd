"""Links: URLs with a scheme, ``www.`` links, bare domains ("jane.example.com",
"linktr.ee/jane"), spelled-out domains ("jane dot com") and invite links of messaging services
("discord.gg/abc", "t.me/jane", "wa.me/15550192"). Domains are checked against the bundled public
suffix list; site, public-information and crisis domains are allowed."""

from __future__ import annotations

import re
from collections.abc import Iterator

from offsite.detectors.base import Candidate, Detector
from offsite.lru import BoundedMemo
from offsite.models import Context, Kind
from offsite.normalize import View, Views
from offsite.resources import Resources
from offsite.wordtrie import trie_alternation

_URL = re.compile(
    r"(?P<scheme>\b(?:https?|hxxps?|ftp)[ \t]*:[ \t]*/{0,3}[ \t]*)(?P<rest>[^\s<>\"'`]+)"
    r"|(?P<www>\bwww\d?\.)(?P<wrest>[^\s<>\"'`]+)"
    r"|(?<![@\w.\-/])(?P<bare>(?:[a-z0-9](?:[a-z0-9\-]{0,62}[a-z0-9])?\.){1,5}[a-z][a-z0-9\-]{1,23})"
    r"(?P<path>/[^\s<>\"'`]*)?(?![\w@])"
)
# words that announce a link: "my site is ...", "go to ...", "check out ..."
_WEB_CUE = re.compile(r"\b(?:site|website|blog|page|link|url|visit|go to|check out|check|at|is)\b[ \t:]*\Z")
# an ordinary word and a suffix, spelled: "limit dot com"
_SPELLED_PLAIN = re.compile(r"([a-z]+)[ \t]+(?:dot|punto|ponto|point|punkt)[ \t]+[a-z]{2,4}")
_URL_HINT = re.compile(r"[a-z0-9]\.[a-z0-9]|:|www")
_SPELLED = re.compile(
    r"(?<![\w.@])(?P<name>[a-z0-9][a-z0-9\-]{1,62})[ \t]*(?:[\[(][ \t]*(?:dot|\.)[ \t]*[\])]|[ \t]+dot[ \t]+)"
    r"(?P<tld>com|net|org|io|me|co|ly|gg|ee|app|xyz|info|biz|tv|us|uk|ca|de|fr|es|br|mx|ph|au|in|ie)\b"
)
# Signs of a spelled or spaced link; without one the ``link`` view equals ``norm``.
_LINK_DISGUISE = re.compile(
    r"\b(?:dot|slash|barra|punto|ponto|point|punkt|точка|слеш|слэш|bitly)\b|[\[(<{]\s*\.|[a-z0-9]\s+[./]\s*[a-z0-9]|"
    r"[a-z0-9]\s*[./]\s+(?:com|net|org|gg|me|io|co|ly|ee|app)\b|[a-z0-9]/\s+[a-z0-9]|:\s*/\s*/|"
    r"\b(?:discord|dsc|wa|t|telegram|bit|tinyurl|forms|cutt|twitch)\s+(?:gg|me|ly|com|gle|tv)\b"
)
# Substrings one of which any disguise above contains (a cheap check before the regex).
_LINK_MARKERS = ("dot", "slash", "barra", "punto", "ponto", "point", "punkt", "точка", "слеш", "слэш", "bitly", " .", " /", "/ ", "[", "(", "{", "<",
                 ":/", ": /", "discord ", "dsc ", "wa ", "t me", "telegram ", "bit ly", "tinyurl ", "forms gle", "cutt ly", "twitch tv", ". com", ". net", ". org", ". gg", ". me",
                 ". io", ". co", ". ly", ". ee", ". app")
_ANY_LINK_MARKER = re.compile(trie_alternation(_LINK_MARKERS))  # one scan for all of them
# Subdomains that are the service itself, not somebody's account.
_SERVICE_SUBDOMAINS = frozenset(
    "m mobile web www api app apps help support about blog news developers business business.facebook "
    "l lm touch mbasic open go status careers jobs".split()
)
# words that never name a site: "a .NET dev", "the .com for my business name is taken"
_FUNCTION_WORDS = frozenset("a an the my your our their his her its this that is it to of i in on at".split())
_BRACKETED_DOT = re.compile(r"[\[({]\s*(?:\.|dot)\s*[\])}]", re.IGNORECASE)
_HOST = re.compile(r"[a-z0-9\-.\u00c0-\uffff]+")
_TRAIL = ".,;:!?)]}'\"*"


#: hosts whose public-suffix reading is remembered (cleared when full)
_HOST_CACHE = 4096


# a dot with a space after it, and a sentence going on after what would be the suffix
_DOT_SPACE = re.compile(r"\.[ \t]")
# (the next word may be elided: "io l'ho chiamato", "je l'ai vu")
_WORDS_GO_ON = re.compile(r"[ \t]+(?:[^\W\d_]{2,}|[^\W\d_]['\u2019][^\W\d_]+)[ \t]+[^\W\d_]")


class UrlDetector(Detector):
    """Links and invites."""

    name = "url"

    def __init__(self, resources: Resources) -> None:
        super().__init__(resources)
        # one compiled scan tells whether a link, or the disguise of one, can be in a text at all
        self._shapes = self.prefilter((_URL, _LINK_DISGUISE), whole_text=True)
        # (host, kind) -> _valid_host's answer: a pure function of the host and the lexicon,
        # asked again and again for the same few hosts (and 60,000 times for one in a flood)
        self._hosts: BoundedMemo[tuple[str, str], tuple[str | None, int]] = BoundedMemo(
            lambda key: self._read_host(*key), _HOST_CACHE)

    def candidates(self, views: Views, context: Context) -> Iterator[Candidate]:
        """Link-shaped spans on the ``norm`` view."""
        view = views.norm
        text = view.text
        if ("." not in text and ":" not in text and "dot" not in text and "/" not in text
                and "slash" not in text and "barra" not in text and "точка" not in text and "слеш" not in text
                and "слэш" not in text):
            return
        if not self._shapes.candidates(text):
            return  # neither a link nor a disguised one can match anywhere ("i'm 16. it's hard")
        found = []
        # a scheme needs ":", a www link "www", a bare domain a dot between letters or digits
        matches = _URL.finditer(text) if _URL_HINT.search(text) is not None else ()
        for match in matches:
            cand = self._candidate(view, match)
            if cand is not None:
                found.append(cand)
                yield cand
        if _ANY_LINK_MARKER.search(text) is None or _LINK_DISGUISE.search(text) is None:
            return
        link = views.link
        if link.text != text:
            spans = [cand.view.to_original(cand.start, cand.end) for cand in found]
            bracketed = _BRACKETED_DOT.search(views.original) is not None  # (once, not per match)
            for match in _URL.finditer(link.text):
                cand = self._candidate(link, match)
                if cand is None and bracketed and _BRACKETED_DOT.search(
                        views.original, *link.to_original(match.start(), match.end())):
                    # "elijahmakes[.]art/contact": a dot put in brackets on purpose is a link with any suffix
                    cand = self._candidate(link, match, defanged=True)
                if cand is None:
                    continue
                first_label = cand.value.split(".", 1)[0]
                if first_label.isdigit() or first_label in _FUNCTION_WORDS:
                    continue  # "dalle 10 alle 24. Io li ho", "i'm a .NET dev": a word, then a dot
                a, b = link.to_original(cand.start, cand.end)
                if cand.value.rsplit(".", 1)[-1] in self.resources.lexicon.common_words \
                        and _DOT_SPACE.search(views.original, a, b) is not None \
                        and _WORDS_GO_ON.match(views.original, b) is not None \
                        and _WEB_CUE.search(views.original.lower(), max(0, a - 30), a) is None:
                    continue  # "sono gentilissimi. io li ho chiamati": a sentence ends, the next begins
                if any(x < b and a < y for x, y in spans):
                    continue
                typed = views.original.lower()
                plain = _SPELLED_PLAIN.fullmatch(typed, a, b) if len(typed) == len(views.original) else None
                if plain is not None and self._word_not_named_as_link(plain.group(1), typed, a):
                    continue
                yield Candidate(cand.kind, link, cand.start, cand.end, cand.rule + ".disguised",
                                max(cand.confidence, 0.85) if cand.confidence >= 0.5 else cand.confidence,
                                cand.value, cand.platform)
        if "dot" in text:
            for match in _SPELLED.finditer(text):
                name = match.group("name")
                if (name in self.resources.lexicon.common_words and len(name) < 4) \
                        or self._word_not_named_as_link(name, text, match.start()):
                    continue
                host = f"{name}.{match.group('tld')}"
                if host in self.resources.platforms.domains:
                    continue  # a service's home page named in passing ("instagram dot com")
                yield Candidate(Kind.URL, view, match.start(), match.end(), "url.spelled_domain",
                                0.75, host)

    def _word_not_named_as_link(self, name: str, text: str, start: int) -> bool:
        """True for an ordinary word spelled with a suffix and no link cue before it ("i'm at my
        limit dot com lol": a joke, unless "my site is ..." says link)."""
        return name in self.resources.lexicon.common_words \
            and _WEB_CUE.search(text, max(0, start - 30), start) is None

    def _candidate(self, view: View, match: re.Match[str], defanged: bool = False) -> Candidate | None:
        if match.group("scheme") is not None:
            body, body_start, kind = match.group("rest"), match.start("rest"), "scheme"
        elif match.group("www") is not None:
            body, body_start, kind = match.group("wrest"), match.start("wrest"), "www"
        else:
            body = match.group("bare") + (match.group("path") or "")
            body_start, kind = match.start("bare"), "defanged" if defanged else "bare"
        host_match = _HOST.match(body)
        if host_match is None:
            return None
        valid_host, host_len = self._valid_host(host_match.group().strip(".-"), kind)
        if valid_host is None:
            return None
        host = valid_host
        first_label, _, rest = host.partition(".")
        if kind == "bare" and "." not in rest and (first_label.isdigit() or (
                first_label in _FUNCTION_WORDS and len(host) == host_match.end() == len(body))):
            return None  # "version 2.pl", "read it.se": a number or a word, then a dot
        path = body[host_match.end():] if len(host) == host_match.end() else ""
        if host_len < host_match.end():
            path = ""
        path = path.rstrip(_TRAIL)
        end = body_start + host_len + len(path)
        start = match.start()
        if kind == "www":
            host = "www." + host
        confidence, rule, kind_found, platform = self._classify(host, path, kind)
        return Candidate(kind_found, view, start, end, rule, confidence, f"{host}{path}", platform)

    def _valid_host(self, host: str, kind: str) -> tuple[str | None, int]:
        """The host cut to its longest prefix ending in a public suffix (``host-page.com4083buy``
        -> ``host-page.com``), with its length, or None."""
        return self._hosts((host, kind))

    def _read_host(self, host: str, kind: str) -> tuple[str | None, int]:
        labels = host.split(".")
        if len(labels) < 2:
            return None, 0
        last = labels[-1]
        for cut in range(len(last), 1, -1):
            candidate = ".".join([*labels[:-1], last[:cut]])
            suffix = self.resources.public_suffix(candidate)
            if suffix is not None and suffix != candidate:
                if kind in ("bare", "defanged") and cut != len(last):
                    return None, 0
                icann = candidate.rsplit(".", 2)
                # a bare domain needs a common suffix, unless it is a service's own ("pin.it")
                if kind == "bare" and candidate not in self.resources.platforms.service_hosts and not (
                    suffix in self.resources.lexicon.bare_domain_suffixes
                    or icann[-1] in self.resources.lexicon.bare_domain_suffixes
                    or ".".join(icann[-2:]) in self.resources.lexicon.bare_domain_suffixes
                ):
                    return None, 0
                return candidate, len(candidate)
        return None, 0

    def _classify(self, host: str, path: str, kind: str) -> tuple[float, str, Kind, str | None]:
        bare_host = host[4:] if host.startswith("www.") else host
        full = f"{bare_host}{path}"
        if self.resources.domain_allowed(bare_host, path):
            return 0.0, "url.allowed_domain", Kind.URL, None
        index = self.resources.platforms
        for prefix, platform in index.invites:
            if full.startswith(prefix) and len(full) > len(prefix):
                return 0.95, "url.invite", Kind.INVITE, platform.id
        for domain, platform in index.domains.items():
            if bare_host == domain or bare_host.endswith("." + domain):
                segment = path.strip("/").split("/")[0].split("?")[0]
                account = bare_host[: -len(domain)].rstrip(".")
                if account and account not in _SERVICE_SUBDOMAINS:
                    # "janedoe.tumblr.com": the subdomain is the account
                    return 0.9, "url.platform_subdomain", Kind.URL, platform.id
                if not segment:
                    # a home page named in passing ("i deleted instagram.com") is talk; a typed link
                    # to one is uncertain (the policy hides it and delivers the rest)
                    return (0.4 if kind == "bare" else 0.55), "url.platform_home", Kind.URL, platform.id
                if segment in platform.reserved_paths:
                    return 0.0, "url.platform_public_page", Kind.URL, platform.id
                return 0.95, "url.platform_profile", Kind.URL, platform.id
        if not path:
            for prefix, platform in index.invites:
                if prefix.rstrip("/") == bare_host:
                    # "someone posted a discord.gg link": an invite domain without an invite
                    return (0.4 if kind == "bare" else 0.55), "url.platform_home", Kind.URL, platform.id
        if kind == "defanged":
            return 0.85, "url.bare_domain", Kind.URL, None
        if kind == "bare":
            return (0.85 if path else 0.75), "url.bare_domain", Kind.URL, None
        return 0.95, "url.link", Kind.URL, None

    def validate(self, candidate: Candidate, views: Views, context: Context) -> str | None:
        """Allowed domains are never contact."""
        if candidate.rule in ("url.allowed_domain", "url.platform_public_page"):
            return "site, public-information or crisis domain"
        return super().validate(candidate, views, context)

"""Shared, read-only resources of one guard: the lexicon, the number reader, the public suffix
list, the platform index and the detection settings. Built once, passed to every detector."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from publicsuffixlist import PublicSuffixList

from offsite.lexicon import Lexicon, Platform, load_lexicon
from offsite.lru import BoundedMemo
from offsite.normalize import SPACED_LETTERS, WORD_MARKS, NumberReader, View, Views
from offsite.prefilter import RegexPrefilter, shared_prefilter
from offsite.wordtrie import trie_alternation

DEFAULT_REGIONS = ("US", "CA", "GB", "IE", "AU", "IN", "PH", "BR", "DE", "FR", "ES", "MX")


@dataclass(frozen=True)
class DetectionSettings:
    """Settings that change what counts as contact."""

    #: Regions whose national phone formats are recognised.
    regions: tuple[str, ...] = DEFAULT_REGIONS
    #: The site's own domains: links to them are on-site, never contact.
    site_domains: tuple[str, ...] = ()
    #: More public-information domains, in addition to the built-in list.
    public_domains: tuple[str, ...] = ()
    #: More @-words that are on-site mentions (``@mods``), in addition to the built-in list.
    on_site_mentions: tuple[str, ...] = ()
    #: Speed only, never what is found: let the detectors skip work with compiled prefilters
    #: (``offsite.prefilter``; Hyperscan). ``False`` runs every pattern everywhere.
    compiled_prefilters: bool = True


@dataclass(frozen=True, slots=True)
class Mention:
    """A platform named in the text (coordinates of the ``alpha`` view)."""

    start: int
    end: int
    platform: Platform
    alias: str
    ambiguous: bool


# words of any script ("微信", "인스타" are aliases too), with the vowel signs of Indic and Thai
# scripts inside them ("इंस्टा", "ไลน์"), as the text's words keep them
_TOKEN = re.compile(rf"[^\W_](?:[^\W_]|[{WORD_MARKS}])*")
_WHITESPACE = re.compile(r"\s")


class PlatformIndex:
    """Finds platform names in a view, word by word (linear in the text)."""

    def __init__(self, platforms: tuple[Platform, ...]) -> None:
        self.by_alias: dict[tuple[str, ...], tuple[Platform, bool]] = {}
        for platform in platforms:
            for alias in platform.aliases:
                # ("s/c" is one word: read as "s c" it would only match with a space between)
                words = (alias,) if "/" in alias else tuple(_TOKEN.findall(alias))
                if not words or "." in alias:
                    continue
                self.by_alias.setdefault(words, (platform, alias in platform.ambiguous))
        self.first_words = frozenset(words[0] for words in self.by_alias)
        self.by_name = {" ".join(words): hit for words, hit in self.by_alias.items()}
        # every alias as whole words, the words of a multi-word alias separated by spaces only;
        # one pass of a prefix tree, leftmost first, then longest ("whats app" before "whats")
        # (a last letter stretched, "instaaaa", still names the service)
        self.alias_pattern = re.compile(
            r"(?<![a-z0-9])(?P<alias>" + trie_alternation(self.by_name).replace("\\ ", " +") + r")"
            r"(?:(?<=(?P<last>[a-z]))(?P=last){2,})?(?![a-z0-9])"
        )
        self.domains: dict[str, Platform] = {}
        for platform in platforms:
            for domain in platform.domains:
                self.domains.setdefault(domain, platform)
        self.emoji: dict[str, Platform] = {e: p for p in platforms for e in p.emoji}
        self.emoji_pattern: re.Pattern[str] | None = (
            re.compile(
                "(?P<emoji>" + "|".join(re.escape(e) for e in self.emoji) + r")"
                r"[ \t]*(?:[:\-=\u2190-\u21ff\u2794-\u27bf\u25b6\u25ba>»~|]{1,3}|(?:is|its|it's)\b)?[ \t]*"
                r"(?P<handle>@?[a-z0-9_](?:[a-z0-9_.\-]{0,40}[a-z0-9_])?)"
            )
            if self.emoji else None
        )
        self.invites: tuple[tuple[str, Platform], ...] = tuple(
            (prefix, platform) for platform in platforms for prefix in platform.invites
        )
        #: hosts that belong to a service (its domains and invite hosts: "pin.it", "signal.group")
        self.service_hosts = frozenset(self.domains) | frozenset(
            prefix.split("/")[0] for prefix, _ in self.invites if "/" in prefix)

    def mentions_in(self, views: Views) -> list[Mention]:
        """:meth:`mentions` of ``views.alpha``, found once per text and shared (do not modify)."""
        found = views.memo.get("mentions")
        if found is None:
            found = views.memo["mentions"] = self.mentions(views.alpha)
        return found  # type: ignore[return-value]  # only this class writes the key

    def none_in(self, views: Views) -> None:
        """Record that ``views.alpha`` names no platform (a compiled prefilter of
        ``alias_pattern`` proved it), so that :meth:`mentions_in` answers at once."""
        views.memo.setdefault("mentions", [])

    def mentions(self, view: View) -> list[Mention]:
        """Every platform alias in ``view`` as whole words (longest match first). Glued words
        are not mentions: "snapchat:jane" names snapchat, "mysnap" names nothing."""
        found: list[Mention] = []
        for match in self.alias_pattern.finditer(view.text):
            alias = match.group("alias")
            if _WHITESPACE.search(alias) is not None:
                alias = " ".join(alias.split())
            platform, ambiguous = self.by_name[alias]
            found.append(Mention(match.start(), match.end(), platform, alias, ambiguous))
        return found


#: domain names whose public suffix is remembered
_SUFFIX_CACHE = 8192


@dataclass
class Resources:
    """Everything detectors share. Immutable after construction."""

    lexicon: Lexicon = field(default_factory=load_lexicon)
    settings: DetectionSettings = field(default_factory=DetectionSettings)

    def public_suffix(self, name: str) -> str | None:
        """The ICANN or private public suffix that ends ``name`` (``"gmail.co.uk"`` ->
        ``"co.uk"``), or None when it ends in no known suffix. Remembered per name: floods
        repeat the same few domains thousands of times."""
        return self._suffixes(name)

    @cached_property
    def _suffixes(self) -> BoundedMemo[str, str | None]:
        return BoundedMemo(lambda name: self.psl.publicsuffix(name, accept_unknown=False), _SUFFIX_CACHE)

    def views(self, text: str) -> Views:
        """The lazily built views of ``text`` (the one place they are made)."""
        return Views(text, self.numbers, self._spaced)

    @property
    def prefilters(self) -> tuple[RegexPrefilter, ...]:
        """The compiled prefilters of the views (see ``offsite.prefilter``)."""
        return (self._spaced,)

    @cached_property
    def _spaced(self) -> RegexPrefilter:
        # most messages hold no run of spaced single letters: one scan spares the search
        return shared_prefilter([SPACED_LETTERS], whole_text=True, enabled=self.settings.compiled_prefilters)

    @cached_property
    def numbers(self) -> NumberReader:
        """The multi-language number-word reader."""
        return NumberReader.from_lexicon(self.lexicon)

    @cached_property
    def psl(self) -> PublicSuffixList:
        """The public suffix list snapshot bundled with ``publicsuffixlist`` (no download)."""
        return PublicSuffixList()

    @cached_property
    def platforms(self) -> PlatformIndex:
        """Platform alias and domain index."""
        return PlatformIndex(self.lexicon.platforms)

    @cached_property
    def allowed_domains(self) -> frozenset[str]:
        """Domains whose links are never contact: site, public information and crisis lines."""
        return frozenset(
            d.lower()
            for d in (
                *self.settings.site_domains,
                *self.settings.public_domains,
                *self.lexicon.public_domains,
                *self.lexicon.crisis_domains,
            )
        )

    @cached_property
    def crisis_numbers(self) -> frozenset[str]:
        """Crisis and emergency numbers, digits only."""
        return self.lexicon.crisis_numbers

    @cached_property
    def lexicon_crisis_alnum(self) -> frozenset[str]:
        """Crisis numbers written with letters (``1800273talk``)."""
        return frozenset(n for r in self.lexicon.crisis for n in r.numbers)

    @cached_property
    def on_site_mentions(self) -> frozenset[str]:
        """@-words that are on-site mentions."""
        return self.lexicon.on_site_mentions | frozenset(
            m.lower() for m in self.settings.on_site_mentions
        )

    def domain_allowed(self, host: str, path: str = "") -> bool:
        """True if a link to ``host``/``path`` is on-site, public information or a crisis line."""
        host = host.lower().rstrip(".")
        if host.startswith("www."):
            host = host[4:]
        domains, prefixes = self._allowed_split
        # the host and every parent domain of it ("help.example.org", "example.org", "org")
        name = host
        while True:
            if name in domains:
                return True
            dot = name.find(".")
            if dot < 0:
                break
            name = name[dot + 1 :]
        if prefixes:
            full = f"{host}/{path.lstrip('/')}".rstrip("/")
            return full.startswith(prefixes)
        return False

    @cached_property
    def _allowed_split(self) -> tuple[frozenset[str], tuple[str, ...]]:
        """Allowed domains as a set, and the allowed links with a path ("example.org/help")."""
        return (frozenset(d for d in self.allowed_domains if "/" not in d),
                tuple(sorted(d for d in self.allowed_domains if "/" in d)))

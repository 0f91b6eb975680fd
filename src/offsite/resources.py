"""Shared, read-only resources of one guard: the lexicon, the number reader, the public suffix
list, the platform index and the detection settings. Built once, passed to every detector."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from publicsuffixlist import PublicSuffixList

from offsite.lexicon import Lexicon, Platform, load_lexicon
from offsite.normalize import NumberReader, View

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


@dataclass(frozen=True, slots=True)
class Mention:
    """A platform named in the text (coordinates of the ``alpha`` view)."""

    start: int
    end: int
    platform: Platform
    alias: str
    ambiguous: bool


_TOKEN = re.compile(r"[a-z0-9]+")


class PlatformIndex:
    """Finds platform names in a view, word by word (linear in the text)."""

    def __init__(self, platforms: tuple[Platform, ...]) -> None:
        self.by_alias: dict[tuple[str, ...], tuple[Platform, bool]] = {}
        self.max_words = 1
        for platform in platforms:
            for alias in platform.aliases:
                words = tuple(_TOKEN.findall(alias))
                if not words or "." in alias:
                    continue
                self.by_alias.setdefault(words, (platform, alias in platform.ambiguous))
                self.max_words = max(self.max_words, len(words))
        self.first_words = frozenset(words[0] for words in self.by_alias)
        # one word of each alias that must appear for the alias to: a cheap first check
        self.key_words = frozenset(max(words, key=len) for words in self.by_alias)
        self.domains: dict[str, Platform] = {}
        for platform in platforms:
            for domain in platform.domains:
                self.domains.setdefault(domain, platform)
        self.emoji: dict[str, Platform] = {e: p for p in platforms for e in p.emoji}
        self.emoji_pattern: re.Pattern[str] | None = (
            re.compile(
                "(?P<emoji>" + "|".join(re.escape(e) for e in self.emoji) + r")[ \t]*[:\-=]?[ \t]*"
                r"(?P<handle>@?[a-z0-9_](?:[a-z0-9_.\-]{0,40}[a-z0-9_])?)"
            )
            if self.emoji else None
        )
        self.invites: tuple[tuple[str, Platform], ...] = tuple(
            (prefix, platform) for platform in platforms for prefix in platform.invites
        )

    def mentions(self, view: View) -> list[Mention]:
        """Every platform alias in ``view`` as whole words (longest match first)."""
        if self.key_words.isdisjoint(_TOKEN.findall(view.text)):
            return []
        tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(view.text)]
        found: list[Mention] = []
        i = 0
        text = view.text
        while i < len(tokens):
            word = tokens[i][2]
            matched = False
            if word in self.first_words:
                for size in range(min(self.max_words, len(tokens) - i), 0, -1):
                    group = tokens[i : i + size]
                    # words of a multi-word alias must be separated by spaces only
                    if size > 1 and any(
                        text[group[k][1] : group[k + 1][0]].strip(" ") != ""
                        for k in range(size - 1)
                    ):
                        continue
                    key = tuple(t[2] for t in group)
                    hit = self.by_alias.get(key)
                    if hit is not None:
                        found.append(Mention(group[0][0], group[-1][1], hit[0], " ".join(key),
                                             hit[1]))
                        i += size
                        matched = True
                        break
            if not matched:
                # glued aliases: "snapchat:jane" is tokenised fine; "mysnap" is not a mention
                i += 1
        return found


@dataclass
class Resources:
    """Everything detectors share. Immutable after construction."""

    lexicon: Lexicon = field(default_factory=load_lexicon)
    settings: DetectionSettings = field(default_factory=DetectionSettings)

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
        full = f"{host}/{path.lstrip('/')}".rstrip("/")
        for domain in self.allowed_domains:
            if "/" in domain:
                if full.startswith(domain):
                    return True
            elif host == domain or host.endswith("." + domain):
                return True
        return False

"""Load and validate the knowledge files in ``offsite/data`` (platforms, number words, crisis
resources, solicitation rules, meetup cues, allow-lists).

Every file is parsed into pydantic models, so a bad entry fails loudly with the file name and the
key path. The loaded :class:`Lexicon` is immutable and shared by all detectors of one guard.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


class LexiconError(ValueError):
    """A data file is missing or invalid; the message names the file and the key path."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HandleRule(_Strict):
    """A service's user-name grammar."""

    min: int = Field(ge=1, le=100)
    max: int = Field(ge=1, le=100)
    chars: str
    discriminator: bool = False
    #: ids may be all digits (QQ numbers, Steam friend codes and ids)
    numeric: bool = False

    @field_validator("chars")
    @classmethod
    def _valid_class(cls, value: str) -> str:
        try:
            re.compile(f"[{value}]")
        except re.error as exc:
            raise ValueError(f"not a valid character class body: {exc}") from None
        return value


class Platform(_Strict):
    """One off-site service."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    aliases: tuple[str, ...] = Field(min_length=1)
    ambiguous: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    invites: tuple[str, ...] = ()
    reserved_paths: tuple[str, ...] = ()
    #: emoji people use for the service in place of its name ("👻" for Snapchat)
    emoji: tuple[str, ...] = ()
    handle: HandleRule

    @field_validator("aliases", "ambiguous")
    @classmethod
    def _lower(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for alias in value:
            if alias != alias.strip().lower() or not alias:
                raise ValueError(f"alias {alias!r} must be lower case and trimmed")
        return value

    def model_post_init(self, __context: Any) -> None:
        """Check that every ambiguous alias is also an alias."""
        missing = set(self.ambiguous) - set(self.aliases)
        if missing:
            raise ValueError(f"ambiguous aliases not in aliases: {sorted(missing)}")
        if self.handle.min > self.handle.max:
            raise ValueError("handle.min is larger than handle.max")


class NumberLanguage(_Strict):
    """Number words of one language."""

    digits: dict[str, str]
    multipliers: dict[str, int] = {}
    weak: tuple[str, ...] = ()
    #: the word that joins a unit before its tens in one word ("und": "einundzwanzig" = 21)
    units_before_tens: str | None = None
    #: every digit word is also an ordinary word, and three of them in a row (or glued, in a
    #: script written without spaces) spell a number all the same ("không chín không", "공일공")
    weak_in_runs: bool = False

    def compounds(self) -> dict[str, str]:
        """The unit-before-tens words of this language ("vierunddreissig" = "34"), or none."""
        link = self.units_before_tens
        if link is None:
            return {}
        units = {w: d for w, d in self.digits.items() if len(d) == 1 and d != "0"}
        tens = {w: d for w, d in self.digits.items() if len(d) == 2 and d[1] == "0" and d[0] >= "2"}
        return {u + link + t: str(int(td) + int(ud)) for u, ud in units.items() for t, td in tens.items()}

    @field_validator("digits")
    @classmethod
    def _digits(cls, value: dict[str, str]) -> dict[str, str]:
        for word, digits in value.items():
            # letters, and the vowel signs and marks that Indic and Thai words are written with
            letters = word[:1].isalpha() and all(c.isalpha() or unicodedata.category(c)[0] == "M" for c in word)
            if not digits.isdigit() or not letters or word != word.lower():
                raise ValueError(f"{word!r} = {digits!r}: need a lower-case word and digits")
            if unicodedata.normalize("NFKC", word) != word:
                raise ValueError(f"{word!r}: write the word in NFKC form, as the views read it")
        return value


class CrisisResource(_Strict):
    """A crisis or emergency line that is never flagged."""

    name: str
    region: str
    numbers: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()

    @field_validator("numbers")
    @classmethod
    def _numbers(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for number in value:
            if not re.fullmatch(r"[0-9a-z]+", number):
                raise ValueError(f"number {number!r}: digits (or a vanity word) only")
        return value


class SolicitationRule(_Strict):
    """One request/offer pattern."""

    id: str
    lang: str = Field(pattern=r"^[a-z]{2}$")
    confidence: float = Field(gt=0, le=1)
    pattern: str
    #: "here" right after a match names this site ("same name as here"), so it does not make the
    #: match an on-site request ("message me here")
    names_this_site: bool = False


class MeetupCues(_Strict):
    """The three cues that make a meeting an invitation (``meetups.toml``), each a list of
    regular-expression fragments, and the words that put a get-together on the site."""

    reach: int = Field(ge=20, le=400)
    gathering: tuple[str, ...] = Field(min_length=1)
    when: tuple[str, ...] = Field(min_length=1)
    invitation: tuple[str, ...] = Field(min_length=1)
    on_site: tuple[str, ...] = ()

    @field_validator("gathering", "when", "invitation", "on_site")
    @classmethod
    def _compiles(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for index, fragment in enumerate(value):
            try:
                re.compile(fragment)
            except re.error as exc:
                raise ValueError(f"entry {index} ({fragment!r}): {exc}") from None
        return value


class _SolicitationFile(_Strict):
    placeholders: dict[str, str]
    gate: dict[str, tuple[str, ...]]
    rule: tuple[SolicitationRule, ...]
    negations: dict[str, tuple[str, ...]]


class _Allowlist(_Strict):
    public_domains: tuple[str, ...]
    bare_domain_suffixes: tuple[str, ...]
    on_site_mentions: tuple[str, ...]


class _PlatformsFile(_Strict):
    platform: tuple[Platform, ...]


class _NumbersFile(_Strict):
    languages: dict[str, NumberLanguage]


class _CrisisFile(_Strict):
    resource: tuple[CrisisResource, ...]


@dataclass(frozen=True)
class Lexicon:
    """All knowledge files, loaded and validated."""

    platforms: tuple[Platform, ...]
    number_languages: dict[str, NumberLanguage]
    crisis: tuple[CrisisResource, ...]
    solicitation_rules: tuple[SolicitationRule, ...]
    solicitation_placeholders: dict[str, str]
    solicitation_gate: frozenset[str]
    negations: tuple[str, ...]
    public_domains: tuple[str, ...]
    bare_domain_suffixes: frozenset[str]
    on_site_mentions: frozenset[str]
    common_words: frozenset[str]
    #: the cues of an invitation to meet in person (meetups.toml)
    meetups: MeetupCues

    def knows_word(self, word: str) -> bool:
        """True when ``word`` is a common English word, the plural of one ("trophies",
        "streaks", "servers") or, from six letters, a regular past or present participle of one
        ("played", "studied", "hoping", "running")."""
        words = self.common_words
        if word in words:
            return True
        if len(word) < 5:
            return False
        if len(word) >= 6 and (word.endswith("ed") or word.endswith("ing")):  # ("janed": a name)
            stem = word[:-2] if word.endswith("ed") else word[:-3]
            return (
                stem in words
                or stem + "e" in words  # "hoped", "hoping"
                or (stem.endswith("i") and stem[:-1] + "y" in words)  # "studied"
                or (len(stem) >= 3 and stem[-1] == stem[-2] and stem[:-1] in words)  # "stopped"
            )
        if not word.endswith("s") or word.endswith("ss"):
            return False
        if word.endswith("ies") and word[:-3] + "y" in words:
            return True
        return word[:-1] in words or (word.endswith("es") and word[:-2] in words)

    @property
    def crisis_numbers(self) -> frozenset[str]:
        """Every crisis number, digits only."""
        return frozenset(n for r in self.crisis for n in r.numbers if n.isdigit())

    @property
    def crisis_domains(self) -> frozenset[str]:
        """Every crisis-resource domain."""
        return frozenset(d for r in self.crisis for d in r.domains)

    def platform(self, platform_id: str) -> Platform:
        """The platform with this id (KeyError if unknown)."""
        for platform in self.platforms:
            if platform.id == platform_id:
                return platform
        raise KeyError(platform_id)


def _read_toml(directory: Path | None, name: str) -> dict[str, Any]:
    try:
        if directory is None:
            raw = resources.files("offsite.data").joinpath(name).read_text(encoding="utf-8")
        else:
            raw = (directory / name).read_text(encoding="utf-8")
        return tomllib.loads(raw)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LexiconError(f"{name}: {exc}") from None


def _parse(model: type[BaseModel], data: dict[str, Any], name: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise LexiconError(f"{name}: {problems}") from None


def _check_solicitation_patterns(solicit: _SolicitationFile) -> None:
    """Compile every rule with its placeholders filled in, so a broken pattern fails at load time
    with the rule's key path rather than later inside a detector."""
    subs = dict(solicit.placeholders)
    subs.setdefault("platform", "(?:x)")
    subs.setdefault("strong", "(?:x)")
    for index, rule in enumerate(solicit.rule):
        pattern = rule.pattern
        for _ in range(2):
            pattern = re.sub(r"\{(\w+)\}", lambda m: subs.get(m.group(1), m.group(0)), pattern)
        unknown = re.findall(r"\{([a-z_]+)\}", pattern)
        if unknown:
            raise LexiconError(
                f"solicitation.toml: rule.{index}.pattern ({rule.id}): unknown placeholder {{{unknown[0]}}}"
            )
        try:
            re.compile(pattern)
        except re.error as exc:
            raise LexiconError(f"solicitation.toml: rule.{index}.pattern ({rule.id}): {exc}") from None


def _fold_accents(word: str) -> str:
    """Lower case without accents, as the normalised views spell words."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def load_lexicon(directory: Path | None = None) -> Lexicon:
    """Load every knowledge file from ``directory`` (default: the package's own data)."""
    if directory is None:
        return _default_lexicon()
    return _load(directory)


@cache
def _default_lexicon() -> Lexicon:
    # The packaged data never changes at run time, so one parsed copy serves every guard.
    return _load(None)


def _load(directory: Path | None) -> Lexicon:
    platforms = _parse(_PlatformsFile, _read_toml(directory, "platforms.toml"), "platforms.toml")
    ids = [p.id for p in platforms.platform]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise LexiconError(f"platforms.toml: platform: duplicate id(s) {', '.join(duplicates)}")
    for index, platform in enumerate(platforms.platform):
        repeated = sorted({a for a in platform.aliases if platform.aliases.count(a) > 1})
        if repeated:
            raise LexiconError(
                f"platforms.toml: platform.{index}.aliases: {platform.id} lists {', '.join(repeated)} twice"
            )
    numbers = _parse(_NumbersFile, _read_toml(directory, "number_words.toml"), "number_words.toml")
    crisis = _parse(_CrisisFile, _read_toml(directory, "crisis.toml"), "crisis.toml")
    solicit = _parse(
        _SolicitationFile, _read_toml(directory, "solicitation.toml"), "solicitation.toml"
    )
    _check_solicitation_patterns(solicit)
    allow = _parse(_Allowlist, _read_toml(directory, "allowlist.toml"), "allowlist.toml")
    meetups = _parse(MeetupCues, _read_toml(directory, "meetups.toml"), "meetups.toml")
    try:
        if directory is None:
            words_text = resources.files("offsite.data").joinpath("common_words.txt").read_text("utf-8")
        else:
            words_text = (directory / "common_words.txt").read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"common_words.txt: {exc}") from None
    words = frozenset(
        _fold_accents(line.strip()) for line in words_text.splitlines()
        if line.strip() and line[0] != "#"
    )
    return Lexicon(
        platforms=platforms.platform,
        number_languages=dict(numbers.languages),
        crisis=crisis.resource,
        solicitation_rules=solicit.rule,
        solicitation_placeholders=dict(solicit.placeholders),
        solicitation_gate=frozenset(w for words in solicit.gate.values() for w in words),
        negations=tuple(solicit.negations.get("before", ())),
        public_domains=allow.public_domains,
        bare_domain_suffixes=frozenset(allow.bare_domain_suffixes),
        on_site_mentions=frozenset(allow.on_site_mentions),
        common_words=words,
        meetups=meetups,
    )

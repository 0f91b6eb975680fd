"""The knowledge files in ``offsite/data``: every file loads, every entry is valid, a bad file
is reported with its name and key path, and adding a service is an edit of a data file."""

from __future__ import annotations

import re
import shutil
import unicodedata
from importlib import resources
from pathlib import Path

import pytest

from offsite import Guard, Kind
from offsite.detectors.solicitation import SolicitationDetector, _alternatives
from offsite.lexicon import Lexicon, LexiconError, load_lexicon
from offsite.normalize import NumberReader
from offsite.resources import Resources

DATA_FILES = (
    "platforms.toml", "number_words.toml", "crisis.toml", "solicitation.toml", "allowlist.toml",
    "meetups.toml", "common_words.txt",
)
KEYPAD = {c: str(d) for d, letters in enumerate(["", "", "abc", "def", "ghi", "jkl", "mno", "pqrs", "tuv", "wxyz"])
          for c in letters}


def data_dir() -> Path:
    """The packaged data folder."""
    return Path(str(resources.files("offsite.data")))


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    """The packaged lexicon."""
    return load_lexicon()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the packaged data folder."""
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return target


def edit(folder: Path, name: str, old: str, new: str) -> None:
    """Replace the first ``old`` in a data file (the test fails if it is not there)."""
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- the packaged data ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", DATA_FILES)
def test_data_file_is_packaged(name: str) -> None:
    """Every knowledge file ships with the package."""
    assert (data_dir() / name).is_file()


def test_packaged_data_loads_from_a_folder(data_copy: Path, lex: Lexicon) -> None:
    """Loading a copy of the data folder gives the same lexicon as the packaged default."""
    copy = load_lexicon(data_copy)
    assert copy.platforms == lex.platforms
    assert copy.number_languages == lex.number_languages
    assert copy.crisis == lex.crisis
    assert copy.solicitation_rules == lex.solicitation_rules
    assert copy.common_words == lex.common_words
    assert copy.meetups == lex.meetups


def test_platform_ids_unique_and_enough(lex: Lexicon) -> None:
    """At least 40 services, each with its own id."""
    ids = [p.id for p in lex.platforms]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 40, f"only {len(ids)} platforms"
    for needed in ("instagram", "snapchat", "discord", "whatsapp", "telegram", "kik", "tiktok", "reddit"):
        assert needed in ids


def test_aliases_are_lower_case_and_unique(lex: Lexicon) -> None:
    """Aliases are lower case, trimmed, listed once, and name one service only."""
    owner: dict[str, str] = {}
    for p in lex.platforms:
        assert len(p.aliases) == len(set(p.aliases)), f"{p.id}: an alias is listed twice: {p.aliases}"
        assert set(p.ambiguous) <= set(p.aliases), p.id
        for alias in p.aliases:
            assert alias == alias.strip().lower() and alias, f"{p.id}: {alias!r}"
            assert owner.setdefault(alias, p.id) == p.id, f"{alias!r} names {owner[alias]} and {p.id}"


def test_handle_grammar_compiles(lex: Lexicon) -> None:
    """Every handle grammar is a valid character class with sane lengths."""
    for p in lex.platforms:
        pattern = re.compile(f"[{p.handle.chars}]+")
        assert pattern.fullmatch("a1") or pattern.fullmatch("1") or pattern.fullmatch("a"), p.id
        assert 1 <= p.handle.min <= p.handle.max <= 100, p.id


def test_domains_and_invites_are_lower_case_hosts(lex: Lexicon) -> None:
    """Domains are lower-case host names; invite prefixes start with one."""
    host = re.compile(r"[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?)+")
    for p in lex.platforms:
        for domain in p.domains:
            assert host.fullmatch(domain), f"{p.id}: domain {domain!r}"
        for prefix in p.invites:
            head = re.split(r"[/:]", prefix, maxsplit=1)[0]
            assert host.fullmatch(head) or prefix.endswith(":"), f"{p.id}: invite {prefix!r}"
        for path in p.reserved_paths:
            assert path == path.lower() and "/" not in path, f"{p.id}: reserved path {path!r}"


def test_number_words_map_to_digits(lex: Lexicon) -> None:
    """Every number word is a lower-case word for digits; weak words and multipliers are sound;
    no word means two different numbers in two languages."""
    assert {"en", "es", "pt", "fr", "de", "it"} <= set(lex.number_languages)
    meaning: dict[str, str] = {}
    for code, language in lex.number_languages.items():
        assert language.digits, code
        for word, digits in language.digits.items():
            # (Indic and Thai words carry vowel signs, which are marks rather than letters)
            assert word[0].isalpha() and word == word.lower(), f"{code}: {word!r}"
            assert all(c.isalpha() or unicodedata.category(c)[0] == "M" for c in word), f"{code}: {word!r}"
            assert digits.isdigit(), f"{code}: {word!r} = {digits!r}"
            assert meaning.setdefault(word, digits) == digits, f"{word!r} means {meaning[word]} and {digits}"
        assert set(language.weak) <= set(language.digits), f"{code}: weak words must be number words"
        for word, times in language.multipliers.items():
            assert word.isalpha() and times >= 2, f"{code}: multiplier {word!r} = {times}"
    english = lex.number_languages["en"]
    assert english.digits["oh"] == "0" and english.multipliers["double"] == 2
    assert english.multipliers["triple"] == 3


def test_every_number_word_is_read(lex: Lexicon) -> None:
    """The number reader reads each number word, alone, as its digits."""
    reader = NumberReader.from_lexicon(lex)
    for language in lex.number_languages.values():
        for word, digits in language.digits.items():
            pieces = reader.segment(word)
            assert pieces is not None and "".join(p[0] for p in pieces) == digits, word


def test_crisis_numbers_are_digits(lex: Lexicon) -> None:
    """Crisis numbers are digits; a vanity number ("1800273talk") is digits then letters, and its
    keypad digits are listed too, so both spellings stay allowed."""
    numbers = {n for r in lex.crisis for n in r.numbers}
    for resource in lex.crisis:
        assert resource.numbers or resource.domains, resource.name
        for number in resource.numbers:
            if number.isdigit():
                continue
            match = re.fullmatch(r"(\d+)([a-z]+)", number)
            assert match, f"{resource.name}: {number!r} is neither digits nor a vanity number"
            keypad = match.group(1) + "".join(KEYPAD[c] for c in match.group(2))
            assert keypad in numbers, f"{resource.name}: {number!r} ({keypad}) not listed as digits"
    for well_known in ("988", "741741", "911", "112", "999", "116123", "18002738255"):
        assert well_known in lex.crisis_numbers


def test_crisis_domains_are_lower_case(lex: Lexicon) -> None:
    """Crisis domains are lower-case host names."""
    for domain in lex.crisis_domains:
        assert domain == domain.lower() and "." in domain and " " not in domain, domain


def test_solicitation_rules_compile_after_expansion(lex: Lexicon) -> None:
    """Every rule compiles with its placeholders expanded, and no placeholder is left over."""
    detector = SolicitationDetector(Resources(lex))
    # one compiled rule per top-level alternative of each rule, in order, under the rule's id
    assert [r.id for r in detector.rules] == [
        rule.id for rule in lex.solicitation_rules for _ in _alternatives(rule.pattern)
    ]
    ids = [r.id for r in lex.solicitation_rules]
    assert len(ids) == len(set(ids)), "rule ids must be unique"
    for rule in detector.rules:
        re.compile(rule.source)
        leftover = re.search(r"\{[a-z_]+\}", rule.source)
        assert leftover is None, f"{rule.id}: unexpanded placeholder {leftover.group()}"
    for rule in lex.solicitation_rules:
        # the language of the rule's examples: one with number words, or one of a few scripts
        # whose rules need none
        others = {"ja", "ko", "zh", "ru", "uk", "ar", "vi", "th", "sw", "bn", "fa", "he", "el"}
        assert rule.lang in lex.number_languages or rule.lang in others, f"{rule.id}: unknown language {rule.lang}"
        assert 0 < rule.confidence <= 1


def test_allowlist_entries(lex: Lexicon) -> None:
    """Allow-list entries are lower case; bare-domain suffixes are public suffixes."""
    psl = Resources(lex).psl
    for domain in lex.public_domains:
        assert domain == domain.lower(), domain
    for suffix in lex.bare_domain_suffixes:
        assert psl.is_public(suffix), f"{suffix!r} is not a public suffix"
    for word in lex.on_site_mentions:
        assert word == word.lower() and word.replace("_", "").isalnum(), word  # ("tout_le_monde")
    assert {"everyone", "here"} <= lex.on_site_mentions


def test_common_words(lex: Lexicon) -> None:
    """The common-word list is a large list of lower-case words."""
    assert len(lex.common_words) > 1000
    assert all(w == w.lower() and " " not in w for w in lex.common_words)


@pytest.mark.parametrize("word", ["stories", "servers", "friends", "played", "stopped", "hoping", "running", "studied"])
def test_inflected_common_words_are_known(lex: Lexicon, word: str) -> None:
    """Plurals and regular participles of common words are words ("my insta got blocked")."""
    assert lex.knows_word(word)


@pytest.mark.parametrize("word", ["quietfox", "moonchild", "kaiii", "janed", "jaxx"])
def test_names_are_not_words(lex: Lexicon, word: str) -> None:
    """Made-up names stay unknown (they can be handles)."""
    assert not lex.knows_word(word)


# --- a bad data file -----------------------------------------------------------------------------

BAD_EDITS = [
    pytest.param("platforms.toml", 'aliases = ["snapchat",', 'aliases = ["Snapchat",',
                 ["platforms.toml", "platform.1.aliases"], id="upper-case-alias"),
    pytest.param("platforms.toml", 'chars = "a-z0-9._-" }', 'chars = "a-z0-9._-", colour = 1 }',
                 ["platforms.toml", "platform.1.handle.colour"], id="unknown-key"),
    pytest.param("platforms.toml", 'chars = "a-z0-9._-" }', 'chars = "z-a" }',
                 ["platforms.toml", "platform.1.handle.chars"], id="handle-grammar-not-a-regex"),
    pytest.param("platforms.toml", "min = 3, max = 15", "min = 16, max = 15",
                 ["platforms.toml", "platform.1"], id="handle-min-above-max"),
    pytest.param("platforms.toml", 'id = "snapchat"', 'id = "instagram"',
                 ["platforms.toml", "instagram"], id="duplicate-platform-id"),
    pytest.param("platforms.toml", 'id = "snapchat"', 'id = "Snap Chat"',
                 ["platforms.toml", "platform.1.id"], id="bad-platform-id"),
    pytest.param("number_words.toml", 'five = "5"', 'five = "V"',
                 ["number_words.toml", "languages.en.digits"], id="number-word-not-digits"),
    pytest.param("number_words.toml", "[languages.en]", "[languages.en",
                 ["number_words.toml"], id="toml-syntax"),
    pytest.param("crisis.toml", '"988", ', '"98 8", ',
                 ["crisis.toml", "resource.0.numbers"], id="crisis-number-with-space"),
    pytest.param("solicitation.toml", 'lang = "en"', 'lang = "english"',
                 ["solicitation.toml", "rule.0.lang"], id="rule-language"),
    pytest.param("solicitation.toml", "confidence = 0.9\n", "confidence = 1.5\n",
                 ["solicitation.toml", "rule.0.confidence"], id="rule-confidence"),
    pytest.param("solicitation.toml", 'pattern = "\\\\b(?:what', 'pattern = "(\\\\b(?:what',
                 ["solicitation.toml", "rule.0.pattern"], id="rule-pattern-not-a-regex"),
    pytest.param("meetups.toml", '"\\\\brdv\\\\b",', '"\\\\brdv(\\\\b",',
                 ["meetups.toml", "gathering"], id="meetup-cue-not-a-regex"),
    pytest.param("meetups.toml", "reach = 160", "reach = 5",
                 ["meetups.toml", "reach"], id="meetup-reach-too-small"),
    pytest.param("allowlist.toml", "public_domains = [", "public_domainz = [",
                 ["allowlist.toml", "public_domains"], id="missing-key"),
]


@pytest.mark.parametrize(("name", "old", "new", "mentions"), BAD_EDITS)
def test_bad_file_names_file_and_key(data_copy: Path, name: str, old: str, new: str,
                                     mentions: list[str]) -> None:
    """A bad entry is a LexiconError that names the file and the key path."""
    edit(data_copy, name, old, new)
    with pytest.raises(LexiconError) as caught:
        load_lexicon(data_copy)
    message = str(caught.value)
    for part in mentions:
        assert part in message, f"{part!r} not in error message {message!r}"


@pytest.mark.parametrize("name", DATA_FILES)
def test_missing_file_is_named(data_copy: Path, name: str) -> None:
    """A missing data file is a LexiconError naming it."""
    (data_copy / name).unlink()
    with pytest.raises(LexiconError, match=re.escape(name)):
        load_lexicon(data_copy)


# --- adding a service is an edit of the file -----------------------------------------------------

NEW_SERVICE = """
[[platform]]
id = "zorblat"
name = "Zorblat"
aliases = ["zorblat", "zrblt"]
domains = ["zorblat.app"]
invites = ["zorblat.app/join/"]
reserved_paths = ["help"]
handle = { min = 3, max = 20, chars = "a-z0-9_" }
"""


def test_adding_a_service_is_a_data_edit(data_copy: Path) -> None:
    """A platform appended to platforms.toml is found as a handle, an invite and in requests,
    with no code change; the packaged data does not know it."""
    path = data_copy / "platforms.toml"
    path.write_text(path.read_text(encoding="utf-8") + NEW_SERVICE, encoding="utf-8")
    extended = Guard(lexicon=load_lexicon(data_copy))
    default = Guard()

    handle = "zorblat: jane_d"
    assert [(f.kind, f.platform, f.text) for f in extended.detect(handle).findings] == [
        (Kind.HANDLE, "zorblat", "jane_d")
    ]
    assert not any(f.platform == "zorblat" for f in default.detect(handle).findings)

    invite = "join zorblat.app/join/abc123"
    found = extended.detect(invite).findings
    assert [(f.kind, f.platform) for f in found] == [(Kind.INVITE, "zorblat")]
    assert [f.kind for f in default.detect(invite).findings] != [Kind.INVITE]

    disguised = "z r b l t: jane_d"  # a new alias, spaced
    assert [(f.kind, f.platform) for f in extended.detect(disguised).findings] == [(Kind.HANDLE, "zorblat")]

    request = "do you have zorblat?"
    assert [f.kind for f in extended.detect(request).findings] == [Kind.SOLICITATION]
    assert default.detect(request).findings == ()

"""The two regex helpers of the detectors: prefix-tree alternations (``offsite.wordtrie``) and
the beginnings of a pattern's matches (``offsite.regex_prefixes``), which the solicitation
detector relies on to try its rules only at a few words."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offsite import Guard
from offsite.regex_prefixes import beginnings
from offsite.wordtrie import trie_alternation

_WORDS = st.lists(st.text(alphabet="ab .", min_size=1, max_size=4), min_size=1, max_size=6)


def _flat(words: list[str]) -> str:
    return "(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) + ")"


@settings(max_examples=300, deadline=None)
@given(words=_WORDS, text=st.text(alphabet="ab .", max_size=8), tail=st.sampled_from(["", "b", "a"]))
def test_a_prefix_tree_matches_what_the_longest_first_alternation_matches(
    words: list[str], text: str, tail: str
) -> None:
    tree, flat = trie_alternation(words) + re.escape(tail), _flat(words) + re.escape(tail)
    for pos in range(len(text) + 1):
        a, b = re.match(tree, text[pos:]), re.match(flat, text[pos:])
        assert (a and a.group()) == (b and b.group())


@pytest.mark.parametrize(("words", "pattern"), [
    (["five", "four", "fourteen"], "(?:f(?:ive|our(?:teen)?))"),
    (["snap"], "(?:snap)"),
    ([], "(?!)"),
])
def test_prefix_tree_shapes(words: list[str], pattern: str) -> None:
    assert trie_alternation(words) == pattern


@pytest.mark.parametrize(("pattern", "pairs", "singles"), [
    (r"\b(?:what|wats)\s+your", {"wh", "wa"}, set()),
    (r"\b(?:do|d)\s*(?:you|u)\b", {"do"}, {"d"}),  # "d" then spaces: any "d..." word
    (r"\bmy\s+(?:number|email)", {"my"}, set()),
    (r"\b(?:add|text)\s+me|\bhmu\b", {"ad", "te", "hm"}, set()),
])
def test_beginnings_of_patterns(pattern: str, pairs: set[str], singles: set[str]) -> None:
    found = beginnings(pattern)
    assert found is not None
    assert set(found.pairs) >= pairs and set(found.singles) >= singles


@pytest.mark.parametrize("pattern", [
    r"(?:^|[.!]\s*)\W*snap\s*\?",  # may begin with punctuation or anywhere
    r"my number",  # no \b first: may begin inside a word
    r"\b\w+@",  # any word
    r"\b(?:add|[^x]y)",  # a negated class
    r"(unclosed",  # not a pattern at all
])
def test_no_beginnings_when_they_cannot_be_worked_out(pattern: str) -> None:
    assert beginnings(pattern) is None


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="adhmostuwy '?.", max_size=30))
def test_a_match_only_starts_where_its_beginnings_admit(text: str) -> None:
    pattern = r"\b(?:do|d)\s*(?:you|u)\s+(?:have|got)|\bwhat(?:'s|s)?\s+(?:your|ur)|\bhmu\b"
    found = beginnings(pattern)
    assert found is not None
    for match in re.finditer(pattern, text):
        assert found.admits(text, match.start())


def test_every_solicitation_rule_is_tried_at_word_starts_only_but_a_few() -> None:
    detector = next(d for d in Guard().detection.detectors if d.name == "solicitation")
    unanchored = sorted({r.id for r in detector.rules if r.beginnings is None})  # type: ignore[attr-defined]
    # alternatives of ask.platform_question and ask.reach_you_elsewhere begin with punctuation or a
    # bare "#", those of the others with letters outside a-z (Japanese, Chinese, Korean and Thai
    # write no spaces between words; offer.find_me_as_intl and one alternative of
    # offer.message_or_move_more_intl, "インスタのDMで話さない", begin with a platform's name, written
    # in any script): searched through the sentence
    assert unanchored == ["ask.have_or_add_more_intl", "ask.platform_question", "ask.platform_ru_ar",
                          "ask.reach_you_elsewhere", "offer.elsewhere_ar", "offer.elsewhere_cjk",
                          "offer.elsewhere_ja_ko", "offer.elsewhere_other_scripts", "offer.elsewhere_ru_uk",
                          "offer.find_me_as_intl", "offer.keep_in_touch_or_meet_intl",
                          "offer.message_or_move_more_intl", "offer.move_or_meet_more_intl",
                          "offer.same_name_as_here_more_intl"]

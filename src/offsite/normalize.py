"""Normalised views of a text, each with an offset map back to the original.

Detectors match on a :class:`View` and report spans through :meth:`View.to_original`, so a
finding always covers exactly what the person typed, whatever was folded on the way:

* ``norm``: Unicode compatibility folding (fullwidth, circled and emoji digits, mathematical
  letters), accents stripped, zero-width and bidi controls dropped, confusable look-alikes
  (Cyrillic, Greek ...) folded to Latin, lower case;
* ``joined``: ``norm`` with spaced or dotted single letters joined ("s n a p" -> "snap");
* ``alpha``: ``joined`` with leetspeak read as letters inside words ("d!sc0rd" -> "discord");
* ``digits``: ``joined`` with number words read as digits ("five five oh" -> "550").
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from importlib import resources

from offsite.lexicon import Lexicon
from offsite.lru import BoundedMemo
from offsite.prefilter import RegexPrefilter
from offsite.wordtrie import trie_alternation

# The vowel signs and other combining marks of the Indic scripts and Thai: not word characters
# for ``re`` ("पाँच" would be two words), but inside words all the same.
WORD_MARKS = "".join(
    re.escape(chr(c)) for c in range(0x0900, 0x0E80) if unicodedata.category(chr(c)) in ("Mn", "Mc", "Me")
)

# Characters that carry no visible letter: zero-width, bidi controls, variation selectors,
# the combining keycap, tag characters and soft hyphen.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u20e3\u3164\ufe00-\ufe0f\ufeff\uffa0]|[\U000e0000-\U000e0fff]"
)

_EMOJI_EXTRA = {"\U0001f51f": "10", "\u2295": "o", "\u2299": "o", "\u24ea": "0"}
# negative circled and negative squared letters ("🅢🅝🅐🅟", "🅂" folds by NFKC already)
_EMOJI_EXTRA.update({chr(base + i): chr(ord("a") + i) for base in (0x1F150, 0x1F170) for i in range(26)})
# the Arabic and the ideographic comma are commas ("صفر خمسة، اثنين", "ゼロ、イチ")
_EMOJI_EXTRA.update({"\u060c": ",", "\u3001": ","})


@cache
def _confusable_map() -> dict[str, str]:
    """Non-ASCII look-alikes of ASCII letters and digits, from Unicode TR39 confusables data
    (shipped by the ``confusable_homoglyphs`` package)."""
    raw = (
        resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    )
    data: dict[str, list[dict[str, str]]] = json.loads(raw)
    table: dict[str, str] = {}
    # Letters win over digits for the same glyph ("О" -> "o", not "0"): number reading treats
    # "o" as zero where digits surround it.
    for prefer_letters in (True, False):
        for key, glyphs in data.items():
            if len(key) == 1 and key.isascii() and key.isalnum():
                if key.isalpha() != prefer_letters:
                    continue
                for glyph in glyphs:
                    char = glyph["c"]
                    if len(char) == 1 and not char.isascii():
                        table.setdefault(char, key.lower())
            elif len(key) == 1 and not key.isascii():
                for glyph in glyphs:
                    char = glyph["c"]
                    if len(char) == 1 and char.isascii() and char.isalnum():
                        if char.isalpha() == prefer_letters:
                            table.setdefault(key, char.lower())
    return table


# Hangul syllables, hiragana, katakana (and its phonetic extensions and half-width forms), and
# the scripts whose vowel signs are marks of their own (Devanagari, Bengali, Thai): dropped as
# accents, "ไอดี" would be "ไอด" and "डॉट" "डट"
_SYLLABIC = re.compile("[\uac00-\ud7a3\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9d\u0900-\u09ff\u0e00-\u0e7f]")


@cache
def fold_char(char: str) -> str:
    """The normalised form of one character ('' when it is invisible)."""
    if _INVISIBLE.match(char):
        return ""
    if char in _EMOJI_EXTRA:
        return _EMOJI_EXTRA[char]
    category = unicodedata.category(char)
    if (category == "Mn" or category == "Me") and not _SYLLABIC.match(char):
        return ""
    if category == "Nd" or category == "No":
        value = unicodedata.digit(char, None)
        if value is not None:
            return str(value)
    name = unicodedata.name(char, "")
    if "LATIN" in name and " LETTER " in name and not char.isascii():
        letter = name.rsplit(" ", 1)[-1]
        if len(letter) == 1 and letter.isalpha() and unicodedata.normalize("NFKD", char).isascii() is False:
            return letter.lower()
    if name.startswith("REGIONAL INDICATOR SYMBOL LETTER "):
        return name[-1].lower()
    if _SYLLABIC.match(char):
        # stay whole (decomposed, "카톡" would be jamo and "ゼロ" would lose its voicing mark:
        # neither would read as the word it is); half-width kana widen
        return unicodedata.normalize("NFKC", char)
    decomposed = unicodedata.normalize("NFKD", char)
    out = []
    for part in decomposed:
        if unicodedata.category(part) == "Mn":
            continue
        folded = part.casefold()
        if len(folded) == 1 and not folded.isascii():
            folded = _confusable_map().get(folded, _confusable_map().get(part, folded))
        out.append(folded)
    result = "".join(out)
    if result in {"\u3000"}:
        return " "
    return result


@dataclass(frozen=True, slots=True)
class View:
    """A normalised text and, per character, the original span it came from.

    ``starts``/``ends`` are ``None`` for the identity map (the common ASCII case).
    """

    name: str
    text: str
    starts: list[int] | None = None
    ends: list[int] | None = None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of this view to the span of the original text it came from."""
        if self.starts is None or self.ends is None:
            return start, end
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else (self.ends[-1] if self.ends else 0)
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    def rewrite(self, name: str, edits: Iterable[tuple[int, int, str]]) -> View:
        """A new view where each ``(start, end, replacement)`` edit (sorted, not overlapping)
        replaces that span; every replacement character maps to the whole replaced span."""
        edits = list(edits)
        if not edits:
            return View(name, self.text, self.starts, self.ends)
        src_starts = self.starts
        src_ends = self.ends
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        pos = 0
        text = self.text
        for start, end, replacement in edits:
            pieces.append(text[pos:start])
            if src_starts is None or src_ends is None:
                starts.extend(range(pos, start))
                ends.extend(range(pos + 1, start + 1))
                orig_start, orig_end = start, end
            else:
                starts.extend(src_starts[pos:start])
                ends.extend(src_ends[pos:start])
                orig_start, orig_end = self.to_original(start, end)
            pieces.append(replacement)
            starts.extend([orig_start] * len(replacement))
            ends.extend([orig_end] * len(replacement))
            pos = end
        pieces.append(text[pos:])
        if src_starts is None or src_ends is None:
            starts.extend(range(pos, len(text)))
            ends.extend(range(pos + 1, len(text) + 1))
        else:
            starts.extend(src_starts[pos:])
            ends.extend(src_ends[pos:])
        return View(name, "".join(pieces), starts, ends)


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_ASCII_LOWER = {ord(c): c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


# A whole word in Cyrillic or Greek letters (no Latin letter or digit glued to it).
_FOREIGN_WORD = re.compile(r"(?<![^\W_])[\u0370-\u03ff\u0400-\u04ff\u0500-\u052f]+(?![^\W_])")


def _genuine_words(text: str) -> list[tuple[int, int]]:
    """Spans of words written wholly in Cyrillic or Greek with a letter that looks like no Latin
    letter ("бесплатно", "телефон"): real words of those languages, left unfolded so that "б"
    is not read as "6". A word whose every letter has a Latin look-alike ("ѕпар") is a disguise
    and is folded."""
    spans = []
    for match in _FOREIGN_WORD.finditer(text):
        if any(not fold_char(c).isascii() for c in match.group()):
            spans.append((match.start(), match.end()))
    return spans


def normalize(text: str) -> View:
    """The ``norm`` view of ``text``."""
    if text.isascii():
        return View("norm", text.lower())
    view = _fold(text)
    genuine = _genuine_words(text) if _FOREIGN_WORD.search(text) is not None else []
    if not genuine:
        return view
    if view.starts is None:
        chars = list(view.text)
        for start, end in genuine:
            chars[start:end] = text[start:end].lower()
        return View("norm", "".join(chars))
    # keep each genuine word's characters as typed (lower case), one for one
    edits = []
    for start, end in genuine:
        a = bisect.bisect_left(view.starts, start)
        b = bisect.bisect_left(view.starts, end)
        edits.append((a, b, text[start:end].lower()))
    return _restore(view, edits, genuine)


def _restore(view: View, edits: list[tuple[int, int, str]], spans: list[tuple[int, int]]) -> View:
    """``view`` with each edited range replaced by the original characters of its span."""
    assert view.starts is not None and view.ends is not None
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for (a, b, replacement), (start, _) in zip(edits, spans, strict=True):
        pieces.append(view.text[pos:a])
        starts.extend(view.starts[pos:a])
        ends.extend(view.ends[pos:a])
        pieces.append(replacement)
        starts.extend(range(start, start + len(replacement)))
        ends.extend(range(start + 1, start + len(replacement) + 1))
        pos = b
    pieces.append(view.text[pos:])
    starts.extend(view.starts[pos:])
    ends.extend(view.ends[pos:])
    return View("norm", "".join(pieces), starts, ends)


def _fold(text: str) -> View:
    """Fold every character of a non-ASCII ``text`` (homoglyphs, accents, widths, digits)."""
    # Most texts fold character for character (homoglyphs, accents, fullwidth forms): one
    # translation of the whole text then, and the offset map stays the identity.
    table: dict[int, str] = dict(_ASCII_LOWER)
    for char in set(text):
        if char > "\x7f":
            folded_char = fold_char(char)
            if len(folded_char) != 1:
                break
            table[ord(char)] = folded_char
    else:
        return View("norm", text.translate(table))
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    # ASCII stretches are copied in bulk; runs of other characters are folded with one cached
    # call per character, and mapped in bulk when every character folds to exactly one.
    for match in _NON_ASCII.finditer(text):
        index, stop = match.start(), match.end()
        if index > pos:
            pieces.append(text[pos:index].lower())
            starts.extend(range(pos, index))
            ends.extend(range(pos + 1, index + 1))
        folded = list(map(fold_char, match.group()))
        if all(len(f) == 1 for f in folded):
            pieces.append("".join(folded))
            starts.extend(range(index, stop))
            ends.extend(range(index + 1, stop + 1))
        else:
            for offset, piece in enumerate(folded):
                if piece:
                    pieces.append(piece)
                    starts.extend([index + offset] * len(piece))
                    ends.extend([index + offset + 1] * len(piece))
        pos = stop
    if pos < len(text):
        pieces.append(text[pos:].lower())
        starts.extend(range(pos, len(text)))
        ends.extend(range(pos + 1, len(text) + 1))
    return View("norm", "".join(pieces), starts, ends)


# Runs of three or more single letters/digits separated by a space, dot, dash, underscore or
# star: "s n a p", "i.n.s.t.a", "w i l l h o l d 1 1".
SPACED_LETTERS = re.compile(
    # single characters (with "_", "." and "@" among them) set apart by one same symbol, at least
    # four: "s/a/l/t/w/a/t/e/r/_/j/o", "g-r-e-t-a-.-l-o-w-e-@-y-a-h-o-o", "h🌸a🌸z🌸e🌸l"
    r"(?<![\w.@])[a-z0-9_.@](?P<sep>[^\w\s.@])[a-z0-9_.@](?:(?P=sep)[a-z0-9_.@]){2,}(?![\w@])"
    # words of spaced letters set apart by two spaces or more: "d m  m e  o n  i g" -> "dm me on ig"
    r"|(?<![a-z0-9])[a-z0-9](?: [a-z0-9])+(?: {2,4}[a-z0-9](?: [a-z0-9])+)+(?![a-z0-9])"
    r"|(?<![a-z0-9])[a-z0-9](?:(?:[ .\-_*]| [.\-_*] |[.\-_*] | [.\-_*]|\.\.|\.\.\.)[a-z0-9](?![a-z0-9])){2,}"
    r"|(?<![a-z0-9.])[a-z]\.[a-z]\.(?![a-z0-9])"  # dotted pairs: "s.c.", "i.g.", "f.b."
)
#: what may stand between spaced-out letters ("s n a p", "i.n.s.t.a", "d-i-s-c")
SPACED_SEPARATOR = re.compile(r"[ .\-_*]")
_SPACED_DOT = re.compile(r" +\. +")
_WORD_GAP = re.compile(" {2,}")
_SPACED_DASH = re.compile(r" +- +")


# Text typed one character (or a short piece) per line, four lines or more: "s\nn\na\np",
# "5\n5\n5\n0\n1\n9\n2"; and a line holding only "@", "." or "_" between two words
# ("tears_in_rain\n@\nicloud\n.\ncom").
_STACKED = re.compile(r"(?:(?<=\n)|^)[^\n]{1,4}(?:\n{1,2}[^\n]{1,4}){3,}(?=\n|$)")
_LONE_SYMBOL_LINE = re.compile(r"(?<=\S)[ \t]*\n[ \t]*[@._][ \t]*\n[ \t]*(?=\S)")


def _unstacked(text: str) -> str:
    """``text`` with the line breaks of stacked short lines read as spaces (a blank line as a
    word gap), same length."""
    if "\n" not in text:
        return text
    pieces = []
    pos = 0
    for match in _STACKED.finditer(text):
        pieces.append(text[pos : match.start()])
        pieces.append(match.group().replace("\n", " "))
        pos = match.end()
    pieces.append(text[pos:])
    joined = "".join(pieces)
    return _LONE_SYMBOL_LINE.sub(lambda m: m.group().replace("\n", " "), joined)


def join_spaced_letters(view: View, prefilter: RegexPrefilter | None = None) -> View:
    """Join spaced or dotted single characters into words (stacked one a line too). ``prefilter``
    (of :data:`SPACED_LETTERS`) spares the search where no spaced run can be."""
    unstacked = _unstacked(view.text)
    if unstacked is not view.text:
        view = View(view.name, unstacked, view.starts, view.ends)  # same length: same offsets
    if len(view.text) < 5 or (prefilter is not None and not prefilter.candidates(view.text)):
        return View("joined", view.text, view.starts, view.ends)
    edits = []
    for match in SPACED_LETTERS.finditer(view.text):
        separator = match.group("sep")
        if separator is not None:  # every other character is the separator
            edits.append((match.start(), match.end(), match.group()[::2]))
            continue
        if "  " in match.group():  # words of spaced letters: one space between the words
            edits.append((match.start(), match.end(),
                          _WORD_GAP.sub("\x00", match.group()).replace(" ", "").replace("\x00", " ")))
            continue
        # " . " between spaced letters is a real dot ("g m a i l . c o m" -> "gmail.com")
        # and a spaced dash separates two words ("S N A P C H A T - m a r c o 1 1")
        joined = SPACED_SEPARATOR.sub("", _SPACED_DASH.sub("\x01", _SPACED_DOT.sub("\x00", match.group())))
        joined = joined.replace("\x00", ".").replace("\x01", " - ")
        edits.append((match.start(), match.end(), joined))
    return view.rewrite("joined", edits)


_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "$": "s",
                       "!": "i", "|": "l", "@": "a", "€": "e", "8": "b", "9": "g"})
# A word with at least one letter and at least one leet character inside it.
_LEET_WORD = re.compile(r"(?<![a-z0-9$!|@])[a-z0-9$!|@€]*[a-z][a-z0-9$!|@€]*(?![a-z0-9$!|@])")
_LEET_CHARS = re.compile(r"[0-9$!|@€]")
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789$!|@€")
_LETTER = re.compile(r"[^\W\d_]")


_SHORT_LEET_WORDS = frozenset({"do", "to", "so", "no", "go", "yo", "ur", "ig", "sc", "fb", "wa", "dc", "tg", "dm"})


def read_leetspeak(view: View) -> View:
    """Read leetspeak inside words (same length as ``view``, so offsets are unchanged)."""
    text = view.text
    if not _LEET_CHARS.search(text):
        return View("alpha", text, view.starts, view.ends)
    out = list(text)
    done = 0
    # Visit only the words around a leet character, not every word of the text; never scan back
    # past the last place visited, so a long run of digits stays linear.
    for leet in _LEET_CHARS.finditer(text):
        if leet.start() < done:
            continue
        start = leet.start()
        while start > done and text[start - 1] in _WORD_CHARS:
            start -= 1
        match = _LEET_WORD.match(text, start)
        if match is None or match.end() <= leet.start():
            done = leet.end()
            continue
        done = match.end()
        word = match.group()
        converted = _leet_reading(word)
        if converted is not None:
            out[match.start() : match.start() + len(converted)] = converted
    return View("alpha", "".join(out), view.starts, view.ends)


@lru_cache(maxsize=4096)  # a pure function of the word: chat (and adversarial text) repeats words
def _leet_reading(word: str) -> str | None:
    """A word with leet characters read as letters, or None where it stays as typed. A trailing
    "!" is punctuation ("tiktok!"); "@jane" stays a mention and "b4" or "2day" stay as typed:
    only words that are mostly letters are read ("1nsta", "d!scord", "sn4pch4t", "1n5t4")."""
    word = word.rstrip("!")
    if len(word) < 2 or word.startswith("@") or word.isdigit():
        return None
    letters = len(_LETTER.findall(word))
    if letters * 2 < len(word) - 1:
        return None
    converted = word.translate(_LEET)
    if letters == 1 and converted not in _SHORT_LEET_WORDS:
        return None  # "b4", "m8": keep; "d0" -> "do", "1g" -> "ig"
    return converted


@dataclass(frozen=True)
class NumberReader:
    """Reads number words (in several languages) as digits."""

    words: dict[str, str]
    weak: frozenset[str]
    multipliers: dict[str, int]
    max_word: int
    #: first two letters of every number and multiplier word (a cheap pre-check)
    prefixes: frozenset[str]
    #: the weak words of the languages whose numbers are spelled in weak words alone
    #: (``weak_in_runs``): three of them in a row may be a number
    run_words: frozenset[str] = frozenset()

    @cached_property
    def led_by_digit(self) -> dict[str, str]:
        """Number words with their first letter typed as their own digit ("5ive" -> "five",
        "4our" -> "four"), for words of four letters or more."""
        return {digits + word[1:]: word for word, digits in self.words.items()
                if len(digits) == 1 and len(word) >= 4 and word.isalpha() and word not in self.weak}

    @cached_property
    def candidate_runs(self) -> re.Pattern[str]:
        """Alphanumeric runs that may hold a number: digits first, or the first two letters of a
        number word, or a one-letter number word ("o", "l") first. Other runs are skipped."""
        starts = [*self.prefixes, *(w for w in self.words if len(w) == 1)]
        # Chinese and Korean glue digits to the words around them ("微信号是五五五零一二三加我"):
        # three digit characters in a row are a run of their own wherever they stand. (Not the
        # kana ones: に, し, ご, く are particles and syllables inside kana words; a kana number
        # is read when it stands apart.)
        # Thai writes its number words (several letters each) glued the same way.
        glued = [w for w in self.run_words if not w.isascii() and not "\u3040" <= w[0] <= "\u30ff"]
        singles = "".join(sorted(w for w in glued if len(w) == 1))
        longer = [w for w in glued if len(w) > 1]
        pieces = [*([f"[{re.escape(singles)}]"] if singles else []), *([trie_alternation(longer)] if longer else [])]
        inside = f"(?:{'|'.join(pieces)}){{3,}}|" if pieces else ""
        # (letters of any script with their vowel signs: Russian, Arabic, Hindi number words too)
        return re.compile(inside + rf"(?<![^\W_])(?<![{WORD_MARKS}])(?=\d|" + trie_alternation(starts)
                          + rf")[^\W_]+(?:[{WORD_MARKS}]+[^\W_]*)*")

    @classmethod
    def from_lexicon(cls, lexicon: Lexicon) -> NumberReader:
        """Merge every language of the lexicon."""
        words: dict[str, str] = {}
        weak: set[str] = set()
        run_words: set[str] = set()
        multipliers: dict[str, int] = {}
        for language in lexicon.number_languages.values():
            for word, digits in (*language.digits.items(), *language.compounds().items()):
                words.setdefault(word, digits)
            weak.update(language.weak)
            if language.weak_in_runs:
                run_words.update(language.weak)
            multipliers.update(language.multipliers)
        prefixes = frozenset(w[:2] for w in (*words, *multipliers))
        return cls(words, frozenset(weak), multipliers, max(len(w) for w in words), prefixes,
                   frozenset(run_words))

    def glued_digits(self, word: str) -> str:
        """The digits spelled by the runs of number words inside ``word``, as Chinese and Korean
        glue them to each other and to the words around them ("是五五五零一二三加我" -> "5550123",
        "공일공" -> "010"); "" when there are none."""
        return "".join(piece[0] for run in self.candidate_runs.finditer(word)
                       for piece in self.segment(run.group()) or ())

    def segment(self, run: str) -> list[tuple[str, bool]] | None:
        """Split an alphanumeric run into (digits, is_weak) pieces, or None if it is not made
        only of number words and digits."""
        if len(run) > 120 or _LAUGHTER.fullmatch(run) is not None:
            return None  # "lol", "lool", "lolol" are laughter, never "101"
        return self._segments(run)

    @cached_property
    def _segments(self) -> BoundedMemo[str, list[tuple[str, bool]] | None]:
        return BoundedMemo(self._segment, 4096)  # bounded: the same few thousand words recur in chat

    def read_run(self, run: str) -> tuple[str | None, bool, int]:
        """What an alphanumeric run of letters reads as: (digits or None, only weak words,
        multiplier) — ("52", False, 0) for "fiftytwo", (None, False, 2) for "double", (None,
        False, 0) for a word that is no number. Remembered, as chat repeats its words."""
        return self._readings(run)

    @cached_property
    def _readings(self) -> BoundedMemo[str, tuple[str | None, bool, int]]:
        return BoundedMemo(self._reading, 4096)

    def _reading(self, run: str) -> tuple[str | None, bool, int]:
        if not run[0].isdigit() and run[:2] not in self.prefixes and run[0] not in self.words:
            return None, False, 0  # cannot start with a number word: no segmentation
        mult = self.multipliers.get(run, 0)
        if mult:
            return None, False, mult
        pieces = self.segment(run)
        if pieces is None:
            return None, False, 0
        # Glued without spaces, as Chinese, Japanese and Korean write digits ("五五五零一二三",
        # "공일공"), three words or more make a number whatever each alone could mean (in Latin
        # letters, glued weak words stay weak: "lolo", "ohoh" are no numbers).
        weak = all(p[1] for p in pieces) and (len(pieces) < 3 or run.isascii())
        return _glued_tens("".join(p[0] for p in pieces), pieces), weak, 0

    def _segment(self, run: str) -> list[tuple[str, bool]] | None:
        n = len(run)
        # best[i] = pieces for run[:i]; prefer fewer pieces (longest words).
        best: list[list[tuple[str, bool]] | None] = [None] * (n + 1)
        best[0] = []
        for i in range(n):
            current = best[i]
            if current is None:
                continue
            if run[i].isdigit():
                j = i
                while j < n and run[j].isdigit():
                    j += 1
                cand = [*current, (run[i:j], False)]
                if best[j] is None or len(cand) < len(best[j] or []):
                    best[j] = cand
                continue
            for j in range(i + 1, min(n, i + self.max_word) + 1):
                if j - i == 1 and n > 5 and run[i] == "l" and "o" not in run:
                    continue  # "l" for one only on its own ("5 5 5 O l 9"), never inside "99l999"
                digits = self.words.get(run[i:j])
                if digits is not None:
                    cand = [*current, (digits, run[i:j] in self.weak)]
                    if best[j] is None or len(cand) < len(best[j] or []):
                        best[j] = cand
        return best[n]


_RUN = re.compile(rf"[^\W_]+(?:[{WORD_MARKS}]+[^\W_]*)*")  # a word of any script
# The words that join tens and a unit ("cincuenta y dos", "trinta e quatro", "trente et un"), and
# everything that may ("thirty four", "trente-quatre")
_TENS_CONJUNCTIONS = frozenset({" y ", " e ", " et ", "-et-"})
_TENS_LINKS = frozenset({" ", "-", ""}) | _TENS_CONJUNCTIONS


def _glued_tens(digits: str, pieces: list[tuple[str, bool]]) -> str:
    """Digits of a glued run with tens followed by a unit read as one number ("trentadue" ->
    "32", "twentyfive" -> "25"), not side by side ("302"); hundreds likewise ("quattrocentododici"
    -> "412", "zweihundertvierunddreissig" -> "234")."""
    if len(pieces) < 2:
        return digits
    out: list[str] = []
    for value, _ in pieces:
        combined = _combined(out[-1], value) if out else None
        if combined is not None:
            out[-1] = combined
        else:
            out.append(value)
    return "".join(out)


def _open_number(digits: str) -> bool:
    """True for tens or hundreds that a following word completes ("30", "400", "230"; not "10")."""
    return len(digits) in (2, 3) and digits.endswith("0") and digits != "10"


def _combined(previous: str, value: str) -> str | None:
    """``previous`` and ``value`` read as one number when ``previous`` is tens or hundreds still
    open for what follows ("30" + "4" -> "34", "400" + "12" -> "412", "230" + "4" -> "234"), else
    None."""
    if not _open_number(previous) or value == "0" or not value.isdigit():
        return None
    if previous.endswith("00") and len(previous) == 3 and len(value) <= 2:
        return previous[0] + value.zfill(2)
    if len(value) == 1 and (len(previous) == 2 or previous[1] != "0"):
        return previous[:-1] + value
    return None


def _tens_and(token: tuple[int, int, str | None, bool, int], between: str) -> bool:
    """True when ``between`` is the "y"/"e"/"et" joining a tens or hundreds word to what follows
    ("cincuenta y dos", "novecentos e dezanove", "trente et un", "trente-et-un")."""
    digits = token[2]
    return between in _TENS_CONJUNCTIONS and digits is not None and _open_number(digits)

_LAUGHTER = re.compile(r"l(?:o+l)+")
_NUM_SEP = re.compile(r"[\s.,\-/()\[\]*_~+|:;]{0,4}\Z")


# A token with a digit next to a letter ("zer0", "5ive", "3am"): maybe a number word in disguise.
_MIXED_TOKEN = re.compile(r"(?<![a-z0-9])[a-z0-9]*(?:\d[a-z]|[a-z]\d)[a-z0-9]*")
_DIGITS_WITH_I = re.compile(r"[0-9ilo]+")
_LEET_DIGITS = {ord(d): _LEET[ord(d)] for d in "013457"}  # the digits that stand for letters of number words


def _undisguise_number_words(text: str, reader: NumberReader) -> str:
    """``text`` with number words typed with digits for letters written as the words, same
    length: leetspeak ("zer0", "n1ne", "s3ven"), a digit leading the rest of its own word
    ("5ive", "4our") and "i" for 1 among digits ("4i5"). Tokens that read as no number word are
    left as typed ("3am", "b4")."""
    out: list[str] | None = None
    for match in _MIXED_TOKEN.finditer(text):
        token = match.group()
        word = token.translate(_LEET_DIGITS)
        if word not in reader.words or word in reader.weak:
            word = reader.led_by_digit.get(token, "")
        if not word and "i" in token and _DIGITS_WITH_I.fullmatch(token) is not None \
                and sum(c.isdigit() for c in token) >= 2:
            word = token.replace("i", "1")  # "4i5-8o2-33i7": a capital I typed for 1 among digits
        if word:
            if out is None:
                out = list(text)
            out[match.start() : match.end()] = word
    return text if out is None else "".join(out)


def _mixed_readings(token: str, reader: NumberReader) -> Iterator[list[tuple[str, bool]]]:
    """The number-word pieces a token mixing letters and digits reads as: as typed ("5five5"),
    in leetspeak ("zer0") and led by its own digit ("5ive"); none for "3am", "mp3" or "b4"."""
    for reading in (token, token.translate(_LEET_DIGITS), reader.led_by_digit.get(token, "")):
        pieces = reader.segment(reading) if reading else None
        if pieces is not None:
            yield pieces


def has_mixed_number(text: str, reader: NumberReader) -> bool:
    """True when a token mixing letters and digits reads as number words and digits ("zer0",
    "5five5", "o1o2", "4i5"): the ``digits`` view then differs from the text. "3am", "mp3" and
    "b4" read as nothing."""
    for match in _MIXED_TOKEN.finditer(text):
        token = match.group()
        if _DIGITS_WITH_I.fullmatch(token) is not None or next(_mixed_readings(token, reader), None) is not None:
            return True
    return False


def glued_word_digits(text: str, reader: NumberReader) -> int:
    """How many more digits than are typed the tokens mixing letters and digits spell once
    their number words are read ("5five5": one more, "o1nine8": two, "3am": none); an upper
    bound over the readings of :func:`_mixed_readings`."""
    extra = 0
    for match in _MIXED_TOKEN.finditer(text):
        token = match.group()
        typed = sum(c.isdigit() for c in token)
        spelled = max((sum(len(piece[0]) for piece in pieces) for pieces in _mixed_readings(token, reader)),
                      default=typed)
        extra += max(spelled, typed) - typed
    return extra


# "from 1850 to 1620": a range, whose "to" is no "two"
_RANGE_FROM = re.compile(r"\bfrom[ \t]+\d{2,6}[ \t]+\Z")


def read_number_words(view: View, reader: NumberReader) -> View:
    """Replace number words with digits ("FOUR ONE FIVE" -> "4 1 5", "1three4" -> "134"),
    number words in leetspeak too ("zer0 n1ne" -> "0 9")."""
    text = _undisguise_number_words(view.text, reader)
    if text is not view.text:
        view = View(view.name, text, view.starts, view.ends)  # same length: same offsets
    tokens: list[tuple[int, int, str | None, bool, int]] = []  # start, end, digits, weak, mult
    last_end = 0
    for match in reader.candidate_runs.finditer(text):
        if tokens and _RUN.search(text, last_end, match.start()) is not None \
                and not _tens_and(tokens[-1], text[last_end : match.start()]):
            # other words between: they break clusters and multipliers, as a non-number token
            tokens.append((last_end, last_end, None, False, 0))
        last_end = match.end()
        run = match.group()
        if run.isdigit():
            tokens.append((match.start(), last_end, run, False, 0))
        else:
            tokens.append((match.start(), last_end, *reader.read_run(run)))
    if not tokens:
        return View("digits", text, view.starts, view.ends)

    # Weak words ("o", "oh", "un", "tre") count only inside a cluster of number tokens that holds a
    # plain digit or a strong number word, or at least three number words ("tre tre tre uno").
    cluster_ok = [False] * len(tokens)
    i = 0
    while i < len(tokens):
        if tokens[i][2] is None:
            i += 1
            continue
        j = i
        while (j + 1 < len(tokens) and tokens[j + 1][2] is not None
               and (_NUM_SEP.match(text[tokens[j][1] : tokens[j + 1][0]])
                    or _tens_and(tokens[j], text[tokens[j][1] : tokens[j + 1][0]]))):
            j += 1
        members = tokens[i : j + 1]
        strong = any(not t[3] and len(t[2] or "") <= 4 for t in members)
        ok = strong or len(members) >= 3
        for k in range(i, j + 1):
            cluster_ok[k] = ok
        i = j + 1

    edits: list[tuple[int, int, str]] = []
    pending_mult = 0
    mult_start = -1
    for index, (start, end, tok_digits, weak, mult) in enumerate(tokens):
        if mult:
            pending_mult, mult_start = mult, start
            continue
        if tok_digits is None:
            pending_mult = 0
            continue
        if weak and (not cluster_ok[index] or (
                text[start:end] == "to" and _RANGE_FROM.search(text, max(0, start - 16), start) is not None)):
            pending_mult = 0
            continue
        previous = edits[-1] if edits else None
        # only tens, hundreds and "quatre" combine with what follows (a cheap test first: a
        # long run of number words must not pay for two slices and a call per word)
        open_previous = previous is not None and previous[2][-1:] in ("0", "4")
        french = _french_compound(text, previous, start, end, tok_digits) if open_previous else None
        if french is not None:
            edits[-1] = french
        elif pending_mult and len(tok_digits) == 1:
            edits.append((mult_start, end, tok_digits * pending_mult))
        elif (
            tok_digits == "100" and previous is not None and len(previous[2]) == 1 and previous[2] != "0"
            and previous[1] == start - 1 and text[previous[1]] == " " and not text[start:end].isdigit()
        ):
            # "beş yüz" (Turkish writes hundreds as two words) -> "500", open for "elli beş"
            edits[-1] = (previous[0], end, previous[2] + "00")
        elif (
            open_previous and previous is not None and text[previous[1] : start] in _TENS_LINKS
            and not text[start:end].isdigit()
            and (joined := _combined(previous[2], tok_digits)) is not None
        ):
            # "thirty four" / "trente-quatre" -> "34", "novecentos e dezanove" -> "919"
            edits[-1] = (previous[0], end, joined)
        elif text[start:end] != tok_digits:
            edits.append((start, end, tok_digits))
        pending_mult = 0
    return view.rewrite("digits", edits)


_FRENCH_LINK = frozenset({"-", " ", " et ", "-et-"})


def _french_compound(text: str, previous: tuple[int, int, str] | None, start: int, end: int,
                     digits: str) -> tuple[int, int, str] | None:
    """French numbers above 69 are sums and products: "soixante-dix-sept" 77, "quatre-vingt-douze"
    92, "soixante et onze" 71. Returns the previous edit extended over this word, or None."""
    if previous is None or text[start:end].isdigit() or text[previous[1] : start] not in _FRENCH_LINK:
        return None
    before, word = text[previous[0] : previous[1]], text[start:end]
    if before.endswith("quatre") and previous[2].endswith("4") and word in ("vingt", "vingts"):
        return (previous[0], end, previous[2][:-1] + "80")  # quatre-vingt(s)
    if previous[2] in ("60", "80") and (before.endswith("soixante") or before.endswith("vingt")) \
            and len(digits) == 2 and digits.startswith("1"):
        return (previous[0], end, str(int(previous[2]) + int(digits)))  # soixante-dix, -douze
    if before.endswith("dix") and previous[2].endswith("10") and word in ("sept", "huit", "neuf"):
        return (previous[0], end, previous[2][:-2] + "1" + digits)  # dix-sept
    return None


_LINK_REWRITES = re.compile(
    r"(?P<dot>[ \t]*[\[(<{][ \t]*(?:\.|dot|punto|ponto|point|punkt)[ \t]*[\])>}][ \t]*"
    r"|[ \t]+(?:dot|punto|ponto|point|punkt|точка)[ \t]+|(?<=[a-z0-9])[ \t]+\.[ \t]*(?=[a-z0-9])"
    r"|(?<=[a-z0-9])[ \t]*\.[ \t]+(?=(?:com|net|org|gg|io|ly|ee|app)\b|(?:me|co)[ \t]*(?:/|[.!,)]|\Z)))"
    r"|(?P<slash>[ \t]+(?:slash|barra|слеш|слэш)[ \t]+|(?<=[a-z0-9])[ \t]*/[ \t]+|(?<=[a-z0-9])[ \t]+/[ \t]*)"
    r"|(?P<scheme>[ \t]*:[ \t]*/[ \t]*/[ \t]*)"
    r"|(?P<host>\b(?:discord|dsc|wa|t|telegram|snapchat|instagram|linktr|bit|tinyurl|forms|cutt|twitch)[ \t]+"
    r"(?=(?:gg|me|com|ee|ly|gle|tv)(?:[ \t]*/|[ \t]+(?:slash|barra)[ \t]+)))"  # "discord gg slash jane"
    r"|(?P<bitly>\bbitly(?=[ \t]*/|[ \t]+(?:slash|barra)[ \t]+))"  # "bitly slash sadgirlzine"
)


def link_view(view: View) -> View:
    """``view`` with spelled-out or spaced link punctuation read ("t dot me slash jane" ->
    "t.me/jane", "jane[.]example[.]com" -> "jane.example.com")."""
    edits = []
    for match in _LINK_REWRITES.finditer(view.text):
        kind = match.lastgroup  # the five alternatives are the pattern's only groups
        if kind == "dot":
            edits.append((match.start(), match.end(), "."))
        elif kind == "slash":
            edits.append((match.start(), match.end(), "/"))
        elif kind == "scheme":
            edits.append((match.start(), match.end(), "://"))
        elif kind == "bitly":
            edits.append((match.start(), match.end(), "bit.ly"))
        else:
            host = match.group().rstrip()
            edits.append((match.start(), match.end(), host + "."))
    return view.rewrite("link", edits)


class Views:
    """The lazily built views of one text."""

    def __init__(self, original: str, reader: NumberReader, spaced: RegexPrefilter | None = None) -> None:
        self.original = original
        self._reader = reader
        self._spaced = spaced
        #: what detectors derive from these views and share (e.g. platform mentions), by name
        self.memo: dict[str, object] = {}

    @cached_property
    def norm(self) -> View:
        """Folded, lower-cased view."""
        return normalize(self.original)

    @cached_property
    def joined(self) -> View:
        """``norm`` with spaced single letters joined."""
        return join_spaced_letters(self.norm, self._spaced)

    @cached_property
    def alpha(self) -> View:
        """``joined`` with leetspeak read as letters."""
        return read_leetspeak(self.joined)

    @cached_property
    def link(self) -> View:
        """``joined`` with spelled or spaced link punctuation read."""
        return link_view(self.joined)

    @cached_property
    def digits(self) -> View:
        """``joined`` with number words read as digits."""
        return read_number_words(self.joined, self._reader)

"""The normalised views of a text and their offset maps back to the original.

Unit tests pin what each view reads (fullwidth, circled and keycap digits, zero-width removal,
homoglyph folding, number words in six languages, spaced letters, leetspeak); property tests
check, for any text, that every view maps every span back inside the original, monotonically.
"""

from __future__ import annotations

from functools import cache, cached_property

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offsite.lexicon import load_lexicon
from offsite.normalize import (
    NumberReader,
    View,
    Views,
    fold_char,
    join_spaced_letters,
    normalize,
    read_leetspeak,
    read_number_words,
)


@cache
def reader() -> NumberReader:
    """The number reader of the packaged lexicon."""
    return NumberReader.from_lexicon(load_lexicon())


def views(text: str) -> Views:
    """The lazily built views of ``text``."""
    return Views(text, reader())


#: Every view a ``Views`` object builds (new views are picked up automatically).
VIEW_NAMES = tuple(name for name, attr in vars(Views).items() if isinstance(attr, cached_property))


def original_of(view: View, original: str, start: int, end: int) -> str:
    """The original text behind a span of ``view``."""
    a, b = view.to_original(start, end)
    return original[a:b]


# --- View and rewrite ---------------------------------------------------------------------------


def test_view_names() -> None:
    """The views detectors rely on exist."""
    assert {"norm", "joined", "alpha", "digits"} <= set(VIEW_NAMES)


def test_identity_view_maps_to_itself() -> None:
    """An ASCII text's ``norm`` view is the identity map."""
    view = normalize("Hello There")
    assert view.text == "hello there"
    assert view.starts is None and view.ends is None
    assert view.to_original(2, 7) == (2, 7)


def test_rewrite_maps_replacement_to_the_whole_replaced_span() -> None:
    """Every replacement character maps to the whole span it replaced."""
    view = View("x", "ab five cd").rewrite("y", [(3, 7, "5")])
    assert view.text == "ab 5 cd"
    assert view.to_original(3, 4) == (3, 7)
    assert view.to_original(0, 2) == (0, 2)
    assert view.to_original(5, 7) == (8, 10)
    assert view.to_original(0, len(view.text)) == (0, 10)


def test_rewrite_of_a_rewrite_composes() -> None:
    """A rewrite of a rewritten view still maps to the first original."""
    first = View("x", "one two three").rewrite("y", [(0, 3, "1"), (4, 7, "2")])
    assert first.text == "1 2 three"
    second = first.rewrite("z", [(0, 3, "12")])
    assert second.text == "12 three"
    assert second.to_original(0, 2) == (0, 7)
    assert second.to_original(3, 8) == (8, 13)


def test_rewrite_with_growing_replacement() -> None:
    """A replacement longer than what it replaces maps every character to that span."""
    view = View("x", "double five!").rewrite("y", [(0, 11, "55555")])
    assert view.text == "55555!"
    assert all(view.to_original(i, i + 1) == (0, 11) for i in range(5))
    assert view.to_original(5, 6) == (11, 12)


def test_rewrite_without_edits_keeps_the_map() -> None:
    """No edits: same text, same map, new name."""
    base = normalize("ｊａｎｅ")
    same = base.rewrite("copy", [])
    assert (same.name, same.text, same.starts, same.ends) == ("copy", base.text, base.starts, base.ends)


# --- norm: compatibility folding, invisible characters, homoglyphs -------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＡＢＣ１２３", "abc123"),  # fullwidth
        ("ｊａｎｅ＠ｇｍａｉｌ．ｃｏｍ", "jane@gmail.com"),
        ("①②③④⑤⑥⑦⑧⑨⓪", "1234567890"),  # circled
        ("➊➋➌", "123"),  # dingbat negative circled
        ("5️⃣5️⃣0️⃣", "550"),  # emoji keycaps
        ("🔟", "10"),
        ("𝟓𝟓𝟓", "555"),  # mathematical bold digits
        ("²³", "23"),  # superscripts
        ("𝓲𝓷𝓼𝓽𝓪", "insta"),  # mathematical script
        ("ⓘⓝⓢⓣⓐ", "insta"),  # enclosed letters
        ("café naïve", "cafe naive"),  # accents stripped
        ("ﬁle", "file"),  # ligature
        ("JANE", "jane"),  # lower case
    ],
)
def test_compatibility_folding(text: str, expected: str) -> None:
    """NFKC-style folding of digits and letters, accents stripped, lower case."""
    assert normalize(text).text == expected


@pytest.mark.parametrize(
    "invisible",
    ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e", "\u2066", "\ufe0f", "\U000e0041"],
)
def test_invisible_characters_are_dropped(invisible: str) -> None:
    """Zero-width, bidi, variation-selector, soft-hyphen and tag characters vanish, and the map
    skips over them."""
    text = f"ja{invisible}ne"
    view = normalize(text)
    assert view.text == "jane"
    assert view.to_original(0, 4) == (0, len(text))
    assert view.to_original(2, 3) == (2 + len(invisible), 3 + len(invisible))
    assert fold_char(invisible) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("јаnе", "jane"),  # Cyrillic ј а е
        ("ѕnар", "snap"),  # Cyrillic ѕ а р
        ("іnѕtа", "insta"),  # Cyrillic і ѕ а
        ("ԁіѕсоrd", "discord"),  # Cyrillic ԁ і ѕ с о
        ("Ιnstagram", "instagram"),  # Greek capital iota
        ("Αρρ", "app"),  # Greek alpha, rho, rho
        ("ΒΕΤ", "bet"),  # Greek capitals
        ("ѕnарсhаt", "snapchat"),  # mixed Cyrillic
    ],
)
def test_homoglyphs_fold_to_latin(text: str, expected: str) -> None:
    """Cyrillic and Greek look-alikes of Latin letters fold to those letters."""
    assert normalize(text).text == expected


def test_norm_map_points_at_each_character() -> None:
    """Each folded character maps to the original character it came from."""
    text = "ｊ\u200bа５"
    view = normalize(text)
    assert view.text == "ja5"
    assert [view.to_original(i, i + 1) for i in range(3)] == [(0, 1), (2, 3), (3, 4)]


# --- digits: number words ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("five five five oh one nine", "5 5 5 0 1 9"),
        ("FOUR ONE FIVE", "4 1 5"),
        ("five five o one", "5 5 0 1"),
        ("double five", "55"),
        ("triple seven", "777"),
        ("double five oh triple seven", "55 0 777"),
        ("fivefivefive", "555"),
        ("1three4", "134"),
        ("cinco cinco cero uno", "5 5 0 1"),  # es
        ("nueve ocho siete", "9 8 7"),  # es
        ("zero um dois", "0 1 2"),  # pt
        ("cinco oito nove", "5 8 9"),  # pt
        ("zéro un deux", "0 1 2"),  # fr
        ("six trois huit", "6 3 8"),  # fr
        ("null eins zwei", "0 1 2"),  # de
        ("fünf sechs sieben", "5 6 7"),  # de
        ("tre quattro sette", "3 4 7"),  # it
        ("cinque zero nove", "5 0 9"),  # it
        ("zer0 n1ne s3ven", "0 9 7"),  # leetspeak
        ("5ive 4our thr33", "5 4 3"),  # a digit leading the rest of its word
        ("quattrocentododici", "412"),  # it: hundreds glued to what follows
        ("novecentos e dezanove, duzentos e trinta e quatro", "919, 234"),  # pt: hundreds, tens, units
        ("seiscientos doce", "612"),  # es
        ("zweihundertvierunddreissig", "234"),  # de: unit before tens, after hundreds
        ("eenentwintig", "21"),  # nl
        ("pięćset jeden", "501"),  # pl
        ("yüz kırk beş", "145"),  # tr
    ],
)
def test_number_words_read_as_digits(text: str, expected: str) -> None:
    """Number words of every language are read as digits in the ``digits`` view."""
    assert views(text).digits.text == expected


@pytest.mark.parametrize(
    "text",
    [
        "oh my god",  # "oh" is zero only next to other numbers
        "someone often called",  # words that merely contain number words
        "the phone is gone",
        "i want a tone",
        "o well",
        "3am 2nd b4 l8r 10k",  # digits beside letters that spell no number word
    ],
)
def test_ordinary_words_are_not_numbers(text: str) -> None:
    """Words that only contain number words, and weak words on their own, stay as typed."""
    assert views(text).digits.text == views(text).joined.text


def test_number_word_map_points_at_the_word() -> None:
    """A digit read from a word maps to the whole word; a multiplier run to the whole phrase."""
    text = "call five then double seven"
    view = views(text).digits
    assert view.text == "call 5 then 77"
    five = view.text.index("5")
    assert original_of(view, text, five, five + 1) == "five"
    sevens = view.text.index("77")
    assert original_of(view, text, sevens, sevens + 2) == "double seven"


# --- joined: spaced letters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("s n a p", "snap"),
        ("add me on s n a p", "add me on snap"),
        ("i.n.s.t.a", "insta"),
        ("s-n-a-p", "snap"),
        ("s_n_a_p", "snap"),
        ("5 5 5 0 1 9", "555019"),
        ("g m a i l . c o m", "gmail.com"),
        ("d m  m e  o n  i g", "dm me on ig"),  # words of spaced letters, two spaces apart
        ("s n a p  m e", "snap me"),
        # one character a line ("s\nn\na\np"), and a line holding only "@" or "."
        ("s\nn\na\np\n\nj\na\nk\ne", "snap jake"),
        ("5\n5\n5\n0\n1\n9", "555019"),
        ("tears_in_rain\n@\nicloud\n.\ncom", "tears_in_rain @ icloud . com"),
    ],
)
def test_spaced_letters_are_joined(text: str, expected: str) -> None:
    """Runs of spaced, dotted or dashed single characters are joined into words."""
    assert join_spaced_letters(normalize(text)).text == expected


@pytest.mark.parametrize("text", ["i am ok", "a cat", "me and u", "is it a b test"])
def test_ordinary_short_words_are_not_joined(text: str) -> None:
    """Fewer than three single characters in a row stay as typed."""
    assert join_spaced_letters(normalize(text)).text == text


def test_joined_map_covers_the_spaced_run() -> None:
    """The joined word maps back to the whole spaced run."""
    text = "my s n a p: jane"
    view = views(text).joined
    start = view.text.index("snap")
    assert original_of(view, text, start, start + 4) == "s n a p"
    colon = view.text.index(":")
    assert original_of(view, text, colon, len(view.text)) == ": jane"


# --- alpha: leetspeak ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("d!sc0rd", "discord"),
        ("sn4pch4t", "snapchat"),
        ("1nst4", "insta"),
        ("wh4t$4pp", "whatsapp"),
        ("t3l3gr4m", "telegram"),
    ],
)
def test_leetspeak_is_read(text: str, expected: str) -> None:
    """Leet characters inside mostly-letter words are read as letters."""
    assert read_leetspeak(normalize(text)).text == expected


@pytest.mark.parametrize("text", ["b4", "2day", "@jane", "1234", "555 0192", "r2d2"])
def test_leetspeak_leaves_numbers_and_mentions(text: str) -> None:
    """Short mixed words, plain numbers and @mentions are left as typed."""
    assert read_leetspeak(normalize(text)).text == normalize(text).text


def test_leetspeak_keeps_offsets() -> None:
    """The ``alpha`` view has the same length and map as ``joined``."""
    text = "ｄ!ｓｃ0ｒｄ: jane"
    v = views(text)
    assert len(v.alpha.text) == len(v.joined.text)
    assert v.alpha.starts == v.joined.starts and v.alpha.ends == v.joined.ends


def test_number_words_after_leetspeak_are_still_digits() -> None:
    """The ``digits`` view is built from ``joined``, so leet reading does not eat digits."""
    assert views("call 555 0192").digits.text == "call 555 0192"


# --- properties ----------------------------------------------------------------------------------

TRICKY = [
    "\u200b", "\u200d", "\ufeff", "\u00ad", "\u202e", "\ufe0f", "\u20e3", "５", "①", "𝟓", "🔟",
    "а", "е", "о", "ѕ", "Ι", "ß", "ﬁ", "İ", "ẞ", "½", "Ⅻ", "\u3000", "＠", "．",
    " ", ".", "-", "_", "*", "(", ")", "[", "]", "@", "!", "0", "1", "4", "5", "$", "|",
    "s n a p", "i.n.s.t.a", "five", "oh", "o", "double", "triple", "cinco", "zéro", "null",
    "fünf", "tre", "dot", "at", "slash", "t", "me", "gg", "discord", "d!sc0rd", "5️⃣",
]

texts = st.lists(
    st.one_of(st.text(max_size=6), st.sampled_from(TRICKY)), max_size=30
).map("".join)


def check_view(view: View, original: str) -> None:
    """The offset-map invariants of one view of ``original``."""
    n = len(original)
    if view.starts is None or view.ends is None:
        assert view.starts is None and view.ends is None, view.name
        assert len(view.text) == n, f"{view.name}: identity map but length changed"
    else:
        assert len(view.starts) == len(view.ends) == len(view.text), view.name
        for s, e in zip(view.starts, view.ends, strict=True):
            assert 0 <= s < e <= n, f"{view.name}: char maps to {s}-{e} of {n}"
        assert view.starts == sorted(view.starts), f"{view.name}: starts not monotonic"
        assert view.ends == sorted(view.ends), f"{view.name}: ends not monotonic"
    length = len(view.text)
    previous = (0, 0)
    for i in range(length):
        a, b = view.to_original(i, i + 1)
        assert 0 <= a < b <= n, f"{view.name}: char {i} maps to {a}-{b} of {n}"
        assert a >= previous[0] and b >= previous[1], f"{view.name}: map goes backwards at {i}"
        previous = (a, b)
    if length:
        a, b = view.to_original(0, length)
        assert 0 <= a < b <= n
    for i in range(length + 1):
        a, b = view.to_original(i, i)
        assert 0 <= a == b <= n, f"{view.name}: empty span {i} maps to {a}-{b}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_every_view_maps_inside_the_original(text: str) -> None:
    """For any text, every view's spans map within bounds and monotonically."""
    v = views(text)
    for name in VIEW_NAMES:
        check_view(getattr(v, name), text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_every_view_maps_inside_arbitrary_unicode(text: str) -> None:
    """The same for arbitrary Unicode (control characters included)."""
    v = views(text)
    for name in VIEW_NAMES:
        check_view(getattr(v, name), text)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_rewrite_invariants(data: st.DataObject) -> None:
    """Any sorted, non-overlapping edits keep the map inside the original and monotonic, and
    untouched characters keep their place."""
    text = data.draw(texts)
    base = normalize(text)
    n = len(base.text)
    cuts = sorted(data.draw(st.lists(st.integers(0, n), max_size=6)))
    edits = []
    for a, b in zip(cuts[::2], cuts[1::2], strict=False):
        if a < b and (not edits or a >= edits[-1][1]):
            edits.append((a, b, data.draw(st.text(alphabet="0123456789x", max_size=4))))
    view = base.rewrite("edited", edits)
    check_view(view, text)
    # characters before the first edit keep their mapping
    head = edits[0][0] if edits else n
    for i in range(head):
        assert view.to_original(i, i + 1) == base.to_original(i, i + 1)


@settings(max_examples=150, deadline=None)
@given(texts)
def test_alpha_has_the_length_of_joined(text: str) -> None:
    """Leetspeak reading never changes offsets."""
    v = views(text)
    assert len(v.alpha.text) == len(v.joined.text)


@settings(max_examples=150, deadline=None)
@given(texts)
def test_views_are_lower_case_and_visible(text: str) -> None:
    """No view keeps an invisible character that ``norm`` drops."""
    v = views(text)
    for name in VIEW_NAMES:
        view = getattr(v, name)
        assert "\u200b" not in view.text and "\ufeff" not in view.text, name


def test_read_number_words_on_empty_and_plain_text() -> None:
    """Edge cases: empty text and text without number words."""
    assert read_number_words(normalize(""), reader()).text == ""
    assert read_number_words(normalize("hello"), reader()).text == "hello"


def test_hangul_syllables_and_kana_stay_whole() -> None:
    """Decomposed, "카톡" would be six jamo and "ゼロ" would lose its voicing mark: neither would
    read as the word it is. Half-width katakana widen."""
    for text in ("카톡: minji_0412", "ゼロキューゼロ", "インスタ"):
        view = normalize(text)
        assert view.text == text.lower()
        assert all(view.to_original(i, i + 1) == (i, i + 1) for i in range(len(text)))
    assert normalize("ｲﾝｽﾀ").text == "インスタ"

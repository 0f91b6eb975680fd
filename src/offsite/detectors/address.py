"""Street addresses given as a place to meet or to write to: "123 Main St", "3843 Peartree
Road, Bamblee, SD 20241", "meet me at 42 elm street". A house number, one to three name words
and a street type; lower-case names only count after "meet me at", "i live at", "my address is"."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from offsite.detectors.base import Candidate, Detector
from offsite.models import Context, Kind
from offsite.normalize import View, Views
from offsite.resources import Resources
from offsite.wordtrie import trie_alternation

_STREET_TYPES = (
    r"street|st|road|rd|avenue|ave|av|boulevard|blvd|lane|ln|drive|dr|way|court|ct|place|pl|"
    r"terrace|crescent|cres|close|square|sq|highway|hwy|parkway|pkwy|circle|cir|trail|row|mews|"
    r"calle|avenida|rua|rue|strasse|straße|str|weg|platz|via|viale|corso"
)
_ADDRESS = re.compile(
    rf"\b(?P<num>\d{{1,5}}[A-Za-z]?)[ \t,]+(?P<name>(?:[NSEWnsew]\.[ \t]+)?(?:[A-Za-z0-9][A-Za-z0-9'\-]*[ \t]+){{1,3}}?)"
    rf"(?P<type>(?i:{_STREET_TYPES}))\b\.?"
    r"(?P<tail>(?:,?[ \t\n]+[A-Z][A-Za-z]+){0,3}(?:,?[ \t]+[A-Z]{2}[ \t]+\d{5}(?:-\d{4})?)?"
    r"(?:,?[ \t]+(?i:apt|apartment|unit|suite|ste|flat|#)\.?[ \t]*[0-9]+[A-Za-z]?)?)"
)
_STREET_WORDS = frozenset(_STREET_TYPES.split("|")) | frozenset(
    "travessa plaza praca praça alameda carrera bd allee allée chemin impasse ul ulica aleja jl jln jalan "
    "sok cad mah mahallesi sector gasse box row mews av piazza piazzale largo cra cl cll kr tv dg "
    "transversal diagonal house apt apartment unit suite flat".split()
)
_STREET_SUFFIXES = ("strasse", "straße", "str", "weg", "platz", "gasse", "allee", "damm",
                    "straat", "laan", "plein", "gracht", "kade", "singel", "caddesi", "sokak", "sokagi")
_LETTERS = re.compile(r"[^\W\d_]+")
# ... unless someone is invited there ("meet me at the library at 48 Harbor Road", "... every
# saturday, you could come")
_INVITED_BEFORE = re.compile(r"(?i:\b(?:meet|come|visit|see you|pick you up|find me|i'?ll be|wait for|join me)\b)")
# A public place named right before the address: "the free clinic at 1200 Franklin Ave"
_PUBLIC_PLACE_BEFORE = re.compile(
    r"(?i:\b(?:food bank|food pantry|pantry|clinic|library|hospital|church|shelter|pharmacy|school|"
    r"community cent(?:er|re)|cent(?:er|re)|museum|post office|office|station|mosque|temple|synagogue|"
    r"courthouse|dmv|ymca|ywca|soup kitchen|thrift store|store|shop|mall|gym|park|college|university)"
    r"[ \t]+(?:at|on|is at|is on|over on|down on)[ \t]+)\Z"
)
# A public institution named earlier in the sentence ("visita al Policlinico Gemelli, largo Agostino
# Gemelli 8", "the courthouse, 100 N Calvert St", "Klinikum rechts der Isar, Ismaninger Str. 22"):
# where it is, not where someone lives, unless someone is invited there
_PUBLIC_INSTITUTION = re.compile(
    # ("ER" in capitals only: "er" is German for "he")
    r"(?-i:\bER\b)|(?i:\b(?:hospital|hospitals|clinic|klinikum|klinik|policlinico|ospedale|h[oô]pital|ghu|chu|emergency room|"
    r"notaufnahme|urgences|urgencias|pronto soccorso|courthouse|court|tribunal|gericht|bank|branch|station|stadhuis|"
    r"gemeente|rathaus|city hall|town hall|mairie|ayuntamiento|municipio|comune|ur[zź]?[aą]d\w*|instytu\w*|instituto|"
    r"institut|jobcenter|agentur|agencia|agence|embassy|consulate|botschaft|consulado|museum|library|bibliothek|"
    r"biblioteca|biblioth[eè]que|university|universit[aä]t|universidad|pharmacy|apotheke|farmacia|pharmacie|"
    r"post office|dmv|police|polizei|polic[ií]a|shelter|food bank|mass general|general hospital|medical cent(?:er|re))\b)"
)
_SENTENCE_STOP = re.compile(r"[.!?\n](?=\s)")
_SUFFIXED = re.compile(trie_alternation(_STREET_SUFFIXES) + r"(?![^\W\d_])")  # "hauptstr", "lindenweg"
_TYPE_FIRST = re.compile(
    r"\b(?:calle|avenida|av\.|rua|rue|via|viale|corso|travessa|plaza|pra[cç]a|alameda|carrera|piazza|piazzale|largo)[ \t]+"
    r"(?:(?:de|del|la|las|los|da|das|do|dos|des|du|di|della|degli)[ \t]+)?[^\W\d_][\w'\-]+"
    r"(?:[ \t]+[A-Z][\w'\-]+){0,2},?[ \t]*(?:n[º°o]?\.?[ \t]*)?\d{1,5}\b"
    r"|\b\d{1,4},?[ \t]+(?:rue|avenue|boulevard|bd|all[ée]e|chemin|place|impasse)[ \t]+"
    r"(?:(?:des|de la|du|de|d')[ \t]*)?[A-Z][\w'\-]+"
    r"|\b[A-Z][\w]+(?:stra[sß]s?e|str\.|weg|platz|gasse|allee|ring|damm|straat|laan|plein|gracht|kade|singel)"
    r"[ \t]+\d{1,4}[a-z]?\b"
    r"|\b[A-Z][\w]+[ \t]+(?:caddesi|cad\.|sokak|soka[gğ][ıi]|sok\.|bulvar[ıi])[ \t,]*(?:no[ \t]*[:.]?[ \t]*)?\d{1,4}\b"
    # "Mariahilfer Straße 77/4", "ul. Piotrkowska 87", "Jl. Malioboro No. 52", "H.No. 214, Sector 15"
    r"|\b(?!(?:die|der|das|den|dem|des|eine?|einer|in|im|am|auf|zur|zum|my|the|this)\b)(?-i:[A-ZÄÖÜ])[\w]+[ \t]+"
    r"(?:stra(?:ß|ss)e|str\.|gasse|weg|platz|allee|damm)[ \t]+\d{1,4}[a-z]?\b"
    r"|\b(?:ul\.|ulica|al\.|aleja|jl\.|jln\.|jalan)[ \t]*[A-Z][\w'\-]+(?:[ \t]+[A-Z][\w'\-]+){0,2},?[ \t]+"
    r"(?:no\.?[ \t]*)?\d{1,4}[a-z]?\b"
    r"|\bh\.?[ \t]?no\.?[ \t]*\d{1,5}[a-z]?,?[ \t]+(?:sector|block|phase)[ \t]*\d{1,3}\b"
    # Colombian and Venezuelan grid addresses: "Calle 72 #10-34", "Cra. 15 No. 88-64"
    r"|\b(?:calle|cll?|carrera|cra|kr|avenida|av|transversal|tv|diagonal|dg)\.?[ \t]*\d{1,3}[a-z]?(?:[ \t]*bis)?"
    r"[ \t]*(?:#|n[º°o]\.?)[ \t]*\d{1,3}[a-z]?[ \t]*-[ \t]*\d{1,3}\b"
    # "House 22, Road 5, Dhanmondi" (Dhaka)
    r"|\bhouse[ \t]*(?:no\.?[ \t]*)?\d{1,4}[a-z]?,?[ \t]+road[ \t]*(?:no\.?[ \t]*)?\d{1,4}\b"
    # "P.O. Box 1142, Bozeman MT 59771": a box to write to
    r"|\bp\.?[ \t]?o\.?[ \t]+box[ \t]+\d{1,6}\b"
    # "i live at 88 harbor view apt 3b": a flat's number after "i live at", whatever the street's name
    r"|(?:(?<=i live at )|(?<=my address is )|(?<=address: ))\d{1,5}[ \t]+[a-z]+(?:[ \t]+[a-z]+){0,2}[ \t]+"
    r"(?:apt|apartment|unit|suite|flat)\.?[ \t]*#?[ \t]*\d{1,4}[a-z]?\b"
    # "im at 2210 N Clark, apt 3": a street named in capitals, then the flat
    r"|(?:(?<=i'm at )|(?<=im at ))\d{1,5}[ \t]+(?-i:(?:[NSEW]\.?[ \t]+)?[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+){0,2}),?[ \t]+"
    r"(?:apt|apartment|unit|suite|flat)\.?[ \t]*#?[ \t]*\d{1,4}[a-z]?\b",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
# Addresses in Chinese, Japanese and Korean, where the street is named before its number and no
# word for "street" stands alone: a ward or city and a block number ("世田谷区桜新町2-14-3",
# "渋谷区道玄坂1丁目2番3号"), a road and its number ("建国路88号"), a Korean road address after its
# district ("강남구 테헤란로 123"). The numbers make it a place to find someone, not a place named.
_CJK_ADDRESS = re.compile(
    r"[\u4e00-\u9fff\u30a0-\u30ff]{1,6}[市区町村郡][\u4e00-\u9fff\u30a0-\u30ff]{0,8}?"
    r"\d{1,4}(?:丁目|[-\uff0d\u2010\u2212\u30fc])\d{1,4}(?:番地?|[-\uff0d\u2010\u2212\u30fc])?(?:\d{1,4}号?)?"
    r"|[\u4e00-\u9fff]{1,8}[路街巷弄]\d{1,5}[号號]"
    r"|[\uac00-\ud7af]{1,5}[시구군][ \t]+[\uac00-\ud7af]{1,10}(?:로|길)[ \t]?\d{1,4}(?:-\d{1,4})?"
)
# "Top 10 Songs Way ...", "my 2 Best Friends Drive ...": a count, not a house number
_COUNT_WORDS = frozenset(
    "top my the these those only about over under all of in for with and "
    "least most first last best worst".split()
)
_CUE = re.compile(
    r"\b(?:meet me at|meet at|i live at|i live on|my address is|address is|address:|come to|"
    r"at my (?:house|place|home|apartment|apt|flat)[ \t]*[,:]|"
    r"pick me up at|i'?m at|visit me at|visit me|send it to|mail it to|vivo en|moro na|moro em|j'habite|"
    r"ich wohne in der|wohne in der)\s*"
    r"(?:(?:unit|apt|flat|suite|#)\s*(?:\d{1,4}[a-z]?,?\s*)?)?$"  # "my address is unit 12, 40 harbour road"
)


# "... come find me", "buzz me when you get here": an invitation right after the address
_CUE_AFTER = re.compile(
    r"[^\n]{0,80}?\b(?:come find me|come over|come by|buzz me|ring the bell|drop by|stop by|visit me|"
    r"(?:just|could|can|should|wanna)\s+(?:show up|pull up|come through)|(?:can|could)\s+(?:u|you)\s+come|"
    r"kom langs|ven a verme|vem me ver|viens me voir|komm vorbei|gel|walk over|knock|come meet me|meet me there|"
    r"walk-ins)\b"
)
# Where the writer lives or invites someone, earlier in the message ("i live like 10 min from u i
# think, 48 larkspur ln", "come to the meetup thing im organizing ... 1105 ocean ave")
_HOME_OR_INVITE_BEFORE = re.compile(
    r"\b(?:i live|we live|i'?m staying|my (?:house|place|apartment|apt|flat) is|come to|come over|meet me|"
    r"meet up|meetup|pick me up|visit me|i host|at my (?:house|place|home|apartment|apt|flat|studio))\b"
)
# what3words ("///filled.count.soap"): a three-metre square, wherever it is
_WHAT3WORDS = re.compile(r"(?<![/\w])///[a-z]{2,20}\.[a-z]{2,20}\.[a-z]{2,20}(?![\w.])", re.IGNORECASE)
# coordinates ("40.7411, -73.9897") after a word for a place to be
_COORDINATES = re.compile(r"(?<![\d.])-?\d{1,2}\.\d{3,7},[ \t]*-?\d{1,3}\.\d{3,7}(?![\d.])")
_PLACE_CUE = re.compile(
    r"\b(?:pin|location|loc|coords|coordinates|gps|i'?m there|i'?ll be there|meet|come|find me|i live|see u|see you)\b"
)
# a corner of two streets, one an ordinal ("corner of Oak & 3rd", "on 9th and pine")
_INTERSECTION = re.compile(
    r"\b(?:corner of|on|at)[ \t]+(?:(?P<a>\d{1,3}(?:st|nd|rd|th))|[a-z]{3,15})(?:[ \t]+(?:st|street|ave|avenue|rd|road))?"
    r"[ \t]+(?:&|and|\+)[ \t]+(?:(?P<b>\d{1,3}(?:st|nd|rd|th))|[a-z]{3,15})\b"
)
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th|ST|ND|RD|TH)\b")
_HOME_OR_MEETING = re.compile(
    r"\b(?:i live|i'?m in|i'?m at|my (?:house|place|apartment|flat)|come|meet|pick me up|outside|if u can come|"
    r"see u|see you|walk and talk|hang out)\b"
)
# words that make "5 miles down the road" talk, not a street name
_NOT_NAME_WORDS = frozenset(
    "the a an my your our their his her this that down up of to on in and or at from by miles mile km "
    "blocks block minutes mins hours steps laps times more".split()
)
# street types that are also everyday words ("my 2 brothers drive me crazy")
_VERB_LIKE_TYPES = frozenset("drive dr way court ct place pl close square sq circle cir trail terrace via st".split())
_ORDINAL_WORD = re.compile(r"\d{1,3}(?:st|nd|rd|th)")
# Addresses everyone knows (a landmark, not where somebody lives)
_LANDMARKS = frozenset({"10 downing street", "10 downing st", "1600 pennsylvania avenue", "1600 pennsylvania ave",
                        "221b baker street", "221b baker st", "350 fifth avenue", "350 fifth ave", "350 5th ave"})


# indices of the patterns of the compiled scan
_STREET, _TYPE_FIRST_SHAPE, _W3W, _COORDS, _CORNER = range(5)


def _institution_before(original: str, start: int) -> bool:
    """True when a public institution is named in the sentence before ``start``, at most 60
    characters away."""
    low = max(0, start - 60)
    stops = list(_SENTENCE_STOP.finditer(original, low, start))
    if stops:
        low = stops[-1].end()
    return _PUBLIC_INSTITUTION.search(original, low, start) is not None


class AddressDetector(Detector):
    """Street addresses."""

    name = "address"
    min_confidence = 0.6

    def __init__(self, resources: Resources) -> None:
        super().__init__(resources)
        # (one compiled scan tells which of the street shapes and the places without a street
        # address can be in a text)
        self._shapes = self.prefilter((_ADDRESS, _TYPE_FIRST, _WHAT3WORDS, _COORDINATES, _ORDINAL), whole_text=True)

    def candidates(self, views: Views, context: Context) -> Iterator[Candidate]:
        """Address-shaped spans on the original text (case matters for names)."""
        original = views.original
        shapes = self._shapes.candidates(original)
        if not shapes.isdisjoint((_W3W, _COORDS, _CORNER)):
            yield from self._places(original, views.norm, shapes)
        if not original.isascii():
            for match in _CJK_ADDRESS.finditer(original):
                yield self._at(views.norm, match.start(), match.end(), "address.cjk_block", 0.8, match.group())
        if shapes.isdisjoint((_STREET, _TYPE_FIRST_SHAPE)):
            return  # neither address pattern can match anywhere (cheaper than the gates below)
        if _DIGIT.search(original) is None:
            return
        letters = set(_LETTERS.findall(original.lower()))
        if letters.isdisjoint(_STREET_WORDS) and _SUFFIXED.search(original.lower()) is None:
            return  # no street word: no address
        view = views.norm
        for match in _ADDRESS.finditer(original):
            # a Title Case Line around the match ("Top 10 Songs Way Too Sad") is not an address
            outside = (original[: match.start()] + " " + original[match.end() :]).split()
            words = [w for w in outside if w[0].isalpha()]
            title_case = len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)
            name_words = match.group("name").split()
            capitalised = all(w[0].isupper() or w[0].isdigit() for w in name_words)
            before_cue = _CUE.search(original[max(0, match.start() - 30) : match.start()].lower()) is not None or (
                _HOME_OR_INVITE_BEFORE.search(original.lower(), max(0, match.start() - 100), match.start()) is not None
                and not any(w.lower() in _NOT_NAME_WORDS for w in match.group("name").split())
                and (match.group("type").lower() not in _VERB_LIKE_TYPES
                     or _ORDINAL_WORD.fullmatch(name_words[-1].lower()) is not None))  # "3340 n 16th st"
            if not before_cue and " ".join(match.group().lower().split()).startswith(tuple(_LANDMARKS)):
                continue  # "I walked past 10 Downing Street"
            if not before_cue and (
                    _PUBLIC_PLACE_BEFORE.search(original, max(0, match.start() - 40), match.start()) is not None
                    or _institution_before(original, match.start())) \
                    and _INVITED_BEFORE.search(original, max(0, match.start() - 60), match.start()) is None \
                    and _INVITED_BEFORE.search(original, match.end(), match.end() + 60) is None \
                    and _CUE_AFTER.match(original.lower(), match.end()) is None:
                continue  # "the food bank at 48 Harbor Road gave me groceries": a public place
            word_before = original[max(0, match.start() - 12) : match.start()].split()[-1:]
            counted = bool(word_before) and word_before[0].lower() in _COUNT_WORDS
            cue = before_cue or (
                _CUE_AFTER.match(original.lower(), match.end()) is not None
                and not any(w.lower() in _NOT_NAME_WORDS for w in name_words)
                and match.group("type").lower() not in _VERB_LIKE_TYPES
                and not counted
            )
            if not cue and (not capitalised or title_case or counted):
                continue  # lower-case talk, or a Title Case Line ("Top 10 Songs Way Too Sad")
            confidence = 0.85 if cue else 0.7
            if match.group("tail"):
                confidence += 0.1
            # map original offsets onto the norm view: find the norm index whose span starts here
            start = self._norm_index(view, match.start())
            end = self._norm_index(view, match.end())
            if start is None or end is None:
                continue
            yield Candidate(Kind.ADDRESS, view, start, end, "address.street", confidence,
                            " ".join(match.group().split()))
        for match in _TYPE_FIRST.finditer(original):
            if _institution_before(original, match.start()) \
                    and _CUE.search(original[max(0, match.start() - 30) : match.start()].lower()) is None \
                    and _HOME_OR_INVITE_BEFORE.search(original.lower(), max(0, match.start() - 100), match.start()) is None \
                    and _INVITED_BEFORE.search(original, match.end(), match.end() + 60) is None \
                    and _CUE_AFTER.match(original.lower(), match.end()) is None:
                continue  # "Agentur für Arbeit, Regensburger Str. 104": a public institution's address
            start = self._norm_index(view, match.start())
            end = self._norm_index(view, match.end())
            if start is None or end is None:
                continue
            yield Candidate(Kind.ADDRESS, view, start, end, "address.street_type_first", 0.75,
                            " ".join(match.group().split()))

    def _places(self, original: str, view: View, shapes: frozenset[int]) -> Iterator[Candidate]:
        """Places given without a street address: a what3words square, coordinates after "pin" or
        "i'm there", a street corner where the writer lives or asks to meet. (Cheap tests first:
        most messages hold none of the three.)"""
        if _W3W in shapes:
            for match in _WHAT3WORDS.finditer(original):
                yield self._at(view, match.start(), match.end(), "address.what3words", 0.85, match.group())
        if _COORDS in shapes and _PLACE_CUE.search(original.lower()):
            for match in _COORDINATES.finditer(original):
                yield self._at(view, match.start(), match.end(), "address.coordinates", 0.8, match.group())
        if _CORNER not in shapes:
            return
        text = original.lower()
        if (" and " in text or "&" in text or "+" in text) and _HOME_OR_MEETING.search(text) is not None:
            for match in _INTERSECTION.finditer(text):
                if match.group("a") or match.group("b"):
                    yield self._at(view, match.start(), match.end(), "address.corner", 0.75, match.group())

    @staticmethod
    def _at(view: View, start: int, end: int, rule: str, confidence: float, value: str) -> Candidate:
        """A candidate at original offsets ``start``-``end`` on ``view``."""
        a = AddressDetector._norm_index(view, start)
        b = AddressDetector._norm_index(view, end)
        return Candidate(Kind.ADDRESS, view, a if a is not None else start, b if b is not None else end, rule,
                         confidence, value)

    @staticmethod
    def _norm_index(view: View, original_pos: int) -> int | None:
        """The first index of ``view`` whose character comes from at or after ``original_pos``."""
        if view.starts is None:
            return original_pos
        return bisect.bisect_left(view.starts, original_pos)

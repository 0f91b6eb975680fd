"""Phone numbers: digits, number words ("five five five oh one"), emoji and fullwidth digits,
any separators; validated with libphonenumber for the configured regions.

Candidates are runs of digits with separators on the ``digits`` view, after dates, times,
prices, decimals and fractions are masked out. A run is split into the longest pieces that read
as phone numbers; each piece is scored from its validity, its grouping, whether it was spelled
out (a sign of disguise) and the words before it ("call", "my number" vs "passport", "ssn").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import phonenumbers
from phonenumbers import NumberParseException

from offsite.detectors.base import Candidate, Detector
from offsite.lru import BoundedMemo
from offsite.models import Context, Kind
from offsite.normalize import WORD_MARKS, View, Views, glued_word_digits, has_mixed_number
from offsite.resources import Resources
from offsite.wordtrie import trie_alternation

#: digit strings whose national reading is remembered
_NATIONAL_CACHE = 4096

# Digits joined by up to 12 separator characters (linear: separators and digits are disjoint).
# (emoji count as separators too: "07🌙911🌙456🌙789")
_SEPARATORS = r"[ \t\n\r.\-/,()\[\]*_~|\\x#+\u00b7\u2022\u2010-\u2015\u2212\u30fc\u2600-\u27bf\ufe0f\U0001f300-\U0001faff]"
_RUN = re.compile(rf"\+*\(?\d(?:{_SEPARATORS}{{0,12}}\d)*\)?")
# Some run of ``_RUN`` holds seven digits or more (runs are maximal, separators and digits are
# disjoint: seven digits chained by short separator stretches lie in one run). One search
# instead of counting the digits of every run of a long text.
_SEVEN_DIGIT_RUN = re.compile(rf"\d(?:{_SEPARATORS}{{0,12}}\d){{6}}")
_CHAIN_TOKEN = re.compile(rf"\d+|[^\W\d_]+(?:[{WORD_MARKS}]+[^\W\d_]*)*")  # (words of any script: Russian, Hindi)
_SINGLE_DIGIT = re.compile(r"(?<!\d)\d(?!\d)")
_SEPARATOR = re.compile(_SEPARATORS)
_GROUP = re.compile(r"\d+")
#: more digit groups than this in one run make a wall of digits (a table, a list), not a phone number
_MAX_GROUPS = 40
_FILLER_WORD = re.compile(r"\b(?:then|luego|depois|puis|dann|poi|space|dash|hyphen)\b")
# the words on either side of a filler word (searched in a few characters around it)
_TOKEN_BEFORE_FILLER = re.compile(r"(?<![a-z0-9])([a-z0-9]+)[ \t]*,?[ \t]+(?:(?:and|y|e|et|und)[ \t]+)?[(\[]?\Z")
_TOKEN_AFTER_FILLER = re.compile(r"[)\]]?[ \t]*,?[ \t]+([a-z0-9]+)")
# a digit group before or after a filler: digits, or single digits one space apart (spelled
# digits read one by one: "five one zero then ...")
_GROUP_BEFORE = re.compile(r"(?<!\d[ \-.])(?<!\d)\d(?:[ \-.]\d)+\Z|(?<!\d)\d+\Z")
_GROUP_AFTER = re.compile(r"\d(?:[ \-.]\d)+(?!\d)|\d+")
_GROUP_SEPARATORS = re.compile(r"[ \-.]")
_DIGIT = re.compile(r"\d")
# which part of a number follows ("first part", "the middle", "ends in", "area code"), then (after
# at most a few words, none of them "at" or "around": "starts at 900" is a time) three digits or more
_PART = re.compile(
    r"\b(?:starts?|starting|begins?|first(?:[ \t]+(?:part|half|bit|three|four|five|six|digits?))?"
    r"|second(?:[ \t]+(?:part|half|bit))?|third(?:[ \t]+part)?|middle(?:[ \t]+(?:part|bit|digits?))?|(?:the[ \t]+)?rest"
    r"|ends?|ending|last(?:[ \t]+(?:part|half|bit|three|four|five|digits?|3|4))?|area[ \t]+code)\b"
    r"(?:[ \t]+(?!(?:at|around|by|until|till|from|on|before|after)\b)[^\W\d_]+){0,4}?[ \t]*[:=,\-]?[ \t]*"
    r"(?P<digits>\d(?:[ .\-]?\d){2,10})(?!\d)"
)
_YEAR = re.compile(r"(?:19|20)\d\d")
_WORD = re.compile(rf"[^\W\d_]+(?:[{WORD_MARKS}]+[^\W\d_]*)*")  # (words of any script)
_PHONE_AFTER = re.compile(
    r"[\s,.)(-]*(?:is my|to|and|or|pls|please|for)?\s*(?:call|text|txt|whatsapp|wa|cell|phone|mobile|ring|sms|zap|"
    r"llama|ligue|appelle|ruf|chiama)\b"
)
_MIXED = re.compile(r"\d[a-z]|[a-z]\d")
# Filler words between digit groups ("555 then 0192 and 334"), read as separators after a phone word.
_FILLER_BETWEEN = re.compile(
    r"(?<=\d)[ \t]*,?[ \t]+(?:and then|then|and|after that|next|y luego|luego|y|e depois|depois|e|et puis|puis|et"
    r"|und dann|dann|und|e poi|poi|\(space\)|\[space\]|space|dash|hyphen"
    # a remark in brackets between the groups ("07700 (the boring bit) 900 (the bit everyone forgets) 461")
    r"|\([^()\d\n]{1,40}\))[ \t]*,?[ \t]+(?=\d)"
)

# Number-like things that are not phone numbers, masked before runs are found. Every one begins
# with a digit or a currency sign: the lookahead spares the branches at every other position.
_MASKS = re.compile(
    "(?=[\\d$\u20ac\u00a3])(?:" + "|".join(
        [
            r"(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?",  # times
            r"(?<!\d)(?:19|20)\d\d[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])(?:t[\d:.]+(?:z|[+-]\d\d:?\d\d)?)?",
            # dates ("06.12.34"; not the start of "06.12.34.56.78", a French phone number)
            r"(?<![\d.\-/])(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|[12]\d|3[01])(?P<datesep>[-/.])(?:19|20)?\d\d(?!\d)"
            r"(?!(?P=datesep)\d)",
            r"\b(?:19|20)\d\d-?(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?=\s+\d\d(?::|\b))",
            r"\b(?:19|20)\d\d\s?[-/\u2013\u2014]\s?(?:19|20)\d\d\b",  # year ranges
            # opening hours written with dots ("online jam 19.00-22.00", "9.30 - 17.00")
            r"(?<![\d.])(?:[01]?\d|2[0-3])\.[0-5]\d\s?[-\u2013\u2014]\s?(?:[01]?\d|2[0-4])\.[0-5]\d(?![\d.])",
            # a year after "since" ("listening since 2019 • 600 chats", "desde 2020", "seit 2018")
            r"(?:(?<=since )|(?<=depuis )|(?<=desde )|(?<=sinds )|(?<=seit )|(?<=dal )|(?<=dall'anno )|(?<=od )"
            r"|(?<=sejak )|(?<=sedan )|(?<=siden ))(?:19|20)\d\d(?!\d)",
            r"(?<![\d\-./])\d{1,2}/\d{1,2}(?![\d/.])",  # fractions and day/month
            r"(?<![\d\-./])(?:0?[1-9]|1[0-2])/(?:19|20)\d\d(?![\d/])",  # month and year ("member since 03/2022")
            # blood pressure ("160/100 at diagnosis", "bp 135/85")
            r"(?<![\d\-./])(?:[89]\d|1\d\d|2[0-4]\d)/(?:[4-9]\d|1[0-4]\d)(?![\d/.])",
            r"(?<![\d.,\-])\d{1,4}[.,]\d{1,2}\b(?![.,\-]\d)",  # decimals
            r"(?<![\d.,\-])\d{1,3}\.\d{3}\b(?![.,\-\d]|\s\d)",  # decimals with three places
            r"(?<![\d.,\-])\d{1,3}[.,]\d{5,}(?![.,\-\d])",  # long decimals ("3.14159265")
            # IPv4 addresses ("ssh root@192.168.1.10")
            r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![.\d])",
            # round amounts with thousands separators ("3.500.000", "1,200,000")
            r"(?<![\d.,\-])\d{1,3}(?:(?P<thousands>[.,])\d{3})*(?P=thousands)000(?![.,\-]?\d)",
            r"[$\u20ac\u00a3]\s?\d{1,3}(?:[.,]\d{3})*(?:[.,]\d{1,2})?\b(?![-\d])",  # prices
            r"(?<![\d\-./])\d{1,3}(?:[.,]\d+)?\s?%",  # percentages
            # ISBN-13 with its hyphens ("978-0-14-303943-3")
            r"(?<![\d\-])97[89]-\d{1,5}-\d{1,7}-\d{1,7}-[\dx](?![\d\-])",
        ]
    ) + ")"
)

_PHONE_WORDS = re.compile(
    r"\b(?:call|calling|text|txt|texting|textme|callme|phone|ph|tel|tele|telephone|cell|mobile|mob|"
    r"fax|sms|whatsapp|whats|wa|zap|wpp|reach|reached|ring|hmu|hit me|dial|telefone|telefono|"
    r"telf|celular|cel|movil|handy|handynummer|telefonnummer|portable|appelle|appelez|ligue|"
    r"liga|llama|llamame|chiama|telepono|numaram|cep|tlf|signal|viber|telegram|line|"
    r"number|numbers|num|no|nr|digits|contact|numero|nummer|area code|"
    r"номер|телефон|звони|позвони|пиши|напиши|numer|numara|numaram|nomor|nomer|hp|नंबर|नम्बर|फोन|फ़ोन)\b"
)
#: telephones and mobile phones drawn: a phone word all the same ("\U0001f4de 555 \u2022 014 \u2022 7320")
_PHONE_EMOJI = ("\U0001f4de", "\u260e", "\U0001f4f1", "\U0001f4f2")
_CODE_PREFIX = re.compile(r"(?<![A-Za-z])[A-Z]{2,4}\Z")
# "my number is" (in the languages whose digits are read) just before a number
_NUMBER_CUE_BEFORE = re.compile(
    # (a service's name may stand between: "mera whatsapp number likh lo yaar:")
    r"(?:\b(?:my|mera|meri|mi|meu|mon|mein|моя|мій|мой)\s+(?:[^\s\d]+\s+)?(?:number|num|no|numero|nummer|numéro|номер|nomor|cell|phone)"
    r"|मेरा\s+(?:[^\s\d]+\s+)?(?:नंबर|नम्बर|फोन|फ़ोन)(?:\s+है)?)[^\d\n]{0,16}\Z"
)
# North American toll-free numbers (800, 833, 844, 855, 866, 877, 888): an organisation's line
_TOLL_FREE = re.compile(r"1?8(?:00|33|44|55|66|77|88)\d{7}")
# an organisation named before it: initials in capitals ("IRS", "USPS", "SSA") or words for a service line
_ORGANISATION_CUE = re.compile(
    r"\b[A-Z]{2,6}\b|(?i:\b(?:customer\s+(?:service|support|care)|hotline|helpline|help\s+line|support\s+line|"
    r"toll[- ]free|pharmacy|insurance|bank|agency|department|dept|office|company|airline|provider)\b"
    # "call usps at", "the real irs number", "the number on irs.gov is"
    r"|\bcall\s+(?!me\b|us\b|him\b|her\b|them\b|you\b|u\b)[a-z]{2,12}\s+(?:at|on)\s*\Z"
    r"|\bthe\s+(?:real|official|actual|main)\s+[a-z]{2,12}\s+(?:number|line)\b"
    r"|\b(?:number|line)\s+(?:on|from)\s+[a-z0-9\-]+\.(?:gov|org|com)\b)")
# the writer's own number: "call me at", "text me on", "my cell"
_FIRST_PERSON = re.compile(
    r"(?i:\b(?:call|text|txt|reach|ring|contact|phone|dial)\s+me\b|\bmy\s+(?:cell|number|phone|mobile|line|work|home|landline)\b"
    r"|\bme\s+(?:at|on)\s*\Z|\bmine\b)")
#: zero-confidence candidates that settle a run of digits: no shorter number is looked for inside
_SETTLED = ("phone.crisis_line", "phone.organisation_line")
_WEAK_PHONE_WORDS = frozenset({"number", "numbers", "num", "no", "nr", "digits", "contact", "numero", "nummer"})
_NOT_PHONE_WORDS = re.compile(
    r"\b(?:ssn|ssns|ssid|social security|security number|passport|passportnumber|account|acct|"
    r"routing|licen[cs]e|itin|tin|card|iban|aadhaar|resident|refugee|order|tracking|invoice|"
    r"serial|isbn|zip|postal|postcode|nric|fin|pan|policy|case|ticket|reference|ref|pedido|encomenda|commande|"
    r"seed|world seed|police report|report number|report no|report nr|report id|incident number|incident no|crime number|"
    r"crime reference|booking|buchung|przesylki|przesylka|przesyłki|przesyłka|paczki|sendung|sendungsnummer|colis|spedizione|zending|"
    r"denuncia|anzeige|plainte|aangifte|주문번호|주문|운송장|注文番号|订单号|订单|訂單|lottery|lotto|powerball|euromillions|mega millions|bingo|loteria|lotterie|"
    r"bestellung|bestelnummer|ordine|protocolo|protocollo|protokoll|protocol|rastreio|seguimiento|"
    r"waybill|awb|roll|induk|nisn|candidate|matric|matriculation|nin|jamb|admission|enrol?lment|"
    r"prescription|refill|fecha|datum|rx|nre|ricetta|receta|rezept|expediente|aktenzeichen|reclamacion|codice|bestellnummer|"
    r"transaction|confirmation|member id|employee|student id|id number|tax|taxpayer|vat|"
    r"reisepass|fahrerlaubnis|ni number|insurance|dvla|bank|wallet|crypto|ip|version|"
    r"build|model|isin|sku|upc|ean|imei|pin|otp|(?<!area )code|mrn|claim|nhs|sin is|sin number|sin no|medicare|medicaid|patient|health|"
    r"aba|swift|bic|sort code|vin|plate|registration|cpf|cnpj|rg|dni|nie|nif|curp|rfc|tfn|abn|pps|pesel|steuer|"
    # student and exam numbers, tracking numbers (Chinese, Korean, Vietnamese, Russian)
    r"学号|學號|学籍号|准考证号|수험번호|학번|ma sinh vien|ma so sinh vien|mssv|трек|треком|трек-номер)\b"
)


# Counting aloud ("1, 2, 3, 4, 5, 6, 7") is not a number, nor the keyboard's row ("1234567890").
_COUNTING = frozenset(
    seq[i:j] for seq in ("0123456789", "12345678910", "9876543210", "10987654321", "1234567890")
    for i in range(len(seq)) for j in range(i + 7, len(seq) + 1)
)

# Regions whose national numbers are written without a trunk "0" (or, in Brazil and India, often are).
_NO_TRUNK_PREFIX = frozenset({"US", "CA", "ES", "MX", "IT", "DK", "NO", "GR", "PT", "BR", "IN"})


@dataclass(frozen=True, slots=True)
class _Group:
    start: int
    end: int
    digits: str


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _digits_before(text: str, end: int) -> int:
    """How many digits the run of digit groups ending (before separators) at ``end`` holds, as
    ``_RUN`` joins them; a backward scan that stops at 17, the most one phone number has."""
    count = 0
    i = end
    while count < 17:
        gap = i
        while i > 0 and _SEPARATOR.match(text, i - 1) is not None and gap - i < 12:
            i -= 1
        if i == 0 or not text[i - 1].isdigit():
            break
        while i > 0 and text[i - 1].isdigit():
            i -= 1
            count += 1
    return count


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


# "my number is" / "call me at" right before a run: its groups may be set apart by commas
# ("my number is 206, 555, 0173"). (Tighter than _NUMBER_CUE_BEFORE, which may stand a few words
# off: "my number of days clean: 120, 121, 122" is a list.)
_CUE_BEFORE_RUN = re.compile(
    r"(?:\b(?:my|ur|your|her|his|the|our)[ \t]+(?:phone[ \t]+|cell[ \t]+|mobile[ \t]+)?(?:number|num|digits|cell|phone)"
    r"[ \t]*(?:is|'s|:|=|-)?|\b(?:call|text|txt|ring|whatsapp|wa)[ \t]+(?:me[ \t]+)?(?:at|on)?)[ \t]*\Z"
)


def _hard_break(sep: str, left: str, right: str, cued: bool = False) -> bool:
    """Separators that end a number: brackets, semicolons, double dashes, and commas or
    sentence stops between multi-digit groups (commas between groups of up to four digits do
    not, after a phone word: ``cued``)."""
    if any(c in sep for c in "[];") or "--" in sep:
        return True
    if re.fullmatch(r"\.\s+", sep) and len(left) > 1 and len(right) > 1:
        return True
    if "," in sep and len(left) > 1 and len(right) > 1 and not (cued and len(left) <= 4 and len(right) <= 4):
        return True
    if "," in sep and _YEAR.fullmatch(left):
        return True  # "saved me in 2020, 1-866-488-7386": a year, then a number
    if sep.strip() == "|" and sep != "|" and (_YEAR.fullmatch(left) or _YEAR.fullmatch(right)):
        return True  # "in recovery since 2021 | 988 if you need it": a spaced bar after a year divides
    return False


def _counts_up(groups: list[_Group]) -> bool:
    """True when a run opens by counting aloud, one up at a time ("one two three four five six
    seven eight nine ten... 212 of them"): five small numbers or more, each one more than the last,
    and too few digits after them for a phone number of their own."""
    steps = 0
    for a, b in itertools.pairwise(groups):
        if len(a.digits) > 2 or len(b.digits) > 2 or int(b.digits) != int(a.digits) + 1:
            break
        steps += 1
    return steps >= 4 and sum(len(g.digits) for g in groups[steps + 1:]) < 7


class PhoneDetector(Detector):
    """Phone numbers in any spelling."""

    name = "phone"
    min_confidence = 0.6

    def __init__(self, resources: Resources) -> None:
        super().__init__(resources)
        self._spelled = self.prefilter([self._number_words, self._weak_runs], whole_text=True)

    def candidates(self, views: Views, context: Context) -> Iterator[Candidate]:
        """Runs of digits that read as phone numbers."""
        joined = views.joined.text
        digit_count = len(_DIGIT.findall(views.norm.text))
        # (the compiled scan first: the search of every language's number words costs more)
        spelled = self._spelled.candidates(joined)
        has_words = (0 in spelled and self._number_words.search(joined) is not None) or (
            1 in spelled and self._weak_runs.search(joined) is not None)
        if digit_count < 3 and not has_words:
            return  # (most messages: the cheapest way out)
        mixed_token = _MIXED.search(joined) is not None
        if 3 <= digit_count < 7 and not has_words and mixed_token:
            # number words glued to digits ("2o6 5five5 o1nine8") count too
            digit_count += glued_word_digits(joined, self.resources.numbers)
        if digit_count < 7 and (not has_words or digit_count + self._number_word_count(joined, 7 - digit_count) < 7):
            return  # not enough digits or number words for any phone number
        # Without number words (or letters glued to digits, "o1o2", "0l92") the digits view is
        # the joined view: skip building it.
        mixed = mixed_token and has_mixed_number(joined, self.resources.numbers)
        view = views.digits if mixed or (has_words and (
            self._words_may_join(joined)
            # groups of number words with fillers between ("five one zero then seven four eight")
            or (_FILLER_WORD.search(joined) is not None and self._numbers_around_filler(joined))
        )) else views.joined
        # (after a phone word, or between number words: "five one zero then seven four eight ...")
        if _FILLER_BETWEEN.search(view.text) is not None and (
                _PHONE_WORDS.search(view.text) is not None or (view is views.digits and has_words)):
            view = self._fillers_read(view)
        text = view.text
        original = views.original

        def mask(match: re.Match[str]) -> str:
            # a date or price spelled out in number words is a disguise, not a date
            a, b = view.to_original(match.start(), match.end())
            if re.search(r"[^\W\d_]{2}", original[a:b]):
                return match.group()
            return "z" * len(match.group())

        in_parts = self._in_parts(view)
        if in_parts is not None:
            yield in_parts
        if _SEVEN_DIGIT_RUN.search(text) is None:
            return  # masking only shortens runs: none can hold a phone number
        masked = _MASKS.sub(mask, text)
        for run in _RUN.finditer(masked):
            yield from self._split_run(view, masked, run.start(), run.end(), views)

    @staticmethod
    def _in_parts(view: View) -> Candidate | None:
        """A number given in parts, each after a word that says which ("it starts 0161, the
        middle is 496 and it ends 4932", "area code 312 ... last four 0166"): two parts after a
        phone word, or three, that add up to a phone number's length."""
        text = view.text
        parts = list(itertools.islice(_PART.finditer(text), 8))
        if len(parts) < 2:
            return None
        digits = "".join(_DIGIT.findall("".join(m.group("digits") for m in parts)))
        if not 7 <= len(digits) <= 15 or (len(parts) < 3 and _PHONE_WORDS.search(text) is None):
            return None
        return Candidate(Kind.PHONE, view, parts[0].start("digits"), parts[-1].end("digits"), "phone.in_parts",
                         0.8, digits)

    def _number_word_count(self, text: str, need: int) -> int:
        """How many digits the number words of a text spell (glued or not), counted until
        ``need`` is reached: a cheap bound, called only when the text holds at least one number
        word."""
        if len(text) < 14:
            return 0
        numbers = self.resources.numbers
        count = 0
        # every run of glued number words ("fivefivefive0148") counts the digits it spells
        for run in self._glued_words.finditer(text):
            pieces = numbers.segment(run.group())
            count += sum(len(p[0]) for p in pieces) if pieces else 1
            if count >= need:
                return count
        for token in _WORD.finditer(text):
            word = token.group()
            if word in numbers.weak:
                count += 1
            elif word in numbers.multipliers:
                count += numbers.multipliers[word] - 1  # "double five": two digits from one word
            elif not word.isascii() and word not in numbers.words:
                # digits glued without spaces ("공일공", "是五五五零一二三加我"): not in the runs
                # above when every one of them is also an ordinary syllable
                count += len(numbers.glued_digits(word))
            if count >= need:
                return count
        return count

    def _words_may_join(self, text: str) -> bool:
        """True when number words in ``text`` may be part of a phone number: read as digits, some
        chain of number words and digits (joined only by separators) or a glued run of number
        words ("fivefive0148") spells seven digits or more. A number word standing alone among
        other words ("no one", "once", "my score went from 50 to 35") becomes a short digit group
        that no separator joins to another, so the ``digits`` view cannot add a phone number."""
        numbers = self.resources.numbers
        for chain in self._word_chains.finditer(text):
            # digits right before the first word join it too ("555 01 nine two ...")
            count = _digits_before(text, chain.start())
            multiplier = 0
            tokens = _CHAIN_TOKEN.findall(chain.group())
            # weak words ("to", "o", "un") are read only beside a short digit group or a strong
            # word, or three number tokens in a row ("text HOME to 741741" stays as typed)
            strong = count > 0 or len(tokens) >= 3
            for token in tokens:
                if token[0].isdigit():
                    count += len(token)
                    strong = strong or len(token) <= 4
                elif token in numbers.multipliers:
                    multiplier = numbers.multipliers[token]
                    strong = True
                    continue
                else:
                    digits = numbers.words.get(token)
                    if digits is None and not token.isascii():
                        digits = numbers.glued_digits(token)  # "공일공", "五五五零"
                    count += len(digits or "") * max(1, multiplier)
                    strong = strong or token not in numbers.weak
                multiplier = 0
                if count >= 7 and strong:
                    return True  # (both only grow along the chain: the answer is settled)
        for run in self._glued_words.finditer(text):
            pieces = numbers.segment(run.group())
            if pieces is not None and len(pieces) > 1:
                return True
        return False

    @cached_property
    def _word_chains(self) -> re.Pattern[str]:
        # Number tokens (digits, number words, multipliers) joined by what joins a digit run (or
        # the "y"/"e" of "cincuenta y dos"), holding at least one word: the places where the
        # ``digits`` view differs from ``joined``.
        numbers = self.resources.numbers
        word = trie_alternation([*numbers.words, *numbers.multipliers]) + r"(?![a-z0-9])"
        token = rf"(?:\d+(?![a-z0-9])|{word})"
        return re.compile(
            rf"(?<![a-z0-9]){word}(?:(?:{_SEPARATORS}{{0,12}}|[ \t]+[ye][ \t]+){token})*"
        )

    def _numbers_around_filler(self, text: str) -> bool:
        """True when a filler word stands between two number words or digits ("zero then seven")."""
        words = self.resources.numbers.words
        for match in _FILLER_WORD.finditer(text):
            before = _TOKEN_BEFORE_FILLER.search(text, max(0, match.start() - 24), match.start())
            after = _TOKEN_AFTER_FILLER.match(text, match.end())
            if before is None or after is None:
                continue
            left, right = before.group(1), after.group(1)
            if (left.isdigit() or left in words) and (right.isdigit() or right in words):
                return True
        return False

    def _fillers_read(self, view: View) -> View:
        """``view`` with filler words between phone-sized digit groups read as separators ("my
        number is 555 then 0192 then 334"). Groups of 2-4 digits only, and no crisis line:
        "call 988 and then 741741" stays two numbers."""
        text = view.text
        crisis = self.resources.crisis_numbers
        edits = []
        for match in _FILLER_BETWEEN.finditer(text):
            before = _GROUP_BEFORE.search(text, max(0, match.start() - 10), match.start())  # bounded
            after = _GROUP_AFTER.match(text, match.end(), match.end() + 10)
            if before is None or after is None:
                continue
            left, right = _GROUP_SEPARATORS.sub("", before.group()), _GROUP_SEPARATORS.sub("", after.group())
            # (a leading trunk zero makes a first group of five: "07700 and then 900 and then 263")
            left_max = 5 if left.startswith("0") else 4
            if 2 <= len(left) <= left_max and 2 <= len(right) <= 4 and left not in crisis and right not in crisis:
                edits.append((match.start(), match.end(), " "))
        return view.rewrite(view.name, edits)

    @cached_property
    def _glued_words(self) -> re.Pattern[str]:
        numbers = self.resources.numbers
        words = trie_alternation(w for w in numbers.words if w not in numbers.weak)
        return re.compile(rf"(?<![a-z]){words}(?:{words}|[a-z]|\d)*")

    @cached_property
    def _number_words(self) -> re.Pattern[str]:
        # Words that start a token; weak words ("o", "to", "un") are left out of this bound.
        numbers = self.resources.numbers
        return re.compile(r"\b" + trie_alternation(w for w in numbers.words if w not in numbers.weak))

    @cached_property
    def _weak_runs(self) -> re.Pattern[str]:
        # Three weak words in a row ("không chín không": every Vietnamese number word is also an
        # ordinary word), or glued in the scripts that write digits without spaces ("공일공",
        # "五五五零"): read as digits all the same (see normalize.read_number_words).
        numbers = self.resources.numbers
        latin = trie_alternation(w for w in numbers.run_words if w.isascii())
        other = trie_alternation(w for w in numbers.run_words if not w.isascii())
        return re.compile(rf"(?<![^\W\d_])(?:{latin})(?:[ \t,.\-]+(?:{latin})){{2}}(?![^\W\d_])"
                          rf"|(?:{other})(?:[ \t,.\-]*(?:{other})){{2}}"
                          # two glued beside digits ("ศูนย์แปด 1 2 3 4 ห้าหก 7 8")
                          rf"|(?:{other}){{2}}[ \t,.\-]*\d|\d[ \t,.\-]*(?:{other}){{2}}")

    def _split_run(
        self, view: View, masked: str, start: int, end: int, views: Views
    ) -> Iterator[Candidate]:
        # A run of more than 40 groups is a wall of digits (see below) whatever it holds: read at
        # most 41 of them, so a megabyte of spaced digits costs no more than its scan.
        groups = [
            _Group(m.start(), m.end(), m.group())
            for m in itertools.islice(_GROUP.finditer(masked, start, end), _MAX_GROUPS + 1)
        ]
        if len(groups) > _MAX_GROUPS:
            return
        total = sum(len(g.digits) for g in groups)
        if total < 7 or "4815162342" in "".join(g.digits for g in groups):
            return  # too short, or the numbers of "Lost" ("4 8 15 16 23 42")
        original = views.original
        orig_start, orig_end = view.to_original(start, end)
        spelled = re.search(r"[^\W\d_x]", original[orig_start:orig_end].lower()) is not None or (
            len(groups) >= 7 and all(len(g.digits) == 1 for g in groups)
        )
        if spelled and total <= 15:
            # A number spelled out in words is one number, however it is grouped.
            cand = self._score(view, masked, groups, views, spelled=True)
            if cand is not None:
                yield cand
            return
        sizes = [len(g.digits) for g in groups]
        if sizes == [4, 4, 4, 4] or (len(groups) == 1 and 13 <= total <= 19 and _luhn(groups[0].digits)):
            return  # a card number
        if len(groups) == 1 and total > 15:
            return  # a long id (IBAN, account), never one phone number
        if total > 80:
            return  # a wall of digits (a table, a list, adversarial input), not a phone number

        cued = _CUE_BEFORE_RUN.search(masked, max(0, start - 40), start) is not None

        def best_from(i: int) -> tuple[Candidate | None, int]:
            best: Candidate | None = None
            best_j = i
            count = 0
            for j in range(i, len(groups)):
                if j > i:
                    sep = masked[groups[j - 1].end : groups[j].start]
                    if _hard_break(sep, groups[j - 1].digits, groups[j].digits, cued):
                        break
                count += len(groups[j].digits)
                if count > 17:
                    break
                if count >= 7:
                    cand = self._score(view, masked, groups[i : j + 1], views, spelled=False)
                    if cand is not None and cand.rule in _SETTLED:
                        return cand, j
                    if cand is not None and (best is None or cand.confidence >= best.confidence):
                        best, best_j = cand, j
            return best, best_j

        i = 0
        while i < len(groups):
            best, best_j = best_from(i)
            # a clearly better number starting inside this one wins ("20241 440-600-5124": a zip
            # code, then the number)
            shifted = False
            if best is not None and best.rule not in _SETTLED:
                for k in range(i + 1, best_j + 1):
                    alt, _ = best_from(k)
                    if alt is not None and alt.confidence >= best.confidence + 0.15:
                        i, shifted = k, True
                        break
            if shifted:
                continue
            if best is None:
                i += 1
                continue
            # groups left before the next break that cannot make a number of their own belong
            # to this one ("+52 1 33 1234-5678")
            rest_end = best_j
            rest = 0
            for k in range(best_j + 1, len(groups)):
                if _hard_break(masked[groups[k - 1].end : groups[k].start], groups[k - 1].digits,
                               groups[k].digits, cued):
                    break
                rest += len(groups[k].digits)
                rest_end = k
                if rest >= 7:
                    break  # enough for a number of its own: no need to look further
            seps_after = masked[groups[best_j].end : groups[min(rest_end, len(groups) - 1)].start]
            if best.rule not in _SETTLED and 0 < rest < 7 and "x" not in seps_after and "#" not in seps_after:
                longer = self._score(view, masked, groups[i : rest_end + 1], views, spelled=False)
                if longer is not None and longer.confidence >= self.min_confidence:
                    best, best_j = longer, rest_end
            # an extension written with "x" or "#" after the number
            if best_j + 1 < len(groups):
                sep = masked[groups[best_j].end : groups[best_j + 1].start]
                if ("x" in sep or "#" in sep) and len(groups[best_j + 1].digits) <= 7:
                    best_j += 1
                    best = Candidate(best.kind, view, best.start, groups[best_j].end, best.rule,
                                     best.confidence, best.value)
            yield self._with_extension(best, masked)
            i = best_j + 1

    def _with_extension(self, cand: Candidate, masked: str) -> Candidate:
        match = re.match(r"\s*,?\s*(?:ext\.?|extension|int\.?|x)\s*:?\s*\d{1,7}", masked[cand.end :])
        if match:
            return Candidate(cand.kind, cand.view, cand.start, cand.end + match.end(), cand.rule,
                             cand.confidence, cand.value)
        return cand

    def _score(
        self, view: View, masked: str, groups: list[_Group], views: Views, spelled: bool
    ) -> Candidate | None:
        start, end = groups[0].start, groups[-1].end
        text = view.text
        # include a leading "+" or "(" and a closing ")"
        while start > 0 and text[start - 1] in "+(":
            start -= 1
        if end < len(text) and text[end] == ")" and "(" in text[start:end]:
            end += 1
        digits = "".join(g.digits for g in groups)
        raw = text[start:end]
        n = len(digits)
        if n < 7 or n > 17:
            return None
        if self._is_crisis(digits, text, end) or self._is_crisis_after_word(groups, view, views) or (
                len(groups) >= 2 and all(g.digits in self.resources.crisis_numbers for g in groups)) or (
                self._crisis_beside_label(groups)):
            # (a list of emergency numbers: "911 / 999 / 112 / 000")
            return Candidate(Kind.PHONE, view, start, end, "phone.crisis_line", 0.0, digits)
        if raw.count("(") > 2 and not spelled:
            return None
        if len(groups) >= 2 and all(len(g.digits) == 4 and g.digits[:2] in ("19", "20") for g in groups) \
                and not spelled:
            return None  # years in a row ("in 2019 2020 2021 i lost three people")
        # (after "my number is" a count is a number all the same: "9876543210" is a mobile number)
        cued = _NUMBER_CUE_BEFORE.search(text, max(0, start - 30), start) is not None
        if len(groups) >= 4 and all(len(g.digits) <= 3 for g in groups) and not cued \
                and len({int(b.digits) - int(a.digits) for a, b in itertools.pairwise(groups)}) == 1:
            return None  # counting by steps ("100 93 86 79 72 65")
        if text[end : end + 1] == "+" and not text[end + 1 : end + 2].isdigit() and not spelled:
            return None  # "since 2021 · 500+ chats": a count ("500+"), not the end of a number
        if digits == "8675309" and not spelled:
            return None  # "867-5309", the song
        if not spelled and _TOLL_FREE.fullmatch(digits) is not None and self._organisation_line(views, view, start):
            # "call usps at 1-800-275-8777": an organisation's free line, nobody's own number (settled:
            # no shorter number is looked for inside it)
            return Candidate(Kind.PHONE, view, start, end, "phone.organisation_line", 0.0, digits)
        counting = (digits in _COUNTING or _counts_up(groups)) and not cued and (
            spelled or all(len(g.digits) <= 2 for g in groups)
            # "1 2 3 4 5 6 7 8 9 10": single digits typed apart (the joined view glued them)
            or len(_SINGLE_DIGIT.findall(views.original, *view.to_original(start, end))) >= 5
        )
        if len(set(digits)) == 1 and not spelled and len(groups) > 3:
            return None
        plus = raw.lstrip("(").startswith("+")
        sizes = [len(g.digits) for g in groups]
        seps = [masked[a.end : b.start] for a, b in itertools.pairwise(groups)]
        if not cued and not spelled and any(" \u2022 " in sep or " \u00b7 " in sep for sep in seps) \
                and _PHONE_WORDS.search(text) is None and not any(e in views.original for e in _PHONE_EMOJI):
            return None  # "top listener march 2024 \U0001f3c6 \u2022 2,340 chats": items of a list, not one number
        confidence, rule, value = self._validity(digits, plus, sizes, seps)
        if spelled:
            confidence = max(confidence, 0.85 if n >= 9 else 0.7)
            rule = "phone.spelled_out" if confidence >= 0.7 else rule
        orig_start = view.to_original(start, start)[0]
        before = views.norm.text[max(0, orig_start - 45) : orig_start] if views.norm.starts is None \
            else views.original[max(0, orig_start - 45) : orig_start].lower()
        phone_context = self._context(before)
        orig_end = view.to_original(end, end)[0] if end < len(text) else len(views.original)
        if phone_context is False and _PHONE_AFTER.match(views.original[orig_end : orig_end + 30].lower()):
            phone_context = True  # "0123/456789 to call me", "555 0192 text me"
        if counting and not phone_context:
            return None  # counting aloud, unless a phone word says it is a number ("... whatsapp only")
        if phone_context is None and not plus and not spelled:
            confidence -= 0.6
        elif phone_context:
            confidence += 0.2
        if re.match(r"\s*,?\s*(?:ext\.?|extension|int\.?|x)\s*:?\s*\d", masked[end:]):
            confidence += 0.2
        if not spelled and len(groups) == 1 and n < 10 and self._glued(views.original, view, start, end):
            return None  # a short digit run inside a word: an id like "S0000001I"
        if not spelled and len(groups) == 1 and n <= 14:
            glued_on = view.to_original(start, start)[0]
            code = _CODE_PREFIX.search(views.original, max(0, glued_on - 6), glued_on)
            if code is not None and _PHONE_WORDS.fullmatch(code.group().lower()) is None:
                return None  # capitals glued before the digits: a parcel or order number ("JX1234567890")
        if self._inside_hex_token(views.original, view, start, end):
            return None
        if not plus and not spelled and n >= 13 and _luhn(digits):
            confidence -= 0.6  # card numbers
        if sizes == [4, 4, 4, 4] or (sizes == [3, 2, 4] and not phone_context):
            confidence -= 0.6  # card or social-security grouping
        if not phone_context and len(set(digits)) <= 2:
            confidence -= 0.3
        if not phone_context and all(len(g.digits) == 1 for g in groups) and all("," in sep for sep in seps):
            return None  # a list of scores or counts ("the week goes 7, 6, 8, 5, 6, 4, 6")
        if confidence <= 0:
            return None
        return Candidate(Kind.PHONE, view, start, end, rule, min(confidence, 0.99), value)

    @staticmethod
    def _context(before: str) -> bool | None:
        """True when words before the number say phone, None when they say it is another kind
        of number (ssn, passport, card ...), False when they say nothing."""
        counters = list(_NOT_PHONE_WORDS.finditer(before))
        counter = counters[-1] if counters else None
        strong_after = False
        weak = False
        for word in _PHONE_WORDS.finditer(before):
            if word.group() in _WEAK_PHONE_WORDS:
                weak = True
            elif counter is None or word.start() >= counter.end():
                strong_after = True
        if counter is not None and not strong_after:
            return None
        return strong_after or weak

    @staticmethod
    def _glued(original: str, view: View, start: int, end: int) -> bool:
        a, b = view.to_original(start, end)
        return (a > 0 and original[a - 1].isalpha()) or (b < len(original) and original[b].isalpha())

    @staticmethod
    def _inside_hex_token(original: str, view: View, start: int, end: int) -> bool:
        a, b = view.to_original(start, end)
        left = a
        while left > 0 and not original[left - 1].isspace():
            left -= 1
        right = b
        while right < len(original) and not original[right].isspace():
            right += 1
        token = original[left:right].lower()
        return len(token) >= 20 and re.fullmatch(r"[0-9a-f\-]+", token.strip(".,:;")) is not None \
            and re.search(r"[a-f]", token) is not None and token.count("-") >= 2

    def _validity(
        self, digits: str, plus: bool, sizes: list[int], seps: list[str]
    ) -> tuple[float, str, str]:
        n = len(digits)
        if plus:
            return self._international(digits, 0.95, 0.85, "phone.international")
        for prefix in ("011", "00"):
            if digits.startswith(prefix) and n - len(prefix) >= 8:
                conf, rule, value = self._international(digits[len(prefix) :], 0.9, 0.75,
                                                        "phone.international_prefix")
                if conf >= 0.75:
                    return conf, rule, value
        best = self._national(digits)
        formatted = len(sizes) > 1 and all(s.strip(" ") in {"", "-", ".", "/", ")", "("} or s in {") ", " (", ")-"} for s in seps)
        nanp = (sizes in ([3, 3, 4], [1, 3, 3, 4], [3, 7], [1, 3, 7], [3, 3, 2, 2])) and formatted
        if nanp and best[0] < 0.8:
            best = (0.8, "phone.grouped", "+1" + digits[-10:])
        if best[0] < 0.7 and len(sizes) == 1 and n in (10, 11):
            best = (0.7, "phone.ten_digits", digits)
        if best[0] < 0.65 and sizes in ([3, 4],) and formatted:
            best = (0.65, "phone.local", digits)
        if best[0] < 0.6 and len(sizes) >= 2 and 8 <= n <= 13 and formatted:
            best = (0.6, "phone.grouped_unknown", digits)
        if len(sizes) == 1 and n <= 9 and best[0] > 0.5:
            best = (0.5, best[1], best[2])  # a bare short digit string: an id unless context says phone
        return best

    @cached_property
    def _national(self) -> BoundedMemo[str, tuple[float, str, str]]:
        # A pure function of the digits (and the configured regions), and the costliest step of
        # a phone candidate: up to one libphonenumber parse per region (twelve by default) for a
        # number valid in none. Remembered: the same numbers come back (floods, reposts).
        return BoundedMemo(self._read_national, _NATIONAL_CACHE)

    def _read_national(self, digits: str) -> tuple[float, str, str]:
        """The best reading of ``digits`` as a national number of one of the configured regions."""
        n = len(digits)
        best = (0.0, "phone.unrecognised", digits)
        for region in self.resources.settings.regions:
            try:
                number = phonenumbers.parse(digits, region)
            except NumberParseException:
                continue
            if phonenumbers.is_valid_number(number):
                # Regions with a national trunk prefix write national numbers with a leading 0;
                # without it, a "valid" reading there is weak evidence.
                trunk_ok = region in _NO_TRUNK_PREFIX or digits.startswith("0")
                conf = (0.9 if n >= 10 else 0.75) if trunk_ok else 0.6
                if conf > best[0]:
                    best = (conf, f"phone.valid.{region}", _e164(number))
                    if conf >= 0.9:
                        break  # no later region can do better (the first best one is kept)
            elif best[0] < 0.5 and phonenumbers.is_possible_number(number):
                best = (0.5, f"phone.possible.{region}", _e164(number))
        return best

    def _international(self, digits: str, valid: float, possible: float, rule: str) -> tuple[float, str, str]:
        try:
            number = phonenumbers.parse("+" + digits, None)
        except NumberParseException:
            return 0.45, rule + ".unparsed", "+" + digits
        value = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if phonenumbers.is_valid_number(number):
            return valid, rule, value
        if phonenumbers.is_possible_number(number):
            return possible, rule + ".possible", value
        return 0.6, rule + ".invalid", value

    @staticmethod
    def _organisation_line(views: Views, view: View, start: int) -> bool:
        """True when the words just before a toll-free number name an organisation's line (an
        agency's initials, "customer service", "hotline") and not the writer ("call me at")."""
        a, _ = view.to_original(start, start + 1)
        before = views.original[max(0, a - 48) : a]
        if _FIRST_PERSON.search(before) is not None:
            return False  # "call me at", "my cell"
        return _ORGANISATION_CUE.search(before) is not None

    def _is_crisis_after_word(self, groups: list[_Group], view: View, views: Views) -> bool:
        """True when a crisis line follows a weak word read as a digit: "text HOME to seven four
        one seven four one" ("to" is 2 beside number words, "for" is 4; "two ..." stays a number)."""
        if len(groups) < 2 or len(groups[0].digits) != 1:
            return False
        rest = "".join(g.digits for g in groups[1:])
        if len(rest) < 5 or rest not in self.resources.crisis_numbers:
            return False
        a, b = view.to_original(groups[0].start, groups[0].end)
        return views.original[a:b].lower() in self.resources.numbers.weak  # not "two", "five"

    def _crisis_beside_label(self, groups: list[_Group]) -> bool:
        """True when the groups are a crisis line of six digits or more beside one more group
        that names or qualifies it ("SNS 24 (808 24 24 24)", "0800 111 0 111 24/7")."""
        if len(groups) < 3:
            return False
        for rest in (groups[1:], groups[:-1]):
            digits = "".join(g.digits for g in rest)
            if len(digits) >= 6 and self._crisis_digits(digits):
                return True
        return False

    def _crisis_digits(self, digits: str) -> bool:
        """True when ``digits`` are a crisis line's, with or without leading zeros."""
        crisis = self.resources.crisis_numbers
        return digits in crisis or digits.lstrip("0") in crisis

    def _is_crisis(self, digits: str, text: str, end: int) -> bool:
        crisis = self.resources.crisis_numbers
        if self._crisis_digits(digits):
            return True
        if digits.startswith("1") and digits[1:] in crisis:
            return True
        # a line written with its country code ("+254 722 178 177", "+45 70 201 201")
        for size in (1, 2, 3):
            code, national = digits[:size], digits[size:]
            if int(code) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE and len(national) >= 6 and (
                    national in crisis or "0" + national in crisis):
                return True
        vanity = re.match(r"[-\s]?([a-z]{3,7})\b", text[end:])
        if vanity and (digits + vanity.group(1)) in self.resources.lexicon_crisis_alnum:
            return True
        return False

    def validate(self, candidate: Candidate, views: Views, context: Context) -> str | None:
        """Reject crisis lines and weak candidates."""
        if candidate.rule == "phone.organisation_line":
            return "an organisation's toll-free line"
        if candidate.rule in _SETTLED:
            return "crisis or emergency line"
        return super().validate(candidate, views, context)

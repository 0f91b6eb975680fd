"""Phone numbers in digits, number words (six languages), emoji and fullwidth digits, and the
numbers that are not phone numbers: times, dates, ages, prices, doses, counts, crisis lines."""

from __future__ import annotations

import pytest

from offsite import Kind, Surface

from ._support import check_negative, check_positive, guard, neg, pos

P = Kind.PHONE
ZW_NUMBER = "5\u200b5\u200b5 0\u200b1\u200b9 2\u200b3\u200b3\u200b4"

POSITIVES = [
    pos("call my cell 888-555-0142 after 6", ["888-555-0142"], P),
    # (u17c, u17e) groups read past remarks in brackets and fillers after dashed digits; Swedish number words
    pos("my number's 07700 (the boring bit) 900 (the bit everyone forgets) 461 — text dont call",
        ["07700 (the boring bit) 900 (the bit everyone forgets) 461"], P),
    pos("mi número: seis-uno-nueve, luego 47, luego ochenta y dos, y trece",
        ["seis-uno-nueve, luego 47, luego ochenta y dos, y trece"], P),
    pos("får jag ge dig mitt nummer? noll sju tre, fyra fyra fem, sex sju åtta",
        ["noll sju tre, fyra fyra fem, sex sju åtta"], P),
    # fifteenth session (u15b): digit groups on lines of their own
    pos("the filter here is so dumb watch\n9 1 7\n4 4 2\n6 1 0 8\nsee it", ["9 1 7\n4 4 2\n6 1 0 8"], P),
    pos("report me if u want lol my number is 917 555 0192", ["917 555 0192"], P),
    # twelfth session (u12a, u12c, u11b, u10b): number words in Thai (glued), Devanagari Hindi,
    # Hebrew, Persian, Greek (tens too) and katakana; groups set apart by commas after "my number
    # is"; a count after "my number is" is a number
    pos("เบอร์เราศูนย์แปดหนึ่ง สองสามสี่ ห้าหกเจ็ดแปด โทรมาได้ตลอดนะ", ["ศูนย์แปดหนึ่ง สองสามสี่ ห้าหกเจ็ดแปด"], P),
    pos("เบอร์เรา ศูนย์แปด 1 2 3 4 ห้าหก 7 8", ["ศูนย์แปด 1 2 3 4 ห้าหก 7 8"], P),
    pos("मेरा नंबर नौ आठ सात छह, पांच चार तीन, दो एक शून्य है, कॉल करना",
        ["नौ आठ सात छह, पांच चार तीन, दो एक शून्य"], P),
    pos("מספר שלי אפס חמש ארבע שתיים שלוש ארבע חמש שש שבע שמונה", ["אפס חמש ארבע שתיים שלוש ארבע חמש שש שבע שמונה"], P),
    pos("شماره من صفر نه یک دو سه چهار پنج شش هفت هشت نه", ["صفر نه یک دو سه چهار پنج شش هفت هشت نه"], P),
    pos("το κινητό μου: έξι εννιά, τριάντα τέσσερα, πενήντα έξι, εβδομήντα οχτώ, ενενήντα",
        ["έξι εννιά, τριάντα τέσσερα, πενήντα έξι, εβδομήντα οχτώ, ενενήντα"], P),
    pos("電話番号は ゼロキューゼロ、イチニーサンヨン、ゴーロクナナハチ",
        ["ゼロキューゼロ、イチニーサンヨン、ゴーロクナナハチ"], P),
    pos("my number is 2 0 6, 5 5 5, 0 1 7 3 but dont tell anyone lol", ["2 0 6, 5 5 5, 0 1 7 3"], P),
    pos("my number is 9876543210", ["9876543210"], P),
    pos("5\n5\n5\n2\n0\n1\n8\n8\n4\n3", ["5\n5\n5\n2\n0\n1\n8\n8\n4\n3"], P),
    pos("namba yangu: sifuri saba moja mbili, tatu nne tano, sita saba nane",
        ["sifuri saba moja mbili, tatu nne tano, sita saba nane"], P),
    # eleventh session (u11a): digits spelled in Vietnamese, Korean, Chinese and Japanese (every
    # one also an ordinary word or syllable: three in a row, or glued, make a number); hundreds
    # in two words (Turkish); a number given in parts
    pos("zalo mình: không chín không, năm năm năm, không một hai ba",
        ["không chín không, năm năm năm, không một hai ba"], P),
    pos("번호 공일공 오오오오 공일이삼 으로 문자해", ["공일공 오오오오 공일이삼"], P),
    pos("我QQ：五五五零一二三四五，加我时备注一下", ["五五五零一二三四五"], P),
    pos("我的微信号是五五五零一二三四五六加我", ["五五五零一二三四五六"], P),
    pos("電話番号は ぜろはちぜろ、ごーごーごーぜろ、いちにーさんよん だよ",
        ["ぜろはちぜろ、ごーごーごーぜろ、いちにーさんよん"], P),
    pos("+90 beş yüz elli beş 3 1 2 4 4 0 8", ["+90 beş yüz elli beş 3 1 2 4 4 0 8"], P),
    pos("number ends in 4471, first part is 917 555", ["4471, first part is 917 555"], P),
    pos("i can't say my number here but it starts 0161, the middle is 496 and it ends 4932",
        ["0161, the middle is 496 and it ends 4932"], P),
    pos("the last four are 0166 and the area code is 312 and the middle is 555",
        ["0166 and the area code is 312 and the middle is 555"], P),
    # ninth session (u9b): groups of spelled digits with fillers between; "(space)"; "trente et un"
    pos("last time it blocked me so: five one zero then seven four eight then 0 0 3 9",
        ["five one zero then seven four eight then 0 0 3 9"], P),
    pos("number is 2 0 6 (space) 7 7 3 (space) 1 4 8 0", ["2 0 6 (space) 7 7 3 (space) 1 4 8 0"], P),
    # tenth session (u10a): number words in Russian and Arabic (the Arabic comma is a comma)
    pos("номер: восемь девятьсот двенадцать, три четыре пять, шесть семь, восемь девять",
        ["восемь девятьсот двенадцать, три четыре пять, шесть семь, восемь девять"], P),
    pos("رقمي: صفر خمسة واحد، اثنين ثلاثة أربعة، خمسة ستة سبعة",
        ["صفر خمسة واحد، اثنين ثلاثة أربعة، خمسة ستة سبعة"], P),
    # tenth session (u10a): "dash" between digit groups
    pos("my number is 0 8 1 2 dash 3 3 4 4 dash 5 5 6 6", ["0 8 1 2 dash 3 3 4 4 dash 5 5 6 6"], P),
    pos("mon tel : zéro sept, double six, trente et un, vingt-deux, quatre-vingt-dix",
        ["zéro sept, double six, trente et un, vingt-deux, quatre-vingt-dix"], P),
    pos("my number is 07700 and then 900 and then 263, please text", ["07700 and then 900 and then 263"], P),
    pos("call me 555-014-2287", ["555-014-2287"], P),
    pos("my number is (555) 014-2287", ["(555) 014-2287"], P),
    pos("text me 555.019.4410 if the app goes down", ["555.019.4410"], P),
    pos("+44 7700 900123", ["+44 7700 900123"], P),
    pos("+55 11 91234-5678 é meu zap", ["+55 11 91234-5678"], P),
    pos("appelle-moi au 06 39 98 12 34", ["06 39 98 12 34"], P),
    pos("ruf mich an 0151 23456789", ["0151 23456789"], P),
    pos("0491 570 156 is my mobile", ["0491 570 156"], P),
    pos("5 5 5 0 1 9 2 3 3 4", ["5 5 5 0 1 9 2 3 3 4"], P),
    pos(
        "text me five five five oh one nine two three three four",
        ["five five five oh one nine two three three four"],
        P,
    ),
    pos(
        "call me at double five five oh one nine two triple seven",
        ["double five five oh one nine two triple seven"],
        P,
    ),
    pos(
        "mi número: cinco cinco cinco cero uno nueve dos tres tres cuatro",
        ["cinco cinco cinco cero uno nueve dos tres tres cuatro"],
        P,
    ),
    pos(
        "meu número é cinco cinco cinco zero um nove dois três três quatro",
        ["cinco cinco cinco zero um nove dois três três quatro"],
        P,
    ),
    pos(
        "mon numéro : zéro six trois neuf neuf huit un deux trois quatre",
        ["zéro six trois neuf neuf huit un deux trois quatre"],
        P,
    ),
    pos(
        "mon numéro c'est zéro six trente-neuf quatre-vingt-dix-huit douze trente-quatre",
        ["zéro six trente-neuf quatre-vingt-dix-huit douze trente-quatre"],
        P,
    ),
    pos(
        "ruf mich an: null eins sieben sechs eins zwei drei vier fünf sechs sieben",
        ["null eins sieben sechs eins zwei drei vier fünf sechs sieben"],
        P,
    ),
    pos(
        "il mio numero è tre quattro sette uno due tre quattro cinque sei sette",
        ["tre quattro sette uno due tre quattro cinque sei sette"],
        P,
    ),
    pos("text me 555 zero one nine two three three four", ["555 zero one nine two three three four"], P),
    pos("fivefivefive 0192334", ["fivefivefive 0192334"], P),
    pos("FOUR ONE FIVE E I G H T 9 0 1 2 3", ["FOUR ONE FIVE E I G H T 9 0 1 2 3"], P),
    # emoji keycap digits
    pos("5️⃣5️⃣5️⃣0️⃣1️⃣9️⃣2️⃣3️⃣3️⃣4️⃣", ["5️⃣5️⃣5️⃣0️⃣1️⃣9️⃣2️⃣3️⃣3️⃣4️⃣"], P),
    # fullwidth and circled digits
    pos("text me ５５５０１９２３３４", ["５５５０１９２３３４"], P),
    pos("my cell ⑤⑤⑤-⓪①⑨-②③③④", ["⑤⑤⑤-⓪①⑨-②③③④"], P),
    # zero-width spaces between the digits
    pos(ZW_NUMBER, [ZW_NUMBER], P),
    # O for 0 and l for 1
    pos("my number is 555 O19 2334", ["555 O19 2334"], P),
    pos("my cell is 555-0l92-334", ["555-0l92-334"], P),
    pos("mijn nummer is nul zes, eenentwintig, negenenveertig, dertig, zeventien",
        ["nul zes, eenentwintig, negenenveertig, dertig, zeventien"], P),
    pos("its area code 917 and then 555 0121", ["917 and then 555 0121"], P),
    pos("番号は０８０ー１２３４ー５６７８です", ["０８０ー１２３４ー５６７８"], P),
    pos("te lo scrivo: tre tre otto, quattrocentododici, cinquantasette, ottantuno. chiamami",
        ["tre tre otto, quattrocentododici, cinquantasette, ottantuno"], P),
    pos("aponta: novecentos e dezanove, duzentos e trinta e quatro, quinhentos e sessenta e sete",
        ["novecentos e dezanove, duzentos e trinta e quatro, quinhentos e sessenta e sete"], P),
    pos("mój numer: pięćset jeden, dwieście trzydzieści, czterysta dziewięćdziesiąt osiem",
        ["pięćset jeden, dwieście trzydzieści, czterysta dziewięćdziesiąt osiem"], P),
    # counting aloud, then a number of its own: still a phone number
    pos("one two three four five six seven, 555 0192", ["one two three four five six seven, 555 0192"], P),
]

NEGATIVES = [
    # (u17d) an organisation's toll-free line named with it (the writer's own is still a number: below)
    neg("the package with my meds still isn't here. the pharmacy told me to call usps at 1-800-275-8777"),
    neg("i KNOW it's a scam, the real irs number on irs.gov is 800-829-1040 and they never call"),
    # (u17c, u17d, u17e, u17f) an ISBN, lottery numbers, a booking, a parcel, a police report, a month
    # and a year, an order number in Korean
    neg("ISBN of the book my therapist recommended: 978-0-14-303943-3. its about anxiety"),
    neg("the lottery numbers were 04 11 23 37 45 and my uncle was off by one"),
    neg("my brother's in jail and the inmate lookup says booking #24-118907. visiting is sunday 1-3"),
    neg("numer przesyłki 6200123456789 i inpost mówi że paczkomat pełny"),
    neg("era verdad, me clonaron la tarjeta. denuncia número 2024/0033918"),
    neg("member since 03/2022. 1,204 days of showing up for myself", Surface.PROFILE),
    neg("주문번호 2024-0913-77 아직도 배송 안 됨"),
    neg("sex ed class at 3, i am 17"),
    # (u17a, u17b) a range after "from"; Vietnamese "từ" (since) before a year
    neg("my rank went from 1850 to 1620 in one night i want to throw my controller"),
    neg("listener từ 2021 • 700 cuộc trò chuyện • 4,9 sao • online 20h–23h", Surface.PROFILE),
    # (u17d) support lines of Japan, Germany and the US military (crisis.toml)
    neg("つらい時は いのちSOS（0120-061-338）へ", Surface.PROFILE),
    neg("Sucht & Drogen Hotline: 01806 313031. Keine privaten Nummern", Surface.PROFILE),
    neg("Military OneSource: 800-342-9647. I'm here Mon/Wed/Fri.", Surface.PROFILE),
    neg("top listener march 2024 \U0001f3c6 \u2022 2,340 chats \u2022 avg rating 4.95", Surface.PROFILE),
    neg("Hypertension at 41 (160/100 at diagnosis \U0001f643). Work stress is real.", Surface.PROFILE),
    # sixteenth session (u16a, u16b): counting aloud, a year range with an en dash, opening hours
    # with dots, a year after "since" in a bio, a game seed, the local part of a vanity crisis line
    neg("i counted the tiles on my ceiling. one two three four five six seven eight nine ten... 212 of them"),
    neg("dad, veteran (2004\u20132012, two deployments). Vets: call 988 and press 1. that line saved me."),
    neg("pendengar \U0001f33c | 25 th | bandung | online jam 19.00-22.00 WIB | maaf, gak bisa kasih nomor wa",
        Surface.PROFILE),
    neg("\u00e9coutant depuis 2019 \u2022 600 discussions \u2022 fuseau UTC+1 \u2022 fan de th\u00e9", Surface.PROFILE),
    neg("luisteraar sinds 2022 \u2022 400 gesprekken \u2022 tijdzone CET", Surface.PROFILE),
    neg("the minecraft seed was -1882789133 and the world was so pretty"),
    neg("au qu\u00e9bec c'est le 1 866 APPELLE (277-3553), je l'ai trouv\u00e9 sur le site du gouvernement"),
    # fifteenth session (u15b): a crisis line beside a number that names it, a report number
    neg("portugal · se estiveres em crise liga para o SNS 24 (808 24 24 24) ou 112", Surface.PROFILE),
    neg("kids & jugendliche: nummer gegen kummer 116 111 · eltern: 0800 111 0 550", Surface.PROFILE),
    neg("the police report number is 24-118392 and they still haven't called back"),
    neg("argentina: 135 (gratis desde CABA y GBA) o 0800 345 1435. no estás sol@", Surface.ROOM),
    # twelfth session: a year before a crisis line, crisis lines with their country code, a parcel
    # number, a count
    neg("the trevor project saved me in 2020, 1-866-488-7386 if anyone needs it"),
    neg("nilipiga simu Befrienders Kenya +254 722 178 177 jana usiku, walinisaidia sana"),
    neg("Livslinien 70 201 201 hjalp mig i nat"),
    neg("nomor resi paketku JX1234567890 udah seminggu nggak gerak"),
    neg("counting down 9 8 7 6 5 4 3 2 1 0 liftoff"),
    neg("my number of days clean: 120, 121, 122"),
    neg("tuko watu tatu nyumbani, mimi ni wa saba darasani"),
    # eleventh session: look-alikes of the rows above
    neg("tôi không biết, năm nay tôi hai mươi tuổi"),
    neg("이 사이에 오이 삼 일 동안 먹었어"),
    neg("我今年二十三岁，一九九八年出生"),
    neg("to to to for for 2023"),
    neg("lolo ohoh toto 55"),
    neg("my number is 4, the class starts at 900 and ends at 1130"),
    neg("the game starts at 1930 and ends 2200, my number one fan"),
    neg("beş yüz lira verdim, çok pahalı"),
    neg("the score was 3 dash 2 and then 4 dash 1 in the 2019 final"),
    neg("у меня пять кошек и две собаки, а брату семь лет и восемь месяцев"),
    neg("у меня заказ на озоне с треком 80012345678901 потерялся"),
    neg("学号 2021183047 太长了记不住"),
    neg("수험번호 0412-3371 외우느라 고생했어"),
    neg("mã sinh viên 2151060347 dài quá ko nhớ nổi"),
    neg("в классе двадцать три ученика, пять учителей, девять кабинетов и три этажа"),
    neg("عندي ثلاثة اخوة، واحد منهم عمره خمسة وعشرين"),
    neg("اشتريت اربعة كتب، ستة اقلام، وسبعة دفاتر"),
    neg("ages 12 dash 15 and 16 dash 18 welcome"),
    neg("i was five then six then seven years old"),
    neg("we did three sets then four sets then five sets of ten"),
    neg("el filtro me borró un mensaje porque puse la fecha 12 03 2024, qué risa"),
    # ninth session (u8e): a list of emergency numbers; a pharmacy refill number
    neg("if you're in danger call your local emergency number (911 / 999 / 112 / 000)"),
    neg("the pharmacy said my refill number is 6120447 and it won't be ready til friday"),
    neg("I'm going to try the Breathing Space line, 0800 83 85 87"),
    neg("In Nederland is De Luisterlijn er ook, 088 0767 000"),
    neg("text H O M E to seven four one seven four one if talking out loud is too hard"),
    neg("NAMI helpline is 1-800-950-6264, they're good for parents too"),
    neg("in recovery since 2021 | 988 if you need it | here to listen"),
    neg("CALM is on 0800 58 58 58, they're really good"),
    neg("papyrus hopelineuk is 0800 068 4141 if you're under 35"),
    neg("meet me at 5:30"),
    neg("the meeting is 10:30-11:45 on 3/14/2024"),
    neg("see you on 3/14/2024"),
    neg("the appointment is 2024-03-14 at 10:00"),
    neg("born on 2008-05-17"),
    neg("i'm 16"),
    neg("i'm 16 and she's 17"),
    neg("it was $19.99"),
    neg("i get paid $1,250.00 every 2 weeks"),
    neg("i take 50mg of sertraline twice a day"),
    neg("i have 3 cats and 2 dogs"),
    neg("i've been clean for 555 days"),
    neg("back in 2019 i moved"),
    neg("between 1999 and 2005 i lived there"),
    neg("i have an iphone 15"),
    neg("my iphone 15 pro max has 256 gb"),
    neg("updated to version 17.4.1"),
    neg("call 988 if you need to"),
    neg("nine eight eight helped me"),
    neg("text HOME to 741741"),
    neg("call 1-800-273-8255 anytime"),
    neg("samaritans are on 116 123"),
    neg("call the trevor project at 1-866-488-7386"),
    neg("call 911"),
    neg("my order number is 1234567890"),
    neg("my student id is 20231234567"),
    neg("the flight is BA 2490 at 14:05"),
    neg("psalm 23:4 and john 3:16"),
    neg("breathe in for 4, hold for 7, out for 8"),
    neg("count with me: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10"),
    neg("pi is 3.14159265"),
    neg("i scored 1450 on the sat"),
    neg("please don't share your number here"),
    neg("room 1204 is on floor 12", Surface.ROOM),
    neg("gaji cuma 3.500.000 sebulan, kos aja 1.200.000"),
    neg("mi pedido es el 405-3827716-2290145 y sigue sin llegar"),
    neg("4 8 15 16 23 42 lol anyone else rewatching lost"),
    neg("iCall ka number 9152987821 hai, counsellors bahut ache hain"),
    neg("so far the week goes 7, 6, 8, 5, 6, 4, 6. The pharmacy"),
    neg("the DHL waybill is 1234567890 and it's sitting in customs"),
    neg("roll no. 2207114523 — results out tomorrow"),
    neg("SADAG in south africa: 0800 567 567, they have a suicide crisis line"),
    neg("sto bene grazie, cento per cento"),
    neg("ho pagato cinquecento euro"),
]


@pytest.mark.parametrize(("text", "spans", "kind", "surface"), POSITIVES)
def test_finds_phone(text: str, spans: tuple[str, ...], kind: Kind, surface: Surface) -> None:
    """Numbers in any spelling are found and located."""
    check_positive("phone", text, spans, kind, surface)


@pytest.mark.parametrize(("text", "surface"), NEGATIVES)
def test_ignores_other_numbers(text: str, surface: Surface) -> None:
    """Times, dates, ages, prices, doses, counts, ids and crisis lines are not contact."""
    check_negative("phone", text, surface)


def test_international_value_is_e164() -> None:
    """An international number's canonical value is its E.164 form."""
    found = guard().detect("+44 7700 900123").findings
    assert [(f.kind, f.value) for f in found] == [(Kind.PHONE, "+447700900123")]


def test_crisis_line_is_traced_as_rejected() -> None:
    """A crisis number is not merely missed: the trace says why it was let through."""
    result = guard().detect("call 1-800-273-8255 anytime", explain=True)
    assert result.findings == ()
    assert any(
        step.detector == "phone" and step.outcome == "rejected" and "crisis" in step.reason
        for step in result.trace
    ), result.trace


def test_french_numbers_above_69_read_as_their_value() -> None:
    """"zéro six trente-neuf quatre-vingt-dix-huit douze trente-quatre" is 06 39 98 12 34."""
    found = guard().check("mon numéro c'est zéro six trente-neuf quatre-vingt-dix-huit douze trente-quatre").findings
    assert [f.kind for f in found] == [Kind.PHONE]
    assert (found[0].value or "").endswith("639981234")  # the region is a guess; the digits are read

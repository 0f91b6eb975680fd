"""Street addresses given as a place to meet or to write to; and numbers next to words that
only look like streets."""

from __future__ import annotations

import pytest

from offsite import Kind, Surface

from ._support import check_negative, check_positive, neg, pos

A = Kind.ADDRESS

POSITIVES = [
    # (u17e, u17f) a flat after "im at"; an address after a meetup is mentioned; German "er" is no ER
    pos("er wohnt jetzt in der Lindenstraße 12, ich war gestern da", ["Lindenstraße 12"], A),
    pos("you said you're in chicago right? im at 2210 N Clark, apt 3. come by", ["2210 N Clark, apt 3"], A),
    pos("whoever was asking about the meetup, its at 2210 west ellison ave, apt 4, bring snacks",
        ["2210 west ellison ave, apt 4"], A, Surface.ROOM),
    # (u16e, u16f) a house named right after "at my house,"; a flat after "i live at"
    pos("i host a support group irl at my house, 14 maple court, sundays at 4, all welcome", ["14 maple court"], A,
        Surface.PROFILE),
    pos("i live at 88 harbor view apt 3b, if u ever come to the city u can stay", ["88 harbor view apt 3b"], A),
    # sixteenth session (u16a): addresses in Chinese, Japanese and Korean (block numbers, a road's number)
    pos("うちの住所は世田谷区桜新町2-14-3だよ、近い人いたら会おうよ",
        ["\u4e16\u7530\u8c37\u533a\u685c\u65b0\u753a2-14-3"], A),
    pos("渋谷区道玄坂1丁目2番3号に来て", ["渋谷区道玄坂1丁目2番3号"], A),
    pos("我家在北京市朝阳区建国路88号", ["北京市朝阳区建国路88号"], A),
    pos("서울시 강남구 테헤란로 123 으로 와", ["강남구 테헤란로 123"], A),
    # twelfth session (u12a, u12c): what3words, coordinates, street corners, an address after "i live"
    pos("what3words ///filled.count.soap, see u there at 5", ["///filled.count.soap"], A),
    pos("gps pin: 40.7411, -73.9897, i'm there every day at lunch", ["40.7411, -73.9897"], A),
    pos("i live at the corner of Oak & 3rd, above the laundromat, come by anytime", ["corner of Oak & 3rd"], A),
    pos("i'm in the bus shelter outside the walgreens on 9th and pine. if u can come pls come", ["9th and pine"], A),
    pos("i live like 10 min from u i think, 48 larkspur ln, u could literally walk over", ["48 larkspur ln"], A),
    # eleventh session (u11a): a public place, but someone is told to just show up
    pos("there's a park at 400 Elm St, i walk my dog there basically every day around 6. "
        "you could just show up lol", ["400 Elm St"], A),
    pos("I go to the library at 300 N Michigan Ave every saturday, you could come", ["300 N Michigan Ave"], A),
    pos("vivo en la Calle 72 #10-34, Bogotá", ["Calle 72 #10-34"], A),
    pos("mi casa: Cra. 15 No. 88-64", ["Cra. 15 No. 88-64"], A),
    pos("If you want to write, send to House 22, Road 5, Dhanmondi", ["House 22, Road 5"], A),
    pos("meet me at 42 elm street", ["42 elm street"], A),
    pos("I live at 123 Main St", ["123 Main St"], A),
    pos("3843 Peartree Road, Bamblee, SD 20241", ["3843 Peartree Road, Bamblee, SD 20241"], A),
    pos("my address is 77 oak lane, springfield", ["77 oak lane"], A),
    pos("come to 10 Downing Street", ["10 Downing Street"], A),
    pos(
        "send it to 1600 Pennsylvania Avenue NW, Washington, DC 20500",
        ["1600 Pennsylvania Avenue NW, Washington, DC 20500"],
        A,
    ),
    pos("pick me up at 5 maple ave", ["5 maple ave"], A),
    pos("i live at 12 Willow Crescent, Leeds", ["12 Willow Crescent, Leeds"], A),
    pos("my address: 45 Queen St W, Toronto", ["45 Queen St W"], A),
    pos("the house is 7 Cherry Tree Lane", ["7 Cherry Tree Lane"], A),
    pos("meet me at 18 Harbor Blvd after school", ["18 Harbor Blvd"], A),
    pos("i'm at 9 Station Rd, come over", ["9 Station Rd"], A),
    pos("visit me at 221B Baker Street", ["221B Baker Street"], A),
    pos("meet at 300 W 5th Ave", ["300 W 5th Ave"], A),
    pos("vivo en Calle Mayor 12", ["Calle Mayor 12"], A),
    pos("moro na Rua Augusta 1500", ["Rua Augusta 1500"], A),
    pos("j'habite 8 rue de Rivoli", ["8 rue de Rivoli"], A),
    pos("ich wohne in der Hauptstraße 5", ["Hauptstraße 5"], A),
    pos("i wohn in da Mariahilfer Straße 77/4, kannst gern vorbeischaun", ["Mariahilfer Straße 77"], A),
    pos("spotkajmy się pod ul. Piotrkowska 87 w sobotę", ["ul. Piotrkowska 87"], A),
    pos("ketemuan di Jl. Malioboro No. 52 aja gimana", ["Jl. Malioboro No. 52"], A),
    pos("Atatürk Mah. Gül Sok. No:7 Daire 3", ["Gül Sok. No:7"], A),
    pos("mere ghar aa jao, H.No. 214, Sector 15, Rohini", ["H.No. 214, Sector 15"], A),
]

NEGATIVES = [
    neg("the clinic? it's at 400 main street"),
    # (u17d) the address of a public institution named just before it
    neg("visita dal cardiologo al Policlinico Gemelli, largo Agostino Gemelli 8, il 18 alle 11:20"),
    neg("i have to be at the courthouse, 100 N Calvert St, room 234 at 8:30. custody hearing. wish me luck"),
    neg("die notaufnahme im Klinikum rechts der Isar, Ismaninger Str. 22, ist nachts offen"),
    neg("die wollen die unterlagen per post an die Agentur für Arbeit, Regensburger Str. 104 in Nürnberg"),
    # twelfth session: a house number with no street; corners nobody is asked to; a landmark
    neg("My house is number 7 on a street of 40 identical houses and I feel just as identical"),
    neg("my therapist is on 3rd and main, she is great"),
    neg("White House is 1600 Pennsylvania Ave, right? history homework"),
    # ninth session (u9b): public places named before their address
    neg("the food bank at 48 Harbor Road gave me groceries for the week"),
    neg("the free clinic at 1200 Franklin Ave has walk-in hours on tuesdays"),
    neg("i walked 5 miles down the road"),
    neg("i have 2 dogs on my street"),
    neg("i'm at home"),
    neg("chapter 12 way forward"),
    neg("i was in grade 10 last year"),
    neg("we live 3 streets apart"),
    neg("there are 4 ways to cope"),
    neg("i waited 20 minutes in the lane"),
    neg("it's been 3 days since i left the house"),
    neg("i ran 5k on the trail today"),
    neg("our team won 3 games in a row"),
    neg("i finished season 2 of The Crown"),
    neg("Room 101 Main Hall"),
    neg("I read 5 Books this month"),
    neg("i'm 16 and i live in London"),
    neg("age 16, she/her, GMT+1", Surface.PROFILE),
    neg("My 2 Best Friends Drive Me Crazy", Surface.PROFILE),
    neg("Top 10 Songs Way Too Sad"),
    neg("please don't post your address here", Surface.ROOM),
    neg("Die Straße 5 mal überqueren"),
    neg("my weg 12 times"),
    neg("at my house 2 dogs drive me crazy"),
    neg("i live at 2 different places, apt 3 is my moms"),
    # a ward and a score, a ward and years, "by bus" in Korean
    neg("\u6e0b\u8c37\u533a\u30673-2\u3067\u52dd\u3063\u305f"),
    neg("\u4e16\u7530\u8c37\u533a\u306b\u4f4f\u3093\u3067\u308b\u30012-3\u5e74\u524d\u304b\u3089"),
    neg("\ubc84\uc2a4\ub85c 10\ubd84 \uac78\ub824"),
]


@pytest.mark.parametrize(("text", "spans", "kind", "surface"), POSITIVES)
def test_finds_address(text: str, spans: tuple[str, ...], kind: Kind, surface: Surface) -> None:
    """Street addresses are found and located."""
    check_positive("address", text, spans, kind, surface)


@pytest.mark.parametrize(("text", "surface"), NEGATIVES)
def test_ignores_numbers_near_street_words(text: str, surface: Surface) -> None:
    """Counts, distances and title-case phrases are not addresses."""
    check_negative("address", text, surface)

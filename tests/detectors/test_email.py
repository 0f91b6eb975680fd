"""E-mail addresses, plain and disguised, and the texts that only look like them."""

from __future__ import annotations

import pytest

from offsite import Context, Kind, Surface

from ._support import check_negative, check_positive, detector, guard, neg, pos

E = Kind.EMAIL

POSITIVES = [
    # twelfth session (u12a, u12c): "at the rate", an "@" and "." escaped for a web form or a URL,
    # misspelt providers, the provider after the name
    pos("gmail pe likho: rahul dot verma dot 99 at the rate gmail", ["rahul dot verma dot 99 at the rate gmail"], E),
    pos("email in html entities bc the filter: jo.w&#64;fastmail&#46;com", ["jo.w&#64;fastmail&#46;com"], E),
    pos("contact: bea.l %40 gmail %2E com", ["bea.l %40 gmail %2E com"], E),
    pos("email me: sadboi_99 at hotmale", ["sadboi_99 at hotmale"], E),
    pos("it's tommy.v at gee-mail", ["tommy.v at gee-mail"], E),
    pos("i made a throwaway just for u: sadgirlhrs (gmail)", ["sadgirlhrs (gmail)"], E),
    pos("i know u said no but what if i just gave u my email. its ellie.b.writes, outlook",
        ["ellie.b.writes, outlook"], E),
    pos("my email:\ntears_in_rain\n@\nicloud\n.\ncom", ["tears_in_rain\n@\nicloud\n.\ncom"], E),
    pos("email aku rani.putri88 di yahoo, kirim aja tulisan kamu", ["rani.putri88 di yahoo"], E),
    # eleventh session: one symbol for "@" and "."; a mail provider's name in two words
    pos("k.mendes 🌀 gmail 🌀 com (swap the swirls for the obvious)", ["k.mendes 🌀 gmail 🌀 com"], E),
    pos("💌 maewrites ⭐ hotmail ⭐ com", ["maewrites ⭐ hotmail ⭐ com"], E),
    pos("email tomas.rivera.1999 at gee mail if u want to keep talking", ["tomas.rivera.1999 at gee mail"], E),
    # tenth session (u10a, u10c): "at" and "dot" in more languages
    pos("пиши на пошту taras.vovk равлик gmail крапка com", ["taras.vovk равлик gmail крапка com"], E),
    pos("邮箱 mengmeng2006 艾特 qq 点 com", ["mengmeng2006 艾特 qq 点 com"], E),
    pos("메일 주소 haneul.k 골뱅이 naver 닷 com 으로 보내", ["haneul.k 골뱅이 naver 닷 com"], E),
    pos("המייל שלי itay.b שטרודל gmail נקודה com", ["itay.b שטרודל gmail נקודה com"], E),
    pos("email: rizky titik pratama et gmail titik com", ["rizky titik pratama et gmail titik com"], E),
    pos("mailim ece.aydin et gmail nokta com", ["ece.aydin et gmail nokta com"], E),
    pos("type it with dashes: g-r-e-t-a-.-l-o-w-e-@-y-a-h-o-o-.-c-o-m", ["g-r-e-t-a-.-l-o-w-e-@-y-a-h-o-o-.-c-o-m"], E),
    pos("its lily period rose at gee mail period com", ["lily period rose at gee mail period com"], E),
    pos("jane dot doe at gmail", ["jane dot doe at gmail"], E),
    pos("janedoe @ gmail", ["janedoe @ gmail"], E),
    pos("my email is jane at gmail", ["jane at gmail"], E),
    pos("mail me: jane.doe@gmail.com", ["jane.doe@gmail.com"], E),
    pos("JANE.DOE@GMAIL.COM is my email", ["JANE.DOE@GMAIL.COM"], E),
    pos("write to j.smith@example.co.uk please", ["j.smith@example.co.uk"], E),
    pos("jane.doe+filter@proton.me", ["jane.doe+filter@proton.me"], E),
    pos("contact: jane@mail.example.org", ["jane@mail.example.org"], E),
    pos("jane at gmail dot com", ["jane at gmail dot com"], E),
    pos("jane (at) gmail [dot] com", ["jane (at) gmail [dot] com"], E),
    pos("jane [at] yahoo (dot) co (dot) uk", ["jane [at] yahoo (dot) co (dot) uk"], E),
    pos("email me at jane_d{at}outlook{dot}com", ["jane_d{at}outlook{dot}com"], E),
    pos("jane_d (at) gmail", ["jane_d (at) gmail"], E),
    pos("escríbeme: jane arroba gmail punto com", ["jane arroba gmail punto com"], E),
    pos("écris-moi: jane arobase orange point fr", ["jane arobase orange point fr"], E),
    pos("scrivimi: jane chiocciola libero punto it", ["jane chiocciola libero punto it"], E),
    pos("schreib mir: jane at gmx punkt de", ["jane at gmx punkt de"], E),
    pos("me escreve: jane arroba uol ponto com ponto br", ["jane arroba uol ponto com ponto br"], E),
    # Cyrillic а and е in place of Latin a and e
    pos("my email is jаnе@gmаil.com", ["jаnе@gmаil.com"], E),
    # zero-width spaces inside the address
    pos("ja\u200bne@gm\u200bail.com", ["ja\u200bne@gm\u200bail.com"], E),
    # fullwidth letters and a fullwidth @
    pos("ｊａｎｅ＠ｇｍａｉｌ．ｃｏｍ", ["ｊａｎｅ＠ｇｍａｉｌ．ｃｏｍ"], E),
    pos("jane＠gmail.com", ["jane＠gmail.com"], E),
    # spaced letters
    pos("j a n e @ g m a i l . c o m", ["j a n e @ g m a i l . c o m"], E),
    # dot words inside the local part as well
    pos(
        "mi correo es ana punto lopez arroba hotmail punto com",
        ["ana punto lopez arroba hotmail punto com"],
        E,
    ),
    pos("mój mail to tomek.nowak99 małpa wp kropka pl", ["tomek.nowak99 małpa wp kropka pl"], E),
    pos("email me → quill ＠ posteo • de", ["quill ＠ posteo • de"], E),
    pos("é rafael.m.costa no hotmail, aí", ["rafael.m.costa no hotmail"], E),
    pos("it's abby underscore lane underscore 03 at gmail", ["abby underscore lane underscore 03 at gmail"], E),
    pos("моя почта: katya_sun собака mail точка ru", ["katya_sun собака mail точка ru"], E),
    pos("its harperjones at gee mail dot com", ["harperjones at gee mail dot com"], E),
]

NEGATIVES = [
    # twelfth session: logins to machines; providers listed
    neg("`git clone git@github.com:torvalds/linux.git` keeps failing, CS homework stress"),
    neg("assignment says: ssh student@lab.cs.uni.edu and run ./grade, I'm so lost"),
    neg("i use gmail, outlook and yahoo"),
    neg("switched from yahoo (gmail) lol"),
    # eleventh session: an address machines send from; symbols that separate other words
    neg("i got an email from noreply@spotify.com saying my payment failed and i cried"),
    neg("the bank wrote from no-reply@alerts.example.com again"),
    neg("my mom 💕 outlook 💕 sucks"),
    neg("toi et moi point com, paul et marie sont partis"),
    neg("samaritans also answer email: jo@samaritans.org, takes a day or so"),
    neg("i was at gmail hq"),
    neg("my email is at capacity"),
    neg("im @ gmail all day"),
    neg("meet me at 5:30"),
    neg("i'm at home"),
    neg("i'm at the park with my sister"),
    neg("i'll be at work at 9"),
    neg("I was @ the mall all day"),
    neg("look at me dot dot dot"),
    neg("e.g. node.js and file.txt"),
    neg("i emailed my teacher about it"),
    neg("my email got hacked lol"),
    neg("please don't share your email here"),
    neg("someone asked for my email and i reported them"),
    neg("good at math. i think"),
    neg("reply to the email at noon"),
    neg("call 988 if you need to"),
    neg("text HOME to 741741"),
    neg("i'm at 50mg now"),
    neg("we were at school dot"),
    neg("@everyone be nice today", Surface.ROOM),
    neg("so.. i was like, whatever"),
    neg("version 2.0 on gmail was bad"),
    neg("my mom is on hotmail"),
    neg("type ssh root@192.168.1.10 but it hangs"),
    neg("report phishing to reportphishing@apwg.org"),
]


@pytest.mark.parametrize(("text", "spans", "kind", "surface"), POSITIVES)
def test_finds_email(text: str, spans: tuple[str, ...], kind: Kind, surface: Surface) -> None:
    """Plain and disguised addresses are found and located."""
    check_positive("email", text, spans, kind, surface)


@pytest.mark.parametrize(("text", "surface"), NEGATIVES)
def test_ignores_lookalikes(text: str, surface: Surface) -> None:
    """At-words, dot-words, file names and rule talk are not addresses."""
    check_negative("email", text, surface)


def test_email_me_at_a_provider_is_an_offer_not_an_address() -> None:
    """Before: "email me at gmail" passed as clean (no address in it). After: the e-mail detector
    still finds no address, but the message offers to move to e-mail, and the guard says so."""
    context = Context()
    assert detector("email").detect("email me at gmail", context) == []
    findings = guard().detect("email me at gmail", context).findings
    assert [f.kind for f in findings] == [Kind.SOLICITATION]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("jane at gmail dot com", "jane@gmail.com"),
        ("JANE.DOE@GMAIL.COM", "jane.doe@gmail.com"),
        ("jаnе@gmаil.com", "jane@gmail.com"),
        ("ｊａｎｅ＠ｇｍａｉｌ．ｃｏｍ", "jane@gmail.com"),
        ("jane (at) gmail [dot] com", "jane@gmail.com"),
    ],
)
def test_canonical_value(text: str, value: str) -> None:
    """The canonical value is the plain lower-case address, whatever the disguise."""
    found = [f for f in guard().detect(text).findings if f.kind == Kind.EMAIL]
    assert [f.value for f in found] == [value]


def test_two_addresses_in_one_text() -> None:
    """Each address is its own finding."""
    text = "either jo@example.com or ann (at) example [dot] org"
    found = detector("email").detect(text)
    assert [f.text for f in found] == ["jo@example.com", "ann (at) example [dot] org"]

"""Links and invites: profile URLs, personal pages, spelled and defanged domains, and the invite
links of messaging services; and the dotted things that are not links."""

from __future__ import annotations

import pytest

from offsite import Kind, Surface

from ._support import check_negative, check_positive, guard, neg, pos

U, INV = Kind.URL, Kind.INVITE

POSITIVES = [
    # eleventh session (u11a): a link shortener with a one-letter name
    pos("🎰 klik s.id/gacor-example88 🔥🔥", ["s.id/gacor-example88"], U),
    pos("join discord.gg/abc123 for the group", ["discord.gg/abc123"], INV),
    pos("https://discord.com/invite/xyz789", ["https://discord.com/invite/xyz789"], INV),
    pos("dsc.gg/janeserver", ["dsc.gg/janeserver"], INV),
    pos("t.me/jane_d", ["t.me/jane_d"], INV),
    pos("message me on wa.me/15550192334", ["wa.me/15550192334"], INV),
    pos("https://chat.whatsapp.com/AbCdEf123456", ["https://chat.whatsapp.com/AbCdEf123456"], INV),
    pos("add me snapchat.com/add/jane.d", ["snapchat.com/add/jane.d"], INV),
    pos("ig.me/m/jane_d", ["ig.me/m/jane_d"], INV),
    pos("m.me/jane.doe", ["m.me/jane.doe"], INV),
    # fullwidth letters and a zero-width space inside the domain
    pos("ｄｉｓｃｏｒｄ．ｇｇ／ａｂｃ１２３", ["ｄｉｓｃｏｒｄ．ｇｇ／ａｂｃ１２３"], INV),
    pos("disc\u200bord.gg/abc123", ["disc\u200bord.gg/abc123"], INV),
    # defanged and spelled invite links
    pos("t(.)me/jane_d", ["t(.)me/jane_d"], INV),
    pos("t dot me slash jane_d", ["t dot me slash jane_d"], INV),
    pos("instagram.com/jane_d", ["instagram.com/jane_d"], U),
    pos("https://www.instagram.com/jane_d/", ["https://www.instagram.com/jane_d/"], U),
    pos("twitch.tv/janed", ["twitch.tv/janed"], U),
    pos("all my links: linktr.ee/janed", ["linktr.ee/janed"], U),
    pos("check out my site www.janedoe.net", ["www.janedoe.net"], U),
    pos("http://janedoe.example.com/about", ["http://janedoe.example.com/about"], U),
    pos("https://bit.ly/3abcXYZ", ["https://bit.ly/3abcXYZ"], U),
    pos("my site is janedoe dot com", ["janedoe dot com"], U),
    pos("janedoe(dot)net", ["janedoe(dot)net"], U),
    pos("janedoe[.]com", ["janedoe[.]com"], U),
    pos("discord gg slash ventzone", ["discord gg slash ventzone"], Kind.INVITE),
    pos("t me slash jane_doe", ["t me slash jane_doe"], Kind.INVITE),
    pos("my portfolio is at elijahmakes[.]art/contact", ["elijahmakes[.]art/contact"], U),
    pos("my pinterest has all my contact stuff: pin.it/4Hx8kQz", ["pin.it/4Hx8kQz"], U),
    pos("jitsi link meet.jit.si/NightOwlsCircle", ["meet.jit.si/NightOwlsCircle"], INV),
    pos("my bio link → beacons.ai/jessamynart", ["beacons.ai/jessamynart"], U),
]

NEGATIVES = [
    neg("ok tech question, my laptop says 'error 0x80070005'. i've tried like 4 fixes from support.microsoft.com"),
    neg("hab auf tagesschau.de gelesen, dass 3.000 stellen bei dem werk wegfallen"),
    # sixteenth session: the word after the suffix elided ("io l'ho"), a grief-support site
    neg("se siete in italia, telefono amico 02 2327 2327, \u00e8 gratuito e anonimo. io l'ho chiamato ieri"),
    neg("ricordate: niente numeri o social qui, \u00e8 la regola del sito. io l'ho imparato a mie spese"),
    neg("I'm 52, widowed in 2021 after 28 years of marriage. A resource I love: griefshare.org"),
    # eleventh session: a sentence ends with a dot, the next begins with a word that is a suffix
    neg("Telefono Amico 02 2327 2327, chiamateli se state male, sono gentilissimi. io li ho chiamati due volte"),
    neg("snapchat is gone. instagram is gone. me? thriving."),
    neg("this helped me https://www.additudemag.com/what-is-adhd-symptoms-causes-treatments/"),
    neg("you can find a sliding scale therapist on openpathcollective.org"),
    neg("i use the free worksheets from therapistaid.com"),
    neg("i deleted snapchat"),
    neg("i saw it on instagram.com"),
    neg("my mom read my whatsapp"),
    neg("node.js is hard"),
    neg("e.g. this one"),
    neg("i.e. no"),
    neg("rename it file.txt"),
    neg("ok.so what now"),
    neg("the site is down lol..."),
    neg("i use python3.11"),
    neg("v2.3.1 is out"),
    neg("Mr. Smith said hi"),
    neg("see https://988lifeline.org for help"),
    neg("https://en.wikipedia.org/wiki/Depression"),
    neg("go to 7cups.com for more"),
    neg("discord.com/terms"),
    neg("https://www.instagram.com/explore/"),
    neg("call 988 if you need to"),
    neg("please don't post links here", Surface.ROOM),
    neg("it costs $19.99 at the store.I went home after"),
    neg("i use instagram dot com a lot"),  # a service's home page, spelled
    neg("i read the slash fiction"),
    neg("someone posted a discord.gg link in here and the mods nuked it"),
    neg("Telefono Amico risponde dalle 10 alle 24. Io li ho chiamati"),
    neg("if someone sends you a bit.ly link in chat DON'T click it"),
    neg("i'm a .NET dev and burnout is so real"),
]


@pytest.mark.parametrize(("text", "spans", "kind", "surface"), POSITIVES)
def test_finds_link(text: str, spans: tuple[str, ...], kind: Kind, surface: Surface) -> None:
    """Links and invites are found, located and told apart."""
    check_positive("url", text, spans, kind, surface)


@pytest.mark.parametrize(("text", "surface"), NEGATIVES)
def test_ignores_dotted_words(text: str, surface: Surface) -> None:
    """File names, abbreviations, versions, public and crisis sites are not contact."""
    check_negative("url", text, surface)


@pytest.mark.parametrize(
    ("text", "platform"),
    [
        ("discord.gg/abc123", "discord"),
        ("t.me/jane_d", "telegram"),
        ("wa.me/15550192334", "whatsapp"),
        ("https://chat.whatsapp.com/AbCdEf123456", "whatsapp"),
        ("snapchat.com/add/jane.d", "snapchat"),
        ("instagram.com/jane_d", "instagram"),
    ],
)
def test_platform_of_link(text: str, platform: str) -> None:
    """Links to a service name the service."""
    found = guard().detect(text).findings
    assert [f.platform for f in found] == [platform]


def test_site_domains_are_allowed() -> None:
    """A site's own domain, given in the settings, is never contact."""
    from offsite import DetectionSettings, Guard

    text = "see https://forum.example-site.org/thread/42"
    assert Guard().detect(text).findings, "precondition: an unknown domain is a link"
    site = Guard(DetectionSettings(site_domains=("example-site.org",)))
    assert site.detect(text).findings == ()

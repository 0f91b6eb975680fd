"""Notices (issue 5): friendly, in five languages, for teens and adults, first and repeated slips,
from templates a site can edit."""

from __future__ import annotations

import itertools
import re
import tomllib
from datetime import timedelta
from importlib import resources
from pathlib import Path

import pytest

from offsite import AgeGroup, Context, Guard, Kind, Sender, Surface
from offsite.notices import BUILTIN_LANGUAGES, NoticeError, Notices, default_notices, language_of, render_notice
from offsite.policy import Policy

KEYS = sorted(default_notices().keys())


def test_every_policy_notice_has_a_template() -> None:
    assert default_notices().missing(Policy.default().notice_keys()) == frozenset()
    assert {"bounce", "blocked", "muted", "review", "profile", "adult_teen", "listener", "redacted",
            "paused", "unavailable"} <= set(KEYS)


def test_every_language_has_every_notice_written_out() -> None:
    """No built-in language leans on the English fallback."""
    templates = resources.files("offsite.notices").joinpath("templates")
    for lang in BUILTIN_LANGUAGES:
        data = tomllib.loads(templates.joinpath(f"{lang}.toml").read_text(encoding="utf-8"))
        assert set(data["notices"]) == set(KEYS), lang
        for key in KEYS:
            assert {"first", "repeat"} <= set(data["notices"][key]), (lang, key)
        for audience in ("adult", "teen"):
            assert set(data["shared"][audience]) == {"why", "why_short", "instead"}, (lang, audience)
        assert set(data["kinds"]) == {k.value for k in Kind} | {"other"}, lang


@pytest.mark.parametrize(("lang", "key"), list(itertools.product(BUILTIN_LANGUAGES, KEYS)))
def test_renders_completely_in_every_variant(lang: str, key: str) -> None:
    texts = set()
    for audience, repeat in itertools.product(("adult", "teen"), (False, True)):
        text = render_notice(key, locale=lang, audience=audience, repeat=repeat, kinds=[Kind.PHONE],
                             field_name="bio", mute=timedelta(minutes=30))
        assert "$" not in text and "{" not in text and "  " not in text, text
        assert len(text) > 40
        texts.add(text)
    if key != "unavailable":  # a technical notice: the same whoever reads it
        assert len(texts) >= 2, (lang, key)  # first and repeat slips read differently


def test_languages_really_differ() -> None:
    texts = {lang: render_notice("bounce", locale=lang, kinds=["email"]) for lang in BUILTIN_LANGUAGES}
    assert len(set(texts.values())) == len(BUILTIN_LANGUAGES)
    assert "email address" in texts["en"]
    assert "correo electrónico" in texts["es"]
    assert "e-mail" in texts["pt"]
    assert "adresse e-mail" in texts["fr"]
    assert "E-Mail-Adresse" in texts["de"]


def test_first_slip_explains_why_and_what_to_do() -> None:
    adult = render_notice("bounce", locale="en", audience="adult", kinds=["handle"])
    # why: internet safety, anyone behind a screen, boundaries, peer support; what to do instead
    for words in ("anyone can be behind a screen", "boundaries", "peer support", "edit your message",
                  "keep talking right here", "a username on another app"):
        assert words in adult, words
    teen = render_notice("bounce", locale="en", audience="teen", kinds=["handle"])
    assert teen != adult
    assert "behind a screen" in teen and "tell a moderator" in teen
    repeat = render_notice("bounce", locale="en", audience="adult", repeat=True, kinds=["handle"])
    assert "again" in repeat and len(repeat) < len(adult)


def test_adult_teen_notice_speaks_to_each_side() -> None:
    adult = render_notice("adult_teen", audience=AgeGroup.ADULT, kinds=["solicitation"])
    teen = render_notice("adult_teen", audience=AgeGroup.TEEN, kinds=["solicitation"])
    assert "Adults may never" in adult
    assert "not your fault" in teen
    assert render_notice("adult_teen", audience=AgeGroup.UNKNOWN) == render_notice("adult_teen", audience="adult")


@pytest.mark.parametrize(
    ("lang", "field", "expected"),
    [("en", "bio", "your bio"), ("en", "display_name", "your display name"), ("es", "bio", "«biografía»"),
     ("pt", "bio", "“biografia”"), ("fr", "display_name", "« nom affiché »"), ("de", "bio", "„Bio“"),
     ("en", "favourite_quote", "your favourite quote"), ("en", None, "this field")],
)
def test_profile_notice_names_the_field(lang: str, field: str | None, expected: str) -> None:
    text = render_notice("profile", locale=lang, field_name=field, kinds=["email"])
    assert expected in text


def test_the_guard_renders_in_the_senders_language_and_age(tmp_path: Path) -> None:
    guard = Guard()
    ctx = Context(surface=Surface.PROFILE, field_name="bio", locale="pt-BR", sender=Sender(age_group=AgeGroup.TEEN))
    decision = guard.check("meu insta é @jane_d99", ctx)
    assert decision.notice is not None and "“biografia”" in decision.notice
    assert "segurança" in decision.notice  # the teen "why"
    unknown_locale = guard.check("add me on snap: jane.d", Context(locale="it"))
    assert unknown_locale.notice is not None and unknown_locale.notice.startswith("Your message wasn't sent")


def test_mute_wording_counts_units() -> None:
    assert "1 hour" in render_notice("muted", mute=timedelta(hours=1))
    assert "2 days" in render_notice("muted", mute=timedelta(days=2))
    assert "45 minutes" in render_notice("muted", mute=timedelta(minutes=44, seconds=1))
    assert "30 Minuten" in render_notice("muted", locale="de", mute=timedelta(minutes=30))


def test_kinds_are_joined_naturally() -> None:
    text = render_notice("bounce", kinds=[Kind.EMAIL, Kind.PHONE, Kind.HANDLE, Kind.EMAIL])
    assert "an email address, a phone number and a username on another app" in text
    assert "a way to reach someone off the site" in render_notice("bounce", kinds=[])


@pytest.mark.parametrize(("locale", "lang"), [("pt-BR", "pt"), ("es_MX", "es"), ("DE", "de"), ("", "en"),
                                              (None, "en"), ("fr-CA.UTF-8", "fr")])
def test_language_of_locale(locale: str | None, lang: str) -> None:
    assert language_of(locale) == lang


# -- a site's own templates --------------------------------------------------------------------


def test_a_site_overrides_one_string_and_keeps_the_rest(tmp_path: Path) -> None:
    (tmp_path / "en.toml").write_text(
        '[notices.bounce]\nfirst = "Hold on! That looks like $kinds. Keep it on Harbour, please."\n',
        encoding="utf-8")
    notices = Notices(tmp_path)
    expected = "Hold on! That looks like a phone number. Keep it on Harbour, please."
    assert notices.render("bounce", kinds=["phone"]) == expected
    assert notices.render("bounce", repeat=True, kinds=["phone"]) == render_notice("bounce", repeat=True,
                                                                                   kinds=["phone"])
    assert render_notice("bounce", kinds=["phone"], template_dir=tmp_path).startswith("Hold on!")
    guard = Guard(notices=tmp_path)
    assert guard.check("add me on snap: jane.d").notice == (
        "Hold on! That looks like a request to talk somewhere else and a username on another app. "
        "Keep it on Harbour, please.")


def test_a_site_adds_a_language_and_falls_back_to_english(tmp_path: Path) -> None:
    (tmp_path / "it.toml").write_text(
        'language = "Italiano"\n[kinds]\nphone = "un numero di telefono"\n'
        '[notices.bounce]\nfirst = "Il tuo messaggio non è stato inviato: contiene $kinds."\n'
        'repeat = "Di nuovo $kinds."\n', encoding="utf-8")
    notices = Notices(tmp_path)
    assert "it" in notices.languages
    assert notices.render("bounce", locale="it-IT", kinds=["phone"]) == (
        "Il tuo messaggio non è stato inviato: contiene un numero di telefono.")
    assert notices.render("blocked", locale="it", kinds=["phone"]).startswith("This message was blocked")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("en.toml", '[notices.bounce]\nfirst = "Contains $kind."\n',
         r"en\.toml: notices\.bounce\.first: unknown placeholder"),
        ("en.toml", '[notices.bounce]\nfirst = "Costs 5$"\n',
         r"notices\.bounce\.first: a '\$' that is not a placeholder"),
        ("en.toml", '[notices.bounce]\nsecond = "x"\n', r"notices\.bounce\.second: unknown key"),
        ("en.toml", '[notices.bounce]\nfirst = 3\n', r"notices\.bounce\.first: expected a non-empty string"),
        ("en.toml", '[shared.kid]\nwhy = "x"\n', r"shared\.kid: unknown age group"),
        ("en.toml", '[units]\nminute = "min"\n', r"units\.minute: expected \[singular, plural\]"),
        ("en.toml", '[notices.bounce\n', r"en\.toml: not valid TOML"),
        ("english.toml", 'language = "x"\n', r"english\.toml: file names are language codes"),
        ("it.toml", '[notices.newkey]\nfirst = "x"\n', r"notices\.newkey.* missing|first"),
    ],
)
def test_bad_site_templates_are_named(tmp_path: Path, name: str, content: str, expected: str) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    if name == "it.toml":  # a new notice in a new language only: fine, English still complete
        Notices(tmp_path)
        return
    with pytest.raises(NoticeError) as info:
        Notices(tmp_path)
    assert re.search(expected, str(info.value)), str(info.value)


def test_a_new_notice_needs_both_variants_in_english(tmp_path: Path) -> None:
    (tmp_path / "en.toml").write_text('[notices.gentle]\nfirst = "Please keep it here."\n', encoding="utf-8")
    with pytest.raises(NoticeError, match=r"notices\.gentle\.repeat: missing"):
        Notices(tmp_path)


def test_unknown_notice_and_missing_dir(tmp_path: Path) -> None:
    with pytest.raises(NoticeError, match="no such notice"):
        render_notice("does_not_exist")
    with pytest.raises(NoticeError, match="not a directory"):
        Notices(tmp_path / "nope")
    with pytest.raises(NoticeError, match="audience"):
        render_notice("bounce", audience="toddler")


def test_guard_refuses_a_policy_whose_notice_has_no_template(tmp_path: Path) -> None:
    text = Policy.default().to_toml().replace('notice = "listener"', 'notice = "listener_v2"')
    with pytest.raises(ValueError, match="no template for listener_v2"):
        Guard(policy=Policy.from_toml(text))

"""Invitations to meet in person without a street address (seventeenth session, u17b): a
get-together, a day or an hour, and the readers invited; and the same cues apart, or on the
site, which are ordinary talk."""

from __future__ import annotations

import pytest

from offsite import Kind, Surface

from ._support import check_negative, check_positive, neg, pos

S = Kind.SOLICITATION
R = Surface.ROOM

POSITIVES = [
    pos("lets all meet at the westfield food court on friday after school, it'd be so cool to see everyone irl",
        ["lets all meet at the westfield food court on friday"], S, R),
    pos("rdv samedi devant la fnac de châtelet à 14h pour ceux de la room manga 📚",
        ["rdv samedi devant la fnac de châtelet à 14h"], S, R),
    pos("pickup game is saturday at riverside park by the north courts, 2pm, anyone from the sports room just "
        "show up and ask for jay", ["pickup game is saturday at riverside park"], S, R),
    pos("spotkanie w sobotę pod pomnikiem kopernika o 15? ci z pokoju o anime",
        ["spotkanie w sobotę pod pomnikiem kopernika o 15"], S, R),
    pos("galera do quarto de vôlei, treino sábado na quadra da praça são luís, perto do metrô, 15h, colem lá",
        ["treino sábado na quadra da praça são luís"], S, R),
    pos("i'll be at the climbing gym on 5th street tonight if u wanna come", ["i'll be at the climbing gym"], S),
    pos("토요일에 홍대입구역 9번 출구 앞에서 만날 사람? 애니방 사람들", ["홍대입구역 9번 출구 앞에서 만날 사람"], S, R),
    pos("we're doing a study session at the central library 3rd floor tmrw 4pm, anyone from the gcse room is "
        "welcome", ["study session at the central library 3rd floor tmrw 4pm"], S, R),
    pos("wer aus berlin kommt: treffen am samstag am alexanderplatz beim brunnen um 15 uhr?",
        ["treffen am samstag"], S, R),
    pos("picnic in hyde park sunday 2pm, come join us!", ["picnic in hyde park sunday 2pm"], S, R),
]

NEGATIVES = [
    # one or two cues without the third: no one invited, no day or hour, no get-together
    neg("we're meeting at 12:00 on 5/26, wish me luck"),
    neg("i have a game saturday at 2pm, anyone else nervous before games?"),
    neg("i went to a meetup on saturday and everyone was so welcome and nice"),
    neg("im going to a meetup for my college on friday at 5pm. anyone have tips for making friends?"),
    neg("did you meet up with her on friday? did she show up?"),
    neg("i'll be at the hospital tomorrow, my mom wants to come with me"),
    neg("i'll be at the hospital tomorrow, idk if i want to come back here after"),
    neg("we'll be at the funeral on saturday, everyone is welcome to send flowers they said"),
    neg("our rdv chez le médecin est lundi à 14h, ma mère va venir"),
    # a get-together on the site, or the rule itself
    neg("@everyone happy friday!! the gratitude room starts at 7pm est today, see you there", R),
    neg("the meetup in the room is tonight at 8, everyone is welcome", R),
    neg("I'll be in the Addiction & Recovery room at 9 tonight if you want to join, you can just lurk.", R),
    neg("teen listener (17) and i follow the rules: no outside contact, no meetups, no exceptions", Surface.PROFILE),
    neg("we're not allowed to meet up irl, see you in the room on friday", R),
]


@pytest.mark.parametrize(("text", "spans", "kind", "surface"), POSITIVES)
def test_finds_invitation_to_meet(text: str, spans: tuple[str, ...], kind: Kind, surface: Surface) -> None:
    check_positive("meetup", text, spans, kind, surface)


@pytest.mark.parametrize(("text", "surface"), NEGATIVES)
def test_ignores_meetings_without_invitation(text: str, surface: Surface) -> None:
    check_negative("meetup", text, surface)

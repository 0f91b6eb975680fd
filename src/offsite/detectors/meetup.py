"""Invitations to meet in person, without any street address: "lets all meet at the westfield
food court on friday after school", "rdv samedi devant la fnac à 14h pour ceux de la room
manga", "treffen am samstag am alexanderplatz um 15 uhr, wer kommt?".

A get-together, a day or an hour, and the readers invited stand near each other (the cues are
data: ``meetups.toml``). Each cue alone is ordinary talk ("we're meeting at 12:00, wish me
luck", "anyone else nervous before games?"), so all three are needed; a get-together on the
site ("the room opens at 7, see you there") or after a negation ("no meetups") is none."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from offsite.detectors.base import Candidate, Detector
from offsite.detectors.solicitation import negation_before
from offsite.models import Context, Kind
from offsite.normalize import Views
from offsite.resources import Resources


def _alternation(fragments: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{fragment})" for fragment in fragments))


class MeetupDetector(Detector):
    """Invitations to meet in person (a solicitation without any identifier)."""

    name = "meetup"

    def __init__(self, resources: Resources) -> None:
        super().__init__(resources)
        cues = resources.lexicon.meetups
        self.reach = cues.reach
        self._gathering = _alternation(cues.gathering)
        self._when = _alternation(cues.when)
        self._invitation = _alternation(cues.invitation)
        self._on_site = _alternation(cues.on_site) if cues.on_site else None
        # "no meetups", "we're not allowed to meet up": rule talk (the solicitation rules' negations)
        self._negated = negation_before(resources.lexicon.negations)
        # most messages name no get-together: one compiled scan spares the three searches
        self._gate = self.prefilter((self._gathering,), whole_text=True)

    def candidates(self, views: Views, context: Context) -> Iterator[Candidate]:
        """One candidate per get-together with a day or hour and an invitation near it."""
        view = views.joined
        text = view.text
        if not self._gate.candidates(text):
            return
        reach = self.reach
        # each cue is searched once through the whole text (a long text of get-togethers stays
        # linear), then looked up near each get-together
        cues: list[_Spans] | None = None
        for gathering in self._gathering.finditer(text):
            start, end = gathering.start(), gathering.end()
            if self._negated.search(text, max(0, start - 30), start) is not None:
                continue
            # the cues are looked for on the same line, at most ``reach`` characters away
            low = max(0, start - reach)
            line_start = text.rfind("\n", low, start)
            if line_start >= 0:
                low = line_start + 1
            high = min(len(text), end + reach)
            line_end = text.find("\n", end, high)
            if line_end >= 0:
                high = line_end
            if cues is None:
                cues = [_Spans(self._when, text), _Spans(self._invitation, text)]
                if self._on_site is not None:
                    cues.append(_Spans(self._on_site, text))
            when = cues[0].within(low, high)
            invitation = cues[1].within(low, high)
            if when is None or invitation is None:
                continue
            if len(cues) > 2 and cues[2].within(low, high) is not None:
                continue
            first = min(start, when[0], invitation[0])
            last = max(end, when[1], invitation[1])
            yield Candidate(Kind.SOLICITATION, view, first, last, "solicitation.meetup_invitation", 0.8,
                            "meetup")
            return  # one invitation is enough to say so


class _Spans:
    """The matches of one cue in a text, found in one pass, and looked up by position."""

    def __init__(self, pattern: re.Pattern[str], text: str) -> None:
        self.spans = [(m.start(), m.end()) for m in pattern.finditer(text)]
        self.starts = [span[0] for span in self.spans]

    def within(self, low: int, high: int) -> tuple[int, int] | None:
        """The first match that lies wholly between ``low`` and ``high``, or None."""
        index = bisect.bisect_left(self.starts, low)
        while index < len(self.spans) and self.spans[index][0] < high:
            if self.spans[index][1] <= high:
                return self.spans[index]
            index += 1
        return None

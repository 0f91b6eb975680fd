"""Single-message detection: run every registered detector over the shared views of a text and
merge their findings (overlaps resolved in favour of the more specific, more confident one)."""

from __future__ import annotations

import time

from offsite.detectors.base import Detector, Trace
from offsite.models import Context, Finding, Kind
from offsite.normalize import Views
from offsite.resources import Resources
from offsite.spans import SpanSet

# Which kind wins when two findings overlap: an e-mail beats the link inside it, a link beats a
# handle read from its path, and any identifier beats a bare solicitation.
_PRIORITY = {
    Kind.EMAIL: 6, Kind.INVITE: 5, Kind.URL: 4, Kind.PHONE: 3, Kind.HANDLE: 2,
    Kind.ADDRESS: 2, Kind.SOLICITATION: 0,
}


class Detection:
    """Runs detectors on one text."""

    def __init__(self, resources: Resources, detectors: tuple[Detector, ...]) -> None:
        self.resources = resources
        self.detectors = detectors
        # the rules, and the second opinions that read a text only where the rules found nothing
        self._rules = tuple(d for d in detectors if not d.second_opinion)
        self._second_opinions = tuple(d for d in detectors if d.second_opinion)

    def find(self, text: str, context: Context, trace: Trace, views: Views | None = None, *,
             second_opinions: bool = True) -> list[Finding]:
        """All findings in ``text``, non-overlapping, in text order. ``views`` of ``text`` may be
        passed in when the caller needs them too (they are built lazily, once).
        ``second_opinions=False``: the rules alone (for texts nobody wrote as one message, such as
        a conversation's pieces joined together)."""
        if views is None or views.original is not text:
            views = self.resources.views(text)
        found: list[Finding] = []
        for detector in self._rules:
            found.extend(detector.run(views, context, trace))
        if not found and second_opinions:
            for detector in self._second_opinions:
                found.extend(detector.run(views, context, trace))
        return merge(found)

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Wait until the compiled prefilters of the views and the detectors are built (they are compiled in the
        background, or loaded from the cache directory, and only ever make detection faster: the
        findings are the same before and after). True when all were ready within ``timeout``."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for prefilter in (*self.resources.prefilters, *(p for d in self.detectors for p in d.prefilters)):
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not prefilter.wait(left):
                return False
        return True


def merge(findings: list[Finding]) -> list[Finding]:
    """Drop findings that overlap a stronger one (solicitations rank lowest)."""
    ranked = sorted(findings, key=lambda f: (-_PRIORITY[f.kind], -f.confidence, f.start))
    spans = SpanSet()
    kept = [f for f in ranked if spans.add(f.start, f.end)]
    return sorted(kept, key=lambda f: (f.start, f.end))

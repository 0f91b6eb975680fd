"""The orchestrator: text + context -> normalise -> detect -> decide -> act.

    >>> from offsite import Guard
    >>> guard = Guard()
    >>> guard.check("mail me: jo@example.com").action
    <Action.BOUNCE: 'bounce'>
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from offsite.detectors.base import Trace
from offsite.lexicon import Lexicon, load_lexicon
from offsite.models import Action, Context, Decision, Finding, TraceStep
from offsite.pipeline import Detection
from offsite.policy import Policy, Verdict
from offsite.redact import redact
from offsite.registry import DetectorRegistry, default_registry
from offsite.resources import DetectionSettings, Resources

log = logging.getLogger("offsite")

_DEFAULT_NOTICE = (
    "Your message wasn't sent because it looks like it shares a way to reach someone outside "
    "this site. We keep every conversation here for everyone's safety: anyone can be behind a "
    "screen. Please edit the message and send it again."
)


@dataclass(frozen=True)
class CheckResult:
    """Findings of one text before deciding (used by conversation state and evaluation)."""

    findings: tuple[Finding, ...]
    trace: tuple[TraceStep, ...]


class Guard:
    """Checks texts for off-site contact and decides what to do with them."""

    def __init__(
        self,
        settings: DetectionSettings | None = None,
        *,
        registry: DetectorRegistry | None = None,
        lexicon: Lexicon | None = None,
        policy: Policy | None = None,
    ) -> None:
        self.resources = Resources(lexicon or load_lexicon(), settings or DetectionSettings())
        self.registry = registry or default_registry()
        self.detection = Detection(self.resources, self.registry.build(self.resources))
        self.policy = policy or Policy.default()

    def detect(self, text: str, context: Context | None = None, *, explain: bool = False) -> CheckResult:
        """Findings in one text, without deciding anything."""
        trace = Trace(enabled=explain)
        findings = self.detection.find(text, context or Context(), trace)
        return CheckResult(tuple(findings), tuple(trace.steps))

    def check(self, text: str, context: Context | None = None, *, explain: bool = False) -> Decision:
        """Check one text written in ``context`` and return the decision. Never raises on any
        string; ``explain=True`` adds the developer trace."""
        context = context or Context()
        if not isinstance(text, str):
            raise TypeError("text must be a str")
        result = self.detect(text, context, explain=explain)
        verdict = self.policy.decide(result.findings, context)
        return self._decision(text, result, verdict, explain)

    def _decision(self, text: str, result: CheckResult, verdict: Verdict, explain: bool) -> Decision:
        findings = result.findings
        redacted = redact(text, findings) if findings else text
        notice = None if verdict.action == Action.ALLOW else _DEFAULT_NOTICE
        return Decision(
            action=verdict.action,
            findings=findings,
            redacted_text=redacted,
            notice=notice,
            reasons=verdict.reasons,
            policy_rule=verdict.rule,
            review_priority=verdict.review_priority,
            trace=result.trace if explain else None,
        )

"""The orchestrator: text + context -> normalise -> detect -> decide -> act.

    >>> from offsite import Guard
    >>> guard = Guard()
    >>> guard.check("mail me: jo@example.com").action
    <Action.BOUNCE: 'bounce'>
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from offsite.conversation import ConversationTracker, MemoryStateStore, Observation, StateStore, WindowSettings
from offsite.detectors.base import Trace
from offsite.lexicon import Lexicon, load_lexicon
from offsite.models import Action, Context, Decision, Finding, TraceStep
from offsite.normalize import Views
from offsite.notices import NoticeError, Notices, default_notices
from offsite.pipeline import Detection
from offsite.policy import Policy, Verdict
from offsite.redact import redact
from offsite.registry import DetectorRegistry, default_registry
from offsite.resources import DetectionSettings, Resources
from offsite.store import Store, StoreError
from offsite.strikes import Standing, StrikeLedger

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
        state: StateStore | None = None,
        window: WindowSettings | None = None,
        store: Store | None = None,
        notices: Notices | str | Path | None = None,
        strikes: StrikeLedger | None = None,
        strike_decay: timedelta | None = None,
        enforce_mutes: bool = True,
    ) -> None:
        self.resources = Resources(lexicon or load_lexicon(), settings or DetectionSettings())
        self.registry = registry or default_registry()
        self.detection = Detection(self.resources, self.registry.build(self.resources))
        self.policy = policy or Policy.default()
        # Notices, strikes and the moderation record (offsite.notices / .strikes / .store).
        self.store = store
        if isinstance(notices, Notices):
            self.notices = notices
        else:
            self.notices = Notices(notices) if notices is not None else default_notices()
        missing = self.notices.missing(self.policy.notice_keys() | {"paused", "unavailable"})
        if missing:
            raise ValueError(f"notices: no template for {', '.join(sorted(missing))} (policy {self.policy.name!r})")
        self.strikes = strikes or StrikeLedger.for_policy(self.policy, store=store, decay=strike_decay)
        self.enforce_mutes = enforce_mutes
        # Conversation windows (Context.conversation_id): in memory unless a shared store is given.
        self.conversations = ConversationTracker(
            self.detection, state if state is not None else MemoryStateStore(), window)

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Wait until the detectors' compiled prefilters are built (a few seconds the first time
        on a machine, milliseconds once cached; see ``offsite.prefilter``). Checks made earlier
        give the same decisions, only slower. True when ready within ``timeout`` seconds."""
        return self.detection.wait_ready(timeout)

    def detect(self, text: str, context: Context | None = None, *, explain: bool = False) -> CheckResult:
        """Findings in one text, without deciding anything."""
        return self._detect(text, context or Context(), explain, None)

    def _detect(self, text: str, context: Context, explain: bool, views: Views | None) -> CheckResult:
        trace = Trace(enabled=explain)
        findings = self.detection.find(text, context, trace, views)
        return CheckResult(tuple(findings), tuple(trace.steps))

    def check(self, text: str, context: Context | None = None, *, explain: bool = False) -> Decision:
        """Check one text written in ``context`` and return the decision. Never raises on any
        string; ``explain=True`` adds the developer trace."""
        context, views, result = self._begin(text, context, explain)
        if context.conversation_id is None:
            return self._decide(text, context, result, explain)
        seen = self.conversations.observe(text, context, result.findings, explain=explain, views=views)
        return _marked(self._decide(text, context, _with_window(result, seen), explain), seen)

    async def check_async(self, text: str, context: Context | None = None, *, explain: bool = False) -> Decision:
        """:meth:`check` for an asyncio event loop, with the same decisions. Detection runs on the
        loop (it never waits); the conversation window is read and written with the state
        store's asynchronous update where it has one (Redis); deciding moves to a worker thread
        only when it would wait on the store (the sender's strikes are not in memory, or
        records are written synchronously)."""
        context, views, result = self._begin(text, context, explain)
        seen = None
        if context.conversation_id is not None:
            seen = await self.conversations.observe_async(text, context, result.findings, explain=explain,
                                                          views=views)
            result = _with_window(result, seen)
        if self._decision_waits(context, result):
            decision = await asyncio.to_thread(self._decide, text, context, result, explain)
        else:
            decision = self._decide(text, context, result, explain)
        return decision if seen is None else _marked(decision, seen)

    def _begin(self, text: str, context: Context | None, explain: bool) -> tuple[Context, Views, CheckResult]:
        """The context (default when None), the views of ``text`` (one set for detection and the
        conversation window, each built lazily, once) and its single-message findings."""
        context = context or Context()
        if not isinstance(text, str):
            raise TypeError("text must be a str")
        views = self.resources.views(text)
        return context, views, self._detect(text, context, explain, views)

    def _decision_waits(self, context: Context, result: CheckResult) -> bool:
        """True when deciding on ``result`` may wait on the store: the sender's strikes must be
        read, or a flagged decision is recorded synchronously."""
        store = self.store
        if store is None:
            return False
        if result.findings and not store.write_behind:
            return True
        now = _moment(context.timestamp) or self.strikes.now()
        return not self.strikes.answers_at_once(context.sender.id, now, with_count=bool(result.findings))

    def close_conversation(self, conversation_id: str) -> bool:
        """Delete a closed conversation's window from the state store. Returns False (and logs)
        when the store could not be reached; the window then expires on its own."""
        if not isinstance(conversation_id, str) or not conversation_id:
            raise ValueError("conversation_id: expected a non-empty string")
        return self.conversations.close(conversation_id)

    def _decide(self, text: str, context: Context, result: CheckResult, explain: bool) -> Decision:
        """Policy, notice, strikes and the moderation record: everything after detection.

        The sender's active strikes pick the ladder step; a muted sender's messages are blocked
        until the mute ends. With a store, flagged decisions are recorded (with the review item
        and the strike they give). When the store cannot be reached the decision is still
        returned, marked ``degraded``; in fail mode ``closed`` a flagged message is then at least
        blocked, in mode ``open`` the policy's action stands. Records are buffered meanwhile."""
        now = _moment(context.timestamp) or self.strikes.now()
        # without findings only a running mute can change the answer (no read per sender)
        standing = (self.strikes.standing(context.sender.id, now, with_count=bool(result.findings))
                    if context.sender.id else Standing(0, None))
        store_down = not standing.fresh
        verdict = self.policy.decide(result.findings, context, standing.count)
        muted = self.enforce_mutes and standing.muted_until is not None
        if muted and standing.muted_until is not None and verdict.action.severity < Action.BLOCK.severity:
            verdict = replace(verdict, action=Action.BLOCK, rule="muted", notice_key="paused",
                              reasons=(*verdict.reasons, "strike.muted"), strike=False, step=None,
                              mute=standing.muted_until - now, repeat=True)
        strike = self.strikes.strike_for(verdict, context, now)
        decision = self._decision(text, result, verdict, explain, context)
        store = self.store
        if store is not None and (decision.flagged or strike is not None):
            assumed_down = store_down or not store.available
            if assumed_down:  # fail mode first, so that the record says what really happened
                decision = self._fail_mode(decision, verdict, context)
            try:
                recorded = store.record_decision(decision, context, strike=strike, at=now)
            except StoreError as exc:
                log.error("recording the decision failed (%s); it stays buffered", type(exc).__name__)
                recorded = None
            if recorded is None:
                if not assumed_down:
                    decision = self._fail_mode(decision, verdict, context)
                store_down = True
            store_down = store_down or "fail_mode.closed" in decision.reasons
        if strike is not None:
            self.strikes.note(strike)
        if store_down:
            decision = replace(decision, degraded=True, reasons=_with(decision.reasons, "store.unavailable"))
        return decision

    def _fail_mode(self, decision: Decision, verdict: Verdict, context: Context) -> Decision:
        """Fail mode ``closed``: a flagged message the store cannot record is at least blocked."""
        store = self.store
        if store is None or store.fail_mode != "closed" or not decision.flagged:
            return decision
        reasons = _with(_with(decision.reasons, "store.unavailable"), "fail_mode.closed")
        if decision.action.severity >= Action.BLOCK.severity:
            return replace(decision, reasons=reasons)
        notice = self._notice("unavailable", verdict, context, decision.findings)
        return replace(decision, action=Action.BLOCK, notice=notice, reasons=reasons)

    def _notice(self, key: str | None, verdict: Verdict, context: Context,
                findings: tuple[Finding, ...]) -> str:
        """The sender's notice in their language, for their age group and slip count."""
        try:
            return self.notices.render(
                key or "bounce", locale=context.locale, audience=context.sender.age_group,
                repeat=verdict.repeat, kinds=[f.kind for f in findings], field_name=context.field_name,
                mute=verdict.mute,
            )
        except NoticeError as exc:
            log.error("notice %r could not be rendered: %s", key, exc)
            return _DEFAULT_NOTICE

    def _decision(self, text: str, result: CheckResult, verdict: Verdict, explain: bool,
                  context: Context | None = None) -> Decision:
        findings = result.findings
        redacted = redact(text, findings) if findings else text
        notice = None if verdict.action == Action.ALLOW else self._notice(
            verdict.notice_key, verdict, context or Context(), findings)
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


def _with_window(result: CheckResult, seen: Observation) -> CheckResult:
    """A message's findings once its conversation's window was read."""
    return CheckResult(seen.findings, result.trace + seen.trace)


def _marked(decision: Decision, seen: Observation) -> Decision:
    """``decision`` marked degraded when the window could not be read."""
    return replace(decision, degraded=True) if seen.degraded else decision


def _moment(timestamp: float | None) -> datetime | None:
    """``Context.timestamp`` as a UTC datetime; ``None`` when absent or out of range."""
    if timestamp is None:
        return None
    try:
        return datetime.fromtimestamp(timestamp, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _with(reasons: tuple[str, ...], code: str) -> tuple[str, ...]:
    """``reasons`` with ``code`` appended once."""
    return reasons if code in reasons else (*reasons, code)

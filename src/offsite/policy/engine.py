"""The policy engine: findings + context (+ the sender's active strikes) -> a verdict.

Detectors never decide; the policy never detects. A policy is data (TOML, see ``default.toml``
for the format, documented there), validated on load: a bad file raises :class:`PolicyError`
whose message names the file, the key path (``rules[3].when.surface[0]``) and the problem.

    >>> from offsite.policy import Policy
    >>> from offsite.models import Context
    >>> Policy.default().decide([], Context()).action
    <Action.ALLOW: 'allow'>
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from offsite.models import Action, AgeGroup, Context, Finding, Kind, Role, Surface
from offsite.policy.durations import parse_duration

#: Reason codes are lower-case dotted words (``minor_safety.adult_teen``).
REASON_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"
_ID_PATTERN = r"^[a-z][a-z0-9_.-]*$"
_PRIORITY_RANK = {None: 0, "normal": 1, "urgent": 2}

#: The rule id of a message with nothing found.
CLEAN_RULE = "clean"


class PolicyError(ValueError):
    """A policy file is missing or invalid; the message names the file, the key path and why."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the policy decided for one message.

    ``rule`` is the id of the rule that set the action; ``notice_key`` names the notice template
    (``None`` when the sender needs no notice); ``strike`` says whether this message counts as a
    slip (``step`` is then the ladder step it reached, ``mute`` a mute to apply); ``repeat`` is
    true when the sender already had active strikes.
    """

    action: Action
    reasons: tuple[str, ...]
    rule: str
    notice_key: str | None = None
    review_priority: str | None = None
    strike: bool = False
    step: str | None = None
    mute: timedelta | None = None
    repeat: bool = False
    strikes: int = 0


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Strict):
    """When a rule applies; every given key must hold."""

    surface: tuple[Surface, ...] | None = None
    role: tuple[Role, ...] | None = None
    sender_age: tuple[AgeGroup, ...] | None = None
    recipient_age: tuple[AgeGroup, ...] | None = None
    cross_age: bool | None = None
    kind: tuple[Kind, ...] | None = None
    platform: tuple[str, ...] | None = None
    min_confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    max_confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    min_strikes: int | None = Field(default=None, ge=0)
    max_strikes: int | None = Field(default=None, ge=1)

    def holds(self, finding: Finding, context: Context, strikes: int) -> bool:
        """True when ``finding`` written in ``context`` by a sender with ``strikes`` matches.
        Of the finding, only its kind, platform and confidence are read (``Policy.decide``
        matches findings alike in those once)."""
        sender = context.sender
        if self.surface is not None and context.surface not in self.surface:
            return False
        if self.role is not None and sender.role not in self.role:
            return False
        if self.sender_age is not None and sender.age_group not in self.sender_age:
            return False
        if self.recipient_age is not None and not set(self.recipient_age) & set(context.recipient_age_groups):
            return False
        if self.cross_age is not None and self.cross_age != is_cross_age(context):
            return False
        if self.kind is not None and finding.kind not in self.kind:
            return False
        if self.platform is not None and finding.platform not in self.platform:
            return False
        if self.min_confidence is not None and finding.confidence < self.min_confidence:
            return False
        if self.max_confidence is not None and finding.confidence >= self.max_confidence:
            return False
        if self.min_strikes is not None and strikes < self.min_strikes:
            return False
        return not (self.max_strikes is not None and strikes >= self.max_strikes)


class Outcome(_Strict):
    """The part shared by rules and the defaults: what happens and what the sender is told."""

    action: Action
    notice: str | None = Field(default=None, pattern=_ID_PATTERN)
    review: Literal["normal", "urgent"] | None = None
    strike: bool = False
    reasons: tuple[str, ...] = ()

    @field_validator("reasons")
    @classmethod
    def _reason_codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for code in value:
            if not re.match(REASON_PATTERN, code):
                raise ValueError(f"reason code {code!r} must be lower-case dotted words, e.g. 'slip.contact'")
        return value

    @model_validator(mode="after")
    def _notice_when_needed(self) -> Outcome:
        if self.action != Action.ALLOW and self.notice is None:
            raise ValueError(
                f"notice: required for action {self.action.value!r} (the sender must be told why)"
            )
        if self.action == Action.ALLOW and self.strike:
            raise ValueError("strike: an allowed message cannot count as a slip")
        return self


class Rule(Outcome):
    """One row of the policy: a condition and an outcome."""

    id: str = Field(pattern=_ID_PATTERN)
    description: str = ""
    when: Condition = Field(default_factory=Condition)


class LadderStep(_Strict):
    """One step of the escalation ladder."""

    step: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    action: Action
    notice: str | None = Field(default=None, pattern=_ID_PATTERN)
    review: Literal["normal", "urgent"] | None = None
    mute: str | None = None

    @field_validator("mute")
    @classmethod
    def _mute_is_duration(cls, value: str | None) -> str | None:
        if value is not None:
            parse_duration(value)
        return value

    @property
    def mute_delta(self) -> timedelta | None:
        """The mute as a ``timedelta``."""
        return parse_duration(self.mute) if self.mute else None


class StrikeSettings(_Strict):
    """How long strikes count and what repeated slips lead to."""

    decay: str = "30d"
    ladder: tuple[LadderStep, ...] = Field(min_length=1)

    @field_validator("decay")
    @classmethod
    def _decay_is_duration(cls, value: str) -> str:
        parse_duration(value)
        return value

    @property
    def decay_delta(self) -> timedelta:
        """The decay as a ``timedelta``."""
        return parse_duration(self.decay)

    def step_for(self, strikes: int) -> LadderStep:
        """The ladder step for a slip made with ``strikes`` active strikes (the last repeats)."""
        return self.ladder[min(max(strikes, 0), len(self.ladder) - 1)]


class PolicySpec(_Strict):
    """The whole policy file."""

    version: Literal[1] = 1
    name: str = "custom"
    description: str = ""
    defaults: Outcome
    strikes: StrikeSettings
    rules: tuple[Rule, ...] = ()

    @model_validator(mode="after")
    def _unique_ids(self) -> PolicySpec:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id == CLEAN_RULE:
                raise ValueError(f"rules: the id {CLEAN_RULE!r} is reserved for messages with nothing found")
            if rule.id in seen:
                raise ValueError(f"rules: the id {rule.id!r} is used twice")
            seen.add(rule.id)
        return self


def is_cross_age(context: Context) -> bool:
    """An adult writing to a teen, or a teen writing to an adult."""
    sender = context.sender.age_group
    recipients = set(context.recipient_age_groups)
    return (sender == AgeGroup.ADULT and AgeGroup.TEEN in recipients) or (
        sender == AgeGroup.TEEN and AgeGroup.ADULT in recipients
    )


def _loc(parts: tuple[int | str, ...]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out or "(top level)"


def _format_errors(source: str, exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        lines.append(f"{source}: {_loc(loc)}: {msg}")
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class _Matched:
    outcome: Outcome
    rule_id: str
    order: int


class Policy:
    """A validated policy. ``Policy.default()`` is the built-in community rule."""

    def __init__(self, spec: PolicySpec, source: str = "<policy>") -> None:
        self.spec = spec
        self.source = source

    # ---------------------------------------------------------------- loading

    @classmethod
    def default(cls) -> Policy:
        """The built-in policy (``offsite/policy/default.toml``)."""
        return _default_policy()

    @classmethod
    def load(cls, path: str | Path) -> Policy:
        """Load and validate a policy file; raises :class:`PolicyError` naming the key path."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise PolicyError(f"{path}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise PolicyError(f"{path}: cannot read it ({type(exc).__name__})") from None
        return cls.from_toml(text, source=str(path))

    @classmethod
    def from_toml(cls, text: str, *, source: str = "<policy>") -> Policy:
        """Parse and validate policy TOML text."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise PolicyError(f"{source}: not valid TOML: {exc}") from None
        return cls.from_dict(data, source=source)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "<policy>") -> Policy:
        """Validate plain data (as read from TOML)."""
        try:
            spec = PolicySpec.model_validate(data)
        except ValidationError as exc:
            raise PolicyError(_format_errors(source, exc)) from None
        return cls(spec, source)

    # ---------------------------------------------------------------- inspecting

    @property
    def name(self) -> str:
        """The policy's name."""
        return self.spec.name

    @property
    def strike_settings(self) -> StrikeSettings:
        """Decay and ladder."""
        return self.spec.strikes

    def notice_keys(self) -> frozenset[str]:
        """Every notice template this policy may ask for."""
        keys = {self.spec.defaults.notice} | {r.notice for r in self.spec.rules}
        keys |= {s.notice for s in self.spec.strikes.ladder}
        return frozenset(k for k in keys if k is not None)

    def reason_codes(self) -> frozenset[str]:
        """Every reason code this policy may report (besides ``contact.<kind>`` and
        ``escalation.<step>``)."""
        codes = set(self.spec.defaults.reasons)
        for rule in self.spec.rules:
            codes.update(rule.reasons or (f"rule.{rule.id}",))
        return frozenset(codes)

    def to_dict(self) -> dict[str, Any]:
        """The effective policy as plain data (every default filled in)."""
        data = self.spec.model_dump(mode="json", exclude_none=True)
        first = ("id", "description", "when")
        data["rules"] = [
            {**{k: r[k] for k in first if k in r}, **{k: v for k, v in r.items() if k not in first}}
            for r in data.get("rules", [])
        ]
        return data

    def to_toml(self) -> str:
        """The effective policy as TOML (what ``offsite policy show`` prints)."""
        return f"# effective policy, from {self.source}\n" + tomli_w.dumps(self.to_dict())

    # ---------------------------------------------------------------- deciding

    def decide(self, findings: list[Finding] | tuple[Finding, ...], context: Context,
               strikes: int = 0) -> Verdict:
        """Decide the action for ``findings`` written in ``context`` by a sender who has
        ``strikes`` active strikes."""
        if not findings:
            return Verdict(Action.ALLOW, (), CLEAN_RULE, strikes=strikes)
        # a rule reads a finding's kind, platform and confidence only: floods of alike findings
        # are matched once
        by_shape: dict[tuple[Kind, str | None, float], _Matched] = {}
        matched: list[_Matched] = []
        for f in findings:
            shape = (f.kind, f.platform, f.confidence)
            found = by_shape.get(shape)
            if found is None:
                found = by_shape[shape] = self._match(f, context, strikes)
            matched.append(found)
        ladder = self.spec.strikes
        step = ladder.step_for(strikes)
        counts = any(m.outcome.strike and m.outcome.action != Action.ALLOW for m in matched)

        def effective(m: _Matched) -> Action:
            action = m.outcome.action
            if m.outcome.strike and step.action.severity > action.severity:
                return step.action
            return action

        winner = max(matched, key=lambda m: (effective(m).severity, -m.order))
        action = effective(winner)
        notice = winner.outcome.notice
        escalated = winner.outcome.strike and (
            step.action.severity > winner.outcome.action.severity or step.mute is not None
        )
        if escalated and step.notice is not None:
            notice = step.notice
        priority: str | None = None
        for m in matched:
            if _PRIORITY_RANK[m.outcome.review] > _PRIORITY_RANK[priority]:
                priority = m.outcome.review
        if counts and winner.outcome.strike and _PRIORITY_RANK[step.review] > _PRIORITY_RANK[priority]:
            priority = step.review
        if action == Action.REVIEW and priority is None:
            priority = "normal"

        reasons: list[str] = sorted({f"contact.{f.kind.value}" for f in findings})
        for m in sorted(matched, key=lambda m: m.order):
            if m.outcome.action == Action.ALLOW and action != Action.ALLOW:
                continue
            for code in m.outcome.reasons or (f"rule.{m.rule_id}",):
                if code not in reasons:
                    reasons.append(code)
        if counts:
            reasons.append("slip.repeat" if strikes > 0 else "slip.first")
            reasons.append(f"escalation.{step.step}")
        return Verdict(
            action=action,
            reasons=tuple(reasons),
            rule=winner.rule_id,
            notice_key=notice if action != Action.ALLOW else None,
            review_priority=priority,
            strike=counts,
            step=step.step if counts else None,
            mute=step.mute_delta if counts else None,
            repeat=strikes > 0,
            strikes=strikes,
        )

    def _match(self, finding: Finding, context: Context, strikes: int) -> _Matched:
        for order, rule in enumerate(self.spec.rules):
            if rule.when.holds(finding, context, strikes):
                return _Matched(rule, rule.id, order)
        return _Matched(self.spec.defaults, "default", len(self.spec.rules))


@cache
def _default_policy() -> Policy:
    text = resources.files("offsite.policy").joinpath("default.toml").read_text(encoding="utf-8")
    return Policy.from_toml(text, source="offsite/policy/default.toml")

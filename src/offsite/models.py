"""The small immutable records that flow through the pipeline.

``Context`` describes where a message was written and by whom, ``Finding`` is one piece of
off-site contact a detector found, ``TraceStep`` is one line of the developer trace, and
``Decision`` is what the guard answers for one message.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

_E = TypeVar("_E", bound=StrEnum)


class Kind(StrEnum):
    """What a finding shares or asks for."""

    EMAIL = "email"
    PHONE = "phone"
    URL = "url"
    INVITE = "invite"
    HANDLE = "handle"
    SOLICITATION = "solicitation"
    ADDRESS = "address"


class Action(StrEnum):
    """What happens to a message. Ordered from mildest to strictest by ``severity``."""

    ALLOW = "allow"
    REDACT = "redact"
    BOUNCE = "bounce"
    BLOCK = "block"
    REVIEW = "review"

    @property
    def severity(self) -> int:
        """Rank used to pick the strictest of several actions."""
        return _SEVERITY[self]


_SEVERITY = {
    Action.ALLOW: 0,
    Action.REDACT: 1,
    Action.BOUNCE: 2,
    Action.BLOCK: 3,
    Action.REVIEW: 4,
}


class Surface(StrEnum):
    """Where on the site a text was written."""

    CHAT = "chat"
    ROOM = "room"
    LISTENER_ROOM = "listener_room"
    PROFILE = "profile"


class Role(StrEnum):
    """The sender's role on the site."""

    MEMBER = "member"
    LISTENER = "listener"
    MODERATOR = "moderator"


class AgeGroup(StrEnum):
    """Age group of a person, when the site knows it."""

    ADULT = "adult"
    TEEN = "teen"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Sender:
    """Who wrote the text."""

    id: str | None = None
    role: Role = Role.MEMBER
    age_group: AgeGroup = AgeGroup.UNKNOWN

    def __post_init__(self) -> None:
        """Accept plain strings for the enums (``Sender(role="listener")``)."""
        object.__setattr__(self, "role", _enum(Role, self.role, "sender.role"))
        object.__setattr__(self, "age_group", _enum(AgeGroup, self.age_group, "sender.age_group"))


@dataclass(frozen=True, slots=True)
class Context:
    """Everything the guard may know about a text besides the text itself. All optional."""

    surface: Surface = Surface.CHAT
    sender: Sender = field(default_factory=Sender)
    recipient_age_groups: tuple[AgeGroup, ...] = ()
    conversation_id: str | None = None
    message_id: str | None = None
    locale: str = "en"
    #: On-site usernames (room members, the recipient): ``@name`` for these is not contact.
    known_usernames: frozenset[str] = frozenset()
    #: For profile texts, the name of the field (``bio``, ``display_name`` ...).
    field_name: str | None = None
    #: Seconds since the epoch; the guard uses the current time when absent.
    timestamp: float | None = None

    def __post_init__(self) -> None:
        """Accept plain strings and lists (``Context(surface="room")``), and check them."""
        object.__setattr__(self, "surface", _enum(Surface, self.surface, "surface"))
        if isinstance(self.sender, dict):
            object.__setattr__(self, "sender", Sender(**self.sender))
        object.__setattr__(
            self, "recipient_age_groups",
            tuple(_enum(AgeGroup, a, "recipient_age_groups") for a in self.recipient_age_groups),
        )
        if not isinstance(self.known_usernames, frozenset):
            object.__setattr__(self, "known_usernames", frozenset(self.known_usernames))

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Context:
        """Build a context from plain JSON-like data; raises ``ValueError`` naming the bad key."""
        data = dict(data or {})
        try:
            sender_data = data.pop("sender", None) or {}
            if not isinstance(sender_data, dict):
                raise ValueError("sender: expected an object")
            sender = Sender(
                id=_opt_str(sender_data.get("id"), "sender.id"),
                role=Role(sender_data.get("role", Role.MEMBER)),
                age_group=AgeGroup(sender_data.get("age_group", AgeGroup.UNKNOWN)),
            )
            recips = data.pop("recipient_age_groups", None) or ()
            if isinstance(recips, str):
                recips = [recips]
            ctx = cls(
                surface=Surface(data.pop("surface", Surface.CHAT)),
                sender=sender,
                recipient_age_groups=tuple(AgeGroup(r) for r in recips),
                conversation_id=_opt_str(data.pop("conversation_id", None), "conversation_id"),
                message_id=_opt_str(data.pop("message_id", None), "message_id"),
                locale=str(data.pop("locale", "en") or "en"),
                known_usernames=frozenset(str(u) for u in data.pop("known_usernames", ()) or ()),
                field_name=_opt_str(data.pop("field_name", None), "field_name"),
                timestamp=_opt_float(data.pop("timestamp", None)),
            )
        except ValueError as exc:
            raise ValueError(f"context: {exc}") from None
        if data:
            raise ValueError(f"context: unknown key(s): {', '.join(sorted(data))}")
        return ctx

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return {
            "surface": self.surface.value,
            "sender": {
                "id": self.sender.id,
                "role": self.sender.role.value,
                "age_group": self.sender.age_group.value,
            },
            "recipient_age_groups": [a.value for a in self.recipient_age_groups],
            "conversation_id": self.conversation_id,
            "message_id": self.message_id,
            "locale": self.locale,
            "known_usernames": sorted(self.known_usernames),
            "field_name": self.field_name,
            "timestamp": self.timestamp,
        }


def _enum(kind: type[_E], value: Any, name: str) -> _E:
    """``value`` as a member of ``kind``; ValueError naming the field and the allowed values."""
    if isinstance(value, kind):
        return value
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise ValueError(f"{name}: {value!r} is not one of {allowed}") from None


def _opt_str(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, (str, int)):
        return str(value)
    raise ValueError(f"{name}: expected a string")


def _opt_float(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("timestamp: expected a number")
    return float(value)


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of off-site contact, located in the original text.

    ``text`` is always ``original[start:end]``. ``value`` is the canonical form the detector
    read (``+15550192``, ``jane@gmail.com``, ``instagram:jane_d``) used for hashing and
    cross-account matching; it is never logged.
    """

    kind: Kind
    start: int
    end: int
    text: str
    confidence: float
    rule: str
    detector: str
    platform: str | None = None
    value: str | None = None
    #: ids of earlier messages whose pieces this finding used (conversation-level findings).
    source_message_ids: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        data = asdict(self)
        data["kind"] = self.kind.value
        data["source_message_ids"] = list(self.source_message_ids)
        return data


@dataclass(frozen=True, slots=True)
class TraceStep:
    """One line of the developer trace (``check(..., explain=True)``)."""

    detector: str
    outcome: str  # "accepted" | "rejected" | "note"
    reason: str
    candidate: str = ""
    view: str = ""
    start: int | None = None
    end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Decision:
    """What the guard answers for one text."""

    action: Action
    findings: tuple[Finding, ...]
    redacted_text: str
    notice: str | None
    reasons: tuple[str, ...]
    policy_rule: str | None = None
    review_priority: str | None = None
    degraded: bool = False
    trace: tuple[TraceStep, ...] | None = None

    @property
    def flagged(self) -> bool:
        """True when the text holds or asks for off-site contact."""
        return bool(self.findings)

    @property
    def kinds(self) -> tuple[Kind, ...]:
        """The distinct kinds found, in order of first appearance."""
        return tuple(dict.fromkeys(f.kind for f in self.findings))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (the library's wire format)."""
        data: dict[str, Any] = {
            "action": self.action.value,
            "flagged": self.flagged,
            "findings": [f.to_dict() for f in self.findings],
            "redacted_text": self.redacted_text,
            "notice": self.notice,
            "reasons": list(self.reasons),
            "policy_rule": self.policy_rule,
            "review_priority": self.review_priority,
            "degraded": self.degraded,
        }
        if self.trace is not None:
            data["trace"] = [t.to_dict() for t in self.trace]
        return data

    def to_json(self, **kwargs: Any) -> str:
        """The decision as a JSON string."""
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

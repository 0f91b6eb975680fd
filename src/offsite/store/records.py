"""Plain, immutable records the store hands out (no SQLAlchemy objects leave the store).

Contact values never appear here: only their masked form (``j***@g***.com``) and, for matching
the same contact across accounts, a keyed hash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: Review item states.
REVIEW_STATUSES = ("open", "resolved")
#: Moderator resolutions of a review item.
RESOLUTIONS = ("confirmed", "false_positive")
#: Review priorities, mildest first.
PRIORITIES = ("normal", "urgent")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One message waiting for (or resolved by) a moderator.

    ``context_excerpt`` is the redacted text, never the clear text; ``masked_contacts`` are the
    masked contact values; ``other_accounts`` are other senders seen sharing the same contact.
    """

    id: int
    created_at: datetime
    status: str
    priority: str
    surface: str
    sender_id: str | None
    conversation_id: str | None
    kinds: list[str]
    rule: str | None
    action: str
    masked_contacts: list[str]
    context_excerpt: str
    resolution: str | None = None
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    note: str | None = None
    event_id: int | None = None
    message_id: str | None = None
    reasons: list[str] = field(default_factory=list)
    other_accounts: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (datetimes as ISO 8601 strings)."""
        return {
            "id": self.id,
            "created_at": _iso(self.created_at),
            "status": self.status,
            "priority": self.priority,
            "surface": self.surface,
            "sender_id": self.sender_id,
            "conversation_id": self.conversation_id,
            "message_id": self.message_id,
            "kinds": list(self.kinds),
            "rule": self.rule,
            "action": self.action,
            "reasons": list(self.reasons),
            "masked_contacts": list(self.masked_contacts),
            "context_excerpt": self.context_excerpt,
            "resolution": self.resolution,
            "resolved_by": self.resolved_by,
            "resolved_at": _iso(self.resolved_at),
            "note": self.note,
            "event_id": self.event_id,
            "other_accounts": list(self.other_accounts),
        }


@dataclass(frozen=True, slots=True)
class StrikeSummary:
    """What a user's stored strikes amount to at one moment: how many count, and when the
    latest mute among them ends (``None``: not muted)."""

    count: int
    muted_until: datetime | None


@dataclass(frozen=True, slots=True)
class StrikeRecord:
    """One step of a user's strike ladder: given at ``created_at``, counted until ``expires_at``.

    ``id`` is ``None`` while the record only lives in memory (no store, or the store was down).
    """

    user_id: str
    created_at: datetime
    expires_at: datetime
    step: str
    action: str
    rule: str | None
    surface: str
    muted_until: datetime | None = None
    event_id: int | None = None
    id: int | None = None

    def active(self, now: datetime) -> bool:
        """True while the strike still counts."""
        return self.expires_at > now

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (datetimes as ISO 8601 strings)."""
        return {
            "id": self.id,
            "user_id": self.user_id,
            "created_at": _iso(self.created_at),
            "expires_at": _iso(self.expires_at),
            "step": self.step,
            "action": self.action,
            "rule": self.rule,
            "surface": self.surface,
            "muted_until": _iso(self.muted_until),
            "event_id": self.event_id,
        }

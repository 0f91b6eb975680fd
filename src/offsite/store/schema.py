"""SQLAlchemy 2 models of the moderation store. The schema itself is created by the Alembic
migrations in ``offsite/store/migrations`` (kept in step with these models by a test)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store UTC (naive on SQLite, aware on PostgreSQL)."""
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Always hand back an aware UTC datetime."""
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of the store's tables."""


class DecisionEvent(Base):
    """One decision about a flagged message: where, who, which rule, what action, when."""

    __tablename__ = "decision_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    surface: Mapped[str] = mapped_column(String(32))
    sender_id: Mapped[str | None] = mapped_column(String(255), index=True)
    sender_role: Mapped[str] = mapped_column(String(32))
    sender_age: Mapped[str] = mapped_column(String(16))
    recipient_ages: Mapped[str] = mapped_column(String(64), default="")
    conversation_id: Mapped[str | None] = mapped_column(String(255))
    message_id: Mapped[str | None] = mapped_column(String(255))
    rule: Mapped[str | None] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(16))
    kinds: Mapped[list[str]] = mapped_column(JSON)
    reasons: Mapped[list[str]] = mapped_column(JSON)
    review_priority: Mapped[str | None] = mapped_column(String(16))
    degraded: Mapped[bool] = mapped_column(Boolean, default=False)


class EventKind(Base):
    """One kind found in one event (denormalised for counting by kind, surface and action)."""

    __tablename__ = "event_kinds"
    __table_args__ = (Index("ix_event_kinds_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("decision_events.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(32))
    surface: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(16))


class ContactSighting(Base):
    """A contact value seen in an event, kept only as a keyed hash and a masked form."""

    __tablename__ = "contact_sightings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("decision_events.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sender_id: Mapped[str | None] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(32))
    contact_hash: Mapped[str] = mapped_column(String(64), index=True)
    masked: Mapped[str] = mapped_column(String(255))


class ReviewRow(Base):
    """A message held for moderators, with its status and resolution."""

    __tablename__ = "review_items"
    __table_args__ = (Index("ix_review_items_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("decision_events.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="open")
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    surface: Mapped[str] = mapped_column(String(32))
    sender_id: Mapped[str | None] = mapped_column(String(255))
    conversation_id: Mapped[str | None] = mapped_column(String(255))
    message_id: Mapped[str | None] = mapped_column(String(255))
    kinds: Mapped[list[str]] = mapped_column(JSON)
    reasons: Mapped[list[str]] = mapped_column(JSON)
    rule: Mapped[str | None] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(16))
    masked_contacts: Mapped[list[str]] = mapped_column(JSON)
    contact_hashes: Mapped[list[str]] = mapped_column(JSON)
    context_excerpt: Mapped[str] = mapped_column(Text)
    resolution: Mapped[str | None] = mapped_column(String(32))
    resolved_by: Mapped[str | None] = mapped_column(String(255))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    note: Mapped[str | None] = mapped_column(Text)


class StrikeRow(Base):
    """One step of a user's strike ladder."""

    __tablename__ = "strikes"
    # a lookup reads the strikes that still count and the mutes still running, not a user's
    # whole history (migration 0003); the first also serves every query by user
    __table_args__ = (
        Index("ix_strikes_user_expires", "user_id", "expires_at", "created_at"),
        Index("ix_strikes_user_muted", "user_id", "muted_until", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    step: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(16))
    rule: Mapped[str | None] = mapped_column(String(128))
    surface: Mapped[str] = mapped_column(String(32))
    # indexed: the strike ledger reads who is muted right now in one query
    muted_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("decision_events.id", ondelete="SET NULL"), nullable=True
    )

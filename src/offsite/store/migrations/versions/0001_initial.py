"""Initial schema: decision events, kinds, contact sightings, review items, strikes.

Revision ID: 0001_initial
Revises:
Create Date: 2024-06-01 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create every table of the moderation store."""
    op.create_table(
        "decision_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("surface", sa.String(32), nullable=False),
        sa.Column("sender_id", sa.String(255), nullable=True),
        sa.Column("sender_role", sa.String(32), nullable=False),
        sa.Column("sender_age", sa.String(16), nullable=False),
        sa.Column("recipient_ages", sa.String(64), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=True),
        sa.Column("message_id", sa.String(255), nullable=True),
        sa.Column("rule", sa.String(128), nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("review_priority", sa.String(16), nullable=True),
        sa.Column("degraded", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_decision_events_created_at", "decision_events", ["created_at"])
    op.create_index("ix_decision_events_sender_id", "decision_events", ["sender_id"])

    op.create_table(
        "event_kinds",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.Integer(),
                  sa.ForeignKey("decision_events.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("surface", sa.String(32), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
    )
    op.create_index("ix_event_kinds_created_at", "event_kinds", ["created_at"])
    op.create_index("ix_event_kinds_event_id", "event_kinds", ["event_id"])

    op.create_table(
        "contact_sightings",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.Integer(),
                  sa.ForeignKey("decision_events.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("sender_id", sa.String(255), nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("contact_hash", sa.String(64), nullable=False),
        sa.Column("masked", sa.String(255), nullable=False),
    )
    op.create_index("ix_contact_sightings_event_id", "contact_sightings", ["event_id"])
    op.create_index("ix_contact_sightings_contact_hash", "contact_sightings", ["contact_hash"])

    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.Integer(),
                  sa.ForeignKey("decision_events.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("surface", sa.String(32), nullable=False),
        sa.Column("sender_id", sa.String(255), nullable=True),
        sa.Column("conversation_id", sa.String(255), nullable=True),
        sa.Column("message_id", sa.String(255), nullable=True),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("rule", sa.String(128), nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("masked_contacts", sa.JSON(), nullable=False),
        sa.Column("contact_hashes", sa.JSON(), nullable=False),
        sa.Column("context_excerpt", sa.Text(), nullable=False),
        sa.Column("resolution", sa.String(32), nullable=True),
        sa.Column("resolved_by", sa.String(255), nullable=True),
        sa.Column("resolved_at", _TS, nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_index("ix_review_items_status_created", "review_items", ["status", "created_at"])

    op.create_table(
        "strikes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("step", sa.String(32), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("rule", sa.String(128), nullable=True),
        sa.Column("surface", sa.String(32), nullable=False),
        sa.Column("muted_until", _TS, nullable=True),
        sa.Column("event_id", sa.Integer(),
                  sa.ForeignKey("decision_events.id", ondelete="SET NULL"), nullable=True),
    )
    op.create_index("ix_strikes_user_id", "strikes", ["user_id"])


def downgrade() -> None:
    """Drop every table of the moderation store."""
    op.drop_table("strikes")
    op.drop_table("review_items")
    op.drop_table("contact_sightings")
    op.drop_table("event_kinds")
    op.drop_table("decision_events")

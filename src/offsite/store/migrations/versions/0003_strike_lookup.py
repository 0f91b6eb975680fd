"""Strike lookups read a user's unexpired strikes and running mutes only.

The index on ``strikes.user_id`` alone made every lookup read all of a user's strikes, however
old (a user with a long history cost one heap read per strike ever given, on every message they
sent). Two composite indexes replace it: ``(user_id, expires_at, created_at)`` answers "strikes
that still count" and ``(user_id, muted_until, created_at)`` "mutes still running" as index range
scans over the live rows alone. The first also serves every query by ``user_id``.

Revision ID: 0003_strike_lookup
Revises: 0002_strike_mutes
Create Date: 2026-12-07 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003_strike_lookup"
down_revision: str | None = "0002_strike_mutes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Replace the user index by the two lookup indexes."""
    op.create_index("ix_strikes_user_expires", "strikes", ["user_id", "expires_at", "created_at"])
    op.create_index("ix_strikes_user_muted", "strikes", ["user_id", "muted_until", "created_at"])
    op.drop_index("ix_strikes_user_id", table_name="strikes")


def downgrade() -> None:
    """Restore the user index alone."""
    op.create_index("ix_strikes_user_id", "strikes", ["user_id"])
    op.drop_index("ix_strikes_user_muted", table_name="strikes")
    op.drop_index("ix_strikes_user_expires", table_name="strikes")

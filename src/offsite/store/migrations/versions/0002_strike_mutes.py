"""An index on strikes.muted_until: the strike ledger reads who is muted right now in one query.

Revision ID: 0002_strike_mutes
Revises: 0001_initial
Create Date: 2026-12-06 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002_strike_mutes"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Index the end of each strike's mute."""
    op.create_index("ix_strikes_muted_until", "strikes", ["muted_until"])


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_strikes_muted_until", table_name="strikes")

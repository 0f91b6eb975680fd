"""Alembic migrations of the moderation store (run programmatically by ``Store.migrate``)."""

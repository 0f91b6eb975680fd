"""The moderation store: decision events, review items and strikes (SQLite by default,
PostgreSQL by URL), with Alembic migrations shipped in the package. See :mod:`offsite.store.core`."""

from offsite.store.core import FAIL_MODES, Store, StoreError, StoreUnavailable, normalize_url
from offsite.store.hashing import HashKeyError, contact_hash, load_hash_key, mask_contact
from offsite.store.records import RESOLUTIONS, REVIEW_STATUSES, ReviewItem, StrikeRecord

__all__ = [
    "FAIL_MODES", "RESOLUTIONS", "REVIEW_STATUSES", "HashKeyError", "ReviewItem", "Store", "StoreError",
    "StoreUnavailable", "StrikeRecord", "contact_hash", "load_hash_key", "mask_contact", "normalize_url",
]

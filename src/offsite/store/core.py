"""The moderation store: decision events, review items and strikes, in SQLite or PostgreSQL.

    store = Store.from_url(None, Path("offsite-data"))      # SQLite file offsite-data/offsite.db
    store = Store.from_url("postgresql://u:p@host/db", Path("offsite-data"))
    store.migrate()
    event_id = store.record_decision(decision, context)

When the database cannot be reached, :meth:`Store.record_decision` keeps the record in a bounded
in-memory buffer and returns ``None``; the buffer is written, in order, by the next successful
write or by :meth:`Store.flush`. Contact values are never stored in clear: only a keyed hash
(HMAC-SHA256) and a masked form.
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    ColumnElement,
    Engine,
    bindparam,
    case,
    create_engine,
    delete,
    event,
    func,
    insert,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Row, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session

from offsite.models import Action, Context, Decision
from offsite.store.hashing import contact_hash, finding_contact, load_hash_key, mask_contact
from offsite.store.records import PRIORITIES, RESOLUTIONS, REVIEW_STATUSES, ReviewItem, StrikeRecord, StrikeSummary
from offsite.store.schema import (
    ContactSighting,
    DecisionEvent,
    EventKind,
    ReviewRow,
    StrikeRow,
)

log = logging.getLogger("offsite.store")

FAIL_MODES = ("open", "closed")
BUCKETS = ("hour", "day", "week", "month")
SQLITE_FILE = "offsite.db"
#: Longest redacted excerpt kept on a review item.
EXCERPT_CHARS = 1000

#: What :meth:`Store.record_decision` answers for a record queued in write-behind mode.
QUEUED = 0
#: Records written in one transaction by :meth:`Store.flush`.
BATCH_SIZE = 200
#: A write-behind queue this long is written by the caller instead of waiting for the flusher.
WRITE_BEHIND_MAX = 2_000

T = TypeVar("T")


def _strike_summary_query() -> Any:
    """How many strikes of :user_id count at :at and when their latest mute ends (built once:
    building the expression cost more than running it). Two range reads, one per lookup index
    (schema ``StrikeRow``): only strikes unexpired at :at and mutes running at :at are read, so a
    long history costs nothing."""
    table = StrikeRow.__table__
    at = bindparam("at", type_=table.c.created_at.type)
    user = table.c.user_id == bindparam("user_id")
    counting = (
        select(func.count()).select_from(table)
        .where(user, table.c.expires_at > at, table.c.created_at <= at).scalar_subquery()
    )
    muted = (
        select(func.max(table.c.muted_until))
        .where(user, table.c.muted_until > at, table.c.created_at <= at).scalar_subquery()
    )
    return select(counting, muted)


_STRIKE_SUMMARY = _strike_summary_query()


class StoreError(RuntimeError):
    """The store failed for a reason other than being unreachable (e.g. schema not migrated)."""


class StoreUnavailable(StoreError):
    """The database cannot be reached right now."""


@dataclass(frozen=True, slots=True)
class _Pending:
    """One decision ready to be written (hashes and masks already computed, no clear text)."""

    event: dict[str, Any]
    kinds: tuple[str, ...]
    contacts: tuple[tuple[str, str, str], ...]  # (kind, hash, masked)
    review: dict[str, Any] | None
    strike: StrikeRecord | None


@dataclass
class _Health:
    available: bool = True
    retry_at: float = 0.0
    dropped: int = 0
    last_error: str | None = None
    buffer: deque[_Pending] = field(default_factory=deque)


def normalize_url(url: str) -> str:
    """Pick the psycopg 3 driver for plain ``postgresql://`` / ``postgres://`` URLs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _unavailable(exc: BaseException) -> bool:
    """True for errors that mean "cannot reach the database" (as opposed to a bug or bad schema)."""
    if isinstance(exc, (DisconnectionError, PoolTimeoutError, InterfaceError)):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, OperationalError):
        message = str(exc.orig).lower() if exc.orig is not None else ""
        return "no such table" not in message and "no such column" not in message
    return False


class Store:
    """Decision events, review items and strikes (SQLAlchemy 2; SQLite or PostgreSQL)."""

    def __init__(
        self,
        engine: Engine,
        *,
        hash_key: bytes,
        fail_mode: str = "open",
        buffer_size: int = 10_000,
        retry_seconds: float = 1.0,
        write_behind: bool = False,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        if fail_mode not in FAIL_MODES:
            raise ValueError(f"fail_mode: expected one of {', '.join(FAIL_MODES)}, got {fail_mode!r}")
        if buffer_size < 1:
            raise ValueError("buffer_size: must be at least 1")
        self.engine = engine
        # PostgreSQL reads run without a transaction: no BEGIN before and no ROLLBACK after each
        # (with the ping that preceded every use, three of the four round trips a strike lookup
        # took). SQLite's are in-process.
        postgres = engine.dialect.name == "postgresql"
        self._read_engine = engine.execution_options(isolation_level="AUTOCOMMIT") if postgres else engine
        # a connection the server had closed (restart, failover) fails its first statement and
        # invalidates the pool: PostgreSQL work is tried once more, on a new connection
        self._tries = 2 if postgres else 1
        self.fail_mode = fail_mode
        self.retry_seconds = retry_seconds
        self.write_behind = write_behind
        self._key = hash_key
        self._clock = clock or (lambda: datetime.now(UTC))
        self._health = _Health(buffer=deque(maxlen=buffer_size))
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_url(
        cls,
        url: str | None,
        data_dir: Path,
        *,
        hash_key: bytes | None = None,
        fail_mode: str = "open",
        buffer_size: int = 10_000,
        retry_seconds: float = 1.0,
        write_behind: bool = False,
        connect_timeout: int = 3,
    ) -> Store:
        """A store on ``url`` (SQLAlchemy URL; ``postgresql://`` uses psycopg 3), or on the SQLite
        file ``<data_dir>/offsite.db`` when ``url`` is ``None`` or empty. Raises ``ValueError``
        for a malformed URL or setting. Does not connect yet; call :meth:`migrate` once.
        ``write_behind``: see :meth:`record_decision`."""
        data_dir = Path(data_dir)
        key = load_hash_key(data_dir, hash_key)
        if not url:
            try:
                data_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ValueError(f"data_dir: cannot create {data_dir} ({exc.strerror})") from None
            url = f"sqlite:///{(data_dir / SQLITE_FILE).resolve()}"
        url = normalize_url(url)
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise ValueError(
                "database URL: cannot parse it (expected e.g. postgresql://user@host/db)"
            ) from None
        backend = parsed.get_backend_name()
        kwargs: dict[str, Any] = {}
        if backend == "sqlite":
            kwargs["connect_args"] = {"timeout": 15, "check_same_thread": False}
            kwargs["pool_pre_ping"] = True
        elif backend == "postgresql":
            # No ping before each use (a round trip per query): a connection the server closed
            # (restart, failover) fails its first statement, which invalidates the pool, and
            # Store._attempt tries once more on a new connection.
            kwargs["connect_args"] = {"connect_timeout": connect_timeout, "options": "-c timezone=UTC"}
            kwargs["pool_recycle"] = 1800
        else:
            raise ValueError(f"database URL: unsupported backend {backend!r} (use sqlite or postgresql)")
        try:
            engine = create_engine(parsed, **kwargs)
        except (ArgumentError, NoSuchModuleError) as exc:
            raise ValueError(f"database URL: {type(exc).__name__}: cannot use it") from None
        if backend == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        return cls(engine, hash_key=key, fail_mode=fail_mode, buffer_size=buffer_size,
                   retry_seconds=retry_seconds, write_behind=write_behind)

    @classmethod
    def from_env(cls, data_dir: Path | None = None, url: str | None = None) -> Store:
        """A store configured from ``OFFSITE_DATABASE_URL``, ``OFFSITE_DATA_DIR`` (default
        ``offsite-data``) and ``OFFSITE_FAIL_MODE``; explicit arguments win."""
        directory = data_dir or Path(os.environ.get("OFFSITE_DATA_DIR") or "offsite-data")
        return cls.from_url(
            url or os.environ.get("OFFSITE_DATABASE_URL") or None,
            directory,
            fail_mode=os.environ.get("OFFSITE_FAIL_MODE") or "open",
        )

    # ------------------------------------------------------------------ health

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @property
    def available(self) -> bool:
        """The outcome of the last database operation (``True`` before the first)."""
        return self._health.available

    @property
    def pending(self) -> int:
        """Records waiting in the in-memory buffer."""
        return len(self._health.buffer)

    @property
    def dropped(self) -> int:
        """Records lost because the buffer was full (the oldest are dropped first)."""
        return self._health.dropped

    def migrate(self) -> None:
        """Bring the schema to the newest revision (``alembic upgrade head``)."""
        config = Config()
        config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        try:
            with self.engine.begin() as conn:
                if self.backend == "postgresql":  # several workers may start at once: one migrates
                    conn.execute(text("SELECT pg_advisory_xact_lock(7262430158)"))
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
        except SQLAlchemyError as exc:
            raise self._wrap(exc) from None

    def ping(self) -> bool:
        """True when the database answers ``SELECT 1``."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            self._mark_down(exc)
            return False
        self._mark_up()
        return True

    def close(self) -> None:
        """Try to write what is buffered, then release every connection."""
        if self._health.buffer:
            try:
                self.flush()
            except StoreError:
                log.warning("closing the store with %d unwritten record(s)", self.pending)
        self.engine.dispose()

    # ------------------------------------------------------------------ writing

    def record_decision(
        self,
        decision: Decision,
        context: Context,
        *,
        strike: StrikeRecord | None = None,
        at: datetime | None = None,
    ) -> int | None:
        """Record a decision (and its review item when the decision asks for review, and
        ``strike`` when given). Returns the event id, or ``None`` when the database is down and
        the record was buffered to be written later.

        With ``write_behind`` the record is queued and :data:`QUEUED` returned at once; the
        queue is written in batches, one transaction each, by :meth:`flush` (the service runs
        it a few times a second and at shutdown). A request never waits on the database
        then, at the price of losing the last fraction of a second of records if the process
        is killed. A queue longer than :data:`WRITE_BEHIND_MAX` is written by the caller, so a
        database that cannot keep up slows requests down instead of dropping records."""
        pending = self._prepare(decision, context, strike, at)
        health = self._health
        if self.write_behind:
            up = health.available
            self._buffer(pending, degraded=not up)  # degraded: decided while the database was down
            if up and len(health.buffer) >= WRITE_BEHIND_MAX:
                self.flush()
            return QUEUED if up else None
        if health.buffer:
            if time.monotonic() >= health.retry_at:
                self.flush()
            if health.buffer:  # keep the order: nothing overtakes what is already waiting
                self._buffer(pending)
                return None
        elif time.monotonic() < health.retry_at:  # it failed a moment ago: do not wait on it again
            self._buffer(pending)
            return None
        try:
            return self._write(pending)
        except StoreUnavailable:
            self._buffer(pending)
            return None
        except StoreError:
            self._buffer(pending)  # kept for a later flush; the caller hears about the problem
            raise

    def flush(self) -> int:
        """Write buffered records in order, in batches of up to :data:`BATCH_SIZE` (one
        transaction each); returns how many were written. Stops at the first failure (the rest
        stay buffered) and raises nothing when the database is still down. A batch that fails
        for another reason is written again record by record, so only the faulty record stays
        at the head of the buffer (and the error is raised)."""
        written = 0
        with self._flush_lock:
            while True:
                with self._lock:
                    batch = list(itertools.islice(self._health.buffer, BATCH_SIZE))
                if not batch:
                    break
                try:
                    self._write_batch(batch)
                except StoreUnavailable:
                    break
                except StoreError:
                    if len(batch) == 1:
                        raise
                    batch = batch[:1]  # one at a time until the faulty record is at the head
                    try:
                        self._write_batch(batch)
                    except StoreUnavailable:
                        break
                with self._lock:
                    buffer = self._health.buffer
                    for pending in batch:  # a full buffer may have dropped some meanwhile
                        if buffer and buffer[0] is pending:
                            buffer.popleft()
                written += len(batch)
        if written and not self.write_behind:
            log.info("wrote %d buffered record(s); %d still buffered", written, self.pending)
        return written

    def _buffer(self, pending: _Pending, *, degraded: bool = True) -> None:
        if degraded:
            pending.event["degraded"] = True  # decided while the database was unreachable
        with self._lock:
            buffer = self._health.buffer
            if buffer.maxlen is not None and len(buffer) >= buffer.maxlen:
                self._health.dropped += 1
                log.error("store buffer full (%d); dropping the oldest record", buffer.maxlen)
            buffer.append(pending)

    def _prepare(self, decision: Decision, context: Context, strike: StrikeRecord | None,
                 at: datetime | None) -> _Pending:
        when = at
        if when is None and context.timestamp is not None:
            try:
                when = datetime.fromtimestamp(context.timestamp, UTC)
            except (OverflowError, OSError, ValueError):
                when = None
        when = when or self._clock()
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        kinds = tuple(k.value for k in decision.kinds)
        contacts: dict[str, tuple[str, str, str]] = {}
        for finding in decision.findings:
            pair = finding_contact(finding)
            if pair is None:
                continue
            digest = contact_hash(self._key, *pair)
            contacts.setdefault(digest, (pair[0].value, digest, mask_contact(*pair)))
        sender = context.sender
        event_row = {
            "created_at": when,
            "surface": context.surface.value,
            "sender_id": sender.id,
            "sender_role": sender.role.value,
            "sender_age": sender.age_group.value,
            "recipient_ages": ",".join(sorted({a.value for a in context.recipient_age_groups})),
            "conversation_id": context.conversation_id,
            "message_id": context.message_id,
            "rule": decision.policy_rule,
            "action": decision.action.value,
            "kinds": list(kinds),
            "reasons": list(decision.reasons),
            "review_priority": decision.review_priority,
            "degraded": decision.degraded,
        }
        review = None
        if decision.action == Action.REVIEW or decision.review_priority is not None:
            priority = decision.review_priority if decision.review_priority in PRIORITIES else "normal"
            review = {
                "created_at": when,
                "status": "open",
                "priority": priority,
                "surface": context.surface.value,
                "sender_id": sender.id,
                "conversation_id": context.conversation_id,
                "message_id": context.message_id,
                "kinds": list(kinds),
                "reasons": list(decision.reasons),
                "rule": decision.policy_rule,
                "action": decision.action.value,
                "masked_contacts": [c[2] for c in contacts.values()],
                "contact_hashes": [c[1] for c in contacts.values()],
                "context_excerpt": decision.redacted_text[:EXCERPT_CHARS],
            }
        return _Pending(event_row, kinds, tuple(contacts.values()), review, strike)

    def _write(self, pending: _Pending) -> int:
        return self._write_batch([pending])[0]

    def _write_batch(self, batch: Sequence[_Pending]) -> list[int]:
        """Write ``batch`` in one transaction (SQLAlchemy Core: the ORM's unit of work costs
        several times more per record); returns the event ids in order."""

        def work(conn: Connection) -> list[int]:
            ids: list[int] = []
            kinds: list[dict[str, Any]] = []
            sightings: list[dict[str, Any]] = []
            reviews: list[dict[str, Any]] = []
            strikes: list[dict[str, Any]] = []
            # one INSERT ... RETURNING for the whole batch, ids in the order of the rows
            returned = conn.execute(
                insert(DecisionEvent).returning(DecisionEvent.id, sort_by_parameter_order=True),
                [pending.event for pending in batch],
            ).scalars().all()
            for pending, event_id in zip(batch, returned, strict=True):
                ev = pending.event
                ids.append(int(event_id))
                kinds.extend({"event_id": event_id, "created_at": ev["created_at"], "kind": kind,
                              "surface": ev["surface"], "action": ev["action"]} for kind in pending.kinds)
                sightings.extend({"event_id": event_id, "created_at": ev["created_at"],
                                  "sender_id": ev["sender_id"], "kind": kind, "contact_hash": digest,
                                  "masked": masked} for kind, digest, masked in pending.contacts)
                if pending.review is not None:
                    reviews.append({"event_id": event_id, **pending.review})
                if pending.strike is not None:
                    s = pending.strike
                    strikes.append({"user_id": s.user_id, "created_at": s.created_at,
                                    "expires_at": s.expires_at, "step": s.step, "action": s.action,
                                    "rule": s.rule, "surface": s.surface, "muted_until": s.muted_until,
                                    "event_id": event_id})
            for table, rows in ((EventKind, kinds), (ContactSighting, sightings), (ReviewRow, reviews),
                                (StrikeRow, strikes)):
                if rows:
                    conn.execute(insert(table), rows)
            return ids

        return self._run_core(work, write=True, settle=False)

    # ------------------------------------------------------------------ reading

    def review_items(self, status: str | None = "open", limit: int = 50, offset: int = 0) -> list[ReviewItem]:
        """Review items with ``status`` (``open``, ``resolved``, or ``None`` for all). Open items
        come urgent first, then oldest first; otherwise newest first."""
        if status is not None and status not in REVIEW_STATUSES:
            raise ValueError(f"status: expected one of {', '.join(REVIEW_STATUSES)} or None, got {status!r}")
        if limit < 1 or offset < 0:
            raise ValueError("limit must be at least 1 and offset at least 0")

        def work(session: Session) -> list[ReviewItem]:
            query = select(ReviewRow)
            if status is not None:
                query = query.where(ReviewRow.status == status)
            if status == "open":
                urgent_first = case((ReviewRow.priority == "urgent", 0), else_=1)
                query = query.order_by(urgent_first, ReviewRow.created_at, ReviewRow.id)
            else:
                query = query.order_by(ReviewRow.created_at.desc(), ReviewRow.id.desc())
            rows = session.scalars(query.limit(limit).offset(offset)).all()
            return [self._review(session, row) for row in rows]

        return self._run(work)

    def review_item(self, item_id: int) -> ReviewItem | None:
        """One review item, or ``None`` when there is no such id."""

        def work(session: Session) -> ReviewItem | None:
            row = session.get(ReviewRow, item_id)
            return self._review(session, row) if row is not None else None

        return self._run(work)

    def resolve_review(self, item_id: int, resolution: str, by: str, note: str | None = None) -> ReviewItem:
        """Resolve a review item as ``confirmed`` or ``false_positive`` by moderator ``by``.
        Raises ``KeyError`` for an unknown id and ``ValueError`` for a bad resolution or name."""
        if resolution not in RESOLUTIONS:
            raise ValueError(f"resolution: expected one of {', '.join(RESOLUTIONS)}, got {resolution!r}")
        if not isinstance(by, str) or not by.strip():
            raise ValueError("by: the moderator's name must not be empty")

        def work(session: Session) -> ReviewItem:
            row = session.get(ReviewRow, item_id)
            if row is None:
                raise KeyError(item_id)
            row.status = "resolved"
            row.resolution = resolution
            row.resolved_by = by.strip()
            row.resolved_at = self._clock()
            row.note = note
            session.flush()
            return self._review(session, row)

        return self._run(work, write=True)

    def strikes(self, user_id: str, *, settle: bool = True) -> list[StrikeRecord]:
        """Every stored strike of ``user_id``, oldest first (expired ones included until purged).
        ``settle=False`` skips writing the write-behind queue first (the strike ledger adds
        :meth:`pending_strikes` itself and must not wait on the database in a request)."""

        def work(session: Session) -> list[StrikeRecord]:
            # Core rows, not ORM objects: read for every sender whose standing is not cached
            table = StrikeRow.__table__
            query = select(table).where(table.c.user_id == user_id)
            rows = session.execute(query.order_by(table.c.created_at, table.c.id)).all()
            return [_strike(row) for row in rows]

        return self._run(work, settle=settle)

    def strike_summary(self, user_id: str, at: datetime) -> StrikeSummary:
        """How many stored strikes of ``user_id`` count at ``at`` and when their latest mute
        ends: one aggregate row, however many strikes the user has collected. Like
        ``strikes(settle=False)``, it does not wait for the write-behind queue (the strike
        ledger adds :meth:`pending_strikes` itself)."""

        def work(conn: Connection) -> StrikeSummary:
            count, muted_until = conn.execute(_STRIKE_SUMMARY, {"user_id": user_id, "at": at}).one()
            return StrikeSummary(int(count or 0), muted_until)

        return self._run_core(work, settle=False)

    def mutes_ending_after(self, at: datetime, limit: int = 10_000) -> list[tuple[str, datetime, datetime]] | None:
        """(user id, given at, mute ends) of every stored strike whose mute ends after ``at``: one
        query on the ``muted_until`` index (mutes are few), or None when there are more than
        ``limit``. Like :meth:`strike_summary`, it does not wait for the write-behind queue."""

        def work(session: Session) -> list[tuple[str, datetime, datetime]] | None:
            table = StrikeRow.__table__
            query = (
                select(table.c.user_id, table.c.created_at, table.c.muted_until)
                .where(table.c.muted_until > at)
                .limit(limit + 1)
            )
            rows = session.execute(query).all()
            if len(rows) > limit:
                return None
            return [(str(user), given, until) for user, given, until in rows]

        return self._run(work, settle=False)

    def pending_strikes(self, user_id: str) -> list[StrikeRecord]:
        """Strikes of ``user_id`` still waiting in the buffer (database down, or write-behind)."""
        with self._lock:
            found = [p.strike for p in self._health.buffer if p.strike is not None]
        return [s for s in found if s.user_id == user_id]

    def accounts_sharing(self, digest: str, exclude: str | None = None) -> list[str]:
        """Sender ids that shared the contact with keyed hash ``digest`` (for cross-account reuse)."""

        def work(session: Session) -> list[str]:
            return self._accounts(session, [digest], exclude)

        return self._run(work)

    def decision_counts(self, since: datetime | None = None, bucket: str = "day") -> list[dict[str, Any]]:
        """Counts of flagged kinds per time bucket, surface and action:
        ``[{"bucket": "2024-06-01T00:00:00+00:00", "kind": "phone", "surface": "chat",
        "action": "bounce", "count": 3}, ...]``, oldest bucket first."""
        if bucket not in BUCKETS:
            raise ValueError(f"bucket: expected one of {', '.join(BUCKETS)}, got {bucket!r}")

        def work(session: Session) -> list[dict[str, Any]]:
            expr = self._bucket_expr(bucket).label("bucket")
            query = select(expr, EventKind.kind, EventKind.surface, EventKind.action, func.count().label("n"))
            if since is not None:
                query = query.where(EventKind.created_at >= since)
            query = query.group_by(expr, EventKind.kind, EventKind.surface, EventKind.action)
            out = []
            for b, kind, surface, action, n in session.execute(query).all():
                out.append({"bucket": _bucket_iso(b), "kind": kind, "surface": surface, "action": action,
                            "count": int(n)})
            out.sort(key=lambda r: (r["bucket"], r["kind"], r["surface"], r["action"]))
            return out

        return self._run(work)

    def _bucket_expr(self, bucket: str) -> ColumnElement[Any]:
        column = EventKind.created_at
        if self.backend == "postgresql":
            return func.date_trunc(bucket, column)
        formats = {"hour": "%Y-%m-%d %H:00:00", "day": "%Y-%m-%d 00:00:00", "month": "%Y-%m-01 00:00:00"}
        if bucket == "week":  # Monday of the week
            return func.date(column, "-6 days", "weekday 1").concat(literal(" 00:00:00"))
        return func.strftime(formats[bucket], column)

    # ------------------------------------------------------------------ retention

    def purge(self, older_than: timedelta) -> int:
        """Delete decision events, resolved review items and expired strikes older than
        ``older_than``; returns how many records were deleted. Open review items are kept."""
        if older_than <= timedelta(0):
            raise ValueError("older_than: must be longer than zero")
        now = self._clock()
        cutoff = now - older_than

        def work(session: Session) -> int:
            old = select(DecisionEvent.id).where(DecisionEvent.created_at < cutoff).scalar_subquery()
            session.execute(update(ReviewRow).where(ReviewRow.event_id.in_(old)).values(event_id=None))
            session.execute(update(StrikeRow).where(StrikeRow.event_id.in_(old)).values(event_id=None))
            session.execute(delete(EventKind).where(EventKind.event_id.in_(old)))
            session.execute(delete(ContactSighting).where(ContactSighting.event_id.in_(old)))
            total = _rowcount(session.execute(delete(DecisionEvent).where(DecisionEvent.created_at < cutoff)))
            total += _rowcount(session.execute(
                delete(ReviewRow).where(ReviewRow.status == "resolved", ReviewRow.created_at < cutoff)))
            total += _rowcount(session.execute(
                delete(StrikeRow).where(StrikeRow.created_at < cutoff, StrikeRow.expires_at < now)))
            return total

        return self._run(work, write=True)

    # ------------------------------------------------------------------ plumbing

    def _run(self, work: Callable[[Session], T], *, write: bool = False, settle: bool = True) -> T:
        """``work`` in an ORM session (a transaction when ``write``), its errors as StoreError."""

        def attempt() -> T:
            with self._session(write) as session:
                return work(session)

        return self._attempt(attempt, settle)

    def _run_core(self, work: Callable[[Connection], T], *, write: bool = False, settle: bool = True) -> T:
        """:meth:`_run` on a Core connection, for the paths taken under load (a strike lookup per
        flagged message, the write-behind batches): no ORM session to build and close, which
        cost three times the query itself."""

        def attempt() -> T:
            if write:
                with self.engine.begin() as conn:
                    return work(conn)
            with self._read_engine.connect() as conn:
                return work(conn)

        return self._attempt(attempt, settle)

    def _attempt(self, attempt: Callable[[], T], settle: bool) -> T:
        # write-behind: a read sees what this process queued (moderators read their own writes)
        if settle and self.write_behind and self._health.buffer and self._health.available:
            self.flush()
        tries = self._tries
        for number in range(1, tries + 1):
            try:
                result = attempt()
            except DBAPIError as exc:
                if exc.connection_invalidated and number < tries:
                    continue
                raise self._wrap(exc) from None
            except SQLAlchemyError as exc:
                raise self._wrap(exc) from None
            self._mark_up()
            return result
        raise AssertionError("unreachable: the last try returns or raises")

    @contextmanager
    def _session(self, write: bool) -> Iterator[Session]:
        with Session(self.engine if write else self._read_engine, expire_on_commit=False) as session:
            if write:
                with session.begin():
                    yield session
            else:
                yield session

    def _wrap(self, exc: SQLAlchemyError) -> StoreError:
        if _unavailable(exc):
            self._mark_down(exc)
            return StoreUnavailable(f"database unreachable ({type(exc).__name__})")
        message = str(getattr(exc, "orig", "") or "").lower()
        if "no such table" in message or "does not exist" in message:
            return StoreError("the store's tables are missing: run Store.migrate() (or `offsite db migrate`)")
        log.error("store error: %s", type(exc).__name__)
        return StoreError(f"store error ({type(exc).__name__})")

    def _mark_down(self, exc: BaseException) -> None:
        health = self._health
        if health.available:
            log.warning("database unreachable (%s); buffering records", type(exc).__name__)
        health.available = False
        health.last_error = type(exc).__name__
        health.retry_at = time.monotonic() + self.retry_seconds

    def _mark_up(self) -> None:
        health = self._health
        if not health.available:
            log.info("database reachable again")
        health.available = True
        health.retry_at = 0.0

    def _review(self, session: Session, row: ReviewRow) -> ReviewItem:
        others = self._accounts(session, list(row.contact_hashes or ()), row.sender_id)
        return ReviewItem(
            id=row.id,
            created_at=row.created_at,
            status=row.status,
            priority=row.priority,
            surface=row.surface,
            sender_id=row.sender_id,
            conversation_id=row.conversation_id,
            kinds=list(row.kinds or ()),
            rule=row.rule,
            action=row.action,
            masked_contacts=list(row.masked_contacts or ()),
            context_excerpt=row.context_excerpt,
            resolution=row.resolution,
            resolved_by=row.resolved_by,
            resolved_at=row.resolved_at,
            note=row.note,
            event_id=row.event_id,
            message_id=row.message_id,
            reasons=list(row.reasons or ()),
            other_accounts=others,
        )

    @staticmethod
    def _accounts(session: Session, digests: Sequence[str], exclude: str | None) -> list[str]:
        if not digests:
            return []
        query = (
            select(ContactSighting.sender_id)
            .where(ContactSighting.contact_hash.in_(list(digests)), ContactSighting.sender_id.is_not(None))
            .distinct()
        )
        if exclude is not None:
            query = query.where(ContactSighting.sender_id != exclude)
        return sorted(s for s in session.scalars(query.limit(50)).all() if s is not None)


def _strike(row: StrikeRow | Row[Any]) -> StrikeRecord:
    return StrikeRecord(
        id=row.id, user_id=row.user_id, created_at=row.created_at, expires_at=row.expires_at, step=row.step,
        action=row.action, rule=row.rule, surface=row.surface, muted_until=row.muted_until,
        event_id=row.event_id,
    )


def _rowcount(result: Any) -> int:
    count = getattr(result, "rowcount", 0)
    return int(count) if isinstance(count, int) and count > 0 else 0


def _bucket_iso(value: Any) -> str:
    moment: datetime
    if isinstance(value, str):
        moment = datetime.fromisoformat(value)
    elif isinstance(value, datetime):
        moment = value
    else:
        raise StoreError(f"unexpected bucket value type {type(value).__name__}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: durable against crashes of the process
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


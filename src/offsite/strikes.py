"""Strikes: a per-user ledger of recent slips that decays over time and drives the escalation
ladder of the policy (reminder -> message blocked -> temporary mute -> moderator review).

Every strike is recorded with the ladder step it reached. With a :class:`~offsite.store.Store`
the records live in the database (written together with the decision event, see
:meth:`offsite.store.Store.record_decision`) and the ledger keeps a short-lived cache; without
one, the ledger itself holds them, in memory, for as long as they count.

    >>> from offsite.strikes import StrikeLedger
    >>> ledger = StrikeLedger()
    >>> ledger.count("user-1")
    0
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from offsite.models import Context
from offsite.policy import Policy, Verdict
from offsite.store.records import StrikeRecord, StrikeSummary

if TYPE_CHECKING:
    from offsite.store import Store

log = logging.getLogger("offsite.strikes")

DEFAULT_DECAY = timedelta(days=30)


_NOTHING_STORED = StrikeSummary(0, None)


@dataclass
class _Entry:
    #: without a store, every strike this ledger knows; with one, the strikes given (or still
    #: queued for the database) since ``stored`` was read
    records: list[StrikeRecord] = field(default_factory=list)
    #: with a store: what its strikes amounted to at the last read
    stored: StrikeSummary = _NOTHING_STORED
    fetched: float = 0.0  # monotonic time of the last read from the store (0: never)


@dataclass(frozen=True, slots=True)
class _Mutes:
    """Every stored mute ending after ``at`` minus the cache time, read at ``fetched``
    (monotonic): per user, (given at, ends). ``by_user`` is None when the list could not be
    used (too many mutes, or the store failed): until it is read again, users are asked one by
    one, and the store is not asked for the list again meanwhile."""

    at: datetime
    fetched: float
    by_user: dict[str, tuple[tuple[datetime, datetime], ...]] | None

    def near(self, now: datetime, margin: timedelta) -> bool:
        """True when ``now`` is within ``margin`` of the moment read (the list holds every mute
        that can be running then)."""
        return self.at - margin <= now <= self.at + margin

    def usable(self, now: datetime, margin: timedelta) -> bool:
        """True when the list is recent (younger than ``margin``) and read near ``now``."""
        return time.monotonic() - self.fetched < margin.total_seconds() and self.near(now, margin)


@dataclass(frozen=True, slots=True)
class Standing:
    """A user's strikes right now: how many count and when the current mute ends. ``fresh`` is
    false when the store could not be asked and the answer comes from what this process last
    knew."""

    #: active strikes (0 when only the mute was asked for)
    count: int
    muted_until: datetime | None
    fresh: bool = True


class StrikeLedger:
    """Who slipped recently. Strikes stop counting ``decay`` after they were given."""

    def __init__(
        self,
        decay: timedelta = DEFAULT_DECAY,
        *,
        store: Store | None = None,
        cache_seconds: float = 5.0,
        max_users: int = 100_000,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        if decay <= timedelta(0):
            raise ValueError("decay: must be longer than zero")
        if max_users < 1:
            raise ValueError("max_users: must be at least 1")
        self.decay = decay
        self.store = store
        self.cache_seconds = cache_seconds
        self.max_users = max_users
        self._clock = clock or (lambda: datetime.now(UTC))
        self._users: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        # With a store: the mutes running around one moment, for every user at once (see
        # _mutes); None until read, or when there are too many to hold.
        self._mutes: _Mutes | None = None
        self._refreshing = threading.Lock()

    @classmethod
    def for_policy(cls, policy: Policy, *, store: Store | None = None,
                   decay: timedelta | None = None) -> StrikeLedger:
        """A ledger with the policy's decay (or ``decay`` when given)."""
        return cls(decay or policy.strike_settings.decay_delta, store=store)

    def now(self) -> datetime:
        """The ledger's clock (UTC)."""
        return self._clock()

    # ---------------------------------------------------------------- reading

    def standing(self, user_id: str | None, now: datetime | None = None, *,
                 with_count: bool = True) -> Standing:
        """Active strikes and mute of ``user_id`` at ``now``. Never raises for an unreachable
        store: it answers from the cache and says so (``fresh=False``).

        ``with_count=False`` when only the mute matters (a message without findings): with a store,
        the answer then comes from the list of everyone's running mutes, read once per
        ``cache_seconds`` for all users, instead of a read per user, and ``count`` is 0."""
        if not user_id:
            return Standing(0, None)
        now = now or self._clock()
        if not with_count and self.store is not None:
            quick = self._mute_only(user_id, now)
            if quick is not None:
                return quick
        stored, records, fresh = self._read(user_id, now)
        active = stored.count + sum(1 for r in records if r.created_at <= now < r.expires_at)
        mutes = [r.muted_until for r in records if r.muted_until is not None and r.muted_until > now]
        if stored.muted_until is not None and stored.muted_until > now:
            mutes.append(stored.muted_until)
        return Standing(active, max(mutes) if mutes else None, fresh)

    def count(self, user_id: str | None, now: datetime | None = None) -> int:
        """How many strikes of ``user_id`` count at ``now``."""
        return self.standing(user_id, now).count

    def muted_until(self, user_id: str | None, now: datetime | None = None) -> datetime | None:
        """When the current mute of ``user_id`` ends, or ``None`` when not muted."""
        return self.standing(user_id, now).muted_until

    def cached(self, user_id: str | None) -> bool:
        """True when :meth:`standing` of ``user_id`` answers without asking the store."""
        if not user_id or self.store is None:
            return True
        return self._fresh(self._users.get(user_id))

    def answers_at_once(self, user_id: str | None, now: datetime, *, with_count: bool = True) -> bool:
        """True when :meth:`standing` (with the same arguments) answers from memory, without
        asking the store: the user's strikes were read lately or, for the mute alone, the list
        of running mutes is recent."""
        if not user_id or self.store is None:
            return True
        if not with_count:
            known = self._mutes
            if known is None or not known.usable(now, timedelta(seconds=self.cache_seconds)):
                return False
            if known.by_user is not None:
                return True
        return self.cached(user_id)

    def _fresh(self, entry: _Entry | None) -> bool:
        """True when ``entry`` was read from the store less than ``cache_seconds`` ago."""
        return entry is not None and time.monotonic() - entry.fetched < self.cache_seconds

    def history(self, user_id: str) -> list[StrikeRecord]:
        """Every known strike of ``user_id`` (expired ones too, while kept), oldest first: the
        store's records and those still queued for it, or, without a store, this ledger's."""
        store = self.store
        if store is None:
            with self._lock:
                entry = self._users.get(user_id)
                return list(entry.records) if entry else []
        stored = store.strikes(user_id, settle=False)
        return stored + [p for p in store.pending_strikes(user_id) if p not in stored]

    def _mute_only(self, user_id: str, now: datetime) -> Standing | None:
        """The mute of ``user_id`` at ``now`` from the running mutes and the strikes this ledger
        gave since; None when the list cannot be read (the caller reads the user's standing)."""
        mutes = self._mutes_around(now)
        if mutes is None or mutes.by_user is None:
            return None
        with self._lock:
            entry = self._users.get(user_id)
            records = list(entry.records) if entry is not None else []
        ends = [until for given, until in mutes.by_user.get(user_id, ()) if given <= now < until]
        ends.extend(r.muted_until for r in records
                    if r.muted_until is not None and r.created_at <= now < r.muted_until)
        return Standing(0, max(ends) if ends else None)

    def _mutes_around(self, now: datetime) -> _Mutes | None:
        """The running mutes, read again when older than ``cache_seconds`` or read for a moment
        more than ``cache_seconds`` away from ``now`` (messages may carry their own timestamps).
        One thread reads; the others use the previous list meanwhile, if there is one."""
        margin = timedelta(seconds=self.cache_seconds)
        known = self._mutes
        if known is not None and known.usable(now, margin):
            return known
        store = self.store
        assert store is not None
        if not self._refreshing.acquire(blocking=known is None):
            return known if known is not None and known.near(now, margin) else None
        try:
            known = self._mutes
            if known is not None and known.usable(now, margin):
                return known
            from offsite.store import StoreError

            try:
                rows = store.mutes_ending_after(now - margin)
            except StoreError as exc:
                log.warning("reading the running mutes failed (%s)", type(exc).__name__)
                rows = None
            if rows is None:  # too many, or no answer: per user until the next read
                self._mutes = _Mutes(now, time.monotonic(), None)
                return self._mutes
            by_user: dict[str, list[tuple[datetime, datetime]]] = {}
            for user, given, until in rows:
                by_user.setdefault(user, []).append((given, until))
            self._mutes = _Mutes(now, time.monotonic(), {u: tuple(m) for u, m in by_user.items()})
            return self._mutes
        finally:
            self._refreshing.release()

    def _read(self, user_id: str, now: datetime) -> tuple[StrikeSummary, list[StrikeRecord], bool]:
        """What the store held at its last read (re-read when older than ``cache_seconds``),
        the strikes known since, and whether the store answered."""
        with self._lock:
            entry = self._users.get(user_id)
            if entry is not None:
                self._users.move_to_end(user_id)
        store = self.store
        if store is None:
            return _NOTHING_STORED, (list(entry.records) if entry else []), True
        if entry is not None and self._fresh(entry):
            return entry.stored, list(entry.records), True
        from offsite.store import StoreError

        try:
            # one aggregate row: a sender's cost does not grow with their strike history
            stored = store.strike_summary(user_id, now)
        except StoreError as exc:
            log.warning("strike lookup failed (%s); using cached strikes", type(exc).__name__)
            known = list(entry.records) if entry else []
            pending = [p for p in store.pending_strikes(user_id) if p not in known]
            return (entry.stored if entry else _NOTHING_STORED), known + pending, False
        pending = store.pending_strikes(user_id)
        with self._lock:
            self._users[user_id] = _Entry(pending, stored, time.monotonic())
            self._users.move_to_end(user_id)
            self._evict()
        return stored, pending, True

    # ---------------------------------------------------------------- writing

    def strike_for(self, verdict: Verdict, context: Context, now: datetime | None = None) -> StrikeRecord | None:
        """The strike ``verdict`` gives the sender, or ``None`` (no slip, or no sender id)."""
        user_id = context.sender.id
        if not verdict.strike or not user_id:
            return None
        now = now or self._clock()
        return StrikeRecord(
            user_id=user_id,
            created_at=now,
            expires_at=now + self.decay,
            step=verdict.step or "strike",
            action=verdict.action.value,
            rule=verdict.rule,
            surface=context.surface.value,
            muted_until=now + verdict.mute if verdict.mute else None,
        )

    def note(self, record: StrikeRecord) -> None:
        """Remember ``record`` (the only copy without a store; a cache entry with one)."""
        now = record.created_at  # the ledger's time is the time of what it is told
        with self._lock:
            entry = self._users.get(record.user_id)
            if entry is None:
                entry = _Entry()
                self._users[record.user_id] = entry
            entry.records = [r for r in entry.records if r.expires_at > now or self.store is not None]
            entry.records.append(record)
            self._users.move_to_end(record.user_id)
            self._evict()

    def forget(self, user_id: str) -> None:
        """Drop what this ledger holds for ``user_id`` (the store keeps its records)."""
        with self._lock:
            self._users.pop(user_id, None)

    def _evict(self) -> None:
        while len(self._users) > self.max_users:
            self._users.popitem(last=False)

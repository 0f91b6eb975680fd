"""The moderation store (issue 5) on SQLite and on a real PostgreSQL server.

Decision events, review items and strikes; contacts only as keyed hash + mask; Alembic
migrations; retention; and the outage test: PostgreSQL is stopped mid-run, ``check`` keeps
answering, and once it is back every buffered event is written — none is lost.
"""

from __future__ import annotations

import hmac
import os
import stat
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text

from offsite import Action, AgeGroup, Context, Decision, Guard, Kind, Role, Sender, Surface
from offsite.store import Store, StoreError, StoreUnavailable, contact_hash, mask_contact
from offsite.store.core import QUEUED
from offsite.store.hashing import HashKeyError, canonical_contact
from offsite.store.records import StrikeRecord, StrikeSummary
from offsite.store.schema import Base, DecisionEvent, StrikeRow
from pg_support import PrivatePostgres, fresh_database, pg_url

KEY = b"k" * 32
PHONE_DIGITS = "4155550192"
EMAIL = "jo.walker@example.com"


@pytest.fixture
def guard() -> Guard:
    """A fresh guard (and so a fresh in-memory strike ledger) per test."""
    return Guard()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        s = Store.from_url(None, tmp_path / "data", hash_key=KEY)
        s.migrate()
        yield s
        s.close()
        return
    with fresh_database(pg_url()) as url:
        s = Store.from_url(url, tmp_path / "data", hash_key=KEY)
        s.migrate()
        yield s
        s.close()


def _ctx(sender: str = "u1", *, age: AgeGroup = AgeGroup.UNKNOWN, recipients: tuple[AgeGroup, ...] = (),
         surface: Surface = Surface.CHAT, conversation: str | None = "c1", message: str | None = None,
         role: Role = Role.MEMBER) -> Context:
    return Context(surface=surface, sender=Sender(id=sender, role=role, age_group=age),
                   recipient_age_groups=recipients, conversation_id=conversation, message_id=message)


def _adult_to_teen(sender: str = "adult-1", message: str | None = None) -> Context:
    return _ctx(sender, age=AgeGroup.ADULT, recipients=(AgeGroup.TEEN,), message=message)


def _all_text(store: Store) -> str:
    """Every value of every row of every table, as one string."""
    parts = []
    with store.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                parts.extend(str(v) for v in row)
    return "\n".join(parts)


# -- schema ------------------------------------------------------------------------------------


def test_migrations_are_idempotent_and_match_the_models(store: Store) -> None:
    store.migrate()  # a second run is a no-op
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    assert diff == []
    assert version == "0003_strike_lookup"
    assert store.ping()


def test_migrations_ship_inside_the_package() -> None:
    import offsite.store

    root = Path(offsite.store.__file__).parent / "migrations"
    assert (root / "env.py").is_file() and (root / "script.py.mako").is_file()
    assert (root / "versions" / "0001_initial.py").is_file()


# -- events, review items, contacts ------------------------------------------------------------


def test_adult_teen_decision_makes_an_urgent_review_item(store: Store, guard: Guard) -> None:
    ctx = _adult_to_teen(message="m1")
    decision = guard.check(f"text me {PHONE_DIGITS[:3]} {PHONE_DIGITS[3:6]} {PHONE_DIGITS[6:]} or {EMAIL}", ctx)
    assert decision.action == Action.BLOCK and decision.review_priority == "urgent"
    event_id = store.record_decision(decision, ctx)
    assert isinstance(event_id, int)
    [item] = store.review_items()
    assert item.status == "open" and item.priority == "urgent" and item.event_id == event_id
    assert (item.surface, item.sender_id, item.conversation_id, item.message_id) == ("chat", "adult-1", "c1", "m1")
    assert item.kinds == ["phone", "email"] and item.rule == "adult_teen" and item.action == "block"
    assert sorted(item.masked_contacts) == ["***-***-0192", "j***@e***.com"]
    assert item.context_excerpt == "text me [phone number hidden] or [email hidden]"
    assert "minor_safety.adult_teen" in item.reasons
    assert item.created_at.tzinfo is not None
    assert store.review_item(item.id) == item
    assert store.review_item(999_999) is None
    as_dict = item.to_dict()
    assert as_dict["resolution"] is None and isinstance(as_dict["created_at"], str)


def test_a_plain_bounce_is_recorded_without_a_review_item(store: Store, guard: Guard) -> None:
    ctx = _ctx()
    decision = guard.check("add me on snap: jane.d", ctx)
    assert store.record_decision(decision, ctx) is not None
    assert store.review_items(status=None) == []
    with store.engine.connect() as conn:
        row = conn.execute(select(DecisionEvent)).one()
    assert (row.surface, row.sender_id, row.rule, row.action) == ("chat", "u1", "slip", "bounce")
    assert row.kinds == ["solicitation", "handle"]


def test_contact_values_are_never_stored_in_clear(store: Store, guard: Guard) -> None:
    for i, ctx in enumerate([_adult_to_teen(message="a"), _ctx(message="b"), _ctx("u2", surface=Surface.PROFILE)]):
        decision = guard.check(f"call {PHONE_DIGITS} or mail {EMAIL}, ig: jane_d99 #{i}", ctx)
        store.record_decision(decision, ctx)
    dump = _all_text(store)
    for secret in (PHONE_DIGITS, "555 0192", EMAIL, "jo.walker", "jane_d99"):
        assert secret not in dump
    assert contact_hash(KEY, Kind.EMAIL, EMAIL) in dump
    assert "j***@e***.com" in dump and "instagram:j***" in dump


def test_the_same_contact_from_two_accounts_is_linked(store: Store, guard: Guard) -> None:
    for sender, spelling in (("adult-1", "415 555 0192"), ("adult-2", "(415) 555-0192"), ("adult-3", "nothing")):
        ctx = _adult_to_teen(sender)
        store.record_decision(guard.check(f"text me {spelling}", ctx), ctx)
    items = {i.sender_id: i for i in store.review_items()}
    assert set(items) == {"adult-1", "adult-2"}
    assert items["adult-1"].other_accounts == ["adult-2"]
    assert items["adult-2"].other_accounts == ["adult-1"]
    digest = contact_hash(KEY, Kind.PHONE, "+14155550192")
    assert store.accounts_sharing(digest) == ["adult-1", "adult-2"]


def test_keyed_hash_and_masks() -> None:
    same = {contact_hash(KEY, Kind.PHONE, v) for v in ("+1 415 555 0192", "+1-415-555-0192", "+14155550192")}
    assert len(same) == 1
    assert contact_hash(KEY, Kind.EMAIL, "Jo@Example.com") == contact_hash(KEY, Kind.EMAIL, "jo@example.com")
    assert contact_hash(KEY, Kind.EMAIL, "jo@example.com") != contact_hash(b"z" * 32, Kind.EMAIL, "jo@example.com")
    expected = hmac.new(KEY, b"email:jo@example.com", "sha256").hexdigest()
    assert contact_hash(KEY, Kind.EMAIL, "jo@example.com") == expected
    assert canonical_contact(Kind.PHONE, "+1 (415) 555-0192") == "phone:+14155550192"
    assert mask_contact(Kind.EMAIL, "jane@gmail.com") == "j***@g***.com"
    assert mask_contact(Kind.PHONE, "+15555550192") == "***-***-0192"
    assert mask_contact(Kind.URL, "linktr.ee/janed") == "l***.ee/***"
    assert mask_contact(Kind.INVITE, "discord.gg/abc123") == "discord.gg/***"
    assert mask_contact(Kind.HANDLE, "snapchat:jane.d") == "snapchat:j***"
    assert mask_contact(Kind.ADDRESS, "12 Baker Street") == "1*** B*** S***"


def test_hash_key_is_generated_once_and_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OFFSITE_HASH_KEY", raising=False)
    data = tmp_path / "data"
    first = Store.from_url(None, data)
    key_file = data / "hash.key"
    assert key_file.is_file() and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    second = Store.from_url(None, data)
    assert first._key == second._key and len(first._key) == 32
    monkeypatch.setenv("OFFSITE_HASH_KEY", "a-site-secret-of-enough-length")
    assert Store.from_url(None, data)._key == b"a-site-secret-of-enough-length"
    monkeypatch.setenv("OFFSITE_HASH_KEY", "short")
    with pytest.raises(HashKeyError, match="OFFSITE_HASH_KEY: must be at least 16"):
        Store.from_url(None, data)
    for s in (first, second):
        s.close()


# -- review workflow ---------------------------------------------------------------------------


def test_review_queue_order_and_resolution(store: Store, guard: Guard) -> None:
    t0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    normal = _ctx("member-1")
    review = guard.check("add me on snap: jane.d", normal)
    # a normal-priority item (a 4th slip goes to review) and two urgent ones
    review_decision = Decision(action=Action.REVIEW, findings=review.findings, redacted_text=review.redacted_text,
                               notice="held", reasons=("escalation.review",), policy_rule="slip",
                               review_priority="normal")
    store.record_decision(review_decision, normal, at=t0)
    for minute, sender in ((1, "adult-1"), (2, "adult-2")):
        ctx = _adult_to_teen(sender)
        store.record_decision(guard.check("add me on snap: jane.d", ctx), ctx, at=t0 + timedelta(minutes=minute))
    queue = store.review_items()
    assert [(i.priority, i.sender_id) for i in queue] == [("urgent", "adult-1"), ("urgent", "adult-2"),
                                                          ("normal", "member-1")]
    assert [i.sender_id for i in store.review_items(limit=1, offset=1)] == ["adult-2"]
    done = store.resolve_review(queue[0].id, "confirmed", "mod-ana", note="asked for snap twice")
    assert (done.status, done.resolution, done.resolved_by, done.note) == ("resolved", "confirmed", "mod-ana",
                                                                          "asked for snap twice")
    assert done.resolved_at is not None and done.resolved_at.tzinfo is not None
    store.resolve_review(queue[2].id, "false_positive", "mod-bo")
    assert [i.sender_id for i in store.review_items()] == ["adult-2"]
    assert {i.resolution for i in store.review_items("resolved")} == {"confirmed", "false_positive"}
    assert len(store.review_items(None)) == 3
    with pytest.raises(KeyError):
        store.resolve_review(424242, "confirmed", "mod-ana")
    with pytest.raises(ValueError, match="resolution: expected one of confirmed, false_positive"):
        store.resolve_review(queue[1].id, "maybe", "mod-ana")
    with pytest.raises(ValueError, match="by:"):
        store.resolve_review(queue[1].id, "confirmed", " ")
    with pytest.raises(ValueError, match="status"):
        store.review_items("pending")


# -- strikes -----------------------------------------------------------------------------------


def test_strikes_are_recorded_with_each_ladder_step(store: Store) -> None:
    guard = Guard(store=store)
    ctx = _ctx("slipper", conversation=None)
    actions = [guard.check("add me on snap: jane.d", ctx).action for _ in range(4)]
    assert actions == [Action.BOUNCE, Action.BLOCK, Action.BLOCK, Action.REVIEW]
    records = store.strikes("slipper")
    assert [r.step for r in records] == ["reminder", "blocked", "muted", "review"]
    assert [r.action for r in records] == ["bounce", "block", "block", "review"]
    assert all(r.event_id is not None and r.id is not None for r in records)
    assert records[2].muted_until is not None and records[0].muted_until is None
    assert records[0].expires_at - records[0].created_at == timedelta(days=30)
    assert store.strikes("nobody") == []
    # the 4th slip reached the review step: one normal-priority review item
    [item] = store.review_items()
    assert (item.priority, item.action, item.sender_id) == ("normal", "review", "slipper")


def test_strike_summary_counts_active_strikes_and_the_latest_mute(store: Store) -> None:
    guard = Guard(store=store)
    t0 = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    for minute in range(4):  # reminder, blocked, muted (30 min), review
        guard.check("add me on snap: jane.d", replace(_ctx("summed", conversation=None),
                                                     timestamp=(t0 + timedelta(minutes=minute)).timestamp()))
    records = store.strikes("summed")
    mute_end = max(r.muted_until for r in records if r.muted_until is not None)
    assert store.strike_summary("summed", t0 + timedelta(minutes=5)) == StrikeSummary(4, mute_end)
    # the mute is over, the strikes still count; a month later nothing counts
    assert store.strike_summary("summed", mute_end + timedelta(seconds=1)) == StrikeSummary(4, None)
    assert store.strike_summary("summed", t0 + timedelta(days=31)) == StrikeSummary(0, None)
    # before the first strike was given, it does not count yet
    assert store.strike_summary("summed", t0 - timedelta(seconds=1)) == StrikeSummary(0, None)
    assert store.strike_summary("nobody", t0) == StrikeSummary(0, None)


def test_mutes_ending_after_lists_every_running_mute_in_one_query(store: Store) -> None:
    guard = Guard(store=store)
    t0 = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    for user in ("muted-1", "muted-2"):
        for minute in range(3):  # reminder, blocked, muted (30 min)
            guard.check("add me on snap: jane.d", replace(_ctx(user, conversation=None),
                                                         timestamp=(t0 + timedelta(minutes=minute)).timestamp()))
    guard.check("add me on snap: jane.d", replace(_ctx("once", conversation=None), timestamp=t0.timestamp()))
    mutes = store.mutes_ending_after(t0)
    assert mutes is not None
    assert sorted((user, given) for user, given, _ in mutes) == [
        ("muted-1", t0 + timedelta(minutes=2)), ("muted-2", t0 + timedelta(minutes=2))]
    assert all(until == given + timedelta(minutes=30) for _, given, until in mutes)
    assert store.mutes_ending_after(t0 + timedelta(minutes=33)) == []
    assert store.mutes_ending_after(t0, limit=1) is None  # too many to hold: read per sender instead


# -- counts and retention ----------------------------------------------------------------------


def test_decision_counts_by_bucket(store: Store, guard: Guard) -> None:
    base = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)  # a Wednesday
    phone = guard.check("text me 415 555 0192", _ctx("counter-1"))
    both = guard.check("add me on snap: jane.d", _ctx("counter-2"))
    store.record_decision(phone, _ctx(), at=base)
    store.record_decision(phone, _ctx(), at=base + timedelta(minutes=10))
    store.record_decision(both, _ctx(surface=Surface.ROOM), at=base + timedelta(days=1))
    store.record_decision(phone, _ctx(), at=base + timedelta(days=40))
    day = store.decision_counts(bucket="day")
    assert {"bucket": "2024-05-01T00:00:00+00:00", "kind": "phone", "surface": "chat", "action": "bounce",
            "count": 2} in day
    assert {"bucket": "2024-05-02T00:00:00+00:00", "kind": "handle", "surface": "room", "action": "bounce",
            "count": 1} in day
    assert sum(r["count"] for r in day) == 5
    week = store.decision_counts(bucket="week")
    assert {r["bucket"] for r in week} == {"2024-04-29T00:00:00+00:00", "2024-06-10T00:00:00+00:00"}
    hour = store.decision_counts(bucket="hour")
    assert hour[0]["bucket"] == "2024-05-01T09:00:00+00:00" and hour[0]["count"] == 2
    month = store.decision_counts(bucket="month")
    assert [r["bucket"] for r in month] == ["2024-05-01T00:00:00+00:00"] * 3 + ["2024-06-01T00:00:00+00:00"]
    since = store.decision_counts(since=base + timedelta(days=2))
    assert [(r["bucket"], r["count"]) for r in since] == [("2024-06-10T00:00:00+00:00", 1)]
    with pytest.raises(ValueError, match="bucket"):
        store.decision_counts(bucket="fortnight")


def test_purge_keeps_open_review_items_and_recent_records(store: Store, guard: Guard) -> None:
    now = datetime.now(UTC)
    old, recent = now - timedelta(days=120), now - timedelta(days=5)
    ctx = _adult_to_teen()
    d = guard.check("text me 415 555 0192", ctx)
    old_open = store.record_decision(d, ctx, at=old)
    store.record_decision(d, _adult_to_teen("adult-2"), at=old)
    store.record_decision(d, ctx, at=recent)
    strike = StrikeRecord(user_id="adult-1", created_at=old, expires_at=old + timedelta(days=30), step="reminder",
                          action="bounce", rule="slip", surface="chat")
    store.record_decision(d, ctx, at=old, strike=strike)
    items = {i.event_id: i for i in store.review_items()}
    resolved = next(i for e, i in items.items() if e != old_open and i.sender_id == "adult-2")
    store.resolve_review(resolved.id, "confirmed", "mod")
    deleted = store.purge(timedelta(days=90))
    # 3 old events + 1 resolved old review item + 1 expired old strike
    assert deleted == 5
    with store.engine.connect() as conn:
        assert conn.execute(select(DecisionEvent.id)).scalars().all() != []
        assert conn.execute(select(StrikeRow.id)).scalars().all() == []
    remaining = store.review_items(None)
    assert {i.status for i in remaining} == {"open"} and len(remaining) == 3
    assert any(i.event_id is None for i in remaining)  # its event is gone, the item stays
    assert store.purge(timedelta(days=90)) == 0
    with pytest.raises(ValueError, match="older_than"):
        store.purge(timedelta(0))


# -- configuration errors ----------------------------------------------------------------------


def test_bad_configuration_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unsupported backend 'mysql'"):
        Store.from_url("mysql://u@h/db", tmp_path, hash_key=KEY)
    with pytest.raises(ValueError, match="database URL: cannot parse"):
        Store.from_url("::not a url::", tmp_path, hash_key=KEY)
    with pytest.raises(ValueError, match="fail_mode: expected one of open, closed"):
        Store.from_url(None, tmp_path, hash_key=KEY, fail_mode="ajar")
    with pytest.raises(HashKeyError, match="hash_key"):
        Store.from_url(None, tmp_path, hash_key=b"short")


def test_an_unmigrated_database_says_so(tmp_path: Path, guard: Guard) -> None:
    store = Store.from_url(None, tmp_path, hash_key=KEY)
    with pytest.raises(StoreError, match="migrate"):
        store.review_items()
    ctx = _ctx()
    with pytest.raises(StoreError, match="migrate"):
        store.record_decision(guard.check("add me on snap: jane.d", ctx), ctx)
    assert store.pending == 1  # kept, not lost
    store.migrate()
    assert store.flush() == 1 and store.pending == 0
    store.close()


def test_concurrent_writers_lose_nothing(store: Store, guard: Guard) -> None:
    decision = guard.check("add me on snap: jane.d", _ctx())

    def write(worker: int) -> None:
        for i in range(25):
            store.record_decision(decision, _ctx(f"w{worker}", message=f"{worker}:{i}"))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store.flush()
    with store.engine.connect() as conn:
        ids = conn.execute(select(DecisionEvent.message_id)).scalars().all()
    assert sorted(ids) == sorted(f"{w}:{i}" for w in range(4) for i in range(25))


# -- write-behind (the service's default) --------------------------------------------------------


def test_write_behind_queues_then_writes_in_batches(store: Store, guard: Guard) -> None:
    store.write_behind = True
    decision = guard.check("add me on snap: jane.d", _ctx())
    strike = StrikeRecord(user_id="wb", created_at=datetime.now(UTC),
                          expires_at=datetime.now(UTC) + timedelta(days=1), step="reminder",
                          action="bounce", rule="r", surface="chat")
    answers = [store.record_decision(decision, _ctx("wb", message=f"wb:{i}"), strike=strike if i == 0 else None)
               for i in range(450)]
    assert set(answers) == {QUEUED} and store.pending == 450
    assert _message_ids(store) == []  # nothing written yet: no request waited on the database
    assert store.pending_strikes("wb") == [strike]  # the strike ledger still sees the strike
    assert store.strikes("wb", settle=False) == []
    assert store.flush() == 450 and store.pending == 0  # three transactions of up to 200
    assert _message_ids(store) == [f"wb:{i}" for i in range(450)]
    assert [s.step for s in store.strikes("wb")] == ["reminder"]


def test_write_behind_reads_see_what_was_queued(store: Store, guard: Guard) -> None:
    store.write_behind = True
    ctx = _adult_to_teen("adult-wb", message="m1")
    decision = guard.check("add me on snap: jane.d", ctx)
    assert decision.review_priority == "urgent"  # adult to teen: a review item
    assert store.record_decision(decision, ctx) == QUEUED
    items = store.review_items()  # a moderator's read writes the queue first
    assert [i.message_id for i in items] == ["m1"] and store.pending == 0


def test_guard_with_a_write_behind_store_is_not_degraded(tmp_path: Path) -> None:
    store = Store.from_url(None, tmp_path, hash_key=KEY, write_behind=True)
    store.migrate()
    guard = Guard(store=store)
    decisions = [guard.check("add me on snap: jane.d", _ctx("g", message=str(i), conversation=None))
                 for i in range(3)]
    assert [d.action for d in decisions] == [Action.BOUNCE, Action.BLOCK, Action.BLOCK]
    assert not any(d.degraded for d in decisions)
    store.close()  # closing writes the queue
    reopened = Store.from_url(None, tmp_path, hash_key=KEY)
    assert len(reopened.strikes("g")) == 3 and _message_ids(reopened) == ["0", "1", "2"]
    reopened.close()


# -- outage: PostgreSQL stopped mid-run --------------------------------------------------------


@pytest.fixture(scope="module")
def private_pg() -> Iterator[PrivatePostgres]:
    pg_url()  # the same requirement as the other PostgreSQL tests (fails in CI when absent)
    server = PrivatePostgres()
    server.start()
    yield server
    server.destroy()


@pytest.fixture
def private_db(private_pg: PrivatePostgres) -> Iterator[str]:
    """A fresh database on the private server (the server itself is shared by this module)."""
    with fresh_database(private_pg.url) as url:
        yield url


def _message_ids(store: Store) -> list[str]:
    with store.engine.connect() as conn:
        return list(conn.execute(select(DecisionEvent.message_id).order_by(DecisionEvent.id)).scalars())


def test_postgres_stopped_mid_run_loses_no_event(
    private_pg: PrivatePostgres, private_db: str, tmp_path: Path
) -> None:
    store = Store.from_url(private_db, tmp_path, hash_key=KEY, retry_seconds=0.0)
    store.migrate()
    guard = Guard(store=store)
    texts = ["add me on snap: jane.d", "text me 415 555 0192", f"mail {EMAIL}", "discord.gg/abc123"]
    sent: list[str] = []

    def send(n: int, phase: str) -> list[Decision]:
        out = []
        for i in range(n):
            mid = f"{phase}-{i}"
            ctx = (_adult_to_teen("adult-x", message=mid) if i % 5 == 0
                   else _ctx(f"user-{i % 3}", message=mid, conversation=None))
            out.append(guard.check(texts[i % len(texts)], ctx))
            sent.append(mid)
        return out

    before = send(10, "before")
    assert all(not d.degraded for d in before)
    private_pg.stop()
    during = send(15, "during")
    # check kept answering, per fail mode "open": the policy's action, marked degraded
    assert all(d.flagged and d.degraded and "store.unavailable" in d.reasons for d in during)
    assert {d.action for d in during} >= {Action.BLOCK}
    assert all(d.notice for d in during)
    assert store.pending == 15 and store.dropped == 0
    assert not store.ping()
    with pytest.raises(StoreUnavailable):
        store.review_items()
    private_pg.start()
    # the next write flushes the buffer first, so the order is kept
    after = send(5, "after")
    assert all(not d.degraded for d in after)
    assert store.pending == 0
    assert _message_ids(store) == sent  # every event, in the order they happened
    with store.engine.connect() as conn:
        degraded = conn.execute(select(DecisionEvent.message_id).where(DecisionEvent.degraded)).scalars().all()
    assert sorted(degraded) == sorted(f"during-{i}" for i in range(15))
    # strikes given during the outage were written too, and the review items of adult-x
    assert len(store.strikes("adult-x")) == 6
    urgent = [i for i in store.review_items(limit=100) if i.priority == "urgent"]
    assert len(urgent) == 6 and {i.sender_id for i in urgent} == {"adult-x"}
    store.close()


def test_escalation_continues_during_an_outage(
    private_pg: PrivatePostgres, private_db: str, tmp_path: Path
) -> None:
    store = Store.from_url(private_db, tmp_path, hash_key=KEY, retry_seconds=0.0)
    store.migrate()
    guard = Guard(store=store)
    ctx = _ctx("outage-user", conversation=None)
    assert guard.check("add me on snap: jane.d", ctx).action == Action.BOUNCE
    private_pg.stop()
    try:
        during = [guard.check("add me on snap: jane.d", ctx) for _ in range(3)]
    finally:
        private_pg.start()
    assert [d.action for d in during] == [Action.BLOCK, Action.BLOCK, Action.REVIEW]
    assert all(d.degraded for d in during)
    assert store.flush() == 3
    assert [r.step for r in store.strikes("outage-user")] == ["reminder", "blocked", "muted", "review"]
    store.close()


def test_fail_mode_closed_blocks_what_it_cannot_record(
    private_pg: PrivatePostgres, private_db: str, tmp_path: Path
) -> None:
    store = Store.from_url(private_db, tmp_path, hash_key=KEY, fail_mode="closed", retry_seconds=0.0)
    store.migrate()
    guard = Guard(store=store)
    assert guard.check("add me on snap: jane.d", _ctx("a", conversation=None)).action == Action.BOUNCE
    private_pg.stop()
    try:
        first = guard.check("add me on snap: jane.d", _ctx("b", conversation=None))
        second = guard.check("text me 415 555 0192", _ctx("c", conversation=None))
        clean = guard.check("thanks, that helped a lot", _ctx("d", conversation=None))
    finally:
        private_pg.start()
    for d in (first, second):
        assert d.action == Action.BLOCK and d.degraded
        assert {"store.unavailable", "fail_mode.closed"} <= set(d.reasons)
        assert d.notice is not None and "try again" in d.notice
    assert clean.action == Action.ALLOW  # nothing to record, nothing to refuse
    assert store.flush() == 2
    assert _message_ids(store) == [None, None, None]
    store.close()


def test_the_buffer_is_bounded(
    private_pg: PrivatePostgres, private_db: str, tmp_path: Path, guard: Guard
) -> None:
    store = Store.from_url(private_db, tmp_path, hash_key=KEY, buffer_size=3, retry_seconds=0.0)
    store.migrate()
    private_pg.stop()
    try:
        decision = guard.check("add me on snap: jane.d", _ctx())
        for i in range(5):
            assert store.record_decision(decision, _ctx(message=str(i))) is None
        assert (store.pending, store.dropped) == (3, 2)
    finally:
        private_pg.start()
    assert store.flush() == 3
    assert _message_ids(store) == ["2", "3", "4"]
    store.close()


def test_a_restarted_postgres_is_used_again_at_once(
    private_pg: PrivatePostgres, private_db: str, tmp_path: Path, guard: Guard
) -> None:
    """Connections are not pinged before each use: the first statement on a connection the
    restarted server closed fails, and the store tries once more on a new one, so neither the
    read nor the write after a restart fails or marks the store down."""
    store = Store.from_url(private_db, tmp_path, hash_key=KEY, retry_seconds=60.0)
    store.migrate()
    ctx = _ctx("restart", message="a")
    store.record_decision(guard.check("add me on snap: jane.d", ctx), ctx)
    assert store.strike_summary("restart", datetime.now(UTC)).count == 0  # pooled connections now
    private_pg.stop()
    private_pg.start()
    assert store.strike_summary("restart", datetime.now(UTC)).count == 0  # a Core read
    assert store.strikes("restart") == []  # an ORM read
    ctx = _ctx("restart", message="b")
    assert store.record_decision(guard.check("add me on snap: jane.d", ctx), ctx) not in (None, QUEUED)
    assert store.available and store.pending == 0
    assert _message_ids(store) == ["a", "b"]
    store.close()


def test_sqlite_file_lives_in_the_data_dir(tmp_path: Path, guard: Guard) -> None:
    data = tmp_path / "nested" / "data"
    store = Store.from_url(None, data, hash_key=KEY)
    store.migrate()
    assert (data / "offsite.db").is_file() and store.backend == "sqlite"
    ctx = _ctx()
    store.record_decision(guard.check("add me on snap: jane.d", ctx), ctx)
    store.close()
    reopened = Store.from_url(None, data, hash_key=KEY)
    assert len(reopened.strikes("u1")) == 0
    with reopened.engine.connect() as conn:
        assert conn.execute(select(DecisionEvent.id)).scalars().all() == [1]
    reopened.close()


def test_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OFFSITE_DATA_DIR", str(tmp_path / "envdata"))
    monkeypatch.delenv("OFFSITE_DATABASE_URL", raising=False)
    monkeypatch.setenv("OFFSITE_FAIL_MODE", "closed")
    monkeypatch.setenv("OFFSITE_HASH_KEY", "x" * 20)
    store = Store.from_env()
    assert store.fail_mode == "closed" and store.backend == "sqlite"
    assert str(store.engine.url).endswith(os.path.join("envdata", "offsite.db"))
    store.close()


def test_workers_starting_together_migrate_once(tmp_path: Path) -> None:
    with fresh_database(pg_url()) as url:
        stores = [Store.from_url(url, tmp_path, hash_key=KEY) for _ in range(3)]
        errors: list[BaseException] = []

        def migrate(store: Store) -> None:
            try:
                store.migrate()
            except BaseException as exc:  # collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=migrate, args=(s,)) for s in stores]
        for t in threads:
            t.daemon = True
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not any(t.is_alive() for t in threads), "concurrent migrations are stuck"
        assert errors == []
        assert all(s.ping() for s in stores)
        for s in stores:
            s.close()

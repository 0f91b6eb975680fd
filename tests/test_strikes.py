"""Strikes (issue 5): per user, decaying, escalating reminder -> blocked -> muted -> review,
every step recorded; in memory by default, in the store when there is one."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from offsite import Action, AgeGroup, Context, Guard, Sender, Surface
from offsite.policy import Policy
from offsite.store import Store
from offsite.strikes import StrikeLedger

T0 = datetime(2024, 6, 1, 12, 0, tzinfo=UTC).timestamp()
SLIP = "add me on snap: jane.d"
MINUTE = 60.0
DAY = 86400.0


def _ctx(user: str | None = "sam", at: float = T0, **kw: object) -> Context:
    return Context(sender=Sender(id=user), timestamp=at, **kw)  # type: ignore[arg-type]


def test_the_ladder_escalates_and_every_step_is_recorded() -> None:
    guard = Guard()
    decisions = [guard.check(SLIP, _ctx(at=T0 + i * MINUTE)) for i in range(5)]
    assert [d.action for d in decisions] == [Action.BOUNCE, Action.BLOCK, Action.BLOCK, Action.REVIEW, Action.REVIEW]
    steps = [next(r for r in d.reasons if r.startswith("escalation.")) for d in decisions]
    assert steps == ["escalation.reminder", "escalation.blocked", "escalation.muted", "escalation.review",
                     "escalation.review"]
    assert [r.step for r in guard.strikes.history("sam")] == ["reminder", "blocked", "muted", "review", "review"]
    assert decisions[0].notice is not None and decisions[0].notice.startswith("Your message wasn't sent")
    assert decisions[1].notice is not None and decisions[1].notice.startswith("This message was blocked")
    assert decisions[2].notice is not None and "paused for 30 minutes" in decisions[2].notice
    assert decisions[3].notice is not None and "held for a moderator" in decisions[3].notice
    assert decisions[3].review_priority == "normal"


def test_strikes_decay() -> None:
    guard = Guard()
    assert guard.check(SLIP, _ctx(at=T0)).action == Action.BOUNCE
    assert guard.check(SLIP, _ctx(at=T0 + 29 * DAY)).action == Action.BLOCK  # still counts
    assert guard.strikes.count("sam", datetime.fromtimestamp(T0 + 29.5 * DAY, UTC)) == 2
    # 31 days after the first: one strike left; 60 days later: none
    assert guard.strikes.count("sam", datetime.fromtimestamp(T0 + 31 * DAY, UTC)) == 1
    again = guard.check(SLIP, _ctx(at=T0 + 90 * DAY))
    assert again.action == Action.BOUNCE and "slip.first" in again.reasons


def test_decay_is_configurable() -> None:
    guard = Guard(strike_decay=timedelta(hours=1))
    assert guard.check(SLIP, _ctx(at=T0)).action == Action.BOUNCE
    assert guard.check(SLIP, _ctx(at=T0 + 2 * 3600)).action == Action.BOUNCE
    from_policy = Policy.from_toml(Policy.default().to_toml().replace('decay = "30d"', 'decay = "2h"'))
    assert Guard(policy=from_policy).strikes.decay == timedelta(hours=2)


def test_a_muted_sender_is_blocked_until_the_mute_ends() -> None:
    guard = Guard()
    for _ in range(3):
        guard.check(SLIP, _ctx(at=T0))
    during = guard.check("ok sorry, I understand", _ctx(at=T0 + 10 * MINUTE))
    assert during.action == Action.BLOCK and not during.flagged
    assert during.policy_rule == "muted" and "strike.muted" in during.reasons
    assert during.notice is not None and "paused for another 20 minutes" in during.notice
    after = guard.check("ok sorry, I understand", _ctx(at=T0 + 31 * MINUTE))
    assert after.action == Action.ALLOW and after.notice is None
    others = guard.check("hello", _ctx("someone-else", at=T0 + 10 * MINUTE))
    assert others.action == Action.ALLOW
    lenient = Guard(enforce_mutes=False)
    for i in range(3):
        lenient.check(SLIP, _ctx(at=T0 + i))
    assert lenient.check("ok sorry", _ctx(at=T0 + 10 * MINUTE)).action == Action.ALLOW


def test_what_does_not_count_as_a_slip() -> None:
    guard = Guard()
    # profile rejections, and messages with no sender id, give no strike
    for _ in range(3):
        assert guard.check("ig: jane_d99", _ctx(surface=Surface.PROFILE, field_name="bio")).action == Action.BLOCK
        assert guard.check(SLIP, _ctx(None)).action == Action.BOUNCE
    assert guard.strikes.count("sam", datetime.fromtimestamp(T0, UTC)) == 0
    assert guard.check(SLIP, _ctx()).action == Action.BOUNCE


def test_adult_teen_blocks_count_and_escalate() -> None:
    guard = Guard()
    ctx = {"sender": Sender(id="adult-1", age_group=AgeGroup.ADULT), "recipient_age_groups": (AgeGroup.TEEN,)}
    actions = [guard.check(SLIP, Context(timestamp=T0 + i, **ctx)).action for i in range(4)]  # type: ignore[arg-type]
    assert actions == [Action.BLOCK, Action.BLOCK, Action.BLOCK, Action.REVIEW]
    assert [r.step for r in guard.strikes.history("adult-1")] == ["reminder", "blocked", "muted", "review"]


def test_strikes_live_in_the_store_and_survive_a_restart(tmp_path: Path) -> None:
    store = Store.from_url(None, tmp_path, hash_key=b"k" * 32)
    store.migrate()
    first_process = Guard(store=store)
    assert first_process.check(SLIP, _ctx(at=T0)).action == Action.BOUNCE
    assert first_process.check(SLIP, _ctx(at=T0 + 1)).action == Action.BLOCK
    # a new guard (a restarted service, another worker) reads them back from the store
    second_process = Guard(store=Store.from_url(None, tmp_path, hash_key=b"k" * 32))
    assert second_process.check(SLIP, _ctx(at=T0 + 2)).action == Action.BLOCK  # the mute step
    assert second_process.check("hi again", _ctx(at=T0 + 3)).action == Action.BLOCK  # muted
    records = store.strikes("sam")
    assert [r.step for r in records] == ["reminder", "blocked", "muted"]
    assert all(r.id is not None and r.event_id is not None for r in records)
    store.close()


def test_the_cache_sees_strikes_written_elsewhere(tmp_path: Path) -> None:
    store = Store.from_url(None, tmp_path, hash_key=b"k" * 32)
    store.migrate()
    ledger = StrikeLedger(store=store, cache_seconds=0.0)
    reader = Guard(store=store, strikes=ledger)
    writer = Guard(store=store)
    now = datetime.fromtimestamp(T0, UTC)
    assert ledger.count("sam", now) == 0
    writer.check(SLIP, _ctx(at=T0))
    assert ledger.count("sam", now) == 1
    assert reader.check(SLIP, _ctx(at=T0 + 1)).action == Action.BLOCK
    store.close()


def test_clean_messages_learn_of_mutes_from_one_list_not_a_read_per_sender(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store.from_url(None, tmp_path, hash_key=b"k" * 32)
    store.migrate()
    writer = Guard(store=store)  # another worker
    for i in range(3):
        writer.check(SLIP, _ctx(at=T0 + i))  # the third slip mutes sam for 30 minutes
    reader = Guard(store=store)
    per_sender: list[str] = []
    lists: list[datetime] = []
    summary, mutes = store.strike_summary, store.mutes_ending_after
    monkeypatch.setattr(store, "strike_summary", lambda user, at: per_sender.append(user) or summary(user, at))
    monkeypatch.setattr(store, "mutes_ending_after", lambda at: lists.append(at) or mutes(at))
    during = reader.check("ok sorry, I understand", _ctx(at=T0 + 10 * MINUTE))
    assert during.action == Action.BLOCK and during.policy_rule == "muted"
    for n in range(20):
        assert reader.check("hello there", _ctx(f"user-{n}", at=T0 + 10 * MINUTE)).action == Action.ALLOW
    assert per_sender == [] and len(lists) == 1  # one read for everyone
    # a moment far from the list's is read afresh: the mute has ended by then
    assert reader.check("ok sorry, I understand", _ctx(at=T0 + 31 * MINUTE)).action == Action.ALLOW
    assert len(lists) == 2
    # a message with findings reads its sender's whole standing (the ladder step)
    assert reader.check(SLIP, _ctx("user-1", at=T0 + 31 * MINUTE)).action == Action.BOUNCE
    assert per_sender == ["user-1"]
    store.close()


def test_without_a_usable_list_of_mutes_each_sender_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store.from_url(None, tmp_path, hash_key=b"k" * 32)
    store.migrate()
    writer = Guard(store=store)
    for i in range(3):
        writer.check(SLIP, _ctx(at=T0 + i))  # sam is muted
    reader = Guard(store=store)
    lists: list[datetime] = []
    monkeypatch.setattr(store, "mutes_ending_after", lambda at: lists.append(at) or None)  # "too many"
    assert reader.check("ok sorry, I understand", _ctx(at=T0 + 10 * MINUTE)).action == Action.BLOCK
    assert reader.check("hello there", _ctx("someone-else", at=T0 + 10 * MINUTE)).action == Action.ALLOW
    assert len(lists) == 1  # not asked for again until the cache time has passed
    store.close()


def test_check_async_reads_the_store_off_the_event_loop_only_when_it_must(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On an event loop, the sender's strikes and the list of mutes are read in a worker thread;
    what the ledger already holds is answered on the loop; decisions are those of check()."""
    store = Store.from_url(None, tmp_path, hash_key=b"k" * 32, write_behind=True)
    store.migrate()
    writer = Guard(store=store)
    for i in range(3):
        writer.check(SLIP, _ctx(at=T0 + i))  # sam is muted for 30 minutes
    store.flush()
    guard = Guard(store=store)
    reads: list[tuple[str, int]] = []
    summary, mutes = store.strike_summary, store.mutes_ending_after
    monkeypatch.setattr(store, "strike_summary",
                        lambda user, at: reads.append(("sender", threading.get_ident())) or summary(user, at))
    monkeypatch.setattr(store, "mutes_ending_after",
                        lambda at: reads.append(("mutes", threading.get_ident())) or mutes(at))
    at = T0 + 10 * MINUTE
    now = datetime.fromtimestamp(at, UTC)
    assert not guard.strikes.answers_at_once("sam", now, with_count=False)

    async def run() -> list[Action]:
        loop_thread = threading.get_ident()
        actions = [
            (await guard.check_async("ok sorry, I understand", _ctx(at=at))).action,  # reads the mutes
            (await guard.check_async("hello there", _ctx("kim", at=at))).action,  # answered on the loop
            (await guard.check_async(SLIP, _ctx("kim", at=at))).action,  # reads kim's strikes
            (await guard.check_async(SLIP, _ctx("kim", at=at + 1))).action,  # kim's strikes are known
        ]
        assert all(thread != loop_thread for _, thread in reads)
        return actions

    assert asyncio.run(run()) == [Action.BLOCK, Action.ALLOW, Action.BOUNCE, Action.BLOCK]
    assert [kind for kind, _ in reads] == ["mutes", "sender"]
    assert guard.strikes.answers_at_once("kim", now) and guard.strikes.answers_at_once("ann", now, with_count=False)
    assert not guard.strikes.answers_at_once("ann", now)  # her strikes were never read
    store.close()


def test_the_in_memory_ledger_is_bounded() -> None:
    ledger = StrikeLedger(max_users=10)
    guard = Guard(strikes=ledger)
    for n in range(25):
        guard.check(SLIP, _ctx(f"user-{n}"))
    assert len(ledger._users) == 10
    assert ledger.count("user-24", datetime.fromtimestamp(T0, UTC)) == 1
    assert ledger.count("user-0", datetime.fromtimestamp(T0, UTC)) == 0  # evicted, oldest first


def test_ledger_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="decay"):
        StrikeLedger(timedelta(0))
    with pytest.raises(ValueError, match="max_users"):
        StrikeLedger(max_users=0)
    ledger = StrikeLedger()
    assert ledger.count(None) == 0 and ledger.muted_until("nobody") is None

"""Conversation-level detection with the default in-memory state (issue 4)."""

from __future__ import annotations

import json
import logging
import sys
import threading
import tracemalloc
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offsite import Context, Decision, Guard, Kind, Sender, Surface
from offsite.conversation import (
    ConversationState,
    MemoryStateStore,
    StateStoreError,
    WindowSettings,
)
from offsite.conversation.store import ENTRY_OVERHEAD
from offsite.registry import default_registry

DATA = Path(__file__).parent / "data" / "dev"


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard()


def _ctx(conv: str, sender: str, index: int | None = None, ts: float | None = None,
         surface: Surface = Surface.CHAT) -> Context:
    return Context(surface=surface, sender=Sender(id=sender), conversation_id=conv,
                   message_id=None if index is None else f"{conv}:{index}", timestamp=ts)


def _run(guard: Guard, conv: str, messages: list[tuple[str, str]], **kw: Any) -> list[Decision]:
    return [guard.check(text, _ctx(conv, who, i, **kw)) for i, (who, text) in enumerate(messages)]


# -- reassembly -----------------------------------------------------------------------------


def test_split_phone_is_caught_on_the_completing_message(guard: Guard) -> None:
    out = _run(guard, "t-phone", [("a", "ok my number is"), ("a", "555 01"), ("a", "92 334")])
    assert not out[1].flagged
    last = out[2]
    assert last.flagged and Kind.PHONE in last.kinds
    phone = next(f for f in last.findings if f.kind == Kind.PHONE)
    assert "92 334"[phone.start : phone.end] == phone.text == "92 334"
    assert phone.source_message_ids == ("t-phone:1",)
    assert phone.value is not None and phone.value.endswith("5550192334")
    assert last.redacted_text != "92 334"
    assert json.loads(last.to_json())["findings"][0]["source_message_ids"] == ["t-phone:1"]


def test_split_spelled_phone(guard: Guard) -> None:
    out = _run(guard, "t-words", [("a", "five five five"), ("a", "oh one nine"), ("a", "two two eight one")])
    assert [d.flagged for d in out] == [False, False, True]
    f = out[2].findings[0]
    assert f.kind == Kind.PHONE and f.source_message_ids == ("t-words:0", "t-words:1")


def test_split_handle_glued_across_messages(guard: Guard) -> None:
    out = _run(guard, "t-snap", [("a", "snap: m"), ("a", "oon"), ("a", ".kid_7")])
    last = out[2]
    assert last.flagged
    handle = next(f for f in last.findings if f.kind == Kind.HANDLE)
    assert handle.platform == "snapchat"
    assert handle.text == ".kid_7"[handle.start : handle.end]
    assert set(handle.source_message_ids) <= {"t-snap:0", "t-snap:1"} and handle.source_message_ids


@pytest.mark.parametrize(
    ("messages", "kind"),
    [
        ([("a", "its rosie.k"), ("a", "at gmail"), ("a", "dot com")], Kind.EMAIL),
        ([("a", "my email is"), ("a", "skyler.b"), ("a", "@example.org")], Kind.EMAIL),
        ([("a", "discord.gg"), ("a", "/k7QmP2")], Kind.INVITE),
        ([("a", "t.me/"), ("a", "lena_xo")], Kind.INVITE),
        ([("a", "u/"), ("a", "sleepyfox")], Kind.HANDLE),
        ([("a", "snap"), ("a", "lilbean.22")], Kind.HANDLE),
        ([("a", "but my ig is"), ("a", "lil"), ("a", ".bean.art")], Kind.HANDLE),
        ([("a", "5️⃣5️⃣5️⃣"), ("a", "0️⃣1️⃣9️⃣"), ("a", "2️⃣7️⃣7️⃣3️⃣")], Kind.PHONE),
        ([("a", "can we move to"), ("a", "whatsapp?")], Kind.SOLICITATION),
    ],
)
def test_pieces_complete_on_the_last_message(guard: Guard, messages: list[tuple[str, str]], kind: Kind) -> None:
    conv = f"t-pieces-{abs(hash(tuple(messages)))}"
    out = _run(guard, conv, messages)
    last = out[-1]
    assert kind in last.kinds, last.to_dict()
    for f in last.findings:
        assert messages[-1][1][f.start : f.end] == f.text
    assert any(f.source_message_ids for f in last.findings)


def test_pieces_of_different_senders_are_not_joined(guard: Guard) -> None:
    out = _run(guard, "t-senders", [("a", "my number is 555"), ("b", "0192"), ("b", "3348")])
    assert not any(f.kind == Kind.PHONE for d in out[1:] for f in d.findings)


def test_pieces_of_different_conversations_are_not_joined(guard: Guard) -> None:
    guard.check("ok my number is 555 01", _ctx("t-conv-1", "a", 0))
    d = guard.check("92 334", _ctx("t-conv-2", "a", 0))
    assert not d.flagged


def test_without_conversation_id_nothing_is_kept(guard: Guard) -> None:
    guard.check("555 01", Context(sender=Sender(id="a")))
    assert not guard.check("92 334", Context(sender=Sender(id="a"))).flagged


# -- questions and answers ------------------------------------------------------------------


def test_answer_to_platform_question(guard: Guard) -> None:
    out = _run(guard, "t-qa", [("a", "do u have insta?"), ("b", "yeah its moon.child")])
    assert out[0].flagged and out[0].kinds == (Kind.SOLICITATION,)
    answer = out[1]
    assert answer.kinds == (Kind.HANDLE,)
    f = answer.findings[0]
    assert (f.text, f.platform, f.source_message_ids) == ("moon.child", "instagram", ("t-qa:0",))
    assert f.value == "instagram:moon.child"


@pytest.mark.parametrize(
    ("question", "platform"),
    [("whats your @ on tiktok", "tiktok"), ("¿cuál es tu ig?", "instagram"), ("same!! what's ur psn", "playstation")],
)
def test_platform_questions_are_requests(guard: Guard, question: str, platform: str) -> None:
    conv = f"t-question-{platform}"
    d = guard.check(question, _ctx(conv, "a", 0))
    assert d.kinds == (Kind.SOLICITATION,)
    answer = guard.check("lilbean", _ctx(conv, "b", 1))
    assert answer.kinds == (Kind.HANDLE,) and answer.findings[0].platform == platform


def test_refusals_and_chat_after_a_question_stay_clean(guard: Guard) -> None:
    out = _run(guard, "t-refuse", [("a", "do you have snap?"), ("b", "i can't share that here, sorry 💛"),
                                   ("a", "oh right, my bad")])
    assert out[0].flagged and not out[1].flagged and not out[2].flagged
    out = _run(guard, "t-no", [("a", "whats ur discord"), ("b", "no"), ("b", "nope")])
    assert not out[1].flagged and not out[2].flagged


def test_answer_must_come_from_someone_else_and_soon(guard: Guard) -> None:
    same = _run(guard, "t-self", [("a", "do u have insta?"), ("a", "lilbean")])
    assert not same[1].flagged
    late = _run(guard, "t-late", [("a", "do u have insta?"), ("b", "hmm"), ("a", "?"), ("b", "ok"),
                                  ("b", "lilbean")])
    assert not late[4].flagged


def test_handle_given_there_after_a_platform_was_named(guard: Guard) -> None:
    out = _run(guard, "t-there", [("a", "what's your favorite app"), ("b", "insta lol"), ("a", "same!!"),
                                  ("b", "im moon.child there")])
    assert [d.flagged for d in out] == [False, False, False, True]
    f = out[3].findings[0]
    assert (f.kind, f.text, f.platform) == (Kind.HANDLE, "moon.child", "instagram")


# -- clean conversations --------------------------------------------------------------------


@pytest.mark.parametrize(
    "messages",
    [
        [("a", "day 1"), ("a", "day 2 still going"), ("a", "day 30 today!!"), ("b", "so proud of you")],
        [("a", "i'm free 3-4"), ("b", "i'm on at 5:30 est"), ("a", "ok 5:30 here in this room then")],
        [("a", "i don't feel safe tonight"), ("b", "please call or text 988"), ("b", "or text HOME to 741741")],
        [("a", "100"), ("a", "93"), ("a", "86"), ("a", "79"), ("a", "counting down helps me")],
        [("a", "14"), ("a", "03"), ("a", "2024 was the day everything changed")],
        [("a", "the total was"), ("a", "1,299"), ("a", ".99 for the laptop")],
        [("a", "my mom read my whatsapp"), ("b", "how did that feel"), ("a", "violated honestly")],
        [("b", "the old lifeline was 1-800-273"), ("b", "-8255 but now just dial 988")],
        [("a", "snap"), ("a", "decisions are hard")],
    ],
)
def test_suspicious_clean_conversations_stay_clean(guard: Guard, messages: list[tuple[str, str]]) -> None:
    conv = f"t-clean-{abs(hash(tuple(messages)))}"
    out = _run(guard, conv, messages)
    assert not any(d.flagged for d in out), [d.to_dict() for d in out if d.flagged]


# -- the window -----------------------------------------------------------------------------


def test_window_is_limited_to_the_last_messages() -> None:
    guard = Guard(window=WindowSettings(max_messages=1))
    out = _run(guard, "t-n", [("a", "555 01"), ("a", "92"), ("a", "334")])
    assert not any(f.kind == Kind.PHONE for f in out[2].findings)  # "555 01" fell out
    guard = Guard(window=WindowSettings(max_messages=2))
    out = _run(guard, "t-n", [("a", "555 01"), ("a", "92"), ("a", "334")])
    assert Kind.PHONE in out[2].kinds


def test_window_is_limited_in_time() -> None:
    guard = Guard(window=WindowSettings(max_seconds=60))
    out = _run(guard, "t-t", [("a", "555 01")], ts=1_000.0)
    late = guard.check("92 334", _ctx("t-t", "a", 1, ts=1_061.0))
    assert not late.flagged and not out[0].flagged
    guard.check("555 01", _ctx("t-t2", "a", 0, ts=1_000.0))
    assert guard.check("92 334", _ctx("t-t2", "a", 1, ts=1_059.0)).flagged


def test_state_expires_in_the_store() -> None:
    now = [0.0]
    store = MemoryStateStore(clock=lambda: now[0])
    guard = Guard(state=store, window=WindowSettings(max_seconds=30))
    guard.check("555 01", _ctx("t-exp", "a", 0))
    assert store.get("t-exp") is not None
    now[0] = 31.0
    assert store.get("t-exp") is None and len(store) == 0


def test_close_conversation_deletes_the_window() -> None:
    store = MemoryStateStore()
    guard = Guard(state=store)
    guard.check("ok my number is 555 01", _ctx("t-close", "a", 0))
    assert store.get("t-close") is not None
    assert guard.close_conversation("t-close") is True
    assert store.get("t-close") is None
    assert not guard.check("92 334", _ctx("t-close", "a", 1)).flagged
    with pytest.raises(ValueError, match="conversation_id"):
        guard.close_conversation("")


def test_window_keeps_only_contact_like_tails() -> None:
    store = MemoryStateStore()
    guard = Guard(state=store, window=WindowSettings(max_fragment_chars=24))
    secret = "my parents were shouting again last night and i could not sleep at all so i am tired"
    guard.check(secret, _ctx("t-min", "a", 0))
    guard.check("honestly i think the worst part of it all is feeling like nobody listens to me here "
                "and my number is 555", _ctx("t-min", "a", 1))
    raw = store.get("t-min")
    assert raw is not None
    state = ConversationState.from_json(raw)
    fragments = state.window("a")
    assert [f.message_id for f in fragments] == ["t-min:1"]  # the ordinary message is not kept
    assert fragments[0].text == "and my number is 555" and len(fragments[0].text) <= 24
    assert "parents" not in raw and "honestly" not in raw
    assert guard.check("0192 3348", _ctx("t-min", "a", 2)).flagged


def test_pending_question_keeps_only_the_platform_id() -> None:
    store = MemoryStateStore()
    guard = Guard(state=store)
    guard.check("so tell me, what's ur snap? i promise i won't spam you with memes lol",
                _ctx("t-pending", "a", 0))
    state = ConversationState.from_json(store.get("t-pending") or "")
    assert state.pending is not None and state.pending.platform == "snapchat"
    assert state.pending.message_id == "t-pending:0"


def test_generated_message_ids_are_stable() -> None:
    store = MemoryStateStore()
    one, two = Guard(state=store), Guard(state=store)
    one.check("my number is 555", Context(conversation_id="gen", sender=Sender(id="a")))
    two.check("0192", Context(conversation_id="gen", sender=Sender(id="a")))
    d = one.check("3348", Context(conversation_id="gen", sender=Sender(id="a")))
    phone = next(f for f in d.findings if f.kind == Kind.PHONE)
    assert phone.source_message_ids == ("gen#1", "gen#2")


def test_explain_shows_the_conversation_step(guard: Guard) -> None:
    guard.check("555 01", _ctx("t-explain", "a", 0))
    d = guard.check("92 334", _ctx("t-explain", "a", 1), explain=True)
    assert d.trace is not None
    assert any(step.detector == "conversation" and step.outcome == "accepted" for step in d.trace)


def test_unreadable_window_starts_afresh(caplog: pytest.LogCaptureFixture) -> None:
    store = MemoryStateStore()
    store.update("t-bad", lambda _: '{"v": 99}', 60)
    guard = Guard(state=store)
    with caplog.at_level(logging.WARNING, logger="offsite"):
        d = guard.check("hi", _ctx("t-bad", "a", 0))
    assert not d.degraded and not d.flagged
    assert ConversationState.from_json(store.get("t-bad") or "").seq == 1
    assert any("unreadable" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"max_messages": 0}, "max_messages"), ({"max_seconds": -1}, "max_seconds"),
     ({"max_fragment_chars": "64"}, "max_fragment_chars"), ({"max_senders": True}, "max_senders"),
     ({"answer_within": 101}, "answer_within")],
)
def test_window_settings_are_validated(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match=rf"WindowSettings\.{field}"):
        WindowSettings(**kwargs)


def test_texts_that_are_not_contact_never_raise(guard: Guard) -> None:
    for i, text in enumerate(["", "   ", "\u200b", "🙂" * 500, "a" * 5000, "@", "/", "..."]):
        guard.check(text, _ctx("t-odd", "a", i))


# -- the in-memory store --------------------------------------------------------------------


def test_memory_store_evicts_least_recently_used() -> None:
    store = MemoryStateStore(max_entries=3)
    for key in "abc":
        store.update(key, lambda _: "x", 60)
    assert store.get("a") == "x"  # a is now the most recently used
    store.update("d", lambda _: "x", 60)
    assert store.get("b") is None and store.get("a") == store.get("c") == store.get("d") == "x"
    assert len(store) == 3


def test_memory_store_update_and_delete() -> None:
    store = MemoryStateStore()
    store.update("k", lambda cur: (cur or "") + "1", 60)
    store.update("k", lambda cur: (cur or "") + "2", 60)
    assert store.get("k") == "12"
    store.update("k", lambda _: None, 60)
    assert store.get("k") is None
    store.update("k", lambda _: "v", 60)
    store.delete("k")
    store.delete("k")
    assert store.get("k") is None and store.charged_bytes == 0


def test_memory_store_concurrent_writers_lose_nothing() -> None:
    store = MemoryStateStore()

    def work() -> None:
        for _ in range(300):
            store.update("n", lambda cur: str(int(cur or "0") + 1), 60)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.get("n") == "1200"


def test_memory_store_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="max_entries"):
        MemoryStateStore(max_entries=0)
    with pytest.raises(ValueError, match="max_bytes"):
        MemoryStateStore(max_bytes=10)
    store = MemoryStateStore(max_bytes=4 * ENTRY_OVERHEAD)
    with pytest.raises(StateStoreError, match="larger than half"):
        store.update("k", lambda _: "x" * (4 * ENTRY_OVERHEAD), 60)


def _setter(value: str) -> Callable[[str | None], str]:
    return lambda _current: value


@pytest.mark.parametrize("size", ["small", "full"])
def test_memory_use_is_bounded_and_measured(size: str) -> None:
    """The byte bound holds, and what the store charges is at least what Python allocates, for
    tiny windows (entry overhead dominates) and full ones."""
    bound = 2 * 1024 * 1024
    value = ConversationState().to_json()
    fragments = 6 if size == "full" else 0
    guard_state = json.dumps({"v": 1, "seq": 9, "m": "m" * 20,
                              "w": [["a", [["id", 1.0, "x" * 64, 9]] * fragments]]})
    tracemalloc.start()
    try:
        store = MemoryStateStore(max_entries=1_000_000, max_bytes=bound)
        before = tracemalloc.get_traced_memory()[0]
        for i in range(20_000):
            # fresh strings, as a real window would be (not shared constants)
            store.update(f"conversation-{i:08d}", _setter(guard_state.replace("m" * 20, f"{i:020d}")), 600)
        used = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert store.charged_bytes <= bound
    assert used <= store.charged_bytes * 1.1 + 64 * 1024, (used, store.charged_bytes)
    assert 0 < len(store) < 20_000  # the bound, not the entry count, evicted
    assert value  # an empty state is a few bytes


def test_largest_window_fits_the_documented_bound() -> None:
    """The largest window the default settings allow (8 senders x 6 pieces of 64 four-byte
    characters, 128-character ids) stays under the bound documented in offsite.conversation.store:
    about 18 KB of JSON, about 48 KB charged in memory."""
    store = MemoryStateStore()
    guard = Guard(state=store)
    settings = WindowSettings()
    for i in range(settings.max_messages * settings.max_senders * 3):
        sender = "u" * 127 + str(i % (settings.max_senders + 4))
        guard.check("ig " + " ".join(["𝟓𝟓"] * 40), Context(
            surface=Surface.ROOM, sender=Sender(id=sender), conversation_id="t-room",
            message_id="m" * 120 + f"{i:08d}"))
    raw = store.get("t-room") or ""
    state = ConversationState.from_json(raw)
    assert len(state.windows) == settings.max_senders
    assert all(len(fr) <= settings.max_messages for _, fr in state.windows)
    assert all(len(f.text) <= settings.max_fragment_chars for _, fr in state.windows for f in fr)
    assert len(raw.encode()) <= 20 * 1024
    assert store.charged_bytes <= 50 * 1024


def test_long_ids_are_kept_as_hashes() -> None:
    store = MemoryStateStore()
    guard = Guard(state=store)
    long_id = "x" * 500
    guard.check("555 01", Context(conversation_id="t-ids", sender=Sender(id="a" * 500), message_id=long_id))
    d = guard.check("92 334", Context(conversation_id="t-ids", sender=Sender(id="a" * 500), message_id="m2"))
    phone = next(f for f in d.findings if f.kind == Kind.PHONE)
    assert phone.source_message_ids[0].startswith("sha256:") and len(phone.source_message_ids[0]) < 64
    assert long_id not in (store.get("t-ids") or "")


# -- scores on the conversation sets -----------------------------------------------------------


def _score(path: Path) -> tuple[float, float, list[str], list[str]]:
    guard = Guard()
    caught = violations = flagged_clean = clean = 0
    missed: list[str] = []
    false_alarms: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        surface = Surface(case["surface"])
        flagged_at = None
        for index, message in enumerate(case["messages"]):
            decision = guard.check(message["text"], Context(
                surface=surface, sender=Sender(id=message["from"]), conversation_id=case["id"],
                message_id=f"{case['id']}:{index}"))
            if decision.flagged and flagged_at is None:
                flagged_at = index
        if case["label"] == "violation":
            violations += 1
            if flagged_at is not None and flagged_at <= case["violation_at"]:
                caught += 1
            else:
                missed.append(case["id"])
        else:
            clean += 1
            if flagged_at is not None:
                flagged_clean += 1
                false_alarms.append(case["id"])
    return caught / violations, flagged_clean / clean, missed, false_alarms


# Floors on caught split contacts: the target (0.90) on both sets. The few misses left are
# texts the single-message detectors miss even written as one message ("double five five oh one
# triple seven two"), which the next test checks.
_FLOORS = {"conversations.jsonl": 0.97, "conversations_extra.jsonl": 0.97,
           # written by a writer who never saw the code (tests/data/dev/README.md)
           "conversations_independent.jsonl": 0.85}


@pytest.mark.parametrize("name", sorted(_FLOORS))
def test_conversation_set_floors(name: str) -> None:
    caught, flagged_clean, missed, false_alarms = _score(DATA / name)
    assert caught >= _FLOORS[name], f"caught {caught:.3f}; missed {missed}"
    assert flagged_clean <= 0.05, f"clean flagged {flagged_clean:.3f}: {false_alarms}"


@pytest.mark.parametrize("name", sorted(_FLOORS))
def test_every_miss_is_invisible_to_the_detectors_even_in_one_message(name: str) -> None:
    """The conversation layer loses nothing the rules can see: a missed conversation's
    messages up to ``violation_at``, written as one text, are not flagged by the rules either.
    (The intent model reads single messages, never a conversation's pieces joined together.)"""
    _, _, missed, _ = _score(DATA / name)
    cases = {c["id"]: c for c in map(json.loads, (DATA / name).read_text("utf-8").splitlines())}
    registry = default_registry()
    registry.disable("intent")
    guard = Guard(registry=registry)
    visible = []
    for case_id in missed:
        case = cases[case_id]
        text = " ".join(m["text"] for m in case["messages"][: case["violation_at"] + 1])
        if guard.detect(text, Context(surface=Surface(case["surface"]))).findings:
            visible.append(case_id)
    assert not visible, f"caught as one text but missed as a conversation: {visible}"


def test_extra_set_is_well_formed() -> None:
    cases = [json.loads(line) for line in (DATA / "conversations_extra.jsonl").read_text("utf-8").splitlines()]
    assert len(cases) >= 80
    clean = [c for c in cases if c["label"] == "clean"]
    assert len(clean) >= len(cases) / 2
    assert len({c["id"] for c in cases}) == len(cases)
    for c in cases:
        assert c["source"] == "offsite-dev" and c["lang"] and c["messages"]
        if c["label"] == "violation":
            assert c["kinds"] and 0 <= c["violation_at"] < len(c["messages"])
        else:
            assert c["kinds"] == [] and "violation_at" not in c


_PIECES = st.sampled_from([
    *"abcdefghijklmnopqrstuvwxyz0123456789 .@_/-#:?!,'",
    "five ", "snap ", "ig ", "my number is ", "at ", "dot ", "\u200b", "５", "5\ufe0f\u20e3", "ß", "İ",
])


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(_PIECES, max_size=25).map("".join), min_size=1, max_size=5),
    st.lists(st.sampled_from(["a", "b"]), min_size=5, max_size=5),
)
def test_any_conversation_gives_findings_located_in_their_own_message(
    messages: list[str], senders: list[str]
) -> None:
    guard = _FUZZ_GUARD
    conv = f"fuzz-{uuid.uuid4().hex}"
    for index, (text, sender) in enumerate(zip(messages, senders, strict=False)):
        decision = guard.check(text, _ctx(conv, sender, index))
        assert not decision.degraded
        for f in decision.findings:
            assert 0 <= f.start < f.end <= len(text) and text[f.start : f.end] == f.text
            assert all(source.startswith(conv) and source != f"{conv}:{index}" for source in f.source_message_ids)


_FUZZ_GUARD = Guard()


def test_long_messages_complete_pieces_at_their_start_and_keep_only_their_end() -> None:
    store = MemoryStateStore()
    guard = Guard(state=store)
    guard.check("ok my number is 555 01", _ctx("t-long", "a", 0))
    filler = " and then we talked about school and my brother and the dog" * 20
    d = guard.check("92 334" + filler + " insta", _ctx("t-long", "a", 1))
    phone = next(f for f in d.findings if f.kind == Kind.PHONE)
    assert (phone.start, phone.text, phone.source_message_ids) == (0, "92 334", ("t-long:0",))
    state = ConversationState.from_json(store.get("t-long") or "")
    kept = state.window("a")[-1].text
    assert kept.endswith("the dog insta") and len(kept) <= WindowSettings().max_fragment_chars
    assert state.named is not None and state.named.platform == "instagram"


def test_conversation_benchmark_runs(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks import conversation_bench

    out = tmp_path / "conversation.md"
    assert conversation_bench.main(["--modes", "none", "memory", "--replays", "1", "--batch", "50",
                                    "--output", str(out)]) == 0
    table = out.read_text(encoding="utf-8")
    assert "| 1 | none |" in table and "| 1 | memory |" in table

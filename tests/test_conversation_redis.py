"""Conversation state in a real Redis server (Debian's redis-server).

``OFFSITE_TEST_REDIS_URL`` points at a running server (CI: ``eval "$(bash
scripts/ci/start_redis.sh)"``); the tests that stop a server start their own private
``redis-server`` process. With ``CI=true`` a missing server or binary fails the run; elsewhere
those tests are skipped with the reason.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from offsite import Context, Guard, Kind, Sender, Surface
from offsite.conversation import MemoryStateStore, RedisStateStore, StateStoreError, WindowSettings, resp
from offsite.strikes import StrikeLedger

DATA = Path(__file__).parent / "data" / "dev"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _need(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: run `eval \"$(bash scripts/ci/start_redis.sh)\"` first)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def redis_url() -> str:
    url = os.environ.get("OFFSITE_TEST_REDIS_URL")
    if not url:
        _need("OFFSITE_TEST_REDIS_URL is not set")
    assert url is not None
    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"OFFSITE_TEST_REDIS_URL={url} does not answer: {exc}")
    return url


@pytest.fixture
def prefix() -> str:
    return f"offsite-test:{uuid.uuid4().hex[:12]}:"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class PrivateRedis:
    """A redis-server process of this test alone, so it can be stopped and started again."""

    def __init__(self, binary: str, directory: Path) -> None:
        self.binary = binary
        self.directory = directory
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_timeout=0.5, socket_connect_timeout=0.5)
        for _ in range(100):
            try:
                if client.ping():
                    return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    binary = shutil.which("redis-server")
    if binary is None and Path("/usr/bin/redis-server").exists():
        binary = "/usr/bin/redis-server"
    if binary is None:
        _need("redis-server is not installed (scripts/ci/start_redis.sh installs it)")
    assert binary is not None
    server = PrivateRedis(binary, tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _cases() -> list[dict[str, object]]:
    cases = []
    for name in ("conversations.jsonl", "conversations_extra.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            cases.append(json.loads(line))
    return cases


def _ctx(conv: str, sender: str, index: int, surface: str = "chat") -> Context:
    return Context(surface=Surface(surface), sender=Sender(id=sender), conversation_id=conv,
                   message_id=f"{conv}:{index}")


# -- sharing --------------------------------------------------------------------------------


def test_two_guards_sharing_redis_decide_like_one_guard(redis_url: str, prefix: str) -> None:
    """Every message of both conversation sets goes to a randomly chosen worker; the decisions are
    exactly those of one guard that saw every message. (The workers also share one strike ledger,
    the policy's own state, so that whole decisions compare.)"""
    strikes = StrikeLedger()
    workers = [Guard(state=RedisStateStore(redis_url, prefix=prefix), strikes=strikes) for _ in range(2)]
    reference = Guard(state=MemoryStateStore())
    pick = random.Random(4)
    flagged = 0
    for case in _cases():
        conv = str(case["id"])
        messages = case["messages"]
        assert isinstance(messages, list)
        for index, message in enumerate(messages):
            ctx = _ctx(conv, message["from"], index, str(case["surface"]))
            shared = workers[pick.randrange(2)].check(message["text"], ctx)
            alone = reference.check(message["text"], ctx)
            assert shared.to_dict() == alone.to_dict(), (conv, index)
            assert not shared.degraded
            flagged += any(f.source_message_ids for f in shared.findings)
    assert flagged >= 30  # the comparison covered many cross-message findings


def test_the_completing_message_can_reach_either_worker(redis_url: str, prefix: str) -> None:
    one = Guard(state=RedisStateStore(redis_url, prefix=prefix))
    two = Guard(state=RedisStateStore(redis_url, prefix=prefix))
    one.check("ok my number is 555 01", _ctx("split", "a", 0))
    d = two.check("92 334", _ctx("split", "a", 1))
    phone = next(f for f in d.findings if f.kind == Kind.PHONE)
    assert phone.source_message_ids == ("split:0",) and phone.text == "92 334"
    q = two.check("do u have insta?", _ctx("qa", "a", 0))
    a = one.check("yeah its moon.child", _ctx("qa", "b", 1))
    assert q.flagged and a.findings[0].platform == "instagram"
    assert a.findings[0].source_message_ids == ("qa:0",)


def test_state_in_redis_is_small_json_with_a_ttl(redis_url: str, prefix: str) -> None:
    store = RedisStateStore(redis_url, prefix=prefix)
    guard = Guard(state=store, window=WindowSettings(max_seconds=120))
    guard.check("my parents were shouting again last night and i could not sleep at all",
                _ctx("ttl", "a", 0))
    guard.check("my cell is 555", _ctx("ttl", "a", 1))
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    raw = client.get(prefix + "ttl")
    assert isinstance(raw, str)
    state = json.loads(raw)
    assert state["seq"] == 2 and "parents" not in raw and "my cell is 555" in raw
    ttl = client.pttl(prefix + "ttl")
    assert isinstance(ttl, int) and 0 < ttl <= 120_000


def test_close_conversation_deletes_the_redis_key(redis_url: str, prefix: str) -> None:
    guard = Guard(state=RedisStateStore(redis_url, prefix=prefix))
    guard.check("555 01", _ctx("closing", "a", 0))
    client = redis.Redis.from_url(redis_url)
    assert client.exists(prefix + "closing") == 1
    assert guard.close_conversation("closing") is True
    assert client.exists(prefix + "closing") == 0
    assert not guard.check("92 334", _ctx("closing", "a", 1)).flagged


def test_concurrent_workers_lose_no_update(redis_url: str, prefix: str) -> None:
    stores = [RedisStateStore(redis_url, prefix=prefix, max_attempts=1000) for _ in range(4)]

    def work(store: RedisStateStore) -> None:
        for _ in range(100):
            store.update("counter", lambda cur: str(int(cur or "0") + 1), 60)

    threads = [threading.Thread(target=work, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert stores[0].get("counter") == "400"


def test_a_worker_reads_a_key_once_and_a_lost_compare_answers_with_the_winner(redis_url: str,
                                                                             prefix: str) -> None:
    store = RedisStateStore(redis_url, prefix=prefix)
    client = redis.Redis.from_url(redis_url, decode_responses=True)

    def gets() -> int:
        """GET commands sent by clients (the compare-and-set script runs one GET itself)."""
        stats = client.info("commandstats")
        return sum(int(stats.get(name, {}).get("calls", 0)) * sign
                   for name, sign in (("cmdstat_get", 1), ("cmdstat_evalsha", -1)))

    seen: list[str | None] = []

    def increment(cur: str | None) -> str:
        seen.append(cur)
        return str(int(cur or "0") + 1)

    before = gets()
    for _ in range(10):
        store.update("own", increment, 60)
    assert gets() - before == 1  # only the first update read the key
    client.set(prefix + "own", "100")  # another worker wrote it: the compare fails...
    seen.clear()
    store.update("own", increment, 60)
    assert seen == ["10", "100"] and client.get(prefix + "own") == "101"  # ...and answers "100"
    client.delete(prefix + "own")  # expired meanwhile: the compare answers "nothing there"
    seen.clear()
    store.update("own", increment, 60)
    assert seen == ["101", None]
    # one read by the updates, one by this test above, one by get
    assert store.get("own") == "1" and gets() - before == 3


def test_long_conversation_ids_are_hashed(redis_url: str, prefix: str) -> None:
    store = RedisStateStore(redis_url, prefix=prefix)
    long_id = "c" * 1000
    store.update(long_id, lambda _: "v", 60)
    assert store.get(long_id) == "v"
    assert len(store.key(long_id)) < 100


def test_bad_redis_url_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"RedisStateStore\.url"):
        RedisStateStore("localhost:6379")
    with pytest.raises(ValueError, match="exactly one"):
        RedisStateStore()


# -- failures -------------------------------------------------------------------------------


def test_unreachable_redis_degrades_and_logs_once(caplog: pytest.LogCaptureFixture) -> None:
    port = _free_port()  # nothing listens there
    guard = Guard(state=RedisStateStore(f"redis://127.0.0.1:{port}/0", socket_timeout=0.2, retry_after=0))
    with caplog.at_level(logging.WARNING, logger="offsite"):
        first = guard.check("ok my number is 555 01", _ctx("down", "a", 0))
        second = guard.check("92 334", _ctx("down", "a", 1))
        email = guard.check("mail me: jo@example.com", _ctx("down", "a", 2))
    assert first.degraded and second.degraded and email.degraded
    assert Kind.EMAIL in email.kinds  # single-message detection still runs
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "555" not in warnings[0].getMessage() and "jo@" not in warnings[0].getMessage()
    assert guard.close_conversation("down") is False


def test_redis_killed_mid_run(private_redis: PrivateRedis, caplog: pytest.LogCaptureFixture) -> None:
    store = RedisStateStore(private_redis.url, socket_timeout=0.3, retry_after=0.0)
    guard = Guard(state=store)
    assert not guard.check("ok my number is 555 01", _ctx("kill", "a", 0)).degraded
    private_redis.stop()
    with caplog.at_level(logging.WARNING, logger="offsite"):
        decisions = [guard.check(text, _ctx("kill", "a", i)) for i, text in
                     enumerate(["92 334", "whats ur snap", "hello", "jo@example.com"], start=1)]
    assert all(d.degraded for d in decisions)
    assert Kind.SOLICITATION in decisions[1].kinds and Kind.EMAIL in decisions[3].kinds
    assert not any(f.source_message_ids for d in decisions for f in d.findings)
    outage = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(outage) == 1, [r.getMessage() for r in outage]
    # the server comes back (empty): checks are whole again and say so once
    private_redis.start()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="offsite"):
        back = guard.check("555 01", _ctx("kill-2", "a", 0))
        done = guard.check("92 334", _ctx("kill-2", "a", 1))
    assert not back.degraded and not done.degraded and Kind.PHONE in done.kinds
    assert len([r for r in caplog.records if "available again" in r.getMessage()]) == 1


def test_async_updates_of_many_workers_lose_nothing(redis_url: str, prefix: str) -> None:
    """Four stores (four workers) on one event loop, 50 concurrent updates each, all awaited
    together on the same key: the compare-and-set loses none, as in the threaded test above."""
    stores = [RedisStateStore(redis_url, prefix=prefix, max_attempts=1000) for _ in range(4)]

    async def run() -> None:
        await asyncio.gather(*(s.update_async("acounter", lambda cur: str(int(cur or "0") + 1), 60)
                               for s in stores for _ in range(50)))
        for s in stores:
            await s.close_async()

    asyncio.run(run())
    assert stores[0].get("acounter") == "200"


def test_async_and_threaded_guards_decide_alike(redis_url: str, prefix: str) -> None:
    """check_async on a Redis store decides every message of the conversation sets as check()
    does (here on two workers, one asynchronous, messages dealt out at random)."""
    strikes = StrikeLedger()
    sync_guard = Guard(state=RedisStateStore(redis_url, prefix=prefix), strikes=strikes)
    async_store = RedisStateStore(redis_url, prefix=prefix)
    async_guard = Guard(state=async_store, strikes=strikes)
    reference = Guard(state=MemoryStateStore())
    pick = random.Random(9)

    async def run() -> int:
        pieced = 0
        for case in _cases():
            conv = str(case["id"])
            for index, message in enumerate(case["messages"]):
                ctx = _ctx(conv, message["from"], index, str(case["surface"]))
                if pick.randrange(2):
                    shared = await async_guard.check_async(message["text"], ctx)
                else:
                    shared = sync_guard.check(message["text"], ctx)
                alone = reference.check(message["text"], ctx)
                assert shared.to_dict() == alone.to_dict(), (conv, index)
                assert not shared.degraded
                pieced += any(f.source_message_ids for f in shared.findings)
        await async_store.close_async()
        return pieced

    assert asyncio.run(run()) >= 30


def test_async_update_of_a_stopped_server_fails_once_then_waits(private_redis: PrivateRedis) -> None:
    store = RedisStateStore(private_redis.url, socket_timeout=0.3, retry_after=60)
    guard = Guard(state=store)

    async def run() -> None:
        await store.update_async("k", lambda _: "v", 60)
        private_redis.stop()
        with pytest.raises(StateStoreError):
            await store.update_async("k", lambda _: "w", 60)
        started = time.monotonic()
        with pytest.raises(StateStoreError, match="waiting"):
            await store.update_async("k", lambda _: "w", 60)  # refused at once
        assert time.monotonic() - started < 0.1
        decision = await guard.check_async("jo@example.com", _ctx("down", "a", 0))
        assert decision.degraded and Kind.EMAIL in decision.kinds  # still answered, marked degraded

    asyncio.run(run())


def test_async_update_of_a_hung_server_times_out(private_redis: PrivateRedis) -> None:
    """A server that accepts but never answers (stopped with SIGSTOP) costs one timeout."""
    store = RedisStateStore(private_redis.url, socket_timeout=0.3, retry_after=60)

    async def run() -> float:
        await store.update_async("h", lambda _: "v", 60)
        assert private_redis.process is not None
        private_redis.process.send_signal(signal.SIGSTOP)
        try:
            started = time.monotonic()
            with pytest.raises(StateStoreError):
                await store.update_async("h", lambda _: "w", 60)
            return time.monotonic() - started
        finally:
            private_redis.process.send_signal(signal.SIGCONT)

    assert 0.25 < asyncio.run(run()) < 2.0


def test_a_store_given_a_client_updates_synchronously_from_a_loop(redis_url: str, prefix: str) -> None:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    store = RedisStateStore(client=client, prefix=prefix)
    asyncio.run(store.update_async("given", lambda _: "1", 60))
    assert client.get(prefix + "given") == "1"


def test_store_errors_are_state_store_errors(private_redis: PrivateRedis) -> None:
    store = RedisStateStore(private_redis.url, socket_timeout=0.3, retry_after=60)
    store.update("k", lambda _: "v", 60)
    private_redis.stop()
    with pytest.raises(StateStoreError):
        store.get("k")
    started = time.monotonic()
    with pytest.raises(StateStoreError, match="waiting"):
        store.update("k", lambda _: "w", 60)  # refused at once while the store waits
    assert time.monotonic() - started < 0.1
    assert store.ping() is False


def test_conversation_benchmark_runs_on_redis(redis_url: str, tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks import conversation_bench

    out = tmp_path / "conversation.md"
    assert conversation_bench.main(["--modes", "redis", "--replays", "1", "--redis-url", redis_url,
                                    "--output", str(out)]) == 0
    row = next(line for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("| 1 | redis |"))
    assert row.endswith("| 0 |")  # nothing degraded
    assert not list(redis.Redis.from_url(redis_url).scan_iter(match="offsite-bench:*"))  # cleaned up


# -- the pipelined client of update_async (offsite.conversation.resp) -------------------------


def test_concurrent_commands_share_one_connection_and_get_their_own_replies(redis_url: str, prefix: str) -> None:
    """200 commands sent in one loop turn go out together on one connection; each caller gets
    the reply to its own command (Redis answers in order)."""
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    for i in range(200):
        client.set(f"{prefix}k{i}", f"v{i}")
    endpoint = resp.Endpoint.from_url(redis_url)
    pipelined = resp.PipelinedRedis(endpoint, timeout=2.0)

    async def run() -> list[object]:
        replies = await asyncio.gather(*(pipelined.execute("GET", f"{prefix}k{i}") for i in range(200)))
        with pytest.raises(resp.ReplyError, match="unknown command"):
            await pipelined.execute("NO-SUCH-COMMAND")
        with pytest.raises(TypeError):
            await pipelined.execute("GET", None)  # type: ignore[arg-type]  # never sent, no reply awaited
        after = await pipelined.execute("GET", f"{prefix}k7")  # errors keep the stream in step
        pipelined.close()
        return [*replies, after]

    replies = asyncio.run(run())
    assert [resp.text(r) for r in replies] == [f"v{i}" for i in range(200)] + ["v7"]


def test_update_async_survives_a_flushed_script_cache(redis_url: str, prefix: str) -> None:
    """After SCRIPT FLUSH (or a restart), the compare-and-set is sent whole once (NOSCRIPT)."""
    store = RedisStateStore(redis_url, prefix=prefix)

    async def run() -> None:
        await store.update_async("flushed", lambda _: "1", 60)
        redis.Redis.from_url(redis_url).script_flush()
        await store.update_async("flushed", lambda cur: str(int(cur or "0") + 1), 60)
        await store.close_async()

    asyncio.run(run())
    assert store.get("flushed") == "2"


def test_update_async_with_a_password_and_a_database(private_redis: PrivateRedis) -> None:
    admin = redis.Redis(port=private_redis.port)
    admin.config_set("requirepass", "s3cret")
    url = f"redis://:s3cret@127.0.0.1:{private_redis.port}/3"
    store = RedisStateStore(url, prefix="p:")

    async def run() -> None:
        await store.update_async("k", lambda _: "in db 3", 60)
        await store.close_async()

    asyncio.run(run())
    authed = redis.Redis(port=private_redis.port, password="s3cret", db=3, decode_responses=True)
    assert authed.get("p:k") == "in db 3"
    assert redis.Redis(port=private_redis.port, password="s3cret", db=0).get("p:k") is None
    wrong = RedisStateStore(f"redis://:wrong@127.0.0.1:{private_redis.port}/3", prefix="p:", retry_after=60)

    async def refused() -> None:
        with pytest.raises(StateStoreError):
            await wrong.update_async("k", lambda _: "x", 60)
        await wrong.close_async()

    asyncio.run(refused())


def test_update_async_reconnects_after_a_restart(private_redis: PrivateRedis) -> None:
    store = RedisStateStore(private_redis.url, socket_timeout=0.5, retry_after=0)

    async def run() -> None:
        await store.update_async("r", lambda _: "1", 60)
        private_redis.stop()
        with pytest.raises(StateStoreError):
            await store.update_async("r", lambda _: "2", 60)
        private_redis.start()  # empty again
        await store.update_async("r", lambda cur: "fresh" if cur is None else "kept", 60)
        await store.close_async()

    asyncio.run(run())
    assert store.get("r") == "fresh"


def test_values_with_lone_surrogates_round_trip(redis_url: str, prefix: str) -> None:
    """A JSON body may carry lone surrogates ("\\ud800"); windows holding them are stored and read
    back by both clients."""
    store = RedisStateStore(redis_url, prefix=prefix)
    value = "tail \ud800 end"

    async def run() -> str | None:
        await store.update_async("s", lambda _: value, 60)
        seen: list[str | None] = []

        def again(cur: str | None) -> str:
            seen.append(cur)
            return value + "!"

        store._known.pop(store.key("s"))  # read it back from the server
        await store.update_async("s", again, 60)
        await store.close_async()
        return seen[0]

    assert asyncio.run(run()) == value
    assert store.get("s") == value + "!"
    guard = Guard(state=RedisStateStore(redis_url, prefix=prefix))

    async def check() -> bool:
        decision = await guard.check_async("my number is 555 01 \ud800", _ctx("surrogate", "a", 0))
        return decision.degraded

    assert asyncio.run(check()) is False


# -- following the other workers' writes ------------------------------------------------------


async def _until(condition: Callable[[], bool], seconds: float = 2.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.005)


def test_workers_taking_turns_compare_right_the_first_time(redis_url: str, prefix: str) -> None:
    """Two workers alternate on one conversation. Each announces its writes, the other keeps them
    as known values, so every change runs once on the current value (no lost compare, no read);
    without following, every update after the first loses its compare once."""

    def alternate(follow: bool) -> tuple[list[str | None], str | None]:
        stores = [RedisStateStore(redis_url, prefix=prefix, follow_writes=follow) for _ in range(2)]
        seen: list[str | None] = []

        def increment(cur: str | None) -> str:
            seen.append(cur)
            return str(int(cur or "0") + 1)

        async def run() -> None:
            key = f"turns-{follow}"
            for store in stores:  # start listening (the subscription connects in the background)
                await store.update_async(f"warm-{follow}", lambda _: "w", 60)
            if follow:
                await _until(lambda: all(s._async is not None and s._async[2] is not None
                                         and s._async[2].listening for s in stores))
                await asyncio.sleep(0.05)  # the SUBSCRIBE is answered
            for i in range(10):
                store = stores[i % 2]
                await store.update_async(key, increment, 60)
                if follow:
                    other = stores[(i + 1) % 2]
                    want = str(i + 1)
                    await _until(lambda other=other, want=want: other._known.get(other.key(key)) == want)
            for store in stores:
                await store.close_async()

        asyncio.run(run())
        return seen, stores[0].get(f"turns-{follow}")

    followed, final = alternate(True)
    assert final == "10" and followed == [None, *(str(i) for i in range(1, 10))]
    unfollowed, final = alternate(False)
    # the second worker reads the key on its first turn; every later turn loses one compare
    assert final == "10" and len(unfollowed) == 2 + 2 * 8


def test_a_followed_delete_forgets_the_known_value(redis_url: str, prefix: str) -> None:
    stores = [RedisStateStore(redis_url, prefix=prefix) for _ in range(2)]

    async def run() -> None:
        for store in stores:
            await store.update_async("warm", lambda _: "w", 60)
        await _until(lambda: all(s._async is not None and s._async[2] is not None
                                 and s._async[2].listening for s in stores))
        await asyncio.sleep(0.05)
        await stores[0].update_async("gone", lambda _: "v", 60)
        await _until(lambda: stores[1]._known.get(stores[1].key("gone")) == "v")
        await stores[0].update_async("gone", lambda _: None, 60)  # deleted
        await _until(lambda: stores[1]._known.get(stores[1].key("gone")) is None)
        seen: list[str | None] = []
        await stores[1].update_async("gone", lambda cur: seen.append(cur) or "new", 60)
        assert seen == [None]
        for store in stores:
            await store.close_async()

    asyncio.run(run())


def test_redis_client_benchmark_runs(redis_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks import redis_client

    assert redis_client.main(["--redis-url", redis_url, "--count", "40"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines()[2:] if line.startswith("| ")]
    assert [row.split(" | ")[0] for row in rows] == [
        "| redis-py GET", "| pipelined GET", "| update_async, one at a time", "| update_async, four in flight"]
    assert not list(redis.Redis.from_url(redis_url).scan_iter(match="offsite-bench:*"))  # cleaned up


def test_following_resumes_after_a_restart(private_redis: PrivateRedis) -> None:
    """The subscription of a store whose server restarted connects again on a later update (after
    retry_after) and follows the other worker's writes again."""
    stores = [RedisStateStore(private_redis.url, socket_timeout=0.5, retry_after=0) for _ in range(2)]

    def listening(store: RedisStateStore) -> bool:
        return store._async is not None and store._async[2] is not None and store._async[2].listening

    async def run() -> None:
        for store in stores:
            await store.update_async("warm", lambda _: "w", 60)
        await _until(lambda: all(listening(s) for s in stores))
        private_redis.stop()
        await _until(lambda: not any(listening(s) for s in stores))
        private_redis.start()
        await asyncio.sleep(1.1)  # the subscription waits at least a second between tries
        for store in stores:
            await _until_updated(store)
        await _until(lambda: all(listening(s) for s in stores))
        await asyncio.sleep(0.05)
        await stores[0].update_async("after", lambda _: "v", 60)
        await _until(lambda: stores[1]._known.get(stores[1].key("after")) == "v")
        for store in stores:
            await store.close_async()

    asyncio.run(run())


async def _until_updated(store: RedisStateStore) -> None:
    """An update that succeeds (the first after a restart may meet the closed connection)."""
    for _ in range(20):
        try:
            await store.update_async("again", lambda _: "a", 60)
            return
        except StateStoreError:
            await asyncio.sleep(0.05)
    raise AssertionError("no update succeeded")

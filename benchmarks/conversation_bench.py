"""Throughput of ``Guard.check`` on conversation messages, per worker, by state store.

Replays the conversation sets (``tests/data/dev/conversations*.jsonl``) many times, each replay
with fresh conversation and sender ids, with the conversations of a batch interleaved as on a busy
site. Modes:

* ``none``   - no ``conversation_id``: single-message detection only (the baseline);
* ``memory`` - conversation windows in the default ``MemoryStateStore``;
* ``redis``  - conversation windows in Redis (``--redis-url``, or ``OFFSITE_TEST_REDIS_URL``).

With ``--workers N`` (N > 1) that many processes run at once, each on its own conversations and
with its own ``Guard``, sharing the one Redis server; the table reports messages per second per
worker: by wall clock, and per CPU-second of the worker thread (what other jobs on a shared
machine cannot disturb; Redis round trips are waits, so they count in the wall figure only). Run::

    .venv/bin/python benchmarks/conversation_bench.py --modes none memory redis --workers 1 2
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SETS = [ROOT / "tests/data/dev/conversations.jsonl", ROOT / "tests/data/dev/conversations_extra.jsonl"]


def _stream(replays: int, batch: int, tag: str) -> list[tuple[str, str, str, str, str]]:
    """(conversation id, sender id, message id, surface, text) in the order they are checked."""
    cases = [json.loads(line) for path in SETS for line in path.read_text(encoding="utf-8").splitlines()]
    out: list[tuple[str, str, str, str, str]] = []
    for replay in range(replays):
        for first in range(0, len(cases), batch):
            group = cases[first : first + batch]
            longest = max(len(c["messages"]) for c in group)
            for index in range(longest):
                for case in group:
                    if index < len(case["messages"]):
                        conv = f"{tag}:{replay}:{case['id']}"
                        message = case["messages"][index]
                        out.append((conv, f"{conv}/{message['from']}", f"{conv}:{index}", case["surface"],
                                    message["text"]))
    return out


def _run(mode: str, redis_url: str | None, replays: int, batch: int, tag: str) -> dict[str, Any]:
    from offsite import Context, Guard, Sender, Surface
    from offsite.conversation import RedisStateStore

    state = RedisStateStore(redis_url, prefix=f"offsite-bench:{tag}:") if mode == "redis" else None
    guard = Guard(state=state)
    stream = _stream(replays, batch, tag)
    # warm up caches (lexicon, number reader, regexes) outside the timed part
    for conv, sender, _mid, surface, text in stream[:50]:
        guard.check(text, Context(surface=Surface(surface), sender=Sender(id=sender),
                                  conversation_id=None if mode == "none" else "warmup:" + conv))
    latencies: list[float] = []
    flagged = degraded = 0
    started = time.perf_counter()
    cpu_started = time.thread_time()
    for conv, sender, mid, surface, text in stream:
        ctx = Context(surface=Surface(surface), sender=Sender(id=sender),
                      conversation_id=None if mode == "none" else conv, message_id=mid)
        t0 = time.perf_counter()
        decision = guard.check(text, ctx)
        latencies.append(time.perf_counter() - t0)
        flagged += decision.flagged
        degraded += decision.degraded
    elapsed = time.perf_counter() - started
    cpu = time.thread_time() - cpu_started
    if state is not None:
        keys = list(state.client.scan_iter(match=f"offsite-bench:{tag}:*", count=1000))
        for start in range(0, len(keys), 500):
            state.client.delete(*keys[start : start + 500])
        state.close()
    latencies.sort()
    return {
        "mode": mode, "messages": len(stream), "seconds": elapsed, "per_second": len(stream) / elapsed,
        "per_cpu_second": len(stream) / cpu,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "flagged": flagged, "degraded": degraded,
    }


def _worker(args: tuple[str, str | None, int, int, str]) -> dict[str, Any]:
    return _run(*args)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a Markdown table (also written to ``--output``)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modes", nargs="+", default=["none", "memory", "redis"],
                        choices=["none", "memory", "redis"])
    parser.add_argument("--workers", nargs="+", type=int, default=[1])
    parser.add_argument("--replays", type=int, default=20, help="times each conversation set is replayed")
    parser.add_argument("--batch", type=int, default=25, help="conversations interleaved at once")
    parser.add_argument("--redis-url", default=os.environ.get("OFFSITE_TEST_REDIS_URL"))
    parser.add_argument("--output", type=Path, help="also write the table to this Markdown file")
    args = parser.parse_args(argv)
    if "redis" in args.modes and not args.redis_url:
        parser.error("mode redis needs --redis-url (or OFFSITE_TEST_REDIS_URL)")
    if any(w < 1 for w in args.workers) or args.replays < 1 or args.batch < 1:
        parser.error("--workers, --replays and --batch must be >= 1")
    rows = []
    for workers in args.workers:
        for mode in args.modes:
            tag = uuid.uuid4().hex[:8]
            jobs = [(mode, args.redis_url, args.replays, args.batch, f"{tag}-{w}") for w in range(workers)]
            if workers == 1:
                results = [_worker(jobs[0])]
            else:
                with multiprocessing.get_context("spawn").Pool(workers) as pool:
                    results = pool.map(_worker, jobs)
            rows.append((workers, mode, results))
            print(f"{mode:6} x{workers}: " + ", ".join(f"{r['per_second']:.0f} msg/s" for r in results),
                  file=sys.stderr)
    lines = [
        f"CPU: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; Python "
        f"{platform.python_version()}; {args.replays} replays of "
        f"{sum(1 for p in SETS for _ in p.open(encoding='utf-8'))} conversations, {args.batch} interleaved.",
        "",
        "| workers | state | messages per worker | msg/s per worker (wall) | msg per CPU-second | p50 ms | p99 ms "
        "| degraded |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for workers, mode, results in rows:
        lines.append(
            f"| {workers} | {mode} | {results[0]['messages']} | "
            f"{statistics.mean(r['per_second'] for r in results):,.0f} | "
            f"{statistics.mean(r['per_cpu_second'] for r in results):,.0f} | "
            f"{statistics.mean(r['p50_ms'] for r in results):.2f} | "
            f"{statistics.mean(r['p99_ms'] for r in results):.2f} | {sum(r['degraded'] for r in results)} |"
        )
    table = "\n".join(lines)
    print(table)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

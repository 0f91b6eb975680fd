"""CPU cost of the Redis commands the shared service sends per message, by client.

Compares, on one event loop (uvloop when installed) against a Redis server on this machine:

* ``redis-py GET``: redis-py's asyncio client (the service's client until the fourteenth session);
* ``pipelined GET``: :class:`offsite.conversation.resp.PipelinedRedis`, one command at a time;
* ``update_async``: :meth:`RedisStateStore.update_async` (the compare-and-set script), one at a
  time and with four updates in flight on different keys (the commands of one loop turn go out
  together).

Process CPU time per command (``time.process_time``), so the server's own work is not counted.

    eval "$(bash scripts/ci/start_redis.sh)"
    .venv/bin/python benchmarks/redis_client.py --redis-url "$OFFSITE_TEST_REDIS_URL"
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from collections.abc import Awaitable, Callable

import redis.asyncio as aioredis

from offsite.conversation import RedisStateStore, resp


async def _per_call(count: int, call: Callable[[], Awaitable[object]], parallel: int = 1) -> float:
    """Microseconds of process CPU per call (``parallel`` callers at once)."""

    async def caller() -> None:
        for _ in range(count // parallel):
            await call()

    for _ in range(min(200, count)):  # warm: connections opened, caches filled
        await call()
    started = time.process_time()
    await asyncio.gather(*(caller() for _ in range(parallel)))
    return (time.process_time() - started) / count * 1e6


async def measure(url: str, count: int) -> list[tuple[str, float]]:
    """The rows of the report: (what, µs of CPU per command)."""
    prefix = f"offsite-bench:{uuid.uuid4().hex[:8]}:"
    value = "x" * 300  # about a window's size
    plain = aioredis.Redis.from_url(url, decode_responses=True)
    await plain.set(prefix + "v", value)
    pipelined = resp.PipelinedRedis(resp.Endpoint.from_url(url), timeout=2.0)
    store = RedisStateStore(url, prefix=prefix)
    counter = iter(range(10**9))

    def change(_current: str | None) -> str:
        return f"{value}{next(counter)}"

    rows = [
        ("redis-py GET", await _per_call(count, lambda: plain.get(prefix + "v"))),
        ("pipelined GET", await _per_call(count, lambda: pipelined.execute("GET", prefix + "v"))),
        ("update_async, one at a time", await _per_call(count, lambda: store.update_async("a", change, 60))),
    ]
    keys = iter(range(10**9))
    rows.append(("update_async, four in flight", await _per_call(
        count, lambda: store.update_async(f"k{next(keys) % 4}", change, 60), parallel=4)))
    await store.close_async()
    pipelined.close()
    await plain.delete(*[k async for k in plain.scan_iter(match=prefix + "*")])
    await plain.aclose()
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--redis-url", default=os.environ.get("OFFSITE_TEST_REDIS_URL"),
                        help="a Redis server on this machine (default: $OFFSITE_TEST_REDIS_URL)")
    parser.add_argument("--count", type=int, default=5000, help="commands per row")
    args = parser.parse_args(argv)
    url = args.redis_url
    if not url:
        parser.error("--redis-url (or OFFSITE_TEST_REDIS_URL) is required")
    if "127.0.0.1" not in url and "localhost" not in url and not url.startswith("unix://"):
        parser.error("--redis-url: only a server on this machine may be used")
    if args.count < 4:
        parser.error("--count: at least 4")
    runner: Callable[..., list[tuple[str, float]]] = asyncio.run
    try:
        import uvloop

        runner = uvloop.run
    except ImportError:
        pass
    rows = runner(measure(url, args.count))
    print("| command | µs of CPU per command |\n| --- | ---: |")
    for what, micros in rows:
        print(f"| {what} | {micros:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

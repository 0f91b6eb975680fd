"""Load benchmark of ``offsite serve`` on loopback.

Starts the server itself (``offsite serve`` on 127.0.0.1 and a free port), then drives
``POST /v1/check`` with a closed loop of keep-alive connections for a fixed time, and reports
throughput, latency percentiles and errors. Bounded in time (``--duration``, at most 600 s) and
count (``--max-requests``); it only ever connects to 127.0.0.1.

    .venv/bin/python benchmarks/load_service.py --duration 60 --workers 2 --connections 32
    .venv/bin/python benchmarks/load_service.py --duration 60 --workers 2 \\
        --redis-url "$OFFSITE_TEST_REDIS_URL" --database-url "$OFFSITE_TEST_DATABASE_URL"

The request mix: dev cases of tests/data/dev (about a third hold contact) in chats, rooms and
profiles, from 500 senders in 200 conversations (so conversation state is read and written).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import pathlib
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

HOST = "127.0.0.1"  # never anything else
ROOT = pathlib.Path(__file__).resolve().parents[1]
MAX_DURATION_S = 600.0


@dataclass
class Stats:
    """What the load generator saw."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    flagged: int = 0

    def merge(self, other: Stats) -> None:
        """Add another connection's numbers."""
        self.latencies.extend(other.latencies)
        for code, n in other.statuses.items():
            self.statuses[code] = self.statuses.get(code, 0) + n
        self.errors += other.errors
        self.flagged += other.flagged


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def load_texts() -> list[str]:
    """Message texts of the dev set plus everyday clean messages."""
    texts: list[str] = []
    for name in ("single.jsonl",):
        path = ROOT / "tests" / "data" / "dev" / name
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    clean = [
        "I've been feeling really anxious about school lately and can't sleep.",
        "thank you for listening, it means a lot to me",
        "my mom and I had another fight today, I don't know what to do",
        "does anyone else get overwhelmed at work? how do you cope?",
        "I tried the breathing exercise you mentioned and it helped a bit",
        "it's been 30 days since I started journaling every morning",
    ]
    return texts + clean * max(1, len(texts) // 12)


def traffic_texts(count: int, seed: int) -> list[str]:
    """Realistic chat traffic (about 90% clean), the mix of the throughput benchmark."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from benchmarks.traffic import generate

    return [m.text for m in generate(count, seed=seed)]


def build_requests(count: int, seed: int, mix: str = "dev") -> list[bytes]:
    """``count`` distinct raw HTTP requests (bodies vary by text, surface, sender, conversation).
    ``mix``: ``dev`` (the dev set plus everyday messages, about a third with contact) or
    ``traffic`` (realistic chat traffic, about a tenth with contact)."""
    rng = random.Random(seed)
    texts = load_texts() if mix == "dev" else traffic_texts(count, seed)
    surfaces = ["chat"] * 6 + ["room"] * 3 + ["profile"]
    out: list[bytes] = []
    for i in range(count):
        surface = rng.choice(surfaces)
        context: dict[str, object] = {
            "surface": surface,
            "sender": {"id": f"u{rng.randrange(500)}", "role": rng.choice(["member", "member", "listener"]),
                       "age_group": rng.choice(["adult", "adult", "teen"])},
            "message_id": f"m{i}",
        }
        if surface != "profile":
            context["conversation_id"] = f"c{rng.randrange(200)}"
        else:
            context["field_name"] = "bio"
        body = json.dumps({"text": rng.choice(texts), "context": context}).encode()
        head = (f"POST /v1/check HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        out.append(head + body)
    return out


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Status code and body of one HTTP/1.1 response with a Content-Length, and whether the
    server closes the connection after it (``Connection: close``)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = 0
    closing = False
    for line in lines[1:]:
        name = line[:15].lower()
        if name == b"content-length:":
            length = int(line[15:].strip())
        elif name.startswith(b"connection:") and line[11:].strip().lower() == b"close":
            closing = True
    body = await reader.readexactly(length) if length else b""
    return status, body, closing


async def connection(port: int, requests: list[bytes], deadline: float, budget: list[int], offset: int) -> Stats:
    """One keep-alive connection sending requests back to back until the deadline or budget."""
    stats = Stats()
    reader, writer = await asyncio.open_connection(HOST, port)
    reopen = False
    i = offset
    try:
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            request = requests[i % len(requests)]
            i += 1
            start = time.perf_counter()
            try:
                if reopen:  # the server closed it after its last answer: a new one (timed with this request)
                    writer.close()
                    reader, writer = await asyncio.open_connection(HOST, port)
                    reopen = False
                writer.write(request)
                status, body, reopen = await read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                stats.errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection(HOST, port)
                continue
            stats.latencies.append(time.perf_counter() - start)
            stats.statuses[status] = stats.statuses.get(status, 0) + 1
            if status != 200:
                stats.errors += 1
            elif b'"flagged":true' in body:
                stats.flagged += 1
    finally:
        writer.close()
    return stats


async def drive(port: int, connections: int, duration: float, max_requests: int, requests: list[bytes],
                warmup: float) -> tuple[Stats, float]:
    """Warm up, then run ``connections`` connections for ``duration`` seconds."""
    if warmup > 0:
        end = time.perf_counter() + warmup
        await asyncio.gather(*(connection(port, requests, end, [10**9], c * 997) for c in range(connections)))
    budget = [max_requests]
    start = time.perf_counter()
    deadline = start + duration
    parts = await asyncio.gather(*(connection(port, requests, deadline, budget, c * 7919)
                                   for c in range(connections)))
    elapsed = time.perf_counter() - start
    total = Stats()
    for part in parts:
        total.merge(part)
    return total, elapsed


def start_server(workers: int, env_extra: dict[str, str],
                 data_dir: pathlib.Path) -> tuple[subprocess.Popen[bytes], int]:
    """``offsite serve`` on loopback; returns once /healthz answers."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OFFSITE_")}
    env.update({"OFFSITE_RATE_LIMIT_PER_SECOND": "100000", "OFFSITE_RATE_LIMIT_BURST": "100000",
                "OFFSITE_LOG_LEVEL": "warning"})
    env.update(env_extra)
    cmd = [sys.executable, "-c", "from offsite.cli import main; main()", "serve", "--host", HOST,
           "--port", str(port), "--data-dir", str(data_dir), "--workers", str(workers)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            with socket.create_connection((HOST, port), timeout=1) as sock:
                sock.sendall(f"GET /readyz HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
                if b" 200 " in sock.recv(1024):
                    time.sleep(0.5 * workers)  # let every worker finish starting
                    return proc, port
        except OSError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not become ready")


@contextlib.contextmanager
def fresh_database(url: str, reuse: bool) -> Iterator[str]:
    """A new, empty PostgreSQL database beside the one ``url`` names, dropped afterwards, so that
    every run starts from the same state (strikes and records of earlier runs would otherwise
    pile up and slow later runs down). ``reuse`` (or a role that may not create databases):
    ``url`` itself."""
    if reuse:
        yield url
        return
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = f"{parsed.database or 'offsite'}_load_{os.getpid()}"
    plain = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"using {parsed.database} as it is: no fresh database ({type(exc).__name__})", file=sys.stderr)
        yield url
        return
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def percentile(sorted_values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of sorted values."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, round(p / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


def run_one(label: str, workers: int, env_extra: dict[str, str], args: argparse.Namespace) -> dict[str, object]:
    """Start a server, load it, stop it; returns the result row."""
    requests = build_requests(5000, args.seed, args.mix)
    with tempfile.TemporaryDirectory() as tmp:
        if args.port:
            proc, port = None, args.port
        else:
            proc, port = start_server(workers, env_extra, pathlib.Path(tmp))
        try:
            loop_runner = asyncio.run
            try:
                import uvloop

                loop_runner = uvloop.run  # type: ignore[assignment]
            except ImportError:
                pass
            client_cpu = time.process_time()
            stats, elapsed = loop_runner(drive(port, args.connections, args.duration, args.max_requests,
                                               requests, args.warmup))
            client_cpu = time.process_time() - client_cpu
        finally:
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
    lat = sorted(stats.latencies)
    done = len(lat)
    row: dict[str, object] = {
        "config": label,
        "mix": args.mix,
        "workers": workers,
        "connections": args.connections,
        "seconds": round(elapsed, 1),
        "requests": done,
        "rps": round(done / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(lat, 50) * 1000, 2),
        "p95_ms": round(percentile(lat, 95) * 1000, 2),
        "p99_ms": round(percentile(lat, 99) * 1000, 2),
        "max_ms": round(lat[-1] * 1000, 2) if lat else None,
        "mean_ms": round(statistics.fmean(lat) * 1000, 2) if lat else None,
        "errors": stats.errors,
        "statuses": stats.statuses,
        "flagged_share": round(stats.flagged / done, 3) if done else 0.0,
        # the load generator's own CPU (warm-up included), taken from the cores the server runs on
        "client_cpu_s": round(client_cpu, 1),
    }
    print(json.dumps(row), flush=True)
    return row


def main() -> None:
    """Parse the arguments and run the configurations asked for."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of measured load (max 600)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of unmeasured load first")
    parser.add_argument("--max-requests", type=int, default=2_000_000, help="stop after this many requests")
    parser.add_argument("--connections", type=int, default=16, help="concurrent keep-alive connections")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--redis-url", default=os.environ.get("OFFSITE_TEST_REDIS_URL"),
                        help="also run with shared state in this Redis (loopback only)")
    parser.add_argument("--database-url", default=os.environ.get("OFFSITE_TEST_DATABASE_URL"),
                        help="also run with this PostgreSQL store (loopback only)")
    parser.add_argument("--reuse-database", action="store_true",
                        help="record into --database-url itself (default: a fresh database beside it, "
                             "dropped afterwards)")
    parser.add_argument("--only", choices=["embedded", "shared", "none"], help="run one configuration")
    parser.add_argument("--port", type=int, help="load a server already running on 127.0.0.1:PORT instead")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--mix", choices=["dev", "traffic"], default="dev",
                        help="dev: dev-set texts, about a third with contact; traffic: realistic chat, "
                             "about a tenth")
    parser.add_argument("--output", type=pathlib.Path, help="append the JSON rows to this file")
    args = parser.parse_args()
    if not 0 < args.duration <= MAX_DURATION_S:
        parser.error(f"--duration: must be in (0, {MAX_DURATION_S:g}]")
    if not 1 <= args.connections <= 512:
        parser.error("--connections: must be 1..512")
    for name in ("redis_url", "database_url"):
        url = getattr(args, name)
        if url and "127.0.0.1" not in url and "localhost" not in url and "/tmp" not in url:
            parser.error(f"--{name.replace('_', '-')}: only loopback servers may be used")
    rows = []
    if args.port:
        rows.append(run_one(f"running server on port {args.port}", 0, {}, args))
        args.only = "none"
    if args.only in (None, "embedded"):
        rows.append(run_one("embedded (SQLite + in-memory state)", args.workers, {}, args))
    if args.only in (None, "shared"):
        if args.redis_url and args.database_url:
            with fresh_database(args.database_url, args.reuse_database) as database_url:
                rows.append(run_one("shared (Redis + PostgreSQL)", args.workers,
                                    {"OFFSITE_REDIS_URL": args.redis_url, "OFFSITE_DATABASE_URL": database_url},
                                    args))
        else:
            print("skipping the shared configuration: give --redis-url and --database-url", file=sys.stderr)
    if args.output:
        with args.output.open("a", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()

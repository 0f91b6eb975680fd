"""The HTTP load benchmark (``benchmarks/load_service.py``) runs for real for a few seconds: it
starts ``offsite serve``, loads it and reports a row; the shared run records into a fresh
PostgreSQL database that is gone afterwards (earlier runs' records would otherwise slow later ones
down). Needs the Redis and PostgreSQL test servers (skipped locally without them, failing in CI)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from pg_support import pg_url

ROOT = Path(__file__).resolve().parents[1]


def _redis_url() -> str:
    url = os.environ.get("OFFSITE_TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail('OFFSITE_TEST_REDIS_URL is not set (CI=true; run: eval "$(bash scripts/ci/start_redis.sh)")')
        pytest.skip("OFFSITE_TEST_REDIS_URL is not set")
    return url


def _load_databases(url: str) -> set[str]:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1), autocommit=True) as conn:
        return {row[0] for row in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE '%\\_load\\_%'")}


def test_shared_run_reports_a_row_and_drops_its_database(tmp_path: Path) -> None:
    database = pg_url()
    redis = _redis_url()
    before = _load_databases(database)
    out = tmp_path / "rows.jsonl"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "load_service.py"), "--duration", "2", "--warmup", "0.5",
         "--workers", "1", "--connections", "2", "--mix", "traffic", "--only", "shared",
         "--redis-url", redis, "--database-url", database, "--output", str(out)],
        capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    row = json.loads(out.read_text().splitlines()[-1])
    assert row["config"].startswith("shared")
    assert row["requests"] > 0 and row["errors"] == 0
    assert row["statuses"] == {"200": row["requests"]}
    assert row["client_cpu_s"] >= 0
    assert "no fresh database" not in done.stderr  # the test role may create databases
    assert _load_databases(database) == before

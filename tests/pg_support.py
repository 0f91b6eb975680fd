"""Real PostgreSQL for the store tests (issue 5).

* ``OFFSITE_TEST_PG_URL`` (from ``eval "$(bash scripts/ci/start_postgres.sh)"``) names a server
  whose role may create databases; each test module gets a fresh database there.
* :class:`PrivatePostgres` runs a throw-away server of its own (initdb in a temporary directory,
  a free port) for the tests that stop and restart PostgreSQL, so they never touch the shared one.

Under ``CI=true`` a missing server is a failure, never a skip.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

HINT = 'run: eval "$(bash scripts/ci/start_postgres.sh)"'


def _missing(what: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} (CI=true, so PostgreSQL tests must run; {HINT})")
    pytest.skip(f"{what}; {HINT}")


def pg_url() -> str:
    """The shared test server's URL (skip locally, fail in CI when it is not set)."""
    url = os.environ.get("OFFSITE_TEST_PG_URL")
    if not url:
        _missing("OFFSITE_TEST_PG_URL is not set")
        raise AssertionError("unreachable")
    return url


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextmanager
def fresh_database(url: str) -> Iterator[str]:
    """A new, empty database on the server of ``url`` (dropped afterwards); yields its URL."""
    name = f"offsite_t_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(_libpq(url), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        _missing(f"cannot connect to OFFSITE_TEST_PG_URL ({type(exc).__name__})")
        raise
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        # An autovacuum worker (the server's own role) may be on the fresh database: FORCE may not
        # end it ("must be a member of the role whose process is being terminated"); it finishes
        # within moments, so the drop is tried again.
        for attempt in range(20):
            try:
                with psycopg.connect(_libpq(url), autocommit=True, connect_timeout=5) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                break
            except (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectInUse):
                if attempt == 19:
                    raise
                time.sleep(0.25)


def _bindir() -> Path:
    explicit = os.environ.get("OFFSITE_TEST_PG_BINDIR")
    if explicit and (Path(explicit) / "pg_ctl").exists():
        return Path(explicit)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if not found:
        _missing("PostgreSQL server binaries not found (apt-get install postgresql)")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivatePostgres:
    """A PostgreSQL server of this test alone: ``start()``, ``stop()``, ``start()`` again."""

    def __init__(self) -> None:
        self.bindir = _bindir()
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="offsite-pg-", dir="/tmp"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self._as_root = os.geteuid() == 0
        if self._as_root:
            shutil.chown(self.root, "postgres", "postgres")
        try:
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the server's ``postgres`` database."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bindir / tool), *args]
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr[-2000:]}")

    def start(self) -> None:
        """Start (or restart) the server on its port and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                psycopg.connect(_libpq(self.url), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                time.sleep(0.1)
        raise RuntimeError("private PostgreSQL did not come up")

    def stop(self) -> None:
        """Stop the server now (fast shutdown: open connections are cut)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def destroy(self) -> None:
        """Stop if running and delete the data directory."""
        try:
            self.stop()
        except RuntimeError:
            pass
        shutil.rmtree(self.root, ignore_errors=True)

"""Fixtures for the HTTP service tests: real ``offsite serve`` processes on 127.0.0.1 and free ports."""

from __future__ import annotations

import os
import pathlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running ``offsite serve`` process."""

    url: str
    data_dir: pathlib.Path
    log_path: pathlib.Path
    process: subprocess.Popen[bytes]
    keys: dict[str, str] = field(default_factory=dict)

    def client(self, key: str | None = None) -> httpx.Client:
        """An HTTP client for this server (optionally with an API key)."""
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=10.0)

    def log(self) -> str:
        """Everything the server wrote to stderr/stdout so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        """Stop the server and wait for it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def offsite_cmd(*args: str) -> list[str]:
    """The ``offsite`` command line run by this interpreter."""
    return [sys.executable, "-c", "from offsite.cli import main; main()", *args]


def create_key(data_dir: pathlib.Path, *scopes: str) -> str:
    """Create an API key with the real ``offsite keys create`` command."""
    args = ["keys", "create", "--data-dir", str(data_dir)]
    for scope in scopes:
        args += ["--scope", scope]
    done = subprocess.run(offsite_cmd(*args), capture_output=True, text=True, timeout=60, check=True)
    return done.stdout.strip()


def start_server(tmp: pathlib.Path, *, env: dict[str, str] | None = None, args: tuple[str, ...] = (),
                 keys: dict[str, tuple[str, ...]] | None = None) -> Server:
    """Start ``offsite serve`` with its own data dir; returns once /healthz answers."""
    data_dir = tmp / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    made = {name: create_key(data_dir, *scopes) for name, scopes in (keys or {}).items()}
    port = free_port()
    log_path = tmp / "server.log"
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("OFFSITE_")}
    full_env.update({"OFFSITE_LOG_LEVEL": "debug", "OFFSITE_ACCESS_LOG": "true", "PYTHONUNBUFFERED": "1"})
    full_env.update(env or {})
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            offsite_cmd("serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir), *args),
            stdout=log_file, stderr=subprocess.STDOUT, env=full_env, cwd=tmp,
        )
    server = Server(f"http://127.0.0.1:{port}", data_dir, log_path, process, made)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"offsite serve exited with {process.returncode}:\n{server.log()}")
        try:
            if httpx.get(server.url + "/healthz", timeout=1.0).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"offsite serve did not start:\n{server.log()}")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The zero-configuration server: embedded SQLite, in-memory state, no API keys."""
    srv = start_server(tmp_path_factory.mktemp("server"))
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def keyed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with API keys (check, moderate, both), a small rate limit and a CORS origin."""
    srv = start_server(
        tmp_path_factory.mktemp("keyed"),
        env={"OFFSITE_RATE_LIMIT_PER_SECOND": "5", "OFFSITE_RATE_LIMIT_BURST": "10",
             "OFFSITE_CORS_ORIGINS": "https://community.example"},
        keys={"check": ("check",), "moderate": ("moderate",), "both": ("check", "moderate"),
              "limited": ("check",)},
    )
    yield srv
    srv.stop()


@pytest.fixture()
def client(server: Server) -> Iterator[httpx.Client]:
    """A client of the zero-configuration server."""
    with server.client() as c:
        yield c

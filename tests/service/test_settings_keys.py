"""Settings (environment + TOML file), API keys and the loopback guard."""

from __future__ import annotations

import pathlib

import httpx
import pytest

from offsite.service.app import create_app
from offsite.service.cli import check_bind
from offsite.service.keys import KeyFileError, KeyRing, Scope
from offsite.service.ratelimit import RateLimiter
from offsite.service.settings import Settings, SettingsError, load_settings


def test_toml_file_then_environment(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "offsite.toml"
    config.write_text('[service]\nport = 9100\nrate_limit_per_second = 50\ncors_origins = ["https://a.example"]\n')
    monkeypatch.setenv("OFFSITE_CONFIG", str(config))
    monkeypatch.setenv("OFFSITE_PORT", "9200")
    settings = load_settings()
    assert settings.port == 9200  # the environment wins
    assert settings.rate_limit_per_second == 50
    assert settings.cors_origins == ("https://a.example",)


def test_data_dir_toml_is_read(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "offsite.toml").write_text("max_body_bytes = 4096\n")
    monkeypatch.delenv("OFFSITE_CONFIG", raising=False)
    monkeypatch.setenv("OFFSITE_DATA_DIR", str(tmp_path))
    assert load_settings().max_body_bytes == 4096


def test_bad_settings_name_the_setting(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OFFSITE_WORKERS", "zero")
    with pytest.raises(SettingsError, match=r"workers \(OFFSITE_WORKERS\)"):
        load_settings()
    monkeypatch.delenv("OFFSITE_WORKERS")
    bad = tmp_path / "bad.toml"
    bad.write_text("port = [")
    monkeypatch.setenv("OFFSITE_CONFIG", str(bad))
    with pytest.raises(SettingsError, match=r"bad\.toml"):
        load_settings()
    bad.write_text("prot = 1\n")
    with pytest.raises(SettingsError, match="prot"):
        load_settings()


def test_public_bind_needs_keys_or_insecure(tmp_path: pathlib.Path) -> None:
    empty = KeyRing({})
    assert check_bind(Settings(host="127.0.0.1", data_dir=tmp_path), empty) is None
    assert check_bind(Settings(host="::1", data_dir=tmp_path), empty) is None
    assert "refusing" in (check_bind(Settings(host="0.0.0.0", data_dir=tmp_path), empty) or "")
    assert check_bind(Settings(host="0.0.0.0", insecure=True, data_dir=tmp_path), empty) is None
    ring, _token = empty.with_new_key(frozenset({Scope.CHECK}))
    assert check_bind(Settings(host="0.0.0.0", data_dir=tmp_path), ring) is None


def test_key_ring_round_trip_and_constant_time_check(tmp_path: pathlib.Path) -> None:
    ring, token = KeyRing({}).with_new_key(frozenset({Scope.CHECK, Scope.MODERATE}), "ops")
    path = tmp_path / "keys.json"
    ring.save(path)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    loaded = KeyRing.load(path)
    principal = loaded.authenticate(token)
    assert principal is not None and principal.scopes == {Scope.CHECK, Scope.MODERATE}
    assert loaded.authenticate(token + "x") is None
    assert loaded.authenticate("osk_nothere_abc") is None
    assert loaded.authenticate("garbage") is None
    key_id = token.split("_")[1]
    assert loaded.without(key_id).empty
    path.write_text('{"keys": [{"id": 1}]}')
    with pytest.raises(KeyFileError, match=r"keys\[0\]"):
        KeyRing.load(path)


def test_rate_limiter_refills() -> None:
    limiter = RateLimiter(rate=2.0, burst=2)
    assert limiter.acquire("k", now=0.0) == 0.0
    assert limiter.acquire("k", now=0.0) == 0.0
    assert limiter.acquire("k", now=0.0) > 0.0
    assert limiter.acquire("k", now=0.6) == 0.0
    assert RateLimiter(rate=0, burst=1).acquire("k") == 0.0


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_no_keys_means_loopback_clients_only(tmp_path: pathlib.Path) -> None:
    app = create_app(Settings(data_dir=tmp_path))
    remote = httpx.ASGITransport(app=app, client=("203.0.113.7", 4000))
    async with httpx.AsyncClient(transport=remote, base_url="http://offsite") as c:
        r = await c.post("/v1/check", json={"text": "hi"})
        assert r.status_code == 403
        assert "only serves this machine" in r.json()["message"]
    local = httpx.ASGITransport(app=app, client=("127.0.0.1", 4000))
    async with httpx.AsyncClient(transport=local, base_url="http://offsite") as c:
        assert (await c.post("/v1/check", json={"text": "hi"})).status_code == 200

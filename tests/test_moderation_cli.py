"""``offsite policy``, ``offsite review`` and ``offsite purge`` (issue 5), run through the real
``offsite`` command (in process via Typer's runner, and once as a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from offsite import AgeGroup, Context, Guard, Sender
from offsite.cli import app
from offsite.policy import Policy
from offsite.store import Store
from pg_support import fresh_database, pg_url

KEY_ENV = {"OFFSITE_HASH_KEY": "test-hash-key-0123456789"}
PHONE = "415 555 0192"


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={**KEY_ENV, **(env or {})})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _populate(store: Store) -> None:
    guard = Guard(store=store)
    teen = (AgeGroup.TEEN,)
    guard.check(f"text me {PHONE}", Context(sender=Sender(id="adult-1", age_group=AgeGroup.ADULT),
                                            recipient_age_groups=teen, conversation_id="conv-9"))
    guard.check("add me on snap: jane.d", Context(sender=Sender(id="adult-2", age_group=AgeGroup.ADULT),
                                                  recipient_age_groups=teen))
    guard.check("add me on snap: jane.d", Context(sender=Sender(id="member-1")))  # a bounce: no review item


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OFFSITE_HASH_KEY", KEY_ENV["OFFSITE_HASH_KEY"])
    store = Store.from_url(None, tmp_path / "data")
    store.migrate()
    _populate(store)
    store.close()
    return tmp_path / "data"


# -- policy --------------------------------------------------------------------------------------


def test_policy_check_accepts_the_default_file() -> None:
    path = Path(__file__).resolve().parents[1] / "src" / "offsite" / "policy" / "default.toml"
    code, out, _ = run("policy", "check", str(path))
    assert code == 0
    assert "ok:" in out and "policy 'community', 7 rule(s), 4 ladder step(s), strikes decay after 30d" in out


def test_policy_check_names_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("version = 1\n[defaults]\naction = 'bounce'\nnotice = 'bounce'\n[strikes]\ndecay = '3 weeks'\n"
                   "ladder = [{ step = 'one', action = 'bounce' }]\n[[rules]]\nid = 'r1'\n"
                   "when = { surface = ['forum'] }\naction = 'block'\nnotice = 'blocked'\n", encoding="utf-8")
    code, _, err = run("policy", "check", str(bad))
    assert code == 1
    assert f"{bad}: strikes.decay: '3 weeks' is not a duration" in err
    assert f"{bad}: rules[0].when.surface[0]: Input should be" in err
    assert "Traceback" not in err
    code, _, err = run("policy", "check", str(tmp_path / "missing.toml"))
    assert code == 1 and "no such file" in err


def test_policy_check_knows_the_notice_templates(tmp_path: Path) -> None:
    policy = tmp_path / "p.toml"
    policy.write_text(Policy.default().to_toml().replace('notice = "listener"', 'notice = "listener_gentle"'),
                      encoding="utf-8")
    code, _, err = run("policy", "check", str(policy))
    assert code == 1 and "notice(s) with no template: listener_gentle" in err
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "en.toml").write_text('[notices.listener_gentle]\nfirst = "Please keep it here ($kinds)."\n'
                                       'repeat = "Again: please keep it here."\n', encoding="utf-8")
    code, out, _ = run("policy", "check", str(policy), "--templates", str(templates))
    assert code == 0 and "ok:" in out


def test_policy_show_prints_the_effective_policy(tmp_path: Path) -> None:
    code, out, _ = run("policy", "show")
    assert code == 0
    assert tomllib.loads(out) == Policy.default().to_dict()
    code, out, _ = run("policy", "show", "--json")
    assert code == 0 and json.loads(out)["name"] == "community"
    custom = tmp_path / "custom.toml"
    custom.write_text(Policy.default().to_toml().replace('name = "community"', 'name = "harbour"'), encoding="utf-8")
    code, out, _ = run("policy", "show", "--file", str(custom))
    assert code == 0 and tomllib.loads(out)["name"] == "harbour"
    code, out, _ = run("policy", "show", env={"OFFSITE_POLICY": str(custom)})
    assert code == 0 and tomllib.loads(out)["name"] == "harbour"


# -- review ----------------------------------------------------------------------------------------


def test_review_list_show_resolve_on_sqlite(data_dir: Path) -> None:
    d = ["--data-dir", str(data_dir)]
    code, out, _ = run("review", "list", *d, "--json")
    assert code == 0
    items = [json.loads(line) for line in out.splitlines()]
    assert [(i["sender_id"], i["priority"], i["status"]) for i in items] == [
        ("adult-1", "urgent", "open"), ("adult-2", "urgent", "open")]
    code, table, _ = run("review", "list", *d)
    assert code == 0 and "adult-1" in table and "urgent" in table
    first = items[0]["id"]
    code, out, _ = run("review", "show", str(first), *d)
    assert code == 0
    assert "priority urgent" in out and "conversation: conv-9" in out
    assert "contacts:     ***-***-0192" in out and "message (redacted): text me [phone number hidden]" in out
    assert PHONE not in out
    code, out, _ = run("review", "resolve", str(first), "--as", "false_positive", "--by", "mod-ana",
                       "--note", "a clinic's number", *d)
    assert code == 0 and f"review item {first} resolved as false_positive by mod-ana" in out
    code, out, _ = run("review", "show", str(first), *d, "--json")
    shown = json.loads(out)
    assert (shown["status"], shown["resolution"], shown["resolved_by"], shown["note"]) == (
        "resolved", "false_positive", "mod-ana", "a clinic's number")
    code, out, _ = run("review", "list", *d, "--json")
    assert [json.loads(line)["sender_id"] for line in out.splitlines()] == ["adult-2"]
    code, out, _ = run("review", "list", *d, "--status", "resolved", "--json")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [first]
    code, out, _ = run("review", "list", *d, "--status", "all", "--json")
    assert len(out.splitlines()) == 2


def test_review_errors_are_clear(data_dir: Path) -> None:
    d = ["--data-dir", str(data_dir)]
    code, _, err = run("review", "show", "999", *d)
    assert code == 1 and "review item 999: no such item" in err
    code, _, err = run("review", "resolve", "999", "--as", "confirmed", "--by", "mod", *d)
    assert code == 1 and "review item 999: no such item" in err
    code, _, err = run("review", "resolve", "1", "--as", "maybe", "--by", "mod", *d)
    assert code == 2 and "--as: expected one of confirmed, false_positive" in err
    code, _, err = run("review", "list", "--status", "later", *d)
    assert code == 2 and "--status" in err
    code, _, err = run("review", "list", "--db-url", "postgresql://nobody@127.0.0.1:1/none")
    assert code == 1 and "database cannot be reached" in err and "Traceback" not in err
    code, _, err = run("review", "list", "--db-url", "oracle://x@y/z")
    assert code == 2 and "unsupported backend" in err


def test_review_on_postgresql(tmp_path: Path) -> None:
    with fresh_database(pg_url()) as url:
        store = Store.from_url(url, tmp_path, hash_key=KEY_ENV["OFFSITE_HASH_KEY"].encode())
        store.migrate()
        _populate(store)
        store.close()
        env = {"OFFSITE_DATABASE_URL": url}
        code, out, _ = run("review", "list", "--json", env=env)
        assert code == 0
        ids = [json.loads(line)["id"] for line in out.splitlines()]
        assert len(ids) == 2
        code, out, _ = run("review", "resolve", str(ids[1]), "--as", "confirmed", "--by", "mod-bo", env=env)
        assert code == 0
        code, out, _ = run("review", "list", "--status", "resolved", "--json", "--db-url", url)
        assert [json.loads(line)["resolved_by"] for line in out.splitlines()] == ["mod-bo"]


# -- purge ----------------------------------------------------------------------------------------


@pytest.fixture
def aged_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("OFFSITE_HASH_KEY", KEY_ENV["OFFSITE_HASH_KEY"])
    store = Store.from_url(None, tmp_path / "data")
    store.migrate()
    guard = Guard()
    now = datetime.now(UTC)
    ctx = Context(sender=Sender(id="m"))
    decision = guard.check("add me on snap: jane.d", ctx)
    for age in (200, 120, 30, 1):
        store.record_decision(decision, ctx, at=now - timedelta(days=age))
    store.close()
    yield tmp_path / "data"


def test_purge_older_than(aged_dir: Path) -> None:
    code, out, _ = run("purge", "--older-than", "90d", "--data-dir", str(aged_dir))
    assert code == 0 and "purged 2 record(s) older than 90d" in out
    code, out, _ = run("purge", "--older-than", "2w", "--data-dir", str(aged_dir))
    assert code == 0 and "purged 1 record(s) older than 2w" in out


def test_purge_uses_the_retention_setting(aged_dir: Path) -> None:
    code, out, _ = run("purge", "--data-dir", str(aged_dir), env={"OFFSITE_RETENTION": "100d"})
    assert code == 0 and "purged 2 record(s) older than 100d" in out
    code, out, _ = run("purge", "--data-dir", str(aged_dir))  # the default: 90 days
    assert code == 0 and "purged 0 record(s) older than 90d" in out
    code, _, err = run("purge", "--older-than", "ninety days", "--data-dir", str(aged_dir))
    assert code == 2 and "--older-than: 'ninety days' is not a duration" in err
    code, _, err = run("purge", "--data-dir", str(aged_dir), env={"OFFSITE_RETENTION": "0d"})
    assert code == 2 and "OFFSITE_RETENTION: '0d' must be longer than zero" in err


def test_the_installed_command(tmp_path: Path) -> None:
    """The real ``offsite`` entry point, as a moderator would run it."""
    bad = tmp_path / "bad.toml"
    bad.write_text("version = 1\n[defaults]\naction = 'shout'\n", encoding="utf-8")
    command = [sys.executable, "-c", "from offsite.cli import main; main()"]
    done = subprocess.run([*command, "policy", "check", str(bad)], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 1
    assert "defaults.action: Input should be" in done.stderr and "Traceback" not in done.stderr
    done = subprocess.run([*command, "purge", "--older-than", "90d", "--data-dir", str(tmp_path / "d")],
                          capture_output=True, text=True, timeout=120, check=False,
                          env={"PATH": "/usr/bin:/bin", **KEY_ENV})
    assert done.returncode == 0 and "purged 0 record(s)" in done.stdout

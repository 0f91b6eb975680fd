"""README.md documents every command of the ``offsite`` command line.

The command list comes from the Typer app itself (sub-command groups included), so a new
command without documentation fails here. Until README.md exists the test is skipped; once it
exists, every command must appear in it as ``offsite <command>``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer

from offsite.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"


def command_paths() -> list[str]:
    """Every visible command and sub-command as it is typed ("check", "keys create" ...)."""
    root = typer.main.get_command(app)
    paths: list[str] = []

    def walk(group: Any, prefix: tuple[str, ...]) -> None:
        # a group has ``commands`` (Typer may bundle its own copy of Click, so no isinstance)
        commands = getattr(group, "commands", None)
        if not isinstance(commands, dict):
            return
        for name, sub in sorted(commands.items()):
            if getattr(sub, "hidden", False):
                continue
            path = (*prefix, name)
            paths.append(" ".join(path))
            walk(sub, path)

    walk(root, ())
    return paths


def test_the_app_has_the_core_commands() -> None:
    """The command list is read correctly (guards the test below against an empty list)."""
    assert {"check", "scan", "eval"} <= set(command_paths())


def test_every_command_is_in_the_readme() -> None:
    """Each command and sub-command appears in README.md as ``offsite <command>``."""
    if not README.is_file():
        pytest.skip(f"{README} does not exist yet; the lead writes it")
    text = README.read_text(encoding="utf-8")
    missing = [
        path for path in command_paths()
        if not re.search(r"\boffsite\s+" + r"\s+".join(map(re.escape, path.split())) + r"\b", text)
    ]
    assert not missing, f"README.md does not document: {', '.join('offsite ' + m for m in missing)}"

"""Command-line tools for policy authors and moderators.

    offsite policy check FILE          validate a policy file (errors name the key path)
    offsite policy show [--file FILE]  print the effective policy as TOML (or --json)
    offsite review list [--status open|resolved|all] [--json]
    offsite review show ID [--json]
    offsite review resolve ID --as confirmed|false_positive --by NAME [--note TEXT]
    offsite purge [--older-than 90d]   delete records past the retention period

The store is the SQLite file in ``--data-dir`` (``$OFFSITE_DATA_DIR``, default ``offsite-data``)
unless ``--db-url`` (``$OFFSITE_DATABASE_URL``) names a PostgreSQL database. Exit status: 0 on
success, 1 when the check or the operation failed, 2 on a usage error.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from offsite.notices import NoticeError, Notices
from offsite.policy import Policy, PolicyError, format_duration, parse_duration
from offsite.store import RESOLUTIONS, ReviewItem, Store, StoreError, StoreUnavailable
from offsite.store.hashing import HashKeyError

DEFAULT_RETENTION = "90d"
RETENTION_ENV = "OFFSITE_RETENTION"
POLICY_ENV = "OFFSITE_POLICY"

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

policy_app = typer.Typer(help="Check and show the policy (what happens to a message).", no_args_is_help=True,
                         add_completion=False, pretty_exceptions_enable=False)
review_app = typer.Typer(help="Moderator review queue: list, show and resolve items.", no_args_is_help=True,
                         add_completion=False, pretty_exceptions_enable=False)

DbUrl = Annotated[str | None, typer.Option(
    "--db-url", envvar="OFFSITE_DATABASE_URL", show_default=False,
    help="Database URL (PostgreSQL); the SQLite file in the data dir when empty.")]
DataDir = Annotated[Path, typer.Option("--data-dir", envvar="OFFSITE_DATA_DIR",
                                       help="Data directory (SQLite file and hashing key).")]


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"offsite: {message}", markup=False)
    return typer.Exit(code)


def _open_store(db_url: str | None, data_dir: Path) -> Store:
    try:
        store = Store.from_url(db_url or None, data_dir)
    except (ValueError, HashKeyError) as exc:
        raise _fail(str(exc), 2) from None
    try:
        store.migrate()
    except StoreUnavailable:
        store.close()
        raise _fail("the database cannot be reached; check --db-url / OFFSITE_DATABASE_URL") from None
    except StoreError as exc:
        store.close()
        raise _fail(str(exc)) from None
    return store


# ---------------------------------------------------------------------------- policy


@policy_app.command("check")
def policy_check(
    file: Annotated[Path, typer.Argument(help="The policy file (TOML).", show_default=False)],
    templates: Annotated[Path | None, typer.Option(help="A site's notice template directory.")] = None,
) -> None:
    """Validate a policy file: exit 0 when it is valid, 1 with every problem listed when not."""
    try:
        policy = Policy.load(file)
        notices = Notices(templates)
    except (PolicyError, NoticeError) as exc:
        raise _fail(f"invalid policy:\n{exc}") from None
    missing = notices.missing(policy.notice_keys())
    if missing:
        raise _fail(f"invalid policy:\n{file}: notice(s) with no template: {', '.join(sorted(missing))} "
                    f"(known: {', '.join(sorted(notices.keys()))})")
    spec = policy.spec
    out.print(f"ok: {file}: policy {spec.name!r}, {len(spec.rules)} rule(s), "
              f"{len(spec.strikes.ladder)} ladder step(s), strikes decay after "
              f"{format_duration(spec.strikes.decay_delta)}", markup=False)


@policy_app.command("show")
def policy_show(
    file: Annotated[Path | None, typer.Option("--file", envvar=POLICY_ENV,
                                              help="Policy file; the built-in policy when absent.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of TOML.")] = False,
) -> None:
    """Print the effective policy (every default filled in)."""
    try:
        policy = Policy.load(file) if file is not None else Policy.default()
    except PolicyError as exc:
        raise _fail(f"invalid policy:\n{exc}") from None
    if as_json:
        out.print(json.dumps(policy.to_dict(), indent=2, ensure_ascii=False), markup=False)
    else:
        out.print(policy.to_toml(), markup=False, end="")


# ---------------------------------------------------------------------------- review


def _item_lines(item: ReviewItem) -> list[str]:
    lines = [
        f"review item {item.id}  [{item.status}]  priority {item.priority}",
        f"created:      {item.created_at.isoformat()}",
        f"surface:      {item.surface}",
        f"sender:       {item.sender_id or '-'}",
        f"conversation: {item.conversation_id or '-'}",
        f"rule:         {item.rule or '-'}  (action {item.action})",
        f"kinds:        {', '.join(item.kinds) or '-'}",
        f"reasons:      {', '.join(item.reasons) or '-'}",
        f"contacts:     {', '.join(item.masked_contacts) or '-'}",
    ]
    if item.other_accounts:
        lines.append(f"same contact also shared by: {', '.join(item.other_accounts)}")
    lines.append(f"message (redacted): {item.context_excerpt}")
    if item.status == "resolved":
        when = item.resolved_at.isoformat() if item.resolved_at else "-"
        lines.append(f"resolved:     {item.resolution} by {item.resolved_by} at {when}")
        if item.note:
            lines.append(f"note:         {item.note}")
    return lines


@review_app.command("list")
def review_list(
    db_url: DbUrl = None,
    data_dir: DataDir = Path("offsite-data"),
    status: Annotated[str, typer.Option(help="open, resolved or all.")] = "open",
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many items.")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many items.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """List review items (open ones: urgent first, then oldest first)."""
    if status not in ("open", "resolved", "all"):
        raise _fail(f"--status: expected open, resolved or all, got {status!r}", 2)
    store = _open_store(db_url, data_dir)
    try:
        items = store.review_items(None if status == "all" else status, limit=limit, offset=offset)
    except StoreError as exc:
        raise _fail(str(exc)) from None
    finally:
        store.close()
    if as_json:
        for item in items:
            out.print(json.dumps(item.to_dict(), ensure_ascii=False), markup=False)
        return
    if not items:
        out.print(f"no {status if status != 'all' else ''} review items".replace("  ", " "), markup=False)
        return
    table = Table("id", "created", "priority", "status", "surface", "sender", "rule", "kinds", "contacts")
    for item in items:
        table.add_row(str(item.id), item.created_at.strftime("%Y-%m-%d %H:%M"), item.priority, item.status,
                      item.surface, item.sender_id or "-", item.rule or "-", ", ".join(item.kinds),
                      ", ".join(item.masked_contacts))
    out.print(table)


@review_app.command("show")
def review_show(
    item_id: Annotated[int, typer.Argument(help="The review item's id.", show_default=False)],
    db_url: DbUrl = None,
    data_dir: DataDir = Path("offsite-data"),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one review item (the message is shown redacted, contacts masked)."""
    store = _open_store(db_url, data_dir)
    try:
        item = store.review_item(item_id)
    except StoreError as exc:
        raise _fail(str(exc)) from None
    finally:
        store.close()
    if item is None:
        raise _fail(f"review item {item_id}: no such item")
    if as_json:
        out.print(json.dumps(item.to_dict(), ensure_ascii=False, indent=2), markup=False)
    else:
        for line in _item_lines(item):
            out.print(line, markup=False)


@review_app.command("resolve")
def review_resolve(
    item_id: Annotated[int, typer.Argument(help="The review item's id.", show_default=False)],
    resolution: Annotated[str, typer.Option("--as", help="confirmed or false_positive.", show_default=False)],
    by: Annotated[str, typer.Option("--by", help="The moderator resolving it.", show_default=False)],
    note: Annotated[str | None, typer.Option(help="A note for other moderators.")] = None,
    db_url: DbUrl = None,
    data_dir: DataDir = Path("offsite-data"),
) -> None:
    """Resolve a review item as confirmed or false_positive."""
    resolution = resolution.replace("-", "_")
    if resolution not in RESOLUTIONS:
        raise _fail(f"--as: expected one of {', '.join(RESOLUTIONS)}, got {resolution!r}", 2)
    if not by.strip():
        raise _fail("--by: the moderator's name must not be empty", 2)
    store = _open_store(db_url, data_dir)
    try:
        item = store.resolve_review(item_id, resolution, by, note)
    except KeyError:
        raise _fail(f"review item {item_id}: no such item") from None
    except StoreError as exc:
        raise _fail(str(exc)) from None
    finally:
        store.close()
    out.print(f"review item {item.id} resolved as {item.resolution} by {item.resolved_by}", markup=False)


# ---------------------------------------------------------------------------- purge


def purge(
    older_than: Annotated[str | None, typer.Option(
        "--older-than", help=f"Delete records older than this (e.g. 90d, 12w); ${RETENTION_ENV} or "
        f"{DEFAULT_RETENTION} when absent.", show_default=False)] = None,
    db_url: DbUrl = None,
    data_dir: DataDir = Path("offsite-data"),
) -> None:
    """Delete decision events, resolved review items and expired strikes past the retention period.

    Open review items are kept whatever their age."""
    text = older_than or os.environ.get(RETENTION_ENV) or DEFAULT_RETENTION
    try:
        age = parse_duration(text, where="--older-than" if older_than else RETENTION_ENV)
    except ValueError as exc:
        raise _fail(str(exc), 2) from None
    store = _open_store(db_url, data_dir)
    try:
        count = store.purge(age)
    except StoreError as exc:
        raise _fail(str(exc)) from None
    finally:
        store.close()
    out.print(f"purged {count} record(s) older than {format_duration(age)}", markup=False)


def _standalone() -> typer.Typer:
    """All moderation commands in one app (``python -m offsite.cli_moderation``)."""
    app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
    app.add_typer(policy_app, name="policy")
    app.add_typer(review_app, name="review")
    app.command("purge")(purge)
    return app


if __name__ == "__main__":
    _standalone()()

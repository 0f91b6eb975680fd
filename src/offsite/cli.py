"""The ``offsite`` command line: a thin edge over the library.

    offsite check TEXT [--surface S --sender-role R --sender-age A --recipient-age A] [--json]
    offsite scan FILE|-  [--output OUT]
    offsite eval FILE... [--json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from offsite.evaluation import Case, CaseError, Score, read_cases, scan_case, score_case
from offsite.models import AgeGroup, Context, Decision, Role, Sender, Surface

app = typer.Typer(
    name="offsite",
    help="Keeps conversations in peer-support communities on the site.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)


def _guard() -> Any:
    from offsite.guard import Guard

    return Guard()


def _print_decision(decision: Decision, console: Console) -> None:
    colour = "green" if decision.action.value == "allow" else "yellow"
    console.print(f"action: [{colour}]{decision.action.value}[/]")
    if not decision.findings:
        console.print("no off-site contact found")
    for f in decision.findings:
        platform = f" ({f.platform})" if f.platform else ""
        console.print(
            f"  {f.kind.value}{platform}: {f.text!r} at {f.start}-{f.end}, "
            f"confidence {f.confidence:.2f}, rule {f.rule}", markup=False, highlight=False,
        )
    if decision.reasons:
        console.print("reasons: " + ", ".join(decision.reasons), markup=False)
    if decision.flagged:
        console.print("redacted: " + decision.redacted_text, markup=False, highlight=False)
    if decision.notice:
        console.print("notice: " + decision.notice, markup=False, highlight=False)


@app.command()
def check(
    text: Annotated[str, typer.Argument(help="The text to check.")],
    surface: Annotated[Surface, typer.Option(help="Where it was written.")] = Surface.CHAT,
    sender_role: Annotated[Role, typer.Option(help="The sender's role.")] = Role.MEMBER,
    sender_age: Annotated[AgeGroup, typer.Option(help="The sender's age group.")] = AgeGroup.UNKNOWN,
    recipient_age: Annotated[
        list[AgeGroup] | None, typer.Option(help="A recipient's age group (repeatable).")
    ] = None,
    locale: Annotated[str, typer.Option(help="Language of the notice (en, es, pt, fr, de).")] = "en",
    field: Annotated[str | None, typer.Option(help="Profile field name (with --surface profile).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the decision as JSON.")] = False,
    explain: Annotated[bool, typer.Option(help="Add the developer trace.")] = False,
) -> None:
    """Check one text; exit status 0 when allowed, 1 when flagged, 2 on a usage error."""
    context = Context(
        surface=surface,
        sender=Sender(role=sender_role, age_group=sender_age),
        recipient_age_groups=tuple(recipient_age or ()),
        locale=locale,
        field_name=field,
    )
    decision = _guard().check(text, context, explain=explain)
    if as_json:
        typer.echo(decision.to_json())
    else:
        out = Console(soft_wrap=True)
        _print_decision(decision, out)
        if explain and decision.trace:
            out.print("trace:")
            for step in decision.trace:
                out.print(f"  [{step.detector}] {step.outcome}: {step.reason} "
                          f"({step.view} view: {step.candidate!r})", markup=False, highlight=False)
    raise typer.Exit(1 if decision.flagged else 0)


def _iter_source(source: str) -> tuple[str, list[str]]:
    if source == "-":
        return "<stdin>", sys.stdin.read().splitlines()
    path = Path(source)
    if not path.is_file():
        err.print(f"offsite: {source}: no such file", markup=False)
        raise typer.Exit(2)
    try:
        return source, path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        err.print(f"offsite: {source}: not UTF-8 text ({exc.reason} at byte {exc.start})", markup=False)
        raise typer.Exit(2) from None


def _scan(name: str, lines: list[str], check_fn: Any, on_result: Any) -> int:
    """Scan lines, calling on_result(case_or_error, record); returns the number of bad lines."""
    errors = 0
    items = list(read_cases(name, lines))
    show = err.is_terminal and len(items) > 50
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=err, disable=not show, transient=True)
    with progress:
        task = progress.add_task(f"scanning {name}", total=len(items))
        for item in items:
            if isinstance(item, CaseError):
                errors += 1
                err.print(f"offsite: {item}", markup=False, highlight=False)
                on_result(item, {"id": None, "error": str(item)})
            else:
                try:
                    record = scan_case(item, check_fn)
                except Exception as exc:
                    errors += 1
                    err.print(f"offsite: case {item.id}: could not be checked ({type(exc).__name__})",
                              markup=False)
                    record = {"id": item.id, "error": f"could not be checked ({type(exc).__name__})"}
                on_result(item, record)
            progress.advance(task)
    return errors


@app.command()
def scan(
    source: Annotated[str, typer.Argument(help="A cases file (JSON Lines, FORMAT.md) or - for stdin.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write results here.")] = None,
) -> None:
    """Check every case of a file and write one result line per case, in order."""
    name, lines = _iter_source(source)
    guard = _guard()
    out = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        errors = _scan(name, lines, guard.check,
                       lambda _c, rec: out.write(json.dumps(rec, ensure_ascii=False) + "\n"))
    finally:
        if output:
            out.close()
    if errors:
        err.print(f"offsite: {errors} line(s) could not be scanned", markup=False)
        raise typer.Exit(1)


def evaluate_file(source: str, check_fn: Any) -> Score:
    """Scan a cases file and score it (FORMAT.md definitions)."""
    name, lines = _iter_source(source)
    score = Score(name)

    def add(case: Case | CaseError, record: dict[str, Any]) -> None:
        if isinstance(case, CaseError) or "error" in record:
            score.errors += 1
            return
        score_case(score, case, record)

    _scan(name, lines, check_fn, add)
    return score


@app.command("eval")
def evaluate(
    sources: Annotated[list[str], typer.Argument(help="Cases files (FORMAT.md).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    show_misses: Annotated[
        bool, typer.Option("--misses", help="List missed and falsely flagged ids.")
    ] = False,
) -> None:
    """Precision, recall, F1, false-positive rate and span recall per file."""
    guard = _guard()
    scores = [evaluate_file(source, guard.check) for source in sources]
    if as_json:
        typer.echo(json.dumps([s.to_dict() for s in scores], indent=2))
    else:
        table = Table(title="offsite eval")
        for column in ("file", "cases", "precision", "recall", "F1", "FPR", "span recall", "errors"):
            table.add_column(column, justify="left" if column == "file" else "right")
        for s in scores:
            table.add_row(s.name, str(s.cases), f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}",
                          f"{s.fpr:.3f}", f"{s.span_recall:.3f}", str(s.errors))
        Console(width=160).print(table)
        if show_misses:
            for s in scores:
                if s.missed or s.false_alarms:
                    typer.echo(f"{s.name}: missed {s.missed} false alarms {s.false_alarms}")
    if any(s.errors for s in scores):
        raise typer.Exit(1)


# --- sub-commands from other modules ---
from offsite.cli_moderation import policy_app as _policy_app  # noqa: E402
from offsite.cli_moderation import purge as _purge  # noqa: E402
from offsite.cli_moderation import review_app as _review_app  # noqa: E402
from offsite.service.cli import serve as _serve  # noqa: E402
from offsite.service.keys import keys_app as _keys_app  # noqa: E402

app.command("serve")(_serve)
app.add_typer(_keys_app, name="keys")
app.add_typer(_policy_app, name="policy")
app.add_typer(_review_app, name="review")
app.command("purge")(_purge)


def main() -> None:
    """Entry point of the ``offsite`` script."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("offsite: interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()

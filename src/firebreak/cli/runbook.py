"""`firebreak runbook`: import, list, show, match and lint runbooks (straight on the database)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer
from rich.markup import escape
from rich.padding import Padding
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from firebreak.cli.common import AS_NAME, console, fail, handle_errors
from firebreak.cli.database import change, open_runtime, unit_of_work
from firebreak.kernel.errors import InvalidInput
from firebreak.runbook.intake.importer import collect, import_paths
from firebreak.runbook.library import store
from firebreak.runbook.lint.engine import has_errors, lint_runbooks
from firebreak.runbook.match.rank import ATTACH_THRESHOLD, best_match, rank
from firebreak.runbook.model import Command

app = typer.Typer(help="Runbooks: import Markdown, list, show, match alerts, lint.", no_args_is_help=True)
CLASS_STYLE = {"read-only": "green", "mutating": "yellow", "destructive": "bold red", "interactive": "cyan"}


def parse_labels(pairs: list[str]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise InvalidInput(f"--label {pair!r} is not key=value", field="label")
        labels[key] = value
    return labels


@app.command("import")
@handle_errors
def import_cmd(paths: list[Path] = typer.Argument(..., help="Markdown files or folders"),
               base_url: str = typer.Option(None, "--base-url", help="URL the folder is published at"),
               as_name: str = AS_NAME) -> None:
    """Import Markdown runbooks as they are; re-importing updates by slug and keeps history."""
    total = len(collect(paths))
    with Progress(TextColumn("[bold]importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=console, transient=False) as progress:
        task = progress.add_task("", total=total)

        def advance(done: int, _total: int, path: str) -> None:
            progress.update(task, completed=done, description=Path(path).name)

        runbooks = import_paths(paths, base_url=base_url, progress=advance)
    runtime = open_runtime()
    try:
        with change(runtime, action="runbook import", target={"files": total}, as_name=as_name) as done:
            report = store.save_runbooks(done.session, runbooks=runbooks, now=done.now, actor=done.actor)
    finally:
        runtime.close()
    scenarios = sum(1 for r in runbooks if r.kind == "scenario")
    console.print(f"{total} files → {len(runbooks)} runbooks ({scenarios} scenarios, "
                  f"{len(runbooks) - scenarios} process documents): {len(report.created)} new, "
                  f"{len(report.updated)} updated, {len(report.unchanged)} unchanged")


@app.command("list")
@handle_errors
def list_cmd(kind: str = typer.Option(None, "--kind", help="scenario or process"),
             query: str = typer.Option(None, "--search", "-q", help="words to search for"),
             limit: int = typer.Option(200, "--limit")) -> None:
    """List stored runbooks."""
    runtime = open_runtime()
    try:
        with unit_of_work(runtime) as session:
            page = store.list_runbooks(session, kind=kind, query=query, limit=limit)
    finally:
        runtime.close()
    # One runbook per entry: the slug (what `runbook show` takes) alone on its line, never cut;
    # the rest wraps beneath it, so the list stays readable in 80 columns whatever the slug's length.
    for runbook in page.items:
        console.print(f"[bold]{escape(runbook.slug)}[/]", highlight=False, soft_wrap=True)
        details = (f"{runbook.kind} · {runbook.title} · alerts: {', '.join(runbook.alert_names) or '-'} · "
                   f"{len(runbook.commands)} commands · {runbook.source_path}:{runbook.line}")
        console.print(Padding(Text(details), (0, 0, 0, 4)), soft_wrap=False)
    console.print(f"{page.total} runbooks")


@app.command("show")
@handle_errors
def show_cmd(slug: str) -> None:
    """Show one runbook with its phases and classified commands."""
    runtime = open_runtime()
    try:
        with unit_of_work(runtime) as session:
            runbook = store.get_runbook(session, slug=slug)
            versions = store.history(session, slug=slug)
    finally:
        runtime.close()
    console.print(f"[bold]{runbook.title}[/] ({runbook.kind}) — {runbook.source_path}:{runbook.line}",
                  highlight=False)
    if runbook.alert_names:
        console.print(f"alerts: {', '.join(runbook.alert_names)}", highlight=False)
    if runbook.severity_hint:
        console.print(f"severity: {runbook.severity_hint}", highlight=False)
    if runbook.url:
        console.print(f"published at: {runbook.url}", highlight=False)
    for symptom in runbook.symptoms:
        console.print(f"  symptom: {symptom}", highlight=False)
    for phase in runbook.phases:
        console.print(f"[bold]{phase.name or '(untitled)'}[/] [dim]{phase.kind}, line {phase.line}[/]")
        for step in phase.steps:
            console.print(f"  - {step.text}", highlight=False, markup=False)
        for command in (c for c in runbook.commands if c.phase == (phase.name or None)):
            _print_command(command)
    for command in (c for c in runbook.commands if c.phase is None):
        _print_command(command)
    console.print(f"version {versions[-1].version} of {len(versions)}" if versions else "")


def _print_command(command: Command) -> None:
    style = CLASS_STYLE.get(command.cls, "")
    console.print(f"  [{style}]{command.cls:<11}[/] line {command.line}: ", end="")
    console.print(command.text, markup=False, highlight=False)
    console.print(f"              {command.reason}", style="dim", markup=False, highlight=False)
    if command.placeholders:
        console.print(f"              placeholders: {', '.join(command.placeholders)}", markup=False,
                      highlight=False)


@app.command("match")
@handle_errors
def match_cmd(alertname: list[str] = typer.Option(None, "--alertname", help="alert name (repeatable)"),
              label: list[str] = typer.Option(None, "--label", help="key=value (repeatable)"),
              runbook_url: str = typer.Option(None, "--runbook-url"),
              text: str = typer.Option("", "--text", help="alert summary or description")) -> None:
    """Rank stored runbooks for an alert, with scores and reasons."""
    labels = parse_labels(label or [])
    names = list(alertname or []) + ([labels["alertname"]] if labels.get("alertname") else [])
    if not names and not runbook_url and not text and not labels:
        raise fail("give --alertname, --label, --runbook-url or --text", 2)
    runtime = open_runtime()
    try:
        with unit_of_work(runtime) as session:
            runbooks = store.scenarios(session)
    finally:
        runtime.close()
    matches = rank(runbooks, alert_names=names, runbook_urls=[runbook_url] if runbook_url else [], labels=labels,
                   text=text)
    best = best_match(matches)
    if not matches:
        console.print("no runbook matches")
        return
    for match in matches[:10]:
        marker = "→" if best and match.slug == best.slug else " "
        console.print(f"{marker} {match.score:6.1f}  {match.slug}", highlight=False)
        for reason in match.reasons:
            console.print(f"           {reason}", markup=False, highlight=False)
    console.print(f"attach threshold {ATTACH_THRESHOLD:g}: "
                  + (f"{best.slug} would be attached" if best else "nothing would be attached"))


@app.command("lint")
@handle_errors
def lint_cmd(paths: list[Path] = typer.Argument(..., help="Markdown files or folders"),
             output: str = typer.Option("text", "--format", help="text or json"),
             today: str = typer.Option(None, "--today", help="date to judge review dates by (YYYY-MM-DD)"),
             var: list[str] = typer.Option(None, "--var", help="a variable the configuration provides")) -> None:
    """Report defects with file:line, rule, severity and a fix; exits 1 when there are errors."""
    if output not in ("text", "json"):
        raise fail("--format must be text or json", 2)
    try:
        day = date.fromisoformat(today) if today else date.today()
    except ValueError as exc:
        raise fail(f"--today {today!r} is not a date (YYYY-MM-DD)", 2) from exc
    findings = lint_runbooks(import_paths(paths), today=day, known_vars=var or [])
    if output == "json":
        typer.echo(json.dumps([f.to_dict() for f in findings], indent=2))
    else:
        for item in findings:
            colour = "red" if item.severity == "error" else "yellow"
            console.print(f"{item.file}:{item.line}: [{colour}]{item.severity}[/] {item.rule}: ", end="")
            console.print(item.message, markup=False, highlight=False)
            console.print(f"    hint: {item.hint}", markup=False, highlight=False, style="dim")
        errors = sum(1 for f in findings if f.severity == "error")
        console.print(f"{len(findings)} findings: {errors} errors, {len(findings) - errors} warnings")
    if has_errors(findings):
        raise typer.Exit(1)

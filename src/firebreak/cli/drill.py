"""`firebreak drill list|run`: prove runbooks against real local services and keep the results."""

from __future__ import annotations

import json

import typer

from firebreak.cli.common import console, handle_errors
from firebreak.cli.database import open_runtime, unit_of_work
from firebreak.cli.drill_server import start_drill_server
from firebreak.runbook.drills import results
from firebreak.runbook.drills.catalog import DRILLS, find_drill
from firebreak.runbook.drills.run import run_drill

app = typer.Typer(help="Drills: create a real fault, let Firebreak run the runbook, check the fault is gone.",
                  no_args_is_help=True)


@app.command("list")
@handle_errors
def list_drills() -> None:
    """Every drill, its runbook, and when that runbook last ran and last passed a drill."""
    runtime = open_runtime()
    try:
        with unit_of_work(runtime) as session:
            latest = results.latest(session)
    finally:
        runtime.close()
    for drill in DRILLS:
        last = latest.get(drill.runbook)
        if last is None:
            status = "never drilled"
        else:
            passed = last.last_passed_at.isoformat(timespec="seconds") if last.last_passed_at else "never"
            status = f"last run {last.last_run_at.isoformat(timespec='seconds')} " \
                     f"({'passed' if last.last_passed else 'failed'}), last passed {passed}"
        console.print(f"[bold]{drill.name}[/]  runbook {drill.runbook}  — {status}", highlight=False)
        console.print(f"    {drill.description}", highlight=False)


@app.command("run")
@handle_errors
def run(name: str = typer.Argument(..., help="Drill name (see `firebreak drill list`)"),
        approve: bool = typer.Option(False, "--approve", help="Approve the mitigation as a second responder"),
        as_json: bool = typer.Option(False, "--json", help="Print the report as JSON")) -> None:
    """Run a drill: fault, alert, diagnostics, mitigation (with --approve), check, resolve, report."""
    spec = find_drill(name)
    runtime = open_runtime()
    try:
        report = run_drill(spec, approve=approve, start_server=start_drill_server,
                           results_to=runtime.session_factory)
    finally:
        runtime.close()
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, default=str))
    else:
        console.print(report.render(), highlight=False, markup=False)
    raise typer.Exit(0 if report.passed else 1)

"""`firebreak step list|run|approve|reject`: runbook steps on an incident, through a running server.

Steps always go through the server's API (FIREBREAK_SERVER, FIREBREAK_TOKEN) so that who asks and
who approves is checked exactly as for any other client.
"""

from __future__ import annotations

import httpx
import typer

from firebreak.cli.common import check_response, console, fail, handle_errors, server_client

app = typer.Typer(help="Runbook steps on an incident (needs FIREBREAK_SERVER and FIREBREAK_TOKEN).",
                  no_args_is_help=True)


def client() -> httpx.Client:
    found = server_client()
    if found is None:
        raise fail("set FIREBREAK_SERVER (and FIREBREAK_TOKEN) to the server to talk to")
    return found


def show(step: dict[str, object]) -> None:
    console.print(f"[bold]step {step['id']}[/] command {step['command']} [{step['class']}] {step['status']}"
                  f"{' — ' + str(step['reason']) if step.get('reason') else ''}", highlight=False)
    console.print(f"  $ {step['display']}", highlight=False, markup=False)
    target = step.get("target")
    if isinstance(target, dict):
        console.print(f"  on target {target.get('name')} ({target.get('kind')}: {target.get('address')})",
                      highlight=False, markup=False)
    if step.get("exit_code") is not None or step.get("error"):
        console.print(f"  exit {step.get('exit_code')} in {step.get('duration_ms')} ms {step.get('error') or ''}",
                      highlight=False)
    for stream in ("stdout", "stderr"):
        if step.get(stream):
            console.print(str(step[stream]).rstrip(), highlight=False, markup=False)


@app.command("list")
@handle_errors
def list_steps(incident: int = typer.Argument(..., help="Incident id")) -> None:
    """The incident's steps with their status and output."""
    with client() as http:
        steps = check_response(http.get(f"/api/v1/incidents/{incident}/steps"))
    if not steps:
        console.print(f"incident {incident} has no steps yet: request one with "
                      f"`firebreak step run {incident} COMMAND` (see `firebreak runbook show SLUG`)", highlight=False)
        return
    for step in steps:
        show(step)


@app.command("run")
@handle_errors
def run_step(incident: int = typer.Argument(..., help="Incident id"),
             command: int = typer.Argument(..., help="Index of the command in the runbook"),
             runbook: str = typer.Option(None, "--runbook", help="Runbook slug (default: the attached one)"),
             value: list[str] = typer.Option([], "--input", "-i", help="NAME=VALUE for a placeholder"),
             dry_run: bool = typer.Option(False, "--dry-run", help="Show the exact command only")) -> None:
    """Request a step (read-only steps run at once; others wait for approval)."""
    inputs: dict[str, str] = {}
    for item in value:
        key, sep, text = item.partition("=")
        if not sep or not key:
            raise fail(f"--input {item!r}: write NAME=VALUE")
        inputs[key] = text
    with client() as http:
        answer = http.post(f"/api/v1/incidents/{incident}/steps",
                           json={"command": command, "runbook": runbook, "input": inputs, "dry_run": dry_run})
        body = check_response(answer)
    if dry_run:
        console.print(f"[{body['class']}] {body['status']} {body.get('reason') or body.get('needs') or ''}",
                      highlight=False)
        console.print(body["display"], highlight=False, markup=False)
        return
    show(body)


@app.command("approve")
@handle_errors
def approve(step: int = typer.Argument(..., help="Step id")) -> None:
    """Approve a step (a destructive one needs a responder other than the requester)."""
    with client() as http:
        show(check_response(http.post(f"/api/v1/steps/{step}/approve")))


@app.command("reject")
@handle_errors
def reject(step: int = typer.Argument(..., help="Step id"),
           reason: str = typer.Option("", "--reason", help="Why it should not run")) -> None:
    """Decline a step awaiting approval."""
    with client() as http:
        show(check_response(http.post(f"/api/v1/steps/{step}/reject", json={"reason": reason})))

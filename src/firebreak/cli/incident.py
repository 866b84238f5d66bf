"""`firebreak incident`: list, show, ack, resolve, note, verify (server or database)."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from firebreak.cli.common import check_response, console, handle_errors, open_runtime, server_client, unit_of_work
from firebreak.flows.respond import acknowledge, change_status
from firebreak.http.incident_views import detail, summaries
from firebreak.incident import service, timeline

app = typer.Typer(help="Incidents.", no_args_is_help=True)
ACTOR = typer.Option("cli", "--as", help="Name recorded as the actor (database mode)")


def local_detail(incident_id: int) -> dict[str, Any]:
    runtime = open_runtime()
    with unit_of_work(runtime) as session:
        return detail(session, runtime, service.get(session, incident_id=incident_id)).model_dump(mode="json")


@app.command("list")
@handle_errors
def list_cmd(status: list[str] = typer.Option(None, "--status", help="open or a state"),
             severity: list[str] = typer.Option(None, "--severity"),
             service_name: list[str] = typer.Option(None, "--service"),
             limit: int = typer.Option(50, "--limit")) -> None:
    """List incidents, newest first."""
    client = server_client()
    if client:
        params: dict[str, Any] = {"status": status or [], "severity": severity or [],
                                  "service": service_name or [], "limit": limit}
        items = check_response(client.get("/api/v1/incidents", params=params))["items"]
    else:
        runtime = open_runtime()
        with unit_of_work(runtime) as session:
            severities = [runtime.severity_named(word) for word in severity] if severity else None
            page = service.list_incidents(session, status=status, severity=severities, service=service_name,
                                          limit=limit)
            items = [item.model_dump(mode="json") for item in summaries(session, runtime, page.items)]
    table = Table("ID", "Status", "Severity", "Service", "Alerts", "Opened", "Title")
    for item in items:
        table.add_row(str(item["id"]), item["status"], item["severity"] or "-", item["service"] or "-",
                      f"{item['firing_count']}/{item['alert_count']}", item["created_at"][:19], item["title"])
    console.print(table)


@app.command("show")
@handle_errors
def show_cmd(incident_id: int) -> None:
    """Show one incident with its alerts and roles."""
    client = server_client()
    data = (check_response(client.get(f"/api/v1/incidents/{incident_id}")) if client
            else local_detail(incident_id))
    console.print(f"[bold]#{data['id']} {data['title']}[/]")
    console.print(f"status {data['status']}  severity {data['severity']}  service {data['service']}")
    for name, at in data["milestones"].items():
        if at:
            console.print(f"  {name:<13} {at}")
    for role, who in data["roles"].items():
        console.print(f"  {role}: {who}")
    for alert in data.get("alerts") or []:
        console.print(f"  alert {alert['id']} [{alert['status']}] {alert['name']} x{alert['count']}")
    if data.get("runbook"):
        console.print(f"  runbook {data['runbook']['slug']} ({data['runbook']['title']})")
    console.print(f"  next: {', '.join(data['allowed_transitions']) or '-'}")


def move(incident_id: int, target: str, actor: str, reason: str | None) -> None:
    client = server_client()
    if client:
        if target == "acknowledged":
            check_response(client.post(f"/api/v1/incidents/{incident_id}/acknowledge"))
        else:
            check_response(client.post(f"/api/v1/incidents/{incident_id}/transition",
                                       json={"status": target, "reason": reason}))
    else:
        runtime = open_runtime()
        with unit_of_work(runtime) as session:
            if target == "acknowledged":
                acknowledge(session, incident_id=incident_id, actor=actor, now=runtime.clock.now(),
                            hooks=runtime.hooks)
            else:
                incident = service.get(session, incident_id=incident_id, lock=True)
                change_status(session, incident=incident, target=target, actor=actor,
                              now=runtime.clock.now(), hooks=runtime.hooks, reason=reason)
    console.print(f"incident {incident_id} is {target}")


@app.command("ack")
@handle_errors
def ack_cmd(incident_id: int, actor: str = ACTOR) -> None:
    """Acknowledge an incident."""
    move(incident_id, "acknowledged", actor, None)


@app.command("resolve")
@handle_errors
def resolve_cmd(incident_id: int, reason: str = typer.Option(None, "--reason"), actor: str = ACTOR) -> None:
    """Resolve an incident."""
    move(incident_id, "resolved", actor, reason)


@app.command("transition")
@handle_errors
def transition_cmd(incident_id: int, status: str, reason: str = typer.Option(None, "--reason"),
                   actor: str = ACTOR) -> None:
    """Move an incident to another lifecycle state."""
    move(incident_id, status, actor, reason)


@app.command("note")
@handle_errors
def note_cmd(incident_id: int, text: str, actor: str = ACTOR) -> None:
    """Add a note to the timeline."""
    client = server_client()
    if client:
        check_response(client.post(f"/api/v1/incidents/{incident_id}/notes", json={"text": text}))
    else:
        runtime = open_runtime()
        with unit_of_work(runtime) as session:
            incident = service.get(session, incident_id=incident_id, lock=True)
            service.add_note(session, incident=incident, text=text, actor=actor, now=runtime.clock.now())
    console.print("note added")


@app.command("verify")
@handle_errors
def verify_cmd(incident_id: int) -> None:
    """Verify the timeline's hash chain; exit 1 if it was tampered with."""
    client = server_client()
    if client:
        data = check_response(client.get(f"/api/v1/incidents/{incident_id}/timeline/verify"))
        ok, count, problems = data["ok"], data["entries"], data["problems"]
    else:
        runtime = open_runtime()
        with unit_of_work(runtime) as session:
            verdict = timeline.verify(session, incident_id=incident_id)
        ok, count, problems = verdict.ok, verdict.entries, list(verdict.problems)
    if ok:
        console.print(f"timeline of incident {incident_id} intact: {count} entries")
        return
    for problem in problems:
        console.print(f"[red]{problem}[/]")
    raise typer.Exit(1)

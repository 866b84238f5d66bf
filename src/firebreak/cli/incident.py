"""`firebreak incident`: list, show, ack, resolve, transition, severity, role, note, update, timeline, verify,
and a responder's moves: declare, merge.

Each command works against a running server (FIREBREAK_SERVER + FIREBREAK_TOKEN, through
`incident_api`) or on the database directly (`incident_db`, loaded only then: see `cli/lazy.py`).
Both answer in the API's JSON shape; this module only reads options and prints.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

import click
import typer
from rich.padding import Padding
from rich.text import Text

from firebreak.cli.common import AS_NAME, console, fail, handle_errors, readable_table, server_client
from firebreak.cli.incident_api import RemoteIncidents
from firebreak.cli.lazy import load

app = typer.Typer(help="Incidents.", no_args_is_help=True)


class Incidents(Protocol):
    """What the commands need, from a server or from the database (closed when the command ends)."""

    def __enter__(self) -> Incidents: ...
    def __exit__(self, *exc: object) -> None: ...
    def list(self, *, status: list[str], severity: list[str], services: list[str],
             limit: int) -> list[dict[str, Any]]: ...
    def detail(self, incident_id: int) -> dict[str, Any]: ...
    def move(self, incident_id: int, target: str, reason: str | None) -> None: ...
    def note(self, incident_id: int, text: str) -> None: ...
    def severity(self, incident_id: int, severity: str, reason: str | None) -> dict[str, Any]: ...
    def role(self, incident_id: int, role: str, assignee: str | None) -> None: ...
    def draft(self, incident_id: int, kind: str | None, visibility: str | None) -> dict[str, Any]: ...
    def post_update(self, incident_id: int, update: dict[str, Any]) -> dict[str, Any]: ...
    def timeline(self, incident_id: int) -> list[dict[str, Any]]: ...
    def verify(self, incident_id: int) -> dict[str, Any]: ...
    def declare(self, fields: dict[str, Any]) -> dict[str, Any]: ...
    def merge(self, incident_id: int, fields: dict[str, Any]) -> dict[str, Any]: ...


def incidents(as_name: str | None = None) -> Incidents:
    """The server's incidents when FIREBREAK_SERVER is set, else the database's."""
    client = server_client(as_name)
    if client is not None:
        return RemoteIncidents(client)
    local: Incidents = load("firebreak.cli.incident_db", "LocalIncidents")(as_name=as_name)
    return local


@app.command("list")
@handle_errors
def list_cmd(status: list[str] = typer.Option(None, "--status", help="open or a state"),
             severity: list[str] = typer.Option(None, "--severity"),
             service_name: list[str] = typer.Option(None, "--service"),
             limit: int = typer.Option(50, "--limit")) -> None:
    """List incidents, newest first."""
    with incidents() as backend:
        items = backend.list(status=status or [], severity=severity or [], services=service_name or [],
                             limit=limit)
    if not items:
        console.print("no incidents" + (" match" if status or severity or service_name else ""))
        return
    rows = [[str(i["id"]), i["status"], i["severity"] or "-", i["service"] or "-",
             f"{i['firing_count']}/{i['alert_count']}", i["created_at"][:16].replace("T", " "), i["title"]]
            for i in items]
    console.print(readable_table(("ID", "Status", "Severity", "Service", "Alerts", "Opened (UTC)", "Title"), rows,
                                 keep=("ID", "Status", "Severity", "Opened (UTC)")))


@app.command("show")
@handle_errors
def show_cmd(incident_id: int) -> None:
    """Show one incident with its alerts and roles."""
    with incidents() as backend:
        data = backend.detail(incident_id)
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
    console.print(f"  {next_update_line(data.get('updates'))}")
    if data.get("chat_channel"):
        console.print(f"  chat channel {data['chat_channel']}")
    console.print(f"  next: {', '.join(data['allowed_transitions']) or '-'}")


def next_update_line(updates: dict[str, Any] | None) -> str:
    """When the next status update is due, in one line."""
    if not updates or updates["status"] == "stopped":
        return "next update: none due (the incident is over)" if updates else "next update: no cadence"
    if updates["status"] == "paused" or not updates["next_update_due_at"]:
        return "next update: as needed (no cadence for this severity)"
    due = str(updates["next_update_due_at"])[:16].replace("T", " ")
    every = updates["cadence_seconds"] // 60 if updates["cadence_seconds"] else None
    text = f"next update due {due} UTC" + (f" (every {every}m)" if every else "")
    if updates["overdue"]:
        text += f" — OVERDUE, {updates['reminders_sent']} reminder(s) sent"
    return text


def move(incident_id: int, target: str, as_name: str | None, reason: str | None) -> None:
    with incidents(as_name) as backend:
        backend.move(incident_id, target, reason)
    console.print(f"incident {incident_id} is {target}")


@app.command("ack")
@handle_errors
def ack_cmd(incident_id: int, as_name: str = AS_NAME) -> None:
    """Acknowledge an incident."""
    move(incident_id, "acknowledged", as_name, None)


@app.command("resolve")
@handle_errors
def resolve_cmd(incident_id: int, reason: str = typer.Option(None, "--reason"), as_name: str = AS_NAME) -> None:
    """Resolve an incident."""
    move(incident_id, "resolved", as_name, reason)


@app.command("transition")
@handle_errors
def transition_cmd(incident_id: int, status: str, reason: str = typer.Option(None, "--reason"),
                   as_name: str = AS_NAME) -> None:
    """Move an incident to another lifecycle state."""
    move(incident_id, status, as_name, reason)


@app.command("severity")
@handle_errors
def severity_cmd(incident_id: int, severity: str = typer.Argument(..., help="A level of the severity scale"),
                 reason: str = typer.Option(None, "--reason", help="Why (on the timeline)"),
                 as_name: str = AS_NAME) -> None:
    """Change an incident's severity."""
    with incidents(as_name) as backend:
        data = backend.severity(incident_id, severity, reason)
    console.print(f"incident {incident_id} is {data['severity']}")


@app.command("role")
@handle_errors
def role_cmd(incident_id: int,
             role: str = typer.Argument(..., help="incident_commander, technical_lead, communications_lead or "
                                        "on_call_engineer"),
             user: str = typer.Argument(None, help="Who takes the role (omit with --clear)"),
             clear: bool = typer.Option(False, "--clear", help="Leave the role unassigned"),
             as_name: str = AS_NAME) -> None:
    """Give a role on an incident to someone, or clear it."""
    if clear == (user is not None):
        raise typer.BadParameter("give USER, or --clear to leave the role unassigned", param_hint="USER")
    with incidents(as_name) as backend:
        backend.role(incident_id, role, None if clear else user)
    console.print(f"incident {incident_id}: {role} " + ("cleared" if clear else f"is {user}"))


@app.command("note")
@handle_errors
def note_cmd(incident_id: int, text: str, as_name: str = AS_NAME) -> None:
    """Add a note to the timeline."""
    with incidents(as_name) as backend:
        backend.note(incident_id, text)
    console.print("note added")


@app.command("update")
@handle_errors
def update_cmd(incident_id: int,
               message: str = typer.Option(None, "--message", "-m",
                                           help="The update's text (without it, $EDITOR opens on the draft)"),
               public: bool = typer.Option(False, "--public", help="A public update, for the status page"),
               kind: str = typer.Option(None, "--kind", help="initial, progress, resolved, status_page, "
                                                             "customer_email or leadership"),
               status: str = typer.Option(None, "--status", help="e.g. Mitigating; public: investigating, "
                                                                 "identified, monitoring or resolved"),
               title: str = typer.Option(None, "--title"),
               next_update: str = typer.Option(None, "--next-update", help="When the next one is due, e.g. 15m "
                                                                           "(default: the severity's cadence)"),
               as_name: str = AS_NAME) -> None:
    """Post a status update: edit the drafted one in $EDITOR, or give its text with --message."""
    visibility = "public" if public else None
    with incidents(as_name) as backend:
        body = message
        if body is None:
            draft = backend.draft(incident_id, kind, visibility)
            edited = click.edit(draft["body"], extension=".txt", require_save=True)
            if edited is None or not edited.strip():
                raise fail("no update posted (the draft was not saved, or left empty)")
            body, kind = edited, kind or draft["kind"]
        posted = backend.post_update(incident_id, {
            "kind": kind, "visibility": visibility, "status": status, "title": title, "body": body,
            "next_update_in": next_update})
    due = str(posted["next_update_at"] or "")[:16].replace("T", " ")
    console.print(f"posted {posted['visibility']} update {posted['id']} ({posted['kind']}) on incident {incident_id}"
                  + (f"; next update due {due} UTC" if due else ""))


def role_pairs(values: list[str]) -> dict[str, str]:
    """`ROLE=USER` options as a role → holder map."""
    pairs: dict[str, str] = {}
    for value in values:
        role, sep, holder = value.partition("=")
        if not sep or not role.strip() or not holder.strip():
            raise typer.BadParameter(f"expected ROLE=USER, got {value!r}", param_hint="--role")
        pairs[role.strip()] = holder.strip()
    return pairs


@app.command("declare")
@handle_errors
def declare_cmd(title: str = typer.Argument(..., help="What is happening, in a line"),
                severity: str = typer.Option(..., "--severity", help="A level of the severity scale or an alias"),
                service_name: list[str] = typer.Option(None, "--service",
                                                       help="A service it touches (repeat; the first is its own)"),
                description: str = typer.Option(None, "--description", help="What you know so far"),
                team: str = typer.Option(None, "--team", help="Hand it to this team (default: the service's)"),
                policy: str = typer.Option(None, "--policy", help="Page through this escalation policy"),
                role: list[str] = typer.Option(None, "--role", metavar="ROLE=USER",
                                               help="Give a role at once (repeat), e.g. incident_commander=amara"),
                as_name: str = AS_NAME) -> None:
    """Declare an incident by hand (no alert behind it); it pages like one an alert opened."""
    fields = {"title": title, "severity": severity, "services": service_name or [], "description": description,
              "team": team, "escalation_policy": policy, "roles": role_pairs(role or [])}
    with incidents(as_name) as backend:
        data = backend.declare(fields)
    console.print(f"declared incident {data['id']}: [{data['severity']}] {data['title']} "
                  f"(team {data['team'] or '-'}, policy {data['escalation_policy'] or '-'})", markup=False)


@app.command("merge")
@handle_errors
def merge_cmd(incident_id: int = typer.Argument(..., help="The incident to merge (it is closed)"),
              into: int = typer.Option(..., "--into", help="The incident that survives"),
              reason: str = typer.Option(None, "--reason", help="Why (on the timeline)"),
              as_name: str = AS_NAME) -> None:
    """Merge an incident into another: its alerts and timeline join the survivor."""
    with incidents(as_name) as backend:
        data = backend.merge(incident_id, {"into": into, "reason": reason})
    console.print(f"incident {incident_id} merged into {data['id']}, which now has {data['alert_count']} alerts")


def summary(entry: dict[str, Any]) -> str:
    """What a timeline entry records, in a few words."""
    data = entry.get("data") or {}
    kind = entry["kind"]
    if kind == "note":
        return str(data.get("text", ""))
    if kind in ("incident.status", "incident.severity"):
        text = f"{data.get('from') or '-'} → {data.get('to')}"
        extra = [str(data[k]) for k in ("rule", "reason") if data.get(k)]
        return text + (f" ({', '.join(extra)})" if extra else "")
    if kind == "incident.role":
        return f"{data.get('role')}: {data.get('from') or '-'} → {data.get('to') or '-'}"
    if kind == "incident.merged_entry":
        inner = {"kind": data.get("kind", ""), "data": data.get("data") or {}}
        return f"#{data.get('incident_id')} {inner['kind']} by {data.get('actor')}: {summary(inner)}"
    shown = sorted((k, v) for k, v in data.items() if v not in (None, "", [], {}))
    return "  ".join(f"{key}={compact(value)}" for key, value in shown)


def compact(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(compact(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return str(value)


@app.command("timeline")
@handle_errors
def timeline_cmd(incident_id: int) -> None:
    """The incident's timeline, oldest first: who did what, when."""
    with incidents() as backend:
        entries = backend.timeline(incident_id)
    for entry in entries:
        when = str(entry["at"])[:19].replace("T", " ")
        console.print(f"[bold]{entry['seq']:>3}[/] {when}  {entry['kind']}  [dim]by[/] {entry['actor']}",
                      highlight=False)
        what = summary(entry)
        if what:
            console.print(Padding(Text(what), (0, 0, 0, 4)), soft_wrap=False)
    console.print(f"{len(entries)} entries")


@app.command("verify")
@handle_errors
def verify_cmd(incident_id: int) -> None:
    """Verify the timeline's hash chain; exit 1 if it was tampered with."""
    with incidents() as backend:
        data = backend.verify(incident_id)
    if data["ok"]:
        console.print(f"timeline of incident {incident_id} intact: {data['entries']} entries")
        return
    for problem in data["problems"]:
        console.print(f"[red]{problem}[/]")
    raise typer.Exit(1)

"""`firebreak silence …` and `firebreak route test`: mute noise, and see how an alert would be routed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from firebreak.cli.alert import parse_pairs
from firebreak.cli.common import AS_NAME, check_response, console, handle_errors, readable_table, server_client
from firebreak.cli.database import change, open_runtime, unit_of_work
from firebreak.config.loader import load_config
from firebreak.config.types import positive_duration
from firebreak.escalate.compile import urgency_for
from firebreak.flows.route import inhibition_sources
from firebreak.flows.silence_warnings import queue_expiry_warnings
from firebreak.http.route_schemas import RouteTestOut, SilenceOut
from firebreak.kernel.errors import InvalidInput
from firebreak.route import silences_store
from firebreak.route.decide import decide
from firebreak.route.probe import probe_alert

silence_app = typer.Typer(help="Silences: mute matching alerts for a while.", no_args_is_help=True)
route_app = typer.Typer(help="Routing.", no_args_is_help=True)


def _moment(text: str | None, option: str) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(f"{option} {text!r} is not an ISO 8601 time", field=option) from exc
    if moment.tzinfo is None:
        raise InvalidInput(f"{option} needs a time zone, e.g. 2026-01-01T10:00:00Z", field=option)
    return moment


def _print_silences(items: list[dict[str, Any]]) -> None:
    rows = [[item["id"], item["state"], ", ".join(item["matchers"]), str(item["ends_at"])[:16].replace("T", " "),
             item["created_by"], str(item["match_count"]), item["comment"]] for item in items]
    # The id is what `silence expire` takes: never cut.
    console.print(readable_table(("ID", "State", "Matchers", "Ends", "Author", "Matched", "Comment"), rows,
                                 keep=("ID",)))


@silence_app.command("add")
@handle_errors
def add_cmd(matchers: list[str] = typer.Argument(..., help='Matchers, e.g. service=api \'alertname=~"Disk.*"\''),
            duration: str = typer.Option("1h", "--duration", help="How long, e.g. 30m, 2h, 1d"),
            comment: str = typer.Option(..., "--comment", help="Why (shown to everyone)"),
            start: str = typer.Option(None, "--start", help="ISO 8601 start (default now)"),
            author: str = typer.Option(None, "--author", help="Whose silence it is, warned before it ends "
                                       "(a user's handle; default: you)"),
            as_name: str = AS_NAME) -> None:
    """Create a silence."""
    length = positive_duration(duration, field="--duration")
    begins = _moment(start, "--start")
    client = server_client(as_name)
    if client:
        body: dict[str, Any] = {"matchers": matchers, "duration": duration, "comment": comment}
        if begins is not None:
            body["starts_at"] = begins.isoformat()
        item = check_response(client.post("/api/v1/silences", json=body))
    else:
        runtime = open_runtime()
        with change(runtime, action="silence add", target={"matchers": ", ".join(matchers)},
                    as_name=as_name) as done:
            first = begins or done.now
            record = silences_store.create(session=done.session, matchers=matchers, starts_at=first,
                                           ends_at=first + length, created_by=author or done.actor,
                                           comment=comment, now=done.now)
            item = SilenceOut.of(record, done.now).model_dump(mode="json")
    console.print(f"silence {item['id']} {item['state']} until {item['ends_at']}", highlight=False)


@silence_app.command("list")
@handle_errors
def list_cmd(state: str = typer.Option("active", "--state", help="active, pending, expired or all")) -> None:
    """List silences."""
    if state not in ("active", "pending", "expired", "all"):
        raise InvalidInput("--state must be active, pending, expired or all", field="--state")
    client = server_client()
    if client:
        items = check_response(client.get("/api/v1/silences", params={"state": state}))["items"]
    else:
        runtime = open_runtime()
        now = runtime.clock.now()
        with unit_of_work(runtime) as session:
            records = silences_store.get_all(session=session, now=now, state=state)  # type: ignore[arg-type]
            items = [SilenceOut.of(r, now).model_dump(mode="json") for r in records]
    _print_silences(items)


@silence_app.command("expire")
@handle_errors
def expire_cmd(silence_id: str = typer.Argument(..., help="The silence to end now"),
               as_name: str = AS_NAME) -> None:
    """End a silence now."""
    client = server_client(as_name)
    if client:
        item = check_response(client.delete(f"/api/v1/silences/{silence_id}"))
    else:
        runtime = open_runtime()
        with change(runtime, action="silence expire", target={"silence_id": silence_id}, as_name=as_name) as done:
            record = silences_store.expire(session=done.session, silence_id=silence_id, now=done.now, by=done.actor)
            item = SilenceOut.of(record, done.now).model_dump(mode="json")
    console.print(f"silence {item['id']} expired at {item['ends_at']}", highlight=False)


@silence_app.command("report")
@handle_errors
def report_cmd(within: str = typer.Option("1h", "--within", help="Expiring within this long"),
               idle: str = typer.Option("7d", "--idle", help="Unused for this long")) -> None:
    """Silences about to expire, and silences that have muted nothing for a week."""
    window, quiet = positive_duration(within, field="--within"), positive_duration(idle, field="--idle")
    client = server_client()
    if client:
        body = check_response(client.get("/api/v1/silences/report", params={"within": within, "idle": idle}))
    else:
        runtime = open_runtime()
        now = runtime.clock.now()
        with unit_of_work(runtime) as session:
            body = {
                "expiring": [SilenceOut.of(r, now).model_dump(mode="json")
                             for r in silences_store.expiring(session=session, now=now, within=window)],
                "unused": [SilenceOut.of(r, now).model_dump(mode="json")
                           for r in silences_store.unused(session=session, now=now, idle=quiet)],
            }
    console.print(f"[bold]expiring within {within}[/]: {len(body['expiring'])}")
    _print_silences(body["expiring"])
    console.print(f"[bold]matched nothing for {idle}[/]: {len(body['unused'])}")
    _print_silences(body["unused"])


def print_decision(data: dict[str, Any]) -> None:
    console.print(f"routes      {', '.join(data['routes'])}", highlight=False)
    for key in ("service", "team", "severity", "escalation_policy"):
        console.print(f"{key.replace('_', ' '):<11} {data[key] or '-'}", highlight=False)
    muted = data["muted_by"] or "-"
    console.print(f"muted by    {muted}", highlight=False)
    inhibited = f"{data['inhibited_by']} (rule {data['inhibit_rule']})" if data["inhibited_by"] else "-"
    console.print(f"inhibited   {inhibited}", highlight=False)
    console.print(f"urgency     {data['urgency']} ({data['urgency_reason']})", highlight=False)
    pages = "yes" if data["pages"] else "no"
    if not data["pages"] and data.get("pages_at"):
        pages = f"no, not before {data['pages_at']} (support hours)"
    console.print(f"pages       {pages}", highlight=False)
    for reason in data["reasons"]:
        console.print(f"  because {reason}", highlight=False)
    table = Table("Where", "Matcher", "Result")
    for row in data["explanation"]:
        table.add_row(row["route"], row["matcher"], "match" if row["matched"] else "no match")
    console.print(table)


@route_app.command("test")
@handle_errors
def test_cmd(label: list[str] = typer.Option(..., "--label", help="k=v, repeatable"),
             annotation: list[str] = typer.Option([], "--annotation", help="k=v, repeatable"),
             severity: str = typer.Option(None, "--severity", help="The sender's severity hint"),
             at: str = typer.Option(None, "--at", help="ISO 8601 time to evaluate at (default now)"),
             config_file: Path = typer.Option(None, "--config",
                                              help="Try this file instead of the one in force")) -> None:
    """Show the route, service, severity, policy and any silence or inhibition an alert would get, and why."""
    labels, annotations = parse_pairs(label, "--label"), parse_pairs(annotation, "--annotation")
    moment = _moment(at, "--at")
    client = server_client()
    if client and config_file is None:
        body: dict[str, Any] = {"labels": labels, "annotations": annotations, "severity": severity}
        if moment is not None:
            body["at"] = moment.isoformat()
        data = check_response(client.post("/api/v1/route/test", json=body))
    else:
        runtime = open_runtime()
        config = load_config(config_file) if config_file is not None else runtime.config
        now = moment or runtime.clock.now()
        alert = probe_alert(labels, annotations=annotations, severity=severity)
        with unit_of_work(runtime) as session:
            decision = decide(alert, config, now, silences=silences_store.active(session=session, now=now),
                              firing=inhibition_sources(session, config, alert), explain=True)
        data = RouteTestOut.of(decision, urgency_for(config, decision.severity, now)).model_dump(mode="json")
    print_decision(data)


@silence_app.command("warn")
@handle_errors
def warn_cmd(within: str = typer.Option("1h", "--within", help="Warn about silences ending within")) -> None:
    """Queue a warning to the authors of silences about to expire (each silence once), through the outbox.

    Run it every few minutes (cron, systemd timer); authors are the users' handles in the configuration.
    The worker (`firebreak worker`, or `serve`) delivers the warnings, with retries, to the author's
    contact methods in order; each attempt is in the delivery log.
    """
    window = positive_duration(within, field="--within")
    runtime = open_runtime()
    now = runtime.clock.now()
    try:
        with unit_of_work(runtime) as session:
            queued = queue_expiry_warnings(session, directory=runtime.escalator.directory(), now=now, within=window)
    finally:
        runtime.close()
    for warning in queued:
        notice = warning.notice
        state = (f"not warned ({warning.problem})" if warning.problem
                 else f"warning queued for {', '.join(warning.targets)}")
        console.print(f"silence {notice.silence_id}: {notice.author} {state}", highlight=False)
    console.print(f"{len(queued)} silence(s) ending within {within}", highlight=False)

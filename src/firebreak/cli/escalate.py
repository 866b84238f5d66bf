"""`firebreak oncall`, `override` and `schedule`: on-call answers, overrides, schedule exports and gaps."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import typer

from firebreak.cli.common import AS_NAME, check_response, console, handle_errors, readable_table, server_client
from firebreak.cli.database import change, open_runtime, unit_of_work
from firebreak.escalate import override_store
from firebreak.escalate.oncall import calendar, schedule_named, who_is_on_call
from firebreak.escalate.schedule import GAP_HORIZON
from firebreak.kernel.clock import as_utc
from firebreak.kernel.errors import InvalidInput

oncall_app = typer.Typer(help="Who is on call.", invoke_without_command=True)
override_app = typer.Typer(help="Schedule overrides: someone covering for a while.", no_args_is_help=True)
schedule_app = typer.Typer(help="Schedules: export as iCalendar, find gaps.", no_args_is_help=True)


def parse_moment(text: str | None, option: str) -> datetime | None:
    """An ISO 8601 time such as 2025-03-30T09:00:00+01:00; without an offset it is read as UTC."""
    if text is None:
        return None
    try:
        return as_utc(datetime.fromisoformat(text.strip().replace("Z", "+00:00")))
    except ValueError as exc:
        raise InvalidInput(f"{option}: invalid time {text!r}; write ISO 8601 such as 2025-03-30T09:00:00Z",
                           field=option) from exc


def moment_text(value: Any) -> str:
    return str(value)[:16].replace("T", " ") if value else "-"


@oncall_app.callback()
@handle_errors
def oncall(ctx: typer.Context,
           at: str = typer.Option(None, "--at", help="ISO 8601 time (default now; no offset = UTC)"),
           schedule: str = typer.Option(None, "--schedule", help="Only this schedule")) -> None:
    """Show who is on call now (or --at a time), per schedule."""
    if ctx.invoked_subcommand is not None:
        return
    moment = parse_moment(at, "--at")
    client = server_client()
    params: dict[str, Any] = {}
    if moment is not None:
        params["at"] = moment.isoformat()
    if schedule:
        params["schedule"] = schedule
    if client:
        answer = check_response(client.get("/api/v1/oncall", params=params))
    else:
        runtime = open_runtime()
        with unit_of_work(runtime) as session:
            answer = local_on_call(runtime, session, moment, schedule)
    rows = [[item["schedule"], item["user"] or "[red]nobody[/]", item["name"] or "-", moment_text(item["until"]),
             item["reason"] or "gap"] for item in answer["on_call"]]
    console.print(f"on call at {moment_text(answer['at'])} UTC")
    console.print(readable_table(("Schedule", "On call", "Name", "Until (UTC)", "Why"), rows,
                                 keep=("Schedule", "On call", "Until (UTC)")))


def local_on_call(runtime: Any, session: Any, moment: datetime | None, schedule: str | None) -> dict[str, Any]:
    at = moment or runtime.clock.now()
    overrides = override_store.active_by_schedule(session, since=at - GAP_HORIZON)
    answers = who_is_on_call(runtime.escalator.directory(), at, overrides, schedule)
    return {"at": at.isoformat(), "on_call": [{"schedule": a.schedule, "user": a.user, "name": a.name,
                                               "reason": a.reason, "until": a.until.isoformat()} for a in answers]}


@override_app.command("add")
@handle_errors
def override_add(schedule: str = typer.Option(..., "--schedule", help="Schedule name"),
                 user: str = typer.Option(..., "--user", help="Who covers"),
                 start: str = typer.Option(..., "--start", help="ISO 8601 start"),
                 end: str = typer.Option(..., "--end", help="ISO 8601 end"),
                 replaces: str = typer.Option(None, "--replaces", help="Cover only this person's turns"),
                 reason: str = typer.Option("", "--reason"),
                 as_name: str = AS_NAME) -> None:
    """Add an override: USER is on call for SCHEDULE from START to END."""
    begin, finish = parse_moment(start, "--start"), parse_moment(end, "--end")
    body = {"schedule": schedule, "user": user, "start": begin.isoformat() if begin else None,
            "end": finish.isoformat() if finish else None, "replaces": replaces, "reason": reason}
    client = server_client(as_name)
    if client:
        created = check_response(client.post("/api/v1/overrides", json=body))
        number = created["id"]
    else:
        runtime = open_runtime()
        with change(runtime, action="override add", target={"schedule": schedule, "user": user},
                    as_name=as_name) as done:
            assert begin is not None and finish is not None
            record = override_store.create(done.session, directory=runtime.escalator.directory(), schedule=schedule,
                                           user=user, starts_at=begin, ends_at=finish, replaces=replaces,
                                           reason=reason, actor=done.actor, now=done.now)
            number = record.id
    console.print(f"override {number}: {user} covers {schedule}"
                  f"{' for ' + replaces if replaces else ''} from {moment_text(begin)} to {moment_text(finish)} UTC")


@override_app.command("list")
@handle_errors
def override_list(schedule: str = typer.Option(None, "--schedule"),
                  include_past: bool = typer.Option(False, "--all", help="Include overrides already over")) -> None:
    """List stored overrides (current and future unless --all)."""
    client = server_client()
    if client:
        params: dict[str, Any] = {"include_past": include_past}
        if schedule:
            params["schedule"] = schedule
        items = check_response(client.get("/api/v1/overrides", params=params))
        rows = [(i["id"], i["schedule"], i["user"], i["replaces"], i["start"], i["end"], i["reason"]) for i in items]
    else:
        runtime = open_runtime()
        with unit_of_work(runtime) as session:
            since = None if include_past else runtime.clock.now()
            rows = [(r.id, r.schedule, r.user_handle, r.replaces, r.starts_at, r.ends_at, r.reason)
                    for r in override_store.listing(session, schedule=schedule, ending_after=since)]
    lines = [[str(number), name, user, replaces or "anyone", moment_text(begin), moment_text(finish), reason]
             for number, name, user, replaces, begin, finish, reason in rows]
    console.print(readable_table(("ID", "Schedule", "User", "Replaces", "Start (UTC)", "End (UTC)", "Reason"), lines,
                                 keep=("ID", "Start (UTC)", "End (UTC)")))


@override_app.command("delete")
@handle_errors
def override_delete(override_id: int) -> None:
    """Delete a stored override."""
    client = server_client()
    if client:
        response = client.delete(f"/api/v1/overrides/{override_id}")
        if response.status_code != 204:
            check_response(response)
    else:
        runtime = open_runtime()
        with change(runtime, action="override delete", target={"override_id": override_id}) as done:
            override_store.delete(done.session, override_id=override_id)
    console.print(f"override {override_id} deleted")


@schedule_app.command("export")
@handle_errors
def schedule_export(name: str, days: int = typer.Option(56, "--days", min=1, max=366),
                    out: Path = typer.Option(None, "--out", help="File to write (default stdout)")) -> None:
    """Export a schedule's turns for the next DAYS days as iCalendar."""
    runtime = open_runtime()
    now = runtime.clock.now()
    with unit_of_work(runtime) as session:
        overrides = override_store.active_by_schedule(session, since=now - GAP_HORIZON)
    document = calendar(runtime.escalator.directory(), name, start=now, days=days, overrides=overrides, stamp=now)
    if out is None:
        typer.echo(document.decode("utf-8"), nl=False)
    else:
        out.write_bytes(document)
        console.print(f"wrote {out}")


@schedule_app.command("gaps")
@handle_errors
def schedule_gaps(name: str = typer.Argument(None, help="Schedule (default: all)"),
                  days: int = typer.Option(28, "--days", min=1, max=366)) -> None:
    """Report times nobody is on call in the next DAYS days (default four weeks)."""
    runtime = open_runtime()
    directory = runtime.escalator.directory()
    names = [name] if name else sorted(directory.schedules)
    now = runtime.clock.now()
    with unit_of_work(runtime) as session:
        overrides = override_store.active_by_schedule(session, since=now)
    found = 0
    for schedule_name in names:
        plan = schedule_named(directory, schedule_name)
        for gap in plan.gaps(now, now + timedelta(days=days), overrides.get(schedule_name, [])):
            found += 1
            console.print(f"{schedule_name}: nobody on call {moment_text(gap.start.isoformat())} → "
                          f"{moment_text(gap.end.isoformat())} UTC")
    console.print(f"{found} gap(s) in the next {days} days" if found else f"no gaps in the next {days} days")

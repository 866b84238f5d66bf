"""`firebreak audit`: verify the audit log's hash chain, list recent entries (server or database)."""

from __future__ import annotations

from typing import Any

import typer

from firebreak.cli.common import check_response, console, handle_errors, readable_table, server_client
from firebreak.cli.database import open_runtime, unit_of_work
from firebreak.security import audit

app = typer.Typer(help="The audit log of state-changing requests.", no_args_is_help=True)


@app.command("verify")
@handle_errors
def verify_cmd() -> None:
    """Verify the audit log's hash chain; exit 1 if it was tampered with."""
    client = server_client()
    if client:
        data = check_response(client.get("/api/v1/audit/verify"))
        ok, count, problems = data["ok"], data["entries"], data["problems"]
    else:
        runtime = open_runtime()
        with unit_of_work(runtime) as session:
            verdict = audit.verify(session)
        ok, count, problems = verdict.ok, verdict.entries, list(verdict.problems)
    if ok:
        console.print(f"audit log intact: {count} entries")
        return
    for problem in problems:
        console.print(f"[red]{problem}[/]", highlight=False)
    raise typer.Exit(1)


@app.command("list")
@handle_errors
def list_cmd(limit: int = typer.Option(50, "--limit", min=1, max=1000),
             actor: str = typer.Option(None, "--actor", help="Only this actor"),
             outcome: str = typer.Option(None, "--outcome", help="success, denied, rejected, limited or error")
             ) -> None:
    """The newest audit entries."""
    client = server_client()
    if client:
        params: dict[str, Any] = {"limit": limit}
        params.update({k: v for k, v in (("actor", actor), ("outcome", outcome)) if v})
        rows = check_response(client.get("/api/v1/audit", params=params))
    else:
        runtime = open_runtime()
        with unit_of_work(runtime) as session:
            rows = [{"seq": r.seq, "at": r.at.isoformat(), "actor": r.actor, "action": r.action,
                     "client": r.client, "status": r.status, "outcome": r.outcome}
                    for r in audit.entries(session, limit=limit, actor=actor, outcome=outcome)]
    lines = [[str(row["seq"]), str(row["at"])[:19].replace("T", " "), row["actor"], row["action"],
              row["client"] or "-", str(row["status"]), row["outcome"]] for row in rows]
    console.print(readable_table(("Seq", "At (UTC)", "Actor", "Action", "From", "Status", "Outcome"), lines,
                                 keep=("Seq", "At (UTC)", "Outcome")))

"""`firebreak token`: create (printed once), list, revoke."""

from __future__ import annotations

from datetime import timedelta

import typer

from firebreak.cli.common import console, handle_errors, readable_table
from firebreak.cli.database import change, open_runtime, unit_of_work
from firebreak.security import tokens

app = typer.Typer(help="API tokens and ingest keys.", no_args_is_help=True)


@app.command("create")
@handle_errors
def create_cmd(name: str = typer.Option(..., "--name"),
               role: str = typer.Option(..., "--role", help="admin, responder, viewer or ingest"),
               days: int = typer.Option(None, "--expires-in-days", min=1)) -> None:
    """Create a token and print it once."""
    runtime = open_runtime()
    now = runtime.clock.now()
    with change(runtime, action="token create", target={"name": name, "role": role}) as done:
        new = tokens.create_token(done.session, name=name, role=role, now=now,
                                  expires_at=now + timedelta(days=days) if days else None)
    console.print(f"{new.role} token {new.name!r} (shown once, store it now):")
    print(new.secret)


@app.command("list")
@handle_errors
def list_cmd() -> None:
    """List tokens (never their secrets)."""
    runtime = open_runtime()
    with unit_of_work(runtime) as session:
        rows = tokens.list_tokens(session)
        lines = [[row.name, row.role, row.prefix + "…", str(row.created_at)[:16], str(row.expires_at or "-")[:16],
                  str(row.revoked_at or "-")[:16]] for row in rows]
    console.print(readable_table(("Name", "Role", "Prefix", "Created", "Expires", "Revoked"), lines, keep=("Name",)))


@app.command("revoke")
@handle_errors
def revoke_cmd(name: str) -> None:
    """Revoke a token by name."""
    runtime = open_runtime()
    with change(runtime, action="token revoke", target={"name": name}) as done:
        tokens.revoke_token(done.session, name=name, now=done.now)
    console.print(f"token {name!r} revoked")

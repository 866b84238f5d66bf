"""`firebreak user`: console users — create, list, set a password, disable, enable (database)."""

from __future__ import annotations

import secrets

import typer

from firebreak.cli.common import console, handle_errors, readable_table
from firebreak.cli.database import change, open_runtime, unit_of_work
from firebreak.security import users

app = typer.Typer(help="Users who sign in with a password (API sessions).", no_args_is_help=True)
PASSWORD = typer.Option(False, "--password-stdin", help="Read the password from standard input")


def read_password(from_stdin: bool) -> tuple[str, bool]:
    """The password from stdin when asked, else a generated one (to print once)."""
    if from_stdin:
        return typer.get_text_stream("stdin").readline().rstrip("\r\n"), False
    return secrets.token_urlsafe(18), True


@app.command("create")
@handle_errors
def create_cmd(name: str = typer.Option(..., "--name"),
               role: str = typer.Option(..., "--role", help="admin, responder or viewer"),
               password_stdin: bool = PASSWORD) -> None:
    """Create a user; without --password-stdin a password is generated and printed once."""
    password, generated = read_password(password_stdin)
    runtime = open_runtime()
    with change(runtime, action="user create", target={"name": name, "role": role}) as done:
        users.create_user(done.session, name=name, role=role, password=password, now=done.now)
    console.print(f"{role} user {name!r} created")
    if generated:
        console.print("password (shown once, store it now):")
        print(password)


@app.command("password")
@handle_errors
def password_cmd(name: str, password_stdin: bool = PASSWORD) -> None:
    """Set a new password (ends the user's sessions); generated and printed once unless given."""
    password, generated = read_password(password_stdin)
    runtime = open_runtime()
    with change(runtime, action="user password", target={"name": name}) as done:
        users.set_password(done.session, name=name, password=password, now=done.now)
    console.print(f"password of {name!r} changed; their sessions have ended")
    if generated:
        print(password)


@app.command("disable")
@handle_errors
def disable_cmd(name: str) -> None:
    """Disable a user and end their sessions."""
    runtime = open_runtime()
    with change(runtime, action="user disable", target={"name": name}) as done:
        users.disable_user(done.session, name=name, now=done.now)
    console.print(f"user {name!r} disabled")


@app.command("enable")
@handle_errors
def enable_cmd(name: str) -> None:
    """Enable a disabled user again."""
    runtime = open_runtime()
    with change(runtime, action="user enable", target={"name": name}) as done:
        users.enable_user(done.session, name=name)
    console.print(f"user {name!r} enabled")


@app.command("list")
@handle_errors
def list_cmd() -> None:
    """List users (never their password hashes)."""
    runtime = open_runtime()
    with unit_of_work(runtime) as session:
        lines = [[user.name, user.role, str(user.created_at)[:16], str(user.last_login_at or "-")[:16],
                  str(user.disabled_at or "-")[:16]] for user in users.list_users(session)]
    console.print(readable_table(("Name", "Role", "Created", "Last sign-in", "Disabled"), lines, keep=("Name",)))

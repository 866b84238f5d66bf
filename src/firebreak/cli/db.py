"""`firebreak db`: migrations."""

from __future__ import annotations

import typer

from firebreak.cli.common import console, handle_errors
from firebreak.db.migrate import current_revision, head_revision, upgrade
from firebreak.kernel.settings import Settings

app = typer.Typer(help="Database migrations.", no_args_is_help=True)


@app.command("upgrade")
@handle_errors
def upgrade_cmd(revision: str = typer.Argument("head", help="Target revision")) -> None:
    """Migrate the database to the newest schema."""
    url = Settings().resolved_database_url()
    upgrade(url, revision)
    console.print(f"database at revision {current_revision(url)}")


@app.command("current")
@handle_errors
def current_cmd() -> None:
    """Show the database's revision and the newest one shipped."""
    url = Settings().resolved_database_url()
    console.print(f"current: {current_revision(url)}  head: {head_revision()}")

"""The `firebreak` command: one Typer app with a sub-command per area, each loaded when it runs.

`COMMANDS` names every area with the module that implements it and its one-line help, so
`firebreak --help` and `firebreak --version` import none of them (see `cli/lazy.py`).
"""

from __future__ import annotations

import sys
import traceback
from types import TracebackType

import typer

from firebreak import __version__
from firebreak.cli.lazy import Entry, lazy_group
from firebreak.kernel.redact import redact

COMMANDS = {
    "serve": Entry("firebreak.cli.serve", "serve",
                   "Start Firebreak: take the port, migrate the database, then serve the API on the printed URL."),
    "worker": Entry("firebreak.cli.worker", "worker",
                    "Run the worker: escalation turns, deliveries and the lateness audit (until SIGTERM)."),
    "db": Entry("firebreak.cli.db", "app", "Database migrations."),
    "alert": Entry("firebreak.cli.alert", "app", "Alerts."),
    "incident": Entry("firebreak.cli.incident", "app", "Incidents."),
    "step": Entry("firebreak.cli.step", "app",
                  "Runbook steps on an incident (needs FIREBREAK_SERVER and FIREBREAK_TOKEN)."),
    "review": Entry("firebreak.cli.review", "app",
                    "Post-incident reviews: show, edit in $EDITOR, complete, export, key events."),
    "runbook": Entry("firebreak.cli.runbook", "app", "Runbooks: import Markdown, list, show, match alerts, lint."),
    "drill": Entry("firebreak.cli.drill", "app",
                   "Drills: create a real fault, let Firebreak run the runbook, check the fault is gone."),
    "oncall": Entry("firebreak.cli.escalate", "oncall_app", "Who is on call."),
    "override": Entry("firebreak.cli.escalate", "override_app", "Schedule overrides: someone covering for a while."),
    "schedule": Entry("firebreak.cli.escalate", "schedule_app", "Schedules: export as iCalendar, find gaps."),
    "silence": Entry("firebreak.cli.route", "silence_app", "Silences: mute matching alerts for a while."),
    "route": Entry("firebreak.cli.route", "route_app", "Routing."),
    "config": Entry("firebreak.cli.config", "app", "Configuration file."),
    "import": Entry("firebreak.cli.migrate", "app",
                    "Import schedules, escalation policies, users, teams and services from another tool."),
    "token": Entry("firebreak.cli.token", "app", "API tokens and ingest keys."),
    "user": Entry("firebreak.cli.user", "app", "Users who sign in with a password (API sessions)."),
    "audit": Entry("firebreak.cli.audit", "app", "The audit log of state-changing requests."),
}


def show_version(value: bool) -> None:
    if value:
        typer.echo(f"firebreak {__version__}")
        raise typer.Exit()


app = typer.Typer(cls=lazy_group(COMMANDS), help="Firebreak: self-hosted incident response.",
                  no_args_is_help=True, pretty_exceptions_enable=False)


@app.callback()
def root(_version: bool = typer.Option(False, "--version", callback=show_version, is_eager=True,
                                       help="Print the installed version and exit.")) -> None:
    """Firebreak: self-hosted incident response."""


def print_redacted_traceback(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    """`sys.excepthook` for the CLI: an unexpected error's traceback, with secrets masked."""
    sys.stderr.write(redact("".join(traceback.format_exception(kind, error, trace))))


def main() -> None:
    sys.excepthook = print_redacted_traceback
    app()


if __name__ == "__main__":
    main()

"""The `firebreak` command: one Typer app with a sub-command per area."""

from __future__ import annotations

import typer

from firebreak.cli import alert, audit, config, db, drill, incident, paging, runbook, serve, step, token, triage, user

app = typer.Typer(help="Firebreak: self-hosted incident response.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
app.command("serve")(serve.serve)
app.add_typer(db.app, name="db")
app.add_typer(alert.app, name="alert")
app.add_typer(incident.app, name="incident")
app.add_typer(token.app, name="token")
app.add_typer(user.app, name="user")
app.add_typer(audit.app, name="audit")
app.add_typer(runbook.app, name="runbook")
app.add_typer(drill.app, name="drill")
app.add_typer(step.app, name="step")
app.add_typer(config.app, name="config")
app.add_typer(triage.silence_app, name="silence")
app.add_typer(triage.route_app, name="route")
app.command("worker")(paging.worker)
app.add_typer(paging.oncall_app, name="oncall")
app.add_typer(paging.override_app, name="override")
app.add_typer(paging.schedule_app, name="schedule")


def main() -> None:
    app()


if __name__ == "__main__":
    main()

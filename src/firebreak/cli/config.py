"""`firebreak config`: check a configuration file, or ask a running server to reload its own."""

from __future__ import annotations

from pathlib import Path

import typer

from firebreak.cli.common import check_response, console, fail, handle_errors, server_client
from firebreak.config.loader import load_config

app = typer.Typer(help="Configuration file.", no_args_is_help=True)


@app.command("check")
@handle_errors
def check_cmd(file: Path = typer.Argument(..., help="The YAML configuration to validate")) -> None:
    """Validate a configuration file; errors name the file, line and field (exit code 2)."""
    config = load_config(file)
    routes = len(config.route_plan.root.walk()) - 1  # the default route is not counted
    console.print(f"{file}: ok", highlight=False)
    console.print(
        f"  severity scale {config.severity_scale.name} ({', '.join(config.severity_scale.names)}); "
        f"{len(config.teams)} teams, {len(config.users)} users, {len(config.services)} services, "
        f"{routes} routes, {len(config.silences)} silences, {len(config.maintenance)} maintenance windows, "
        f"{len(config.inhibit)} inhibition rules, {len(config.schedules)} schedules, "
        f"{len(config.escalation_policies)} escalation policies", highlight=False)


@app.command("reload")
@handle_errors
def reload_cmd() -> None:
    """Ask the server at FIREBREAK_SERVER to reload its configuration (admin token)."""
    client = server_client()
    if client is None:
        raise fail("set FIREBREAK_SERVER (and FIREBREAK_TOKEN) to reload a running server, or send it SIGHUP")
    body = check_response(client.post("/api/v1/config/reload"))
    console.print(f"reloaded {body['path']} (generation {body['generation']})", highlight=False)

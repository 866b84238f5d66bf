"""`firebreak alert fire`: send an alert from the command line."""

from __future__ import annotations

from typing import Any

import typer

from firebreak.cli.common import check_response, console, handle_errors, server_client
from firebreak.cli.database import open_runtime
from firebreak.flows.batcher import receive_in_transaction
from firebreak.ingest.generic import parse_generic
from firebreak.kernel.errors import InvalidInput

app = typer.Typer(help="Alerts.", no_args_is_help=True)


def parse_pairs(pairs: list[str], option: str) -> dict[str, str]:
    """`k=v` pairs into a dict, naming the bad one."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(f"{option} {pair!r}: expected key=value", field=option)
        out[key.strip()] = value
    return out


@app.command("fire")
@handle_errors
def fire_cmd(summary: str = typer.Option(..., "--summary", help="What is wrong"),
             label: list[str] = typer.Option([], "--label", help="k=v, repeatable"),
             annotation: list[str] = typer.Option([], "--annotation", help="k=v, repeatable"),
             severity: str = typer.Option(None, "--severity"),
             dedup_key: str = typer.Option(None, "--dedup-key"),
             resolve: bool = typer.Option(False, "--resolve", help="Send it as resolved")) -> None:
    """Fire (or resolve) an alert through the generic ingest path."""
    body: dict[str, Any] = {"title": summary, "labels": parse_pairs(label, "--label"),
                            "annotations": parse_pairs(annotation, "--annotation"),
                            "status": "resolved" if resolve else "firing"}
    if severity:
        body["severity"] = severity
    if dedup_key:
        body["dedup_key"] = dedup_key
    client = server_client()
    if client:
        result = check_response(client.post("/api/v1/alerts", json=body))["results"][0]
        outcome, incident_id = result["outcome"], result["incident_id"]
    else:
        alert = parse_generic(body)
        runtime = open_runtime()
        [result_local] = receive_in_transaction(runtime.session_factory, [alert], runtime.receive_context)
        outcome, incident_id = result_local.outcome, result_local.incident_id
    console.print(f"{outcome}" + (f": incident {incident_id}" if incident_id else ""))

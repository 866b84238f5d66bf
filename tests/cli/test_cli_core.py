"""The CLI against the database directly and against a running server."""

from __future__ import annotations

from sqlalchemy import update

from firebreak.cli.main import app
from firebreak.db.models.core import TimelineEntryRecord
from firebreak.kernel.clock import SystemClock
from firebreak.runtime import Runtime
from tests.cli.conftest import run
from tests.support.live import live_server


def test_fire_list_show_ack_note_resolve_verify(cli, runtime) -> None:
    out = run(cli, "alert", "fire", "--summary", "Disk 91% full", "--label", "alertname=DiskSpaceCritical",
              "--label", "service=storage", "--severity", "warning")
    assert "opened: incident 1" in out
    assert "deduplicated" in run(cli, "alert", "fire", "--summary", "Disk 91% full", "--label",
                                 "alertname=DiskSpaceCritical", "--label", "service=storage", "--severity", "warning")
    listing = run(cli, "incident", "list")
    assert "triggered" in listing and "storage" in listing
    run(cli, "incident", "ack", "1")
    run(cli, "incident", "note", "1", "cleaned /var/log")
    run(cli, "incident", "resolve", "1", "--reason", "space freed")
    shown = run(cli, "incident", "show", "1")
    assert "status resolved" in shown and "x2" in shown
    assert "intact:" in run(cli, "incident", "verify", "1")
    with runtime.session_factory.begin() as s:
        s.execute(update(TimelineEntryRecord).where(TimelineEntryRecord.seq == 2).values(actor="mallory"))
    result = cli.invoke(app, ["incident", "verify", "1"])
    assert result.exit_code == 1 and "edited" in result.output


def test_cli_errors_are_one_clear_line(cli) -> None:
    result = cli.invoke(app, ["incident", "show", "42"])
    assert result.exit_code == 1 and "incident 42 not found" in result.output
    result = cli.invoke(app, ["alert", "fire", "--summary", "x", "--label", "novalue"])
    assert result.exit_code == 1 and "expected key=value" in result.output
    run(cli, "alert", "fire", "--summary", "x")
    result = cli.invoke(app, ["incident", "transition", "1", "closed"])
    assert result.exit_code == 1 and "allowed: acknowledged, investigating, resolved" in result.output


def test_cli_talks_to_a_running_server(cli, settings, credentials, monkeypatch) -> None:
    rt = Runtime(settings, clock=SystemClock())
    try:
        with live_server(rt) as url:
            monkeypatch.setenv("FIREBREAK_SERVER", url)
            monkeypatch.setenv("FIREBREAK_TOKEN", credentials["ingest"])
            assert "opened: incident 1" in run(cli, "alert", "fire", "--summary", "Queue depth high")
            monkeypatch.setenv("FIREBREAK_TOKEN", credentials["responder"])
            run(cli, "incident", "ack", "1")
            assert "acknowledged" in run(cli, "incident", "list")
            monkeypatch.setenv("FIREBREAK_TOKEN", credentials["viewer"])
            result = cli.invoke(app, ["incident", "resolve", "1"])
            assert result.exit_code == 1 and "403" in result.output
    finally:
        rt.close()


def test_token_commands(cli) -> None:
    out = run(cli, "token", "create", "--name", "grafana", "--role", "ingest")
    assert "fbi_" in out
    assert "grafana" in run(cli, "token", "list")
    run(cli, "token", "revoke", "grafana")
    result = cli.invoke(app, ["token", "create", "--name", "x", "--role", "root"])
    assert result.exit_code == 1 and "unknown role" in result.output

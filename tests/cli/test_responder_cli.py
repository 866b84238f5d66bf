"""A responder's moves from the CLI, on the database (audited under who ran them) and against a server."""

from __future__ import annotations

from typer.testing import CliRunner

from firebreak.cli.database import os_user
from firebreak.runtime import Runtime
from tests.cli import test_cli_identity as identity
from tests.support.live import server_on

cli = identity.cli  # the database from the test's own fixture, no server, no token
run = identity.run


def audited(runtime: Runtime) -> list[tuple[str, str, str]]:
    return [(row.actor, row.action, row.outcome) for row in identity.audit_rows(runtime)]


DECLARE = ("incident", "declare", "Suspected breach reported by a customer", "--severity", "critical",
           "--service", "auth", "--service", "api-gateway", "--policy", "security",
           "--role", "incident_commander=amara", "--description", "A paste with an account export")


def test_declare_and_merge_on_the_database(cli: CliRunner, runtime: Runtime) -> None:
    out = run(cli, *DECLARE)
    assert "declared incident 1: [SEV1] Suspected breach reported by a customer (team platform, policy security)" in out
    shown = run(cli, "incident", "show", "1")
    assert "status triggered" in shown and "incident_commander: amara" in shown
    run(cli, "alert", "fire", "--summary", "Login failures spike", "--label", "alertname=SuspiciousLogins",
        "--label", "service=auth")
    out = run(cli, "incident", "merge", "2", "--into", "1", "--reason", "same attacker")
    assert "incident 2 merged into 1, which now has 1 alerts" in out
    assert "status closed" in run(cli, "incident", "show", "2")
    timeline = run(cli, "incident", "timeline", "1")
    assert "incident.merged_entry" in timeline and "#2 incident.status by" in timeline and "MRG-1" in timeline
    for number in ("1", "2"):
        assert "intact:" in run(cli, "incident", "verify", number)
    me = os_user()
    assert audited(runtime) == [(me, "CLI incident declare", "success"), (me, "CLI incident merge", "success")]


def test_bad_moves_are_one_clear_line(cli: CliRunner, runtime: Runtime) -> None:
    out = run(cli, "incident", "declare", "Checkout down", "--severity", "SEV1", "--service", "checkout", code=1)
    assert "unknown service 'checkout'" in out and "api-gateway" in out
    out = run(cli, "incident", "declare", "Checkout down", "--severity", "SEV1", "--role", "amara", code=2)
    assert "expected ROLE=USER" in out
    out = run(cli, "incident", "declare", "x" * 1001, "--severity", "SEV1", code=1)
    assert "title" in out and "1000" in out
    run(cli, "incident", "declare", "Checkout down", "--severity", "SEV2")
    out = run(cli, "incident", "merge", "1", "--into", "1", code=1)
    assert "cannot merge incident 1 into itself" in out
    out = run(cli, "incident", "merge", "1", "--into", "7", code=1)
    assert "incident 7 not found" in out
    assert [row[2] for row in audited(runtime)] == ["rejected", "rejected", "success", "rejected", "rejected"]


def test_declare_and_merge_through_a_server(cli: CliRunner, settings, credentials, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with server_on(settings) as url:
        monkeypatch.setenv("FIREBREAK_SERVER", url)
        monkeypatch.setenv("FIREBREAK_TOKEN", credentials["responder"])
        assert "declared incident 1" in run(cli, *DECLARE)
        assert "declared incident 2" in run(cli, "incident", "declare", "Second report", "--severity", "SEV2")
        assert "merged into 1" in run(cli, "incident", "merge", "2", "--into", "1")
        out = run(cli, "incident", "merge", "1", "--into", "2", code=1)
        assert "409" in out and "it is closed" in out
        monkeypatch.setenv("FIREBREAK_TOKEN", credentials["viewer"])
        assert "403" in run(cli, *DECLARE, code=1)

"""Changes made with the CLI are audited under who made them; `--as NAME` is for admins and says so."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from firebreak.cli.database import os_user
from firebreak.cli.main import app
from firebreak.db.models.security import AuditEntryRecord
from firebreak.kernel.clock import SystemClock
from firebreak.runtime import Runtime
from firebreak.security import users
from tests.support.live import live_server


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("FIREBREAK_DATABASE_URL", db_url)
    monkeypatch.setenv("FIREBREAK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FIREBREAK_SERVER", raising=False)
    monkeypatch.delenv("FIREBREAK_TOKEN", raising=False)
    return CliRunner()


def run(cli: CliRunner, *args: str, code: int = 0) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def audit_rows(runtime: Runtime) -> list[AuditEntryRecord]:
    with runtime.session_factory() as session:
        return list(session.scalars(select(AuditEntryRecord).order_by(AuditEntryRecord.seq)))


def timeline_actors(cli: CliRunner) -> str:
    return run(cli, "incident", "timeline", "1")


def test_database_changes_are_audited_under_the_os_user(cli: CliRunner, runtime: Runtime) -> None:
    run(cli, "alert", "fire", "--summary", "Disk full", "--label", "service=storage")
    run(cli, "incident", "ack", "1")
    run(cli, "incident", "note", "1", "cleaning up")
    run(cli, "silence", "add", "service=storage", "--comment", "cleanup")
    me = os_user()
    rows = audit_rows(runtime)
    assert [(r.actor, r.via, r.action, r.outcome) for r in rows] == [
        (me, "cli-os-user", "CLI incident ack", "success"),
        (me, "cli-os-user", "CLI incident note", "success"),
        (me, "cli-os-user", "CLI silence add", "success"),
    ]
    assert rows[0].target == {"incident_id": "1", "status": "acknowledged"}
    assert f"by {me}" in timeline_actors(cli)
    assert me in run(cli, "silence", "list")
    assert "audit log intact: 3 entries" in run(cli, "audit", "verify")
    refused = run(cli, "incident", "transition", "1", "closed", code=1)
    assert "allowed:" in refused
    assert audit_rows(runtime)[-1].outcome == "rejected"


def test_a_token_names_who_acts_and_as_is_for_admins_only(cli: CliRunner, runtime: Runtime, credentials,  # type: ignore[no-untyped-def]
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    run(cli, "alert", "fire", "--summary", "Disk full", "--label", "service=storage")
    monkeypatch.setenv("FIREBREAK_TOKEN", credentials["responder"])
    run(cli, "incident", "note", "1", "looking")
    refused = run(cli, "incident", "ack", "1", "--as", "alice", code=1)
    assert "only an admin may act as someone else (--as); 'test-responder' is responder" in refused
    monkeypatch.setenv("FIREBREAK_TOKEN", credentials["admin"])
    run(cli, "incident", "ack", "1", "--as", "alice")
    monkeypatch.setenv("FIREBREAK_TOKEN", "fbk_not-a-token")
    assert "unknown token" in run(cli, "incident", "note", "1", "x", code=1)
    rows = audit_rows(runtime)
    assert [(r.actor, r.role, r.via, r.action, r.outcome) for r in rows] == [
        ("test-responder", "responder", "cli-token", "CLI incident note", "success"),
        ("test-responder", "responder", "cli-token", "CLI incident ack", "denied"),
        ("alice (as set by bootstrap-admin)", "admin", "cli-token", "CLI incident ack", "success"),
    ]
    monkeypatch.delenv("FIREBREAK_TOKEN")
    shown = timeline_actors(cli)
    assert "by test-responder" in shown and "by alice (as set by bootstrap-admin)" in shown


def test_an_os_user_with_an_admin_account_may_use_as(cli: CliRunner, runtime: Runtime) -> None:
    run(cli, "alert", "fire", "--summary", "Disk full", "--label", "service=storage")
    assert "only an admin" in run(cli, "incident", "ack", "1", "--as", "bo", code=1)
    with runtime.session_factory.begin() as session:
        users.create_user(session, name=os_user(), role="admin", password="a-long-password-1", now=runtime.clock.now())
    run(cli, "incident", "ack", "1", "--as", "bo")
    assert f"by bo (as set by {os_user()})" in timeline_actors(cli)
    assert audit_rows(runtime)[-1].actor == f"bo (as set by {os_user()})"


def test_server_mode_records_the_token_and_as_only_for_admins(cli: CliRunner, settings, credentials,  # type: ignore[no-untyped-def]
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    rt = Runtime(settings, clock=SystemClock())
    try:
        with live_server(rt) as url:
            monkeypatch.setenv("FIREBREAK_SERVER", url)
            monkeypatch.setenv("FIREBREAK_TOKEN", credentials["ingest"])
            run(cli, "alert", "fire", "--summary", "Queue depth high")
            monkeypatch.setenv("FIREBREAK_TOKEN", credentials["responder"])
            refused = run(cli, "incident", "ack", "1", "--as", "alice", code=1)
            assert "403" in refused and "only an admin may act as someone else" in refused
            run(cli, "incident", "note", "1", "on it")
            monkeypatch.setenv("FIREBREAK_TOKEN", credentials["admin"])
            run(cli, "incident", "ack", "1", "--as", "alice")
            shown = timeline_actors(cli)
            assert "by test-responder" in shown and "by alice (as set by bootstrap-admin)" in shown
            # Runbook steps keep the two-person rule: nobody requests or approves one as someone else.
            step = httpx.post(f"{url}/api/v1/incidents/1/steps", json={"command": 0}, timeout=30,
                              headers={"Authorization": f"Bearer {credentials['admin']}", "X-Firebreak-As": "bo"})
            assert step.status_code == 403 and "under your own name" in step.json()["detail"]
        rows = [(r.actor, r.action, r.outcome) for r in audit_rows(rt) if "acknowledge" in r.action
                or "notes" in r.action]
        assert rows == [
            ("test-responder", "POST /api/v1/incidents/{incident_id}/acknowledge", "denied"),
            ("test-responder", "POST /api/v1/incidents/{incident_id}/notes", "success"),
            ("alice (as set by bootstrap-admin)", "POST /api/v1/incidents/{incident_id}/acknowledge", "success"),
        ]
    finally:
        rt.close()

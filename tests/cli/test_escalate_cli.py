"""The escalate commands against the database: oncall, override, schedule export and gaps, worker --once."""

# Fixtures imported from another folder are named again as parameters; that is how pytest uses them.
# ruff: noqa: F811

from __future__ import annotations

from pathlib import Path

import icalendar
import pytest
from typer.testing import CliRunner

from firebreak.cli.main import app
from firebreak.kernel.settings import Settings
from firebreak.runtime import Runtime

# The escalation fixtures (and its settings, on the escalation configuration) are imported by name so that pytest
# uses them for this module.
from tests.escalate.conftest import (  # noqa: F401
    OpenIncident,
    directory,
    escalate_config,
    example_config,
    open_incident,
    paged_users,
    settings,
)


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("FIREBREAK_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("FIREBREAK_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("FIREBREAK_CONFIG", str(settings.config))
    monkeypatch.setenv("FIREBREAK_SECRET_KEY", settings.secret_key)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("FIREBREAK_SERVER", raising=False)
    return CliRunner()


def run(cli: CliRunner, *args: str, code: int = 0) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def test_oncall_at_a_time_and_for_one_schedule(cli: CliRunner) -> None:
    out = run(cli, "oncall", "--at", "2024-04-02T12:00:00Z")
    assert "primary" in out and "secondary" in out
    one = run(cli, "oncall", "--at", "2024-04-02T12:00:00+00:00", "--schedule", "secondary")
    assert "2024-04-08 08:00" in one  # the next handoff is Monday 09:00 BST
    assert "primary " not in one
    assert "invalid time" in run(cli, "oncall", "--at", "soon", code=1)
    assert "no schedule 'nope'" in run(cli, "oncall", "--schedule", "nope", code=1)


def test_override_add_list_delete_changes_who_is_on_call(cli: CliRunner) -> None:
    added = run(cli, "override", "add", "--schedule", "primary", "--user", "zed", "--start", "2024-05-01T00:00:00Z",
                "--end", "2024-05-02T00:00:00Z", "--reason", "swap")
    assert "override 1: zed covers primary" in added
    assert "zed" in run(cli, "oncall", "--at", "2024-05-01T12:00:00Z", "--schedule", "primary")
    listed = run(cli, "override", "list", "--all")
    assert "swap" in listed and "zed" in listed
    assert "must end after it starts" in run(cli, "override", "add", "--schedule", "primary", "--user", "zed",
                                            "--start", "2024-05-02T00:00:00Z", "--end", "2024-05-01T00:00:00Z",
                                            code=1)
    run(cli, "override", "delete", "1")
    assert "zed" not in run(cli, "oncall", "--at", "2024-05-01T12:00:00Z", "--schedule", "primary")
    assert "not found" in run(cli, "override", "delete", "1", code=1)


def test_schedule_export_and_gaps(cli: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "primary.ics"
    run(cli, "schedule", "export", "primary", "--days", "14", "--out", str(target))
    events = list(icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT"))
    assert len(events) >= 2 and all("On call:" in str(e["summary"]) for e in events)
    assert "no gaps in the next 28 days" in run(cli, "schedule", "gaps")


def test_worker_once_executes_each_due_turn_once(cli: CliRunner, open_incident: OpenIncident,
                                                 runtime: Runtime) -> None:
    incident_id = open_incident(severity="P0")
    # The command runs on the wall clock, hours after the fixed test clock: one turn per tick.
    assert "1 turn(s) taken" in run(cli, "worker", "--once")
    assert "1 turn(s) taken" in run(cli, "worker", "--once")
    with runtime.session_factory() as session:
        assert paged_users(session, incident_id) == [(1, "ann"), (2, "bob")]

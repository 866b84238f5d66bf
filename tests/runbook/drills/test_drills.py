"""Drills against the real PostgreSQL and a real redis-server: fault before, gone after, results kept."""

from __future__ import annotations

import re

import psycopg
import pytest
from fastapi.testclient import TestClient

from firebreak.cli.drill_server import start_drill_server
from firebreak.kernel.errors import NotFound
from firebreak.runbook.drills.catalog import find_drill
from firebreak.runbook.drills.postgres import DEFAULT_DSN
from firebreak.runbook.drills.run import run_drill
from firebreak.runtime import Runtime


@pytest.mark.parametrize("name", ["postgres-connection-exhaustion", "redis-memory-pressure"])
def test_drill_passes_and_is_recorded(name: str, runtime: Runtime, client: TestClient) -> None:
    report = run_drill(find_drill(name), approve=True, start_server=start_drill_server,
                        results_to=runtime.session_factory)
    text = report.render()
    assert report.passed, text
    assert report.checks["fault present before"] and report.checks["fault gone after"]
    assert report.fault_before and report.fault_after and report.fault_before != report.fault_after
    roles = [step.role for step in report.steps]
    assert roles.count("diagnostic") == 3 and roles[-2:] == ["mitigation", "verification"]
    mitigation = report.steps[-2]
    assert mitigation.cls == "destructive" and mitigation.status == "succeeded"
    assert all(report.timings[k] is not None for k in ("detect", "diagnose", "mitigate", "resolve"))
    assert report.timings["detect"] <= report.timings["diagnose"] <= report.timings["resolve"]  # type: ignore[operator]
    assert "result: PASS" in text and "fault before:" in text and "│" in text
    drills = {d["name"]: d for d in client.get("/api/v1/drills").json()}
    assert drills[name]["last_passed"] is True and drills[name]["last_passed_at"] is not None
    other = next(n for n in drills if n != name)
    assert drills[other]["last_run_at"] is None
    for role in re.findall(r"firebreak_drill_[0-9a-f]{8}", report.fault_before):
        with psycopg.connect(DEFAULT_DSN) as conn:  # the drill left nothing behind
            assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s", (role,)).fetchone() == (0,)
    history = client.get(f"/api/v1/drills/{name}/results").json()
    assert len(history) == 1 and history[0]["passed"] and history[0]["report"]["fault_after"] == report.fault_after


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_without_approval_the_fault_stays_and_the_drill_fails(runtime: Runtime, client: TestClient) -> None:
    report = run_drill(find_drill("postgres-connection-exhaustion"), approve=False,
                       start_server=start_drill_server, results_to=runtime.session_factory)
    assert not report.passed
    assert report.checks["fault present before"] and not report.checks["fault gone after"]
    assert any("awaits a second responder" in p for p in report.problems)
    assert report.steps[-2].status == "awaiting_approval"
    drill = next(d for d in client.get("/api/v1/drills").json() if d["name"] == "postgres-connection-exhaustion")
    assert drill["last_passed"] is False and drill["last_passed_at"] is None


def test_an_unknown_drill_is_named_with_the_choices() -> None:
    with pytest.raises(NotFound, match="no drill named 'nope'; drills are postgres-connection-exhaustion"):
        find_drill("nope")

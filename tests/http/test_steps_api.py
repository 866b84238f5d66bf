"""Steps through the API on SQLite and PostgreSQL: policy by class, roles, blocking, dry runs,
automatic diagnostics, hostile labels and secrets in output."""

# Fixtures imported from another folder are named again as parameters; that is how pytest uses them.
# ruff: noqa: F811

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from firebreak.db.session import transaction
from firebreak.incident import timeline
from firebreak.runtime import Runtime
from firebreak.security import audit
from tests.payloads import alertmanager, am_alert

# The step fixtures are imported by name so that pytest finds them for this module.
from tests.support.steps import (  # noqa: F401
    BEARER,
    SECRET_PASSWORD,
    clients,
    step_app,
    step_credentials,
    step_runtime,
)

PG_RUNBOOK = "postgres-connection-exhaustion"
MITIGATION = 3  # pg_terminate_backend of the role's idle sessions: destructive
ROLE_LIMIT = 1  # diagnostics: the role's limit (bash psql)


def open_incident(clients: dict[str, Any], runtime: Runtime, *, name: str = "PostgresConnectionsExhausted",
                  service: str = "pg", **labels: str) -> int:
    sent = clients["ingest"].post("/api/v1/alerts/alertmanager", json=alertmanager(am_alert(name, service=service,
                                                                                              **labels)))
    assert sent.status_code == 202, sent.text
    runtime.execution.runner.wait_idle()
    incident_id = sent.json()["results"][0]["incident_id"]
    assert incident_id is not None
    return int(incident_id)


def entries(runtime: Runtime, incident_id: int) -> list[Any]:
    with transaction(runtime.session_factory) as session:
        return [(e.kind, e.actor, e.data) for e in timeline.entries(session, incident_id=incident_id)]


def test_destructive_step_needs_a_second_responder(clients: dict[str, Any], step_runtime: Runtime) -> None:
    incident = open_incident(clients, step_runtime, role="firebreak_nobody")
    asked = clients["responder"].post(f"/api/v1/incidents/{incident}/steps", json={"command": MITIGATION})
    assert asked.status_code == 201, asked.text
    step = asked.json()
    assert step["class"] == "destructive" and step["status"] == "awaiting_approval"
    assert "second responder" in step["needs"]

    own = clients["responder"].post(f"/api/v1/steps/{step['id']}/approve")
    assert own.status_code == 403
    assert "second responder" in own.json()["detail"]
    after = clients["viewer"].get(f"/api/v1/steps/{step['id']}").json()
    assert after["status"] == "awaiting_approval" and after["started_at"] is None and after["exit_code"] is None
    kinds = [k for k, _, d in entries(step_runtime, incident) if d.get("step_id") == step["id"]]
    assert "step.approval_refused" in kinds and "step.run" not in kinds

    viewer = clients["viewer"].post(f"/api/v1/steps/{step['id']}/approve")
    assert viewer.status_code == 403
    assert clients["viewer"].get(f"/api/v1/steps/{step['id']}").json()["status"] == "awaiting_approval"

    other = clients["responder2"].post(f"/api/v1/steps/{step['id']}/approve")
    assert other.status_code == 200, other.text
    ran = other.json()
    assert ran["status"] == "succeeded", ran
    assert ran["approvals"][0]["by"] == "test-responder2"
    assert "pg_terminate_backend" in ran["stdout"]
    kinds = [k for k, _, d in entries(step_runtime, incident) if d.get("step_id") == step["id"]]
    assert kinds == ["step.requested", "step.approval_refused", "step.approved", "step.run", "step.output"]


def test_viewer_may_neither_request_nor_approve(clients: dict[str, Any], step_runtime: Runtime) -> None:
    incident = open_incident(clients, step_runtime, role="firebreak_nobody")
    refused = clients["viewer"].post(f"/api/v1/incidents/{incident}/steps", json={"command": ROLE_LIMIT})
    assert refused.status_code == 403
    assert clients["viewer"].get(f"/api/v1/incidents/{incident}/steps").status_code == 200


def test_unfilled_placeholder_blocks_with_a_clear_message(clients: dict[str, Any], step_runtime: Runtime) -> None:
    incident = open_incident(clients, step_runtime)  # no `role` label
    blocked = clients["responder"].post(f"/api/v1/incidents/{incident}/steps", json={"command": ROLE_LIMIT})
    assert blocked.status_code == 422
    problem = blocked.json()
    assert problem["missing"] == ["<role>"]
    assert "no value for <role>" in problem["detail"] and "input 'role'" in problem["detail"]
    stored = clients["viewer"].get(f"/api/v1/steps/{problem['step_id']}").json()
    assert stored["status"] == "blocked" and stored["started_at"] is None
    assert ("step.blocked" in [k for k, _, _ in entries(step_runtime, incident)])

    given = clients["responder"].post(f"/api/v1/incidents/{incident}/steps",
                                      json={"command": ROLE_LIMIT, "input": {"role": "postgres"}})
    assert given.status_code == 201 and given.json()["status"] == "succeeded"
    assert "postgres" in given.json()["stdout"]


def test_dry_run_shows_the_exact_command_and_stores_nothing(clients: dict[str, Any], step_runtime: Runtime) -> None:
    incident = open_incident(clients, step_runtime, role="it's")
    before = len(clients["viewer"].get(f"/api/v1/incidents/{incident}/steps").json())
    dry = clients["responder"].post(f"/api/v1/incidents/{incident}/steps",
                                    json={"command": ROLE_LIMIT, "dry_run": True})
    assert dry.status_code == 200
    body = dry.json()
    assert body["status"] == "ready" and body["mode"] == "argv" and body["class"] == "read-only"
    assert body["argv"][:3] == ["psql", "-X", "-c"]
    assert "rolname = 'it''s'" in body["argv"][3]
    assert body["display"].startswith("psql -X -c ")
    assert body["values"]["<role>"] == {"source": "label", "key": "role", "secret": False, "value": "it's"}
    assert len(clients["viewer"].get(f"/api/v1/incidents/{incident}/steps").json()) == before


def test_diagnostics_run_when_an_incident_opens(clients: dict[str, Any], step_runtime: Runtime) -> None:
    incident = open_incident(clients, step_runtime, role="postgres")
    steps = clients["viewer"].get(f"/api/v1/incidents/{incident}/steps").json()
    assert [s["command"] for s in steps] == [0, 1, 2]
    assert all(s["automatic"] and s["status"] == "succeeded" and s["class"] == "read-only" for s in steps)
    log = entries(step_runtime, incident)
    kinds = [k for k, _, _ in log]
    assert "runbook.attached" in kinds and "diagnostics.started" in kinds and kinds.count("step.output") == 3
    assert "incident.status" not in kinds  # nobody acknowledged yet
    assert all(s["target"]["name"] == "db" and s["target"]["kind"] == "postgres" for s in steps)
    assert SECRET_PASSWORD not in json.dumps(steps)
    quiet = open_incident(clients, step_runtime, service="quiet", role="postgres")
    proposed = clients["viewer"].get(f"/api/v1/incidents/{quiet}/steps").json()
    assert [s["command"] for s in proposed] == [0, 1, 2]
    assert all(s["status"] == "proposed" and s["started_at"] is None and s["exit_code"] is None
               and s["target"] is None and "service quiet declares no execution target" in s["reason"]
               for s in proposed), proposed
    asked = clients["responder"].post(f"/api/v1/incidents/{quiet}/steps", json={"command": 0})
    assert asked.status_code == 422 and asked.json()["title"] == "No execution target"
    assert asked.json()["step_status"] == "proposed"
    assert "step.run" not in [k for k, _, _ in entries(step_runtime, quiet)]


def test_hostile_labels_execute_nothing_end_to_end(clients: dict[str, Any], step_runtime: Runtime,
                                                   tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    for role in (f"x; touch {canary}", f"$(touch {canary})`touch {canary}`",
                 f"x'; COPY (SELECT 1) TO PROGRAM 'touch {canary}'; --", f'a\n"; touch {canary}'):
        incident = open_incident(clients, step_runtime, role=role, instance=role)
        steps = clients["viewer"].get(f"/api/v1/incidents/{incident}/steps").json()
        assert steps and all(s["status"] == "succeeded" for s in steps), steps
        asked = clients["responder"].post(f"/api/v1/incidents/{incident}/steps", json={"command": MITIGATION})
        clients["responder2"].post(f"/api/v1/steps/{asked.json()['id']}/approve")
        assert not canary.exists(), role
        resolve = clients["responder"].post(f"/api/v1/incidents/{incident}/transition", json={"status": "resolved"})
        assert resolve.status_code == 200


def test_secrets_in_output_reach_neither_timeline_api_nor_logs(clients: dict[str, Any], step_runtime: Runtime,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    incident = open_incident(clients, step_runtime, name="SecretEchoAlert", pod_name="api-7f9c")
    steps = clients["viewer"].get(f"/api/v1/incidents/{incident}/steps").json()
    assert [s["status"] for s in steps] == ["succeeded"] * 3, steps
    assert steps[0]["stdout"] == "dsn=[REDACTED]\n"
    assert steps[1]["stdout"] == "Authorization: Bearer [REDACTED]\n"
    assert steps[2]["stdout"] == "pod=api-7f9c\n"
    api = json.dumps(steps) + clients["viewer"].get(f"/api/v1/incidents/{incident}/timeline").text
    with transaction(step_runtime.session_factory) as session:
        audited = json.dumps([e.detail for e in audit.entries(session, limit=1000)])
    stored = json.dumps(entries(step_runtime, incident))
    for text in (api, stored, audited, caplog.text):
        assert SECRET_PASSWORD not in text and BEARER not in text
    assert steps[0]["values"]["$PG_DSN"] == {"source": "runbook variable", "key": "pg_dsn", "secret": True,
                                             "value": None}


def test_mutating_step_runs_after_one_approval_and_can_be_rejected(clients: dict[str, Any],
                                                                   step_runtime: Runtime) -> None:
    incident = open_incident(clients, step_runtime, name="SecretEchoAlert")
    asked = clients["responder"].post(f"/api/v1/incidents/{incident}/steps",
                                      json={"command": 3, "dry_run": True}).json()
    assert asked["class"] == "mutating" and asked["status"] == "blocked"
    assert set(asked["missing"]) == {"<deployment>", "<namespace>"}
    made = clients["responder"].post(f"/api/v1/incidents/{incident}/steps", json={
        "command": 3, "input": {"deployment": "api", "namespace": "prod"}}).json()
    assert made["status"] == "awaiting_approval" and made["needs"] == "needs approval by a responder"
    rejected = clients["responder2"].post(f"/api/v1/steps/{made['id']}/reject", json={"reason": "not now"})
    assert rejected.json()["status"] == "rejected"
    again = clients["responder"].post(f"/api/v1/steps/{made['id']}/approve")
    assert again.status_code == 409


def test_unknown_command_and_incident_are_clear_errors(clients: dict[str, Any], step_runtime: Runtime) -> None:
    incident = open_incident(clients, step_runtime, role="postgres")
    bad = clients["responder"].post(f"/api/v1/incidents/{incident}/steps", json={"command": 99})
    assert bad.status_code == 422 and "there is no command 99" in bad.json()["detail"]
    missing = clients["responder"].post("/api/v1/incidents/999999/steps", json={"command": 0})
    assert missing.status_code == 404

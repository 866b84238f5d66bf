"""Incident API on both databases: lifecycle over HTTP, roles, severity, notes, timeline tamper checks."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from firebreak.db.models.core import TimelineEntryRecord
from firebreak.incident.lifecycle import STATES, TRANSITIONS
from tests.conftest import auth
from tests.payloads import alertmanager, am_alert


@pytest.fixture
def incident_id(ingest_client) -> int:
    r = ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(am_alert()))
    return r.json()["results"][0]["incident_id"]


def test_walk_the_lifecycle_with_milestones(client, incident_id, clock) -> None:
    from datetime import timedelta
    path = ["acknowledged", "investigating", "identified", "mitigating", "monitoring", "resolved", "closed"]
    for state in path:
        clock.advance(timedelta(minutes=1))
        if state == "closed":  # CLS-1: the post-incident review drafted on resolve is completed first
            done = client.put(f"/api/v1/incidents/{incident_id}/review", json={
                "sections": {"root_cause": "Pool too small.", "resolution": "Pool grown."}, "status": "complete"})
            assert done.status_code == 200, done.text
        r = client.post(f"/api/v1/incidents/{incident_id}/transition", json={"status": state})
        assert r.status_code == 200, r.text
        assert r.json()["status"] == state
    milestones = client.get(f"/api/v1/incidents/{incident_id}").json()["milestones"]
    assert all(milestones[s] for s in ["triggered", *path])
    assert milestones["acknowledged"] < milestones["resolved"]
    r = client.post(f"/api/v1/incidents/{incident_id}/transition", json={"status": "investigating"})
    assert r.status_code == 409 and r.json()["allowed"] == []


def test_illegal_transition_is_409_naming_allowed(client, incident_id) -> None:
    r = client.post(f"/api/v1/incidents/{incident_id}/transition", json={"status": "monitoring"})
    assert r.status_code == 409
    assert r.json()["allowed"] == ["acknowledged", "investigating", "resolved"]
    assert "allowed: acknowledged, investigating, resolved" in r.json()["detail"]
    assert client.post(f"/api/v1/incidents/{incident_id}/acknowledge").status_code == 200
    assert client.post(f"/api/v1/incidents/{incident_id}/acknowledge").status_code == 409


@pytest.mark.parametrize("target", STATES)
def test_each_target_from_triggered(client, incident_id, target) -> None:
    r = client.post(f"/api/v1/incidents/{incident_id}/transition", json={"status": target})
    expected = 200 if ("triggered", target) in TRANSITIONS else 409
    assert r.status_code == expected


def test_reopen_after_resolve(client, incident_id, ingest_client) -> None:
    client.post(f"/api/v1/incidents/{incident_id}/transition", json={"status": "resolved"})
    r = client.post(f"/api/v1/incidents/{incident_id}/transition", json={"status": "investigating"})
    assert r.status_code == 200 and r.json()["milestones"]["reopened"]
    # reopened incident takes the group's alerts again
    r = ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(am_alert(instance="other:1")))
    assert r.json()["results"][0]["incident_id"] == incident_id


def test_roles_severity_notes_on_timeline(client, incident_id, runtime) -> None:
    base = f"/api/v1/incidents/{incident_id}"
    assert client.post(f"{base}/roles", json={"role": "incident_commander", "assignee": "amara"}).status_code == 200
    assert client.post(f"{base}/roles", json={"role": "technical_lead", "assignee": "external:bob"}).status_code == 200
    r = client.post(f"{base}/roles", json={"role": "janitor", "assignee": "x"})
    assert r.status_code == 422 and r.json()["field"] == "role"
    before = client.get(base).json()["severity"]
    lowest = runtime.severity_levels()[-1]
    assert client.post(f"{base}/severity", json={"severity": lowest, "reason": "contained"}).status_code == 200
    r = client.post(f"{base}/severity", json={"severity": "apocalyptic"})
    assert r.status_code == 422 and r.json()["field"] == "severity"
    assert client.post(f"{base}/notes", json={"text": "rolled back 1.4.2"}).status_code == 201
    detail = client.get(base).json()
    assert detail["roles"] == {"incident_commander": "amara", "technical_lead": "external:bob"}
    assert detail["severity"] == lowest
    entries = client.get(f"{base}/timeline").json()
    assert [e["kind"] for e in entries][-4:] == ["incident.role", "incident.role", "incident.severity", "note"]
    sev = entries[-2]
    assert sev["data"] == {"from": before, "to": lowest, "reason": "contained"}
    assert sev["actor"] == "bootstrap-admin"


def test_viewer_reads_but_cannot_act(anon_client, credentials, incident_id) -> None:
    viewer = auth(credentials["viewer"])
    assert anon_client.get(f"/api/v1/incidents/{incident_id}", headers=viewer).status_code == 200
    assert anon_client.post(f"/api/v1/incidents/{incident_id}/acknowledge", headers=viewer).status_code == 403
    assert anon_client.get("/api/v1/incidents").status_code == 401
    responder = auth(credentials["responder"])
    assert anon_client.post(f"/api/v1/incidents/{incident_id}/acknowledge", headers=responder).status_code == 200


def test_filters_and_pagination(client, ingest_client) -> None:
    ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(
        *[am_alert(f"Alert{i}", service="svc-a" if i % 2 else "svc-b", severity="warning") for i in range(7)]))
    assert client.get("/api/v1/incidents", params={"service": "svc-a"}).json()["total"] == 3
    page = client.get("/api/v1/incidents", params={"limit": 5, "offset": 5}).json()
    assert page["total"] == 7 and len(page["items"]) == 2
    assert client.get("/api/v1/incidents", params={"status": "open"}).json()["total"] == 7
    r = client.get("/api/v1/incidents", params={"status": "sleeping"})
    assert r.status_code == 422 and r.json()["field"] == "status"
    assert client.get("/api/v1/incidents/999").status_code == 404


def test_timeline_verify_catches_tampering(client, incident_id, runtime) -> None:
    base = f"/api/v1/incidents/{incident_id}"
    for i in range(4):
        client.post(f"{base}/notes", json={"text": f"note {i}"})
    entries = len(client.get(f"{base}/timeline").json())
    assert client.get(f"{base}/timeline/verify").json() == {"ok": True, "entries": entries, "problems": [],
                                                            "first_bad_seq": None}
    with runtime.session_factory.begin() as s:
        s.execute(update(TimelineEntryRecord).where(TimelineEntryRecord.seq == 4)
                  .values(data={"text": "nothing happened"}))
    verdict = client.get(f"{base}/timeline/verify").json()
    assert not verdict["ok"] and verdict["first_bad_seq"] == 4


def test_timeline_verify_catches_deletion_and_insertion(client, incident_id, runtime) -> None:
    base = f"/api/v1/incidents/{incident_id}"
    for i in range(3):
        client.post(f"{base}/notes", json={"text": f"note {i}"})
    with runtime.session_factory.begin() as s:
        s.execute(delete(TimelineEntryRecord).where(TimelineEntryRecord.seq == 3))
    assert client.get(f"{base}/timeline/verify").json()["first_bad_seq"] == 4
    with runtime.session_factory.begin() as s:
        row = s.scalars(select(TimelineEntryRecord).where(TimelineEntryRecord.seq == 4)).one()
        s.add(TimelineEntryRecord(incident_id=incident_id, seq=3, at=row.at, kind="note", actor="mallory",
                                  data={"text": "forged"}, prev_hash=row.prev_hash, hash=row.hash))
    verdict = client.get(f"{base}/timeline/verify").json()
    assert not verdict["ok"] and verdict["first_bad_seq"] == 3

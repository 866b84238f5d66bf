"""Runbook API: import (responders), list, search, show, match, and attaching a runbook to an incident."""

from __future__ import annotations

from fastapi.testclient import TestClient

from firebreak.incident import service, timeline
from firebreak.incident.events import IncidentOpened
from firebreak.runbook.match import attach
from firebreak.runtime import Runtime
from tests.conftest import auth
from tests.payloads import alertmanager, am_alert
from tests.runbook.corpus import PROMETHEUS_OPERATOR, PROMETHEUS_OPERATOR_URL, SEED_FILES


def seed_documents() -> list[dict[str, str]]:
    return [{"path": path.name, "content": path.read_text()} for path in SEED_FILES.values()]


def operator_documents() -> list[dict[str, str]]:
    return [{"path": p.relative_to(PROMETHEUS_OPERATOR).as_posix(), "content": p.read_text()}
            for p in sorted(PROMETHEUS_OPERATOR.rglob("*.md"))]


def test_import_then_list_show_and_search(client: TestClient) -> None:
    response = client.post("/api/v1/runbooks/import", json={"documents": seed_documents()})
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["created"]) == 66 and not body["updated"]
    again = client.post("/api/v1/runbooks/import", json={"documents": seed_documents()}).json()
    assert len(again["unchanged"]) == 66
    listing = client.get("/api/v1/runbooks", params={"kind": "scenario", "limit": 500}).json()
    assert listing["total"] == 34
    pool = next(i for i in listing["items"] if i["slug"] == "003-e553a3c957542cac/database-connection-pool-exhausted")
    assert pool["title"] == "Database Connection Pool Exhausted" and pool["kind"] == "scenario"
    assert pool["source_path"] == "003_e553a3c957542cac.txt" and pool["line"] == 3
    assert pool["alert_names"] == ["DatabaseConnectionPoolExhausted"]
    assert pool["commands"][2] == {
        "text": "SELECT pg_terminate_backend(pid) FROM pg_stat_activity\n"
                "WHERE state = 'idle' AND query_start < now() - interval '10 minutes';",
        "language": "sql", "class": "destructive", "line": 31, "phase": "Remediation", "placeholders": [],
        "reason": pool["commands"][2]["reason"]}
    assert "pg_terminate_backend" in pool["commands"][2]["reason"]
    detail = client.get(f"/api/v1/runbooks/{pool['slug']}").json()
    assert [p["kind"] for p in detail["phases"]][:2] == ["detection", "immediate"]
    assert detail["history"][0]["version"] == 1 and detail["commands"][0]["class"] == "read-only"
    found = client.get("/api/v1/runbooks", params={"q": "flushdb redis"}).json()
    assert [i["title"] for i in found["items"]] == ["JWT Token Compromise", "Response Process",
                                                    "Redis Memory Exhaustion"]


def test_match_ranks_with_scores_and_reasons(client: TestClient) -> None:
    client.post("/api/v1/runbooks/import", json={"documents": seed_documents()})
    client.post("/api/v1/runbooks/import", json={"documents": operator_documents(),
                                                 "base_url": PROMETHEUS_OPERATOR_URL})
    body = client.get("/api/v1/runbooks/match", params={
        "alertname": "KubePodCrashLooping", "label": ["namespace=default"],
        "runbook_url": f"{PROMETHEUS_OPERATOR_URL}/kubernetes/kubepodcrashlooping/"}).json()
    assert body["best"]["slug"] == "kubernetes/kubepodcrashlooping"
    assert body["matches"][0]["score"] >= 180 and body["matches"][0]["reasons"]
    assert body["threshold"] == 35
    none = client.get("/api/v1/runbooks/match", params={"alertname": "KafkaConsumerLagHigh"}).json()
    assert none["best"] is None


def test_bad_requests_get_problem_details(client: TestClient) -> None:
    assert client.get("/api/v1/runbooks/nope/nothing").status_code == 404
    bad_label = client.get("/api/v1/runbooks/match", params={"label": "novalue"})
    assert bad_label.status_code == 422 and bad_label.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/v1/runbooks/match").status_code == 422
    escape = client.post("/api/v1/runbooks/import", json={"documents": [{"path": "../etc/passwd", "content": "x"}]})
    assert escape.status_code == 422
    assert client.post("/api/v1/runbooks/import", json={"documents": []}).status_code == 422
    same = [{"path": "a.md", "content": "# A\n"}, {"path": "a.md", "content": "# B\n"}]
    assert client.post("/api/v1/runbooks/import", json={"documents": same}).status_code == 422
    assert client.get("/api/v1/runbooks", params={"kind": "other"}).status_code == 422


def test_viewers_read_but_only_responders_import_or_attach(app, credentials: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    documents = {"documents": [{"path": "x.md", "content": "# Disk Full\n\n## Symptoms\n\n- full\n"}]}
    with TestClient(app, raise_server_exceptions=False) as anonymous:
        assert anonymous.get("/api/v1/runbooks").status_code == 401
        viewer = auth(credentials["viewer"])
        assert anonymous.get("/api/v1/runbooks", headers=viewer).status_code == 200
        assert anonymous.post("/api/v1/runbooks/import", json=documents, headers=viewer).status_code == 403
        responder = auth(credentials["responder"])
        assert anonymous.post("/api/v1/runbooks/import", json=documents, headers=responder).status_code == 200
        assert anonymous.post("/api/v1/incidents/1/runbook", json={"slug": "x"}, headers=viewer).status_code == 403


def test_a_responder_attaches_a_runbook_to_an_incident(client: TestClient, runtime: Runtime) -> None:
    client.post("/api/v1/runbooks/import", json={"documents": seed_documents()})
    with runtime.session_factory.begin() as session:
        incident = service.open_incident(session, title="errors", severity=None, service=None, team=None,
                                         escalation_policy=None, group_key="g", now=runtime.clock.now(),
                                         actor="test", data={})
        incident_id = incident.id
    slug = "002-8bd8d12e583eb50a/elevated-error-rate"
    response = client.post(f"/api/v1/incidents/{incident_id}/runbook", json={"slug": slug})
    assert response.status_code == 200, response.text
    assert response.json()["slug"] == slug and response.json()["reasons"]
    with runtime.session_factory() as session:
        entries = timeline.entries(session, incident_id=incident_id)
        assert entries[-1].kind == "runbook.attached" and entries[-1].data["slug"] == slug
    assert client.post(f"/api/v1/incidents/{incident_id}/runbook", json={"slug": "missing"}).status_code == 404
    assert client.post("/api/v1/incidents/999999/runbook", json={"slug": slug}).status_code == 404


def test_an_alert_opening_an_incident_attaches_its_runbook(client: TestClient, ingest_client: TestClient,
                                                             runtime: Runtime) -> None:
    client.post("/api/v1/runbooks/import", json={"documents": seed_documents()})
    runtime.subscribers.subscribe(IncidentOpened, attach.on_incident_opened)
    payload = alertmanager(am_alert("DatabaseConnectionPoolExhausted", service="backend"))
    assert ingest_client.post("/api/v1/alerts/alertmanager", json=payload).status_code == 202
    incident_id = client.get("/api/v1/incidents").json()["items"][0]["id"]
    with runtime.session_factory() as session:
        current = attach.current_attachment(session, incident_id)
        kinds = [e.kind for e in timeline.entries(session, incident_id=incident_id)]
    assert current is not None and current["slug"] == "003-e553a3c957542cac/database-connection-pool-exhausted"
    assert "runbook.attached" in kinds

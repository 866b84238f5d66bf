"""The audit log over HTTP: every state-changing request is recorded with who, what, when, where, outcome."""

from __future__ import annotations

from sqlalchemy import update

from firebreak.db.models.security import AuditEntryRecord
from tests.conftest import auth
from tests.payloads import alertmanager, am_alert, pagerduty


def test_each_write_is_audited_with_its_outcome(client, anon_client, ingest_client, credentials, clock) -> None:
    incident = ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(am_alert())).json()
    incident_id = incident["results"][0]["incident_id"]
    anon_client.post(f"/api/v1/incidents/{incident_id}/acknowledge")  # nobody: 401
    anon_client.post(f"/api/v1/incidents/{incident_id}/acknowledge", headers=auth(credentials["viewer"]))  # 403
    anon_client.post(f"/api/v1/incidents/{incident_id}/acknowledge", headers=auth(credentials["responder"]))
    anon_client.post(f"/api/v1/incidents/{incident_id}/transition", json={"status": "closed"},
                     headers=auth(credentials["responder"]))  # 409
    client.get(f"/api/v1/incidents/{incident_id}")  # reads are not audited
    entries = client.get("/api/v1/audit").json()
    assert [(e["actor"], e["status"], e["outcome"]) for e in entries] == [
        ("test-responder", 409, "rejected"),
        ("test-responder", 200, "success"),
        ("test-viewer", 403, "denied"),
        ("anonymous", 401, "denied"),
        ("default-ingest", 202, "success"),
    ]
    ack = entries[1]
    assert ack["action"] == "POST /api/v1/incidents/{incident_id}/acknowledge"
    assert ack["target"] == {"incident_id": str(incident_id)}
    assert ack["path"] == f"/api/v1/incidents/{incident_id}/acknowledge"
    assert ack["role"] == "responder" and ack["via"] == "token" and ack["client"] == "testclient"
    assert ack["at"].startswith(clock.now().isoformat()[:19]) and len(ack["request_id"]) == 32
    assert "may not do this" in entries[2]["detail"] and "transition" in entries[0]["action"]
    verify = client.get("/api/v1/audit/verify").json()
    assert verify == {"ok": True, "entries": 5, "problems": [], "first_bad_seq": None}


def test_request_id_is_kept_from_the_caller_when_safe(client) -> None:
    r = client.post("/api/v1/tokens", json={"name": "ci", "role": "viewer"}, headers={"X-Request-ID": "deploy-42"})
    assert r.headers["x-request-id"] == "deploy-42"
    assert client.get("/api/v1/audit").json()[0]["request_id"] == "deploy-42"


def test_pagerduty_key_is_neither_audited_nor_stored(anon_client, client, credentials, runtime) -> None:
    key = credentials["ingest"]
    assert anon_client.post("/v2/enqueue", json=pagerduty(key)).status_code == 202
    entry = client.get("/api/v1/audit").json()[0]
    assert entry["actor"] == "default-ingest" and entry["role"] == "ingest"
    detail = client.get("/api/v1/incidents/1").json()
    assert key not in str(detail) and key not in str(client.get("/api/v1/incidents/1/timeline").json())
    from sqlalchemy import select

    from firebreak.db.models.core import AlertRecord
    with runtime.session_factory() as s:
        alert = s.scalars(select(AlertRecord)).one()
        assert alert.routing_key == "default-ingest" and key not in str(alert.raw) and key not in alert.fingerprint
    # Acknowledging with the same key still finds the alert.
    assert anon_client.post("/v2/enqueue", json=pagerduty(key, action="acknowledge")).status_code == 202
    assert client.get("/api/v1/incidents/1").json()["status"] == "acknowledged"


def test_audit_is_admin_only(anon_client, credentials) -> None:
    for role in ("viewer", "responder", "ingest"):
        assert anon_client.get("/api/v1/audit", headers=auth(credentials[role])).status_code == 403
        assert anon_client.get("/api/v1/audit/verify", headers=auth(credentials[role])).status_code == 403
    assert anon_client.get("/api/v1/audit").status_code == 401


def test_tampering_shows_in_verify(client, runtime) -> None:
    client.post("/api/v1/tokens", json={"name": "a", "role": "viewer"})
    client.post("/api/v1/tokens", json={"name": "b", "role": "viewer"})
    with runtime.session_factory.begin() as s:
        s.execute(update(AuditEntryRecord).where(AuditEntryRecord.seq == 1).values(actor="someone-else"))
    verify = client.get("/api/v1/audit/verify").json()
    assert verify["ok"] is False and verify["first_bad_seq"] == 1


def test_audit_filters_and_paging(client) -> None:
    for name in ("a", "b", "c"):
        client.post("/api/v1/tokens", json={"name": name, "role": "viewer"})
    client.post("/api/v1/tokens", json={"name": "a", "role": "viewer"})  # 409
    assert [e["seq"] for e in client.get("/api/v1/audit", params={"limit": 2}).json()] == [4, 3]
    assert [e["seq"] for e in client.get("/api/v1/audit", params={"before": 3}).json()] == [2, 1]
    assert [e["seq"] for e in client.get("/api/v1/audit", params={"outcome": "rejected"}).json()] == [4]
    assert client.get("/api/v1/audit", params={"outcome": "bogus"}).status_code == 422

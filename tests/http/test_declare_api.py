"""Declaring an incident by hand over HTTP, on both databases: routed, roles given, paged, audited."""

from __future__ import annotations

from fastapi.testclient import TestClient

from firebreak.runtime import Runtime
from tests.conftest import auth
from tests.http.test_runbooks_api import seed_documents
from tests.payloads import alertmanager, am_alert

BREACH = {"title": "Suspected breach: customer data seen on a paste site", "severity": "critical",
          "services": ["auth", "api-gateway"], "escalation_policy": "security",
          "description": "A customer sent a link to a paste with their account export.",
          "roles": {"incident_commander": "amara", "communications_lead": "external:Legal"}}


def test_a_declared_incident_is_routed_given_roles_and_paged(client: TestClient, runtime: Runtime) -> None:
    response = client.post("/api/v1/incidents", json=BREACH)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["status"], body["severity"], body["service"], body["team"], body["escalation_policy"]) == (
        "triggered", "SEV1", "auth", "platform", "security")
    assert body["services"] == ["auth", "api-gateway"]
    assert body["description"] == BREACH["description"]
    assert body["roles"] == {"incident_commander": "amara", "communications_lead": "external:Legal"}
    assert body["alerts"] == [] and body["alert_count"] == 0 and body["merged_into"] is None
    # Its escalation started as an alert-opened one's does: active, first turn due now.
    assert body["escalation"]["status"] == "active" and body["escalation"]["policy"] == "security"
    assert body["escalation"]["next_due_at"] == body["created_at"]
    entries = client.get(f"/api/v1/incidents/{body['id']}/timeline").json()
    opened = entries[0]
    assert opened["kind"] == "incident.opened" and opened["actor"] == "bootstrap-admin"
    assert opened["data"]["source"] == "declared" and opened["data"]["declared_by"] == "bootstrap-admin"
    assert opened["data"]["services"] == ["auth", "api-gateway"]
    assert "escalation policy security as declared" in opened["data"]["reasons"]
    assert [e["data"]["role"] for e in entries if e["kind"] == "incident.role"] == [
        "incident_commander", "communications_lead"]
    assert client.get(f"/api/v1/incidents/{body['id']}/timeline/verify").json()["ok"]
    audited = client.get("/api/v1/audit", params={"actor": "bootstrap-admin"}).json()
    assert audited[0]["action"] == "POST /api/v1/incidents" and audited[0]["status"] == 201


def test_team_and_policy_follow_the_service_unless_declared(client: TestClient) -> None:
    body = client.post("/api/v1/incidents", json={"title": "Ledger totals disagree", "severity": "SEV2",
                                                  "services": ["ledger-worker"]}).json()
    assert (body["team"], body["escalation_policy"]) == ("payments", "payments-default")
    handed = client.post("/api/v1/incidents", json={"title": "Ledger totals disagree again", "severity": "SEV2",
                                                    "services": ["ledger-worker"], "team": "data"}).json()
    assert (handed["team"], handed["escalation_policy"]) == ("data", "data-default")
    bare = client.post("/api/v1/incidents", json={"title": "Office network down", "severity": "low"})
    assert bare.status_code == 201, bare.text
    assert bare.json()["service"] is None and bare.json()["services"] == [] and bare.json()["severity"] == "SEV4"


def test_bad_declarations_are_refused_naming_the_field_and_write_nothing(client: TestClient) -> None:
    cases = [
        ({**BREACH, "services": ["auth", "billing"]}, 422, "services", "unknown service 'billing'"),
        ({**BREACH, "severity": "apocalyptic"}, 422, "severity", "apocalyptic"),
        ({**BREACH, "team": "marketing"}, 422, "team", "unknown team 'marketing'"),
        ({**BREACH, "escalation_policy": "nobody"}, 422, "escalation_policy", "unknown escalation policy"),
        ({**BREACH, "roles": {"janitor": "amara"}}, 422, "role", "unknown role"),
        ({**BREACH, "roles": {"incident_commander": "amra"}}, 422, "assignee", "unknown assignee 'amra'"),
        ({**BREACH, "title": "   "}, 422, "title", "needs a title"),
    ]
    for body, status, field, words in cases:
        response = client.post("/api/v1/incidents", json=body)
        assert response.status_code == status, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json().get("field") == field and words in response.json()["detail"], response.text
    missing = client.post("/api/v1/incidents", json={"title": "no severity"})
    assert missing.status_code == 422 and "severity" in missing.text
    assert client.get("/api/v1/incidents").json()["total"] == 0


def test_only_responders_declare(app, credentials: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app, raise_server_exceptions=False) as anyone:
        assert anyone.post("/api/v1/incidents", json=BREACH, headers=auth(credentials["viewer"])).status_code == 403
        assert anyone.post("/api/v1/incidents", json=BREACH).status_code == 401
        response = anyone.post("/api/v1/incidents", json=BREACH, headers=auth(credentials["responder"]))
        assert response.status_code == 201 and response.json()["roles"]["incident_commander"] == "amara"


def test_a_declared_incident_gets_its_runbook_like_an_alert_opened_one(client: TestClient) -> None:
    client.post("/api/v1/runbooks/import", json={"documents": seed_documents()})
    body = client.post("/api/v1/incidents", json={"title": "Security: potential breach", "severity": "SEV1",
                                                  "services": ["auth"]}).json()
    assert body["runbook"] is not None and body["runbook"]["slug"].endswith("security-potential-breach")


def test_later_alerts_never_join_a_declared_incident(client: TestClient, ingest_client: TestClient) -> None:
    declared = client.post("/api/v1/incidents", json={"title": "HighErrorRate", "severity": "SEV2",
                                                      "services": ["api-gateway"]}).json()
    fired = ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(am_alert(service="api-gateway")))
    assert fired.json()["results"][0]["incident_id"] != declared["id"]

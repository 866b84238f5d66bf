"""Incident views on both databases: list items agree with the detail; role holders and severity words are checked."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient

from firebreak.incident.roles import known_names, resolve_assignee
from firebreak.kernel.errors import InvalidInput
from firebreak.route.severity import level_named
from firebreak.route.severity_presets import preset
from firebreak.runtime import Runtime
from firebreak.security import users
from tests.payloads import alertmanager, am_alert

CHEAP = PasswordHasher.from_parameters(profiles.CHEAPEST)
RUNBOOK = """# Checkout errors

**Alerts:** `CheckoutErrors`

## Diagnosis

```bash
echo looking
```
"""


def fire(ingest_client: TestClient, name: str, severity: str = "warning") -> int:
    response = ingest_client.post("/api/v1/alerts/alertmanager",
                                  json=alertmanager(am_alert(name, service="checkout", severity=severity)))
    assert response.status_code == 202, response.text
    return int(response.json()["results"][0]["incident_id"])


def test_list_items_carry_the_same_values_as_the_detail(client: TestClient, ingest_client: TestClient) -> None:
    with_all = fire(ingest_client, "CheckoutErrors")
    bare = fire(ingest_client, "CheckoutSlow")
    imported = client.post("/api/v1/runbooks/import",
                           json={"documents": [{"path": "checkout.md", "content": RUNBOOK}]}).json()
    slug = imported["runbooks"][0]["slug"]
    assert client.post(f"/api/v1/incidents/{with_all}/runbook", json={"slug": slug}).status_code == 200
    for role, who in (("incident_commander", "amara"), ("communications_lead", "external:Vendor Support")):
        response = client.post(f"/api/v1/incidents/{with_all}/roles", json={"role": role, "assignee": who})
        assert response.status_code == 200, response.text
    items = {item["id"]: item for item in client.get("/api/v1/incidents").json()["items"]}
    assert set(items) == {with_all, bare}
    for incident_id, item in items.items():
        detail = client.get(f"/api/v1/incidents/{incident_id}").json()
        assert detail["alerts"] and "alerts" not in item
        assert item == {key: value for key, value in detail.items() if key != "alerts"}
    assert items[with_all]["roles"] == {"incident_commander": "amara",
                                        "communications_lead": "external:Vendor Support"}
    assert items[with_all]["runbook"]["slug"] == slug
    assert items[bare]["roles"] == {} and items[bare]["runbook"] is None


def test_role_holders_must_be_known_or_marked_external(client: TestClient, ingest_client: TestClient,
                                                       runtime: Runtime) -> None:
    with runtime.session_factory.begin() as session:
        users.create_user(session, name="ops-lead", role="responder", password="a long enough password",
                          now=runtime.clock.now(), hasher=CHEAP)
        users.create_user(session, name="gone", role="responder", password="a long enough password",
                          now=runtime.clock.now(), hasher=CHEAP)
        users.disable_user(session, name="gone", now=runtime.clock.now())
    base = f"/api/v1/incidents/{fire(ingest_client, 'CheckoutErrors')}"
    response = client.post(f"{base}/roles", json={"role": "incident_commander", "assignee": "amaar"})
    assert response.status_code == 422 and response.json()["field"] == "assignee"
    assert "amaar" in response.json()["detail"] and "external:amaar" in response.json()["detail"]
    # A configured user by display name or e-mail is stored under their handle; sign-in accounts count too.
    for given, stored in (("Jonas Berg", "jonas"), ("PRIYA@kestrel.example", "priya"), ("ops-lead", "ops-lead"),
                          ("external: Dana from Acme", "external:Dana from Acme")):
        response = client.post(f"{base}/roles", json={"role": "technical_lead", "assignee": given})
        assert response.status_code == 200, response.text
        assert response.json()["roles"]["technical_lead"] == stored
    response = client.post(f"{base}/roles", json={"role": "technical_lead", "assignee": "gone"})
    assert response.status_code == 422, "a disabled account holds no role"
    response = client.post(f"{base}/roles", json={"role": "technical_lead", "assignee": "external:  "})
    assert response.status_code == 422 and response.json()["field"] == "assignee"
    assert client.post(f"{base}/roles", json={"role": "technical_lead", "assignee": None}).json()["roles"] == {}
    kinds = [e["kind"] for e in client.get(f"{base}/timeline").json()]
    assert kinds.count("incident.role") == 5


def test_severity_aliases_are_accepted_wherever_a_severity_is(client: TestClient,
                                                               ingest_client: TestClient) -> None:
    incident_id = fire(ingest_client, "CheckoutErrors", severity="info")
    base = f"/api/v1/incidents/{incident_id}"
    assert client.get(base).json()["severity"] == "SEV4"
    response = client.post(f"{base}/severity", json={"severity": "critical", "reason": "customers affected"})
    assert response.status_code == 200, response.text
    assert response.json()["severity"] == "SEV1"
    entry = client.get(f"{base}/timeline").json()[-1]
    assert entry["kind"] == "incident.severity" and entry["data"]["to"] == "SEV1"
    assert client.post(f"{base}/severity", json={"severity": "sev-2"}).json()["severity"] == "SEV2"
    assert client.get("/api/v1/incidents", params={"severity": "high"}).json()["total"] == 1
    assert client.get("/api/v1/incidents", params={"severity": "SEV2"}).json()["total"] == 1
    response = client.get("/api/v1/incidents", params={"severity": "apocalyptic"})
    assert response.status_code == 422 and response.json()["field"] == "severity"
    response = client.post(f"{base}/severity", json={"severity": "apocalyptic"})
    assert response.status_code == 422 and "SEV1, SEV2, SEV3, SEV4" in response.json()["detail"]


def test_assignee_resolution_is_pure() -> None:
    known = known_names([("amara", ("Amara Okafor", "amara@kestrel.example")), ("admin", ())])
    assert resolve_assignee("AMARA OKAFOR", known) == "amara"
    assert resolve_assignee(None, known) is None
    assert resolve_assignee("External:Bob", known) == "external:Bob"
    with pytest.raises(InvalidInput, match="admin, amara"):
        resolve_assignee("bob", known)


def test_level_named_maps_through_the_scale() -> None:
    scale = preset("sev1-sev4")
    assert level_named(scale, "critical") == "SEV1" and level_named(scale, " sev 3 ") == "SEV3"
    with pytest.raises(InvalidInput, match="unknown severity 'P0'"):
        level_named(scale, "P0")

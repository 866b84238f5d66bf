"""Route API on both databases: silences, route tests, configuration reload and read-only views."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from firebreak.http.app import create_app
from firebreak.kernel.clock import FixedClock
from firebreak.kernel.settings import Settings
from firebreak.runtime import Runtime
from firebreak.security.bootstrap import bootstrap
from tests.conftest import auth
from tests.payloads import alertmanager, am_alert

SMALL = """
teams: [{name: platform, escalation_policy: default}]
services: [{name: api, team: platform}]
escalation_policies: [{name: default}]
routes:
  - {name: api, match: {service: api}, severity: SEV2}
"""
BROKEN = SMALL + "  - {name: web, match: {service: web}, team: ghost}\n"


def silence(client: TestClient, *matchers: str, **extra: object) -> dict:
    body = {"matchers": list(matchers) or ['service="checkout"'], "duration": "2h", "comment": "deploy", **extra}
    r = client.post("/api/v1/silences", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def test_silence_lifecycle_over_http(client: TestClient, clock: FixedClock) -> None:
    created = silence(client, 'service="checkout"', 'severity=~"critical|warning"')
    assert created["state"] == "active" and created["created_by"]
    assert created["matchers"] == ['service="checkout"', 'severity=~"critical|warning"']
    assert client.get(f"/api/v1/silences/{created['id']}").json()["id"] == created["id"]
    listed = client.get("/api/v1/silences", params={"state": "active"}).json()["items"]
    assert [item["id"] for item in listed] == [created["id"]]
    clock.advance(timedelta(minutes=5))
    r = client.delete(f"/api/v1/silences/{created['id']}")
    assert r.status_code == 200 and r.json()["state"] == "expired"
    assert client.get("/api/v1/silences", params={"state": "active"}).json()["items"] == []
    again = client.delete(f"/api/v1/silences/{created['id']}")
    assert again.status_code == 409 and again.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/v1/silences/nope").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [({"matchers": ['job=~"("'], "duration": "1h", "comment": "x"}, "matchers[0]"),
     ({"matchers": ['a="b"'], "duration": "soon", "comment": "x"}, "duration"),
     ({"matchers": ['a="b"'], "comment": "x"}, "ends_at"),
     ({"matchers": ['a=""'], "duration": "1h", "comment": "x"}, "matchers"),
     ({"matchers": ['a="b"'], "ends_at": "2020-01-01T00:00:00Z", "comment": "x"}, "ends_at")],
)
def test_bad_silences_are_422_naming_the_field(client: TestClient, body: dict, field: str) -> None:
    r = client.post("/api/v1/silences", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field
    assert client.get("/api/v1/silences").json()["items"] == []


def test_roles(app, credentials: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app, raise_server_exceptions=False) as c:
        body = {"matchers": ['a="b"'], "duration": "1h", "comment": "x"}
        assert c.post("/api/v1/silences", json=body).status_code == 401
        assert c.post("/api/v1/silences", json=body, headers=auth(credentials["viewer"])).status_code == 403
        made = c.post("/api/v1/silences", json=body, headers=auth(credentials["responder"]))
        assert made.status_code == 201 and made.json()["created_by"] == "test-responder"
        assert c.get("/api/v1/silences", headers=auth(credentials["viewer"])).status_code == 200
        assert c.post("/api/v1/config/reload", headers=auth(credentials["responder"])).status_code == 403
        probe = c.post("/api/v1/route/test", json={"labels": {"a": "b"}}, headers=auth(credentials["viewer"]))
        assert probe.status_code == 200


def test_silenced_alert_is_stored_but_opens_no_incident(client: TestClient, ingest_client: TestClient) -> None:
    made = silence(client, 'service="checkout"')
    r = ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(am_alert(service="checkout")))
    assert r.status_code in (200, 202), r.text
    result = r.json()["results"][0]
    assert result["incident_id"] is None
    assert client.get("/api/v1/incidents").json()["items"] == []
    # the silence recorded that it was used
    assert client.get(f"/api/v1/silences/{made['id']}").json()["match_count"] == 1
    other = ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(am_alert(service="billing")))
    assert other.json()["results"][0]["incident_id"] is not None


def test_route_test_explains(client: TestClient) -> None:
    made = silence(client, 'service="postgres"')
    r = client.post("/api/v1/route/test", json={
        "labels": {"alertname": "PostgresTooManyConnections", "service": "postgres"}, "severity": "warning"})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["routes"] == ["postgres-connections"]
    assert (data["service"], data["team"], data["severity"]) == ("postgres", "data", "SEV2")
    assert data["escalation_policy"] == "data-default"
    assert data["muted_by"] == f"silence:{made['id']}" and data["pages"] is False
    judged = {(row["route"], row["matcher"]): row["matched"] for row in data["explanation"]}
    assert judged[("database", 'service="postgres"')] is True
    assert judged[("staging", 'env="staging"')] is False
    # a route test never stores anything
    assert client.get("/api/v1/silences/" + made["id"]).json()["match_count"] == 0


def test_route_test_with_assumed_firing_alert(client: TestClient) -> None:
    r = client.post("/api/v1/route/test", json={
        "labels": {"alertname": "HighLatencyP95", "service": "api-gateway", "severity": "warning"},
        "firing": [{"labels": {"alertname": "ServiceDown", "service": "api-gateway"}, "fingerprint": "down-1"}]})
    data = r.json()
    assert data["inhibited_by"] == "down-1" and data["inhibit_rule"] == "outage-covers-warnings"
    bad = client.post("/api/v1/route/test", json={"labels": {"a": 1}})
    assert bad.status_code == 422


def test_read_only_configuration_views(client: TestClient) -> None:
    services = client.get("/api/v1/config/services").json()["items"]
    postgres = next(s for s in services if s["name"] == "postgres")
    assert postgres["targets"][0]["dsn"] == "env:FIREBREAK_DRILL_PG_DSN"
    routes = client.get("/api/v1/config/routes").json()["items"]
    assert any(route.get("continue") for route in routes)
    users = client.get("/api/v1/config/users").json()["items"]
    assert users and all("contact" not in user for user in users)
    scale = client.get("/api/v1/config/severity").json()
    assert [level["name"] for level in scale["levels"]] == ["SEV1", "SEV2", "SEV3", "SEV4"]
    assert scale["levels"][0]["update_cadence"] == "15m"
    windows = client.get("/api/v1/config/maintenance").json()["items"]
    vacuum = next(w for w in windows if w["name"] == "postgres-weekly-vacuum")
    assert vacuum["next"]["length"] == "1h"
    assert client.get("/api/v1/config/nothing").status_code == 404
    assert client.put("/api/v1/config/services", json={}).status_code == 405


@pytest.fixture
def file_client(db_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[tuple[TestClient, Path]]:
    """An app whose configuration lives in a file the test can rewrite."""
    path = tmp_path / "firebreak.yaml"
    path.write_text(SMALL, encoding="utf-8")
    runtime = Runtime(Settings(database_url=db_url, data_dir=tmp_path, run_worker=False, config=path), clock=clock)
    app = create_app(runtime, background=False)
    with runtime.session_factory.begin() as s:
        first = bootstrap(s, now=clock.now())
        assert first is not None
    with TestClient(app, raise_server_exceptions=False, headers=auth(first.admin_token)) as c:
        yield c, path
    runtime.close()


def test_reload_with_a_broken_file_keeps_the_old_configuration(file_client: tuple[TestClient, Path]) -> None:
    client, path = file_client
    assert client.get("/api/v1/config").json()["generation"] == 1
    path.write_text(BROKEN, encoding="utf-8")
    r = client.post("/api/v1/config/reload")
    assert r.status_code == 422
    problem = r.json()
    assert problem["file"] == str(path) and problem["line"] == 7 and problem["field"] == "routes[1].team"
    summary = client.get("/api/v1/config").json()
    assert summary["generation"] == 1 and "ghost" in summary["last_error"]
    assert [s["name"] for s in client.get("/api/v1/config/services").json()["items"]] == ["api"]
    path.write_text(SMALL.replace("services: [{name: api, team: platform}]",
                                  "services: [{name: api, team: platform}, {name: web, team: platform}]"),
                    encoding="utf-8")
    ok = client.post("/api/v1/config/reload")
    assert ok.status_code == 200 and ok.json()["generation"] == 2 and ok.json()["counts"]["services"] == 2
    probe = client.post("/api/v1/route/test", json={"labels": {"service": "api"}}).json()
    assert probe["severity"] == "SEV2" and probe["routes"] == ["api"]

"""PagerDuty Events v2 over HTTP on SQLite and PostgreSQL: naming and grouping by what an event is,
routing like the webhook twin, resolve semantics per source and service, and change events."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from firebreak.config import Config, parse_config
from firebreak.db.models.changes import ChangeEventRecord
from firebreak.db.models.core import AlertRecord
from tests.payloads import alertmanager, am_alert, pagerduty

CONFIG = """
severity_scale: sev1-sev4
teams:
  - {name: data}
  - {name: platform}
services:
  - {name: orders-db, team: data}
  - {name: ledger, team: data, auto_resolve: {pagerduty: false}}
  - {name: checkout, team: platform}
routes:
  - name: checkout
    match: {service: checkout}
    severity: SEV2
  - name: deploys
    match: {source: deploy-bot}
    service: checkout
"""


@pytest.fixture(scope="module")
def example_config() -> Config:
    return parse_config(CONFIG, file="pagerduty.yaml")


def trigger(key: str, dedup_key: str, summary: str, **payload: Any) -> dict[str, Any]:
    body = pagerduty(key, dedup_key=dedup_key, summary=summary)
    body["payload"].update(payload)
    return body


def am_default(key: str, dedup_key: str, summary: str) -> dict[str, Any]:
    """Alertmanager's default pagerduty_configs: only the group's counters in the details."""
    return {"routing_key": key, "dedup_key": dedup_key, "event_action": "trigger", "client": "Alertmanager",
            "payload": {"summary": summary, "source": "Alertmanager", "severity": "error",
                        "custom_details": {"firing": "Labels:\n - alertname = X\n", "num_firing": "1",
                                           "num_resolved": "0", "resolved": ""}}}


def outcome(response) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    assert response.status_code == 202, response.text
    return response.json()["status"], response.json()["dedup_key"]


def test_new_wording_joins_the_same_incident(anon_client, client, credentials) -> None:
    key = credentials["ingest"]
    outcome(anon_client.post("/v2/enqueue", json=trigger(key, "pool-1", "Pool exhausted on orders-db")))
    outcome(anon_client.post("/v2/enqueue", json=trigger(key, "pool-2", "orders-db: 100/100 connections")))
    listing = client.get("/api/v1/incidents").json()
    assert listing["total"] == 1
    incident = client.get(f"/api/v1/incidents/{listing['items'][0]['id']}").json()
    assert incident["alert_count"] == 2 and incident["service"] == "orders-db" and incident["team"] == "data"
    assert {alert["name"] for alert in incident["alerts"]} == {"connections"}


def test_direct_sender_routes_and_groups_like_its_webhook_twin(anon_client, ingest_client, client, runtime,
                                                               credentials) -> None:
    twin = ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(am_alert(service="checkout")))
    assert twin.json()["results"][0]["outcome"] == "opened"
    body = pagerduty(credentials["ingest"], dedup_key="err-1", summary="5xx on checkout")
    body["payload"]["custom_details"] = {"alertname": "HighErrorRate", "service": "checkout",
                                         "severity": "critical"}
    outcome(anon_client.post("/v2/enqueue", json=body))
    assert client.get("/api/v1/incidents").json()["total"] == 1
    with runtime.session_factory() as s:
        rows = {row.source: row for row in s.scalars(select(AlertRecord))}
    assert rows["pagerduty"].incident_id == rows["alertmanager"].incident_id
    assert (rows["pagerduty"].service, rows["pagerduty"].severity) == ("checkout", "SEV2")
    assert (rows["alertmanager"].service, rows["alertmanager"].severity) == ("checkout", "SEV2")


def test_alertmanager_default_events_one_incident_per_dedup_key(anon_client, client, credentials) -> None:
    key = credentials["ingest"]
    for summary in ("[FIRING:1] HighErrorRate api (a critical)", "[FIRING:2] HighErrorRate api (critical)"):
        outcome(anon_client.post("/v2/enqueue", json=am_default(key, "group-a", summary)))
    outcome(anon_client.post("/v2/enqueue", json=am_default(key, "group-b", "[FIRING:1] DiskFull db")))
    listing = client.get("/api/v1/incidents").json()
    assert listing["total"] == 2
    titles = sorted(item["title"] for item in listing["items"])
    assert titles == ["[FIRING:1] DiskFull db", "[FIRING:1] HighErrorRate api (a critical)"]


def test_resolve_of_the_last_firing_alert_resolves_the_incident(anon_client, client, credentials) -> None:
    key = credentials["ingest"]
    outcome(anon_client.post("/v2/enqueue", json=trigger(key, "pool-1", "Pool exhausted")))
    outcome(anon_client.post("/v2/enqueue", json=trigger(key, "pool-2", "Pool still exhausted")))
    incident_id = client.get("/api/v1/incidents").json()["items"][0]["id"]
    resolve = pagerduty(key, action="resolve", dedup_key="pool-1")
    outcome(anon_client.post("/v2/enqueue", json=resolve))
    incident = client.get(f"/api/v1/incidents/{incident_id}").json()
    assert incident["status"] == "triggered" and incident["firing_count"] == 1
    outcome(anon_client.post("/v2/enqueue", json=pagerduty(key, action="resolve", dedup_key="pool-2")))
    incident = client.get(f"/api/v1/incidents/{incident_id}").json()
    assert incident["status"] == "resolved"
    kinds = [entry["kind"] for entry in client.get(f"/api/v1/incidents/{incident_id}/timeline").json()]
    assert kinds[-2:] == ["alert.resolved", "incident.status"]


def test_a_service_can_keep_incidents_open_after_resolve(anon_client, ingest_client, client,
                                                         credentials) -> None:
    key = credentials["ingest"]
    outcome(anon_client.post("/v2/enqueue", json=trigger(key, "ledger-1", "Ledger lag", component="ledger")))
    outcome(anon_client.post("/v2/enqueue", json=pagerduty(key, action="resolve", dedup_key="ledger-1")))
    incident = client.get("/api/v1/incidents").json()["items"][0]
    assert incident["service"] == "ledger" and incident["status"] == "triggered"
    # an Alertmanager "resolved" leaves the incident to a responder by default
    ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(am_alert(service="orders-db")))
    ingest_client.post("/api/v1/alerts/alertmanager",
                       json=alertmanager(am_alert(service="orders-db", status="resolved")))
    statuses = {item["service"]: item["status"] for item in client.get("/api/v1/incidents").json()["items"]}
    assert statuses == {"ledger": "triggered", "orders-db": "triggered"}


def change(key: str, summary: str, **payload: Any) -> dict[str, Any]:
    return {"routing_key": key, "payload": {"summary": summary, "timestamp": "2026-11-22T11:58:00.000+0000",
                                            **payload},
            "links": [{"href": "https://ci.example.com/build/7", "text": "Build 7"}]}


def test_change_events_go_on_the_service_open_incidents(anon_client, ingest_client, client, credentials) -> None:
    key = credentials["ingest"]
    ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(am_alert(service="checkout")))
    outcome(anon_client.post("/v2/enqueue", json=trigger(key, "pool-1", "Pool exhausted")))
    by_service = {item["service"]: item["id"] for item in client.get("/api/v1/incidents").json()["items"]}
    # routed by its labels: the `deploys` route gives source=deploy-bot the service checkout
    r = anon_client.post("/v2/change/enqueue", json=change(key, "Deploy checkout v2.4.1", source="deploy-bot",
                                                           custom_details={"revision": "a1b2c3"}))
    assert r.status_code == 202 and r.json() == {"status": "success", "message": "Change event processed"}
    # or by a `service` detail
    r = anon_client.post("/v2/change/enqueue", json=change(key, "max_connections 100 -> 200",
                                                           custom_details={"service": "orders-db"}))
    assert r.status_code == 202

    def changes(incident_id: int) -> list[dict[str, Any]]:
        return [entry["data"] for entry in client.get(f"/api/v1/incidents/{incident_id}/timeline").json()
                if entry["kind"] == "change.received"]

    [deploy] = changes(by_service["checkout"])
    assert deploy["summary"] == "Deploy checkout v2.4.1" and deploy["source"] == "deploy-bot"
    assert deploy["details"] == {"revision": "a1b2c3"} and deploy["integration"] == "default-ingest"
    assert deploy["links"] == [{"href": "https://ci.example.com/build/7", "text": "Build 7"}]
    assert deploy["timestamp"].startswith("2026-11-22T11:58:00")
    assert [c["summary"] for c in changes(by_service["orders-db"])] == ["max_connections 100 -> 200"]
    # a change of a service without an open incident, or of no service, is answered and recorded nowhere
    assert anon_client.post("/v2/change/enqueue", json=change(key, "ledger migration",
                                                              custom_details={"service": "ledger"})).status_code == 202
    assert anon_client.post("/v2/change/enqueue", json=change(key, "laptop restarted")).status_code == 202
    assert len(changes(by_service["checkout"])) == 1 and len(changes(by_service["orders-db"])) == 1


def test_bad_change_events_name_the_field(anon_client, credentials) -> None:
    key = credentials["ingest"]
    r = anon_client.post("/v2/change/enqueue", json={"routing_key": key, "payload": {"source": "ci"}})
    assert r.status_code == 400 and r.json()["field"] == "payload.summary"
    r = anon_client.post("/v2/change/enqueue", json=change("not-a-key", "Deploy"))
    assert r.status_code == 400 and r.json()["field"] == "routing_key"
    assert r.json()["message"] == "Event object is invalid"


def test_an_incident_opening_shows_its_service_changes_from_the_hour_before(anon_client, ingest_client, client,
                                                                           credentials, clock, runtime) -> None:
    key = credentials["ingest"]
    body = change(key, "checkout v2.4.0", custom_details={"service": "checkout"})
    r = anon_client.post("/v2/change/enqueue", json=body)
    assert r.status_code == 202
    clock.advance(timedelta(hours=2))
    for summary in ("max_connections 100 -> 200", "pgbouncer pool_size 20 -> 10"):
        anon_client.post("/v2/change/enqueue", json=change(key, summary, custom_details={"service": "orders-db"}))
        clock.advance(timedelta(minutes=5))
    with runtime.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(ChangeEventRecord)) == 3  # kept, though no incident was open
    outcome(anon_client.post("/v2/enqueue", json=trigger(key, "pool-1", "Pool exhausted")))
    ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(am_alert(service="checkout")))
    by_service = {item["service"]: item["id"] for item in client.get("/api/v1/incidents").json()["items"]}

    def recent(incident_id: int) -> list[str]:
        return [entry["data"]["summary"] for entry in client.get(f"/api/v1/incidents/{incident_id}/timeline").json()
                if entry["kind"] == "change.received" and entry["data"].get("recent")]

    assert recent(by_service["orders-db"]) == ["max_connections 100 -> 200", "pgbouncer pool_size 20 -> 10"]
    assert recent(by_service["checkout"]) == []  # its change was two hours before

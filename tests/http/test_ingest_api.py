"""Ingest over HTTP on SQLite and PostgreSQL: formats, dedup, grouping, PagerDuty semantics."""

from __future__ import annotations

from sqlalchemy import func, select

from firebreak.db.models.core import AlertRecord, IncidentRecord
from tests.conftest import auth
from tests.payloads import alertmanager, am_alert, grafana, pagerduty


def count(runtime, model) -> int:
    with runtime.session_factory() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_alertmanager_firing_then_resolved(ingest_client, client, runtime) -> None:
    r = ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(am_alert(), am_alert("HighLatency")))
    assert r.status_code == 202, r.text
    assert [x["outcome"] for x in r.json()["results"]] == ["opened", "opened"]
    incidents = client.get("/api/v1/incidents").json()
    assert incidents["total"] == 2
    r = ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(am_alert(status="resolved")))
    assert r.json()["results"][0]["outcome"] == "resolved"
    inc_id = r.json()["results"][0]["incident_id"]
    detail = client.get(f"/api/v1/incidents/{inc_id}").json()
    assert detail["alerts_resolved"] is True and detail["status"] == "triggered"  # auto-resolve is off
    assert detail["alerts"][0]["status"] == "resolved"
    kinds = [e["kind"] for e in client.get(f"/api/v1/incidents/{inc_id}/timeline").json()
             if e["kind"].startswith(("incident.", "alert."))]
    assert kinds == ["incident.opened", "alert.attached", "alert.resolved"]


def test_thousand_repeats_make_one_incident_with_count(ingest_client, client, runtime) -> None:
    body = alertmanager(*[am_alert() for _ in range(1000)])
    r = ingest_client.post("/api/v1/alerts/alertmanager", json=body)
    assert r.status_code == 202
    outcomes = [x["outcome"] for x in r.json()["results"]]
    assert outcomes[0] == "opened" and set(outcomes[1:]) == {"deduplicated"}
    assert count(runtime, IncidentRecord) == 1 and count(runtime, AlertRecord) == 1
    alert = client.get("/api/v1/incidents/1").json()["alerts"][0]
    assert alert["count"] == 1000


def test_group_by_alertname_and_service(ingest_client, client) -> None:
    a = am_alert(instance="10.0.0.1:80")
    b = am_alert(instance="10.0.0.2:80")
    other_service = am_alert(service="payments")
    r = ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(a, b, other_service))
    assert [x["outcome"] for x in r.json()["results"]] == ["opened", "attached", "opened"]
    first = client.get("/api/v1/incidents/1").json()
    assert first["alert_count"] == 2 and first["firing_count"] == 2


def test_resolved_alert_with_nothing_open_is_recorded(ingest_client, runtime) -> None:
    r = ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(am_alert(status="resolved")))
    assert r.json()["results"][0]["outcome"] == "recorded"
    assert count(runtime, AlertRecord) == 1 and count(runtime, IncidentRecord) == 0


def test_grafana_and_generic(ingest_client, client) -> None:
    assert ingest_client.post("/api/v1/alerts/grafana", json=grafana()).json()["results"][0]["outcome"] == "opened"
    r = ingest_client.post("/api/v1/alerts", json={"title": "Backup job failed", "severity": "warning",
                                                   "labels": {"service": "backup"}, "dedup_key": "bk-1"})
    assert r.status_code == 202 and r.json()["results"][0]["outcome"] == "opened"
    again = ingest_client.post("/api/v1/alerts", json={"title": "Backup job failed", "dedup_key": "bk-1"})
    assert again.json()["results"][0]["outcome"] == "deduplicated"
    assert client.get("/api/v1/incidents").json()["total"] == 2


def test_pagerduty_trigger_ack_resolve_and_retrigger(anon_client, client, credentials) -> None:
    key = credentials["ingest"]
    r = anon_client.post("/v2/enqueue", json=pagerduty(key))
    assert r.status_code == 202
    assert r.json() == {"status": "success", "message": "Event processed", "dedup_key": "db-pool-1"}
    assert anon_client.post("/v2/enqueue", json=pagerduty(key)).json()["dedup_key"] == "db-pool-1"
    assert client.get("/api/v1/incidents").json()["total"] == 1
    assert anon_client.post("/v2/enqueue", json=pagerduty(key, action="acknowledge")).status_code == 202
    assert client.get("/api/v1/incidents/1").json()["status"] == "acknowledged"
    assert anon_client.post("/v2/enqueue", json=pagerduty(key, action="resolve")).status_code == 202
    detail = client.get("/api/v1/incidents/1").json()
    # the incident's last firing alert resolved: a PagerDuty resolve resolves the incident
    assert detail["alerts"][0]["status"] == "resolved" and detail["status"] == "resolved"
    # a trigger after resolve opens a new alert and incident
    anon_client.post("/v2/enqueue", json=pagerduty(key))
    listing = client.get("/api/v1/incidents").json()
    assert listing["total"] == 2 and listing["items"][0]["status"] == "triggered"


def test_pagerduty_dedup_key_is_scoped_to_routing_key(anon_client, client, runtime, credentials) -> None:
    from firebreak.security.tokens import create_token
    with runtime.session_factory.begin() as s:
        other = create_token(s, name="second-integration", role="ingest", now=runtime.clock.now()).secret
    anon_client.post("/v2/enqueue", json=pagerduty(credentials["ingest"]))
    anon_client.post("/v2/enqueue", json=pagerduty(other, summary="another integration", event_class="latency"))
    assert client.get("/api/v1/incidents").json()["total"] == 2
    # acknowledging under the second key leaves the first key's incident alone
    anon_client.post("/v2/enqueue", json=pagerduty(other, action="acknowledge"))
    statuses = {i["title"]: i["status"] for i in client.get("/api/v1/incidents").json()["items"]}
    assert statuses["another integration"] == "acknowledged"
    assert statuses["Database connection pool exhausted on orders-db"] == "triggered"


def test_pagerduty_unknown_key_and_bad_routing_key(anon_client, credentials, runtime) -> None:
    r = anon_client.post("/v2/enqueue", json=pagerduty(credentials["ingest"], action="resolve", dedup_key="nope"))
    assert r.status_code == 202 and r.json()["dedup_key"] == "nope"
    r = anon_client.post("/v2/enqueue", json=pagerduty("not-a-key"))
    assert r.status_code == 400 and r.json()["field"] == "routing_key"
    assert r.json()["message"] == "Event object is invalid"
    assert count(runtime, AlertRecord) == 0


def test_ingest_needs_an_ingest_key(anon_client, credentials) -> None:
    body = alertmanager(am_alert())
    assert anon_client.post("/api/v1/alerts/alertmanager", json=body).status_code == 401
    r = anon_client.post("/api/v1/alerts/alertmanager", json=body, headers=auth(credentials["viewer"]))
    assert r.status_code == 403


def test_bad_input_is_4xx_problem_and_stores_nothing(ingest_client, runtime, settings) -> None:
    cases = [
        (b"{not json", 400, "body"),
        (b"", 422, "body"),
        (b"[1, 2]", 422, "body"),
        (b'{"version": "4", "alerts": [{"status": "firing"}]}', 422, "alerts[0].labels"),
        (b'{"version": "5", "alerts": []}', 422, "version"),
    ]
    for raw, status, field in cases:
        r = ingest_client.post("/api/v1/alerts/alertmanager", content=raw,
                               headers={"content-type": "application/json"})
        assert r.status_code == status, (raw, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["field"] == field
    # one bad alert among good ones: nothing of the request is stored
    good, bad = am_alert(), am_alert("Other")
    bad["labels"]["severity"] = 7
    r = ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(good, bad))
    assert r.status_code == 422 and r.json()["field"] == "alerts[1].labels.severity"
    big = b'{"title": "' + b"x" * (settings.max_body_bytes + 10) + b'"}'
    r = ingest_client.post("/api/v1/alerts", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["title"] == "Payload too large"
    assert count(runtime, AlertRecord) == 0 and count(runtime, IncidentRecord) == 0

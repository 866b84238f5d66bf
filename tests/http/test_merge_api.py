"""Merging incidents over HTTP, on both databases: alerts, group and timeline join the survivor, chains verify."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import auth
from tests.payloads import alertmanager, am_alert


def fire(ingest_client: TestClient, name: str, service: str, severity: str = "critical",
         instance: str = "10.0.3.7:9090", status: str = "firing") -> dict[str, Any]:
    payload = alertmanager(am_alert(name, status=status, service=service, severity=severity, instance=instance))
    response = ingest_client.post("/api/v1/alerts/alertmanager", json=payload)
    assert response.status_code == 202, response.text
    return dict(response.json()["results"][0])


def test_merge_joins_alerts_and_timeline_and_closes_the_merged_one(client: TestClient,
                                                                    ingest_client: TestClient) -> None:
    survivor = fire(ingest_client, "HighErrorRate", "api-gateway", severity="warning")["incident_id"]
    merged = fire(ingest_client, "HighLatencyP95", "api-gateway")["incident_id"]
    client.post(f"/api/v1/incidents/{merged}/notes", json={"text": "same outage as the error rate"})
    before = client.get(f"/api/v1/incidents/{merged}/timeline").json()
    lower = client.get(f"/api/v1/incidents/{survivor}").json()["severity"]
    worse = client.get(f"/api/v1/incidents/{merged}").json()["severity"]
    assert lower != worse

    response = client.post(f"/api/v1/incidents/{merged}/merge", json={"into": survivor, "reason": "one outage"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == survivor and body["alert_count"] == 2 and body["firing_count"] == 2
    assert sorted(a["name"] for a in body["alerts"]) == ["HighErrorRate", "HighLatencyP95"]
    assert body["severity"] == worse  # the merged incident was more severe

    gone = client.get(f"/api/v1/incidents/{merged}").json()
    assert (gone["status"], gone["merged_into"], gone["alert_count"], gone["alerts"]) == ("closed", survivor, 0, [])
    assert gone["escalation"]["status"] == "stopped" and gone["allowed_transitions"] == []
    closing = client.get(f"/api/v1/incidents/{merged}/timeline").json()
    status = [e for e in closing if e["kind"] == "incident.status"][-1]
    assert (status["data"]["rule"], status["data"]["merged_into"], status["data"]["reason"]) == (
        "MRG-1", survivor, "one outage")
    assert closing[:len(before)] == before  # the merged chain was only appended to

    joined = client.get(f"/api/v1/incidents/{survivor}/timeline").json()
    summary = next(e for e in joined if e["kind"] == "incident.merged")
    assert summary["data"]["incident_id"] == merged and summary["data"]["entries"] == len(closing)
    assert summary["data"]["head"] == closing[-1]["hash"]
    copies = [e["data"] for e in joined if e["kind"] == "incident.merged_entry"]
    assert [(c["seq"], c["kind"], c["hash"], c["data"]) for c in copies] == [
        (e["seq"], e["kind"], e["hash"], e["data"]) for e in closing]
    for number in (survivor, merged):
        assert client.get(f"/api/v1/incidents/{number}/timeline/verify").json()["ok"]


def test_later_alerts_of_the_merged_group_go_to_the_survivor(client: TestClient, ingest_client: TestClient) -> None:
    survivor = fire(ingest_client, "HighErrorRate", "api-gateway")["incident_id"]
    merged = fire(ingest_client, "DatabaseConnectionPoolExhausted", "postgres")["incident_id"]
    assert client.post(f"/api/v1/incidents/{merged}/merge", json={"into": survivor}).status_code == 200
    later = fire(ingest_client, "DatabaseConnectionPoolExhausted", "postgres", instance="10.0.3.8:9090")
    assert (later["outcome"], later["incident_id"]) == ("attached", survivor)
    repeat = fire(ingest_client, "DatabaseConnectionPoolExhausted", "postgres")
    assert (repeat["outcome"], repeat["incident_id"]) == ("deduplicated", survivor)
    resolved = fire(ingest_client, "DatabaseConnectionPoolExhausted", "postgres", status="resolved")
    assert resolved["incident_id"] == survivor
    assert client.get(f"/api/v1/incidents/{survivor}").json()["firing_count"] == 2
    # Merged on again: the group follows to the newest survivor.
    third = fire(ingest_client, "QueueBacklog", "reporting")["incident_id"]
    assert client.post(f"/api/v1/incidents/{survivor}/merge", json={"into": third}).status_code == 200
    again = fire(ingest_client, "DatabaseConnectionPoolExhausted", "postgres", instance="10.0.3.9:9090")
    assert again["incident_id"] == third
    # Once the survivor is over, the group opens an incident of its own again.
    client.post(f"/api/v1/incidents/{third}/transition", json={"status": "resolved"})
    fresh = fire(ingest_client, "DatabaseConnectionPoolExhausted", "postgres", instance="10.0.4.1:9090")
    assert fresh["outcome"] == "opened" and fresh["incident_id"] not in (survivor, merged, third)


def test_bad_merges_are_refused_and_change_nothing(client: TestClient, ingest_client: TestClient) -> None:
    first = fire(ingest_client, "HighErrorRate", "api-gateway")["incident_id"]
    second = fire(ingest_client, "HighLatencyP95", "api-gateway")["incident_id"]
    done = fire(ingest_client, "QueueBacklog", "reporting")["incident_id"]
    client.post(f"/api/v1/incidents/{done}/transition", json={"status": "resolved"})
    cases = [
        (first, {"into": first}, 422, "cannot merge incident"),
        (first, {"into": done}, 409, "it is resolved"),
        (first, {"into": 987654}, 404, "incident 987654 not found"),
        (987654, {"into": first}, 404, "incident 987654 not found"),
        (first, {"into": 0}, 422, "into"),
        (first, {}, 422, "into"),
    ]
    for incident_id, body, status, words in cases:
        response = client.post(f"/api/v1/incidents/{incident_id}/merge", json=body)
        assert response.status_code == status and words in response.text, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
    assert client.post(f"/api/v1/incidents/{second}/merge", json={"into": first}).status_code == 200
    twice = client.post(f"/api/v1/incidents/{second}/merge", json={"into": first})
    assert twice.status_code == 409 and "is closed" in twice.json()["detail"]
    into_merged = client.post(f"/api/v1/incidents/{first}/merge", json={"into": second})
    assert into_merged.status_code == 409 and "it is closed" in into_merged.json()["detail"]
    survivor = client.get(f"/api/v1/incidents/{first}").json()
    assert survivor["status"] == "triggered" and survivor["alert_count"] == 2


def test_a_resolved_incident_can_be_merged_and_viewers_cannot_merge(app, client: TestClient,  # type: ignore[no-untyped-def]
                                                                     ingest_client: TestClient,
                                                                     credentials: dict[str, str]) -> None:
    survivor = fire(ingest_client, "HighErrorRate", "api-gateway")["incident_id"]
    merged = fire(ingest_client, "HighLatencyP95", "api-gateway")["incident_id"]
    client.post(f"/api/v1/incidents/{merged}/transition", json={"status": "resolved"})
    viewer = client.post(f"/api/v1/incidents/{merged}/merge", json={"into": survivor},
                         headers=auth(credentials["viewer"]))
    assert viewer.status_code == 403
    responder = client.post(f"/api/v1/incidents/{merged}/merge", json={"into": survivor},
                            headers=auth(credentials["responder"]))
    assert responder.status_code == 200, responder.text
    moved = [e for e in client.get(f"/api/v1/incidents/{merged}/timeline").json() if e["kind"] == "incident.status"]
    assert (moved[-1]["data"]["from"], moved[-1]["actor"]) == ("resolved", "test-responder")

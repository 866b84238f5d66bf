"""Status-update endpoints on both databases: drafts in the seeds' formats, posting, listing, clear 4xx answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from firebreak.kernel.clock import FixedClock
from tests.conftest import auth
from tests.payloads import alertmanager, am_alert


@pytest.fixture
def incident_id(ingest_client: TestClient) -> int:
    alert = am_alert("HighErrorRate", service="api-gateway", severity="critical")
    response = ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(alert))
    assert response.status_code == 202, response.text
    return int(response.json()["results"][0]["incident_id"])


def test_the_first_draft_is_the_initial_update_in_the_seed_format(client: TestClient, incident_id: int) -> None:
    assert client.post(f"/api/v1/incidents/{incident_id}/roles",
                       json={"role": "incident_commander", "assignee": "amara"}).status_code == 200
    draft = client.get(f"/api/v1/incidents/{incident_id}/updates/draft").json()
    assert draft["kind"] == "initial" and draft["visibility"] == "internal"
    lines = draft["body"].splitlines()
    assert lines[0] == draft["title"] and lines[0].startswith("[INCIDENT] SEV1 - ")
    assert "Status: Triggered" in lines and "IC: @amara" in lines  # the commander as chat knows them
    assert "Started: 2026-11-22 12:00 UTC" in lines and "Next update: 15 minutes" in lines
    assert lines[-1].startswith("Incident: http") and lines[-1].endswith(f"/incidents/{incident_id}")
    assert draft["suggested"][:2] == ["initial", "status_page"]


def test_posting_updates_drafts_what_is_left_out_and_lists_them(client: TestClient, incident_id: int,
                                                                clock: FixedClock) -> None:
    clock.advance(timedelta(minutes=3))
    first = client.post(f"/api/v1/incidents/{incident_id}/updates",
                        json={"impact": "Elevated error rate on API (15%)", "status": "Investigating"})
    assert first.status_code == 201, first.text
    assert first.json()["kind"] == "initial" and "Impact: Elevated error rate on API (15%)" in first.json()["body"]
    client.post(f"/api/v1/incidents/{incident_id}/notes", json={"text": "Pool size raised from 20 to 50"})
    draft = client.get(f"/api/v1/incidents/{incident_id}/updates/draft").json()
    assert draft["kind"] == "progress" and "- Pool size raised from 20 to 50" in draft["body"]  # from the timeline
    second = client.post(f"/api/v1/incidents/{incident_id}/updates",
                         json={"body": draft["body"].replace("(to be decided)", "Monitor for 10 minutes"),
                               "next_update_in": "10m"})
    assert second.status_code == 201, second.text
    assert second.json()["next_update_at"].startswith("2026-11-22T12:13:00")
    public = client.post(f"/api/v1/incidents/{incident_id}/updates",
                         json={"visibility": "public", "message": "We are investigating elevated error rates."})
    assert public.status_code == 201, public.text
    body = public.json()
    assert (body["kind"], body["visibility"], body["status"]) == ("status_page", "public", "investigating")
    assert body["title"] == "API Service Outage" and "- API (Major Outage)" in body["body"]
    assert body["components"] == [{"name": "API", "status": "major_outage"}]
    listed = client.get(f"/api/v1/incidents/{incident_id}/updates").json()
    assert [u["kind"] for u in listed] == ["initial", "progress", "status_page"]
    publics = client.get(f"/api/v1/incidents/{incident_id}/updates", params={"visibility": "public"}).json()
    assert [u["id"] for u in publics] == [body["id"]]
    kinds = [e["kind"] for e in client.get(f"/api/v1/incidents/{incident_id}/timeline").json()]
    assert kinds.count("update.posted") == 3


def test_the_resolved_and_customer_drafts_follow_the_incident(client: TestClient, incident_id: int,
                                                              clock: FixedClock) -> None:
    clock.advance(timedelta(minutes=45))
    client.post(f"/api/v1/incidents/{incident_id}/transition", json={"status": "resolved"})
    draft = client.get(f"/api/v1/incidents/{incident_id}/updates/draft").json()
    assert draft["kind"] == "resolved" and "Duration: 45 minutes" in draft["body"]
    assert draft["next_update_at"] is None
    assert "customer_email" in draft["suggested"]
    email = client.get(f"/api/v1/incidents/{incident_id}/updates/draft", params={"kind": "customer_email"}).json()
    assert email["title"] == "Service Disruption Update" and email["visibility"] == "public"
    assert "from 12:00 UTC to 12:45 UTC on 2026-11-22" in email["body"]
    assert "resolved and all services are now operating normally" in email["body"]


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "gossip"}, "kind"),
    ({"kind": "status_page", "visibility": "internal"}, "visibility"),
    ({"visibility": "everyone"}, "visibility"),
    ({"visibility": "public", "status": "mitigating"}, "status"),
    ({"next_update_in": "soon"}, "next_update_in"),
    ({"next_update_in": "30d"}, "next_update_in"),
    ({"body": "   "}, "body"),
    ({"surprise": 1}, "surprise"),
])
def test_bad_updates_are_refused_naming_the_field(client: TestClient, incident_id: int, body: dict,
                                                  field: str) -> None:
    response = client.post(f"/api/v1/incidents/{incident_id}/updates", json=body)
    assert response.status_code in (400, 422), response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in response.text
    assert client.get(f"/api/v1/incidents/{incident_id}/updates").json() == []


def test_viewers_read_updates_and_only_responders_post(anon_client: TestClient, credentials: dict[str, str],
                                                       incident_id: int) -> None:
    path = f"/api/v1/incidents/{incident_id}/updates"
    assert anon_client.get(path, headers=auth(credentials["viewer"])).status_code == 200
    assert anon_client.post(path, json={}, headers=auth(credentials["viewer"])).status_code == 403
    assert anon_client.post(path, json={}, headers=auth(credentials["responder"])).status_code == 201
    assert anon_client.get("/api/v1/incidents/999/updates", headers=auth(credentials["viewer"])).status_code == 404

"""Seed 001's worked example replayed with an injected clock: the review drafted on resolve shows its times.

Alert 14:30 UTC, acknowledged 14:35, root cause identified 14:45, fix deployed 15:15, resolution
verified 15:20: the draft says acknowledged after 5 min and resolved after 50 min, on both databases.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.conftest import auth
from tests.payloads import alertmanager, am_alert

DAY = datetime(2025, 10, 21, tzinfo=UTC)


def at(hour: int, minute: int) -> datetime:
    return DAY.replace(hour=hour, minute=minute)


def section(review: dict, key: str) -> str:
    return next(s["text"] for s in review["sections"] if s["key"] == key)


@pytest.fixture
def replay(runtime, client, ingest_client, credentials, clock):  # type: ignore[no-untyped-def]
    """Seed 001's incident from alert to verified resolution; returns (incident id, responder headers)."""
    responder = auth(credentials["responder"])
    clock.set(at(14, 30))
    alert = am_alert("ApiErrorSpike", service="api-gateway", severity="critical")
    alert["startsAt"] = "2025-10-21T14:30:00Z"
    alert["annotations"]["summary"] = "API 500 errors spike on /onboarding/v1/cases"
    incident_id = ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(alert)).json()[
        "results"][0]["incident_id"]
    runtime.escalator.worker().run_turns()  # the first level is paged at 14:30
    clock.set(at(14, 35))
    assert client.post(f"/api/v1/incidents/{incident_id}/acknowledge", headers=responder).status_code == 200
    steps = [((14, 45), "identified", "Database connection pool exhausted due to long-running queries"),
             ((15, 15), "mitigating", "Increased connection pool size from 20 to 50"),
             ((15, 15), "monitoring", "Fix deployed"),
             ((15, 20), "resolved", "Verified resolution")]
    for (hour, minute), status, reason in steps:
        clock.set(at(hour, minute))
        moved = client.post(f"/api/v1/incidents/{incident_id}/transition", headers=responder,
                            json={"status": status, "reason": reason})
        assert moved.status_code == 200, moved.text
    return incident_id, responder


def test_the_draft_shows_the_seed_times_and_durations(client, replay) -> None:  # type: ignore[no-untyped-def]
    incident_id, _ = replay
    review = client.get(f"/api/v1/incidents/{incident_id}/review").json()
    assert review["status"] == "draft" and review["version"] == 1
    assert [s["key"] for s in review["sections"]] == [
        "summary", "severity", "duration", "response", "timeline", "impact", "root_cause", "resolution",
        "went_well", "went_wrong", "action_items", "lessons"]
    summary = section(review, "summary")
    assert "It started 2025-10-21 14:30 UTC" in summary
    assert "acknowledged after 5 min by test-responder" in summary and "resolved after 50 min" in summary
    response = section(review, "response")
    assert "| Time to detect | 0 s |" in response
    assert "| Time to acknowledge | 5 min | within 5 min — met |" in response
    assert "| Time to mitigate | 45 min |" in response and "| Time to resolve | 50 min |" in response
    assert "Paged: jonas (level 1, 14:30 UTC)" in response
    assert section(review, "duration") == "50 min (2025-10-21 14:30 – 2025-10-21 15:20 UTC)"
    table = section(review, "timeline")
    for row in ("| 14:30 | Alert ApiErrorSpike fired: API 500 errors spike on /onboarding/v1/cases | alertmanager |",
                "| 14:30 | Paged jonas (level 1) | firebreak:escalation |",
                "| 14:35 | Acknowledged by test-responder | test-responder |",
                "| 14:45 | Root cause identified: Database connection pool exhausted due to long-running queries |",
                "| 15:15 | Fix applied, monitoring: Fix deployed |",
                "| 15:20 | Resolved: Verified resolution |"):
        assert row in table, table
    assert "- 14:45 UTC, root cause identified by test-responder: Database connection pool exhausted" in \
        section(review, "root_cause")
    assert "Increased connection pool size from 20 to 50" in section(review, "resolution")
    assert "Acknowledged within the deadline (5 min of 5 min)" in section(review, "went_well")
    assert "- Service: api-gateway (team platform)" in section(review, "impact")
    assert "Status-page components: API" in section(review, "impact")
    assert section(review, "lessons").startswith("<!-- prompt:")


def test_key_events_choose_the_timeline_rows(client, replay) -> None:  # type: ignore[no-untyped-def]
    incident_id, responder = replay
    entries = client.get(f"/api/v1/incidents/{incident_id}/timeline").json()
    wanted = {"alert.attached": "Alert triggered", "incident.status:acknowledged": "Incident acknowledged",
              "incident.status:identified": "Root cause identified", "incident.status:monitoring": "Fix deployed",
              "incident.status:resolved": "Verified resolution"}
    for entry in entries:
        key = entry["kind"] + (f":{entry['data']['to']}" if entry["kind"] == "incident.status" else "")
        if key in wanted:
            marked = client.put(f"/api/v1/incidents/{incident_id}/key-events/{entry['seq']}", headers=responder,
                                json={"label": wanted[key]})
            assert marked.status_code == 200, marked.text
    review = client.get(f"/api/v1/incidents/{incident_id}/review").json()
    rows = [line for line in section(review, "timeline").splitlines() if line.startswith("| ")][1:]
    assert [r.split(" | ")[:2] for r in rows] == [
        ["| 14:30", "Alert triggered"], ["| 14:35", "Incident acknowledged"], ["| 14:45", "Root cause identified"],
        ["| 15:15", "Fix deployed"], ["| 15:20", "Verified resolution"]]
    assert review["version"] == 6  # the draft, then one redraft per key event
    markdown = client.get(f"/api/v1/incidents/{incident_id}/review.md").text
    assert "| 14:35 | Incident acknowledged | test-responder |" in markdown and "<!--" not in markdown


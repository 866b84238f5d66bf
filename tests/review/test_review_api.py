"""Review API on both databases: edits kept as versions, stale edits refused, completion, CLS-1, exports."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import auth
from tests.payloads import alertmanager, am_alert


def fire(ingest_client, **labels) -> int:  # type: ignore[no-untyped-def]
    alert = am_alert("DiskFull", service="api-gateway", **labels)
    return ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(alert)).json()["results"][0][
        "incident_id"]


@pytest.fixture
def resolved(client, ingest_client, clock) -> int:  # type: ignore[no-untyped-def]
    """A SEV1 incident acknowledged and resolved without any reasons given."""
    incident_id = fire(ingest_client, severity="critical")
    clock.advance(timedelta(minutes=3))
    client.post(f"/api/v1/incidents/{incident_id}/acknowledge")
    clock.advance(timedelta(minutes=20))
    assert client.post(f"/api/v1/incidents/{incident_id}/transition", json={"status": "resolved"}).status_code == 200
    return incident_id


def text(review: dict, key: str) -> str:
    return next(s["text"] for s in review["sections"] if s["key"] == key)


def test_no_review_before_resolution(client, ingest_client) -> None:  # type: ignore[no-untyped-def]
    incident_id = fire(ingest_client, severity="critical")
    answer = client.get(f"/api/v1/incidents/{incident_id}/review")
    assert answer.status_code == 404 and "drafted when it resolves" in answer.json()["detail"]
    assert client.get("/api/v1/incidents/999/review").status_code == 404


def test_edits_are_versions_and_stale_edits_are_refused(client, resolved, credentials) -> None:  # type: ignore[no-untyped-def]
    responder = auth(credentials["responder"])
    path = f"/api/v1/incidents/{resolved}/review"
    saved = client.put(path, headers=responder, json={"sections": {"root_cause": "A full disk."}, "base_version": 1})
    assert saved.status_code == 200 and saved.json()["version"] == 2
    stale = client.put(path, headers=responder, json={"sections": {"root_cause": "Logs."}, "base_version": 1})
    assert stale.status_code == 409 and "changed since version 1" in stale.json()["detail"]
    same = client.put(path, headers=responder, json={"sections": {"root_cause": "A full disk."}})
    assert same.json()["version"] == 2  # nothing changed: no new version
    versions = client.get(f"{path}/versions").json()
    assert [(v["version"], v["author"], v["change"]) for v in versions] == [
        (1, "firebreak:review", "drafted when the incident resolved (RES-2)"),
        (2, "test-responder", "edited root_cause")]
    assert "A full disk." not in versions[0]["sections"]["root_cause"]
    assert client.get(f"{path}/versions/1").json()["sections"] == versions[0]["sections"]
    assert client.get(f"{path}/versions/9").status_code == 404


def test_bad_edits_name_what_is_wrong(client, resolved, credentials) -> None:  # type: ignore[no-untyped-def]
    path = f"/api/v1/incidents/{resolved}/review"
    viewer = client.put(path, headers=auth(credentials["viewer"]), json={"sections": {"lessons": "x"}})
    assert viewer.status_code == 403
    unknown = client.put(path, json={"sections": {"rootcause": "x"}})
    assert unknown.status_code == 422 and unknown.json()["field"] == "sections.rootcause"
    assert "sections are summary" in unknown.json()["detail"]
    assert client.put(path, json={"status": "finished"}).json()["field"] == "status"
    assert client.put(path, json={"sections": {"lessons": 3}}).status_code == 422
    assert client.get(path).json()["version"] == 1


def test_close_needs_a_complete_review(client, resolved, ingest_client) -> None:  # type: ignore[no-untyped-def]
    close = {"status": "closed"}
    refused = client.post(f"/api/v1/incidents/{resolved}/transition", json=close)
    assert refused.status_code == 409 and refused.json()["detail"].startswith("CLS-1: incident")
    assert "review still in draft" in refused.json()["detail"]
    assert client.get(f"/api/v1/incidents/{resolved}").json()["status"] == "resolved"
    path = f"/api/v1/incidents/{resolved}/review"
    early = client.put(path, json={"status": "complete"})
    assert early.status_code == 422 and "Root cause, Resolution" in early.json()["detail"]
    done = client.put(path, json={"sections": {"root_cause": "Log rotation was off.", "resolution": "Rotated logs."},
                                  "status": "complete"})
    assert done.status_code == 200 and done.json()["status"] == "complete" and done.json()["completed_by"]
    assert client.post(f"/api/v1/incidents/{resolved}/transition", json=close).status_code == 200
    # SEV4 (the example's lowest level) makes the review optional: it closes with a draft.
    minor = fire(ingest_client, severity="info", instance="other:1")
    client.post(f"/api/v1/incidents/{minor}/transition", json={"status": "resolved"})
    assert client.get(f"/api/v1/incidents/{minor}/review").json()["status"] == "draft"
    assert client.post(f"/api/v1/incidents/{minor}/transition", json=close).status_code == 200


def test_a_second_resolution_redrafts_only_untouched_sections(client, resolved, clock) -> None:  # type: ignore[no-untyped-def]
    path = f"/api/v1/incidents/{resolved}/review"
    client.put(path, json={"sections": {"summary": "Our words."}})
    before = client.get(path).json()
    clock.advance(timedelta(hours=1))
    client.post(f"/api/v1/incidents/{resolved}/transition", json={"status": "investigating", "reason": "again"})
    clock.advance(timedelta(minutes=10))
    client.post(f"/api/v1/incidents/{resolved}/transition", json={"status": "resolved", "reason": "for good"})
    after = client.get(path).json()
    assert text(after, "summary") == "Our words."
    assert text(after, "timeline") != text(before, "timeline") and "Reopened: again" in text(after, "timeline")
    assert "for good" in text(after, "resolution")
    assert after["version"] == before["version"] + 1


def test_exports_leave_prompts_out_and_escape_markup(client, resolved) -> None:  # type: ignore[no-untyped-def]
    path = f"/api/v1/incidents/{resolved}/review"
    client.put(path, json={"sections": {"lessons": "Watch <script>alert(1)</script> disks | closely"}})
    markdown = client.get(f"/api/v1/incidents/{resolved}.md".replace(".md", "/review.md"))
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text.startswith(f"# Post-incident review: #{resolved} DiskFull on api-gateway")
    assert "## Lessons learned" in markdown.text and "<!-- prompt" not in markdown.text
    html = client.get(f"/api/v1/incidents/{resolved}/review.html")
    assert html.headers["content-type"].startswith("text/html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html.text and "<script>" not in html.text
    assert "<table>" in html.text and "<h2>Timeline</h2>" in html.text


def test_marking_a_missing_entry_is_422(client, resolved) -> None:  # type: ignore[no-untyped-def]
    answer = client.put(f"/api/v1/incidents/{resolved}/key-events/999", json={})
    assert answer.status_code == 422 and answer.json()["field"] == "seq"
    assert client.delete(f"/api/v1/incidents/{resolved}/key-events/3").status_code == 204
    assert client.get(f"/api/v1/incidents/{resolved}/key-events").json() == []

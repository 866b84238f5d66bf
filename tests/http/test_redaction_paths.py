"""Secrets stay out of timelines, exports, error messages and logs end to end."""

from __future__ import annotations

import logging

from tests.payloads import alertmanager, am_alert

SECRET_NOTE = "rotated creds: PGPASSWORD=hunter2-prod and Authorization: Bearer fbk_ABCDEFGHIJKLMNOPQRSTUVWX"


def test_timeline_notes_are_redacted_and_still_verify(client, ingest_client) -> None:
    incident = ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(am_alert())).json()
    incident_id = incident["results"][0]["incident_id"]
    assert client.post(f"/api/v1/incidents/{incident_id}/notes", json={"text": SECRET_NOTE}).status_code == 201
    timeline = client.get(f"/api/v1/incidents/{incident_id}/timeline").text
    assert "hunter2-prod" not in timeline and "fbk_ABCDEFGHIJKLMNOPQRSTUVWX" not in timeline
    assert "PGPASSWORD=[REDACTED]" in timeline
    assert client.get(f"/api/v1/incidents/{incident_id}/timeline/verify").json()["ok"] is True


def test_alert_annotations_with_secrets_do_not_reach_the_timeline(client, ingest_client) -> None:
    alert = am_alert()
    alert["annotations"]["description"] = "dsn postgresql://app:leaked-pass@db/app"
    incident_id = ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(alert)).json()[
        "results"][0]["incident_id"]
    assert "leaked-pass" not in client.get(f"/api/v1/incidents/{incident_id}/timeline").text


def test_error_messages_never_echo_secrets(client, ingest_client) -> None:
    incident_id = ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(am_alert())).json()[
        "results"][0]["incident_id"]
    r = client.post(f"/api/v1/incidents/{incident_id}/severity", json={"severity": "password=hunter2hunter2"})
    assert r.status_code == 422
    assert "hunter2hunter2" not in r.text and "[REDACTED]" in r.json()["detail"]
    r = client.post(f"/api/v1/incidents/{incident_id}/transition", json={"status": "token=abcdef123456"})
    assert r.status_code in (409, 422) and "abcdef123456" not in r.text


def test_logs_are_redacted_at_the_source(app, caplog) -> None:
    with caplog.at_level(logging.INFO):
        logging.getLogger("firebreak.anything").warning("connecting with %s", "redis://:sup3r-secret@cache:6379")
        logging.getLogger("firebreak.anything").info("headers: Authorization: Bearer fbk_AAAAAAAAAAAAAAAAAAAAAAAA")
    assert "sup3r-secret" not in caplog.text and "fbk_AAAA" not in caplog.text
    assert "redis://:[REDACTED]@cache:6379" in caplog.text

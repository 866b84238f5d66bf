"""Paging over HTTP: who is on call, overrides, iCalendar, gaps, the delivery log and acknowledge links."""

# Fixtures imported from another folder are named again as parameters; that is how pytest uses them.
# ruff: noqa: F811

from __future__ import annotations

import io
import re
import time
from datetime import timedelta

import icalendar
from fastapi.testclient import TestClient

from firebreak.config import Config
from firebreak.escalate.worker import Worker
from firebreak.flows.receive import receive_alerts
from firebreak.http.app import create_app
from firebreak.ingest.alert import Alert
from firebreak.kernel.clock import FixedClock
from firebreak.kernel.settings import Settings
from firebreak.notify.console import ConsoleChannel
from firebreak.runtime import Runtime
from tests.conftest import auth

# The escalation fixtures (and its settings, on the escalation configuration) are imported by name so that pytest
# uses them for this module.
from tests.escalate.conftest import (  # noqa: F401
    OpenIncident,
    directory,
    escalate_config,
    escalation,
    example_config,
    incident_status,
    open_incident,
    outbox_rows,
    settings,
    timeline_kinds,
)

MIN = timedelta(minutes=1)


def test_on_call_now_and_at_a_time(client: TestClient, clock: FixedClock) -> None:
    now = client.get("/api/v1/oncall").json()
    primary = next(item for item in now["on_call"] if item["schedule"] == "primary")
    assert primary["user"] == "ann" and primary["name"] == "Ann Able" and primary["reason"] == "layer:rotation-1"
    assert primary["since"] == "2026-11-16T09:00:00Z" and primary["until"] == "2026-11-23T09:00:00Z"
    later = client.get("/api/v1/oncall", params={"at": "2026-11-24T12:00:00Z", "schedule": "primary"}).json()
    assert [item["user"] for item in later["on_call"]] == ["bob"]
    assert client.get("/api/v1/oncall", params={"schedule": "nope"}).status_code == 404
    bad = client.get("/api/v1/oncall", params={"at": "yesterday-ish"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")


def test_overrides_change_the_answer_and_are_validated(client: TestClient, credentials: dict[str, str]) -> None:
    body = {"schedule": "primary", "user": "zed", "start": "2026-11-22T11:00:00Z", "end": "2026-11-22T14:00:00Z",
            "reason": "ann at the dentist"}
    created = client.post("/api/v1/overrides", json=body)
    assert created.status_code == 201
    who = client.get("/api/v1/oncall", params={"schedule": "primary"}).json()["on_call"][0]
    assert who["user"] == "zed" and who["reason"] == f"override:db:{created.json()['id']}"
    assert who["until"] == "2026-11-22T14:00:00Z"
    assert [o["user"] for o in client.get("/api/v1/overrides").json()] == ["zed"]
    for bad, field in [({**body, "end": "2026-11-22T10:00:00Z"}, "end"), ({**body, "schedule": "x"}, "schedule"),
                       ({**body, "user": "nobody"}, "user"), ({**body, "start": "2026-11-22T11:00:00"}, "start")]:
        answer = client.post("/api/v1/overrides", json=bad)
        assert answer.status_code == 422 and answer.json()["field"] == field, answer.json()
    viewer = client.post("/api/v1/overrides", json=body, headers=auth(credentials["viewer"]))
    assert viewer.status_code == 403
    assert client.delete(f"/api/v1/overrides/{created.json()['id']}").status_code == 204
    assert client.get("/api/v1/oncall", params={"schedule": "primary"}).json()["on_call"][0]["user"] == "ann"
    assert client.delete(f"/api/v1/overrides/{created.json()['id']}").status_code == 404


def test_schedule_exports_as_icalendar_and_reports_gaps(client: TestClient) -> None:
    response = client.get("/api/v1/schedules/primary.ics", params={"days": 21})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    events = list(icalendar.Calendar.from_ical(response.content).walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["On call: Ann Able (ann)", "On call: Bob Baker (bob)",
                                                   "On call: Ann Able (ann)", "On call: Bob Baker (bob)"]
    assert str(events[0]["attendee"]) == "mailto:ann@example.com"
    assert client.get("/api/v1/schedules/primary/gaps").json() == []
    listing = client.get("/api/v1/schedules").json()
    assert {s["name"] for s in listing} == {"primary", "secondary"}
    assert client.get("/api/v1/schedules/missing.ics").status_code == 404


def fire(runtime: Runtime, clock: FixedClock) -> int:
    """An alert through the real receive flow: the incident opens and its escalation starts together."""
    alert = Alert(source="generic", fingerprint="fp-checkout", status="firing",
                  labels={"alertname": "CheckoutDown", "service": "checkout"}, annotations={},
                  summary="Checkout is down", severity_hint="critical", starts_at=clock.now(), ends_at=None)
    with runtime.session_factory.begin() as session:
        outcome = receive_alerts(session, [alert], ctx=runtime.receive_context())[0]
    assert outcome.outcome == "opened" and outcome.incident_id is not None
    return outcome.incident_id


def test_page_link_acknowledges_after_confirmation(client: TestClient, anon_client: TestClient, runtime: Runtime,
                                                   clock: FixedClock) -> None:
    incident_id = fire(runtime, clock)
    printed = io.StringIO()
    worker = Worker(runtime.session_factory, runtime.escalator.directory, clock, channels=[ConsoleChannel(printed)])
    worker.run_turns()
    worker.deliver()
    links = re.findall(r"http://firebreak\.test(/ack/[A-Za-z0-9_.-]+)", printed.getvalue())
    assert len(links) == 1
    confirm = anon_client.get(links[0])
    assert confirm.status_code == 200 and '<form method="post">' in confirm.text
    assert "Checkout is down" in confirm.text
    assert incident_status_of(runtime, incident_id) == "triggered"  # looking changes nothing
    tampered = anon_client.post(links[0][:-3] + "xyz")
    assert tampered.status_code == 401 and "cannot be used" in tampered.text
    done = anon_client.post(links[0])
    assert done.status_code == 200 and "paging has stopped" in done.text
    assert incident_status_of(runtime, incident_id) == "acknowledged"
    with runtime.session_factory() as session:
        assert escalation(session, incident_id).acknowledged_by == "ann (page link)"
    deliveries = client.get(f"/api/v1/incidents/{incident_id}/deliveries").json()
    assert [(d["user"], d["status"], [a["outcome"] for a in d["attempts"]]) for d in deliveries] == [
        ("ann", "delivered", ["delivered"]), ("ann", "cancelled", [])]
    state = client.get(f"/api/v1/incidents/{incident_id}/escalation").json()
    assert state["status"] == "acknowledged" and state["snapshot"]["policy"] == "seed"
    clock.advance(timedelta(days=2))
    expired = anon_client.get(links[0])
    assert expired.status_code == 401 and "expired" in expired.text


def test_page_link_stops_a_repage_of_an_acknowledged_incident(
        anon_client: TestClient, runtime: Runtime, clock: FixedClock, open_incident: OpenIncident) -> None:
    start = clock.now()
    incident_id = open_incident(severity="P1")
    printed = io.StringIO()
    worker = Worker(runtime.session_factory, runtime.escalator.directory, clock, channels=[ConsoleChannel(printed)])
    worker.run_turns()
    worker.deliver()
    first_link = re.findall(r"http://firebreak\.test(/ack/[A-Za-z0-9_.-]+)", printed.getvalue())[0]
    assert anon_client.post(first_link).status_code == 200
    clock.set(start + 31 * MIN)  # the 30m acknowledgement timeout runs out
    worker.run_turns()
    with runtime.session_factory() as session:
        assert escalation(session, incident_id).status == "active"
    assert anon_client.post(first_link).status_code == 200
    with runtime.session_factory() as session:
        assert escalation(session, incident_id).status == "acknowledged"
        assert incident_status(session, incident_id) == "acknowledged"
        assert timeline_kinds(session, incident_id).count("escalation.acknowledged") == 2


def incident_status_of(runtime: Runtime, incident_id: int) -> str:
    with runtime.session_factory() as session:
        return incident_status(session, incident_id)


def test_late_turns_are_reported(client: TestClient, open_incident: OpenIncident, clock: FixedClock) -> None:
    incident_id = open_incident(severity="P0")  # first turn due now; no worker runs
    assert client.get("/api/v1/escalations/late").json() == []
    clock.advance(timedelta(seconds=45))
    late = client.get("/api/v1/escalations/late").json()
    assert [(item["kind"], item["incident_id"], item["late_seconds"]) for item in late] == [
        ("turn", incident_id, 45.0)]
    assert client.get("/api/v1/escalations/late", params={"grace": 60}).json() == []


def test_serve_runs_the_worker_in_the_background(settings: Settings, escalate_config: Config,
                                                 clock: FixedClock) -> None:
    runtime = Runtime(settings.model_copy(update={"run_worker": True}), clock=clock, initial_config=escalate_config)
    try:
        incident_id = fire(runtime, clock)
        with TestClient(create_app(runtime, background=True)):
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                with runtime.session_factory() as session:
                    rows = outbox_rows(session, incident_id)
                if rows and rows[0].status == "delivered":
                    break
                time.sleep(0.1)
        assert rows and rows[0].status == "delivered" and rows[0].user_handle == "ann"
    finally:
        runtime.close()

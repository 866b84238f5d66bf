"""A more severe alert raises its incident, and paging follows the new severity (never downwards)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from firebreak.db.models.core import TimelineEntryRecord
from firebreak.escalate.policy import Snapshot
from firebreak.escalate.worker import Worker
from firebreak.flows.receive import ReceiveOutcome, receive_alerts
from firebreak.flows.respond import change_severity
from firebreak.incident import service
from firebreak.ingest.alert import Alert
from firebreak.kernel.clock import FixedClock
from firebreak.runtime import Runtime
from tests.conftest import auth
from tests.escalate.conftest import escalation, paged_users, timeline_kinds
from tests.escalate.live import live_firebreak
from tests.notify.conftest import Receiver
from tests.payloads import am_alert, pagerduty

MIN = timedelta(minutes=1)


def alert(severity: str, instance: str, name: str = "CheckoutErrors") -> Alert:
    return Alert(source="alertmanager", fingerprint=f"fp-{name}-{instance}", status="firing",
                 labels={"alertname": name, "service": "checkout", "instance": instance, "severity": severity},
                 annotations={}, summary=f"{name} on {instance}", severity_hint=None, starts_at=None, ends_at=None)


def receive(runtime: Runtime, *alerts: Alert) -> list[ReceiveOutcome]:
    with runtime.session_factory.begin() as session:
        return receive_alerts(session, list(alerts), ctx=runtime.receive_context())


def severity_entries(runtime: Runtime, incident_id: int) -> list[dict[str, object]]:
    with runtime.session_factory() as session:
        return [entry.data for entry in session.scalars(
            select(TimelineEntryRecord).where(TimelineEntryRecord.incident_id == incident_id,
                                              TimelineEntryRecord.kind == "incident.severity")
            .order_by(TimelineEntryRecord.seq))]


def test_a_critical_alert_raises_an_info_incident_and_starts_paging(runtime: Runtime, worker: Worker) -> None:
    first = receive(runtime, alert("info", "a"))[0]
    assert first.outcome == "opened" and first.incident_id is not None
    incident_id = first.incident_id
    with runtime.session_factory() as session:
        assert service.get(session, incident_id=incident_id).severity == "P3"
        assert "escalation.paged" not in timeline_kinds(session, incident_id)
    second = receive(runtime, alert("critical", "b"))[0]
    assert (second.outcome, second.incident_id) == ("attached", incident_id)
    with runtime.session_factory() as session:
        assert service.get(session, incident_id=incident_id).severity == "P0"
        row = escalation(session, incident_id)
        assert row.status == "active" and Snapshot.from_json(row.snapshot).severity == "P0"
    [raised] = severity_entries(runtime, incident_id)
    assert raised["from"] == "P3" and raised["to"] == "P0"
    assert raised["alert"]["name"] == "CheckoutErrors" and raised["alert"]["fingerprint"] == "fp-CheckoutErrors-b"
    worker.run_turns()
    with runtime.session_factory() as session:
        assert paged_users(session, incident_id) == [(1, "ann")]


def test_raising_a_live_escalation_adds_the_levels_kept_for_the_new_severity(
        runtime: Runtime, worker: Worker, clock: FixedClock) -> None:
    start = clock.now()
    incident_id = receive(runtime, alert("high", "a"))[0].incident_id  # P1: primary, secondary, manager
    assert incident_id is not None
    for minutes in (0, 5, 15):
        clock.set(start + minutes * MIN)
        worker.run_turns()
    with runtime.session_factory() as session:
        assert [level for level, _ in paged_users(session, incident_id)] == [1, 2, 3]
        assert escalation(session, incident_id).turn == 3  # P1's plan ends after the manager
    clock.set(start + 20 * MIN)
    receive(runtime, alert("critical", "b"))  # P0 keeps a CTO level after the manager
    with runtime.session_factory() as session:
        row = escalation(session, incident_id)
        assert [level.number for level in Snapshot.from_json(row.snapshot).levels] == [1, 2, 3, 4]
        assert row.turn == 3 and row.next_due_at == start + 30 * MIN  # the manager's wait still runs
        assert timeline_kinds(session, incident_id)[-1] == "escalation.severity_changed"
    clock.set(start + 30 * MIN)
    worker.run_turns()
    with runtime.session_factory() as session:
        assert paged_users(session, incident_id)[-1] == (4, "cto")
        assert timeline_kinds(session, incident_id).count("escalation.paged") == 4  # nobody paged twice


def test_a_less_severe_alert_never_lowers_and_a_responder_choice_stands(runtime: Runtime, clock: FixedClock) -> None:
    incident_id = receive(runtime, alert("high", "a"))[0].incident_id
    assert incident_id is not None
    receive(runtime, alert("info", "b"))
    with runtime.session_factory.begin() as session:
        incident = service.get(session, incident_id=incident_id, lock=True)
        assert incident.severity == "P1"
        change_severity(session, incident=incident, severity="P0", actor="ann", now=clock.now(),
                        subscribers=runtime.subscribers, reason="card payments down")
    receive(runtime, alert("high", "c"), alert("medium", "d"))
    with runtime.session_factory() as session:
        assert service.get(session, incident_id=incident_id).severity == "P0"
    assert [(e["from"], e["to"]) for e in severity_entries(runtime, incident_id)] == [("P1", "P0")]


def test_a_pagerduty_retrigger_at_a_higher_severity_raises_its_incident(
        anon_client, client, credentials, runtime: Runtime, worker: Worker) -> None:
    key = credentials["ingest"]
    assert anon_client.post("/v2/enqueue", json=pagerduty(key, severity="info")).status_code == 202
    [item] = client.get("/api/v1/incidents").json()["items"]
    assert item["severity"] == "P3"
    again = anon_client.post("/v2/enqueue", json=pagerduty(key, severity="critical"))
    assert again.status_code == 202
    incident = client.get(f"/api/v1/incidents/{item['id']}").json()
    assert incident["severity"] == "P0" and incident["alert_count"] == 1
    worker.run_turns()
    with runtime.session_factory() as session:
        assert paged_users(session, item["id"]) == [(1, "ann")]


RAISE_YAML = """
severity_scale: sev1-sev4
default_route: {{team: web, escalation_policy: web}}
teams: [{{name: web, members: [ana]}}]
users: [{{name: Ana, handle: ana, contact: [{{via: "{hook}"}}]}}]
escalation_policies:
  - name: web
    levels: [{{notify: ["user:ana"], wait: 5m}}]
"""


def test_end_to_end_an_info_then_critical_alert_pages_through_a_real_webhook(
        db_url: str, tmp_path: Path, clock: FixedClock, receiver: Receiver) -> None:
    with live_firebreak(RAISE_YAML.format(hook=receiver.url), db_url=db_url, tmp_path=tmp_path,
                        clock=clock) as live:
        [opened] = live.fire(am_alert("CheckoutErrors", severity="info", instance="a"))
        incident_id = opened["incident_id"]
        live.tick()
        assert live.incident(incident_id)["severity"] == "SEV4" and receiver.requests == []
        [attached] = live.fire(am_alert("CheckoutErrors", severity="critical", instance="b"))
        assert (attached["outcome"], attached["incident_id"]) == ("attached", incident_id)
        live.tick()
        assert live.incident(incident_id)["severity"] == "SEV1"
        assert len(receiver.accepted) == 1
        assert f"#{incident_id}" in receiver.accepted[0]["body"]["title"] + receiver.accepted[0]["body"]["message"]
        raised = next(e for e in live.timeline(incident_id) if e["kind"] == "incident.severity")
        assert raised["data"]["alert"]["name"] == "CheckoutErrors" and raised["data"]["to"] == "SEV1"
        assert live.admin.get(f"/api/v1/incidents/{incident_id}/escalation").json()["status"] == "active"
        viewer_denied = live.admin.post(f"/api/v1/incidents/{incident_id}/severity", json={"severity": "SEV3"},
                                        headers=auth(live.ingest_key))
        assert viewer_denied.status_code == 403


def test_raising_an_acknowledged_incident_wakes_nobody(runtime: Runtime, worker: Worker, clock: FixedClock) -> None:
    incident_id = receive(runtime, alert("info", "a"))[0].incident_id
    assert incident_id is not None
    with runtime.session_factory.begin() as session:
        incident = service.get(session, incident_id=incident_id, lock=True)
        service.transition(session, incident=incident, target="investigating", actor="ann", now=clock.now())
    receive(runtime, alert("critical", "b"))
    worker.run_turns()
    with runtime.session_factory() as session:
        assert service.get(session, incident_id=incident_id).severity == "P0"
        assert paged_users(session, incident_id) == []
        assert timeline_kinds(session, incident_id)[-1] == "escalation.skipped"

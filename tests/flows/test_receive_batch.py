"""A batch in one transaction: lookups made once, new alerts inserted together, one timeline entry per incident."""

from __future__ import annotations

from sqlalchemy import func, select

from firebreak.db.models.core import AlertRecord, TimelineEntryRecord
from firebreak.flows.receive import ReceiveOutcome, receive_alerts
from firebreak.incident import timeline
from firebreak.ingest.alert import Alert
from firebreak.runtime import Runtime


def pod_alert(n: int, *, name: str = "KubePodCrashLooping", status: str = "firing", severity: str = "warning",
              service: str = "api-gateway") -> Alert:
    return Alert(source="alertmanager", fingerprint=f"fp-{name}-{n}", status=status,  # type: ignore[arg-type]
                 labels={"alertname": name, "service": service, "pod": f"pod-{n}", "namespace": "shop",
                         "severity": severity},
                 annotations={}, summary=f"{name} on pod-{n}", severity_hint=None, starts_at=None, ends_at=None)


def receive(runtime: Runtime, alerts: list[Alert]) -> list[ReceiveOutcome]:
    with runtime.session_factory.begin() as session:
        return receive_alerts(session, alerts, ctx=runtime.receive_context())


def kinds(runtime: Runtime, incident_id: int) -> list[str]:
    with runtime.session_factory() as session:
        return [entry.kind for entry in timeline.entries(session, incident_id=incident_id)]


def test_thirty_seven_alerts_joining_an_open_incident_make_one_readable_entry(runtime: Runtime) -> None:
    (first,) = receive(runtime, [pod_alert(0)])
    assert first.outcome == "opened" and first.incident_id is not None
    before = kinds(runtime, first.incident_id)
    outcomes = receive(runtime, [pod_alert(n) for n in range(1, 38)])
    assert {o.outcome for o in outcomes} == {"attached"} and {o.incident_id for o in outcomes} == {first.incident_id}
    ids = [o.alert_id for o in outcomes]
    assert None not in ids and len(set(ids)) == 37
    assert kinds(runtime, first.incident_id) == [*before, "alerts.attached"]
    with runtime.session_factory() as session:
        entry = session.scalars(select(TimelineEntryRecord).where(
            TimelineEntryRecord.incident_id == first.incident_id,
            TimelineEntryRecord.kind == "alerts.attached")).one()
        assert entry.data["count"] == 37
        assert entry.data["summary"] == "37 alerts joined: KubePodCrashLooping ×37"
        assert entry.data["common_labels"] == {"alertname": "KubePodCrashLooping", "namespace": "shop",
                                               "service": "api-gateway", "severity": "warning"}
        assert entry.data["varying_labels"]["pod"] == ["pod-1", "pod-10", "pod-11", "pod-12", "pod-13"]
        assert entry.data["alert_ids"] == ids
        stored = session.scalars(select(AlertRecord).where(AlertRecord.id.in_(ids))).all()
        assert {a.incident_id for a in stored} == {first.incident_id} and len(stored) == 37
        assert timeline.verify(session, incident_id=first.incident_id).ok


def test_an_incident_opened_in_the_batch_keeps_its_first_alert_entry_and_sums_the_rest(runtime: Runtime) -> None:
    outcomes = receive(runtime, [pod_alert(n) for n in range(5)])
    assert [o.outcome for o in outcomes] == ["opened", "attached", "attached", "attached", "attached"]
    incident_id = outcomes[0].incident_id
    assert incident_id is not None and {o.incident_id for o in outcomes} == {incident_id}
    entries = kinds(runtime, incident_id)
    assert entries[:2] == ["incident.opened", "alert.attached"]
    assert entries.count("alerts.attached") == 1 and entries.count("alert.attached") == 1
    with runtime.session_factory() as session:
        joined = session.scalars(select(TimelineEntryRecord).where(
            TimelineEntryRecord.incident_id == incident_id, TimelineEntryRecord.kind == "alerts.attached")).one()
        assert joined.data["count"] == 4 and joined.data["alert_ids"] == [o.alert_id for o in outcomes[1:]]
        assert timeline.verify(session, incident_id=incident_id).ok


def test_a_repeat_inside_the_batch_is_deduplicated_against_the_new_row(runtime: Runtime) -> None:
    outcomes = receive(runtime, [pod_alert(1), pod_alert(2), pod_alert(1)])
    assert [o.outcome for o in outcomes] == ["opened", "attached", "deduplicated"]
    assert outcomes[2].alert_id == outcomes[0].alert_id is not None
    with runtime.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(AlertRecord)) == 2
        assert session.get(AlertRecord, outcomes[0].alert_id).count == 2  # type: ignore[union-attr]


def test_a_source_earlier_in_the_batch_inhibits_and_its_resolution_in_the_batch_frees(runtime: Runtime) -> None:
    # The example's rule: a firing ServiceDown covers the warnings of its service.
    down = pod_alert(0, name="ServiceDown", severity="critical")
    outcomes = receive(runtime, [down, pod_alert(1), pod_alert(2)])
    assert [o.outcome for o in outcomes] == ["opened", "inhibited", "inhibited"]
    assert {o.incident_id for o in outcomes} == {outcomes[0].incident_id}
    assert kinds(runtime, outcomes[0].incident_id).count("alerts.inhibited") == 1  # type: ignore[arg-type]
    resolved = pod_alert(0, name="ServiceDown", severity="critical", status="resolved")
    later = receive(runtime, [resolved, pod_alert(3)])
    assert [o.outcome for o in later] == ["resolved", "opened"]


def test_one_batch_over_several_incidents_writes_one_entry_each(runtime: Runtime) -> None:
    seeds = receive(runtime, [pod_alert(0, name="A"), pod_alert(0, name="B")])
    batch = [pod_alert(n, name=name) for n in range(1, 4) for name in ("A", "B")]
    outcomes = receive(runtime, batch)
    assert {o.outcome for o in outcomes} == {"attached"}
    for seed in seeds:
        assert seed.incident_id is not None
        assert kinds(runtime, seed.incident_id).count("alerts.attached") == 1
    with runtime.session_factory() as session:
        counts = session.execute(select(TimelineEntryRecord.incident_id, TimelineEntryRecord.data)
                                 .where(TimelineEntryRecord.kind == "alerts.attached")).all()
        assert sorted(data["count"] for _, data in counts) == [3, 3]

"""The durable engine on an injected clock: delays, repeats, the P0-only level, ack, ack timeout, stop."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from firebreak.db.models.escalate import EscalationRecord
from firebreak.escalate import engine, override_store
from firebreak.escalate.directory import Directory
from firebreak.escalate.handlers import EscalateHandlers
from firebreak.escalate.policy import Snapshot
from firebreak.escalate.worker import Worker
from firebreak.flows.respond import acknowledge, change_status
from firebreak.incident import service
from firebreak.incident.events import IncidentOpened, SeverityChanged, StatusChanged, Subscribers
from firebreak.kernel.clock import FixedClock
from firebreak.kernel.settings import Settings
from firebreak.runtime import Runtime
from tests.escalate.conftest import (
    OpenIncident,
    escalation,
    incident_status,
    outbox_rows,
    paged_users,
    timeline_kinds,
)

MIN = timedelta(minutes=1)


def hooks_for(directory: Directory) -> Subscribers:
    handlers = EscalateHandlers(lambda: directory)
    subscribers = Subscribers()
    subscribers.subscribe(StatusChanged, handlers.status_changed)
    subscribers.subscribe(SeverityChanged, handlers.severity_changed)
    return subscribers


def test_start_freezes_the_policy_with_a_due_time_and_token(runtime: Runtime, open_incident: OpenIncident,
                                                            clock: FixedClock) -> None:
    incident_id = open_incident(severity="P1")
    with runtime.session_factory() as session:
        row = escalation(session, incident_id)
        assert row.status == "active" and row.turn == 0 and row.token == 1
        assert row.next_due_at == clock.now()
        snapshot = Snapshot.from_json(row.snapshot)
        assert [level.number for level in snapshot.levels] == [1, 2, 3]  # no CTO for P1
        assert row.ack_deadline_at == clock.now() + timedelta(hours=1)  # P1's deadline in p0-p3
        assert timeline_kinds(session, incident_id)[-1] == "incident.opened"  # the first page notes it


def test_start_rolls_back_with_the_incident(runtime: Runtime, directory: Directory, clock: FixedClock) -> None:
    hooks = EscalateHandlers(lambda: directory)
    with pytest.raises(RuntimeError), runtime.session_factory.begin() as session:
        incident = service.open_incident(session, title="t", severity="P0", service=None, team=None,
                                         escalation_policy="seed", group_key="k", now=clock.now(), actor="t",
                                         data={})
        hooks.opened(session, IncidentOpened(incident, None, None, clock.now()))  # type: ignore[arg-type]
        raise RuntimeError("the incident change fails")
    with runtime.session_factory() as session:
        assert session.scalars(select(EscalationRecord)).all() == []


def test_levels_fire_after_their_delays_and_the_cto_only_for_p0(
        runtime: Runtime, open_incident: OpenIncident, worker: Worker, clock: FixedClock, pages: io.StringIO) -> None:
    start = clock.now()
    p0 = open_incident(severity="P0")
    p1 = open_incident(severity="P1")
    expected_p0 = [(1, "ann"), (2, "bob"), (3, "em"), (4, "cto")]
    checkpoints = [(0 * MIN, 1), (5 * MIN - timedelta(seconds=1), 1), (5 * MIN, 2), (15 * MIN, 3), (30 * MIN, 4)]
    for offset, levels in checkpoints:
        clock.set(start + offset)
        worker.run_turns()
        with runtime.session_factory() as session:
            assert paged_users(session, p0) == expected_p0[:levels]
            assert paged_users(session, p1) == expected_p0[:min(levels, 3)]
    with runtime.session_factory() as session:
        assert escalation(session, p1).status == "exhausted"  # P1 ran out after the manager's 15 minutes
        assert escalation(session, p0).status == "active"
        assert escalation(session, p0).next_due_at == start + 60 * MIN
    clock.set(start + 60 * MIN)
    worker.run_turns()
    with runtime.session_factory() as session:
        assert escalation(session, p0).status == "exhausted"
        assert "escalation.exhausted" in timeline_kinds(session, p0)
    worker.deliver()
    assert pages.getvalue().count(f'"incident": {p0}') == 4


def test_repeats_walk_the_levels_again_and_teams_page_members(
        runtime: Runtime, open_incident: OpenIncident, worker: Worker, clock: FixedClock) -> None:
    start = clock.now()
    incident_id = open_incident(severity="P1", policy="looping")
    # level 1 waits 1m; level 2 (team) has no wait of its own: P1's deadline (1h) applies.
    for offset in (0 * MIN, 1 * MIN, 61 * MIN, 62 * MIN, 122 * MIN, 123 * MIN, 183 * MIN):
        clock.set(start + offset)
        worker.run_turns()
    with runtime.session_factory() as session:
        assert paged_users(session, incident_id) == [(1, "ann"), (2, "ann"), (2, "bob")] * 3
        rounds = [row.turn_seq for row in outbox_rows(session, incident_id) if row.contact_index == 0]
        assert rounds == [0, 1, 1, 2, 3, 3, 4, 5, 5]
        assert escalation(session, incident_id).status == "exhausted"


def test_acknowledgement_stops_paging_and_cancels_delayed_contacts(
        runtime: Runtime, open_incident: OpenIncident, worker: Worker, clock: FixedClock,
        directory: Directory) -> None:
    start = clock.now()
    incident_id = open_incident(severity="P0")
    worker.run_turns()  # pages ann: console now, log:// after 2m
    worker.deliver()
    clock.set(start + 1 * MIN)
    with runtime.session_factory.begin() as session:
        acknowledge(session, incident_id=incident_id, actor="ann", now=clock.now(), subscribers=hooks_for(directory))
    for minutes in (2, 5, 15, 30):  # the 30m acknowledgement timeout would re-page at 31m
        clock.set(start + minutes * MIN)
        worker.run_turns()
        worker.deliver()
    with runtime.session_factory() as session:
        rows = outbox_rows(session, incident_id)
        assert [(r.user_handle, r.contact_index, r.status) for r in rows] == [
            ("ann", 0, "delivered"), ("ann", 1, "cancelled")]
        row = escalation(session, incident_id)
        assert row.status == "acknowledged" and row.acknowledged_by == "ann"
        kinds = timeline_kinds(session, incident_id)
        assert kinds.index("incident.status") < kinds.index("escalation.acknowledged")
        assert row.next_due_at == start + 31 * MIN


def test_acknowledgement_timeout_pages_again_from_the_first_level(
        runtime: Runtime, open_incident: OpenIncident, worker: Worker, clock: FixedClock,
        directory: Directory) -> None:
    start = clock.now()
    incident_id = open_incident(severity="P1")
    worker.run_turns()
    clock.set(start + 3 * MIN)
    with runtime.session_factory.begin() as session:
        acknowledge(session, incident_id=incident_id, actor="ann", now=clock.now(), subscribers=hooks_for(directory))
    clock.set(start + 33 * MIN - timedelta(seconds=1))
    worker.run_turns()
    with runtime.session_factory() as session:
        assert len(paged_users(session, incident_id)) == 1
    clock.set(start + 33 * MIN)
    worker.run_turns()
    with runtime.session_factory() as session:
        rows = [r for r in outbox_rows(session, incident_id) if r.contact_index == 0]
        assert [(r.kind, r.level, r.user_handle) for r in rows] == [("page", 1, "ann"), ("repage", 1, "ann")]
        row = escalation(session, incident_id)
        assert row.status == "active" and row.repages == 1 and row.next_due_at == start + 38 * MIN
        assert incident_status(session, incident_id) == "acknowledged"
        assert {"escalation.ack_timeout", "escalation.repaged"} <= set(timeline_kinds(session, incident_id))
    # Acknowledging the re-page (the incident is already acknowledged) stops it again.
    clock.set(start + 34 * MIN)
    with runtime.session_factory.begin() as session:
        incident = service.get(session, incident_id=incident_id, lock=True)
        engine.acknowledge(session, incident=incident, actor="ann", now=clock.now())
    clock.set(start + 40 * MIN)
    worker.run_turns()
    with runtime.session_factory() as session:
        assert len([r for r in outbox_rows(session, incident_id) if r.contact_index == 0]) == 2


def test_resolving_stops_and_reopening_restarts(runtime: Runtime, open_incident: OpenIncident, worker: Worker,
                                                clock: FixedClock, directory: Directory) -> None:
    start = clock.now()
    incident_id = open_incident(severity="P0")
    worker.run_turns()
    hooks = hooks_for(directory)
    with runtime.session_factory.begin() as session:
        incident = service.get(session, incident_id=incident_id, lock=True)
        change_status(session, incident=incident, target="resolved", actor="bob", now=clock.now(), subscribers=hooks)
    clock.set(start + 20 * MIN)
    worker.run_turns()
    with runtime.session_factory() as session:
        assert escalation(session, incident_id).status == "stopped"
        assert len(paged_users(session, incident_id)) == 1
    with runtime.session_factory.begin() as session:
        incident = service.get(session, incident_id=incident_id, lock=True)
        change_status(session, incident=incident, target="triggered", actor="alert", now=clock.now(), subscribers=hooks)
    worker.run_turns()
    with runtime.session_factory() as session:
        assert paged_users(session, incident_id) == [(1, "ann"), (1, "ann")]
        assert "escalation.restarted" in timeline_kinds(session, incident_id)


def test_schedule_targets_follow_stored_overrides_at_the_due_time(
        runtime: Runtime, open_incident: OpenIncident, worker: Worker, clock: FixedClock,
        directory: Directory) -> None:
    start = clock.now()
    with runtime.session_factory.begin() as session:
        override_store.create(session, directory=directory, schedule="primary", user="zed",
                              starts_at=start - MIN, ends_at=start + MIN, replaces="ann", reason="dentist",
                              actor="test", now=start)
        override_store.create(session, directory=directory, schedule="secondary", user="zed",
                              starts_at=start + 5 * MIN, ends_at=start + 6 * MIN, replaces="ann", reason="",
                              actor="test", now=start)
    incident_id = open_incident(severity="P0")
    for minutes in (0, 5):
        clock.set(start + minutes * MIN)
        worker.run_turns()
    with runtime.session_factory() as session:
        # zed covers ann on primary; the secondary override names ann, but bob is secondary.
        assert paged_users(session, incident_id) == [(1, "zed"), (2, "bob")]


def test_quiet_severity_no_policy_and_unreachable_people_are_on_the_timeline(
        runtime: Runtime, open_incident: OpenIncident, worker: Worker) -> None:
    quiet = open_incident(severity="P3")
    nothing = open_incident(severity="P0", policy=None)
    by_team = open_incident(severity="P0", policy=None, team="eng")
    unreachable = open_incident(severity="P0", policy="unreachable")
    worker.run_turns()
    with runtime.session_factory() as session:
        assert timeline_kinds(session, quiet)[-1] == "escalation.skipped"
        assert timeline_kinds(session, nothing)[-1] == "escalation.skipped"
        assert escalation(session, by_team).policy == "seed"
        assert paged_users(session, unreachable) == [(1, "bob")]
        assert "notification.unreachable" in timeline_kinds(session, unreachable)


def test_a_stale_writer_is_fenced_off(runtime: Runtime, open_incident: OpenIncident, clock: FixedClock) -> None:
    incident_id = open_incident(severity="P0")
    with runtime.session_factory() as first:
        stale = first.scalars(select(EscalationRecord).where(EscalationRecord.incident_id == incident_id)).one()
        first.commit()  # the reader's transaction ends; it keeps token 1 in hand
        with runtime.session_factory.begin() as second:
            fresh = second.scalars(select(EscalationRecord)
                                   .where(EscalationRecord.incident_id == incident_id)).one()
            fresh.turn += 1
            fresh.token += 1
        stale.turn += 1
        stale.token += 1
        with pytest.raises(StaleDataError):
            first.commit()
    with runtime.session_factory() as check:
        assert escalation(check, incident_id).turn == 1


def test_a_broken_row_is_set_aside_and_the_rest_still_page(runtime: Runtime, open_incident: OpenIncident,
                                                           worker: Worker, clock: FixedClock) -> None:
    broken = open_incident(severity="P0")
    healthy = open_incident(severity="P0")
    with runtime.session_factory.begin() as session:
        row = escalation(session, broken)
        row.snapshot = {"policy": "seed"}  # no levels: reading it fails
        row.token += 1
    outcomes = worker.run_turns()
    assert [outcome.incident_id for outcome in outcomes] == [healthy]
    with runtime.session_factory() as session:
        assert paged_users(session, healthy) == [(1, "ann")]
        assert escalation(session, broken).next_due_at == clock.now() + timedelta(minutes=1)
        assert paged_users(session, broken) == []


def test_a_reloaded_configuration_changes_who_gets_paged(runtime: Runtime, settings: Settings,
                                                         open_incident: OpenIncident, worker: Worker) -> None:
    assert settings.config is not None
    text = settings.config.read_text(encoding="utf-8")
    settings.config.write_text(text.replace("rotations: [{users: [ann, bob], every: 1w",
                                            "rotations: [{users: [zed], every: 1w", 1), encoding="utf-8")
    runtime.config_holder.reload()
    incident_id = open_incident(severity="P0")
    Worker(runtime.session_factory, runtime.escalator.directory, worker.clock,
           channels=list(worker.channels)).run_turns()
    with runtime.session_factory() as session:
        assert paged_users(session, incident_id) == [(1, "zed")]

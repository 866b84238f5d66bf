"""receive_one, through receive_alerts: the order of its steps and the incident events it publishes."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from firebreak.flows import change, receive
from firebreak.flows.receive import ReceiveContext, receive_alerts
from firebreak.flows.receive_batch import Batch
from firebreak.incident.auto_resolve import AutoResolvePolicy
from firebreak.incident.events import IncidentOpened, RoleChanged, SeverityChanged, StatusChanged, Subscribers
from firebreak.ingest.alert import Alert
from firebreak.route import silences_store
from firebreak.runbook.match import attach
from firebreak.runtime import Runtime

STEPS = ("find_open_alert", "route_alert", "store_alert", "find_group_incident", "reopen_resolved",
         "open_incident", "attach_alert", "raise_severity")


def alert(severity: str, instance: str, status: str = "firing") -> Alert:
    return Alert(source="alertmanager", fingerprint=f"fp-{instance}", status=status,  # type: ignore[arg-type]
                 labels={"alertname": "CheckoutErrors", "service": "checkout", "instance": instance,
                         "severity": severity},
                 annotations={}, summary=f"CheckoutErrors on {instance}", severity_hint=None, starts_at=None,
                 ends_at=None)


@pytest.fixture
def log(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every named step receive_one takes, in order, each still doing its real work."""
    taken: list[str] = []
    for name in STEPS:
        original = getattr(receive, name)

        def step(*args: Any, __name: str = name, __original: Any = original, **kwargs: Any) -> Any:
            taken.append(__name)
            return __original(*args, **kwargs)

        monkeypatch.setattr(receive, name, step)
    return taken


def recording(runtime: Runtime, log: list[str]) -> Subscribers:
    """The runtime's own subscribers plus one that notes each event, and that it sees the change in its transaction."""
    subscribers = runtime.subscribers

    def note(session: Session, event: IncidentOpened | SeverityChanged | StatusChanged) -> None:
        assert session.in_transaction() and event.incident.id is not None
        log.append(f"publish {type(event).__name__}")

    for event_type in (IncidentOpened, SeverityChanged, StatusChanged):
        subscribers.subscribe(event_type, note)
    return subscribers


def receive_in(runtime: Runtime, ctx: ReceiveContext, item: Alert) -> receive.ReceiveOutcome:
    with runtime.session_factory.begin() as session:
        return receive_alerts(session, [item], ctx=replace(ctx, batch=Batch()))[0]


def test_a_new_alert_is_deduplicated_triaged_stored_grouped_opened_then_published(runtime: Runtime,
                                                                                 log: list[str]) -> None:
    ctx = replace(runtime.receive_context(), subscribers=recording(runtime, log))
    outcome = receive_in(runtime, ctx, alert("warning", "a"))
    assert outcome.outcome == "opened"
    assert log == ["find_open_alert", "route_alert", "store_alert", "find_group_incident", "open_incident",
                   "attach_alert", "publish IncidentOpened"]
    log.clear()
    repeat = receive_in(runtime, ctx, alert("warning", "a"))
    assert (repeat.outcome, repeat.incident_id) == ("deduplicated", outcome.incident_id)
    assert log == ["find_open_alert"]  # a repeat is neither routed nor grouped again, and publishes nothing


def test_a_more_severe_alert_of_the_group_attaches_and_publishes_the_severity_change(runtime: Runtime,
                                                                                    log: list[str]) -> None:
    ctx = replace(runtime.receive_context(), subscribers=recording(runtime, log))
    first = receive_in(runtime, ctx, alert("info", "a"))
    log.clear()
    second = receive_in(runtime, ctx, alert("critical", "b"))
    assert (second.outcome, second.incident_id) == ("attached", first.incident_id)
    assert log == ["find_open_alert", "route_alert", "store_alert", "find_group_incident", "attach_alert",
                   "raise_severity", "publish SeverityChanged"]


def test_a_silenced_alert_stops_after_triage_and_store(runtime: Runtime, log: list[str]) -> None:
    now = runtime.clock.now()
    with runtime.session_factory.begin() as session:
        silences_store.create(session=session, matchers=['instance="quiet"'], ends_at=now + timedelta(hours=1),
                              created_by="ops", comment="maintenance", now=now)
    ctx = replace(runtime.receive_context(), subscribers=recording(runtime, log))
    outcome = receive_in(runtime, ctx, alert("critical", "quiet"))
    assert outcome.outcome == "muted" and outcome.incident_id is None
    assert log == ["find_open_alert", "route_alert", "store_alert"]


def test_the_last_alert_resolving_publishes_the_status_change(runtime: Runtime, log: list[str]) -> None:
    ctx = replace(runtime.receive_context(), subscribers=recording(runtime, log),
                  auto_resolve=AutoResolvePolicy(by_source={"alertmanager": True}))
    opened = receive_in(runtime, ctx, alert("warning", "a"))
    log.clear()
    resolved = receive_in(runtime, ctx, alert("warning", "a", status="resolved"))
    assert (resolved.outcome, resolved.incident_id) == ("resolved", opened.incident_id)
    assert log == ["find_open_alert", "publish StatusChanged"]


def test_the_composition_root_subscribes_every_stage_in_order(runtime: Runtime) -> None:
    escalation, execution = runtime.escalator.handlers, runtime.execution.diagnostics
    communication = runtime.communicator.handlers
    assert runtime.subscribers.handlers(IncidentOpened) == [escalation.opened, attach.on_incident_opened,
                                                            change.on_incident_opened, execution.on_opened,
                                                            communication.opened]
    assert runtime.subscribers.handlers(StatusChanged) == [escalation.status_changed, runtime.review.status_changed,
                                                           communication.status_changed]
    assert runtime.subscribers.handlers(SeverityChanged) == [escalation.severity_changed,
                                                             communication.severity_changed]
    assert runtime.subscribers.handlers(RoleChanged) == [communication.role_changed]


def test_only_incident_events_can_be_subscribed_to() -> None:
    with pytest.raises(TypeError, match="str is not an incident event"):
        Subscribers().subscribe(str, lambda session, event: None)  # type: ignore[type-var]

"""Receive flow: canonical alerts in → dedup → route → group into incidents (one transaction).

The order of the receive pipeline is the literal sequence in `receive_one`:
PagerDuty acknowledge → resolve → dedup repeat → route (route, silence, inhibit; `flows.route`) →
store → muted or inhibited alerts stop here → attach to the group's open incident (or the one it was
merged into), reopen its recently resolved one (REO-1) or open a new one → raise the incident's severity
to the alert's → publish what happened (`incident.events`: IncidentOpened, SeverityChanged, StatusChanged)
to the stages that react to it, wired in the composition root.

`receive_alerts` runs a batch: each alert through `receive_one` in order, then the batch's new
alerts are inserted together and each incident they joined gets one timeline entry
(`flows.receive_batch`, which also holds the lookups a batch makes once).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from firebreak.config.models import Config
from firebreak.config.types import format_duration
from firebreak.db.models.core import AlertRecord, IncidentRecord
from firebreak.flows.receive_batch import (
    Batch,
    group_incident,
    locked_incident,
    note_join,
    remember_group,
    settle_joins,
)
from firebreak.flows.respond import change_severity, change_status
from firebreak.flows.route import can_inhibit, route_alert
from firebreak.incident import service, timeline
from firebreak.incident.auto_resolve import AutoResolvePolicy
from firebreak.incident.events import IncidentOpened, Subscribers
from firebreak.incident.lifecycle import is_open
from firebreak.ingest.alert import Alert
from firebreak.ingest.fingerprint import group_key
from firebreak.kernel.clock import Clock
from firebreak.route.decision import RouteDecision
from firebreak.route.severity import SeverityScale

Outcome = Literal["opened", "attached", "reopened", "deduplicated", "resolved", "acknowledged", "muted",
                  "inhibited", "recorded", "unknown_key"]


@dataclass(frozen=True, slots=True)
class ReceiveOutcome:
    """What happened to one received alert."""

    fingerprint: str
    outcome: Outcome
    alert_id: int | None = None
    incident_id: int | None = None
    dedup_key: str | None = None
    # The new alert row until the batch inserts it and `settled` reads its id.
    record: AlertRecord | None = field(default=None, compare=False, repr=False)

    def settled(self) -> ReceiveOutcome:
        """The outcome with the stored alert's id, once the batch is inserted."""
        if self.record is None:
            return self
        return ReceiveOutcome(self.fingerprint, self.outcome, self.record.id, self.incident_id, self.dedup_key)


@dataclass
class ReceiveContext:
    """Everything the flow needs besides the session: time, configuration, actor, subscribers, grouping rules.

    `config` is what alerts are routed by and `clock` the time each alert is routed at; `scale` orders
    severities (an attached alert may raise its incident's); `reopen_within` is how long after
    resolution a new alert of the group reopens the incident (zero: never).
    """

    now: datetime
    config: Config
    clock: Clock
    actor: str = "firebreak"
    auto_resolve: AutoResolvePolicy = field(default_factory=AutoResolvePolicy)
    scale: SeverityScale | None = None
    reopen_within: timedelta = timedelta(0)
    subscribers: Subscribers = field(default_factory=Subscribers)
    batch: Batch = field(default_factory=Batch)


PREFETCH_CHUNK = 500


def receive_alerts(session: Session, alerts: Sequence[Alert], *, ctx: ReceiveContext) -> list[ReceiveOutcome]:
    """Receive a batch of alerts in the caller's transaction."""
    prefetch_open_alerts(session, [alert.fingerprint for alert in alerts], ctx)
    # Rows are flushed where an id is needed; flushing before every query would dominate the cost.
    with session.no_autoflush:
        outcomes = [receive_one(session, alert, ctx=ctx) for alert in alerts]
        settle_joins(session, ctx.batch, actor=ctx.actor, at=ctx.now)
        session.flush()
    return [outcome.settled() for outcome in outcomes]


def prefetch_open_alerts(session: Session, fingerprints: Sequence[str], ctx: ReceiveContext) -> None:
    """Load (and lock) the batch's open alerts in a few queries instead of one per alert."""
    batch = ctx.batch
    wanted = sorted({fp for fp in fingerprints if fp not in batch.open_alerts and fp not in batch.known_absent})
    for start in range(0, len(wanted), PREFETCH_CHUNK):
        chunk = wanted[start:start + PREFETCH_CHUNK]
        for row in session.scalars(select(AlertRecord).where(AlertRecord.open_key.in_(chunk)).with_for_update()):
            batch.open_alerts[row.fingerprint] = row
        batch.known_absent.update(fp for fp in chunk if fp not in batch.open_alerts)


def receive_one(session: Session, alert: Alert, *, ctx: ReceiveContext) -> ReceiveOutcome:
    """Receive one alert; see the module docstring for the order of steps."""
    existing = find_open_alert(session, alert.fingerprint, ctx)
    if alert.action == "acknowledge":
        return acknowledge_by_event(session, alert, existing, ctx)
    if alert.status == "resolved":
        return resolve_alert(session, alert, existing, ctx)
    if existing is not None:
        return repeat_alert(session, alert, existing, ctx)
    decision = route_alert(session, alert, config=ctx.config, now=ctx.clock.now(), batch=ctx.batch)
    record = store_alert(session, alert, decision, ctx)
    if decision.muted_by is not None:
        return ReceiveOutcome(alert.fingerprint, "muted", None, None, alert.dedup_key, record)
    if decision.inhibited_by is not None:
        return inhibit_alert(session, alert, record, decision.inhibited_by, ctx)
    key = alert.sender_group or group_key(alert.labels, decision.group_by)
    incident = find_group_incident(session, key, ctx)
    outcome: Outcome = "attached"
    if incident is None and ctx.reopen_within > timedelta(0):
        incident = reopen_resolved(session, key, record, ctx)
        outcome = "reopened"
    if incident is not None:
        attach_alert(session, incident, record, ctx, kind="alert.attached")
        raise_severity(session, incident, record, ctx)
        return ReceiveOutcome(alert.fingerprint, outcome, None, incident.id, alert.dedup_key, record)
    incident = open_incident(session, alert, decision, key, ctx)
    attach_alert(session, incident, record, ctx, kind="alert.attached")
    settle_joins(session, ctx.batch, actor=ctx.actor, at=ctx.now, incident_id=incident.id)
    ctx.subscribers.publish(session, IncidentOpened(incident=incident, alert=record, decision=decision,
                                                    now=ctx.now))
    return ReceiveOutcome(alert.fingerprint, "opened", record.id, incident.id, alert.dedup_key)


def inhibit_alert(session: Session, alert: Alert, record: AlertRecord, source_fingerprint: str,
                  ctx: ReceiveContext) -> ReceiveOutcome:
    """An inhibited alert joins its open source alert's incident (noted as inhibited), opening nothing."""
    source = find_open_alert(session, source_fingerprint, ctx)
    if source is not None and source.incident_id is not None:
        incident = locked_incident(session, ctx.batch, source.incident_id)
        attach_alert(session, incident, record, ctx, kind="alert.inhibited")
        return ReceiveOutcome(alert.fingerprint, "inhibited", None, incident.id, alert.dedup_key, record)
    return ReceiveOutcome(alert.fingerprint, "inhibited", None, None, alert.dedup_key, record)


def find_group_incident(session: Session, key: str, ctx: ReceiveContext) -> IncidentRecord | None:
    """The open incident of this group key, if any (locked; read once per batch): the group's own, else the
    one it was merged into."""
    return group_incident(session, ctx.batch, key)


def open_incident(session: Session, alert: Alert, decision: RouteDecision, key: str,
                  ctx: ReceiveContext) -> IncidentRecord:
    """A new incident for the group, as the route decision says."""
    incident = service.open_incident(
        session, title=alert.summary or alert.name, severity=decision.severity, service=decision.service,
        team=decision.team, escalation_policy=decision.escalation_policy, group_key=key, now=ctx.now,
        actor=ctx.actor, data={"source": alert.source, "fingerprint": alert.fingerprint,
                               "routes": list(decision.routes), "reasons": list(decision.reasons)})
    remember_group(ctx.batch, key, incident)
    return incident


def find_open_alert(session: Session, fingerprint: str, ctx: ReceiveContext) -> AlertRecord | None:
    """The open alert with this fingerprint, if any (cached within the batch)."""
    batch = ctx.batch
    cached = batch.open_alerts.get(fingerprint)
    if cached is not None and cached.open_key == fingerprint:
        return cached
    if fingerprint in batch.known_absent:
        return None
    found = session.scalars(select(AlertRecord).where(AlertRecord.open_key == fingerprint)
                            .with_for_update()).one_or_none()
    if found is not None:
        batch.open_alerts[fingerprint] = found
    return found


def store_alert(session: Session, alert: Alert, decision: RouteDecision, ctx: ReceiveContext) -> AlertRecord:
    """Add a new open alert with its route decision (inserted with the batch's others)."""
    record = AlertRecord(
        source=alert.source, fingerprint=alert.fingerprint, open_key=alert.fingerprint,
        dedup_key=alert.dedup_key, routing_key=alert.routing_key, status="firing", name=alert.name,
        labels=alert.labels, annotations=alert.annotations, summary=alert.summary,
        severity_hint=alert.severity_hint, starts_at=alert.starts_at or ctx.now, ends_at=None,
        generator_url=alert.generator_url, runbook_url=alert.runbook_url, links=alert.links,
        raw=alert.raw, count=1, first_seen=ctx.now, last_seen=ctx.now, service=decision.service,
        severity=decision.severity, muted_by=decision.muted_by, inhibited_by=decision.inhibited_by,
    )
    session.add(record)
    batch = ctx.batch
    batch.open_alerts[alert.fingerprint] = record
    batch.known_absent.discard(alert.fingerprint)
    if decision.muted_by is None and decision.inhibited_by is None and can_inhibit(ctx.config, alert):
        batch.new_sources.append(alert)
        batch.gone_sources.discard(alert.fingerprint)
    return record


def repeat_alert(session: Session, alert: Alert, existing: AlertRecord, ctx: ReceiveContext) -> ReceiveOutcome:
    """A repeat of an open alert: count it, refresh what it says, open nothing.

    A repeat whose severity hint changed (a PagerDuty trigger re-sent as `critical`) is routed
    again, and a more severe result raises the alert and its incident.
    """
    if alert.severity_hint and alert.severity_hint != existing.severity_hint:
        existing.severity_hint = alert.severity_hint
        raise_repeated_alert(session, alert, existing, ctx)
    existing.count += 1
    existing.last_seen = ctx.now
    if alert.annotations and alert.annotations != existing.annotations:
        existing.annotations = alert.annotations
    if alert.summary and alert.summary != existing.summary:
        existing.summary = alert.summary
    return ReceiveOutcome(alert.fingerprint, "deduplicated", existing.id, existing.incident_id,
                          alert.dedup_key)


def attach_alert(session: Session, incident: IncidentRecord, record: AlertRecord, ctx: ReceiveContext,
                 *, kind: str) -> None:
    """Attach an alert to an incident; its timeline entry is written with the batch's (one per incident)."""
    record.incident_id = incident.id
    incident.alert_count += 1
    incident.firing_count += 1
    incident.alerts_resolved_at = None
    incident.updated_at = ctx.now
    note_join(ctx.batch, incident, record, kind)


def raise_repeated_alert(session: Session, alert: Alert, existing: AlertRecord, ctx: ReceiveContext) -> None:
    """Route again a repeat that now claims another severity; only ever raise what is stored."""
    severity = route_alert(session, alert, config=ctx.config, now=ctx.clock.now(), batch=ctx.batch).severity
    if severity is None or not is_more_severe(ctx.scale, severity, existing.severity):
        return
    existing.severity = severity
    if existing.incident_id is not None:
        incident = locked_incident(session, ctx.batch, existing.incident_id)
        if is_open(incident.status):
            raise_severity(session, incident, existing, ctx)


def is_more_severe(scale: SeverityScale | None, candidate: str, current: str | None) -> bool:
    """True when `candidate` ranks above `current` on the scale (anything beats no or an unknown severity)."""
    if scale is None or scale.canonical(candidate) is None:
        return False
    if current is None or scale.canonical(current) is None:
        return True
    return scale.rank(candidate) < scale.rank(current)


def raise_severity(session: Session, incident: IncidentRecord, record: AlertRecord, ctx: ReceiveContext) -> None:
    """An alert more severe than its incident raises the incident; paging follows. Never lowers it."""
    if record.severity is None or not is_more_severe(ctx.scale, record.severity, incident.severity):
        return
    settle_joins(session, ctx.batch, actor=ctx.actor, at=ctx.now, incident_id=incident.id)
    change_severity(session, incident=incident, severity=record.severity, actor=ctx.actor, now=ctx.now,
                    subscribers=ctx.subscribers, reason=f"alert {record.name} is {record.severity}",
                    cause={"alert_id": record.id, "name": record.name, "fingerprint": record.fingerprint,
                           "source": record.source, "severity": record.severity})


def reopen_resolved(session: Session, key: str, record: AlertRecord, ctx: ReceiveContext) -> IncidentRecord | None:
    """REO-1: the group's incident resolved less than `reopen_within` ago is reopened for a new alert."""
    incident = session.scalars(
        select(IncidentRecord)
        .where(IncidentRecord.group_key == key, IncidentRecord.status == "resolved",
               IncidentRecord.resolved_at >= ctx.now - ctx.reopen_within)
        .order_by(IncidentRecord.resolved_at.desc(), IncidentRecord.id.desc()).limit(1)
        .with_for_update()).one_or_none()
    if incident is None:
        return None
    change_status(session, incident=incident, target="triggered", actor=ctx.actor, now=ctx.now,
                  subscribers=ctx.subscribers,
                  reason=f"alert {record.name} fired again within {format_duration(ctx.reopen_within)} "
                         "of resolution")
    remember_group(ctx.batch, key, incident)
    return incident


def resolve_alert(session: Session, alert: Alert, existing: AlertRecord | None,
                  ctx: ReceiveContext) -> ReceiveOutcome:
    """Mark an open alert resolved; when an incident's last alert resolves, show (or act on) it."""
    if existing is None:
        if alert.source == "pagerduty":
            return ReceiveOutcome(alert.fingerprint, "unknown_key", None, None, alert.dedup_key)
        record = AlertRecord(
            source=alert.source, fingerprint=alert.fingerprint, open_key=None, dedup_key=alert.dedup_key,
            routing_key=alert.routing_key, status="resolved", name=alert.name, labels=alert.labels,
            annotations=alert.annotations, summary=alert.summary, severity_hint=alert.severity_hint,
            starts_at=alert.starts_at, ends_at=alert.ends_at or ctx.now, generator_url=alert.generator_url,
            runbook_url=alert.runbook_url, links=alert.links, raw=alert.raw, count=1, first_seen=ctx.now,
            last_seen=ctx.now, resolved_at=ctx.now)
        session.add(record)
        session.flush()
        return ReceiveOutcome(alert.fingerprint, "recorded", record.id, None, alert.dedup_key)
    existing.status = "resolved"
    existing.open_key = None
    existing.ends_at = alert.ends_at or ctx.now
    existing.resolved_at = ctx.now
    existing.last_seen = ctx.now
    batch = ctx.batch
    batch.open_alerts.pop(alert.fingerprint, None)
    batch.known_absent.add(alert.fingerprint)
    batch.gone_sources.add(alert.fingerprint)
    if existing.incident_id is not None:
        incident = locked_incident(session, batch, existing.incident_id)
        settle_joins(session, batch, actor=ctx.actor, at=ctx.now, incident_id=incident.id)
        incident.firing_count = max(0, incident.firing_count - 1)
        incident.updated_at = ctx.now
        timeline.append(session, incident_id=incident.id, kind="alert.resolved", actor=ctx.actor,
                        data={"alert_id": existing.id, "name": existing.name,
                              "fingerprint": existing.fingerprint, "firing_left": incident.firing_count},
                        at=ctx.now, incident=incident)
        if incident.firing_count == 0 and is_open(incident.status):
            incident.alerts_resolved_at = ctx.now
            if ctx.auto_resolve.applies(service=incident.service, source=existing.source):
                change_status(session, incident=incident, target="resolved", actor=ctx.actor, now=ctx.now,
                              subscribers=ctx.subscribers, reason="every alert of the incident resolved")
    return ReceiveOutcome(alert.fingerprint, "resolved", existing.id, existing.incident_id, alert.dedup_key)


def acknowledge_by_event(session: Session, alert: Alert, existing: AlertRecord | None,
                         ctx: ReceiveContext) -> ReceiveOutcome:
    """A PagerDuty acknowledge event acknowledges the alert's incident."""
    if existing is None:
        return ReceiveOutcome(alert.fingerprint, "unknown_key", None, None, alert.dedup_key)
    existing.last_seen = ctx.now
    if existing.incident_id is not None:
        incident = locked_incident(session, ctx.batch, existing.incident_id)
        settle_joins(session, ctx.batch, actor=ctx.actor, at=ctx.now, incident_id=incident.id)
        if incident.status == "triggered":
            change_status(session, incident=incident, target="acknowledged", actor=ctx.actor,
                          now=ctx.now, subscribers=ctx.subscribers, reason=f"acknowledge event for {alert.dedup_key}")
    return ReceiveOutcome(alert.fingerprint, "acknowledged", existing.id, existing.incident_id,
                          alert.dedup_key)

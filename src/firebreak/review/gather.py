"""Review: read the facts of one incident from storage for its review (reads only)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from firebreak.config.models import Config
from firebreak.db.models.core import IncidentRecord
from firebreak.db.models.execution import StepRunRecord
from firebreak.incident import service, timeline
from firebreak.review import key_events
from firebreak.review.facts import ActionFact, AlertFact, Entry, IncidentFacts, StepFact, UpdateFact

MILESTONES = ("triggered", "acknowledged", "investigating", "identified", "mitigating", "monitoring",
              "resolved", "closed", "reopened")


def milestones_of(incident: IncidentRecord) -> dict[str, object]:
    return {name: getattr(incident, f"{name}_at") for name in MILESTONES}


def updates_of(session: Session, *, incident_id: int) -> tuple[UpdateFact, ...]:
    """Status updates posted on the incident.

    Hook for the communicate stage: its posted updates are read here once its table exists;
    until then an incident has none and the review's timeline shows none.
    """
    return ()


def actions_of(session: Session, *, incident_id: int) -> tuple[ActionFact, ...]:
    """The incident's action items (see `review/actions.py`)."""
    return ()


def steps_of(session: Session, *, incident_id: int) -> tuple[StepFact, ...]:
    rows = session.scalars(select(StepRunRecord).where(StepRunRecord.incident_id == incident_id)
                           .order_by(StepRunRecord.id))
    return tuple(StepFact(id=row.id, runbook=row.runbook_slug, display=row.display or row.template, phase=row.phase,
                          status=row.status, exit_code=row.exit_code, requested_by=row.requested_by,
                          automatic=row.automatic, finished_at=row.finished_at) for row in rows)


def facts_of(session: Session, *, incident: IncidentRecord, config: Config) -> IncidentFacts:
    """Everything the review of `incident` is drafted from."""
    scale = config.severity_scale
    level = scale.level(incident.severity) if incident.severity and scale.canonical(incident.severity) else None
    spec = config.service(incident.service) if incident.service else None
    alerts = tuple(AlertFact(name=a.name, summary=a.summary, service=a.service, severity=a.severity,
                             starts_at=a.starts_at, first_seen=a.first_seen, resolved_at=a.resolved_at, count=a.count)
                   for a in service.alerts_of(session, incident_id=incident.id))
    entries = tuple(Entry(seq=e.seq, at=e.at, kind=e.kind, actor=e.actor, data=dict(e.data or {}))
                    for e in timeline.entries(session, incident_id=incident.id))
    return IncidentFacts(
        id=incident.id, title=incident.title, severity=incident.severity,
        severity_description=level.description if level else "",
        ack_deadline=level.ack_deadline if level else None, service=incident.service, team=incident.team,
        status=incident.status, milestones=milestones_of(incident),  # type: ignore[arg-type]
        components=(spec.component,) if spec is not None and spec.component else (),
        roles=service.roles(session, incident_id=incident.id), alerts=alerts, entries=entries,
        key_events=key_events.of_incident(session, incident_id=incident.id),
        steps=steps_of(session, incident_id=incident.id),
        updates=updates_of(session, incident_id=incident.id),
        actions=actions_of(session, incident_id=incident.id))

"""Change flow: a change event (a deploy, a configuration push) goes on the timeline of every open
incident of the service it belongs to, so responders see what changed recently.

The service is the one triage gives the change's labels (a route's `service`, else a `service`
label); a change that belongs to no service, or whose service has no open incident, is answered
and recorded nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from firebreak.db.models.core import IncidentRecord
from firebreak.incident import timeline
from firebreak.ingest.pagerduty_change import Change
from firebreak.route.plan import HasTriagePlan
from firebreak.route.triage import triage


@dataclass(frozen=True, slots=True)
class ChangeOutcome:
    """Where a change was recorded."""

    service: str | None
    incident_ids: tuple[int, ...]


def receive_change(session: Session, change: Change, *, config: HasTriagePlan, now: datetime,
                   actor: str) -> ChangeOutcome:
    """Record `change` on its service's open incidents, in the caller's transaction."""
    service = triage(change.as_alert(), config, now).service
    if service is None:
        return ChangeOutcome(None, ())
    incidents = list(session.scalars(
        select(IncidentRecord).where(IncidentRecord.service == service, IncidentRecord.open_group_key.is_not(None))
        .order_by(IncidentRecord.id).with_for_update()))
    for incident in incidents:
        timeline.append(session, incident_id=incident.id, kind="change.received", actor=actor,
                        data={"summary": change.summary, "source": change.source,
                              "timestamp": change.timestamp.isoformat() if change.timestamp else None,
                              "integration": change.routing_key, "details": change.details,
                              "links": change.links},
                        at=now, incident=incident)
        incident.updated_at = now
    return ChangeOutcome(service, tuple(incident.id for incident in incidents))

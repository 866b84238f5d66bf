"""Change flow: a change event (a deploy, a configuration push) is kept and put on the timeline of
every open incident of the service it belongs to; an incident that opens later shows the changes
of its service from the hour before — what changed recently.

The service is the one the route decision gives the change's labels (a route's `service`, else a `service`
label); a change that belongs to no service is kept and shown on no incident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from firebreak.db.models.changes import ChangeEventRecord
from firebreak.db.models.core import IncidentRecord
from firebreak.incident import timeline
from firebreak.incident.events import IncidentOpened
from firebreak.ingest.pagerduty_change import Change
from firebreak.route.decide import decide
from firebreak.route.plan import HasRoutePlan

RECENT_CHANGES = timedelta(hours=1)
RECENT_CHANGES_MAX = 50
CHANGE_KIND = "change.received"


@dataclass(frozen=True, slots=True)
class ChangeOutcome:
    """Where a change was recorded."""

    change_id: int
    service: str | None
    incident_ids: tuple[int, ...]


def change_entry(record: ChangeEventRecord) -> dict[str, Any]:
    """What a timeline entry says about a change."""
    return {"change_id": record.id, "summary": record.summary, "source": record.source,
            "timestamp": record.happened_at.isoformat() if record.happened_at else None,
            "received_at": record.received_at.isoformat(), "integration": record.integration,
            "details": record.details, "links": record.links}


def receive_change(session: Session, change: Change, *, config: HasRoutePlan, now: datetime,
                   actor: str) -> ChangeOutcome:
    """Keep `change` and record it on its service's open incidents, in the caller's transaction."""
    service = decide(change.as_alert(), config, now).service
    record = ChangeEventRecord(service=service, summary=change.summary, source=change.source,
                               happened_at=change.timestamp, received_at=now, integration=change.routing_key,
                               details=change.details, links=change.links)
    session.add(record)
    session.flush()
    if service is None:
        return ChangeOutcome(record.id, None, ())
    incidents = list(session.scalars(
        select(IncidentRecord).where(IncidentRecord.service == service, IncidentRecord.open_group_key.is_not(None))
        .order_by(IncidentRecord.id).with_for_update()))
    for incident in incidents:
        timeline.append(session, incident_id=incident.id, kind=CHANGE_KIND, actor=actor, data=change_entry(record),
                        at=now, incident=incident)
        incident.updated_at = now
    return ChangeOutcome(record.id, service, tuple(incident.id for incident in incidents))


def on_incident_opened(session: Session, event: IncidentOpened) -> None:
    """On IncidentOpened: note the changes of the incident's service from the hour before."""
    incident, now = event.incident, event.now
    if incident.service is None:
        return
    recent = list(session.scalars(
        select(ChangeEventRecord).where(ChangeEventRecord.service == incident.service,
                                        ChangeEventRecord.received_at >= now - RECENT_CHANGES,
                                        ChangeEventRecord.received_at <= now)
        .order_by(ChangeEventRecord.received_at.desc(), ChangeEventRecord.id.desc()).limit(RECENT_CHANGES_MAX)))
    for record in reversed(recent):
        timeline.append(session, incident_id=incident.id, kind=CHANGE_KIND, actor="firebreak",
                        data={**change_entry(record), "recent": True}, at=now, incident=incident)

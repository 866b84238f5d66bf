"""Merge flow: one incident merged into another — closed pointing at the survivor (its escalation stops),
its alerts, group and timeline joined to the survivor, whose severity rises if the merged one was worse.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from firebreak.db.models.core import IncidentRecord
from firebreak.flows.receive import is_more_severe
from firebreak.flows.respond import change_severity
from firebreak.incident import merge, service
from firebreak.incident.events import StatusChanged, Subscribers
from firebreak.route.severity import SeverityScale


def merge_incidents(session: Session, *, incident_id: int, into: int, actor: str, now: datetime,
                    subscribers: Subscribers, scale: SeverityScale | None,
                    reason: str | None = None) -> IncidentRecord:
    """Merge incident `incident_id` into `into` in the caller's transaction; returns the survivor.

    Both incidents are locked in id order, as every writer that holds two incidents does.
    """
    locked = {number: service.get(session, incident_id=number, lock=True) for number in sorted({incident_id, into})}
    merged, survivor = locked[incident_id], locked[into]
    alerts = merged.alert_count
    move = merge.close_merged(session, merged=merged, survivor=survivor, actor=actor, now=now, reason=reason)
    subscribers.publish(session, StatusChanged(incident=merged, move=move, actor=actor, now=now))
    merge.join_timeline(session, merged=merged, survivor=survivor, actor=actor, now=now, alerts=alerts)
    if merged.severity is not None and is_more_severe(scale, merged.severity, survivor.severity):
        change_severity(session, incident=survivor, severity=merged.severity, actor=actor, now=now,
                        subscribers=subscribers, reason=f"incident {merged.id} merged into it is {merged.severity}")
    return survivor

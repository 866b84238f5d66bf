"""Respond flow: status, severity and role changes (acknowledge, transition, resolve, assign), each publishing
its event."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from firebreak.db.models.core import IncidentRecord
from firebreak.incident import service
from firebreak.incident.events import RoleChanged, SeverityChanged, StatusChanged, Subscribers
from firebreak.incident.lifecycle import Transition


def change_status(session: Session, *, incident: IncidentRecord, target: str, actor: str, now: datetime,
                  subscribers: Subscribers, reason: str | None = None) -> Transition:
    """Move the incident and publish StatusChanged (e.g. escalation stops on acknowledge)."""
    move = service.transition(session, incident=incident, target=target, actor=actor, now=now,
                              reason=reason)
    subscribers.publish(session, StatusChanged(incident=incident, move=move, actor=actor, now=now))
    return move


def acknowledge(session: Session, *, incident_id: int, actor: str, now: datetime,
                subscribers: Subscribers) -> Transition:
    """Acknowledge a triggered incident."""
    incident = service.get(session, incident_id=incident_id, lock=True)
    return change_status(session, incident=incident, target="acknowledged", actor=actor, now=now,
                         subscribers=subscribers)


def change_severity(session: Session, *, incident: IncidentRecord, severity: str, actor: str, now: datetime,
                    subscribers: Subscribers, reason: str | None = None,
                    cause: dict[str, Any] | None = None) -> bool:
    """Set the severity and publish SeverityChanged (paging follows it); False when nothing changed."""
    previous = incident.severity
    if not service.set_severity(session, incident=incident, severity=severity, actor=actor, now=now,
                                reason=reason, cause=cause):
        return False
    subscribers.publish(session, SeverityChanged(incident=incident, previous=previous, actor=actor, now=now))
    return True


def assign_role(session: Session, *, incident: IncidentRecord, role: str, assignee: str | None,
                known: Mapping[str, str], actor: str, now: datetime, subscribers: Subscribers) -> bool:
    """Give (or clear) a role and publish RoleChanged (chat hears of it); False when nothing changed."""
    changed = service.assign_role(session, incident=incident, role=role, assignee=assignee, known=known,
                                  actor=actor, now=now)
    if changed is None:
        return False
    previous, holder = changed
    subscribers.publish(session, RoleChanged(incident=incident, role=role, previous=previous, assignee=holder,
                                             actor=actor, now=now))
    return True

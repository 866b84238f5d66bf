"""Respond flow: status and severity changes (acknowledge, transition, resolve) with their follow-up hooks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from firebreak.db.models.core import IncidentRecord
from firebreak.flows.hooks import Hooks
from firebreak.incident import service
from firebreak.incident.lifecycle import Transition


def change_status(session: Session, *, incident: IncidentRecord, target: str, actor: str, now: datetime,
                  hooks: Hooks, reason: str | None = None) -> Transition:
    """Move the incident and run every status hook (e.g. stop escalation on acknowledge)."""
    move = service.transition(session, incident=incident, target=target, actor=actor, now=now,
                              reason=reason)
    for hook in hooks.on_status_changed:
        hook(session, incident, move, actor, now)
    return move


def acknowledge(session: Session, *, incident_id: int, actor: str, now: datetime, hooks: Hooks) -> Transition:
    """Acknowledge a triggered incident."""
    incident = service.get(session, incident_id=incident_id, lock=True)
    return change_status(session, incident=incident, target="acknowledged", actor=actor, now=now,
                         hooks=hooks)


def change_severity(session: Session, *, incident: IncidentRecord, severity: str, actor: str, now: datetime,
                    hooks: Hooks, reason: str | None = None, cause: dict[str, Any] | None = None) -> bool:
    """Set the severity and run every severity hook (paging follows it); False when nothing changed."""
    previous = incident.severity
    if not service.set_severity(session, incident=incident, severity=severity, actor=actor, now=now,
                                reason=reason, cause=cause):
        return False
    for hook in hooks.on_severity_changed:
        hook(session, incident, previous, actor, now)
    return True

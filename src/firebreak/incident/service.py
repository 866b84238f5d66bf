"""Incident persistence: open, read, list, transition, roles, severity and notes (never commits)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from firebreak.db.models.core import AlertRecord, IncidentRecord, IncidentRoleRecord
from firebreak.incident import timeline
from firebreak.incident.lifecycle import ROLES, STATES, Transition, is_open, plan_transition
from firebreak.incident.roles import resolve_assignee
from firebreak.kernel.errors import InvalidInput, NotFound


@dataclass(frozen=True, slots=True)
class IncidentPage:
    """One slice (limit, offset) of a filtered incident list."""

    items: list[IncidentRecord]
    total: int
    limit: int
    offset: int


def get(session: Session, *, incident_id: int, lock: bool = False) -> IncidentRecord:
    """One incident by id (optionally locked for update)."""
    query = select(IncidentRecord).where(IncidentRecord.id == incident_id)
    if lock:
        query = query.with_for_update()
    incident = session.scalars(query).one_or_none()
    if incident is None:
        raise NotFound(f"incident {incident_id} not found")
    return incident


def list_incidents(session: Session, *, status: list[str] | None = None,
                   severity: list[str] | None = None, service: list[str] | None = None,
                   team: list[str] | None = None, holder: str | None = None,
                   limit: int = 50, offset: int = 0) -> IncidentPage:
    """Incidents newest first, filtered by status (or `open`), severity, service, team and role holder."""
    query = filtered(select(IncidentRecord), severity=severity, service=service, team=team, holder=holder)
    if status:
        query = query.where(IncidentRecord.status.in_(states_named(status)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(session.scalars(query.order_by(IncidentRecord.id.desc()).limit(limit).offset(offset)))
    return IncidentPage(items=items, total=total, limit=limit, offset=offset)


def count_by_status(session: Session, *, severity: list[str] | None = None, service: list[str] | None = None,
                    team: list[str] | None = None, holder: str | None = None) -> dict[str, int]:
    """How many incidents are in each lifecycle state (every state present, zero when none), same filters."""
    query = filtered(select(IncidentRecord.status, func.count()), severity=severity, service=service, team=team,
                     holder=holder).group_by(IncidentRecord.status)
    counted = {state: 0 for state in STATES}
    counted.update({status: count for status, count in session.execute(query)})
    return counted


def states_named(values: Sequence[str]) -> list[str]:
    """The lifecycle states a status filter names (`open` is every open state); InvalidInput for others."""
    wanted: set[str] = set()
    for value in values:
        if value == "open":
            wanted.update(s for s in STATES if is_open(s))
        elif value in STATES:
            wanted.add(value)
        else:
            raise InvalidInput(f"unknown status {value!r}; use one of open, {', '.join(STATES)}", field="status")
    return sorted(wanted)


def filtered(query: Select[Any], *, severity: list[str] | None, service: list[str] | None,
             team: list[str] | None, holder: str | None) -> Select[Any]:
    """`query` narrowed to incidents of these severities, services and teams, with a role held by `holder`."""
    if severity:
        query = query.where(IncidentRecord.severity.in_(severity))
    if service:
        query = query.where(IncidentRecord.service.in_(service))
    if team:
        query = query.where(IncidentRecord.team.in_(team))
    if holder:
        query = query.where(IncidentRecord.id.in_(
            select(IncidentRoleRecord.incident_id).where(IncidentRoleRecord.assignee == holder)))
    return query


def open_incident(session: Session, *, title: str, severity: str | None, service: str | None,
                  team: str | None, escalation_policy: str | None, group_key: str, now: datetime,
                  actor: str, data: dict[str, Any]) -> IncidentRecord:
    """Create a triggered incident and its first timeline entry."""
    incident = IncidentRecord(
        title=title[:1000], status="triggered", severity=severity, service=service, team=team,
        escalation_policy=escalation_policy, group_key=group_key, open_group_key=group_key,
        created_at=now, updated_at=now, triggered_at=now, alert_count=0, firing_count=0,
        timeline_count=0, timeline_head="",
    )
    session.add(incident)
    session.flush()
    timeline.append(session, incident_id=incident.id, kind="incident.opened", actor=actor,
                    data={"title": incident.title, "severity": severity, "service": service,
                          "team": team, "escalation_policy": escalation_policy, **data},
                    at=now, incident=incident)
    return incident


def transition(session: Session, *, incident: IncidentRecord, target: str, actor: str, now: datetime,
               reason: str | None = None) -> Transition:
    """Move an incident to `target` if the table allows it; one timeline entry per move."""
    move = plan_transition(incident.status, target)
    incident.status = target
    incident.updated_at = now
    if move.rule_id.startswith("REO"):
        incident.reopened_at = now
        incident.resolved_at = None
        incident.open_group_key = incident.group_key
    milestone = f"{target}_at"
    if getattr(incident, milestone, None) is None:
        setattr(incident, milestone, now)
    if target in ("investigating",) and incident.acknowledged_at is None:
        incident.acknowledged_at = now
    if not is_open(target):
        incident.open_group_key = None
    timeline.append(session, incident_id=incident.id, kind="incident.status", actor=actor,
                    data={"from": move.source, "to": move.target, "rule": move.rule_id,
                          "reason": reason}, at=now, incident=incident)
    return move


def set_severity(session: Session, *, incident: IncidentRecord, severity: str, actor: str,
                 now: datetime, reason: str | None = None, cause: dict[str, Any] | None = None) -> bool:
    """Change the severity and record who changed it from what (and which alert, when one did)."""
    old = incident.severity
    if old == severity:
        return False
    incident.severity = severity
    incident.updated_at = now
    data: dict[str, Any] = {"from": old, "to": severity, "reason": reason}
    if cause:
        data["alert"] = cause
    timeline.append(session, incident_id=incident.id, kind="incident.severity", actor=actor,
                    data=data, at=now, incident=incident)
    return True


def roles(session: Session, *, incident_id: int) -> dict[str, str]:
    """Current role holders of an incident."""
    return roles_of(session, incident_ids=[incident_id]).get(incident_id, {})


def roles_of(session: Session, *, incident_ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """Current role holders of several incidents, by incident id (one query)."""
    if not incident_ids:
        return {}
    rows = session.scalars(select(IncidentRoleRecord)
                           .where(IncidentRoleRecord.incident_id.in_(set(incident_ids)))
                           .order_by(IncidentRoleRecord.incident_id, IncidentRoleRecord.role))
    held: dict[int, dict[str, str]] = {}
    for row in rows:
        held.setdefault(row.incident_id, {})[row.role] = row.assignee
    return held


def assign_role(session: Session, *, incident: IncidentRecord, role: str, assignee: str | None,
                known: Mapping[str, str], actor: str, now: datetime) -> tuple[str | None, str | None] | None:
    """Give a role to a known person or an `external:` name (or clear it with None); on the timeline.

    `known` maps lower-cased names to the name stored (`Runtime.assignees` builds it). Returns
    (previous holder, new holder), or None when nothing changed.
    """
    if role not in ROLES:
        raise InvalidInput(f"unknown role {role!r}; roles are {', '.join(ROLES)}", field="role")
    assignee = resolve_assignee(assignee, known)
    row = session.scalars(select(IncidentRoleRecord).where(
        IncidentRoleRecord.incident_id == incident.id, IncidentRoleRecord.role == role)).one_or_none()
    previous = row.assignee if row else None
    if previous == assignee:
        return None
    if assignee is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(IncidentRoleRecord(incident_id=incident.id, role=role, assignee=assignee,
                                       assigned_by=actor, assigned_at=now))
    else:
        row.assignee, row.assigned_by, row.assigned_at = assignee, actor, now
    incident.updated_at = now
    timeline.append(session, incident_id=incident.id, kind="incident.role", actor=actor,
                    data={"role": role, "from": previous, "to": assignee}, at=now, incident=incident)
    return previous, assignee


def add_note(session: Session, *, incident: IncidentRecord, text: str, actor: str, now: datetime) -> None:
    """A free-text note on the timeline."""
    if not text.strip():
        raise InvalidInput("a note needs text", field="text")
    incident.updated_at = now
    timeline.append(session, incident_id=incident.id, kind="note", actor=actor, data={"text": text},
                    at=now, incident=incident)


def alerts_of(session: Session, *, incident_id: int) -> list[AlertRecord]:
    """Alerts attached to an incident, oldest first."""
    return list(session.scalars(select(AlertRecord).where(AlertRecord.incident_id == incident_id)
                                .order_by(AlertRecord.id)))

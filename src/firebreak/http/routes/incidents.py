"""Incident endpoints: list, show, acknowledge, transition, severity, roles, notes, timeline."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from firebreak.flows.respond import acknowledge, change_status
from firebreak.flows.respond import assign_role as assign_incident_role
from firebreak.flows.respond import change_severity as change_incident_severity
from firebreak.http.deps import DB, Responder, RuntimeDep, Viewer
from firebreak.http.incident_views import detail, summaries
from firebreak.http.schemas import (
    IncidentList,
    IncidentOut,
    NoteIn,
    RoleIn,
    SeverityIn,
    TimelineEntryOut,
    TransitionIn,
    VerifyOut,
)
from firebreak.incident import service, timeline

router = APIRouter(prefix="/api/v1/incidents", tags=["incidents"])
IncidentId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("", response_model=IncidentList)
def list_incidents(
    db: DB, runtime: RuntimeDep, _caller: Viewer,
    status: Annotated[list[str] | None, Query(description="open or a lifecycle state")] = None,
    severity: Annotated[list[str] | None, Query()] = None,
    service_name: Annotated[list[str] | None, Query(alias="service")] = None,
    team: Annotated[list[str] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> IncidentList:
    severities = [runtime.severity_named(word) for word in severity] if severity else None
    page = service.list_incidents(db, status=status, severity=severities, service=service_name, team=team,
                                  limit=limit, offset=offset)
    return IncidentList(items=summaries(db, runtime, page.items),
                        total=page.total, limit=page.limit, offset=page.offset)


@router.get("/{incident_id}", response_model=IncidentOut)
def get_incident(incident_id: IncidentId, db: DB, runtime: RuntimeDep, _caller: Viewer) -> IncidentOut:
    return detail(db, runtime, service.get(db, incident_id=incident_id))


@router.post("/{incident_id}/acknowledge", response_model=IncidentOut)
def acknowledge_incident(incident_id: IncidentId, db: DB, runtime: RuntimeDep,
                         caller: Responder) -> IncidentOut:
    acknowledge(db, incident_id=incident_id, actor=caller.name, now=runtime.clock.now(),
                subscribers=runtime.subscribers)
    return detail(db, runtime, service.get(db, incident_id=incident_id))


@router.post("/{incident_id}/transition", response_model=IncidentOut)
def transition_incident(incident_id: IncidentId, body: TransitionIn, db: DB, runtime: RuntimeDep,
                        caller: Responder) -> IncidentOut:
    incident = service.get(db, incident_id=incident_id, lock=True)
    change_status(db, incident=incident, target=body.status, actor=caller.name, now=runtime.clock.now(),
                  subscribers=runtime.subscribers, reason=body.reason)
    return detail(db, runtime, incident)


@router.post("/{incident_id}/severity", response_model=IncidentOut)
def change_severity(incident_id: IncidentId, body: SeverityIn, db: DB, runtime: RuntimeDep,
                    caller: Responder) -> IncidentOut:
    severity = runtime.severity_named(body.severity)
    incident = service.get(db, incident_id=incident_id, lock=True)
    change_incident_severity(db, incident=incident, severity=severity, actor=caller.name,
                             now=runtime.clock.now(), subscribers=runtime.subscribers, reason=body.reason)
    return detail(db, runtime, incident)


@router.post("/{incident_id}/roles", response_model=IncidentOut)
def assign_role(incident_id: IncidentId, body: RoleIn, db: DB, runtime: RuntimeDep,
                caller: Responder) -> IncidentOut:
    incident = service.get(db, incident_id=incident_id, lock=True)
    assign_incident_role(db, incident=incident, role=body.role, assignee=body.assignee, known=runtime.assignees(db),
                         actor=caller.name, now=runtime.clock.now(), subscribers=runtime.subscribers)
    return detail(db, runtime, incident)


@router.post("/{incident_id}/notes", response_model=IncidentOut, status_code=201)
def add_note(incident_id: IncidentId, body: NoteIn, db: DB, runtime: RuntimeDep,
             caller: Responder) -> IncidentOut:
    incident = service.get(db, incident_id=incident_id, lock=True)
    service.add_note(db, incident=incident, text=body.text, actor=caller.name, now=runtime.clock.now())
    return detail(db, runtime, incident)


@router.get("/{incident_id}/timeline", response_model=list[TimelineEntryOut])
def get_timeline(incident_id: IncidentId, db: DB, _caller: Viewer,
                 after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0) -> list[TimelineEntryOut]:
    service.get(db, incident_id=incident_id)
    return [TimelineEntryOut.of(e) for e in timeline.entries(db, incident_id=incident_id, after_seq=after)]


@router.get("/{incident_id}/timeline/verify", response_model=VerifyOut)
def verify_timeline(incident_id: IncidentId, db: DB, _caller: Viewer) -> VerifyOut:
    verdict = timeline.verify(db, incident_id=incident_id)
    return VerifyOut(ok=verdict.ok, entries=verdict.entries, problems=list(verdict.problems),
                     first_bad_seq=verdict.first_bad_seq)

"""A responder's moves on incidents: declare one by hand, merge one into another (see `http.responder_moves`)."""

from __future__ import annotations

from fastapi import APIRouter

from firebreak.http import responder_moves as moves
from firebreak.http.deps import DB, Responder, RuntimeDep
from firebreak.http.incident_views import detail
from firebreak.http.responder_moves import DeclareIn, MergeIn
from firebreak.http.routes.incidents import IncidentId
from firebreak.http.schemas import IncidentOut

router = APIRouter(prefix="/api/v1/incidents", tags=["incidents"])


@router.post("", response_model=IncidentOut, status_code=201)
def declare(body: DeclareIn, db: DB, runtime: RuntimeDep, caller: Responder) -> IncidentOut:
    """Declare an incident by hand; it is routed, attached and paged like one an alert opened."""
    return detail(db, runtime, moves.declare(db, runtime, body, actor=caller.name))


@router.post("/{incident_id}/merge", response_model=IncidentOut)
def merge(incident_id: IncidentId, body: MergeIn, db: DB, runtime: RuntimeDep, caller: Responder) -> IncidentOut:
    """Merge the incident into `into`: its alerts and timeline join that one, it closes pointing there.
    Answers the survivor."""
    return detail(db, runtime, moves.merge(db, runtime, incident_id, body, actor=caller.name))

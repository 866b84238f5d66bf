"""Status-update endpoints: an incident's updates, the draft of the next one, posting one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from firebreak.communicate import updates
from firebreak.http.deps import DB, Responder, RuntimeDep, Viewer
from firebreak.http.update_schemas import DraftOut, UpdateIn, UpdateOut, request_of
from firebreak.incident import service

router = APIRouter(prefix="/api/v1/incidents", tags=["updates"])
IncidentId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Kind = Annotated[str | None, Query(max_length=32, description="initial, progress, resolved, status_page, "
                                                               "customer_email or leadership")]
Visibility = Annotated[str | None, Query(max_length=16, description="internal or public")]


@router.get("/{incident_id}/updates", response_model=list[UpdateOut])
def list_updates(incident_id: IncidentId, db: DB, _caller: Viewer, visibility: Visibility = None) -> list[UpdateOut]:
    """The incident's status updates, oldest first."""
    service.get(db, incident_id=incident_id)
    if visibility is not None:
        updates.check_visibility(visibility)
    return [UpdateOut.of(u) for u in updates.of_incident(db, incident_id=incident_id, visibility=visibility)]


@router.get("/{incident_id}/updates/draft", response_model=DraftOut)
def draft_update(incident_id: IncidentId, db: DB, runtime: RuntimeDep, _caller: Viewer, kind: Kind = None,
                 visibility: Visibility = None) -> DraftOut:
    """The next update drafted from the incident in the configured template (nothing is posted)."""
    incident = service.get(db, incident_id=incident_id)
    if visibility is not None:
        updates.check_visibility(visibility)
    return DraftOut.of(runtime.communicator.draft(db, incident=incident, kind=kind, visibility=visibility))


@router.post("/{incident_id}/updates", response_model=UpdateOut, status_code=201)
def post_update(incident_id: IncidentId, body: UpdateIn, db: DB, runtime: RuntimeDep,
                caller: Responder) -> UpdateOut:
    """Post a status update: the next one falls due a cadence later, chat and stakeholders are told."""
    request = request_of(body)
    incident = service.get(db, incident_id=incident_id, lock=True)
    return UpdateOut.of(runtime.communicator.post(db, incident=incident, request=request, actor=caller.name))

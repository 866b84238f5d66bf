"""Review endpoints: an incident's post-incident review (read, edit, versions, Markdown/HTML) and key events."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from firebreak.http.deps import DB, Responder, RuntimeDep, Viewer
from firebreak.http.review_schemas import KeyEventIn, KeyEventOut, ReviewIn, ReviewOut, ReviewVersionOut
from firebreak.incident import service
from firebreak.review import key_events, store
from firebreak.review.stage import document

router = APIRouter(prefix="/api/v1/incidents", tags=["review"])
IncidentId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Seq = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/{incident_id}/review", response_model=ReviewOut)
def get_review(incident_id: IncidentId, db: DB, _caller: Viewer) -> ReviewOut:
    service.get(db, incident_id=incident_id)
    return ReviewOut.of(store.get(db, incident_id=incident_id))


@router.put("/{incident_id}/review", response_model=ReviewOut)
def edit_review(incident_id: IncidentId, body: ReviewIn, db: DB, runtime: RuntimeDep, caller: Responder) -> ReviewOut:
    """Save sections and/or the status as a new version (`base_version` guards against overwriting)."""
    service.get(db, incident_id=incident_id)
    return ReviewOut.of(store.save(db, incident_id=incident_id, sections=body.sections, status=body.status,
                                   base_version=body.base_version, author=caller.name, now=runtime.clock.now()))


@router.post("/{incident_id}/review/draft", response_model=ReviewOut)
def draft_review(incident_id: IncidentId, db: DB, runtime: RuntimeDep, caller: Responder) -> ReviewOut:
    """Draft the review from the timeline now (sections people edited are kept)."""
    incident = service.get(db, incident_id=incident_id, lock=True)
    return ReviewOut.of(runtime.review.redraft(db, incident=incident, actor=caller.name, now=runtime.clock.now(),
                                               change="drafted on request"))


@router.get("/{incident_id}/review/versions", response_model=list[ReviewVersionOut])
def review_versions(incident_id: IncidentId, db: DB, _caller: Viewer) -> list[ReviewVersionOut]:
    return [ReviewVersionOut.of(v) for v in store.versions(db, incident_id=incident_id)]


@router.get("/{incident_id}/review/versions/{number}", response_model=ReviewVersionOut)
def review_version(incident_id: IncidentId, number: Seq, db: DB, _caller: Viewer) -> ReviewVersionOut:
    return ReviewVersionOut.of(store.version(db, incident_id=incident_id, number=number))


@router.get("/{incident_id}/review.md", response_class=Response,
            responses={200: {"content": {"text/markdown": {}}}})
def review_markdown(incident_id: IncidentId, db: DB, _caller: Viewer) -> Response:
    incident = service.get(db, incident_id=incident_id)
    text = document(incident, store.get(db, incident_id=incident_id), form="markdown")
    return Response(text, media_type="text/markdown; charset=utf-8")


@router.get("/{incident_id}/review.html", response_class=Response, responses={200: {"content": {"text/html": {}}}})
def review_html(incident_id: IncidentId, db: DB, _caller: Viewer) -> Response:
    incident = service.get(db, incident_id=incident_id)
    return Response(document(incident, store.get(db, incident_id=incident_id), form="html"),
                    media_type="text/html; charset=utf-8")


@router.get("/{incident_id}/key-events", response_model=list[KeyEventOut])
def list_key_events(incident_id: IncidentId, db: DB, _caller: Viewer) -> list[KeyEventOut]:
    service.get(db, incident_id=incident_id)
    return [KeyEventOut.of(row) for row in key_events.rows_of(db, incident_id=incident_id)]


@router.put("/{incident_id}/key-events/{seq}", response_model=KeyEventOut)
def mark_key_event(incident_id: IncidentId, seq: Seq, body: KeyEventIn, db: DB, runtime: RuntimeDep,
                   caller: Responder) -> KeyEventOut:
    """Mark timeline entry `seq` as a key event; an unedited review timeline shows it at once."""
    incident = service.get(db, incident_id=incident_id, lock=True)
    now = runtime.clock.now()
    row = key_events.mark(db, incident=incident, seq=seq, label=body.label, actor=caller.name, now=now)
    runtime.review.refresh(db, incident=incident, actor=caller.name, now=now, change=f"key event {seq} marked")
    return KeyEventOut.of(row)


@router.delete("/{incident_id}/key-events/{seq}", status_code=204, response_class=Response)
def unmark_key_event(incident_id: IncidentId, seq: Seq, db: DB, runtime: RuntimeDep, caller: Responder) -> Response:
    incident = service.get(db, incident_id=incident_id, lock=True)
    if key_events.unmark(db, incident_id=incident_id, seq=seq):
        runtime.review.refresh(db, incident=incident, actor=caller.name, now=runtime.clock.now(),
                               change=f"key event {seq} unmarked")
    return Response(status_code=204)

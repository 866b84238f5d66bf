"""Communicate: status-update storage — post one (with its timeline entry), list, read the latest (never commits)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from firebreak.communicate.templates import BUILTIN, PUBLIC_KINDS
from firebreak.db.models.communicate import StatusUpdateRecord
from firebreak.db.models.core import IncidentRecord
from firebreak.incident import timeline
from firebreak.kernel.errors import InvalidInput

VISIBILITIES = ("internal", "public")
MAX_BODY = 20_000


def check_visibility(visibility: str) -> str:
    if visibility not in VISIBILITIES:
        raise InvalidInput(f"visibility is internal or public, not {visibility!r}", field="visibility")
    return visibility


def visibility_of(kind: str) -> str:
    return "public" if kind in PUBLIC_KINDS else "internal"


def check_kind(kind: str, visibility: str | None) -> str:
    """The visibility a kind of update has; InvalidInput when the kind is unknown or the two disagree."""
    if kind not in BUILTIN:
        raise InvalidInput(f"unknown kind of update {kind!r}; kinds are {', '.join(BUILTIN)}", field="kind")
    expected = visibility_of(kind)
    if visibility is not None and visibility != expected:
        publics = ", ".join(sorted(PUBLIC_KINDS))
        raise InvalidInput(f"a {kind} update is {expected}, not {visibility} (public kinds: {publics})",
                           field="visibility")
    return expected


def post(session: Session, *, incident: IncidentRecord, kind: str, status: str, title: str, body: str,
         components: Sequence[dict[str, str]], next_update_at: datetime | None, actor: str,
         now: datetime) -> StatusUpdateRecord:
    """Store an update and note it on the incident's timeline (the caller holds the incident's lock)."""
    if not body.strip():
        raise InvalidInput("an update needs text", field="body")
    if len(body) > MAX_BODY:
        raise InvalidInput(f"an update is at most {MAX_BODY} characters", field="body")
    visibility = visibility_of(kind)
    record = StatusUpdateRecord(
        incident_id=incident.id, kind=kind, visibility=visibility, status=status, title=title.strip()[:1000],
        body=body.strip(), components=list(components), next_update_at=next_update_at, posted_by=actor,
        posted_at=now)
    session.add(record)
    session.flush()
    incident.updated_at = now
    timeline.append(session, incident_id=incident.id, kind="update.posted", actor=actor,
                    data={"update_id": record.id, "kind": kind, "visibility": visibility, "status": status,
                          "title": record.title, "body": record.body,
                          "next_update_at": next_update_at.isoformat() if next_update_at else None},
                    at=now, incident=incident)
    return record


def of_incident(session: Session, *, incident_id: int, visibility: str | None = None) -> list[StatusUpdateRecord]:
    """An incident's updates, oldest first (only public or internal ones when asked)."""
    query = select(StatusUpdateRecord).where(StatusUpdateRecord.incident_id == incident_id)
    if visibility is not None:
        query = query.where(StatusUpdateRecord.visibility == visibility)
    return list(session.scalars(query.order_by(StatusUpdateRecord.posted_at, StatusUpdateRecord.id)))


def public_of(session: Session, *, incident_ids: Sequence[int]) -> dict[int, list[StatusUpdateRecord]]:
    """The public updates of several incidents, oldest first, by incident id (one query)."""
    if not incident_ids:
        return {}
    rows = session.scalars(select(StatusUpdateRecord)
                           .where(StatusUpdateRecord.incident_id.in_(list(incident_ids)),
                                  StatusUpdateRecord.visibility == "public")
                           .order_by(StatusUpdateRecord.posted_at, StatusUpdateRecord.id))
    found: dict[int, list[StatusUpdateRecord]] = {}
    for row in rows:
        found.setdefault(row.incident_id, []).append(row)
    return found

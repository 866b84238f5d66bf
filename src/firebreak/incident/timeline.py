"""Timeline storage: append one entry (locking the incident row) and verify the chain."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from firebreak.db.models.core import IncidentRecord, TimelineEntryRecord
from firebreak.incident.chain import GENESIS, ChainEntry, Verdict, entry_hash, verify_chain
from firebreak.kernel.errors import NotFound
from firebreak.kernel.redact import redact_value


def append(session: Session, *, incident_id: int, kind: str, actor: str, data: dict[str, Any],
           at: datetime, incident: IncidentRecord | None = None) -> TimelineEntryRecord:
    """Append an entry to an incident's timeline; the caller's transaction commits it."""
    if incident is None:
        incident = session.scalars(select(IncidentRecord).where(IncidentRecord.id == incident_id)
                                   .with_for_update()).one_or_none()
        if incident is None:
            raise NotFound(f"incident {incident_id} not found")
    # Secrets never reach the timeline (it is shown, exported and kept forever).
    data = redact_value(data)
    seq = incident.timeline_count + 1
    prev = incident.timeline_head or GENESIS
    digest = entry_hash(incident_id=incident_id, seq=seq, at=at, kind=kind, actor=actor, data=data,
                        prev_hash=prev)
    entry = TimelineEntryRecord(incident_id=incident_id, seq=seq, at=at, kind=kind, actor=actor,
                                data=data, prev_hash=prev, hash=digest)
    session.add(entry)
    incident.timeline_count = seq
    incident.timeline_head = digest
    return entry


def entries(session: Session, *, incident_id: int, after_seq: int = 0,
            limit: int | None = None) -> list[TimelineEntryRecord]:
    """An incident's entries in order."""
    query = (select(TimelineEntryRecord).where(TimelineEntryRecord.incident_id == incident_id,
                                              TimelineEntryRecord.seq > after_seq)
             .order_by(TimelineEntryRecord.seq))
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))


def verify(session: Session, *, incident_id: int) -> Verdict:
    """Verify an incident's stored chain against its recorded head and count."""
    incident = session.get(IncidentRecord, incident_id)
    if incident is None:
        raise NotFound(f"incident {incident_id} not found")
    return verify_entries(incident, entries(session, incident_id=incident_id))


def verify_entries(incident: IncidentRecord, rows: Sequence[TimelineEntryRecord]) -> Verdict:
    """Verify entries already read (all of the incident's, in order) against its recorded head and count."""
    chain = [ChainEntry(incident_id=r.incident_id, seq=r.seq, at=r.at, kind=r.kind, actor=r.actor,
                        data=r.data, prev_hash=r.prev_hash, hash=r.hash) for r in rows]
    return verify_chain(chain, head=incident.timeline_head, count=incident.timeline_count)

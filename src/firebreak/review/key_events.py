"""Review: key events — timeline entries responders mark for the review's timeline table (never commits)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from firebreak.db.models.core import IncidentRecord, TimelineEntryRecord
from firebreak.db.models.review import KeyEventRecord
from firebreak.kernel.errors import InvalidInput

MAX_LABEL = 500


def rows_of(session: Session, *, incident_id: int) -> list[KeyEventRecord]:
    """The marks on an incident's timeline, in timeline order."""
    return list(session.scalars(select(KeyEventRecord).where(KeyEventRecord.incident_id == incident_id)
                                .order_by(KeyEventRecord.seq)))


def of_incident(session: Session, *, incident_id: int) -> dict[int, str | None]:
    """Marked entries of an incident: sequence number → the label given (None: the entry's own words)."""
    return {row.seq: row.label for row in rows_of(session, incident_id=incident_id)}


def mark(session: Session, *, incident: IncidentRecord, seq: int, label: str | None, actor: str,
         now: datetime) -> KeyEventRecord:
    """Mark entry `seq` of the incident's timeline as a key event (again: change its label)."""
    exists = session.scalar(select(TimelineEntryRecord.id).where(TimelineEntryRecord.incident_id == incident.id,
                                                                 TimelineEntryRecord.seq == seq))
    if exists is None:
        raise InvalidInput(f"incident {incident.id} has no timeline entry {seq} (it has {incident.timeline_count})",
                           field="seq")
    text = " ".join(label.split()) if label else None
    if text and len(text) > MAX_LABEL:
        raise InvalidInput(f"a key event's label is at most {MAX_LABEL} characters", field="label")
    row = session.scalars(select(KeyEventRecord).where(KeyEventRecord.incident_id == incident.id,
                                                       KeyEventRecord.seq == seq)).one_or_none()
    if row is None:
        row = KeyEventRecord(incident_id=incident.id, seq=seq, label=text or None, marked_by=actor[:255],
                             marked_at=now)
        session.add(row)
    else:
        row.label, row.marked_by, row.marked_at = text or None, actor[:255], now
    session.flush()
    return row


def unmark(session: Session, *, incident_id: int, seq: int) -> bool:
    """Take the mark off entry `seq`; False when it was not marked."""
    result = session.execute(delete(KeyEventRecord).where(KeyEventRecord.incident_id == incident_id,
                                                          KeyEventRecord.seq == seq))
    return bool(result.rowcount)  # type: ignore[attr-defined]

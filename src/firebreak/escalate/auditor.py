"""Escalate: the lateness auditor — finds escalation turns and notifications past their due time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from firebreak.db.models.escalate import EscalationRecord, OutboxRecord


@dataclass(frozen=True, slots=True)
class Late:
    """Something due more than the grace period ago and still not done."""

    kind: str  # "turn" or "notification"
    ref: int
    incident_id: int | None  # None for a notification about a silence
    due_at: datetime
    lateness: timedelta


def find_late(session: Session, *, now: datetime, grace: timedelta, limit: int = 100) -> list[Late]:
    """Overdue escalation turns and notifications, most overdue first."""
    cutoff = now - grace
    found: list[Late] = []
    for row in session.scalars(select(EscalationRecord)
                               .where(EscalationRecord.status.in_(("active", "acknowledged")),
                                      EscalationRecord.next_due_at < cutoff)
                               .order_by(EscalationRecord.next_due_at).limit(limit)):
        if row.next_due_at is not None:
            found.append(Late("turn", row.id, row.incident_id, row.next_due_at, now - row.next_due_at))
    for item in session.scalars(select(OutboxRecord)
                                .where(OutboxRecord.status == "pending", OutboxRecord.next_attempt_at < cutoff)
                                .order_by(OutboxRecord.next_attempt_at).limit(limit)):
        found.append(Late("notification", item.id, item.incident_id, item.next_attempt_at, now - item.next_attempt_at))
    return sorted(found, key=lambda late: late.lateness, reverse=True)

"""Audit log storage: append one entry per state-changing request to a hash chain, list, verify.

The chain reuses the timeline's hashing (`firebreak.incident.chain`) as chain number 0; the
`audit_state` row holds the head and length, and every append locks it first so concurrent
writers line up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from firebreak.db.models.security import AuditEntryRecord, AuditStateRecord
from firebreak.incident.chain import GENESIS, ChainEntry, Verdict, entry_hash, verify_chain

CHAIN_ID = 0
STATE_ID = 1
DETAIL_MAX = 2000


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """What one request did: who, what, when, from where, outcome."""

    at: datetime
    actor: str
    role: str | None
    via: str
    method: str
    path: str
    action: str
    status: int
    request_id: str
    client: str | None = None
    target: dict[str, Any] = field(default_factory=dict)
    detail: str | None = None
    # Refused by a rate limit, whatever the status told the sender (503 to one that retries only those).
    limited: bool = False

    @property
    def outcome(self) -> str:
        return "limited" if self.limited else outcome_of(self.status)


def outcome_of(status: int) -> str:
    """One word for the result of a request."""
    if status in (401, 403):
        return "denied"
    if status == 429:
        return "limited"
    if status >= 500:
        return "error"
    if status >= 400:
        return "rejected"
    return "success"


def chained_data(*, role: str | None, via: str, method: str, path: str, target: dict[str, Any],
                 client: str | None, request_id: str, status: int, outcome: str,
                 detail: str | None) -> dict[str, Any]:
    """The fields the hash covers besides seq, time, action and actor."""
    return {"role": role, "via": via, "method": method, "path": path, "target": target, "client": client,
            "request_id": request_id, "status": status, "outcome": outcome, "detail": detail}


def record_data(record: AuditEntryRecord) -> dict[str, Any]:
    return chained_data(role=record.role, via=record.via, method=record.method, path=record.path,
                        target=record.target, client=record.client, request_id=record.request_id,
                        status=record.status, outcome=record.outcome, detail=record.detail)


def lock_state(session: Session) -> AuditStateRecord:
    """The chain state, write-locked (a no-op UPDATE takes the lock on SQLite and PostgreSQL alike).

    The first writer creates the row; a writer that loses that race waits and locks the winner's.
    """
    for _ in range(2):
        touched = session.execute(update(AuditStateRecord).where(AuditStateRecord.id == STATE_ID)
                                  .values(count=AuditStateRecord.count))
        if touched.rowcount:  # type: ignore[attr-defined]
            return session.scalars(select(AuditStateRecord).where(AuditStateRecord.id == STATE_ID)
                                   .execution_options(populate_existing=True)).one()
        try:
            with session.begin_nested():
                state = AuditStateRecord(id=STATE_ID, count=0, head=GENESIS)
                session.add(state)
            return state
        except IntegrityError:
            continue
    raise RuntimeError("the audit chain state row could not be created or locked")


def append(session: Session, event: AuditEvent) -> AuditEntryRecord:
    """Append one entry; the caller's transaction commits it."""
    return append_many(session, [event])[0]


def append_many(session: Session, events: list[AuditEvent]) -> list[AuditEntryRecord]:
    """Append entries in order under one lock of the chain head; the caller's transaction commits them."""
    state = lock_state(session)
    records = []
    for event in events:
        seq = state.count + 1
        detail = event.detail[:DETAIL_MAX] if event.detail else None
        data = chained_data(role=event.role, via=event.via, method=event.method, path=event.path,
                            target=event.target, client=event.client, request_id=event.request_id,
                            status=event.status, outcome=event.outcome, detail=detail)
        digest = entry_hash(incident_id=CHAIN_ID, seq=seq, at=event.at, kind=event.action, actor=event.actor,
                            data=data, prev_hash=state.head)
        records.append(AuditEntryRecord(
            seq=seq, at=event.at, actor=event.actor, role=event.role, via=event.via, method=event.method,
            path=event.path, action=event.action, target=event.target, client=event.client,
            request_id=event.request_id, status=event.status, outcome=event.outcome, detail=detail,
            prev_hash=state.head, hash=digest))
        state.count = seq
        state.head = digest
    session.add_all(records)
    return records


def entries(session: Session, *, before: int | None = None, limit: int = 100, actor: str | None = None,
            outcome: str | None = None) -> list[AuditEntryRecord]:
    """Newest entries first, optionally before a sequence number and filtered by actor or outcome."""
    query = select(AuditEntryRecord).order_by(AuditEntryRecord.seq.desc()).limit(limit)
    if before is not None:
        query = query.where(AuditEntryRecord.seq < before)
    if actor is not None:
        query = query.where(AuditEntryRecord.actor == actor)
    if outcome is not None:
        query = query.where(AuditEntryRecord.outcome == outcome)
    return list(session.scalars(query))


def verify(session: Session) -> Verdict:
    """Check the whole chain against the recorded head and length."""
    state = session.get(AuditStateRecord, STATE_ID)
    rows = session.scalars(select(AuditEntryRecord).order_by(AuditEntryRecord.seq))
    chain = [ChainEntry(incident_id=CHAIN_ID, seq=r.seq, at=r.at, kind=r.action, actor=r.actor,
                        data=record_data(r), prev_hash=r.prev_hash, hash=r.hash) for r in rows]
    return verify_chain(chain, head=state.head if state else GENESIS, count=state.count if state else 0)

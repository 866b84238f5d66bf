"""Execute: step-run persistence — create, read, claim for running, record results (never commits)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from firebreak.db.models.execution import StepRunRecord
from firebreak.kernel.errors import NotFound
from firebreak.runbook.execute.sources import Value

# requested → awaiting_approval → queued → running → succeeded | failed | timed_out
# requested → blocked | refused | proposed (no target: never run); awaiting_approval → rejected
TERMINAL = frozenset({"blocked", "refused", "proposed", "rejected", "succeeded", "failed", "timed_out"})
STATUSES = ("awaiting_approval", "queued", "running", *sorted(TERMINAL))


def values_out(values: Mapping[str, Value]) -> dict[str, dict[str, Any]]:
    """Where each value came from; secret values are never stored, only their source."""
    return {raw: {"source": v.source, "key": v.key, "secret": v.secret, "value": None if v.secret else v.text}
            for raw, v in values.items()}


def values_in(stored: Mapping[str, Any]) -> dict[str, str]:
    """The stored non-secret values, as operator input for filling the step again at run time (what the
    target gives is read from the target again)."""
    return {raw: item["value"] for raw, item in stored.items() if not item.get("secret") and item.get("value")
            is not None and item.get("source") != "target"}


def add(session: Session, record: StepRunRecord) -> StepRunRecord:
    session.add(record)
    session.flush()
    return record


def get(session: Session, *, step_id: int, lock: bool = False) -> StepRunRecord:
    """One step by id (optionally locked), or NotFound."""
    query = select(StepRunRecord).where(StepRunRecord.id == step_id)
    if lock:
        query = query.with_for_update()
    record = session.scalars(query).one_or_none()
    if record is None:
        raise NotFound(f"step {step_id} not found")
    return record


def for_incident(session: Session, *, incident_id: int) -> list[StepRunRecord]:
    """An incident's steps, oldest first."""
    return list(session.scalars(select(StepRunRecord).where(StepRunRecord.incident_id == incident_id)
                                .order_by(StepRunRecord.id)))


def queued(session: Session, *, limit: int = 50) -> list[int]:
    """Ids of steps waiting to run (e.g. left over by a process that stopped)."""
    return list(session.scalars(select(StepRunRecord.id).where(StepRunRecord.status == "queued")
                                .order_by(StepRunRecord.id).limit(limit)))


def claim(session: Session, *, step_id: int, now: datetime) -> bool:
    """Move a queued step to running; False when another runner took it first."""
    result = session.execute(update(StepRunRecord).where(StepRunRecord.id == step_id,
                                                         StepRunRecord.status == "queued")
                             .values(status="running", started_at=now))
    return bool(result.rowcount)  # type: ignore[attr-defined]

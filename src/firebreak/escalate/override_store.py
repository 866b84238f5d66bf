"""Escalate: stored schedule overrides made through the API or CLI (never commits)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from firebreak.db.models.escalate import OverrideRecord
from firebreak.escalate.directory import Directory
from firebreak.escalate.override import Override
from firebreak.kernel.errors import InvalidInput, NotFound


def create(session: Session, *, directory: Directory, schedule: str, user: str, starts_at: datetime,
           ends_at: datetime, replaces: str | None, reason: str, actor: str, now: datetime) -> OverrideRecord:
    """Store an override after checking the schedule, the people and the times."""
    if schedule not in directory.schedules:
        known = ", ".join(sorted(directory.schedules)) or "none configured"
        raise InvalidInput(f"unknown schedule {schedule!r} (schedules: {known})", field="schedule")
    if user not in directory.people:
        raise InvalidInput(f"unknown user {user!r}", field="user")
    if replaces is not None and replaces not in directory.people:
        raise InvalidInput(f"unknown user {replaces!r}", field="replaces")
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise InvalidInput("start and end need a time zone (e.g. 2025-01-01T09:00:00Z)", field="start")
    if ends_at <= starts_at:
        raise InvalidInput("an override must end after it starts", field="end")
    record = OverrideRecord(schedule=schedule, user_handle=user, replaces=replaces, starts_at=starts_at,
                            ends_at=ends_at, reason=reason, created_by=actor, created_at=now)
    session.add(record)
    session.flush()
    return record


def listing(session: Session, *, schedule: str | None = None,
            ending_after: datetime | None = None) -> list[OverrideRecord]:
    """Stored overrides, oldest first, optionally for one schedule and only those not yet over."""
    query = select(OverrideRecord).order_by(OverrideRecord.starts_at, OverrideRecord.id)
    if schedule is not None:
        query = query.where(OverrideRecord.schedule == schedule)
    if ending_after is not None:
        query = query.where(OverrideRecord.ends_at > ending_after)
    return list(session.scalars(query))


def delete(session: Session, *, override_id: int) -> OverrideRecord:
    record = session.get(OverrideRecord, override_id)
    if record is None:
        raise NotFound(f"override {override_id} not found")
    session.delete(record)
    return record


def as_override(record: OverrideRecord) -> Override:
    """The pure value the schedule arithmetic works with; later ids win ties."""
    return Override(record.user_handle, record.starts_at, record.ends_at, record.replaces,
                    order=1_000_000 + record.id, ref=f"db:{record.id}")


def by_schedule(records: Sequence[OverrideRecord]) -> dict[str, list[Override]]:
    grouped: dict[str, list[Override]] = {}
    for record in records:
        grouped.setdefault(record.schedule, []).append(as_override(record))
    return grouped


def active_by_schedule(session: Session, *, since: datetime) -> dict[str, list[Override]]:
    """Every stored override not over before `since`, grouped by schedule."""
    return by_schedule(listing(session, ending_after=since))

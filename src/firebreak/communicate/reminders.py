"""Communicate: the update cadences — durable timers started, re-timed and stopped with the incident (never commits).

A cadence is a row per incident and track, like an escalation: the responders' track (`updates`:
when the next status update is due, reminding while it is overdue) and one per stakeholder list
that follows the incident's severity (`brief:NAME`: when its next leadership summary goes out).
Every change bumps the row's fencing token; the worker acts on due rows under their lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from firebreak.communicate.cadence import Timing, after_update, first_brief, first_update, retimed
from firebreak.communicate.rules import UPDATES_TRACK, Rules
from firebreak.db.models.communicate import UpdateCadenceRecord
from firebreak.db.models.core import IncidentRecord
from firebreak.incident.lifecycle import is_open
from firebreak.notify import outbox

LIVE = ("active",)


def get(session: Session, *, incident_id: int, track: str = UPDATES_TRACK,
        lock: bool = False) -> UpdateCadenceRecord | None:
    query = select(UpdateCadenceRecord).where(UpdateCadenceRecord.incident_id == incident_id,
                                              UpdateCadenceRecord.track == track)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def tracks_of(session: Session, *, incident_id: int, lock: bool = False) -> list[UpdateCadenceRecord]:
    query = select(UpdateCadenceRecord).where(UpdateCadenceRecord.incident_id == incident_id)
    if lock:
        query = query.with_for_update()
    return list(session.scalars(query.order_by(UpdateCadenceRecord.id)))


def of_incidents(session: Session, *, incident_ids: Sequence[int]) -> dict[int, UpdateCadenceRecord]:
    """The responders' cadence of several incidents in one query, by incident id."""
    if not incident_ids:
        return {}
    rows = session.scalars(select(UpdateCadenceRecord).where(
        UpdateCadenceRecord.incident_id.in_(list(incident_ids)), UpdateCadenceRecord.track == UPDATES_TRACK))
    return {row.incident_id: row for row in rows}


def _apply(row: UpdateCadenceRecord, timing: Timing, now: datetime) -> None:
    row.status = timing.status
    row.every_seconds = int(timing.every.total_seconds()) if timing.every is not None else None
    row.due_at = timing.due_at
    row.next_due_at = timing.next_due_at
    row.stopped_at = None
    row.token += 1
    row.updated_at = now


def _put(session: Session, incident: IncidentRecord, track: str, timing: Timing, now: datetime,
         existing: UpdateCadenceRecord | None) -> UpdateCadenceRecord:
    if existing is not None:
        _apply(existing, timing, now)
        return existing
    row = UpdateCadenceRecord(
        incident_id=incident.id, track=track, status=timing.status,
        every_seconds=int(timing.every.total_seconds()) if timing.every is not None else None,
        due_at=timing.due_at, next_due_at=timing.next_due_at, reminders=0, seq=0, token=1, started_at=now,
        updated_at=now)
    session.add(row)
    return row


def start(session: Session, *, incident: IncidentRecord, rules: Rules, now: datetime) -> list[UpdateCadenceRecord]:
    """A new (or reopened) incident: the initial update is due soon, its stakeholders' summaries follow."""
    existing = {row.track: row for row in tracks_of(session, incident_id=incident.id, lock=True)}
    timing = first_update(rules.cadence(incident.severity), opened_at=now, initial_within=rules.initial_within)
    rows = [_put(session, incident, UPDATES_TRACK, timing, now, existing.get(UPDATES_TRACK))]
    rows[0].reminders = 0
    rows[0].last_update_at = None
    rows += _follow_stakeholders(session, incident, rules, now, existing)
    session.flush()
    return rows


def on_update(session: Session, *, incident: IncidentRecord, rules: Rules, posted_at: datetime,
              promised: datetime | None) -> UpdateCadenceRecord | None:
    """An update was posted: the next one is due a cadence later; pending reminders are cancelled."""
    row = get(session, incident_id=incident.id, lock=True)
    if not is_open(incident.status):
        if row is not None and row.status != "stopped":
            stop_track(session, row, posted_at, "incident is over")
        return row
    timing = after_update(rules.cadence(incident.severity), posted_at=posted_at, promised=promised)
    row = _put(session, incident, UPDATES_TRACK, timing, posted_at, row)
    row.reminders = 0
    row.last_update_at = posted_at
    session.flush()
    outbox.cancel_pending(session, cadence_id=row.id, now=posted_at, reason="an update was posted")
    return row


def follow_severity(session: Session, *, incident: IncidentRecord, rules: Rules,
                    now: datetime) -> list[UpdateCadenceRecord]:
    """The severity changed: the next update is due one new cadence after the last; stakeholder lists follow."""
    if not is_open(incident.status):
        return []
    existing = {row.track: row for row in tracks_of(session, incident_id=incident.id, lock=True)}
    current = existing.get(UPDATES_TRACK)
    timing = retimed(rules.cadence(incident.severity), last_update_at=current.last_update_at if current else None,
                     opened_at=incident.created_at, initial_within=rules.initial_within)
    if timing.due_at is not None and timing.due_at < now and current is not None and current.reminders:
        # Already overdue and reminded: the next reminder keeps its rhythm instead of firing at once.
        timing = Timing(timing.status, timing.every, timing.due_at, current.next_due_at)
    rows = [_put(session, incident, UPDATES_TRACK, timing, now, current)]
    rows += _follow_stakeholders(session, incident, rules, now, existing)
    session.flush()
    return rows


def _follow_stakeholders(session: Session, incident: IncidentRecord, rules: Rules, now: datetime,
                         existing: dict[str, UpdateCadenceRecord]) -> list[UpdateCadenceRecord]:
    """Start the summaries of the lists that follow the incident's severity; stop the others'."""
    rows = []
    wanted = {s.track: s for s in rules.stakeholders_for(incident.severity)}
    for track, stakeholders in wanted.items():
        row = existing.get(track)
        if row is not None and row.status == "active":
            continue
        rows.append(_put(session, incident, track, first_brief(stakeholders.every, since=now,
                                                               initial_within=rules.initial_within), now, row))
    for track, row in existing.items():
        if track != UPDATES_TRACK and track not in wanted and row.status == "active":
            stop_track(session, row, now, "severity no longer followed by this stakeholder list")
            rows.append(row)
    return rows


def stop(session: Session, *, incident: IncidentRecord, now: datetime, reason: str) -> list[UpdateCadenceRecord]:
    """The incident is over: no update is due any more, no reminder or summary goes out."""
    rows = tracks_of(session, incident_id=incident.id, lock=True)
    for row in rows:
        if row.status != "stopped":
            stop_track(session, row, now, reason)
    return rows


def stop_track(session: Session, row: UpdateCadenceRecord, now: datetime, reason: str) -> None:
    """Stop one track and cancel what it has not sent."""
    row.status = "stopped"
    row.due_at = None
    row.next_due_at = None
    row.stopped_at = now
    row.token += 1
    row.updated_at = now
    session.flush()
    outbox.cancel_pending(session, cadence_id=row.id, now=now, reason=reason)


def every(row: UpdateCadenceRecord) -> timedelta | None:
    return timedelta(seconds=row.every_seconds) if row.every_seconds is not None else None

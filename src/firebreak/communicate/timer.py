"""Communicate: the cadence timer — the worker's tick for due update cadences (reminders and summaries).

Each due cadence row is claimed with SKIP LOCKED (so two workers never take the same one), its
incident locked the same way, and the reminder or summary written to the outbox in the transaction
that moves the row on; the outbox's unique (cadence, action, person, contact) key makes a repeat
impossible even for a worker that lost its lock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from firebreak.communicate import drafts, notices, reminders
from firebreak.communicate.cadence import next_brief, next_reminder, reminder_candidates
from firebreak.communicate.facts import duration_text, time_text
from firebreak.communicate.rules import BRIEF_PREFIX, UPDATES_TRACK, Rules
from firebreak.db import due
from firebreak.db.models.communicate import UpdateCadenceRecord
from firebreak.db.models.core import IncidentRecord
from firebreak.escalate import engine as escalations
from firebreak.escalate import override_store
from firebreak.escalate.directory import Directory
from firebreak.escalate.override import Override
from firebreak.escalate.pager import display_target, incident_url, note
from firebreak.escalate.targets import resolve
from firebreak.incident import service
from firebreak.incident.lifecycle import is_open
from firebreak.kernel.clock import Clock
from firebreak.notify import outbox
from firebreak.notify.render import Rendered

LOG = logging.getLogger("firebreak.communicate")
REMINDER = "reminder"
BRIEF = "brief"


@dataclass(frozen=True, slots=True)
class CadenceOutcome:
    """What one tick did to one cadence."""

    cadence_id: int
    incident_id: int
    action: str  # reminded, briefed, unreachable, stopped
    notifications: int = 0


@dataclass
class CadenceTimer:
    """Acts on due update cadences; safe to run in several workers at once."""

    session_factory: sessionmaker[Session]
    rules: Callable[[], Rules]
    directory: Callable[[], Directory]
    clock: Clock
    batch: int = 200

    def run_due(self) -> int:
        """Remind and brief for every due cadence (one batch); returns the notifications queued."""
        return sum(outcome.notifications for outcome in self.run())

    def run(self) -> list[CadenceOutcome]:
        return due.run_isolated(self.session_factory, batch=self._act, due_ids=self._due_ids,
                                postpone=self._postpone, what="update cadence", log=LOG)

    def _query(self, now: datetime):  # type: ignore[no-untyped-def]
        return (select(UpdateCadenceRecord)
                .where(UpdateCadenceRecord.status.in_(reminders.LIVE), UpdateCadenceRecord.next_due_at <= now)
                .order_by(UpdateCadenceRecord.next_due_at).limit(self.batch))

    def _due_ids(self, session: Session) -> list[int]:
        return list(session.scalars(self._query(self.clock.now()).with_only_columns(UpdateCadenceRecord.id)))

    def _postpone(self, session: Session, cadence_id: int) -> None:
        row = session.get(UpdateCadenceRecord, cadence_id, with_for_update=True)
        if row is not None and row.status in reminders.LIVE:
            row.next_due_at = self.clock.now() + timedelta(minutes=1)
            row.token += 1

    def _act(self, session: Session, only: int | None) -> list[CadenceOutcome]:
        now = self.clock.now()
        query = self._query(now)
        if only is not None:
            query = query.where(UpdateCadenceRecord.id == only)
        rows: list[UpdateCadenceRecord] = due.claim(session, query)
        if not rows:
            return []
        incidents = due.lock_incidents(session, [row.incident_id for row in rows])
        rules, directory = self.rules(), self.directory()
        overrides = override_store.active_by_schedule(session, since=now)
        outcomes = []
        for row in rows:
            incident = incidents.get(row.incident_id)
            if incident is None:
                continue  # being changed right now: next tick
            if not is_open(incident.status):
                reminders.stop(session, incident=incident, now=now, reason="incident is over")
                outcomes.append(CadenceOutcome(row.id, incident.id, "stopped"))
            elif row.track == UPDATES_TRACK:
                outcomes.append(remind(session, row=row, incident=incident, rules=rules, directory=directory,
                                       overrides=overrides, now=now))
            else:
                outcomes.append(brief(session, row=row, incident=incident, rules=rules, directory=directory,
                                      now=now))
        session.flush()
        return outcomes


def on_call_now(session: Session, incident: IncidentRecord, directory: Directory, now: datetime,
                overrides: Mapping[str, Sequence[Override]]) -> list[str]:
    """Who acknowledged the incident's page, then who its policy's first level names right now."""
    handles = []
    escalation = escalations.get(session, incident_id=incident.id)
    if escalation is not None and escalation.acknowledged_by:
        handles.append(escalation.acknowledged_by.split(" (", 1)[0])
    rules = directory.policy_for(incident.escalation_policy, incident.team)
    if rules is not None and rules.rules:
        handles += [r.handle for r in resolve(directory, rules.rules[0].targets, now, overrides).recipients]
    return handles


def reminder_text(incident: IncidentRecord, row: UpdateCadenceRecord, base_url: str, now: datetime) -> Rendered:
    overdue = duration_text(now - row.due_at) if row.due_at is not None else "now"
    every = reminders.every(row)
    title = f"[REMINDER] #{incident.id} {incident.severity or ''} status update overdue".replace("  ", " ")
    body = (f"The next status update for #{incident.id} {incident.title} was due at "
            f"{time_text(row.due_at) if row.due_at else 'once the incident opened'} ({overdue} ago"
            + (f"; {incident.severity} updates are due every {duration_text(every)}" if every else "") + ").\n"
            f"Post one: firebreak incident update {incident.id}\n"
            f"Incident: {incident_url(base_url.rstrip('/'), incident.id)}")
    return Rendered(title, body)


def remind(session: Session, *, row: UpdateCadenceRecord, incident: IncidentRecord, rules: Rules,
           directory: Directory, overrides: Mapping[str, Sequence[Override]], now: datetime) -> CadenceOutcome:
    """The update is overdue: remind the first reachable of comms lead, commander, on-call; again later."""
    roles = service.roles(session, incident_id=incident.id)
    candidates = reminder_candidates(roles, acknowledged_by=None,
                                     on_call=on_call_now(session, incident, directory, now, overrides))
    chosen = next((c for c in candidates if (p := directory.people.get(c.handle)) is not None and p.contacts), None)
    queued = 0
    if chosen is None:
        note(session, incident, "update.reminder_unreachable",
             {"due_at": row.due_at.isoformat() if row.due_at else None, "tried": [c.handle for c in candidates],
              "reason": "nobody to remind: no communications lead, commander or on-call with a contact method"}, now)
        action = "unreachable"
    else:
        person = directory.people[chosen.handle]
        rendered = reminder_text(incident, row, directory.base_url, now)
        drafts_ = [outbox.Draft(index, contact, display_target(contact.target), rendered)
                   for index, contact in enumerate(person.contacts)]
        outbox.enqueue(session, incident_id=incident.id, escalation_id=None, cadence_id=row.id, turn_seq=row.seq,
                       kind=REMINDER, level=0, user=person.handle, drafts=drafts_, due=now, now=now)
        queued = len(drafts_)
        note(session, incident, "update.reminded",
             {"user": person.handle, "why": chosen.why, "reminder": row.reminders + 1,
              "due_at": row.due_at.isoformat() if row.due_at else None,
              "contacts": [d.target_display for d in drafts_]}, now)
        action = "reminded"
    row.reminders += 1
    row.seq += 1
    row.next_due_at = next_reminder(now, rules.remind_every)
    row.token += 1
    row.updated_at = now
    return CadenceOutcome(row.id, incident.id, action, queued)


def brief(session: Session, *, row: UpdateCadenceRecord, incident: IncidentRecord, rules: Rules,
          directory: Directory, now: datetime) -> CadenceOutcome:
    """A stakeholder list's summary is due: draft the leadership summary and send it to the list."""
    stakeholders = rules.stakeholder(row.track.removeprefix(BRIEF_PREFIX))
    if stakeholders is None or incident.severity not in stakeholders.severities:
        reminders.stop_track(session, row, now, "stakeholder list no longer follows it")
        return CadenceOutcome(row.id, incident.id, "stopped")
    queued = 0
    if "leadership_summary" in stakeholders.receive:
        summary = drafts.draft(session, incident=incident, rules=rules, base_url=directory.base_url, now=now,
                               kind="leadership", next_update=stakeholders.every)
        queued = notices.send_to_list(session, incident=incident, recipient=stakeholders.recipient, directory=directory,
                              rendered=Rendered(summary.title, summary.body), kind=BRIEF, now=now,
                              cadence_id=row.id, turn_seq=row.seq)
        note(session, incident, "update.briefed", {"stakeholders": stakeholders.name, "title": summary.title,
                                                   "notifications": queued}, now)
    row.seq += 1
    row.due_at = next_brief(row.due_at or now, stakeholders.every, now)
    row.next_due_at = row.due_at
    row.token += 1
    row.updated_at = now
    return CadenceOutcome(row.id, incident.id, "briefed", queued)

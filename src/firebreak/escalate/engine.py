"""Escalate: the durable engine — start, advance, acknowledge and stop escalation rows (never commits).

An escalation is a row, not a sleeping timer: it holds the frozen policy, the next turn, when
that turn is due and a fencing token. Starting one happens in the transaction that opens the
incident; each turn is executed by a worker tick that holds the row lock and writes the turn's
notifications to the outbox in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from firebreak.db.models.core import IncidentRecord
from firebreak.db.models.escalate import EscalationRecord
from firebreak.escalate import pager
from firebreak.escalate.directory import Directory
from firebreak.escalate.override import Override
from firebreak.escalate.pager import note
from firebreak.escalate.policy import Snapshot, freeze, turn_at
from firebreak.escalate.quiet import notify_quietly
from firebreak.incident.lifecycle import is_open
from firebreak.notify import outbox

LIVE = ("active", "acknowledged")


def start(session: Session, *, incident: IncidentRecord, directory: Directory,
          now: datetime) -> EscalationRecord | None:
    """Reach people as the severity's urgency says (in the caller's transaction).

    High: freeze the incident's policy and make its first turn due now. Low or none: tell the
    team quietly (see `quiet`); when the urgency is low only because it is outside support
    hours, the escalation is frozen too, with its first turn due when support hours start.
    """
    urgency = directory.urgency(incident.severity, now)
    if not urgency.pages_now:
        notify_quietly(session, incident=incident, directory=directory, decision=urgency, now=now)
        if urgency.pages_at is None:
            return None
    due = now if urgency.pages_now else urgency.pages_at or now
    rules = directory.policy_for(incident.escalation_policy, incident.team)
    if rules is None:
        note(session, incident, "escalation.skipped",
              {"reason": "no escalation policy for this incident",
               "policy": incident.escalation_policy, "team": incident.team}, now)
        return None
    deadline = directory.ack_deadlines.get(incident.severity or "")
    snapshot = freeze(policy=rules.name, severity=incident.severity, rules=rules.rules, repeat=rules.repeat,
                      ack_timeout=rules.ack_timeout, ack_deadline=deadline, default_wait=directory.default_wait)
    if not snapshot.levels:
        note(session, incident, "escalation.skipped",
              {"reason": f"policy {rules.name} has no level for severity {incident.severity}",
               "policy": rules.name}, now)
        return None
    row = EscalationRecord(
        incident_id=incident.id, policy=rules.name, snapshot=snapshot.to_json(), status="active", turn=0, seq=0,
        repages=0, next_due_at=due, token=1, started_at=now, updated_at=now,
        ack_deadline_at=due + deadline if deadline is not None else None)
    session.add(row)
    session.flush()
    if due > now:
        note(session, incident, "escalation.deferred",
             {"policy": rules.name, "pages_at": due.isoformat(), "reason": urgency.reason}, now)
    # No timeline entry yet: the first page (moments later) records the policy and deadline, so an
    # incident acknowledged before anyone was paged carries no paging noise.
    return row


def get(session: Session, *, incident_id: int, lock: bool = False) -> EscalationRecord | None:
    query = select(EscalationRecord).where(EscalationRecord.incident_id == incident_id)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def of_incidents(session: Session, *, incident_ids: Sequence[int]) -> dict[int, EscalationRecord]:
    """The escalations of several incidents in one query, by incident id."""
    if not incident_ids:
        return {}
    rows = session.scalars(select(EscalationRecord).where(EscalationRecord.incident_id.in_(list(incident_ids))))
    return {row.incident_id: row for row in rows}


def acknowledge(session: Session, *, incident: IncidentRecord, actor: str,
                now: datetime) -> EscalationRecord | None:
    """Stop paging; when the policy has an acknowledgement timeout, arm the re-page timer."""
    row = get(session, incident_id=incident.id, lock=True)
    if row is None or row.status not in ("active", "exhausted", "acknowledged"):
        return row
    snapshot = Snapshot.from_json(row.snapshot)
    cancelled = outbox.cancel_pending(session, incident_id=incident.id, now=now,
                                      reason=f"acknowledged by {actor}")
    # Waiting for support hours, nobody was paged: an acknowledgement ends it without a re-page timer.
    deferred = row.status == "active" and row.seq == 0 and row.next_due_at is not None and row.next_due_at > now
    row.status = "acknowledged"
    row.acknowledged_at = now
    row.acknowledged_by = actor
    row.next_due_at = now + snapshot.ack_timeout if snapshot.ack_timeout is not None and not deferred else None
    row.token += 1
    row.updated_at = now
    if row.seq or cancelled:
        note(session, incident, "escalation.acknowledged",
             {"by": actor, "after_turns": row.seq, "cancelled_notifications": cancelled,
              "repage_at": row.next_due_at.isoformat() if row.next_due_at else None}, now)
    return row


def stop(session: Session, *, incident: IncidentRecord, actor: str, now: datetime,
         reason: str) -> EscalationRecord | None:
    """End the escalation for good (resolved, closed) and cancel what has not been sent."""
    row = get(session, incident_id=incident.id, lock=True)
    if row is None or row.status == "stopped":
        return row
    cancelled = outbox.cancel_pending(session, incident_id=incident.id, now=now, reason=reason)
    row.status = "stopped"
    row.stopped_at = now
    row.next_due_at = None
    row.token += 1
    row.updated_at = now
    if row.seq or cancelled:
        note(session, incident, "escalation.stopped",
             {"by": actor, "reason": reason, "cancelled_notifications": cancelled}, now)
    return row


def restart(session: Session, *, incident: IncidentRecord, directory: Directory, now: datetime,
            reason: str) -> EscalationRecord | None:
    """Page again from the first level (a reopened incident); starts one if there was none."""
    row = get(session, incident_id=incident.id, lock=True)
    if row is None:
        return start(session, incident=incident, directory=directory, now=now)
    urgency = directory.urgency(incident.severity, now)
    if not urgency.pages_now:
        notify_quietly(session, incident=incident, directory=directory, decision=urgency, now=now)
        if urgency.pages_at is None:
            return row
    row.status = "active"
    row.turn = 0
    row.next_due_at = now if urgency.pages_now else urgency.pages_at
    row.stopped_at = None
    row.acknowledged_at = None
    row.acknowledged_by = None
    row.token += 1
    row.updated_at = now
    note(session, incident, "escalation.restarted", {"reason": reason}, now)
    return row


def follow_severity(session: Session, *, incident: IncidentRecord, directory: Directory, previous: str | None,
                    now: datetime) -> EscalationRecord | None:
    """Page as the incident's new severity needs: start paging, or re-freeze the live policy for it.

    A live escalation keeps its place (the next level it would page, in the same pass) in the policy
    frozen anew for the new severity, so a raised incident gains the levels kept for severe ones
    and the shorter acknowledge deadline without paging anyone twice. Lowering the severity changes
    nothing here: whoever is being paged keeps being paged.
    """
    if not is_open(incident.status) or not directory.is_raise(previous, incident.severity):
        return None
    row = get(session, incident_id=incident.id, lock=True)
    if row is None and incident.status != "triggered":
        # A responder already has the incident: the raise is theirs to act on, nobody is woken.
        note(session, incident, "escalation.skipped",
             {"reason": f"raised to {incident.severity} while {incident.status}: a responder has it"}, now)
        return None
    if row is None or row.status == "stopped":
        return start(session, incident=incident, directory=directory, now=now) if row is None else row
    rules = directory.policy_for(incident.escalation_policy, incident.team)
    if rules is None:
        return row
    old = Snapshot.from_json(row.snapshot)
    deadline = directory.ack_deadlines.get(incident.severity or "")
    snapshot = freeze(policy=rules.name, severity=incident.severity, rules=rules.rules, repeat=rules.repeat,
                      ack_timeout=rules.ack_timeout, ack_deadline=deadline, default_wait=directory.default_wait)
    if not snapshot.levels:
        return row
    row.snapshot = snapshot.to_json()
    row.policy = rules.name
    if row.status == "active":
        row.turn = same_place(old, snapshot, row.turn)
        waiting = row.seq == 0 and row.next_due_at is not None and row.next_due_at > now
        if waiting and directory.urgency(incident.severity, now).pages_now:
            row.next_due_at = now  # was waiting for support hours; the new severity pages at once
    elif row.status == "exhausted" and incident.status == "triggered":
        row.status = "active"
        row.turn = 0
        row.next_due_at = now
    if deadline is not None and (row.ack_deadline_at is None or now + deadline < row.ack_deadline_at):
        row.ack_deadline_at = now + deadline
    row.token += 1
    row.updated_at = now
    note(session, incident, "escalation.severity_changed",
         {"from": previous, "to": incident.severity, "policy": rules.name, "status": row.status,
          "levels": [level.number for level in snapshot.levels],
          "next_level": next_level(snapshot, row.turn)}, now)
    return row


def same_place(old: Snapshot, new: Snapshot, turn: int) -> int:
    """The turn of `new` that pages the level `old` would page at `turn` (or the next one after it)."""
    if not old.levels or turn >= old.total_turns:
        return min(turn, new.total_turns)
    round_, position = divmod(turn, len(old.levels))
    number = old.levels[position].number
    for index, level in enumerate(new.levels):
        if level.number >= number:
            return round_ * len(new.levels) + index
    return (round_ + 1) * len(new.levels)


def next_level(snapshot: Snapshot, turn: int) -> int | None:
    """The configured number of the level paged at `turn`, or None past the end of the plan."""
    if turn >= snapshot.total_turns or not snapshot.levels:
        return None
    return snapshot.levels[turn % len(snapshot.levels)].number


@dataclass(frozen=True, slots=True)
class TurnOutcome:
    """What one tick did to one escalation."""

    escalation_id: int
    incident_id: int
    action: str  # paged, repaged, exhausted, stopped
    turn: int
    notifications: int = 0


def advance(session: Session, *, row: EscalationRecord, incident: IncidentRecord, directory: Directory,
            now: datetime, overrides: Mapping[str, Sequence[Override]]) -> TurnOutcome:
    """Execute the turn `row` is due for; the caller holds the row's lock and commits."""
    due = row.next_due_at or now
    if not is_open(incident.status):
        row.status = "stopped"
        row.next_due_at = None
        row.stopped_at = now
        row.token += 1
        row.updated_at = now
        return TurnOutcome(row.id, incident.id, "stopped", row.turn)
    kind = "page"
    if row.status == "acknowledged":
        # The acknowledgement timed out with the incident still open: page again from the top.
        kind = "repage"
        row.status = "active"
        row.turn = 0
        row.repages += 1
        note(session, incident, "escalation.ack_timeout",
              {"acknowledged_by": row.acknowledged_by,
               "acknowledged_at": row.acknowledged_at.isoformat() if row.acknowledged_at else None,
               "repage": row.repages}, now)
    snapshot = Snapshot.from_json(row.snapshot)
    turn = turn_at(snapshot, row.turn, due)
    if turn is None:
        row.status = "exhausted"
        row.next_due_at = None
        row.token += 1
        row.updated_at = now
        note(session, incident, "escalation.exhausted",
              {"policy": snapshot.policy, "turns": row.seq,
               "reason": "every level was paged and nobody acknowledged"}, now)
        return TurnOutcome(row.id, incident.id, "exhausted", row.turn)
    count = pager.page_level(session, incident=incident, escalation_id=row.id, turn_seq=row.seq, kind=kind,
                             level=turn.level, round_=turn.round, policy=snapshot.policy, due=due,
                             directory=directory, now=now, overrides=overrides)
    row.turn += 1
    row.seq += 1
    row.next_due_at = turn.next_due
    row.last_turn_at = now
    row.token += 1
    row.updated_at = now
    return TurnOutcome(row.id, incident.id, "repaged" if kind == "repage" else "paged", turn.index, count)

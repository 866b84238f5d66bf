"""Notify: the outbox — notifications written with the turn that caused them, claimed, finished, logged.

A notification is about an incident (pages, low-urgency notices, tracker posts: results go on the
incident's timeline) or about a silence (the warning to its author that it ends soon).

Never commits: the worker tick that calls these owns each transaction. Side effects (sending)
happen between `claim_due` and `finish`, outside any transaction.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, or_, select, update
from sqlalchemy.orm import Session

from firebreak.db.models.core import IncidentRecord
from firebreak.db.models.escalate import DeliveryAttemptRecord, OutboxRecord
from firebreak.incident import timeline
from firebreak.notify.backoff import RetryPolicy
from firebreak.notify.channel import SendResult, family_of
from firebreak.notify.contact import Contact
from firebreak.notify.render import Rendered

ACTOR = "firebreak:notify"
OPEN_STATES = ("pending", "sending")
SILENCE_EXPIRY = "silence_expiry"
# What asks people to respond: acknowledging or resolving an incident cancels these (never its chat posts,
# status-update reminders or mail to subscribers, which their own stage stops).
PAGING_KINDS = ("page", "repage", "low_urgency", "tracker")


@dataclass(frozen=True, slots=True)
class Draft:
    """One rendered notification for one contact method of one person."""

    contact_index: int
    contact: Contact
    target_display: str
    rendered: Rendered


def enqueue(session: Session, *, incident_id: int | None, escalation_id: int | None, turn_seq: int, kind: str,
            level: int, user: str, drafts: Sequence[Draft], due: datetime, now: datetime,
            cadence_id: int | None = None, update_id: int | None = None) -> list[OutboxRecord]:
    """Write one outbox row per contact method, each due `after` its method's delay.

    A row belongs to the escalation turn, the update cadence or the status update that caused it.
    """
    rows = []
    for draft in drafts:
        at = due + draft.contact.after
        row = OutboxRecord(
            incident_id=incident_id, escalation_id=escalation_id, cadence_id=cadence_id, update_id=update_id,
            turn_seq=turn_seq, kind=kind, level=level,
            user_handle=user, contact_index=draft.contact_index, channel=family_of(draft.contact.target),
            target=draft.target_display, title=draft.rendered.title, body=draft.rendered.body,
            status="pending", due_at=at, next_attempt_at=at, attempts=0, token=1, fallback=False,
            created_at=now)
        session.add(row)
        rows.append(row)
    return rows


def enqueue_silence_warning(session: Session, *, silence_id: str, user: str, drafts: Sequence[Draft],
                            due: datetime, hold_until: datetime, now: datetime) -> list[OutboxRecord]:
    """Write the warning that a silence ends soon, one row per contact method of its author.

    The first method is due at `due`; the others wait until `hold_until` (the silence's end) unless
    the first fails for good and brings the next forward. One delivery cancels the rest.
    """
    rows = []
    for position, draft in enumerate(drafts):
        at = due if position == 0 else max(hold_until, due)
        row = OutboxRecord(
            incident_id=None, silence_id=silence_id, escalation_id=None, turn_seq=0, kind=SILENCE_EXPIRY, level=0,
            user_handle=user, contact_index=draft.contact_index, channel=family_of(draft.contact.target),
            target=draft.target_display, title=draft.rendered.title, body=draft.rendered.body,
            status="pending", due_at=at, next_attempt_at=at, attempts=0, token=1, fallback=False,
            created_at=now)
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


def cancel_pending(session: Session, *, incident_id: int | None = None, cadence_id: int | None = None,
                   now: datetime, reason: str) -> int:
    """Cancel pages of an incident (or the reminders of a cadence) not yet handed to a channel; how many."""
    about = (OutboxRecord.cadence_id == cadence_id if cadence_id is not None
             else and_(OutboxRecord.incident_id == incident_id, OutboxRecord.kind.in_(PAGING_KINDS)))
    result = session.execute(
        update(OutboxRecord)
        .where(about, OutboxRecord.status == "pending")
        .values(status="cancelled", finished_at=now, last_error=reason, token=OutboxRecord.token + 1)
        .execution_options(synchronize_session=False))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Claim:
    """A notification taken by one worker for one attempt; `token` fences the result."""

    outbox_id: int
    token: int
    attempt: int
    attempt_id: int
    incident_id: int | None
    user: str
    contact_index: int
    title: str
    body: str
    due_at: datetime


def claim_due(session: Session, *, now: datetime, limit: int, lease: timedelta, worker: str) -> list[Claim]:
    """Take due notifications (and ones whose sender's lease ran out) for one attempt each.

    Rows are locked with SKIP LOCKED, so concurrent workers take disjoint sets; every claim
    bumps the token and writes an in-flight attempt to the delivery log before anything is sent.
    """
    due = or_(and_(OutboxRecord.status == "pending", OutboxRecord.next_attempt_at <= now),
              and_(OutboxRecord.status == "sending", OutboxRecord.lease_until < now))
    rows = list(session.scalars(select(OutboxRecord).where(due).order_by(OutboxRecord.next_attempt_at)
                                .limit(limit).with_for_update(skip_locked=True)))
    for row in rows:
        if row.status == "sending":
            # The previous sender stopped mid-attempt; whether that attempt reached anyone is unknown.
            session.execute(update(DeliveryAttemptRecord)
                            .where(DeliveryAttemptRecord.outbox_id == row.id,
                                   DeliveryAttemptRecord.outcome == "in_flight")
                            .values(outcome="unknown", finished_at=now,
                                    detail="sender stopped before recording the result")
                            .execution_options(synchronize_session=False))
        row.status = "sending"
        row.attempts += 1
        row.token += 1
        row.lease_until = now + lease
    attempts = [DeliveryAttemptRecord(outbox_id=row.id, incident_id=row.incident_id, attempt=row.attempts,
                                      worker=worker, handed_at=now, outcome="in_flight", detail="")
                for row in rows]
    session.add_all(attempts)
    session.flush()
    return [Claim(row.id, row.token, row.attempts, attempt.id, row.incident_id, row.user_handle,
                  row.contact_index, row.title, row.body, row.due_at)
            for row, attempt in zip(rows, attempts, strict=True)]


@dataclass(frozen=True, slots=True)
class Finish:
    """What became of one attempt: delivered, retrying, failed or stale (someone else owns it now)."""

    outcome: str
    fallback_to: int | None = None
    unreachable: bool = False


@dataclass(frozen=True, slots=True)
class Sent:
    """A claim after its hand-over to a channel: when it was handed over and how it went."""

    claim: Claim
    result: SendResult
    handed_at: datetime


def finish(session: Session, *, sent: Sequence[Sent], now: datetime, retry: RetryPolicy,
           rng: random.Random | None = None) -> list[Finish]:
    """Record attempts' results, schedule retries or fall back, and note each on its incident's timeline.

    Incidents are locked first and in id order (the order acknowledgement uses: incident, then
    outbox rows), so concurrent finishers and acknowledgements never deadlock. A claim whose token
    no longer matches (its lease ran out and another worker took it) only completes its log entry.
    """
    if not sent:
        return []
    incident_ids = sorted({item.claim.incident_id for item in sent if item.claim.incident_id is not None})
    incidents = {incident.id: incident for incident in session.scalars(
        select(IncidentRecord).where(IncidentRecord.id.in_(incident_ids)).order_by(IncidentRecord.id)
        .with_for_update())}
    session.execute(update(DeliveryAttemptRecord), [
        {"id": item.claim.attempt_id, "outcome": "delivered" if item.result.ok else "failed",
         "handed_at": item.handed_at, "finished_at": now, "detail": item.result.detail[:2000]} for item in sent])
    rows = {row.id: row for row in session.scalars(
        select(OutboxRecord).where(OutboxRecord.id.in_([item.claim.outbox_id for item in sent]))
        .order_by(OutboxRecord.id).with_for_update())}
    finished = []
    for item in sent:
        row = rows.get(item.claim.outbox_id)
        if row is None or row.token != item.claim.token:
            finished.append(Finish("stale"))
            continue
        incident = incidents[row.incident_id] if row.incident_id is not None else None
        finished.append(_finish_one(session, row, incident, item, now, retry, rng))
    return finished


def _finish_one(session: Session, row: OutboxRecord, incident: IncidentRecord | None, item: Sent, now: datetime,
                retry: RetryPolicy, rng: random.Random | None) -> Finish:
    claim, result = item.claim, item.result
    row.token += 1
    row.lease_until = None
    base = {"outbox_id": row.id, "user": row.user_handle, "channel": row.channel, "target": row.target,
            "attempt": claim.attempt, "level": row.level, "kind": row.kind}
    if result.ok:
        row.status = "delivered"
        row.finished_at = now
        row.last_error = None
        _note(session, incident, "notification.delivered", {**base, "detail": result.detail}, now)
        if row.silence_id is not None:
            _cancel_siblings(session, row, now)
        return Finish("delivered")
    row.last_error = result.detail[:2000]
    if not retry.exhausted(claim.attempt):
        row.status = "pending"
        row.next_attempt_at = now + retry.delay(claim.attempt, rng)
        _note(session, incident, "notification.retrying",
              {**base, "error": result.detail, "next_attempt_at": row.next_attempt_at.isoformat()}, now)
        return Finish("retrying")
    row.status = "failed"
    row.finished_at = now
    _note(session, incident, "notification.failed", {**base, "error": result.detail}, now)
    return _fall_back(session, row, incident, now)


def _siblings(row: OutboxRecord) -> Select[tuple[OutboxRecord]]:
    """The other contact methods of the same notification to the same person."""
    return select(OutboxRecord).where(OutboxRecord.incident_id.is_not_distinct_from(row.incident_id),
                                      OutboxRecord.silence_id.is_not_distinct_from(row.silence_id),
                                      OutboxRecord.escalation_id.is_not_distinct_from(row.escalation_id),
                                      OutboxRecord.cadence_id.is_not_distinct_from(row.cadence_id),
                                      OutboxRecord.update_id.is_not_distinct_from(row.update_id),
                                      OutboxRecord.turn_seq == row.turn_seq,
                                      OutboxRecord.user_handle == row.user_handle,
                                      OutboxRecord.id != row.id)


def _cancel_siblings(session: Session, row: OutboxRecord, now: datetime) -> None:
    """A silence's author is warned once: the delivered method makes the others unnecessary."""
    for sibling in session.scalars(_siblings(row).where(OutboxRecord.status == "pending")):
        sibling.status = "cancelled"
        sibling.finished_at = now
        sibling.last_error = f"warned through {row.target}"
        sibling.token += 1


def _fall_back(session: Session, row: OutboxRecord, incident: IncidentRecord | None, now: datetime) -> Finish:
    """Bring the person's next contact method forward; say so when nobody can reach them."""
    siblings = list(session.scalars(_siblings(row).order_by(OutboxRecord.contact_index)))
    following = [s for s in siblings if s.contact_index > row.contact_index and s.status == "pending"]
    if following:
        chosen = following[0]
        if chosen.next_attempt_at > now:
            chosen.next_attempt_at = now
        chosen.fallback = True
        chosen.token += 1
        _note(session, incident, "notification.fallback",
              {"user": row.user_handle, "from": row.target, "to": chosen.target, "outbox_id": chosen.id}, now)
        return Finish("failed", fallback_to=chosen.id)
    if any(s.status in ("pending", "sending", "delivered") for s in siblings):
        return Finish("failed")
    _note(session, incident, "notification.unreachable",
          {"user": row.user_handle, "level": row.level,
           "reason": "every contact method failed"}, now)
    return Finish("failed", unreachable=True)


def _note(session: Session, incident: IncidentRecord | None, kind: str, data: dict[str, object],
          now: datetime) -> None:
    if incident is None:  # a silence's warning: its rows and the delivery log are its record
        return
    timeline.append(session, incident_id=incident.id, kind=kind, actor=ACTOR, data=dict(data), at=now,
                    incident=incident)


def delivery_log(session: Session, *, incident_id: int | None = None, silence_id: str | None = None,
                 ) -> list[tuple[OutboxRecord, list[DeliveryAttemptRecord]]]:
    """Every notification of an incident (or of a silence) with its attempts, oldest first."""
    about = (OutboxRecord.incident_id == incident_id) if silence_id is None else (OutboxRecord.silence_id == silence_id)
    rows = list(session.scalars(select(OutboxRecord).where(about).order_by(OutboxRecord.id)))
    attempts = list(session.scalars(select(DeliveryAttemptRecord)
                                    .where(DeliveryAttemptRecord.outbox_id.in_([row.id for row in rows]))
                                    .order_by(DeliveryAttemptRecord.outbox_id, DeliveryAttemptRecord.attempt)))
    by_row: dict[int, list[DeliveryAttemptRecord]] = {}
    for attempt in attempts:
        by_row.setdefault(attempt.outbox_id, []).append(attempt)
    return [(row, by_row.get(row.id, [])) for row in rows]

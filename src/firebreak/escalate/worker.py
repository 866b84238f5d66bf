"""Escalate: the worker — the edge that owns each transaction for due turns, timers, deliveries and audits.

One tick: claim due escalations (SKIP LOCKED), execute one turn each and commit the outbox rows
they produce; act on the other timers it was given (update cadences) the same way; then claim due
notifications, hand them to channels outside any transaction and record each result. Several
workers (or `serve` replicas) can share one PostgreSQL database.
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from firebreak.db import due
from firebreak.db.models.escalate import EscalationRecord
from firebreak.db.session import transaction
from firebreak.escalate import auditor, engine, override_store
from firebreak.escalate.directory import Directory
from firebreak.kernel.clock import Clock
from firebreak.kernel.redact import mask_address, redact
from firebreak.notify import outbox
from firebreak.notify.apprise_channel import AppriseChannel
from firebreak.notify.channel import Channel, Message, SendResult, scheme_of
from firebreak.notify.console import ConsoleChannel

LOG = logging.getLogger("firebreak.worker")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    batch: int = 200
    poll: float = 0.2  # seconds between polls when nothing is due
    lease: timedelta = timedelta(minutes=2)  # how long a claimed notification stays with its sender
    send_threads: int = 4
    audit_every: float = 30.0
    timers_every: float = 1.0  # seconds between looks at the other timers (update cadences run on minutes)
    late_after: timedelta = timedelta(seconds=30)


def default_channels() -> list[Channel]:
    return [ConsoleChannel(), AppriseChannel()]


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Timer(Protocol):
    """Another kind of timer row the worker acts on each tick (an update cadence …), in its own transactions."""

    def run_due(self) -> int:
        """Act on the due rows; returns how many notifications that queued."""
        ...


@dataclass
class Worker:
    """Runs escalation turns, other timers and deliveries against one database; safe to run several at once."""

    session_factory: sessionmaker[Session]
    directory: Callable[[], Directory]
    clock: Clock
    channels: Sequence[Channel] = field(default_factory=default_channels)
    options: WorkerOptions = field(default_factory=WorkerOptions)
    name: str = field(default_factory=worker_name)
    timers: Sequence[Timer] = ()

    def run_turns(self) -> list[engine.TurnOutcome]:
        """Execute every due turn (up to one batch) in one transaction; isolate a failing row."""
        return due.run_isolated(self.session_factory, batch=self._turns, due_ids=self._due_ids,
                                postpone=self._postpone, what="escalation", log=LOG)

    def _due_query(self, now: datetime):  # type: ignore[no-untyped-def]
        return (select(EscalationRecord)
                .where(EscalationRecord.status.in_(engine.LIVE), EscalationRecord.next_due_at <= now)
                .order_by(EscalationRecord.next_due_at).limit(self.options.batch))

    def _due_ids(self, session: Session) -> list[int]:
        return list(session.scalars(self._due_query(self.clock.now()).with_only_columns(EscalationRecord.id)))

    def _turns(self, session: Session, only: int | None) -> list[engine.TurnOutcome]:
        now = self.clock.now()
        query = self._due_query(now)
        if only is not None:
            query = query.where(EscalationRecord.id == only)
        rows = due.claim(session, query)
        if not rows:
            return []
        # Incidents being changed right now (e.g. acknowledged) are skipped, never waited for:
        # acknowledgement locks incident then escalation, the reverse of this order.
        incidents = due.lock_incidents(session, [row.incident_id for row in rows])
        directory = self.directory()
        overrides = override_store.active_by_schedule(session, since=min(row.next_due_at or now for row in rows))
        outcomes = []
        for row in rows:
            incident = incidents.get(row.incident_id)
            if incident is None:
                continue
            outcomes.append(engine.advance(session, row=row, incident=incident, directory=directory, now=now,
                                           overrides=overrides))
        session.flush()
        return outcomes

    def _postpone(self, session: Session, escalation_id: int) -> None:
        row = session.get(EscalationRecord, escalation_id, with_for_update=True)
        if row is not None and row.status in engine.LIVE:
            row.next_due_at = self.clock.now() + timedelta(minutes=1)
            row.token += 1

    def run_timers(self) -> int:
        """Act on every other kind of due timer row (update cadences …); returns notifications queued."""
        return sum(timer.run_due() for timer in self.timers)

    def deliver(self, pool: ThreadPoolExecutor | None = None) -> list[outbox.Finish]:
        """Claim due notifications, send them concurrently, then record every result."""
        return self.record(self.claim_and_send(pool))

    def claim_and_send(self, pool: ThreadPoolExecutor | None = None) -> list[outbox.Sent]:
        """Claim due notifications (committed before anything is sent) and hand each to its channel."""
        with transaction(self.session_factory) as session:
            claims = outbox.claim_due(session, now=self.clock.now(), limit=self.options.batch,
                                      lease=self.options.lease, worker=self.name)
        if not claims:
            return []
        directory = self.directory()
        if pool is None:
            results = [self._send(directory, claim) for claim in claims]
        else:
            results = list(pool.map(lambda claim: self._send(directory, claim), claims))
        return [outbox.Sent(claim, result, handed_at) for claim, (handed_at, result) in zip(claims, results,
                                                                                          strict=True)]

    def record(self, sent: list[outbox.Sent]) -> list[outbox.Finish]:
        """Write the results of sends to the outbox, the delivery log and the timelines."""
        if not sent:
            return []
        with transaction(self.session_factory) as session:
            return outbox.finish(session, sent=sent, now=self.clock.now(), retry=self.directory().retry)

    def _send(self, directory: Directory, claim: outbox.Claim) -> tuple[datetime, SendResult]:
        person = directory.recipient(claim.user)
        target = None
        if person is not None and claim.contact_index < len(person.contacts):
            target = person.contacts[claim.contact_index].target
        handed_at, result = self._hand_over(target, claim)
        if not result.ok:
            LOG.warning("delivery.failed", extra={
                "incident": claim.incident_id, "delivery": claim.outbox_id, "user": claim.user,
                "channel": scheme_of(target) if target else None,
                "target": mask_address(target) if target else None,
                "attempt": claim.attempt, "error": redact(result.detail)})
        return handed_at, result

    def _hand_over(self, target: str | None, claim: outbox.Claim) -> tuple[datetime, SendResult]:
        if target is None:
            return self.clock.now(), SendResult(False, "contact method no longer configured")
        channel = next((c for c in self.channels if c.accepts(target)), None)
        handed_at = self.clock.now()
        if channel is None:
            return handed_at, SendResult(False, "no channel can send to this address")
        try:
            result = channel.send(target, Message(claim.title, claim.body, claim.outbox_id, claim.incident_id))
        except Exception as exc:  # a channel bug must not lose the attempt's record
            result = SendResult(False, f"{type(exc).__name__}: {exc}")
        return handed_at, result

    def audit(self) -> list[auditor.Late]:
        """Log and return turns and notifications that are overdue."""
        with transaction(self.session_factory) as session:
            late = auditor.find_late(session, now=self.clock.now(), grace=self.options.late_after)
        for item in late:
            LOG.warning("late %s %s for incident %s: due %s, %.1fs overdue", item.kind, item.ref,
                        item.incident_id, item.due_at.isoformat(), item.lateness.total_seconds())
        return late

    def run(self, stop: threading.Event) -> None:
        """Loop until `stop` is set: turns, sends and result recording in three threads, audits now and then.

        A turn that queued notifications wakes the sending thread at once, and results are
        recorded by their own thread, so a page waits neither for a poll nor for the previous
        batch's bookkeeping.
        """
        pool = ThreadPoolExecutor(self.options.send_threads, thread_name_prefix="firebreak-send")
        wake = threading.Event()
        results: queue.Queue[list[outbox.Sent]] = queue.Queue()
        sending = threading.Thread(target=self._send_loop, args=(stop, wake, pool, results),
                                   name="firebreak-send-loop", daemon=True)
        recording = threading.Thread(target=self._record_loop, args=(sending, results),
                                     name="firebreak-record", daemon=True)
        sending.start()
        recording.start()
        LOG.info("worker.started", extra={"worker": self.name, "send_threads": self.options.send_threads,
                                          "batch": self.options.batch, "poll_seconds": self.options.poll})
        next_audit = next_timers = time.monotonic()
        try:
            while not stop.is_set():
                outcomes = self._guarded(self.run_turns, [])
                timed = 0
                if self.timers and time.monotonic() >= next_timers:
                    timed = self._guarded(lambda: [self.run_timers()], [0])[0]
                    next_timers = time.monotonic() + self.options.timers_every
                if timed or any(outcome.notifications for outcome in outcomes):
                    wake.set()
                if time.monotonic() >= next_audit:
                    self._guarded(self.audit, [])
                    next_audit = time.monotonic() + self.options.audit_every
                if not outcomes and not timed:
                    stop.wait(self.options.poll)
        finally:
            wake.set()
            sending.join()
            recording.join()
            pool.shutdown(wait=True)
            LOG.info("worker.stopped", extra={"worker": self.name})

    def _send_loop(self, stop: threading.Event, wake: threading.Event, pool: ThreadPoolExecutor,
                   results: queue.Queue[list[outbox.Sent]]) -> None:
        while not stop.is_set():
            sent = self._guarded(lambda: self.claim_and_send(pool), [])
            if sent:
                results.put(sent)
            else:
                wake.wait(self.options.poll)
                wake.clear()

    def _record_loop(self, sending: threading.Thread, results: queue.Queue[list[outbox.Sent]]) -> None:
        """Record results in batches until the sending thread has stopped and everything is written."""
        while sending.is_alive() or not results.empty():
            try:
                batch = results.get(timeout=0.2)
            except queue.Empty:
                continue
            while not results.empty():
                batch.extend(results.get_nowait())
            self._record_with_retry(batch)

    def _record_with_retry(self, batch: list[outbox.Sent]) -> None:
        for delay in (0.0, 0.5, 2.0):
            time.sleep(delay)
            try:
                self.record(batch)
                return
            except Exception:
                LOG.exception("recording %d delivery results failed", len(batch))
        # The claims stay "sending"; when their lease runs out they are sent again (marked unknown).

    @staticmethod
    def _guarded(work: Callable[[], list[T]], fallback: list[T]) -> list[T]:
        try:
            return work()
        except Exception:
            LOG.exception("worker tick failed")
            return fallback

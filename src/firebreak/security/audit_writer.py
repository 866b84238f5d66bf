"""Group commit for the audit log: entries from concurrent requests are appended in one transaction.

Each request still waits until its entry is committed; under load many entries share one commit
(and one lock of the chain head) instead of queueing for one each. The writer thread starts on
demand and stops when idle, so an app that writes nothing holds no thread.
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from firebreak.db.session import transaction
from firebreak.security import audit

MAX_BATCH = 500
IDLE_SECONDS = 2.0
ATTEMPTS = 3
log = logging.getLogger("firebreak.audit")

_Job = tuple[audit.AuditEvent, "Future[None]"]


class AuditWriter:
    """Appends audit events durably, batching those that arrive together."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory
        self._queue: queue.Queue[_Job] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, event: audit.AuditEvent) -> Future[None]:
        """Queue `event`; the future completes once it is committed (or fails with what prevented it)."""
        done: Future[None] = Future()
        self._queue.put((event, done))
        self._ensure_running()
        return done

    def write(self, event: audit.AuditEvent) -> None:
        """Return once `event` is committed."""
        self.submit(event).result()

    def _ensure_running(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="firebreak-audit", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            jobs = [first]
            while len(jobs) < MAX_BATCH:
                try:
                    jobs.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._commit(jobs)

    def _commit(self, jobs: list[_Job]) -> None:
        try:
            self._append([event for event, _ in jobs])
        except Exception:
            # One entry that cannot be stored must not take the others with it.
            for event, done in jobs:
                try:
                    self._append([event])
                    done.set_result(None)
                except Exception as exc:
                    log.exception("audit entry could not be written: %s %s by %s -> %s",
                                  event.method, event.path, event.actor, event.status)
                    done.set_exception(exc)
            return
        for _, done in jobs:
            done.set_result(None)

    def _append(self, events: list[audit.AuditEvent]) -> None:
        for attempt in range(ATTEMPTS):
            try:
                with transaction(self._factory) as session:
                    audit.append_many(session, events)
                return
            except (IntegrityError, OperationalError):
                if attempt == ATTEMPTS - 1:
                    raise

"""Group commit for ingest: many requests' alerts in one durable transaction.

HTTP handlers hand parsed alerts to the batcher and wait; one writer thread takes everything
queued (up to a cap), receives it in one transaction, commits, and only then answers each
request. A failed batch is retried request by request so one bad request fails alone.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from firebreak.db.session import transaction
from firebreak.flows.receive import ReceiveContext, ReceiveOutcome, receive_alerts
from firebreak.ingest.alert import Alert

ContextFactory = Callable[[], ReceiveContext]


@dataclass
class _Job:
    alerts: Sequence[Alert]
    future: Future[list[ReceiveOutcome]]


def receive_in_transaction(factory: sessionmaker[Session], alerts: Sequence[Alert],
                           make_context: ContextFactory, attempts: int = 3) -> list[ReceiveOutcome]:
    """Receive alerts in their own transaction, retrying when a concurrent writer won a race."""
    for attempt in range(attempts):
        try:
            with transaction(factory) as session:
                return receive_alerts(session, alerts, ctx=make_context())
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


class IngestBatcher:
    """One writer thread committing queued alerts in batches."""

    def __init__(self, factory: sessionmaker[Session], make_context: ContextFactory,
                 max_alerts: int = 2000) -> None:
        self._factory = factory
        self._make_context = make_context
        self._max = max_alerts
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if not self.running:
            self._thread = threading.Thread(target=self._run, name="firebreak-ingest", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=30)
            self._thread = None

    def submit(self, alerts: Sequence[Alert]) -> list[ReceiveOutcome]:
        """Queue alerts and block until they are committed (or raise what failed)."""
        if not self.running:
            return receive_in_transaction(self._factory, alerts, self._make_context)
        job = _Job(alerts, Future())
        self._queue.put(job)
        return job.future.result()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            jobs = [first]
            count = len(first.alerts)
            stop = False
            while count < self._max:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                jobs.append(nxt)
                count += len(nxt.alerts)
            self._commit(jobs)
            if stop:
                return

    def _commit(self, jobs: list[_Job]) -> None:
        try:
            with transaction(self._factory) as session:
                ctx = self._make_context()
                results = [receive_alerts(session, job.alerts, ctx=ctx) for job in jobs]
        except Exception:
            for job in jobs:
                try:
                    job.future.set_result(receive_in_transaction(self._factory, job.alerts,
                                                                 self._make_context))
                except Exception as exc:
                    job.future.set_exception(exc)
            return
        for job, result in zip(jobs, results, strict=True):
            job.future.set_result(result)

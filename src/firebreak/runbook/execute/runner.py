"""Execute: the runner — the edge that owns each transaction around running one queued step.

Claim (queued → running, one transaction, so two runners never run a step twice), place the step
on the target it was approved for and fill it again from its stored values (what was approved is
what runs; secrets and the target's connection are read from the configuration again, never stored),
run it outside any transaction in the target's environment, then record the redacted, capped
output, the timeline entry and the audit entry (both naming the target) in a second transaction. Steps queued while an
incident opens run right after that transaction commits, on a small thread pool.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_all
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from firebreak.db.models.execution import StepRunRecord
from firebreak.db.session import transaction
from firebreak.incident import service as incidents
from firebreak.kernel.clock import Clock
from firebreak.kernel.redact import redact
from firebreak.runbook.execute import store
from firebreak.runbook.execute.executor import Environment, Executor, Limits, RunResult
from firebreak.runbook.execute.fill import Plan
from firebreak.runbook.execute.prepare import fill_placed
from firebreak.runbook.execute.steps import VariablesOf, incident_sources, note
from firebreak.runbook.execute.targets import Placement, place_step
from firebreak.security import audit

LOG = logging.getLogger("firebreak.execute")
PENDING_KEY = "firebreak.steps.after_commit"
EXCERPT_CHARS = 2000
BOUND_EXIT = 124  # `timeout` stopped a follower after its bound: the step did what it was meant to


def schedule_after_commit(session: Session, step_ids: Iterable[int]) -> None:
    """Ask the runner to run these steps once the session's transaction commits."""
    session.info.setdefault(PENDING_KEY, []).extend(step_ids)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    return text if len(text) <= limit else text[:limit] + f"\n… ({len(text) - limit} more characters)"


def finish(step: StepRunRecord, result: RunResult, *, secrets: tuple[str, ...], cap: int) -> None:
    """Copy a result onto the step: redacted, capped output and the final status."""
    stdout = redact(result.stdout, known=secrets)
    stderr = redact(result.stderr, known=secrets)
    step.stdout, step.stderr = stdout[:cap], stderr[:cap]
    step.truncated = result.truncated or len(stdout) > cap or len(stderr) > cap
    step.exit_code, step.timed_out = result.exit_code, result.timed_out
    step.duration_ms = round(result.duration_seconds * 1000)
    step.error = redact(result.error, known=secrets) if result.error else None
    bounded = any("stopped after" in str(n) for n in step.adaptations)
    if result.ok or (bounded and result.exit_code == BOUND_EXIT):
        step.status = "succeeded"
    elif result.timed_out:
        step.status = "timed_out"
    else:
        step.status = "failed"


@dataclass
class StepRunner:
    """Runs queued steps: synchronously for a request that waits, or on a pool after a commit."""

    session_factory: sessionmaker[Session]
    clock: Clock
    executor: Executor
    variables: VariablesOf
    limits: Limits = field(default_factory=Limits)
    threads: int = 4
    _pool: ThreadPoolExecutor = field(init=False)
    _futures: list[Future[Any]] = field(init=False, default_factory=list)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="firebreak-step")

    def install(self) -> None:
        """Run steps scheduled in a transaction once it commits; forget them if it rolls back."""
        event.listen(self.session_factory, "after_commit", self._after_commit)
        event.listen(self.session_factory, "after_soft_rollback", self._after_rollback)

    def _after_commit(self, session: Session) -> None:
        pending = session.info.pop(PENDING_KEY, [])
        if pending:
            self.submit(pending)

    def _after_rollback(self, session: Session, previous: object) -> None:
        session.info.pop(PENDING_KEY, None)

    def submit(self, step_ids: Iterable[int]) -> None:
        with self._lock:
            self._futures = [f for f in self._futures if not f.done()]
            for step_id in step_ids:
                self._futures.append(self._pool.submit(self._run_logged, step_id))

    def wait_idle(self, timeout: float = 60.0) -> None:
        """Wait for everything submitted so far (tests, drills, shutdown)."""
        with self._lock:
            futures = list(self._futures)
        wait_all(futures, timeout=timeout)

    def run_queued(self) -> int:
        """Run steps left queued (e.g. by a process that stopped before running them)."""
        with transaction(self.session_factory) as session:
            ids = store.queued(session)
        for step_id in ids:
            self.run(step_id)
        return len(ids)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)

    def _run_logged(self, step_id: int) -> None:
        try:
            self.run(step_id)
        except Exception:
            LOG.exception("step %s could not be run", step_id)

    def run(self, step_id: int) -> StepRunRecord | None:
        """Claim, run and record one queued step; None when it was not queued (someone else ran it)."""
        with transaction(self.session_factory) as session:
            now = self.clock.now()
            if not store.claim(session, step_id=step_id, now=now):
                return None
            step = store.get(session, step_id=step_id)
            incident = incidents.get(session, incident_id=step.incident_id)
            service_vars = self.variables(incident.service)
            secrets = service_vars.secret_values
            sources = incident_sources(session, incident, service_vars, store.values_in(step.values))
            named = (step.target or {}).get("name")
            placed = place_step(step.template, step.language, list(step.values), service_vars.targets,
                                runbook=step.runbook_slug, service=incident.service, only=named or "(none recorded)")
            plan = fill_placed(placed, step.language, sources) if isinstance(placed, Placement) else placed
            if not isinstance(plan, Plan):
                step.status, step.error, step.finished_at = "failed", plan.reason, now
                note(session, step, kind="step.output", actor=step.requested_by, now=now, secrets=secrets,
                     data={"status": step.status, "error": plan.reason, "target": step.target})
                return step
            assert isinstance(placed, Placement)
            note(session, step, kind="step.run", actor=step.requested_by, now=now, secrets=secrets,
                 data={"display": plan.display, "executor": self.executor.name, "class": step.cls,
                       "target": placed.target.shown()})
        LOG.info("running step %s of incident %s on target %s: %s", step_id, step.incident_id, placed.target.name,
                 redact(plan.display, known=secrets))
        result = self.executor.run(plan, environment=Environment(placed.env), limits=self.limits)
        return self.record(step_id, plan, result, secrets)

    def record(self, step_id: int, plan: Plan, result: RunResult, secrets: tuple[str, ...]) -> StepRunRecord:
        """Store the result, the timeline entry and the audit entry in one transaction."""
        known = (*secrets, *plan.secrets)
        with transaction(self.session_factory) as session:
            now = self.clock.now()
            step = store.get(session, step_id=step_id, lock=True)
            finish(step, result, secrets=known, cap=self.limits.output_bytes)
            step.finished_at = now
            note(session, step, kind="step.output", actor=step.requested_by, now=now, secrets=known, data={
                "status": step.status, "exit_code": step.exit_code, "duration_ms": step.duration_ms,
                "stdout": excerpt(step.stdout), "stderr": excerpt(step.stderr), "truncated": step.truncated,
                "timed_out": step.timed_out, "error": step.error})
            audit.append(session, audit.AuditEvent(
                at=now, actor=step.requested_by, role=None, via="runner", method="RUN",
                path=f"/api/v1/steps/{step.id}", action="step.run", status=200 if step.status == "succeeded" else 500,
                request_id=f"step-{step.id}", target={"step_id": str(step.id), "incident_id": str(step.incident_id),
                                                      "target": str((step.target or {}).get("name"))},
                detail=redact(f"{step.status} on target {(step.target or {}).get('name')} "
                              f"({(step.target or {}).get('address')}): {step.display}", known=known)))
        LOG.info("step %s %s (exit %s, %s ms)", step_id, step.status, step.exit_code, step.duration_ms)
        return step

"""Execution endpoints: request (or dry-run) a runbook step, approve or reject it, list steps and drills.

These handlers own their transactions explicitly: a request or approval commits first (so the
timeline and the approval are durable), then a step that is ready runs, then its result commits.
A refusal (a blocked placeholder, an interactive command, a self-approved destructive step) is
committed to the timeline and then answered as a problem.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from firebreak.db.models.execution import StepRunRecord
from firebreak.db.session import transaction
from firebreak.http.deps import Responder, RuntimeDep, Viewer, in_own_name
from firebreak.http.problems import problem
from firebreak.incident import service as incidents
from firebreak.kernel.redact import redact
from firebreak.runbook.drills import results
from firebreak.runbook.drills.catalog import DRILLS, find_drill
from firebreak.runbook.execute import store
from firebreak.runbook.execute.adapt import Refused
from firebreak.runbook.execute.fill import Blocked, Plan
from firebreak.runbook.execute.policy import requirement
from firebreak.runbook.execute.steps import approve_step, reject_step, request_step
from firebreak.runbook.execute.targets import NoTarget
from firebreak.runtime import Runtime

router = APIRouter(prefix="/api/v1", tags=["execution"])
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


class StepIn(BaseModel):
    """Ask for one command of a runbook to run on an incident."""

    command: int = Field(ge=0, le=10_000, description="Index of the command in the runbook (0-based)")
    runbook: str | None = Field(default=None, max_length=255, description="Slug; default: the attached runbook")
    input: dict[str, Annotated[str, Field(max_length=4096)]] = Field(
        default_factory=dict, max_length=50, description="Values for placeholders, by placeholder name")
    dry_run: bool = Field(default=False, description="Show the exact command without storing or running it")
    wait: bool = Field(default=True, description="Run a ready step before answering")


class RejectIn(BaseModel):
    reason: str = Field(default="", max_length=2000)


class StepOut(BaseModel):
    """A step: what it runs, its class and approvals, and its redacted output."""

    id: int
    incident_id: int
    runbook: str
    command: int
    line: int | None
    phase: str | None
    language: str
    cls: str = Field(serialization_alias="class")
    class_reason: str
    needs: str | None
    status: str
    reason: str | None
    missing: list[str]
    display: str
    argv: list[str]
    mode: str | None
    adaptations: list[str]
    values: dict[str, Any]
    target: dict[str, Any] | None = Field(description="The declared target the step runs on: name, kind, address")
    automatic: bool
    requested_by: str
    requested_at: datetime
    approvals: list[dict[str, Any]]
    started_at: datetime | None
    finished_at: datetime | None
    exit_code: int | None
    stdout: str
    stderr: str
    truncated: bool
    timed_out: bool
    duration_ms: int | None
    error: str | None

    @classmethod
    def of(cls, r: StepRunRecord) -> StepOut:
        needs = requirement(r.cls).describe() if r.cls in ("read-only", "mutating", "destructive") else None
        return cls(id=r.id, incident_id=r.incident_id, runbook=r.runbook_slug, command=r.command_index,
                   line=r.command_line, phase=r.phase, language=r.language, cls=r.cls, class_reason=r.class_reason,
                   needs=needs, status=r.status, reason=r.reason, missing=list(r.missing), display=r.display,
                   argv=list(r.argv), mode=r.mode, adaptations=list(r.adaptations), values=dict(r.values),
                   target=dict(r.target) if r.target else None, automatic=r.automatic,
                   requested_by=r.requested_by, requested_at=r.requested_at,
                   approvals=list(r.approvals), started_at=r.started_at, finished_at=r.finished_at,
                   exit_code=r.exit_code, stdout=r.stdout, stderr=r.stderr, truncated=r.truncated,
                   timed_out=r.timed_out, duration_ms=r.duration_ms, error=r.error)


class DryRunOut(BaseModel):
    """The exact command a step would run, or why it would not."""

    runbook: str
    command: int
    line: int | None
    cls: str = Field(serialization_alias="class")
    class_reason: str
    needs: str | None
    status: str
    reason: str | None
    missing: list[str]
    display: str
    argv: list[str]
    mode: str | None
    stdin: str | None
    adaptations: list[str]
    values: dict[str, Any]
    target: dict[str, Any] | None


class DrillOut(BaseModel):
    """A drill and the latest result of its runbook."""

    name: str
    runbook: str
    description: str
    last_run_at: datetime | None
    last_passed_at: datetime | None
    last_passed: bool | None


class DrillResultOut(BaseModel):
    id: int
    drill: str
    runbook: str
    started_at: datetime
    finished_at: datetime
    passed: bool
    approved: bool
    summary: str
    report: dict[str, Any]


def run_ready(runtime: Runtime, step: StepRunRecord, wait: bool) -> StepRunRecord:
    """Run a queued step now (or hand it to the runner) and return its latest state."""
    if step.status != "queued":
        return step
    if not wait:
        runtime.execution.runner.submit([step.id])
        return step
    ran = runtime.execution.runner.run(step.id)
    if ran is not None:
        return ran
    with transaction(runtime.session_factory) as session:
        return store.get(session, step_id=step.id)


def refusal(status: int, title: str, step: StepRunRecord) -> JSONResponse:
    return problem(status, title, step.reason or "refused", step_id=step.id, step_status=step.status,
                   missing=list(step.missing) or None)


@router.post("/incidents/{incident_id}/steps", status_code=201, response_model=StepOut,
             responses={200: {"model": DryRunOut}}, response_model_by_alias=True)
def request_run(incident_id: Id, body: StepIn, runtime: RuntimeDep, caller: Responder) -> Any:
    """Request a step; read-only steps run at once, others wait for approval. `dry_run` shows the command."""
    in_own_name(caller, "steps are requested")
    with transaction(runtime.session_factory) as session:
        made = request_step(session, incident_id=incident_id, command_index=body.command, requester=caller,
                            now=runtime.clock.now(), variables=runtime.execution.variables,
                            settings=runtime.execution.settings, runbook_slug=body.runbook, input=body.input,
                            dry_run=body.dry_run)
    if body.dry_run:
        return JSONResponse(dry_run_out(made.runbook.slug, body.command, made).model_dump(mode="json",
                                                                                         by_alias=True))
    step = made.step
    assert step is not None
    if step.status == "blocked":
        return refusal(422, "Step blocked", step)
    if step.status == "refused":
        return refusal(422, "Step refused", step)
    if step.status == "proposed":
        return refusal(422, "No execution target", step)
    step = run_ready(runtime, step, body.wait)
    return JSONResponse(StepOut.of(step).model_dump(mode="json", by_alias=True), status_code=201)


def dry_run_out(slug: str, index: int, made: Any) -> DryRunOut:
    prepared = made.prepared
    outcome = prepared.outcome
    base: dict[str, Any] = {"runbook": slug, "command": index, "line": made.command.line, "cls": prepared.cls,
                            "class_reason": prepared.class_reason, "adaptations": list(prepared.adaptations),
                            "needs": None, "reason": None, "missing": [], "display": prepared.template, "argv": [],
                            "mode": None, "stdin": None, "values": {},
                            "target": prepared.target.shown() if prepared.target is not None else None}
    if isinstance(outcome, Plan):
        known = outcome.secrets
        base.update(status="ready", display=redact(outcome.display, known=known),
                    argv=[redact(a, known=known) for a in outcome.shown_argv], mode=outcome.mode,
                    stdin=redact(outcome.stdin, known=known) if outcome.stdin else None,
                    values=store.values_out(outcome.values),
                    needs=requirement(prepared.cls).describe())
    elif isinstance(outcome, Blocked):
        base.update(status="blocked", reason=outcome.reason, missing=list(outcome.missing),
                    values=store.values_out(outcome.values))
    elif isinstance(outcome, NoTarget):
        base.update(status="proposed", reason=outcome.reason)
    else:
        assert isinstance(outcome, Refused)
        base.update(status="refused", reason=outcome.reason)
    return DryRunOut(**base)


@router.post("/steps/{step_id}/approve", response_model=StepOut, response_model_by_alias=True)
def approve(step_id: Id, runtime: RuntimeDep, caller: Responder, wait: bool = True) -> Any:
    """Approve a step; it runs once it has the approvals its class needs."""
    in_own_name(caller, "steps are approved")
    with transaction(runtime.session_factory) as session:
        step = store.get(session, step_id=step_id)
        service_vars = runtime.execution.variables(incidents.get(session, incident_id=step.incident_id).service)
        outcome = approve_step(session, step_id=step_id, approver=caller, now=runtime.clock.now(),
                               secrets=service_vars.secret_values)
    if outcome.refused:
        return problem(403, "Approval refused", outcome.refused, step_id=step_id, step_status=outcome.step.status)
    step = run_ready(runtime, outcome.step, wait)
    return JSONResponse(StepOut.of(step).model_dump(mode="json", by_alias=True))


@router.post("/steps/{step_id}/reject", response_model=StepOut, response_model_by_alias=True)
def reject(step_id: Id, body: RejectIn, runtime: RuntimeDep, caller: Responder) -> Any:
    """Decline a step awaiting approval; it will not run."""
    with transaction(runtime.session_factory) as session:
        step = reject_step(session, step_id=step_id, by=caller, reason=body.reason, now=runtime.clock.now())
    return JSONResponse(StepOut.of(step).model_dump(mode="json", by_alias=True))


@router.get("/steps/{step_id}", response_model=StepOut, response_model_by_alias=True)
def get_step(step_id: Id, runtime: RuntimeDep, _caller: Viewer) -> Any:
    with transaction(runtime.session_factory) as session:
        return JSONResponse(StepOut.of(store.get(session, step_id=step_id)).model_dump(mode="json", by_alias=True))


@router.get("/incidents/{incident_id}/steps", response_model=list[StepOut], response_model_by_alias=True)
def list_steps(incident_id: Id, runtime: RuntimeDep, _caller: Viewer) -> Any:
    with transaction(runtime.session_factory) as session:
        rows = store.for_incident(session, incident_id=incident_id)
        return JSONResponse([StepOut.of(r).model_dump(mode="json", by_alias=True) for r in rows])


@router.get("/drills", response_model=list[DrillOut])
def list_drills(runtime: RuntimeDep, _caller: Viewer) -> list[DrillOut]:
    """Every drill with when its runbook last ran and last passed."""
    with transaction(runtime.session_factory) as session:
        latest = results.latest(session)
        out = []
        for drill in DRILLS:
            last = latest.get(drill.runbook)
            out.append(DrillOut(name=drill.name, runbook=drill.runbook, description=drill.description,
                                last_run_at=last.last_run_at if last else None,
                                last_passed_at=last.last_passed_at if last else None,
                                last_passed=last.last_passed if last else None))
        return out


@router.get("/drills/{name}/results", response_model=list[DrillResultOut])
def drill_results(name: Annotated[str, Path(max_length=128)], runtime: RuntimeDep,
                  _caller: Viewer) -> list[DrillResultOut]:
    """Past results of one drill, newest first."""
    drill = find_drill(name)
    with transaction(runtime.session_factory) as session:
        rows = results.history(session, drill=drill.name)
        return [DrillResultOut(id=r.id, drill=r.drill, runbook=r.runbook_slug, started_at=r.started_at,
                               finished_at=r.finished_at, passed=r.passed, approved=r.approved, summary=r.summary,
                               report=r.report) for r in rows]

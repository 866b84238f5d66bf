"""Execute: the step service — request, approve, reject; every decision on the incident timeline.

Never commits and never runs anything: the edge (HTTP request, CLI command, runner) owns the
transaction and hands queued steps to the runner after commit. Timeline data is redacted (known
secret values and anything that looks like a credential) before it is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from firebreak.db.models.core import IncidentRecord
from firebreak.db.models.execution import StepRunRecord
from firebreak.incident import service as incidents
from firebreak.incident import timeline
from firebreak.kernel.errors import Conflict, InvalidInput, PermissionDenied
from firebreak.kernel.redact import redact, redact_value
from firebreak.runbook.execute import store
from firebreak.runbook.execute.adapt import Refused
from firebreak.runbook.execute.fill import Blocked, Plan
from firebreak.runbook.execute.policy import is_ready, may_approve, may_request, requirement
from firebreak.runbook.execute.prepare import Prepared, prepare
from firebreak.runbook.execute.sources import Sources
from firebreak.runbook.execute.targets import NoTarget, Target
from firebreak.runbook.library import store as runbooks
from firebreak.runbook.match import attach
from firebreak.runbook.model import Command, Runbook
from firebreak.security.roles import Principal

INCIDENT_FIELDS = ("id", "title", "severity", "service", "team", "status")


@dataclass(frozen=True)
class ServiceVars:
    """What a service's steps are filled from and run on: runbook variables (None when an `env:`
    variable is unset; `references` says what each secret one reads), which are secret, its declared
    targets, the placeholders alert labels may fill, and whether diagnostics run when incidents open."""

    values: Mapping[str, str | None] = field(default_factory=dict)
    secret: frozenset[str] = frozenset()
    automatic: bool = False
    targets: Sequence[Target] = ()
    label_names: frozenset[str] | None = frozenset()
    references: Mapping[str, str] = field(default_factory=dict)

    @property
    def secret_values(self) -> tuple[str, ...]:
        own = tuple(v for k, v in self.values.items() if k in self.secret and v)
        return own + tuple(secret for target in self.targets for secret in target.secrets)

    def target(self, name: str | None) -> Target | None:
        return next((t for t in self.targets if t.name == name), None)


VariablesOf = Callable[[str | None], ServiceVars]


@dataclass(frozen=True)
class StepSettings:
    """Per-process execution settings."""

    follow_seconds: int = 10
    max_automatic: int = 10


@dataclass
class Requested:
    """What a step request produced: the stored step (None for a dry run) and the preparation."""

    step: StepRunRecord | None
    prepared: Prepared
    runbook: Runbook
    command: Command


def incident_sources(session: Session, incident: IncidentRecord, variables: ServiceVars,
                     input: Mapping[str, str]) -> Sources:
    """Sources for filling a step of `incident`: its alerts' labels (latest wins), fields, variables."""
    labels: dict[str, str] = {}
    annotations: dict[str, str] = {}
    for alert in incidents.alerts_of(session, incident_id=incident.id):
        labels.update({str(k): str(v) for k, v in (alert.labels or {}).items()})
        annotations.update({str(k): str(v) for k, v in (alert.annotations or {}).items()})
    fields = {name: str(getattr(incident, name)) for name in INCIDENT_FIELDS if getattr(incident, name) is not None}
    fields["incident_id"] = str(incident.id)
    return Sources(input=dict(input), variables=dict(variables.values), secret_variables=variables.secret,
                   incident=fields, labels=labels, annotations=annotations, service=incident.service,
                   label_names=variables.label_names, variable_refs=dict(variables.references))


def resolve_runbook(session: Session, *, incident_id: int, slug: str | None) -> Runbook:
    """The named runbook, or the incident's attached one."""
    if slug is None:
        current = attach.current_attachment(session, incident_id)
        if current is None:
            raise InvalidInput(f"incident {incident_id} has no runbook attached; attach one or name it",
                               field="runbook")
        slug = str(current["slug"])
    return runbooks.get_runbook(session, slug=slug)


def pick_command(runbook: Runbook, index: int) -> Command:
    if not 0 <= index < len(runbook.commands):
        raise InvalidInput(f"runbook {runbook.slug!r} has {len(runbook.commands)} commands (0 to "
                           f"{len(runbook.commands) - 1}); there is no command {index}", field="command")
    return runbook.commands[index]


def safe(data: dict[str, Any], secrets: tuple[str, ...]) -> dict[str, Any]:
    """Timeline data with secrets masked."""
    return redact_value(data, known=secrets)  # type: ignore[no-any-return]


def note(session: Session, step: StepRunRecord, *, kind: str, actor: str, now: datetime, data: dict[str, Any],
         secrets: tuple[str, ...] = ()) -> None:
    """One timeline entry about a step (the incident row locked and read afresh: runners write concurrently;
    what this session appended so far is flushed first, as incident opening runs without autoflush)."""
    session.flush()
    incident = session.scalars(select(IncidentRecord).where(IncidentRecord.id == step.incident_id)
                               .with_for_update().execution_options(populate_existing=True)).one()
    timeline.append(session, incident_id=step.incident_id, kind=kind, actor=actor,
                    data=safe({"step_id": step.id, **data}, secrets), at=now, incident=incident)


def request_step(session: Session, *, incident_id: int, command_index: int, requester: Principal,
                 now: datetime, variables: VariablesOf, settings: StepSettings, runbook_slug: str | None = None,
                 input: Mapping[str, str] | None = None, dry_run: bool = False,
                 automatic: bool = False) -> Requested:
    """Prepare a runbook command for the incident and store it as a step (unless `dry_run`)."""
    allowed = may_request(requester)
    if not allowed.allowed:
        raise PermissionDenied(allowed.reason)
    for key, value in (input or {}).items():
        if not isinstance(value, str) or "\x00" in value:
            raise InvalidInput(f"input {key!r} must be text without NUL bytes", field=f"input.{key}")
    incident = incidents.get(session, incident_id=incident_id, lock=not dry_run)
    runbook = resolve_runbook(session, incident_id=incident_id, slug=runbook_slug)
    command = pick_command(runbook, command_index)
    service_vars = variables(incident.service)
    sources = incident_sources(session, incident, service_vars, input or {})
    prepared = prepare(command, sources, targets=service_vars.targets, runbook=runbook.slug,
                       follow_seconds=settings.follow_seconds)
    if dry_run:
        return Requested(None, prepared, runbook, command)
    secrets = service_vars.secret_values
    step = store.add(session, new_step(incident_id, runbook, command_index, command, prepared, requester,
                                       now, automatic, secrets))
    note(session, step, kind="step.requested", actor=requester.name, now=now, secrets=secrets, data={
        "runbook": runbook.slug, "command": command_index, "line": command.line, "class": step.cls,
        "display": step.display, "automatic": automatic, "adaptations": list(prepared.adaptations),
        "target": step.target,
        "needs": describe_need(step.cls) if step.status in ("queued", "awaiting_approval") else None})
    if step.status in ("blocked", "refused", "proposed"):
        note(session, step, kind=f"step.{step.status}", actor=requester.name, now=now, secrets=secrets,
             data={"reason": step.reason, "missing": list(step.missing)})
    return Requested(step, prepared, runbook, command)


def describe_need(cls: str) -> str:
    return requirement(cls).describe()


def new_step(incident_id: int, runbook: Runbook, index: int, command: Command, prepared: Prepared,
             requester: Principal, now: datetime, automatic: bool, secrets: tuple[str, ...]) -> StepRunRecord:
    """The row for a fresh request, in the status its preparation and class call for (secrets masked)."""
    outcome = prepared.outcome
    record = StepRunRecord(
        incident_id=incident_id, runbook_slug=runbook.slug, command_index=index, command_line=command.line,
        phase=command.phase, language=command.language, cls=prepared.cls, class_reason=prepared.class_reason,
        template=prepared.template, adaptations=list(prepared.adaptations), values={}, display="", argv=[],
        mode=None, missing=[], automatic=automatic, requested_by=requester.name, requested_at=now,
        approvals=[], executor="local", stdout="", stderr="", truncated=False, timed_out=False,
        target=prepared.target.shown() if prepared.target is not None else None)
    if isinstance(outcome, Refused):
        record.status, record.reason = "refused", outcome.reason
        record.display = prepared.template
    elif isinstance(outcome, NoTarget):
        record.status, record.reason = "proposed", outcome.reason
        record.display = prepared.template
    elif isinstance(outcome, Blocked):
        record.status, record.reason, record.missing = "blocked", outcome.reason, list(outcome.missing)
        record.values = store.values_out(outcome.values)
        record.display = prepared.template
    else:
        assert isinstance(outcome, Plan)
        record.values = store.values_out(outcome.values)
        record.display, record.argv, record.mode = outcome.display, outcome.shown_argv, outcome.mode
        record.status = "queued" if requirement(prepared.cls).approvals == 0 else "awaiting_approval"
    known = (*secrets, *(outcome.secrets if isinstance(outcome, Plan) else ()))
    record.display = redact(record.display, known=known)
    record.argv = [redact(arg, known=known) for arg in record.argv]
    record.reason = redact(record.reason, known=known) if record.reason else record.reason
    return record


@dataclass(frozen=True)
class Approval:
    """The result of an approval attempt: the step, and the refusal reason if it was refused."""

    step: StepRunRecord
    refused: str | None = None


def approve_step(session: Session, *, step_id: int, approver: Principal, now: datetime,
                 secrets: tuple[str, ...] = ()) -> Approval:
    """Record an approval (or its refusal, with the reason) and queue the step once it has enough."""
    step = store.get(session, step_id=step_id, lock=True)
    if step.status != "awaiting_approval":
        raise Conflict(f"step {step_id} is {step.status}; only a step awaiting approval can be approved")
    approvers = [str(a["by"]) for a in step.approvals]
    decision = may_approve(approver, cls=step.cls, requested_by=step.requested_by, approvals=approvers)
    if not decision.allowed:
        note(session, step, kind="step.approval_refused", actor=approver.name, now=now, secrets=secrets,
             data={"reason": decision.reason, "class": step.cls, "requested_by": step.requested_by})
        return Approval(step, decision.reason)
    step.approvals = [*step.approvals, {"by": approver.name, "role": approver.role, "at": now.isoformat()}]
    ready = is_ready(cls=step.cls, requested_by=step.requested_by, approvals=[*approvers, approver.name])
    if ready:
        step.status = "queued"
    note(session, step, kind="step.approved", actor=approver.name, now=now, secrets=secrets,
         data={"class": step.cls, "ready": ready, "display": step.display})
    return Approval(step)


def reject_step(session: Session, *, step_id: int, by: Principal, reason: str, now: datetime) -> StepRunRecord:
    """A responder declines a step awaiting approval; it will not run."""
    if not may_request(by).allowed:
        raise PermissionDenied(may_request(by).reason)
    step = store.get(session, step_id=step_id, lock=True)
    if step.status != "awaiting_approval":
        raise Conflict(f"step {step_id} is {step.status}; only a step awaiting approval can be rejected")
    step.status, step.reason = "rejected", reason or f"rejected by {by.name}"
    note(session, step, kind="step.rejected", actor=by.name, now=now, data={"reason": step.reason})
    return step

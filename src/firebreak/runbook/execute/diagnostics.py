"""Execute: automatic diagnostics — when an incident opens, run its runbook's read-only checks at once.

Runs inside the incident-opening transaction (an IncidentOpened handler): makes sure the best runbook is
attached, then queues every read-only command of the runbook's diagnostic phases that has a declared
target of its service to run on and whose placeholders can all be filled (up to a cap); one with no
target is recorded as a proposed step, with the reason, and never runs. Notes on the timeline what
will run and what was skipped and why, and leaves the running to the runner after the transaction
commits — so their output is on the timeline within seconds, before anyone acknowledges. On for
configured services unless the service sets the runbook variable `diagnostics: off`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from firebreak.incident import timeline
from firebreak.incident.events import IncidentOpened
from firebreak.kernel.redact import redact_value
from firebreak.runbook.execute.fill import Plan
from firebreak.runbook.execute.policy import SYSTEM_ACTOR
from firebreak.runbook.execute.prepare import prepare
from firebreak.runbook.execute.runner import schedule_after_commit
from firebreak.runbook.execute.steps import StepSettings, VariablesOf, incident_sources, request_step
from firebreak.runbook.execute.targets import NoTarget
from firebreak.runbook.intake.sections import UNATTENDED
from firebreak.runbook.library import store as runbooks
from firebreak.runbook.match import attach
from firebreak.runbook.model import Runbook
from firebreak.security.roles import Principal

SYSTEM = Principal(SYSTEM_ACTOR, "admin")
DIAGNOSTIC_PHASES = UNATTENDED - {"verification"}


def diagnostic_indexes(runbook: Runbook) -> list[int]:
    """Read-only commands of the phases meant to run unattended (and of no phase at all)."""
    kinds = {phase.name: phase.kind for phase in runbook.phases}
    out = []
    for index, command in enumerate(runbook.commands):
        kind = kinds.get(command.phase or "", "overview")
        if command.cls == "read-only" and (kind in DIAGNOSTIC_PHASES or command.phase is None):
            out.append(index)
    return out


@dataclass
class Diagnostics:
    """The IncidentOpened handler that queues a matched runbook's read-only diagnostics."""

    variables: VariablesOf
    settings: StepSettings

    def on_opened(self, session: Session, event: IncidentOpened) -> None:
        incident, alert, now = event.incident, event.alert, event.now
        service_vars = self.variables(incident.service)
        if not service_vars.automatic:
            return
        attached = attach.attach_best_match(session, incident_id=incident.id, alerts=[alert], now=now)
        if attached is None:
            return
        runbook = runbooks.get_runbook(session, slug=str(attached["slug"]))
        sources = incident_sources(session, incident, service_vars, {})
        chosen: list[int] = []
        proposed: list[int] = []
        skipped: list[dict[str, Any]] = []
        for index in diagnostic_indexes(runbook):
            prepared = prepare(runbook.commands[index], sources, targets=service_vars.targets, runbook=runbook.slug,
                               follow_seconds=self.settings.follow_seconds)
            outcome = prepared.outcome
            if prepared.cls == "read-only" and isinstance(outcome, NoTarget):
                proposed.append(index)
            elif prepared.cls != "read-only" or not isinstance(outcome, Plan):
                skipped.append({"command": index, "reason": getattr(outcome, "reason", prepared.class_reason)})
            elif len(chosen) >= self.settings.max_automatic:
                skipped.append({"command": index, "reason": f"over the cap of {self.settings.max_automatic}"})
            else:
                chosen.append(index)
        made_ids: dict[str, list[int]] = {"queued": [], "proposed": []}
        for index in chosen + proposed[:self.settings.max_automatic]:
            made = request_step(session, incident_id=incident.id, command_index=index, requester=SYSTEM, now=now,
                                variables=self.variables, settings=self.settings, runbook_slug=runbook.slug,
                                automatic=True)
            if made.step is not None and made.step.status in made_ids:
                made_ids[made.step.status].append(made.step.id)
        step_ids = made_ids["queued"]
        timeline.append(session, incident_id=incident.id, kind="diagnostics.started", actor=SYSTEM_ACTOR,
                        data=redact_value({"runbook": runbook.slug, "steps": step_ids, "proposed": made_ids["proposed"],
                                           "skipped": skipped}, known=service_vars.secret_values), at=now)
        schedule_after_commit(session, step_ids)

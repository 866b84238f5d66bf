"""Console: what an incident's page shows, read in one place — the API's detail view, the timeline with
the hash chain's verdict, the escalation (who was paged when, who is next and when), the runbook's
commands with their class and reason, and the steps run from them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from firebreak.db.models.core import IncidentRecord, TimelineEntryRecord
from firebreak.db.models.escalate import EscalationRecord
from firebreak.db.models.execution import StepRunRecord
from firebreak.escalate import engine, override_store
from firebreak.escalate.policy import Snapshot
from firebreak.escalate.targets import resolve
from firebreak.http.incident_views import detail
from firebreak.http.schemas import IncidentOut
from firebreak.incident import service, timeline
from firebreak.incident.chain import Verdict
from firebreak.incident.lifecycle import ROLES
from firebreak.kernel.errors import NotFound
from firebreak.kernel.redact import redact_value
from firebreak.runbook.execute import store as steps_store
from firebreak.runbook.execute.policy import requirement
from firebreak.runbook.library import store as runbooks
from firebreak.runbook.model import Runbook
from firebreak.runtime import Runtime

PAGED_KINDS = ("escalation.paged", "escalation.repaged")


@dataclass(frozen=True, slots=True)
class Entry:
    """One timeline entry as the page shows it: when, who, a sentence, and whether the chain vouches for it."""

    seq: int
    at: datetime
    kind: str
    actor: str
    text: str
    verified: bool


@dataclass(frozen=True, slots=True)
class Paged:
    """One turn of the escalation: when, which level, and the people it paged."""

    at: datetime
    level: int
    round: int
    repage: bool
    people: list[str]
    problems: list[str]


@dataclass
class EscalationView:
    """The escalation's state, its levels, the turns taken, and the next turn (who and when), if any."""

    status: str
    policy: str
    acknowledged_by: str | None
    levels: list[dict[str, Any]]
    paged: list[Paged]
    next_at: datetime | None = None
    next_level: int | None = None
    next_people: list[str] = field(default_factory=list)
    next_repage: bool = False


@dataclass
class Command:
    """A runbook command with its class, why, what a run needs, and the steps run from it."""

    index: int
    text: str
    cls: str
    reason: str
    needs: str | None
    phase: str | None
    steps: list[StepRunRecord]


@dataclass
class IncidentPage:
    """Everything the incident's page shows."""

    incident: IncidentOut
    entries: list[Entry]
    verdict: Verdict
    escalation: EscalationView | None
    runbook: Runbook | None
    commands: list[Command]
    severities: list[str]
    roles: Sequence[str]
    assignees: list[str]


def incident_page(db: Session, runtime: Runtime, incident_id: int) -> IncidentPage:
    """Read the incident's page (NotFound when there is no such incident)."""
    record = service.get(db, incident_id=incident_id)
    rows = timeline.entries(db, incident_id=incident_id)
    verdict = timeline.verify_entries(record, rows)
    runbook = attached_runbook(db, runtime, incident_id)
    steps = steps_store.for_incident(db, incident_id=incident_id)
    return IncidentPage(
        incident=detail(db, runtime, record), entries=entries_of(rows, verdict), verdict=verdict,
        escalation=escalation_of(db, runtime, record, rows), runbook=runbook,
        commands=commands_of(runbook, steps), severities=runtime.severity_levels(), roles=ROLES,
        assignees=sorted(set(runtime.assignees(db).values()), key=str.lower))


def attached_runbook(db: Session, runtime: Runtime, incident_id: int) -> Runbook | None:
    current = runtime.runbook_of(db, incident_id)
    if current is None:
        return None
    try:
        return runbooks.get_runbook(db, slug=str(current["slug"]))
    except NotFound:
        return None


def commands_of(runbook: Runbook | None, steps: Sequence[StepRunRecord]) -> list[Command]:
    """The runbook's commands in order, each with the steps run from it (newest first)."""
    if runbook is None:
        return []
    by_index: dict[int, list[StepRunRecord]] = {}
    for step in steps:
        if step.runbook_slug == runbook.slug:
            by_index.setdefault(step.command_index, []).append(step)
    return [Command(index=i, text=c.text, cls=c.cls, reason=c.reason, needs=needs_of(c.cls), phase=c.phase,
                    steps=sorted(by_index.get(i, []), key=lambda s: s.id, reverse=True))
            for i, c in enumerate(runbook.commands)]


def needs_of(cls: str) -> str | None:
    try:
        return requirement(cls).describe()
    except ValueError:
        return None


def entries_of(rows: Sequence[TimelineEntryRecord], verdict: Verdict) -> list[Entry]:
    """Entries newest first; an entry is verified when the chain holds up to and including it."""

    def verified(seq: int) -> bool:
        if verdict.ok:
            return True
        return verdict.first_bad_seq is not None and seq < verdict.first_bad_seq

    return [Entry(r.seq, r.at, r.kind, r.actor, describe(r.kind, redact_value(r.data)), verified(r.seq))
            for r in reversed(rows)]


def escalation_of(db: Session, runtime: Runtime, incident: IncidentRecord,
                  rows: Sequence[TimelineEntryRecord]) -> EscalationView | None:
    row = engine.get(db, incident_id=incident.id)
    if row is None:
        return None
    snapshot = Snapshot.from_json(row.snapshot)
    directory = runtime.escalator.directory()
    people = directory.people
    paged = [Paged(at=r.at, level=int(r.data.get("level", 0)), round=int(r.data.get("round", 0)),
                   repage=r.kind == "escalation.repaged",
                   people=[person_name(runtime, str(p.get("user"))) for p in r.data.get("paged", [])],
                   problems=[str(p) for p in r.data.get("problems", [])])
             for r in rows if r.kind in PAGED_KINDS]
    view = EscalationView(status=row.status, policy=row.policy, acknowledged_by=row.acknowledged_by,
                          levels=[{"number": level.number, "targets": list(level.targets), "wait": level.wait}
                                  for level in snapshot.levels], paged=paged)
    upcoming = next_turn(row, snapshot)
    if upcoming is not None and row.next_due_at is not None:
        overrides = override_store.active_by_schedule(db, since=runtime.clock.now())
        resolution = resolve(directory, upcoming.targets, row.next_due_at, overrides)
        view.next_at, view.next_level = row.next_due_at, upcoming.number
        view.next_people = [people[r.handle].name or r.handle for r in resolution.recipients]
        view.next_repage = row.status == "acknowledged"
    return view


def next_turn(row: EscalationRecord, snapshot: Snapshot) -> Any:
    """The level the next turn pages: the next in the plan, or level one again when an acknowledgement times out."""
    if not snapshot.levels or row.next_due_at is None:
        return None
    if row.status == "acknowledged":
        return snapshot.levels[0]
    if row.status != "active":
        return None
    number = engine.next_level(snapshot, row.turn)
    return next((level for level in snapshot.levels if level.number == number), None)


def person_name(runtime: Runtime, handle: str) -> str:
    person = runtime.escalator.directory().people.get(handle)
    return f"{person.name} ({handle})" if person is not None and person.name else handle


def describe(kind: str, data: dict[str, Any]) -> str:
    """A timeline entry in a sentence (the raw data stays in the API's timeline)."""
    sentence = SENTENCES.get(kind)
    if sentence is not None:
        try:
            return sentence(data)
        except (KeyError, TypeError, ValueError):
            pass
    shown = ", ".join(f"{k}: {v}" for k, v in data.items() if isinstance(v, str | int | float) and v != "")
    return shown[:500]


def _status(d: dict[str, Any]) -> str:
    reason = f" — {d['reason']}" if d.get("reason") else ""
    return f"Status {d['from']} → {d['to']} (rule {d['rule']}){reason}"


def _paged(d: dict[str, Any]) -> str:
    who = ", ".join(str(p["user"]) for p in d.get("paged", [])) or "nobody"
    problems = f"; {'; '.join(d['problems'])}" if d.get("problems") else ""
    return f"Level {d['level']} (pass {int(d.get('round', 0)) + 1}) of {d['policy']} paged {who}{problems}"


SENTENCES: dict[str, Any] = {
    "incident.opened": lambda d: f"Opened: {d['title']} ({d.get('severity') or 'no severity'}, "
                                 f"service {d.get('service') or 'unknown'})",
    "incident.status": _status,
    "incident.severity": lambda d: f"Severity {d.get('from') or 'unset'} → {d['to']}"
                                   + (f" — {d['reason']}" if d.get("reason") else ""),
    "incident.role": lambda d: f"{d['role'].replace('_', ' ').capitalize()}: {d.get('to') or 'nobody'}"
                               + (f" (was {d['from']})" if d.get("from") else ""),
    "note": lambda d: f"Note: {d['text']}",
    "escalation.paged": _paged,
    "escalation.repaged": lambda d: "Re-paged: " + _paged(d),
    "escalation.acknowledged": lambda d: "Paging stopped: acknowledged",
    "escalation.exhausted": lambda d: f"Escalation exhausted: {d.get('reason', '')}",
    "notification.delivered": lambda d: f"Page delivered to {d.get('user')} via {d.get('channel')}",
    "notification.failed": lambda d: f"Page to {d.get('user')} failed via {d.get('channel')}: {d.get('error')}",
    "step.requested": lambda d: f"Step {d['step_id']} requested ({d['class']}): {d['display']}",
    "step.approved": lambda d: f"Step {d['step_id']} approved" + (", ready to run" if d.get("ready") else ""),
    "step.rejected": lambda d: f"Step {d['step_id']} rejected: {d.get('reason')}",
    "step.approval_refused": lambda d: f"Approval of step {d['step_id']} refused: {d.get('reason')}",
    "step.run": lambda d: f"Step {d['step_id']} running on {d.get('target', {}).get('name', '?')}: {d['display']}",
    "step.output": lambda d: f"Step {d['step_id']} {d['status']}"
                             + (f" (exit {d['exit_code']})" if d.get("exit_code") is not None else "")
                             + (f": {d['error']}" if d.get("error") else ""),
    "alert.attached": lambda d: f"Alert {d['name']} ({d['source']}): {d['summary']}",
    "alert.resolved": lambda d: f"Alert resolved: {d['name']} ({d['firing_left']} still firing)",
    "runbook.attached": lambda d: f"Runbook attached: {d.get('title') or d.get('slug')}",
}

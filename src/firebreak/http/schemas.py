"""API shapes of incidents, alerts and timeline entries (separate from the ORM models)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from firebreak.db.models.communicate import UpdateCadenceRecord
from firebreak.db.models.core import AlertRecord, IncidentRecord, TimelineEntryRecord
from firebreak.db.models.escalate import EscalationRecord

MILESTONES = ("triggered", "acknowledged", "investigating", "identified", "mitigating", "monitoring",
              "resolved", "closed", "reopened")


class AlertOut(BaseModel):
    """An alert as the API shows it."""

    id: int
    source: str
    fingerprint: str
    status: str
    name: str
    summary: str
    labels: dict[str, Any]
    annotations: dict[str, Any]
    severity_hint: str | None
    severity: str | None
    service: str | None
    count: int
    first_seen: datetime
    last_seen: datetime
    starts_at: datetime | None
    ends_at: datetime | None
    resolved_at: datetime | None
    dedup_key: str | None
    generator_url: str | None
    runbook_url: str | None
    links: list[Any]
    muted_by: str | None
    inhibited_by: str | None
    incident_id: int | None

    @classmethod
    def of(cls, record: AlertRecord) -> AlertOut:
        return cls.model_validate(record, from_attributes=True)


class RunbookRef(BaseModel):
    """The runbook attached to an incident."""

    slug: str
    title: str
    source_path: str | None = None
    score: float | None = None
    reasons: list[str] = Field(default_factory=list)


class EscalationSummary(BaseModel):
    """Where the incident's escalation stands: active, acknowledged, exhausted (every turn taken,
    nobody acknowledged) or stopped."""

    status: str
    policy: str
    turns_taken: int
    repages: int
    next_due_at: datetime | None

    @classmethod
    def of(cls, row: EscalationRecord) -> EscalationSummary:
        return cls(status=row.status, policy=row.policy, turns_taken=row.seq, repages=row.repages,
                   next_due_at=row.next_due_at)


class UpdatesSummary(BaseModel):
    """When the incident's next status update is due: active (reminders while overdue), paused (its severity
    has no cadence) or stopped (the incident is over)."""

    status: str
    cadence_seconds: int | None
    next_update_due_at: datetime | None
    overdue: bool
    reminders_sent: int
    last_update_at: datetime | None

    @classmethod
    def of(cls, row: UpdateCadenceRecord, now: datetime) -> UpdatesSummary:
        return cls(status=row.status, cadence_seconds=row.every_seconds, next_update_due_at=row.due_at,
                   overdue=row.status == "active" and row.due_at is not None and row.due_at <= now,
                   reminders_sent=row.reminders, last_update_at=row.last_update_at)


class IncidentSummary(BaseModel):
    """An incident as a list shows it: every field of the detail view but the alerts, with the same values."""

    model_config = ConfigDict(extra="allow")

    id: int
    title: str
    status: str
    severity: str | None
    service: str | None
    team: str | None
    escalation_policy: str | None
    group_key: str
    created_at: datetime
    updated_at: datetime
    milestones: dict[str, datetime | None]
    alert_count: int
    firing_count: int
    alerts_resolved: bool
    alerts_resolved_at: datetime | None
    allowed_transitions: list[str]
    roles: dict[str, str] = Field(default_factory=dict)
    runbook: RunbookRef | None = None
    escalation: EscalationSummary | None = None
    updates: UpdatesSummary | None = None
    chat_channel: str | None = None
    description: str | None = Field(default=None, description="What the person who declared it said")
    services: list[str] = Field(default_factory=list, description="Every service it touches; the first is `service`")
    merged_into: int | None = Field(default=None, description="The incident this one was merged into (it is closed)")


class IncidentOut(IncidentSummary):
    """One incident in full: its summary and its alerts."""

    alerts: list[AlertOut] = Field(default_factory=list)


def incident_summary(record: IncidentRecord, *, allowed: list[str], roles: dict[str, str],
                     runbook: dict[str, Any] | None, escalation: EscalationRecord | None = None,
                     updates: UpdatesSummary | None = None, chat_channel: str | None = None) -> IncidentSummary:
    """Build the API view of an incident without its alerts."""
    return IncidentSummary(
        id=record.id, title=record.title, status=record.status, severity=record.severity,
        service=record.service, team=record.team, escalation_policy=record.escalation_policy,
        group_key=record.group_key, created_at=record.created_at, updated_at=record.updated_at,
        milestones={m: getattr(record, f"{m}_at") for m in MILESTONES},
        alert_count=record.alert_count, firing_count=record.firing_count,
        alerts_resolved=record.alert_count > 0 and record.firing_count == 0,
        alerts_resolved_at=record.alerts_resolved_at, allowed_transitions=allowed,
        roles=dict(roles), runbook=RunbookRef(**runbook) if runbook else None,
        escalation=EscalationSummary.of(escalation) if escalation is not None else None,
        updates=updates, chat_channel=chat_channel,
        description=record.description, merged_into=record.merged_into,
        services=list(record.services or ([record.service] if record.service else [])),
    )


def incident_out(summary: IncidentSummary, alerts: list[AlertRecord]) -> IncidentOut:
    """The detail view: a summary and the incident's alerts."""
    return IncidentOut(**dict(summary), alerts=[AlertOut.of(a) for a in alerts])


class IncidentList(BaseModel):
    """One slice of the incident list (limit, offset) and how many match in all."""

    items: list[IncidentSummary]
    total: int
    limit: int
    offset: int


class TimelineEntryOut(BaseModel):
    """One timeline entry with its chain hashes."""

    seq: int
    at: datetime
    kind: str
    actor: str
    data: dict[str, Any]
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, record: TimelineEntryRecord) -> TimelineEntryOut:
        return cls.model_validate(record, from_attributes=True)


class VerifyOut(BaseModel):
    """Result of verifying a timeline."""

    ok: bool
    entries: int
    problems: list[str]
    first_bad_seq: int | None


class TransitionIn(BaseModel):
    """Move an incident to another state."""

    model_config = ConfigDict(extra="forbid")
    status: str = Field(min_length=1, max_length=32)
    reason: str | None = Field(default=None, max_length=4000)


class SeverityIn(BaseModel):
    """Change an incident's severity."""

    model_config = ConfigDict(extra="forbid")
    severity: str = Field(min_length=1, max_length=64)
    reason: str | None = Field(default=None, max_length=4000)


class RoleIn(BaseModel):
    """Give a role to someone, or clear it (assignee null)."""

    model_config = ConfigDict(extra="forbid")
    role: str = Field(min_length=1, max_length=64)
    assignee: str | None = Field(default=None, max_length=255)


class NoteIn(BaseModel):
    """A note for the timeline."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=20000)

"""Review: the facts a post-incident review is drafted from — plain values read from storage (pure types).

`gather.py` reads them from the database; `draft.py` turns them into the review's sections.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True, slots=True)
class Entry:
    """One timeline entry."""

    seq: int
    at: datetime
    kind: str
    actor: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AlertFact:
    """One alert of the incident."""

    name: str
    summary: str
    service: str | None
    severity: str | None
    starts_at: datetime | None
    first_seen: datetime
    resolved_at: datetime | None
    count: int


@dataclass(frozen=True, slots=True)
class StepFact:
    """One runbook step asked for on the incident, with its result."""

    id: int
    runbook: str
    display: str
    phase: str | None
    status: str
    exit_code: int | None
    requested_by: str
    automatic: bool
    finished_at: datetime | None


@dataclass(frozen=True, slots=True)
class UpdateFact:
    """One status update posted on the incident."""

    at: datetime
    author: str
    visibility: str
    title: str
    body: str


@dataclass(frozen=True, slots=True)
class ActionFact:
    """One action item of the incident."""

    id: int
    title: str
    owner: str | None
    due: str | None
    status: str
    priority: str


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    """Everything Firebreak knows about an incident that a review reports."""

    id: int
    title: str
    severity: str | None
    severity_description: str
    ack_deadline: timedelta | None
    service: str | None
    team: str | None
    status: str
    milestones: dict[str, datetime | None]
    components: tuple[str, ...] = ()
    roles: dict[str, str] = field(default_factory=dict)
    alerts: tuple[AlertFact, ...] = ()
    entries: tuple[Entry, ...] = ()
    key_events: dict[int, str | None] = field(default_factory=dict)
    steps: tuple[StepFact, ...] = ()
    updates: tuple[UpdateFact, ...] = ()
    actions: tuple[ActionFact, ...] = ()

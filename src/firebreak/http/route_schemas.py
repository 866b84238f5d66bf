"""API shapes of silences, route tests and the read-only configuration views."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from firebreak.db.models.route import SilenceRecord
from firebreak.escalate.urgency import UrgencyDecision
from firebreak.route.decision import RouteDecision
from firebreak.route.silences_store import state_of

LabelMap = dict[str, str]


class SilenceIn(BaseModel):
    """A new silence: matchers such as `service="api"`, and an end (or a duration from the start)."""

    model_config = ConfigDict(extra="forbid")

    matchers: list[str] = Field(min_length=1, max_length=50)
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    duration: str | None = Field(default=None, max_length=32, description="e.g. 2h, 30m, 1d")
    comment: str = Field(min_length=1, max_length=2000)


class SilenceOut(BaseModel):
    """A stored silence and its state at the time of the request."""

    id: str
    matchers: list[str]
    starts_at: datetime
    ends_at: datetime
    state: str
    created_by: str
    comment: str
    created_at: datetime
    expired_by: str | None
    last_matched_at: datetime | None
    match_count: int

    @classmethod
    def of(cls, record: SilenceRecord, now: datetime) -> SilenceOut:
        return cls(id=record.id, matchers=list(record.matchers), starts_at=record.starts_at,
                   ends_at=record.ends_at, state=state_of(record, now), created_by=record.created_by,
                   comment=record.comment, created_at=record.created_at, expired_by=record.expired_by,
                   last_matched_at=record.last_matched_at, match_count=record.match_count)


class SilenceList(BaseModel):
    items: list[SilenceOut]


class SilenceReport(BaseModel):
    """Silences about to end (their authors are warned) and silences that mute nothing."""

    expiring: list[SilenceOut]
    unused: list[SilenceOut]


class FiringIn(BaseModel):
    """An alert assumed to be firing, for trying inhibition rules."""

    model_config = ConfigDict(extra="forbid")

    labels: LabelMap = Field(max_length=100)
    fingerprint: str | None = Field(default=None, max_length=255)


class RouteTestIn(BaseModel):
    """An alert to route without storing it."""

    model_config = ConfigDict(extra="forbid")

    labels: LabelMap = Field(max_length=100)
    annotations: LabelMap = Field(default_factory=dict, max_length=100)
    severity: str | None = Field(default=None, max_length=64, description="the sender's severity hint")
    at: AwareDatetime | None = Field(default=None, description="evaluate at this time (default: now)")
    firing: list[FiringIn] = Field(default_factory=list, max_length=500)


class MatcherOut(BaseModel):
    route: str
    matcher: str
    matched: bool


class RouteTestOut(BaseModel):
    """What the route stage would decide, and why."""

    service: str | None
    team: str | None
    severity: str | None
    escalation_policy: str | None
    group_by: list[str]
    routes: list[str]
    muted_by: str | None
    silenced_by: list[str]
    inhibited_by: str | None
    inhibit_rule: str | None
    urgency: str = Field(description="high (pages), low (the team's low-urgency contacts) or none (recorded)")
    urgency_reason: str
    pages: bool = Field(description="true only when the alert is not muted and its urgency is high now")
    pages_at: datetime | None = Field(description="low only outside support hours: when paging would start")
    reasons: list[str]
    explanation: list[MatcherOut]

    @classmethod
    def of(cls, decision: RouteDecision, urgency: UrgencyDecision) -> RouteTestOut:
        return cls(
            service=decision.service, team=decision.team, severity=decision.severity,
            escalation_policy=decision.escalation_policy, group_by=list(decision.group_by),
            routes=list(decision.routes), muted_by=decision.muted_by, silenced_by=list(decision.silenced_by),
            inhibited_by=decision.inhibited_by, inhibit_rule=decision.inhibit_rule,
            urgency=urgency.urgency, urgency_reason=urgency.reason,
            pages=decision.pages and urgency.pages_now,
            pages_at=urgency.pages_at if decision.pages else None,
            reasons=list(decision.reasons),
            explanation=[MatcherOut(route=r.route, matcher=r.matcher, matched=r.matched)
                         for r in decision.explanation],
        )


class ConfigSummary(BaseModel):
    """Which configuration is in force."""

    path: str
    generation: int
    severity_scale: str
    counts: dict[str, int]
    last_error: str | None = None


class ItemList(BaseModel):
    """A read-only list of configuration entries."""

    items: list[dict[str, Any]]

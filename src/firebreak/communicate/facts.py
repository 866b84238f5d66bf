"""Communicate: what a draft is filled from — the incident's facts as template values (pure).

The internal context carries the incident (title, severity, roles, timeline, services, components);
the public context only what a customer may read: the public title and message, the components and
their statuses, and times. Nothing else is ever put into a public context.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from firebreak.incident.lifecycle import ROLES

# Lifecycle state → the status a public incident shows (Statuspage's incident statuses).
PUBLIC_STATUS = {"triggered": "investigating", "acknowledged": "investigating", "investigating": "investigating",
                 "identified": "identified", "mitigating": "identified", "monitoring": "monitoring",
                 "resolved": "resolved", "closed": "resolved"}
PUBLIC_STATUSES = ("investigating", "identified", "monitoring", "resolved")
STATUS_TEXT = {"operational": "Operational", "degraded_performance": "Degraded Performance",
               "partial_outage": "Partial Outage", "major_outage": "Major Outage",
               "under_maintenance": "Under Maintenance"}
# The worst component status names the public incident by default ("API Service Degradation").
TITLE_NOUN = {"degraded_performance": "Service Degradation", "partial_outage": "Partial Outage",
              "major_outage": "Service Outage"}
SEVERITY_ORDER = ("operational", "under_maintenance", "degraded_performance", "partial_outage", "major_outage")


@dataclass(frozen=True, slots=True)
class ComponentState:
    name: str
    status: str


@dataclass(frozen=True, slots=True)
class Line:
    """One dated line: a timeline entry or an earlier update."""

    at: datetime
    text: str


@dataclass(frozen=True)
class IncidentFacts:
    """An incident as the drafts read it, gathered by `drafts.gather`."""

    id: int
    title: str
    severity: str | None
    status: str
    service: str | None
    team: str | None
    url: str
    opened_at: datetime
    resolved_at: datetime | None = None
    roles: Mapping[str, str] = field(default_factory=dict)  # role → how the holder is shown (@handle)
    services: tuple[str, ...] = ()
    components: tuple[ComponentState, ...] = ()
    timeline: tuple[Line, ...] = ()  # what happened since the last update
    latest: Line | None = None  # the latest internal update
    public_title: str | None = None  # the public incident's name, once one was posted


@dataclass(frozen=True)
class UpdateFields:
    """What a responder says in an update; anything left out is drafted."""

    status: str | None = None
    title: str | None = None
    impact: str | None = None
    message: str | None = None
    actions: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = ()
    root_cause: str | None = None
    resolution: str | None = None


def clock_text(moment: datetime | None, zone: str = "UTC") -> str:
    """`2024-01-15 14:30 UTC`."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%Y-%m-%d %H:%M} {'UTC' if zone == 'UTC' else local.tzname()}"


def time_text(moment: datetime, zone: str = "UTC") -> str:
    """`14:30 UTC`."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%H:%M} {'UTC' if zone == 'UTC' else local.tzname()}"


def duration_text(span: timedelta) -> str:
    """`45 minutes`, `1 hour 5 minutes`, `2 days 3 hours`."""
    minutes = max(0, int(span.total_seconds() // 60))
    days, rest = divmod(minutes, 1440)
    hours, minutes = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    shown = [f"{count} {unit}{'s' if count != 1 else ''}" for count, unit in parts if count]
    return " ".join(shown[:2]) if shown else "0 minutes"


def worst(statuses: Sequence[str]) -> str:
    """The most severe of component statuses (operational for none)."""
    return max(statuses, key=SEVERITY_ORDER.index, default="operational")


def public_status(lifecycle: str) -> str:
    return PUBLIC_STATUS.get(lifecycle, "investigating")


def default_title(facts: IncidentFacts) -> str:
    """The public incident's name: the one already published, else the components and how they are hit."""
    if facts.public_title:
        return facts.public_title
    affected = [c for c in facts.components if c.status != "operational"] or list(facts.components)
    noun = TITLE_NOUN.get(worst([c.status for c in affected]), "Service Disruption")
    names = ", ".join(c.name for c in affected)
    return f"{names} {noun}" if names else noun


def default_message(status: str, components: Sequence[ComponentState]) -> str:
    """The public message for a status when the responder wrote none."""
    names = ", ".join(c.name for c in components) or "some of our services"
    if status == "identified":
        return f"The issue affecting {names} has been identified and a fix is being implemented."
    if status == "monitoring":
        return "A fix has been implemented and we are monitoring the results."
    if status == "resolved":
        return "This incident has been resolved. All affected services are operating normally."
    return (f"We are currently investigating an issue affecting {names}. "
            "Our team is actively working on a resolution.")


def components_context(components: Sequence[ComponentState]) -> list[dict[str, str]]:
    return [{"name": c.name, "status": c.status, "status_text": STATUS_TEXT.get(c.status, c.status)}
            for c in components]


def public_context(facts: IncidentFacts, fields: UpdateFields, *, now: datetime, next_update: timedelta | None,
                   page: Mapping[str, str], zone: str = "UTC") -> dict[str, Any]:
    """The values a public draft may use; nothing internal (no incident title, roles or timeline)."""
    status = fields.status or public_status(facts.status)
    resolved_at = facts.resolved_at if status == "resolved" else None
    window = ""
    if resolved_at is not None:
        window = f"from {time_text(facts.opened_at, zone)} to {time_text(resolved_at, zone)} " \
                 f"on {facts.opened_at.astimezone(ZoneInfo(zone)):%Y-%m-%d}"
    return {
        "update": {
            "status": status, "title": fields.title or default_title(facts),
            "message": fields.message or default_message(status, facts.components),
            "impact": fields.impact or "", "next_update": duration_text(next_update) if next_update else "",
            "root_cause": fields.root_cause or "", "resolution": fields.resolution or "",
            "at": clock_text(now, zone), "started": clock_text(facts.opened_at, zone),
            "resolved": status == "resolved", "window": window,
            "actions": [], "next_steps": [],
        },
        "components": components_context(facts.components),
        "page": dict(page),
    }


def internal_context(facts: IncidentFacts, fields: UpdateFields, *, now: datetime, next_update: timedelta | None,
                     page: Mapping[str, str], zone: str = "UTC") -> dict[str, Any]:
    """The values an internal draft may use: the public ones and the whole incident."""
    context = public_context(facts, fields, now=now, next_update=next_update, page=page, zone=zone)
    context["update"].update({
        "status": fields.status or facts.status.capitalize(),
        "actions": list(fields.actions) or [line.text for line in facts.timeline],
        "next_steps": list(fields.next_steps),
    })
    end = facts.resolved_at or now
    context.update({
        "incident": {"id": facts.id, "title": facts.title, "severity": facts.severity, "status": facts.status,
                     "service": facts.service, "team": facts.team, "url": facts.url,
                     "started": clock_text(facts.opened_at, zone), "duration": duration_text(end - facts.opened_at),
                     "resolved": clock_text(facts.resolved_at, zone) or None},
        "roles": {role: facts.roles.get(role) for role in ROLES},
        "services": list(facts.services),
        "timeline": [{"at": time_text(line.at, zone), "text": line.text} for line in facts.timeline],
        "latest": ({"at": time_text(facts.latest.at, zone), "body": facts.latest.text}
                   if facts.latest is not None else None),
    })
    return context

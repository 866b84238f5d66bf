"""Communicate: drafting an update — gather the incident's facts from storage, pick the kind, render it.

The responder edits the draft and posts it; the leadership summary is posted by the cadence as drafted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from firebreak.communicate import updates
from firebreak.communicate.facts import (
    ComponentState,
    IncidentFacts,
    Line,
    UpdateFields,
    internal_context,
    public_context,
    public_status,
)
from firebreak.communicate.rules import Rules
from firebreak.communicate.templates import PUBLIC_KINDS
from firebreak.db.models.communicate import StatusUpdateRecord
from firebreak.db.models.core import IncidentRecord, TimelineEntryRecord
from firebreak.escalate.pager import incident_url
from firebreak.incident import service, timeline
from firebreak.incident.lifecycle import is_open

ACTIONS = ("note", "incident.status", "incident.severity", "step.run")


@dataclass(frozen=True, slots=True)
class Draft:
    """A drafted update, ready to edit and post."""

    kind: str
    visibility: str
    status: str
    title: str
    body: str
    next_update_at: datetime | None
    components: tuple[ComponentState, ...]
    suggested: tuple[str, ...]


def action_text(entry: TimelineEntryRecord) -> str | None:
    """What a timeline entry did, as a line of "Actions Taken" (None for entries that are not actions)."""
    data = entry.data or {}
    if entry.kind == "note":
        return str(data.get("text", "")).strip() or None
    if entry.kind == "incident.status":
        return f"Status {data.get('from')} → {data.get('to')}"
    if entry.kind == "incident.severity":
        return f"Severity {data.get('from') or 'unset'} → {data.get('to')}"
    if entry.kind == "step.run":
        return f"Ran {data.get('display')}"
    return None


def gather(session: Session, *, incident: IncidentRecord, rules: Rules, base_url: str,
           components: Sequence[ComponentState] | None = None,
           history: Sequence[StatusUpdateRecord] | None = None) -> IncidentFacts:
    """The incident's facts: roles shown as people know them, what happened since the last update, components."""
    history = list(history) if history is not None else updates.of_incident(session, incident_id=incident.id)
    internal = [u for u in history if u.visibility == "internal"]
    public = [u for u in history if u.visibility == "public"]
    lines: list[Line] = []
    for entry in timeline.entries(session, incident_id=incident.id):
        if entry.kind == "update.posted":
            lines = []  # only what happened since the last update
        elif entry.kind in ACTIONS and (text := action_text(entry)):
            lines.append(Line(entry.at, text))
    roles = {role: rules.people.get(holder, holder.removeprefix("external:"))
             for role, holder in service.roles(session, incident_id=incident.id).items()}
    if components is None:
        component = rules.components.get(incident.service or "")
        status = rules.component_status(incident.severity) if is_open(incident.status) else "operational"
        components = [ComponentState(component, status)] if component else []
    return IncidentFacts(
        id=incident.id, title=incident.title, severity=incident.severity, status=incident.status,
        service=incident.service, team=incident.team, url=incident_url(base_url.rstrip("/"), incident.id),
        opened_at=incident.created_at, resolved_at=incident.resolved_at, roles=roles,
        services=tuple(s for s in [incident.service] if s), components=tuple(components),
        timeline=tuple(lines[-10:]),
        latest=Line(internal[-1].posted_at, internal[-1].body) if internal else None,
        public_title=public[0].title if public else None)


def suggested_kinds(incident: IncidentRecord, history: Sequence[StatusUpdateRecord], rules: Rules,
                    now: datetime) -> tuple[str, ...]:
    """The kinds that fit now, the first being the default for an internal draft."""
    over = not is_open(incident.status)
    internal = "resolved" if over else ("progress" if any(u.visibility == "internal" for u in history)
                                        else "initial")
    kinds = [internal, "status_page"]
    prolonged = now - incident.created_at >= rules.customer_email_after
    if rules.is_top(incident.severity) and (prolonged or over):
        kinds.append("customer_email")
    kinds.append("leadership")
    return tuple(kinds)


def draft(session: Session, *, incident: IncidentRecord, rules: Rules, base_url: str, now: datetime,
          kind: str | None = None, visibility: str | None = None, fields: UpdateFields | None = None,
          next_update: timedelta | None = None, components: Sequence[ComponentState] | None = None) -> Draft:
    """Draft an update of `kind` (default: the first suggested one for the visibility asked)."""
    history = updates.of_incident(session, incident_id=incident.id)
    suggested = suggested_kinds(incident, history, rules, now)
    if kind is None:
        kind = "status_page" if visibility == "public" else suggested[0]
    chosen_visibility = updates.check_kind(kind, visibility)
    facts = gather(session, incident=incident, rules=rules, base_url=base_url, components=components,
                   history=history)
    fields = fields or UpdateFields()
    over = not is_open(incident.status)
    if next_update is None and not over:
        next_update = rules.cadence(incident.severity)
    if over:
        next_update = None
    page = {**rules.page, "url": rules.page.get("url") or f"{base_url.rstrip('/')}/status"}
    build = public_context if kind in PUBLIC_KINDS else internal_context
    context: dict[str, Any] = build(facts, fields, now=now, next_update=next_update, page=page,
                                    zone=rules.time_zone)
    rendered = rules.templates.render(kind, context)
    if kind in PUBLIC_KINDS:
        status = fields.status or public_status(incident.status)
    else:
        status = fields.status or incident.status
    return Draft(kind=kind, visibility=chosen_visibility, status=status, title=rendered.title, body=rendered.body,
                 next_update_at=now + next_update if next_update else None, components=facts.components,
                 suggested=suggested)


def components_json(components: Sequence[ComponentState]) -> list[dict[str, str]]:
    return [{"name": c.name, "status": c.status} for c in components]


def facts_of(mapping: Mapping[str, Any]) -> UpdateFields:
    """Update fields from an API body or CLI options (missing ones drafted)."""
    return UpdateFields(
        status=mapping.get("status"), title=mapping.get("title"), impact=mapping.get("impact"),
        message=mapping.get("message"), actions=tuple(mapping.get("actions") or ()),
        next_steps=tuple(mapping.get("next_steps") or ()), root_cause=mapping.get("root_cause"),
        resolution=mapping.get("resolution"))

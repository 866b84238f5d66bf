"""Declare flow: a person opens an incident (no alert) — routed like an alert of its service, IncidentOpened
published, so it pages, gets its runbook and diagnostics like an alert-opened one, then its roles given.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from firebreak.config.models import Config
from firebreak.db.models.core import IncidentRecord
from firebreak.flows.respond import assign_role
from firebreak.incident import service
from firebreak.incident.declaration import DECLARED, Declaration, Known
from firebreak.incident.events import IncidentOpened, Subscribers
from firebreak.ingest.alert import Alert
from firebreak.route.decide import decide
from firebreak.route.decision import RouteDecision
from firebreak.route.plan import HasRoutePlan


def known_of(config: Config) -> Known:
    """The services, teams and escalation policies a declaration may name."""
    return Known(services=frozenset(s.name for s in config.services), teams=frozenset(t.name for t in config.teams),
                 policies=frozenset(p.name for p in config.escalation_policies))


def route_declared(declared: Declaration, config: HasRoutePlan, now: datetime) -> RouteDecision:
    """Team and policy as an alert of the declared service would get them; the declaration's own win (pure).

    A team named by the declaration brings its own policy; mute rules and severity rules do not apply:
    a person chose to declare, and chose the severity.
    """
    probe = Alert(source=DECLARED, fingerprint=DECLARED, status="firing", labels=declared.labels,
                  annotations=declared.annotations, summary=declared.title, severity_hint=None, starts_at=now,
                  ends_at=None)
    routed = decide(probe, config, now)
    reasons = [routed.reasons[0], f"severity {declared.severity} as declared"]
    team, policy = routed.team, routed.escalation_policy
    if declared.team is not None:
        team = declared.team
        policy = config.route_plan.team_policies.get(team) or policy
        reasons.append(f"team {team} as declared")
    if declared.escalation_policy is not None:
        policy = declared.escalation_policy
        reasons.append(f"escalation policy {policy} as declared")
    return RouteDecision(service=declared.service, team=team, severity=declared.severity, escalation_policy=policy,
                         routes=routed.routes, reasons=tuple(reasons))


def declare_incident(session: Session, declared: Declaration, *, config: HasRoutePlan, known: Mapping[str, str],
                     actor: str, now: datetime, subscribers: Subscribers) -> IncidentRecord:
    """Open the declared incident in the caller's transaction; `known` resolves role holders."""
    decision = route_declared(declared, config, now)
    incident = service.open_incident(
        session, title=declared.title, severity=declared.severity, service=declared.service, team=decision.team,
        escalation_policy=decision.escalation_policy, group_key=f"{DECLARED}:{uuid.uuid4().hex}", now=now,
        actor=actor, data={"source": DECLARED, "declared_by": actor, "services": list(declared.services),
                           "description": declared.description, "routes": list(decision.routes),
                           "reasons": list(decision.reasons)})
    incident.description = declared.description
    incident.services = list(declared.services)
    subscribers.publish(session, IncidentOpened(incident=incident, alert=declared, decision=decision, now=now))
    # After the opening, so the stages that hear of roles (chat) already know the incident.
    for role, holder in declared.roles.items():
        assign_role(session, incident=incident, role=role, assignee=holder, known=known, actor=actor, now=now,
                    subscribers=subscribers)
    return incident

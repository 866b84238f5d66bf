"""Route: one alert in, one decision out — route, severity, then maintenance, silences, inhibition.

Pure: the configuration's compiled plan, the active silences, the currently firing alerts and
`now` go in; nothing is read from or written to storage here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from itertools import chain

from firebreak.ingest.alert import Alert
from firebreak.route.decision import MatcherResult, RouteDecision
from firebreak.route.inhibition import find_inhibition
from firebreak.route.maintenance import MaintenanceWindow
from firebreak.route.plan import HasRoutePlan, RoutePlan
from firebreak.route.severity import SeverityScale, resolve_hint
from firebreak.route.silences import Silence, SilenceIndex, matching_silences
from firebreak.route.thresholds import apply_impact, threshold_severity
from firebreak.route.tree import RouteNode, select_routes


def _first(routes: Sequence[RouteNode], attribute: str) -> str | None:
    for route in routes:
        value = getattr(route.settings, attribute)
        if value is not None:
            return value  # type: ignore[no-any-return]
    return None


def decide_severity(chosen: Sequence[RouteNode], root: RouteNode, alert: Alert,
                    scale: SeverityScale) -> tuple[str, list[str]]:
    """Severity by precedence: threshold rules, a route's severity, the alert's hint, the default
    route, the lowest level; then impact rules may raise it."""
    reasons: list[str] = []
    default = root.settings
    rules = next((r.settings.severity_rules for r in chosen if r.settings.severity_rules),
                 default.severity_rules)
    severity: str | None = None
    if rules:
        severity, notes = threshold_severity(rules, alert.labels, alert.annotations, scale, alert.values)
        reasons += notes
    if severity is None:
        for route in chosen:
            if route.settings.severity is not None:
                severity = route.settings.severity
                reasons.append(f"route {route.name} sets severity {severity}")
                break
    if severity is None:
        hint = alert.severity_hint or alert.labels.get("severity")
        severity = resolve_hint(scale, hint)
        if severity is not None:
            reasons.append(f"severity hint {hint!r} maps to {severity}")
        elif hint:
            reasons.append(f"severity hint {hint!r} is not on scale {scale.name}")
    if severity is None and default.severity is not None:
        severity = default.severity
        reasons.append(f"default route severity {severity}")
    if severity is None:
        severity = scale.least_severe
        reasons.append(f"no severity given: lowest level {severity}")
    impacts = next((r.settings.impact_rules for r in chosen if r.settings.impact_rules), default.impact_rules)
    if impacts:
        severity, notes = apply_impact(impacts, alert.labels, alert.annotations, scale, severity, alert.values)
        reasons += notes
    return severity, reasons


def _maintenance(plan: RoutePlan, service: str | None, labels: Mapping[str, str], now: datetime,
                 trace: list[MatcherResult] | None) -> MaintenanceWindow | None:
    windows = plan.maintenance_by_service.get(service, ()) if service else ()
    for window in chain(windows, plan.maintenance_by_labels):
        if window.applies_to(service, labels, trace) and window.is_active(now):
            return window
    return None


def decide(alert: Alert, config: HasRoutePlan, now: datetime, *,
           silences: Sequence[Silence] | SilenceIndex = (),
           firing: Sequence[Alert] = (), explain: bool = False) -> RouteDecision:
    """Decide service, team, severity and policy for `alert`, and whether anything mutes it.

    `silences` are the silences from storage (the configuration's own are added here), as a list
    or, when many alerts are routed against the same set, a prebuilt SilenceIndex; `firing`
    are the currently firing alerts, candidates to inhibit this one. With `explain`, every
    matcher evaluated is recorded in the decision's `explanation`.
    """
    plan = config.route_plan
    trace: list[MatcherResult] | None = [] if explain else None
    labels = alert.labels
    root = plan.root
    default = root.settings

    # 1. Route: walk the tree; the default route's settings are only fallbacks.
    routes = select_routes(root, labels, trace)
    chosen = [route for route in routes if route is not root]
    service = _first(chosen, "service") or labels.get("service") or default.service
    owner = plan.services.get(service) if service else None
    team = _first(chosen, "team") or (owner.team if owner else None) or default.team
    policy = (_first(chosen, "escalation_policy") or (owner.escalation_policy if owner else None)
              or (plan.team_policies.get(team) if team else None) or default.escalation_policy)
    group_by = next((route.settings.group_by for route in chosen if route.settings.group_by is not None),
                    default.group_by or plan.group_by)
    reasons = [f"routes: {', '.join(route.name for route in routes)}"]

    # 2. Severity.
    severity, notes = decide_severity(chosen, root, alert, plan.scale)
    reasons += notes

    # 3. Muting sees the routed service and team even when the alert does not carry them as labels.
    mute_labels: Mapping[str, str] = labels
    if (service and "service" not in labels) or (team and "team" not in labels):
        mute_labels = {**({"service": service} if service else {}), **({"team": team} if team else {}),
                       **labels}
    window = _maintenance(plan, service, mute_labels, now, trace)
    matched = plan.silence_index.matching(mute_labels, now, trace)
    if isinstance(silences, SilenceIndex):
        matched += silences.matching(mute_labels, now, trace)
    else:
        matched += matching_silences(silences, mute_labels, now, trace)
    muted_by = None
    if window is not None:
        muted_by = f"maintenance:{window.name}"
        reasons.append(f"muted by maintenance window {window.name}")
    elif matched:
        muted_by = f"silence:{matched[0].id}"
        reasons.append(f"muted by silence {matched[0].id} ({matched[0].comment})")

    # 4. Inhibition by another firing alert.
    inhibition = find_inhibition(plan.inhibit, mute_labels, alert.fingerprint, firing, now, trace)
    if inhibition is not None:
        reasons.append(f"inhibited by {inhibition.source.fingerprint} ({inhibition.source.name}) "
                       f"under rule {inhibition.rule.name}")

    return RouteDecision(
        service=service, team=team, severity=severity, escalation_policy=policy,
        group_by=tuple(group_by), routes=tuple(route.name for route in routes),
        muted_by=muted_by,
        inhibited_by=inhibition.source.fingerprint if inhibition else None,
        explanation=tuple(trace) if trace is not None else (),
        reasons=tuple(reasons),
        silenced_by=tuple(silence.id for silence in matched),
        inhibit_rule=inhibition.rule.name if inhibition else None,
    )

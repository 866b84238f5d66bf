"""Compile validated configuration sections into the route plan the route stage runs on."""

from __future__ import annotations

from collections.abc import Sequence

from firebreak.config.mute import InhibitRuleSpec, MaintenanceSpec, SilenceSpec
from firebreak.config.route import DefaultRouteSpec, RouteSettingsSpec, RouteSpec
from firebreak.route.inhibition import InhibitRule
from firebreak.route.plan import RoutePlan, ServiceTarget
from firebreak.route.severity import SeverityScale
from firebreak.route.thresholds import ImpactRule, SeverityRule
from firebreak.route.tree import RouteNode, RouteSettings


def route_name(spec: RouteSpec, path: str) -> str:
    """A route's name: the one it is given, else its place in the file (`routes[2].routes[0]`)."""
    return spec.name or path


def _canonical(scale: SeverityScale, word: str | None) -> str | None:
    return None if word is None else scale.canonical(word) or word


def _settings(spec: RouteSettingsSpec, parent: RouteSettings, scale: SeverityScale) -> RouteSettings:
    severity_rules = tuple(
        SeverityRule(source=rule.source, condition=rule.when, severity=_canonical(scale, rule.severity) or "",
                     matchers=rule.all_matchers())
        for rule in spec.severity_rules
    )
    impact_rules = tuple(
        ImpactRule(source=rule.source, condition=rule.when, raise_to=_canonical(scale, rule.raise_to),
                   raise_by=rule.raise_by, matchers=rule.all_matchers())
        for rule in spec.impact_rules
    )
    return RouteSettings(
        service=spec.service if spec.service is not None else parent.service,
        team=spec.team if spec.team is not None else parent.team,
        severity=_canonical(scale, spec.severity) if spec.severity is not None else parent.severity,
        escalation_policy=spec.escalation_policy if spec.escalation_policy is not None
        else parent.escalation_policy,
        group_by=tuple(spec.group_by) if spec.group_by is not None else parent.group_by,
        severity_rules=severity_rules or parent.severity_rules,
        impact_rules=impact_rules or parent.impact_rules,
    )


def _compile_route(spec: RouteSpec, path: str, parent: RouteSettings, scale: SeverityScale) -> RouteNode:
    settings = _settings(spec, parent, scale)
    children = tuple(
        _compile_route(child, f"{path}.routes[{index}]", settings, scale)
        for index, child in enumerate(spec.routes)
    )
    return RouteNode(name=route_name(spec, path), matchers=spec.all_matchers(), continue_=spec.continue_,
                     children=children, settings=settings)


def compile_tree(routes: Sequence[RouteSpec], default: DefaultRouteSpec, scale: SeverityScale) -> RouteNode:
    """The route tree. Top-level routes do not inherit the default route: its settings are fallbacks."""
    children = tuple(
        _compile_route(spec, f"routes[{index}]", RouteSettings(), scale) for index, spec in enumerate(routes)
    )
    return RouteNode(name="default", children=children, settings=_settings(default, RouteSettings(), scale))


def compile_plan(*, scale: SeverityScale, routes: Sequence[RouteSpec], default_route: DefaultRouteSpec,
                 group_by: Sequence[str], services: dict[str, ServiceTarget],
                 team_policies: dict[str, str | None], silences: Sequence[SilenceSpec],
                 maintenance: Sequence[MaintenanceSpec], inhibit: Sequence[InhibitRuleSpec]) -> RoutePlan:
    """Everything the route decision needs, compiled once per configuration load."""
    return RoutePlan(
        scale=scale,
        root=compile_tree(routes, default_route, scale),
        group_by=tuple(group_by),
        services=services,
        team_policies=team_policies,
        silences=tuple(spec.to_silence(index) for index, spec in enumerate(silences)),
        maintenance=tuple(spec.to_window(index) for index, spec in enumerate(maintenance)),
        inhibit=tuple(
            InhibitRule(name=spec.label(index), source=spec.source_all(), target=spec.target_all(),
                        equal=tuple(spec.equal))
            for index, spec in enumerate(inhibit)
        ),
    )

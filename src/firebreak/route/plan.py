"""The route plan: everything the route decision needs from the configuration, compiled once per load.

The configuration builds a plan when it is validated; the decision reads only the plan, so the
route stage never depends on how the configuration file is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from firebreak.route.inhibition import InhibitRule
from firebreak.route.maintenance import MaintenanceWindow
from firebreak.route.severity import SeverityScale
from firebreak.route.silences import Silence, SilenceIndex
from firebreak.route.tree import RouteNode


@dataclass(frozen=True, slots=True)
class ServiceTarget:
    """Who owns a service, for alerts whose route names the service but not the team or policy."""

    team: str | None
    escalation_policy: str | None


@dataclass(frozen=True)
class RoutePlan:
    """Compiled routes, severity scale, services and the muting rules of one configuration."""

    scale: SeverityScale
    root: RouteNode
    group_by: tuple[str, ...]
    services: Mapping[str, ServiceTarget] = field(default_factory=dict)
    team_policies: Mapping[str, str | None] = field(default_factory=dict)
    silences: tuple[Silence, ...] = ()
    maintenance: tuple[MaintenanceWindow, ...] = ()
    inhibit: tuple[InhibitRule, ...] = ()
    maintenance_by_service: Mapping[str, tuple[MaintenanceWindow, ...]] = field(init=False)
    maintenance_by_labels: tuple[MaintenanceWindow, ...] = field(init=False)
    silence_index: SilenceIndex = field(init=False)

    def __post_init__(self) -> None:
        by_service: dict[str, list[MaintenanceWindow]] = {}
        by_labels: list[MaintenanceWindow] = []
        for window in self.maintenance:
            if not window.services:
                by_labels.append(window)
            for service in window.services:
                by_service.setdefault(service, []).append(window)
        object.__setattr__(self, "maintenance_by_service", {k: tuple(v) for k, v in by_service.items()})
        object.__setattr__(self, "maintenance_by_labels", tuple(by_labels))
        object.__setattr__(self, "silence_index", SilenceIndex(self.silences))


class HasRoutePlan(Protocol):
    """Anything that carries a compiled plan (the loaded configuration does)."""

    @property
    def route_plan(self) -> RoutePlan: ...

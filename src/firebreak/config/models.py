"""The root of the one YAML configuration: every section, validated together, references checked."""

from __future__ import annotations

from pydantic import PrivateAttr, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from firebreak.config.compile_route import compile_plan
from firebreak.config.document import Sections
from firebreak.config.escalate import EscalationPolicySpec
from firebreak.config.references import find_problems
from firebreak.config.teams import ServiceSpec, TeamSpec, UserSpec
from firebreak.incident.auto_resolve import AutoResolvePolicy
from firebreak.route.plan import RoutePlan, ServiceTarget


class Config(Sections):
    """The whole configuration. Build it with `firebreak.config.load_config`, which adds file lines
    to errors; a Config that exists is complete and consistent."""

    _plan: RoutePlan | None = PrivateAttr(default=None)
    _auto_resolve: AutoResolvePolicy = PrivateAttr(default_factory=AutoResolvePolicy)

    @model_validator(mode="after")
    def _consistent(self) -> Config:
        problems = find_problems(self)
        if problems:
            raise ValidationError.from_exception_data(
                "Config",
                [
                    InitErrorDetails(type=PydanticCustomError("reference", problem.message), loc=problem.loc,
                                     input=None)
                    for problem in problems
                ],
            )
        self._plan = compile_plan(
            scale=self.severity_scale, routes=self.routes, default_route=self.default_route,
            group_by=self.group_by,
            services={s.name: ServiceTarget(team=s.team, escalation_policy=s.escalation_policy)
                      for s in self.services},
            team_policies={t.name: t.escalation_policy for t in self.teams},
            silences=self.silences, maintenance=self.maintenance, inhibit=self.inhibit,
        )
        self._auto_resolve = AutoResolvePolicy.build(
            self.auto_resolve, {s.name: s.auto_resolve for s in self.services})
        return self

    @property
    def auto_resolve_policy(self) -> AutoResolvePolicy:
        """When an incident resolves with its last alert, per source and service."""
        return self._auto_resolve

    @property
    def route_plan(self) -> RoutePlan:
        """Routes, scale and muting rules compiled for the route stage."""
        assert self._plan is not None, "Config built without validation"
        return self._plan

    def service(self, name: str) -> ServiceSpec | None:
        return next((s for s in self.services if s.name == name), None)

    def label_placeholders_of(self, service: ServiceSpec) -> frozenset[str]:
        """Placeholders alert labels may fill for `service`: the global list and the service's own."""
        return frozenset(self.label_placeholders) | frozenset(service.label_placeholders)

    def team(self, name: str) -> TeamSpec | None:
        return next((t for t in self.teams if t.name == name), None)

    def user(self, handle: str) -> UserSpec | None:
        return next((u for u in self.users if u.handle == handle), None)

    def escalation_policy(self, name: str) -> EscalationPolicySpec | None:
        return next((p for p in self.escalation_policies if p.name == name), None)

"""The root of the one YAML configuration: every section, validated together, references checked."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field, PrivateAttr, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from firebreak.config.compile import compile_plan
from firebreak.config.directory import ServiceSpec, TeamSpec, UserSpec
from firebreak.config.muting import InhibitRuleSpec, MaintenanceSpec, SilenceSpec
from firebreak.config.paging import (
    EscalationPolicySpec,
    NotificationSpec,
    ScheduleSpec,
    SupportHoursSpec,
    paging_problems,
)
from firebreak.config.references import find_problems
from firebreak.config.routing import DefaultRouteSpec, RouteSpec
from firebreak.config.scale import ScaleField
from firebreak.config.targets import DEFAULT_LABEL_PLACEHOLDERS, LabelPlaceholder
from firebreak.config.types import AutoResolveField, Duration, Strict
from firebreak.incident.auto_resolve import AutoResolvePolicy
from firebreak.route.plan import ServiceTarget, TriagePlan
from firebreak.route.severity_presets import SEV1_SEV4


class Config(Strict):
    """The whole configuration. Build it with `firebreak.config.load_config`, which adds file lines
    to errors; a Config that exists is complete and consistent."""

    severity_scale: ScaleField = SEV1_SEV4
    teams: list[TeamSpec] = Field(default_factory=list)
    users: list[UserSpec] = Field(default_factory=list)
    services: list[ServiceSpec] = Field(default_factory=list)
    routes: list[RouteSpec] = Field(default_factory=list)
    default_route: DefaultRouteSpec = Field(default_factory=DefaultRouteSpec)
    silences: list[SilenceSpec] = Field(default_factory=list)
    maintenance: list[MaintenanceSpec] = Field(default_factory=list)
    inhibit: list[InhibitRuleSpec] = Field(default_factory=list)
    group_by: list[str] = Field(default_factory=lambda: ["alertname", "service"])
    # None: the defaults per source (a PagerDuty resolve resolves the incident, other sources do not).
    auto_resolve: AutoResolveField | None = None
    # A new alert for a group whose incident resolved less than this ago reopens it (REO-1); 0 = never.
    reopen_within: Duration = timedelta(0)
    schedules: list[ScheduleSpec] = Field(default_factory=list)
    escalation_policies: list[EscalationPolicySpec] = Field(default_factory=list)
    notifications: NotificationSpec = Field(default_factory=NotificationSpec)
    label_placeholders: list[LabelPlaceholder] = Field(default_factory=lambda: list(DEFAULT_LABEL_PLACEHOLDERS))
    # Without support hours every hour counts as one: levels keep their in-hours urgency.
    support_hours: SupportHoursSpec | None = None

    _plan: TriagePlan | None = PrivateAttr(default=None)
    _auto_resolve: AutoResolvePolicy = PrivateAttr(default_factory=AutoResolvePolicy)

    @model_validator(mode="after")
    def _consistent(self) -> Config:
        problems = find_problems(self) + paging_problems(self)
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
    def triage_plan(self) -> TriagePlan:
        """Routes, scale and muting rules compiled for triage."""
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

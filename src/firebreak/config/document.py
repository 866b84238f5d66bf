"""Every section of the one YAML configuration, as fields (no cross-section checks).

`Config` (`config/models.py`) adds the reference checks and the compiled route plan; the checks
in `config/references.py` read these sections, so they import this module, never `Config`.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field

from firebreak.config.communicate import CommunicateSpec
from firebreak.config.escalate import EscalationPolicySpec, NotificationSpec, ScheduleSpec, SupportHoursSpec
from firebreak.config.mute import InhibitRuleSpec, MaintenanceSpec, SilenceSpec
from firebreak.config.review import ReviewSpec
from firebreak.config.route import DefaultRouteSpec, RouteSpec
from firebreak.config.scale import ScaleField
from firebreak.config.targets import DEFAULT_LABEL_PLACEHOLDERS, LabelPlaceholder
from firebreak.config.teams import ServiceSpec, TeamSpec, UserSpec
from firebreak.config.types import AutoResolveField, Duration, Strict
from firebreak.route.severity_presets import SEV1_SEV4


class Sections(Strict):
    """The configuration's sections and their defaults."""

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
    review: ReviewSpec = Field(default_factory=ReviewSpec)
    communicate: CommunicateSpec = Field(default_factory=CommunicateSpec)

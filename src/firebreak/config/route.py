"""The `routes` and `default_route` sections: label matchers, routing targets and severity rules."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from firebreak.config.types import LabelMatcher, Name, Regex, Strict, ThresholdCondition
from firebreak.route.matchers import Matcher, equality_matchers, regex_matchers


def _label_text(value: Any) -> Any:
    """YAML reads `tier: 1` or `canary: true` as numbers and booleans; labels are always text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


LabelValue = Annotated[str, BeforeValidator(_label_text)]


class Matching(Strict):
    """Label conditions: `match` (equality), `match_re` (anchored regex) and `matchers` (any operator)."""

    match: dict[str, LabelValue] = Field(default_factory=dict)
    match_re: dict[str, Regex] = Field(default_factory=dict)
    matchers: list[LabelMatcher] = Field(default_factory=list)

    def all_matchers(self) -> tuple[Matcher, ...]:
        return equality_matchers(self.match) + regex_matchers(self.match_re) + tuple(self.matchers)


class SeverityRuleSpec(Matching):
    """`severity` when the value the rule reads meets `when` (`value > 85` with `label: cpu_percent`,
    or `values.A > 85`: see `firebreak.route.thresholds`)."""

    label: str | None = Field(default=None, min_length=1)
    when: ThresholdCondition
    severity: str = Field(min_length=1)

    @model_validator(mode="after")
    def _one_name(self) -> SeverityRuleSpec:
        self.when.source(self.label)
        return self

    @property
    def source(self) -> str:
        """The value the rule reads."""
        return self.when.source(self.label)


class ImpactRuleSpec(Matching):
    """Raise severity (to `raise_to`, or by `raise_by` levels) when `label`'s value meets `when`."""

    label: str | None = Field(default=None, min_length=1)
    when: ThresholdCondition
    raise_to: str | None = None
    raise_by: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _one_way(self) -> ImpactRuleSpec:
        if (self.raise_to is None) == (self.raise_by is None):
            raise ValueError("an impact rule needs exactly one of 'raise_to' or 'raise_by'")
        if self.label is None and self.when.subject is None:
            raise ValueError("an impact rule names the value it reads: 'label', or in 'when' (values.A > 10)")
        self.when.source(self.label)
        return self

    @property
    def source(self) -> str:
        """The value the rule reads."""
        return self.when.source(self.label)


class RouteSettingsSpec(Strict):
    """What a route decides; unset fields are inherited from the enclosing route."""

    service: Name | None = None
    team: Name | None = None
    severity: str | None = None
    escalation_policy: Name | None = None
    group_by: list[str] | None = None
    severity_rules: list[SeverityRuleSpec] = Field(default_factory=list)
    impact_rules: list[ImpactRuleSpec] = Field(default_factory=list)


class DefaultRouteSpec(RouteSettingsSpec):
    """The root route: takes every alert no other route takes; its settings are the fallbacks."""


class RouteSpec(RouteSettingsSpec, Matching):
    """A route: matchers, what it sets, `continue`, and nested routes tried when it matches."""

    name: Name | None = None
    continue_: bool = Field(default=False, alias="continue")
    routes: list[RouteSpec] = Field(default_factory=list)

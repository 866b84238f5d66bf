"""The route decision for one alert: where it goes, how severe it is, and whether it is muted."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class MatcherResult:
    """How one matcher of one route judged the alert (for `route test` explanations)."""

    route: str
    matcher: str
    matched: bool


@dataclass(frozen=True, slots=True)
class RouteDecision:
    """Service, team, severity and policy for an alert, plus what (if anything) mutes it."""

    service: str | None
    team: str | None
    severity: str | None
    escalation_policy: str | None
    group_by: tuple[str, ...] = ("alertname", "service")
    routes: tuple[str, ...] = ()
    muted_by: str | None = None  # "silence:<id>" or "maintenance:<name>"
    inhibited_by: str | None = None  # fingerprint of the inhibiting (source) alert
    explanation: tuple[MatcherResult, ...] = ()
    reasons: tuple[str, ...] = field(default_factory=tuple)
    silenced_by: tuple[str, ...] = ()  # ids of every active silence that matches (for usage reports)
    inhibit_rule: str | None = None  # name of the inhibition rule that applied

    @property
    def pages(self) -> bool:
        """True when the alert may open or page an incident (not silenced or inhibited)."""
        return self.muted_by is None and self.inhibited_by is None

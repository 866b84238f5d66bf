"""Escalate: the paging directory — schedules, policies, people and channels compiled from configuration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from firebreak.escalate.policy import LevelRule
from firebreak.escalate.schedule import Schedule
from firebreak.notify.backoff import RetryPolicy
from firebreak.notify.contact import Person
from firebreak.notify.render import TemplateSet


@dataclass(frozen=True, slots=True)
class PolicyRules:
    """A configured escalation policy before it is frozen for an incident."""

    name: str
    rules: tuple[LevelRule, ...]
    repeat: int = 0
    ack_timeout: timedelta | None = None


@dataclass(frozen=True)
class Directory:
    """Everything the paging engine reads from configuration, as plain values."""

    schedules: Mapping[str, Schedule] = field(default_factory=dict)
    policies: Mapping[str, PolicyRules] = field(default_factory=dict)
    people: Mapping[str, Person] = field(default_factory=dict)
    teams: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # team → member handles
    team_policies: Mapping[str, str] = field(default_factory=dict)  # team → default policy
    ack_deadlines: Mapping[str, timedelta] = field(default_factory=dict)  # severity → deadline
    quiet_severities: frozenset[str] = frozenset()  # severities whose level does not page
    severity_ranks: Mapping[str, int] = field(default_factory=dict)  # severity → 0 for the most severe
    default_policy: str | None = None
    default_wait: timedelta = timedelta(minutes=5)
    templates: TemplateSet = field(default_factory=TemplateSet)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    ack_link_ttl: timedelta = timedelta(hours=24)
    base_url: str = "http://127.0.0.1:8080"
    secret: bytes = b""

    def policy_for(self, policy: str | None, team: str | None) -> PolicyRules | None:
        """The incident's own policy, else its team's, else the default."""
        for name in (policy, self.team_policies.get(team or ""), self.default_policy):
            if name and name in self.policies:
                return self.policies[name]
        return None

    def is_raise(self, previous: str | None, severity: str | None) -> bool:
        """True when `severity` is more severe than `previous` (anything beats none or an unknown one)."""
        if severity not in self.severity_ranks:
            return False
        return previous not in self.severity_ranks or self.severity_ranks[severity] < self.severity_ranks[previous]

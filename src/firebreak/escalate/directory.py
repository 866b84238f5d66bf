"""Escalate: the escalation directory — schedules, policies, people and channels compiled from configuration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote

from firebreak.escalate.policy import LevelRule
from firebreak.escalate.restriction import Restriction
from firebreak.escalate.schedule import Schedule
from firebreak.escalate.urgency import UrgencyDecision, decide_urgency
from firebreak.notify.backoff import RetryPolicy
from firebreak.notify.contact import Contact, Person
from firebreak.notify.render import TemplateSet
from firebreak.route.severity import SeverityLevel

TEAM_PREFIX = "team:"  # outbox recipient of a team's low-urgency contacts
TRACKER_PREFIX = "tracker:"  # outbox recipient of a team's tracker webhook
STAKEHOLDERS_PREFIX = "stakeholders:"  # outbox recipient of a stakeholder list (communicate)
CHAT_ALL = "chat:incidents"  # outbox recipient of the chat targets every incident's messages go to
CHAT_TEAM_PREFIX = "chat:team:"  # outbox recipient of a team's chat targets
CHAT_INCIDENT_PREFIX = "chat:incident:"  # outbox recipient of an incident's own channel (name after the prefix)


@dataclass(frozen=True, slots=True)
class PolicyRules:
    """A configured escalation policy before it is frozen for an incident."""

    name: str
    rules: tuple[LevelRule, ...]
    repeat: int = 0
    ack_timeout: timedelta | None = None


@dataclass(frozen=True)
class Directory:
    """Everything the escalation engine reads from configuration, as plain values."""

    schedules: Mapping[str, Schedule] = field(default_factory=dict)
    policies: Mapping[str, PolicyRules] = field(default_factory=dict)
    people: Mapping[str, Person] = field(default_factory=dict)
    teams: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # team → member handles
    team_policies: Mapping[str, str] = field(default_factory=dict)  # team → default policy
    ack_deadlines: Mapping[str, timedelta] = field(default_factory=dict)  # severity → deadline
    severity_levels: Mapping[str, SeverityLevel] = field(default_factory=dict)  # severity → its level
    support_hours: Restriction | None = None
    low_urgency_contacts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # team → addresses
    trackers: Mapping[str, str] = field(default_factory=dict)  # team → tracker webhook
    # Other outbox recipients that are addresses, not people: chat targets, stakeholder lists (handle → targets).
    addresses: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    incident_chat: str | None = None  # an address with {channel}: an incident's own chat channel
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

    def urgency(self, severity: str | None, now: datetime) -> UrgencyDecision:
        """How an incident of `severity` reaches people at `now`."""
        return decide_urgency(self.severity_levels.get(severity or ""), severity, self.support_hours, now)

    def recipient(self, handle: str) -> Person | None:
        """The person an outbox row is for: a user, a team's low-urgency contacts, a team's tracker, or
        another configured address (a chat target, a stakeholder list)."""
        if handle in self.addresses:
            return Person(handle, handle, None, tuple(Contact(target) for target in self.addresses[handle]))
        if handle.startswith(CHAT_INCIDENT_PREFIX):
            channel = quote(handle[len(CHAT_INCIDENT_PREFIX):].lstrip("#"), safe="-_.")
            target = self.incident_chat.replace("{channel}", channel) if self.incident_chat else None
            return Person(handle, f"channel {channel}", None, (Contact(target),) if target else ())
        if handle.startswith(TEAM_PREFIX):
            team = handle[len(TEAM_PREFIX):]
            targets = self.low_urgency_contacts.get(team, ())
            return Person(handle, f"team {team}", None, tuple(Contact(target) for target in targets))
        if handle.startswith(TRACKER_PREFIX):
            team = handle[len(TRACKER_PREFIX):]
            tracker = self.trackers.get(team)
            return Person(handle, f"tracker of team {team}", None, (Contact(tracker),) if tracker else ())
        return self.people.get(handle)

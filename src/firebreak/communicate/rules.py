"""Communicate: the rules — the configuration's cadences, templates, stakeholders and components as plain values.

Built once per configuration (and again on every reload) so the stage's decisions read values,
never the configuration models.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from firebreak.communicate.templates import UpdateTemplates
from firebreak.config.communicate import COMPONENT_STATUSES
from firebreak.config.models import Config
from firebreak.escalate.directory import CHAT_ALL, CHAT_INCIDENT_PREFIX, CHAT_TEAM_PREFIX, STAKEHOLDERS_PREFIX
from firebreak.kernel.errors import ConfigError
from firebreak.notify.render import TemplateProblem

UPDATES_TRACK = "updates"
BRIEF_PREFIX = "brief:"  # the track of a stakeholder list's leadership summary
# Without an `impact` entry, a level's incidents give their components this status, by rank.
DEFAULT_IMPACT = ("major_outage", "partial_outage", "degraded_performance")


@dataclass(frozen=True, slots=True)
class StakeholderList:
    """A stakeholder list: which severities it follows, how often it is briefed, what else it receives."""

    name: str
    severities: frozenset[str]
    every: timedelta
    receive: frozenset[str]
    contacts: tuple[str, ...]

    @property
    def track(self) -> str:
        return f"{BRIEF_PREFIX}{self.name}"

    @property
    def recipient(self) -> str:
        return f"{STAKEHOLDERS_PREFIX}{self.name}"


@dataclass(frozen=True)
class Rules:
    """Everything the communicate stage reads from configuration."""

    cadences: Mapping[str, timedelta | None] = field(default_factory=dict)  # severity → update cadence
    ranks: Mapping[str, int] = field(default_factory=dict)  # severity → 0 for the most severe
    initial_within: timedelta = timedelta(minutes=5)
    remind_every: timedelta = timedelta(minutes=5)
    customer_email_after: timedelta = timedelta(hours=1)
    templates: UpdateTemplates = field(default_factory=UpdateTemplates)
    stakeholders: tuple[StakeholderList, ...] = ()
    components: Mapping[str, str] = field(default_factory=dict)  # service → status-page component
    impact: Mapping[str, str] = field(default_factory=dict)  # severity → component status
    time_zone: str = "UTC"
    people: Mapping[str, str] = field(default_factory=dict)  # user handle → how drafts show them (@chat)
    page: Mapping[str, str] = field(default_factory=dict)  # the status page: title, url, contact, signature
    channel_pattern: str = "#incident-{date}-{slug}"
    chat_post: frozenset[str] = frozenset({"updates", "roles", "severity", "status"})
    chat_everywhere: bool = False  # chat targets every incident's messages go to
    chat_teams: frozenset[str] = frozenset()  # teams with chat targets
    chat_incident: bool = False  # an incident channel address is configured

    def chat_recipients(self, team: str | None, channel: str | None) -> list[str]:
        """The outbox recipients an incident's chat messages go to: everyone's, its team's, its own channel."""
        found = [CHAT_ALL] if self.chat_everywhere else []
        if team in self.chat_teams:
            found.append(f"{CHAT_TEAM_PREFIX}{team}")
        if self.chat_incident and channel:
            found.append(f"{CHAT_INCIDENT_PREFIX}{channel}")
        return found

    def cadence(self, severity: str | None) -> timedelta | None:
        """How often an incident of `severity` needs a status update (None: as needed)."""
        return self.cadences.get(severity or "")

    def is_top(self, severity: str | None) -> bool:
        return self.ranks.get(severity or "") == 0

    def stakeholders_for(self, severity: str | None) -> tuple[StakeholderList, ...]:
        return tuple(s for s in self.stakeholders if severity in s.severities)

    def stakeholder(self, name: str) -> StakeholderList | None:
        return next((s for s in self.stakeholders if s.name == name), None)

    def component_status(self, severity: str | None) -> str:
        """The status an open incident of `severity` gives its service's component."""
        return self.impact.get(severity or "", "operational")


def build_rules(config: Config, *, file: str | None = None) -> Rules:
    """The communicate section as plain values; ConfigError naming the template that does not render."""
    scale = config.severity_scale
    section = config.communicate
    overrides = {kind: (spec.title, spec.body) for kind, spec in section.updates.templates.items()}
    try:
        templates = UpdateTemplates(overrides)
        templates.check()
    except TemplateProblem as exc:
        where = f"communicate.updates.templates.{exc.channel}.{exc.part}"
        raise ConfigError(f"{file or '<config>'}: {where}: {exc}", file=file, field=where) from exc
    impact: dict[str, str] = {}
    for rank, level in enumerate(scale.levels):
        impact[level.name] = DEFAULT_IMPACT[rank] if rank < len(DEFAULT_IMPACT) else "operational"
    page = section.status_page
    for word, status in page.impact.items():
        name = scale.canonical(word)
        if name is not None and status in COMPONENT_STATUSES:
            impact[name] = status
    return Rules(
        cadences={level.name: level.update_cadence for level in scale.levels},
        ranks={level.name: rank for rank, level in enumerate(scale.levels)},
        initial_within=section.updates.initial_within, remind_every=section.updates.remind_every,
        customer_email_after=section.updates.customer_email_after, templates=templates,
        stakeholders=tuple(StakeholderList(
            spec.name, frozenset(scale.canonical(word) or word for word in spec.severities), spec.every,
            frozenset(spec.receive), tuple(spec.contacts)) for spec in section.stakeholders),
        components={service.name: service.component for service in config.services if service.component},
        impact=impact, time_zone=section.status_page.time_zone,
        people={user.handle: user.chat_handle or user.name for user in config.users},
        page={"title": page.title, "url": page.url or "", "contact": page.contact,
              "signature": page.signature or f"The {page.title} team"},
        channel_pattern=section.chat.channel_name, chat_post=frozenset(section.chat.post),
        chat_everywhere=bool(section.chat.targets),
        chat_teams=frozenset(team.name for team in config.teams if team.chat_targets),
        chat_incident=section.chat.incident_target is not None,
    )

"""Declared incidents: one a person reports (a suspected breach, a customer's call), not an alert (pure).

A declaration names a title, a severity, the services it touches (the first is the incident's own:
its team and escalation policy follow from it as an alert's would), who holds which role, and
what the reporter knows. It reads like an alert to the stages that match on alerts (runbook
matching sees its title and description), so a declared incident is attached, diagnosed and paged
like an alert-opened one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from firebreak.kernel.errors import InvalidInput

DECLARED = "declared"  # the `source` of a declared incident's first timeline entry
MAX_SERVICES = 20


@dataclass(frozen=True, slots=True)
class Declaration:
    """What a person declares; `severity` is already a level of the scale."""

    title: str
    severity: str
    services: tuple[str, ...] = ()
    description: str | None = None
    team: str | None = None
    escalation_policy: str | None = None
    roles: Mapping[str, str] = field(default_factory=dict)

    @property
    def service(self) -> str | None:
        """The incident's own service: the first one named."""
        return self.services[0] if self.services else None

    # What runbook matching reads from an alert (see `runbook.match.attach.AlertLike`).
    @property
    def name(self) -> str:
        return self.title

    @property
    def labels(self) -> dict[str, str]:
        return {"service": self.service} if self.service else {}

    @property
    def annotations(self) -> dict[str, str]:
        return {"summary": self.title, **({"description": self.description} if self.description else {})}

    @property
    def summary(self) -> str:
        return self.title

    @property
    def runbook_url(self) -> str | None:
        return None


@dataclass(frozen=True, slots=True)
class Known:
    """The services, teams and escalation policies the configuration declares."""

    services: frozenset[str] = frozenset()
    teams: frozenset[str] = frozenset()
    policies: frozenset[str] = frozenset()

    def check(self, what: str, name: str, *, field: str) -> None:
        """InvalidInput naming the choices when `name` is not a known `what`."""
        choices = {"service": self.services, "team": self.teams, "escalation policy": self.policies}[what]
        if name not in choices:
            shown = ", ".join(sorted(choices)) or "none are configured"
            raise InvalidInput(f"unknown {what} {name!r}; known: {shown}", field=field)


def declaration(*, title: str, severity: str, services: tuple[str, ...] | list[str] = (),
                description: str | None = None, team: str | None = None, escalation_policy: str | None = None,
                roles: Mapping[str, str] | None = None, known: Known) -> Declaration:
    """A checked declaration: a title; services, team and policy the configuration knows; blanks dropped."""
    text = title.strip()
    if not text:
        raise InvalidInput("a declared incident needs a title", field="title")
    names: list[str] = []
    for raw in services:
        name = raw.strip()
        if name and name not in names:
            names.append(name)
    if len(names) > MAX_SERVICES:
        raise InvalidInput(f"at most {MAX_SERVICES} services", field="services")
    for name in names:
        known.check("service", name, field="services")
    owner = (team or "").strip() or None
    policy = (escalation_policy or "").strip() or None
    if owner is not None:
        known.check("team", owner, field="team")
    if policy is not None:
        known.check("escalation policy", policy, field="escalation_policy")
    about = (description or "").strip() or None
    return Declaration(title=text, severity=severity, services=tuple(names), description=about, team=owner,
                       escalation_policy=policy, roles=dict(roles or {}))

"""Cross-references in the configuration: duplicate names and names that point at nothing.

Each problem carries the location of the offending value (as pydantic would name it), so the
loader can report the file line it sits on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from firebreak.config.document import Sections
from firebreak.config.route import RouteSettingsSpec, RouteSpec

Location = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One reference problem at `loc`."""

    loc: Location
    message: str


def _listing(names: Iterable[str]) -> str:
    known = sorted(names)
    return ", ".join(known) if known else "none are defined"


def _duplicates(section: str, names: Sequence[str | None], field: str) -> list[Problem]:
    seen: dict[str, int] = {}
    problems: list[Problem] = []
    for index, name in enumerate(names):
        if name is None:
            continue
        if name in seen:
            problems.append(Problem((section, index, field),
                                    f"duplicate name {name!r} (already used by {section}[{seen[name]}])"))
        else:
            seen[name] = index
    return problems


class _Checker:
    def __init__(self, config: Sections) -> None:
        self.config = config
        self.teams = {team.name for team in config.teams}
        self.users = {user.handle for user in config.users}
        self.services = {service.name for service in config.services}
        self.policies = {policy.name for policy in config.escalation_policies}
        self.problems: list[Problem] = []

    def ref(self, loc: Location, kind: str, name: str | None, known: set[str]) -> None:
        if name is not None and name not in known:
            plural = kind[:-1] + "ies" if kind.endswith("y") else kind + "s"
            self.problems.append(Problem(loc, f"{kind} {name!r} is not defined ({plural}: {_listing(known)})"))

    def severity(self, loc: Location, word: str | None) -> None:
        scale = self.config.severity_scale
        if word is not None and scale.canonical(word) is None:
            self.problems.append(Problem(
                loc, f"severity {word!r} is not a level or alias of scale {scale.name!r} "
                     f"({', '.join(scale.names)})"))

    def route_settings(self, loc: Location, spec: RouteSettingsSpec) -> None:
        self.ref((*loc, "service"), "service", spec.service, self.services)
        self.ref((*loc, "team"), "team", spec.team, self.teams)
        self.ref((*loc, "escalation_policy"), "escalation policy", spec.escalation_policy, self.policies)
        self.severity((*loc, "severity"), spec.severity)
        for index, rule in enumerate(spec.severity_rules):
            self.severity((*loc, "severity_rules", index, "severity"), rule.severity)
        for index, impact in enumerate(spec.impact_rules):
            self.severity((*loc, "impact_rules", index, "raise_to"), impact.raise_to)

    def routes(self, loc: Location, routes: Sequence[RouteSpec], names: dict[str, Location]) -> None:
        for index, route in enumerate(routes):
            here = (*loc, index)
            if route.name is not None:
                if route.name in names:
                    self.problems.append(Problem((*here, "name"), f"duplicate route name {route.name!r}"))
                names[route.name] = here
            self.route_settings(here, route)
            self.routes((*here, "routes"), route.routes, names)

    def run(self) -> list[Problem]:
        config = self.config
        self.problems += _duplicates("teams", [t.name for t in config.teams], "name")
        self.problems += _duplicates("users", [u.handle for u in config.users], "handle")
        self.problems += _duplicates("services", [s.name for s in config.services], "name")
        self.problems += _duplicates("schedules", [s.name for s in config.schedules], "name")
        self.problems += _duplicates("escalation_policies", [p.name for p in config.escalation_policies],
                                     "name")
        self.problems += _duplicates("silences", [s.name for s in config.silences], "name")
        self.problems += _duplicates("maintenance", [m.name for m in config.maintenance], "name")
        self.problems += _duplicates("inhibit", [r.name for r in config.inhibit], "name")
        for index, team in enumerate(config.teams):
            self.ref(("teams", index, "escalation_policy"), "escalation policy", team.escalation_policy,
                     self.policies)
            for member_index, member in enumerate(team.members):
                self.ref(("teams", index, "members", member_index), "user", member, self.users)
        for index, service in enumerate(config.services):
            self.ref(("services", index, "team"), "team", service.team, self.teams)
            self.ref(("services", index, "escalation_policy"), "escalation policy",
                     service.escalation_policy, self.policies)
            self.problems += [Problem(("services", index, *p.loc), p.message) for p in
                              _duplicates("targets", [t.name for t in service.targets], "name")]
            for dep_index, dependency in enumerate(service.dependencies):
                loc: Location = ("services", index, "dependencies", dep_index)
                if dependency == service.name:
                    self.problems.append(Problem(loc, f"service {service.name!r} depends on itself"))
                self.ref(loc, "service", dependency, self.services)
        self.route_settings(("default_route",), config.default_route)
        self.routes(("routes",), config.routes, {})
        for index, window in enumerate(config.maintenance):
            self.ref(("maintenance", index, "service"), "service", window.service, self.services)
            for service_index, service_name in enumerate(window.services):
                self.ref(("maintenance", index, "services", service_index), "service", service_name,
                         self.services)
        return self.problems


def find_problems(config: Sections) -> list[Problem]:
    """Every duplicate name and dangling reference in a structurally valid configuration."""
    return _Checker(config).run() + escalate_problems(config) + communicate_problems(config)


def escalate_problems(config: Sections) -> list[Problem]:
    """Dangling names in schedules and policies (users, schedules, teams, severities)."""
    users = {user.handle for user in config.users}
    known = {"user": users, "schedule": {s.name for s in config.schedules}, "team": {t.name for t in config.teams}}
    problems: list[Problem] = []

    def ref(loc: tuple[str | int, ...], kind: str, name: str | None) -> None:
        # None names nobody: an empty rotation turn, an override replacing anyone
        if name is not None and name not in known[kind]:
            listing = ", ".join(sorted(known[kind])) or "none are defined"
            problems.append(Problem(loc, f"{kind} {name!r} is not defined ({kind}s: {listing})"))

    for s_index, schedule in enumerate(config.schedules):
        for r_index, rotation in enumerate(schedule.rotations):
            for u_index, handle in enumerate(rotation.users):
                ref(("schedules", s_index, "rotations", r_index, "users", u_index), "user", handle)
        for l_index, layer in enumerate(schedule.layers):
            if layer.rotation is not None:
                for u_index, handle in enumerate(layer.rotation.users):
                    ref(("schedules", s_index, "layers", l_index, "rotation", "users", u_index), "user", handle)
        for o_index, override in enumerate(schedule.overrides):
            ref(("schedules", s_index, "overrides", o_index, "user"), "user", override.user)
            ref(("schedules", s_index, "overrides", o_index, "replaces"), "user", override.replaces)
    scale = config.severity_scale
    for p_index, policy in enumerate(config.escalation_policies):
        for level_index, level in enumerate(policy.levels):
            here = ("escalation_policies", p_index, "levels", level_index)
            for t_index, target in enumerate(level.notify):
                kind, _, name = target.partition(":")
                ref((*here, "notify", t_index), kind, name)
            for s_index, word in enumerate(level.only_for):
                if scale.canonical(word) is None:
                    problems.append(Problem((*here, "only_for", s_index),
                                            f"severity {word!r} is not a level of scale {scale.name!r} "
                                            f"({', '.join(scale.names)})"))
    policies = {p.name for p in config.escalation_policies}
    default = config.notifications.default_policy
    if default is not None and default not in policies:
        problems.append(Problem(("notifications", "default_policy"),
                                f"escalation policy {default!r} is not defined"))
    return problems


def communicate_problems(config: Sections) -> list[Problem]:
    """Severities, components and maintenance windows the communicate section names that do not exist."""
    scale = config.severity_scale
    section = config.communicate
    problems = _duplicates("stakeholders", [s.name for s in section.stakeholders], "name")

    def severity(loc: Location, word: str) -> None:
        if scale.canonical(word) is None:
            problems.append(Problem(loc, f"severity {word!r} is not a level or alias of scale {scale.name!r} "
                                         f"({', '.join(scale.names)})"))

    for index, stakeholders in enumerate(section.stakeholders):
        for s_index, word in enumerate(stakeholders.severities):
            severity(("communicate", "stakeholders", index, "severities", s_index), word)
    page = section.status_page
    for word in page.impact:
        severity(("communicate", "status_page", "impact", word), word)
    components = {c.name for c in page.components} | {s.component for s in config.services if s.component}
    grouped: dict[str, str] = {}
    for g_index, group in enumerate(page.groups):
        for c_index, name in enumerate(group.components):
            loc: Location = ("communicate", "status_page", "groups", g_index, "components", c_index)
            if name not in components:
                problems.append(Problem(loc, f"component {name!r} is not defined (components: "
                                             f"{_listing(components)}; a service names one with 'component')"))
            elif name in grouped:
                problems.append(Problem(loc, f"component {name!r} is already in group {grouped[name]!r}"))
            else:
                grouped[name] = group.name
    windows = {window.label(index) for index, window in enumerate(config.maintenance)}
    for m_index, published in enumerate(page.maintenance):
        if published.window not in windows:
            problems.append(Problem(("communicate", "status_page", "maintenance", m_index, "window"),
                                    f"maintenance window {published.window!r} is not defined "
                                    f"(maintenance: {_listing(windows)})"))
    return problems

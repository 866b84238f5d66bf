"""Escalate: compile the configuration's escalation sections into the directory the engine reads."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from firebreak.config.escalate import LayerSpec, ScheduleSpec
from firebreak.config.models import Config
from firebreak.escalate.directory import (
    CHAT_ALL,
    CHAT_TEAM_PREFIX,
    STAKEHOLDERS_PREFIX,
    Directory,
    PolicyRules,
)
from firebreak.escalate.ical import CalendarSource, parse_calendar
from firebreak.escalate.layer import Layer, TurnSource
from firebreak.escalate.override import Override
from firebreak.escalate.policy import LevelRule
from firebreak.escalate.restriction import Restriction, Window
from firebreak.escalate.rotation import Rotation, first_handoff
from firebreak.escalate.schedule import Schedule
from firebreak.escalate.urgency import UrgencyDecision, decide_urgency
from firebreak.kernel.errors import ConfigError
from firebreak.notify.backoff import RetryPolicy
from firebreak.notify.contact import Contact, Person
from firebreak.notify.reachability import unreachable_reason
from firebreak.notify.render import TemplateProblem, TemplateSet, sample_context


def build_directory(config: Config, *, base_dir: Path | None = None, base_url: str = "http://127.0.0.1:8080",
                    secret: bytes = b"", file: str | None = None) -> Directory:
    """Everything the escalate stage needs as plain values; ConfigError for feeds or templates that do not work."""
    people = {user.handle: Person(user.handle, user.name, user.email,
                                  tuple(Contact(c.via, c.after) for c in user.contact))
              for user in config.users}
    aliases = person_aliases(people)
    schedules = {spec.name: build_schedule(spec, index, aliases, base_dir, file)
                 for index, spec in enumerate(config.schedules)}
    policies = {policy.name: PolicyRules(
        policy.name,
        tuple(LevelRule(tuple(level.notify), level.wait,
                        tuple(config.severity_scale.canonical(word) or word for word in level.only_for))
              for level in policy.levels),
        policy.repeat, policy.ack_timeout) for policy in config.escalation_policies}
    notifications = config.notifications
    try:
        templates = TemplateSet({name: (spec.title, spec.body) for name, spec in notifications.templates.items()})
        templates.check(sample_context())
    except TemplateProblem as exc:
        raise ConfigError(f"{file or '<config>'}: notifications.templates.{exc.channel}.{exc.part}: {exc}",
                          file=file, field=f"notifications.templates.{exc.channel}.{exc.part}") from exc
    scale = config.severity_scale
    return Directory(
        schedules=schedules, policies=policies, people=people,
        teams={team.name: tuple(team.members) for team in config.teams},
        team_policies={team.name: team.escalation_policy for team in config.teams if team.escalation_policy},
        ack_deadlines={level.name: level.ack_deadline for level in scale.levels},
        severity_levels={level.name: level for level in scale.levels},
        support_hours=support_hours(config),
        low_urgency_contacts={team.name: tuple(team.low_urgency_contacts) for team in config.teams
                              if team.low_urgency_contacts},
        trackers={team.name: team.tracker for team in config.teams if team.tracker},
        addresses=addresses(config), incident_chat=config.communicate.chat.incident_target,
        severity_ranks={level.name: rank for rank, level in enumerate(scale.levels)},
        default_policy=notifications.default_policy, default_wait=notifications.default_wait,
        templates=templates,
        retry=RetryPolicy(notifications.max_attempts, notifications.retry_backoff, notifications.retry_backoff_cap),
        ack_link_ttl=notifications.ack_link_ttl, base_url=base_url, secret=secret,
    )


def addresses(config: Config) -> dict[str, tuple[str, ...]]:
    """Outbox recipients that are configured addresses: stakeholder lists, teams' and every incident's chat."""
    found = {f"{STAKEHOLDERS_PREFIX}{spec.name}": tuple(spec.contacts) for spec in config.communicate.stakeholders}
    found.update({f"{CHAT_TEAM_PREFIX}{team.name}": tuple(team.chat_targets) for team in config.teams
                  if team.chat_targets})
    if config.communicate.chat.targets:
        found[CHAT_ALL] = tuple(config.communicate.chat.targets)
    return found


def support_hours(config: Config) -> Restriction | None:
    """The configured support hours as a restriction (None: every hour is a support hour)."""
    spec = config.support_hours
    if spec is None:
        return None
    return Restriction(tuple(Window(frozenset(w.days), w.start, w.end) for w in spec.windows), ZoneInfo(spec.time_zone))


def urgency_for(config: Config, severity: str | None, now: datetime) -> UrgencyDecision:
    """How an incident of `severity` would reach people at `now` under `config` (for `route test`)."""
    canonical = config.severity_scale.canonical(severity)
    level = config.severity_scale.level(canonical) if canonical is not None else None
    return decide_urgency(level, severity, support_hours(config), now)


def person_aliases(people: dict[str, Person]) -> dict[str, str]:
    """Names by which a calendar feed may name someone: handle, display name, e-mail."""
    aliases: dict[str, str] = {}
    for person in people.values():
        for alias in (person.handle, person.name, person.email):
            if alias:
                aliases[alias.lower()] = person.handle
    return aliases


def build_schedule(spec: ScheduleSpec, index: int, aliases: dict[str, str], base_dir: Path | None,
                   file: str | None) -> Schedule:
    tz = ZoneInfo(spec.time_zone)
    layers = tuple(build_layer(layer, tz, aliases, base_dir, file, f"schedules[{index}].layers")
                   for layer in spec.all_layers())
    overrides = tuple(Override(o.user, o.start, o.end, o.replaces, order=number, ref=f"config:{number}")
                      for number, o in enumerate(spec.overrides))
    return Schedule(spec.name, tz, layers, overrides)


def build_layer(spec: LayerSpec, schedule_tz: ZoneInfo, aliases: dict[str, str], base_dir: Path | None,
                file: str | None, where: str) -> Layer:
    source: TurnSource
    if spec.rotation is not None:
        rotation = spec.rotation
        tz = ZoneInfo(rotation.time_zone) if rotation.time_zone else schedule_tz
        weekday, at = rotation.handoff_parts()
        source = Rotation(tuple(rotation.users), rotation.every, first_handoff(rotation.start, at, weekday), tz)
    else:
        source = CalendarSource(read_feed(spec, base_dir, file, where), aliases, schedule_tz)
    restriction = None
    if spec.restrictions:
        restriction = Restriction(tuple(Window(frozenset(r.days), r.start, r.end) for r in spec.restrictions),
                                  schedule_tz)
    return Layer(spec.name, source, restriction, spec.since, spec.until)


def read_feed(spec: LayerSpec, base_dir: Path | None, file: str | None, where: str) -> icalendar.Calendar:
    """The layer's calendar: inline text, or a file relative to the configuration's folder."""
    assert spec.ical is not None
    text = spec.ical
    field = f"{where}.{spec.name}.ical"
    if "BEGIN:VCALENDAR" not in text:
        path = Path(text)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{file or '<config>'}: {field}: cannot read calendar {path}: {exc}",
                              file=file, field=field) from exc
    try:
        return parse_calendar(text)
    except ValueError as exc:
        raise ConfigError(f"{file or '<config>'}: {field}: {exc}", file=file, field=field) from exc


def on_call_handles(config: Config) -> dict[str, str]:
    """Every user who can be paged, with where the configuration names them."""
    named: dict[str, str] = {}
    for schedule in config.schedules:
        for layer in schedule.all_layers():
            for handle in layer.rotation.users if layer.rotation else ():
                if handle is not None:
                    named.setdefault(handle, f"schedule {schedule.name}")
        for override in schedule.overrides:
            named.setdefault(override.user, f"schedule {schedule.name} (override)")
    teams = {team.name: team.members for team in config.teams}
    for policy in config.escalation_policies:
        for level in policy.levels:
            for target in level.notify:
                kind, _, name = target.partition(":")
                if kind == "user":
                    named.setdefault(name, f"policy {policy.name}")
                elif kind == "team":
                    for member in teams.get(name, ()):
                        named.setdefault(member, f"policy {policy.name} (team {name})")
    return named


def reachability_warnings(config: Config, directory: Directory) -> list[str]:
    """One line per on-call user nobody could reach (no contact method, or none that works), and
    per team whose low-urgency incidents would reach nobody."""
    warnings = []
    for handle, where in sorted(on_call_handles(config).items()):
        reason = unreachable_reason(directory.people.get(handle))
        if reason is not None:
            warnings.append(f"user {handle!r} ({where}) cannot be paged: {reason}")
    quiet = low_urgency_severities(config)
    if quiet:
        for team in config.teams:
            if not team.low_urgency_contacts:
                warnings.append(f"team {team.name!r} has no low_urgency_contacts: its low-urgency incidents "
                                f"({', '.join(quiet)}) reach nobody")
    return warnings


def low_urgency_severities(config: Config) -> list[str]:
    """The levels that are low urgency at least some of the time (for warnings)."""
    found = []
    for level in config.severity_scale.levels:
        if level.base_urgency == "low":
            found.append(level.name)
        elif level.outside_support_hours == "low" and config.support_hours is not None:
            found.append(f"{level.name} outside support hours")
    return found

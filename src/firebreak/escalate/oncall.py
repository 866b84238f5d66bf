"""Escalate: answers about schedules — who is on call, their turn, gaps and the iCalendar export."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from firebreak.escalate.directory import Directory
from firebreak.escalate.ical import export_calendar
from firebreak.escalate.override import Override
from firebreak.escalate.schedule import Schedule
from firebreak.kernel.errors import NotFound

Overrides = Mapping[str, Sequence[Override]]


@dataclass(frozen=True, slots=True)
class OnCallAnswer:
    """Who is on call for one schedule at one moment, why, and the turn's bounds."""

    schedule: str
    user: str | None
    name: str | None
    reason: str
    since: datetime
    until: datetime


def schedule_named(directory: Directory, name: str) -> Schedule:
    schedule = directory.schedules.get(name)
    if schedule is None:
        known = ", ".join(sorted(directory.schedules)) or "none configured"
        raise NotFound(f"no schedule {name!r} (schedules: {known})")
    return schedule


def who_is_on_call(directory: Directory, at: datetime, overrides: Overrides,
                   schedule: str | None = None) -> list[OnCallAnswer]:
    """One answer per schedule (or just `schedule`), sorted by name."""
    names = [schedule] if schedule else sorted(directory.schedules)
    answers = []
    for name in names:
        turn = schedule_named(directory, name).turn_at(at, overrides.get(name, ()))
        person = directory.people.get(turn.user) if turn.user else None
        answers.append(OnCallAnswer(name, turn.user, person.name if person else None, turn.reason,
                                    turn.start, turn.end))
    return answers


def calendar(directory: Directory, name: str, *, start: datetime, days: int, overrides: Overrides,
             stamp: datetime) -> bytes:
    """The schedule's turns from `start` for `days` days as an iCalendar document."""
    turns = schedule_named(directory, name).turns(start, start + timedelta(days=days), overrides.get(name, ()))
    return export_calendar(name, turns, stamp=stamp,
                           display={handle: person.name for handle, person in directory.people.items()},
                           emails={handle: person.email for handle, person in directory.people.items()
                                   if person.email})

"""Escalate: turning a level's targets (users, schedules, teams) into the people to page (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from firebreak.escalate.directory import Directory
from firebreak.escalate.override import Override


@dataclass(frozen=True, slots=True)
class Recipient:
    """A person to page and the target that named them ("schedule:primary" …)."""

    handle: str
    via: str


@dataclass(frozen=True, slots=True)
class Resolution:
    recipients: tuple[Recipient, ...]
    problems: tuple[str, ...]  # targets that named nobody, for the timeline


def resolve(directory: Directory, targets: Sequence[str], at: datetime,
            overrides: Mapping[str, Sequence[Override]] | None = None) -> Resolution:
    """Who the targets name at `at`; each person once, in target order."""
    seen: dict[str, Recipient] = {}
    problems: list[str] = []
    for target in targets:
        kind, _, name = target.partition(":")
        handles: list[str] = []
        if kind == "user":
            handles = [name]
        elif kind == "schedule":
            schedule = directory.schedules.get(name)
            if schedule is None:
                problems.append(f"{target}: no such schedule")
                continue
            on_call = schedule.on_call_at(at, (overrides or {}).get(name, ()))
            if on_call.user is None:
                problems.append(f"{target}: nobody on call")
                continue
            handles = [on_call.user]
        elif kind == "team":
            handles = list(directory.teams.get(name, ()))
            if not handles:
                problems.append(f"{target}: team has no members")
        else:
            problems.append(f"{target}: unknown kind of target")
        for handle in handles:
            if handle not in directory.people:
                problems.append(f"{target}: unknown user {handle!r}")
            elif handle not in seen:
                seen[handle] = Recipient(handle, target)
    return Resolution(tuple(seen.values()), tuple(problems))

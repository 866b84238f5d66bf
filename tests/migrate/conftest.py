"""Shared helpers of the importer tests: the published vendor fixtures, read in place."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from firebreak.config.loader import parse_config
from firebreak.escalate.compile import build_directory
from firebreak.escalate.directory import Directory
from firebreak.escalate.oncall import who_is_on_call
from firebreak.escalate.policy import freeze, schedule_offsets
from firebreak.escalate.targets import resolve
from firebreak.migrate.draft import Imported

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "migrate"


def loaded(imported: Imported, name: str = "imported.yaml") -> Directory:
    """The imported configuration through the loader (as `firebreak config check` reads it) and compiled."""
    return build_directory(parse_config(imported.to_yaml(), file=name))


def on_call(directory: Directory, schedule: str, moment: datetime) -> str | None:
    """Who `firebreak oncall --at MOMENT --schedule SCHEDULE` names (the same function)."""
    [answer] = who_is_on_call(directory, moment, {}, schedule)
    return answer.user


def policy_walk(directory: Directory, policy: str, start: datetime) -> list[tuple[int, set[str]]]:
    """(minutes after the start, who is paged) for every turn of `policy`, through the escalate stage's own
    arithmetic: the frozen snapshot's offsets and each level's targets resolved at that moment."""
    rules = directory.policies[policy]
    snapshot = freeze(policy=policy, severity=None, rules=rules.rules, repeat=rules.repeat,
                      ack_timeout=rules.ack_timeout, ack_deadline=None, default_wait=directory.default_wait)
    walk = []
    for index, offset in enumerate(schedule_offsets(snapshot)):
        level = snapshot.levels[index % len(snapshot.levels)]
        paged = resolve(directory, level.targets, start + offset)
        walk.append((int(offset.total_seconds() // 60), {recipient.handle for recipient in paged.recipients}))
    return walk

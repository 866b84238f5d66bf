"""Escalate: a policy frozen for one incident, and the pure turn arithmetic the worker follows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True, slots=True)
class Level:
    """One level: whom to page and how long to wait before the next level."""

    number: int  # 1-based position in the configured policy
    targets: tuple[str, ...]  # "user:<handle>", "schedule:<name>" or "team:<name>"
    wait: timedelta


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The policy as it stood when the escalation started, already cut down to the severity."""

    policy: str
    severity: str | None
    levels: tuple[Level, ...]
    repeat: int  # extra passes through the levels after the first
    ack_timeout: timedelta | None  # re-page an acknowledged, unresolved incident after this
    ack_deadline: timedelta | None  # how long the severity allows before acknowledgement

    @property
    def total_turns(self) -> int:
        return len(self.levels) * (self.repeat + 1)

    def to_json(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "severity": self.severity,
            "levels": [{"number": level.number, "targets": list(level.targets),
                        "wait_seconds": level.wait.total_seconds()} for level in self.levels],
            "repeat": self.repeat,
            "ack_timeout_seconds": _seconds(self.ack_timeout),
            "ack_deadline_seconds": _seconds(self.ack_deadline),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Snapshot:
        return cls(
            policy=data["policy"],
            severity=data.get("severity"),
            levels=tuple(Level(item["number"], tuple(item["targets"]), timedelta(seconds=item["wait_seconds"]))
                         for item in data["levels"]),
            repeat=int(data.get("repeat", 0)),
            ack_timeout=_delta(data.get("ack_timeout_seconds")),
            ack_deadline=_delta(data.get("ack_deadline_seconds")),
        )


@dataclass(frozen=True, slots=True)
class LevelRule:
    """A configured level before freezing: `only_for` empty means every severity."""

    targets: tuple[str, ...]
    wait: timedelta | None
    only_for: tuple[str, ...] = ()


def freeze(*, policy: str, severity: str | None, rules: Sequence[LevelRule], repeat: int,
           ack_timeout: timedelta | None, ack_deadline: timedelta | None,
           default_wait: timedelta) -> Snapshot:
    """Freeze a policy for one incident: drop levels not meant for `severity`, fill default waits.

    A level without its own wait waits for the severity's acknowledge deadline, falling back to
    `default_wait` when the severity sets none.
    """
    fallback = ack_deadline if ack_deadline is not None else default_wait
    levels = tuple(
        Level(number, rule.targets, rule.wait if rule.wait is not None else fallback)
        for number, rule in enumerate(rules, start=1)
        if not rule.only_for or (severity is not None and severity in rule.only_for)
    )
    return Snapshot(policy, severity, levels, max(repeat, 0), ack_timeout, ack_deadline)


@dataclass(frozen=True, slots=True)
class Turn:
    """One paging of one level: page `level` in pass `round`, then wait until `next_due`.

    An escalation takes its turns in order, level after level, round after round (the runbook's
    unit of work is a step; the escalation's is a turn).

    After the last turn `next_due` is when its wait runs out; the plan then has no turn at that
    index, which tells the worker the escalation is exhausted.
    """

    index: int  # position in the whole plan, 0-based
    round: int  # 0 for the first pass, 1.. for repeats
    level: Level
    next_due: datetime


def turn_at(snapshot: Snapshot, index: int, due: datetime) -> Turn | None:
    """The turn numbered `index`, due at `due`; None when the plan has no such turn."""
    if not snapshot.levels or index < 0 or index >= snapshot.total_turns:
        return None
    level = snapshot.levels[index % len(snapshot.levels)]
    return Turn(index, index // len(snapshot.levels), level, due + level.wait)


def schedule_offsets(snapshot: Snapshot) -> list[timedelta]:
    """When each turn falls due, measured from the start (for previews and tests)."""
    offsets: list[timedelta] = []
    elapsed = timedelta(0)
    for index in range(snapshot.total_turns):
        offsets.append(elapsed)
        elapsed += snapshot.levels[index % len(snapshot.levels)].wait
    return offsets


def _seconds(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


def _delta(value: float | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=value)

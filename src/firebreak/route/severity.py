"""Severity scales: ordered levels (most severe first) and how incoming hints map onto them.

A scale is configuration. Each level carries its acknowledge deadline, status-update cadence,
its urgency (`high` pages through the escalation policy, `low` notifies the team's low-urgency
contacts once, `none` only records; optionally another urgency outside support hours), whether
closing one of its incidents needs a completed post-incident review (`review`), and aliases
through which Alertmanager (`critical`, `warning`, `info`) and PagerDuty (`critical`, `error`,
`warning`, `info`) severities are understood.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

from firebreak.kernel.errors import InvalidInput

Urgency = Literal["high", "low", "none"]
URGENCIES: tuple[Urgency, ...] = ("high", "low", "none")
ReviewPolicy = Literal["required", "optional"]  # may an incident close without a completed review?


def normalise(word: str) -> str:
    """Fold case, spaces, dashes and underscores so `SEV-1`, `sev 1` and `sev1` are one name."""
    return "".join(char for char in word.casefold() if char not in " -_\t")


@dataclass(frozen=True, slots=True)
class SeverityLevel:
    """One level of a scale."""

    name: str
    description: str
    ack_deadline: timedelta
    update_cadence: timedelta | None
    pages: bool
    aliases: tuple[str, ...] = ()
    urgency: Urgency | None = None  # None: high when the level pages, else low
    outside_support_hours: Urgency | None = None  # None: the same urgency at any hour
    review: ReviewPolicy = "required"

    @property
    def base_urgency(self) -> Urgency:
        """The urgency during support hours (or always, without support hours)."""
        if self.urgency is not None:
            return self.urgency
        return "high" if self.pages else "low"

    def urgency_at(self, in_support_hours: bool) -> Urgency:
        """The urgency in or outside support hours."""
        if not in_support_hours and self.outside_support_hours is not None:
            return self.outside_support_hours
        return self.base_urgency


@dataclass(frozen=True)
class SeverityScale:
    """An ordered scale; `levels[0]` is the most severe. Names and aliases resolve case-insensitively."""

    name: str
    levels: tuple[SeverityLevel, ...]
    _lookup: dict[str, str] = field(init=False, repr=False, compare=False)
    _rank: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.levels:
            raise ValueError("a severity scale needs at least one level")
        lookup: dict[str, str] = {}
        rank: dict[str, int] = {}
        for index, level in enumerate(self.levels):
            if level.name in rank:
                raise ValueError(f"severity level {level.name!r} is declared twice")
            rank[level.name] = index
            for word in (level.name, *level.aliases):
                key = normalise(word)
                if not key:
                    raise ValueError(f"severity level {level.name!r} has an empty alias")
                owner = lookup.get(key)
                if owner is not None and owner != level.name:
                    raise ValueError(
                        f"alias {word!r} of severity level {level.name!r} already names level {owner!r}"
                    )
                lookup[key] = level.name
        object.__setattr__(self, "_lookup", lookup)
        object.__setattr__(self, "_rank", rank)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(level.name for level in self.levels)

    @property
    def most_severe(self) -> str:
        return self.levels[0].name

    @property
    def least_severe(self) -> str:
        return self.levels[-1].name

    def canonical(self, word: str | None) -> str | None:
        """The level name that `word` (a name or an alias, any case) stands for, or None."""
        if word is None:
            return None
        return self._lookup.get(normalise(word))

    def level(self, name: str) -> SeverityLevel:
        """The level called `name` (or aliased by it); KeyError if the scale has none."""
        canonical = self.canonical(name)
        if canonical is None:
            raise KeyError(f"no severity level {name!r} in scale {self.name!r} ({', '.join(self.names)})")
        return self.levels[self._rank[canonical]]

    def rank(self, name: str) -> int:
        """Position of a level: 0 is the most severe."""
        return self._rank[self.level(name).name]

    def more_severe(self, first: str, second: str) -> str:
        """Whichever of two levels is more severe."""
        return first if self.rank(first) <= self.rank(second) else second

    def most_severe_of(self, names: Iterable[str]) -> str | None:
        """The most severe of several levels, or None if there are none."""
        best: str | None = None
        for name in names:
            best = name if best is None else self.more_severe(best, name)
        return None if best is None else self.level(best).name

    def raise_to(self, current: str, floor: str) -> str:
        """`current`, raised to at least `floor` (never lowered)."""
        return self.level(self.more_severe(current, floor)).name

    def raise_by(self, current: str, steps: int) -> str:
        """`current` moved `steps` levels towards the most severe, stopping at the top."""
        return self.levels[max(0, self.rank(current) - steps)].name


def resolve_hint(scale: SeverityScale, hint: str | None) -> str | None:
    """Map an incoming severity hint (a level name or alias, any case) to a level name, or None."""
    if hint is None or not hint.strip():
        return None
    return scale.canonical(hint.strip())


def level_named(scale: SeverityScale, word: str, *, field: str = "severity") -> str:
    """The level `word` names (a level or an alias such as `critical`), or InvalidInput listing the scale."""
    name = resolve_hint(scale, word)
    if name is not None:
        return name
    aliases = sorted({alias for level in scale.levels for alias in level.aliases})
    also = f" or an alias ({', '.join(aliases)})" if aliases else ""
    raise InvalidInput(f"unknown severity {word!r}; use a level of the scale ({', '.join(scale.names)}){also}",
                       field=field)

"""Escalate: overrides — someone covering a schedule (or one person on it) for a while."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Override:
    """`user` is on call over [start, end); only while `replaces` would be, when that is set.

    Among overlapping overrides the one created last (highest `order`) wins.
    """

    user: str
    start: datetime
    end: datetime
    replaces: str | None = None
    order: int = 0
    ref: str = ""  # "config:<n>" or "db:<id>", shown as the reason someone is on call

    def covers(self, moment: datetime, base_user: str | None) -> bool:
        if not self.start <= moment < self.end:
            return False
        return self.replaces is None or self.replaces == base_user


def apply_overrides(
    overrides: Sequence[Override], moment: datetime, base_user: str | None
) -> Override | None:
    """The override deciding who is on call at `moment`, if any (latest created wins)."""
    for override in sorted(overrides, key=lambda item: item.order, reverse=True):
        if override.covers(moment, base_user):
            return override
    return None


def override_breakpoints(overrides: Sequence[Override], start: datetime, end: datetime) -> Iterator[datetime]:
    for override in overrides:
        for edge in (override.start, override.end):
            if start < edge < end:
                yield edge

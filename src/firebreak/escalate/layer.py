"""Escalate: layers — a source of turns (rotation or calendar feed) limited by restrictions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from firebreak.escalate.restriction import Restriction


class TurnSource(Protocol):
    """Anything that says who holds the turn at a moment and where turns change."""

    def user_at(self, moment: datetime) -> str | None: ...

    def breakpoints(self, start: datetime, end: datetime) -> Iterator[datetime]: ...


@dataclass(frozen=True, slots=True)
class Layer:
    """A named turn source, on duty only inside its restriction and its optional [since, until)."""

    name: str
    source: TurnSource
    restriction: Restriction | None = None
    since: datetime | None = None
    until: datetime | None = None

    def user_at(self, moment: datetime) -> str | None:
        if self.since is not None and moment < self.since:
            return None
        if self.until is not None and moment >= self.until:
            return None
        if self.restriction is not None and not self.restriction.allows(moment):
            return None
        return self.source.user_at(moment)

    def breakpoints(self, start: datetime, end: datetime) -> Iterator[datetime]:
        yield from self.source.breakpoints(start, end)
        if self.restriction is not None:
            yield from self.restriction.breakpoints(start, end)
        for edge in (self.since, self.until):
            if edge is not None and start < edge < end:
                yield edge

"""Escalate: one rotation — ordered participants handing off on a wall-clock cadence in a time zone."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class Shift:
    """One participant's turn: [start, end) in UTC (`user` None: a turn with nobody on call)."""

    user: str | None
    start: datetime
    end: datetime


def first_handoff(start: date, handoff: time, weekday: int | None) -> datetime:
    """The first local (naive) handoff on or after `start`, on `weekday` (0 = Monday) when given."""
    day = start
    if weekday is not None:
        day = start + timedelta(days=(weekday - start.weekday()) % 7)
    return datetime.combine(day, handoff)


def to_utc(local: datetime, tz: ZoneInfo) -> datetime:
    """Attach `tz` to a naive local wall-clock time and convert to UTC (fold 0 in gaps and overlaps)."""
    return local.replace(tzinfo=tz).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Rotation:
    """Participants take turns of length `every`, handing off at the same local wall-clock time.

    Boundaries are computed on the local wall clock, so a weekly rotation handing off on Monday
    09:00 Europe/London hands off at 09:00 local on both sides of a daylight-saving change (that
    week's shift is one hour shorter or longer in absolute time).
    """

    users: tuple[str | None, ...]  # None: a turn with nobody on call
    every: timedelta
    anchor: datetime  # naive local time of handoff number 0
    tz: ZoneInfo

    def __post_init__(self) -> None:
        if not any(user is not None for user in self.users):
            raise ValueError("a rotation needs at least one participant")
        if self.every <= timedelta(0):
            raise ValueError("a rotation's length must be positive")
        if self.anchor.tzinfo is not None:
            raise ValueError("a rotation's anchor is a naive local time")

    def boundary(self, index: int) -> datetime:
        """UTC instant of handoff number `index` (negative before the anchor)."""
        return to_utc(self.anchor + self.every * index, self.tz)

    def index_at(self, moment: datetime) -> int:
        """The number of the turn running at `moment`."""
        local = moment.astimezone(self.tz).replace(tzinfo=None)
        index = (local - self.anchor) // self.every
        # The wall-clock estimate can be one off next to a daylight-saving change.
        while self.boundary(index) > moment:
            index -= 1
        while self.boundary(index + 1) <= moment:
            index += 1
        return index

    def shift_at(self, moment: datetime) -> Shift:
        """The turn running at `moment`."""
        index = self.index_at(moment)
        return Shift(self.users[index % len(self.users)], self.boundary(index), self.boundary(index + 1))

    def shifts(self, start: datetime, end: datetime) -> Iterator[Shift]:
        """Every turn overlapping [start, end), in order."""
        index = self.index_at(start)
        while True:
            begin = self.boundary(index)
            if begin >= end:
                return
            yield Shift(self.users[index % len(self.users)], begin, self.boundary(index + 1))
            index += 1

    def user_at(self, moment: datetime) -> str | None:
        return self.shift_at(moment).user

    def breakpoints(self, start: datetime, end: datetime) -> Iterator[datetime]:
        for shift in self.shifts(start, end):
            if shift.start > start:
                yield shift.start

"""Escalate: restrictions — the weekly windows (such as working hours) when a layer is on duty."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from firebreak.escalate.rotation import to_utc


@dataclass(frozen=True, slots=True)
class Window:
    """A daily window from `start` to `end` local time on the given weekdays (0 = Monday).

    An `end` at or before `start` runs past midnight into the next day; equal times mean a whole day.
    """

    days: frozenset[int]
    start: time
    end: time

    @property
    def length(self) -> timedelta:
        begin = datetime.combine(datetime.min.date(), self.start)
        finish = datetime.combine(datetime.min.date(), self.end)
        if finish <= begin:
            finish += timedelta(days=1)
        return finish - begin

    def local_spans(self, first: datetime, last: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Naive local [begin, end) spans of this window starting on days first-1 … last."""
        day = first.date() - timedelta(days=1)
        while day <= last.date():
            if day.weekday() in self.days:
                begin = datetime.combine(day, self.start)
                yield begin, begin + self.length
            day += timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Restriction:
    """A set of windows in one time zone; a moment is allowed when any window holds it."""

    windows: tuple[Window, ...]
    tz: ZoneInfo

    def allows(self, moment: datetime) -> bool:
        return any(begin <= moment < end for begin, end in self._spans(moment, moment))

    def breakpoints(self, start: datetime, end: datetime) -> Iterator[datetime]:
        """Window edges strictly inside (start, end)."""
        for begin, finish in self._spans(start, end):
            for edge in (begin, finish):
                if start < edge < end:
                    yield edge

    def _spans(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        first = start.astimezone(self.tz).replace(tzinfo=None)
        last = end.astimezone(self.tz).replace(tzinfo=None)
        for window in self.windows:
            for begin, finish in window.local_spans(first, last):
                yield to_utc(begin, self.tz), to_utc(finish, self.tz)

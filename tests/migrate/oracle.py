"""Hand-worked answers for the acid tests: plain calendar arithmetic in the schedule's own time zone.

Each helper states a rule a person reads off the vendor's definition ("user N of the list, counting
days from the first handoff on the local wall clock"); none calls the importer or Firebreak's
schedule code. The instants sample a whole year, every time of day, and the minutes around each
daylight-saving change.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def sample_year(first: datetime, tz: ZoneInfo, *, count: int = 240) -> list[datetime]:
    """`count` instants from `first` over a year (steps of 21h53m reach every time of day), plus the
    minutes around every daylight-saving change in that year in `tz`."""
    step = timedelta(hours=21, minutes=53)
    moments = [first + step * number for number in range(count)]
    hour = first
    end = first + timedelta(days=366)
    while hour < end:
        if hour.astimezone(tz).utcoffset() != (hour + timedelta(hours=1)).astimezone(tz).utcoffset():
            change = hour + timedelta(hours=1)
            moments += [change + timedelta(minutes=delta) for delta in (-61, -31, -1, 0, 1, 29, 59, 61, 90)]
        hour += timedelta(hours=1)
    return sorted(set(moments))


def dst_changes(first: datetime, tz: ZoneInfo) -> int:
    """How many daylight-saving changes fall in the year from `first` (the samples must include some)."""
    return sum(1 for day in range(366)
               if (first + timedelta(days=day)).astimezone(tz).utcoffset()
               != (first + timedelta(days=day + 1)).astimezone(tz).utcoffset())


def turn_number(moment: datetime, tz: ZoneInfo, first_day: date, handoff: time, days_per_turn: int) -> int:
    """Turns of `days_per_turn` whole local days handing off at `handoff`, turn 0 starting `first_day`."""
    local = moment.astimezone(tz)
    days = (local.date() - first_day).days - (1 if local.time() < handoff else 0)
    return days // days_per_turn


def nth(users: Sequence[str | None], number: int) -> str | None:
    return users[number % len(users)]


def minute_of_week(moment: datetime, tz: ZoneInfo) -> int:
    """Minutes since Monday 00:00 on the local wall clock."""
    local = moment.astimezone(tz)
    return local.weekday() * 1440 + local.hour * 60 + local.minute


def within(minute: int, *spans: tuple[int, int]) -> bool:
    """`minute` (of the week) inside any [start, end) span; an end beyond the week wraps to Monday."""
    return any(start <= minute < end or start <= minute + 7 * 1440 < end for start, end in spans)


def dow(day: int, hour: int, minute: int = 0) -> int:
    """Minute of the week of weekday `day` (0 = Monday) at hour:minute."""
    return day * 1440 + hour * 60 + minute


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)

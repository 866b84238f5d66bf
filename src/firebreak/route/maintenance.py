"""Maintenance windows: per-service muting, one-off or recurring (cron or RRULE) in a time zone.

Recurrences are evaluated in the window's own time zone, so "every day at 03:00 Europe/London"
stays at 03:00 local time across daylight-saving changes. A window lasts `duration` of real
(elapsed) time from each occurrence, and is active on [start, end).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from croniter import croniter
from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrule, rrulestr

from firebreak.route.decision import MatcherResult
from firebreak.route.matchers import Matcher

RecurrenceKind = Literal["cron", "rrule"]
DEFAULT_ANCHOR = datetime(2000, 1, 1)  # 2000-01-01 00:00 local; a Saturday
_TINY = timedelta(microseconds=1)
_FIXED_PERIODS = {
    "WEEKLY": timedelta(weeks=1), "DAILY": timedelta(days=1), "HOURLY": timedelta(hours=1),
    "MINUTELY": timedelta(minutes=1), "SECONDLY": timedelta(seconds=1),
}


def _rule_parts(text: str) -> dict[str, str]:
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:"):]
    parts: dict[str, str] = {}
    for item in body.split(";"):
        if "=" in item:
            key, value = item.split("=", 1)
            parts[key.strip().upper()] = value.strip()
    return parts


def check_recurrence(kind: RecurrenceKind, expression: str) -> None:
    """Raise ValueError naming the problem if a cron or RRULE expression is invalid."""
    if kind == "cron":
        if not croniter.is_valid(expression):
            raise ValueError(f"invalid cron expression {expression!r}")
        return
    if "DTSTART" in expression.upper():
        raise ValueError("put the recurrence anchor in 'start', not DTSTART inside the rule")
    if "FREQ" not in _rule_parts(expression):
        raise ValueError(f"RRULE {expression!r} has no FREQ")
    try:
        rrulestr(expression, dtstart=DEFAULT_ANCHOR)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"invalid RRULE {expression!r}: {exc}") from exc


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A repeating start time (cron or RRULE) in time zone `tz`; `anchor` is naive local time."""

    kind: RecurrenceKind
    expression: str
    tz: str
    anchor: datetime = DEFAULT_ANCHOR

    def previous(self, moment: datetime) -> datetime | None:
        """The latest occurrence at or before `moment` (aware, in the window's zone)."""
        zone = ZoneInfo(self.tz)
        local = moment.astimezone(zone)
        if self.kind == "cron":
            found: datetime = croniter(self.expression, local + _TINY).get_prev(datetime)
            return found
        anchor = self._shifted_anchor(local.replace(tzinfo=None))
        rule = self._rule(anchor.replace(tzinfo=zone))
        return rule.before(local, inc=True)

    def following(self, moment: datetime) -> datetime | None:
        """The first occurrence strictly after `moment`."""
        zone = ZoneInfo(self.tz)
        local = moment.astimezone(zone)
        if self.kind == "cron":
            found: datetime = croniter(self.expression, local).get_next(datetime)
            return found
        anchor = self._shifted_anchor(local.replace(tzinfo=None))
        return self._rule(anchor.replace(tzinfo=zone)).after(local, inc=False)

    def _rule(self, dtstart: datetime) -> rrule:
        parsed = rrulestr(self.expression, dtstart=dtstart)
        assert isinstance(parsed, rrule)
        return parsed

    def _shifted_anchor(self, local_now: datetime) -> datetime:
        """Move the anchor forward by whole recurrence periods to just before now.

        The generated occurrences do not change, but the rule no longer has to be iterated
        from a start years in the past. Rules with COUNT depend on the real anchor and are
        not shifted; nor are month/year rules anchored past the 28th (shifting would clamp).
        """
        parts = _rule_parts(self.expression)
        if "COUNT" in parts or local_now <= self.anchor:
            return self.anchor
        freq = parts.get("FREQ", "").upper()
        interval = int(parts.get("INTERVAL", "1") or "1")
        target = local_now - timedelta(days=32)
        if freq in _FIXED_PERIODS:
            period = _FIXED_PERIODS[freq] * interval
            steps = math.floor((target - self.anchor) / period) - 1
            return self.anchor + period * steps if steps > 0 else self.anchor
        if freq in ("MONTHLY", "YEARLY") and self.anchor.day <= 28:
            months = (target.year - self.anchor.year) * 12 + target.month - self.anchor.month
            unit = interval * (12 if freq == "YEARLY" else 1)
            steps = months // unit - 1
            return self.anchor + relativedelta(months=unit * steps) if steps > 0 else self.anchor
        return self.anchor


@dataclass(frozen=True, slots=True)
class MaintenanceWindow:
    """A named window muting alerts of `services` (and/or matching `matchers`) while active."""

    name: str
    services: frozenset[str] = frozenset()
    matchers: tuple[Matcher, ...] = ()
    start: datetime | None = None  # one-off: aware instants
    end: datetime | None = None
    recurrence: Recurrence | None = None
    duration: timedelta | None = None  # recurring: how long each occurrence lasts
    comment: str = ""

    def applies_to(self, service: str | None, labels: Mapping[str, str],
                   trace: list[MatcherResult] | None = None) -> bool:
        """Whether the window covers an alert for `service` with `labels` (ignoring time)."""
        if self.services and service not in self.services:
            if trace is not None:
                trace.append(MatcherResult(route=f"maintenance:{self.name}",
                                           matcher=f"service in {sorted(self.services)}", matched=False))
            return False
        verdict = True
        for matcher in self.matchers:
            matched = matcher.matches(labels)
            if trace is not None:
                trace.append(MatcherResult(route=f"maintenance:{self.name}", matcher=str(matcher),
                                           matched=matched))
            elif not matched:
                return False
            verdict = verdict and matched
        return verdict

    def span_at(self, now: datetime) -> tuple[datetime, datetime] | None:
        """The (start, end) in UTC of the occurrence covering `now`, or None if inactive."""
        if self.recurrence is None:
            if self.start is not None and self.end is not None and self.start <= now < self.end:
                return self.start.astimezone(UTC), self.end.astimezone(UTC)
            return None
        assert self.duration is not None
        began = self.recurrence.previous(now)
        if began is None:
            return None
        start = began.astimezone(UTC)
        end = start + self.duration
        return (start, end) if start <= now < end else None

    def is_active(self, now: datetime) -> bool:
        return self.span_at(now) is not None

    def next_span(self, now: datetime) -> tuple[datetime, datetime] | None:
        """The current occurrence if active, else the next one to come (None if none is left)."""
        current = self.span_at(now)
        if current is not None:
            return current
        if self.recurrence is None:
            if self.start is not None and self.end is not None and now < self.start:
                return self.start.astimezone(UTC), self.end.astimezone(UTC)
            return None
        assert self.duration is not None
        upcoming = self.recurrence.following(now)
        if upcoming is None:
            return None
        start = upcoming.astimezone(UTC)
        return start, start + self.duration

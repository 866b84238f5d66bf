"""Migrate: vendor time shapes as Firebreak's — weekly spans as restriction windows, turn anchors as
rotation fields, instants as configuration text. Pure.

A Firebreak restriction window lasts at most a day (`config/escalate.py: RestrictionSpec`); a vendor
span of several days (PagerDuty's weekly restriction of 48 hours, Opsgenie's Friday 18:00 to Monday
10:00) becomes one window per day it covers, which together hold exactly the same moments.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from firebreak.config.escalate import DAY_NAMES
from firebreak.config.types import format_duration

DAY = timedelta(days=1)
WEEK = timedelta(weeks=1)
Window = dict[str, Any]


def clock(value: time) -> str:
    return value.strftime("%H:%M")


def weekly_span(start_day: int, start: time, length: timedelta) -> list[Window]:
    """Windows holding [weekday `start_day` (0 = Monday) at `start`, that plus `length`) every week.

    A span of a week or more holds every moment: no windows (the caller leaves the layer unrestricted).
    """
    if length >= WEEK:
        return []
    windows: list[Window] = []
    day, left = start_day, length
    while left > timedelta(0):
        piece = min(left, DAY)
        end = (datetime.combine(datetime.min.date(), start) + piece).time()
        windows.append({"days": [DAY_NAMES[day % 7]], "start": clock(start), "end": clock(end)})
        day, left = day + 1, left - piece
    return merge_days(windows)


def daily_span(start: time, length: timedelta) -> list[Window]:
    """Windows holding [`start`, `start` + `length`) every day (a day or more: no windows)."""
    if length >= DAY:
        return []
    end = (datetime.combine(datetime.min.date(), start) + length).time()
    return [{"days": "all", "start": clock(start), "end": clock(end)}]


def merge_days(windows: list[Window]) -> list[Window]:
    """Windows with the same times written once with all their days (Monday first)."""
    merged: dict[tuple[str, str], list[str]] = {}
    for window in windows:
        days = DAY_NAMES if window["days"] == "all" else window["days"]
        merged.setdefault((window["start"], window["end"]), []).extend(days)
    out: list[Window] = []
    for (start, end), days in merged.items():
        unique = sorted(set(days), key=DAY_NAMES.index)
        out.append({"days": "all" if len(unique) == 7 else unique, "start": start, "end": end})
    return out


def zone(name: str | None) -> ZoneInfo | None:
    """The IANA time zone `name`, or None when it is missing or unknown."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def parse_instant(text: str | None, tz: ZoneInfo | None = None) -> datetime | None:
    """An ISO 8601 time as an aware datetime (a time without offset is read in `tz`, else UTC)."""
    if not text:
        return None
    value = datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz or UTC)
    return value


def instant_text(value: datetime) -> str:
    """An instant as configuration text, in UTC: `2026-04-29T16:00:00Z`."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def rotation_fields(users: list[str | None], every: timedelta, anchor: datetime, tz: ZoneInfo) -> dict[str, Any]:
    """A rotation whose turn 0 starts at `anchor` (local wall clock in `tz`, minutes kept)."""
    local = anchor.astimezone(tz)
    return {"users": users, "every": format_duration(every), "handoff": local.strftime("%H:%M"),
            "start": local.date().isoformat()}


def whole_minutes(value: timedelta) -> bool:
    return value.total_seconds() % 60 == 0

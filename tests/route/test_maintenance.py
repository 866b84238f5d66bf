"""Maintenance windows: one-off edges and recurring windows (cron and RRULE) across DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from firebreak.route.maintenance import MaintenanceWindow, Recurrence, check_recurrence
from firebreak.route.matchers import parse_matchers

TICK = timedelta(microseconds=1)
LONDON = "Europe/London"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def recurring(kind: str, expression: str, duration: timedelta, tz: str = LONDON,
              anchor: datetime | None = None) -> MaintenanceWindow:
    recurrence = Recurrence(kind=kind, expression=expression, tz=tz,  # type: ignore[arg-type]
                            **({"anchor": anchor} if anchor else {}))
    return MaintenanceWindow(name="w", services=frozenset({"postgres"}), recurrence=recurrence,
                             duration=duration)


DAILY_3AM = [("cron", "0 3 * * *"), ("rrule", "FREQ=DAILY;BYHOUR=3;BYMINUTE=0;BYSECOND=0")]


@pytest.mark.parametrize(("kind", "expression"), DAILY_3AM)
def test_daily_window_keeps_local_time_across_spring_forward(kind: str, expression: str) -> None:
    window = recurring(kind, expression, timedelta(hours=1))
    # 28 March 2026, London on GMT: 03:00 local is 03:00 UTC.
    assert not window.is_active(utc(2026, 3, 28, 3) - TICK)
    assert window.is_active(utc(2026, 3, 28, 3))
    assert window.is_active(utc(2026, 3, 28, 4) - TICK)
    assert not window.is_active(utc(2026, 3, 28, 4))
    # Clocks go forward on 29 March; on the 30th 03:00 local is 02:00 UTC.
    assert not window.is_active(utc(2026, 3, 30, 2) - TICK)
    assert window.is_active(utc(2026, 3, 30, 2))
    assert window.is_active(utc(2026, 3, 30, 3) - TICK)
    assert not window.is_active(utc(2026, 3, 30, 3, 30))
    assert window.span_at(utc(2026, 3, 30, 2, 30)) == (utc(2026, 3, 30, 2), utc(2026, 3, 30, 3))


@pytest.mark.parametrize(("kind", "expression"), DAILY_3AM)
def test_daily_window_across_fall_back(kind: str, expression: str) -> None:
    window = recurring(kind, expression, timedelta(hours=1))
    assert window.span_at(utc(2026, 10, 24, 2, 30)) == (utc(2026, 10, 24, 2), utc(2026, 10, 24, 3))
    assert not window.is_active(utc(2026, 10, 26, 2, 30))
    assert window.span_at(utc(2026, 10, 26, 3, 30)) == (utc(2026, 10, 26, 3), utc(2026, 10, 26, 4))


@pytest.mark.parametrize(("kind", "expression"), [
    ("cron", "0 2 * * SUN"), ("rrule", "FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0;BYSECOND=0")])
def test_weekly_window_on_the_day_clocks_change(kind: str, expression: str) -> None:
    window = recurring(kind, expression, timedelta(hours=1))
    # Sunday 22 March (GMT): 02:00-03:00 UTC.
    assert window.is_active(utc(2026, 3, 22, 2, 30))
    assert not window.is_active(utc(2026, 3, 22, 1, 30))
    # Sunday 29 March: 02:00 BST exists (01:00 GMT jumps to 02:00 BST) and is 01:00 UTC.
    assert window.span_at(utc(2026, 3, 29, 1, 30)) == (utc(2026, 3, 29, 1), utc(2026, 3, 29, 2))
    assert not window.is_active(utc(2026, 3, 29, 2, 30))


def test_new_york_window_and_elapsed_duration() -> None:
    # 01:30 local for 2 hours across the November fall-back: 2 real hours, not wall-clock hours.
    window = recurring("cron", "30 1 * * *", timedelta(hours=2), tz="America/New_York")
    start = datetime(2026, 11, 1, 1, 30, tzinfo=ZoneInfo("America/New_York")).astimezone(UTC)
    assert window.span_at(start + timedelta(minutes=5)) == (start, start + timedelta(hours=2))


def test_one_off_window_edges() -> None:
    start, end = utc(2026, 5, 1, 22), utc(2026, 5, 2, 1)
    window = MaintenanceWindow(name="migration", services=frozenset({"postgres"}), start=start, end=end)
    assert not window.is_active(start - TICK)
    assert window.is_active(start)
    assert window.is_active(end - TICK)
    assert not window.is_active(end)
    assert window.next_span(utc(2026, 4, 1)) == (start, end)
    assert window.next_span(end) is None


def test_next_span_of_recurring_window() -> None:
    window = recurring("cron", "0 3 * * *", timedelta(hours=1))
    assert window.next_span(utc(2026, 3, 30, 12)) == (utc(2026, 3, 31, 2), utc(2026, 3, 31, 3))
    assert window.next_span(utc(2026, 3, 30, 2, 15)) == (utc(2026, 3, 30, 2), utc(2026, 3, 30, 3))


def test_applies_to_service_and_matchers() -> None:
    window = MaintenanceWindow(name="w", services=frozenset({"reporting"}),
                               matchers=parse_matchers('alertname="QueueBacklog"'),
                               start=utc(2026, 1, 1), end=utc(2027, 1, 1))
    assert window.applies_to("reporting", {"alertname": "QueueBacklog"})
    assert not window.applies_to("reporting", {"alertname": "Down"})
    assert not window.applies_to("api", {"alertname": "QueueBacklog"})
    by_labels = MaintenanceWindow(name="l", matchers=parse_matchers('env="staging"'),
                                  start=utc(2026, 1, 1), end=utc(2027, 1, 1))
    assert by_labels.applies_to(None, {"env": "staging"})


def test_monthly_rule_with_anchor() -> None:
    anchor = datetime(2025, 1, 15, 22, 0)  # every second month on the 15th, 22:00 London time
    window = recurring("rrule", "FREQ=MONTHLY;INTERVAL=2", timedelta(hours=3), anchor=anchor)
    assert window.is_active(utc(2026, 7, 15, 21, 30))  # BST: 22:00 local is 21:00 UTC
    assert not window.is_active(utc(2026, 6, 15, 21, 30))  # odd month of the pair


@pytest.mark.parametrize(("kind", "bad"), [
    ("cron", "61 * * * *"), ("cron", "every day"), ("rrule", "BYDAY=MO"), ("rrule", "FREQ=SOMETIMES"),
    ("rrule", "DTSTART:20250101T000000\nRRULE:FREQ=DAILY")])
def test_invalid_recurrences(kind: str, bad: str) -> None:
    with pytest.raises(ValueError):
        check_recurrence(kind, bad)  # type: ignore[arg-type]


RULES = st.sampled_from([
    "FREQ=DAILY;BYHOUR=3;BYMINUTE=15", "FREQ=WEEKLY;BYDAY=SU,WE;BYHOUR=2", "FREQ=WEEKLY;INTERVAL=3",
    "FREQ=HOURLY;INTERVAL=5", "FREQ=MONTHLY;BYMONTHDAY=1,15;BYHOUR=4", "FREQ=MONTHLY;INTERVAL=4",
    "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=29;BYHOUR=1", "FREQ=DAILY;INTERVAL=9;BYHOUR=23",
])


@settings(max_examples=60, deadline=None)
@given(rule=RULES, tz=st.sampled_from([LONDON, "America/New_York", "UTC", "Australia/Sydney"]),
       offset_hours=st.integers(min_value=0, max_value=3 * 365 * 24))
def test_skipping_ahead_finds_the_same_occurrence(rule: str, tz: str, offset_hours: int) -> None:
    """The anchor shortcut must not change which occurrence is found."""
    anchor = datetime(2024, 1, 10, 6, 45)
    now = datetime(2024, 1, 10, tzinfo=UTC) + timedelta(hours=offset_hours, minutes=7)
    zone = ZoneInfo(tz)
    expected = rrulestr(rule, dtstart=anchor.replace(tzinfo=zone)).before(now.astimezone(zone), inc=True)
    assert Recurrence("rrule", rule, tz, anchor).previous(now) == expected

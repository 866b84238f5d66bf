"""Restrictions: working-hour windows, overnight windows and their edges in local time."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from firebreak.escalate.restriction import Restriction, Window

LONDON = ZoneInfo("Europe/London")
WEEKDAYS = frozenset(range(5))


def test_working_hours_follow_local_time_across_dst() -> None:
    hours = Restriction((Window(WEEKDAYS, time(9), time(17)),), LONDON)
    assert hours.allows(datetime(2024, 1, 10, 9, tzinfo=UTC))  # 09:00 GMT
    assert not hours.allows(datetime(2024, 1, 10, 8, 59, tzinfo=UTC))
    assert hours.allows(datetime(2024, 7, 10, 8, tzinfo=UTC))  # 09:00 BST
    assert not hours.allows(datetime(2024, 7, 10, 16, tzinfo=UTC))  # 17:00 BST: window closed
    assert not hours.allows(datetime(2024, 7, 13, 12, tzinfo=UTC))  # Saturday


def test_overnight_window_belongs_to_the_day_it_starts() -> None:
    nights = Restriction((Window(frozenset({4}), time(22), time(6)),), UTC)  # type: ignore[arg-type]
    assert nights.allows(datetime(2024, 1, 12, 23, tzinfo=UTC))  # Friday 23:00
    assert nights.allows(datetime(2024, 1, 13, 5, 59, tzinfo=UTC))  # Saturday early
    assert not nights.allows(datetime(2024, 1, 13, 6, tzinfo=UTC))
    assert not nights.allows(datetime(2024, 1, 12, 5, tzinfo=UTC))  # Friday early: Thursday not listed


def test_equal_times_mean_the_whole_day() -> None:
    weekend = Restriction((Window(frozenset({5, 6}), time(0), time(0)),), UTC)  # type: ignore[arg-type]
    assert weekend.allows(datetime(2024, 1, 13, 0, tzinfo=UTC))
    assert weekend.allows(datetime(2024, 1, 14, 23, 59, tzinfo=UTC))
    assert not weekend.allows(datetime(2024, 1, 15, 0, tzinfo=UTC))


def test_breakpoints_are_the_window_edges_inside_the_range() -> None:
    hours = Restriction((Window(frozenset({0}), time(9), time(17)),), UTC)  # type: ignore[arg-type]
    edges = sorted(hours.breakpoints(datetime(2024, 1, 15, 9, tzinfo=UTC), datetime(2024, 1, 23, tzinfo=UTC)))
    assert edges == [datetime(2024, 1, 15, 17, tzinfo=UTC), datetime(2024, 1, 22, 9, tzinfo=UTC),
                     datetime(2024, 1, 22, 17, tzinfo=UTC)]

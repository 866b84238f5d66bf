"""Rotations: wall-clock handoffs across daylight-saving changes, turn order, partitions."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firebreak.escalate.layer import Layer
from firebreak.escalate.rotation import Rotation, first_handoff
from firebreak.escalate.schedule import Schedule

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def weekly_london() -> Rotation:
    return Rotation(("ann", "bob", "cat"), timedelta(weeks=1), first_handoff(date(2024, 1, 1), time(9), 0), LONDON)


def test_first_handoff_moves_to_the_named_weekday() -> None:
    assert first_handoff(date(2024, 1, 3), time(9), 0) == datetime(2024, 1, 8, 9)
    assert first_handoff(date(2024, 1, 3), time(9), None) == datetime(2024, 1, 3, 9)


def test_weekly_handoff_stays_at_local_nine_across_spring_forward() -> None:
    rotation = weekly_london()
    before = rotation.shift_at(datetime(2024, 3, 27, 12, tzinfo=UTC))
    # Mon 25 Mar 09:00 GMT = 09:00 UTC; Mon 1 Apr 09:00 BST = 08:00 UTC.
    assert before.start == datetime(2024, 3, 25, 9, tzinfo=UTC)
    assert before.end == datetime(2024, 4, 1, 8, tzinfo=UTC)
    assert before.end - before.start == timedelta(hours=167)
    after = rotation.shift_at(datetime(2024, 4, 1, 8, 30, tzinfo=UTC))
    assert after.start == before.end
    assert after.start.astimezone(LONDON).hour == 9
    assert after.user != before.user


def test_weekly_shift_across_fall_back_is_an_hour_longer() -> None:
    shift = weekly_london().shift_at(datetime(2024, 10, 23, tzinfo=UTC))
    assert shift.end - shift.start == timedelta(hours=169)
    assert shift.start.astimezone(LONDON).time() == time(9)
    assert shift.end.astimezone(LONDON).time() == time(9)


def test_moment_just_before_a_handoff_in_local_time_belongs_to_the_old_turn() -> None:
    rotation = weekly_london()
    handoff = datetime(2024, 4, 1, 8, tzinfo=UTC)  # 09:00 BST
    assert rotation.user_at(handoff - timedelta(microseconds=1)) != rotation.user_at(handoff)
    # 08:30 local is already after 08:00 UTC but before the local handoff
    assert rotation.index_at(datetime(2024, 4, 1, 7, 30, tzinfo=UTC)) == rotation.index_at(
        datetime(2024, 3, 30, tzinfo=UTC))


def test_twelve_hour_night_shift_is_thirteen_hours_when_clocks_go_back() -> None:
    rotation = Rotation(("day", "night"), timedelta(hours=12), datetime(2024, 1, 1, 9), NEW_YORK)
    # 2024-11-03: clocks go back at 02:00 EDT in New York.
    night = rotation.shift_at(datetime(2024, 11, 3, 5, tzinfo=UTC))
    assert night.user == "night"
    assert night.end - night.start == timedelta(hours=13)
    spring = rotation.shift_at(datetime(2024, 3, 10, 6, tzinfo=UTC))
    assert spring.end - spring.start == timedelta(hours=11)


def test_handoff_inside_the_spring_gap_still_orders_turns() -> None:
    # 02:30 does not exist in New York on 2024-03-10; the turn still changes exactly once.
    rotation = Rotation(("a", "b"), timedelta(days=1), datetime(2024, 3, 1, 2, 30), NEW_YORK)
    shifts = list(rotation.shifts(datetime(2024, 3, 8, tzinfo=UTC), datetime(2024, 3, 13, tzinfo=UTC)))
    assert all(left.end == right.start for left, right in itertools.pairwise(shifts))
    assert all(shift.start < shift.end for shift in shifts)
    # The turn starting Thu 7 Mar 02:30 EST is turn 6 (even), so "a" holds it.
    assert [shift.user for shift in shifts] == ["a", "b", "a", "b", "a", "b"]
    gap_day = next(shift for shift in shifts if shift.start.date() == date(2024, 3, 10))
    assert gap_day.start == datetime(2024, 3, 10, 7, 30, tzinfo=UTC)  # read as 02:30 EST = 03:30 EDT


def test_turns_cycle_through_participants_in_order_and_before_the_anchor() -> None:
    rotation = Rotation(("a", "b", "c"), timedelta(days=1), datetime(2024, 6, 10, 0), UTC)  # type: ignore[arg-type]
    days = [rotation.user_at(datetime(2024, 6, day, 12, tzinfo=UTC)) for day in range(7, 14)]
    assert days == ["a", "b", "c", "a", "b", "c", "a"]


def test_a_turn_with_nobody_lets_the_layer_below_show_through() -> None:
    rotation = Rotation(("a", None), timedelta(days=1), datetime(2024, 6, 10, 0), UTC)  # type: ignore[arg-type]
    assert [rotation.user_at(datetime(2024, 6, day, 12, tzinfo=UTC)) for day in range(10, 14)] == ["a", None, "a", None]
    lower = Layer("base", Rotation(("z",), timedelta(weeks=1), datetime(2024, 6, 10, 0), UTC))  # type: ignore[arg-type]
    plan = Schedule("s", UTC, (lower, Layer("top", rotation)))  # type: ignore[arg-type]
    assert plan.on_call_at(datetime(2024, 6, 11, 12, tzinfo=UTC)).user == "z"
    assert plan.on_call_at(datetime(2024, 6, 12, 12, tzinfo=UTC)).user == "a"


def test_rotation_rejects_empty_participants_and_zero_length() -> None:
    with pytest.raises(ValueError, match="participant"):
        Rotation((), timedelta(days=1), datetime(2024, 1, 1), LONDON)
    with pytest.raises(ValueError, match="participant"):
        Rotation((None,), timedelta(days=1), datetime(2024, 1, 1), LONDON)
    with pytest.raises(ValueError, match="positive"):
        Rotation(("a",), timedelta(0), datetime(2024, 1, 1), LONDON)


@settings(max_examples=200, deadline=None)
@given(
    moment=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)),
    hours=st.sampled_from([8, 12, 24, 72, 168]),
    zone=st.sampled_from(["Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]),
)
def test_shift_at_always_contains_the_moment_and_tiles(moment: datetime, hours: int, zone: str) -> None:
    rotation = Rotation(("a", "b", "c"), timedelta(hours=hours), datetime(2024, 1, 1, 9), ZoneInfo(zone))
    shift = rotation.shift_at(moment)
    assert shift.start <= moment < shift.end
    following = rotation.shift_at(shift.end)
    assert following.start == shift.end
    assert following.user != shift.user

"""Schedules: stacked layers, restricted layers, overrides and gaps with an injected moment."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from firebreak.escalate.layer import Layer
from firebreak.escalate.override import Override
from firebreak.escalate.restriction import Restriction, Window
from firebreak.escalate.rotation import Rotation, first_handoff
from firebreak.escalate.schedule import Schedule

LONDON = ZoneInfo("Europe/London")


def weekly(users: tuple[str, ...]) -> Rotation:
    return Rotation(users, timedelta(weeks=1), first_handoff(date(2024, 1, 1), time(9), 0), LONDON)


def business_hours_layer() -> Layer:
    rotation = Rotation(("dee", "eve"), timedelta(days=1), datetime(2024, 1, 1, 9), LONDON)
    return Layer("daytime", rotation, Restriction((Window(frozenset(range(5)), time(9), time(17)),), LONDON))


def schedule(*overrides: Override) -> Schedule:
    return Schedule("platform", LONDON, (Layer("base", weekly(("ann", "bob"))), business_hours_layer()),
                    overrides)


MONDAY_NOON = datetime(2024, 1, 8, 12, tzinfo=UTC)


def test_higher_layer_wins_inside_its_restriction_and_falls_through_outside() -> None:
    plan = schedule()
    assert plan.on_call_at(MONDAY_NOON).user in {"dee", "eve"}
    assert plan.on_call_at(MONDAY_NOON).reason == "layer:daytime"
    evening = plan.on_call_at(datetime(2024, 1, 8, 20, tzinfo=UTC))
    assert evening.user == "bob" and evening.reason == "layer:base"
    assert plan.on_call_at(datetime(2024, 1, 13, 12, tzinfo=UTC)).reason == "layer:base"  # Saturday


def test_override_replaces_whoever_is_on_call() -> None:
    cover = Override("zed", MONDAY_NOON - timedelta(hours=1), MONDAY_NOON + timedelta(hours=1), ref="db:7")
    plan = schedule(cover)
    assert plan.on_call_at(MONDAY_NOON).user == "zed"
    assert plan.on_call_at(MONDAY_NOON).reason == "override:db:7"
    assert plan.on_call_at(MONDAY_NOON + timedelta(hours=1)).user != "zed"


def test_override_for_one_person_only_applies_while_that_person_is_on() -> None:
    start, end = datetime(2024, 1, 8, tzinfo=UTC), datetime(2024, 1, 22, tzinfo=UTC)
    cover = Override("zed", start, end, replaces="bob")
    plan = schedule(cover)
    # Week of 8 Jan: base layer has bob (turn 1); week of 15 Jan: ann.
    assert plan.on_call_at(datetime(2024, 1, 8, 20, tzinfo=UTC)).user == "zed"
    assert plan.on_call_at(datetime(2024, 1, 15, 20, tzinfo=UTC)).user == "ann"
    assert plan.on_call_at(MONDAY_NOON).user in {"dee", "eve"}


def test_latest_override_wins_and_stored_overrides_count() -> None:
    early = Override("yan", MONDAY_NOON - timedelta(hours=2), MONDAY_NOON + timedelta(hours=2), order=1)
    late = Override("zed", MONDAY_NOON - timedelta(hours=1), MONDAY_NOON + timedelta(hours=1), order=2)
    plan = schedule(early)
    assert plan.on_call_at(MONDAY_NOON, [late]).user == "zed"
    assert plan.on_call_at(MONDAY_NOON + timedelta(minutes=90), [late]).user == "yan"


def test_timeline_segments_tile_the_range_and_match_point_answers() -> None:
    plan = schedule(Override("zed", MONDAY_NOON, MONDAY_NOON + timedelta(minutes=30)))
    start, end = datetime(2024, 1, 6, tzinfo=UTC), datetime(2024, 1, 20, tzinfo=UTC)
    segments = plan.timeline(start, end)
    assert segments[0].start == start and segments[-1].end == end
    for left, right in itertools.pairwise(segments):
        assert left.end == right.start
        assert (left.user, left.reason) != (right.user, right.reason)
    for segment in segments:
        probe = segment.start + (segment.end - segment.start) / 2
        assert plan.on_call_at(probe).user == segment.user


def test_gaps_are_reported_where_no_layer_covers() -> None:
    plan = Schedule("daytime-only", LONDON, (business_hours_layer(),))
    gaps = plan.gaps(datetime(2024, 1, 8, 12, tzinfo=UTC))
    assert gaps[0].start == datetime(2024, 1, 8, 17, tzinfo=UTC)
    assert gaps[0].end == datetime(2024, 1, 9, 9, tzinfo=UTC)
    weekend = [gap for gap in gaps if gap.start == datetime(2024, 1, 12, 17, tzinfo=UTC)]
    assert weekend and weekend[0].end == datetime(2024, 1, 15, 9, tzinfo=UTC)
    assert gaps[-1].end <= datetime(2024, 1, 8, 12, tzinfo=UTC) + timedelta(weeks=4)
    assert len(gaps) == 20  # 4 weeks: 16 weeknight gaps and 4 weekend gaps
    assert Schedule("full", LONDON, (Layer("base", weekly(("ann",))),)).gaps(MONDAY_NOON) == []


def test_layer_bounds_limit_when_a_layer_applies() -> None:
    bounded = Layer("new-team", weekly(("neo",)), since=datetime(2024, 2, 1, tzinfo=UTC))
    plan = Schedule("p", LONDON, (Layer("base", weekly(("ann", "bob"))), bounded))
    assert plan.on_call_at(datetime(2024, 1, 31, tzinfo=UTC)).user in {"ann", "bob"}
    assert plan.on_call_at(datetime(2024, 2, 1, tzinfo=UTC)).user == "neo"


def test_turn_at_finds_the_whole_turn_and_turns_keep_the_first_start() -> None:
    plan = Schedule("p", LONDON, (Layer("base", weekly(("ann", "bob"))),))
    turn = plan.turn_at(datetime(2024, 1, 10, 15, tzinfo=UTC))
    assert (turn.start, turn.end, turn.user) == (datetime(2024, 1, 8, 9, tzinfo=UTC),
                                                 datetime(2024, 1, 15, 9, tzinfo=UTC), "bob")
    turns = plan.turns(datetime(2024, 1, 10, tzinfo=UTC), datetime(2024, 1, 20, tzinfo=UTC))
    assert turns[0].start == datetime(2024, 1, 8, 9, tzinfo=UTC)
    assert [t.user for t in turns] == ["bob", "ann"]

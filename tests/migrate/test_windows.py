"""Vendor spans as Firebreak restriction windows hold exactly the same moments of the week."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from firebreak.config.escalate import parse_clock_time, parse_days
from firebreak.escalate.restriction import Restriction, Window
from firebreak.migrate.naming import Namer, slug
from firebreak.migrate.report import Report
from firebreak.migrate.windows import daily_span, weekly_span

MONDAY = datetime(2024, 1, 1, tzinfo=UTC)  # a Monday


def restriction(windows: list[dict[str, object]]) -> Restriction:
    return Restriction(tuple(Window(frozenset(parse_days(w["days"])), parse_clock_time(w["start"]),
                                    parse_clock_time(w["end"])) for w in windows), UTC)


@settings(max_examples=150, deadline=None)
@given(day=st.integers(0, 6), minute=st.integers(0, 1439), length=st.integers(1, 7 * 1440 - 1),
       probe=st.integers(0, 7 * 1440 - 1))
def test_weekly_span_windows_hold_the_span_and_nothing_else(day: int, minute: int, length: int, probe: int) -> None:
    windows = weekly_span(day, time(*divmod(minute, 60)), timedelta(minutes=length))
    start = day * 1440 + minute
    inside = start <= probe < start + length or start <= probe + 7 * 1440 < start + length
    moment = MONDAY + timedelta(weeks=1, minutes=probe)
    assert restriction(windows).allows(moment) == inside


def test_daily_span_past_midnight_and_a_whole_week() -> None:
    assert daily_span(time(18), timedelta(hours=16)) == [{"days": "all", "start": "18:00", "end": "10:00"}]
    assert weekly_span(4, time(18), timedelta(hours=64)) == [
        {"days": ["fri", "sat"], "start": "18:00", "end": "18:00"}, {"days": ["sun"], "start": "18:00", "end": "10:00"}]
    assert weekly_span(0, time(0), timedelta(weeks=1)) == []


def test_names_are_valid_and_unique_and_remember_vendor_ids() -> None:
    namer = Namer()
    assert namer.name("Daily Engineering Rotation", "P1") == "daily-engineering-rotation"
    assert namer.name("daily engineering rotation!", "P2") == "daily-engineering-rotation-2"
    assert namer.name("anything", "P1") == "daily-engineering-rotation"
    assert slug("  ---  ") == "imported" and slug("Ümlaut Team") == "umlaut-team"


def test_report_lists_findings_by_kind_once_each() -> None:
    report = Report("Opsgenie")
    report.count("schedules", 2)
    report.add("unmapped", "heartbeat nightly", "every 1 days", "Firebreak has no heartbeat monitor")
    report.add("unmapped", "heartbeat nightly", "every 1 days", "Firebreak has no heartbeat monitor")
    report.add("action", "integration API", "API", "point the sender at POST /v2/alerts")
    text = report.to_markdown()
    assert "Imported: 2 schedules." in text
    assert "## Not imported (1)\n\n- **heartbeat nightly** — every 1 days: Firebreak has no heartbeat monitor" in text
    assert "## To do by hand (1)" in text and "Imported with a difference" not in text
    assert report.to_json()["findings"][1] == {"kind": "action", "subject": "integration API", "item": "API",
                                               "reason": "point the sender at POST /v2/alerts"}

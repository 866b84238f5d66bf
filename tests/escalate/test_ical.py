"""iCalendar: exporting a schedule's turns and reading a feed (with recurrences) as a layer."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from firebreak.escalate.ical import CalendarSource, export_calendar, parse_calendar
from firebreak.escalate.layer import Layer
from firebreak.escalate.rotation import Rotation, first_handoff
from firebreak.escalate.schedule import Schedule

LONDON = ZoneInfo("Europe/London")

FEED = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Example//EN
BEGIN:VEVENT
UID:weekday@example
SUMMARY:Ann Example
DTSTART;TZID=Europe/London:20240101T090000
DTEND;TZID=Europe/London:20240101T170000
RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR
END:VEVENT
BEGIN:VEVENT
UID:weekend@example
SUMMARY:Weekend cover
ATTENDEE:mailto:bob@example.com
DTSTART;VALUE=DATE:20240106
DTEND;VALUE=DATE:20240108
RRULE:FREQ=WEEKLY
END:VEVENT
BEGIN:VEVENT
UID:stranger@example
SUMMARY:Somebody Else
DTSTART:20240103T200000Z
DTEND:20240103T210000Z
END:VEVENT
END:VCALENDAR
"""

ALIASES = {"ann example": "ann", "bob@example.com": "bob"}


def source() -> CalendarSource:
    return CalendarSource(parse_calendar(FEED), ALIASES, LONDON)


def test_feed_events_name_users_by_summary_or_attendee_with_recurrence_and_dst() -> None:
    feed = source()
    assert feed.user_at(datetime(2024, 1, 10, 9, tzinfo=UTC)) == "ann"
    assert feed.user_at(datetime(2024, 7, 10, 8, tzinfo=UTC)) == "ann"  # 09:00 BST
    assert feed.user_at(datetime(2024, 7, 10, 16, tzinfo=UTC)) is None  # 17:00 BST
    assert feed.user_at(datetime(2024, 1, 13, 12, tzinfo=UTC)) == "bob"  # all-day weekend event
    assert feed.user_at(datetime(2024, 1, 3, 20, 30, tzinfo=UTC)) is None
    assert feed.unknown_names(datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 8, tzinfo=UTC)) == [
        "Somebody Else"]


def test_feed_as_a_layer_over_a_rotation() -> None:
    base = Rotation(("zed",), timedelta(weeks=1), first_handoff(date(2024, 1, 1), time(9), 0), LONDON)
    plan = Schedule("mixed", LONDON, (Layer("base", base), Layer("feed", source())))
    start = datetime(2024, 1, 8, tzinfo=UTC)
    segments = plan.timeline(start, start + timedelta(days=7))
    assert [s.user for s in segments[:3]] == ["zed", "ann", "zed"]
    assert segments[1].start == datetime(2024, 1, 8, 9, tzinfo=UTC)
    assert segments[1].end == datetime(2024, 1, 8, 17, tzinfo=UTC)
    assert any(s.user == "bob" and s.reason == "layer:feed" for s in segments)


def test_export_round_trips_through_the_import_side() -> None:
    rotation = Rotation(("ann", "bob"), timedelta(days=1), datetime(2024, 3, 25, 9), LONDON)
    plan = Schedule("primary", LONDON, (Layer("base", rotation),))
    start = datetime(2024, 3, 28, tzinfo=UTC)
    segments = plan.timeline(start, start + timedelta(days=6))
    document = export_calendar("primary", segments, stamp=start, emails={"ann": "ann@example.com"})
    calendar = icalendar.Calendar.from_ical(document)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(segments)
    assert {str(e["uid"]) for e in events} == {f"primary-{s.start:%Y%m%dT%H%M%SZ}@firebreak" for s in segments}
    back = CalendarSource(calendar, {"ann@example.com": "ann", "on call: bob (bob)": "bob"}, LONDON)
    for segment in segments:
        assert back.user_at(segment.start) == segment.user
    # the handoff after the spring change is at 09:00 BST = 08:00 UTC
    assert any(e.decoded("dtstart") == datetime(2024, 3, 31, 8, tzinfo=UTC) for e in events)


def test_garbage_is_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="iCalendar"):
        parse_calendar("this is not a calendar")

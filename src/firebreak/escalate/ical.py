"""Escalate: iCalendar in and out — export a schedule's turns, read a feed as a layer's turn source."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from firebreak.escalate.rotation import to_utc
from firebreak.escalate.schedule import Segment

PRODID = "-//Firebreak//On-call schedule//EN"


def export_calendar(name: str, segments: Sequence[Segment], *, stamp: datetime,
                    display: Mapping[str, str] | None = None,
                    emails: Mapping[str, str] | None = None) -> bytes:
    """An iCalendar document with one event per on-call turn (gaps are left out)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"On call: {name}")
    for segment in segments:
        if segment.user is None:
            continue
        event = icalendar.Event()
        who = (display or {}).get(segment.user, segment.user)
        event.add("uid", f"{name}-{segment.start.astimezone(UTC):%Y%m%dT%H%M%SZ}@firebreak")
        event.add("summary", f"On call: {who} ({segment.user})")
        event.add("dtstart", segment.start.astimezone(UTC))
        event.add("dtend", segment.end.astimezone(UTC))
        event.add("dtstamp", stamp.astimezone(UTC))
        event.add("categories", [name])
        event.add("description", f"{segment.user} is on call for {name} ({segment.reason})")
        email = (emails or {}).get(segment.user)
        if email:
            event.add("attendee", f"mailto:{email}")
        calendar.add_component(event)
    return calendar.to_ical()


def parse_calendar(text: str | bytes) -> icalendar.Calendar:
    """Parse an iCalendar document; raises ValueError with the parser's reason when it is not one."""
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except (ValueError, KeyError, IndexError) as exc:
        raise ValueError(f"not an iCalendar document: {exc}") from exc
    if not isinstance(calendar, icalendar.Calendar):
        raise ValueError("not an iCalendar document: no VCALENDAR")
    return calendar


class CalendarSource:
    """Turns read from an iCalendar feed; each event's summary or attendee names a user.

    `aliases` maps lower-cased names, handles and e-mail addresses to user handles; events naming
    nobody known hold no one on call.
    """

    def __init__(self, calendar: icalendar.Calendar, aliases: Mapping[str, str], tz: ZoneInfo) -> None:
        self._query = recurring_ical_events.of(calendar)
        self._aliases = {key.lower(): value for key, value in aliases.items()}
        self._tz = tz

    def user_at(self, moment: datetime) -> str | None:
        for user, start, end in self._turns(moment, moment + timedelta(seconds=1)):
            if start <= moment < end and user is not None:
                return user
        return None

    def breakpoints(self, start: datetime, end: datetime) -> Iterator[datetime]:
        for _user, begin, finish in self._turns(start, end):
            for edge in (begin, finish):
                if start < edge < end:
                    yield edge

    def unknown_names(self, start: datetime, end: datetime) -> list[str]:
        """Event summaries in [start, end) that map to no user (for warnings)."""
        names = []
        for event in self._query.between(start, end):
            if self._user_of(event) is None:
                names.append(str(event.get("summary", "")))
        return sorted(set(names))

    def _turns(self, start: datetime, end: datetime) -> Iterator[tuple[str | None, datetime, datetime]]:
        for event in self._query.between(start, end):
            begin = self._instant(event.get("dtstart").dt)
            finish_prop = event.get("dtend")
            finish = self._instant(finish_prop.dt) if finish_prop is not None else begin
            yield self._user_of(event), begin, finish

    def _instant(self, value: date | datetime) -> datetime:
        if isinstance(value, datetime):
            if value.tzinfo is None:
                return to_utc(value, self._tz)
            return value.astimezone(UTC)
        return to_utc(datetime.combine(value, datetime.min.time()), self._tz)

    def _user_of(self, event: icalendar.Event) -> str | None:
        candidates = [str(event.get("summary", "")).strip()]
        attendees = event.get("attendee") or []
        if not isinstance(attendees, list):
            attendees = [attendees]
        for attendee in [*attendees, event.get("organizer")]:
            if attendee is not None:
                candidates.append(str(attendee).removeprefix("mailto:").removeprefix("MAILTO:"))
        for candidate in candidates:
            user = self._aliases.get(candidate.lower())
            if user is not None:
                return user
        return None

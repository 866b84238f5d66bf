"""Migrate: Opsgenie schedules (REST API v2) as Firebreak schedules, one per rotation. Pure.

Opsgenie notifies everyone on call in any rotation of a schedule together, while a Firebreak
schedule names one person at a time: each rotation becomes its own schedule (`<schedule>-<rotation>`,
or just `<schedule>` when there is one), and a policy rule that pages the schedule pages all of
them. A rotation's turns of `length` hours, days or weeks count from its `startDate` on the local
wall clock of the schedule's time zone; `endDate` ends it; time restrictions limit it to windows
while turns keep counting. A participant of type `none` is a turn with nobody on call.
"""

from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

from firebreak.migrate.bundle import VendorObject
from firebreak.migrate.draft import Draft, Section
from firebreak.migrate.windows import daily_span, instant_text, parse_instant, rotation_fields, weekly_span

UNITS = {"hourly": timedelta(hours=1), "daily": timedelta(days=1), "weekly": timedelta(weeks=1)}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ALL_DAY = [{"days": "all", "start": "00:00", "end": "00:00"}]


def map_schedule(item: VendorObject, draft: Draft, overrides: list[VendorObject]) -> list[Section]:
    """One Opsgenie schedule as one Firebreak schedule per rotation (empty when nothing can be used)."""
    subject = f"schedule {item.get('id')} ({item.get('name')})"
    tz_name, tz = draft.time_zone(item.get("timezone"), subject)
    rotations = [rotation for rotation in item.get("rotations") or [] if isinstance(rotation, dict)]
    if not rotations:
        draft.report.add("unmapped", subject, "rotations", "the object carries none (a list fetched without "
                         "expand=rotation, or an empty schedule)")
        return []
    if item.get("enabled") is False:
        draft.report.add("note", subject, "disabled", "imported anyway; Opsgenie did not page through it")
    base = str(item.get("name") or item.get("id") or "schedule")
    out = []
    for rotation in rotations:
        name = base if len(rotations) == 1 else f"{base}-{rotation.get('name') or rotation.get('id')}"
        layer = map_rotation(rotation, draft, tz, subject)
        if layer is None:
            continue
        schedule: Section = {"name": draft.schedule_namer.name(name, fallback="schedule"), "time_zone": tz_name}
        if item.get("description"):
            schedule["description"] = str(item["description"])
        schedule["layers"] = [layer]
        mapped = [o for o in (map_override(o, rotation, draft, subject) for o in overrides) if o]
        if mapped:
            schedule["overrides"] = mapped
        draft.add_schedule(str(item.get("id") or base), schedule)
        out.append(schedule)
    if len(out) > 1:
        draft.report.add("note", subject, "rotations", f"one Firebreak schedule per rotation ({len(out)}); a rule "
                         "that notifies the schedule notifies all of them, as Opsgenie does")
    return out


def map_rotation(rotation: VendorObject, draft: Draft, tz: ZoneInfo, subject: str) -> Section | None:
    label = f"rotation {rotation.get('name') or rotation.get('id')}"
    unit = UNITS.get(str(rotation.get("type")))
    start = parse_instant(rotation.get("startDate"))
    length = int(rotation.get("length") or 1)
    if unit is None or start is None or length < 1:
        draft.report.add("unmapped", subject, label, f"rotation type {rotation.get('type')!r} without a start")
        return None
    users = [participant_user(p, draft, subject, label) for p in rotation.get("participants") or []]
    if not any(users):
        draft.report.add("unmapped", subject, label, "no user among the participants")
        return None
    if start.second or start.microsecond:
        draft.report.add("approximated", subject, f"{label} start",
                         "seconds dropped; Firebreak hands off on the minute")
    layer: Section = {"name": "rotation", "rotation": rotation_fields(users, unit * length, start, tz)}
    windows = restriction_windows(rotation.get("timeRestriction"), draft, subject, label)
    if windows:
        layer["restrictions"] = windows
    layer["since"] = instant_text(start)
    end = parse_instant(rotation.get("endDate"))
    if end is not None:
        layer["until"] = instant_text(end)
    return layer


def participant_user(participant: VendorObject, draft: Draft, subject: str, label: str) -> str | None:
    kind = participant.get("type")
    if kind == "user" and participant.get("id"):
        username = participant.get("username") or participant.get("name")
        return draft.user(str(participant["id"]), email=username, name=username, by_reference=True)
    if kind == "none":
        return None
    draft.report.add("unmapped", subject, f"{label} participant {participant.get('name') or participant.get('id')}",
                     f"a participant of type {kind!r}: a Firebreak turn is held by one person, so that turn has "
                     "nobody on call")
    return None


def restriction_windows(restriction: VendorObject | None, draft: Draft, subject: str, label: str) -> list[Section]:
    if not restriction:
        return []
    kind = restriction.get("type")
    items = restriction.get("restrictions") or ([restriction["restriction"]] if restriction.get("restriction") else [])
    windows: list[Section] = []
    for part in items:
        start = time(int(part.get("startHour", 0)) % 24, int(part.get("startMin", 0)))
        end_minutes = int(part.get("endHour", 0)) * 60 + int(part.get("endMin", 0))
        start_minutes = start.hour * 60 + start.minute
        if kind == "time-of-day":
            length = timedelta(minutes=(end_minutes - start_minutes) % 1440 or 1440)
            windows += daily_span(start, length) or ALL_DAY
        elif kind == "weekday-and-time-of-day":
            try:
                first, last = WEEKDAYS.index(part["startDay"]), WEEKDAYS.index(part["endDay"])
            except (KeyError, ValueError):
                draft.report.add("unmapped", subject, f"{label} restriction", f"unreadable day in {part!r}")
                continue
            span = ((last * 1440 + end_minutes) - (first * 1440 + start_minutes)) % (7 * 1440) or 7 * 1440
            windows += weekly_span(first, start, timedelta(minutes=span)) or ALL_DAY
        else:
            draft.report.add("unmapped", subject, f"{label} restriction", f"unknown restriction type {kind!r}")
    return windows


def map_override(item: VendorObject, rotation: VendorObject, draft: Draft, subject: str) -> Section | None:
    """A schedule override (GET /v2/schedules/{id}/overrides), on the rotations it names (all when none)."""
    named = [str(r.get("id")) for r in item.get("rotations") or [] if r.get("id")]
    if named and str(rotation.get("id")) not in named:
        return None
    user = item.get("user") or {}
    start, end = parse_instant(item.get("startDate")), parse_instant(item.get("endDate"))
    if user.get("type", "user") != "user" or not user.get("id") or start is None or end is None or end <= start:
        draft.report.add("unmapped", subject, f"override {item.get('alias', '')}".strip(),
                         "only an override by one user with a start and an end can be imported")
        return None
    username = user.get("username") or user.get("name")
    return {"user": draft.user(str(user["id"]), email=username, name=username, by_reference=True),
            "start": instant_text(start), "end": instant_text(end),
            "reason": f"imported override {item.get('alias', '')}".strip()}


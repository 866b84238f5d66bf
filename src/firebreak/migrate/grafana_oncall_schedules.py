"""Migrate: Grafana OnCall schedules (public API v1) as Firebreak schedules. Pure.

A web or calendar schedule's on-call shifts become layers; a shift on a higher `level` wins, so
shifts are written lowest level first (Firebreak's later layers win). `rolling_users` groups take
turns of `interval` days or weeks handing off at the shift's start, and the shift's `duration`
(with `by_day`) limits each turn to its window; `override` shifts become overrides. An iCal
schedule becomes an iCalendar layer holding the feed's text (its overrides feed a layer above it).
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from firebreak.config.escalate import DAY_NAMES
from firebreak.migrate.bundle import Bundle, VendorObject
from firebreak.migrate.draft import Draft, Section
from firebreak.migrate.naming import Namer
from firebreak.migrate.windows import DAY, WEEK, instant_text, parse_instant, rotation_fields, weekly_span, zone

BY_DAY = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
UNITS = {"daily": DAY, "weekly": WEEK, "hourly": timedelta(hours=1)}


def map_schedule(item: VendorObject, shifts: list[VendorObject], bundle: Bundle, draft: Draft) -> None:
    subject = f"schedule {item.get('id')} ({item.get('name')})"
    tz_name, tz = draft.time_zone(item.get("time_zone"), subject)
    names = Namer()
    layers: list[Section] = []
    overrides: list[Section] = []
    if item.get("type") == "ical":
        layers += ical_layers(item, bundle, draft, subject, names)
    for shift in sorted(shifts, key=lambda s: int(s.get("level") or 0)):
        if shift.get("type") == "override":
            overrides += map_override(shift, draft, tz, subject)
        else:
            layer = map_shift(shift, draft, tz, subject, names)
            if layer is not None:
                layers.append(layer)
    if item.get("type") != "ical" and item.get("ical_url_overrides"):
        layers += ical_layers({**item, "ical_url_primary": None}, bundle, draft, subject, names)
    if not layers:
        draft.report.add("unmapped", subject, "the whole schedule", "no shift or calendar could be imported")
        return
    schedule: Section = {"name": draft.schedule_namer.name(item.get("name") or item.get("id") or "schedule",
                                                           fallback="schedule"), "time_zone": tz_name,
                         "layers": layers}
    if overrides:
        schedule["overrides"] = overrides
    draft.add_schedule(str(item.get("id")), schedule)


def ical_layers(item: VendorObject, bundle: Bundle, draft: Draft, subject: str, names: Namer) -> list[Section]:
    """The primary and overrides feeds, from `<schedule id>.ics` / `<schedule id>.overrides.ics` beside the JSON
    (or fetched from the schedule's URLs)."""
    layers = []
    for key, suffix, label in (("ical_url_primary", ".ics", "calendar"),
                               ("ical_url_overrides", ".overrides.ics", "calendar-overrides")):
        if not item.get(key):
            continue
        text = bundle.extra.get(f"{item.get('id')}{suffix}")
        if text is None:
            draft.report.add("unmapped", subject, key.replace("_", " "),
                             f"the feed was not read: put it beside the JSON as {item.get('id')}{suffix} "
                             "(or import with --token, which fetches it)")
            continue
        layers.append({"name": names.name(label), "ical": text})
    if layers:
        draft.report.add("note", subject, "iCal", "calendar events name users by handle, name or e-mail address")
    return layers


def shift_users(shift: VendorObject, draft: Draft, subject: str, label: str) -> list[str | None]:
    """One person per turn: each rolling group's first user (a group of several is on call together)."""
    groups = shift.get("rolling_users") or [[user] for user in shift.get("users") or []]
    if shift.get("type") != "rolling_users" and len(shift.get("users") or []) > 1:
        groups = [shift["users"]]
    users: list[str | None] = []
    for group in groups:
        if not group:
            users.append(None)
            continue
        if len(group) > 1:
            draft.report.add("approximated", subject, label, f"{len(group)} users are on call together in one turn; "
                             "a Firebreak schedule names one person, the first")
        users.append(draft.user(str(group[0]), by_reference=True))
    first = int(shift.get("start_rotation_from_user_index") or 0)
    if users and first:
        users = users[first % len(users):] + users[:first % len(users)]
    return users


def map_shift(shift: VendorObject, draft: Draft, tz: ZoneInfo, subject: str, names: Namer) -> Section | None:
    label = f"shift {shift.get('name') or shift.get('id')}"
    shift_tz = zone(shift.get("time_zone")) or ZoneInfo("UTC")
    start = parse_instant(shift.get("start"), shift_tz)
    begin = parse_instant(shift.get("rotation_start"), shift_tz) or start
    length = timedelta(seconds=int(shift.get("duration") or 0))
    users = shift_users(shift, draft, subject, label)
    if start is None or begin is None or length <= timedelta(0) or not any(users):
        draft.report.add("unmapped", subject, label, "no start, duration or users")
        return None
    layer: Section = {"name": names.name(shift.get("name") or "shift", fallback="shift")}
    if shift.get("type") == "single_event":
        layer["rotation"] = rotation_fields(users[:1], WEEK, start, tz)
        layer["since"], layer["until"] = instant_text(start), instant_text(start + length)
        return layer
    frequency, interval = str(shift.get("frequency") or ""), int(shift.get("interval") or 1)
    unit = UNITS.get(frequency)
    days = [BY_DAY[day] for day in shift.get("by_day") or [] if day in BY_DAY]
    if unit is None or shift.get("by_month") or shift.get("by_monthday"):
        draft.report.add("unmapped", subject, label, f"frequency {frequency or 'none'} (or by month): Firebreak turns "
                         "repeat hourly, daily or weekly")
        return None
    every = unit * interval
    local = start.astimezone(tz)  # restriction windows are read in the schedule's time zone
    windows: list[Section] | None
    if length >= every and not days:
        windows = []
    elif frequency == "daily" and interval == 1 and length <= DAY and (not days or len(users) == 1):
        end = (local + length).strftime("%H:%M")
        chosen = [DAY_NAMES[day] for day in sorted(days)] if days else "all"
        windows = [{"days": chosen, "start": local.strftime("%H:%M"), "end": end}] if length < DAY else \
            [{"days": chosen, "start": local.strftime("%H:%M"), "end": local.strftime("%H:%M")}]
    elif frequency == "weekly" and interval == 1 and length <= DAY and days:
        end = (local + length).strftime("%H:%M")
        windows = [{"days": [DAY_NAMES[day] for day in sorted(days)], "start": local.strftime("%H:%M"), "end": end}]
    elif frequency == "weekly" and interval == 1 and not days:
        windows = weekly_span(local.weekday(), local.time(), length)
    else:
        windows = None
    if windows is None:
        draft.report.add("unmapped", subject, label, f"{frequency} every {interval} for {length} on "
                         f"{shift.get('by_day') or 'every day'}: turns Firebreak cannot hold in one rotation")
        return None
    layer["rotation"] = rotation_fields(users, every, start, shift_tz)
    if shift_tz.key != tz.key:
        layer["rotation"]["time_zone"] = shift_tz.key
    if windows:
        layer["restrictions"] = windows
        if shift_tz.key != tz.key:
            draft.report.add("approximated", subject, f"{label} windows", f"restrictions are read in the schedule's "
                             f"time zone {tz.key}, not the shift's {shift_tz.key}")
    layer["since"] = instant_text(start)
    until = parse_instant(shift.get("until"), shift_tz)
    if until is not None:
        layer["until"] = instant_text(until)
    return layer


def map_override(shift: VendorObject, draft: Draft, tz: ZoneInfo, subject: str) -> list[Section]:
    start = parse_instant(shift.get("start"), zone(shift.get("time_zone")) or ZoneInfo("UTC"))
    length = timedelta(seconds=int(shift.get("duration") or 0))
    users = [user for user in shift_users(shift, draft, subject, f"override {shift.get('id')}") if user]
    if start is None or length <= timedelta(0) or not users:
        draft.report.add("unmapped", subject, f"override {shift.get('id')}", "no start, duration or user")
        return []
    return [{"user": users[0], "start": instant_text(start), "end": instant_text(start + length),
             "reason": f"imported override {shift.get('id')}"}]

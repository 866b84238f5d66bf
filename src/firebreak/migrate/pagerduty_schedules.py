"""Migrate: PagerDuty schedules (REST API v2 layers, v3 rotations) as Firebreak schedules. Pure.

PagerDuty lists a schedule's layers highest first and a higher layer wins wherever it has someone
on call; Firebreak's later layers win, so the order is reversed. A layer's turns count from its
`rotation_virtual_start` in turns of `rotation_turn_length_seconds`, handing off at the same local
time in the schedule's time zone; its `start`/`end` bound when it is in force, and restrictions
(daily, weekly) limit it to windows, while turns keep counting behind them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from firebreak.config.escalate import DAY_NAMES
from firebreak.migrate.bundle import VendorObject
from firebreak.migrate.draft import Draft, Section
from firebreak.migrate.naming import Namer
from firebreak.migrate.windows import (
    DAY,
    WEEK,
    daily_span,
    instant_text,
    parse_instant,
    rotation_fields,
    weekly_span,
    whole_minutes,
)

RRULE_DAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}


def schedule_subject(item: VendorObject) -> str:
    name = item.get("name") or item.get("summary") or ""
    return f"schedule {item.get('id') or name} ({name})" if item.get("id") else f"schedule {name}"


def map_schedule(item: VendorObject, draft: Draft, overrides: list[VendorObject]) -> Section | None:
    """One PagerDuty schedule as one Firebreak schedule (None when nothing of it can be used)."""
    subject = schedule_subject(item)
    tz_name, tz = draft.time_zone(item.get("time_zone"), subject)
    vendor_id = str(item.get("id") or item.get("name") or "schedule")
    schedule: Section = {"name": draft.schedule_namer.name(item.get("name") or vendor_id, fallback="schedule"),
                         "time_zone": tz_name}
    if item.get("description"):
        schedule["description"] = str(item["description"])
    layer_names = Namer()
    if item.get("schedule_layers"):
        layers = [layer for layer in (map_layer(layer, draft, tz, subject, layer_names)
                                      for layer in reversed(item["schedule_layers"])) if layer]
    else:
        layers = [layer for rotation in reversed(item.get("rotations") or [])
                  for layer in map_rotation(rotation, draft, tz, subject, layer_names)]
        if len(item.get("rotations") or []) > 1:
            draft.report.add("approximated", subject, "rotations",
                             "several v3 rotations overlap: read like v2 layers, the first listed wins")
    if not layers:
        draft.report.add("unmapped", subject, "the whole schedule", "no layer or rotation could be imported")
        return None
    schedule["layers"] = layers
    mapped = [override for override in (map_override(o, draft, subject) for o in overrides) if override]
    if mapped:
        schedule["overrides"] = mapped
    draft.add_schedule(vendor_id, schedule)
    return schedule


def map_layer(layer: VendorObject, draft: Draft, tz: ZoneInfo, subject: str, names: Namer) -> Section | None:
    label = f"layer {layer.get('name') or layer.get('id')}"
    users = [draft.user(str(entry["user"]["id"]), name=entry["user"].get("summary") or entry["user"].get("name"),
                        by_reference=True)
             for entry in layer.get("users") or [] if isinstance(entry.get("user"), dict) and entry["user"].get("id")]
    if not users:
        draft.report.add("unmapped", subject, label, "the layer has no users")
        return None
    start = parse_instant(layer.get("rotation_virtual_start") or layer.get("start"), tz)
    seconds = layer.get("rotation_turn_length_seconds")
    if start is None or not isinstance(seconds, int) or seconds < 60:
        draft.report.add("unmapped", subject, label, "no rotation_virtual_start or a turn shorter than a minute")
        return None
    every = timedelta(seconds=seconds)
    check_clock(draft, subject, label, start, every, tz)
    out: Section = {"name": names.name(layer.get("name") or "layer", fallback="layer"),
                    "rotation": rotation_fields(list(users), every, start, tz)}
    windows: list[Section] = []
    for restriction in layer.get("restrictions") or []:
        windows += restriction_windows(restriction, draft, subject, label)
    if windows:
        out["restrictions"] = windows
    since, until = parse_instant(layer.get("start"), tz), parse_instant(layer.get("end"), tz)
    if since is not None:
        out["since"] = instant_text(since)
    if until is not None:
        out["until"] = instant_text(until)
    return out


def check_clock(draft: Draft, subject: str, label: str, start: datetime, every: timedelta, tz: ZoneInfo) -> None:
    """Note what Firebreak's rotation arithmetic cannot hold exactly."""
    if start.second or start.microsecond:
        draft.report.add("approximated", subject, f"{label} handoff",
                         f"{start.isoformat()} has seconds; Firebreak hands off on the minute")
    if not whole_minutes(every):
        draft.report.add("approximated", subject, f"{label} turn length",
                         f"{every.total_seconds():.0f}s is rounded down to whole minutes")
    if every % DAY and has_daylight_saving(tz):
        draft.report.add("note", subject, f"{label} turn length",
                         f"turns of {every} are counted on the local wall clock of {tz.key}, so a turn that "
                         "spans a daylight-saving change is an hour shorter or longer")


def has_daylight_saving(tz: ZoneInfo) -> bool:
    offsets = {datetime(2025, month, 1, tzinfo=tz).utcoffset() for month in (1, 7)}
    return len(offsets) > 1


def restriction_windows(restriction: VendorObject, draft: Draft, subject: str, label: str) -> list[Section]:
    kind = restriction.get("type")
    try:
        hour, minute, second = (int(part) for part in str(restriction["start_time_of_day"]).split(":"))
        length = timedelta(seconds=int(restriction["duration_seconds"]))
    except (KeyError, ValueError, TypeError):
        draft.report.add("unmapped", subject, f"{label} restriction", f"unreadable restriction {restriction!r}")
        return []
    if second or not whole_minutes(length):
        draft.report.add("approximated", subject, f"{label} restriction",
                         "seconds in a restriction are dropped; Firebreak windows are whole minutes")
    start = datetime(2000, 1, 1, hour, minute).time()
    if kind == "daily_restriction":
        return daily_span(start, length) or [{"days": "all", "start": "00:00", "end": "00:00"}]
    if kind == "weekly_restriction":
        day = int(restriction.get("start_day_of_week") or 1) - 1  # PagerDuty: 1 = Monday … 7 = Sunday
        return weekly_span(day, start, length) or [{"days": "all", "start": "00:00", "end": "00:00"}]
    draft.report.add("unmapped", subject, f"{label} restriction", f"unknown restriction type {kind!r}")
    return []


def map_rotation(rotation: VendorObject, draft: Draft, tz: ZoneInfo, subject: str, names: Namer) -> list[Section]:
    """A v3 rotation: one layer per event whose recurrence Firebreak's rotations can hold."""
    layers = []
    for event in rotation.get("events") or []:
        label = f"rotation {rotation.get('id')} event {event.get('name') or event.get('id')}"
        layer = map_event(event, draft, tz, subject, label, names)
        if layer is not None:
            layers.append(layer)
    return layers


def parse_rrule(lines: list[str]) -> dict[str, str]:
    text = next((line for line in lines if line.upper().startswith("RRULE:")), "")
    return dict(part.split("=", 1) for part in text[6:].upper().split(";") if "=" in part)


def map_event(event: VendorObject, draft: Draft, tz: ZoneInfo, subject: str, label: str,
              names: Namer) -> Section | None:
    rule = parse_rrule(event.get("recurrence") or [])
    start = parse_instant((event.get("start_time") or {}).get("date_time"), tz)
    end = parse_instant((event.get("end_time") or {}).get("date_time"), tz)
    strategy = event.get("assignment_strategy") or {}
    members = [draft.user(str(member["user_id"]), by_reference=True)
               for member in strategy.get("members") or [] if member.get("user_id")]
    if start is None or end is None or end <= start or not members:
        draft.report.add("unmapped", subject, label, "no start and end time or no members")
        return None
    frequency, interval = rule.get("FREQ", ""), int(rule.get("INTERVAL", "1"))
    days = [RRULE_DAYS[day[-2:]] for day in rule.get("BYDAY", "").split(",") if day[-2:] in RRULE_DAYS]
    local = start.astimezone(tz)
    length = end - start
    if frequency not in ("DAILY", "WEEKLY") or interval != 1 or length > DAY:
        draft.report.add("unmapped", subject, label, f"recurrence {rule or 'none'} over {length}: Firebreak "
                         "imports daily or weekly events of at most a day")
        return None
    if strategy.get("type") == "every_member_assignment_strategy" and len(members) > 1:
        draft.report.add("approximated", subject, label, "every member is on call together; Firebreak's schedule "
                         f"names one person: {members[0]} only")
        members = members[:1]
    every = turn_of(frequency, days, int(strategy.get("shifts_per_member") or 1), len(members))
    if every is None:
        draft.report.add("unmapped", subject, label, "members take turns per occurrence on uneven days "
                         f"({rule.get('BYDAY')}); Firebreak's turns have one length")
        return None
    windows = [{"days": [DAY_NAMES[day] for day in sorted(days)] if days else "all",
                "start": local.strftime("%H:%M"), "end": end.astimezone(tz).strftime("%H:%M")}]
    if frequency == "WEEKLY" and not days:
        windows = weekly_span(local.weekday(), local.time(), length)
    out: Section = {"name": names.name(event.get("name") or "rotation", fallback="rotation"),
                    "rotation": rotation_fields(list(members), every, start, tz)}
    if length < DAY:
        out["restrictions"] = windows
    for key, field in (("effective_since", "since"), ("effective_until", "until")):
        moment = parse_instant(event.get(key), tz)
        if moment is not None:
            out[field] = instant_text(moment)
    return out


def turn_of(frequency: str, days: list[int], shifts: int, members: int) -> timedelta | None:
    """How long one member's turn lasts, when it has one length."""
    if members == 1:
        return DAY
    if frequency == "DAILY" and (not days or len(days) == 7):
        return DAY * shifts
    if frequency == "WEEKLY" and len(days) <= 1:
        return WEEK * shifts
    return None


def map_override(item: VendorObject, draft: Draft, subject: str) -> Section | None:
    user = item.get("user") or {}
    start, end = parse_instant(item.get("start")), parse_instant(item.get("end"))
    if not user.get("id") or start is None or end is None or end <= start:
        draft.report.add("unmapped", subject, f"override {item.get('id', '')}".strip(), "no user, start or end")
        return None
    handle = draft.user(str(user["id"]), name=user.get("summary") or user.get("name"), by_reference=True)
    return {"user": handle, "start": instant_text(start), "end": instant_text(end),
            "reason": f"imported override {item.get('id', '')}".strip()}


def is_schedule(item: Any) -> bool:
    return isinstance(item, dict) and ("schedule_layers" in item or
                                       (item.get("type") == "schedule_v3" and "rotations" in item))

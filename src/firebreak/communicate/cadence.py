"""Communicate: when updates are due and who is reminded (pure: values and `now` in, a decision out).

Seed 002: the initial update within 5 minutes, then every 15 minutes at SEV1, 30 at SEV2, hourly at
SEV3, as needed at SEV4 (no cadence: nobody is reminded). Seed 004: leadership every 30 minutes.
An overdue update is reminded at once and again every `remind_every` until one is posted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

# Who is reminded, in order: the first of them Firebreak can reach gets the reminder.
REMIND_ROLES = ("communications_lead", "incident_commander", "on_call_engineer")


@dataclass(frozen=True, slots=True)
class Timing:
    """Where a cadence stands: `due_at` is when the update is due, `next_due_at` when the timer acts."""

    status: str  # active, paused
    every: timedelta | None
    due_at: datetime | None
    next_due_at: datetime | None


PAUSED = Timing("paused", None, None, None)


def first_update(every: timedelta | None, *, opened_at: datetime, initial_within: timedelta) -> Timing:
    """A new incident: the initial update is due `initial_within` of opening (only when its severity has a cadence)."""
    if every is None:
        return PAUSED
    due = opened_at + initial_within
    return Timing("active", every, due, due)


def after_update(every: timedelta | None, *, posted_at: datetime, promised: datetime | None = None) -> Timing:
    """An update was posted: the next is due when it promised, else one cadence later."""
    if every is None:
        return PAUSED
    due = promised or posted_at + every
    return Timing("active", every, due, due)


def retimed(every: timedelta | None, *, last_update_at: datetime | None, opened_at: datetime,
            initial_within: timedelta) -> Timing:
    """The severity changed: the next update is due one new cadence after the last one (or the initial
    update's deadline when there was none); already past means overdue now."""
    if every is None:
        return PAUSED
    due = last_update_at + every if last_update_at is not None else opened_at + initial_within
    return Timing("active", every, due, due)


def next_reminder(now: datetime, remind_every: timedelta) -> datetime:
    """When an overdue update is reminded again."""
    return now + remind_every


def first_brief(every: timedelta, *, since: datetime, initial_within: timedelta) -> Timing:
    """A stakeholder list starts following an incident: the first summary once the initial update is due."""
    due = since + initial_within
    return Timing("active", every, due, due)


def next_brief(due: datetime, every: timedelta, now: datetime) -> datetime:
    """The next summary after the one due at `due`; summaries missed while nobody ran are not sent twice."""
    following = due + every
    while following <= now:
        following += every
    return following


@dataclass(frozen=True, slots=True)
class Candidate:
    """Someone who may be reminded and why."""

    handle: str
    why: str


def reminder_candidates(roles: Mapping[str, str], *, acknowledged_by: str | None,
                        on_call: Sequence[str]) -> list[Candidate]:
    """The communications lead, else the incident commander, else whoever is on call, in that order."""
    found: list[Candidate] = []
    seen: set[str] = set()

    def add(handle: str | None, why: str) -> None:
        if handle and handle not in seen:
            seen.add(handle)
            found.append(Candidate(handle, why))

    for role in REMIND_ROLES:
        add(roles.get(role), role)
    add(acknowledged_by, "acknowledged the incident")
    for handle in on_call:
        add(handle, "on call")
    return found


def is_overdue(due_at: datetime | None, now: datetime) -> bool:
    return due_at is not None and due_at <= now

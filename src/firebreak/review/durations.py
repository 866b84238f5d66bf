"""Review: response durations of one incident from its milestones (pure).

The clock of every duration but "detect" starts when Firebreak opened the incident (it was
triggered); "detect" is the time from the first alert's own start (as the monitor reports it)
to that moment. An incident is mitigated when a fix was applied and it went to monitoring, or
when it resolved without that step.

- time to detect: triggered − first alert's start
- time to acknowledge: first acknowledgement (or investigation) − triggered
- time to mitigate: first monitoring (else resolved) − triggered
- time to resolve: resolved − triggered
- duration (impact): resolved − the problem's start (first alert's start, else triggered)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class Durations:
    """How long each part of the response took; None where the incident never got there."""

    started_at: datetime | None
    detect: timedelta | None
    acknowledge: timedelta | None
    mitigate: timedelta | None
    resolve: timedelta | None
    duration: timedelta | None


def mitigated_at(milestones: Mapping[str, datetime | None]) -> datetime | None:
    """When a fix took hold: the first move to monitoring, else the resolution."""
    return milestones.get("monitoring") or milestones.get("resolved")


def between(start: datetime | None, end: datetime | None) -> timedelta | None:
    """`end − start`, None when either is missing; never negative (clocks of senders drift)."""
    if start is None or end is None:
        return None
    return max(end - start, timedelta(0))


def durations_of(milestones: Mapping[str, datetime | None], first_alert_at: datetime | None) -> Durations:
    """The response durations of an incident with these milestones."""
    triggered = milestones.get("triggered")
    started = min((moment for moment in (first_alert_at, triggered) if moment is not None), default=None)
    resolved = milestones.get("resolved")
    return Durations(
        started_at=started,
        detect=between(first_alert_at, triggered),
        acknowledge=between(triggered, milestones.get("acknowledged")),
        mitigate=between(triggered, mitigated_at(milestones)),
        resolve=between(triggered, resolved),
        duration=between(started, resolved),
    )


def spoken(value: timedelta | None) -> str:
    """A duration as people say it: `5 min`, `1 h 5 min`, `2 d 3 h`, `45 s`; `-` when unknown."""
    if value is None:
        return "-"
    seconds = round(value.total_seconds())
    if seconds < 60:
        return f"{seconds} s"
    minutes, _ = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h" + (f" {minutes} min" if minutes else "")
    days, hours = divmod(hours, 24)
    return f"{days} d" + (f" {hours} h" if hours else "")

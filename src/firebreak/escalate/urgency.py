"""Escalate: urgency — whether an incident's severity pages now, notifies its team quietly, or is only recorded.

Pure: the severity's level, the support hours and `now` in, a decision out. A level whose
urgency is high in support hours but lower outside them pages when the next support window
starts (if the incident is still unacknowledged by then).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from firebreak.escalate.restriction import Restriction
from firebreak.route.severity import SeverityLevel, Urgency

LOOKAHEAD = timedelta(days=8)  # a weekly window always starts within this


@dataclass(frozen=True, slots=True)
class UrgencyDecision:
    """How to reach people now, why, and (when low only because of the hour) when paging starts."""

    urgency: Urgency
    reason: str
    pages_at: datetime | None = None

    @property
    def pages_now(self) -> bool:
        return self.urgency == "high"


def decide_urgency(level: SeverityLevel | None, severity: str | None, support_hours: Restriction | None,
                   now: datetime) -> UrgencyDecision:
    """The urgency of `severity` (whose scale level is `level`) at `now`."""
    if level is None:
        # A severity the scale does not know (or none at all) pages: silence must be chosen, not stumbled on.
        return UrgencyDecision("high", f"severity {severity or 'unset'} is not on the scale: paging to be safe")
    if support_hours is None or level.outside_support_hours is None:
        return UrgencyDecision(level.base_urgency, f"severity {level.name} has urgency {level.base_urgency}")
    if support_hours.allows(now):
        urgency = level.urgency_at(True)
        return UrgencyDecision(urgency, f"severity {level.name} has urgency {urgency} during support hours")
    urgency = level.urgency_at(False)
    reason = f"severity {level.name} has urgency {urgency} outside support hours"
    if level.base_urgency == "high" and urgency != "high":
        starts = next_support_window(support_hours, now)
        if starts is not None:
            return UrgencyDecision(urgency, f"{reason}; it pages when support hours start at {starts.isoformat()}",
                                   starts)
    return UrgencyDecision(urgency, reason)


def next_support_window(support_hours: Restriction, now: datetime) -> datetime | None:
    """When the next support window starts after `now` (None if none does within a week)."""
    for edge in sorted(support_hours.breakpoints(now, now + LOOKAHEAD)):
        if support_hours.allows(edge):
            return edge
    return None

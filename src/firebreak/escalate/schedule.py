"""Escalate: a schedule — stacked layers plus overrides, answering who is on call and when nobody is."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from firebreak.escalate.layer import Layer
from firebreak.escalate.override import Override, apply_overrides, override_breakpoints

GAP_HORIZON = timedelta(weeks=4)


@dataclass(frozen=True, slots=True)
class OnCall:
    """Who is on call at one moment and why ("layer:<name>", "override:<ref>" or "" for nobody)."""

    user: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch [start, end) during which the same person (or nobody) is on call."""

    start: datetime
    end: datetime
    user: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Schedule:
    """Layers listed later take precedence wherever they have someone on duty; overrides beat all."""

    name: str
    tz: ZoneInfo
    layers: tuple[Layer, ...]
    overrides: tuple[Override, ...] = field(default=())

    def base_at(self, moment: datetime) -> OnCall:
        """Who the layers alone put on call at `moment`."""
        for layer in reversed(self.layers):
            user = layer.user_at(moment)
            if user is not None:
                return OnCall(user, f"layer:{layer.name}")
        return OnCall(None, "")

    def on_call_at(self, moment: datetime, extra: Sequence[Override] = ()) -> OnCall:
        """Who is on call at `moment`, counting configured and `extra` (stored) overrides."""
        base = self.base_at(moment)
        override = apply_overrides((*self.overrides, *extra), moment, base.user)
        if override is not None:
            return OnCall(override.user, f"override:{override.ref}")
        return base

    def timeline(self, start: datetime, end: datetime, extra: Sequence[Override] = ()) -> list[Segment]:
        """The final on-call segments covering [start, end), adjacent equal turns merged."""
        overrides = (*self.overrides, *extra)
        points = {start, end}
        for layer in self.layers:
            points.update(layer.breakpoints(start, end))
        points.update(override_breakpoints(overrides, start, end))
        ordered = sorted(point for point in points if start <= point <= end)
        segments: list[Segment] = []
        for begin, finish in itertools.pairwise(ordered):
            who = self.on_call_at(begin, extra)
            if segments and segments[-1].user == who.user and segments[-1].reason == who.reason:
                segments[-1] = Segment(segments[-1].start, finish, who.user, who.reason)
            else:
                segments.append(Segment(begin, finish, who.user, who.reason))
        return segments

    def turn_at(self, moment: datetime, extra: Sequence[Override] = (),
                reach: timedelta = GAP_HORIZON) -> Segment:
        """The whole stretch around `moment` with the same person on call (looking `reach` each way)."""
        for segment in self.timeline(moment - reach, moment + reach, extra):
            if segment.start <= moment < segment.end:
                return segment
        raise AssertionError("timeline segments tile their range")  # pragma: no cover

    def turns(self, start: datetime, end: datetime, extra: Sequence[Override] = (),
              reach: timedelta = GAP_HORIZON) -> list[Segment]:
        """Segments overlapping [start, end), the first one not cut at `start` (stable calendar ids)."""
        return [segment for segment in self.timeline(start - reach, end, extra) if segment.end > start]

    def gaps(self, start: datetime, end: datetime | None = None,
             extra: Sequence[Override] = ()) -> list[Segment]:
        """Stretches in [start, end) when nobody is on call (default: the next four weeks)."""
        finish = end if end is not None else start + GAP_HORIZON
        return [segment for segment in self.timeline(start, finish, extra) if segment.user is None]

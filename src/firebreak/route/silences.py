"""Silences: label matchers plus a time range that mute matching alerts while active.

A silence is active on the half-open range [starts_at, ends_at): from its start instant
inclusive to its end instant exclusive. Expiring a silence sets its end to now.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from firebreak.route.decision import MatcherResult
from firebreak.route.matchers import Matcher, MatchOp, matches_all

SilenceState = Literal["pending", "active", "expired"]
UNUSED_AFTER = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Silence:
    """A silence as the route decision sees it (from the configuration file or the silences table)."""

    id: str
    matchers: tuple[Matcher, ...]
    starts_at: datetime
    ends_at: datetime
    created_by: str
    comment: str
    created_at: datetime | None = None
    last_matched_at: datetime | None = None

    def state(self, now: datetime) -> SilenceState:
        if now < self.starts_at:
            return "pending"
        if now < self.ends_at:
            return "active"
        return "expired"

    def is_active(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at

    def matches(self, labels: Mapping[str, str]) -> bool:
        """Whether every matcher holds; a silence without matchers matches nothing."""
        if not self.matchers:
            return False
        return matches_all(self.matchers, labels)

    def judge(self, labels: Mapping[str, str], trace: list[MatcherResult]) -> bool:
        verdict = bool(self.matchers)
        for matcher in self.matchers:
            matched = matcher.matches(labels)
            trace.append(MatcherResult(route=f"silence:{self.id}", matcher=str(matcher), matched=matched))
            verdict = verdict and matched
        return verdict


def validate_window(starts_at: datetime, ends_at: datetime) -> None:
    """Reject a silence whose end is not after its start; ValueError names the problem."""
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValueError("silence times must carry a time zone")
    if ends_at <= starts_at:
        raise ValueError(f"silence ends ({ends_at.isoformat()}) before or when it starts "
                         f"({starts_at.isoformat()})")


def matching_silences(silences: Iterable[Silence], labels: Mapping[str, str], now: datetime,
                      trace: list[MatcherResult] | None = None) -> list[Silence]:
    """The active silences that match `labels`, in the order given."""
    found: list[Silence] = []
    for silence in silences:
        if not silence.starts_at <= now < silence.ends_at:
            continue
        if trace is not None:
            if silence.judge(labels, trace):
                found.append(silence)
            continue
        # inlined Silence.matches: this loop runs for every silence on every alert
        for matcher in silence.matchers:
            if not matcher.matches(labels):
                break
        else:
            if silence.matchers:
                found.append(silence)
    return found


class SilenceIndex:
    """Silences arranged for fast matching: each one is filed under one of its `label="value"`
    matchers, so an alert only has to be checked against the silences filed under its own labels
    (plus the few that have no such matcher). Build it once per set of silences."""

    __slots__ = ("_by_pair", "_position", "_rest", "silences")

    def __init__(self, silences: Iterable[Silence]) -> None:
        self.silences = tuple(silences)
        self._by_pair: dict[tuple[str, str], list[Silence]] = {}
        self._rest: list[Silence] = []
        self._position: dict[int, int] = {}
        for position, silence in enumerate(self.silences):
            self._position[id(silence)] = position
            key = next(((m.name, m.value) for m in silence.matchers if m.op is MatchOp.EQ and m.value), None)
            if key is None:
                self._rest.append(silence)
            else:
                self._by_pair.setdefault(key, []).append(silence)

    def __len__(self) -> int:
        return len(self.silences)

    def matching(self, labels: Mapping[str, str], now: datetime,
                 trace: list[MatcherResult] | None = None) -> list[Silence]:
        """The active silences that match `labels`, in the order they were given."""
        if trace is not None:
            return matching_silences(self.silences, labels, now, trace)
        candidates = self._rest
        for pair in labels.items():
            filed = self._by_pair.get(pair)
            if filed:
                candidates = candidates + filed
        found = matching_silences(candidates, labels, now)
        if len(found) > 1:
            found.sort(key=lambda silence: self._position[id(silence)])
        return found


def expiring_soon(silences: Sequence[Silence], now: datetime, within: timedelta) -> list[Silence]:
    """Active silences that end within `within` from now (their authors should be warned)."""
    return [s for s in silences if s.is_active(now) and s.ends_at - now <= within]


def unused(silences: Sequence[Silence], now: datetime, idle: timedelta = UNUSED_AFTER) -> list[Silence]:
    """Active silences that have matched no alert for `idle` (counted from their start if never matched)."""
    found: list[Silence] = []
    for silence in silences:
        if not silence.is_active(now):
            continue
        since = silence.last_matched_at or max(silence.starts_at, silence.created_at or silence.starts_at)
        if now - since >= idle:
            found.append(silence)
    return found

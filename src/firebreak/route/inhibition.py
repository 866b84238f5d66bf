"""Inhibition with Alertmanager semantics: a firing source alert mutes matching target alerts.

A rule has source matchers, target matchers and `equal` labels. An alert is inhibited when it
matches the target matchers and some *other* firing alert matches the source matchers and has
the same value (a missing label counts as empty) for every `equal` label. As in Alertmanager,
when the target also matches the source matchers, sources that also match the target matchers
are ignored, so two alerts matching both sides never inhibit each other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from firebreak.ingest.alert import Alert
from firebreak.route.decision import MatcherResult
from firebreak.route.matchers import Matcher, matches_all


@dataclass(frozen=True, slots=True)
class InhibitRule:
    """One inhibition rule."""

    name: str
    source: tuple[Matcher, ...]
    target: tuple[Matcher, ...]
    equal: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Inhibition:
    """Which rule inhibits the alert, and the firing source alert responsible."""

    rule: InhibitRule
    source: Alert


def is_firing(alert: Alert, now: datetime) -> bool:
    """A source counts while it fires and has not passed its end time."""
    return alert.status == "firing" and (alert.ends_at is None or alert.ends_at > now)


def find_inhibition(rules: Sequence[InhibitRule], labels: Mapping[str, str], fingerprint: str,
                    firing: Sequence[Alert], now: datetime,
                    trace: list[MatcherResult] | None = None) -> Inhibition | None:
    """The first (rule, source) pair that inhibits an alert with `labels`, or None."""
    for rule in rules:
        if trace is not None:
            for matcher in rule.target:
                trace.append(MatcherResult(route=f"inhibit:{rule.name}", matcher=f"target {matcher}",
                                           matched=matcher.matches(labels)))
        if not matches_all(rule.target, labels):
            continue
        target_is_source = matches_all(rule.source, labels)
        wanted = [(name, labels.get(name, "")) for name in rule.equal]
        for source in firing:
            source_labels = source.labels
            # the cheap equal-label comparison first: most sources differ there
            for name, value in wanted:
                if source_labels.get(name, "") != value:
                    break
            else:
                if source.fingerprint == fingerprint or not is_firing(source, now):
                    continue
                if not matches_all(rule.source, source_labels):
                    continue
                if target_is_source and matches_all(rule.target, source_labels):
                    continue
                if trace is not None:
                    trace.append(MatcherResult(
                        route=f"inhibit:{rule.name}",
                        matcher=f"source {source.fingerprint} fires with equal {list(rule.equal)}",
                        matched=True))
                return Inhibition(rule=rule, source=source)
    return None

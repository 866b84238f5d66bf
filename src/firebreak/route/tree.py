"""The route tree: which routes an alert's labels select, walked the way Alertmanager walks it.

The root (default route) matches everything. Children are tried in order; the first child that
matches ends the search at that level unless it says `continue`, in which case its later
siblings are tried too. A route none of whose children match handles the alert itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from firebreak.route.decision import MatcherResult
from firebreak.route.matchers import Matcher, matches_all
from firebreak.route.thresholds import ImpactRule, SeverityRule


@dataclass(frozen=True, slots=True)
class RouteSettings:
    """What a route decides; None (or empty) means the route leaves it to others."""

    service: str | None = None
    team: str | None = None
    severity: str | None = None
    escalation_policy: str | None = None
    group_by: tuple[str, ...] | None = None
    severity_rules: tuple[SeverityRule, ...] = ()
    impact_rules: tuple[ImpactRule, ...] = ()


@dataclass(frozen=True, slots=True)
class RouteNode:
    """One compiled route. `settings` already include what it inherits from non-root ancestors."""

    name: str
    matchers: tuple[Matcher, ...] = ()
    continue_: bool = False
    children: tuple[RouteNode, ...] = ()
    settings: RouteSettings = RouteSettings()

    def matches(self, labels: Mapping[str, str]) -> bool:
        return matches_all(self.matchers, labels)

    def judge(self, labels: Mapping[str, str], trace: list[MatcherResult]) -> bool:
        """Like `matches`, but evaluates every matcher and records each result in `trace`."""
        verdict = True
        for matcher in self.matchers:
            matched = matcher.matches(labels)
            trace.append(MatcherResult(route=self.name, matcher=str(matcher), matched=matched))
            verdict = verdict and matched
        return verdict

    def walk(self) -> list[RouteNode]:
        """This route and all its descendants, depth first."""
        found = [self]
        for child in self.children:
            found.extend(child.walk())
        return found


def _select(node: RouteNode, labels: Mapping[str, str], trace: list[MatcherResult] | None,
            found: list[RouteNode]) -> bool:
    matched = node.matches(labels) if trace is None else node.judge(labels, trace)
    if not matched:
        return False
    before = len(found)
    for child in node.children:
        if _select(child, labels, trace, found) and not child.continue_:
            break
    if len(found) == before:
        found.append(node)
    return True


def select_routes(root: RouteNode, labels: Mapping[str, str],
                  trace: list[MatcherResult] | None = None) -> list[RouteNode]:
    """The routes that handle an alert with `labels`, in order (the root when nothing else matches).

    When `trace` is a list, every matcher evaluated is appended to it for explanations.
    """
    found: list[RouteNode] = []
    _select(root, labels, trace, found)
    if not found:
        # The root has matchers that failed: the default route still takes the alert.
        found.append(root)
    return found

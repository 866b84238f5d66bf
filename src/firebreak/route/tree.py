"""The route tree: which routes an alert's labels select, walked the way Alertmanager walks it.

The root (default route) matches everything. Children are tried in order; the first child that
matches ends the search at that level unless it says `continue`, in which case its later
siblings are tried too. A route none of whose children match handles the alert itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from firebreak.route.decision import MatcherResult
from firebreak.route.matchers import Matcher, MatchOp, matches_all
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
class _Run:
    """Consecutive children that each require `label` to equal some value: for a given alert only
    the children keyed on its value can match, so the others are skipped unevaluated. A child
    without such a matcher is a run of its own (`label` None)."""

    label: str | None
    by_value: dict[str, tuple[int, ...]]
    positions: tuple[int, ...] = ()


def _key(route: RouteNode) -> tuple[str, str] | None:
    return next(((m.name, m.value) for m in route.matchers if m.op is MatchOp.EQ), None)


def _runs(children: tuple[RouteNode, ...]) -> tuple[_Run, ...]:
    runs: list[_Run] = []
    for position, child in enumerate(children):
        key = _key(child)
        if key is None:
            runs.append(_Run(label=None, by_value={}, positions=(position,)))
            continue
        label, value = key
        if not runs or runs[-1].label != label:
            runs.append(_Run(label=label, by_value={}))
        bucket = runs[-1].by_value
        bucket[value] = (*bucket.get(value, ()), position)
    return tuple(runs)


@dataclass(frozen=True, slots=True)
class RouteNode:
    """One compiled route. `settings` already include what it inherits from non-root ancestors."""

    name: str
    matchers: tuple[Matcher, ...] = ()
    continue_: bool = False
    children: tuple[RouteNode, ...] = ()
    settings: RouteSettings = RouteSettings()
    runs: tuple[_Run, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "runs", _runs(self.children))

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
    if trace is not None:  # explaining: evaluate every child in order so each matcher is reported
        for child in node.children:
            if _select(child, labels, trace, found) and not child.continue_:
                break
    else:
        _select_children(node, labels, found)
    if len(found) == before:
        found.append(node)
    return True


def _select_children(node: RouteNode, labels: Mapping[str, str], found: list[RouteNode]) -> None:
    children = node.children
    for run in node.runs:
        positions = run.positions if run.label is None else run.by_value.get(labels.get(run.label, ""), ())
        for position in positions:
            child = children[position]
            if _select(child, labels, None, found) and not child.continue_:
                return


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

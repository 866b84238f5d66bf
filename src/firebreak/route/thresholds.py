"""Severity from numbers: threshold rules on a value the alert carries, and impact rules that raise
severity (for example by the share of users affected).

Values and thresholds may carry a unit: `%` is dropped, `ms`/`s`/`m`/`h` are turned into seconds,
so a rule `value > 2s` fires for an alert reporting `2300ms`.

A rule reads the value it names: `values.A` is the number the sender measured as `A` (Grafana's
`values`), any other name is a label or, failing that, an annotation of that name. The name is
the rule's `label`, or the one the condition starts with (`values.A > 85`, `cpu_percent > 85`);
a condition that starts with `value` (or with the operator) reads the rule's `label`.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from firebreak.route.matchers import Matcher
from firebreak.route.severity import SeverityScale

_UNIT_FACTORS = {"": 1.0, "%": 1.0, "ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_MEASURE_RE = re.compile(rf"^\s*({_NUMBER})\s*(%|ms|s|m|h)?\s*$")
_SUBJECT = r"[A-Za-z_][A-Za-z0-9_.:-]*"
_CONDITION_RE = re.compile(
    rf"^\s*(?:({_SUBJECT})\s*)?(>=|<=|==|!=|>|<)\s*({_NUMBER}\s*(?:%|ms|s|m|h)?)\s*$")
VALUES_PREFIX = "values."
DEFAULT_SUBJECT = "value"
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
    "==": operator.eq, "!=": operator.ne,
}


def parse_measure(text: object) -> float | None:
    """A number from an alert value such as `87.5`, `87.5%` or `2300ms` (in seconds); None if not one."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        return float(text)
    if not isinstance(text, str):
        return None
    found = _MEASURE_RE.match(text)
    if found is None:
        return None
    return float(found.group(1)) * _UNIT_FACTORS[found.group(2) or ""]


@dataclass(frozen=True, slots=True)
class Condition:
    """A comparison of a value against a threshold, e.g. `value > 85` or `values.A >= 90%`."""

    op: str
    threshold: float
    text: str
    subject: str | None = None  # the value the condition names, None for `value` or none

    def source(self, label: str | None) -> str:
        """The value a rule with this condition and `label` reads; ValueError if they disagree."""
        if label is not None and self.subject is not None and label != self.subject:
            raise ValueError(f"condition {self.text!r} reads {self.subject!r} but label is {label!r}; "
                             "name the value once")
        return label or self.subject or DEFAULT_SUBJECT

    def holds(self, value: float) -> bool:
        return _COMPARE[self.op](value, self.threshold)

    def __str__(self) -> str:
        return self.text


def parse_condition(text: str) -> Condition:
    """Parse `value > 85`, `> 85%`, `values.A >= 2s`, `cpu_percent > 85` …; ValueError naming what is wrong."""
    found = _CONDITION_RE.match(text)
    if found is None:
        raise ValueError(
            f"cannot parse condition {text!r}: expected 'NAME OP NUMBER' (NAME: value, values.A or a "
            "label or annotation) with OP one of > >= < <= == != (units %, ms, s, m, h allowed)"
        )
    threshold = parse_measure(found.group(3))
    assert threshold is not None
    subject = found.group(1)
    return Condition(op=found.group(2), threshold=threshold, text=" ".join(text.split()),
                     subject=None if subject in (None, DEFAULT_SUBJECT) else subject)


def read_value(labels: Mapping[str, str], annotations: Mapping[str, str], source: str,
               values: Mapping[str, float] | None = None) -> float | None:
    """The numeric value named `source`: `values.A` from the sender's measured values, then a label,
    then an annotation of that name."""
    if values and source.startswith(VALUES_PREFIX):
        measured = values.get(source[len(VALUES_PREFIX):])
        if measured is not None:
            return float(measured)
    raw = labels.get(source)
    if raw is None:
        raw = annotations.get(source)
    return None if raw is None else parse_measure(raw)


@dataclass(frozen=True, slots=True)
class SeverityRule:
    """`severity` applies when the alert's `source` value meets `condition` (and `matchers` hold)."""

    source: str
    condition: Condition
    severity: str
    matchers: tuple[Matcher, ...] = ()

    def applies(self, labels: Mapping[str, str]) -> bool:
        return all(matcher.matches(labels) for matcher in self.matchers)


@dataclass(frozen=True, slots=True)
class ImpactRule:
    """Raise severity when the `source` value meets `condition`: to `raise_to`, or by `raise_by` levels."""

    source: str
    condition: Condition
    raise_to: str | None = None
    raise_by: int | None = None
    matchers: tuple[Matcher, ...] = ()

    def applies(self, labels: Mapping[str, str]) -> bool:
        return all(matcher.matches(labels) for matcher in self.matchers)


def threshold_severity(
    rules: Sequence[SeverityRule], labels: Mapping[str, str], annotations: Mapping[str, str],
    scale: SeverityScale, values: Mapping[str, float] | None = None,
) -> tuple[str | None, list[str]]:
    """The most severe level among the rules whose condition holds, with the reasons."""
    fired: list[str] = []
    reasons: list[str] = []
    for rule in rules:
        if not rule.applies(labels):
            continue
        value = read_value(labels, annotations, rule.source, values)
        if value is None:
            reasons.append(f"threshold rule on {rule.source!r}: alert carries no numeric value")
            continue
        if rule.condition.holds(value):
            fired.append(rule.severity)
            reasons.append(f"{rule.source}={value:g} meets '{rule.condition}' -> {rule.severity}")
    return scale.most_severe_of(fired), reasons


def apply_impact(
    rules: Sequence[ImpactRule], labels: Mapping[str, str], annotations: Mapping[str, str],
    scale: SeverityScale, severity: str, values: Mapping[str, float] | None = None,
) -> tuple[str, list[str]]:
    """`severity` raised by every impact rule whose condition holds (never lowered)."""
    reasons: list[str] = []
    for rule in rules:
        if not rule.applies(labels):
            continue
        value = read_value(labels, annotations, rule.source, values)
        if value is None or not rule.condition.holds(value):
            continue
        before = severity
        if rule.raise_to is not None:
            severity = scale.raise_to(severity, rule.raise_to)
        if rule.raise_by:
            severity = scale.raise_by(severity, rule.raise_by)
        reasons.append(f"impact {rule.source}={value:g} meets '{rule.condition}': {before} -> {severity}")
    return severity, reasons

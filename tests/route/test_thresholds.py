"""Threshold and impact rules: seed 000's alert table on both sides of every boundary."""

from __future__ import annotations

import pytest

from firebreak.route.matchers import parse_matchers
from firebreak.route.severity_presets import SEV1_SEV4
from firebreak.route.thresholds import (
    ImpactRule,
    SeverityRule,
    apply_impact,
    parse_condition,
    parse_measure,
    threshold_severity,
)

# Seed 000: metric, warning threshold, critical threshold (all strict "greater than").
SEED_TABLE = [
    ("HighCpuUsage", "70", "85"),
    ("HighMemoryUsage", "80", "90"),
    ("HighDiskUsage", "80", "90"),
    ("HighErrorRate", "5%", "10%"),
    ("HighLatencyP95", "2s", "5s"),
]
RULES = tuple(
    SeverityRule(source="value", condition=parse_condition(f"value > {limit}"), severity=level,
                 matchers=parse_matchers(f'alertname="{name}"'))
    for name, warn, crit in SEED_TABLE
    for limit, level in ((warn, "SEV3"), (crit, "SEV1"))
)


def severity_for(name: str, value: str) -> str | None:
    found, _ = threshold_severity(RULES, {"alertname": name}, {"value": value}, SEV1_SEV4)
    return found


def nudge(limit: str, delta: float) -> str:
    number = parse_measure(limit)
    assert number is not None
    return f"{number + delta:.6f}"


@pytest.mark.parametrize(("name", "warn", "crit"), SEED_TABLE)
def test_both_sides_of_every_boundary(name: str, warn: str, crit: str) -> None:
    assert severity_for(name, nudge(warn, -0.001)) is None
    assert severity_for(name, warn) is None  # "> 70 %" : exactly 70 is not above
    assert severity_for(name, nudge(warn, +0.001)) == "SEV3"
    assert severity_for(name, crit) == "SEV3"
    assert severity_for(name, nudge(crit, +0.001)) == "SEV1"


def test_units_convert() -> None:
    assert severity_for("HighLatencyP95", "2000ms") is None
    assert severity_for("HighLatencyP95", "2001ms") == "SEV3"
    assert severity_for("HighLatencyP95", "5.5s") == "SEV1"
    assert severity_for("HighErrorRate", "10.5%") == "SEV1"
    assert severity_for("HighCpuUsage", "0.1m") is None  # 6 seconds: a unit, not a percentage


def test_rules_only_apply_to_their_alerts() -> None:
    assert severity_for("SomethingElse", "99") is None


def test_value_may_come_from_a_label() -> None:
    rule = SeverityRule(source="cpu_percent", condition=parse_condition("> 85"), severity="SEV1")
    found, reasons = threshold_severity([rule], {"cpu_percent": "91"}, {}, SEV1_SEV4)
    assert found == "SEV1" and "cpu_percent=91" in reasons[0]


def test_missing_or_non_numeric_value_fires_nothing() -> None:
    found, reasons = threshold_severity(RULES, {"alertname": "HighCpuUsage"}, {}, SEV1_SEV4)
    assert found is None and "no numeric value" in reasons[0]
    assert severity_for("HighCpuUsage", "very high") is None


@pytest.mark.parametrize(
    ("text", "value", "holds"),
    [("value >= 5", 5, True), ("value >= 5", 4.99, False), ("< 1", 0.5, True), ("<= 1", 1, True),
     ("== 3", 3, True), ("!= 3", 3, False), ("value > 1.5e1", 16, True)],
)
def test_conditions(text: str, value: float, holds: bool) -> None:
    assert parse_condition(text).holds(value) is holds


@pytest.mark.parametrize("bad", ["value >> 5", "value > ", "above 5", "value > 5 GB", ""])
def test_bad_conditions(bad: str) -> None:
    with pytest.raises(ValueError, match="cannot parse condition"):
        parse_condition(bad)


def test_measures() -> None:
    assert parse_measure("87.5%") == 87.5
    assert parse_measure("250ms") == 0.25
    assert parse_measure("2h") == 7200
    assert parse_measure(3) == 3.0
    assert parse_measure(True) is None
    assert parse_measure("n/a") is None


def test_impact_raises_but_never_lowers() -> None:
    rules = [
        ImpactRule(source="users_affected_percent", condition=parse_condition("> 50"), raise_to="SEV2"),
        ImpactRule(source="users_affected_percent", condition=parse_condition("> 90"), raise_by=1),
    ]
    def raised(start: str, share: str) -> str:
        return apply_impact(rules, {"users_affected_percent": share}, {}, SEV1_SEV4, start)[0]
    assert raised("SEV4", "50") == "SEV4"
    assert raised("SEV4", "51") == "SEV2"
    assert raised("SEV4", "95") == "SEV1"  # raised to SEV2, then one more level
    assert raised("SEV1", "60") == "SEV1"
    assert raised("SEV3", "n/a") == "SEV3"


def test_rules_read_grafana_values_and_any_named_value() -> None:
    scale = SEV1_SEV4
    on_values = SeverityRule(source=parse_condition("values.A > 85").source(None),
                             condition=parse_condition("values.A > 85"), severity="SEV1")
    assert on_values.source == "values.A"
    assert threshold_severity([on_values], {}, {}, scale, {"A": 91.2})[0] == "SEV1"
    assert threshold_severity([on_values], {}, {}, scale, {"A": 42.0})[0] is None
    # without measured values, a label of that name (e.g. `route test --label values.A=91`)
    assert threshold_severity([on_values], {"values.A": "91"}, {}, scale)[0] == "SEV1"
    # a condition naming a label or an annotation reads it
    cpu = parse_condition("cpu_percent > 85")
    rule = SeverityRule(source=cpu.source(None), condition=cpu, severity="SEV2")
    assert threshold_severity([rule], {}, {"cpu_percent": "93%"}, scale)[0] == "SEV2"
    assert parse_condition("value > 1").source("latency") == "latency"
    assert parse_condition("> 1").source(None) == "value"
    with pytest.raises(ValueError, match="name the value once"):
        parse_condition("values.A > 1").source("cpu_percent")

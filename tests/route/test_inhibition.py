"""Inhibition with Alertmanager semantics: equal labels, firing sources, no self-inhibition."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from firebreak.route.decision import MatcherResult
from firebreak.route.inhibition import InhibitRule, find_inhibition
from firebreak.route.matchers import parse_matchers
from tests.route.route_alerts import make_alert

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
OUTAGE = InhibitRule(name="outage", source=parse_matchers('alertname="ServiceDown"'),
                     target=parse_matchers('severity="warning"'), equal=("service",))
ANY_OUTAGE = InhibitRule(name="any", source=parse_matchers('alertname="ServiceDown"'),
                         target=parse_matchers('severity="warning"'))


def down(service: str | None, **extra: str) -> object:
    labels = {"alertname": "ServiceDown", "severity": "critical", **extra}
    if service is not None:
        labels["service"] = service
    return make_alert(labels)


def warning(service: str | None = "api") -> dict[str, str]:
    labels = {"alertname": "HighLatency", "severity": "warning"}
    if service is not None:
        labels["service"] = service
    return labels


def inhibitor(rule: InhibitRule, labels: dict[str, str], firing: list, fingerprint: str = "target") -> str | None:  # type: ignore[type-arg]
    found = find_inhibition([rule], labels, fingerprint, firing, NOW)
    return None if found is None else found.source.fingerprint


def test_equal_labels_must_agree() -> None:
    api_down, web_down = down("api"), down("web")
    assert inhibitor(OUTAGE, warning("api"), [web_down, api_down]) == api_down.fingerprint  # type: ignore[attr-defined]
    assert inhibitor(OUTAGE, warning("api"), [web_down]) is None


def test_without_equal_any_source_inhibits() -> None:
    web_down = down("web")
    assert inhibitor(ANY_OUTAGE, warning("api"), [web_down]) == web_down.fingerprint  # type: ignore[attr-defined]


def test_missing_equal_label_on_both_sides_counts_as_equal() -> None:
    unlabelled = down(None)
    assert inhibitor(OUTAGE, warning(None), [unlabelled]) == unlabelled.fingerprint  # type: ignore[attr-defined]
    assert inhibitor(OUTAGE, warning("api"), [unlabelled]) is None


def test_target_must_match_target_matchers() -> None:
    critical = {"alertname": "HighLatency", "severity": "critical", "service": "api"}
    assert inhibitor(OUTAGE, critical, [down("api")]) is None


def test_only_firing_sources_count() -> None:
    resolved = make_alert({"alertname": "ServiceDown", "service": "api"}, status="resolved")
    ended = make_alert({"alertname": "ServiceDown", "service": "api"}, ends_at=NOW - timedelta(seconds=1))
    assert inhibitor(OUTAGE, warning("api"), [resolved, ended]) is None
    later = make_alert({"alertname": "ServiceDown", "service": "api"}, ends_at=NOW + timedelta(minutes=5))
    assert inhibitor(OUTAGE, warning("api"), [later]) == later.fingerprint


def test_an_alert_never_inhibits_itself() -> None:
    rule = InhibitRule(name="self", source=parse_matchers('severity="warning"'),
                       target=parse_matchers('severity="warning"'))
    me = make_alert(warning("api"), fingerprint="me")
    assert inhibitor(rule, warning("api"), [me], fingerprint="me") is None


def test_alerts_matching_both_sides_do_not_inhibit_each_other() -> None:
    rule = InhibitRule(name="both", source=parse_matchers('alertname="Flap"'),
                       target=parse_matchers('alertname="Flap"'), equal=("service",))
    other = make_alert({"alertname": "Flap", "service": "api", "instance": "b"}, fingerprint="b")
    assert inhibitor(rule, {"alertname": "Flap", "service": "api", "instance": "a"}, [other], "a") is None


def test_target_that_also_matches_source_is_inhibited_by_a_pure_source() -> None:
    rule = InhibitRule(name="mixed", source=parse_matchers('team="core"'),
                       target=parse_matchers('severity="warning"'))
    pure_source = make_alert({"team": "core", "severity": "critical"}, fingerprint="src")
    both_sides = make_alert({"team": "core", "severity": "warning", "x": "1"}, fingerprint="other")
    target = {"team": "core", "severity": "warning"}
    assert inhibitor(rule, target, [both_sides]) is None
    assert inhibitor(rule, target, [both_sides, pure_source]) == "src"


def test_trace_explains_the_rule() -> None:
    trace: list[MatcherResult] = []
    find_inhibition([OUTAGE], warning("api"), "t", [down("api")], NOW, trace)
    assert trace[0] == MatcherResult("inhibit:outage", 'target severity="warning"', True)
    assert trace[-1].matched and "equal ['service']" in trace[-1].matcher

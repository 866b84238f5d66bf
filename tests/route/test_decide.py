"""decide(): routes, severity precedence, and muting by maintenance, silences and inhibition."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from firebreak.config import Config, default_config_path, load_config, parse_config
from firebreak.ingest.grafana import parse_grafana
from firebreak.kernel.errors import ConfigError
from firebreak.route.decide import decide
from firebreak.route.matchers import parse_matchers
from firebreak.route.silences import Silence
from tests.payloads import grafana
from tests.route.route_alerts import make_alert

NOW = datetime(2026, 6, 3, 12, 0, tzinfo=UTC)  # a Wednesday

CONFIG = """
severity_scale: sev1-sev4
teams:
  - {name: platform, escalation_policy: platform-default}
  - {name: payments, escalation_policy: payments-default}
  - {name: data}
services:
  - {name: api, team: platform}
  - {name: payments-api, team: payments}
  - {name: postgres, team: data, escalation_policy: dba}
  - {name: reporting, team: data}
escalation_policies:
  - {name: platform-default}
  - {name: payments-default}
  - {name: dba}
  - {name: security}
routes:
  - name: staging
    match: {env: staging}
    severity: SEV4
    continue: true
  - name: cpu
    match: {alertname: HighCpuUsage}
    continue: true
    severity_rules:
      - {when: "value > 70", severity: warning}
      - {when: "value > 85", severity: critical}
  - name: db
    matchers: ['service=~"postgres|pg"']
    service: postgres
    routes:
      - name: db-conn
        match: {alertname: TooManyConnections}
        severity: SEV2
        group_by: [alertname, cluster]
  - name: payments
    match: {service: payments-api}
    impact_rules:
      - {label: users_affected_percent, when: "value > 50", raise_to: SEV1}
  - name: security
    match: {category: security}
    team: platform
    escalation_policy: security
    severity: critical
default_route:
  team: platform
  severity: SEV3
silences:
  - {name: known-flap, match: {alertname: Flapping}, ends_at: 2030-01-01T00:00:00Z, comment: known}
maintenance:
  - {name: pg-vacuum, service: postgres, cron: "0 11 * * WED", duration: 2h, tz: UTC}
inhibit:
  - name: outage
    source: {alertname: ServiceDown}
    target_matchers: ['severity=~"warning|info"']
    equal: [service]
"""


@pytest.fixture(scope="module")
def config() -> Config:
    return parse_config(CONFIG, file="route.yaml")


def test_service_team_and_policy_from_the_service_owner(config: Config) -> None:
    decision = decide(make_alert({"alertname": "Down", "service": "payments-api"}), config, NOW)
    assert (decision.service, decision.team, decision.escalation_policy) == (
        "payments-api", "payments", "payments-default")
    assert decision.routes == ("payments",)
    assert decision.pages


def test_route_sets_service_and_service_policy_beats_team_policy(config: Config) -> None:
    decision = decide(make_alert({"alertname": "Slow", "service": "pg"}), config, NOW - timedelta(days=1))
    assert (decision.service, decision.team, decision.escalation_policy) == ("postgres", "data", "dba")


def test_nested_route_inherits_and_overrides(config: Config) -> None:
    alert = make_alert({"alertname": "TooManyConnections", "service": "postgres"})
    decision = decide(alert, config, NOW - timedelta(days=1))
    assert decision.routes == ("db-conn",)
    assert decision.service == "postgres"  # inherited from the parent route
    assert decision.severity == "SEV2"
    assert decision.group_by == ("alertname", "cluster")


def test_route_settings_beat_the_owner(config: Config) -> None:
    decision = decide(make_alert({"alertname": "Brute", "category": "security", "service": "api"}), config, NOW)
    assert (decision.team, decision.escalation_policy, decision.severity) == ("platform", "security", "SEV1")


def test_default_route_fallbacks(config: Config) -> None:
    decision = decide(make_alert({"alertname": "Odd"}), config, NOW)
    assert decision.routes == ("default",)
    assert (decision.service, decision.team, decision.escalation_policy) == (None, "platform", "platform-default")
    assert decision.severity == "SEV3"
    assert decision.group_by == ("alertname", "service")


def test_unknown_service_label_is_kept_and_falls_back(config: Config) -> None:
    decision = decide(make_alert({"alertname": "X", "service": "mystery"}), config, NOW)
    assert (decision.service, decision.team) == ("mystery", "platform")


def test_severity_precedence(config: Config) -> None:
    # the alert's hint maps through aliases when no route sets a severity
    assert decide(make_alert({"alertname": "X"}, hint="critical"), config, NOW).severity == "SEV1"
    assert decide(make_alert({"alertname": "X", "severity": "warning"}), config, NOW).severity == "SEV3"
    assert decide(make_alert({"alertname": "X"}, hint="info"), config, NOW).severity == "SEV4"
    # an unknown hint falls back to the default route
    decision = decide(make_alert({"alertname": "X"}, hint="catastrophic"), config, NOW)
    assert decision.severity == "SEV3" and any("not on scale" in r for r in decision.reasons)
    # an explicit route severity beats the hint
    staged = decide(make_alert({"alertname": "X", "env": "staging"}, hint="critical"), config, NOW)
    assert staged.severity == "SEV4"


def test_threshold_rules_with_continue(config: Config) -> None:
    def cpu(value: str) -> str | None:
        alert = make_alert({"alertname": "HighCpuUsage", "service": "api"}, annotations={"value": value})
        return decide(alert, config, NOW).severity
    assert cpu("70") == "SEV3"  # no rule fires: default route's SEV3
    assert cpu("70.5") == "SEV3"  # warning -> SEV3
    assert cpu("85") == "SEV3"
    assert cpu("85.5") == "SEV1"  # critical -> SEV1
    # the rules win over a route's fixed severity further down the matched list
    staged = make_alert({"alertname": "HighCpuUsage", "env": "staging"}, annotations={"value": "95"})
    decision = decide(staged, config, NOW)
    assert decision.routes == ("staging", "cpu") and decision.severity == "SEV1"


def test_impact_raises_severity(config: Config) -> None:
    labels = {"alertname": "Errors", "service": "payments-api"}
    low = decide(make_alert(labels, hint="warning", annotations={"users_affected_percent": "50"}), config, NOW)
    high = decide(make_alert(labels, hint="warning", annotations={"users_affected_percent": "51"}), config, NOW)
    assert (low.severity, high.severity) == ("SEV3", "SEV1")


def test_maintenance_window_mutes_the_service(config: Config) -> None:
    alert = make_alert({"alertname": "Slow", "service": "postgres"})
    assert decide(alert, config, datetime(2026, 6, 3, 11, 0, tzinfo=UTC)).muted_by == "maintenance:pg-vacuum"
    assert decide(alert, config, datetime(2026, 6, 3, 13, 0, tzinfo=UTC)).muted_by is None
    # the window follows the routed service even if the alert has no service label
    routed = make_alert({"alertname": "TooManyConnections", "service": "pg"})
    assert decide(routed, config, datetime(2026, 6, 3, 12, 0, tzinfo=UTC)).muted_by == "maintenance:pg-vacuum"


def test_silences_from_storage_and_from_the_file(config: Config) -> None:
    stored = Silence(id="abc", matchers=parse_matchers('team="payments"'), starts_at=NOW,
                     ends_at=NOW + timedelta(hours=1), created_by="ana", comment="deploy")
    alert = make_alert({"alertname": "Errors", "service": "payments-api"})
    decision = decide(alert, config, NOW, silences=[stored])
    # the team comes from routing, not from a label, and the silence still applies
    assert decision.muted_by == "silence:abc" and decision.silenced_by == ("abc",)
    assert not decision.pages
    assert decide(alert, config, NOW + timedelta(hours=1), silences=[stored]).muted_by is None
    flap = decide(make_alert({"alertname": "Flapping"}), config, NOW)
    assert flap.muted_by == "silence:known-flap"


def test_inhibition_names_the_source(config: Config) -> None:
    source = make_alert({"alertname": "ServiceDown", "service": "api", "severity": "critical"}, fingerprint="src")
    target = make_alert({"alertname": "Slow", "service": "api", "severity": "warning"}, fingerprint="tgt")
    decision = decide(target, config, NOW, firing=[source])
    assert decision.inhibited_by == "src" and decision.inhibit_rule == "outage"
    assert not decision.pages
    other = make_alert({"alertname": "Slow", "service": "web", "severity": "warning"})
    assert decide(other, config, NOW, firing=[source]).inhibited_by is None


def test_explain_lists_every_matcher(config: Config) -> None:
    alert = make_alert({"alertname": "Errors", "service": "payments-api"})
    quiet = decide(alert, config, NOW)
    assert quiet.explanation == ()
    decision = decide(alert, config, NOW, explain=True)
    judged = {(r.route, r.matcher): r.matched for r in decision.explanation}
    assert judged[("staging", 'env="staging"')] is False
    assert judged[("payments", 'service="payments-api"')] is True
    assert judged[("silence:known-flap", 'alertname="Flapping"')] is False
    assert ("inhibit:outage", 'target severity=~"warning|info"') in judged
    assert decision.service == quiet.service and decision.severity == quiet.severity


def test_triage_is_pure(config: Config) -> None:
    alert = make_alert({"alertname": "Errors", "service": "payments-api"})
    assert decide(alert, config, NOW) == decide(alert, config, NOW)


def test_example_configuration_routes_the_seed_thresholds() -> None:
    example = load_config(default_config_path())
    def severity(name: str, value: str) -> str | None:
        alert = make_alert({"alertname": name, "service": "api-gateway"}, annotations={"value": value})
        return decide(alert, example, NOW).severity
    assert severity("HighCpuUsage", "86") == "SEV1"
    assert severity("HighMemoryUsage", "85") == "SEV3"
    assert severity("HighLatencyP95", "2500ms") == "SEV3"
    decision = decide(make_alert({"alertname": "HighDiskUsage", "service": "api-gateway"},
                                 annotations={"value": "91"}), example, NOW)
    assert decision.routes == ("resources", "gateway") and decision.team == "platform"


GRAFANA_RULES = """
severity_scale: sev1-sev4
routes:
  - match: {alertname: DiskSpaceLow}
    severity_rules:
      - {when: "values.B > 95", severity: SEV1}
      - {when: "values.B > 90", severity: SEV2}
    impact_rules:
      - {when: "nodes_affected >= 3", raise_by: 1}
"""


def test_threshold_rules_read_grafana_values_and_named_annotations() -> None:
    config = parse_config(GRAFANA_RULES, file="grafana.yaml")
    [alert] = parse_grafana(grafana())  # values: {"B": 91.2}
    decision = decide(alert, config, NOW)
    assert decision.severity == "SEV2"
    assert any("values.B=91.2 meets 'values.B > 90'" in reason for reason in decision.reasons)
    body = grafana()
    body["alerts"][0]["annotations"]["nodes_affected"] = "4"
    [alert] = parse_grafana(body)
    assert decide(alert, config, NOW).severity == "SEV1"


def test_a_rule_names_its_value_once() -> None:
    bad = "routes:\n  - severity_rules:\n      - {label: cpu, when: 'values.A > 3', severity: SEV1}\n"
    with pytest.raises(ConfigError, match="name the value once"):
        parse_config(bad, file="x.yaml")
    nameless = "routes:\n  - impact_rules:\n      - {when: '> 3', raise_by: 1}\n"
    with pytest.raises(ConfigError, match="names the value it reads"):
        parse_config(nameless, file="x.yaml")

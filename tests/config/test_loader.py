"""Loading the configuration: a bad file fails whole, naming file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from firebreak.config import Config, ConfigError, default_config_path, load_config, parse_config
from firebreak.config.loader import field_path

POLICIES = "escalation_policies:\n  - {name: platform-default}\n"


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing `needle`."""
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


def error_of(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, file="firebreak.yaml")
    return caught.value


def check(text: str, needle: str, field: str, message: str) -> None:
    error = error_of(text)
    assert error.file == "firebreak.yaml"
    assert error.line == line_of(text, needle), error.detail
    assert error.field == field
    assert message in error.detail
    assert f"firebreak.yaml:{error.line}: {field}:" in error.detail


def test_example_configuration_is_valid() -> None:
    config = load_config(default_config_path())
    assert {"postgres", "redis"} <= {service.name for service in config.services}
    postgres = config.service("postgres")
    assert postgres is not None and [(t.kind, t.dsn) for t in postgres.targets] == [
        ("postgres", "env:FIREBREAK_DRILL_PG_DSN")]
    assert [(t.kind, t.url) for t in config.service("redis").targets] == [  # type: ignore[union-attr]
        ("redis", "env:FIREBREAK_DRILL_REDIS_URL")]
    assert all(service.targets for service in config.services)
    assert config.routes and config.silences and config.maintenance and config.inhibit
    assert config.teams and config.users and config.escalation_policies


def test_empty_file_gives_defaults() -> None:
    config = parse_config("", file="empty.yaml")
    assert config.group_by == ["alertname", "service"]
    assert config.auto_resolve is None
    assert config.severity_scale.name == "sev1-sev4"
    assert config.schedules == [] and config.escalation_policies == []


def test_unknown_field() -> None:
    text = "teams:\n  - name: platform\n    colour: red\n"
    check(text, "colour", "teams[0].colour", "unknown field 'colour'")


def test_unknown_top_level_section() -> None:
    check("teams: []\nroutez: []\n", "routez", "routez", "unknown field 'routez'")


def test_bad_regex_in_matchers() -> None:
    text = "routes:\n  - name: a\n    matchers:\n      - 'job=~\"(unclosed\"'\n"
    check(text, "unclosed", "routes[0].matchers[0]", "invalid regular expression")


def test_bad_regex_in_match_re_of_a_nested_route() -> None:
    text = "routes:\n  - match: {a: b}\n    routes:\n      - match_re:\n          job: '[z-a]'\n"
    check(text, "job:", "routes[0].routes[0].match_re.job", "invalid regular expression")


def test_duplicate_names() -> None:
    text = "teams:\n  - name: platform\n  - name: data\n  - name: platform\n"
    error = error_of(text)
    assert error.line == 4 and error.field == "teams[2].name"
    assert "duplicate name 'platform'" in error.detail


def test_duplicate_route_names() -> None:
    text = "routes:\n  - {name: r, match: {a: b}}\n  - match: {c: d}\n    routes:\n      - {name: r, match: {e: f}}\n"
    check(text, "{name: r, match: {e: f}}", "routes[1].routes[0].name", "duplicate route name 'r'")


def test_reference_to_missing_team() -> None:
    text = "teams:\n  - name: platform\nservices:\n  - name: api\n    team: platfrom\n"
    check(text, "platfrom", "services[0].team", "team 'platfrom' is not defined (teams: platform)")


def test_reference_to_missing_policy() -> None:
    text = POLICIES + "teams:\n  - name: platform\n    escalation_policy: platform-defualt\n"
    check(text, "defualt", "teams[0].escalation_policy",
          "escalation policy 'platform-defualt' is not defined (escalation policies: platform-default)")


def test_route_naming_missing_policy_service_and_severity() -> None:
    text = POLICIES + (
        "routes:\n  - match: {a: b}\n    routes:\n      - match: {c: d}\n"
        "        escalation_policy: ghost\n        service: nowhere\n        severity: SEV9\n"
    )
    error = error_of(text)
    assert error.line == line_of(text, "ghost")
    assert "escalation policy 'ghost' is not defined" in error.detail
    assert f"firebreak.yaml:{line_of(text, 'nowhere')}: routes[0].routes[0].service" in error.detail
    assert "severity 'SEV9' is not a level" in error.detail


def test_maintenance_for_missing_service_and_bad_cron() -> None:
    text = "maintenance:\n  - service: ghost\n    cron: '0 2 * *'\n    duration: 1h\n"
    error = error_of(text)
    assert error.line == line_of(text, "cron")
    assert "invalid cron expression" in error.detail


def test_yaml_syntax_error_names_the_line() -> None:
    text = "teams:\n  - name: platform\n   bad: indent\n"
    error = error_of(text)
    assert error.line == 3 and "invalid YAML" in error.detail


def test_duplicate_keys_are_errors() -> None:
    text = "teams:\n  - name: platform\n    name: data\n"
    error = error_of(text)
    assert error.line == 3 and error.field == "teams[0].name" and "duplicate key 'name'" in error.detail


@pytest.mark.parametrize(
    ("text", "needle", "field", "message"),
    [
        ("severity_scale:\n  levels:\n    - {name: A, ack_deadline: soon}\n", "soon",
         "severity_scale.levels[0].ack_deadline", "invalid duration 'soon'"),
        ("severity_scale: sev5-sev9\n", "sev5", "severity_scale", "unknown severity scale preset"),
        ("users:\n  - {name: A, handle: a, time_zone: Mars/Olympus}\n", "Mars", "users[0].time_zone",
         "unknown time zone"),
        ("users:\n  - {name: A, handle: 'a b'}\n", "a b", "users[0].handle", "invalid name"),
        ("services:\n  - name: x\n", "name: x", "services[0].team", "required field is missing"),
        ("silences:\n  - {match: {a: b}, comment: c, starts_at: 2026-01-02T00:00:00Z,\n"
         "     ends_at: 2026-01-01T00:00:00Z}\n", "match", "silences[0]", "'ends_at' must be after"),
        ("silences:\n  - {match: {a: b}, comment: c, ends_at: 2026-01-01T00:00:00}\n", "match",
         "silences[0].ends_at", "timezone"),
        ("inhibit:\n  - {target: {severity: warning}}\n", "target", "inhibit[0]", "needs source matchers"),
        ("routes:\n  - severity_rules:\n      - {when: 'value >> 3', severity: SEV1}\n", "value >>",
         "routes[0].severity_rules[0].when", "cannot parse condition"),
        ("routes:\n  - impact_rules:\n      - {label: x, when: '> 3'}\n", "label", "routes[0].impact_rules[0]",
         "exactly one of 'raise_to' or 'raise_by'"),
        ("maintenance:\n  - {service: a, rrule: 'FREQ=NEVER', duration: 1h}\n", "rrule",
         "maintenance[0].rrule", "invalid RRULE"),
        ("maintenance:\n  - {service: a, start: 2026-01-01T10:00:00}\n", "service", "maintenance[0]",
         "exactly one of 'end' or 'duration'"),
    ],
)
def test_invalid_values(text: str, needle: str, field: str, message: str) -> None:
    check(text, needle, field, message)


def test_every_error_is_listed() -> None:
    text = "teams:\n  - name: a\n    colour: red\n  - name: b\n    size: 3\n"
    error = error_of(text)
    assert error.line == 3
    assert "firebreak.yaml:3: teams[0].colour" in error.detail
    assert "firebreak.yaml:5: teams[1].size" in error.detail


def test_top_level_must_be_a_mapping() -> None:
    error = error_of("- a\n- b\n")
    assert error.line == 1 and "mapping" in error.detail


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read") as caught:
        load_config(tmp_path / "missing.yaml")
    assert caught.value.file == str(tmp_path / "missing.yaml")


def test_load_from_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "firebreak.yaml"
    path.write_text("teams:\n  - name: platform\n    colour: red\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.file == str(path)
    assert str(caught.value).startswith(f"{path}:3: teams[0].colour")


def test_valid_config_is_frozen_and_compiled() -> None:
    config = parse_config("routes:\n  - {name: a, match: {x: y}}\n")
    assert isinstance(config, Config)
    assert [route.name for route in config.route_plan.root.walk()] == ["default", "a"]
    with pytest.raises(ValueError):
        config.auto_resolve = True  # type: ignore[misc]


def test_field_path_skips_pydantic_tags() -> None:
    assert field_path(("routes", 0, "function-after[_check(), str]", "match")) == "routes[0].match"
    assert field_path(()) == "(top level)"


def test_a_rotation_may_hold_an_empty_turn_but_not_only_empty_ones() -> None:
    base = """
users: [{name: Ann, handle: ann}]
schedules:
  - name: s
    rotations: [{users: [ann, null], every: 1d}]
"""
    assert parse_config(base).schedules[0].rotations[0].users == ["ann", None]
    with pytest.raises(ConfigError, match=r"rotations\[0\]\.users: a rotation needs at least one user"):
        parse_config(base.replace("[ann, null]", "[null]"))

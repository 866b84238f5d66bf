"""Paging configuration: validation with file lines, compiling schedules (iCalendar layers too), warnings."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from firebreak.config import ConfigError, load_config, parse_config
from firebreak.config.runtime import ConfigHolder
from firebreak.escalate.compile import build_directory, reachability_warnings
from firebreak.escalate.escalator import Escalator, signing_secret
from firebreak.kernel.clock import FixedClock
from firebreak.kernel.settings import Settings

BASE = """
severity_scale: p0-p3
users:
  - {name: Ann Able, handle: ann, email: ann@example.com, contact: [{via: "console://"}]}
  - {name: Bob Baker, handle: bob, contact: [{via: "console://"}]}
"""


def problem(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse_config(BASE + text, file="escalate.yaml")
    return caught.value


@pytest.mark.parametrize(("text", "field", "words"), [
    ("schedules: [{name: s, rotations: [{users: [ann], handoff: 'Someday 9'}]}]", "handoff", "invalid handoff"),
    ("schedules: [{name: s, rotations: [{users: [zed]}]}]", "users[0]", "user 'zed' is not defined"),
    ("schedules: [{name: s}]", "schedules[0]", "at least one rotation or layer"),
    ("schedules: [{name: s, layers: [{name: l}]}]", "layers[0]", "exactly one of 'rotation' or 'ical'"),
    ("schedules: [{name: s, layers: [{name: l, rotation: {users: [ann]}, restrictions: [{days: [funday]}]}]}]",
     "days", "unknown day"),
    ("schedules: [{name: s, rotations: [{users: [ann]}], overrides: [{user: bob, start: 2025-01-02T00:00:00Z,"
     " end: 2025-01-01T00:00:00Z}]}]", "overrides[0]", "must end after it starts"),
    ("escalation_policies: [{name: p, levels: [{notify: ['group:x']}]}]", "notify[0]", "invalid target"),
    ("escalation_policies: [{name: p, levels: [{notify: ['schedule:none']}]}]", "notify[0]",
     "schedule 'none' is not defined"),
    ("escalation_policies: [{name: p, levels: [{notify: ['user:ann'], only_for: [SEV9]}]}]", "only_for[0]",
     "severity 'SEV9'"),
])
def test_bad_paging_configuration_names_line_and_field(text: str, field: str, words: str) -> None:
    error = problem(text)
    assert error.file == "escalate.yaml" and error.line is not None and error.line > 4
    assert field in (error.field or "") and words in error.detail


def test_times_days_and_handoffs_are_read_generously() -> None:
    config = parse_config(BASE + """
schedules:
  - name: s
    time_zone: Europe/London
    layers:
      - name: hours
        rotation: {users: [ann, bob], every: 12h, handoff: "08:30", start: 2024-03-01}
        restrictions: [{days: weekdays, start: 09:00, end: 17:30}, {days: [sat], start: "10:00", end: "12:00"}]
""", file="x.yaml")
    layer = config.schedules[0].layers[0]
    assert layer.restrictions[0].days == (0, 1, 2, 3, 4) and layer.restrictions[0].end == time(17, 30)
    assert layer.rotation is not None and layer.rotation.handoff_parts() == (None, time(8, 30))


def test_ical_layer_from_a_file_next_to_the_configuration(tmp_path: Path) -> None:
    (tmp_path / "cover.ics").write_text("""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Example//EN
BEGIN:VEVENT
UID:cover@example
SUMMARY:Ann Able
DTSTART:20250106T000000Z
DTEND:20250113T000000Z
END:VEVENT
END:VCALENDAR
""", encoding="utf-8")
    path = tmp_path / "firebreak.yaml"
    path.write_text(BASE + """
schedules:
  - name: s
    rotations: [{users: [bob], every: 1w}]
    layers: [{name: holiday-cover, ical: cover.ics}]
""", encoding="utf-8")
    directory = build_directory(load_config(path), base_dir=tmp_path, secret=b"k")
    schedule = directory.schedules["s"]
    assert schedule.on_call_at(datetime(2025, 1, 8, tzinfo=UTC)).user == "ann"
    assert schedule.on_call_at(datetime(2025, 1, 14, tzinfo=UTC)).user == "bob"
    missing = BASE + "schedules: [{name: s, layers: [{name: l, ical: nowhere.ics}]}]"
    with pytest.raises(ConfigError, match="cannot read calendar"):
        build_directory(parse_config(missing), base_dir=tmp_path, secret=b"k")
    broken = BASE + "schedules: [{name: s, layers: [{name: l, ical: 'BEGIN:VCALENDAR garbage'}]}]"
    with pytest.raises(ConfigError, match="ical"):
        build_directory(parse_config(broken), secret=b"k")


def test_templates_are_checked_when_the_configuration_loads() -> None:
    bad = parse_config(BASE + "notifications: {templates: {slack: {body: '{{ incident.nope }}'}}}")
    with pytest.raises(ConfigError, match=r"notifications\.templates\.slack\.body"):
        build_directory(bad, secret=b"k")


UNREACHABLE = """
severity_scale: p0-p3
users:
  - {name: Ann Able, handle: ann, contact: [{via: "console://"}]}
  - {name: No Way, handle: noway}
  - {name: Bad Address, handle: bad, contact: [{via: "nosuchscheme://x"}]}
  - {name: Bystander, handle: bystander}
teams: [{name: t, members: [ann, bad]}]
schedules: [{name: s, rotations: [{users: [ann, noway]}]}]
escalation_policies: [{name: p, levels: [{notify: ["schedule:s", "team:t"]}]}]
"""


def test_on_call_users_nobody_can_reach_are_warned_about_at_load(tmp_path: Path,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    config = parse_config(UNREACHABLE, file="u.yaml")
    warnings = reachability_warnings(config, build_directory(config, secret=b"k"))
    assert len(warnings) == 3
    assert "'bad' (policy p (team t)) cannot be paged: no contact method is a notification address" in warnings[0]
    assert "'noway' (schedule s) cannot be paged: no contact method" in warnings[1]
    assert warnings[2] == "team 't' has no low_urgency_contacts: its low-urgency incidents (P2) reach nobody"
    path = tmp_path / "u.yaml"
    path.write_text(UNREACHABLE, encoding="utf-8")
    settings = Settings(data_dir=tmp_path, config=path)
    with caplog.at_level(logging.WARNING, logger="firebreak.escalate"):
        escalation = Escalator(settings=settings, config=ConfigHolder(path), session_factory=None,  # type: ignore[arg-type]
                        clock=FixedClock(datetime(2025, 1, 1, tzinfo=UTC)))
    assert escalation.warnings == warnings
    assert sum("cannot be paged" in record.getMessage() for record in caplog.records) == 2


def test_signing_secret_is_made_once_and_shared_through_the_data_dir(tmp_path: Path) -> None:
    first = signing_secret(Settings(data_dir=tmp_path))
    assert len(first) >= 32 and signing_secret(Settings(data_dir=tmp_path)) == first
    assert (tmp_path / "ack-link.key").stat().st_mode & 0o077 == 0
    assert signing_secret(Settings(data_dir=tmp_path, secret_key="given")) == b"given"

"""Urgency: high pages, low tells the team's low-urgency contacts once, none records (or posts a ticket);
support hours make P1 low urgency at night and page when they start."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from firebreak.config import parse_config
from firebreak.escalate.compile import support_hours, urgency_for
from firebreak.escalate.restriction import Restriction, Window
from firebreak.escalate.urgency import decide_urgency, next_support_window
from firebreak.kernel.clock import FixedClock
from firebreak.kernel.errors import ConfigError
from firebreak.route.severity_presets import P0_P3, SEV1_SEV4
from tests.escalate.live import live_firebreak
from tests.notify.conftest import Mailbox, Receiver
from tests.payloads import am_alert

LONDON = ZoneInfo("Europe/London")
OFFICE = Restriction((Window(frozenset(range(5)), datetime.min.time().replace(hour=9),
                             datetime.min.time().replace(hour=17, minute=30)),), LONDON)
TUESDAY_10 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
TUESDAY_20 = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)
FRIDAY_20 = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)


def test_the_p0_p3_preset_follows_seed_000() -> None:
    assert [(level.name, level.base_urgency, level.outside_support_hours) for level in P0_P3.levels] == [
        ("P0", "high", None), ("P1", "high", "low"), ("P2", "low", None), ("P3", "none", None)]
    assert [level.base_urgency for level in SEV1_SEV4.levels] == ["high", "high", "low", "low"]


def test_p1_pages_in_support_hours_and_waits_for_them_outside() -> None:
    p1 = P0_P3.level("P1")
    assert decide_urgency(p1, "P1", OFFICE, TUESDAY_10).urgency == "high"
    night = decide_urgency(p1, "P1", OFFICE, TUESDAY_20)
    assert night.urgency == "low" and not night.pages_now
    assert night.pages_at == datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # Wednesday 09:00 London (GMT)
    weekend = decide_urgency(p1, "P1", OFFICE, FRIDAY_20)
    assert weekend.pages_at == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # Monday
    assert decide_urgency(p1, "P1", None, TUESDAY_20).urgency == "high"  # no support hours: always in them
    assert decide_urgency(P0_P3.level("P0"), "P0", OFFICE, TUESDAY_20).urgency == "high"
    assert decide_urgency(P0_P3.level("P2"), "P2", OFFICE, TUESDAY_10).pages_at is None
    assert decide_urgency(P0_P3.level("P3"), "P3", OFFICE, TUESDAY_10).urgency == "none"
    assert decide_urgency(None, "P9", OFFICE, TUESDAY_20).urgency == "high"  # unknown: paging to be safe
    summer = datetime(2026, 7, 7, 20, 0, tzinfo=UTC)
    assert next_support_window(OFFICE, summer) == datetime(2026, 7, 8, 8, 0, tzinfo=UTC)  # 09:00 BST


def test_urgency_is_configuration_checked_with_clear_errors() -> None:
    custom = parse_config("""
severity_scale:
  levels:
    - {name: red, ack_deadline: 5m, urgency: high}
    - {name: amber, ack_deadline: 1h, urgency: high, outside_support_hours: low}
    - {name: green, ack_deadline: 1d, urgency: none}
support_hours: {time_zone: Europe/London, windows: [{days: weekdays, start: "09:00", end: "17:30"}]}
""")
    assert [level.base_urgency for level in custom.severity_scale.levels] == ["high", "high", "none"]
    assert support_hours(custom) is not None
    assert urgency_for(custom, "amber", TUESDAY_20).pages_at is not None
    assert urgency_for(custom, "AMBER", TUESDAY_10).urgency == "high"
    bad = [
        ("severity_scale: {levels: [{name: a, ack_deadline: 5m, urgency: urgent}]}", "urgency"),
        ("severity_scale: {levels: [{name: a, ack_deadline: 5m, pages: true, urgency: low}]}", "contradicts"),
        ("support_hours: {windows: []}", "support_hours"),
        ("support_hours: {windows: [{days: [someday]}]}", "someday"),
        ("teams: [{name: t, low_urgency_contacts: [ops@example.com]}]", "low_urgency_contacts"),
        ("teams: [{name: t, tracker: tickets}]", "tracker"),
    ]
    for text, needle in bad:
        with pytest.raises(ConfigError, match=needle):
            parse_config(text)


QUIET_YAML = """
severity_scale: p0-p3
support_hours: {{time_zone: Europe/London, windows: [{{days: weekdays, start: "09:00", end: "17:30"}}]}}
default_route: {{team: shop, escalation_policy: shop}}
teams:
  - name: shop
    members: [ana]
    low_urgency_contacts: ["{mail}", "{hook}"]
    tracker: "{tracker}"
users: [{{name: Ana, handle: ana, contact: [{{via: "{page}"}}]}}]
escalation_policies:
  - name: shop
    levels: [{{notify: ["user:ana"], wait: 5m}}]
    repeat: 1
"""


def quiet_yaml(receiver: Receiver, smtp_port: int) -> str:
    return QUIET_YAML.format(
        mail=f"mailto://127.0.0.1:{smtp_port}?from=firebreak@example.com&to=shop-team@example.com",
        hook=f"json://127.0.0.1:{receiver.port}/chat", tracker=f"json://127.0.0.1:{receiver.port}/tickets",
        page=f"json://127.0.0.1:{receiver.port}/page")


def paths(receiver: Receiver) -> list[str]:
    return [request["path"] for request in receiver.accepted]


def test_end_to_end_p2_emails_the_team_once_and_p3_posts_a_ticket(
        db_url: str, tmp_path: Path, receiver: Receiver, smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    clock = FixedClock(TUESDAY_10)
    with live_firebreak(quiet_yaml(receiver, port), db_url=db_url, tmp_path=tmp_path, clock=clock) as live:
        [medium] = live.fire(am_alert("DiskFilling", severity="warning"))  # warning is P2 on p0-p3
        incident_id = medium["incident_id"]
        live.tick()
        assert len(mailbox.messages) == 1 and paths(receiver) == ["/chat"]
        mail = mailbox.messages[0].content.decode()
        assert "Low urgency: nobody is paged" in mail and f"#{incident_id}" in mail
        assert live.admin.get(f"/api/v1/incidents/{incident_id}/escalation").status_code == 404
        note = next(e for e in live.timeline(incident_id) if e["kind"] == "escalation.low_urgency")
        assert note["data"]["urgency"] == "low" and len(note["data"]["notified"]) == 2
        for _ in range(3):  # no escalation, no repeat
            clock.advance(timedelta(hours=1))
            live.tick()
        assert len(mailbox.messages) == 1 and paths(receiver) == ["/chat"]
        [low] = live.fire(am_alert("TypoOnPricingPage", severity="info"))  # P3: ticket only
        live.tick()
        assert paths(receiver) == ["/chat", "/tickets"] and len(mailbox.messages) == 1
        skipped = next(e for e in live.timeline(low["incident_id"]) if e["kind"] == "escalation.skipped")
        assert "urgency none" in skipped["data"]["reason"] and "tracker" in skipped["data"]["reason"]


def test_end_to_end_p1_at_night_tells_the_team_and_pages_when_support_hours_start(
        db_url: str, tmp_path: Path, receiver: Receiver, smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    clock = FixedClock(TUESDAY_20)
    with live_firebreak(quiet_yaml(receiver, port), db_url=db_url, tmp_path=tmp_path, clock=clock) as live:
        [night] = live.fire(am_alert("CheckoutSlow", severity="high"))
        incident_id = night["incident_id"]
        live.tick()
        assert len(mailbox.messages) == 1 and paths(receiver) == ["/chat"]  # told, nobody woken
        state = live.admin.get(f"/api/v1/incidents/{incident_id}/escalation").json()
        assert state["status"] == "active" and state["next_due_at"] == "2026-11-25T09:00:00Z"
        clock.set(datetime(2026, 11, 25, 8, 59, tzinfo=UTC))
        live.tick()
        assert "/page" not in paths(receiver)
        clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
        live.tick()
        assert paths(receiver) == ["/chat", "/page"]
        # In support hours a P1 pages at once.
        [day] = live.fire(am_alert("CartErrors", severity="high"))
        live.tick()
        assert paths(receiver) == ["/chat", "/page", "/page"]
        assert live.incident(day["incident_id"])["severity"] == "P1"


def test_a_p1_acknowledged_at_night_is_not_paged_in_the_morning(
        db_url: str, tmp_path: Path, receiver: Receiver, smtp: tuple[Mailbox, int]) -> None:
    clock = FixedClock(TUESDAY_20)
    with live_firebreak(quiet_yaml(receiver, smtp[1]), db_url=db_url, tmp_path=tmp_path, clock=clock) as live:
        [night] = live.fire(am_alert("CheckoutSlow", severity="high"))
        live.tick()
        assert live.admin.post(f"/api/v1/incidents/{night['incident_id']}/acknowledge").status_code == 200
        clock.set(datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
        live.tick()
        assert "/page" not in paths(receiver)


def test_route_test_says_the_urgency_and_never_pages_yes_for_a_quiet_severity(
        db_url: str, tmp_path: Path, receiver: Receiver, smtp: tuple[Mailbox, int]) -> None:
    clock = FixedClock(TUESDAY_10)
    with live_firebreak(quiet_yaml(receiver, smtp[1]), db_url=db_url, tmp_path=tmp_path, clock=clock) as live:
        def route(severity: str, at: datetime) -> dict[str, object]:
            body = {"labels": {"alertname": "X", "severity": severity}, "at": at.isoformat()}
            response = live.admin.post("/api/v1/route/test", json=body)
            assert response.status_code == 200, response.text
            return dict(response.json())
        assert [(r["urgency"], r["pages"]) for r in (route(s, TUESDAY_10) for s in ("critical", "high", "warning",
                                                                                     "info"))] == [
            ("high", True), ("high", True), ("low", False), ("none", False)]
        night = route("high", TUESDAY_20)
        assert (night["urgency"], night["pages"], night["pages_at"]) == ("low", False, "2026-11-25T09:00:00Z")
        assert "outside support hours" in str(night["urgency_reason"])

"""Rule REO-1: a new alert for a group whose incident resolved less than `reopen_within` ago reopens it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from firebreak.config import parse_config
from firebreak.kernel.clock import FixedClock
from firebreak.kernel.errors import ConfigError
from tests.escalate.live import Live, live_firebreak
from tests.notify.conftest import Receiver
from tests.payloads import am_alert

MIN = timedelta(minutes=1)

REOPEN_YAML = """
severity_scale: sev1-sev4
auto_resolve: true
{reopen}
default_route: {{team: web, escalation_policy: web}}
teams: [{{name: web, members: [ana]}}]
users: [{{name: Ana, handle: ana, contact: [{{via: "{hook}"}}]}}]
escalation_policies:
  - name: web
    levels: [{{notify: ["user:ana"], wait: 5m}}]
"""


def fire_and_resolve(live: Live, instance: str) -> int:
    [opened] = live.fire(am_alert("CheckoutErrors", severity="critical", instance=instance))
    live.tick()
    live.clock.advance(2 * MIN)
    [resolved] = live.fire(am_alert("CheckoutErrors", status="resolved", severity="critical", instance=instance))
    assert resolved["outcome"] == "resolved"
    assert live.incident(opened["incident_id"])["status"] == "resolved"
    return int(opened["incident_id"])


def test_reopen_within_reopens_the_resolved_incident_and_pages_again(
        db_url: str, tmp_path: Path, clock: FixedClock, receiver: Receiver) -> None:
    text = REOPEN_YAML.format(reopen="reopen_within: 30m", hook=receiver.url)
    with live_firebreak(text, db_url=db_url, tmp_path=tmp_path, clock=clock) as live:
        incident_id = fire_and_resolve(live, "a")
        assert len(receiver.accepted) == 1
        live.clock.advance(10 * MIN)
        [again] = live.fire(am_alert("CheckoutErrors", severity="critical", instance="b"))
        assert (again["outcome"], again["incident_id"]) == ("reopened", incident_id)
        incident = live.incident(incident_id)
        assert incident["status"] == "triggered" and incident["firing_count"] == 1
        reopened = [e for e in live.timeline(incident_id) if e["kind"] == "incident.status"][-1]
        assert (reopened["data"]["from"], reopened["data"]["to"], reopened["data"]["rule"]) == (
            "resolved", "triggered", "REO-1")
        assert "within 30m" in reopened["data"]["reason"]
        live.tick()
        assert len(receiver.accepted) == 2  # paging started again
        assert live.incident_ids() == [incident_id]
        # Resolved again, and a new alert after the window opens a new incident.
        live.clock.advance(MIN)
        live.fire(am_alert("CheckoutErrors", status="resolved", severity="critical", instance="b"))
        live.clock.advance(31 * MIN)
        [late] = live.fire(am_alert("CheckoutErrors", severity="critical", instance="c"))
        assert late["outcome"] == "opened" and late["incident_id"] != incident_id


def test_without_reopen_within_a_new_alert_opens_a_new_incident(
        db_url: str, tmp_path: Path, clock: FixedClock, receiver: Receiver) -> None:
    text = REOPEN_YAML.format(reopen="", hook=receiver.url)
    with live_firebreak(text, db_url=db_url, tmp_path=tmp_path, clock=clock) as live:
        incident_id = fire_and_resolve(live, "a")
        live.clock.advance(MIN)
        [again] = live.fire(am_alert("CheckoutErrors", severity="critical", instance="b"))
        assert again["outcome"] == "opened" and again["incident_id"] != incident_id
        assert live.incident(incident_id)["status"] == "resolved"


def test_a_closed_incident_is_never_reopened(db_url: str, tmp_path: Path, clock: FixedClock,
                                             receiver: Receiver) -> None:
    text = REOPEN_YAML.format(reopen="reopen_within: 1h", hook=receiver.url)
    with live_firebreak(text, db_url=db_url, tmp_path=tmp_path, clock=clock) as live:
        incident_id = fire_and_resolve(live, "a")
        reviewed = live.admin.put(f"/api/v1/incidents/{incident_id}/review", json={
            "sections": {"root_cause": "A bad deploy.", "resolution": "Rolled back."}, "status": "complete"})
        assert reviewed.status_code == 200, reviewed.text
        closed = live.admin.post(f"/api/v1/incidents/{incident_id}/transition", json={"status": "closed"})
        assert closed.status_code == 200
        [again] = live.fire(am_alert("CheckoutErrors", severity="critical", instance="b"))
        assert again["outcome"] == "opened" and again["incident_id"] != incident_id


def test_reopen_within_is_a_duration() -> None:
    assert parse_config("reopen_within: 2h").reopen_within == timedelta(hours=2)
    assert parse_config("{}").reopen_within == timedelta(0)
    with pytest.raises(ConfigError, match="reopen_within"):
        parse_config("reopen_within: soon")

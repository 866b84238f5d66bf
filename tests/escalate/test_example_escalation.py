"""The bundled example's escalation policies on an injected clock: repeats past levels kept for SEV1,
visible exhaustion, and the 2-hour acknowledgement timeout."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from firebreak.config import default_config_path
from firebreak.kernel.clock import FixedClock
from firebreak.notify.console import ConsoleChannel
from tests.escalate.live import Live, live_firebreak
from tests.payloads import am_alert

MIN = timedelta(minutes=1)
EXAMPLE = default_config_path().read_text(encoding="utf-8")


def example(db_url: str, tmp_path: Path, clock: FixedClock):  # type: ignore[no-untyped-def]
    # The example's first contact method of everyone is log:// (the server log); the rest are
    # real services that cannot be reached from a test, so only the log channel is offered.
    return live_firebreak(EXAMPLE, db_url=db_url, tmp_path=tmp_path, clock=clock, channels=[ConsoleChannel()])


def walk(live: Live, start, minutes: list[int]) -> None:  # type: ignore[no-untyped-def]
    for offset in minutes:
        live.clock.set(start + offset * MIN)
        live.tick()


def test_a_sev2_database_incident_keeps_paging_after_the_manager_then_ends_exhausted_visibly(
        db_url: str, tmp_path: Path, clock: FixedClock) -> None:
    start = clock.now()
    with example(db_url, tmp_path, clock) as live:
        [opened] = live.fire(am_alert("PostgresTooManyConnections", service="postgres", severity="warning"))
        incident_id = opened["incident_id"]
        incident = live.incident(incident_id)
        assert (incident["severity"], incident["escalation_policy"]) == ("SEV2", "data-default")
        walk(live, start, [0, 5, 15])
        assert [level for _, level, _, _ in live.deliveries(incident_id)] == [1, 2, 3]  # 3 is the manager
        assert [user for _, _, user, _ in live.deliveries(incident_id)][1:] == ["olu", "hannah"]
        walk(live, start, [30, 35, 45, 60, 65, 75])
        assert [level for _, level, _, _ in live.deliveries(incident_id)] == [1, 2, 3] * 3
        assert all(status == "delivered" for *_, status in live.deliveries(incident_id))
        assert live.incident(incident_id)["escalation"]["status"] == "active"
        walk(live, start, [89])
        assert live.incident(incident_id)["escalation"]["status"] == "active"
        walk(live, start, [90])
        escalation = live.incident(incident_id)["escalation"]
        assert (escalation["status"], escalation["turns_taken"], escalation["next_due_at"]) == ("exhausted", 9, None)
        exhausted = [e for e in live.timeline(incident_id) if e["kind"] == "escalation.exhausted"]
        assert len(exhausted) == 1 and exhausted[0]["data"]["policy"] == "data-default"
        walk(live, start, [120, 240])
        assert len(live.deliveries(incident_id)) == 9


def test_a_sev2_platform_incident_repeats_although_the_last_level_is_only_for_sev1(
        db_url: str, tmp_path: Path, clock: FixedClock) -> None:
    start = clock.now()
    with example(db_url, tmp_path, clock) as live:
        [opened] = live.fire(am_alert("GatewayErrors", service="api-gateway", severity="error"))
        incident_id = opened["incident_id"]
        assert live.incident(incident_id)["severity"] == "SEV2"
        walk(live, start, [0, 5, 15, 30, 35, 45, 60, 65, 75, 90])
        delivered = live.deliveries(incident_id)
        assert [level for _, level, _, _ in delivered] == [1, 2, 3] * 3  # never level 4 (sam, SEV1 only)
        assert "sam" not in {user for _, _, user, _ in delivered}
        assert live.incident(incident_id)["escalation"]["status"] == "exhausted"


def test_the_two_hour_acknowledgement_timeout_pages_again_from_the_first_level(
        db_url: str, tmp_path: Path, clock: FixedClock) -> None:
    start = clock.now()
    with example(db_url, tmp_path, clock) as live:
        [opened] = live.fire(am_alert("GatewayDown", service="api-gateway", severity="critical"))
        incident_id = opened["incident_id"]
        walk(live, start, [0])
        live.clock.set(start + 3 * MIN)
        assert live.admin.post(f"/api/v1/incidents/{incident_id}/acknowledge").status_code == 200
        escalation = live.incident(incident_id)["escalation"]
        assert escalation["status"] == "acknowledged"
        repage_at = start + 3 * MIN + timedelta(hours=2)
        assert escalation["next_due_at"] == repage_at.isoformat().replace("+00:00", "Z")
        live.clock.set(repage_at - timedelta(seconds=1))
        live.tick()
        assert [kind for kind, *_ in live.deliveries(incident_id)] == ["page"]
        live.clock.set(repage_at)
        live.tick()
        assert [(kind, level) for kind, level, _, _ in live.deliveries(incident_id)] == [("page", 1), ("repage", 1)]
        escalation = live.incident(incident_id)["escalation"]
        assert (escalation["status"], escalation["repages"]) == ("active", 1)
        kinds = live.kinds(incident_id)
        assert kinds.index("escalation.ack_timeout") < kinds.index("escalation.repaged")
        assert live.incident(incident_id)["status"] == "acknowledged"  # the person still has it

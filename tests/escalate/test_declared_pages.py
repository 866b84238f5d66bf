"""A declared incident pages like an alert-opened one: through the outbox to a real local webhook receiver,
level after level, and an acknowledgement stops it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from firebreak.kernel.clock import FixedClock
from tests.escalate.live import live_firebreak
from tests.notify.conftest import Receiver
from tests.payloads import am_alert

MIN = timedelta(minutes=1)

DECLARED_YAML = """
severity_scale: sev1-sev4
default_route: {{team: web, escalation_policy: web}}
teams: [{{name: web, members: [ana, ben]}}]
services: [{{name: checkout, team: web}}]
users:
  - {{name: Ana, handle: ana, contact: [{{via: "{hook}"}}]}}
  - {{name: Ben, handle: ben, contact: [{{via: "{hook}"}}]}}
escalation_policies:
  - name: web
    levels: [{{notify: ["user:ana"], wait: 5m}}, {{notify: ["user:ben"], wait: 5m}}]
"""


def test_a_declared_incident_pages_level_after_level_like_an_alert_opened_one(
        db_url: str, tmp_path: Path, clock: FixedClock, receiver: Receiver) -> None:
    with live_firebreak(DECLARED_YAML.format(hook=receiver.url), db_url=db_url, tmp_path=tmp_path,
                        clock=clock) as live:
        response = live.admin.post("/api/v1/incidents", json={
            "title": "Customer reports card data on a paste site", "severity": "SEV1", "services": ["checkout"]})
        assert response.status_code == 201, response.text
        declared = response.json()["id"]
        [fired] = live.fire(am_alert("CheckoutErrors", service="checkout", severity="critical"))
        alerted = fired["incident_id"]
        live.tick()
        titles = [request["body"]["title"] for request in receiver.accepted]
        assert sorted(titles) == sorted([f"[SEV1] #{alerted} CheckoutErrors on checkout",
                                         f"[SEV1] #{declared} Customer reports card data on a paste site"])
        page = next(r["body"] for r in receiver.accepted if f"#{declared}" in r["body"]["title"])
        assert "/ack/" in page["message"] and f"/incidents/{declared}" in page["message"]  # the console page
        for incident_id in (declared, alerted):
            assert live.deliveries(incident_id) == [("page", 1, "ana", "delivered")]
        # Nobody acknowledged: five minutes later both go to the second level.
        clock.advance(5 * MIN)
        live.tick()
        for incident_id in (declared, alerted):
            assert live.deliveries(incident_id) == [("page", 1, "ana", "delivered"), ("page", 2, "ben", "delivered")]
        kinds = [kind for kind in live.kinds(declared) if kind.startswith(("escalation.", "notification."))]
        assert kinds == [kind for kind in live.kinds(alerted) if kind.startswith(("escalation.", "notification."))]
        assert live.admin.post(f"/api/v1/incidents/{declared}/acknowledge").status_code == 200
        clock.advance(10 * MIN)
        live.tick()
        assert len(live.deliveries(declared)) == 2
        assert live.incident(declared)["escalation"]["status"] == "acknowledged"

"""A real Prometheus Alertmanager delivers to Firebreak: webhook receiver and pagerduty_configs."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from firebreak.db.models.core import AlertRecord, IncidentRecord
from firebreak.kernel.clock import SystemClock
from firebreak.runtime import Runtime
from firebreak.security.bootstrap import bootstrap
from tests.support.live import free_port, live_server, wait_for

ALERTMANAGER = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")


WEBHOOK = """  - name: firebreak-webhook
    webhook_configs:
      - url: {firebreak}/api/v1/alerts/alertmanager
        send_resolved: true
        http_config:
          authorization:
            credentials: {ingest_key}
"""
PAGERDUTY = """  - name: firebreak-pagerduty
    pagerduty_configs:
      - url: {firebreak}/v2/enqueue
        routing_key: {ingest_key}
        send_resolved: true
"""
# The group's labels in the PagerDuty event's details (Alertmanager's default sends only counts).
LABELLED_DETAILS = """        details:
          alertname: '{{{{ .CommonLabels.alertname }}}}'
          service: '{{{{ .CommonLabels.service }}}}'
          severity: '{{{{ .CommonLabels.severity }}}}'
"""


def am_config(*, webhook: bool = True, details: str = "") -> str:
    """An Alertmanager configuration template: PagerDuty receiver, optionally a webhook twin beside it."""
    head = """
route:
  receiver: {root}
  group_by: [alertname, service]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
"""
    if not webhook:
        return head.format(root="firebreak-pagerduty") + "receivers:\n" + PAGERDUTY + details
    return (head.format(root="both") + """  routes:
    - receiver: firebreak-webhook
      continue: true
    - receiver: firebreak-pagerduty
receivers:
  - name: both
""" + WEBHOOK + PAGERDUTY + details)


@pytest.fixture
def live_runtime(settings) -> Runtime:  # type: ignore[no-untyped-def]
    rt = Runtime(settings, clock=SystemClock())
    yield rt
    rt.close()


def alerts_of(runtime: Runtime, source: str) -> list[AlertRecord]:
    with runtime.session_factory() as s:
        return list(s.scalars(select(AlertRecord).where(AlertRecord.source == source)))


def test_real_alertmanager_fires_and_resolves(live_runtime: Runtime, tmp_path: Path) -> None:
    assert ALERTMANAGER, "prometheus-alertmanager is missing: scripts/test installs it"
    with live_runtime.session_factory.begin() as s:
        creds = bootstrap(s, now=live_runtime.clock.now())
    assert creds is not None
    with live_server(live_runtime) as url, alertmanager_for(url, creds.ingest_key, am_config(), tmp_path) as api:
        start = datetime.now(UTC) - timedelta(minutes=1)
        alert = {"labels": {"alertname": "DatabaseConnectionPoolExhausted", "service": "orders",
                            "severity": "critical"},
                 "annotations": {"summary": "orders-db pool exhausted"},
                 "startsAt": start.isoformat()}
        assert httpx.post(f"{api}/alerts", json=[alert]).status_code == 200
        webhook = wait_for(lambda: alerts_of(live_runtime, "alertmanager"))
        paged = wait_for(lambda: alerts_of(live_runtime, "pagerduty"))
        assert webhook[0].status == "firing" and webhook[0].labels["alertname"] == "DatabaseConnectionPoolExhausted"
        # Stored under the integration's name: the routing key itself is a secret.
        assert paged[0].status == "firing" and paged[0].routing_key == "default-ingest"
        # resolve through Alertmanager's own API: an end time in the past
        resolved = dict(alert, endsAt=datetime.now(UTC).isoformat())
        assert httpx.post(f"{api}/alerts", json=[resolved]).status_code == 200
        wait_for(lambda: all(a.status == "resolved" for a in alerts_of(live_runtime, "alertmanager")))
        wait_for(lambda: all(a.status == "resolved" for a in alerts_of(live_runtime, "pagerduty")))
        assert len(alerts_of(live_runtime, "alertmanager")) == 1


def _ready(api: str) -> bool:
    try:
        return httpx.get(f"{api}/status", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


FIREBREAK_ROUTES = """
severity_scale: sev1-sev4
teams: [{name: data}]
services: [{name: orders, team: data}]
routes:
  - name: orders
    match: {service: orders}
    severity: SEV2
"""


@contextmanager
def alertmanager_for(firebreak_url: str, ingest_key: str, template: str, tmp_path: Path) -> Iterator[str]:
    """A real Alertmanager delivering to Firebreak; yields its API URL."""
    assert ALERTMANAGER, "prometheus-alertmanager is missing: scripts/test installs it"
    (tmp_path / "am.yml").write_text(template.format(firebreak=firebreak_url, ingest_key=ingest_key))
    port = free_port()
    proc = subprocess.Popen(
        [ALERTMANAGER, f"--config.file={tmp_path / 'am.yml'}", f"--storage.path={tmp_path / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=", "--log.level=warn"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        api = f"http://127.0.0.1:{port}/api/v2"
        wait_for(lambda: _ready(api), timeout=60)
        yield api
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def am_fire(api: str, labels: dict[str, str], summary: str, *, resolved: bool = False) -> None:
    alert: dict[str, object] = {"labels": labels, "annotations": {"summary": summary},
                                "startsAt": (datetime.now(UTC) - timedelta(minutes=1)).isoformat()}
    if resolved:
        alert["endsAt"] = datetime.now(UTC).isoformat()
    assert httpx.post(f"{api}/alerts", json=[alert], timeout=10).status_code == 200


def incidents_of(runtime: Runtime) -> list[IncidentRecord]:
    with runtime.session_factory() as s:
        return list(s.scalars(select(IncidentRecord).order_by(IncidentRecord.id)))


def test_default_pagerduty_configs_one_group_is_one_incident(live_runtime: Runtime, tmp_path: Path) -> None:
    with live_runtime.session_factory.begin() as s:
        creds = bootstrap(s, now=live_runtime.clock.now())
    assert creds is not None
    errors = {"alertname": "HighErrorRate", "service": "api", "severity": "critical"}
    template = am_config(webhook=False)  # Alertmanager's default pagerduty_configs, nothing hand-configured
    with live_server(live_runtime) as url, alertmanager_for(url, creds.ingest_key, template, tmp_path) as api:
        am_fire(api, {**errors, "instance": "a"}, "5xx high on a")
        wait_for(lambda: alerts_of(live_runtime, "pagerduty"))
        # a second alert joins the Alertmanager group: the summary changes, the dedup_key does not
        am_fire(api, {**errors, "instance": "b"}, "5xx high on b")
        wait_for(lambda: any("FIRING:2" in a.summary for a in alerts_of(live_runtime, "pagerduty")))
        # another group is another incident
        am_fire(api, {"alertname": "DiskFull", "service": "db", "severity": "warning"}, "disk 95%")
        wait_for(lambda: len(alerts_of(live_runtime, "pagerduty")) == 2)
        first, second = incidents_of(live_runtime)
        assert first.alert_count == 1 and second.alert_count == 1
        assert first.group_key != second.group_key
        # the whole group resolves: Alertmanager sends resolve and the incident resolves with it
        for instance in ("a", "b"):
            am_fire(api, {**errors, "instance": instance}, "5xx high", resolved=True)
        wait_for(lambda: incidents_of(live_runtime)[0].status == "resolved", timeout=60)
        assert incidents_of(live_runtime)[1].status == "triggered"


def test_pagerduty_details_with_labels_name_route_and_group_it(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "firebreak.yaml").write_text(FIREBREAK_ROUTES)
    settings.config = tmp_path / "firebreak.yaml"
    runtime = Runtime(settings, clock=SystemClock())
    try:
        with runtime.session_factory.begin() as s:
            creds = bootstrap(s, now=runtime.clock.now())
        assert creds is not None
        pool = {"alertname": "DatabaseConnectionPoolExhausted", "service": "orders", "severity": "critical"}
        template = am_config(details=LABELLED_DETAILS)
        with live_server(runtime) as url, alertmanager_for(url, creds.ingest_key, template, tmp_path) as api:
            am_fire(api, {**pool, "instance": "db-1"}, "orders-db pool exhausted")
            webhook = wait_for(lambda: alerts_of(runtime, "alertmanager"))
            paged = wait_for(lambda: alerts_of(runtime, "pagerduty"))
            assert paged[0].name == "DatabaseConnectionPoolExhausted"
            assert (paged[0].service, paged[0].severity) == ("orders", "SEV2")
            # the PagerDuty event and its webhook twin are one incident
            assert paged[0].incident_id == webhook[0].incident_id
            [incident] = incidents_of(runtime)
            assert incident.team == "data" and incident.alert_count == 2
    finally:
        runtime.close()

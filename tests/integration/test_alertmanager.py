"""A real Prometheus Alertmanager delivers to Firebreak: webhook receiver and pagerduty_configs."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from firebreak.db.models.core import AlertRecord
from firebreak.kernel.clock import SystemClock
from firebreak.runtime import Runtime
from firebreak.security.bootstrap import bootstrap
from tests.support.live import free_port, live_server, wait_for

ALERTMANAGER = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")


def am_config(firebreak: str, ingest_key: str) -> str:
    return f"""
route:
  receiver: firebreak-webhook
  group_by: [alertname, service]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - receiver: firebreak-webhook
      continue: true
    - receiver: firebreak-pagerduty
receivers:
  - name: firebreak-webhook
    webhook_configs:
      - url: {firebreak}/api/v1/alerts/alertmanager
        send_resolved: true
        http_config:
          authorization:
            credentials: {ingest_key}
  - name: firebreak-pagerduty
    pagerduty_configs:
      - url: {firebreak}/v2/enqueue
        routing_key: {ingest_key}
        send_resolved: true
"""


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
    with live_server(live_runtime) as url:
        (tmp_path / "am.yml").write_text(am_config(url, creds.ingest_key))
        port = free_port()
        proc = subprocess.Popen(
            [ALERTMANAGER, f"--config.file={tmp_path / 'am.yml'}", f"--storage.path={tmp_path / 'data'}",
             f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=", "--log.level=warn"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            api = f"http://127.0.0.1:{port}/api/v2"
            wait_for(lambda: _ready(api), timeout=20)
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
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def _ready(api: str) -> bool:
    try:
        return httpx.get(f"{api}/status", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False

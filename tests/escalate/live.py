"""A whole Firebreak on one configuration for end-to-end escalation tests: HTTP ingest, worker, real channels."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from firebreak.config import parse_config
from firebreak.db.models.core import IncidentRecord, TimelineEntryRecord
from firebreak.escalate.worker import Worker, default_channels
from firebreak.http.app import create_app
from firebreak.kernel.clock import FixedClock
from firebreak.kernel.settings import Settings
from firebreak.notify.channel import Channel
from firebreak.runtime import Runtime
from firebreak.security.bootstrap import bootstrap
from tests.conftest import auth
from tests.payloads import alertmanager


@dataclass
class Live:
    """Firebreak with its HTTP API (admin and ingest clients) and a worker sending through real channels."""

    runtime: Runtime
    admin: TestClient
    ingest: TestClient
    worker: Worker
    clock: FixedClock
    ingest_key: str

    def fire(self, *alerts: dict[str, Any]) -> list[dict[str, Any]]:
        """POST an Alertmanager webhook; the per-alert outcomes."""
        response = self.ingest.post("/api/v1/alerts/alertmanager", json=alertmanager(*alerts))
        assert response.status_code == 202, response.text
        return list(response.json()["results"])

    def tick(self) -> None:
        """One worker pass: due escalation turns, then every due notification sent and recorded."""
        self.worker.run_turns()
        self.worker.deliver()

    def incident(self, incident_id: int) -> dict[str, Any]:
        response = self.admin.get(f"/api/v1/incidents/{incident_id}")
        assert response.status_code == 200, response.text
        return dict(response.json())

    def timeline(self, incident_id: int) -> list[dict[str, Any]]:
        return list(self.admin.get(f"/api/v1/incidents/{incident_id}/timeline").json())

    def kinds(self, incident_id: int) -> list[str]:
        with self.runtime.session_factory() as session:
            return list(session.scalars(select(TimelineEntryRecord.kind)
                                        .where(TimelineEntryRecord.incident_id == incident_id)
                                        .order_by(TimelineEntryRecord.seq)))

    def deliveries(self, incident_id: int) -> list[tuple[str, int, str, str]]:
        """(kind, level, user, status) of each incident notification to a first contact method, in order."""
        rows = self.admin.get(f"/api/v1/incidents/{incident_id}/deliveries").json()
        return [(row["kind"], row["level"], row["user"], row["status"]) for row in rows if row["contact_index"] == 0]

    def incident_ids(self) -> list[int]:
        with self.runtime.session_factory() as session:
            return list(session.scalars(select(IncidentRecord.id).order_by(IncidentRecord.id)))


@contextmanager
def live_firebreak(yaml_text: str, *, db_url: str, tmp_path: Path, clock: FixedClock,
                   channels: Sequence[Channel] | None = None) -> Iterator[Live]:
    """Start Firebreak on `yaml_text` (no background worker: the test drives it on the injected clock).

    The worker sends through the real channels (console/log and apprise) unless `channels` says otherwise.
    """
    path = tmp_path / "live.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    settings = Settings(database_url=db_url, data_dir=tmp_path, run_worker=False, config=path,
                        secret_key="test-secret", public_url="http://firebreak.test")
    runtime = Runtime(settings, clock=clock, initial_config=parse_config(yaml_text, file=str(path)))
    try:
        with runtime.session_factory.begin() as session:
            first = bootstrap(session, now=clock.now())
            assert first is not None
        app = create_app(runtime, background=False)
        with TestClient(app, raise_server_exceptions=False, headers=auth(first.admin_token)) as admin, \
                TestClient(app, raise_server_exceptions=False, headers=auth(first.ingest_key)) as ingest:
            worker = Worker(runtime.session_factory, runtime.escalator.directory, clock,
                            channels=list(channels) if channels is not None else default_channels())
            yield Live(runtime, admin, ingest, worker, clock, first.ingest_key)
    finally:
        runtime.close()

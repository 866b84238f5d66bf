"""Two workers on one PostgreSQL database never send one reminder (or one summary) twice."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from firebreak.communicate.timer import CadenceOutcome, CadenceTimer
from firebreak.db.models.escalate import OutboxRecord
from firebreak.kernel.clock import FixedClock
from firebreak.runtime import Runtime
from tests.communicate.conftest import minutes
from tests.conftest import truncate_all
from tests.payloads import alertmanager, am_alert

INCIDENTS = 60


@pytest.fixture
def db_url(pg_database: str) -> str:
    """Only PostgreSQL lets two workers claim rows side by side (SQLite takes one writer at a time)."""
    truncate_all(pg_database)
    return pg_database


def test_two_workers_never_send_one_reminder_twice(runtime: Runtime, ingest_client: TestClient,
                                                   clock: FixedClock) -> None:
    alerts = [am_alert(f"Broken{n}", service="api", severity="critical") for n in range(INCIDENTS)]
    response = ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(*alerts))
    assert response.status_code == 202, response.text
    assert len({r["incident_id"] for r in response.json()["results"]}) == INCIDENTS
    clock.advance(minutes(5))  # every incident's initial update and first summary are due now
    timers = [CadenceTimer(runtime.session_factory, runtime.communicator.rules, runtime.escalator.directory, clock,
                           batch=7) for _ in range(2)]
    start = threading.Barrier(2)

    def work(timer: CadenceTimer) -> list[CadenceOutcome]:
        start.wait()
        done: list[CadenceOutcome] = []
        while outcomes := timer.run():
            done.extend(outcomes)
        return done

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(work, timers))
    assert all(results), "both workers took part"
    actions = Counter((o.cadence_id, o.action) for done in results for o in done)
    assert len(actions) == 2 * INCIDENTS and set(actions.values()) == {1}  # each cadence acted on once
    with runtime.read_session_factory() as session:
        rows = list(session.scalars(select(OutboxRecord).where(OutboxRecord.kind.in_(("reminder", "brief")))))
    per_incident = Counter((row.incident_id, row.kind) for row in rows)
    assert len(per_incident) == 2 * INCIDENTS and set(per_incident.values()) == {1}
    # Nothing more is due until the reminder repeats.
    assert all(timer.run() == [] for timer in timers)

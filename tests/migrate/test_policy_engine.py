"""An imported policy run by the durable escalation worker on an injected clock pages the same people after the
same delays as the PagerDuty policy it came from (worked by hand), on SQLite and PostgreSQL."""

# Fixtures imported from another folder are named again as parameters; that is how pytest uses them.

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest

from firebreak.config.loader import load_config
from firebreak.config.models import Config
from firebreak.escalate.handlers import EscalateHandlers
from firebreak.escalate.worker import Worker, WorkerOptions
from firebreak.incident import service
from firebreak.incident.events import IncidentOpened
from firebreak.kernel.clock import FixedClock
from firebreak.kernel.settings import Settings
from firebreak.migrate.folder import read_folder
from firebreak.migrate.pagerduty import classify, import_pagerduty
from firebreak.notify.console import ConsoleChannel
from firebreak.runtime import Runtime
from tests.escalate.conftest import escalation, paged_users
from tests.migrate.conftest import FIXTURES
from tests.migrate.oracle import utc

START = utc("2015-11-10T21:45:00Z")  # 16:45 in New York: Regina's restricted hours end at 17:00


@pytest.fixture
def imported_file(tmp_path: Path) -> Path:
    imported = import_pagerduty(read_folder([FIXTURES / "pd_escalation_policy_PT20YPA_another.json",
                                             FIXTURES / "pd_schedule_PI7DH85_daily_engineering_rotation.json"],
                                            classify, "PagerDuty"))
    path = tmp_path / "imported.yaml"
    path.write_text(imported.to_yaml(), encoding="utf-8")
    return path


@pytest.fixture
def example_config(imported_file: Path) -> Config:
    return load_config(imported_file)


@pytest.fixture
def settings(db_url: str, tmp_path: Path, imported_file: Path) -> Settings:
    return Settings(database_url=db_url, data_dir=tmp_path, run_worker=False, config=imported_file,
                    secret_key="test-secret", public_url="http://firebreak.test")


def test_the_worker_pages_the_imported_policy_at_its_delays(runtime: Runtime, clock: FixedClock) -> None:
    clock.set(START)
    directory = runtime.escalator.directory()
    with runtime.session_factory.begin() as session:
        incident = service.open_incident(session, title="Mail queue stuck", severity="SEV1", service=None, team=None,
                                         escalation_policy="another-escalation-policy", group_key="mail", now=START,
                                         actor="test", data={})
        EscalateHandlers(lambda: directory).opened(session, IncidentOpened(incident, None, None, START))  # type: ignore[arg-type]
        incident_id = incident.id
    worker = Worker(runtime.session_factory, lambda: directory, clock, channels=[ConsoleChannel(io.StringIO())],
                    options=WorkerOptions(batch=100))
    # Hand-worked: rule 1 (Kyler Kuhn, then whoever is on call in Daily Engineering Rotation) at 0; num_loops 2
    # walks it again at 30 and 60 minutes, when Regina's hours (08:00–17:00 New York) are over; done at 90.
    expected = {0: [(1, "kyler-kuhn"), (1, "regina-phalange")], 29: [], 30: [(1, "kyler-kuhn")],
                60: [(1, "kyler-kuhn")]}
    paged: list[tuple[int, str]] = []
    for minute in (0, 29, 30, 60):
        clock.set(START + timedelta(minutes=minute))
        worker.run_turns()
        paged += expected[minute]
        with runtime.session_factory() as session:
            assert paged_users(session, incident_id) == paged, minute
    clock.set(START + timedelta(minutes=90))
    worker.run_turns()
    with runtime.session_factory() as session:
        assert escalation(session, incident_id).status == "exhausted"
        assert paged_users(session, incident_id) == paged

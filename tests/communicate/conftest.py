"""Communicate fixtures: a seed-002 style configuration, incidents opened through real ingest, the cadence timer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from firebreak.communicate.timer import CadenceTimer
from firebreak.config import Config, parse_config
from firebreak.db.models.communicate import UpdateCadenceRecord
from firebreak.db.models.escalate import OutboxRecord
from firebreak.kernel.settings import Settings
from firebreak.runtime import Runtime
from tests.notify import conftest as peers
from tests.payloads import alertmanager, am_alert

COMMUNICATE_YAML = """
severity_scale: sev1-sev4
default_route: {team: platform, escalation_policy: platform}
teams:
  - {name: platform, escalation_policy: platform, members: [ann, bob, cara]{team_chat}}
users:
  - {name: Ann Oncall, handle: ann, chat_handle: "@ann", contact: [{via: "console://"}]}
  - {name: Bob Commander, handle: bob, chat_handle: "@bob", contact: [{via: "console://"}]}
  - {name: Cara Comms, handle: cara, chat_handle: "@cara", contact: [{via: "console://"}, {via: "log://", after: 1m}]}
  - {name: Dan Nocontact, handle: dan}
services:
  - {name: api, team: platform, component: API}
  - {name: db, team: platform, component: Database}
  - {name: worker, team: platform}
schedules:
  - name: primary
    rotations: [{users: [ann], every: 1w, handoff: "Mon 09:00"}]
escalation_policies:
  - name: platform
    levels: [{notify: ["schedule:primary"], wait: 5m}]
communicate:
{communicate}
"""
DEFAULT_COMMUNICATE = """  stakeholders:
    - {name: leadership, severities: [SEV1, SEV2], contacts: ["console://"], every: 30m}
"""


def communicate_yaml(communicate: str = DEFAULT_COMMUNICATE, team_chat: str = "") -> str:
    return COMMUNICATE_YAML.replace("{team_chat}", team_chat).replace("{communicate}", communicate)


@pytest.fixture
def communicate_text() -> str:
    """The configuration of these tests; a test module may override this fixture."""
    return communicate_yaml()


@pytest.fixture
def example_config(communicate_text: str) -> Config:
    return parse_config(communicate_text, file="communicate.yaml")


@pytest.fixture
def settings(db_url: str, tmp_path: Path, communicate_text: str) -> Settings:
    path = tmp_path / "communicate.yaml"
    path.write_text(communicate_text, encoding="utf-8")
    return Settings(database_url=db_url, data_dir=tmp_path, run_worker=False, config=path,
                    secret_key="test-secret", public_url="http://firebreak.test")


@pytest.fixture
def timer(runtime: Runtime) -> CadenceTimer:
    return runtime.communicator.timer()


Fire = Callable[..., int]


@pytest.fixture
def fire(ingest_client: TestClient) -> Fire:
    """Open an incident through the Alertmanager webhook (severity critical is SEV1, warning SEV3 …)."""
    counter = iter(range(1, 1_000_000))

    def make(severity: str = "critical", service: str = "api", name: str | None = None, **labels: Any) -> int:
        alert = am_alert(name or f"Broken{next(counter)}", service=service, severity=severity, **labels)
        response = ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(alert))
        assert response.status_code == 202, response.text
        return int(response.json()["results"][0]["incident_id"])

    return make


def reminders(runtime: Runtime, incident_id: int) -> list[OutboxRecord]:
    """The status-update reminders queued for an incident (first contact method only), oldest first."""
    return [row for row in outbox_of(runtime, incident_id, "reminder") if row.contact_index == 0]


def outbox_of(runtime: Runtime, incident_id: int, kind: str) -> list[OutboxRecord]:
    """An incident's outbox rows of one kind, read in a fresh transaction."""
    with runtime.read_session_factory() as session:
        return list(session.scalars(select(OutboxRecord).where(
            OutboxRecord.incident_id == incident_id, OutboxRecord.kind == kind).order_by(OutboxRecord.id)))


def cadence(runtime: Runtime, incident_id: int, track: str = "updates") -> UpdateCadenceRecord:
    with runtime.read_session_factory() as session:
        return session.scalars(select(UpdateCadenceRecord).where(UpdateCadenceRecord.incident_id == incident_id,
                                                                 UpdateCadenceRecord.track == track)).one()


def minutes(count: float) -> timedelta:
    return timedelta(minutes=count)


receiver = peers.receiver  # a real local HTTP receiver
smtp = peers.smtp  # a real local SMTP server (aiosmtpd)
